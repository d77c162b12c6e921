//! The changelog decision: whether the release commit gets a changelog section, and its edit.

use std::path::Path;

use crate::error::{Error, Result};
use crate::notes::{self, Links};
use crate::plan::{Next, PackagePlan, Plan};
use crate::workspace::Workspace;

/// Whether a changelog file that does not exist yet may be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    /// The release pull request adds files like any other commit.
    Create,
    /// The transaction restores files by content and cannot undo the creation of a new one.
    Refuse,
}

/// Adds a changelog section to the plan's edits for each package released that has a changelog
/// (`changelog` in vbump.toml, or a package's own) whose file lacks this version's section.
pub(crate) fn add(
    workspace: &Workspace,
    plan: &mut Plan,
    repo_url: Option<&str>,
    missing: Missing,
) -> Result<()> {
    let mut edits = Vec::new();
    for package in &plan.packages {
        let (Some(file), Some(next)) = (&package.changelog, &package.next) else { continue };
        if plan.files.iter().chain(&edits).any(|edit: &crate::edit::FileEdit| edit.file == *file) {
            return Err(Error::input(format!(
                "two packages released together share the changelog `{}`",
                file.display()
            ))
            .hint(
                "give each `[[package]]` its own `changelog`, or release them one at a time with `--package`",
            ));
        }
        let Some(existing) = read(workspace, file, missing)? else {
            edits.push(section(file, None, next, package, repo_url));
            continue;
        };
        let heading = format!("## [{}]", next.version);
        if String::from_utf8_lossy(&existing).lines().any(|l| l.starts_with(&heading)) {
            continue;
        }
        edits.push(section(file, Some(&existing), next, package, repo_url));
    }
    plan.files.extend(edits);
    Ok(())
}

/// The changelog's bytes, `None` when it does not exist and may be created.
fn read(workspace: &Workspace, file: &Path, missing: Missing) -> Result<Option<Vec<u8>>> {
    // The same checks as every file vbump writes, before it is read.
    crate::transaction::files::check_writable(&workspace.root, file)?;
    let path = workspace.root.join(file);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && missing == Missing::Create => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Checked before anything changes.
            Err(Error::input(format!("the changelog `{}` does not exist", file.display())).hint(format!(
                "create it once (`echo '# Changelog' > {0} && git add {0} && git commit -m \"docs: add changelog\"`), \
                 then run vbump again",
                file.display()
            )))
        }
        Err(e) => Err(Error::input(format!("cannot read the changelog: {e}"))
            .in_file(&path)
            .hint("make it readable, or remove `changelog` from vbump.toml")),
    }
}

/// The edit that prepends `next`'s section to the changelog.
fn section(
    file: &std::path::Path,
    existing: Option<&[u8]>,
    next: &Next,
    package: &PackagePlan,
    repo_url: Option<&str>,
) -> crate::edit::FileEdit {
    let date = notes::iso_date(today());
    let section = notes::changelog_section(&next.version, &date, &package.commits, Links { repo_url });
    notes::changelog_edit(file, existing, &next.version, &section)
}

/// Seconds since the epoch: `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
fn today() -> i64 {
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|v| v.trim().parse().ok()) {
        return epoch;
    }
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
