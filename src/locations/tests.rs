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
