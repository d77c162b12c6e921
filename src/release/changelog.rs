//! The changelog decision: whether the release commit gets a changelog section, and its edit.

use crate::error::{Error, Result};
use crate::notes::{self, Links};
use crate::plan::Plan;
use crate::workspace::Workspace;

/// Whether a changelog file that does not exist yet may be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    /// The release pull request adds files like any other commit.
    Create,
    /// The transaction restores files by content and cannot undo the creation of a new one.
    Refuse,
}

/// Adds the changelog section to the plan's edits when `changelog` is configured and the file
/// does not have this version's section yet.
pub(crate) fn add(
    workspace: &Workspace,
    plan: &mut Plan,
    repo_url: Option<&str>,
    missing: Missing,
) -> Result<()> {
    let config = &workspace.config;
    let (Some(file), Some(next)) = (&config.changelog, &plan.package().next) else { return Ok(()) };
    let version = next.version.clone();
    let path = workspace.root.join(file);
    let existing = match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && missing == Missing::Create => None,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Checked before anything changes.
            return Err(Error::input(format!("the changelog `{}` does not exist", file.display())).hint(format!(
                "create it once (`echo '# Changelog' > {0} && git add {0} && git commit -m \"docs: add changelog\"`), \
                 then run vbump again",
                file.display()
            )));
        }
        Err(e) => {
            return Err(Error::input(format!("cannot read the changelog: {e}"))
                .in_file(&path)
                .hint("make it readable, or remove `changelog` from vbump.toml"));
        }
    };
    let heading = format!("## [{version}]");
    if existing
        .as_deref()
        .is_some_and(|b| String::from_utf8_lossy(b).lines().any(|l| l.starts_with(&heading)))
    {
        return Ok(());
    }
    let date = notes::iso_date(today());
    let section = notes::changelog_section(&version, &date, &plan.package().commits, Links { repo_url });
    plan.files.push(notes::changelog_edit(file, existing.as_deref(), &version, &section));
    Ok(())
}

/// Seconds since the epoch: `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
fn today() -> i64 {
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|v| v.trim().parse().ok()) {
        return epoch;
    }
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
