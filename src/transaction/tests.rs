//! Transaction tests on real repositories: a work tree, a bare remote with real hooks, hand-built
//! plans. The binary-level scenarios (crash, token, shallow) live in `tests/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;
use crate::edit::FileEdit;
use crate::error::Kind;

/// The part of a plan a transaction test needs.
struct Planned {
    head: String,
    files: Vec<FileEdit>,
}

/// A work tree with two version files, pushed to a bare `origin.git`.
struct Sandbox {
    temp: tempfile::TempDir,
}

const FILES: [(&str, &str, &str); 2] = [
    (
        "Cargo.toml",
        "[package]\nname = \"x\"\nversion = \"1.2.0\"\n",
        "[package]\nname = \"x\"\nversion = \"1.3.0\"\n",
    ),
    ("web/package.json", "{\r\n  \"version\": \"1.2.0\"\r\n}\r\n", "{\r\n  \"version\": \"1.3.0\"\r\n}\r\n"),
];

impl Sandbox {
    fn new() -> Sandbox {
        let sandbox = Sandbox { temp: tempfile::tempdir().unwrap() };
        std::fs::create_dir_all(sandbox.work().join("web")).unwrap();
        sandbox.sh(&sandbox.work(), &["init", "--quiet", "--initial-branch=main"]);
        for (file, before, _) in FILES {
            std::fs::write(sandbox.work().join(file), before).unwrap();
        }
        sandbox.sh(&sandbox.work(), &["add", "--all"]);
        sandbox.sh(&sandbox.work(), &["commit", "--quiet", "-m", "feat: first"]);
        let origin = sandbox.origin();
        sandbox.sh(
            sandbox.temp.path(),
            &["init", "--quiet", "--bare", "--initial-branch=main", origin.to_str().unwrap()],
        );
        sandbox.sh(&sandbox.work(), &["remote", "add", "origin", origin.to_str().unwrap()]);
        sandbox.sh(&sandbox.work(), &["push", "--quiet", "origin", "main"]);
        sandbox
    }

    fn work(&self) -> PathBuf {
        self.temp.path().join("work")
    }

    fn origin(&self) -> PathBuf {
        self.temp.path().join("origin.git")
    }

    fn git(&self) -> Git {
        let mut git = Git::new(self.work());
        git.default_identity("vbump[bot]", "vbump[bot]@users.noreply.github.com");
        git
    }

    /// Runs git with a pinned identity; panics on failure; returns trimmed stdout.
    fn sh(&self, dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=Test", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim_end().to_string()
    }

    fn hook(&self, script: &str) {
        let path = self.origin().join("hooks/pre-receive");
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }

    /// What the planner would hand over: HEAD and the edits releasing 1.3.0.
    fn plan(&self) -> Planned {
        Planned {
            head: self.sh(&self.work(), &["rev-parse", "HEAD"]),
            files: FILES
                .iter()
                .map(|(file, before, after)| FileEdit {
                    file: file.into(),
                    before: before.as_bytes().to_vec(),
                    after: after.as_bytes().to_vec(),
                    changes: Vec::new(),
                })
                .collect(),
        }
    }

    fn apply(&self, plan: &Planned, push: bool, hooks: &mut dyn Hooks) -> Result<Applied> {
        let tags = vec![TagSpec { name: "v1.3.0".into(), message: "# v1.3.0\n\n- feat: first\n".into() }];
        self.apply_tags(plan, tags, push, hooks)
    }

    fn apply_tags(
        &self,
        plan: &Planned,
        tags: Vec<TagSpec>,
        push: bool,
        hooks: &mut dyn Hooks,
    ) -> Result<Applied> {
        let git_dir = self.work().join(".git");
        let work = self.work();
        let tx = Tx {
            root: &work,
            git_dir: &git_dir,
            branch: "main".into(),
            head: plan.head.clone(),
            edits: &plan.files,
            message: "chore(release): v1.3.0".into(),
            tags,
            mode: if push { Mode::Push { remote: "origin".into() } } else { Mode::Local },
        };
        apply(&self.git(), &tx, hooks)
    }

    /// Everything observable: refs, HEAD, index, status, file bytes, journal; and the remote's refs.
    fn state(&self) -> BTreeMap<String, String> {
        let work = self.work();
        let mut state = BTreeMap::new();
        state.insert("HEAD".into(), self.sh(&work, &["rev-parse", "HEAD"]));
        state.insert("refs".into(), self.sh(&work, &["for-each-ref", "--format=%(refname) %(objectname)"]));
        state.insert("index".into(), self.sh(&work, &["ls-files", "--stage"]));
        state.insert("status".into(), self.sh(&work, &["status", "--porcelain", "--untracked-files=all"]));
        for (file, _, _) in FILES {
            state.insert(file.into(), String::from_utf8(std::fs::read(work.join(file)).unwrap()).unwrap());
        }
        state.insert("journal".into(), work.join(".git/vbump").exists().to_string());
        state.insert(
            "remote".into(),
            self.sh(&self.origin(), &["for-each-ref", "--format=%(refname) %(objectname)"]),
        );
        state
    }

    /// Asserts the released state: files new, one release commit on main locally and remotely.
    fn assert_released(&self, pushed: bool) {
        let work = self.work();
        for (file, _, after) in FILES {
            assert_eq!(std::fs::read_to_string(work.join(file)).unwrap(), after, "{file}");
        }
        assert_eq!(self.sh(&work, &["log", "-1", "--format=%s"]), "chore(release): v1.3.0");
        assert_eq!(self.sh(&work, &["rev-parse", "v1.3.0^{commit}"]), self.sh(&work, &["rev-parse", "HEAD"]));
        assert_eq!(self.sh(&work, &["cat-file", "-t", "v1.3.0"]), "tag", "annotated");
        assert_eq!(self.sh(&work, &["status", "--porcelain"]), "");
        assert!(!work.join(".git/vbump").exists(), "journal left behind");
        let remote = self.sh(&self.origin(), &["for-each-ref", "--format=%(refname)"]);
        if pushed {
            assert_eq!(
                self.sh(&self.origin(), &["rev-parse", "main"]),
                self.sh(&work, &["rev-parse", "HEAD"])
            );
            assert!(remote.contains("refs/tags/v1.3.0"), "{remote}");
        } else {
            assert!(!remote.contains("refs/tags/v1.3.0"), "{remote}");
        }
    }
}

#[test]
fn local_release_writes_commits_and_tags() {
    let s = Sandbox::new();
    let released = s.apply(&s.plan(), false, &mut NoHooks).unwrap();
    assert_eq!(released.tags, ["v1.3.0"]);
    assert!(!released.pushed);
    s.assert_released(false);
    assert_eq!(
        s.sh(&s.work(), &["tag", "-l", "--format=%(contents)", "v1.3.0"]),
        "# v1.3.0\n\n- feat: first"
    );
}

#[test]
fn pushed_release_lands_branch_and_tag_together() {
    let s = Sandbox::new();
    let released = s.apply(&s.plan(), true, &mut NoHooks).unwrap();
    assert!(released.pushed);
    s.assert_released(true);
    assert_eq!(s.sh(&s.work(), &["rev-parse", "origin/main"]), released.commit);
}

/// Each rejection text a real pre-receive hook prints, and whether it must be relayed verbatim.
#[test]
fn remote_rejections_roll_back_and_relay_the_reason() {
    let cases = [
        (
            "echo 'remote: error: GH006: Protected branch update failed for refs/heads/main.' >&2; exit 1",
            "GH006: Protected branch update failed",
            "protected",
        ),
        (
            "while read old new ref; do case $ref in refs/tags/*) echo 'error: GH013: Repository rule violations found for refs/tags/v1.3.0.' >&2; exit 1;; esac; done",
            "GH013: Repository rule violations found",
            "protected",
        ),
    ];
    for (script, reason, hint) in cases {
        let s = Sandbox::new();
        s.hook(script);
        let before = s.state();
        let e = s.apply(&s.plan(), true, &mut NoHooks).unwrap_err();
        assert_eq!(e.kind, Kind::RolledBack, "{e}");
        assert!(e.message.contains(reason), "{e}");
        assert!(e.hint.as_deref().unwrap().contains(hint), "{e}");
        // The caller decides on the typed cause, which survives the rollback.
        assert_eq!(e.cause, Some(Cause::PushRejected { protected: hint == "protected" }), "{reason}");
        assert_eq!(s.state(), before, "{reason}");
    }
}

fn two_tags() -> Vec<TagSpec> {
    ["app-v1.3.0", "lib-v2.0.0"]
        .into_iter()
        .map(|name| TagSpec { name: name.into(), message: format!("{name}\n\nnotes of {name}\n") })
        .collect()
}

#[test]
fn two_tags_are_made_and_pushed_together_at_the_release_commit() {
    let s = Sandbox::new();
    let applied = s.apply_tags(&s.plan(), two_tags(), true, &mut NoHooks).unwrap();
    assert_eq!(applied.tags, ["app-v1.3.0", "lib-v2.0.0"]);
    let head = s.sh(&s.work(), &["rev-parse", "HEAD"]);
    assert_eq!(applied.commit, head);
    for tag in ["app-v1.3.0", "lib-v2.0.0"] {
        assert_eq!(s.sh(&s.origin(), &["rev-parse", &format!("{tag}^{{commit}}")]), head, "{tag}");
        assert_eq!(
            s.sh(&s.work(), &["tag", "-l", "--format=%(contents)", tag]),
            format!("{tag}\n\nnotes of {tag}")
        );
    }
    assert!(!s.work().join(".git/vbump").exists(), "journal left behind");
}

#[test]
fn a_rejected_second_tag_rolls_back_both_and_pushes_neither() {
    let s = Sandbox::new();
    s.hook("while read old new ref; do case $ref in refs/tags/lib-*) echo 'no lib tags' >&2; exit 1;; esac; done");
    let before = s.state();
    let e = s.apply_tags(&s.plan(), two_tags(), true, &mut NoHooks).unwrap_err();
    assert_eq!(e.kind, Kind::RolledBack, "{e}");
    assert!(e.message.starts_with("release app-v1.3.0, lib-v2.0.0 failed and was rolled back"), "{e}");
    assert_eq!(s.state(), before);
}

#[test]
fn the_commit_point_of_two_tags_passed_only_when_the_remote_has_both() {
    let s = Sandbox::new();
    let plan = s.plan();
    s.apply_tags(&plan, two_tags(), false, &mut NoHooks).unwrap();
    let mut journal =
        journal::Journal::new("main", &plan.head, vec!["app-v1.3.0".into(), "lib-v2.0.0".into()]);
    journal.remote = Some("origin".into());
    journal.release_commit = Some(s.sh(&s.work(), &["rev-parse", "HEAD"]));
    assert!(rollback::commit_point_passed(&s.git(), &journal).is_ok_and(|passed| !passed));
    s.sh(&s.work(), &["push", "--quiet", "origin", "main", "refs/tags/app-v1.3.0"]);
    assert!(rollback::commit_point_passed(&s.git(), &journal).is_ok_and(|passed| !passed));
    s.sh(&s.work(), &["push", "--quiet", "origin", "refs/tags/lib-v2.0.0"]);
    assert!(rollback::commit_point_passed(&s.git(), &journal).is_ok_and(|passed| passed));
    // Undoing a two-tag release deletes both tags.
    journal.remote = None;
    assert_eq!(
        rollback::undo_steps(&s.git(), &s.work(), &journal::Store::new(&s.work().join(".git")), &journal),
        Vec::<String>::new()
    );
    assert_eq!(s.sh(&s.work(), &["tag", "-l"]), "");
}

/// Moves the remote branch after the preflight, as a racing run would.
struct Racer<'a>(&'a Sandbox);

impl Hooks for Racer<'_> {
    fn preflight(&mut self, _tx: &Tx<'_>) -> Result<()> {
        let other = self.0.temp.path().join("other");
        let s = self.0;
        s.sh(s.temp.path(), &["clone", "--quiet", s.origin().to_str().unwrap(), other.to_str().unwrap()]);
        s.sh(&other, &["commit", "--quiet", "--allow-empty", "-m", "fix: raced"]);
        s.sh(&other, &["push", "--quiet", "origin", "main"]);
        Ok(())
    }
}

#[test]
fn a_racing_push_is_non_fast_forward_and_rolls_back() {
    let s = Sandbox::new();
    let before = s.state();
    let e = s.apply(&s.plan(), true, &mut Racer(&s)).unwrap_err();
    assert_eq!(e.kind, Kind::RolledBack, "{e}");
    assert!(e.message.contains("[rejected]") || e.message.contains("non-fast-forward"), "{e}");
    assert!(e.hint.as_deref().unwrap().contains("moved"), "{e}");
    let mut after = s.state();
    // Only the racer's commit on the remote differs.
    after.insert("remote".into(), before["remote"].clone());
    assert_eq!(after, before);
}

#[test]
fn a_failed_rollback_is_incomplete_names_what_remains_and_recover_finishes() {
    let s = Sandbox::new();
    // The hook rejects and, being on this machine, locks the local branch so the rollback's
    // `update-ref` cannot move it back.
    let lock = s.work().join(".git/refs/heads/main.lock");
    s.hook(&format!("touch '{}'; echo 'GH006: Protected branch update failed' >&2; exit 1", lock.display()));
    let before = s.state();
    let e = s.apply(&s.plan(), true, &mut NoHooks).unwrap_err();
    assert_eq!(e.kind, Kind::Incomplete, "{e}");
    assert!(e.remains.iter().any(|r| r.contains("branch `main`") && r.contains("git update-ref")), "{e}");
    assert!(s.work().join(".git/vbump/journal.json").exists());
    std::fs::remove_file(&lock).unwrap();
    let recovered = recover::recover(&s.git(), &s.work(), &s.work().join(".git")).unwrap();
    assert_eq!(recovered, recover::Recovered::RolledBack { tags: vec!["v1.3.0".into()] });
    assert_eq!(s.state(), before);
    assert_eq!(
        recover::recover(&s.git(), &s.work(), &s.work().join(".git")).unwrap(),
        recover::Recovered::Nothing
    );
}

#[test]
fn preflight_refuses_dirty_files_moved_remote_and_existing_tags() {
    let s = Sandbox::new();
    std::fs::write(s.work().join("Cargo.toml"), "edited").unwrap();
    let e = s.apply(&s.plan(), false, &mut NoHooks).unwrap_err();
    assert_eq!((e.kind, e.message.contains("Cargo.toml")), (Kind::Input, true), "{e}");
    s.sh(&s.work(), &["checkout", "--", "Cargo.toml"]);

    s.sh(&s.work(), &["tag", "v1.3.0"]);
    let e = s.apply(&s.plan(), false, &mut NoHooks).unwrap_err();
    assert!(e.message.contains("tag `v1.3.0` exists already"), "{e}");
    s.sh(&s.work(), &["push", "--quiet", "origin", "v1.3.0"]);
    s.sh(&s.work(), &["tag", "-d", "v1.3.0"]);
    let e = s.apply(&s.plan(), true, &mut NoHooks).unwrap_err();
    assert!(e.message.contains("exists already on `origin`"), "{e}");
    s.sh(&s.origin(), &["tag", "-d", "v1.3.0"]);

    let stale = s.plan();
    s.sh(&s.work(), &["commit", "--quiet", "--allow-empty", "-m", "fix: local only"]);
    let e = s.apply(&stale, true, &mut NoHooks).unwrap_err();
    assert!(e.message.contains("HEAD moved"), "{e}");
    let e = s.apply(&s.plan(), true, &mut NoHooks).unwrap_err();
    assert!(e.message.contains("`origin/main` is at"), "{e}");
    assert_eq!(e.kind, Kind::Input);
    assert!(!s.work().join(".git/vbump").exists());
}

#[test]
fn a_journal_left_behind_blocks_the_next_release() {
    let s = Sandbox::new();
    let store = journal::Store::new(&s.work().join(".git"));
    store.begin(&journal::Journal::new("main", &"a".repeat(40), vec!["v1.3.0".into()]), &[], &[]).unwrap();
    let e = s.apply(&s.plan(), false, &mut NoHooks).unwrap_err();
    assert!(e.hint.as_deref().unwrap().contains("vbump recover"), "{e}");
}

#[cfg(feature = "failpoints")]
mod faults {
    use super::*;

    /// Every step boundary before the commit point.
    const BEFORE_COMMIT_POINT: [&str; 9] = [
        "journal-written",
        "after-temp-write-0",
        "after-temp-write-1",
        "after-rename-0",
        "after-rename-1",
        "before-commit",
        "after-commit",
        "after-tag",
        "before-push",
    ];

    #[test]
    fn every_fault_before_the_commit_point_leaves_everything_as_before() {
        for push in [false, true] {
            // Without a remote the tag is the commit point, so `after-tag` is past it.
            let local = |p: &&&str| push || !matches!(**p, "before-push" | "after-tag");
            for point in BEFORE_COMMIT_POINT.iter().filter(local) {
                let s = Sandbox::new();
                let before = s.state();
                failpoint::set_for_thread(Some(&format!("{point}=error")));
                let result = s.apply(&s.plan(), push, &mut NoHooks);
                failpoint::set_for_thread(None);
                let e = result.unwrap_err();
                assert_eq!(e.kind, Kind::RolledBack, "{point}: {e}");
                assert!(e.message.contains(&format!("injected fault at `{point}`")), "{e}");
                assert_eq!(s.state(), before, "push={push} point={point}");
            }
        }
    }

    /// The remote accepted the push but git reported a failure (the reply was lost): the remote
    /// decides, and the release stands.
    #[test]
    fn a_push_whose_reply_was_lost_is_settled_by_asking_the_remote() {
        let s = Sandbox::new();
        failpoint::set_for_thread(Some("push-reply-lost=error"));
        let result = s.apply(&s.plan(), true, &mut NoHooks);
        failpoint::set_for_thread(None);
        let released = result.unwrap();
        assert!(released.pushed);
        s.assert_released(true);
    }

    /// The push failed and the remote cannot be asked: nothing is touched, exit 4, and recover
    /// settles it once the remote is back.
    #[test]
    fn a_failed_push_to_an_unreachable_remote_is_left_for_recover() {
        let s = Sandbox::new();
        let origin = s.origin();
        let away = s.temp.path().join("away.git");
        // The remote "goes away" between the push and the question (a failure it reports).
        s.hook(&format!("mv '{}' '{}' ; exit 1", origin.display(), away.display()));
        let before = s.state();
        let e = s.apply(&s.plan(), true, &mut NoHooks).unwrap_err();
        assert_eq!(e.kind, Kind::Incomplete, "{e}");
        assert!(e.message.contains("cannot be asked"), "{e}");
        assert!(e.hint.as_deref().unwrap().contains("vbump recover"), "{e}");
        std::fs::rename(&away, &origin).unwrap();
        std::fs::remove_file(origin.join("hooks/pre-receive")).unwrap();
        let recovered = recover::recover(&s.git(), &s.work(), &s.work().join(".git")).unwrap();
        assert_eq!(recovered, recover::Recovered::RolledBack { tags: vec!["v1.3.0".into()] });
        assert_eq!(s.state(), before);
    }

    #[test]
    fn a_fault_after_the_commit_point_keeps_the_release_and_recover_tidies_up() {
        for push in [false, true] {
            let s = Sandbox::new();
            failpoint::set_for_thread(Some(if push { "after-push=error" } else { "after-tag=error" }));
            let result = s.apply(&s.plan(), push, &mut NoHooks);
            failpoint::set_for_thread(None);
            let e = result.unwrap_err();
            assert_eq!(e.kind, Kind::Incomplete, "{e}");
            let recovered = recover::recover(&s.git(), &s.work(), &s.work().join(".git")).unwrap();
            assert_eq!(recovered, recover::Recovered::Completed { tags: vec!["v1.3.0".into()] });
            s.assert_released(push);
        }
    }
}

/// The process died right after `git commit`, before the journal recorded the commit.
#[test]
fn recover_finds_an_unrecorded_release_commit_by_parent_and_message() {
    let s = Sandbox::new();
    let before = s.state();
    let plan = s.plan();
    let store = journal::Store::new(&s.work().join(".git"));
    let mut journal = journal::Journal::new("main", &plan.head, vec!["v1.3.0".into()]);
    journal.files = plan.files.iter().map(|e| e.file.clone()).collect();
    journal.message = "chore(release): v1.3.0".into();
    journal.step = journal::Step::Committing;
    let originals: Vec<&[u8]> = plan.files.iter().map(|e| e.before.as_slice()).collect();
    let written: Vec<&[u8]> = plan.files.iter().map(|e| e.after.as_slice()).collect();
    store.begin(&journal, &originals, &written).unwrap();
    files::write_atomically(&s.work(), &plan.files).unwrap();
    s.sh(&s.work(), &["commit", "--quiet", "-am", "chore(release): v1.3.0"]);

    let recovered = recover::recover(&s.git(), &s.work(), &s.work().join(".git")).unwrap();
    assert_eq!(recovered, recover::Recovered::RolledBack { tags: vec!["v1.3.0".into()] });
    assert_eq!(s.state(), before);
}

/// A commit the user made after a crash is not mistaken for the release commit.
#[test]
fn recover_leaves_a_users_own_commit_alone() {
    let s = Sandbox::new();
    let plan = s.plan();
    let store = journal::Store::new(&s.work().join(".git"));
    let mut journal = journal::Journal::new("main", &plan.head, vec!["v1.3.0".into()]);
    journal.message = "chore(release): v1.3.0".into();
    journal.step = journal::Step::Committing;
    store.begin(&journal, &[], &[]).unwrap();
    s.sh(&s.work(), &["commit", "--quiet", "--allow-empty", "-m", "fix: the user's own work"]);
    let tip = s.sh(&s.work(), &["rev-parse", "HEAD"]);
    recover::recover(&s.git(), &s.work(), &s.work().join(".git")).unwrap();
    assert_eq!(s.sh(&s.work(), &["rev-parse", "HEAD"]), tip);
}
