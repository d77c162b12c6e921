//! `vbump audit`: copies of the current version outside the version locations (see
//! `locations::audit`). Exit 1 when there is one.

use std::fmt::Write as _;

use super::{Context, Format, output};
use crate::actions::{escape_data, escape_property};
use crate::error::Result;
use crate::locations::audit::{self, Audit};
use crate::workspace::Workspace;

pub(super) fn run(ctx: &Context) -> Result<i32> {
    let workspace = Workspace::open(&ctx.target)?;
    let audit = audit::of_workspace(&workspace)?;
    match ctx.format {
        Format::Human => super::output::print(&human(&audit)),
        Format::Json => output::json(&audit),
        Format::Github => print!("{}", annotations(&audit)),
    }
    Ok(if audit.findings.is_empty() { 0 } else { 1 })
}

/// Each copy as `file:line:column  text`, then the locations that would manage them.
fn human(audit: &Audit) -> String {
    let mut out = String::new();
    let (version, managed) = (&audit.version, audit.managed);
    if audit.findings.is_empty() {
        let _ = writeln!(out, "no file says {version} outside the {managed} version location(s)");
        return out;
    }
    for finding in &audit.findings {
        let _ =
            writeln!(out, "{}:{}:{}  {}", finding.file.display(), finding.line, finding.column, finding.text);
    }
    let _ = writeln!(
        out,
        "\n{} line(s) say {version} outside the {managed} version location(s). If a copy should follow \
         each release, add its location to vbump.toml (with every other location: a [[location]] \
         replaces detection):\n",
        audit.findings.len()
    );
    for finding in &audit.findings {
        let _ = writeln!(out, "{}", finding.suggestion);
    }
    out
}

/// One `::error` per copy.
fn annotations(audit: &Audit) -> String {
    let mut out = String::new();
    for finding in &audit.findings {
        let message = format!(
            "this line says {}, but no version location manages it: the next release would leave it behind",
            audit.version
        );
        let _ = writeln!(
            out,
            "::error file={},line={},col={}::{}",
            escape_property(&finding.file.to_string_lossy()),
            finding.line,
            finding.column,
            escape_data(&message)
        );
    }
    out
}
