//! The command line itself: help, version, argument errors.

use crate::support::TestRepo;

#[test]
fn version_flag_prints_the_version() {
    let repo = TestRepo::new();
    repo.vbump(["--version"]).expect(0, &format!("vbump {}\n", env!("CARGO_PKG_VERSION")), "");
}

#[test]
fn outside_a_repository_is_exit_2_with_a_hint() {
    let repo = TestRepo::bare_sandbox();
    std::fs::create_dir_all(repo.path()).unwrap();
    let out = repo.vbump(["next"]);
    out.code(2).stderr_has("is not inside a git repository").stderr_has("hint:");
    assert_eq!(out.stdout, "");
}

#[test]
fn unknown_option_is_exit_2() {
    let repo = TestRepo::new();
    repo.vbump(["--no-such-option"]).code(2).stderr_has("--no-such-option");
}

#[test]
fn global_options_go_before_or_after_the_subcommand() {
    let repo = TestRepo::new();
    repo.commit("feat: a");
    let dir = repo.path();
    let dir = dir.to_str().unwrap();
    repo.vbump(["-C", dir, "next"]).expect(0, "0.1.0\n", "");
    repo.vbump(["next", "-C", dir]).expect(0, "0.1.0\n", "");
    repo.vbump(["--format", "json", "plan"]).code(0).stdout_has("\"next\": \"0.1.0\"");
}

#[test]
fn release_options_before_another_subcommand_are_refused() {
    let repo = TestRepo::new();
    repo.commit("feat: a");
    let out = repo.vbump(["--push", "next"]);
    out.code(2).stderr_has("`--push` is an option of `vbump release`; it cannot be used before `next`");
    assert_eq!(out.stdout, "");
    repo.vbump(["--bump", "major", "release", "--dry-run"])
        .code(2)
        .stderr_has("cannot be used before `release`");
    repo.vbump(["release", "--bump", "major", "--dry-run"]).code(0).stdout_has("next version: 1.0.0");
    repo.vbump(["--bump", "major", "--dry-run"]).code(0).stdout_has("next version: 1.0.0");
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_vbump_quietly_without_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    let repo = TestRepo::new();
    // 200 lines of 500 bytes: more than a pipe buffer (64 KiB) holds.
    let filler = "x".repeat(480);
    for i in 0..200 {
        repo.commit(&format!("fix: change {i} {filler}"));
    }
    let mut child = repo
        .command(env!("CARGO_BIN_EXE_vbump"))
        .arg("plan")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe before vbump has written its whole report.
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}

/// `src/cli/` turns arguments into requests and prints outcomes: it opens no repository, runs no
/// git, talks to no GitHub and writes no file. The core does, behind `release`, `set`, `workspace`.
#[test]
fn the_command_line_does_no_git_no_github_and_no_writes() {
    let forbidden = [
        "git2",
        "transaction",
        "forge",
        "vcs",
        "history::",
        "fs::write",
        "OpenOptions",
        "File::create",
        "Command::new",
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for (number, line) in text.lines().enumerate() {
            for word in forbidden.iter().filter(|word| line.contains(*word)) {
                found.push(format!("{}:{}: `{word}`: {line}", path.display(), number + 1));
            }
        }
    }
    assert!(found.is_empty(), "src/cli/ must go through the core:\n{}", found.join("\n"));
}
