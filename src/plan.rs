//! The release plan: a pure function from (history, files, config) to what a release would do.
//!
//! Nothing here writes. `vbump plan` / `--dry-run` prints a [`Plan`]; `vbump release` hands it to
//! `transaction`, which applies it.

use std::cell::Cell;

use git2::Repository;
use semver::Version;
use serde::Serialize;

use crate::bump::{self, Level};
use crate::commits::{self, Classifier, ReleaseSubject, Tally};
use crate::config::Config;
use crate::decide;
use crate::edit::{Field, FileEdit, VersionFiles};
use crate::error::{Error, Result};
use crate::history;

pub(crate) mod packages;

/// Where the current version came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "lowercase")]
pub(crate) enum Previous {
    /// The highest release tag reachable from HEAD.
    Tag { version: Version, tag: String, commit: String },
    /// No release tag: the highest version found in the version files. `since` is the commit
    /// that last changed that version value: the commits after it are counted, not the whole
    /// history (the ones before it made the version the files hold).
    Files { version: Version, since: Option<String> },
    /// No tag and no version file: releases start from 0.0.0.
    None { version: Version },
}

impl Previous {
    pub(crate) fn version(&self) -> &Version {
        match self {
            Previous::Tag { version, .. } | Previous::Files { version, .. } | Previous::None { version } => {
                version
            }
        }
    }
}

// What the classifier produces; defined with it in `commits`, part of the plan's JSON.
pub(crate) use crate::commits::{IgnoredCommit, PlannedCommit};

/// Why the release has the level it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub(crate) enum Reason {
    /// The commit with the highest level (the first one found, newest first).
    Commit { sha: String },
    /// `--bump` on the command line.
    Override,
    /// `--promote`: the stable version of the last pre-release.
    Promote,
    /// A `Release-As: X.Y.Z` footer in this commit.
    ReleaseAs { sha: String },
    /// `--pre` alone: the next pre-release, nothing else asking for a level.
    Pre,
}

/// The bump this release makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Bump {
    pub level: Level,
    #[serde(flatten)]
    pub reason: Reason,
    /// The rule that made `level` lower than the commits asked for, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
}

/// A rule that changes the level the commits ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Rule {
    /// `major-zero-breaking-is-minor`: while the major version is 0, a breaking change is a minor.
    MajorZeroBreakingIsMinor,
}

/// The release a package gets: its level, version and tag, which exist only together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Next {
    pub bump: Bump,
    #[serde(rename = "next")]
    pub version: Version,
    /// The tag this release creates.
    pub tag: String,
}

/// One package's part of the plan: where its version comes from, its commits and its next release.
///
/// Single-package repositories (all of them, today) have exactly one, the whole repository. The
/// multi-package seam: `build` makes one per package (a `name` and a path filter join these fields);
/// the JSON keeps the flat single-package shape while there is one.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct PackagePlan {
    /// The package's name; `None` in a single-package repository (the JSON then has no `name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The package folder (`.` for the root); `None` in a single-package repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub previous: Previous,
    /// Conventional commits since the last release, newest first; for a stable release after
    /// pre-releases, since the last stable release (what the notes cover).
    pub commits: Vec<PlannedCommit>,
    /// Commits that were not counted, newest first.
    pub ignored: Vec<IgnoredCommit>,
    /// `None` when nothing since the last release warrants one.
    #[serde(flatten, serialize_with = "serialize_next")]
    pub next: Option<Next>,
    /// The last stable release's tag when the commits are counted from it rather than from
    /// `previous` (a stable release after pre-releases); `None` otherwise.
    pub since_stable: Option<String>,
    /// With nothing to release: what would release (how to promote a pre-release).
    pub hint: Option<String>,
    /// The highest stable version of all release tags, on any branch: a stable release below it
    /// is a maintenance release and does not become the GitHub "Latest" release.
    #[serde(skip)]
    pub highest_stable: Option<Version>,
    /// The changelog the release prepends its notes to (`changelog` in vbump.toml, or the
    /// package's own).
    #[serde(skip)]
    pub changelog: Option<std::path::PathBuf>,
    /// The release notes of `next` (the tag message, the GitHub Release and the release PR's
    /// body), `None` without a release. Filled by the release's first half, which knows the
    /// repository's URL for links.
    pub notes: Option<String>,
}

/// `bump`, `next` and `tag` as three fields, each `null` when there is nothing to release.
fn serialize_next<S: serde::Serializer>(next: &Option<Next>, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(3))?;
    map.serialize_entry("bump", &next.as_ref().map(|n| &n.bump))?;
    map.serialize_entry("next", &next.as_ref().map(|n| &n.version))?;
    map.serialize_entry("tag", &next.as_ref().map(|n| &n.tag))?;
    map.end()
}

/// Everything a release would do. Field names are part of the `--format json` interface: with one
/// package its fields sit at the top level (`previous`, `commits`, …, `tag`).
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// The branch HEAD is on, `None` when detached.
    pub branch: Option<String>,
    /// The commit HEAD points at.
    pub head: String,
    /// One entry per package, in configuration order; exactly one in a single-package repository.
    pub packages: Vec<PackagePlan>,
    /// The edits the release makes to version files (and the changelog), in location order, for
    /// every package together (one commit holds them all).
    pub files: Vec<FileEdit>,
    /// With several packages: the commits since some package's last release that change no
    /// package's files (they release nothing).
    pub outside: Vec<IgnoredCommit>,
    /// Things the user should know that do not stop the release.
    pub warnings: Vec<String>,
    /// Everything that would stop the release before it changes anything (all of them, not the
    /// first). Filled by the release's first half; `vbump plan` shows them and exits 2.
    pub problems: Vec<Error>,
}

impl Plan {
    /// True when the repository has several packages (each plan entry has a name).
    pub(crate) fn is_multi(&self) -> bool {
        self.packages.iter().any(|package| package.name.is_some())
    }

    /// The release commit's message. One package: the template with `{version}` and `{tag}`.
    /// Several: `{tags}` (and `{tag}`, in a template written for one package) is the list of the
    /// tags this release creates, `{version}` the version when exactly one package is released.
    pub(crate) fn release_message(&self, config: &Config) -> Option<String> {
        let releases: Vec<&Next> = self.releases().collect();
        if !self.is_multi() {
            return releases.first().map(|next| config.release_message(&next.version));
        }
        if releases.is_empty() {
            return None;
        }
        let tags: Vec<&str> = releases.iter().map(|next| next.tag.as_str()).collect();
        let list = tags.join(", ");
        let mut message = config.commit_message.replace("{tags}", &list).replace("{tag}", &list);
        if let [next] = releases.as_slice() {
            message = message.replace("{version}", &next.version.to_string());
        }
        Some(message)
    }

    /// The package of a single-package plan. (Callers that handle several iterate
    /// [`Plan::packages`]; this is the one place that assumes one.)
    pub(crate) fn package(&self) -> &PackagePlan {
        &self.packages[0]
    }

    /// The releases this plan makes, one per package that has one.
    pub(crate) fn releases(&self) -> impl Iterator<Item = &Next> {
        self.packages.iter().filter_map(|package| package.next.as_ref())
    }
}

impl Serialize for Plan {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Flat<'a> {
            branch: &'a Option<String>,
            head: &'a str,
            #[serde(flatten)]
            package: &'a PackagePlan,
            files: &'a [FileEdit],
            warnings: &'a [String],
            problems: Vec<String>,
        }
        #[derive(Serialize)]
        struct Packages<'a> {
            branch: &'a Option<String>,
            head: &'a str,
            packages: &'a [PackagePlan],
            outside: &'a [IgnoredCommit],
            files: &'a [FileEdit],
            warnings: &'a [String],
            problems: Vec<String>,
        }
        let (branch, head, files, warnings) = (&self.branch, self.head.as_str(), &self.files, &self.warnings);
        let problems = self.problems.iter().map(Error::to_string).collect();
        match self.packages.as_slice() {
            [package] if package.name.is_none() => {
                Flat { branch, head, package, files, warnings, problems }.serialize(serializer)
            }
            packages => {
                Packages { branch, head, packages, outside: &self.outside, files, warnings, problems }
                    .serialize(serializer)
            }
        }
    }
}

/// What the user asked for on top of the history.
#[derive(Debug, Clone, Default)]
pub(crate) struct Request {
    /// `--bump`: this level instead of the commits' level.
    pub bump: Option<Level>,
    /// `--pre ID`: make a pre-release with this identifier.
    pub pre: Option<String>,
    /// `--promote`: release the stable version of the last pre-release.
    pub promote: bool,
    /// Collect every commit (the plan report) or only what decides the version (`vbump next`).
    pub detail: Detail,
}

/// How much of the history a plan keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Detail {
    /// Every commit, classified: for the plan report and the release notes.
    #[default]
    Full,
    /// Only the deciding commit: memory stays flat however long the history (`vbump next`).
    Summary,
}

/// Computes the plan from the history and the version files (`files`, read at HEAD).
pub(crate) fn build(
    repo: &Repository,
    config: &Config,
    request: &Request,
    files: &VersionFiles,
) -> Result<Plan> {
    let current = files.versions()?;
    let head = history::head(repo)?;
    let tags = history::release_tags(repo, &config.tag_prefix)?;
    // Without a release tag the count starts after the commit that last changed the version.
    let untagged_start = Cell::new(None);
    let start = || {
        let paths = files.paths();
        let found =
            history::last_version_change(repo, head.commit, &paths, |contents| files.values_in(contents))?;
        untagged_start.set(found);
        Ok(found)
    };
    let (last, read) = read_commits(repo, config, head.commit, &tags, start, request.detail)?;
    if last.is_none() && history::is_shallow(repo) {
        return Err(Error::input("this is a shallow clone and no release tag is reachable from HEAD")
            .hint("fetch the whole history: `fetch-depth: 0` for actions/checkout, or `git fetch --unshallow --tags`"));
    }
    if last.is_none() {
        refuse_other_prefixes(repo, head.commit, &config.tag_prefix)?;
    }

    let mut warnings = read.warnings.clone();
    let previous = previous_version(last, untagged_start.get(), &current, &mut warnings);
    let stable = since_last_stable(repo, config, head.commit, &tags, last, request.detail)?;

    let head_released = last.is_some_and(|t| t.commit == head.commit);
    let tagged: Vec<Version> = tags.iter().map(|t| t.version.clone()).collect();
    let facts = decide::Facts {
        previous: previous.version(),
        stable: stable.as_ref().map(|(tag, _)| &tag.version),
        new_level: read.decided.as_ref().map(|(level, _)| *level),
        stable_level: stable.as_ref().and_then(|(_, read)| read.decided.as_ref().map(|(level, _)| *level)),
        release_as: read.release_as.clone(),
        head_released,
        tagged: &tagged,
        rules: bump::Rules { major_zero_breaking_is_minor: config.major_zero_breaking_is_minor },
    };
    let ask = decide::Ask { bump: request.bump, pre: request.pre.clone(), promote: request.promote };
    let decision = decide::decide(&facts, &ask)?;
    // A named version (`--promote`, `Release-As`, `--pre` alone) reports the level from here.
    let named_from = facts.stable.unwrap_or(facts.previous).clone();

    let mut plan = Plan {
        branch: head.branch.clone(),
        head: head.commit.to_string(),
        packages: vec![PackagePlan {
            name: None,
            path: None,
            previous,
            commits: read.commits,
            ignored: read.ignored,
            next: None,
            since_stable: None,
            hint: None,
            highest_stable: tags.iter().map(|t| &t.version).filter(|v| v.pre.is_empty()).max().cloned(),
            changelog: config.changelog.clone(),
            notes: None,
        }],
        files: Vec::new(),
        outside: Vec::new(),
        warnings,
        problems: Vec::new(),
    };
    let (next, why) = match decision {
        decide::Decision::Release { next, why } => (next, why),
        decide::Decision::Nothing { hint } => {
            plan.packages[0].hint = hint;
            return Ok(plan);
        }
    };
    // A stable release covers everything since the last stable one, pre-releases included.
    let mut decided = read.decided;
    // The level the commits asked for, before the 0.x rule: the stable range's after pre-releases.
    let mut asked = decided.as_ref().map(|(level, _)| *level);
    if let Some((tag, stable_read)) = stable.filter(|_| next.pre.is_empty()) {
        let package = &mut plan.packages[0];
        package.since_stable = Some(tag.name);
        package.commits = stable_read.commits;
        package.ignored = stable_read.ignored;
        decided = stable_read.decided;
        asked = decided.as_ref().map(|(level, _)| *level);
    }
    let level = match why {
        decide::Why::Commits { level } | decide::Why::Override { level } => level,
        _ => bump::level_between(&named_from, &next),
    };
    let reason = match why {
        decide::Why::Commits { .. } => {
            Reason::Commit { sha: decided.map(|(_, sha)| sha).unwrap_or_default() }
        }
        decide::Why::Override { .. } => Reason::Override,
        decide::Why::Promote => Reason::Promote,
        decide::Why::ReleaseAs { sha } => Reason::ReleaseAs { sha },
        decide::Why::Pre => Reason::Pre,
    };

    let tag = config.tag_name(&next);
    plan.problems.extend(existing_tag(repo, &tag));
    let existing = existing_versions(repo, config, &head, &next, &current, last)?;
    if let Err(e) = decide::never_lower(&next, &existing, &config.tag_scheme(), decide::TagSetting::Prefix) {
        return Err(name_other_prefixes(repo, head.commit, &config.tag_prefix, e)?);
    }
    plan.files = files.set_version(&next)?;
    let rule = match reason {
        Reason::Commit { .. } => {
            asked.filter(|asked| *asked != level).map(|_| Rule::MajorZeroBreakingIsMinor)
        }
        _ => None,
    };
    plan.packages[0].next = Some(Next { bump: Bump { level, reason, rule }, version: next, tag });
    Ok(plan)
}

/// The problem of a next tag that exists already (HEAD does not contain it, or it would be the
/// last release): a problem, not an error, so that the release's first half goes on and a re-run
/// of a run whose push landed can recognise that release (`release::landed`). The transaction's
/// preflight says the same with [`tag_exists`] (listed once).
pub(crate) fn existing_tag(repo: &Repository, tag: &str) -> Option<Error> {
    repo.find_reference(&format!("refs/tags/{tag}")).ok()?;
    Some(tag_exists(tag))
}

/// The problem of a tag to be made that exists already, and what to do about it.
pub(crate) fn tag_exists(tag: &str) -> Error {
    Error::input(format!("tag `{tag}` exists already")).hint(format!(
        "inspect it with `git show {tag}` and `git ls-remote --tags origin {tag}`: if the remote has it, \
         this version is released (run vbump on the branch's current head to finish what is missing); \
         delete it only if it exists nowhere else: `git tag -d {tag}`"
    ))
}

/// After a pre-release, a stable release is counted from the last stable release HEAD contains:
/// that tag and the commits since it (pre-releases included). `None` when the last release is
/// stable, or no stable release is reachable.
fn since_last_stable(
    repo: &Repository,
    config: &Config,
    head: git2::Oid,
    tags: &[history::ReleaseTag],
    last: Option<&history::ReleaseTag>,
    detail: Detail,
) -> Result<Option<(history::ReleaseTag, Read)>> {
    if last.is_none_or(|tag| tag.version.pre.is_empty()) {
        return Ok(None);
    }
    let stable_tags: Vec<_> = tags.iter().filter(|t| t.version.pre.is_empty()).cloned().collect();
    let Some(stable) = history::last_release(repo, head, &stable_tags)? else { return Ok(None) };
    let (_, read) = read_commits(repo, config, head, std::slice::from_ref(stable), || Ok(None), detail)?;
    Ok(Some((stable.clone(), read)))
}

/// The current version of each version field, as the version files say.
type CurrentVersions<'a> = [(&'a Field, Version)];

/// Every version the repository already holds that a release must stay above: each version
/// file's value and the last release tag HEAD contains. A merged release pull request is the one
/// case where the files already say the next version: HEAD's own release commit wrote it.
fn existing_versions(
    repo: &Repository,
    config: &Config,
    head: &history::Head,
    next: &Version,
    current: &CurrentVersions<'_>,
    last: Option<&history::ReleaseTag>,
) -> Result<Vec<bump::Existing>> {
    let written_by_head = head_is_release_commit_of(repo, config, head.commit, next)?;
    let mut existing: Vec<bump::Existing> = current
        .iter()
        .filter(|(_, version)| !(written_by_head && version == next))
        .map(|(field, version)| bump::Existing {
            version: version.clone(),
            place: format!("{}:{} (`{}`)", field.file.display(), field.line, field.location),
        })
        .collect();
    if let Some(tag) = last {
        existing
            .push(bump::Existing { version: tag.version.clone(), place: format!("the tag `{}`", tag.name) });
    }
    Ok(existing)
}

/// Is HEAD (or, for a merge, one of its parents) a release commit naming `version`?
fn head_is_release_commit_of(
    repo: &Repository,
    config: &Config,
    head: git2::Oid,
    version: &Version,
) -> Result<bool> {
    let subject = ReleaseSubject::new(&config.commit_message, &config.tag_prefix);
    let commit = repo.find_commit(head)?;
    let mut candidates = vec![commit.clone()];
    if commit.parent_count() > 1 {
        candidates.extend(commit.parents());
    }
    Ok(candidates
        .iter()
        .any(|c| subject.version(c.summary().ok().flatten().unwrap_or_default()).as_ref() == Some(version)))
}

/// No tag of the configured prefix is reachable: when tags of another prefix are, the history
/// would be counted from the wrong place, so stop and name the `tag-prefix` that would match.
fn refuse_other_prefixes(repo: &Repository, head: git2::Oid, prefix: &str) -> Result<()> {
    let others = other_prefixes(repo, head, prefix)?;
    let Some(best) = others.first() else { return Ok(()) };
    let names: Vec<String> = others.iter().map(|p| format!("`{}`", p.highest.name)).collect();
    Err(Error::input(format!(
        "no release tag named `{prefix}<version>` is reachable from HEAD, but {} {}",
        names.join(", "),
        if names.len() == 1 { "is" } else { "are" }
    ))
    .hint(format!(
        "set `tag-prefix = \"{}\"` in vbump.toml to count from `{}`; or, to tag with `{prefix}` from now on, tag the last release under it first: `git tag {prefix}{} {}`",
        best.prefix, best.highest.name, best.highest.version, best.highest.name
    )))
}

/// The reachable tag prefixes other than `prefix`, highest version first.
fn other_prefixes(repo: &Repository, head: git2::Oid, prefix: &str) -> Result<Vec<history::PrefixTags>> {
    Ok(history::reachable_prefixes(repo, head)?.into_iter().filter(|p| p.prefix != prefix).collect())
}

/// A refused downgrade: when tags of another prefix reach the version the files hold, say so.
fn name_other_prefixes(repo: &Repository, head: git2::Oid, prefix: &str, e: Error) -> Result<Error> {
    let others = other_prefixes(repo, head, prefix)?;
    let Some(best) = others.first() else { return Ok(e) };
    let hint = format!(
        "the tags of this repository look like `{}`: set `tag-prefix = \"{}\"` in vbump.toml; {}",
        best.highest.name,
        best.prefix,
        e.hint.as_deref().unwrap_or_default()
    );
    Ok(e.hint(hint))
}

/// The version to bump from: the last tag's, else the highest the files hold, else 0.0.0.
/// Files that disagree with it become warnings.
pub(crate) fn previous_version(
    last: Option<&history::ReleaseTag>,
    since: Option<git2::Oid>,
    current: &CurrentVersions<'_>,
    warnings: &mut Vec<String>,
) -> Previous {
    let previous = match (last, current.iter().map(|(_, v)| v).max()) {
        (Some(tag), _) => Previous::Tag {
            version: tag.version.clone(),
            tag: tag.name.clone(),
            commit: tag.commit.to_string(),
        },
        (None, Some(highest)) => {
            Previous::Files { version: highest.clone(), since: since.map(|c| c.to_string()) }
        }
        (None, None) => Previous::None { version: Version::new(0, 0, 0) },
    };
    let source = match &previous {
        Previous::Tag { tag, .. } => format!("the last release tag `{tag}`"),
        _ => "the highest version in the files".to_string(),
    };
    for (field, version) in current {
        if version != previous.version() {
            warnings.push(format!(
                "{}:{} (`{}`) says {} but {} says {}",
                field.file.display(),
                field.line,
                field.location,
                version,
                source,
                previous.version()
            ));
        }
    }
    previous
}

/// The commits since the last release, as [`read_commits`] folds them.
#[derive(Default)]
struct Read {
    /// The highest level asked for and the newest commit that asked for it.
    decided: Option<(Level, String)>,
    /// Every conventional commit, newest first (empty for [`Detail::Summary`]).
    commits: Vec<PlannedCommit>,
    /// Every other commit, newest first (empty for [`Detail::Summary`]).
    ignored: Vec<IgnoredCommit>,
    /// The highest `Release-As` version and its commit.
    release_as: Option<(Version, String)>,
    /// What the reading found wrong but could skip.
    warnings: Vec<String>,
}

/// Finds the last release HEAD contains and folds the commits since it, in one walk: the tally
/// of their levels, and any `Release-As` footer.
fn read_commits<'t>(
    repo: &Repository,
    config: &Config,
    head: git2::Oid,
    tags: &'t [history::ReleaseTag],
    untagged_start: impl FnOnce() -> Result<Option<git2::Oid>>,
    detail: Detail,
) -> Result<(Option<&'t history::ReleaseTag>, Read)> {
    let classifier = Classifier::new(&config.types, &config.commit_message, &config.tag_prefix);
    let keep = detail == Detail::Full;
    let (last, walk) =
        history::since_last_release(repo, head, tags, untagged_start, |walk: &mut Walk, oid, message| {
            let sha = oid.to_string();
            walk.read_release_as(&sha, message);
            walk.tally.push(&classifier, keep, &sha, message);
            Ok(())
        })?;
    let counted = walk.tally.finish(&classifier, keep);
    let mut warnings = counted.warnings;
    warnings.extend(walk.warnings);
    let read = Read {
        decided: counted.decided,
        commits: counted.commits,
        ignored: counted.ignored,
        release_as: walk.release_as,
        warnings,
    };
    Ok((last, read))
}

/// What [`read_commits`] folds the walk into.
#[derive(Default)]
struct Walk {
    tally: Tally,
    /// The highest `Release-As` version and its commit.
    release_as: Option<(Version, String)>,
    warnings: Vec<String>,
}

impl Walk {
    /// Keeps the highest `Release-As` footer. A footer that is not a version is a warning: history
    /// cannot be fixed without rewriting it, so the commit still counts as usual.
    fn read_release_as(&mut self, sha: &str, message: &str) {
        let Some(value) = commits::release_as(message) else { return };
        match release_as_version(value) {
            Some(version) if self.release_as.as_ref().is_none_or(|(highest, _)| version > *highest) => {
                self.release_as = Some((version, sha.to_string()));
            }
            Some(_) => {}
            None => self.warnings.push(format!(
                "commit {} says `Release-As: {value}`, which is not a semantic version; the footer is ignored",
                crate::text::short_sha(sha)
            )),
        }
    }
}

/// The version of a `Release-As` footer: semver, optionally written with a `v`.
fn release_as_version(value: &str) -> Option<Version> {
    let value = value.strip_prefix(['v', 'V']).unwrap_or(value);
    Version::parse(value).ok()
}
