//! `vbump check`: the CI consistency check of every version location.

use crate::support::TestRepo;

fn drifted() -> TestRepo {
    let repo = TestRepo::new();
    repo.file(".claude-plugin/plugin.json", "{\n  \"name\": \"p\",\n  \"version\": \"1.2.0\"\n}\n")
        .file(
            ".claude-plugin/marketplace.json",
            "{\n  \"name\": \"m\",\n  \"plugins\": [\n    {\"name\": \"p\", \"source\": \"./\", \"version\": \"1.1.0\"}\n  ]\n}\n",
        )
        .file("package.json", "{\"name\": \"p\", \"version\": \"1.2.0\"}")
        .commit("chore: init");
    repo
}

#[test]
fn agreeing_locations_pass_with_a_table() {
    let repo = TestRepo::new();
    repo.file(".claude-plugin/plugin.json", "{\n  \"version\": \"0.3.0\"\n}\n")
        .file("Cargo.toml", "[package]\nname = \"x\"\nversion = \"0.3.0\" # keep in sync\n")
        .commit("chore: init")
        .tag("v0.3.0");
    repo.vbump(["check"]).expect(
        0,
        "FILE:LINE                     LOCATION         VALUE\n\
         .claude-plugin/plugin.json:2  /version         0.3.0\n\
         Cargo.toml:3                  package.version  0.3.0\n\
         \n\
         all 2 location(s) agree on 0.3.0\n\
         (`vbump audit` lists other files that still say 0.3.0)\n",
        "",
    );
}

#[test]
fn drift_fails_and_names_the_disagreeing_location() {
    let repo = drifted();
    repo.vbump(["check"]).expect(
        1,
        "FILE:LINE                          LOCATION                   VALUE\n\
         .claude-plugin/plugin.json:3       /version                   1.2.0\n\
         .claude-plugin/marketplace.json:4  /plugins/[name=p]/version  1.1.0  (differs from 1.2.0)\n\
         package.json:1                     /version                   1.2.0\n\
         \n\
         1 problem(s):\n  \
         - .claude-plugin/marketplace.json:4: `/plugins/[name=p]/version` is 1.1.0, but the other locations say 1.2.0\n",
        "",
    );
}

#[test]
fn github_format_annotates_each_disagreeing_location() {
    let repo = drifted();
    repo.vbump(["check", "--format", "github"]).expect(
        1,
        "::error file=.claude-plugin/marketplace.json,line=4::`/plugins/[name=p]/version` is 1.1.0, but the other locations say 1.2.0\n",
        "",
    );
}

#[test]
fn json_format_reports_every_location() {
    let repo = drifted();
    let out = repo.vbump(["check", "--format", "json"]);
    out.code(1);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["version"], "1.2.0");
    assert_eq!(report["locations"].as_array().unwrap().len(), 3);
    assert_eq!(
        report["locations"][1],
        serde_json::json!({
            "file": ".claude-plugin/marketplace.json", "line": 4, "location": "/plugins/[name=p]/version",
            "value": "1.1.0", "valid": true, "agrees": false
        })
    );
    assert_eq!(report["tag"], serde_json::Value::Null);
}

#[test]
fn invalid_semver_is_a_finding() {
    let repo = TestRepo::new();
    repo.file("package.json", "{\"version\": \"1.2\"}\n").commit("chore: init");
    repo.vbump(["check"])
        .code(1)
        .stdout_has("package.json:1  /version  1.2  (not a semantic version)")
        .stdout_has("`/version` is \"1.2\", which is not a semantic version");
}

#[test]
fn tag_behind_the_files_is_a_warning_and_strict_makes_it_fail() {
    let repo = TestRepo::new();
    repo.file("package.json", "{\"version\": \"1.0.0\"}\n").commit("chore: init").tag("v1.0.0");
    repo.file("package.json", "{\"version\": \"1.1.0\"}\n").commit("chore: bump by hand");
    repo.vbump(["check"])
        .code(0)
        .stderr_has("vbump: warning: the last release tag `v1.0.0` is 1.0.0, but the files say 1.1.0");
    repo.vbump(["check", "--strict"]).code(1).stdout_has("the last release tag `v1.0.0` is 1.0.0");
    repo.vbump(["check", "--format", "github"]).expect(
        0,
        "::warning::the last release tag `v1.0.0` is 1.0.0, but the files say 1.1.0\n",
        "",
    );
}

#[test]
fn malformed_file_is_exit_2_with_line_and_column() {
    let repo = TestRepo::new();
    repo.file("package.json", "{\n  \"version\": \"1.0.0\",\n}\n").commit("chore: init");
    let out = repo.vbump(["check"]);
    out.code(2).stderr_has("vbump: error: package.json:3:1: invalid JSON: ").stderr_has("hint:");
    assert_eq!(out.stdout, "");
}

#[test]
fn configured_location_with_a_missing_key_is_exit_2_naming_it() {
    let repo = TestRepo::new();
    repo.file("vbump.toml", "[[location]]\nfile = \"Cargo.toml\"\ntoml = \"package.version\"\n")
        .file("Cargo.toml", "[package]\nversion.workspace = true\n")
        .commit("chore: init");
    repo.vbump(["check"])
        .code(2)
        .stderr_has("Cargo.toml:2:1: location `package.version`: the value is a table, not a string")
        .stderr_has("workspace.package.version");
}

#[test]
fn no_location_at_all_is_exit_2() {
    let repo = TestRepo::new();
    repo.file("README.md", "hello\n").commit("chore: init");
    repo.vbump(["check"]).code(2).stderr_has("no version location found").stderr_has("vbump init");
}
