//! Failures before the commit point: the remote's reason is relayed, and everything local and
//! remote is exactly as before (exit 3).

use crate::support::TestRepo;

/// `v1.2.0` then a feature, pushed to a bare `origin`, with two version files. The CRLF line endings
/// and the comment make a rollback prove it restores exact bytes. (The crash matrix uses it too.)
pub(crate) fn ready_to_push() -> TestRepo {
    let repo = TestRepo::new();
    repo.file("Cargo.toml", "[package]\r\nname = \"demo\"\r\nversion = \"1.2.0\" # keep\r\n")
        .file("package.json", "{\n  \"name\": \"demo\",\n  \"version\": \"1.2.0\"\n}\n")
        .commit("chore: initial commit")
        .annotated_tag("v1.2.0");
    repo.commit("feat: add a thing");
    repo.origin();
    repo
}

/// Installs a real pre-receive hook on the bare remote.
fn pre_receive(repo: &TestRepo, script: &str) {
    let path = repo.sandbox().join("origin.git/hooks/pre-receive");
    std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn protected_branch_gh006_restores_everything_and_relays_the_reason() {
    let repo = ready_to_push();
    pre_receive(
        &repo,
        "echo 'error: GH006: Protected branch update failed for refs/heads/main.' >&2\n\
         echo 'error: Changes must be made through a pull request.' >&2\nexit 1",
    );
    let before = repo.state();
    let out = repo.vbump(["release", "--push"]);
    out.code(3)
        .stderr_has("release v1.3.0 failed and was rolled back, nothing changed")
        .stderr_has("GH006: Protected branch update failed for refs/heads/main.")
        .stderr_has("Changes must be made through a pull request.")
        .stderr_has("strategy = \"pr\"");
    assert_eq!(out.stdout, "");
    assert_eq!(repo.state(), before);
}

#[test]
fn a_ruleset_rejecting_only_the_tag_gh013_keeps_the_branch_off_the_remote_too() {
    let repo = ready_to_push();
    pre_receive(
        &repo,
        "while read old new ref; do case \"$ref\" in refs/tags/*)\n\
         echo 'error: GH013: Repository rule violations found for refs/tags/v1.3.0.' >&2; exit 1;; esac; done",
    );
    let before = repo.state();
    repo.vbump(["release", "--push"]).code(3).stderr_has("GH013: Repository rule violations found");
    assert_eq!(repo.state(), before);
    // --atomic: the accepted branch update did not land without its tag.
    assert_eq!(repo.origin_git(["rev-parse", "main"]), repo.rev("HEAD"));
}

#[test]
fn a_rejection_leaves_the_next_run_free_to_try_again() {
    let repo = ready_to_push();
    pre_receive(&repo, "echo 'error: GH006: Protected branch update failed' >&2; exit 1");
    repo.vbump(["release", "--push"]).code(3);
    std::fs::remove_file(repo.sandbox().join("origin.git/hooks/pre-receive")).unwrap();
    repo.vbump(["release", "--push"]).code(0);
    repo.assert_released("v1.3.0", true);
}

#[test]
fn a_rollback_that_cannot_finish_is_exit_4_naming_what_remains_and_recover_ends_it() {
    let repo = ready_to_push();
    // The hook runs on this machine: it locks the local branch, so moving it back must fail.
    let lock = repo.path().join(".git/refs/heads/main.lock");
    pre_receive(
        &repo,
        &format!(
            "touch '{}'\necho 'error: GH006: Protected branch update failed' >&2\nexit 1",
            lock.display()
        ),
    );
    let before = repo.state();
    let out = repo.vbump(["release", "--push"]);
    out.code(4)
        .stderr_has("could not be fully rolled back")
        .stderr_has("remains: branch `main` points at the release commit")
        .stderr_has("git update-ref refs/heads/main")
        .stderr_has("vbump recover");
    std::fs::remove_file(&lock).unwrap();
    repo.vbump(["recover"]).expect(
        0,
        "recovered: release v1.3.0 had not reached the remote; everything local is undone\n",
        "",
    );
    assert_eq!(repo.state(), before);
}

#[test]
fn actions_outputs_say_not_released_when_the_push_is_rejected() {
    let repo = ready_to_push();
    pre_receive(&repo, "echo 'error: GH006: Protected branch update failed' >&2; exit 1");
    let output = repo.sandbox().join("github_output");
    let out = repo.vbump_with(["release", "--push"], |cmd| {
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &output);
    });
    out.code(3).stderr_has("::error::release v1.3.0 failed and was rolled back");
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(outputs.starts_with("released=false\n"), "{outputs}");
}

#[cfg(feature = "failpoints")]
mod injected {
    use super::*;

    /// A racing run pushes to the remote after vbump's preflight; vbump's push is then
    /// non-fast-forward and everything local is undone.
    #[test]
    fn a_racing_push_is_non_fast_forward_and_rolls_back() {
        let repo = ready_to_push();
        let before = repo.state();
        let other = repo.sandbox().join("other");
        let (ready, go) = (repo.sandbox().join("ready"), repo.sandbox().join("go"));
        let mut child = repo.command(env!("CARGO_BIN_EXE_vbump"));
        child
            .args(["release", "--push"])
            .env("VBUMP_FAILPOINTS", "before-push=pause")
            .env("VBUMP_FAILPOINT_READY", &ready)
            .env("VBUMP_FAILPOINT_GO", &go)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let child = child.spawn().unwrap();
        wait_for(&ready);
        let origin = repo.sandbox().join("origin.git");
        repo.git(["clone", "--quiet", origin.to_str().unwrap(), other.to_str().unwrap()]);
        let in_other = |args: &[&str]| {
            let out = repo.command("git").current_dir(&other).args(args).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        };
        in_other(&["commit", "--quiet", "--allow-empty", "-m", "fix: merged meanwhile"]);
        in_other(&["push", "--quiet", "origin", "main"]);
        std::fs::write(&go, "").unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert!(stderr.contains("[rejected]") || stderr.contains("non-fast-forward"), "{stderr}");
        assert!(stderr.contains("moved while vbump ran"), "{stderr}");
        let mut after = repo.state();
        after.insert("remote".into(), before["remote"].clone());
        assert_eq!(after, before);
    }

    /// Every injected fault before the commit point, through the real binary.
    #[test]
    fn every_injected_fault_before_the_commit_point_is_exit_3_and_changes_nothing() {
        let files = {
            let plan = ready_to_push().vbump(["plan", "--format", "json"]);
            let plan: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
            plan["files"].as_array().map_or(0, Vec::len)
        };
        let mut points: Vec<String> = vec!["journal-written".into()];
        points.extend((0..files).map(|i| format!("after-temp-write-{i}")));
        points.extend((0..files).map(|i| format!("after-rename-{i}")));
        points.extend(["before-commit", "after-commit", "after-tag", "before-push"].map(String::from));
        for point in &points {
            let repo = ready_to_push();
            let before = repo.state();
            let out = repo.vbump_with(["release", "--push"], |cmd| {
                cmd.env("VBUMP_FAILPOINTS", format!("{point}=error"));
            });
            out.code(3).stderr_has(&format!("injected fault at `{point}`"));
            assert_eq!(repo.state(), before, "{point}");
        }
        eprintln!("injected faults through the binary: {}", points.len());
    }

    pub fn wait_for(path: &std::path::Path) {
        for _ in 0..3000 {
            if path.exists() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("{} never appeared", path.display());
    }
}

#[test]
fn a_failing_tag_signature_rolls_back_with_a_hint() {
    let repo = ready_to_push();
    repo.git(["config", "tag.gpgsign", "true"]);
    repo.git(["config", "gpg.program", "false"]);
    let state = repo.state();
    repo.vbump(["release"]).code(3).stderr_has("failed and was rolled back").stderr_has("\n  hint: ");
    assert_eq!(repo.state(), state);
}
