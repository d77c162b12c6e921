//! The plan of several packages: for each package, its last release, its commits (those that
//! change its files), its bump and its next version, by the single-package rules
//! (`decide`); then the file edits of every released package merged into one set
//! (a marketplace lists several plugins and takes each one's new version in one edit).
//!
//! History is read once for all packages ([`crate::attribution`]). Nothing here writes.

use std::path::Path;

use git2::Repository;
use regex::Regex;
use semver::Version;

use super::{Bump, Detail, IgnoredCommit, Next, PackagePlan, Plan, Previous, Reason, Request, Rule};
use crate::attribution::{self, InRange, PackageRange};
use crate::bump;
use crate::commits::{Classifier, Counted, Tally, subject};
use crate::config::{Config, LocationSpec, MarketplaceVersion};
use crate::decide;
use crate::edit::{FileEdit, VersionFiles};
use crate::error::{Error, Result};
use crate::history::{self, ReleaseTag};
use crate::package::{Package, Packages, start};
use crate::tags::TagScheme;

mod other_tags;
mod release_as;

/// Computes the plan of the packages `selected` (of `packages`). `explicit` says the selection
/// was asked for (`--package`), which `--bump` needs when there are several packages.
pub(crate) fn build(
    repo: &Repository,
    root: &Path,
    config: &Config,
    packages: &Packages,
    selected: &[&Package],
    request: &Request,
) -> Result<Plan> {
    if let Some(id) = &request.pre {
        bump::check_pre_id(id)?;
    }
    if request.bump.is_some() && selected.len() > 1 {
        return Err(Error::input(
            "`--bump` applies to one package at a time, and this repository has several",
        )
        .hint("name it with `--package NAME`"));
    }
    let head = history::head(repo)?;
    let schemes: Vec<_> = selected.iter().map(|p| &p.tag).collect();
    let tags = packages.release_tags(repo, &schemes)?;
    let ranges: Vec<PackageRange<'_>> =
        selected.iter().zip(&tags).map(|(p, tags)| PackageRange { filter: &p.filter, tags }).collect();
    let reader = Reader {
        classifier: Classifier::new(&config.types, &config.commit_message, &config.tag_prefix),
        release_subject: release_subject(&config.commit_message),
        keep: request.detail == Detail::Full,
    };
    let keep = reader.keep;
    let mut outside = Vec::new();
    let mut footer_warnings = Vec::new();
    let all_schemes: Vec<&TagScheme> = packages.list.iter().map(|p| &p.tag).collect();
    let boundary = history::shallow_boundary(repo)?;
    let walked = attribution::since_last_releases(
        repo,
        head.commit,
        &ranges,
        |i| Ok(start::untagged(repo, root, head.commit, selected[i], &boundary)?.after),
        |commit, states: &mut [InRange<'_, PackageRead>]| {
            let summary = subject(commit.message);
            if commit.outside && keep {
                outside.push(IgnoredCommit {
                    sha: commit.oid.to_string(),
                    summary: summary.to_string(),
                    reason: "changes no package's files".to_string(),
                });
            }
            let sha = commit.oid.to_string();
            release_as::read(
                &sha,
                commit.message,
                selected,
                &all_schemes,
                states,
                commit.outside,
                &mut footer_warnings,
            );
            for package in states.iter_mut().filter(|p| p.changed) {
                reader.count(&mut package.state.tally, &sha, commit.message);
            }
            Ok(())
        },
    )?;
    if !boundary.is_empty()
        && walked.iter().zip(&tags).any(|(walked, tags)| walked.last.is_none() && !tags.is_empty())
    {
        return Err(Error::input("this is a shallow clone and some package's last release tag is not reachable from HEAD")
            .hint("fetch the whole history: `fetch-depth: 0` for actions/checkout, or `git fetch --unshallow --tags`"));
    }
    if walked.iter().any(|walked| walked.last.is_none()) {
        let foreign = other_tags::foreign_forms(repo, head.commit, packages)?;
        for (package, walked) in selected.iter().zip(&walked) {
            if walked.last.is_none() {
                other_tags::refuse(package, &foreign)?;
            }
        }
    }
    let stable = since_last_stable(repo, head.commit, selected, &tags, &walked, &reader)?;

    // What concerns the planned packages (`--package` leaves the others out), then all of them.
    let mut warnings: Vec<String> =
        selected.iter().filter_map(|p| p.cache_trap()).chain(packages.notes.iter().cloned()).collect();
    warnings.extend(footer_warnings);
    let mut plans = Vec::with_capacity(selected.len());
    for (((package, walked), tags), stable) in selected.iter().zip(walked).zip(&tags).zip(stable) {
        let last = walked.last;
        let read = walked.state.tally.finish(&reader.classifier, keep);
        let current_files = VersionFiles::read(root, &package.locations)?;
        let current = current_files.versions()?;
        let mut own_warnings = Vec::new();
        let previous = super::previous_version(last, walked.start, &current, &mut own_warnings);
        let facts =
            Facts { previous: &previous, last, release_as: walked.state.release_as, stable: stable.as_ref() };
        let next = next_release(request, config, package, &facts, &read, tags, head.commit)?;
        if let Ok(released) = &next
            && let Err(refused) = never_lower(&released.next.version, last, &current, package)
        {
            // As in single-package mode, the hint names the tag form the package's releases use.
            let foreign = other_tags::foreign_forms(repo, head.commit, packages)?;
            return Err(other_tags::name_form(package, &foreign, refused));
        }
        own_warnings.extend(read.warnings.iter().cloned());
        warnings.extend(own_warnings.into_iter().map(|w| format!("{}: {w}", package.name)));
        let path = package.filter.path();
        // A stable release after pre-releases shows (and its notes cover) the stable range.
        let (next, since_stable, counted, hint) = match next {
            Ok(released) => match (released.since_stable, stable) {
                (Some(since), Some(stable)) => (Some(released.next), Some(since), stable.read, None),
                _ => (Some(released.next), None, read, None),
            },
            Err(hint) => (None, None, read, hint),
        };
        plans.push(PackagePlan {
            name: Some(package.name.clone()),
            path: Some(shown(path)),
            previous,
            commits: counted.commits,
            ignored: counted.ignored,
            next,
            since_stable,
            hint,
            highest_stable: highest_stable(tags),
            changelog: package.changelog.clone(),
            notes: None,
        });
    }
    let files = edits(root, packages, selected, &plans)?;
    let problems = plans
        .iter()
        .filter_map(|plan| plan.next.as_ref())
        .filter_map(|next| super::existing_tag(repo, &next.tag))
        .collect();
    Ok(Plan {
        branch: head.branch,
        head: head.commit.to_string(),
        packages: plans,
        files,
        outside,
        warnings,
        problems,
    })
}

/// A package folder as the plan shows it: `.` for the root.
fn shown(path: &str) -> String {
    if path.is_empty() { ".".to_string() } else { path.to_string() }
}

fn highest_stable(tags: &[ReleaseTag]) -> Option<Version> {
    tags.iter().map(|t| &t.version).filter(|v| v.pre.is_empty()).max().cloned()
}

/// How the walks read commits into tallies.
struct Reader<'c> {
    classifier: Classifier<'c>,
    /// Matches vbump's own release commits of several packages.
    release_subject: Option<Regex>,
    /// Keep every commit (the plan report and the notes), or only what decides the version.
    keep: bool,
}

impl Reader<'_> {
    /// Counts a commit of a package. vbump's own release commits of several packages
    /// (`chore(release): a--v1.1.0, b--v2.0.1`) change each package's version files but are no
    /// change of theirs.
    fn count(&self, tally: &mut Tally, sha: &str, message: &str) {
        if self.release_subject.as_ref().is_some_and(|re| re.is_match(subject(message).trim())) {
            return;
        }
        tally.push(&self.classifier, self.keep, sha, message);
    }
}

/// What the walk folds each package's commits into.
#[derive(Default)]
struct PackageRead {
    tally: Tally,
    /// The highest `Release-As` version for this package, and its commit.
    release_as: Option<(Version, String)>,
}

/// A package's last stable release and its commits since it, when its last release is a
/// pre-release (a stable release after pre-releases covers everything since the last stable one).
struct Stable<'t> {
    tag: &'t ReleaseTag,
    read: Counted,
}

/// For each package whose last release is a pre-release, its last stable release HEAD contains
/// and the commits since it; one more walk for all of them together.
fn since_last_stable<'t>(
    repo: &Repository,
    head: git2::Oid,
    selected: &[&Package],
    tags: &'t [Vec<ReleaseTag>],
    walked: &[attribution::Walked<'_, PackageRead>],
    reader: &Reader<'_>,
) -> Result<Vec<Option<Stable<'t>>>> {
    let after_pre: Vec<usize> = (0..selected.len())
        .filter(|&i| walked[i].last.is_some_and(|tag| !tag.version.pre.is_empty()))
        .filter(|&i| tags[i].iter().any(|t| t.version.pre.is_empty()))
        .collect();
    let mut stable: Vec<Option<Stable<'t>>> = (0..selected.len()).map(|_| None).collect();
    if after_pre.is_empty() {
        return Ok(stable);
    }
    let stable_tags: Vec<Vec<ReleaseTag>> = after_pre
        .iter()
        .map(|&i| tags[i].iter().filter(|t| t.version.pre.is_empty()).cloned().collect())
        .collect();
    let ranges: Vec<PackageRange<'_>> = after_pre
        .iter()
        .zip(&stable_tags)
        .map(|(&i, tags)| PackageRange { filter: &selected[i].filter, tags })
        .collect();
    let read = attribution::since_last_releases(
        repo,
        head,
        &ranges,
        // No stable tag in HEAD's history: nothing to count from (an empty range).
        |_| Ok(Some(head)),
        |commit, states: &mut [InRange<'_, Tally>]| {
            let sha = commit.oid.to_string();
            for package in states.iter_mut().filter(|p| p.changed) {
                reader.count(package.state, &sha, commit.message);
            }
            Ok(())
        },
    )?;
    for (&i, walked) in after_pre.iter().zip(read) {
        let Some(found) = walked.last else { continue };
        // The same tag in the package's own list, which outlives this function's copies.
        let Some(tag) = tags[i].iter().find(|t| t.name == found.name) else { continue };
        stable[i] = Some(Stable { tag, read: walked.state.finish(&reader.classifier, reader.keep) });
    }
    Ok(stable)
}

/// What the history says about one package, for [`next_release`].
struct Facts<'a, 't> {
    previous: &'a Previous,
    last: Option<&'t ReleaseTag>,
    release_as: Option<(Version, String)>,
    stable: Option<&'a Stable<'t>>,
}

/// A package's release: what it makes, and what it covers when that differs from the commits
/// since its last release (a stable release after pre-releases: since the last stable one).
struct Released {
    next: Next,
    since_stable: Option<String>,
}

/// One package's next release, by the single-package rules (`decide`); `Err(hint)` when it has
/// nothing to release (the hint says what would release it, if anything).
#[allow(clippy::too_many_arguments)]
fn next_release(
    request: &Request,
    config: &Config,
    package: &Package,
    facts: &Facts<'_, '_>,
    read: &Counted,
    tags: &[ReleaseTag],
    head: git2::Oid,
) -> Result<std::result::Result<Released, Option<String>>> {
    let previous = facts.previous;
    let tagged: Vec<Version> = tags.iter().map(|t| t.version.clone()).collect();
    let stable = facts.stable;
    let decide_facts = decide::Facts {
        previous: previous.version(),
        stable: stable.map(|s| &s.tag.version),
        new_level: read.decided.as_ref().map(|(level, _)| *level),
        stable_level: stable.and_then(|s| s.read.decided.as_ref().map(|(level, _)| *level)),
        release_as: facts.release_as.clone(),
        head_released: facts.last.is_some_and(|t| t.commit == head),
        tagged: &tagged,
        rules: bump::Rules { major_zero_breaking_is_minor: config.major_zero_breaking_is_minor },
    };
    let ask = decide::Ask { bump: request.bump, pre: request.pre.clone(), promote: request.promote };
    let (version, why) = match decide::decide(&decide_facts, &ask)? {
        decide::Decision::Release { next, why } => (next, why),
        decide::Decision::Nothing { hint } => return Ok(Err(hint)),
    };
    // A stable release covers everything since the last stable one, pre-releases included.
    let (counted, since_stable) = match stable.filter(|_| version.pre.is_empty()) {
        Some(stable) => (&stable.read, Some(stable.tag.name.clone())),
        None => (read, None),
    };
    let named_from = stable.map_or(previous.version(), |s| &s.tag.version);
    let asked = counted.decided.as_ref().map(|(level, _)| *level);
    let (level, reason) = match why {
        decide::Why::Commits { level } => (
            level,
            Reason::Commit { sha: counted.decided.as_ref().map(|(_, sha)| sha.clone()).unwrap_or_default() },
        ),
        decide::Why::Override { level } => (level, Reason::Override),
        decide::Why::Promote => (bump::level_between(named_from, &version), Reason::Promote),
        decide::Why::ReleaseAs { sha } => {
            (bump::level_between(named_from, &version), Reason::ReleaseAs { sha })
        }
        decide::Why::Pre => (bump::level_between(named_from, &version), Reason::Pre),
    };
    let rule = match reason {
        Reason::Commit { .. } => {
            asked.filter(|asked| *asked != level).map(|_| Rule::MajorZeroBreakingIsMinor)
        }
        _ => None,
    };
    let tag = package.tag.format(&version);
    Ok(Ok(Released { next: Next { bump: Bump { level, reason, rule }, version, tag }, since_stable }))
}

/// Never a downgrade, as in single-package mode: a package's next version is above its last tag,
/// and not below its files. They may hold a higher version than its last tag (MadAppGang/magus:
/// `plugins/dev/v2.7.0` tagged, plugin.json at 4.4.2). An equal file version is left to the tag
/// rules (a merged release PR's files already say the version its tag-only run tags).
fn never_lower(
    next: &Version,
    last: Option<&ReleaseTag>,
    current: &[(&crate::edit::Field, Version)],
    package: &Package,
) -> Result<()> {
    let setting = decide::TagSetting::PackageTemplate;
    let tag = last
        .map(|tag| bump::Existing { version: tag.version.clone(), place: format!("the tag `{}`", tag.name) });
    decide::never_lower(next, tag.as_slice(), &package.tag, setting)?;
    let higher: Vec<bump::Existing> = current
        .iter()
        .filter(|(_, version)| version > next)
        .map(|(field, version)| bump::Existing {
            version: version.clone(),
            place: format!("{}:{} (`{}`)", field.file.display(), field.line, field.location),
        })
        .collect();
    decide::never_lower(next, &higher, &package.tag, setting)
}

/// Every released package's locations take its new version, in one edit per file; the
/// marketplace's own version follows the highest bump when its policy says so.
fn edits(
    root: &Path,
    packages: &Packages,
    selected: &[&Package],
    plans: &[PackagePlan],
) -> Result<Vec<FileEdit>> {
    let mut specs: Vec<LocationSpec> = Vec::new();
    let mut versions: Vec<Option<Version>> = Vec::new();
    for (package, plan) in selected.iter().zip(plans) {
        for spec in &package.locations {
            specs.push(spec.clone());
            versions.push(plan.next.as_ref().map(|next| next.version.clone()));
        }
    }
    if let Some(own) = packages.marketplace.as_ref().filter(|m| m.policy == MarketplaceVersion::Follow) {
        let highest = plans.iter().filter_map(|p| p.next.as_ref().map(|next| next.bump.level)).max();
        if let (Some(level), Ok(current)) = (highest, Version::parse(&own.value)) {
            specs.push(own.location.clone());
            versions.push(Some(bump::bump(&current, level)?));
        }
    }
    if versions.iter().all(Option::is_none) {
        return Ok(Vec::new());
    }
    VersionFiles::read(root, &specs)?.set_versions(|i| versions[i].clone())
}

/// A matcher for the subjects of release commits made from `template` with any tags in it.
pub(crate) fn release_subject(template: &str) -> Option<Regex> {
    let first_line = template.lines().next().unwrap_or_default();
    let escaped = regex::escape(first_line);
    let pattern = escaped.replace(r"\{tags\}", ".+").replace(r"\{tag\}", ".+").replace(r"\{version\}", ".+");
    Regex::new(&format!(r"^{pattern}(?: \(#\d+\))?$")).ok()
}
