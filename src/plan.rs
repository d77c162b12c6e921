//! The release plan: a pure function from (history, files, config) to what a release would do.
//!
//! Nothing here writes. `vbump plan` / `--dry-run` prints a [`Plan`]; `vbump release` hands it to
//! `transaction`, which applies it.

use std::path::PathBuf;

use semver::Version;
use serde::Serialize;

use crate::bump::Level;
use crate::edit::FileEdit;

/// Where the current version came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "lowercase")]
pub enum Previous {
    /// The highest release tag reachable from HEAD.
    Tag { version: Version, tag: String, commit: String },
    /// No release tag: the highest version found in the version files.
    Files { version: Version },
    /// No tag and no version file: releases start from 0.0.0.
    None { version: Version },
}

impl Previous {
    pub fn version(&self) -> &Version {
        match self {
            Previous::Tag { version, .. } | Previous::Files { version } | Previous::None { version } => {
                version
            }
        }
    }
}

/// A commit since the last release that follows Conventional Commits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedCommit {
    /// Full hexadecimal object id.
    pub sha: String,
    /// The commit type (`feat`, `fix`, …), lower-cased.
    #[serde(rename = "type")]
    pub kind: String,
    pub scope: Option<String>,
    /// The description after `type(scope): `.
    pub description: String,
    /// The commit body (paragraphs after the subject, footers excluded), if any.
    pub body: Option<String>,
    pub breaking: bool,
    /// Text of the `BREAKING CHANGE:` footer, or the description when only `!` marks it.
    pub breaking_description: Option<String>,
    /// The level this commit asks for, `None` when its type releases nothing.
    pub level: Option<Level>,
}

/// A commit that vbump did not count, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IgnoredCommit {
    pub sha: String,
    /// First line of the message.
    pub summary: String,
    pub reason: String,
}

/// Why the release has the level it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum Reason {
    /// The commit with the highest level (the first one found, newest first).
    Commit { sha: String },
    /// `--bump` on the command line.
    Override,
    /// A pre-release is promoted to its release (`1.3.0-rc.2` → `1.3.0`).
    Promotion,
}

/// The bump this release makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bump {
    pub level: Level,
    #[serde(flatten)]
    pub reason: Reason,
}

/// Everything a release would do. Field names are part of the `--format json` interface.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The branch HEAD is on, `None` when detached.
    pub branch: Option<String>,
    /// The commit HEAD points at.
    pub head: String,
    pub previous: Previous,
    /// Conventional commits since the last release, newest first.
    pub commits: Vec<PlannedCommit>,
    /// Commits that were not counted, newest first.
    pub ignored: Vec<IgnoredCommit>,
    /// `None` when nothing since the last release warrants one.
    pub bump: Option<Bump>,
    /// The version this release makes, `None` when there is nothing to release.
    pub next: Option<Version>,
    /// The tag this release creates.
    pub tag: Option<String>,
    /// The edits the release makes to version files (and the changelog), in location order.
    pub files: Vec<FileEdit>,
    /// Things the user should know that do not stop the release.
    pub warnings: Vec<String>,
}

impl Plan {
    /// True when there is something to release.
    pub fn releases(&self) -> bool {
        self.next.is_some()
    }

    /// The files this release writes, relative to the repository root.
    pub fn written_files(&self) -> impl Iterator<Item = &PathBuf> {
        self.files.iter().map(|edit| &edit.file)
    }
}
