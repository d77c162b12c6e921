//! `vbump check`: the CI consistency check of every version location.
//!
//! Reads every location (exit 2 when one cannot be read: malformed file, missing key, …), then
//! reports each value. Exit 0 when every value is semver and all agree; exit 1 otherwise. The
//! value the others should have is the most common valid one (the highest on a tie). The last
//! release tag reachable from HEAD is compared too: a difference is a warning, or a finding with
//! `--strict`. With several packages, each package's locations are checked on their own
//! ([`crate::check`] computes it all; this prints it).

use std::fmt::Write as _;

use super::{CheckArgs, Context, Format, output};
use crate::actions::{escape_data, escape_property};
use crate::check::{Checked, Finding, PackagesReport, Report, Row};
use crate::config::MarketplaceVersion;
use crate::error::Result;
use crate::report::Reporter as _;

pub(super) fn run(ctx: &Context, args: &CheckArgs) -> Result<i32> {
    let checked = crate::check::check(&ctx.target, &args.packages, args.strict)?;
    let (problems, warnings) = match &checked {
        Checked::One(report) => (&report.problems, &report.warnings),
        Checked::Packages(report) => (&report.problems, &report.warnings),
    };
    match ctx.format {
        Format::Human => {
            let table = match &checked {
                Checked::One(report) => table(report),
                Checked::Packages(report) => packages_table(report),
            };
            output::print(&table);
            for warning in warnings {
                ctx.reporter().warn(&warning.text());
            }
        }
        Format::Json => match &checked {
            Checked::One(report) => output::json(report),
            Checked::Packages(report) => output::json(report),
        },
        // Not `output::print`: these lines are meant as workflow commands, each escaped.
        Format::Github => print!("{}", annotations(problems, warnings)),
    }
    Ok(if checked.ok() { 0 } else { 1 })
}

/// The human table: every location, then a verdict.
fn table(report: &Report) -> String {
    let lines: Vec<Line<'_>> = report.locations.iter().map(|row| ("", row, note(report, row))).collect();
    let mut out = columns(&lines, None);
    let total = report.locations.len();
    let _ = match (&report.version, report.ok) {
        (Some(version), true) => writeln!(
            out,
            "\nall {total} location(s) agree on {version}\n(`vbump audit` lists other files that still say {version})"
        ),
        _ => writeln!(out, "\n{}", verdict(&report.problems)),
    };
    out
}

/// The human table of several packages: every package's locations under its name, the
/// marketplace's own version last, then a verdict.
fn packages_table(report: &PackagesReport) -> String {
    let mut lines: Vec<Line<'_>> = Vec::new();
    for package in &report.packages {
        let name = package.name.as_str();
        lines.extend(package.report.locations.iter().map(|row| (name, row, note(&package.report, row))));
    }
    let own = report.marketplace.as_ref().map(|m| {
        let row = Row {
            file: m.file.clone(),
            line: m.line,
            location: m.location.clone(),
            value: m.value.clone(),
            valid: true,
            agrees: true,
        };
        let policy = match m.policy {
            MarketplaceVersion::Follow => "follow",
            MarketplaceVersion::Independent => "independent",
        };
        (row, format!("  (the marketplace's own version: {policy})"))
    });
    if let Some((row, note)) = &own {
        lines.push(("(marketplace)", row, note.clone()));
    }
    let mut out = columns(&lines, Some("PACKAGE"));
    let packages = report.packages.len();
    let locations: usize = report.packages.iter().map(|p| p.report.locations.len()).sum();
    let _ = if report.ok {
        writeln!(out, "\nthe locations of each of {packages} package(s) agree ({locations} location(s))")
    } else {
        writeln!(out, "\n{}", verdict(&report.problems))
    };
    out
}

/// One line of a table: the package's name (or nothing), the location, what to say after it.
type Line<'r> = (&'r str, &'r Row, String);

/// What the table says after a location's value.
fn note(report: &Report, row: &Row) -> String {
    match (&report.version, row.valid, row.agrees) {
        (_, false, _) => "  (not a semantic version)".to_string(),
        (Some(agreed), true, false) => format!("  (differs from {agreed})"),
        _ => String::new(),
    }
}

/// Lines aligned in columns: FILE:LINE, LOCATION, VALUE, and first the package's name when
/// `package` names that column.
fn columns(lines: &[Line<'_>], package: Option<&str>) -> String {
    let places: Vec<String> = lines.iter().map(|(_, r, _)| format!("{}:{}", r.file, r.line)).collect();
    let widest =
        |widths: Vec<usize>, header: usize| widths.into_iter().chain([header]).max().unwrap_or(header);
    let place_width = widest(places.iter().map(|p| p.chars().count()).collect(), 9);
    let location_width = widest(lines.iter().map(|(_, r, _)| r.location.chars().count()).collect(), 8);
    let package_width =
        package.map(|header| widest(lines.iter().map(|(p, _, _)| p.chars().count()).collect(), header.len()));
    let mut out = String::new();
    if let (Some(header), Some(w)) = (package, package_width) {
        let _ = write!(out, "{header:w$}  ");
    }
    let _ = writeln!(out, "{:place_width$}  {:location_width$}  VALUE", "FILE:LINE", "LOCATION");
    for ((name, row, note), place) in lines.iter().zip(&places) {
        if let Some(w) = package_width {
            let _ = write!(out, "{name:w$}  ");
        }
        let _ = writeln!(out, "{place:place_width$}  {:location_width$}  {}{note}", row.location, row.value);
    }
    out
}

/// The list of problems.
fn verdict(problems: &[Finding]) -> String {
    let lines: String = problems.iter().map(|p| format!("  - {}\n", p.text())).collect();
    format!("{} problem(s):\n{}", problems.len(), lines.trim_end())
}

/// GitHub workflow commands: an `::error` per problem, a `::warning` per warning, at the file and
/// line each is about. Every text is escaped, so nothing in it becomes a command.
fn annotations(problems: &[Finding], warnings: &[Finding]) -> String {
    let mut out = String::new();
    let levels = problems.iter().map(|p| ("error", p)).chain(warnings.iter().map(|w| ("warning", w)));
    for (level, finding) in levels {
        let _ = match &finding.place {
            Some((file, line)) => writeln!(
                out,
                "::{level} file={},line={line}::{}",
                escape_property(file),
                escape_data(&finding.unplaced())
            ),
            None => writeln!(out, "::{level}::{}", escape_data(&finding.unplaced())),
        };
    }
    out
}
