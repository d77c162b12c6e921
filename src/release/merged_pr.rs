//! Recognising a merged release pull request: its release commit is already on the branch, so the
//! run only tags it (one tag per package it carries) and publishes the GitHub Releases.
//!
//! One package: HEAD (or, for a merge commit, one of its parents) has the release message of the
//! planned version, and every version file already says it.
//!
//! Several packages: HEAD (or a merge parent) is a release commit, and the packages it carries are
//! read from the **files**, cross-checked with the plan, not from the title or a trailer:
//! - A package is carried when every one of its version fields at HEAD already says the version
//!   its commits call for (the plan's next version), and either the merge changed those fields
//!   (HEAD against its first parent: the same diff for a merge commit, a squash and a rebase) or
//!   the merged release commit's message names its tag (a package whose files already said the
//!   version, or that has no version file).
//! - Why not the title alone: GitHub caps a PR title at 256 characters (a catalog releasing twenty
//!   plugins does not fit; vbump shortens the title, see `release_pr`), maintainers edit titles,
//!   and a squash merge may keep no body at all (`squash_merge_commit_message = BLANK`), so a
//!   trailer can be lost. The merged tree is what every merge method keeps, and it is what gets
//!   released.
//! - Why the plan too: a tag must name a version its files hold (never a downgrade: the plan's
//!   version is above the package's last tag) and a version its commits justify (never an
//!   under-release: a `feat!` merged after the PR was built makes the plan ask for more, and that
//!   package is left to the next run's release PR instead of being tagged low). A package already
//!   tagged has no next release in the plan, so nothing is released twice.
//! - Packages with a release in the plan that the merged PR does not carry (changed after the PR
//!   was built) are left for the next run, with a warning; the run tags only what was reviewed.

use crate::commits::ReleaseSubject;
use crate::config::LocationSpec;
use crate::edit::VersionFiles;
use crate::error::Result;
use crate::package::Packages;
use crate::plan::{Plan, packages::release_subject};
use crate::workspace::Workspace;

/// True when HEAD is a merged release PR; the run then only tags. With several packages the plan
/// is narrowed to the packages the merged PR carries (the others keep their changes for the next
/// run), and its file edits are dropped: the release commit already made them.
pub(crate) fn tag_only(workspace: &Workspace, plan: &mut Plan) -> Result<bool> {
    if !plan.is_multi() {
        return Ok(is_merged_release(workspace, plan));
    }
    let Some(merged) = MergedCommit::at_head(workspace, plan)? else { return Ok(false) };
    let Some(packages) = Packages::resolve(&workspace.root, &workspace.config)? else { return Ok(false) };
    let mut carried = Vec::with_capacity(plan.packages.len());
    for package in &plan.packages {
        let Some(next) = &package.next else {
            carried.push(false);
            continue;
        };
        let name = package.name.as_deref().unwrap_or_default();
        let specs = packages.list.iter().find(|p| p.name == name).map_or(&[][..], |p| &p.locations[..]);
        carried.push(merged.carries(workspace, specs, &next.version, &next.tag));
    }
    if !carried.contains(&true) {
        return Ok(false);
    }
    for (package, carried) in plan.packages.iter_mut().zip(carried) {
        let name = package.name.as_deref().unwrap_or_default();
        if carried {
            // Its files say the version being tagged, above its last tag: the release, not drift.
            let next = package.next.as_ref().expect("a carried package has a release");
            let (own, release) =
                (format!("{name}: "), format!(" says {} but the last release tag ", next.version));
            plan.warnings.retain(|w| !(w.starts_with(&own) && w.contains(&release)));
            continue;
        }
        if let Some(next) = package.next.take() {
            plan.warnings.push(format!(
                "{name}: not in the merged release pull request ({} is due): left for the next run's release",
                next.tag
            ));
            package.hint = Some(format!("{} is released by the next run", next.tag));
        }
    }
    plan.files.clear();
    Ok(true)
}

/// HEAD as a merged release PR: the commit whose tree is released, its first parent (the branch
/// before the merge), and the message of the release commit it holds.
struct MergedCommit<'r> {
    head: git2::Commit<'r>,
    before: Option<git2::Commit<'r>>,
    message: String,
}

impl<'r> MergedCommit<'r> {
    /// `None` when neither HEAD nor, for a merge commit, one of its parents is a release commit
    /// of several packages.
    fn at_head(workspace: &'r Workspace, plan: &Plan) -> Result<Option<MergedCommit<'r>>> {
        let Some(release_subject) = release_subject(&workspace.config.commit_message) else {
            return Ok(None);
        };
        let head = workspace.repo.find_commit(git2::Oid::from_str(&plan.head)?)?;
        let mut candidates = vec![head.clone()];
        if head.parent_count() > 1 {
            candidates.extend(head.parents());
        }
        let release = candidates.into_iter().find(|commit| {
            let subject = commit.summary().ok().flatten().unwrap_or_default();
            release_subject.is_match(subject.trim())
        });
        let Some(release) = release else { return Ok(None) };
        let message = String::from_utf8_lossy(release.message_bytes()).into_owned();
        let before = head.parent(0).ok();
        Ok(Some(MergedCommit { head, before, message }))
    }

    /// Does the merged commit carry `version` of the package whose version fields are `specs`?
    fn carries(
        &self,
        workspace: &Workspace,
        specs: &[LocationSpec],
        version: &semver::Version,
        tag: &str,
    ) -> bool {
        let repo = &workspace.repo;
        let Some(now) = fields_at(repo, &self.head, specs) else { return false };
        if !now.iter().all(|(_, v)| v.as_ref() == Some(version)) {
            return false;
        }
        let before = self.before.as_ref().and_then(|parent| fields_at(repo, parent, specs));
        let changed = !now.is_empty()
            && before.is_none_or(|before| {
                before.iter().map(|(value, _)| value).ne(now.iter().map(|(value, _)| value))
            });
        changed || names(&self.message, tag)
    }
}

/// Each version field of `specs` in `commit`'s tree: its value as written, and the version it
/// means (`None` when it is not one). `None` when the files cannot be read there.
fn fields_at(
    repo: &git2::Repository,
    commit: &git2::Commit<'_>,
    specs: &[LocationSpec],
) -> Option<Vec<(String, Option<semver::Version>)>> {
    let tree = commit.tree().ok()?;
    let mut contents: Vec<(std::path::PathBuf, Vec<u8>)> = Vec::new();
    for spec in specs {
        if contents.iter().any(|(path, _)| *path == spec.file) {
            continue;
        }
        let Ok(entry) = tree.get_path(&spec.file) else { continue };
        let blob = repo.find_blob(entry.id()).ok()?;
        contents.push((spec.file.clone(), blob.content().to_vec()));
    }
    let files = VersionFiles::from_contents(specs, &contents).ok()?;
    Some(
        files
            .fields()
            .iter()
            .map(|field| (field.value.clone(), field.scheme.parse(&field.value).ok()))
            .collect(),
    )
}

/// Does `message` name `tag` as a word of its own (`chore(release): a--v1.3.0, b--v0.4.1 (#12)`)?
fn names(message: &str, tag: &str) -> bool {
    message.split(|c: char| c.is_whitespace() || matches!(c, ',' | '`' | '(' | ')')).any(|word| word == tag)
}

/// True when HEAD is a merged release PR for the single package's version.
fn is_merged_release(workspace: &Workspace, plan: &Plan) -> bool {
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

#[cfg(test)]
mod tests {
    use super::names;

    #[test]
    fn a_tag_is_named_only_as_a_word_of_its_own() {
        let message = "chore(release): formatter--v1.3.0, linter--v0.4.1 (#12)\n\nbody `docs--v2.0.0`\n";
        assert!(names(message, "formatter--v1.3.0"));
        assert!(names(message, "linter--v0.4.1"));
        assert!(names(message, "docs--v2.0.0"));
        assert!(!names(message, "formatter--v1.3"));
        assert!(!names(message, "matter--v1.3.0"));
        assert!(!names("chore(release): formatter--v1.3.0-rc.1", "formatter--v1.3.0"));
    }
}
