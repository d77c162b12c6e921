//! `vbump set VERSION`: write one version into every location, all files or none (with several
//! packages, into the locations of the packages named with `--package`).
//!
//! How a user reconciles a drifted repository before the first automated release. Nothing is
//! committed; a current value that is not a valid version is only overwritten with `--force`.

use serde::Serialize;

use super::{Context, Format, SetArgs, output};
use crate::edit::{self, FileEdit};
use crate::error::{Error, Result};

/// `--format json` output.
#[derive(Serialize)]
struct Report<'a> {
    version: String,
    /// The files written, each with the values it changed.
    files: &'a [FileEdit],
    /// How many locations there are in all (changed or not).
    locations: usize,
    /// With several packages: the packages set.
    #[serde(skip_serializing_if = "Option::is_none")]
    packages: Option<&'a [String]>,
}

pub(super) fn run(ctx: &Context, args: &SetArgs) -> Result<i32> {
    let version = edit::parse_version(&args.version).map_err(|reason| {
        let hint = match args.version.strip_prefix(['v', 'V']) {
            Some(rest) if edit::parse_version(rest).is_ok() => {
                format!("write it without the prefix: `vbump set {rest}`")
            }
            _ => "give a semantic version such as 1.4.0 or 2.0.0-rc.1".to_string(),
        };
        Error::input(format!("`{}` is not a semantic version ({reason})", args.version)).hint(hint)
    })?;
    let invalid = if args.force { crate::set::Invalid::Overwrite } else { crate::set::Invalid::Refuse };
    let written = crate::set::set(&ctx.target, &version, &args.packages, invalid)?;
    let edits = &written.edits;
    match ctx.format {
        Format::Json => output::json(&Report {
            version: version.to_string(),
            files: edits,
            locations: written.locations,
            packages: written.packages.as_deref(),
        }),
        Format::Human | Format::Github => {
            for edit in edits {
                for change in &edit.changes {
                    super::output::print(&format!(
                        "{}:{}  {}  {} -> {}",
                        edit.file.display(),
                        change.line,
                        change.location,
                        change.old,
                        change.new
                    ));
                }
            }
            let changed: usize = edits.iter().map(|e| e.changes.len()).sum();
            let total = written.locations;
            // With several packages, whose locations: `of reddit, twitter`.
            let whose = match &written.packages {
                Some(names) => format!(" of {}", names.join(", ")),
                None => String::new(),
            };
            if changed == 0 {
                super::output::print(&format!(
                    "all {total} location(s){whose} already say {version}; nothing written"
                ));
            } else {
                super::output::print(&format!(
                    "set {changed} of {total} location(s){whose} in {} file(s) to {version}",
                    edits.len()
                ));
            }
        }
    }
    Ok(0)
}
