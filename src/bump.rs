//! Semantic-versioning rules: which level a release is, and the version it produces.
//!
//! Pure functions over `semver::Version`. The rules:
//! - a breaking change is a major bump, except while the major version is 0 (then minor, unless
//!   `major-zero-breaking-is-minor = false`, which makes the first breaking change release 1.0.0);
//! - pre-releases (`--pre rc`) count up: 1.3.0-rc.1, 1.3.0-rc.2, …; a run without `--pre` after
//!   them releases 1.3.0.

use semver::{Prerelease, Version};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

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
pub(crate) struct Rules {
    /// While the major version is 0, a breaking change (a commit-derived major) bumps the minor.
    pub major_zero_breaking_is_minor: bool,
}

/// The level a release actually applies to `current`: a commit-derived major becomes a minor while
/// the major version is 0 (when the rules say so). A level forced with `--bump` is applied as is.
pub(crate) fn effective_level(current: &Version, level: Level, forced: bool, rules: Rules) -> Level {
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
/// is 1.3.0, and a major of 2.0.0-rc.1 is 2.0.0. A number that would pass `u64::MAX` is an error
/// (exit 2): wrapping to 0 would release a lower version.
pub(crate) fn bump(current: &Version, level: Level) -> Result<Version> {
    let (major, minor, patch) = (current.major, current.minor, current.patch);
    let completes = !current.pre.is_empty();
    let (major, minor, patch) = match level {
        Level::Major if completes && minor == 0 && patch == 0 => (major, 0, 0),
        Level::Major => (increment(major, current, level)?, 0, 0),
        Level::Minor if completes && patch == 0 => (major, minor, 0),
        Level::Minor => (major, increment(minor, current, level)?, 0),
        Level::Patch if completes => (major, minor, patch),
        Level::Patch => (major, minor, increment(patch, current, level)?),
    };
    Ok(Version::new(major, minor, patch))
}

/// `number + 1`, or the error saying that `current` has no `level` above it.
fn increment(number: u64, current: &Version, level: Level) -> Result<u64> {
    number.checked_add(1).ok_or_else(|| {
        Error::input(format!(
            "{current} has no {level} version above it: {number} is the largest number semver can hold here"
        ))
        .hint("this version cannot be bumped; set a sane one with `vbump set X.Y.Z` and tag it")
    })
}

/// The stable version a pre-release leads to: 1.3.0-rc.2 gives 1.3.0 (build metadata goes too).
pub(crate) fn stable(version: &Version) -> Version {
    Version::new(version.major, version.minor, version.patch)
}

/// The level that leads from `from` to `to` (their first differing part): how a release whose
/// version was named rather than bumped (`--promote`, `Release-As`) reports its bump.
pub(crate) fn level_between(from: &Version, to: &Version) -> Level {
    if from.major != to.major {
        Level::Major
    } else if from.minor != to.minor {
        Level::Minor
    } else {
        Level::Patch
    }
}

/// The pre-release `target-id.N` with N one above the highest `target-id.M` in `existing`
/// (every version tagged in the repository, reachable or not, so a tag is never reused).
/// `id.MAX` has no successor: an error (exit 2) instead of wrapping to `id.0`.
pub(crate) fn pre_release<'a>(
    target: &Version,
    id: &str,
    existing: impl IntoIterator<Item = &'a Version>,
) -> Result<Version> {
    let core = stable(target);
    let highest = existing
        .into_iter()
        .filter(|v| stable(v) == core)
        .filter_map(|v| pre_number(v, id))
        .max()
        .unwrap_or(0);
    let number = highest.checked_add(1).ok_or_else(|| {
        Error::input(format!(
            "{core}-{id}.{highest} is tagged, and there is no number above {highest} for the next `{id}`"
        ))
        .hint(format!("release {core} (`--promote`) or start another identifier with `--pre`"))
    })?;
    let mut next = core;
    next.pre = Prerelease::new(&format!("{id}.{number}")).expect("a checked identifier and a number");
    Ok(next)
}

/// N of a version whose pre-release is `id.N`.
fn pre_number(version: &Version, id: &str) -> Option<u64> {
    let rest = version.pre.as_str().strip_prefix(id)?.strip_prefix('.')?;
    rest.parse().ok()
}

/// Checks a `--pre` identifier: dot-separated parts of ASCII letters, digits and hyphens that
/// start and end with a letter (`rc`, `beta`, `alpha.x`, `beta-x`). vbump appends the counter
/// itself (`rc.1`), so a trailing number or digit (`rc.1`, `rc1`, `rc-1`) is refused: it would
/// read as, and sort like, a counter of its own.
pub(crate) fn check_pre_id(id: &str) -> Result<()> {
    let part_ok = |part: &str| {
        part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && part.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && part.bytes().next_back().is_some_and(|b| b.is_ascii_alphabetic())
    };
    if id.split('.').all(part_ok) {
        return Ok(());
    }
    Err(Error::input(format!(
        "`{id}` is not a pre-release identifier: use letters, digits and hyphens, starting and ending with a letter (dots separate parts), e.g. `rc`, `beta`, `alpha.x`"
    ))
    .hint("pass `--pre rc`, `--pre beta` or `--pre alpha`; vbump adds the number (`rc.1`, `rc.2`, …)"))
}

/// Refuses a pre-release that sorts below the pre-release already released for the same version:
/// after 1.3.0-rc.2, `--pre beta` would give 1.3.0-beta.1, which semver orders before rc.2.
pub(crate) fn check_channel(last: &Version, next: &Version) -> Result<()> {
    if last.pre.is_empty() || next.pre.is_empty() || stable(last) != stable(next) || next > last {
        return Ok(());
    }
    let id = |v: &Version| {
        let pre = v.pre.as_str();
        pre.rsplit_once('.').map_or(pre, |(id, _)| id).to_string()
    };
    let core = stable(next);
    Err(Error::input(format!(
        "`{}` sorts below `{}`: {next} would be lower than the released {last}",
        id(next),
        id(last)
    ))
    .hint(format!(
        "continue with `--pre {}`, or release {core} with `--promote`; pre-releases of one version go alpha → beta → rc",
        id(last)
    )))
}

/// A version already in the repository (a version file's value or a release tag) and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Existing {
    pub version: Version,
    /// `file:line (`location`)` or `tag `v1.2.3``, as the error names it.
    pub place: String,
}

/// Never a downgrade: `next` must be above every existing version. The first one it is not above
/// (the highest) is returned, for the caller to name in its error.
pub(crate) fn not_above<'a>(next: &Version, existing: &'a [Existing]) -> Option<&'a Existing> {
    // `max_by` keeps the last of equals: reversed, the first listed (a file before a tag) wins.
    existing.iter().rev().filter(|e| &e.version >= next).max_by(|a, b| a.version.cmp(&b.version))
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
        assert_eq!(bump(&v("1.2.3"), Level::Patch).unwrap(), v("1.2.4"));
        assert_eq!(bump(&v("1.2.3"), Level::Minor).unwrap(), v("1.3.0"));
        assert_eq!(bump(&v("1.2.3"), Level::Major).unwrap(), v("2.0.0"));
        assert_eq!(bump(&v("1.2.3+build.5"), Level::Patch).unwrap(), v("1.2.4"));
    }

    #[test]
    fn bumps_past_the_largest_number_are_errors_not_wraps() {
        let max = u64::MAX;
        for (version, level) in [
            (format!("{max}.0.0"), Level::Major),
            (format!("1.{max}.0"), Level::Minor),
            (format!("1.2.{max}"), Level::Patch),
        ] {
            let e = bump(&v(&version), level).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(
                e.message.contains(&format!("{version} has no {level} version above it")),
                "{}",
                e.message
            );
        }
        // Only the part that grows is checked: a minor of MAX.1.2 is fine.
        assert_eq!(bump(&v(&format!("{max}.1.2")), Level::Minor).unwrap(), v(&format!("{max}.2.0")));
        // Completing a pre-release adds nothing.
        assert_eq!(bump(&v(&format!("{max}.0.0-rc.1")), Level::Major).unwrap(), v(&format!("{max}.0.0")));
    }

    #[test]
    fn a_pre_release_counter_at_the_largest_number_is_an_error() {
        let tags = [v(&format!("1.3.0-rc.{}", u64::MAX))];
        let e = pre_release(&v("1.3.0"), "rc", &tags).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message.contains("no number above"), "{}", e.message);
        // Another identifier still counts from 1.
        assert_eq!(pre_release(&v("1.3.0"), "beta", &tags).unwrap(), v("1.3.0-beta.1"));
    }

    #[test]
    fn bumps_from_a_pre_release_complete_it_first() {
        assert_eq!(bump(&v("1.3.0-rc.2"), Level::Patch).unwrap(), v("1.3.0"));
        assert_eq!(bump(&v("1.3.0-rc.2"), Level::Minor).unwrap(), v("1.3.0"));
        assert_eq!(bump(&v("1.3.0-rc.2"), Level::Major).unwrap(), v("2.0.0"));
        assert_eq!(bump(&v("1.2.1-rc.1"), Level::Minor).unwrap(), v("1.3.0"));
        assert_eq!(bump(&v("2.0.0-rc.1"), Level::Major).unwrap(), v("2.0.0"));
        assert_eq!(stable(&v("1.3.0-rc.2+build.7")), v("1.3.0"));
    }

    #[test]
    fn breaking_while_major_is_zero_is_a_minor_unless_configured_otherwise() {
        assert_eq!(effective_level(&v("0.4.1"), Level::Major, false, CARGO_RULES), Level::Minor);
        let strict = Rules { major_zero_breaking_is_minor: false };
        assert_eq!(effective_level(&v("0.4.1"), Level::Major, false, strict), Level::Major);
        assert_eq!(
            bump(&v("0.4.1"), effective_level(&v("0.4.1"), Level::Major, false, strict)).unwrap(),
            v("1.0.0")
        );
        // `--bump major` means it.
        assert_eq!(effective_level(&v("0.4.1"), Level::Major, true, CARGO_RULES), Level::Major);
        assert_eq!(effective_level(&v("1.4.1"), Level::Major, false, CARGO_RULES), Level::Major);
    }

    #[test]
    fn pre_releases_count_up_and_never_reuse_a_tag() {
        let none: Vec<Version> = Vec::new();
        assert_eq!(pre_release(&v("1.3.0"), "rc", &none).unwrap(), v("1.3.0-rc.1"));
        let tags = [v("1.3.0-rc.1"), v("1.3.0-rc.2"), v("1.3.0-beta.7"), v("1.4.0-rc.9")];
        assert_eq!(pre_release(&v("1.3.0"), "rc", &tags).unwrap(), v("1.3.0-rc.3"));
        assert_eq!(pre_release(&v("1.3.0"), "beta", &tags).unwrap(), v("1.3.0-beta.8"));
        assert_eq!(pre_release(&v("1.3.0"), "alpha", &tags).unwrap(), v("1.3.0-alpha.1"));
        // A target that is itself a pre-release (a promotion's source) counts on its core.
        assert_eq!(pre_release(&v("1.3.0-rc.2"), "rc", &tags).unwrap(), v("1.3.0-rc.3"));
    }

    #[test]
    fn pre_release_identifiers_are_checked_as_the_message_says() {
        for good in ["rc", "beta", "beta-x", "alpha.x", "RC", "pre-release", "a1b"] {
            assert!(check_pre_id(good).is_ok(), "{good}");
        }
        for bad in ["", "rc.1", "rc-1", "rc1", "r c", "01", "-rc", "rc-", "rc..x", ".rc", "ünicode", "1rc"] {
            let e = check_pre_id(bad).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad}");
            assert!(e.message.contains("starting and ending with a letter"), "{}", e.message);
        }
    }

    #[test]
    fn a_channel_that_sorts_lower_for_the_same_version_is_refused() {
        let e = check_channel(&v("1.3.0-rc.1"), &v("1.3.0-beta.1")).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert_eq!(
            e.message,
            "`beta` sorts below `rc`: 1.3.0-beta.1 would be lower than the released 1.3.0-rc.1"
        );
        assert!(e.hint.as_deref().unwrap().contains("`--pre rc`"));
        assert!(check_channel(&v("1.3.0-alpha.4"), &v("1.3.0-alpha.5")).is_ok(), "same channel counts up");
        assert!(check_channel(&v("1.3.0-beta.2"), &v("1.3.0-rc.1")).is_ok(), "beta → rc is up");
        assert!(check_channel(&v("1.3.0-rc.2"), &v("1.4.0-beta.1")).is_ok(), "another version starts afresh");
        assert!(check_channel(&v("1.2.0"), &v("1.3.0-alpha.1")).is_ok(), "after a stable release");
        assert!(check_channel(&v("1.3.0-rc.2"), &v("1.3.0")).is_ok(), "a promotion");
    }

    #[test]
    fn the_highest_existing_version_not_below_next_is_named() {
        let existing = |list: &[(&str, &str)]| -> Vec<Existing> {
            list.iter().map(|(ver, place)| Existing { version: v(ver), place: place.to_string() }).collect()
        };
        let found = existing(&[("3.23.1", "plugin.json:3"), ("2.42.0", "tag `v2.42.0`"), ("3.23.2", "x:1")]);
        assert_eq!(not_above(&v("3.0.0"), &found).map(|e| e.place.as_str()), Some("x:1"));
        let rc = existing(&[("2.0.0-rc.1", "Cargo.toml:3"), ("1.10.0", "tag `v1.10.0`")]);
        assert_eq!(not_above(&v("1.10.1"), &rc).map(|e| e.place.as_str()), Some("Cargo.toml:3"));
        // Equal is not above either: a release never rewrites the version already there.
        assert!(not_above(&v("2.0.0-rc.1"), &rc).is_some());
        assert_eq!(not_above(&v("2.0.0"), &rc), None);
    }

    #[test]
    fn the_level_between_two_versions_is_their_first_differing_part() {
        assert_eq!(level_between(&v("1.2.0"), &v("1.3.0")), Level::Minor);
        assert_eq!(level_between(&v("1.2.0"), &v("2.0.0-rc.1")), Level::Major);
        assert_eq!(level_between(&v("1.2.0"), &v("1.2.1-rc.1")), Level::Patch);
        assert_eq!(level_between(&v("1.3.0-rc.2"), &v("1.3.0")), Level::Patch);
    }

    #[test]
    fn levels_are_ordered() {
        assert!(Level::Patch < Level::Minor && Level::Minor < Level::Major);
    }
}
