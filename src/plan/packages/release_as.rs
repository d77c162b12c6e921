//! `Release-As:` footers in a repository of several packages.
//!
//! One version for several packages is almost never meant: their version lines are unrelated, so
//! one number is a downgrade for one and a leap for another. So a footer names one package's
//! version, and only unambiguously:
//! - `Release-As: formatter--v2.0.0` (the package's own tag) sets that package's next version, in
//!   any commit since its last release, whichever files the commit changes (an empty commit too);
//! - `Release-As: 2.0.0` sets the next version of the one package the commit belongs to; in a
//!   commit that belongs to several packages, or to none, it sets nothing, and the plan says so and
//!   how to name the package.
//!
//! As in single-package mode the highest footer wins, `--bump` wins over it, and the version must
//! be higher than the package's current one (or the release stops with exit 2).

use semver::Version;

use super::PackageRead;
use crate::attribution::InRange;
use crate::commits;
use crate::package::Package;
use crate::tags::TagScheme;
use crate::text::short_sha;

/// Reads the `Release-As` footer of one commit into the states of the packages it names.
/// `selected` are the packages the states index; `all` every package's tag scheme (a footer that
/// names a package not planned now is no mistake); `outside`: the commit changes no package.
pub(super) fn read(
    sha: &str,
    message: &str,
    selected: &[&Package],
    all: &[&TagScheme],
    states: &mut [InRange<'_, PackageRead>],
    outside: bool,
    warnings: &mut Vec<String>,
) {
    let Some(value) = commits::release_as(message) else { return };
    let mut named = false;
    for package in states.iter_mut() {
        if let Some(version) = selected[package.index].tag.parse(value) {
            raise(package.state, version, sha);
            named = true;
        }
    }
    if named || all.iter().any(|scheme| scheme.parse(value).is_some()) {
        return;
    }
    let Some(version) = crate::plan::release_as_version(value) else {
        warn_once(
            warnings,
            format!(
                "commit {} says `Release-As: {value}`, which is neither a semantic version nor a package's tag; the footer is ignored",
                short_sha(sha)
            ),
        );
        return;
    };
    let changed: Vec<usize> = states.iter().filter(|p| p.changed).map(|p| p.index).collect();
    match changed.as_slice() {
        [one] => {
            if let Some(package) = states.iter_mut().find(|p| p.index == *one) {
                raise(package.state, version, sha);
            }
        }
        [] if !outside => {} // It changes only packages released since; nothing to say.
        _ => {
            let names: Vec<&str> = changed.iter().map(|&i| selected[i].name.as_str()).collect();
            let example = changed.first().or(states.first().map(|p| &p.index)).map(|&i| selected[i]);
            let what = if names.is_empty() {
                "changes no package's files".to_string()
            } else {
                format!("changes several packages ({})", names.join(", "))
            };
            let fix = match example {
                Some(package) => format!("`Release-As: {}`", package.tag.format(&version)),
                None => "the package's tag".to_string(),
            };
            warn_once(
                warnings,
                format!(
                    "commit {} says `Release-As: {version}` and {what}: it sets no package's version; \
                     name the package by its tag, e.g. {fix}",
                    short_sha(sha)
                ),
            );
        }
    }
}

/// Keeps the highest footer version of a package.
fn raise(state: &mut PackageRead, version: Version, sha: &str) {
    if state.release_as.as_ref().is_none_or(|(highest, _)| version > *highest) {
        state.release_as = Some((version, sha.to_string()));
    }
}

/// Adds a warning unless it is there: the history of a package whose highest tag is on another
/// branch is walked twice, and its commits are read again.
fn warn_once(warnings: &mut Vec<String>, warning: String) {
    if !warnings.contains(&warning) {
        warnings.push(warning);
    }
}
