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

/// The locations `vbump init --format json` reports, as `(file, "kind:selector")`.
pub fn init_locations(repo: &TestRepo) -> Vec<(String, String)> {
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
            // A regex selector is `{"pattern": …, "all": …}`.
            let value = value.as_str().or_else(|| value["pattern"].as_str()).unwrap();
            (s["file"].as_str().unwrap().to_string(), format!("{kind}:{value}"))
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
fn marketplace_of_many_subfolder_plugins_is_no_version_of_the_repository() {
    // Each plugin is a package of its own (tests/packages.rs): nothing at the root follows them,
    // and the marketplace's own version is no package's location.
    for (dir, plugins) in
        [("ReScienceLab__opc-skills", 9), ("anthropics__claude-code", 13), ("MadAppGang__magus", 16)]
    {
        let repo = with_fixtures(dir, &[".claude-plugin/marketplace.json"]);
        let out = repo.vbump(["init", "--format", "json"]);
        let proposal: serde_json::Value = serde_json::from_str(&out.code(0).stdout).unwrap();
        let packages = proposal["packages"].as_array().unwrap();
        assert_eq!(packages.len(), plugins, "{dir}");
        for package in packages {
            for location in package["locations"].as_array().unwrap() {
                let pointer = location["selector"]["json"].as_str().unwrap();
                assert!(pointer.starts_with("/plugins/"), "{dir}: {pointer}");
            }
        }
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

#[test]
fn skipped_values_are_explained() {
    let dynamic = with_fixtures("basicmachines-co__basic-memory", &["pyproject.toml"]);
    dynamic.vbump(["init"]).code(0).stderr_has("the version is computed from git tags at build time");

    let catalog = with_fixtures("ReScienceLab__opc-skills", &[".claude-plugin/marketplace.json"]);
    catalog
        .vbump(["init"])
        .code(0)
        .stderr_has("the marketplace's own version (1.0.4) differs from its plugins'");

    let inherited = TestRepo::new();
    inherited.file("Cargo.toml", "[package]\nname = \"x\"\nversion.workspace = true\n").commit("chore: init");
    inherited.vbump(["init"]).code(0).stderr_has("no workspace above sets `workspace.package.version`");
}

#[test]
fn a_plugin_beside_a_python_package_of_another_name_and_version_keeps_the_plugin_version() {
    let repo = TestRepo::new();
    repo.file(".claude-plugin/plugin.json", "{\"name\": \"helper\", \"version\": \"2.1.0\"}\n")
        .file("pyproject.toml", "[project]\nname = \"helper-lib\"\nversion = \"0.4.0\"\n")
        .commit("chore: init");
    assert_eq!(init_locations(&repo), pairs(&[(".claude-plugin/plugin.json", "json:/version")]));
    repo.vbump(["init"]).code(0).stderr_has("it defines another package (helper-lib 0.4.0)");
}

#[test]
fn python_dynamic_version_from_a_hatch_path_setup_cfg_and_a_version_file() {
    let hatch = TestRepo::new();
    hatch
        .file(
            "pyproject.toml",
            "[project]\nname = \"demo\"\ndynamic = [\"version\"]\n\n[tool.hatch.version]\npath = \"src/demo/__about__.py\"\n",
        )
        .file("src/demo/__about__.py", "__version__: str = \"0.7.1\"\n")
        .commit("chore: init");
    let dunder = r#"regex:(?m)^__version__\s*(?::\s*str\s*)?=\s*["'](?P<version>[^"'\s]+)["']"#;
    assert_eq!(init_locations(&hatch), pairs(&[("src/demo/__about__.py", dunder)]));
    hatch.vbump(["set", "0.8.0-beta.2"]).code(0);
    assert_eq!(hatch.read_text("src/demo/__about__.py"), "__version__: str = \"0.8.0b2\"\n");
    // project.version is never added to a dynamic pyproject.
    assert!(!hatch.read_text("pyproject.toml").contains("0.8.0"));

    let cfg = TestRepo::new();
    cfg.file("setup.cfg", "[metadata]\nname = demo\nversion = 1.2.0\n\n[options]\npackages = find:\n")
        .file("VERSION", "1.2.0\n")
        .commit("chore: init");
    assert_eq!(
        init_locations(&cfg),
        pairs(&[
            ("setup.cfg", r"regex:(?m)^version\s*=\s*(?P<version>[0-9][^\s;#]*)"),
            ("VERSION", r"regex:\A\s*(?P<version>[0-9][0-9A-Za-z.+-]*)\s*\z"),
        ])
    );
    cfg.vbump(["set", "1.3.0-rc.1"]).code(0);
    assert_eq!(cfg.read_text("VERSION"), "1.3.0-rc.1\n");
    assert!(cfg.read_text("setup.cfg").contains("version = 1.3.0rc1\n"));
}

#[test]
fn subfolder_packages_follow_only_when_they_share_a_version_that_is_not_a_usual_first_one() {
    let repo = TestRepo::new();
    repo.file("package.json", "{\"name\": \"tool\", \"version\": \"2.3.4\"}\n")
        .file("npm-package/package.json", "{\"name\": \"tool-bin\", \"version\": \"2.3.4\"}\n")
        .file("integrations/langchain/pyproject.toml", "[project]\nname = \"tool-lc\"\nversion = \"2.3.4\"\n")
        .file("integrations/other/pyproject.toml", "[project]\nname = \"other\"\nversion = \"0.2.0\"\n")
        .file("examples/app/package.json", "{\"name\": \"app\", \"version\": \"2.3.4\"}\n")
        .commit("chore: init");
    assert_eq!(
        init_locations(&repo),
        pairs(&[
            ("package.json", "json:/version"),
            ("integrations/langchain/pyproject.toml", "toml:project.version"),
            ("npm-package/package.json", "json:/version"),
        ])
    );
    repo.vbump(["init"])
        .code(0)
        .stderr_has("skipped integrations/other/pyproject.toml: version \"0.2.0\": a package of its own");

    let young = TestRepo::new();
    young
        .file("package.json", "{\"name\": \"tool\", \"version\": \"1.0.0\"}\n")
        .file("sub/package.json", "{\"name\": \"sub\", \"version\": \"1.0.0\"}\n")
        .commit("chore: init");
    assert_eq!(init_locations(&young), pairs(&[("package.json", "json:/version")]));
    young.vbump(["init"]).code(0).stderr_has("1.0.0 is a usual first version");
    // Another package's broken manifest does not stop detection of this one.
    young.file("tools/x/package.json", "{\"version\": \"1.0.0\",}\n").commit("chore: broken");
    young.vbump(["init"]).code(0).stderr_has("skipped tools/x/package.json: manifest: it cannot be read");
}

#[test]
fn cargo_workspace_path_dependencies_pinning_the_version_follow_it() {
    let repo = TestRepo::new();
    repo.file(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.package]\nversion = \"0.13.1\"\n\n[workspace.dependencies]\ntypst-syntax = { path = \"crates/typst-syntax\", version = \"0.13.1\" }\nserde = \"1\"\n",
    )
    .file("crates/typst-syntax/Cargo.toml", "[package]\nname = \"typst-syntax\"\nversion.workspace = true\n")
    .file(
        "crates/typst/Cargo.toml",
        "[package]\nname = \"typst\"\nversion = \"0.13.1\"\n\n[dependencies]\ntypst-syntax = { path = \"../typst-syntax\", version = \"0.13.1\" }\n",
    )
    .commit("chore: init");
    assert_eq!(
        init_locations(&repo),
        pairs(&[
            ("Cargo.toml", "toml:workspace.package.version"),
            ("crates/typst/Cargo.toml", "toml:package.version"),
            ("Cargo.toml", "toml:workspace.dependencies.typst-syntax.version"),
            ("crates/typst/Cargo.toml", "toml:dependencies.typst-syntax.version"),
        ])
    );
    repo.vbump(["set", "0.14.0"]).code(0);
    assert!(
        repo.read_text("crates/typst/Cargo.toml")
            .contains("typst-syntax = { path = \"../typst-syntax\", version = \"0.14.0\" }")
    );
}

#[test]
fn a_non_string_plugin_version_is_an_error_not_an_empty_release() {
    let repo = TestRepo::new();
    repo.file(".claude-plugin/plugin.json", "{\n  \"name\": \"p\",\n  \"version\": 1.2\n}\n")
        .commit("chore: init");
    repo.vbump(["plan"])
        .code(2)
        .stderr_has(".claude-plugin/plugin.json:3")
        .stderr_has("`/version` is not a string")
        .stderr_has("\"version\": \"1.2.0\"");
    let toml = TestRepo::new();
    toml.file("Cargo.toml", "[package]\nname = \"x\"\nversion = 1.2\n").commit("chore: init");
    toml.vbump(["check"])
        .code(2)
        .stderr_has("Cargo.toml:3")
        .stderr_has("`package.version` is float, not a string");
}

#[cfg(unix)]
#[test]
fn a_fifo_as_version_file_is_an_error_not_a_hang() {
    let repo = TestRepo::new();
    repo.file("vbump.toml", "[[location]]\nfile = \"VERSION\"\nregex = '(?P<version>.+)'\n")
        .commit("chore: init");
    let status = std::process::Command::new("mkfifo").arg(repo.path().join("VERSION")).status().unwrap();
    assert!(status.success());
    repo.vbump(["check"]).code(2).stderr_has("not a regular file");
    // Detection does not block on one either.
    std::fs::remove_file(repo.path().join("vbump.toml")).unwrap();
    std::fs::remove_file(repo.path().join("VERSION")).unwrap();
    let status = std::process::Command::new("mkfifo").arg(repo.path().join("package.json")).status().unwrap();
    assert!(status.success());
    repo.vbump(["init"]).code(2).stderr_has("package.json").stderr_has("not a regular file");
}

#[cfg(unix)]
#[test]
fn a_read_only_version_file_is_an_error_and_stays_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let repo = TestRepo::new();
    repo.file("package.json", "{\"version\": \"1.0.0\"}\n").commit("chore: init");
    let path = repo.path().join("package.json");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    repo.vbump(["set", "1.1.0"]).code(2).stderr_has("package.json").stderr_has("read-only");
    assert_eq!(repo.read_text("package.json"), "{\"version\": \"1.0.0\"}\n");
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o444);
    // Reading is fine: check passes.
    repo.vbump(["check"]).code(0);
}

#[test]
fn a_python_pre_release_is_written_the_pep440_way_and_tagged_the_semver_way() {
    let repo = with_fixtures("RichardAtCT__claude-code-telegram", &["pyproject.toml"]);
    repo.tag("v1.2.0");
    repo.file("bot.py", "print('hi')\n").commit("feat: greet");
    repo.vbump(["release", "--pre", "rc"]).code(0);
    assert!(repo.read_text("pyproject.toml").contains("version = \"1.3.0rc1\""));
    assert_eq!(repo.git(["tag", "--points-at", "HEAD"]).trim(), "v1.3.0-rc.1");
    repo.vbump(["check"]).code(0).stdout_has("all 1 location(s) agree on 1.3.0-rc.1");
}
