//! `vbump plan` / `vbump --dry-run`: the report a person reads and the JSON a program reads.
//! Histories are pinned (identity and dates), so shas and snapshots are stable.

use crate::support::TestRepo;

/// The demo layout: a plugin with its version in four fields, released as v1.2.0, then four
/// commits: a feature, a fix, a docs change and a non-conventional one.
fn plugin_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.file(
        ".claude-plugin/plugin.json",
        "{\n  \"name\": \"hello\",\n  \"version\": \"1.2.0\",\n  \"description\": \"Says hello\"\n}\n",
    )
    .file(
        ".claude-plugin/marketplace.json",
        "{\n  \"name\": \"m\",\n  \"owner\": { \"name\": \"o\" },\n  \"metadata\": { \"version\": \"1.2.0\" },\n  \
         \"plugins\": [\n    { \"name\": \"hello\", \"source\": \"./\", \"version\": \"1.2.0\" }\n  ]\n}\n",
    )
    .file("pyproject.toml", "[project]\nname = \"hello\"\nversion = \"1.2.0\"  # synced by vbump\n")
    .commit("chore: initial plugin")
    .tag("v1.2.0");
    repo.commit("docs: explain usage")
        .commit("feat(commands)!: rename /hi to /hello\n\nBREAKING CHANGE: /hi is gone")
        .commit("fix: greet by name")
        .commit("Update README");
    repo
}

#[test]
fn human_plan_lists_commits_bump_next_version_and_file_diffs() {
    let repo = plugin_repo();
    let out = repo.vbump(["--dry-run"]);
    out.code(0);
    assert_eq!(out.stderr, "");
    insta::assert_snapshot!("human_plan", out.stdout);
}

#[test]
fn plan_subcommand_is_the_same_as_dry_run() {
    let repo = plugin_repo();
    let dry_run = repo.vbump(["--dry-run"]);
    repo.vbump(["plan"]).expect(0, &dry_run.stdout, "");
    repo.vbump(["release", "--dry-run"]).expect(0, &dry_run.stdout, "");
}

#[test]
fn json_plan_is_one_document_with_stable_fields() {
    let repo = plugin_repo();
    let out = repo.vbump(["plan", "--format", "json"]);
    out.code(0);
    assert_eq!(out.stderr, "");
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).expect("stdout is one JSON document");
    assert_eq!(plan["next"], "2.0.0");
    assert_eq!(plan["tag"], "v2.0.0");
    assert_eq!(plan["bump"]["level"], "major");
    assert_eq!(plan["bump"]["by"], "commit");
    assert_eq!(plan["previous"]["source"], "tag");
    assert_eq!(plan["commits"].as_array().unwrap().len(), 3);
    assert_eq!(plan["ignored"][0]["summary"], "Update README");
    insta::assert_snapshot!("json_plan", out.stdout);
}

#[test]
fn nothing_to_release_says_so() {
    let repo = TestRepo::new();
    repo.commit("feat: a").tag("v0.1.0");
    repo.commit("docs: b");
    let out = repo.vbump(["plan"]);
    out.code(0).stdout_has("next version: nothing to release");
    let json = repo.vbump(["plan", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(plan["next"].is_null() && plan["bump"].is_null() && plan["tag"].is_null());
}

#[test]
fn forced_bump_is_explained() {
    let repo = TestRepo::new();
    repo.commit("feat: a").tag("v0.1.0");
    repo.commit("docs: b");
    repo.vbump(["plan", "--bump", "major"]).code(0).stdout_has("bump: major, forced with --bump");
}

#[test]
fn colour_is_off_when_not_a_terminal_and_on_when_asked() {
    let repo = plugin_repo();
    assert!(!repo.vbump(["plan"]).stdout.contains('\x1b'));
    assert!(repo.vbump(["plan", "--color", "always"]).stdout.contains("\x1b[1m"));
}
