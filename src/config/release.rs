//! The `[release]` table: who release commits are made as (`author`) and which branches a release
//! may be made from (`branches`).
//!
//! In Actions, git's identity is otherwise whoever merged (`$GITHUB_ACTOR`): a release commit then
//! looks as if that person wrote it. A GitHub App's commits should carry the App's bot account,
//! `<slug>[bot] <<id>+<slug>[bot]@users.noreply.github.com>` (RUNBOOK.md, "Commit identity").

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Place, Result};

/// `[release]` exactly as written.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Release")]
pub(super) struct RawRelease {
    /// Who release commits and tags are made as, `Name <email>` (author and committer). For a
    /// GitHub App: `my-app[bot] <123456+my-app[bot]@users.noreply.github.com>`. Default: git's
    /// configured identity, else `$GITHUB_ACTOR`, else `vbump[bot]`.
    #[schemars(with = "Option<String>")]
    author: Option<Spanned<String>>,
    /// The branches a release may be made from; `*` matches within one path segment, `**` across
    /// segments (`release/*`). `vbump release` anywhere else is refused (exit 2) before anything
    /// changes. Default: any branch.
    #[schemars(with = "Option<Vec<String>>")]
    branches: Option<Spanned<Vec<String>>>,
}

/// `[release]`, validated.
pub(super) struct Release {
    pub author: Option<Author>,
    pub branches: BranchPatterns,
}

impl Release {
    /// Validates `raw`; `place_of` turns a byte offset of the file into a `file:line:column`.
    pub(super) fn from_raw(raw: RawRelease, place_of: &dyn Fn(usize) -> Place) -> Result<Release> {
        let author = match raw.author {
            Some(spanned) => {
                let place = place_of(spanned.span().start);
                Some(Author::parse(spanned.get_ref()).map_err(|problem| {
                    Error::input(format!("`[release] author` {problem}"))
                        .at(place)
                        .hint("write it as git does: author = \"Release Bot <release-bot@example.com>\"")
                })?)
            }
            None => None,
        };
        let branches = match raw.branches {
            Some(spanned) => {
                let place = place_of(spanned.span().start);
                BranchPatterns::new(spanned.into_inner()).map_err(|problem| {
                    Error::input(format!("`[release] branches` {problem}"))
                        .at(place)
                        .hint("list branch names or patterns, e.g. branches = [\"main\", \"release/*\"]")
                })?
            }
            None => BranchPatterns::default(),
        };
        Ok(Release { author, branches })
    }
}

/// A git identity: `Name <email>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub email: String,
}

impl Author {
    /// Parses `Name <email>`; the error says what is wrong, for a message that names the key.
    pub fn parse(text: &str) -> std::result::Result<Author, String> {
        let text = text.trim();
        let (name, rest) = text
            .split_once('<')
            .ok_or_else(|| format!("`{text}` is not `Name <email>`: the `<email>` part is missing"))?;
        let email = rest
            .strip_suffix('>')
            .ok_or_else(|| format!("`{text}` is not `Name <email>`: it must end with `>`"))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("`{text}` has no name before `<`"));
        }
        // git refuses these in an identity, and a newline would forge a header of the commit.
        let bad = |s: &str| s.chars().any(|c| c.is_control() || matches!(c, '<' | '>'));
        if email.trim().is_empty() || bad(email) || bad(name) {
            return Err(format!("`{text}` has an empty email or a `<`, `>` or control character in it"));
        }
        Ok(Author { name: name.to_string(), email: email.trim().to_string() })
    }
}

impl std::fmt::Display for Author {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} <{}>", self.name, self.email)
    }
}

/// The branches a release may be made from; empty means any branch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BranchPatterns {
    patterns: Vec<String>,
}

impl BranchPatterns {
    /// Validates the patterns: non-empty, and no wildcard but `*` and `**`.
    pub fn new(patterns: Vec<String>) -> std::result::Result<BranchPatterns, String> {
        if patterns.is_empty() {
            return Err("is empty: no branch could ever release (remove the key to allow any)".into());
        }
        for pattern in &patterns {
            if pattern.trim().is_empty() {
                return Err("has an empty pattern".into());
            }
            if let Some(c) = pattern.chars().find(|c| matches!(c, '?' | '[' | ']' | '!' | '{' | '}')) {
                return Err(format!("pattern `{pattern}` uses `{c}`: only `*` and `**` are wildcards"));
            }
        }
        Ok(BranchPatterns { patterns })
    }

    /// The patterns as written (empty: any branch).
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether a release may be made from `branch`.
    pub fn allows(&self, branch: &str) -> bool {
        self.patterns.is_empty() || self.patterns.iter().any(|p| glob_match(p.as_bytes(), branch.as_bytes()))
    }
}

/// `*` matches any run of bytes but `/`, `**` any run at all; every other byte is itself.
fn glob_match(pattern: &[u8], name: &[u8]) -> bool {
    match pattern {
        [] => name.is_empty(),
        [b'*', b'*', rest @ ..] => (0..=name.len()).any(|i| glob_match(rest, &name[i..])),
        [b'*', rest @ ..] => {
            let segment = name.iter().position(|&b| b == b'/').unwrap_or(name.len());
            (0..=segment).any(|i| glob_match(rest, &name[i..]))
        }
        [p, rest @ ..] => name.first() == Some(p) && glob_match(rest, &name[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(list: &[&str]) -> BranchPatterns {
        BranchPatterns::new(list.iter().map(|s| s.to_string()).collect()).unwrap()
    }

    #[test]
    fn branch_patterns_match_like_github_branch_filters() {
        let p = patterns(&["main", "release/*"]);
        assert!(p.allows("main"));
        assert!(p.allows("release/1.x"));
        assert!(!p.allows("release/1.x/hotfix"), "`*` stays within one segment");
        assert!(!p.allows("release"));
        assert!(!p.allows("mainline"));
        assert!(!p.allows("feature/x"));
        assert!(patterns(&["hotfix/**"]).allows("hotfix/a/b"));
        assert!(patterns(&["v*-stable"]).allows("v2-stable"));
        assert!(BranchPatterns::default().allows("anything/at/all"));
    }

    #[test]
    fn branch_patterns_refuse_what_they_would_not_mean() {
        assert!(BranchPatterns::new(vec![]).unwrap_err().contains("no branch could ever release"));
        assert!(BranchPatterns::new(vec!["rel?".into()]).unwrap_err().contains("only `*` and `**`"));
        assert!(BranchPatterns::new(vec![" ".into()]).unwrap_err().contains("empty pattern"));
    }

    #[test]
    fn authors_read_like_git_identities() {
        let app = Author::parse("my-app[bot] <123+my-app[bot]@users.noreply.github.com>").unwrap();
        assert_eq!(app.name, "my-app[bot]");
        assert_eq!(app.email, "123+my-app[bot]@users.noreply.github.com");
        assert_eq!(app.to_string(), "my-app[bot] <123+my-app[bot]@users.noreply.github.com>");
        assert!(Author::parse("nobody").unwrap_err().contains("`<email>` part is missing"));
        assert!(Author::parse("<a@b>").unwrap_err().contains("no name"));
        assert!(Author::parse("A <a@b").unwrap_err().contains("end with `>`"));
        assert!(Author::parse("A <>").unwrap_err().contains("empty email"));
        assert!(Author::parse("A\nB <a@b>").unwrap_err().contains("control character"));
    }
}
