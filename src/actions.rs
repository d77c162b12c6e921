//! GitHub Actions, the runner's side (when `GITHUB_ACTIONS=true`): masking the token, step
//! outputs in `$GITHUB_OUTPUT` (the one writer of that file), a Markdown summary in
//! `$GITHUB_STEP_SUMMARY`, and the escaping of workflow commands. Outside Actions every method does
//! nothing. (`::error::` annotations of a failed command are printed by `cli::output`.)

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use crate::error::{Error, Result};
use serde::Serialize;

use crate::transaction::Secret;

/// The Actions environment of this run.
pub(crate) struct Actions {
    enabled: bool,
}

/// The step outputs of `vbump release`, also the fields of `vbump release --format json`: one
/// struct, so the two cannot disagree. Every run writes the first six; empty means "none".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct Outputs {
    pub(crate) released: bool,
    /// The version released, or the current version when nothing was released.
    pub(crate) version: String,
    pub(crate) previous_version: String,
    pub(crate) tag: String,
    /// `major`, `minor`, `patch`, or empty.
    pub(crate) bump: String,
    /// The release commit, or HEAD when nothing was released.
    pub(crate) commit: String,
    /// The release pull request this run opened or updated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) pr_url: Option<String>,
    /// The GitHub Release of the tag, when this run made or found it: `release-url`,
    /// `release-id`, `upload-url` and `make-latest`.
    #[serde(flatten)]
    pub(crate) github_release: Option<GitHubReleaseOutputs>,
    /// With several packages: one entry per package released (a JSON array in `$GITHUB_OUTPUT`).
    /// The flat keys above then describe the released package when there is exactly one, and are
    /// empty otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) releases: Option<Vec<PackageRelease>>,
}

/// The GitHub Release a run made or found, for the steps that follow (with `[github] draft =
/// true`, the step that attaches assets and publishes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct GitHubReleaseOutputs {
    /// Its page (a draft's is an `untagged-…` URL until it is published).
    pub(crate) release_url: String,
    /// Its id, for the REST API (`PATCH /repos/{owner}/{repo}/releases/{id}` publishes a draft).
    pub(crate) release_id: u64,
    /// Where assets are uploaded, GitHub's `upload_url` (with its `{?name,label}` template).
    pub(crate) upload_url: String,
    /// `true` or `false`: GitHub's `make_latest` for this release (`false` for a pre-release and
    /// for a release below the highest stable one), to publish a draft with.
    pub(crate) make_latest: String,
    /// True when the release is a draft (not an output: the outputs above say the same).
    #[serde(skip)]
    pub(crate) draft: bool,
}

/// One package's release, an entry of the `releases` output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct PackageRelease {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) previous_version: String,
    pub(crate) tag: String,
    pub(crate) bump: String,
}

impl Actions {
    /// Enabled when `GITHUB_ACTIONS=true`.
    pub(crate) fn from_env() -> Actions {
        Actions { enabled: std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") }
    }

    /// Tells the runner to hide `secret` in the log. Must come before anything else is printed.
    /// On stderr: the runner reads workflow commands from both streams, and stdout may be captured
    /// (`--format json > plan.json`, `$(vbump next)`) where no runner would mask it.
    pub(crate) fn mask(&self, secret: &Secret) {
        if self.enabled {
            eprintln!("::add-mask::{}", secret.expose());
        }
    }

    /// Appends the outputs to `$GITHUB_OUTPUT`, named as in JSON.
    pub(crate) fn outputs(&self, outputs: &Outputs) -> Result<()> {
        let serde_json::Value::Object(fields) = serde_json::to_value(outputs).expect("outputs serialise")
        else {
            unreachable!("a struct serialises to an object")
        };
        let text: String = fields
            .iter()
            .map(|(name, value)| match value {
                serde_json::Value::String(text) => output_line(name, text),
                other => output_line(name, &other.to_string()),
            })
            .collect();
        self.append("GITHUB_OUTPUT", &text)
    }

    /// Appends one output to `$GITHUB_OUTPUT`.
    pub(crate) fn output(&self, name: &str, value: &str) -> Result<()> {
        self.append("GITHUB_OUTPUT", &output_line(name, value))
    }

    /// Appends Markdown to `$GITHUB_STEP_SUMMARY`.
    pub(crate) fn summary(&self, markdown: &str) -> Result<()> {
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
        // The delimiter must not occur in the value, or the value could end early and write
        // outputs of its own.
        let mut delimiter = format!("vbump_{:x}", std::process::id() ^ value.len() as u32);
        while value.contains(&delimiter) {
            delimiter.push('_');
        }
        format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
    } else {
        format!("{name}={value}\n")
    }
}

/// Escapes a workflow command's message (`::error::MESSAGE`): one line, `%` escaped first.
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// `text` as log lines that cannot be workflow commands, for everything vbump prints that it
/// does not mean as one (commit text, git's and GitHub's words, URLs, file contents). The runner
/// reads a line as a command when it starts with `::` after leading whitespace, or holds `##[`
/// anywhere, and ends a line at `\n` or `\r`: such a line gets a zero-width space inside the
/// marker (`:\u{200B}:`, `#\u{200B}#[`), which reads the same and runs nothing.
pub(crate) fn inert(text: &str) -> String {
    text.split_inclusive(['\n', '\r'])
        .map(|line| {
            let line = line.replace("##[", "#\u{200B}#[");
            let body = line.trim_start();
            match body.strip_prefix(':') {
                Some(rest) if rest.starts_with(':') => {
                    format!("{}:\u{200B}{rest}", &line[..line.len() - body.len()])
                }
                _ => line,
            }
        })
        .collect()
}

/// Escapes a workflow command's property value (`::error file=VALUE::`).
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_line_of_inert_text_is_a_workflow_command() {
        let hostile = "feat: x\n::add-mask::secret\n  ::error::boom\r::stop-commands::t\nsee ##[set-output name=a;]b\nok :: fine";
        let text = inert(hostile);
        for line in text.split(['\n', '\r']) {
            assert!(!line.trim_start().starts_with("::") && !line.contains("##["), "{line:?}");
        }
        assert_eq!(text.replace('\u{200B}', ""), hostile, "only zero-width spaces are added");
        assert_eq!(inert("plain\n"), "plain\n");
    }

    #[test]
    fn an_output_value_cannot_end_its_own_delimiter() {
        // A value of length `len` that holds the delimiter vbump would first pick for it.
        let len = 40;
        let first = format!("vbump_{:x}", std::process::id() ^ len as u32);
        let mut value = format!("a\n{first}\nreleased=true");
        value.push_str(&"x".repeat(len - value.len()));
        let line = output_line("release-url", &value);
        let used = line.lines().next().unwrap().strip_prefix("release-url<<").unwrap();
        assert!(!value.contains(used), "{line}");
        assert!(line.ends_with(&format!("\n{used}\n")));
    }

    #[test]
    fn workflow_command_values_are_escaped() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("commit a:b,c"), "commit a%3Ab%2Cc");
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
