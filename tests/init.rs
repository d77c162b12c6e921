//! `vbump init`: the detected locations as a vbump.toml.

use crate::support::TestRepo;

fn plugin_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.file(".claude-plugin/plugin.json", "{\n  \"version\": \"0.1.0\"\n}\n")
        .file("pyproject.toml", "[project]\nname = \"p\"\nversion = \"0.1.0\"\n")
        .commit("chore: init");
    repo
}

const EXPECTED: &str = "# vbump.toml, written by `vbump init` from the version files it detected.\n\
# Every [[location]] is one version value; see README, \"Version locations\".\n\
\n\
[[location]]\n\
file = \".claude-plugin/plugin.json\"\n\
json = \"/version\"\n\
\n\
[[location]]\n\
file = \"pyproject.toml\"\n\
toml = \"project.version\"\n";

#[test]
fn init_prints_the_detected_locations() {
    let repo = plugin_repo();
    repo.vbump(["init"]).expect(0, EXPECTED, "");
    assert!(!repo.path().join("vbump.toml").exists());
}

#[test]
fn init_write_creates_vbump_toml_that_check_then_uses() {
    let repo = plugin_repo();
    let out = repo.vbump(["init", "--write"]);
    out.code(0).stdout_has("vbump.toml with 2 location(s)");
    assert_eq!(repo.read_text("vbump.toml"), EXPECTED);
    repo.vbump(["check"]).code(0).stdout_has("all 2 location(s) agree on 0.1.0");
}

#[test]
fn init_write_never_overwrites() {
    let repo = plugin_repo();
    repo.file("vbump.toml", "tag-prefix = \"\"\n");
    repo.vbump(["init", "--write"]).code(2).stderr_has("already exists");
    assert_eq!(repo.read_text("vbump.toml"), "tag-prefix = \"\"\n");
}

#[test]
fn init_without_version_files_prints_a_template_and_warns() {
    let repo = TestRepo::new();
    repo.file("README.md", "x\n").commit("chore: init");
    repo.vbump(["init"]).code(0).stdout_has("# [[location]]").stderr_has("no version file detected");
    repo.vbump(["init", "--write"]).code(2).stderr_has("nothing to write");
}

/// What `vbump init --format json` proposes.
fn proposal(repo: &TestRepo) -> serde_json::Value {
    serde_json::from_str(&repo.vbump(["init", "--format", "json"]).code(0).stdout).unwrap()
}

/// `(file, pointer)` of each location of a proposed package.
fn locations_of(package: &serde_json::Value) -> Vec<(String, String)> {
    package["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (l["file"].as_str().unwrap().to_string(), l["selector"]["json"].as_str().unwrap().to_string())
        })
        .collect()
}

/// MadAppGang/magus with tags named as its real ones: `plugins/<name>/vX.Y.Z` for most plugins,
/// and a few older namings.
fn magus_with_its_tags() -> TestRepo {
    let repo = crate::packages::magus_catalog();
    for tag in [
        "plugins/dev/v2.7.0",
        "plugins/code-analysis/v5.1.0",
        "plugins/multimodel/v3.1.2",
        "plugins/designer/v0.3.0",
        "plugins/terminal/v4.0.2",
        "claudish/v1.5.0",
        "claudish@2.3.0",
        "mcp/claudish/v2.4.0",
        "tools/claudeup/v3.1.0",
        "v0.1.0",
    ] {
        repo.tag(tag);
    }
    repo
}

const MAGUS_HEAD: &str = "# vbump.toml, written by `vbump init` from the packages it detected.\n\
# Each [[package]] is released on its own: the commits that change files under its `path`\n\
# are its commits. See README, \"Several packages in one repository\".\n\
\n\
# The marketplace's own version (`/metadata/version` in .claude-plugin/marketplace.json, 10.0.0)\n\
# differs from its plugins' version: releases leave it alone.\n\
marketplace-version = \"independent\"\n\
\n\
[[package]]\n\
name = \"code-analysis\"\n\
path = \"plugins/code-analysis\"\n\
tag = \"plugins/{name}/v{version}\"\n\
\n\
[[package.location]]\n\
file = \"plugins/code-analysis/plugin.json\"\n\
json = \"/version\"\n\
\n\
[[package.location]]\n\
file = \".claude-plugin/marketplace.json\"\n\
json = \"/plugins/[name=code-analysis]/version\"\n\
\n\
[[package]]\n\
name = \"claudish\"\n";

#[test]
fn init_lists_every_plugin_of_a_catalog_with_the_tag_template_its_tags_follow() {
    let repo = magus_with_its_tags();
    let out = repo.vbump(["init"]);
    out.code(0);
    assert!(out.stdout.starts_with(MAGUS_HEAD), "{}", out.stdout);
    assert_eq!(out.stdout.matches("\n[[package]]\n").count(), 16);
    assert_eq!(out.stdout.matches("\ntag = \"plugins/{name}/v{version}\"\n").count(), 16);
    // What it left alone, and why: the helper package beside the designer plugin, and the
    // marketplace's own version.
    assert_eq!(
        out.stderr,
        "vbump: warning: skipped plugins/designer/package.json: version \"0.1.0\": it defines another package \
         (@magus/designer 0.1.0) than the plugin beside it (designer 0.5.1); add a [[location]] if it should \
         follow the plugin\n\
         vbump: warning: the marketplace's own version (10.0.0) differs from its plugins': left alone \
         (set `marketplace-version = \"follow\"` in vbump.toml to move it with them)\n"
    );
    let json = proposal(&repo);
    let names: Vec<&str> =
        json["packages"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "code-analysis",
            "claudish",
            "mnemex",
            "multimodel",
            "dev",
            "go",
            "dingo",
            "bunjs",
            "setup",
            "statusline",
            "browser-use",
            "designer",
            "terminal",
            "gtd",
            "kanban",
            "madbench"
        ]
    );
    // Each plugin's manifest sits in its folder (`plugins/dev/plugin.json`), beside its entry.
    for package in json["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap();
        assert_eq!(package["path"], format!("plugins/{name}"));
        assert_eq!(
            locations_of(package),
            [
                (format!("plugins/{name}/plugin.json"), "/version".to_string()),
                (".claude-plugin/marketplace.json".to_string(), format!("/plugins/[name={name}]/version")),
            ]
        );
    }
    assert_eq!(json["marketplace-version"]["policy"], "independent");
    assert_eq!(json["marketplace-version"]["value"], "10.0.0");
}

/// `vbump plan --format json` without its warnings (the line about the marketplace's own version
/// is gone once the choice is written down).
fn plan_json(repo: &TestRepo) -> serde_json::Value {
    let mut json: serde_json::Value =
        serde_json::from_str(&repo.vbump(["plan", "--format", "json"]).code(0).stdout).unwrap();
    json.as_object_mut().unwrap().remove("warnings");
    json
}

#[test]
fn init_write_of_a_catalog_reads_back_as_the_same_packages_and_the_same_plan() {
    let repo = magus_with_its_tags();
    repo.tag("plugins/dev/v4.4.2");
    repo.file("plugins/dev/skills/notes.md", "n\n").commit("fix: dev skill notes");
    // Without a vbump.toml, vbump already counts from `plugins/dev/v4.4.2`, the naming its tags have.
    repo.vbump(["next"]).code(0).stdout_has("dev 4.4.3\n");
    let (before, plan_before) = (proposal(&repo), plan_json(&repo));
    let out = repo.vbump(["init", "--write"]);
    out.code(0).stdout_has("vbump.toml with 16 package(s)\n");
    let written = repo.read_text("vbump.toml");
    assert_eq!(crate::schema::problems(&written), Vec::<String>::new());
    assert_eq!(plan_json(&repo), plan_before);
    repo.commit("chore: vbump.toml");
    // Read back: the same packages, locations and templates, and the choice now says it was written.
    let after = repo.vbump(["init", "--format", "json"]);
    assert_eq!(after.stderr, "", "configured: no note, and the packages' locations are written down");
    let after: serde_json::Value = serde_json::from_str(&after.stdout).unwrap();
    assert_eq!(after["packages"], before["packages"]);
    assert_eq!(after["marketplace-version"]["policy"], "independent");
    assert_eq!(after["marketplace-version"]["configured"], true);
    repo.vbump(["release", "--package", "dev"]).code(0);
    repo.assert_released("plugins/dev/v4.4.3", false);
    assert!(repo.read_text("plugins/dev/plugin.json").contains("\"version\": \"4.4.3\""));
    assert!(repo.read_text(".claude-plugin/marketplace.json").contains("\"version\": \"10.0.0\""));
}

#[test]
fn init_write_of_a_catalog_gives_the_plan_vbump_made_without_it() {
    let repo = crate::packages::anthropics_catalog();
    crate::packages::tag_anthropics(&repo);
    repo.file("plugins/hookify/README.md", "# hookify\n\nfixed\n").commit("fix: hookify matches again");
    repo.file("plugins/plugin-dev/README.md", "# plugin-dev\n\nmore\n").commit("feat: plugin-dev skill");
    let before = plan_json(&repo);
    repo.vbump(["init", "--write"]).code(0).stdout_has("with 13 package(s)");
    let written = repo.read_text("vbump.toml");
    assert_eq!(crate::schema::problems(&written), Vec::<String>::new());
    assert!(written.contains("\nmarketplace-version = \"independent\"\n"), "{written}");
    assert_eq!(written.matches("\ntag = \"{name}--v{version}\"\n").count(), 13);
    assert_eq!(plan_json(&repo), before);
    assert_eq!(before["packages"].as_array().unwrap().iter().filter(|p| !p["next"].is_null()).count(), 2);
}

#[test]
fn init_says_what_it_skips_in_a_catalog_and_why() {
    // Built from real files: basic-memory's pyproject (a version computed at build time) in one
    // plugin, a Cargo member inheriting a version no workspace sets in another, a plugin with no
    // version anywhere, and a plugin fetched from GitHub.
    let repo = TestRepo::new();
    let pyproject = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/real/basicmachines-co__basic-memory/pyproject.toml"),
    )
    .unwrap();
    repo.file(
        ".claude-plugin/marketplace.json",
        r#"{"name": "m", "plugins": [
  {"name": "memory", "source": "./plugins/memory", "version": "0.14.0"},
  {"name": "crate", "source": "./plugins/crate"},
  {"name": "bare", "source": "./plugins/bare"},
  {"name": "far", "source": {"source": "github", "repo": "o/far", "ref": "v1.0.0"}}
]}
"#,
    )
    .file("plugins/memory/pyproject.toml", pyproject)
    .file("plugins/crate/Cargo.toml", "[package]\nname = \"crate\"\nversion.workspace = true\n")
    .file("plugins/bare/README.md", "bare\n")
    .commit("chore: import");
    let out = repo.vbump(["init"]);
    out.code(0)
        .stderr_has("skipped plugins/memory/pyproject.toml: ")
        .stderr_has("the version is computed from git tags at build time")
        .stderr_has("skipped plugins/crate/Cargo.toml: ")
        .stderr_has("no workspace above sets `workspace.package.version`")
        .stderr_has(
            "skipped .claude-plugin/marketplace.json: plugin `far` (github source): it is fetched from elsewhere, \
             so it is no package of this repository; vbump never touches its entry or its `ref`\n",
        )
        .stderr_has("package `bare` (plugins/bare) has no version anywhere");
    assert!(
        out.stdout.contains(
            "[[package]]\nname = \"bare\"\npath = \"plugins/bare\"\ntag = \"{name}--v{version}\"\n\
             # No version anywhere: its version lives in its tags only.\n"
        ),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("far"), "{}", out.stdout);
}

#[test]
fn init_writes_the_marketplace_version_choice_of_a_single_plugin() {
    // Equal today (777genius/claude-notifications-go): it follows the plugin.
    let same = crate::locations::with_fixtures(
        "777genius__claude-notifications-go",
        &[".claude-plugin/marketplace.json", ".claude-plugin/plugin.json"],
    );
    same.vbump(["init"]).code(0).stdout_has(
        "\n# The marketplace's own version (`/metadata/version` in .claude-plugin/marketplace.json, 1.0.0)\n\
         # equals its plugin's version today: releases move it too.\n\
         marketplace-version = \"follow\"\n",
    );
    // Apart (nicobailon/visual-explainer at 0.5.1): written down as independent, and left out.
    let apart = crate::marketplace_version::visual_explainer();
    let out = apart.vbump(["init", "--write"]);
    out.code(0).stdout_has("with 3 location(s)").stderr_has("differs from its plugin's (0.5.1): left alone");
    let written = apart.read_text("vbump.toml");
    assert!(
        written.contains(
            "\n# The marketplace's own version (`/metadata/version` in .claude-plugin/marketplace.json, 1.0.0)\n\
             # differs from its plugin's version: releases leave it alone.\n\
             marketplace-version = \"independent\"\n"
        ),
        "{written}"
    );
    assert!(!written.contains("/metadata/version\"\n"), "{written}");
    assert_eq!(crate::schema::problems(&written), Vec::<String>::new());
    apart.commit("chore: vbump.toml");
    apart.vbump(["check"]).expect(0, crate::marketplace_version::PLUGIN_AGREES, "");
}
