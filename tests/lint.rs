//! `vbump lint`: commit messages from an argument, a hook's file, a range of history, or a pull
//! request's title, checked against Conventional Commits and the repository's types.

use crate::support::TestRepo;

#[test]
fn conventional_message_passes_with_exit_0() {
    let repo = TestRepo::new();
    repo.vbump(["lint", "--message", "feat(api): add pagination"]).expect(
        0,
        "vbump lint: 1 message follows Conventional Commits\n",
        "",
    );
}

#[test]
fn unknown_type_exits_1_with_the_problem_and_a_corrected_example() {
    let repo = TestRepo::new();
    let out = repo.vbump(["lint", "--message", "feature(ui): dark mode"]);
    out.code(1)
        .stdout_has("--message:1:1: unknown type `feature`")
        .stdout_has("write instead: feat(ui): dark mode")
        .stdout_has("1 of 1 message does not follow Conventional Commits");
    assert_eq!(out.stderr, "");
}

#[test]
fn types_from_the_bump_table_are_accepted() {
    let repo = TestRepo::new();
    repo.vbump(["lint", "--message", "security: patch CVE"]).code(1).stdout_has("unknown type `security`");
    repo.file("vbump.toml", "[bump]\nfeat = \"minor\"\nsecurity = \"patch\"\n");
    repo.vbump(["lint", "--message", "security: patch CVE"]).code(0);
    // The standard types stay allowed even when the table does not list them.
    repo.vbump(["lint", "--message", "docs: typo"]).code(0);
}

#[test]
fn broken_config_is_exit_2_naming_its_line() {
    let repo = TestRepo::new();
    repo.file("vbump.toml", "tag-prefix = \"v\"\n[bump]\nfeat = \"huge\"\n");
    repo.vbump(["lint", "--message", "feat: x"]).code(2).stderr_has("vbump.toml:3:");
}

#[test]
fn message_file_ignores_git_comments_and_the_verbose_diff() {
    let repo = TestRepo::new();
    repo.file(
        "MSG",
        "fix: handle empty input\n\
         # Please enter the commit message for your changes.\n\
         # ------------------------ >8 ------------------------\n\
         diff --git a/x b/x\n",
    );
    repo.vbump(["lint", "--message-file", "MSG"]).expect(
        0,
        "vbump lint: 1 message follows Conventional Commits\n",
        "",
    );
}

#[test]
fn missing_message_file_is_exit_2_with_a_hint() {
    let repo = TestRepo::new();
    repo.vbump(["lint", "--message-file", "NOPE"]).code(2).stderr_has("NOPE").stderr_has("hint:");
}

#[test]
fn commit_msg_hook_rejects_a_bad_commit_and_accepts_a_good_one() {
    let repo = TestRepo::new();
    let hook = repo.path().join(".git/hooks/commit-msg");
    std::fs::write(
        &hook,
        format!("#!/bin/sh\nexec '{}' lint --message-file \"$1\"\n", env!("CARGO_BIN_EXE_vbump")),
    )
    .unwrap();
    make_executable(&hook);
    let bad = repo.git_output(["commit", "--allow-empty", "-m", "Fixed the crash"]);
    assert!(!bad.status.success(), "the hook let a bad message through");
    let said = String::from_utf8_lossy(&bad.stdout).to_string() + &String::from_utf8_lossy(&bad.stderr);
    assert!(said.contains("write instead: fix: the crash"), "{said}");
    assert!(
        repo.git_output(["rev-parse", "--verify", "HEAD"]).status.code() != Some(0),
        "no commit was made"
    );
    repo.git(["commit", "--quiet", "--allow-empty", "-m", "fix: the crash"]);
    assert_eq!(repo.git(["log", "--format=%s"]), "fix: the crash");
}

#[test]
fn range_reports_each_bad_commit_and_skips_merges() {
    let repo = TestRepo::new();
    repo.commit("chore: init").tag("base");
    repo.commit("feat: good one");
    repo.git(["checkout", "--quiet", "-b", "topic"]);
    repo.commit("Update stuff");
    repo.git(["checkout", "--quiet", "main"]);
    repo.commit("fix:missing space");
    repo.git(["merge", "--quiet", "--no-ff", "-m", "Merge branch 'topic'", "topic"]);
    let bad_sha = repo.rev("topic")[..7].to_string();
    let out = repo.vbump(["lint", "--range", "base..HEAD"]);
    out.code(1)
        .stdout_has(&format!("commit {bad_sha}:1:1: the header has no `type: ` prefix"))
        .stdout_has("write instead: chore: stuff")
        .stdout_has(":1:5: the colon must be followed by a space")
        .stdout_has("2 of 3 messages do not follow Conventional Commits, 1 skipped");
    assert!(!out.stdout.contains("good one"), "{}", out.stdout);
}

#[test]
fn range_json_lists_every_commit_oldest_first() {
    let repo = TestRepo::new();
    repo.commit("chore: init").tag("base");
    repo.commit("feat: a");
    repo.commit("squash! feat: a");
    let out = repo.vbump(["lint", "--format", "json", "--range", "base..HEAD"]);
    out.code(1);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["checked"], 2);
    let messages = doc["messages"].as_array().unwrap();
    assert_eq!(messages[0]["header"], "feat: a");
    assert_eq!(messages[0]["status"], "ok");
    assert_eq!(messages[0]["commit"], repo.rev("HEAD~1"));
    assert_eq!(messages[1]["status"], "bad");
    assert!(
        messages[1]["findings"][0]["problem"].as_str().unwrap().contains("`squash!` commit left in history")
    );
}

#[test]
fn bad_range_is_exit_2_with_a_hint() {
    let repo = TestRepo::new();
    repo.commit("chore: init");
    repo.vbump(["lint", "--range", "nope..HEAD"]).code(2).stderr_has("nope..HEAD").stderr_has("hint:");
    repo.vbump(["lint", "--range", "HEAD"]).code(2).stderr_has("single revision");
    repo.vbump(["lint", "--range", "HEAD~0...HEAD"]).code(2).stderr_has("symmetric range");
}

#[test]
fn pull_request_title_is_read_from_the_event_payload() {
    let repo = TestRepo::new();
    let event = repo.sandbox().join("event.json");
    std::fs::write(
        &event,
        r#"{"action":"opened","number":42,"pull_request":{"number":42,"title":"Add dark mode"}}"#,
    )
    .unwrap();
    let out = repo.vbump_with(["lint", "--format", "github"], |cmd| {
        cmd.env("GITHUB_EVENT_NAME", "pull_request").env("GITHUB_EVENT_PATH", &event);
    });
    out.expect(
        1,
        "::error title=vbump lint%3A pull request #42 title::pull request #42 title:1:1: the header has no \
         `type: ` prefix%0Awrite instead: feat: dark mode\n",
        "",
    );
    std::fs::write(&event, r#"{"pull_request":{"number":42,"title":"feat: dark mode"}}"#).unwrap();
    repo.vbump_with(["lint"], |cmd| {
        cmd.env("GITHUB_EVENT_NAME", "pull_request").env("GITHUB_EVENT_PATH", &event);
    })
    .code(0);
}

#[test]
fn no_source_outside_a_pull_request_is_exit_2() {
    let repo = TestRepo::new();
    repo.vbump_with(["lint"], |cmd| {
        cmd.env("GITHUB_EVENT_NAME", "push");
    })
    .code(2)
    .stderr_has("the event is `push`")
    .stderr_has("--message-file");
}

#[test]
fn message_file_annotation_points_at_the_file() {
    let repo = TestRepo::new();
    repo.file("MSG", "feat: x\nno blank line\n");
    let out = repo.vbump(["lint", "--format", "github", "--message-file", "MSG"]);
    out.code(1)
        .stdout_has(",file=MSG,line=2,col=1::MSG:2:1: the body must be separated")
        .stdout_has("blank line");
}

#[cfg(unix)]
fn make_executable(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(not(unix))]
fn make_executable(_path: &std::path::Path) {}
