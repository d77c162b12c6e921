//! `vbump lint`: check commit messages against Conventional Commits and the configured types.
//!
//! The messages come from exactly one source: `--message`, `--message-file` (what a `commit-msg`
//! hook passes), `--range A..B` (walked in `history`), or, with none of them inside a `pull_request`
//! workflow, the pull request's title from `GITHUB_EVENT_PATH`. Findings exit 1; a source that
//! cannot be read exits 2.

use std::path::PathBuf;

use super::{Context, Format, LintArgs, output};
use crate::actions::{escape_data, escape_property};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::lint::{self, Finding, Origin, Rules, Verdict};
use crate::text;
use crate::workspace::{self, Workspace};

/// One message to check and where it came from.
struct Message {
    /// How messages name it: a file path, `commit 1a2b3c4`, `pull request #12 title`, `--message`.
    source: String,
    /// The full commit id, for `--range`.
    commit: Option<String>,
    /// The file it was read from, for `--format github` annotations.
    file: Option<PathBuf>,
    text: String,
    origin: Origin,
    /// A merge commit: its message is git's, and the commits it brings are walked on their own.
    merge: bool,
}

pub(super) fn run(ctx: &Context, args: &LintArgs) -> Result<i32> {
    let (messages, config) = collect(ctx, args)?;
    let rules = Rules::from_config(&config);
    let verdicts: Vec<Verdict> = messages
        .iter()
        .map(|m| {
            if m.merge { lint::check_merge(&m.text, &rules) } else { lint::check(&m.text, &rules, m.origin) }
        })
        .collect();
    let bad = verdicts.iter().filter(|v| matches!(v, Verdict::Bad(_))).count();
    match ctx.format {
        Format::Human => print_human(&messages, &verdicts, &rules),
        Format::Json => print_json(&messages, &verdicts),
        Format::Github => print_github(&messages, &verdicts),
    }
    Ok(if bad == 0 { 0 } else { 1 })
}

/// Reads the messages from the one source the arguments name, and the settings that apply.
fn collect(ctx: &Context, args: &LintArgs) -> Result<(Vec<Message>, Config)> {
    if let Some(range) = &args.range {
        let workspace = Workspace::open(&ctx.target)?;
        let messages = walk_range(&workspace, range)?;
        return Ok((messages, workspace.config));
    }
    let config = workspace::config_near(&ctx.target)?;
    let message = if let Some(text) = &args.message {
        Message {
            source: "--message".into(),
            commit: None,
            file: None,
            text: text.clone(),
            origin: Origin::Draft,
            merge: false,
        }
    } else if let Some(path) = &args.message_file {
        // Messages name the file as given (git passes `.git/COMMIT_EDITMSG`); reads honour `-C`.
        let bytes = std::fs::read(ctx.target.dir.join(path)).map_err(|e| {
            Error::input(format!("cannot read the commit message: {e}")).in_file(path).hint(
                "pass the file git gives a `commit-msg` hook (`$1`), e.g. `vbump lint --message-file \"$1\"`",
            )
        })?;
        let text = lint::strip_comments(&String::from_utf8_lossy(&bytes));
        Message {
            source: path.display().to_string(),
            commit: None,
            file: Some(path.clone()),
            text,
            origin: Origin::Draft,
            merge: false,
        }
    } else {
        pull_request_title()?
    };
    Ok((vec![message], config))
}

/// Every non-merge commit in `A..B`, oldest first; merge commits are listed as skipped.
fn walk_range(workspace: &Workspace, range: &str) -> Result<Vec<Message>> {
    let commits = workspace.range_commits(range)?;
    Ok(commits
        .into_iter()
        .map(|commit| Message {
            source: format!("commit {}", text::short_sha(&commit.id)),
            commit: Some(commit.id),
            file: None,
            text: commit.message,
            origin: Origin::History,
            merge: commit.merge,
        })
        .collect())
}

/// The title of the pull request a `pull_request` workflow runs for.
fn pull_request_title() -> Result<Message> {
    let no_source = "pass `--message TEXT`, `--message-file FILE` or `--range A..B`; with none of them, \
                     vbump lint reads the pull request title in a `pull_request` workflow";
    let event = std::env::var("GITHUB_EVENT_NAME").unwrap_or_default();
    if !matches!(event.as_str(), "pull_request" | "pull_request_target") {
        let why = if event.is_empty() {
            "not in a GitHub Actions workflow".to_string()
        } else {
            format!("the event is `{event}`")
        };
        return Err(Error::input(format!("nothing to lint: no message given and {why}")).hint(no_source));
    }
    let path = std::env::var_os("GITHUB_EVENT_PATH").map(PathBuf::from).ok_or_else(|| {
        Error::input("GITHUB_EVENT_PATH is not set in a `pull_request` workflow").hint(no_source)
    })?;
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::input(format!("cannot read the event payload: {e}")).in_file(&path).hint(no_source)
    })?;
    let payload: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        Error::input(format!("the event payload is not JSON: {e}"))
            .at(crate::error::Place::at(&path, e.line(), e.column()))
            .hint(no_source)
    })?;
    let pull = &payload["pull_request"];
    let Some(title) = pull["title"].as_str() else {
        return Err(Error::input("the event payload has no `pull_request.title`")
            .in_file(&path)
            .hint(no_source));
    };
    let source = match pull["number"].as_u64() {
        Some(number) => format!("pull request #{number} title"),
        None => "pull request title".to_string(),
    };
    Ok(Message {
        source,
        commit: None,
        file: None,
        text: title.to_string(),
        origin: Origin::Draft,
        merge: false,
    })
}

fn print_human(messages: &[Message], verdicts: &[Verdict], rules: &Rules) {
    let mut bad = 0;
    for (message, verdict) in messages.iter().zip(verdicts) {
        let Verdict::Bad(findings) = verdict else { continue };
        bad += 1;
        let header = message.text.trim_start().lines().next().unwrap_or("");
        super::output::print(&format!("{}: {:?}", message.source, header));
        for finding in findings {
            super::output::print(&format!(
                "  {}:{}:{}: {}",
                message.source, finding.line, finding.column, finding.problem
            ));
            if let Some(example) = &finding.example {
                super::output::print(&format!(
                    "    write instead: {}",
                    example.replace('\n', "\n                   ")
                ));
            }
        }
    }
    let checked = verdicts.iter().filter(|v| !matches!(v, Verdict::Skipped(_))).count();
    let skipped = messages.len() - checked;
    let skipped_note = if skipped == 0 {
        String::new()
    } else {
        format!(", {skipped} skipped (merges, reverts and fixups)")
    };
    if bad == 0 {
        let verb = if checked == 1 { "follows" } else { "follow" };
        super::output::print(&format!(
            "vbump lint: {} {verb} Conventional Commits{skipped_note}",
            count(checked, "message")
        ));
    } else {
        let types: Vec<_> = rules.types().collect();
        super::output::print(&format!(
            "vbump lint: {bad} of {} {} not follow Conventional Commits{skipped_note}\n  \
             hint: write `type(scope): description` with a type among {}; a `!` after the type or a \
             `BREAKING CHANGE:` footer marks a breaking change",
            count(checked, "message"),
            if bad == 1 { "does" } else { "do" },
            types.join(", ")
        ));
    }
}

fn print_json(messages: &[Message], verdicts: &[Verdict]) {
    let entries: Vec<_> = messages
        .iter()
        .zip(verdicts)
        .map(|(message, verdict)| {
            let (status, findings, reason): (&str, &[Finding], Option<&str>) = match verdict {
                Verdict::Ok => ("ok", &[], None),
                Verdict::Skipped(reason) => ("skipped", &[], Some(reason.as_str())),
                Verdict::Bad(findings) => ("bad", findings, None),
            };
            serde_json::json!({
                "source": message.source,
                "commit": message.commit,
                "header": message.text.trim_start().lines().next().unwrap_or(""),
                "status": status,
                "skipped-reason": reason,
                "findings": findings,
            })
        })
        .collect();
    let bad = verdicts.iter().filter(|v| matches!(v, Verdict::Bad(_))).count();
    let document =
        serde_json::json!({ "ok": bad == 0, "checked": messages.len(), "bad": bad, "messages": entries });
    output::json(&document);
}

/// One `::error` workflow command per finding; with the message file as `file=` when known.
fn print_github(messages: &[Message], verdicts: &[Verdict]) {
    for (message, verdict) in messages.iter().zip(verdicts) {
        let Verdict::Bad(findings) = verdict else { continue };
        for finding in findings {
            let mut properties =
                format!("title={}", escape_property(&format!("vbump lint: {}", message.source)));
            if let Some(file) = &message.file {
                properties.push_str(&format!(
                    ",file={},line={},col={}",
                    escape_property(&file.display().to_string()),
                    finding.line,
                    finding.column
                ));
            }
            let mut text =
                format!("{}:{}:{}: {}", message.source, finding.line, finding.column, finding.problem);
            if let Some(example) = &finding.example {
                text.push_str(&format!("\nwrite instead: {example}"));
            }
            println!("::error {properties}::{}", escape_data(&text));
        }
    }
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_english() {
        assert_eq!(count(1, "message"), "1 message");
        assert_eq!(count(0, "message"), "0 messages");
    }
}
