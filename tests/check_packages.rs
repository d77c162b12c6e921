//! `vbump check` in a repository of several packages: each package's locations must agree with
//! each other (not with the other packages'), drift is named per package with file:line, a plugin
//! with no version anywhere is a warning, and `--package` checks some of them.

use crate::packages::{anthropics_catalog, opc_skills_catalog};
use crate::support::TestRepo;

/// What vbump says once about opc-skills' own version, which is not any skill's.
const OPC_MARKETPLACE_NOTE: &str = "vbump: warning: the marketplace's own version (1.0.4) differs from its plugins': \
     left alone (set `marketplace-version = \"follow\"` in vbump.toml to move it with them)\n";

#[test]
fn each_package_is_checked_on_its_own_and_the_real_drift_is_named_with_file_and_line() {
    // opc-skills as published: every skill says 1.0.0 in its entry and its plugin.json, but
    // requesthunt's plugin.json says 2.0.0.
    let repo = opc_skills_catalog();
    let out = repo.vbump(["check"]);
    out.code(1).stdout_has(
        "requesthunt     .claude-plugin/marketplace.json:29                  /plugins/[name=requesthunt]/version     1.0.0  (differs from 2.0.0)\n",
    );
    assert!(
        out.stdout.ends_with(
            "\n1 problem(s):\n  \
         - requesthunt: .claude-plugin/marketplace.json:29: `/plugins/[name=requesthunt]/version` is 1.0.0, \
         but the other locations say 2.0.0\n"
        ),
        "{}",
        out.stdout
    );
    // A header, nine packages of two locations, and the marketplace's own version on a line of
    // its own.
    let (table, _) = out.stdout.split_once("\n\n").unwrap();
    assert_eq!(table.lines().count(), 1 + 9 * 2 + 1);
    assert_eq!(table.lines().filter(|l| l.contains("/plugins/[name=")).count(), 9);
    assert_eq!(out.stderr, OPC_MARKETPLACE_NOTE);
}

#[test]
fn package_limits_the_check_to_the_packages_named() {
    let repo = opc_skills_catalog();
    repo.vbump(["check", "--package", "reddit", "--package", "twitter"]).expect(
        0,
        "PACKAGE        FILE:LINE                                    LOCATION                         VALUE\n\
         reddit         skills/reddit/.claude-plugin/plugin.json:3   /version                         1.0.0\n\
         reddit         .claude-plugin/marketplace.json:117          /plugins/[name=reddit]/version   1.0.0\n\
         twitter        skills/twitter/.claude-plugin/plugin.json:3  /version                         1.0.0\n\
         twitter        .claude-plugin/marketplace.json:134          /plugins/[name=twitter]/version  1.0.0\n\
         (marketplace)  .claude-plugin/marketplace.json:9            /metadata/version                1.0.4  (the marketplace's own version: independent)\n\
         \n\
         the locations of each of 2 package(s) agree (4 location(s))\n",
        OPC_MARKETPLACE_NOTE,
    );
    repo.vbump(["check", "--package", "requesthunt"]).code(1).stdout_has("1 problem(s):");
}

#[test]
fn an_unknown_package_is_exit_2_naming_the_known_ones_and_a_single_package_has_none() {
    let repo = opc_skills_catalog();
    let out = repo.vbump(["check", "--package", "redit"]);
    out.code(2).stderr_has("there is no package named `redit`").stderr_has(
        "the packages are: requesthunt, domain-hunter, logo-creator, banner-creator, nanobanana, reddit, \
         twitter, producthunt, seo-geo",
    );
    assert_eq!(out.stdout, "");

    let single = TestRepo::new();
    single.file("package.json", "{\"version\": \"1.0.0\"}\n").commit("chore: init");
    single.vbump(["check", "--package", "x"]).code(2).stderr_has("this repository has one package");
}

#[test]
fn packages_agree_with_themselves_not_with_each_other() {
    // anthropics/claude-code: versions from 0.1.0 to 2.0.0 across plugins is no problem; within
    // security-guidance, the entry (1.0.0) and its plugin.json (2.0.0) disagree. plugin-dev has
    // no plugin.json upstream: its entry is its one location.
    let repo = anthropics_catalog();
    let out = repo.vbump(["check"]);
    out.code(1);
    assert!(out.stdout.ends_with(
        "\n1 problem(s):\n  \
         - security-guidance: .claude-plugin/marketplace.json:141: `/plugins/[name=security-guidance]/version` \
         is 1.0.0, but the other locations say 2.0.0\n"
    ), "{}", out.stdout);
    repo.vbump(["check", "--package", "plugin-dev", "--package", "hookify"])
        .code(0)
        .stdout_has("plugin-dev     .claude-plugin/marketplace.json:")
        .stdout_has("the locations of each of 2 package(s) agree (3 location(s))");
}

#[test]
fn a_plugin_with_no_version_anywhere_is_a_warning_at_its_marketplace_entry() {
    // anthropics' plugin-dev with the version of its entry (its only one) taken out: Claude Code
    // would cache it under `unknown/` and never update it.
    let repo = anthropics_catalog();
    let marketplace = repo.read_text(".claude-plugin/marketplace.json");
    let entry = marketplace.find("\"name\": \"plugin-dev\"").unwrap();
    let (before, after) = marketplace.split_at(entry);
    let version = after.find("\"version\": \"0.1.0\",").unwrap();
    let unversioned =
        format!("{before}{}{}", &after[..version], &after[version + "\"version\": \"0.1.0\",".len()..]);
    repo.file(".claude-plugin/marketplace.json", unversioned).commit("chore: plugin-dev loses its version");
    let line = repo
        .read_text(".claude-plugin/marketplace.json")
        .lines()
        .position(|l| l.contains("\"name\": \"plugin-dev\""))
        .unwrap()
        + 1;
    let warning = "package `plugin-dev` (plugins/plugin-dev) has no version anywhere: Claude Code caches such a \
                   plugin under `unknown/` and never updates it; add a \"version\" to its plugin.json";
    let out = repo.vbump(["check", "--package", "plugin-dev"]);
    out.code(0).stderr_has(&format!("vbump: warning: .claude-plugin/marketplace.json:{line}: {warning}\n"));
    assert!(
        out.stdout.ends_with("the locations of each of 1 package(s) agree (0 location(s))\n"),
        "{}",
        out.stdout
    );
    repo.vbump(["check", "--package", "plugin-dev", "--format", "github"]).expect(
        0,
        &format!(
            "::warning file=.claude-plugin/marketplace.json,line={line}::{}\n\
             ::warning::the marketplace's own version (1.0.0) differs from its plugins': left alone \
             (set `marketplace-version = \"follow\"` in vbump.toml to move it with them)\n",
            warning
        ),
        "",
    );
    // The plan warns the same way.
    repo.vbump(["plan"]).stdout_has(&format!("warning: {warning}\n"));
}

#[test]
fn github_format_annotates_each_problem_at_its_file_and_line() {
    let repo = opc_skills_catalog();
    repo.annotated_tag("requesthunt--v1.0.0");
    repo.vbump(["check", "--format", "github"]).expect(
        1,
        "::error file=.claude-plugin/marketplace.json,line=29::requesthunt: `/plugins/[name=requesthunt]/version` \
         is 1.0.0, but the other locations say 2.0.0\n\
         ::warning::requesthunt: the last release tag `requesthunt--v1.0.0` is 1.0.0, but the files say 2.0.0\n\
         ::warning::the marketplace's own version (1.0.4) differs from its plugins': left alone \
         (set `marketplace-version = \"follow\"` in vbump.toml to move it with them)\n",
        "",
    );
    // `--strict`: the tag that differs from the files is a problem too.
    repo.vbump(["check", "--strict", "--package", "requesthunt", "--format", "github"])
        .code(1)
        .stdout_has("::error::requesthunt: the last release tag `requesthunt--v1.0.0` is 1.0.0");
}

#[test]
fn annotations_from_file_contents_stay_inert_text() {
    // A package folder and a version value made of workflow-command syntax: each annotation stays
    // one line, its properties and its message escaped.
    let repo = TestRepo::new();
    repo.file(
        "vbump.toml",
        "[[package]]\nname = \"a\"\npath = \"plugins/a,b:c\"\n\n\
         [[package.location]]\nfile = \"plugins/a,b:c/.claude-plugin/plugin.json\"\njson = \"/version\"\n\n\
         [[package]]\npath = \"plugins/z\"\n",
    )
    .file("plugins/a,b:c/.claude-plugin/plugin.json", "{\n  \"version\": \"1.0%\\n::error::injected\"\n}\n")
    .file("plugins/z/.claude-plugin/plugin.json", "{\"version\": \"1.0.0\"}\n")
    .commit("chore: init");
    repo.vbump(["check", "--format", "github"]).expect(
        1,
        "::error file=plugins/a%2Cb%3Ac/.claude-plugin/plugin.json,line=2::a: `/version` is \"1.0%25%0A::error::injected\", \
         which is not a semantic version\n",
        "",
    );
}

#[test]
fn json_lists_every_package_with_its_locations_tag_and_problems() {
    let repo = opc_skills_catalog();
    repo.annotated_tag("reddit--v1.0.0");
    let out = repo.vbump(["check", "--format", "json"]);
    out.code(1);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    let packages = report["packages"].as_array().unwrap();
    assert_eq!(packages.len(), 9);
    assert_eq!(packages[0]["name"], "requesthunt");
    assert_eq!(packages[0]["path"], "skills/requesthunt");
    assert_eq!(packages[0]["ok"], false);
    assert_eq!(packages[0]["version"], "2.0.0");
    assert_eq!(packages[0]["locations"][1]["agrees"], false);
    assert_eq!(packages[5]["name"], "reddit");
    assert_eq!(
        packages[5]["tag"],
        serde_json::json!({"name": "reddit--v1.0.0", "version": "1.0.0", "agrees": true})
    );
    assert_eq!(
        report["problems"],
        serde_json::json!([
            "requesthunt: .claude-plugin/marketplace.json:29: `/plugins/[name=requesthunt]/version` is 1.0.0, but the other locations say 2.0.0"
        ])
    );
    assert_eq!(
        report["marketplace"],
        serde_json::json!({
            "file": ".claude-plugin/marketplace.json", "line": 9, "location": "/metadata/version",
            "value": "1.0.4", "policy": "independent"
        })
    );
    assert_eq!(report["warnings"].as_array().unwrap().len(), 1);
}

#[test]
fn configured_packages_are_checked_by_their_declared_locations() {
    // Two plugins declared with `[[package]]`, no marketplace: `fmt` declares two locations that
    // disagree; `lint`'s plugin.json has no version, so there is no marketplace entry to point at.
    let repo = TestRepo::new();
    repo.file(
        "vbump.toml",
        "[[package]]\npath = \"plugins/fmt\"\n\n\
         [[package.location]]\nfile = \"plugins/fmt/.claude-plugin/plugin.json\"\njson = \"/version\"\n\n\
         [[package.location]]\nfile = \"plugins/fmt/README.md\"\nregex = 'fmt@(?P<version>[0-9.]+)'\n\n\
         [[package]]\npath = \"plugins/lint\"\n",
    )
    .file("plugins/fmt/.claude-plugin/plugin.json", "{\n  \"name\": \"fmt\",\n  \"version\": \"0.4.0\"\n}\n")
    .file("plugins/fmt/README.md", "# fmt\n\nInstall fmt@0.3.0\n")
    .file("plugins/lint/.claude-plugin/plugin.json", "{\n  \"name\": \"lint\"\n}\n")
    .commit("chore: init");
    repo.vbump(["check", "--format", "github"]).expect(
        1,
        "::error file=plugins/fmt/README.md,line=3::fmt: `fmt@(?P<version>[0-9.]+)` is 0.3.0, but the other \
         locations say 0.4.0\n\
         ::warning::package `lint` (plugins/lint) has no version anywhere: Claude Code caches such a plugin under \
         `unknown/` and never updates it; add a \"version\" to its plugin.json\n",
        "",
    );
}

/// A `[[package]]` that is no Claude Code plugin and has no version file keeps its version in its
/// tags only, as a Go module does (Go reads a module's versions from its tags). That is no mistake:
/// it is released by its tags, and nothing warns. The warning about Claude Code's `unknown/` cache
/// is for plugins, here `lint`, whose plugin.json has no version.
#[test]
fn a_package_that_is_no_plugin_keeps_its_version_in_its_tags_without_a_warning() {
    let repo = TestRepo::new();
    repo.file("vbump.toml", "[[package]]\npath = \"tools/gen\"\n\n[[package]]\npath = \"plugins/lint\"\n")
        .file("tools/gen/go.mod", "module example.com/tools/gen\n\ngo 1.22\n")
        .file("tools/gen/main.go", "package main\n")
        .file("plugins/lint/.claude-plugin/plugin.json", "{\n  \"name\": \"lint\"\n}\n")
        .commit("chore: init")
        .annotated_tag("gen--v1.2.0")
        .annotated_tag("lint--v0.3.0");
    repo.file("tools/gen/main.go", "package main\n\nfunc main() {}\n").commit("fix: gen exits cleanly");
    let lint_warning = "package `lint` (plugins/lint) has no version anywhere: Claude Code caches such a plugin \
                        under `unknown/` and never updates it; add a \"version\" to its plugin.json";
    let gen_only = repo.vbump(["check", "--package", "gen"]);
    assert_eq!((gen_only.code, gen_only.stderr.as_str()), (0, ""), "{}", gen_only.stdout);
    let both = repo.vbump(["check"]);
    assert_eq!((both.code, both.stderr), (0, format!("vbump: warning: {lint_warning}\n")), "{}", both.stdout);
    repo.vbump(["next", "--package", "gen"]).expect(0, "gen 1.2.1\n", "");
    repo.vbump(["next"]).expect(0, "gen 1.2.1\n", &format!("vbump: warning: {lint_warning}\n"));
    let files = repo.state();
    repo.vbump(["release", "--package", "gen"]).code(0);
    repo.assert_released("gen--v1.2.1", false);
    let after = repo.state();
    let changed: Vec<&String> =
        after.keys().filter(|k| k.starts_with("file:") && files.get(*k) != after.get(*k)).collect();
    assert!(changed.is_empty(), "a package with no version file has no file to change: {changed:?}");
}

#[test]
fn an_entry_version_that_is_not_a_string_is_exit_2_at_its_place() {
    let repo = TestRepo::new();
    repo.file(
        ".claude-plugin/marketplace.json",
        "{\n  \"plugins\": [\n    {\"name\": \"a\", \"source\": \"./plugins/a\", \"version\": \"1.0.0\"},\n    \
         {\"name\": \"b\", \"source\": \"./plugins/b\", \"version\": 1.2}\n  ]\n}\n",
    )
    .file("plugins/a/README.md", "a\n")
    .file("plugins/b/README.md", "b\n")
    .commit("chore: init");
    let out = repo.vbump(["check"]);
    out.code(2)
        .stderr_has("vbump: error: .claude-plugin/marketplace.json:4:55: `/plugins/1/version` is not a string: a number")
        .stderr_has("hint: write the version as a JSON string");
    assert_eq!(out.stdout, "");
}
