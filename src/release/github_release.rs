//! What follows the commit point: the step outputs (first, so a later failure cannot hide the
//! release from the steps that follow), then the GitHub Release of each tag. Also finishing the
//! GitHub Release a failed run left missing.

use std::cell::Cell;

use crate::actions::{Actions, Outputs};
use crate::error::{Error, Result};
use crate::forge;
use crate::plan::{PackagePlan, Plan, Previous};
use crate::report::Reporter;
use crate::transaction::{Applied, Hooks};

use super::github::GitHubSteps;
use super::landed::Landed;
use super::outcome::{self, Finished};
use super::prepare::Session;

/// The transaction's hooks for a release: after the commit point, the outputs and the GitHub
/// Release.
pub(crate) struct AfterCommitPoint<'a> {
    plan: &'a Plan,
    github: &'a GitHubSteps,
    actions: &'a Actions,
    /// Set once the outputs are written (a later failure must not overwrite them).
    written: &'a Cell<bool>,
    reporter: &'a mut dyn Reporter,
    /// The GitHub Release's page, once published.
    pub(crate) release_url: Option<String>,
}

impl<'a> AfterCommitPoint<'a> {
    pub(crate) fn new(
        plan: &'a Plan,
        github: &'a GitHubSteps,
        actions: &'a Actions,
        written: &'a Cell<bool>,
        reporter: &'a mut dyn Reporter,
    ) -> Self {
        AfterCommitPoint { plan, github, actions, written, reporter, release_url: None }
    }

    /// Publishes the GitHub Release of each tag pushed (one tag per package).
    fn publish(&mut self, applied: &Applied) -> Result<()> {
        let Some(client) = self.github.client() else {
            self.github.say_skipped(self.reporter);
            return Ok(());
        };
        if !applied.pushed {
            return Ok(());
        }
        for package in &self.plan.packages {
            let Some(next) = &package.next else { continue };
            let notes = package.notes.as_deref().unwrap_or_default();
            let kind = forge::ReleaseKind::of(&next.version, package.highest_stable.as_ref());
            let release =
                client.publish_release(&next.tag, &next.tag, notes, kind).map_err(after_push(&next.tag))?;
            self.actions.output("release-url", &release.url).map_err(|e| {
                Error::incomplete(
                    format!(
                        "{} is released and its GitHub Release published, but the `release-url` output could not be written: {}",
                        next.tag, e.message
                    ),
                    vec![format!("the `release-url` step output ({})", release.url)],
                )
                .hint(e.hint.clone().unwrap_or_else(|| "check the workflow's `$GITHUB_OUTPUT`".into()))
            })?;
            self.release_url = Some(release.url);
        }
        Ok(())
    }
}

impl Hooks for AfterCommitPoint<'_> {
    fn after_commit_point(&mut self, applied: &Applied) -> Result<()> {
        let outputs = outcome::released_outputs(self.plan, applied);
        let written = self.actions.outputs(&outputs);
        self.written.set(written.is_ok());
        // The GitHub steps run even when the outputs could not be written; both are reported.
        self.publish(applied)?;
        written.map_err(|e| outcome::after_commit_point(&applied.tags, "its step outputs", e))
    }
}

/// Finishes the release an earlier run of this commit pushed ([`super::landed`]): the step outputs
/// (with the release commit the remote holds) and each tag's GitHub Release, exactly as after the
/// commit point of a release; nothing local changes.
pub(crate) fn finish_landed(
    plan: &Plan,
    github: &GitHubSteps,
    actions: &Actions,
    written: &Cell<bool>,
    reporter: &mut dyn Reporter,
    landed: Landed,
) -> Result<Finished> {
    let applied = Applied { tags: landed.tags, commit: landed.commit, pushed: true, warnings: Vec::new() };
    let mut hooks = AfterCommitPoint::new(plan, github, actions, written, reporter);
    hooks.after_commit_point(&applied)?;
    let release_url = hooks.release_url.take();
    Ok(Finished { outputs: Outputs { release_url, ..outcome::released_outputs(plan, &applied) } })
}

/// When HEAD carries release tags that are on the remote but have no GitHub Release (a run whose
/// release step failed after the push), creates them: this run finishes that release. One tag in
/// single-package mode; with several packages, every package whose last release tag is HEAD's.
pub(crate) fn finish_head_release(
    session: &Session,
    github: &GitHubSteps,
    plan: &Plan,
    reporter: &mut dyn Reporter,
) -> Result<Option<Finished>> {
    let Some(client) = github.client() else { return Ok(None) };
    let at_head: Vec<(&PackagePlan, &str, &semver::Version)> = plan
        .packages
        .iter()
        .filter_map(|package| match &package.previous {
            Previous::Tag { tag, commit, version } if *commit == plan.head => {
                Some((package, tag.as_str(), version))
            }
            _ => None,
        })
        .collect();
    if at_head.is_empty() {
        return Ok(None);
    }
    let git = &session.git;
    let mut ls_remote = vec!["ls-remote".to_string(), "--".into(), session.remote.clone()];
    ls_remote.extend(at_head.iter().map(|(_, tag, _)| format!("refs/tags/{tag}")));
    let ls_remote: Vec<&str> = ls_remote.iter().map(String::as_str).collect();
    let on_remote = git.run(&ls_remote)?;
    let pushed: Vec<_> = at_head
        .into_iter()
        .filter(|(_, tag, _)| on_remote.lines().any(|line| line.ends_with(&format!("\trefs/tags/{tag}"))))
        .collect();
    let mut release_url = None;
    for (package, tag, version) in &pushed {
        let message =
            git.run(&["for-each-ref", "--format=%(contents)", "--", &format!("refs/tags/{tag}")])?;
        // The tag message is the tag name, a blank line, then the notes.
        let body = message.split_once("\n\n").map_or("", |(_, rest)| rest).trim().to_string() + "\n";
        let kind = forge::ReleaseKind::of(version, package.highest_stable.as_ref());
        let release = client.publish_release(tag, tag, &body, kind).map_err(after_push(tag))?;
        if release.action == forge::ReleaseAction::AlreadyPublished {
            continue;
        }
        reporter.note(&format!("created the missing GitHub Release of {tag}: {}", release.url));
        release_url = Some(release.url);
    }
    let Some(release_url) = release_url else { return Ok(None) };
    let tags: Vec<&str> = pushed.iter().map(|(_, tag, _)| *tag).collect();
    Ok(Some(outcome::finished(plan, &tags, release_url)))
}

/// A GitHub failure after the tag was pushed: the release stands, the GitHub Release is missing.
fn after_push(tag: &str) -> impl Fn(Error) -> Error + '_ {
    move |e| {
        Error::incomplete(
            format!("{tag} is released and pushed, but its GitHub Release could not be made: {}", e.message),
            vec![format!("tag {tag} has no GitHub Release")],
        )
        .hint(format!(
            "{}run vbump again on the same commit: it sees the tag and creates the missing release",
            e.hint.as_deref().map(|h| format!("{h}; then ")).unwrap_or_default()
        ))
    }
}
