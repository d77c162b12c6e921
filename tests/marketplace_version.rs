//! The marketplace's own version (`metadata.version` or `version`) in single-plugin mode: a
//! marketplace at the root whose one local plugin is the repository's package. It is the
//! catalog's version, not the plugin's: `marketplace-version = "follow"` keeps it equal to the
//! plugin, `"independent"` never touches it (and `check` does not call it drift). Without the key:
//! `follow` when it equals the plugin's version today, else `independent`, with one line saying so.

use crate::locations::with_fixtures;
use crate::support::TestRepo;

/// nicobailon/visual-explainer when it released 0.5.1: `metadata.version` stayed 1.0.0 while the
/// plugin (its entry, its plugin.json, package.json) said 0.5.1. Its root `plugin.json` is left
/// out here (see the last test).
pub fn visual_explainer() -> TestRepo {
    with_fixtures(
        "nicobailon__visual-explainer@293418a",
        &[
            ".claude-plugin/marketplace.json",
            "package.json",
            "plugins/visual-explainer/.claude-plugin/plugin.json",
        ],
    )
}

/// `vbump check` on [`visual_explainer`] when its marketplace version is left alone.
pub const PLUGIN_AGREES: &str = "FILE:LINE                                              LOCATION                                  VALUE\n\
     .claude-plugin/marketplace.json:16                     /plugins/[name=visual-explainer]/version  0.5.1\n\
     plugins/visual-explainer/.claude-plugin/plugin.json:4  /version                                  0.5.1\n\
     package.json:3                                         /version                                  0.5.1\n\
     \n\
     all 3 location(s) agree on 0.5.1\n\
     (`vbump audit` lists other files that still say 0.5.1)\n";

const LEFT_ALONE: &str = "vbump: warning: the marketplace's own version (1.0.0) differs from its plugin's (0.5.1): \
     left alone (set `marketplace-version = \"follow\"` in vbump.toml to keep it equal to the plugin)\n";

#[test]
fn a_marketplace_version_apart_from_its_plugin_is_left_alone_and_is_no_drift() {
    let repo = visual_explainer();
    let out = repo.vbump(["check"]);
    out.code(0).stdout_has("all 3 location(s) agree on 0.5.1");
    assert_eq!(out.stderr, LEFT_ALONE);
    assert!(!out.stdout.contains("/metadata/version"), "{}", out.stdout);

    let marketplace = repo.read_text(".claude-plugin/marketplace.json");
    repo.file("plugins/visual-explainer/SKILL.md", "fixed\n").commit("fix: diagrams render again");
    repo.vbump(["next"]).expect(0, "0.5.2\n", LEFT_ALONE);
    repo.vbump(["release"]).code(0);
    repo.assert_released("v0.5.2", false);
    let released = repo.read_text(".claude-plugin/marketplace.json");
    assert_eq!(released, marketplace.replace("\"version\": \"0.5.1\"", "\"version\": \"0.5.2\""));
    assert!(released.contains("\"version\": \"1.0.0\""), "the marketplace's own version did not move");
    assert!(repo.read_text("package.json").contains("\"version\": \"0.5.2\""));

    repo.vbump(["set", "0.6.0"]).code(0);
    assert!(repo.read_text(".claude-plugin/marketplace.json").contains("\"version\": \"1.0.0\""));
}

#[test]
fn follow_keeps_it_equal_to_the_plugin_and_check_holds_it_to_that() {
    let repo = visual_explainer();
    repo.file("vbump.toml", "marketplace-version = \"follow\"\n").commit("chore: follow");
    let out = repo.vbump(["check"]);
    out.code(1).stdout_has(
        ".claude-plugin/marketplace.json:8: `/metadata/version` is 1.0.0, but the other locations say 0.5.1",
    );
    assert_eq!(out.stderr, "", "configured: nothing to announce");
    repo.vbump(["set", "0.6.0"]).code(0);
    let marketplace = repo.read_text(".claude-plugin/marketplace.json");
    assert_eq!(marketplace.matches("\"version\": \"0.6.0\"").count(), 2, "{marketplace}");
    repo.vbump(["check"]).code(0).stdout_has("all 4 location(s) agree on 0.6.0");
}

#[test]
fn independent_configured_is_left_alone_without_a_word() {
    let repo = visual_explainer();
    repo.file("vbump.toml", "marketplace-version = \"independent\"\n").commit("chore: independent");
    repo.vbump(["check"]).expect(0, PLUGIN_AGREES, "");
}

#[test]
fn a_marketplace_version_equal_to_its_plugin_follows_it() {
    // 777genius/claude-notifications-go: `metadata.version`, the entry and plugin.json all 1.0.0.
    let repo = with_fixtures(
        "777genius__claude-notifications-go",
        &[".claude-plugin/marketplace.json", ".claude-plugin/plugin.json"],
    );
    repo.tag("v1.0.0");
    repo.file("notify.go", "package main\n").commit("feat: sounds per event");
    repo.vbump(["release"]).code(0);
    repo.assert_released("v1.1.0", false);
    let marketplace = repo.read_text(".claude-plugin/marketplace.json");
    assert_eq!(marketplace.matches("\"version\": \"1.1.0\"").count(), 2, "{marketplace}");
    assert!(!marketplace.contains("1.0.0"));
}

#[test]
fn a_root_manifest_of_the_marketplace_is_still_checked_as_the_plugins() {
    // The same commit with its root `.claude-plugin/plugin.json` ("visual-explainer-marketplace",
    // 1.0.0): a plugin manifest at the root is the package's by detection's rules, so check
    // names it; the marketplace's own version is not called drift.
    let repo = with_fixtures(
        "nicobailon__visual-explainer@293418a",
        &[
            ".claude-plugin/marketplace.json",
            ".claude-plugin/plugin.json",
            "package.json",
            "plugins/visual-explainer/.claude-plugin/plugin.json",
        ],
    );
    let out = repo.vbump(["check"]);
    out.code(1).stdout_has(
        "1 problem(s):\n  - .claude-plugin/plugin.json:4: `/version` is 1.0.0, but the other locations say 0.5.1\n",
    );
    assert_eq!(out.stderr, LEFT_ALONE);
}
