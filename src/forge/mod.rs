//! What the release flow needs from a forge: which repository this is, whether the token may push
//! to the branch, a single release pull request, and a published release for a tag.
//!
//! Only GitHub is implemented (`github`). This module holds the forge-neutral vocabulary and the
//! pure helpers around it (repository detection, token warnings), so that the release flow can be
//! read without knowing any REST route. Nothing here talks to the network.

pub mod github;
mod http;

use std::fmt;

/// The API base URL used when `GITHUB_API_URL` is not set.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// A repository on the forge, `owner/name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    pub owner: String,
    pub name: String,
}

impl Repo {
    /// Parses `owner/name` as in `GITHUB_REPOSITORY`; `None` when it is not of that shape.
    pub fn parse(slug: &str) -> Option<Repo> {
        let (owner, name) = slug.trim().split_once('/')?;
        let name = name.strip_suffix(".git").unwrap_or(name);
        let valid = |s: &str| {
            !s.is_empty()
                && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                && s != "."
                && s != ".."
        };
        (valid(owner) && valid(name)).then(|| Repo { owner: owner.to_string(), name: name.to_string() })
    }

    /// The repository a remote URL points at, when that URL is on `host` (e.g. `github.com`, or a
    /// GitHub Enterprise Server host). Understands `https://[user@]host/o/r[.git]`,
    /// `ssh://git@host[:port]/o/r[.git]` and scp-like `git@host:o/r[.git]`.
    pub fn from_remote_url(url: &str, host: &str) -> Option<Repo> {
        let url = url.trim();
        let rest = if let Some((scheme, rest)) = url.split_once("://") {
            if !matches!(scheme, "https" | "http" | "ssh" | "git") {
                return None;
            }
            let (authority, path) = rest.split_once('/')?;
            // Drop `user[:password]@` and `:port`; neither decides which repository this is.
            let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            let authority_host = authority.split_once(':').map_or(authority, |(h, _)| h);
            if !authority_host.eq_ignore_ascii_case(host) {
                return None;
            }
            path
        } else {
            // scp-like syntax: `[user@]host:path`.
            let (authority, path) = url.split_once(':')?;
            let authority_host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            if !authority_host.eq_ignore_ascii_case(host) {
                return None;
            }
            path
        };
        Repo::parse(rest.trim_matches('/'))
    }
}

impl fmt::Display for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// Whether the token may push the release commit straight to the branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Protection {
    /// Unprotected, or every rule that would block the push can be bypassed by this token.
    Allowed { reason: String },
    /// A pull-request, status-check or similar rule applies and this token cannot bypass it.
    Blocked { reason: String },
    /// The token cannot read enough to know (e.g. `GITHUB_TOKEN` reading classic protection).
    Unknown { reason: String },
}

impl Protection {
    /// One line for the user: the verdict and why.
    pub fn describe(&self) -> String {
        match self {
            Protection::Allowed { reason } => format!("push allowed ({reason})"),
            Protection::Blocked { reason } => format!("push blocked ({reason})"),
            Protection::Unknown { reason } => format!("push permission unknown ({reason})"),
        }
    }
}

/// Whether a pull request was created by this run or an open one was brought up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrAction {
    Opened,
    Updated,
}

/// The release pull request after `open_or_update_pr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequest {
    pub number: u64,
    /// The page a person opens (`html_url`).
    pub url: String,
    pub action: PrAction,
}

/// What `publish_release` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseAction {
    /// A published release for the tag already existed; nothing was changed.
    AlreadyPublished,
    /// A draft left by an interrupted run was completed and published.
    PublishedDraft,
    /// The release was created (as a draft) and published by this run.
    Created,
    /// Asked for a draft: this run created it and left it unpublished.
    DraftCreated,
    /// Asked for a draft: one for the tag existed already (an earlier run's) and is left as it is.
    DraftExists,
}

/// Where a published release stands among the repository's releases: GitHub marks one release
/// "Latest", and a pre-release must never be it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseKind {
    /// A pre-release (1.3.0-rc.1): `prerelease: true`, never "Latest".
    PreRelease,
    /// The newest stable release: it becomes "Latest".
    Latest,
    /// A stable release below a newer stable one (a fix on a maintenance branch): not "Latest".
    Maintenance,
}

impl ReleaseKind {
    /// The kind of the release of `version`, given the highest stable version the repository's
    /// release tags hold (any branch).
    pub fn of(version: &semver::Version, highest_stable: Option<&semver::Version>) -> ReleaseKind {
        if !version.pre.is_empty() {
            ReleaseKind::PreRelease
        } else if highest_stable.is_some_and(|highest| highest > version) {
            ReleaseKind::Maintenance
        } else {
            ReleaseKind::Latest
        }
    }

    /// GitHub's `prerelease` field.
    pub fn prerelease(self) -> bool {
        self == ReleaseKind::PreRelease
    }

    /// GitHub's `make_latest` field (a string: `"true"`, `"false"` or `"legacy"`).
    pub fn make_latest(self) -> &'static str {
        match self {
            ReleaseKind::Latest => "true",
            ReleaseKind::PreRelease | ReleaseKind::Maintenance => "false",
        }
    }
}

/// The GitHub Release of a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub id: u64,
    /// The page a person opens (`html_url`; a draft's is an `untagged-…` URL).
    pub url: String,
    /// Where its assets are uploaded (`upload_url`, with GitHub's `{?name,label}` template).
    pub upload_url: String,
    pub action: ReleaseAction,
}

/// A warning to print when a push or pull request is made with a token of this shape, or `None`.
///
/// Tokens from GitHub Actions' `GITHUB_TOKEN` start with `ghs_`. Pushes and pull requests made with
/// them start no workflow, so a tag-triggered publish workflow or the release PR's CI never runs.
pub fn token_warning(token: &str) -> Option<&'static str> {
    token.starts_with("ghs_").then_some(
        "the token looks like GitHub Actions' GITHUB_TOKEN (`ghs_`): the push, tag and pull request it \
         makes start no workflow (tag-triggered publish jobs and the release PR's checks will not run), \
         and it cannot bypass branch protection; use a GitHub App token (actions/create-github-app-token) \
         if they must run",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(o: &str, n: &str) -> Option<Repo> {
        Some(Repo { owner: o.into(), name: n.into() })
    }

    #[test]
    fn parses_github_repository_slugs() {
        assert_eq!(Repo::parse("octo/hello-world"), repo("octo", "hello-world"));
        assert_eq!(Repo::parse("octo/hello.rs"), repo("octo", "hello.rs"));
        assert_eq!(Repo::parse("octo"), None);
        assert_eq!(Repo::parse("octo/"), None);
        assert_eq!(Repo::parse("octo/a/b"), None);
        assert_eq!(Repo::parse("../etc"), None);
    }

    #[test]
    fn finds_the_repository_in_every_remote_url_shape() {
        for url in [
            "https://github.com/octo/hello.git",
            "https://github.com/octo/hello",
            "https://x-access-token@github.com/octo/hello.git",
            "http://GitHub.com/octo/hello/",
            "ssh://git@github.com/octo/hello.git",
            "ssh://git@github.com:22/octo/hello.git",
            "git@github.com:octo/hello.git",
            "github.com:octo/hello",
        ] {
            assert_eq!(Repo::from_remote_url(url, "github.com"), repo("octo", "hello"), "{url}");
        }
    }

    #[test]
    fn ignores_remotes_on_other_hosts_and_local_paths() {
        for url in [
            "https://gitlab.com/octo/hello.git",
            "/srv/git/hello.git",
            "file:///srv/git/hello.git",
            "git@gitlab.com:octo/hello.git",
            "https://github.com.evil.example/octo/hello",
        ] {
            assert_eq!(Repo::from_remote_url(url, "github.com"), None, "{url}");
        }
        assert_eq!(
            Repo::from_remote_url("https://ghe.corp.example/team/app.git", "ghe.corp.example"),
            repo("team", "app")
        );
    }

    #[test]
    fn warns_only_about_actions_tokens() {
        assert!(token_warning("ghs_abcdef").unwrap().contains("start no workflow"));
        assert_eq!(token_warning("ghp_abcdef"), None);
        assert_eq!(token_warning("github_pat_abc"), None);
    }
}
