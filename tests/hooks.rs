//! vbump's own commit, tag, push, ref updates and checkouts run no hook of any type: not from
//! `.git/hooks`, not from a versioned `core.hooksPath` (husky). A hook that rewrites the message
//! or reads the environment never runs.

use crate::rollback::ready_to_push;
use crate::support::TestRepo;

/// Every client-side hook git runs for the commands a release uses.
const HOOKS: &[&str] = &[
    "pre-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
    "pre-push",
    "reference-transaction",
    "post-checkout",
    "post-index-change",
    "post-rewrite",
    "pre-auto-gc",
];

/// Installs every hook in `dir`: each records its name in `ran`, and the message hooks rewrite
/// the message (which would make the release commit not the planned one).
fn install_hooks(repo: &TestRepo, dir: &std::path::Path) -> std::path::PathBuf {
    let ran = repo.sandbox().join("hooks-ran");
    std::fs::create_dir_all(dir).unwrap();
    for hook in HOOKS {
        let rewrite = if hook.ends_with("-msg") { "echo 'rewritten by a hook' > \"$1\"\n" } else { "" };
        let script = format!(
            "#!/bin/sh\necho {hook} >> '{}'\n{rewrite}cat >/dev/null 2>&1 || true\nexit 0\n",
            ran.display()
        );
        let path = dir.join(hook);
        std::fs::write(&path, script).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    ran
}

#[test]
fn a_release_with_push_runs_no_hook_from_git_hooks() {
    let repo = ready_to_push();
    let ran = install_hooks(&repo, &repo.path().join(".git/hooks"));
    // The hooks are real: plain git runs them.
    repo.git(["commit", "--quiet", "--allow-empty", "-m", "chore: hooks run for git"]);
    assert!(std::fs::read_to_string(&ran).unwrap().contains("prepare-commit-msg"));
    assert_eq!(repo.git(["log", "-1", "--format=%s"]), "rewritten by a hook");
    repo.git(["push", "--quiet", "origin", "main"]);
    std::fs::remove_file(&ran).unwrap();

    repo.vbump(["release", "--push"]).code(0);
    // (Checked before the harness's own `git status`, which runs post-index-change.)
    assert!(!ran.exists(), "hooks ran: {}", std::fs::read_to_string(&ran).unwrap_or_default());
    repo.assert_released("v1.3.0", true);
    assert_eq!(repo.git(["log", "-1", "--format=%B"]), "chore(release): v1.3.0");
}

#[test]
fn a_versioned_hooks_path_is_ignored_too_and_recover_runs_none() {
    let repo = ready_to_push();
    repo.git(["config", "core.hooksPath", ".husky"]);
    let ran = install_hooks(&repo, &repo.path().join(".husky"));
    repo.git(["add", ".husky"]);
    repo.git(["commit", "--quiet", "--no-verify", "-m", "chore: husky"]);
    repo.git(["push", "--quiet", "origin", "main"]);
    std::fs::remove_file(&ran).unwrap();
    // A release that fails at the push is rolled back (update-ref, reset, file restores): no hook.
    let hook = repo.sandbox().join("origin.git/hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho 'error: GH006: Protected branch update failed' >&2\nexit 1\n")
        .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    repo.vbump(["release", "--push"]).code(3);
    std::fs::remove_file(&hook).unwrap();
    repo.vbump(["release", "--push"]).code(0);
    assert!(!ran.exists(), "hooks ran: {}", std::fs::read_to_string(&ran).unwrap_or_default());
    repo.assert_released("v1.3.0", true);
}
