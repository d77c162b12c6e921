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
use crate::attribution::{self, PackageRange};
use crate::bump;
use crate::commits::{Classifier, Counted, Tally, subject};
use crate::config::{Config, LocationSpec, MarketplaceVersion};
use crate::decide;
use crate::edit::{FileEdit, VersionFiles};
use crate::error::{Error, Result};
use crate::history::{self, ReleaseTag};
use crate::package::{Package, Packages};

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
    let tags = history::release_tags_of(repo, &schemes)?;
    let ranges: Vec<PackageRange<'_>> =
        selected.iter().zip(&tags).map(|(p, tags)| PackageRange { filter: &p.filter, tags }).collect();
    let classifier = Classifier::new(&config.types, &config.commit_message, &config.tag_prefix);
    let release_subject = release_subject(&config.commit_message);
    let mut outside = Vec::new();
    let keep = request.detail == Detail::Full;
    let walked = attribution::since_last_releases(
        repo,
        head.commit,
        &ranges,
        |oid, message, tallies: &mut [&mut Tally]| {
            let summary = subject(message);
            if tallies.is_empty() {
                if keep {
                    outside.push(IgnoredCommit {
                        sha: oid.to_string(),
                        summary: summary.to_string(),
                        reason: "changes no package's files".to_string(),
                    });
                }
                return Ok(());
            }
            // vbump's own release commits of several packages (`chore(release): a--v1.1.0, b--v2.0.1`)
            // change each package's version files but are no change of theirs.
            if release_subject.as_ref().is_some_and(|re| re.is_match(summary.trim())) {
                return Ok(());
            }
            let sha = oid.to_string();
            for tally in tallies.iter_mut() {
                tally.push(&classifier, keep, &sha, message);
            }
            Ok(())
        },
    )?;
    if repo.is_shallow()
        && walked.iter().zip(&tags).any(|((last, _), tags)| last.is_none() && !tags.is_empty())
    {
        return Err(Error::input("this is a shallow clone and some package's last release tag is not reachable from HEAD")
            .hint("fetch the whole history: `fetch-depth: 0` for actions/checkout, or `git fetch --unshallow --tags`"));
    }

    let mut warnings = packages.warnings();
    let mut plans = Vec::with_capacity(selected.len());
    for ((package, (last, tally)), tags) in selected.iter().zip(walked).zip(&tags) {
        let read = tally.finish(&classifier, keep);
        let current_files = VersionFiles::read(root, &package.locations)?;
        let current = current_files.versions()?;
        let mut own_warnings = Vec::new();
        let previous = super::previous_version(last, None, &current, &mut own_warnings);
        let next = next_release(request, config, package, &previous, last, &read, tags, head.commit)?;
        let next = match next {
            Ok(next) => {
                never_below_files(&next.version, &current, package)?;
                Ok(next)
            }
            nothing => nothing,
        };
        own_warnings.extend(read.warnings);
        warnings.extend(own_warnings.into_iter().map(|w| format!("{}: {w}", package.name)));
        let path = package.filter.path();
        plans.push(PackagePlan {
            name: Some(package.name.clone()),
            path: Some(if path.is_empty() { ".".to_string() } else { path.to_string() }),
            previous,
            commits: read.commits,
            ignored: read.ignored,
            next: next.as_ref().ok().cloned(),
            since_stable: None,
            hint: next.err().flatten(),
            highest_stable: tags.iter().map(|t| &t.version).filter(|v| v.pre.is_empty()).max().cloned(),
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

/// One package's next release, by the single-package rules (`decide`); `Err(hint)` when it has
/// nothing to release (the hint says what would release it, if anything).
#[allow(clippy::too_many_arguments)]
fn next_release(
    request: &Request,
    config: &Config,
    package: &Package,
    previous: &Previous,
    last: Option<&ReleaseTag>,
    read: &Counted,
    tags: &[ReleaseTag],
    head: git2::Oid,
) -> Result<std::result::Result<Next, Option<String>>> {
    let tagged: Vec<Version> = tags.iter().map(|t| t.version.clone()).collect();
    let facts = decide::Facts {
        previous: previous.version(),
        stable: None,
        new_level: read.decided.as_ref().map(|(level, _)| *level),
        stable_level: None,
        release_as: None,
        head_released: last.is_some_and(|t| t.commit == head),
        tagged: &tagged,
        rules: bump::Rules { major_zero_breaking_is_minor: config.major_zero_breaking_is_minor },
    };
    let ask = decide::Ask { bump: request.bump, pre: request.pre.clone(), promote: request.promote };
    let (version, why) = match decide::decide(&facts, &ask)? {
        decide::Decision::Release { next, why } => (next, why),
        decide::Decision::Nothing { hint } => return Ok(Err(hint)),
    };
    let asked = read.decided.as_ref().map(|(level, _)| *level);
    let (level, reason) = match why {
        decide::Why::Commits { level } => (
            level,
            Reason::Commit { sha: read.decided.as_ref().map(|(_, sha)| sha.clone()).unwrap_or_default() },
        ),
        decide::Why::Override { level } => (level, Reason::Override),
        decide::Why::Promote => (bump::level_between(previous.version(), &version), Reason::Promote),
        decide::Why::ReleaseAs { sha } => {
            (bump::level_between(previous.version(), &version), Reason::ReleaseAs { sha })
        }
        decide::Why::Pre => (bump::level_between(previous.version(), &version), Reason::Pre),
    };
    let rule = match reason {
        Reason::Commit { .. } => {
            asked.filter(|asked| *asked != level).map(|_| Rule::MajorZeroBreakingIsMinor)
        }
        _ => None,
    };
    let tag = package.tag.format(&version);
    if let Some(tag) = last {
        let existing =
            [bump::Existing { version: tag.version.clone(), place: format!("the tag `{}`", tag.name) }];
        decide::never_lower(&version, &existing, package.tag.prefix())?;
    }
    Ok(Ok(Next { bump: Bump { level, reason, rule }, version, tag }))
}

/// A package's files may hold a higher version than its last tag (MadAppGang/magus: `plugins/dev/v2.7.0`
/// tagged, plugin.json at 4.4.2): a release that would write a lower version is refused, as in
/// single-package mode. An equal version is left to the tag rules (a merged release PR's files
/// already say the version its tag-only run tags).
fn never_below_files(
    next: &Version,
    current: &[(&crate::edit::Field, Version)],
    package: &Package,
) -> Result<()> {
    let higher: Vec<bump::Existing> = current
        .iter()
        .filter(|(_, version)| version > next)
        .map(|(field, version)| bump::Existing {
            version: version.clone(),
            place: format!("{}:{} (`{}`)", field.file.display(), field.line, field.location),
        })
        .collect();
    decide::never_lower(next, &higher, package.tag.prefix())
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
