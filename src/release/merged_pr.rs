//! Recognising a merged release pull request: HEAD (or, for a merge commit, one of its parents)
//! has the release message of the planned version, and every version file already says it. The
//! run then only tags HEAD.

use crate::commits::ReleaseSubject;
use crate::plan::Plan;
use crate::workspace::Workspace;

/// True when HEAD is a merged release PR for the plan's version.
pub(crate) fn is_merged_release(workspace: &Workspace, plan: &Plan) -> bool {
    let Some(next) = &plan.package().next else { return false };
    if plan.files.iter().any(|edit| edit.before != edit.after) {
        return false;
    }
    let repo = &workspace.repo;
    let Some(head) = git2::Oid::from_str(&plan.head).ok().and_then(|oid| repo.find_commit(oid).ok()) else {
        return false;
    };
    let mut candidates = vec![head.clone()];
    if head.parent_count() > 1 {
        candidates.extend(head.parents());
    }
    let config = &workspace.config;
    let release_subject = ReleaseSubject::new(&config.commit_message, &config.tag_prefix);
    candidates.iter().any(|commit| {
        let subject = commit.summary().ok().flatten().unwrap_or_default();
        release_subject.version(subject).as_ref() == Some(&next.version)
    })
}
