use std::path::Path;

use super::*;

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn found(detection: &Detection) -> Vec<(String, String)> {
    detection
        .locations
        .iter()
        .map(|l| (display(&l.file), crate::edit::selector_text(&l.selector).to_string()))
        .collect()
}

#[test]
fn a_plugin_of_a_catalog_is_detected_from_its_own_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        ".claude-plugin/marketplace.json",
        r#"{"name": "m", "metadata": {"version": "3.0.0", "pluginRoot": "./plugins"},
            "plugins": [{"name": "a", "source": "a", "version": "1.1.0"},
                        {"name": "b", "source": "./plugins/b", "version": "0.4.0"}]}"#,
    );
    write(root, "plugins/a/.claude-plugin/plugin.json", r#"{"name": "a", "version": "1.1.0"}"#);
    write(root, "plugins/a/.codex-plugin/plugin.json", r#"{"name": "a", "version": "1.1.0"}"#);
    write(root, "plugins/b/.claude-plugin/plugin.json", r#"{"name": "b", "version": "0.4.0"}"#);

    let a = detect(root, Path::new("plugins/a")).unwrap();
    assert_eq!(
        found(&a),
        [
            ("plugins/a/.claude-plugin/plugin.json", "/version"),
            ("plugins/a/.codex-plugin/plugin.json", "/version"),
            (".claude-plugin/marketplace.json", "/plugins/[name=a]/version"),
        ]
        .map(|(f, s)| (f.to_string(), s.to_string()))
    );
    // The root is not a plugin: the catalog's own version is nobody's, and is reported.
    let root_detection = detect(root, Path::new("")).unwrap();
    assert!(root_detection.locations.is_empty());
    assert_eq!(root_detection.skipped.len(), 1);
    assert!(root_detection.skipped[0].why.contains("each plugin folder is a package of its own"));
}

#[test]
fn a_member_crate_folder_points_at_the_workspace_version() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/x\"]\n[workspace.package]\nversion = \"2.0.0\"\n",
    );
    write(root, "crates/x/Cargo.toml", "[package]\nname = \"x\"\nversion.workspace = true\n");
    write(root, "Cargo.lock", "version = 4\n\n[[package]]\nname = \"x\"\nversion = \"2.0.0\"\n");
    let x = detect(root, Path::new("crates/x")).unwrap();
    assert_eq!(
        found(&x),
        [
            ("Cargo.toml", "workspace.package.version"),
            ("Cargo.lock", r#"(?m)^name = "x"\r?\nversion = "(?P<version>[^"]+)""#),
        ]
        .map(|(f, s)| (f.to_string(), s.to_string()))
    );
}

#[test]
fn keys_that_are_not_bare_are_quoted() {
    assert_eq!(quote_key("typst-syntax"), "typst-syntax");
    assert_eq!(quote_key("a.b"), "\"a.b\"");
    assert_eq!(quote_key(""), "\"\"");
}

/// Detection at the root of a temporary tree of `files`.
fn detect_in(files: &[(&str, &str)]) -> Detection {
    let dir = tempfile::tempdir().unwrap();
    for (file, text) in files {
        write(dir.path(), file, text);
    }
    detect(dir.path(), Path::new("")).unwrap()
}

fn skipped_has(detection: &Detection, file: &str, why: &str) -> bool {
    detection.skipped.iter().any(|s| display(&s.file) == file && s.why.contains(why))
}

const DUNDER_SELECTOR: &str = r#"(?m)^__version__\s*(?::\s*str\s*)?=\s*["'](?P<version>[^"'\s]+)["']"#;

#[test]
fn a_dynamic_version_is_found_where_the_build_reads_it() {
    let attr = detect_in(&[
        (
            "pyproject.toml",
            "[project]\nname = \"a\"\ndynamic = [\"version\"]\n[tool.setuptools.dynamic]\nversion = { attr = \"a.about.__version__\" }\n",
        ),
        ("src/a/about.py", "__version__ = '2.0.0'\n"),
    ]);
    assert_eq!(found(&attr), [("src/a/about.py".to_string(), DUNDER_SELECTOR.to_string())]);

    let file = detect_in(&[
        (
            "pyproject.toml",
            "[project]\nname = \"a\"\ndynamic = [\"version\"]\n[tool.setuptools.dynamic]\nversion = { file = \"VERSION\" }\n",
        ),
        ("VERSION", "2.0.0\n"),
    ]);
    assert_eq!(found(&file).len(), 1);
    assert_eq!(found(&file)[0].0, "VERSION");

    let pdm = detect_in(&[
        (
            "pyproject.toml",
            "[project]\nname = \"a\"\ndynamic = [\"version\"]\n[tool.pdm.version]\nsource = \"file\"\npath = \"a/__init__.py\"\n",
        ),
        ("a/__init__.py", "__version__ = \"0.3.0\"\n"),
    ]);
    assert_eq!(found(&pdm), [("a/__init__.py".to_string(), DUNDER_SELECTOR.to_string())]);

    let conventional = detect_in(&[
        ("pyproject.toml", "[project]\nname = \"my-pkg\"\ndynamic = [\"version\"]\n"),
        ("src/my_pkg/_version.py", "__version__ = \"0.3.0\"\n"),
    ]);
    assert_eq!(found(&conventional), [("src/my_pkg/_version.py".to_string(), DUNDER_SELECTOR.to_string())]);

    let nowhere = detect_in(&[("pyproject.toml", "[project]\nname = \"a\"\ndynamic = [\"version\"]\n")]);
    assert!(nowhere.locations.is_empty());
    assert!(skipped_has(&nowhere, "pyproject.toml", "no file holding `__version__` was found"));

    let scm = detect_in(&[(
        "pyproject.toml",
        "[project]\nname = \"a\"\ndynamic = [\"version\"]\n[tool.setuptools_scm]\n",
    )]);
    assert!(skipped_has(&scm, "pyproject.toml", "computed from git tags"));

    let missing = detect_in(&[(
        "pyproject.toml",
        "[project]\nname = \"a\"\ndynamic = [\"version\"]\n[tool.hatch.version]\npath = \"a/__about__.py\"\n",
    )]);
    assert!(skipped_has(&missing, "a/__about__.py", "does not exist"));

    let unmarked = detect_in(&[
        (
            "pyproject.toml",
            "[project]\nname = \"a\"\ndynamic = [\"version\"]\n[tool.hatch.version]\npath = \"a/v.py\"\n",
        ),
        ("a/v.py", "VERSION = (1, 2)\n"),
    ]);
    assert!(skipped_has(&unmarked, "a/v.py", "no single `__version__"));
}

#[test]
fn setup_cfg_attr_and_file_and_a_dunder_that_disagrees() {
    let attr = detect_in(&[
        ("setup.cfg", "[metadata]\nname = a\nversion = attr: a.__version__\n"),
        ("a/__init__.py", "__version__ = \"1.1.0\"\n"),
    ]);
    assert_eq!(found(&attr), [("a/__init__.py".to_string(), DUNDER_SELECTOR.to_string())]);
    let lost = detect_in(&[("setup.cfg", "[metadata]\nversion = attr: gone.__version__\n")]);
    assert!(skipped_has(&lost, "setup.cfg", "the module it names was not found"));
    let file =
        detect_in(&[("setup.cfg", "[metadata]\nversion = file: VERSION.txt\n"), ("VERSION.txt", "1.1.0")]);
    assert_eq!(found(&file)[0].0, "VERSION.txt");
    let twice = detect_in(&[("setup.cfg", "[metadata]\nversion = 1.1.0\n[other]\nversion = 2\n")]);
    assert!(skipped_has(&twice, "setup.cfg", "more than one `version =` line"));

    let behind = detect_in(&[
        ("pyproject.toml", "[project]\nname = \"a\"\nversion = \"1.2.0\"\n"),
        ("a/__init__.py", "__version__ = \"1.1.0\"\n"),
    ]);
    assert_eq!(found(&behind), [("pyproject.toml".to_string(), "project.version".to_string())]);
    assert!(skipped_has(&behind, "a/__init__.py", "not the package's version 1.2.0"));
}

#[test]
fn uv_lock_and_requirement_pins_of_a_package_in_a_subfolder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "packages/py/pyproject.toml", "[project]\nname = \"My_Pkg\"\nversion = \"0.4.0rc1\"\n");
    write(
        root,
        "uv.lock",
        "version = 1\n\n[[package]]\nname = \"my-pkg\"\nversion = \"0.4.0rc1\"\nsource = { editable = \"packages/py\" }\n",
    );
    write(root, "packages/py/action/requirements.txt", "my-pkg==0.3.0\n");
    let detection = detect(root, Path::new("packages/py")).unwrap();
    let files: Vec<String> = found(&detection).into_iter().map(|(f, _)| f).collect();
    assert_eq!(files, ["packages/py/pyproject.toml", "uv.lock"]);
    assert!(skipped_has(&detection, "packages/py/action/requirements.txt", "pins My_Pkg at 0.3.0"));
    let stale = detect_in(&[
        ("pyproject.toml", "[project]\nname = \"a\"\nversion = \"1.0.0\"\n"),
        (
            "uv.lock",
            "version = 1\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = { registry = \"x\" }\n",
        ),
    ]);
    assert!(skipped_has(&stale, "uv.lock", "no editable entry for the project"));
}

#[test]
fn version_files_and_tauri_paths() {
    let alone = detect_in(&[("VERSION", "3.1.4\n")]);
    assert_eq!(found(&alone).len(), 1);
    let prose =
        detect_in(&[("package.json", "{\"version\": \"3.1.4\"}"), ("VERSION", "protocol 2\nsee docs\n")]);
    assert_eq!(found(&prose).len(), 1);
    let other = detect_in(&[("package.json", "{\"version\": \"3.1.4\"}"), ("VERSION", "2\n")]);
    assert!(skipped_has(&other, "VERSION", "not the package's version 3.1.4"));
    let word = detect_in(&[("VERSION", "1.x\n")]);
    assert!(word.locations.is_empty());

    let tauri = detect_in(&[
        ("package.json", "{\"version\": \"0.2.0\"}"),
        ("src-tauri/tauri.conf.json", "{\"version\": \"../package.json\"}"),
    ]);
    assert_eq!(found(&tauri), [("package.json".to_string(), "/version".to_string())]);
    assert!(skipped_has(&tauri, "src-tauri/tauri.conf.json", "Tauri reads the version from that file"));
}

#[test]
fn disagreeing_pins_markers_and_lock_names_are_reported() {
    let detection = detect_in(&[
        ("package.json", "{\"name\": \"tool\", \"version\": \"2.0.0\"}"),
        ("package-lock.json", "{\"name\": \"other\", \"version\": \"2.0.0\"}"),
        ("gemini-extension.json", "{\"version\": \"2.0.0\", \"args\": [\"tool@1.9.0\"]}"),
        (
            "release-please-config.json",
            "{\"packages\": {\".\": {\"extra-files\": [\"src/v.ts\", {\"type\": \"json\", \"path\": \"x.json\"}]}}}",
        ),
        ("src/v.ts", "export const V = '1.9.0'; // x-release-please-version\n"),
        ("server.json", "{\"name\": \"x\", \"version\": \"2.0.0\", \"packages\": []}"),
    ]);
    let files: Vec<String> = found(&detection).into_iter().map(|(f, _)| f).collect();
    assert_eq!(files, ["gemini-extension.json", "package.json", "server.json"]);
    assert!(skipped_has(&detection, "package-lock.json", "names another package"));
    assert!(skipped_has(&detection, "gemini-extension.json", "a pin of the package says 1.9.0"));
    assert!(skipped_has(&detection, "src/v.ts", "a release-please marker holds 1.9.0"));
    let lonely = detect_in(&[(
        "server.json",
        "{\"$schema\": \"https://static.modelcontextprotocol.io/x\", \"version\": \"1.0.0\"}",
    )]);
    assert!(skipped_has(&lonely, "server.json", "no manifest beside it"));
}

#[test]
fn workspace_members_that_disagree_are_packages_of_their_own() {
    let virtual_workspace = detect_in(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"a\", \"b\", \"c/**\"]\nexclude = [\"b\"]\n"),
        ("a/Cargo.toml", "[package]\nname = \"a\"\nversion = \"0.2.0\"\n"),
        ("b/Cargo.toml", "[package]\nname = \"b\"\nversion = \"0.9.0\"\n"),
    ]);
    assert_eq!(found(&virtual_workspace), [("a/Cargo.toml".to_string(), "package.version".to_string())]);
    assert!(skipped_has(&virtual_workspace, "Cargo.toml", "vbump expands only `folder/*` patterns"));
    let apart = detect_in(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"a\", \"b\"]\n"),
        ("a/Cargo.toml", "[package]\nname = \"a\"\nversion = \"0.2.0\"\n"),
        (
            "b/Cargo.toml",
            "[package]\nname = \"b\"\nversion = \"0.9.0\"\nversion2 = 1\n[dependencies]\na = { path = \"../a\", version = \"0.1\" }\n",
        ),
    ]);
    assert!(apart.locations.is_empty());
    assert!(skipped_has(&apart, "a/Cargo.toml", "the members have different versions"));
    let inherit_nothing = detect_in(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"a\"]\n"),
        ("a/Cargo.toml", "[package]\nname = \"a\"\nversion.workspace = true\n"),
    ]);
    assert!(skipped_has(
        &inherit_nothing,
        "a/Cargo.toml",
        "the workspace sets no `workspace.package.version`"
    ));
    let shared_lock = detect_in(&[
        ("Cargo.toml", "[package]\nname = \"a\"\nversion = \"1.0.0\"\n"),
        (
            "Cargo.lock",
            "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\n",
        ),
    ]);
    assert!(skipped_has(&shared_lock, "Cargo.lock", "more than one package of that name"));
}
