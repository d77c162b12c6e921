//! How this run brings the release to the branch: strategy × branch protection → [`Route`].

use crate::config::Strategy;
use crate::error::{Error, Result};
use crate::forge::Protection;
use crate::forge::github::GitHub;
use crate::report::Reporter;

/// How this run brings the release to the branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// The transaction: commit, tag and (with `--push`) push. `fallback`: when protection rejects
    /// the push, open a release pull request instead.
    Push { fallback: bool },
    /// A release pull request from the release branch.
    Pr,
    /// HEAD is a merged release pull request: tag it, nothing else.
    TagOnly,
}

/// Picks the route for a release of `branch` (nothing has changed yet). `github` is `None` when
/// the GitHub steps do not run.
pub(crate) fn decide(
    strategy: Strategy,
    pushing: bool,
    github: Option<&GitHub>,
    branch: &str,
    reporter: &mut dyn Reporter,
) -> Result<Route> {
    if !pushing {
        return Ok(Route::Push { fallback: false });
    }
    let Some(github) = github else {
        if strategy == Strategy::Pr {
            return Err(Error::input("`strategy = \"pr\"` needs GitHub, and the GitHub steps cannot run")
                .hint("run with `--push` and set GITHUB_REPOSITORY (or push to a GitHub remote)"));
        }
        return Ok(Route::Push { fallback: false });
    };
    let route = match strategy {
        Strategy::Push => Route::Push { fallback: false },
        Strategy::Pr => Route::Pr,
        Strategy::Auto => {
            let protection = github.protection(branch)?;
            let (route, note) = by_protection(&protection);
            if let Some(note) = note {
                reporter.note(&note);
            }
            route
        }
    };
    Ok(route)
}

/// `strategy = "auto"`: the route branch protection allows, and what to tell the user about it.
fn by_protection(protection: &Protection) -> (Route, Option<String>) {
    match protection {
        Protection::Allowed { .. } => (Route::Push { fallback: false }, None),
        Protection::Blocked { .. } => {
            (Route::Pr, Some(format!("{}: opening a release pull request instead", protection.describe())))
        }
        Protection::Unknown { .. } => (
            Route::Push { fallback: true },
            Some(format!(
                "{}: pushing, and opening a release pull request if the push is refused",
                protection.describe()
            )),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Collected;

    #[test]
    fn without_push_or_github_the_route_is_a_plain_push() {
        let mut reporter = Collected::default();
        for strategy in [Strategy::Auto, Strategy::Push, Strategy::Pr] {
            assert_eq!(
                decide(strategy, false, None, "main", &mut reporter).unwrap(),
                Route::Push { fallback: false }
            );
        }
        assert_eq!(
            decide(Strategy::Auto, true, None, "main", &mut reporter).unwrap(),
            Route::Push { fallback: false }
        );
        let e = decide(Strategy::Pr, true, None, "main", &mut reporter).unwrap_err();
        assert!(e.message.contains("needs GitHub"), "{e}");
        assert!(reporter.notes.is_empty());
    }

    #[test]
    fn auto_follows_protection_and_says_why() {
        let (route, note) = by_protection(&Protection::Unknown { reason: "403".into() });
        assert_eq!(route, Route::Push { fallback: true });
        assert!(
            note.unwrap().ends_with("pushing, and opening a release pull request if the push is refused")
        );
        let (route, note) = by_protection(&Protection::Blocked { reason: "reviews required".into() });
        assert_eq!(route, Route::Pr);
        assert!(note.unwrap().ends_with("opening a release pull request instead"));
    }
}
