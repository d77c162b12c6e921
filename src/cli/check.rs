//! `vbump check`: the CI consistency check of every version location.
//!
//! Reads every location (exit 2 when one cannot be read: malformed file, missing key, …), then
//! reports each value. Exit 0 when every value is semver and all agree; exit 1 otherwise. The
//! value the others should have is the most common valid one (the highest on a tie). The last
//! release tag reachable from HEAD is compared too: a difference is a warning, or a finding with
//! `--strict`.

use std::fmt::Write as _;

use serde::Serialize;

use super::{CheckArgs, Context, Format, output};
use crate::actions::{escape_data, escape_property};
use crate::edit::VersionFiles;
use crate::error::{Error, Result};
use crate::report::Reporter as _;
use crate::workspace::Workspace;

/// One location in the report. Field names are part of the `--format json` interface.
#[derive(Debug, Serialize)]
struct Row {
    file: String,
    line: usize,
    location: String,
    value: String,
    /// The value is a semantic version.
    valid: bool,
    /// The value equals the agreed version.
    agrees: bool,
}

/// The last release tag and whether it matches the files.
#[derive(Debug, Serialize)]
struct TagReport {
    name: String,
    version: String,
    agrees: bool,
}

/// The whole report (`--format json`).
#[derive(Debug, Serialize)]
struct Report {
    /// True when the exit code is 0.
    ok: bool,
    /// The version most locations agree on, `null` when no value is valid.
    version: Option<String>,
    locations: Vec<Row>,
    tag: Option<TagReport>,
    /// Every finding, one sentence each.
    problems: Vec<String>,
    /// Things that do not fail the check.
    warnings: Vec<String>,
}

pub(super) fn run(ctx: &Context, args: &CheckArgs) -> Result<i32> {
    let workspace = Workspace::open(&ctx.target)?;
    let resolved = crate::locations::resolve_noted(&workspace.root, &workspace.config)?;
    let files = VersionFiles::read(&workspace.root, &resolved.locations)?;
    if files.fields().is_empty() {
        return Err(no_locations());
    }
    let tag = workspace.last_release()?;
    let mut report = assess(&files, tag, args.strict);
    // A marketplace version left alone is no finding, but the user should know it is not checked.
    report.warnings.splice(0..0, resolved.notes());
    match ctx.format {
        Format::Human => {
            super::output::print(&table(&report));
            for warning in &report.warnings {
                ctx.reporter().warn(warning);
            }
        }
        Format::Json => output::json(&report),
        Format::Github => print!("{}", annotations(&report, args.strict)),
    }
    Ok(if report.ok { 0 } else { 1 })
}

fn no_locations() -> Error {
    Error::input("no version location found: no known version file, and no [[location]] in vbump.toml")
        .hint("add [[location]] entries to vbump.toml (`vbump init` prints what it detects)")
}

fn assess(files: &VersionFiles, tag: Option<(String, semver::Version)>, strict: bool) -> Report {
    let parsed: Vec<Option<semver::Version>> =
        files.fields().iter().map(|f| f.scheme.parse(&f.value).ok()).collect();
    // The most common valid version; the highest wins a tie.
    let agreed = crate::edit::most_common(parsed.iter().flatten().cloned());

    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for (field, version) in files.fields().iter().zip(&parsed) {
        let agrees = version.is_some() && version.as_ref() == agreed.as_ref();
        let place = format!("{}:{}", field.file.display(), field.line);
        match (version, &agreed) {
            (None, _) => problems.push(format!(
                "{place}: `{}` is \"{}\", which is not a semantic version",
                field.location, field.value
            )),
            (Some(_), Some(agreed)) if !agrees => problems.push(format!(
                "{place}: `{}` is {}, but the other locations say {agreed}",
                field.location, field.value
            )),
            _ => {}
        }
        rows.push(Row {
            file: field.file.to_string_lossy().replace('\\', "/"),
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
            let message =
                format!("the last release tag `{name}` is {version}, but the files say {files_say}");
            if strict { problems.push(message) } else { warnings.push(message) }
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

/// The human table: every location, then a verdict.
fn table(report: &Report) -> String {
    let places: Vec<String> = report.locations.iter().map(|r| format!("{}:{}", r.file, r.line)).collect();
    let place_width = places.iter().map(|p| p.chars().count()).chain([9]).max().unwrap_or(9);
    let location_width =
        report.locations.iter().map(|r| r.location.chars().count()).chain([8]).max().unwrap_or(8);
    let mut out = String::new();
    let _ = writeln!(out, "{:place_width$}  {:location_width$}  VALUE", "FILE:LINE", "LOCATION");
    for (row, place) in report.locations.iter().zip(&places) {
        let note = match (&report.version, row.valid, row.agrees) {
            (_, false, _) => "  (not a semantic version)".to_string(),
            (Some(agreed), true, false) => format!("  (differs from {agreed})"),
            _ => String::new(),
        };
        let _ = writeln!(out, "{place:place_width$}  {:location_width$}  {}{note}", row.location, row.value);
    }
    let total = report.locations.len();
    let _ = match (&report.version, report.ok) {
        (Some(version), true) => writeln!(
            out,
            "\nall {total} location(s) agree on {version}\n(`vbump audit` lists other files that still say {version})"
        ),
        _ => writeln!(out, "\n{} problem(s):\n{}", report.problems.len(), bullet(&report.problems)),
    };
    out
}

fn bullet(lines: &[String]) -> String {
    lines.iter().map(|l| format!("  - {l}\n")).collect::<String>().trim_end().to_string()
}

/// GitHub workflow commands: an `::error` per failing location, then the tag finding.
fn annotations(report: &Report, strict: bool) -> String {
    let mut out = String::new();
    for row in report.locations.iter().filter(|r| !r.agrees) {
        let message = match &report.version {
            _ if !row.valid => {
                format!("`{}` is \"{}\", which is not a semantic version", row.location, row.value)
            }
            Some(agreed) => {
                format!("`{}` is {}, but the other locations say {agreed}", row.location, row.value)
            }
            None => continue,
        };
        let _ = writeln!(
            out,
            "::error file={},line={}::{}",
            escape_property(&row.file),
            row.line,
            escape_data(&message)
        );
    }
    if let Some(tag) = report.tag.as_ref().filter(|t| !t.agrees) {
        let level = if strict { "error" } else { "warning" };
        let files_say = report.version.as_deref().unwrap_or("");
        let message =
            format!("the last release tag `{}` is {}, but the files say {files_say}", tag.name, tag.version);
        let _ = writeln!(out, "::{level}::{}", escape_data(&message));
    }
    out
}
