//! One writing vbump at a time: two releases racing in one clone never corrupt each other. The
//! loser stops with exit 2 and changes nothing; a lock left by a killed run is reported with its
//! owner and how to clear it, and `vbump recover` takes it over.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::rollback::ready_to_push;
use crate::support::TestRepo;

fn spawn(repo: &TestRepo, args: &[&str], env: &[(&str, &std::path::Path)]) -> Child {
    let mut cmd = repo.command(env!("CARGO_BIN_EXE_vbump"));
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.spawn().unwrap()
}

fn finish(child: Child) -> (i32, String) {
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Two `vbump release --push` started together, again and again (at most 12 rounds or 40 seconds):
/// every round ends released exactly once, never half of each.
#[test]
fn two_releases_racing_in_one_clone_end_released_once() {
    let started = Instant::now();
    let (mut rounds, mut contended) = (0, 0);
    while rounds < 12 && started.elapsed() < Duration::from_secs(40) {
        let repo = ready_to_push();
        let a = spawn(&repo, &["release", "--push"], &[]);
        let b = spawn(&repo, &["release", "--push"], &[]);
        let mut results = [finish(a), finish(b)];
        results.sort_by_key(|(code, _)| *code);
        let [(first, first_err), (second, second_err)] = &results;
        assert_eq!(*first, 0, "one run releases: {first_err}");
        match second {
            // It lost the lock: nothing it did can have touched the winner's release.
            2 => {
                assert!(second_err.contains("is already writing to this repository"), "{second_err}");
                contended += 1;
            }
            // It started after the winner had finished: HEAD is released already.
            0 => {}
            _ => panic!("the second run ended with {second}: {second_err}"),
        }
        repo.assert_released("v1.3.0", true);
        assert!(!repo.path().join(".git/vbump.lock").exists(), "the lock goes with its holder");
        assert_eq!(repo.git(["tag", "--list"]), "v1.2.0\nv1.3.0");
        rounds += 1;
    }
    assert!(rounds >= 3, "only {rounds} rounds ran");
    eprintln!("{rounds} rounds, {contended} with both runs at once");
}

/// While one release is under way (held at a step boundary), every other writing command is
/// refused with exit 2 and changes nothing; reading commands run and warn about the journal.
#[cfg(feature = "failpoints")]
#[test]
fn a_second_writer_while_a_release_runs_is_refused_and_changes_nothing() {
    let repo = ready_to_push();
    let (ready, go) = (repo.sandbox().join("ready"), repo.sandbox().join("go"));
    let mut cmd = repo.command(env!("CARGO_BIN_EXE_vbump"));
    cmd.args(["release", "--push"])
        .env("VBUMP_FAILPOINTS", "after-commit=pause")
        .env("VBUMP_FAILPOINT_READY", &ready)
        .env("VBUMP_FAILPOINT_GO", &go)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let first = cmd.spawn().unwrap();
    crate::crash::wait_for(&ready);
    let during = repo.state();
    let pid = first.id();
    for args in [vec!["release", "--push"], vec!["release"], vec!["set", "9.9.9"], vec!["recover"]] {
        repo.vbump(&args)
            .code(2)
            .stderr_has(&format!("`vbump release` (pid {pid}"))
            .stderr_has("is already writing to this repository")
            .stderr_has("nothing was changed");
        assert_eq!(repo.state(), during, "{args:?} changed something");
    }
    repo.vbump(["plan"]).code(0).stderr_has("an interrupted release left its journal");
    std::fs::write(&go, "").unwrap();
    let (code, stderr) = finish(first);
    assert_eq!(code, 0, "{stderr}");
    repo.assert_released("v1.3.0", true);
}

/// A release killed mid-way leaves its lock: the next release names the dead owner and says how to
/// clear it; `vbump recover` takes the lock over, ends the release cleanly, and frees it.
#[cfg(feature = "failpoints")]
#[test]
fn a_stale_lock_is_reported_with_its_owner_and_recover_clears_it() {
    let repo = ready_to_push();
    let before = repo.state();
    let ready = repo.sandbox().join("ready");
    let mut cmd = repo.command(env!("CARGO_BIN_EXE_vbump"));
    cmd.args(["release", "--push"])
        .env("VBUMP_FAILPOINTS", "before-commit=pause")
        .env("VBUMP_FAILPOINT_READY", &ready)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut paused = cmd.spawn().unwrap();
    crate::crash::wait_for(&ready);
    let pid = paused.id();
    paused.kill().unwrap();
    paused.wait().unwrap();
    let lock = repo.path().join(".git/vbump.lock");
    assert!(lock.exists());
    let journal_left = repo.state();
    repo.vbump(["release", "--push"])
        .code(2)
        .stderr_has(&format!("was left by `vbump release` (pid {pid}, started at "))
        .stderr_has("which is no longer running")
        .stderr_has("run `vbump recover`")
        .stderr_has(&format!("rm {}", lock.display()));
    assert_eq!(repo.state(), journal_left);
    repo.vbump(["recover"])
        .code(0)
        .stderr_has(&format!("took over the stale lock `{}` of `vbump release` (pid {pid})", lock.display()))
        .stdout_has("everything local is undone");
    assert!(!lock.exists());
    assert_eq!(repo.state(), before);
    repo.vbump(["release", "--push"]).code(0);
    repo.assert_released("v1.3.0", true);
}

/// The private files (`vbump.lock.<pid>-<n>.tmp`) in the git directory.
#[cfg(feature = "failpoints")]
fn lock_temps(repo: &TestRepo) -> Vec<std::path::PathBuf> {
    let mut temps: Vec<_> = std::fs::read_dir(repo.path().join(".git"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("vbump.lock.") && name.ends_with(".tmp")
        })
        .collect();
    temps.sort();
    temps
}

/// A run killed while taking the lock (its private file made and locked, not yet linked into
/// place) leaves that file behind. While its owner lives the file is never touched; once it is
/// dead (nobody holds it) and not brand new, the next writer removes it.
#[cfg(feature = "failpoints")]
#[test]
fn a_lock_half_taken_by_a_killed_run_leaves_a_file_the_next_writer_removes() {
    let repo = ready_to_push();
    let before = repo.state();
    let ready = repo.sandbox().join("ready");
    let mut cmd = repo.command(env!("CARGO_BIN_EXE_vbump"));
    cmd.args(["release", "--push"])
        .env("VBUMP_FAILPOINTS", "lock-before-link=pause")
        .env("VBUMP_FAILPOINT_READY", &ready)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut paused = cmd.spawn().unwrap();
    crate::crash::wait_for(&ready);
    let temps = lock_temps(&repo);
    assert_eq!(temps.len(), 1, "{temps:?}");
    let temp = &temps[0];
    let name = temp.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with(&format!("vbump.lock.{}-", paused.id())), "{name}");
    // Old enough to be judged, but its owner still holds it: left alone.
    let aged = std::time::SystemTime::now() - Duration::from_secs(60);
    let age = |path: &std::path::Path| {
        std::fs::File::options().write(true).open(path).unwrap().set_modified(aged).unwrap();
    };
    age(temp);
    repo.vbump(["recover"]).code(0);
    assert!(temp.exists(), "a live taker's file is never removed");

    paused.kill().unwrap();
    paused.wait().unwrap();
    assert!(temp.exists(), "the killed run left its file");
    assert!(!repo.path().join(".git/vbump.lock").exists(), "it never took the lock");
    repo.vbump(["release", "--push"]).code(0);
    assert_eq!(lock_temps(&repo), Vec::<std::path::PathBuf>::new());
    assert_ne!(repo.state(), before);
    repo.assert_released("v1.3.0", true);
}

/// A release with an unfinished journal, even one with nothing to do, stops: the remote never got
/// the interrupted release, and "nothing to release" would hide that.
#[test]
fn an_unfinished_journal_stops_every_writing_command_and_plan_warns() {
    let repo = ready_to_push();
    // What a run killed after its journal was written leaves (the journal names the release).
    repo.vbump(["release"]).code(0);
    let head = repo.rev("HEAD");
    std::fs::create_dir_all(repo.path().join(".git/vbump")).unwrap();
    std::fs::write(repo.path().join(".git/vbump/journal.json"), "{}").unwrap();
    let state = repo.state();
    for args in [vec!["release", "--push"], vec!["set", "2.0.0"]] {
        repo.vbump(&args)
            .code(2)
            .stderr_has("an interrupted release left its journal")
            .stderr_has("run `vbump recover`");
        assert_eq!(repo.state(), state, "{args:?}");
    }
    repo.vbump(["check"]).stderr_has("vbump: warning: an interrupted release left its journal");
    repo.vbump(["next"]).stderr_has("vbump: warning: an interrupted release left its journal");
    assert_eq!(repo.rev("HEAD"), head);
}
