//! Auto-detection on real repositories' files: which version locations vbump finds on its own.

use crate::support::TestRepo;

/// A repository holding real fixture files at their original paths
/// (`fixtures/real/<owner>__<repo>/<path with / as __>`).
pub fn with_fixtures(repo_dir: &str, files: &[&str]) -> TestRepo {
    let repo = TestRepo::new();
    for file in files {
        let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/real")
            .join(repo_dir)
            .join(file.replace('/', "__"));
        repo.file(file, std::fs::read(&source).unwrap());
    }
    repo.commit("chore: import");
    repo
}

fn init_locations(repo: &TestRepo) -> Vec<(String, String)> {
    let out = repo.vbump(["init", "--format", "json"]);
    out.code(0);
    let specs: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    specs
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let selector = s["selector"].as_object().unwrap();
            let (kind, value) = selector.iter().next().unwrap();
            (s["file"].as_str().unwrap().to_string(), format!("{kind}:{}", value.as_str().unwrap()))
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn root_plugin_marketplace_entry_and_catalog_version_are_detected() {
    let repo = with_fixtures(
        "777genius__claude-notifications-go",
        &[".claude-plugin/marketplace.json", ".claude-plugin/plugin.json"],
    );
    assert_eq!(
        init_locations(&repo),
        pairs(&[
            (".claude-plugin/plugin.json", "json:/version"),
            (".claude-plugin/marketplace.json", "json:/metadata/version"),
            (".claude-plugin/marketplace.json", "json:/plugins/[name=claude-notifications-go]/version"),
        ])
    );
    repo.vbump(["check"]).code(0).stdout_has("all 3 location(s) agree on 1.0.0");
}

#[test]
fn single_plugin_under_plugin_root_is_detected_and_its_drift_reported() {
    let repo = with_fixtures(
        "nicobailon__visual-explainer",
        &[".claude-plugin/marketplace.json", "plugins/visual-explainer/.claude-plugin/plugin.json"],
    );
    assert_eq!(
        init_locations(&repo),
        pairs(&[
            (".claude-plugin/marketplace.json", "json:/metadata/version"),
            (".claude-plugin/marketplace.json", "json:/plugins/[name=visual-explainer]/version"),
            ("plugins/visual-explainer/.claude-plugin/plugin.json", "json:/version"),
        ])
    );
    repo.vbump(["check"])
        .code(1)
        .stdout_has("plugins/visual-explainer/.claude-plugin/plugin.json:4  /version")
        .stdout_has("0.9.0  (differs from 0.10.0)");
}

#[test]
fn marketplace_of_many_subfolder_plugins_is_left_alone() {
    for (dir, file) in [
        ("ReScienceLab__opc-skills", ".claude-plugin/marketplace.json"),
        ("anthropics__claude-code", ".claude-plugin/marketplace.json"),
        ("MadAppGang__magus", ".claude-plugin/marketplace.json"),
    ] {
        let repo = with_fixtures(dir, &[file]);
        assert_eq!(init_locations(&repo), vec![], "{dir}");
    }
}

#[test]
fn remote_sources_are_never_touched() {
    let repo = TestRepo::new();
    repo.file(
        ".claude-plugin/marketplace.json",
        r#"{
  "name": "m",
  "version": "2.0.0",
  "plugins": [
    {"name": "here", "source": "./", "version": "2.0.0"},
    {"name": "far", "source": {"source": "github", "repo": "o/r"}, "version": "9.9.9"},
    {"name": "url", "source": {"source": "url", "url": "https://example.com/x.git"}, "version": "1.0.0"}
  ]
}
"#,
    )
    .commit("chore: init");
    assert_eq!(
        init_locations(&repo),
        pairs(&[
            (".claude-plugin/marketplace.json", "json:/version"),
            (".claude-plugin/marketplace.json", "json:/plugins/[name=here]/version"),
        ])
    );
}

#[test]
fn python_and_rust_manifests() {
    let poetry = with_fixtures("RichardAtCT__claude-code-telegram", &["pyproject.toml"]);
    assert_eq!(init_locations(&poetry), pairs(&[("pyproject.toml", "toml:tool.poetry.version")]));

    let dynamic = with_fixtures("basicmachines-co__basic-memory", &["pyproject.toml"]);
    assert_eq!(init_locations(&dynamic), vec![]);

    let workspace = with_fixtures("kreuzberg-dev__liter-llm", &["Cargo.toml"]);
    assert_eq!(init_locations(&workspace), pairs(&[("Cargo.toml", "toml:workspace.package.version")]));
    workspace.vbump(["check"]).code(0).stdout_has("Cargo.toml:25  workspace.package.version  1.4.0-rc.27");
}

#[test]
fn member_crate_inheriting_the_workspace_version_is_skipped() {
    let repo = TestRepo::new();
    repo.file(
        "Cargo.toml",
        "[package]\nname = \"x\"\nversion.workspace = true\n\n[dependencies]\nserde = { version = \"1\" }\n",
    )
    .commit("chore: init");
    assert_eq!(init_locations(&repo), vec![]);
}

#[test]
fn sub_package_json_does_not_follow_the_repository() {
    let repo = with_fixtures("thedotmack__claude-mem", &["workers/sync-hub/package.json"]);
    assert_eq!(init_locations(&repo), vec![]);
    repo.file("package.json", "{\n\t\"name\": \"root\",\n\t\"version\": \"3.1.0\"\n}\n")
        .commit("chore: root");
    assert_eq!(init_locations(&repo), pairs(&[("package.json", "json:/version")]));
}
