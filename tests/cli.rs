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
        "process::Command",
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

/// Every command vbump has, as `vbump help` lists them.
const COMMANDS: [&str; 13] = [
    "release",
    "plan",
    "next",
    "check",
    "set",
    "audit",
    "init",
    "recover",
    "lint",
    "completions",
    "man",
    "schema",
    "help",
];

#[test]
fn every_commands_help_ends_with_examples_and_its_exit_codes() {
    let repo = TestRepo::new();
    for command in COMMANDS {
        let out = repo.vbump([command, "--help"]);
        out.code(0);
        let examples =
            out.stdout.find("\nExamples:\n  vbump").unwrap_or_else(|| panic!("`{command}`: no examples"));
        let codes =
            out.stdout.find("\nExit codes:\n  0  ").unwrap_or_else(|| panic!("`{command}`: no exit codes"));
        assert!(examples < codes, "`{command}`: examples come before the exit codes");
        assert!(
            out.stdout[examples..].matches("\n  vbump ").count() >= 2 || command == "schema",
            "{}",
            out.stdout
        );
        // `vbump help COMMAND` is the same page.
        assert_eq!(repo.vbump(["help", command]).stdout, out.stdout, "{command}");
    }
    let top = repo.vbump(["--help"]);
    top.code(0).stdout_has("\nExamples:\n").stdout_has("\nExit codes:\n");
    for code in ["  0  ", "  1  ", "  2  ", "  3  ", "  4  "] {
        assert!(top.stdout.contains(code), "{}", top.stdout);
    }
    repo.vbump(["help", "--help"]).code(0).stdout_has("Usage: vbump help");
    repo.vbump(["help"]).code(0).stdout_has("Usage: vbump");
    repo.vbump(["help", "nope"]).code(2).stderr_has("`nope` is not a vbump command");
}

#[test]
fn completions_are_generated_for_every_shell_and_bash_loads_them() {
    let repo = TestRepo::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = repo.vbump(["completions", shell]);
        out.code(0);
        for command in COMMANDS {
            assert!(out.stdout.contains(command), "{shell} completion lacks `{command}`");
        }
    }
    let script = repo.sandbox().join("vbump.bash");
    std::fs::write(&script, repo.vbump(["completions", "bash"]).stdout.as_bytes()).unwrap();
    // Parsed and loaded by bash itself: the function is registered for `vbump`, and completes
    // the subcommands after `vbump re`.
    let check = format!(
        "set -e; source '{}'; complete -p vbump; COMP_WORDS=(vbump re); COMP_CWORD=1; _vbump vbump re vbump; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let out = repo.command("bash").args(["-c", &check]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains("-F _vbump vbump") && stdout.contains("release") && stdout.contains("recover"),
        "{stdout}"
    );
    repo.vbump(["completions", "tcsh"]).code(2).stderr_has("tcsh");
}

#[test]
fn the_man_page_is_roff_that_groff_reads_without_a_warning() {
    let repo = TestRepo::new();
    let page = repo.vbump(["man"]);
    page.code(0);
    assert!(page.stdout.contains(".TH vbump 1"), "{}", page.stdout);
    let file = repo.sandbox().join("vbump.1");
    std::fs::write(&file, page.stdout.as_bytes()).unwrap();
    let out = repo
        .command("groff")
        .args(["-k", "-man", "-Tutf8", "-ww"]) // -k: preconv, as man(1) does, for UTF-8 text
        .arg(&file)
        .env("GROFF_NO_SGR", "1")
        .output()
        .expect("groff (Debian's groff-base) reads the man page; .ci/run installs it");
    // grotty emboldens with overstrikes (`N\bN`): a backspace takes back the character before it.
    let mut text = String::new();
    for c in String::from_utf8_lossy(&out.stdout).chars() {
        if c == '\u{8}' {
            text.pop();
        } else {
            text.push(c);
        }
    }
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    for heading in ["NAME", "SYNOPSIS", "OPTIONS", "SUBCOMMANDS", "EXTRA"] {
        assert!(text.contains(heading), "no {heading}: {text}");
    }
    for command in COMMANDS {
        assert!(text.contains(&format!("vbump-{command}(1)")), "the page lists no `{command}`: {text}");
    }
}

#[test]
fn schema_prints_the_committed_vbump_schema_json() {
    let repo = TestRepo::new();
    repo.vbump(["schema"]).expect(0, include_str!("../vbump.schema.json"), "");
}
