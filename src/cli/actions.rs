//! GitHub Actions integration (when `GITHUB_ACTIONS=true`): masking the token, step outputs in
//! `$GITHUB_OUTPUT`, and a Markdown summary in `$GITHUB_STEP_SUMMARY`. Outside Actions every
//! method does nothing. (`::error::` annotations are printed by `cli::report_error`.)

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::transaction::Secret;

/// The Actions environment of this run.
pub struct Actions {
    enabled: bool,
}

/// The step outputs of `vbump release`. Every run writes all of them; empty means "none".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outputs {
    pub released: bool,
    /// The version released, or the current version when nothing was released.
    pub version: String,
    pub previous_version: String,
    pub tag: String,
    /// `major`, `minor`, `patch`, or empty.
    pub bump: String,
    /// The release commit, or HEAD when nothing was released.
    pub commit: String,
}

impl Actions {
    /// Reads `GITHUB_ACTIONS`.
    pub fn from_env() -> Actions {
        Actions { enabled: std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") }
    }

    /// Tells the runner to hide `secret` in the log. Must come before anything else is printed.
    /// On stderr: the runner reads workflow commands from both streams, and stdout may be captured
    /// (`--format json > plan.json`, `$(vbump next)`) where no runner would mask it.
    pub fn mask(&self, secret: &Secret) {
        if self.enabled {
            eprintln!("::add-mask::{}", secret.expose());
        }
    }

    /// Appends the outputs to `$GITHUB_OUTPUT`.
    pub fn outputs(&self, outputs: &Outputs) -> Result<()> {
        let lines = [
            ("released", outputs.released.to_string()),
            ("version", outputs.version.clone()),
            ("previous-version", outputs.previous_version.clone()),
            ("tag", outputs.tag.clone()),
            ("bump", outputs.bump.clone()),
            ("commit", outputs.commit.clone()),
        ];
        let text: String = lines.iter().map(|(name, value)| output_line(name, value)).collect();
        self.append("GITHUB_OUTPUT", &text)
    }

    /// Appends Markdown to `$GITHUB_STEP_SUMMARY`.
    pub fn summary(&self, markdown: &str) -> Result<()> {
        self.append("GITHUB_STEP_SUMMARY", markdown)
    }

    fn append(&self, var: &str, text: &str) -> Result<()> {
        if !self.enabled {
            return Ok(());
        }
        let Some(path) = std::env::var_os(var).map(PathBuf::from) else { return Ok(()) };
        let written = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()));
        written.map_err(|e| {
            Error::input(format!("cannot append to `${var}` (`{}`): {e}", path.display()))
                .hint("the runner provides this file; check the workflow's environment")
        })
    }
}

/// One `name=value` output line; a value with a line break uses the delimiter form.
fn output_line(name: &str, value: &str) -> String {
    if value.contains('\n') || value.contains('\r') {
        let delimiter = format!("vbump_{:x}", std::process::id() ^ value.len() as u32);
        format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
    } else {
        format!("{name}={value}\n")
    }
}

/// The Markdown summary of a release (or of a run with nothing to release).
pub fn summary_markdown(plan: &Plan, outputs: &Outputs) -> String {
    if !outputs.released {
        return format!("### vbump: nothing to release\n\nThe version stays {}.\n\n", outputs.version);
    }
    let mut md = format!(
        "### vbump released {}\n\n| | |\n|---|---|\n| version | `{}` |\n| previous | `{}` |\n| bump | {} |\n| commit | `{}` |\n\n",
        outputs.tag,
        outputs.version,
        outputs.previous_version,
        outputs.bump,
        outputs.commit.get(..12).unwrap_or(&outputs.commit)
    );
    md.push_str(&crate::notes::release_notes(&plan.commits, crate::notes::Links { repo_url: None }));
    md.push('\n');
    if !plan.files.is_empty() {
        md.push_str("#### Files changed\n\n");
        for edit in &plan.files {
            let changes: Vec<String> =
                edit.changes.iter().map(|c| format!("`{}`: {} → {}", c.location, c.old, c.new)).collect();
            md.push_str(&format!("- `{}` {}\n", edit.file.display(), changes.join(", ")));
        }
        md.push('\n');
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(kind: &str, description: &str, breaking: bool) -> crate::plan::PlannedCommit {
        crate::plan::PlannedCommit {
            sha: format!("{kind:0<40}"),
            kind: kind.into(),
            scope: None,
            description: description.into(),
            body: None,
            breaking,
            breaking_description: breaking.then(|| "the old API is gone".into()),
            level: None,
        }
    }

    #[test]
    fn summary_lists_the_release_its_notes_and_the_files() {
        let plan = Plan {
            branch: Some("main".into()),
            head: "h".into(),
            previous: crate::plan::Previous::None { version: semver::Version::new(0, 0, 0) },
            commits: vec![commit("docs", "typo", false), commit("feat", "new api", true)],
            ignored: Vec::new(),
            bump: None,
            next: None,
            tag: None,
            files: vec![crate::edit::FileEdit {
                file: "Cargo.toml".into(),
                before: Vec::new(),
                after: Vec::new(),
                changes: vec![crate::edit::FieldChange {
                    location: "package.version".into(),
                    line: 3,
                    old: "0.0.0".into(),
                    new: "1.0.0".into(),
                }],
            }],
            warnings: Vec::new(),
        };
        let outputs = Outputs {
            released: true,
            version: "1.0.0".into(),
            previous_version: "0.0.0".into(),
            tag: "v1.0.0".into(),
            bump: "major".into(),
            commit: "0123456789abcdef".into(),
        };
        let md = summary_markdown(&plan, &outputs);
        assert!(md.starts_with("### vbump released v1.0.0\n"), "{md}");
        assert!(md.contains("| commit | `0123456789ab` |"), "{md}");
        assert!(md.contains("the old API is gone"), "{md}");
        assert!(md.contains("- `Cargo.toml` `package.version`: 0.0.0 → 1.0.0\n"), "{md}");
        let quiet = Outputs { released: false, ..outputs };
        assert_eq!(
            summary_markdown(&plan, &quiet),
            "### vbump: nothing to release\n\nThe version stays 1.0.0.\n\n"
        );
    }

    #[test]
    fn single_line_values_are_name_equals_value() {
        assert_eq!(output_line("version", "1.3.0"), "version=1.3.0\n");
    }

    #[test]
    fn multi_line_values_use_a_delimiter() {
        let line = output_line("notes", "a\nb");
        let delimiter = line.lines().next().unwrap().strip_prefix("notes<<").unwrap().to_string();
        assert_eq!(line, format!("notes<<{delimiter}\na\nb\n{delimiter}\n"));
    }
}
