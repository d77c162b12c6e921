//! Semantic-versioning rules: which level a release is, and the version it produces.
//!
//! Pure functions over `semver::Version`. The rules:
//! - a breaking change is a major bump, except while the major version is 0 (then minor, unless
//!   `major-zero-breaking-is-minor = false`, which makes the first breaking change release 1.0.0);
//! - pre-releases (`--pre rc`) count up: 1.3.0-rc.1, 1.3.0-rc.2, …; a run without `--pre` after
//!   them releases 1.3.0.

use serde::{Deserialize, Serialize};

/// How much a release changes the version. Ordered: `Patch < Minor < Major`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Patch,
    Minor,
    Major,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
