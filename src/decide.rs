//! The version decision: from what the history says and what the user asked, the version this
//! release makes, or why there is none. Pure: the plan gathers the facts, this module applies the
//! rules (README, "How the next version is computed"; RUNBOOK, "Pre-releases").
//!
//! - Commits decide a stable version from the last *stable* release: the pre-releases in between
//!   are steps towards it, not bases to bump again (1.2.0, feat, rc.1, fix → 1.3.0, not 1.3.1).
//! - A pre-release (`--pre ID`) is a pre-release of that same version, counted per identifier.
//! - `--promote` releases the stable version of the last pre-release, even with no new commit.
//! - `Release-As: X.Y.Z` in a commit since the last release names the version; `--bump` names the
//!   level. Both are asked for, so both release even on a HEAD that is already released.
//! - Never lower: the result is above every version the repository already holds, or an error.

use semver::Version;

use crate::bump::{self, Existing, Level, Rules};
use crate::error::{Error, Result};
use crate::tags::TagScheme;

/// What the history says.
#[derive(Debug, Clone)]
pub(crate) struct Facts<'a> {
    /// The version of the last release HEAD contains (tag, else the files, else 0.0.0).
    pub previous: &'a Version,
    /// The last *stable* release tag's version HEAD contains, when it differs from `previous`
    /// (`previous` is a pre-release); `None` when `previous` is stable or no stable tag exists.
    pub stable: Option<&'a Version>,
    /// The highest level of the commits since `previous`.
    pub new_level: Option<Level>,
    /// The highest level of the commits since `stable` (only read when `stable` is set).
    pub stable_level: Option<Level>,
    /// The highest `Release-As` version in the commits since `previous`, and the commit.
    pub release_as: Option<(Version, String)>,
    /// HEAD carries the release tag of `previous`.
    pub head_released: bool,
    /// Every release tag's version, reachable or not: pre-release counters never reuse one.
    pub tagged: &'a [Version],
    pub rules: Rules,
}

/// What the user asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Ask {
    /// `--bump LEVEL`.
    pub bump: Option<Level>,
    /// `--pre ID`.
    pub pre: Option<String>,
    /// `--promote`.
    pub promote: bool,
}

/// Why the next version is what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Why {
    /// The commits ask for `level` (after the 0.x rule).
    Commits { level: Level },
    /// `--bump` on the command line.
    Override { level: Level },
    /// `--promote`: the stable version of the last pre-release.
    Promote,
    /// A `Release-As` footer in this commit.
    ReleaseAs { sha: String },
    /// `--pre` with nothing else asking for a level: the next pre-release (a patch's, from a stable
    /// version, as npm's `prerelease` does).
    Pre,
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    Release {
        next: Version,
        why: Why,
    },
    /// Nothing to release; `hint` says what would release (how to promote a pre-release).
    Nothing {
        hint: Option<String>,
    },
}

/// Applies the rules. Errors (exit 2): a bad `--pre` identifier, `--promote` with `--pre` or
/// `--bump` or without a pre-release to promote, a channel that sorts lower, arithmetic overflow.
pub(crate) fn decide(facts: &Facts<'_>, ask: &Ask) -> Result<Decision> {
    if let Some(id) = &ask.pre {
        bump::check_pre_id(id)?;
    }
    let previous = facts.previous;
    if ask.promote {
        if ask.pre.is_some() || ask.bump.is_some() {
            return Err(Error::input("`--promote` releases the stable version of the last pre-release; it takes no `--pre` or `--bump`")
                .hint("drop `--pre`/`--bump`, or drop `--promote`"));
        }
        if previous.pre.is_empty() {
            return Err(Error::input(format!("there is no pre-release to promote: the last release is {previous}"))
                .hint("`--promote` turns a pre-release such as 1.3.0-rc.2 into 1.3.0; for a new stable release use `--bump major|minor|patch`"));
        }
        let next = highest(bump::stable(previous), from_commits(facts)?);
        return Ok(Decision::Release { next, why: Why::Promote });
    }

    let (target, why) = match (ask.bump, &facts.release_as) {
        (Some(level), _) => (bump::bump(previous, level)?, Why::Override { level }),
        (None, Some((version, sha))) => (version.clone(), Why::ReleaseAs { sha: sha.clone() }),
        (None, None) => {
            let commits = if facts.head_released { None } else { from_commits(facts)? };
            match (commits, &ask.pre) {
                (Some((version, level)), _) => {
                    // Never below the version the pre-releases were for (one forced with --bump).
                    let version = match (!previous.pre.is_empty()).then(|| bump::stable(previous)) {
                        Some(pending) if pending > version => pending,
                        _ => version,
                    };
                    (version, Why::Commits { level })
                }
                (None, Some(_)) if !previous.pre.is_empty() => (bump::stable(previous), Why::Pre),
                (None, Some(_)) => (bump::bump(previous, Level::Patch)?, Why::Pre),
                (None, None) => return Ok(Decision::Nothing { hint: promote_hint(previous) }),
            }
        }
    };
    let next = match &ask.pre {
        Some(id) => {
            let next = bump::pre_release(&target, id, facts.tagged)?;
            bump::check_channel(previous, &next)?;
            next
        }
        None => target,
    };
    Ok(Decision::Release { next, why })
}

/// The larger of `a` and the commits' version.
fn highest(a: Version, commits: Option<(Version, Level)>) -> Version {
    match commits {
        Some((b, _)) if b > a => b,
        _ => a,
    }
}

/// The stable version the commits call for and their level: from the last stable release when
/// the last release is a pre-release, else from the last release. `None` when no commit since the
/// last release asks for one (the pre-releases shipped everything).
fn from_commits(facts: &Facts<'_>) -> Result<Option<(Version, Level)>> {
    let Some(new_level) = facts.new_level else { return Ok(None) };
    let (base, level) = match facts.stable {
        Some(stable) => (stable, facts.stable_level.unwrap_or(new_level).max(new_level)),
        None => (facts.previous, new_level),
    };
    let level = bump::effective_level(base, level, false, facts.rules);
    Ok(Some((bump::bump(base, level)?, level)))
}

/// What to say when nothing is new after a pre-release.
fn promote_hint(previous: &Version) -> Option<String> {
    (!previous.pre.is_empty()).then(|| {
        format!(
            "the last release is the pre-release {previous}: `vbump release --promote` releases {} (the action's `promote: true`)",
            bump::stable(previous)
        )
    })
}

/// Where a repository names the form of its release tags, for the hint of a refused downgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TagSetting {
    /// `tag-prefix` (single-package mode).
    Prefix,
    /// The `tag` template of a `[[package]]`.
    PackageTemplate,
}

/// Never a downgrade: `next` must be above every version in `existing` (the version files' values
/// and the release tags HEAD contains). The error names the highest offender and what to do;
/// `tag` names the release tags, `setting` where another form of them is declared.
pub(crate) fn never_lower(
    next: &Version,
    existing: &[Existing],
    tag: &TagScheme,
    setting: TagSetting,
) -> Result<()> {
    let Some(offender) = bump::not_above(next, existing) else { return Ok(()) };
    let held = &offender.version;
    let relation = if held == next { "equal to" } else { "lower than" };
    let another_form = match setting {
        TagSetting::Prefix => "set `tag-prefix` in vbump.toml if its tags use another prefix",
        TagSetting::PackageTemplate => {
            "set `tag` in its `[[package]]` in vbump.toml if its tags use another form"
        }
    };
    Err(Error::input(format!(
        "the next version {next} would be {relation} {held}, which {} already holds; vbump never writes a version that is not higher",
        offender.place
    ))
    .hint(format!(
        "if {held} was released, tag the commit that released it (`git tag {} <commit>`) so vbump counts from it; or {another_form}; or ask for a higher version with `--bump major|minor|patch` or a `Release-As:` footer",
        tag.format(held)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }

    const RULES: Rules = Rules { major_zero_breaking_is_minor: true };

    /// Facts of a repository last released as `previous` with commits asking for `level` since.
    fn facts<'a>(previous: &'a Version, level: Option<Level>, tagged: &'a [Version]) -> Facts<'a> {
        Facts {
            previous,
            stable: None,
            new_level: level,
            stable_level: level,
            release_as: None,
            head_released: false,
            tagged,
            rules: RULES,
        }
    }

    fn next(decision: Result<Decision>) -> String {
        match decision.unwrap() {
            Decision::Release { next, .. } => next.to_string(),
            Decision::Nothing { hint } => format!("nothing ({})", hint.unwrap_or_default()),
        }
    }

    fn pre(id: &str) -> Ask {
        Ask { pre: Some(id.into()), ..Ask::default() }
    }

    const PROMOTE: Ask = Ask { bump: None, pre: None, promote: true };

    #[test]
    fn commits_bump_from_the_last_release() {
        let prev = v("1.2.0");
        assert_eq!(next(decide(&facts(&prev, Some(Level::Minor), &[]), &Ask::default())), "1.3.0");
        assert_eq!(next(decide(&facts(&prev, None, &[]), &Ask::default())), "nothing ()");
        let zero = v("0.4.1");
        assert_eq!(next(decide(&facts(&zero, Some(Level::Major), &[]), &Ask::default())), "0.5.0");
    }

    #[test]
    fn pre_releases_are_of_the_version_the_commits_since_the_last_stable_release_call_for() {
        // 1.2.0, feat, rc.1, then a fix: the next rc is still 1.3.0's, not 1.3.1's.
        let (stable, rc1) = (v("1.2.0"), v("1.3.0-rc.1"));
        let tagged = [stable.clone(), rc1.clone()];
        let mut f = facts(&rc1, Some(Level::Patch), &tagged);
        f.stable = Some(&stable);
        f.stable_level = Some(Level::Minor);
        assert_eq!(next(decide(&f, &pre("rc"))), "1.3.0-rc.2");
        assert_eq!(next(decide(&f, &Ask::default())), "1.3.0");
        // A breaking change after the rc: the rcs are now 2.0.0's.
        f.new_level = Some(Level::Major);
        assert_eq!(next(decide(&f, &pre("rc"))), "2.0.0-rc.1");
        // Without a stable tag the rc is the base, completed by the bump.
        let first = v("1.0.0-rc.1");
        let f = facts(&first, Some(Level::Patch), &[]);
        assert_eq!(next(decide(&f, &Ask::default())), "1.0.0");
    }

    #[test]
    fn pre_on_a_released_head_makes_the_next_pre_release() {
        let (stable, rc2) = (v("1.2.0"), v("1.3.0-rc.2"));
        let tagged = [stable.clone(), v("1.3.0-rc.1"), rc2.clone()];
        let mut f = facts(&rc2, None, &tagged);
        f.stable = Some(&stable);
        f.stable_level = Some(Level::Minor);
        f.head_released = true;
        assert_eq!(next(decide(&f, &pre("rc"))), "1.3.0-rc.3");
        // From a stable release: a patch's pre-release, as npm's `prerelease`.
        let mut f = facts(&stable, None, &tagged);
        f.head_released = true;
        assert_eq!(next(decide(&f, &pre("rc"))), "1.2.1-rc.1");
        assert_eq!(
            next(decide(&f, &Ask { bump: Some(Level::Major), pre: Some("rc".into()), promote: false })),
            "2.0.0-rc.1"
        );
        assert_eq!(next(decide(&f, &Ask::default())), "nothing ()");
    }

    #[test]
    fn a_lower_channel_for_the_same_version_is_refused() {
        let (stable, rc1) = (v("1.2.0"), v("1.3.0-rc.1"));
        let tagged = [stable.clone(), rc1.clone()];
        let mut f = facts(&rc1, Some(Level::Patch), &tagged);
        f.stable = Some(&stable);
        f.stable_level = Some(Level::Minor);
        let e = decide(&f, &pre("beta")).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message.starts_with("`beta` sorts below `rc`"), "{}", e.message);
        // Up the channels is fine.
        let beta = v("1.3.0-beta.3");
        let tagged = [stable.clone(), beta.clone()];
        let mut f = facts(&beta, Some(Level::Patch), &tagged);
        f.stable = Some(&stable);
        f.stable_level = Some(Level::Minor);
        assert_eq!(next(decide(&f, &pre("rc"))), "1.3.0-rc.1");
    }

    #[test]
    fn promote_releases_the_stable_version_even_without_new_commits() {
        let (stable, rc2) = (v("1.2.0"), v("1.3.0-rc.2"));
        let mut f = facts(&rc2, None, &[]);
        f.stable = Some(&stable);
        f.stable_level = Some(Level::Minor);
        f.head_released = true;
        assert_eq!(decide(&f, &PROMOTE).unwrap(), Decision::Release { next: v("1.3.0"), why: Why::Promote });
        // Nothing new and no --promote: the plan says how.
        assert_eq!(
            next(decide(&f, &Ask::default())),
            "nothing (the last release is the pre-release 1.3.0-rc.2: `vbump release --promote` releases 1.3.0 (the action's `promote: true`))"
        );
        // A breaking change since the rc: promoting 1.3.0 would under-release.
        f.head_released = false;
        f.new_level = Some(Level::Major);
        assert_eq!(next(decide(&f, &PROMOTE)), "2.0.0");
    }

    #[test]
    fn promote_needs_a_pre_release_and_stands_alone() {
        let prev = v("1.2.0");
        let e = decide(&facts(&prev, None, &[]), &PROMOTE).unwrap_err();
        assert_eq!(e.message, "there is no pre-release to promote: the last release is 1.2.0");
        let rc = v("1.3.0-rc.1");
        let both = Ask { pre: Some("rc".into()), promote: true, bump: None };
        assert_eq!(decide(&facts(&rc, None, &[]), &both).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn bump_and_release_as_are_asked_for_and_release_on_a_released_head() {
        let prev = v("0.9.3");
        let mut f = facts(&prev, None, &[]);
        f.head_released = true;
        let major = Ask { bump: Some(Level::Major), ..Ask::default() };
        assert_eq!(
            decide(&f, &major).unwrap(),
            Decision::Release { next: v("1.0.0"), why: Why::Override { level: Level::Major } }
        );
        f.head_released = false;
        f.new_level = Some(Level::Patch);
        f.release_as = Some((v("1.0.0"), "abc".into()));
        assert_eq!(
            decide(&f, &Ask::default()).unwrap(),
            Decision::Release { next: v("1.0.0"), why: Why::ReleaseAs { sha: "abc".into() } }
        );
        assert_eq!(next(decide(&f, &pre("rc"))), "1.0.0-rc.1");
        // --bump wins over the footer.
        assert_eq!(next(decide(&f, &Ask { bump: Some(Level::Minor), ..Ask::default() })), "0.10.0");
    }

    #[test]
    fn overflow_is_an_error() {
        let prev = v(&format!("{}.0.0", u64::MAX));
        let e = decide(&facts(&prev, Some(Level::Major), &[]), &Ask::default()).unwrap_err();
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn never_lower_names_the_place_and_value_and_what_to_do() {
        let existing = [
            Existing { version: v("3.23.1"), place: ".claude-plugin/plugin.json:3 (`/version`)".into() },
            Existing { version: v("2.42.0"), place: "tag `v2.42.0`".into() },
        ];
        let v_tags = TagScheme::prefixed("v");
        let e = never_lower(&v("3.0.0"), &existing, &v_tags, TagSetting::Prefix).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert_eq!(
            e.message,
            "the next version 3.0.0 would be lower than 3.23.1, which .claude-plugin/plugin.json:3 (`/version`) already holds; vbump never writes a version that is not higher"
        );
        let hint = e.hint.as_deref().unwrap();
        assert!(hint.contains("`git tag v3.23.1 <commit>`"), "{hint}");
        assert!(hint.contains("or set `tag-prefix` in vbump.toml if its tags use another prefix;"), "{hint}");
        let equal = never_lower(&v("3.23.1"), &existing, &v_tags, TagSetting::Prefix).unwrap_err();
        assert!(equal.message.contains("equal to 3.23.1"));
        assert!(never_lower(&v("3.23.2"), &existing, &v_tags, TagSetting::Prefix).is_ok());
    }

    #[test]
    fn a_package_s_refusal_names_its_tag_and_its_template_setting() {
        let existing =
            [Existing { version: v("4.4.2"), place: "plugins/dev/plugin.json:3 (`/version`)".into() }];
        let dev = TagScheme::from_template("plugins/{name}/v{version}", Some("dev")).unwrap();
        let e = never_lower(&v("2.7.1"), &existing, &dev, TagSetting::PackageTemplate).unwrap_err();
        let hint = e.hint.as_deref().unwrap();
        assert!(hint.contains("`git tag plugins/dev/v4.4.2 <commit>`"), "{hint}");
        assert!(
            hint.contains("or set `tag` in its `[[package]]` in vbump.toml if its tags use another form;"),
            "{hint}"
        );
        assert!(!hint.contains("tag-prefix"), "{hint}");
    }
}
