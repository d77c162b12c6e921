//! `vbump recover`: safe with nothing to do, refuses to guess on a corrupt journal, and clears the
//! way for the next release. (Recovering from real crashes: `tests/crash.rs`.)

use crate::support::TestRepo;

fn feature_since_v1_2_0() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("chore: initial commit").annotated_tag("v1.2.0");
    repo.commit("feat: add a thing");
    repo
}

#[test]
fn nothing_to_recover_is_exit_0_and_safe_to_repeat() {
    let repo = feature_since_v1_2_0();
    let state = repo.state();
    for _ in 0..2 {
        repo.vbump(["recover"]).expect(0, "nothing to recover: no release was interrupted\n", "");
    }
    assert_eq!(repo.state(), state);
}

#[test]
fn a_journal_blocks_release_until_recover_clears_it() {
    let repo = feature_since_v1_2_0();
    let head = repo.rev("HEAD");
    // What a release killed right after writing its journal leaves behind.
    std::fs::create_dir_all(repo.path().join(".git/vbump")).unwrap();
    std::fs::write(
        repo.path().join(".git/vbump/journal.json"),
        format!(
            "{{\"format\":1,\"branch\":\"main\",\"original-head\":\"{head}\",\"version\":\"1.3.0\",\
             \"tag\":\"v1.3.0\",\"files\":[],\"remote\":null,\"release-commit\":null,\"step\":\"writing-files\"}}"
        ),
    )
    .unwrap();
    repo.vbump(["release"]).code(2).stderr_has("interrupted release").stderr_has("vbump recover");
    assert_eq!(repo.rev("HEAD"), head);
    repo.vbump(["recover"]).expect(
        0,
        "recovered: release v1.3.0 had not reached the remote; everything local is undone\n",
        "",
    );
    assert!(!repo.path().join(".git/vbump").exists());
    repo.vbump(["release"]).code(0);
    repo.assert_released("v1.3.0", false);
}

#[test]
fn a_corrupt_journal_is_exit_2_naming_the_file() {
    let repo = feature_since_v1_2_0();
    std::fs::create_dir_all(repo.path().join(".git/vbump")).unwrap();
    std::fs::write(repo.path().join(".git/vbump/journal.json"), "{\"format\": 1, \"bran").unwrap();
    repo.vbump(["recover"])
        .code(2)
        .stderr_has("journal.json: the release journal is unreadable")
        .stderr_has("hint:");
    assert!(repo.path().join(".git/vbump/journal.json").exists(), "a journal vbump cannot read is kept");
}

/// A journal crafted to run a command through git (`--upload-pack=…` as the remote) is refused
/// before any git runs; nothing is executed and nothing changes.
#[test]
fn a_crafted_journal_runs_nothing_and_changes_nothing() {
    let repo = feature_since_v1_2_0();
    repo.origin();
    let head = repo.rev("HEAD");
    let pwned = repo.sandbox().join("pwned");
    std::fs::create_dir_all(repo.path().join(".git/vbump")).unwrap();
    std::fs::write(
        repo.path().join(".git/vbump/journal.json"),
        format!(
            "{{\"format\":2,\"branch\":\"main\",\"original-head\":\"{head}\",\"tags\":[\"v1.3.0\"],\"files\":[],\
             \"remote\":\"--upload-pack=touch {}\",\"release-commit\":\"{head}\",\"step\":\"pushing\"}}",
            pwned.display()
        ),
    )
    .unwrap();
    let state = repo.state();
    repo.vbump(["recover"])
        .code(2)
        .stderr_has("the release journal cannot be trusted: its `remote` is not valid")
        .stderr_has("nothing was changed");
    repo.vbump(["recover", "--remote", "origin"]).code(2);
    assert!(!pwned.exists(), "git ran the journal's command");
    assert_eq!(repo.state(), state);
}

/// A journal copied from another clone names commits this repository does not have: refused.
#[test]
fn a_journal_from_another_repository_is_refused() {
    let repo = feature_since_v1_2_0();
    let elsewhere = "0123456789abcdef0123456789abcdef01234567";
    std::fs::create_dir_all(repo.path().join(".git/vbump")).unwrap();
    std::fs::write(
        repo.path().join(".git/vbump/journal.json"),
        format!(
            "{{\"format\":2,\"branch\":\"main\",\"original-head\":\"{elsewhere}\",\"tags\":[\"v1.2.0\"],\"files\":[],\
             \"remote\":null,\"release-commit\":\"{}\",\"step\":\"tagging\"}}",
            repo.rev("HEAD")
        ),
    )
    .unwrap();
    let state = repo.state();
    repo.vbump(["recover"])
        .code(2)
        .stderr_has(&format!("names commit {elsewhere}"))
        .stderr_has("the journal was not written here; nothing was changed")
        .stderr_has("rm -r");
    assert_eq!(repo.state(), state);
    assert_eq!(repo.git(["tag", "--list"]), "v1.2.0", "the real tag stays");
}

/// Backups and temp files of a run killed while it removed its journal are cleaned up.
#[test]
fn recover_removes_the_backups_and_temp_files_a_killed_run_left() {
    let repo = feature_since_v1_2_0();
    let dir = repo.path().join(".git/vbump");
    std::fs::create_dir_all(&dir).unwrap();
    for leftover in ["backup", "written", "journal.tmp"] {
        std::fs::write(dir.join(leftover), "x").unwrap();
    }
    repo.vbump(["recover"]).expect(
        0,
        "nothing to recover: removed the backups and temp files an interrupted run left\n",
        "",
    );
    assert!(!dir.exists());
    repo.vbump(["recover"]).expect(0, "nothing to recover: no release was interrupted\n", "");
}

#[cfg(feature = "failpoints")]
mod after_a_crash {
    use crate::rollback::ready_to_push;
    use crate::support::TestRepo;

    /// Runs `vbump release --push` until it pauses at `point`, then SIGKILLs it.
    fn killed_at(repo: &TestRepo, point: &str) {
        let ready = repo.sandbox().join(format!("ready-{point}"));
        let mut cmd = repo.command(env!("CARGO_BIN_EXE_vbump"));
        cmd.args(["release", "--push"])
            .env("VBUMP_FAILPOINTS", format!("{point}=pause"))
            .env("VBUMP_FAILPOINT_READY", &ready)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = cmd.spawn().unwrap();
        crate::crash::wait_for(&ready);
        child.kill().unwrap();
        child.wait().unwrap();
    }

    /// The interrupted run's journal is stale: CI released v1.3.0 from another clone, the user
    /// pulled it and started editing. Recover undoes nothing of that: the real tag, the pulled
    /// branch and the uncommitted edit stay; it says exactly what it found (exit 4), again on a
    /// second run, and the command it gives ends it.
    #[test]
    fn a_stale_journal_after_a_release_made_elsewhere_destroys_nothing() {
        let repo = ready_to_push();
        killed_at(&repo, "after-tag");
        let ours = repo.rev("HEAD");
        // CI: another clone, one more fix, released and pushed as v1.3.0.
        let ci = repo.sandbox().join("ci");
        let origin = repo.sandbox().join("origin.git");
        repo.git(["clone", "--quiet", origin.to_str().unwrap(), ci.to_str().unwrap()]);
        let in_ci = |args: &[&str]| {
            let out = repo.command("git").current_dir(&ci).args(args).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        };
        in_ci(&["commit", "--quiet", "--allow-empty", "-m", "fix: from another merge"]);
        in_ci(&["push", "--quiet", "origin", "main"]);
        let out = repo
            .command(env!("CARGO_BIN_EXE_vbump"))
            .current_dir(&ci)
            .args(["release", "--push"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let released = repo.origin_git(["rev-parse", "v1.3.0^{commit}"]);
        assert_ne!(released, ours);
        // The user pulls (their local tag and branch from the killed run give way) and edits.
        repo.git(["fetch", "--quiet", "--force", "--tags", "origin"]);
        repo.git(["reset", "--quiet", "--hard", "origin/main"]);
        repo.file(
            "package.json",
            "{\n  \"name\": \"demo\",\n  \"version\": \"1.3.0\",\n  \"private\": true\n}\n",
        );
        let mut pulled = repo.state();
        // The killed run's stale lock is recover's to clear; nothing else is.
        pulled.insert("lock".into(), "false".into());

        for _ in 0..2 {
            repo.vbump(["recover"])
                .code(4)
                .stderr_has(&format!(
                    "tag `v1.3.0` points at {}, not at this run's release commit {}: left alone",
                    &released[..12],
                    &ours[..12]
                ))
                .stderr_has(&format!("branch `main` is at {}", &released[..12]))
                .stderr_has(
                    "`package.json` differs from its original, but branch `main` has moved: left alone",
                );
            assert_eq!(repo.state(), pulled, "recover changed what it did not make");
        }
        repo.vbump(["recover"]).stderr_has("rm -r ");
        std::fs::remove_dir_all(repo.path().join(".git/vbump")).unwrap();
        repo.vbump(["recover"]).expect(0, "nothing to recover: no release was interrupted\n", "");
        repo.vbump(["release", "--push"]).code(0).stdout_has("HEAD is already released as v1.3.0");
    }

    /// A stale `index.lock` (a git process killed with vbump's process group) stops the index
    /// step. Recover explains the lock it did not take; run again, it does only what is still
    /// missing (the branch is already back and not reported again), and once the lock is
    /// removed as told it ends exactly as before.
    #[test]
    fn recover_is_idempotent_after_a_partial_undo_and_explains_a_lock_it_did_not_take() {
        let repo = ready_to_push();
        let before = repo.state();
        killed_at(&repo, "after-tag");
        let index_lock = repo.path().join(".git/index.lock");
        std::fs::write(&index_lock, "").unwrap();
        let first = repo.vbump(["recover"]);
        first
            .code(4)
            .stderr_has("vbump did not take")
            .stderr_has("index.lock")
            .stderr_has("if no git process is running, remove it");
        assert!(
            first.stderr.contains("branch `main`") || !first.stderr.contains("release commit"),
            "{}",
            first.stderr
        );
        let second = repo.vbump(["recover"]);
        second.code(4).stderr_has("index.lock");
        assert!(!second.stderr.contains("branch `main`"), "the branch is back already: {}", second.stderr);
        assert!(!second.stderr.contains("tag `v1.3.0`"), "the tag is gone already: {}", second.stderr);
        std::fs::remove_file(&index_lock).unwrap();
        repo.vbump(["recover"]).code(0).stdout_has("everything local is undone");
        assert_eq!(repo.state(), before);
    }

    /// Killed after writing the files, before the commit; then the user edits one of them.
    /// Recover restores the file that still holds what the run wrote, and leaves the edited one
    /// alone, saying so.
    #[test]
    fn a_file_changed_after_the_run_wrote_it_is_left_alone() {
        let repo = ready_to_push();
        killed_at(&repo, "before-commit");
        let edited = "{\n  \"name\": \"demo\",\n  \"version\": \"9.9.9\"\n}\n";
        repo.file("package.json", edited);
        repo.vbump(["recover"])
            .code(4)
            .stderr_has("`package.json` was changed after the release wrote it: left alone");
        assert_eq!(
            repo.read_text("Cargo.toml"),
            "[package]\r\nname = \"demo\"\r\nversion = \"1.2.0\" # keep\r\n"
        );
        assert_eq!(repo.read_text("package.json"), edited);
    }
}
