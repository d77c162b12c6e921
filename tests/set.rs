//! `vbump set VERSION`: reconcile every location to one version, byte-exactly, all files or none.

use crate::locations::with_fixtures;
use crate::support::TestRepo;

#[test]
fn set_rewrites_only_the_version_bytes_of_every_file() {
    let repo = with_fixtures(
        "777genius__claude-notifications-go",
        &[".claude-plugin/marketplace.json", ".claude-plugin/plugin.json"],
    );
    let market = repo.read_text(".claude-plugin/marketplace.json");
    let plugin = repo.read_text(".claude-plugin/plugin.json");
    repo.vbump(["set", "1.1.0"]).expect(
        0,
        ".claude-plugin/plugin.json:3  /version  1.0.0 -> 1.1.0\n\
         .claude-plugin/marketplace.json:9  /metadata/version  1.0.0 -> 1.1.0\n\
         .claude-plugin/marketplace.json:15  /plugins/[name=claude-notifications-go]/version  1.0.0 -> 1.1.0\n\
         set 3 of 3 location(s) in 2 file(s) to 1.1.0\n",
        "",
    );
    assert_eq!(repo.read_text(".claude-plugin/plugin.json"), plugin.replace("\"1.0.0\"", "\"1.1.0\""));
    assert_eq!(repo.read_text(".claude-plugin/marketplace.json"), market.replace("\"1.0.0\"", "\"1.1.0\""));
    // Nothing is committed.
    assert_eq!(
        repo.git(["status", "--porcelain"]),
        " M .claude-plugin/marketplace.json\n M .claude-plugin/plugin.json"
    );
    repo.vbump(["check"]).code(0).stdout_has("all 3 location(s) agree on 1.1.0");
}

#[test]
fn set_reconciles_a_real_drift() {
    let repo = with_fixtures(
        "nicobailon__visual-explainer",
        &[".claude-plugin/marketplace.json", "plugins/visual-explainer/.claude-plugin/plugin.json"],
    );
    repo.vbump(["set", "0.10.0"]).expect(
        0,
        "plugins/visual-explainer/.claude-plugin/plugin.json:4  /version  0.9.0 -> 0.10.0\n\
         set 1 of 3 location(s) in 1 file(s) to 0.10.0\n",
        "",
    );
    repo.vbump(["check"]).code(0);
    assert_eq!(repo.git(["diff", "--stat"]).lines().count(), 2);
}

#[test]
fn set_keeps_crlf_bom_and_toml_comments() {
    let repo = TestRepo::new();
    let cargo = "\u{feff}[package]\r\nname = \"x\"\r\nversion = '0.1.0' # bumped by vbump\r\n\r\n[dependencies]\r\nserde = { version = \"0.1.0\" }";
    repo.file("Cargo.toml", cargo).commit("chore: init");
    repo.vbump(["set", "0.2.0-rc.1"]).code(0);
    assert_eq!(repo.read_text("Cargo.toml"), cargo.replacen("'0.1.0'", "'0.2.0-rc.1'", 1));
}

#[test]
fn set_with_a_prefixed_version_is_exit_2_with_a_hint() {
    let repo = TestRepo::new();
    repo.file("package.json", "{\"version\": \"1.0.0\"}").commit("chore: init");
    repo.vbump(["set", "v1.2.0"])
        .code(2)
        .stderr_has("`v1.2.0` is not a semantic version")
        .stderr_has("vbump set 1.2.0");
    assert_eq!(repo.read_text("package.json"), "{\"version\": \"1.0.0\"}");
}

#[test]
fn one_unreadable_location_means_no_file_is_written() {
    let repo = TestRepo::new();
    repo.file(
        "vbump.toml",
        "[[location]]\nfile = \"package.json\"\njson = \"/version\"\n\n\
         [[location]]\nfile = \"src/about.py\"\nregex = '__version__ = \"(?P<version>[^\"]+)\"'\n",
    )
    .file("package.json", "{\"version\": \"1.0.0\"}")
    .file("src/about.py", "VERSION = '1.0.0'\n")
    .commit("chore: init");
    repo.vbump(["set", "2.0.0"]).code(2).stderr_has("src/about.py: location `__version__");
    assert_eq!(repo.read_text("package.json"), "{\"version\": \"1.0.0\"}");
}

#[test]
fn configured_regex_and_optional_locations() {
    let repo = TestRepo::new();
    repo.file(
        "vbump.toml",
        "[[location]]\nfile = \"src/about.py\"\nregex = '__version__ = \"(?P<version>[^\"]+)\"'\n\n\
         [[location]]\nfile = \"docs/VERSION.json\"\njson = \"/version\"\noptional = true\n",
    )
    .file("src/about.py", "# about\n__version__ = \"0.9.0\"\n")
    .commit("chore: init");
    repo.vbump(["set", "1.0.0"]).expect(
        0,
        "src/about.py:2  __version__ = \"(?P<version>[^\"]+)\"  0.9.0 -> 1.0.0\nset 1 of 1 location(s) in 1 file(s) to 1.0.0\n",
        "",
    );
    assert_eq!(repo.read_text("src/about.py"), "# about\n__version__ = \"1.0.0\"\n");
    repo.vbump(["set", "1.0.0"]).expect(0, "all 1 location(s) already say 1.0.0; nothing written\n", "");
}

#[cfg(unix)]
#[test]
fn a_version_file_behind_a_symbolic_link_is_refused_and_nothing_is_written() {
    let repo = TestRepo::new();
    repo.file("pkg/package.json", "{\"version\":\"1.0.0\"}\n");
    std::os::unix::fs::symlink("pkg/package.json", repo.path().join("package.json")).unwrap();
    repo.commit("chore: init").tag("v1.0.0");
    repo.commit("feat: x");
    repo.vbump(["release"])
        .code(2)
        .stderr_has("version file `package.json` goes through the symbolic link `package.json`")
        .stderr_has("hint:");
    assert_eq!(repo.read_text("pkg/package.json"), "{\"version\":\"1.0.0\"}\n");
    assert_eq!(repo.git(["tag", "--list"]), "v1.0.0");
    repo.vbump(["set", "2.0.0"]).code(2).stderr_has("symbolic link");
}
