//! `vbump set VERSION --package NAME` in a repository of several packages: only the named
//! packages' locations are written, every other byte stays as it was (in the marketplace they
//! share too), and one version is never written into every package by omission.

use crate::packages::{anthropics_catalog, opc_skills_catalog};
use crate::support::TestRepo;

/// The paths whose bytes differ between two [`TestRepo::state`] snapshots.
fn changed_files(
    before: &std::collections::BTreeMap<String, String>,
    after: &std::collections::BTreeMap<String, String>,
) -> Vec<String> {
    after.keys().filter(|k| k.starts_with("file:") && before.get(*k) != after.get(*k)).cloned().collect()
}

#[test]
fn set_writes_only_the_named_packages_and_every_other_byte_stays() {
    let repo = opc_skills_catalog();
    let before = repo.state();
    repo.vbump(["set", "1.1.0", "--package", "reddit", "--package", "twitter"]).expect(
        0,
        "skills/reddit/.claude-plugin/plugin.json:3  /version  1.0.0 -> 1.1.0\n\
         .claude-plugin/marketplace.json:117  /plugins/[name=reddit]/version  1.0.0 -> 1.1.0\n\
         .claude-plugin/marketplace.json:134  /plugins/[name=twitter]/version  1.0.0 -> 1.1.0\n\
         skills/twitter/.claude-plugin/plugin.json:3  /version  1.0.0 -> 1.1.0\n\
         set 4 of 4 location(s) of reddit, twitter in 3 file(s) to 1.1.0\n",
        "",
    );
    let after = repo.state();
    assert_eq!(
        changed_files(&before, &after),
        [
            "file:.claude-plugin/marketplace.json",
            "file:skills/reddit/.claude-plugin/plugin.json",
            "file:skills/twitter/.claude-plugin/plugin.json"
        ]
    );
    // In the shared marketplace, the two entries' versions moved and nothing else: not the other
    // seven entries, not the marketplace's own version.
    let original = &before["file:.claude-plugin/marketplace.json"];
    let marketplace = &after["file:.claude-plugin/marketplace.json"];
    let diff: Vec<(usize, &str)> = original
        .lines()
        .zip(marketplace.lines())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (_, b))| (i + 1, b))
        .collect();
    assert_eq!(diff, [(117, "      \"version\": \"1.1.0\","), (134, "      \"version\": \"1.1.0\",")]);
    assert_eq!(original.len(), marketplace.len());
    // Nothing is committed, and both packages now agree with themselves.
    assert_eq!(after["HEAD"], before["HEAD"]);
    repo.vbump(["check", "--package", "reddit", "--package", "twitter"]).code(0);
}

/// RUNBOOK, "A catalog of plugins", *Drift before the first release*, as written.
#[test]
fn set_reconciles_the_real_drift_of_one_package() {
    // requesthunt's entry says 1.0.0, its plugin.json 2.0.0: only the entry is written.
    let repo = opc_skills_catalog();
    repo.vbump(["check"]).code(1);
    repo.vbump(["set", "2.0.0", "--package", "requesthunt"]).expect(
        0,
        ".claude-plugin/marketplace.json:29  /plugins/[name=requesthunt]/version  1.0.0 -> 2.0.0\n\
         set 1 of 2 location(s) of requesthunt in 1 file(s) to 2.0.0\n",
        "",
    );
    assert_eq!(repo.git(["diff", "--numstat"]), "1\t1\t.claude-plugin/marketplace.json");
    repo.vbump(["check"]).code(0).stdout_has("the locations of each of 9 package(s) agree (18 location(s))");
    repo.vbump(["set", "2.0.0", "--package", "requesthunt"]).expect(
        0,
        "all 2 location(s) of requesthunt already say 2.0.0; nothing written\n",
        "",
    );
}

#[test]
fn set_without_package_names_the_packages_and_writes_nothing() {
    let repo = opc_skills_catalog();
    let before = repo.state();
    let out = repo.vbump(["set", "2.0.0"]);
    out.code(2)
        .stderr_has("vbump: error: this repository has 9 packages, each with its own version: name the one(s) to set")
        .stderr_has(
            "hint: `vbump set VERSION --package NAME` (repeatable); the packages are: requesthunt, domain-hunter, \
             logo-creator, banner-creator, nanobanana, reddit, twitter, producthunt, seo-geo",
        );
    assert_eq!(out.stdout, "");
    assert_eq!(repo.state(), before);
}

#[test]
fn an_unknown_package_is_exit_2_and_nothing_is_written() {
    let repo = anthropics_catalog();
    let before = repo.state();
    repo.vbump(["set", "2.0.0", "--package", "hookify", "--package", "hookifi"])
        .code(2)
        .stderr_has("there is no package named `hookifi`")
        .stderr_has("the packages are: agent-sdk-dev, claude-opus-4-5-migration, code-review");
    assert_eq!(repo.state(), before);
}

#[test]
fn a_package_with_no_version_location_is_refused_before_anything_is_written() {
    let repo = TestRepo::new();
    repo.file(
        ".claude-plugin/marketplace.json",
        "{\n  \"plugins\": [\n    {\"name\": \"a\", \"source\": \"./plugins/a\", \"version\": \"1.0.0\"},\n    \
         {\"name\": \"b\", \"source\": \"./plugins/b\"}\n  ]\n}\n",
    )
    .file("plugins/b/.claude-plugin/plugin.json", "{\"name\": \"b\"}\n")
    .commit("chore: init");
    let before = repo.state();
    repo.vbump(["set", "1.1.0", "--package", "a", "--package", "b"])
        .code(2)
        .stderr_has("package `b` has no version location, so there is nothing to set; nothing was written")
        .stderr_has("add a \"version\" to its plugin.json");
    assert_eq!(repo.state(), before);
    repo.vbump(["set", "1.1.0", "--package", "a"]).code(0);
}

#[test]
fn package_in_a_single_package_repository_is_refused() {
    let repo = TestRepo::new();
    repo.file("package.json", "{\"version\": \"1.0.0\"}").commit("chore: init");
    repo.vbump(["set", "2.0.0", "--package", "x"]).code(2).stderr_has("this repository has one package");
    assert_eq!(repo.read_text("package.json"), "{\"version\": \"1.0.0\"}");
}

#[test]
fn json_names_the_packages_set() {
    let repo = opc_skills_catalog();
    let out = repo.vbump(["set", "1.0.1", "--package", "seo-geo", "--format", "json"]);
    out.code(0);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["version"], "1.0.1");
    assert_eq!(report["packages"], serde_json::json!(["seo-geo"]));
    assert_eq!(report["locations"], 2);
    assert_eq!(report["files"].as_array().unwrap().len(), 2);
}
