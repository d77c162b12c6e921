//! `vbump check`, computed: do the version locations agree with each other, and with the last
//! release tag?
//!
//! One set of locations is assessed at a time ([`assess`]): the repository's in single-package
//! mode, each package's in a repository of several packages. Within a set, the value the others
//! should have is the most common valid one (the highest on a tie); a value that is not a semantic
//! version, or differs from that one, is a problem. A last release tag that differs from the
//! files is a warning (a problem with `--strict`). With several packages a plugin with no version
//! anywhere is a warning too: Claude Code caches it under `unknown/` and never updates it.
//!
//! Nothing here prints: the command line shows the report as a table, JSON or annotations.

use semver::Version;
use serde::{Serialize, Serializer};

use crate::catalog;
use crate::config::{LocationSpec, MarketplaceVersion};
use crate::edit::{Field, VersionFiles};
use crate::error::{Error, Result};
use crate::package::{self, Package, Packages};
use crate::workspace::{Target, Workspace};
use crate::worktree::WorkTree;

/// One sentence of the report, and the place it is about when it has one (a GitHub annotation
/// points there). Serialised as its text: `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    /// The package it is about, with several packages.
    pub(crate) package: Option<String>,
    /// The file (relative to the root, `/`-separated) and line the finding is about.
    pub(crate) place: Option<(String, usize)>,
    pub(crate) message: String,
}

impl Finding {
    fn at(file: &str, line: usize, message: String) -> Finding {
        Finding { package: None, place: Some((file.to_string(), line)), message }
    }

    fn nowhere(message: String) -> Finding {
        Finding { package: None, place: None, message }
    }

    /// The sentence as a person reads it: the package, the place, the message.
    pub(crate) fn text(&self) -> String {
        match &self.place {
            Some((file, line)) => format!("{}{file}:{line}: {}", self.whose(), self.message),
            None => format!("{}{}", self.whose(), self.message),
        }
    }

    /// The sentence without its place (an annotation carries the place on its own).
    pub(crate) fn unplaced(&self) -> String {
        format!("{}{}", self.whose(), self.message)
    }

    fn whose(&self) -> String {
        self.package.as_ref().map(|name| format!("{name}: ")).unwrap_or_default()
    }
}

impl Serialize for Finding {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

/// One location in the report. Field names are part of the `--format json` interface.
#[derive(Debug, Serialize)]
pub(crate) struct Row {
    pub(crate) file: String,
    pub(crate) line: usize,
    pub(crate) location: String,
    pub(crate) value: String,
    /// The value is a semantic version.
    pub(crate) valid: bool,
    /// The value equals the agreed version.
    pub(crate) agrees: bool,
}

/// The last release tag and whether it matches the files.
#[derive(Debug, Serialize)]
pub(crate) struct TagReport {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) agrees: bool,
}

/// The check of one set of locations (`--format json` in single-package mode).
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    /// True when there is no problem.
    pub(crate) ok: bool,
    /// The version most locations agree on, `null` when no value is valid.
    pub(crate) version: Option<String>,
    pub(crate) locations: Vec<Row>,
    pub(crate) tag: Option<TagReport>,
    /// Every finding, one sentence each.
    pub(crate) problems: Vec<Finding>,
    /// Things that do not fail the check.
    pub(crate) warnings: Vec<Finding>,
}

/// One package's check.
#[derive(Debug, Serialize)]
pub(crate) struct PackageReport {
    pub(crate) name: String,
    /// Its folder (`.` for the root).
    pub(crate) path: String,
    #[serde(flatten)]
    pub(crate) report: Report,
}

/// The marketplace's own version: shown, never compared (it is no plugin's version).
#[derive(Debug, Serialize)]
pub(crate) struct MarketplaceRow {
    pub(crate) file: String,
    pub(crate) line: usize,
    pub(crate) location: String,
    pub(crate) value: String,
    /// What a release does to it.
    pub(crate) policy: MarketplaceVersion,
}

/// The check of several packages (`--format json` in multi-package mode).
#[derive(Debug, Serialize)]
pub(crate) struct PackagesReport {
    /// True when no package has a problem.
    pub(crate) ok: bool,
    /// The packages checked (those named with `--package`, else all), in their order.
    pub(crate) packages: Vec<PackageReport>,
    pub(crate) marketplace: Option<MarketplaceRow>,
    /// Every package's problems, each sentence starting with the package's name.
    pub(crate) problems: Vec<Finding>,
    /// Every package's warnings, then the notes about the packages as a whole.
    pub(crate) warnings: Vec<Finding>,
}

/// What `vbump check` found.
#[derive(Debug)]
pub(crate) enum Checked {
    /// Single-package mode: every location of the repository is one set.
    One(Report),
    /// Several packages: each package's locations are a set of their own.
    Packages(PackagesReport),
}

impl Checked {
    /// True when the check passes (exit 0).
    pub(crate) fn ok(&self) -> bool {
        match self {
            Checked::One(report) => report.ok,
            Checked::Packages(report) => report.ok,
        }
    }
}

/// Checks the repository at `target`: the packages named in `names` (all when empty), or in
/// single-package mode every location (then `names` must be empty). `strict` makes a tag that
/// differs from the files a problem.
pub(crate) fn check(target: &Target, names: &[String], strict: bool) -> Result<Checked> {
    let workspace = Workspace::open(target)?;
    // Detection, the marketplace policy and the check read the same files: each is read once.
    let tree = WorkTree::new(&workspace.root);
    if let Some(packages) = Packages::resolve_in(&tree, &workspace.config)? {
        let selected = packages.select(names)?;
        return Ok(Checked::Packages(check_packages(&workspace, &tree, &packages, &selected, strict)?));
    }
    package::refuse_selection(names)?;
    let resolved = crate::locations::resolve_noted(&workspace.root, &workspace.config)?;
    let files = VersionFiles::read(&workspace.root, &resolved.locations)?;
    if files.fields().is_empty() {
        return Err(no_locations());
    }
    let tag = workspace.last_release()?;
    let mut report = assess(files.fields(), tag, strict);
    // A marketplace version left alone is no finding, but the user should know it is not checked.
    report.warnings.splice(0..0, resolved.notes().into_iter().map(Finding::nowhere));
    Ok(Checked::One(report))
}

fn no_locations() -> Error {
    Error::input("no version location found: no known version file, and no [[location]] in vbump.toml")
        .hint("add [[location]] entries to vbump.toml (`vbump init` prints what it detects)")
}

/// Each selected package assessed on its own. Every file is read once for all of them (a
/// marketplace holds one entry of each plugin), and the tags are listed once.
fn check_packages(
    workspace: &Workspace,
    tree: &WorkTree,
    packages: &Packages,
    selected: &[&Package],
    strict: bool,
) -> Result<PackagesReport> {
    let mut specs: Vec<LocationSpec> = selected.iter().flat_map(|p| p.locations.iter().cloned()).collect();
    let own = packages.marketplace.as_ref();
    specs.extend(own.map(|m| m.location.clone()));
    let files = VersionFiles::read_in(tree, &specs)?;
    let schemes: Vec<_> = selected.iter().map(|p| &p.tag).collect();
    let tags = match &packages.tags {
        Some(listed) => workspace.last_releases_in(listed, &schemes)?,
        None => workspace.last_releases(&schemes)?,
    };

    let mut reports = Vec::with_capacity(selected.len());
    let (mut first_spec, mut first_field) = (0, 0);
    // The marketplace line of each entry, read when a warning first points at one.
    let mut entry_lines = None;
    for (package, tag) in selected.iter().zip(tags) {
        let end_spec = first_spec + package.locations.len();
        let end_field = (first_field..files.fields().len())
            .find(|&i| files.spec_index(i) >= end_spec)
            .unwrap_or(files.fields().len());
        let mut report = assess(&files.fields()[first_field..end_field], tag, strict);
        (first_spec, first_field) = (end_spec, end_field);
        for finding in report.problems.iter_mut().chain(&mut report.warnings) {
            finding.package = Some(package.name.clone());
        }
        // It names the package itself.
        if let Some(trap) = package.cache_trap() {
            if entry_lines.is_none() {
                entry_lines = Some(catalog::entry_lines(tree)?);
            }
            let line = entry_lines.as_ref().and_then(|lines| lines.get(&package.name).copied());
            report.warnings.push(match line {
                Some(line) => Finding::at(catalog::MARKETPLACE, line, trap),
                None => Finding::nowhere(trap),
            });
        }
        let path = package.filter.path();
        reports.push(PackageReport {
            name: package.name.clone(),
            path: if path.is_empty() { ".".to_string() } else { path.to_string() },
            report,
        });
    }
    let marketplace = own.and_then(|own| {
        let field = files.fields().get(first_field)?;
        Some(MarketplaceRow {
            file: shown(field),
            line: field.line,
            location: field.location.clone(),
            value: field.value.clone(),
            policy: own.policy,
        })
    });
    let problems: Vec<Finding> = reports.iter().flat_map(|p| p.report.problems.iter().cloned()).collect();
    let mut warnings: Vec<Finding> = reports.iter().flat_map(|p| p.report.warnings.iter().cloned()).collect();
    warnings.extend(packages.notes.iter().cloned().map(Finding::nowhere));
    Ok(PackagesReport { ok: problems.is_empty(), packages: reports, marketplace, problems, warnings })
}

/// The check of one set of locations: do they agree, are they versions, and does the last
/// release tag (name, version) say the same?
pub(crate) fn assess(fields: &[Field], tag: Option<(String, Version)>, strict: bool) -> Report {
    let parsed: Vec<Option<Version>> = fields.iter().map(|f| f.scheme.parse(&f.value).ok()).collect();
    // The most common valid version; the highest wins a tie.
    let agreed = crate::edit::most_common(parsed.iter().flatten().cloned());

    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for (field, version) in fields.iter().zip(&parsed) {
        let agrees = version.is_some() && version.as_ref() == agreed.as_ref();
        let file = shown(field);
        match (version, &agreed) {
            (None, _) => problems.push(Finding::at(
                &file,
                field.line,
                format!("`{}` is \"{}\", which is not a semantic version", field.location, field.value),
            )),
            (Some(_), Some(agreed)) if !agrees => problems.push(Finding::at(
                &file,
                field.line,
                format!("`{}` is {}, but the other locations say {agreed}", field.location, field.value),
            )),
            _ => {}
        }
        rows.push(Row {
            file,
            line: field.line,
            location: field.location.clone(),
            value: field.value.clone(),
            valid: version.is_some(),
            agrees,
        });
    }

    let mut warnings = Vec::new();
    let tag = tag.map(|(name, version)| {
        let agrees = agreed.as_ref().is_none_or(|agreed| *agreed == version);
        if !agrees {
            let files_say = agreed.as_ref().map(ToString::to_string).unwrap_or_default();
            let finding = Finding::nowhere(format!(
                "the last release tag `{name}` is {version}, but the files say {files_say}"
            ));
            if strict { problems.push(finding) } else { warnings.push(finding) }
        }
        TagReport { name, version: version.to_string(), agrees }
    });
    Report {
        ok: problems.is_empty(),
        version: agreed.map(|v| v.to_string()),
        locations: rows,
        tag,
        problems,
        warnings,
    }
}

/// A field's file as reports show it: relative to the root, `/`-separated.
fn shown(field: &Field) -> String {
    field.file.to_string_lossy().replace('\\', "/")
}
