//! The release: a [`ReleaseRequest`] in, an [`Outcome`] out, as named steps that read top to
//! bottom. `vbump release` runs [`run`]; `vbump plan`, `vbump next` and `vbump release --dry-run`
//! run [`plan`], which is the same first half (open, deepen, plan, changelog, preflight) without
//! the second.
//!
//! The steps of [`run`]:
//! 1. open the repository and make sure a shallow clone holds the history since the last release
//!    ([`prepare`]);
//! 2. build the plan, changelog edit included ([`prepare::Session::plan`], [`changelog`]);
//! 3. connect to GitHub and check the token, before anything changes ([`github`]);
//! 4. with nothing to release, finish a GitHub Release a failed run left missing;
//! 5. choose the route: push, release pull request, or tag a merged release PR ([`route`],
//!    [`merged_pr`]); when the remote already holds this very release (a re-run of a run whose
//!    push landed, [`landed`]), finish it instead;
//! 6. the release pull request ([`release_pr`]), or the transaction, whose commit point is
//!    followed by the step outputs and the GitHub Release ([`github_release`]);
//! 7. the outputs and summary of the run ([`outcome`]).
//!
//! Nothing here prints: progress goes to the [`Reporter`], the result is the [`Outcome`].
//!
//! Where things go: a new route is a [`route::Route`] variant and an arm in [`run`]; a new step
//! output is a field of [`crate::actions::Outputs`] set in [`outcome`]; several packages mean one
//! [`crate::transaction::TagSpec`] and one GitHub Release per package with a next release (both
//! already loop over [`crate::plan::Plan::releases`]).

pub(crate) mod changelog;
pub(crate) mod github;
pub(crate) mod github_release;
pub(crate) mod guard;
pub(crate) mod landed;
pub(crate) mod merged_pr;
pub(crate) mod outcome;
pub(crate) mod prepare;
pub(crate) mod recover;
pub(crate) mod release_pr;
pub(crate) mod route;

use std::cell::Cell;

use crate::actions::{Actions, Outputs};
use crate::bump::Level;
use crate::config::{Author, Strategy};
use crate::error::{Cause, Error, Kind, Result};
use crate::notes;
use crate::plan::{Detail, PackagePlan, Plan};
use crate::report::Reporter;
use crate::transaction::{self, Mode, Secret, TagSpec, Tx};
use crate::workspace::{Target, Workspace};
use github::GitHubSteps;
use github_release::AfterCommitPoint;
pub(crate) use outcome::{Outcome, Released};
use prepare::Session;
use route::Route;

/// What to release and how: everything the command line decided.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReleaseRequest {
    /// Where the repository and its settings are.
    pub(crate) target: Target,
    /// `--bump`: this level instead of the commits' level.
    pub(crate) bump: Option<Level>,
    /// `--pre ID`: a pre-release with this identifier.
    pub(crate) pre: Option<String>,
    /// `--promote`: the stable version of the last pre-release.
    pub(crate) promote: bool,
    /// `--package NAME`: only these packages (all when empty), in a repository of several.
    pub(crate) packages: Vec<String>,
    /// `--push`: push the release and run the GitHub steps; without it the release is local.
    pub(crate) push: bool,
    /// `--remote`: the remote to push to (default: the branch's upstream, else `origin`).
    pub(crate) remote: Option<String>,
    /// The environment variable holding the token for git and the GitHub API.
    pub(crate) token_env: String,
    /// `--strategy`, overriding `strategy` in vbump.toml.
    pub(crate) strategy: Option<Strategy>,
    /// `--author`, overriding `[release] author` in vbump.toml.
    pub(crate) author: Option<Author>,
    /// `--draft`: leave each GitHub Release a draft (as `[github] draft = true` does).
    pub(crate) draft: bool,
}

/// The release's first half, for `vbump plan`, `vbump next` and `--dry-run`: what [`run`] would
/// release without `--push`, changing nothing. With [`Detail::Full`] the plan holds the changelog
/// edit, the release notes and every problem that would stop the release; the planned values go
/// to the step outputs (`released=false`).
pub(crate) fn plan(request: &ReleaseRequest, detail: Detail, reporter: &mut dyn Reporter) -> Result<Plan> {
    let token = token(request);
    let session = Session::open(request, token.as_ref(), reporter)?;
    let mut plan = session.plan(request, detail)?;
    if detail == Detail::Full {
        let route = if merged_pr::tag_only(&session.workspace, &mut plan)? {
            Route::TagOnly
        } else {
            Route::Push { fallback: false }
        };
        let repo_url = github::repository_url(&session, request.push);
        complete(&session, &mut plan, route, repo_url.as_deref())?;
    }
    Actions::from_env().outputs(&outcome::planned_outputs(&plan))?;
    Ok(plan)
}

/// The part of the first half that depends on the route: the changelog edit, the release notes,
/// and the problems that would stop the release (all of them).
fn complete(session: &Session, plan: &mut Plan, route: Route, repo_url: Option<&str>) -> Result<()> {
    for package in &mut plan.packages {
        if package.next.is_some() {
            package.notes = Some(notes::release_notes(&package.commits, notes::Links { repo_url }));
        }
    }
    if plan.releases().next().is_none() {
        return Ok(());
    }
    if route != Route::TagOnly {
        let missing =
            if route == Route::Pr { changelog::Missing::Create } else { changelog::Missing::Refuse };
        // A missing or unreadable changelog stops the release: a problem, listed with the others.
        if let Err(problem) = changelog::add(&session.workspace, plan, repo_url, missing) {
            plan.problems.push(problem);
        }
    }
    if route == Route::Pr {
        // Nothing local changes; the release PR checks the remote itself.
        return Ok(());
    }
    match tx(session, plan, route) {
        Ok(tx) => {
            let problems = transaction::problems_here(&session.git, &tx)?;
            // The planner already named an existing tag in the same words: listed once.
            let new: Vec<Error> = problems
                .into_iter()
                .filter(|p| !plan.problems.iter().any(|q| q.message == p.message))
                .collect();
            plan.problems.extend(new);
        }
        Err(detached) => plan.problems.push(detached),
    }
    Ok(())
}

/// Runs the release. On every path the step outputs are written: a run that failed before its
/// commit point says that nothing was released.
pub(crate) fn run(request: &ReleaseRequest, reporter: &mut dyn Reporter) -> Result<Outcome> {
    let token = token(request);
    let actions = Actions::from_env();
    let outputs_written = Cell::new(false);
    let result = release(request, token.as_ref(), &actions, &outputs_written, reporter);
    if result.is_err() && !outputs_written.get() {
        // (One that failed after its commit point wrote the real outputs already.)
        let _ = actions.outputs(&Outputs::default());
    }
    result
}

/// The token named by the request, masked in the Actions log before anything is printed.
fn token(request: &ReleaseRequest) -> Option<Secret> {
    let token = Secret::from_env(&request.token_env);
    if let Some(token) = &token {
        Actions::from_env().mask(token);
    }
    token
}

fn release(
    request: &ReleaseRequest,
    token: Option<&Secret>,
    actions: &Actions,
    outputs_written: &Cell<bool>,
    reporter: &mut dyn Reporter,
) -> Result<Outcome> {
    // 1. The repository, with the history since the last release.
    let mut session = Session::open(request, token, reporter)?;
    // A branch the configuration does not release from is refused before anything changes.
    check_release_branch(&session.workspace)?;
    session.use_identity(request.author.as_ref())?;

    // 2. The plan, and whether HEAD is a merged release PR (which settles, with several packages,
    // which packages this run releases and which warnings hold).
    let mut plan = session.plan(request, Detail::Full)?;
    let merged_release_pr = merged_pr::tag_only(&session.workspace, &mut plan)?;
    for warning in &plan.warnings {
        reporter.warn(warning);
    }

    // 3. GitHub: the repository and the token, checked before anything changes.
    let github = GitHubSteps::connect(&session, request, token)?;

    // 4. Nothing to release: a re-run may still have a GitHub Release to finish.
    if plan.releases().next().is_none() {
        let finished = if request.push {
            github_release::finish_head_release(&session, &github, &plan, reporter)?
        } else {
            None
        };
        let outcome = match finished {
            Some(finished) => Outcome::Finished(finished),
            None => Outcome::Nothing(outcome::nothing(&plan)),
        };
        outcome::write(actions, &plan, &outcome)?;
        return Ok(outcome);
    }

    // 5. The route, and with it the rest of the first half: the changelog edit, the notes, and
    // every problem that would stop the release. A merged release PR already made the release commit: the run only tags it,
    // through the same transaction (preflight, journal, commit point) as a full release.
    let route = if merged_release_pr {
        github.warn_about_token(reporter);
        Route::TagOnly
    } else {
        let branch = plan.branch.as_deref().unwrap_or_default();
        route::decide(github.strategy(), request.push, github.client(), branch, reporter)
            .inspect(|_| github.warn_about_token(reporter))?
    };
    complete(&session, &mut plan, route, github.repo_url())?;
    // A re-run of a run whose push landed plans that very release again: finish it instead.
    if request.push
        && matches!(route, Route::Push { .. })
        && let Some(landed) = landed::find(&session, &plan)?
    {
        reporter.note(&format!(
            "{} is already on `{}` as {}, this plan's release of HEAD (an earlier run of this commit pushed it): finishing what is missing",
            landed.tags.join(", "),
            session.remote,
            landed.commit
        ));
        let tags = landed.tags.clone();
        let finished =
            github_release::finish_landed(&plan, &github, actions, outputs_written, reporter, landed)?;
        // The outputs are written (as after a commit point); the summary is left.
        actions
            .summary(&outcome::summary_markdown(&plan, &finished.outputs))
            .map_err(|e| outcome::after_commit_point(&tags, "the step summary", e))?;
        return Ok(Outcome::Finished(finished));
    }
    if let Some(problems) = Error::all(std::mem::take(&mut plan.problems)) {
        return Err(problems);
    }

    // 6. The release pull request, or the transaction.
    if route == Route::Pr {
        let pr = release_pr::open(&session, &github, &plan)?;
        let outcome = Outcome::PullRequest(pr);
        outcome::write(actions, &plan, &outcome)?;
        return Ok(outcome);
    }
    let released = match apply(&session, &github, &plan, route, actions, outputs_written, reporter) {
        Ok(released) => released,
        Err(e) if route == (Route::Push { fallback: true }) && refused_by_protection(&e) => {
            reporter.note(&e.message);
            reporter.note("branch protection refused the push, which was undone: opening a release pull request instead");
            let pr = release_pr::open(&session, &github, &plan)?;
            let outcome = Outcome::PullRequest(pr);
            outcome::write(actions, &plan, &outcome)?;
            return Ok(outcome);
        }
        Err(e) => return Err(e),
    };

    // 7. The summary (the outputs were written at the commit point).
    let outcome = Outcome::Released(released);
    outcome::write(actions, &plan, &outcome)?;
    Ok(outcome)
}

/// `[release] branches`: HEAD must be on one of them (any branch when the key is absent).
fn check_release_branch(workspace: &Workspace) -> Result<()> {
    let allowed = &workspace.config.release_branches;
    if allowed.patterns().is_empty() {
        return Ok(());
    }
    let listed = allowed.patterns().join("`, `");
    match workspace.branch() {
        Some(branch) if allowed.allows(&branch) => Ok(()),
        Some(branch) => Err(Error::input(format!(
            "`{branch}` is not a release branch: [release] branches allows `{listed}`; nothing was changed"
        ))
        .hint(
            "release from one of those branches, or add this one to [release] branches in the configuration",
        )),
        None => Err(Error::input(format!(
            "HEAD is detached, and only the branches `{listed}` may be released from; nothing was changed"
        ))
        .hint("check out the branch to release")),
    }
}

/// True when `error` is a push that branch protection refused and the transaction undid.
fn refused_by_protection(error: &Error) -> bool {
    error.kind == Kind::RolledBack && error.cause == Some(Cause::PushRejected { protected: true })
}

/// The transaction request of `plan` on `route`: one commit, one tag per package with a
/// release. An error when HEAD is detached (there is no branch to release).
fn tx<'a>(session: &'a Session, plan: &'a Plan, route: Route) -> Result<Tx<'a>> {
    let branch = plan.branch.clone().ok_or_else(|| {
        Error::input("HEAD is detached, so there is no branch to release").hint(
            "check out the branch to release (with actions/checkout, run on `push`, not on `pull_request`)",
        )
    })?;
    let remote = session.remote.clone();
    let mode = match route {
        Route::TagOnly => Mode::TagOnly { remote: session.pushing().then_some(remote) },
        Route::Push { .. } if session.pushing() => Mode::Push { remote },
        Route::Push { .. } | Route::Pr => Mode::Local,
    };
    let tags = plan
        .packages
        .iter()
        .filter_map(|package| {
            let next = package.next.as_ref()?;
            Some(TagSpec { name: next.tag.clone(), message: tag_message(&next.tag, package) })
        })
        .collect();
    Ok(Tx {
        root: &session.workspace.root,
        git_dir: session.workspace.git_dir(),
        branch,
        head: plan.head.clone(),
        edits: &plan.files,
        message: plan.release_message(&session.workspace.config).expect("a release plan has a next release"),
        tags,
        mode,
    })
}

/// Hands the plan to the transaction; after its commit point, the outputs and GitHub Releases.
fn apply(
    session: &Session,
    github: &GitHubSteps,
    plan: &Plan,
    route: Route,
    actions: &Actions,
    outputs_written: &Cell<bool>,
    reporter: &mut dyn Reporter,
) -> Result<Released> {
    let tx = tx(session, plan, route)?;
    let mut hooks = AfterCommitPoint::new(plan, github, actions, outputs_written, reporter);
    let applied = transaction::apply(&session.git, &tx, &mut hooks)?;
    let github_release = hooks.release.take();
    for warning in &applied.warnings {
        reporter.warn(warning);
    }
    Ok(outcome::released(plan, &applied, &session.remote, github_release))
}

/// The annotated tag's message: the tag name, then the release notes (the same text as the
/// GitHub Release, which a later run re-creates from this message if it has to).
fn tag_message(tag: &str, package: &PackagePlan) -> String {
    let notes = package.notes.as_deref().unwrap_or_default();
    format!("{tag}\n\n{notes}").trim_end().to_string() + "\n"
}
