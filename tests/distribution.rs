//! What users download: the licenses the package declares, and release asset names that
//! cargo-binstall, the action's install script and the release workflow agree on.

use yaml_rust2::{Yaml, YamlLoader};

const CARGO_TOML: &str = include_str!("../Cargo.toml");
const RELEASE_WORKFLOW: &str = include_str!("../.github/workflows/release.yml");

fn manifest() -> toml::Table {
    toml::from_str(CARGO_TOML).unwrap()
}

#[test]
fn both_licenses_the_package_declares_are_in_the_repository() {
    assert_eq!(manifest()["package"]["license"].as_str(), Some("MIT OR Apache-2.0"));
    let mit = include_str!("../LICENSE-MIT");
    let apache = include_str!("../LICENSE-APACHE");
    assert!(mit.starts_with("MIT License\n\nCopyright (c)"), "{mit}");
    assert!(mit.contains("THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF\nANY KIND"));
    assert!(apache.contains("Apache License\n                        Version 2.0, January 2004"));
    assert!(apache.trim_end().ends_with("END OF TERMS AND CONDITIONS"));
}

/// cargo-binstall's template syntax: `{ key }` with optional spaces; an unknown key fails.
fn render(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("an unclosed `{` in the template") + start;
        let key = rest[start + 1..end].trim();
        let value =
            values.iter().find(|(k, _)| *k == key).unwrap_or_else(|| panic!("unknown template key `{key}`"));
        out.push_str(value.1);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Every `run:` script of a job of the release workflow, one after the other.
fn run_scripts(job: &str) -> String {
    let workflow = &YamlLoader::load_from_str(RELEASE_WORKFLOW).unwrap()[0];
    let steps = workflow["jobs"][job]["steps"].as_vec().unwrap();
    steps.iter().filter_map(|step| step["run"].as_str()).collect::<Vec<_>>().join("\n")
}

/// The targets of the release workflow's build matrix and the asset name each build uploads.
fn released_assets() -> Vec<(String, String)> {
    let workflow = &YamlLoader::load_from_str(RELEASE_WORKFLOW).unwrap()[0];
    let build = &workflow["jobs"]["build"];
    let script = run_scripts("build");
    // The build step names the file it uploads after the target, with `.exe` on Windows.
    assert!(script.contains(r#"cp "target/$TARGET/release/vbump$exe" "dist/vbump-$TARGET$exe""#), "{script}");
    assert!(script.contains(r#"if [[ "$TARGET" == *windows* ]]; then exe=".exe"; fi"#), "{script}");
    build["strategy"]["matrix"]["include"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|entry: &Yaml| {
            let target = entry["target"].as_str().unwrap().to_string();
            let exe = if target.contains("windows") { ".exe" } else { "" };
            let asset = format!("vbump-{target}{exe}");
            (target, asset)
        })
        .collect()
}

#[test]
fn cargo_binstall_finds_every_binary_the_release_workflow_builds() {
    let manifest = manifest();
    let package = &manifest["package"];
    let binstall = &package["metadata"]["binstall"];
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("bin"), "the assets are bare binaries, not archives");
    let template = binstall["pkg-url"].as_str().unwrap();
    let (repo, name, version) = (
        package["repository"].as_str().unwrap(),
        package["name"].as_str().unwrap(),
        package["version"].as_str().unwrap(),
    );
    let assets = released_assets();
    assert_eq!(assets.len(), 5);
    for (target, asset) in assets {
        let binary_ext = if target.contains("windows") { ".exe" } else { "" };
        let url = render(
            template,
            &[
                ("repo", repo),
                ("name", name),
                ("version", version),
                ("target", &target),
                ("binary-ext", binary_ext),
            ],
        );
        assert_eq!(url, format!("{repo}/releases/download/v{version}/{asset}"), "{target}");
    }
}

#[test]
fn every_released_file_is_in_sha256sums() {
    let publish = run_scripts("publish");
    // The checksum list covers exactly the files the upload sends (SHA256SUMS and COMMIT aside).
    let summed = publish
        .lines()
        .find_map(|line| {
            line.trim().strip_prefix("sha256sum ").and_then(|rest| rest.split_once(" > SHA256SUMS"))
        })
        .map(|(files, _)| files.to_string())
        .expect("the publish step writes SHA256SUMS with sha256sum");
    let upload = publish.lines().find(|line| line.contains("gh release upload")).expect("an upload command");
    assert!(upload.contains(&format!(" {summed} SHA256SUMS")), "{upload} does not upload `{summed}`");
    assert!(summed.split_whitespace().all(|glob| glob.starts_with("vbump")), "{summed}");
}

#[test]
fn the_release_attaches_the_man_page_and_a_completions_archive_that_vbump_makes() {
    let publish = run_scripts("publish");
    assert!(publish.contains("./vbump-x86_64-unknown-linux-musl man > vbump.1"), "{publish}");
    assert!(publish.contains("for shell in bash zsh fish powershell elvish; do"), "{publish}");
    assert!(publish.contains("tar -czf vbump-completions.tar.gz completions"), "{publish}");
    // Both are covered by SHA256SUMS: `vbump.1` by name, the archive by `vbump-*`.
    assert!(publish.contains("sha256sum vbump-* vbump.1 > SHA256SUMS"), "{publish}");
}
