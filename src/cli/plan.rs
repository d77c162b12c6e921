//! `vbump plan` (also `vbump --dry-run`) and `vbump next`: the release's first half, printed.

use std::fmt::Write as _;

use super::output;
use super::{Context, Format, PlanArgs};
use crate::edit;
use crate::error::{Error, Result};
use crate::plan::{Detail, Plan, Previous, Reason};
use crate::release::{self, ReleaseRequest};
use crate::report::Reporter as _;
use crate::text::short_sha as short;

/// The request of `vbump plan` and `vbump next`: a release that is never run.
pub(super) fn request(ctx: &Context, args: &PlanArgs) -> ReleaseRequest {
    ReleaseRequest {
        target: ctx.target.clone(),
        bump: args.bump.and_then(|b| b.level()),
        pre: args.pre.clone(),
        promote: args.promote,
        packages: args.packages.clone(),
        token_env: "GITHUB_TOKEN".into(),
        ..ReleaseRequest::default()
    }
}

/// `vbump plan`: the human report, or the plan as one JSON document.
pub(super) fn run_plan(ctx: &Context, request: &ReleaseRequest) -> Result<i32> {
    let plan = release::plan(request, Detail::Full, &mut ctx.reporter())?;
    match ctx.format {
        Format::Json => output::json(&plan),
        Format::Human | Format::Github => super::output::print(&render(&plan, ctx.color)),
    }
    // The release would stop on these: the plan says so with the release's exit code.
    match Error::all(plan.problems) {
        Some(problems) => Err(problems),
        None => Ok(0),
    }
}

/// `vbump next`: the next version alone, or nothing when there is nothing to release. With
/// several packages, one `NAME VERSION` line per package to release.
pub(super) fn run_next(ctx: &Context, request: &ReleaseRequest) -> Result<i32> {
    let plan = release::plan(request, Detail::Summary, &mut ctx.reporter())?;
    for warning in &plan.warnings {
        ctx.reporter().warn(warning);
    }
    if plan.is_multi() {
        let released = plan.packages.iter().filter_map(|p| Some((p.name.as_deref()?, p.next.as_ref()?)));
        match ctx.format {
            Format::Json => output::json(&serde_json::json!({
                "releases": released.map(|(name, next)| serde_json::json!({
                    "name": name,
                    "version": next.version.to_string(),
                    "tag": next.tag,
                    "bump": next.bump.level,
                })).collect::<Vec<_>>(),
            })),
            Format::Human | Format::Github => {
                for (name, next) in released {
                    println!("{name} {}", next.version);
                }
            }
        }
        return Ok(0);
    }
    let next = plan.package().next.as_ref();
    match ctx.format {
        Format::Json => output::json(&serde_json::json!({
            "version": next.map(|next| next.version.to_string()),
            "tag": next.map(|next| &next.tag),
            "bump": next.map(|next| next.bump.level),
        })),
        Format::Human | Format::Github => {
            if let Some(next) = next {
                super::output::print(&format!("{}", next.version));
            }
        }
    }
    Ok(0)
}

/// ANSI styles, or nothing when colour is off.
struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }
    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
}

/// The human report of a plan.
pub(super) fn render(plan: &Plan, color: bool) -> String {
    let style = Style { on: color };
    let mut out = String::new();
    let package = plan.package();
    let since = match &package.previous {
        Previous::Tag { version, tag, commit } => {
            let _ =
                writeln!(out, "{} {version} (tag `{tag}` on {})", style.bold("last release:"), short(commit));
            format!("since `{tag}`")
        }
        Previous::Files { version, since } => {
            let _ = writeln!(
                out,
                "{} {version} (no release tag; highest version in the files)",
                style.bold("last release:")
            );
            match since {
                Some(sha) => format!("since {}, which last changed the version", short(sha)),
                None => "in the whole history".to_string(),
            }
        }
        Previous::None { version } => {
            let _ = writeln!(
                out,
                "{} none (no release tag, no version file; starting from {version})",
                style.bold("last release:")
            );
            "in the whole history".to_string()
        }
    };

    let since = match &package.since_stable {
        Some(stable) => format!("since `{stable}`, the last stable release"),
        None => since,
    };
    let _ = writeln!(
        out,
        "{} {} counted, {} ignored",
        style.bold(&format!("commits {since}:")),
        package.commits.len(),
        package.ignored.len()
    );
    // While the major version is 0 a breaking change releases a minor: say so where it shows.
    let zero_rule = package.next.as_ref().is_some_and(|next| next.bump.rule.is_some());
    for commit in &package.commits {
        let effect = match (commit.level, commit.breaking) {
            (Some(_), true) if zero_rule => {
                let what = commit.breaking_description.as_deref().unwrap_or_default();
                format!("breaking → minor (0.x rule): {what}")
            }
            (Some(level), true) => {
                let what = commit.breaking_description.as_deref().unwrap_or_default();
                format!("{level} (breaking: {what})")
            }
            (Some(level), false) => level.to_string(),
            (None, _) => "no release".to_string(),
        };
        let _ = writeln!(
            out,
            "  {} {}  {}",
            style.dim(short(&commit.sha)),
            commit.subject,
            style.dim(&format!("-> {effect}"))
        );
        for deviation in &commit.deviations {
            let _ = writeln!(out, "      {}", style.dim(&format!("read generously: {deviation}")));
        }
    }
    for ignored in &package.ignored {
        let reason = format!("-> ignored ({})", ignored.reason);
        let _ =
            writeln!(out, "  {} {}  {}", style.dim(short(&ignored.sha)), ignored.summary, style.dim(&reason));
    }

    match &package.next {
        Some(next) => {
            let (bump, tag) = (&next.bump, &next.tag);
            let why = match &bump.reason {
                Reason::Commit { sha } => {
                    let subject = package
                        .commits
                        .iter()
                        .find(|c| &c.sha == sha)
                        .map(|c| format!(" ({})", c.subject))
                        .unwrap_or_default();
                    format!("decided by {}{subject}", short(sha))
                }
                Reason::Override => "forced with --bump".to_string(),
                Reason::Promote => "promoting the last pre-release (--promote)".to_string(),
                Reason::ReleaseAs { sha } => format!("named by the `Release-As` footer of {}", short(sha)),
                Reason::Pre => "the next pre-release (--pre)".to_string(),
            };
            let level = match bump.rule {
                Some(_) => format!("{} (breaking → minor, the 0.x rule)", bump.level),
                None => bump.level.to_string(),
            };
            let _ = writeln!(out, "{} {level}, {why}", style.bold("bump:"));
            let _ = writeln!(out, "{} {} (tag `{tag}`)", style.bold("next version:"), next.version);
        }
        None => {
            let _ = writeln!(out, "{} nothing to release", style.bold("next version:"));
            if let Some(hint) = &package.hint {
                let _ = writeln!(out, "{} {hint}", style.bold("hint:"));
            }
        }
    }

    if let Some(notes) = package.notes.as_deref().filter(|notes| !notes.trim().is_empty()) {
        let _ = writeln!(out, "{}", style.bold("notes:"));
        for line in notes.trim_end().lines() {
            let _ = if line.is_empty() { writeln!(out) } else { writeln!(out, "  {line}") };
        }
    }

    if !plan.files.is_empty() {
        let _ = writeln!(out, "{}", style.bold("files:"));
        for file_edit in &plan.files {
            for line in edit::unified_diff(file_edit).lines() {
                let painted = match line.as_bytes().first() {
                    Some(b'+') if !line.starts_with("+++") => style.paint("32", line),
                    Some(b'-') if !line.starts_with("---") => style.paint("31", line),
                    _ => line.to_string(),
                };
                let _ = writeln!(out, "  {painted}");
            }
        }
    }
    for warning in &plan.warnings {
        let _ = writeln!(out, "{} {warning}", style.paint("33", "warning:"));
    }
    out
}
