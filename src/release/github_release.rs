//! What follows the commit point: the step outputs (first, so a later failure cannot hide the
//! release from the steps that follow), then the GitHub Release of each tag. Also finishing the
//! GitHub Release a failed run left missing.

use std::cell::Cell;

use crate::actions::{Actions, GitHubReleaseOutputs, Outputs};
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
    /// The GitHub Release made (the last one, with several packages).
    pub(crate) release: Option<GitHubReleaseOutputs>,
}

impl<'a> AfterCommitPoint<'a> {
    pub(crate) fn new(
        plan: &'a Plan,
        github: &'a GitHubSteps,
        actions: &'a Actions,
        written: &'a Cell<bool>,
        reporter: &'a mut dyn Reporter,
    ) -> Self {
        AfterCommitPoint { plan, github, actions, written, reporter, release: None }
    }

    /// Publishes the GitHub Release of each tag pushed (one tag per package), or with `[github]
    /// draft = true` leaves each a draft; then its step outputs.
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
            let release = client
                .publish_release(&next.tag, &next.tag, notes, kind, self.github.draft())
                .map_err(after_push(&next.tag))?;
            let release = release_outputs(&release, kind);
            if release.draft {
                self.reporter.note(&format!(
                    "the GitHub Release of {} is a draft (`[github] draft`): attach its assets, then publish it",
                    next.tag
                ));
            }
            write_release_outputs(self.actions, &next.tag, &release)?;
            self.release = Some(release);
        }
        Ok(())
    }
}

/// The step outputs of a GitHub Release made or found as `kind`.
fn release_outputs(release: &forge::Release, kind: forge::ReleaseKind) -> GitHubReleaseOutputs {
    let draft =
        matches!(release.action, forge::ReleaseAction::DraftCreated | forge::ReleaseAction::DraftExists);
    GitHubReleaseOutputs {
        release_url: release.url.clone(),
        release_id: release.id,
        upload_url: release.upload_url.clone(),
        make_latest: kind.make_latest().to_string(),
        draft,
    }
}

/// Appends the GitHub Release's outputs (the others were written at the commit point).
fn write_release_outputs(actions: &Actions, tag: &str, release: &GitHubReleaseOutputs) -> Result<()> {
    let id = release.release_id.to_string();
    let fields = [
        ("release-url", release.release_url.as_str()),
        ("release-id", id.as_str()),
        ("upload-url", release.upload_url.as_str()),
        ("make-latest", release.make_latest.as_str()),
    ];
    for (name, value) in fields {
        actions.output(name, value).map_err(|e| {
            Error::incomplete(
                format!(
                    "{tag} is released and its GitHub Release made, but the `{name}` output could not be written: {}",
                    e.message
                ),
                vec![format!("the `{name}` step output ({value})")],
            )
            .hint(e.hint.clone().unwrap_or_else(|| "check the workflow's `$GITHUB_OUTPUT`".into()))
        })?;
    }
    Ok(())
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
    let github_release = hooks.release.take();
    Ok(Finished { outputs: Outputs { github_release, ..outcome::released_outputs(plan, &applied) } })
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
    let mut github_release = None;
    for (package, tag, version) in &pushed {
        let message =
            git.run(&["for-each-ref", "--format=%(contents)", "--", &format!("refs/tags/{tag}")])?;
        // The tag message is the tag name, a blank line, then the notes.
        let body = message.split_once("\n\n").map_or("", |(_, rest)| rest).trim().to_string() + "\n";
        let kind = forge::ReleaseKind::of(version, package.highest_stable.as_ref());
        let release =
            client.publish_release(tag, tag, &body, kind, github.draft()).map_err(after_push(tag))?;
        if matches!(
            release.action,
            forge::ReleaseAction::AlreadyPublished | forge::ReleaseAction::DraftExists
        ) {
            // Made by the run that released, or an earlier re-run: nothing is missing.
            continue;
        }
        let made = if release.action == forge::ReleaseAction::DraftCreated { "draft " } else { "" };
        reporter.note(&format!("created the missing {made}GitHub Release of {tag}: {}", release.url));
        github_release = Some(release_outputs(&release, kind));
    }
    let Some(github_release) = github_release else { return Ok(None) };
    let tags: Vec<&str> = pushed.iter().map(|(_, tag, _)| *tag).collect();
    Ok(Some(outcome::finished(plan, &tags, github_release)))
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
