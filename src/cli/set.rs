//! `vbump set VERSION`: write one version into every location, all files or none.
//!
//! How a user reconciles a drifted repository before the first automated release. Nothing is
//! committed. The current values need not be valid versions (that is often why one runs `set`);
//! the files must still parse and every location must be found, or nothing is written.

use serde::Serialize;

use super::{Context, Format, SetArgs};
use crate::edit::{self, FileEdit, VersionFiles};
use crate::error::{Error, Result};
use crate::transaction::files::write_atomically;

/// `--format json` output.
#[derive(Serialize)]
struct Report<'a> {
    version: String,
    /// The files written, each with the values it changed.
    files: &'a [FileEdit],
    /// How many locations there are in all (changed or not).
    locations: usize,
}

pub fn run(ctx: &Context, args: &SetArgs) -> Result<i32> {
    let version = edit::parse_version(&args.version).map_err(|reason| {
        let hint = match args.version.strip_prefix(['v', 'V']) {
            Some(rest) if edit::parse_version(rest).is_ok() => {
                format!("write it without the prefix: `vbump set {rest}`")
            }
            _ => "give a semantic version such as 1.4.0 or 2.0.0-rc.1".to_string(),
        };
        Error::input(format!("`{}` is not a semantic version ({reason})", args.version)).hint(hint)
    })?;
    let workspace = ctx.workspace()?;
    let specs = edit::resolve_locations(&workspace.root, &workspace.config)?;
    let files = VersionFiles::read(&workspace.root, &specs)?;
    if files.fields().is_empty() {
        return Err(Error::input("no version location found: nothing to set")
            .hint("add [[location]] entries to vbump.toml (`vbump init` prints what it detects)"));
    }
    let edits = files.set_version(&version)?;
    write_atomically(&workspace.root, &edits)?;
    match ctx.format {
        Format::Json => {
            let report =
                Report { version: version.to_string(), files: &edits, locations: files.fields().len() };
            println!("{}", serde_json::to_string_pretty(&report).expect("a report serialises"));
        }
        Format::Human | Format::Github => {
            for edit in &edits {
                for change in &edit.changes {
                    println!(
                        "{}:{}  {}  {} -> {}",
                        edit.file.display(),
                        change.line,
                        change.location,
                        change.old,
                        change.new
                    );
                }
            }
            let changed: usize = edits.iter().map(|e| e.changes.len()).sum();
            let total = files.fields().len();
            if changed == 0 {
                println!("all {total} location(s) already say {version}; nothing written");
            } else {
                println!("set {changed} of {total} location(s) in {} file(s) to {version}", edits.len());
            }
        }
    }
    Ok(0)
}
