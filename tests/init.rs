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
