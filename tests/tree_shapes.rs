//! Work trees of unusual shapes: symbolic links, catalog entries sharing a folder, files where a
//! path expects a folder, several failing locations. What detection finds and what `check` and
//! `plan` accept or refuse here does not depend on how vbump reads the tree (each file and listing
//! once per command, or each probe on its own); the last test holds detection and `check` of every
//! real fixture to a recorded answer.

use std::path::Path;

use crate::locations::init_locations;
use crate::support::TestRepo;

fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// `{"plugins": [...]}` with the entries given, one per line.
fn catalog(entries: &[&str]) -> String {
    format!(
        "{{\n  \"name\": \"cat\",\n  \"owner\": {{\"name\": \"o\"}},\n  \"plugins\": [\n    {}\n  ]\n}}\n",
        entries.join(",\n    ")
    )
}

/// Plugins `a` (1.0.0) and `b` (2.0.0) under `plugins/`, each with a `.claude-plugin/plugin.json`
/// and an entry of the root catalog; `a`'s manifest is left to the caller.
fn two_plugins_without_a_manifest() -> TestRepo {
    let repo = TestRepo::new();
    repo.file(
        ".claude-plugin/marketplace.json",
        catalog(&[
            r#"{"name": "a", "source": "./plugins/a", "version": "1.0.0"}"#,
            r#"{"name": "b", "source": "./plugins/b", "version": "2.0.0"}"#,
        ]),
    )
    .file("plugins/b/.claude-plugin/plugin.json", r#"{"name": "b", "version": "2.0.0"}"#);
    repo
}

const LINK_HINT: &str =
    "  hint: configure the file the link points to (`[[location]] file = ...` in vbump.toml)\n";

/// `check` and `plan` both refuse `a`'s manifest, naming `link` as the symbolic link on its way.
#[track_caller]
fn refused_by_check_and_plan(repo: &TestRepo, link: &str) {
    let refusal = format!(
        "vbump: error: plugins/a/.claude-plugin/plugin.json: version file `plugins/a/.claude-plugin/plugin.json` goes through the symbolic link `{link}`\n{LINK_HINT}"
    );
    repo.vbump(["check"]).expect(2, "", &refusal);
    repo.vbump(["plan"]).expect(2, "", &refusal);
}

#[test]
fn a_plugin_manifest_reached_through_a_linked_folder_is_refused_by_check_and_plan() {
    let repo = two_plugins_without_a_manifest();
    repo.file("shared/.claude-plugin/plugin.json", r#"{"name": "a", "version": "1.0.0"}"#);
    std::fs::create_dir_all(repo.path().join("plugins/a")).unwrap();
    symlink("../../shared/.claude-plugin", repo.path().join("plugins/a/.claude-plugin"));
    repo.commit("feat: plugins");
    refused_by_check_and_plan(&repo, "plugins/a/.claude-plugin");
}

#[test]
fn a_plugin_folder_that_is_a_link_is_refused_at_the_folder() {
    let repo = two_plugins_without_a_manifest();
    repo.file("real-a/.claude-plugin/plugin.json", r#"{"name": "a", "version": "1.0.0"}"#);
    std::fs::create_dir_all(repo.path().join("plugins")).unwrap();
    symlink("../real-a", repo.path().join("plugins/a"));
    repo.commit("feat: plugins");
    refused_by_check_and_plan(&repo, "plugins/a");
}

#[test]
fn a_plugin_manifest_that_is_itself_a_link_is_refused() {
    let repo = two_plugins_without_a_manifest();
    repo.file("store/a.json", r#"{"name": "a", "version": "1.0.0"}"#);
    std::fs::create_dir_all(repo.path().join("plugins/a/.claude-plugin")).unwrap();
    symlink("../../../store/a.json", repo.path().join("plugins/a/.claude-plugin/plugin.json"));
    repo.commit("feat: plugins");
    refused_by_check_and_plan(&repo, "plugins/a/.claude-plugin/plugin.json");
}

#[test]
fn a_linked_folder_is_not_searched_for_copies_of_the_version() {
    // `linked` points outside the repository at a package of the same version: git commits the
    // link, not that package, so it is no copy of this one (and a release could not commit it).
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("package.json"), r#"{"name": "other", "version": "1.2.3"}"#).unwrap();
    let repo = TestRepo::new();
    repo.file("package.json", r#"{"name": "x", "version": "1.2.3"}"#);
    symlink(outside.path(), repo.path().join("linked"));
    repo.commit("feat: x");
    assert_eq!(init_locations(&repo), [("package.json".to_string(), "json:/version".to_string())]);
    repo.vbump(["check"]).code(0).stdout_has("all 1 location(s) agree on 1.2.3");
}

#[test]
fn requirement_pins_behind_a_linked_folder_are_not_detected() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("requirements.txt"), "x==1.2.3\n").unwrap();
    let repo = TestRepo::new();
    repo.file("pyproject.toml", "[project]\nname = \"x\"\nversion = \"1.2.3\"\n");
    symlink(outside.path(), repo.path().join("action"));
    repo.commit("feat: x");
    assert_eq!(init_locations(&repo), [("pyproject.toml".to_string(), "toml:project.version".to_string())]);
    repo.vbump(["check"]).code(0);
}

#[test]
fn two_catalog_entries_with_the_same_folder_are_both_that_folders_versions() {
    let repo = TestRepo::new();
    repo.file(
        ".claude-plugin/marketplace.json",
        catalog(&[
            r#"{"name": "a", "source": "./plugins/a", "version": "1.0.0"}"#,
            r#"{"name": "a-too", "source": "./plugins/a", "version": "1.0.0"}"#,
            r#"{"name": "b", "source": "./plugins/b", "version": "2.0.0"}"#,
        ]),
    )
    .file("plugins/a/.claude-plugin/plugin.json", r#"{"name": "a", "version": "1.0.0"}"#)
    .file("plugins/b/.claude-plugin/plugin.json", r#"{"name": "b", "version": "2.0.0"}"#)
    .commit("feat: plugins");
    repo.vbump(["check"]).expect(
        0,
        "PACKAGE  FILE:LINE                               LOCATION                       VALUE\n\
         a        plugins/a/.claude-plugin/plugin.json:1  /version                       1.0.0\n\
         a        .claude-plugin/marketplace.json:5       /plugins/[name=a]/version      1.0.0\n\
         a        .claude-plugin/marketplace.json:6       /plugins/[name=a-too]/version  1.0.0\n\
         a-too    plugins/a/.claude-plugin/plugin.json:1  /version                       1.0.0\n\
         a-too    .claude-plugin/marketplace.json:5       /plugins/[name=a]/version      1.0.0\n\
         a-too    .claude-plugin/marketplace.json:6       /plugins/[name=a-too]/version  1.0.0\n\
         b        plugins/b/.claude-plugin/plugin.json:1  /version                       2.0.0\n\
         b        .claude-plugin/marketplace.json:7       /plugins/[name=b]/version      2.0.0\n\
         \n\
         the locations of each of 3 package(s) agree (8 location(s))\n",
        "",
    );
}

#[test]
fn plugins_with_no_version_are_warned_about_at_their_own_entry_line() {
    // The cache-trap warning points at the entry's `name`; a name written with an escape is
    // matched decoded, and a remote entry of the same name does not hide the local one's line.
    let repo = TestRepo::new();
    repo.file(
        ".claude-plugin/marketplace.json",
        catalog(&[
            r#"{"name": "a", "source": "./plugins/a"}"#,
            r#"{"name": "caf\u00e9", "source": "./plugins/b"}"#,
            r#"{"name": "c", "source": "./plugins/c", "version": "1.0.0"}"#,
            r#"{"name": "a", "source": {"source": "github", "repo": "x/y"}}"#,
        ]),
    )
    .file("plugins/a/README.md", "a\n")
    .file("plugins/b/README.md", "b\n")
    .file("plugins/c/.claude-plugin/plugin.json", r#"{"name": "c", "version": "1.0.0"}"#)
    .commit("feat: plugins");
    let out = repo.vbump(["check", "--format", "github"]);
    out.code(0);
    let warnings: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("::warning")).collect();
    // `a` is named by two entries, so no single line is its own.
    assert_eq!(warnings.len(), 2, "{}", out.stdout);
    assert!(warnings[0].starts_with("::warning::") && warnings[0].contains("package `a`"), "{}", out.stdout);
    assert!(
        warnings[1].starts_with("::warning file=.claude-plugin/marketplace.json,line=6")
            && warnings[1].contains("package `café`"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_workspace_glob_skips_files_beside_the_member_folders() {
    // `crates/README.md` is no member: there is no `crates/README.md/Cargo.toml` to read.
    let repo = TestRepo::new();
    repo.file(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\n[workspace.package]\nversion = \"1.2.3\"\n",
    )
    .file("crates/a/Cargo.toml", "[package]\nname = \"a\"\nversion.workspace = true\n")
    .file("crates/README.md", "crates\n")
    .commit("feat: x");
    assert_eq!(
        init_locations(&repo),
        [("Cargo.toml".to_string(), "toml:workspace.package.version".to_string())]
    );
    repo.vbump(["check"]).code(0);
}

#[test]
fn an_optional_location_below_a_regular_file_is_absent() {
    let repo = TestRepo::new();
    repo.file("a.json", r#"{"version": "1.2.3"}"#)
        .file(
            "vbump.toml",
            "[[location]]\nfile = \"a.json\"\njson = \"/version\"\n\n\
             [[location]]\nfile = \"a.json/x.json\"\njson = \"/version\"\noptional = true\n",
        )
        .commit("feat: x");
    repo.vbump(["check"]).code(0).stdout_has("all 1 location(s) agree on 1.2.3");
}

#[test]
fn of_several_failing_locations_the_first_in_order_is_named() {
    // `a.json` is declared first and cannot be parsed; `b.json`, declared after it, is missing.
    let repo = TestRepo::new();
    repo.file("a.json", "{\"version\": \n")
        .file(
            "vbump.toml",
            "[[location]]\nfile = \"a.json\"\njson = \"/version\"\n\n\
             [[location]]\nfile = \"b.json\"\njson = \"/version\"\n",
        )
        .commit("feat: x");
    for command in ["check", "plan"] {
        repo.vbump([command]).code(2).stderr_has(
            "vbump: error: a.json:2:1: location `/version`: invalid JSON: EOF while parsing a value\n",
        );
    }
}

#[test]
fn codex_local_entries_and_a_catalog_in_a_plugin_folder_are_each_packages_own() {
    // The root Codex catalog lists `a` and `b` by `{"source": "local", "path": ...}`; `a`'s folder
    // has a catalog of its own with one plugin below it (that plugin and the catalog's version are
    // `a`'s), `b`'s folder a catalog of three (only its `./` entry is `b`'s).
    let repo = TestRepo::new();
    repo.file(
        ".agents/plugins/marketplace.json",
        r#"{"name": "c", "plugins": [
  {"name": "a", "source": {"source": "local", "path": "./plugins/a"}, "version": "1.0.0"},
  {"name": "b", "source": {"source": "local", "path": "./plugins/b"}, "version": "2.0.0"}
]}
"#,
    )
    .file(".claude-plugin/marketplace.json", catalog(&[
        r#"{"name": "a", "source": "./plugins/a"}"#,
        r#"{"name": "b", "source": "./plugins/b"}"#,
    ]))
    .file(
        "plugins/a/.claude-plugin/marketplace.json",
        r#"{"name": "acat", "metadata": {"version": "1.0.0"}, "plugins": [{"name": "a-inner", "source": "./inner", "version": "1.0.0"}]}"#,
    )
    .file("plugins/a/inner/.claude-plugin/plugin.json", r#"{"name": "a-inner", "version": "1.0.0"}"#)
    .file("plugins/b/.codex-plugin/plugin.json", r#"{"name": "b", "version": "2.0.0"}"#)
    .file(
        "plugins/b/.claude-plugin/marketplace.json",
        r#"{"name": "bcat", "plugins": [{"name": "b", "source": "./", "version": "2.0.0"}, {"name": "bx", "source": "./x", "version": "3.0.0"}, {"name": "by", "source": "./y", "version": "4.0.0"}]}"#,
    )
    .file("plugins/b/x/.claude-plugin/plugin.json", r#"{"name": "bx", "version": "3.0.0"}"#)
    .file("plugins/b/y/.claude-plugin/plugin.json", r#"{"name": "by", "version": "4.0.0"}"#)
    .commit("feat: plugins");
    repo.vbump(["check"]).expect(
        0,
        "PACKAGE  FILE:LINE                                     LOCATION                         VALUE\n\
         a        plugins/a/.claude-plugin/marketplace.json:1   /metadata/version                1.0.0\n\
         a        plugins/a/.claude-plugin/marketplace.json:1   /plugins/[name=a-inner]/version  1.0.0\n\
         a        plugins/a/inner/.claude-plugin/plugin.json:1  /version                         1.0.0\n\
         a        .agents/plugins/marketplace.json:2            /plugins/[name=a]/version        1.0.0\n\
         b        plugins/b/.codex-plugin/plugin.json:1         /version                         2.0.0\n\
         b        plugins/b/.claude-plugin/marketplace.json:1   /plugins/[name=b]/version        2.0.0\n\
         b        .agents/plugins/marketplace.json:3            /plugins/[name=b]/version        2.0.0\n\
         \n\
         the locations of each of 2 package(s) agree (7 location(s))\n",
        "",
    );
}

/// Every repository under fixtures/real, rebuilt at its original paths (`a__b.json` is `a/b.json`,
/// `pkg____init__.py` is `pkg/__init__.py`).
fn real_fixture_repos() -> Vec<(String, TestRepo)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/real");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let repo = TestRepo::new();
            for file in std::fs::read_dir(root.join(&name)).unwrap().flatten() {
                let stored = file.file_name().into_string().unwrap();
                repo.file(&original_path(&stored), std::fs::read(file.path()).unwrap());
            }
            repo.commit("chore: import");
            (name, repo)
        })
        .collect()
}

/// The path a fixture file had in its repository.
fn original_path(stored: &str) -> String {
    // A Python dunder module (`____init__.py`): the folder separator, then `__init__.py`.
    if let Some((folder, module)) = stored.split_once("____") {
        return format!("{}/__{module}", folder.replace("__", "/"));
    }
    stored.replace("__", "/")
}

#[test]
fn detection_and_check_of_every_real_fixture_are_as_recorded() {
    let mut record = String::new();
    for (name, repo) in real_fixture_repos() {
        for command in [["init"], ["check"]] {
            let out = repo.vbump(command);
            record.push_str(&format!(
                "== {name}: vbump {}\nexit {}\n{}{}\n",
                command.join(" "),
                out.code,
                out.stdout,
                out.stderr
            ));
        }
    }
    insta::assert_snapshot!("real_fixtures_detection_and_check", record);
}

/// A catalog of `count` plugins `p00`, `p01`, … under `plugins/`, each at version `1.0.<i>` in
/// its entry and its manifest; `manifest` may replace a plugin's manifest text.
fn large_catalog(count: usize, manifest: impl Fn(usize) -> Option<String>) -> TestRepo {
    let repo = TestRepo::new();
    let entries: Vec<String> = (0..count)
        .map(|i| format!(r#"{{"name": "p{i:02}", "source": "./plugins/p{i:02}", "version": "1.0.{i}"}}"#))
        .collect();
    repo.file(
        ".claude-plugin/marketplace.json",
        catalog(&entries.iter().map(String::as_str).collect::<Vec<_>>()),
    );
    for i in 0..count {
        let text =
            manifest(i).unwrap_or_else(|| format!("{{\"name\": \"p{i:02}\", \"version\": \"1.0.{i}\"}}\n"));
        repo.file(&format!("plugins/p{i:02}/.claude-plugin/plugin.json"), text);
    }
    repo
}

// Seventy plugin folders are detected on several threads where the machine has several cores
// (`locations::detect_all`); what `check` says must not show it.

#[test]
fn a_catalog_detected_on_several_threads_is_checked_in_catalog_order() {
    let repo = large_catalog(70, |i| {
        (i == 52).then(|| "{\n  \"name\": \"p52\",\n  \"version\": \"9.9.9\"\n}\n".into())
    });
    repo.commit("feat: seventy plugins");
    let out = repo.vbump(["check", "--format", "json"]);
    out.code(1);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let names: Vec<&str> =
        report["packages"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    let expected: Vec<String> = (0..70).map(|i| format!("p{i:02}")).collect();
    assert_eq!(names, expected);
    assert_eq!(report["packages"][69]["version"], "1.0.69");
    assert_eq!(report["packages"][69]["locations"].as_array().unwrap().len(), 2);
    // Both values of p52 are valid and they tie: the higher is agreed, the entry is the drift.
    assert_eq!(
        report["problems"],
        serde_json::json!([
            "p52: .claude-plugin/marketplace.json:57: `/plugins/[name=p52]/version` is 1.0.52, but the other locations say 9.9.9"
        ])
    );
}

#[test]
fn of_two_broken_manifests_far_apart_in_a_large_catalog_the_first_is_named() {
    let broken = |i| matches!(i, 5 | 64).then(|| "{\"name\": \n".to_string());
    let repo = large_catalog(70, broken);
    repo.commit("feat: seventy plugins");
    repo.vbump(["check"])
        .code(2)
        .stderr_has("vbump: error: plugins/p05/.claude-plugin/plugin.json:2:1: invalid JSON");
    // Alone, the later one is named: an error found on any thread is reported.
    let repo = large_catalog(70, |i| (i == 64).then(|| "{\"name\": \n".to_string()));
    repo.commit("feat: seventy plugins");
    repo.vbump(["check"])
        .code(2)
        .stderr_has("vbump: error: plugins/p64/.claude-plugin/plugin.json:2:1: invalid JSON");
}
