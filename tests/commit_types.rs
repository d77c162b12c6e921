//! One table of commit types: the level each releases, its section of the release notes, and
//! whether `vbump lint` allows it. `[bump]` in vbump.toml merges into the defaults.

use crate::support::TestRepo;

/// A repository released as v1.2.0 (version in Cargo.toml), with `config` as its vbump.toml.
fn released(config: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.file("Cargo.toml", "[package]\nname = \"x\"\nversion = \"1.2.0\"\n")
        .file("vbump.toml", config)
        .commit("chore: init")
        .tag("v1.2.0");
    repo
}

#[test]
fn one_bump_entry_keeps_feat_and_fix_releasing() {
    let repo = released("[bump]\nsecurity = \"patch\"\n");
    repo.commit("feat: add x");
    repo.vbump(["next"]).expect(0, "1.3.0\n", "");
}

#[test]
fn a_release_made_by_a_configured_type_has_notes_under_its_own_heading() {
    let repo = released("changelog = \"CHANGELOG.md\"\n\n[bump]\nsecurity = \"patch\"\n");
    repo.file("CHANGELOG.md", "# Changelog\n").commit("docs: add a changelog");
    repo.commit("security: escape paths in the report");
    let sha = repo.rev("HEAD");
    repo.vbump_with(["release"], |cmd| {
        cmd.env("SOURCE_DATE_EPOCH", "1700000000");
    })
    .code(0)
    .stdout_has("released v1.2.1");
    let changelog = repo.read_text("CHANGELOG.md");
    assert!(
        changelog.contains(&format!(
            "## [1.2.1] - 2023-11-14\n\n### Security\n\n- escape paths in the report ({})\n",
            &sha[..7]
        )),
        "{changelog}"
    );
    assert!(!changelog.contains("No user-facing changes"), "{changelog}");
    let tag_message = repo.git(["tag", "-l", "--format=%(contents)", "v1.2.1"]);
    assert!(tag_message.contains("### Security"), "the tag carries the notes too:\n{tag_message}");
}

#[test]
fn none_switches_a_type_off() {
    let repo = released("[bump]\nfix = \"none\"\n");
    repo.commit("fix: x");
    repo.vbump(["next"]).expect(0, "", "");
    let json = repo.vbump(["plan", "--format", "json"]);
    assert!(json.stdout.contains("\"next\": null"), "{}", json.stdout);
    // A switched-off type is still a known type.
    repo.vbump(["lint", "--message", "fix: x"]).code(0);
}

#[test]
fn reverts_release_a_patch_by_default() {
    let repo = released("");
    repo.commit("revert: undo the cache of v1.2.0\n\nRefs: 1234567");
    repo.vbump(["next"]).expect(0, "1.2.1\n", "");
}

#[test]
fn a_key_that_is_not_a_type_is_an_error_with_a_hint() {
    let repo = released("tag-prefix = \"v\"\n\n[bump]\nbreaking = \"minor\"\n");
    let out = repo.vbump(["plan"]);
    out.code(2)
        .stderr_has("vbump.toml:4:1: `breaking` in [bump] is not a commit type")
        .stderr_has("major-zero-breaking-is-minor")
        .stderr_has("hint: [bump] maps commit types to levels");
    assert_eq!(out.stdout, "");
}

#[test]
fn a_bad_level_names_the_values_without_parser_internals() {
    let repo = released("[bump]\nfeat = \"huge\"\nfix = { level = \"patch\" }\n");
    let out = repo.vbump(["plan"]);
    out.code(2).stderr_has(
        "vbump.toml:2:8: [bump] `feat` is \"huge\"; a level is \"major\", \"minor\", \"patch\" or \"none\"",
    );
    for internal in ["unknown variant", "expected one of", "invalid type", "TOML parse error"] {
        assert!(!out.stderr.contains(internal), "{internal:?} in\n{}", out.stderr);
    }
}

#[test]
fn lint_suggestions_never_invent_a_releasing_type() {
    let repo = TestRepo::new();
    let lint = |message: &str| repo.vbump(["lint", "--message", message]);
    let security = lint("security: patch it");
    security.code(1).stdout_has("add `security = \"patch\"` to [bump] in vbump.toml");
    assert!(!security.stdout.contains("feat:"), "{}", security.stdout);
    let wip = lint("wip");
    wip.code(1).stdout_has("no `type: ` prefix");
    assert!(!wip.stdout.contains("feat:"), "{}", wip.stdout);
    lint("feat(cli) add thing").code(1).stdout_has("write instead: feat(cli): add thing");
    lint("feature: x").code(1).stdout_has("did you mean `feat`?").stdout_has("write instead: feat: x");
}
