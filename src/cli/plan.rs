//! `vbump plan` (also `vbump --dry-run`) and `vbump next`: compute the plan and print it.

use std::fmt::Write as _;

use super::{Context, Format, PlanArgs, Workspace};
use crate::edit::{self, VersionFiles};
use crate::error::Result;
use crate::plan::{self, Detail, Plan, Previous, Reason};
use crate::transaction::{Secret, shallow};

/// `vbump plan`: the human report, or the plan as one JSON document.
pub fn run_plan(ctx: &Context, args: &PlanArgs) -> Result<i32> {
    let workspace = workspace_with_history(ctx)?;
    let plan = compute(&workspace, args, Detail::Full)?;
    match ctx.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&plan).expect("a plan serialises")),
        Format::Human | Format::Github => print!("{}", render(&plan, ctx.color)),
    }
    Ok(0)
}

/// `vbump next`: the next version alone, or nothing when there is nothing to release.
pub fn run_next(ctx: &Context, args: &PlanArgs) -> Result<i32> {
    let workspace = workspace_with_history(ctx)?;
    let plan = compute(&workspace, args, Detail::Summary)?;
    for warning in &plan.warnings {
        super::warn(warning);
    }
    if let Some(next) = &plan.next {
        println!("{next}");
    }
    Ok(0)
}

/// Opens the workspace; a shallow clone (actions/checkout's default) whose history holds no release
/// tag is deepened from the branch's remote first, with `GITHUB_TOKEN` when set, because planning
/// from a cut history would silently treat the repository as never released.
fn workspace_with_history(ctx: &Context) -> Result<Workspace> {
    let workspace = ctx.workspace()?;
    if !workspace.repo.is_shallow() {
        return Ok(workspace);
    }
    let branch = crate::history::head(&workspace.repo).ok().and_then(|head| head.branch);
    let remote = super::release::remote_name(&workspace.repo, None, branch.as_deref());
    let has_remote = workspace.repo.find_remote(&remote).is_ok();
    let token = Secret::from_env("GITHUB_TOKEN");
    let (root, prefix) = (workspace.root.clone(), workspace.config.tag_prefix.clone());
    shallow::ensure_history(&root, has_remote.then_some(remote.as_str()), token.as_ref(), || {
        super::release::tag_is_reachable(&root, &prefix)
    })?;
    // libgit2 keeps the shallow boundary it read at open time.
    ctx.workspace()
}

/// Reads the version files and the history and computes the plan.
pub fn compute(workspace: &Workspace, args: &PlanArgs, detail: Detail) -> Result<Plan> {
    let specs = edit::resolve_locations(&workspace.root, &workspace.config)?;
    let files = VersionFiles::read(&workspace.root, &specs)?;
    let current = files.versions()?;
    let request = plan::Request { bump: args.bump.and_then(|b| b.level()), pre: args.pre.clone(), detail };
    plan::build(&workspace.repo, &workspace.config, &request, &current, |version| files.set_version(version))
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
pub fn render(plan: &Plan, color: bool) -> String {
    let style = Style { on: color };
    let mut out = String::new();
    let since = match &plan.previous {
        Previous::Tag { version, tag, commit } => {
            let _ =
                writeln!(out, "{} {version} (tag `{tag}` on {})", style.bold("last release:"), short(commit));
            format!("since `{tag}`")
        }
        Previous::Files { version } => {
            let _ = writeln!(
                out,
                "{} {version} (no release tag; highest version in the files)",
                style.bold("last release:")
            );
            "in the whole history".to_string()
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

    let _ = writeln!(
        out,
        "{} {} counted, {} ignored",
        style.bold(&format!("commits {since}:")),
        plan.commits.len(),
        plan.ignored.len()
    );
    for commit in &plan.commits {
        let scope = commit.scope.as_deref().map(|s| format!("({s})")).unwrap_or_default();
        let bang = if commit.breaking { "!" } else { "" };
        let effect = match (commit.level, commit.breaking) {
            (Some(level), true) => {
                let what = commit.breaking_description.as_deref().unwrap_or_default();
                format!("{level} (breaking: {what})")
            }
            (Some(level), false) => level.to_string(),
            (None, _) => "no release".to_string(),
        };
        let _ = writeln!(
            out,
            "  {} {}{scope}{bang}: {}  {}",
            style.dim(short(&commit.sha)),
            commit.kind,
            commit.description,
            style.dim(&format!("-> {effect}"))
        );
    }
    for ignored in &plan.ignored {
        let reason = format!("-> ignored ({})", ignored.reason);
        let _ =
            writeln!(out, "  {} {}  {}", style.dim(short(&ignored.sha)), ignored.summary, style.dim(&reason));
    }

    match (&plan.bump, &plan.next, &plan.tag) {
        (Some(bump), Some(next), Some(tag)) => {
            let why = match &bump.reason {
                Reason::Commit { sha } => {
                    let subject = plan
                        .commits
                        .iter()
                        .find(|c| &c.sha == sha)
                        .map(|c| {
                            let scope = c.scope.as_deref().map(|s| format!("({s})")).unwrap_or_default();
                            let bang = if c.breaking { "!" } else { "" };
                            format!(" ({}{scope}{bang}: {})", c.kind, c.description)
                        })
                        .unwrap_or_default();
                    format!("decided by {}{subject}", short(sha))
                }
                Reason::Override => "forced with --bump".to_string(),
            };
            let _ = writeln!(out, "{} {}, {why}", style.bold("bump:"), bump.level);
            let _ = writeln!(out, "{} {next} (tag `{tag}`)", style.bold("next version:"));
        }
        _ => {
            let _ = writeln!(out, "{} nothing to release", style.bold("next version:"));
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

/// The 7-character abbreviation of a sha.
fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}
