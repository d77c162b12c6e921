//! Semantic-versioning rules: which level a release is, and the version it produces.
//!
//! Pure functions over `semver::Version`. The rules:
//! - a breaking change is a major bump, except while the major version is 0 (then minor, unless
//!   `major-zero-breaking-is-minor = false`, which makes the first breaking change release 1.0.0);
//! - pre-releases (`--pre rc`) count up: 1.3.0-rc.1, 1.3.0-rc.2, …; a run without `--pre` after
//!   them releases 1.3.0.

use semver::{Prerelease, Version};
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

/// The rules that turn a level into a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// While the major version is 0, a breaking change (a commit-derived major) bumps the minor.
    pub major_zero_breaking_is_minor: bool,
}

/// The level a release actually applies to `current`: a commit-derived major becomes a minor while
/// the major version is 0 (when the rules say so). A level forced with `--bump` is applied as is.
pub fn effective_level(current: &Version, level: Level, forced: bool, rules: Rules) -> Level {
    if !forced && level == Level::Major && current.major == 0 && rules.major_zero_breaking_is_minor {
        Level::Minor
    } else {
        level
    }
}

/// The release `level` makes from `current`, without pre-release or build parts.
///
/// From a pre-release the bump first completes it, as npm's `semver.inc` does: a patch of
/// 1.3.0-rc.2 is 1.3.0, a minor of 1.3.0-rc.2 is 1.3.0 too (its patch is 0), a minor of 1.2.1-rc.1
/// is 1.3.0, and a major of 2.0.0-rc.1 is 2.0.0.
pub fn bump(current: &Version, level: Level) -> Version {
    let (major, minor, patch) = (current.major, current.minor, current.patch);
    let completes = !current.pre.is_empty();
    let (major, minor, patch) = match level {
        Level::Major if completes && minor == 0 && patch == 0 => (major, 0, 0),
        Level::Major => (major + 1, 0, 0),
        Level::Minor if completes && patch == 0 => (major, minor, 0),
        Level::Minor => (major, minor + 1, 0),
        Level::Patch if completes => (major, minor, patch),
        Level::Patch => (major, minor, patch + 1),
    };
    Version::new(major, minor, patch)
}

/// The pre-release `target-id.N` with N one above the highest `target-id.M` in `existing`
/// (every version tagged in the repository, reachable or not, so a tag is never reused).
pub fn pre_release<'a>(
    target: &Version,
    id: &str,
    existing: impl IntoIterator<Item = &'a Version>,
) -> Version {
    let highest = existing
        .into_iter()
        .filter(|v| (v.major, v.minor, v.patch) == (target.major, target.minor, target.patch))
        .filter_map(|v| pre_number(v, id))
        .max()
        .unwrap_or(0);
    let mut next = target.clone();
    next.pre = Prerelease::new(&format!("{id}.{}", highest + 1)).expect("a checked identifier and a number");
    next
}

/// N of a version whose pre-release is `id.N`.
fn pre_number(version: &Version, id: &str) -> Option<u64> {
    let rest = version.pre.as_str().strip_prefix(id)?.strip_prefix('.')?;
    rest.parse().ok()
}

/// Checks a `--pre` identifier: dot-separated alphanumerics and hyphens, e.g. `rc`, `beta`, `alpha.x`.
pub fn check_pre_id(id: &str) -> Result<(), String> {
    if id.is_empty()
        || Prerelease::new(id).is_err()
        || id.split('.').next_back().is_some_and(|p| p.parse::<u64>().is_ok())
    {
        return Err(format!(
            "`{id}` is not a pre-release identifier: use letters, digits and hyphens, ending in a non-number (e.g. `rc`, `beta`)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }

    const CARGO_RULES: Rules = Rules { major_zero_breaking_is_minor: true };

    #[test]
    fn stable_bumps() {
        assert_eq!(bump(&v("1.2.3"), Level::Patch), v("1.2.4"));
        assert_eq!(bump(&v("1.2.3"), Level::Minor), v("1.3.0"));
        assert_eq!(bump(&v("1.2.3"), Level::Major), v("2.0.0"));
        assert_eq!(bump(&v("1.2.3+build.5"), Level::Patch), v("1.2.4"));
    }

    #[test]
    fn bumps_from_a_pre_release_complete_it_first() {
        assert_eq!(bump(&v("1.3.0-rc.2"), Level::Patch), v("1.3.0"));
        assert_eq!(bump(&v("1.3.0-rc.2"), Level::Minor), v("1.3.0"));
        assert_eq!(bump(&v("1.3.0-rc.2"), Level::Major), v("2.0.0"));
        assert_eq!(bump(&v("1.2.1-rc.1"), Level::Minor), v("1.3.0"));
        assert_eq!(bump(&v("2.0.0-rc.1"), Level::Major), v("2.0.0"));
    }

    #[test]
    fn breaking_while_major_is_zero_is_a_minor_unless_configured_otherwise() {
        assert_eq!(effective_level(&v("0.4.1"), Level::Major, false, CARGO_RULES), Level::Minor);
        let strict = Rules { major_zero_breaking_is_minor: false };
        assert_eq!(effective_level(&v("0.4.1"), Level::Major, false, strict), Level::Major);
        assert_eq!(bump(&v("0.4.1"), effective_level(&v("0.4.1"), Level::Major, false, strict)), v("1.0.0"));
        // `--bump major` means it.
        assert_eq!(effective_level(&v("0.4.1"), Level::Major, true, CARGO_RULES), Level::Major);
        assert_eq!(effective_level(&v("1.4.1"), Level::Major, false, CARGO_RULES), Level::Major);
    }

    #[test]
    fn pre_releases_count_up_and_never_reuse_a_tag() {
        let none: Vec<Version> = Vec::new();
        assert_eq!(pre_release(&v("1.3.0"), "rc", &none), v("1.3.0-rc.1"));
        let tags = [v("1.3.0-rc.1"), v("1.3.0-rc.2"), v("1.3.0-beta.7"), v("1.4.0-rc.9")];
        assert_eq!(pre_release(&v("1.3.0"), "rc", &tags), v("1.3.0-rc.3"));
        assert_eq!(pre_release(&v("1.3.0"), "beta", &tags), v("1.3.0-beta.8"));
        assert_eq!(pre_release(&v("1.3.0"), "alpha", &tags), v("1.3.0-alpha.1"));
    }

    #[test]
    fn pre_release_identifiers_are_checked() {
        assert!(check_pre_id("rc").is_ok());
        assert!(check_pre_id("beta-x").is_ok());
        assert!(check_pre_id("").is_err());
        assert!(check_pre_id("rc.1").is_err());
        assert!(check_pre_id("r c").is_err());
        assert!(check_pre_id("01").is_err());
    }

    #[test]
    fn levels_are_ordered() {
        assert!(Level::Patch < Level::Minor && Level::Minor < Level::Major);
    }
}
