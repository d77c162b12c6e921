//! `vbump audit`: copies of the version that no location manages, on a real repository's files.

use crate::detection::CHROME_DEVTOOLS_MCP;
use crate::locations::with_fixtures;
use crate::support::TestRepo;

/// chrome-devtools-mcp at 1.7.0, plus a skill's front matter and a changelog that say 1.7.0 too.
fn repository() -> TestRepo {
    let repo = with_fixtures("ChromeDevTools__chrome-devtools-mcp", CHROME_DEVTOOLS_MCP);
    repo.file(
        "skills/debug/SKILL.md",
        "---\nname: debug\nversion: 1.7.0\n---\nUse v1.17.0 or later of Chrome.\n",
    )
    .file("CHANGELOG.md", "# Changelog\n\n## [1.7.0](https://example.com) (2026-11-30)\n")
    .commit("docs: a skill and a changelog");
    repo
}

#[test]
fn audit_lists_every_undeclared_copy_with_a_location_to_declare_it() {
    let repo = repository();
    let out = repo.vbump(["audit"]);
    out.code(1)
        .stdout_has("skills/debug/SKILL.md:3:10  version: 1.7.0\n")
        .stdout_has("1 line(s) say 1.7.0 outside the 15 version location(s)");
    // The changelog and the lock file's other packages are not copies; 1.17.0 is another version;
    // src/version.ts is a location (release-please's marker).
    assert!(!out.stdout.contains("CHANGELOG.md"), "{}", out.stdout);
    assert!(!out.stdout.contains("package-lock.json"), "{}", out.stdout);
    assert!(!out.stdout.contains("1.17.0"), "{}", out.stdout);
    assert!(!out.stdout.contains("src/version.ts"), "{}", out.stdout);
    repo.vbump(["audit", "--format", "github"]).expect(
        1,
        "::error file=skills/debug/SKILL.md,line=3,col=10::this line says 1.7.0, but no version location manages it: the next release would leave it behind\n",
        "",
    );
    let json: serde_json::Value =
        serde_json::from_str(&repo.vbump(["audit", "--format", "json"]).stdout).unwrap();
    assert_eq!(json["version"], "1.7.0");
    assert_eq!(json["managed"], 15);
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn the_suggested_locations_make_the_audit_pass_and_follow_the_release() {
    let repo = repository();
    let out = repo.vbump(["audit", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    repo.vbump(["init", "--write"]).code(0);
    let mut config = repo.read_text("vbump.toml");
    for finding in json["findings"].as_array().unwrap() {
        config.push('\n');
        config.push_str(finding["suggestion"].as_str().unwrap());
    }
    repo.file("vbump.toml", config).commit("chore: declare every copy");
    repo.vbump(["audit"]).expect(0, "no file says 1.7.0 outside the 16 version location(s)\n", "");
    repo.vbump(["set", "1.8.0"]).code(0);
    assert_eq!(
        repo.read_text("skills/debug/SKILL.md"),
        "---\nname: debug\nversion: 1.8.0\n---\nUse v1.17.0 or later of Chrome.\n"
    );
    assert!(repo.read_text("src/version.ts").contains("export const VERSION = '1.8.0';"));
}

#[test]
fn check_points_at_the_audit_when_it_passes() {
    repository()
        .vbump(["check"])
        .code(0)
        .stdout_has("(`vbump audit` lists other files that still say 1.7.0)");
}
