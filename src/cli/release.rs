//! `vbump release` (and `vbump` with no subcommand): plan, then apply the plan as one transaction.
//!
//! The steps read top to bottom: mask the token, open the repository, pick the remote and hand
//! git the token, make sure a shallow clone has enough history, plan, and (when there is something
//! to release) apply the plan; then report on stdout and to GitHub Actions.

use std::cell::Cell;
use std::path::Path;

use super::actions::{self, Actions, Outputs};
use super::github::{self, Forge, Route};
use super::{Context, Format, ReleaseArgs};
use crate::error::{Error, Result};
use crate::plan::{Detail, Plan, Previous};
use crate::transaction::{self, Git, Hooks, Push, Release, Released, Secret, shallow};

/// Runs `vbump release`.
pub fn run(ctx: &Context, args: &ReleaseArgs) -> Result<i32> {
    let token = Secret::from_env(&args.token_env);
    let actions = Actions::from_env();
    if let Some(token) = &token {
        actions.mask(token);
    }
    if args.dry_run {
        return super::plan::run_plan(ctx, &args.plan);
    }
    let outputs_written = Cell::new(false);
    let result = release(ctx, args, token.as_ref(), &actions, &outputs_written);
    if result.is_err() && !outputs_written.get() {
        // Outputs are written on every run: one that failed before its commit point released
        // nothing. (One that failed after it wrote the real outputs already.)
        let _ = actions.outputs(&Outputs::default());
    }
    result
}

fn release(
    ctx: &Context,
    args: &ReleaseArgs,
    token: Option<&Secret>,
    actions: &Actions,
    outputs_written: &Cell<bool>,
) -> Result<i32> {
    let mut workspace = ctx.workspace()?;
    let mut git = Git::new(&workspace.root);
    set_identity(&mut git)?;
    let branch = crate::history::head(&workspace.repo).ok().and_then(|head| head.branch);
    let remote = remote_name(&workspace.repo, args.remote.as_deref(), branch.as_deref());
    let was_shallow = workspace.repo.is_shallow();
    // Only a push or a shallow clone talks to the remote; a local release spawns no git for it.
    let url = if args.push || was_shallow { git.run(&["remote", "get-url", &remote]).ok() } else { None };
    match &url {
        Some(url) => {
            git.authenticate(url, token);
            // A separate push URL (`remote.<name>.pushurl`) needs the header too.
            if let Ok(push_url) = git.run(&["remote", "get-url", "--push", &remote])
                && push_url != *url
            {
                git.authenticate(&push_url, token);
            }
        }
        None if args.push => {
            return Err(Error::input(format!("there is no remote named `{remote}` to push to"))
                .hint("add it (`git remote add origin URL`) or name another with `--remote NAME`"));
        }
        None => {}
    }

    if was_shallow {
        let root = workspace.root.clone();
        let prefix = workspace.config.tag_prefix.clone();
        shallow::ensure_history_with(&git, url.as_ref().map(|_| remote.as_str()), || {
            tag_is_reachable(&root, &prefix)
        })?;
        // libgit2 keeps the shallow boundary it read at open time.
        workspace = ctx.workspace()?;
    }

    let mut plan = super::plan::compute(&workspace, &args.plan, Detail::Full)?;
    for warning in &plan.warnings {
        super::warn(warning);
    }
    // GitHub (issue 5): repository, token check and route, all before anything changes.
    let forge = github::connect(&workspace.config, args, token, url.as_deref(), ctx.format == Format::Json)?;
    let Some(next) = plan.next.clone() else {
        if args.push {
            forge.finish_head_release(&git, &plan, &remote)?;
        }
        return nothing_to_release(ctx, &plan, actions);
    };
    // A merged release PR already made the release commit: the run only tags it, through the
    // same transaction (preflight, journal, commit point) as a full release.
    let tag_only = forge.merged_release(&workspace.config, &workspace.repo, &plan).is_some();
    let route = if tag_only {
        forge.warn_about_token();
        Route::Push { fallback: false }
    } else {
        forge.decide(plan.branch.as_deref().unwrap_or_default())?
    };
    if !tag_only {
        github::add_changelog(
            &workspace.root,
            &workspace.config,
            &mut plan,
            forge.repo_url(),
            route == Route::Pr,
        )?;
    }
    let title = workspace.config.release_message(&next);
    if route == Route::Pr {
        return forge.open_release_pr(&git, &workspace.repo, &plan, &remote, &title);
    }

    let git_dir = workspace.repo.path().to_path_buf();
    let release = Release {
        root: &workspace.root,
        git_dir: &git_dir,
        plan: &plan,
        message: title.clone(),
        tag_message: tag_message(&plan, forge.repo_url()),
        push: args.push.then(|| Push { remote: remote.clone() }),
        tag_only,
    };
    let mut github = forge.hooks(&plan);
    let mut hooks = OutputsFirst { inner: &mut github, plan: &plan, actions, written: outputs_written };
    let released = match transaction::apply(&git, &release, &mut hooks) {
        Ok(released) => released,
        Err(e) if Forge::refused_by_protection(route, &e) => {
            eprintln!(
                "vbump: {}\nvbump: branch protection refused the push, which was undone: opening a release pull request instead",
                e.message
            );
            return forge.open_release_pr(&git, &workspace.repo, &plan, &remote, &title);
        }
        Err(e) => return Err(e),
    };
    report(ctx, &plan, &released, &remote, actions)
}

/// Wraps the GitHub hooks: the moment the commit point passes, the step outputs say what was
/// released, before any GitHub step runs, so a GitHub failure after it (exit 4) does not hide the
/// release from the steps that follow (`if: steps.vbump.outputs.released == 'true'`).
struct OutputsFirst<'a> {
    inner: &'a mut dyn Hooks,
    plan: &'a Plan,
    actions: &'a Actions,
    written: &'a Cell<bool>,
}

impl Hooks for OutputsFirst<'_> {
    fn preflight(&mut self, release: &Release<'_>) -> Result<()> {
        self.inner.preflight(release)
    }

    fn after_commit_point(&mut self, released: &Released) -> Result<()> {
        let written = self.actions.outputs(&outputs(self.plan, released));
        self.written.set(written.is_ok());
        // The GitHub steps run even when the outputs could not be written; both are reported.
        self.inner.after_commit_point(released)?;
        written.map_err(|e| after_commit_point(released, "its step outputs", e))
    }
}

/// The outputs of a finished release.
fn outputs(plan: &Plan, released: &Released) -> Outputs {
    Outputs {
        released: true,
        version: released.version.clone(),
        previous_version: plan.previous.version().to_string(),
        tag: released.tag.clone(),
        bump: plan.bump.as_ref().map(|b| b.level.to_string()).unwrap_or_default(),
        commit: released.commit.clone(),
    }
}

/// A failure after the commit point: the release stands (exit 4), `what` is missing.
fn after_commit_point(released: &Released, what: &str, e: Error) -> Error {
    Error::incomplete(
        format!("{} is released, but {what} could not be written: {}", released.tag, e.message),
        vec![format!("{what} of {}", released.tag)],
    )
    .hint(e.hint.clone().unwrap_or_else(|| "nothing is undone; fix the cause and check the release".into()))
}

/// Writes the summary of a finished release (its outputs are written at the commit point) and
/// prints it.
fn report(ctx: &Context, plan: &Plan, released: &Released, remote: &str, actions: &Actions) -> Result<i32> {
    let outputs = outputs(plan, released);
    actions
        .summary(&actions::summary_markdown(plan, &outputs))
        .map_err(|e| after_commit_point(released, "the step summary", e))?;
    match ctx.format {
        Format::Json => println!("{}", json(&outputs, released.pushed)),
        Format::Human | Format::Github => {
            let whereto = if released.pushed { format!(", pushed to `{remote}`") } else { String::new() };
            println!(
                "released {} ({} → {}, {}) as {}{whereto}",
                released.tag,
                outputs.previous_version,
                outputs.version,
                outputs.bump,
                &released.commit[..12.min(released.commit.len())]
            );
            if !released.pushed {
                println!("push it with: git push --atomic {remote} HEAD refs/tags/{}", released.tag);
            }
        }
    }
    Ok(0)
}

/// Exit 0 with nothing changed; says whether HEAD is already released.
fn nothing_to_release(ctx: &Context, plan: &Plan, actions: &Actions) -> Result<i32> {
    let (tag, already) = match &plan.previous {
        Previous::Tag { tag, commit, .. } => (tag.clone(), *commit == plan.head),
        _ => (String::new(), false),
    };
    let outputs = Outputs {
        released: false,
        version: plan.previous.version().to_string(),
        previous_version: plan.previous.version().to_string(),
        tag: tag.clone(),
        bump: String::new(),
        commit: plan.head.clone(),
    };
    actions.outputs(&outputs)?;
    actions.summary(&actions::summary_markdown(plan, &outputs))?;
    match ctx.format {
        Format::Json => println!("{}", json(&outputs, false)),
        Format::Human | Format::Github if already => {
            println!("nothing to release: HEAD is already released as {tag}")
        }
        Format::Human | Format::Github => println!("nothing to release since {}", since(plan)),
    }
    Ok(0)
}

fn since(plan: &Plan) -> String {
    match &plan.previous {
        Previous::Tag { tag, .. } => tag.clone(),
        _ => "the first commit".to_string(),
    }
}

/// The release as one JSON object (the same names as the Actions outputs).
fn json(outputs: &Outputs, pushed: bool) -> String {
    let value = serde_json::json!({
        "released": outputs.released,
        "version": outputs.version,
        "previous-version": outputs.previous_version,
        "tag": outputs.tag,
        "bump": outputs.bump,
        "commit": outputs.commit,
        "pushed": pushed,
    });
    serde_json::to_string_pretty(&value).expect("plain JSON serialises")
}

/// The annotated tag's message: the tag name, then the release notes (the same text as the
/// GitHub Release, which a later run re-creates from this message if it has to).
fn tag_message(plan: &Plan, repo_url: Option<&str>) -> String {
    let title = plan.tag.clone().unwrap_or_default();
    let notes = crate::notes::release_notes(&plan.commits, crate::notes::Links { repo_url });
    format!("{title}\n\n{notes}").trim_end().to_string() + "\n"
}

/// `--remote`, else the branch's upstream remote, else `origin`. (Read with git2: the key lives
/// in the repository's own config, and reading it needs no process.)
pub(super) fn remote_name(repo: &git2::Repository, explicit: Option<&str>, branch: Option<&str>) -> String {
    if let Some(name) = explicit {
        return name.to_string();
    }
    branch
        .and_then(|b| repo.config().ok()?.get_string(&format!("branch.{b}.remote")).ok())
        .filter(|r| !r.is_empty() && r != ".")
        .unwrap_or_else(|| "origin".to_string())
}

/// When git config names nobody, commits are made as `GITHUB_ACTOR` (in Actions) or `vbump[bot]`.
pub(super) fn set_identity(git: &mut Git) -> Result<()> {
    // One process for both keys; `--get-regexp` fails (exit 1) when neither is set.
    let out = git.output(&["config", "--get-regexp", r"^user\.(name|email)$"], None)?;
    let keys: Vec<&str> = out.stdout.lines().filter_map(|line| line.split_whitespace().next()).collect();
    if keys.contains(&"user.name") && keys.contains(&"user.email") {
        return Ok(());
    }
    let actor = std::env::var("GITHUB_ACTOR").ok().filter(|a| !a.is_empty());
    let name = actor.unwrap_or_else(|| "vbump[bot]".to_string());
    let email = format!("{name}@users.noreply.github.com");
    git.default_identity(name, email);
    Ok(())
}

/// True when a shallow clone holds every commit since the last release (the repository opened
/// afresh): a release tag is reachable from HEAD, and every commit at the shallow boundary is that
/// tag or one of its ancestors. A branch merged since the release whose older commits lie beyond
/// the boundary would otherwise be cut off, and its `feat!` missed.
pub(super) fn tag_is_reachable(root: &Path, prefix: &str) -> Result<bool> {
    let repo = git2::Repository::open(root)?;
    let head = crate::history::head(&repo)?;
    let tags = crate::history::release_tags(&repo, prefix)?;
    let Some(last) = crate::history::last_release(&repo, head.commit, &tags)? else { return Ok(false) };
    let boundary = std::fs::read_to_string(repo.path().join("shallow")).unwrap_or_default();
    for line in boundary.lines() {
        let Ok(cut) = git2::Oid::from_str(line.trim()) else { continue };
        if cut != last.commit && !repo.graph_descendant_of(last.commit, cut)? {
            return Ok(false);
        }
    }
    Ok(true)
}
