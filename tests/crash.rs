//! The crash matrix: `vbump release` is SIGKILLed at every step boundary (a failpoint that pauses,
//! or a slow pre-receive hook on the remote), then `vbump recover` runs. Afterwards local and
//! remote must be exactly as before, or fully released; and a second recover changes nothing.

use std::path::Path;
use std::process::{Child, Stdio};

use crate::support::TestRepo;

/// Step boundaries every release passes (file boundaries are added when the plan writes files).
const POINTS: [&str; 6] =
    ["journal-written", "before-commit", "after-commit", "after-tag", "before-push", "after-push"];

/// The boundaries this build's plan passes through: file boundaries exist when files are written,
/// and a release of several packages passes one boundary between each two of its tags.
fn points_for(repo: &TestRepo, push: bool) -> Vec<String> {
    let plan = repo.vbump(["plan", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
    let files = plan["files"].as_array().map_or(0, Vec::len);
    let tags = match plan["packages"].as_array() {
        Some(packages) => packages.iter().filter(|p| p["tag"].is_string()).count(),
        None => 1,
    };
    let mut points: Vec<String> = Vec::new();
    points.push(POINTS[0].into());
    for i in 0..files {
        points.push(format!("after-temp-write-{i}"));
    }
    for i in 0..files {
        points.push(format!("after-rename-{i}"));
    }
    // Without a remote the tag is the commit point and `after-tag` the last boundary.
    let local = |p: &&&str| push || !matches!(**p, "before-push" | "after-push");
    for point in POINTS[1..].iter().filter(local) {
        if *point == "after-tag" {
            points.extend((0..tags - 1).map(|i| format!("between-tags-{i}")));
        }
        points.push(point.to_string());
    }
    points
}

fn spawn_release(repo: &TestRepo, push: bool, failpoints: &str, ready: &Path) -> Child {
    let mut cmd = repo.command(env!("CARGO_BIN_EXE_vbump"));
    cmd.arg("release");
    if push {
        cmd.arg("--push");
    }
    cmd.env("VBUMP_FAILPOINTS", failpoints)
        .env("VBUMP_FAILPOINT_READY", ready)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd.spawn().unwrap()
}

pub(crate) fn wait_for(path: &Path) {
    for _ in 0..3000 {
        if path.exists() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("{} never appeared", path.display());
}

/// Kills the release (SIGKILL) and recovers; returns whether the release survived.
fn kill_and_recover(
    repo: &TestRepo,
    child: Child,
    before: &std::collections::BTreeMap<String, String>,
) -> bool {
    kill_and_recover_tags(repo, child, before, &["v1.3.0"])
}

/// Kills a release of `tags` (SIGKILL) and recovers: afterwards the repository is exactly as
/// before, or every tag is released locally; a second recover changes nothing.
fn kill_and_recover_tags(
    repo: &TestRepo,
    mut child: Child,
    before: &std::collections::BTreeMap<String, String>,
    tags: &[&str],
) -> bool {
    child.kill().unwrap();
    child.wait().unwrap();
    let out = repo.vbump(["recover"]);
    out.code(0);
    let released = out.stdout.contains("had reached the remote");
    if released {
        for tag in tags {
            repo.assert_released(tag, false);
        }
    } else {
        assert_eq!(&repo.state(), before);
    }
    repo.vbump(["recover"]).expect(0, "nothing to recover: no release was interrupted\n", "");
    released
}

#[test]
fn killed_at_every_step_boundary_recover_ends_clean() {
    let mut crashes = 0;
    for push in [true, false] {
        let probe = crate::rollback::ready_to_push();
        for point in points_for(&probe, push) {
            let repo = crate::rollback::ready_to_push();
            let before = repo.state();
            let ready = repo.sandbox().join("ready");
            let child = spawn_release(&repo, push, &format!("{point}=pause"), &ready);
            wait_for(&ready);
            let released = kill_and_recover(&repo, child, &before);
            // The commit point: the push, or for a local release the tag.
            let past_commit_point = point == "after-push" || (!push && point == "after-tag");
            assert_eq!(released, past_commit_point, "push={push} point={point}");
            if released && push {
                repo.assert_released("v1.3.0", true);
            }
            crashes += 1;
        }
    }
    assert!(crashes >= 10, "{crashes} crash points");
    eprintln!("crash points exercised: {crashes}");
}

/// Three packages (`[[package]]`), each tagged at 1.0.0, then a feature in `api`, a fix in `cli`
/// and a breaking change in `web`: one release makes three tags.
fn three_packages_ready_to_push() -> TestRepo {
    let repo = TestRepo::new();
    let mut config = String::new();
    for name in ["api", "cli", "web"] {
        config.push_str(&format!("[[package]]\npath = \"{name}\"\n\n"));
        repo.file(
            &format!("{name}/package.json"),
            format!("{{\n  \"name\": \"{name}\",\n  \"version\": \"1.0.0\"\n}}\n"),
        );
    }
    repo.file("vbump.toml", config).commit("chore: initial commit");
    for name in ["api", "cli", "web"] {
        repo.annotated_tag(&format!("{name}--v1.0.0"));
    }
    repo.file("api/index.js", "1\n").commit("feat: api search");
    repo.file("cli/main.js", "1\n").commit("fix: cli flags");
    repo.file("web/app.js", "1\n").commit("feat!: web routes");
    repo.origin();
    repo
}

const THREE_TAGS: [&str; 3] = ["api--v1.1.0", "cli--v1.0.1", "web--v2.0.0"];

/// A release of several packages killed at every boundary, between its tags included: recover
/// leaves every package exactly as before, or every package released (never some tags without
/// the others), locally and on the remote.
#[test]
fn killed_between_the_tags_of_several_packages_recover_ends_clean() {
    let probe = three_packages_ready_to_push();
    probe.vbump(["next"]).expect(0, "api 1.1.0\ncli 1.0.1\nweb 2.0.0\n", "");
    for push in [true, false] {
        let points = points_for(&probe, push);
        assert!(points.contains(&"between-tags-1".to_string()), "{points:?}");
        for point in points {
            let repo = three_packages_ready_to_push();
            let before = repo.state();
            let ready = repo.sandbox().join("ready");
            let child = spawn_release(&repo, push, &format!("{point}=pause"), &ready);
            wait_for(&ready);
            let released = kill_and_recover_tags(&repo, child, &before, &THREE_TAGS);
            let past_commit_point = point == "after-push" || (!push && point == "after-tag");
            assert_eq!(released, past_commit_point, "push={push} point={point}");
            if !released {
                assert_eq!(repo.git(["tag", "--list", "*--v*"]), "api--v1.0.0\ncli--v1.0.0\nweb--v1.0.0");
                assert_eq!(repo.origin_git(["tag", "--list"]), "api--v1.0.0\ncli--v1.0.0\nweb--v1.0.0");
            } else if push {
                for tag in THREE_TAGS {
                    repo.assert_released(tag, true);
                }
            }
        }
    }
}

/// Installs a pre-receive hook that signals `ready`, waits for `go`, then runs `then`.
fn slow_pre_receive(repo: &TestRepo, then: &str) {
    let (ready, go) = (repo.sandbox().join("ready"), repo.sandbox().join("go"));
    let hooks = repo.sandbox().join("origin.git/hooks");
    let script = format!(
        "#!/bin/sh\ncat >/dev/null\ntouch '{}'\nwhile [ ! -e '{}' ]; do sleep 0.01; done\n{then}\n",
        ready.display(),
        go.display()
    );
    std::fs::write(hooks.join("pre-receive"), script).unwrap();
    let done = repo.sandbox().join("updated");
    std::fs::write(
        hooks.join("post-receive"),
        format!("#!/bin/sh\ncat >/dev/null\ntouch '{}'\n", done.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    for hook in ["pre-receive", "post-receive"] {
        std::fs::set_permissions(hooks.join(hook), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn killed_while_the_remote_accepts_the_push_recover_completes_the_release() {
    let repo = crate::rollback::ready_to_push();
    let before = repo.state();
    slow_pre_receive(&repo, "exit 0");
    let child = spawn_release(&repo, true, "", &repo.sandbox().join("unused"));
    wait_for(&repo.sandbox().join("ready"));
    child_kill_then(&repo, child, true);
    assert!(kill_and_recover_after_kill(&repo, &before));
    repo.assert_released("v1.3.0", true);
}

#[test]
fn killed_while_the_remote_rejects_the_push_recover_undoes_everything() {
    let repo = crate::rollback::ready_to_push();
    let before = repo.state();
    let rejected = repo.sandbox().join("rejected");
    slow_pre_receive(&repo, &format!("touch '{}'; exit 1", rejected.display()));
    let child = spawn_release(&repo, true, "", &repo.sandbox().join("unused"));
    wait_for(&repo.sandbox().join("ready"));
    child_kill_then(&repo, child, false);
    // Once the hook has refused, receive-pack updates no ref, so the remote's refs are final.
    wait_for(&rejected);
    assert!(!kill_and_recover_after_kill(&repo, &before));
}

/// SIGKILLs vbump while its push hangs in the hook, then lets the hook finish; with `accept`,
/// waits until the remote has updated its refs.
fn child_kill_then(repo: &TestRepo, mut child: Child, accept: bool) {
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::write(repo.sandbox().join("go"), "").unwrap();
    if accept {
        wait_for(&repo.sandbox().join("updated"));
    }
}

fn kill_and_recover_after_kill(repo: &TestRepo, before: &std::collections::BTreeMap<String, String>) -> bool {
    let out = repo.vbump(["recover"]);
    out.code(0);
    let released = out.stdout.contains("had reached the remote");
    if !released {
        assert_eq!(&repo.state(), before);
    }
    repo.vbump(["recover"]).expect(0, "nothing to recover: no release was interrupted\n", "");
    released
}
