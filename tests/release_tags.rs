//! Finding the last release: tags of another prefix are named, never silently skipped; without a
//! release tag the commits are counted from the one that last changed the version.

use crate::support::TestRepo;

#[test]
fn bare_version_tags_under_the_default_prefix_are_named_with_the_prefix_that_matches() {
    let repo = TestRepo::new();
    repo.commit("feat: a").tag("0.9.0");
    repo.commit("feat!: b").tag("1.0.0");
    repo.commit("fix: c");
    let state = repo.state();
    repo.vbump(["release"])
        .code(2)
        .stderr_has("no release tag named `v<version>` is reachable from HEAD, but `1.0.0` is")
        .stderr_has("set `tag-prefix = \"\"` in vbump.toml");
    assert_eq!(repo.state(), state);
    // With the prefix the tags use, the fix is a patch of 1.0.0 (not 2.0.0 from the whole history).
    repo.file("vbump.toml", "tag-prefix = \"\"\n").commit("chore: config");
    repo.vbump(["next"]).expect(0, "1.0.1\n", "");
}

#[test]
fn component_tags_are_named_too() {
    let repo = TestRepo::new();
    repo.commit("feat: a").tag("formatter-v1.6.0");
    repo.commit("feat: b").tag("formatter-v1.7.0");
    for n in 0..5 {
        repo.commit(&format!("fix: {n}"));
    }
    repo.vbump(["next"])
        .code(2)
        .stderr_has("but `formatter-v1.7.0` is")
        .stderr_has("`tag-prefix = \"formatter-v\"`")
        .stderr_has("`git tag v1.7.0 formatter-v1.7.0`");
}

#[test]
fn init_writes_the_tag_prefix_the_tags_use() {
    let repo = TestRepo::new();
    repo.file("package.json", "{\"version\": \"1.7.0\"}\n").commit("feat: a").tag("web-v1.7.0");
    let out = repo.vbump(["init"]);
    out.code(0).stdout_has("tag-prefix = \"web-v\"\n");
    repo.vbump(["init", "--write"]).code(0);
    repo.commit("chore: vbump.toml");
    repo.commit("fix: x");
    repo.vbump(["next"]).expect(0, "1.7.1\n", "");
}

#[test]
fn init_leaves_the_default_prefix_implicit() {
    let repo = TestRepo::new();
    repo.file("package.json", "{\"version\": \"1.7.0\"}\n").commit("feat: a").tag("v1.7.0");
    let out = repo.vbump(["init"]);
    out.code(0);
    assert!(!out.stdout.contains("tag-prefix"), "{}", out.stdout);
}

/// A plugin never tagged: 0.0.1 with a feature, later bumped to 0.0.4 by hand, then fixes.
fn untagged_plugin() -> TestRepo {
    let repo = TestRepo::new();
    repo.file(".claude-plugin/plugin.json", "{\n  \"name\": \"p\",\n  \"version\": \"0.0.1\"\n}\n")
        .commit("feat: first command");
    repo.commit("feat: second command");
    repo.file(".claude-plugin/plugin.json", "{\n  \"name\": \"p\",\n  \"version\": \"0.0.4\"\n}\n")
        .commit("chore: 0.0.4");
    repo.commit("fix: typo in a prompt");
    repo.commit("docs: readme");
    repo
}

#[test]
fn without_a_tag_the_commits_after_the_last_version_change_are_counted() {
    let repo = untagged_plugin();
    repo.vbump(["next"]).expect(0, "0.0.5\n", "");
    let changed = repo.rev("HEAD~2");
    let out = repo.vbump(["plan"]);
    out.code(0).stdout_has("last release: 0.0.4 (no release tag; highest version in the files)").stdout_has(
        &format!("commits since {}, which last changed the version: 2 counted, 0 ignored", &changed[..7]),
    );
    let json = repo.vbump(["plan", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(plan["previous"]["source"], "files");
    assert_eq!(plan["previous"]["since"], changed);
}

#[test]
fn a_version_change_in_the_same_commit_as_the_feature_counts_as_released() {
    let repo = TestRepo::new();
    repo.file("package.json", "{\"version\": \"0.1.0\"}\n").commit("chore: init");
    repo.file("package.json", "{\"version\": \"0.2.0\"}\n").commit("feat: search (released as 0.2.0)");
    repo.vbump(["next"]).expect(0, "", "");
    repo.commit("fix: search crash");
    repo.vbump(["next"]).expect(0, "0.2.1\n", "");
}

#[test]
fn without_a_version_file_the_whole_history_counts_from_zero() {
    let repo = TestRepo::new();
    repo.commit("fix: a").commit("feat: b");
    repo.vbump(["next"]).expect(0, "0.1.0\n", "");
}
