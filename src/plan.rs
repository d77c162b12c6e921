//! The release plan: a pure function from (history, files, config) to what a release would do.
//!
//! Nothing here writes. `vbump plan` / `--dry-run` prints a [`Plan`]; `vbump release` hands it to
//! `transaction`, which applies it.

use git2::Repository;
use semver::Version;
use serde::Serialize;

use crate::bump::{self, Level};
use crate::commits::{Classifier, Counted, Tally};
use crate::config::Config;
use crate::edit::{Field, FileEdit};
use crate::error::{Error, Result};
use crate::history;

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
    /// The first line of the message, as written.
    pub subject: String,
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
    /// Where the message departs from Conventional Commits and how vbump read it anyway
    /// (`vbump lint` reports the same); empty for a message that follows the specification.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deviations: Vec<String>,
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
}

/// The bump this release makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bump {
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
pub enum Rule {
    /// `major-zero-breaking-is-minor`: while the major version is 0, a breaking change is a minor.
    MajorZeroBreakingIsMinor,
}

/// The release a package gets: its level, version and tag, which exist only together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Next {
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
pub struct PackagePlan {
    pub previous: Previous,
    /// Conventional commits since the last release, newest first.
    pub commits: Vec<PlannedCommit>,
    /// Commits that were not counted, newest first.
    pub ignored: Vec<IgnoredCommit>,
    /// `None` when nothing since the last release warrants one.
    #[serde(flatten, serialize_with = "serialize_next")]
    pub next: Option<Next>,
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
pub struct Plan {
    /// The branch HEAD is on, `None` when detached.
    pub branch: Option<String>,
    /// The commit HEAD points at.
    pub head: String,
    /// One entry per package, in configuration order; exactly one in a single-package repository.
    pub packages: Vec<PackagePlan>,
    /// The edits the release makes to version files (and the changelog), in location order, for
    /// every package together (one commit holds them all).
    pub files: Vec<FileEdit>,
    /// Things the user should know that do not stop the release.
    pub warnings: Vec<String>,
}

impl Plan {
    /// The package of a single-package plan. (Callers that handle several iterate
    /// [`Plan::packages`]; this is the one place that assumes one.)
    pub fn package(&self) -> &PackagePlan {
        &self.packages[0]
    }

    /// The releases this plan makes, one per package that has one.
    pub fn releases(&self) -> impl Iterator<Item = &Next> {
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
        }
        #[derive(Serialize)]
        struct Packages<'a> {
            branch: &'a Option<String>,
            head: &'a str,
            packages: &'a [PackagePlan],
            files: &'a [FileEdit],
            warnings: &'a [String],
        }
        let (branch, head, files, warnings) = (&self.branch, self.head.as_str(), &self.files, &self.warnings);
        match self.packages.as_slice() {
            [package] => Flat { branch, head, package, files, warnings }.serialize(serializer),
            packages => Packages { branch, head, packages, files, warnings }.serialize(serializer),
        }
    }
}

/// What the user asked for on top of the history.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `--bump`: this level instead of the commits' level.
    pub bump: Option<Level>,
    /// `--pre ID`: make a pre-release with this identifier.
    pub pre: Option<String>,
    /// Collect every commit (the plan report) or only what decides the version (`vbump next`).
    pub detail: Detail,
}

/// How much of the history a plan keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Every commit, classified: for the plan report and the release notes.
    #[default]
    Full,
    /// Only the deciding commit: memory stays flat however long the history (`vbump next`).
    Summary,
}

/// The current version of each version field, as the version files say.
pub type CurrentVersions<'a> = [(&'a Field, Version)];

/// Computes the plan. `edits_for(version)` returns the file edits that write `version` into every
/// version location (it is only called when there is something to release).
pub fn build(
    repo: &Repository,
    config: &Config,
    request: &Request,
    current: &CurrentVersions<'_>,
    edits_for: impl FnOnce(&Version) -> Result<Vec<FileEdit>>,
) -> Result<Plan> {
    if let Some(id) = &request.pre {
        bump::check_pre_id(id)?;
    }
    let head = history::head(repo)?;
    let tags = history::release_tags(repo, &config.tag_prefix)?;
    let (last, read) = read_commits(repo, config, head.commit, &tags, request.detail)?;
    if last.is_none() && repo.is_shallow() {
        return Err(Error::input("this is a shallow clone and no release tag is reachable from HEAD")
            .hint("fetch the whole history: `fetch-depth: 0` for actions/checkout, or `git fetch --unshallow --tags`"));
    }

    let mut warnings = Vec::new();
    let previous = previous_version(last, current, &mut warnings);
    warnings.extend(read.warnings);
    let mut plan = Plan {
        branch: head.branch.clone(),
        head: head.commit.to_string(),
        packages: vec![PackagePlan { previous, commits: read.commits, ignored: read.ignored, next: None }],
        files: Vec::new(),
        warnings,
    };

    if let Some(tag) = last.filter(|t| t.commit == head.commit) {
        // Re-runs are no-ops. The one exception is asked for by name: `--bump` without `--pre` on
        // a HEAD tagged as a pre-release promotes it (1.3.0-rc.2 → 1.3.0). Promoting on its own
        // would release the final version from the very push that made the rc.
        let promotes = !tag.version.pre.is_empty() && request.pre.is_none() && request.bump.is_some();
        if !promotes {
            if request.bump.is_some() || request.pre.is_some() {
                plan.warnings.push(format!(
                    "HEAD is already released as `{}`; a new release needs a new commit",
                    tag.name
                ));
            }
            return Ok(plan);
        }
    }

    let decided = read.decided;
    let base = plan.package().previous.version().clone();
    let rules = bump::Rules { major_zero_breaking_is_minor: config.major_zero_breaking_is_minor };
    let chosen = match (request.bump, decided) {
        (Some(level), _) => Some(Bump { level, reason: Reason::Override, rule: None }),
        (None, Some((asked, sha))) => {
            let level = bump::effective_level(&base, asked, false, rules);
            let rule = (level != asked).then_some(Rule::MajorZeroBreakingIsMinor);
            Some(Bump { level, reason: Reason::Commit { sha }, rule })
        }
        (None, None) => None,
    };
    let Some(chosen) = chosen else { return Ok(plan) };

    let mut next = bump::bump(&base, chosen.level)?;
    if let Some(id) = &request.pre {
        next = bump::pre_release(&next, id, tags.iter().map(|t| &t.version))?;
    }
    let tag = config.tag_name(&next);
    if repo.find_reference(&format!("refs/tags/{tag}")).is_ok() {
        return Err(Error::input(format!("the next version's tag `{tag}` exists already but HEAD does not contain it"))
            .hint(format!("inspect it with `git log -1 {tag}`; delete it if it is a leftover, or release from the branch that has it")));
    }
    plan.files = edits_for(&next)?;
    plan.packages[0].next = Some(Next { bump: chosen, version: next, tag });
    Ok(plan)
}

/// The version to bump from: the last tag's, else the highest the files hold, else 0.0.0.
/// Files that disagree with it become warnings.
fn previous_version(
    last: Option<&history::ReleaseTag>,
    current: &CurrentVersions<'_>,
    warnings: &mut Vec<String>,
) -> Previous {
    let previous = match (last, current.iter().map(|(_, v)| v).max()) {
        (Some(tag), _) => Previous::Tag {
            version: tag.version.clone(),
            tag: tag.name.clone(),
            commit: tag.commit.to_string(),
        },
        (None, Some(highest)) => Previous::Files { version: highest.clone() },
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

/// Finds the last release HEAD contains and folds the commits since it, in one walk.
fn read_commits<'t>(
    repo: &Repository,
    config: &Config,
    head: git2::Oid,
    tags: &'t [history::ReleaseTag],
    detail: Detail,
) -> Result<(Option<&'t history::ReleaseTag>, Counted)> {
    let classifier = Classifier::new(&config.types, &config.commit_message, &config.tag_prefix);
    let keep = detail == Detail::Full;
    let (last, tally) = history::since_last_release(repo, head, tags, |tally: &mut Tally, oid, message| {
        tally.push(&classifier, keep, &oid.to_string(), message);
        Ok(())
    })?;
    Ok((last, tally.finish(&classifier, keep)))
}
