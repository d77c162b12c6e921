//! RUNBOOK.md walked through as an adopting team would, section by section: every command block
//! is taken out of RUNBOOK.md and run as written (never a copy of it), every configuration block
//! is written as the file it shows, and every message the RUNBOOK quotes is the one vbump prints.
//! The example workflow's `run:` steps are run the way the runner would run them. What only
//! GitHub's web UI can do is listed as such in RUNBOOK.md; [`SECTIONS`] and [`BLOCKS`] say which
//! test walks which part, and a section or block that nothing walks fails
//! `every_runbook_section_and_block_is_walked_by_a_test`. The bump and pre-release tables are
//! run row by row in `runbook_tables.rs`.

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

use crate::support::github_fake::{GitHubFake, TOKEN};
use crate::support::markdown::{self, Section};
use crate::support::{Outcome, TestRepo, make_executable};

pub(crate) const RUNBOOK: &str = include_str!("../RUNBOOK.md");
const README: &str = include_str!("../README.md");
const EXAMPLE: &str = include_str!("../examples/workflows/claude-plugin-release.yml");
const ACTION: &str = include_str!("../action.yml");

/// Each `##` section of RUNBOOK.md and the tests that walk its steps (`file::test`), or why no
/// test can. This is the audit of issue 14: adding a section means saying what runs it.
const SECTIONS: &[(&str, &[&str])] = &[
    (
        "## One-time set-up",
        &[
            "runbook::github_ui_steps_are_named_as_such_and_the_workflow_uses_what_they_create",
            "runbook::release_branches_as_written_refuse_any_other_branch_with_nothing_changed",
            "runbook::the_first_run_as_written_pushes_the_adoption_tag_and_commits_vbump_toml",
            "runbook::bare_vbump_only_plans_and_says_every_problem_with_exit_2",
            "runbook::the_commit_identity_as_written_signs_the_release_commit_and_tag",
            "runbook::the_runbooks_refused_message_is_what_the_hook_prints",
            "runbook::a_commit_msg_hook_of_husky_or_lefthook_runs_the_lint_the_runbook_gives",
            "runbook::the_example_workflow_lints_edited_titles_installs_once_and_releases_only_from_main",
            "runbook::every_run_step_of_the_example_workflow_runs_on_what_vbump_outputs",
            "runbook::the_example_pins_vbumps_first_release",
            "shallow::a_shallow_clone_is_deepened_until_the_last_release_is_reachable",
        ],
    ),
    (
        "## The commit convention and the bumps",
        &[
            "runbook_tables::the_bump_table_is_what_vbump_releases_from_1_4_2_and_from_0_4_2",
            "runbook_tables::on_0_x_the_plan_names_the_rule_as_the_runbook_shows",
            "runbook_tables::bump_entries_add_a_releasing_type_and_silence_a_known_one",
            "runbook_tables::messages_read_generously_release_what_they_say_and_lint_reports_them",
            "runbook_tables::an_unknown_type_releases_nothing_and_the_plan_names_the_nearest",
        ],
    ),
    (
        "## Trigger and pipeline",
        &[
            "runbook::the_pipelines_outputs_are_the_actions_and_the_run_on_the_release_commit_releases_nothing",
            "runbook::github_ui_steps_are_named_as_such_and_the_workflow_uses_what_they_create",
            "action::releases_run_one_at_a_time_and_are_never_cancelled",
            "action::install_downloads_the_release_verifies_it_and_the_binary_runs",
            "action::action_defaults_release_and_push_with_the_masked_token",
            "shallow::a_shallow_clone_is_deepened_until_the_last_release_is_reachable",
            "pipeline::vbump_alone_is_the_plan_and_never_writes",
            "pipeline::plan_reports_every_problem_the_release_would_hit_not_only_the_first",
            "release::a_remote_ahead_of_head_is_exit_2_before_anything_changes",
            "github::protected_branch_without_bypass_blocks_push_and_names_the_ruleset",
            "rollback::protected_branch_gh006_restores_everything_and_relays_the_reason",
            "rollback::a_rollback_that_cannot_finish_is_exit_4_naming_what_remains_and_recover_ends_it",
            "github_flow::unreadable_protection_push_rejected_with_gh006_falls_back_to_a_pr",
            "github::release_is_created_as_draft_then_published",
        ],
    ),
    // Rewritten by issue 12 (harden) in this session, with its own tests of the procedure.
    (
        "## Exit codes and recovery",
        &[
            "runbook_tables::the_exit_code_table_is_what_vbump_exits_with_and_leaves",
            "github_flow::rerunning_the_same_run_after_a_landed_push_finishes_the_release",
            "github_flow::rerunning_the_same_run_when_the_push_never_landed_releases",
            "github_flow::rerunning_an_old_run_whose_version_was_released_elsewhere_stops_and_says_why",
            "recover::",
            "rollback::",
            "github::existing_release_is_left_alone_and_a_leftover_draft_is_published",
            "action::install_refuses_a_tampered_binary_and_installs_nothing",
            "action::install_builds_from_the_action_source_for_a_branch_ref",
            "runbook::an_install_without_a_prebuilt_binary_or_cargo_fails_as_the_runbook_says",
        ],
    ),
    (
        "## Forcing a bump",
        &[
            "runbook::a_forced_bump_releases_on_a_released_head_and_wins_over_release_as",
            "runbook::each_refusal_the_runbook_explains_is_what_vbump_says_and_its_fix_works",
            "action::action_passes_every_input_to_the_binary",
        ],
    ),
    (
        "## Pre-releases",
        &[
            "runbook_tables::the_pre_release_table_is_what_vbump_releases",
            "runbook_tables::plan_pre_shows_the_next_pre_release",
            "pre_releases::identifiers_are_checked_as_the_error_message_describes",
            "pre_releases::a_stable_release_after_pre_releases_has_notes_for_everything_since_the_last_stable_release",
            "github::a_pre_release_is_marked_prerelease_and_never_made_latest",
            "github::release_kinds_follow_the_version_and_the_newest_stable_tag",
            "action::action_passes_every_input_to_the_binary",
        ],
    ),
    // Being extended by issue 10 (pr-route) in this session.
    (
        "## The release pull request",
        &[
            "github_flow::protected_branch_without_bypass_opens_a_pr_and_the_merged_pr_is_released",
            "github_flow::an_open_release_pr_is_updated_not_duplicated_and_rebuilt_on_the_new_head",
            "github_flow::a_release_pr_merged_with_a_merge_commit_or_squashed_is_tagged_on_the_merge",
            "github::release_pr_is_opened_once_then_updated_never_duplicated",
        ],
    ),
    // Rewritten by issue 10 (check-set, pr-route, init) in this session, with its own tests.
    (
        "## A catalog of plugins",
        &[
            "packages::",
            "packages_pr::one_release_pr_carries_every_package_and_its_merge_tags_and_publishes_each_of_them",
            "packages_pr::the_runbooks_release_pr_of_a_catalog_is_what_vbump_opens",
        ],
    ),
    (
        "## Pinning the action",
        &[
            "action::install_for_a_commit_sha_downloads_the_release_cut_from_that_commit",
            "action::install_downloads_the_release_verifies_it_and_the_binary_runs",
            "action::install_builds_from_the_action_source_for_a_branch_ref",
            "action::install_refuses_a_binary_missing_from_sha256sums",
            "runbook::the_example_pins_vbumps_first_release",
        ],
    ),
    // Reasons, not steps: nothing to run.
    ("## Decision records", &[]),
];

/// Each fenced block of RUNBOOK.md (its heading, its language) and what runs it, in order.
const BLOCKS: &[(&str, &str, &str)] = &[
    (
        "### 2. The workflow",
        "toml",
        "runbook::release_branches_as_written_refuse_any_other_branch_with_nothing_changed",
    ),
    (
        "### 3. The first run: reconcile the versions",
        "sh",
        "runbook::the_first_run_as_written_pushes_the_adoption_tag_and_commits_vbump_toml",
    ),
    ("### 4. Commit identity", "sh", "GitHub: `gh api` asks GitHub's users API for the bot account's id"),
    (
        "### 4. Commit identity",
        "toml",
        "runbook::the_commit_identity_as_written_signs_the_release_commit_and_tag",
    ),
    ("### 5. Check messages before they land", "yaml", ".ci/pre-commit-hooks"),
    ("### 5. Check messages before they land", "sh", ".ci/pre-commit-hooks"),
    (
        "### 5. Check messages before they land",
        "text",
        "runbook::the_runbooks_refused_message_is_what_the_hook_prints",
    ),
    (
        "## Trigger and pipeline",
        "text",
        "runbook::the_pipelines_outputs_are_the_actions_and_the_run_on_the_release_commit_releases_nothing",
    ),
    (
        "## A catalog of plugins",
        "markdown",
        "packages_pr::the_runbooks_release_pr_of_a_catalog_is_what_vbump_opens",
    ),
];

fn section(heading: &str) -> Section<'static> {
    markdown::section(RUNBOOK, heading)
}

/// `text`, after checking that RUNBOOK's `section` says it (line breaks read as spaces): what a
/// test asserts is what it quotes.
#[track_caller]
pub(crate) fn quoted<'a>(section: &Section<'_>, text: &'a str) -> &'a str {
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words(section.text).contains(&words(text)), "`{}` no longer says {text:?}", section.heading);
    text
}

/// PATH with the vbump under test first, as an installed vbump would be.
fn path_with_vbump() -> std::ffi::OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_vbump")).parent().unwrap().to_path_buf();
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path))).unwrap()
}

/// Runs a RUNBOOK shell block in the repository, as a user pasting it would (vbump on PATH).
fn run_block(repo: &TestRepo, block: &str) -> Outcome {
    let out = repo.command("bash").args(["-c", block]).env("PATH", path_with_vbump()).output().unwrap();
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A plugin released as 1.4.2 (`v1.4.2`), then one feature.
fn plugin_with_a_feature_since_1_4_2() -> TestRepo {
    let repo = TestRepo::new();
    repo.file(".claude-plugin/plugin.json", "{\n  \"name\": \"p\",\n  \"version\": \"1.4.2\"\n}\n")
        .commit("chore: init")
        .annotated_tag("v1.4.2");
    repo.commit("feat: streaming responses");
    repo
}

fn example() -> Yaml {
    YamlLoader::load_from_str(EXAMPLE).unwrap().remove(0)
}

// ---------------------------------------------------------------------------------------------
// The audit itself.

#[test]
fn every_runbook_section_and_block_is_walked_by_a_test() {
    let headings: Vec<&str> = markdown::sections(RUNBOOK, 2).iter().map(|s| s.heading).collect();
    let listed: Vec<&str> = SECTIONS.iter().map(|(heading, _)| *heading).collect();
    assert_eq!(
        headings, listed,
        "RUNBOOK.md's `##` sections (left) and SECTIONS in tests/runbook.rs (right): list a new section \
         there with the tests that walk its steps"
    );
    let mut blocks = Vec::new();
    for level in [2, 3] {
        for section in markdown::sections(RUNBOOK, level) {
            // A `##` section's own blocks only: those under its `###` are listed with them.
            blocks.extend(section.own().blocks().into_iter().map(|b| (section.heading, b.language)));
        }
    }
    blocks.sort_by_key(|(heading, _)| RUNBOOK.find(&format!("{heading}\n")).unwrap());
    let listed: Vec<(&str, &str)> =
        BLOCKS.iter().map(|(heading, language, _)| (*heading, *language)).collect();
    assert_eq!(
        blocks, listed,
        "RUNBOOK.md's fenced blocks (left) and BLOCKS in tests/runbook.rs (right): list a new block \
         there with the test that runs it (or, for a GitHub-only step, `GitHub: why`)"
    );
    // Every test named exists; a `file::` entry names a file of tests that covers the section.
    let named = SECTIONS.iter().flat_map(|(_, tests)| tests.iter()).chain(BLOCKS.iter().map(|(_, _, by)| by));
    for test in named {
        if let Some(script) = test.strip_prefix(".ci/") {
            let text =
                std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci").join(script));
            assert!(text.unwrap().contains("RUNBOOK.md"), "{test} does not run RUNBOOK.md's blocks");
            continue;
        }
        if test.starts_with("GitHub: ") {
            continue;
        }
        let (file, name) = test.split_once("::").unwrap();
        let source = std::fs::read_to_string(format!("{}/tests/{file}.rs", env!("CARGO_MANIFEST_DIR")))
            .unwrap_or_else(|_| panic!("no tests/{file}.rs"));
        assert!(name.is_empty() || source.contains(&format!("fn {name}()")), "no test {test}");
    }
}

// ---------------------------------------------------------------------------------------------
// One-time set-up.

#[test]
fn github_ui_steps_are_named_as_such_and_the_workflow_uses_what_they_create() {
    let setup = section("## One-time set-up");
    quoted(&setup, "happen in GitHub's web UI, and no test of vbump can run them");
    // The variable and the secret step 1.5 stores are the ones the example workflow reads.
    let app = section("### 1. A GitHub App that may push releases");
    let variable = quoted(&app, "variable `RELEASE_APP_ID`");
    let secret = quoted(&app, "secret `RELEASE_APP_PRIVATE_KEY`");
    let token_step = example()["jobs"]["release"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| s["id"].as_str() == Some("app-token"))
        .cloned()
        .unwrap();
    let with = &token_step["with"];
    assert_eq!(with["app-id"].as_str(), Some("${{ vars.RELEASE_APP_ID }}"), "{variable}");
    assert_eq!(with["private-key"].as_str(), Some("${{ secrets.RELEASE_APP_PRIVATE_KEY }}"), "{secret}");
    // "limited to `contents: write` and `pull-requests: write`": the token the run mints.
    quoted(&app, "limited to `contents: write` and `pull-requests: write`");
    assert_eq!(with["permission-contents"].as_str(), Some("write"));
    assert_eq!(with["permission-pull-requests"].as_str(), Some("write"));
    let permissions: Vec<&str> =
        with.as_hash().unwrap().keys().filter_map(|k| k.as_str()?.strip_prefix("permission-")).collect();
    assert_eq!(permissions, ["contents", "pull-requests"], "nothing more than the RUNBOOK lists");
    // The diagram says the same.
    quoted(&section("## Trigger and pipeline"), "App token (1 h, contents + pull-requests write)");
}

#[test]
fn release_branches_as_written_refuse_any_other_branch_with_nothing_changed() {
    let workflow = section("### 2. The workflow");
    let repo = plugin_with_a_feature_since_1_4_2();
    repo.file("vbump.toml", workflow.block("toml")).commit("chore: release from main and release/* only");
    repo.git(["switch", "--quiet", "-c", "feature/x"]);
    let state = repo.state();
    quoted(&workflow, "`vbump release` anywhere else stops with exit 2 before changing anything");
    repo.vbump(["release"])
        .code(2)
        .stderr_has("`feature/x` is not a release branch")
        .stderr_has("nothing was changed");
    assert_eq!(repo.state(), state);
    // `release/*` lets a maintenance branch release; main does anyway.
    repo.git(["switch", "--quiet", "-c", "release/1.x"]);
    repo.vbump(["release"]).code(0).stdout_has("released v1.5.0");
}

#[test]
fn the_first_run_as_written_pushes_the_adoption_tag_and_commits_vbump_toml() {
    let first_run = section("### 3. The first run: reconcile the versions");
    let repo = TestRepo::new();
    // A plugin whose version files drifted apart, with an old breaking change in its history.
    repo.file(".claude-plugin/plugin.json", "{\n  \"name\": \"p\",\n  \"version\": \"1.4.0\"\n}\n")
        .file("package.json", "{\"name\": \"p\", \"version\": \"1.3.9\"}\n")
        .commit("feat!: the first public interface");
    repo.commit("fix: an old fix");
    repo.origin();
    let out = run_block(&repo, first_run.block("sh"));
    let log = format!("{}{}", out.stdout, out.stderr);

    assert_eq!(repo.git(["status", "--porcelain"]), "", "everything is committed, vbump.toml too:\n{log}");
    assert_eq!(repo.git(["ls-files", "vbump.toml"]), "vbump.toml", "{log}");
    assert_eq!(repo.git(["log", "-1", "--format=%s"]), "chore: reconcile versions at 1.4.0");
    assert_eq!(repo.origin_git(["rev-parse", "refs/tags/v1.4.0^{commit}"]), repo.rev("HEAD"), "{log}");
    assert_eq!(repo.origin_git(["rev-parse", "refs/heads/main"]), repo.rev("HEAD"), "{log}");
    repo.vbump(["check"]).code(0).stdout_has("agree on 1.4.0");
    // "this commit does not trigger a release by itself".
    quoted(
        &first_run,
        "`chore` commits release nothing, so this commit does not trigger a release by itself",
    );
    repo.vbump(["next"]).expect(0, "", "");
    // The first automated release counts only what came after the adoption tag: a fix is 1.4.1,
    // not the 2.0.0 that the old `feat!:` would make of the whole history.
    repo.commit("fix: the first change after adopting vbump");
    repo.vbump(["next"]).expect(0, "1.4.1\n", "");
}

#[test]
fn bare_vbump_only_plans_and_says_every_problem_with_exit_2() {
    let first_run = section("### 3. The first run: reconcile the versions");
    quoted(&first_run, "Bare `vbump` (same as `vbump plan`) only plans");
    let repo = plugin_with_a_feature_since_1_4_2();
    let bare = repo.vbump(Vec::<&str>::new());
    bare.code(0).stdout_has("next version: 1.5.0");
    assert_eq!(bare.stdout, repo.vbump(["plan"]).stdout);
    // Two problems a release would hit, both listed, exit 2, and nothing written.
    quoted(&first_run, "lists every problem the release would hit (exit 2), and never writes");
    repo.file("vbump.toml", "changelog = \"CHANGELOG.md\"\n").commit("chore: keep a changelog");
    repo.file(".claude-plugin/plugin.json", "{\n  \"name\": \"p\",\n  \"version\": \"1.4.2\" \n}\n");
    let state = repo.state();
    repo.vbump(Vec::<&str>::new())
        .code(2)
        .stderr_has("2 problems stop the release")
        .stderr_has("the changelog `CHANGELOG.md` does not exist")
        .stderr_has("uncommitted changes: .claude-plugin/plugin.json");
    assert_eq!(repo.state(), state);
}

#[test]
fn the_commit_identity_as_written_signs_the_release_commit_and_tag() {
    let identity = section("### 4. Commit identity");
    let bot = "acme-release[bot] <41898282+acme-release[bot]@users.noreply.github.com>";
    let repo = plugin_with_a_feature_since_1_4_2();
    repo.file("vbump.toml", identity.block("toml")).commit("chore: releases are the App's");
    repo.vbump(["release"]).code(0).stdout_has("released v1.5.0");
    assert_eq!(repo.git(["log", "-1", "--format=%an <%ae>"]), bot);
    assert_eq!(repo.git(["log", "-1", "--format=%cn <%ce>"]), bot);
    assert_eq!(repo.git(["for-each-ref", "refs/tags/v1.5.0", "--format=%(taggername) %(taggeremail)"]), bot);
    // "or the action's `author` input (`--author` on the command line), which wins over the file".
    quoted(&identity, "`--author` on the command line), which wins over the file");
    repo.commit("fix: a crash");
    repo.vbump(["release", "--author", "Release Bot <bot@example.com>"]).code(0);
    assert_eq!(repo.git(["log", "-1", "--format=%an <%ae>"]), "Release Bot <bot@example.com>");
    assert!(ACTION.contains("INPUT_AUTHOR: ${{ inputs.author }}"), "the action passes its `author` input");
}

#[test]
fn the_runbooks_refused_message_is_what_the_hook_prints() {
    let repo = TestRepo::new();
    repo.commit("chore: init");
    repo.file(".git/COMMIT_EDITMSG", "Fixed crash on empty config\n");
    let shown = section("### 5. Check messages before they land").block("text");
    let out = repo.vbump(["lint", "--message-file", ".git/COMMIT_EDITMSG"]);
    out.code(1);
    assert!(out.stdout.starts_with(shown), "RUNBOOK shows:\n{shown}\nvbump prints:\n{}", out.stdout);
}

#[test]
fn a_commit_msg_hook_of_husky_or_lefthook_runs_the_lint_the_runbook_gives() {
    let hooks = section("### 5. Check messages before they land");
    let command = quoted(&hooks, "vbump lint --message-file \"$1\"");
    let repo = TestRepo::new();
    repo.commit("chore: init");
    repo.origin();
    // husky's way: a versioned hooks folder through `core.hooksPath`.
    repo.file(".husky/commit-msg", format!("#!/usr/bin/env sh\n{command}\n"));
    make_executable(&repo.path().join(".husky/commit-msg"));
    repo.git(["config", "core.hooksPath", ".husky"]);
    repo.git(["add", ".husky"]);
    let commit = |args: &[&str]| {
        repo.command("git").arg("commit").args(args).env("PATH", path_with_vbump()).output().unwrap()
    };
    let refused = commit(&["-m", "Fixed crash on empty config"]);
    assert!(!refused.status.success());
    // git shows what the hook printed (on stderr): the corrected example.
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("write instead: fix: crash on empty config"), "{said}");
    assert!(commit(&["-m", "chore: hooks with husky"]).status.success());
    // "`git commit --no-verify` skips the hook."
    quoted(&hooks, "`git commit --no-verify` skips the hook");
    assert!(commit(&["--allow-empty", "--no-verify", "-m", "Fixed crash"]).status.success());
    repo.git(["reset", "--quiet", "--hard", "HEAD~1"]);
    // fixup! passes the hook, and the range lint the RUNBOOK gives reports it while it remains.
    assert!(commit(&["--allow-empty", "-m", "fixup! chore: hooks with husky"]).status.success());
    let range = quoted(&hooks, "vbump lint --range origin/main..HEAD");
    let out = run_block(&repo, range);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stdout.contains("fixup! chore: hooks with husky"), "{}", out.stdout);
}

#[test]
fn the_example_workflow_lints_edited_titles_installs_once_and_releases_only_from_main() {
    let workflow = example();
    let types: Vec<&str> =
        workflow["on"]["pull_request"]["types"].as_vec().unwrap().iter().filter_map(|t| t.as_str()).collect();
    assert!(types.contains(&"edited"), "a fixed title must be linted again: {types:?}");
    let lint = workflow["jobs"]["lint"]["steps"].as_vec().unwrap();
    let installs =
        lint.iter().filter(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("vbump/vbump@"))).count();
    assert_eq!(installs, 1, "the lint job installs vbump once");
    let release_if = workflow["jobs"]["release"]["if"].as_str().unwrap();
    assert!(release_if.contains("github.ref == 'refs/heads/main'"), "{release_if}");
    assert!(!EXAMPLE.contains("zizmor"), "no linter comments travel into users' workflows");
    let setup = section("### 2. The workflow");
    quoted(&setup, "Copy [`examples/workflows/claude-plugin-release.yml`]");
    quoted(&setup, "offers a manual run to force a bump, on `main` only");
    quoted(&setup, "It releases on every push to the default branch");
    let pushed: Vec<&str> =
        workflow["on"]["push"]["branches"].as_vec().unwrap().iter().filter_map(|b| b.as_str()).collect();
    assert_eq!(pushed, ["main"]);
    // The permissions it names for `GITHUB_TOKEN` are the ones the action asks its callers for.
    quoted(&setup, "`contents: write`, plus `pull-requests: write` for the `pr` strategy");
    assert!(ACTION.contains("Minimum permissions of the calling job: `contents: write` (commit, tag, release); add\n# `pull-requests: write` for the `pr` strategy"));
}

/// The value the runner gives an `env:` expression of the example workflow, from the outputs
/// earlier steps wrote; an expression the test does not know fails it.
fn evaluate(expression: &str, outputs: &[(String, String)], bin: &str) -> String {
    let inner = expression.strip_prefix("${{ ").and_then(|e| e.strip_suffix(" }}")).unwrap_or_else(|| {
        panic!("`{expression}`: env values of run steps are single expressions");
    });
    match inner.strip_prefix("steps.vbump.outputs.") {
        Some("bin") => bin.to_string(),
        Some(name) => outputs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default(),
        None => panic!("unknown expression `{expression}`"),
    }
}

#[test]
fn every_run_step_of_the_example_workflow_runs_on_what_vbump_outputs() {
    // The release job's vbump step, for real against the fake GitHub: its outputs feed the rest.
    let fake = GitHubFake::start();
    let repo = TestRepo::new();
    repo.file(".claude-plugin/plugin.json", "{\"name\": \"hello\", \"version\": \"1.2.0\"}\n")
        .file("package.json", "{\"name\": \"hello\", \"version\": \"1.2.0\"}\n")
        .commit("chore: init")
        .tag("v1.2.0");
    repo.commit("feat: streaming responses");
    repo.origin();
    let output = repo.sandbox().join("github_output");
    repo.vbump_with(["release", "-C", ".", "--push"], |cmd| {
        fake.env(cmd, TOKEN);
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &output);
    })
    .code(0);
    let outputs: Vec<(String, String)> = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect();

    let workflow = example();
    let mut ran = Vec::new();
    for (job, spec) in workflow["jobs"].as_hash().unwrap() {
        for step in spec["steps"].as_vec().unwrap() {
            let Some(script) = step["run"].as_str() else { continue };
            let (job, name) = (job.as_str().unwrap(), step["name"].as_str().unwrap_or("(unnamed)"));
            // The only condition a run step has is the one on the release's outcome.
            if let Some(condition) = step["if"].as_str() {
                assert_eq!(condition, "steps.vbump.outputs.released == 'true'", "{name}");
                assert_eq!(evaluate("${{ steps.vbump.outputs.released }}", &outputs, ""), "true");
            }
            let mut cmd = repo.command("bash");
            cmd.args(["-e", "-c", script]);
            for (var, expression) in step["env"].as_hash().into_iter().flatten() {
                let value = evaluate(expression.as_str().unwrap(), &outputs, env!("CARGO_BIN_EXE_vbump"));
                cmd.env(var.as_str().unwrap(), value);
            }
            let out = cmd.output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(out.status.success(), "{job}/{name}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
            ran.push((format!("{job}/{name}"), stdout));
        }
    }
    let summary = "Released v1.3.0 at https://github.com/octo/hello/releases/tag/v1.3.0\n";
    assert_eq!(
        ran,
        [
            ("lint/Version files agree".to_string(), String::new()),
            ("release/Summary".to_string(), summary.to_string())
        ]
    );
}

#[test]
fn the_example_workflows_check_step_finds_drift_as_an_annotation() {
    let step = example()["jobs"]["lint"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str() == Some("Version files agree"))
        .cloned()
        .unwrap();
    assert_eq!(step["env"]["VBUMP"].as_str(), Some("${{ steps.vbump.outputs.bin }}"));
    let repo = TestRepo::new();
    let locations = "[[location]]\nfile = \"package.json\"\njson = \"/version\"\n\n\
                     [[location]]\nfile = \".claude-plugin/plugin.json\"\njson = \"/version\"\n";
    repo.file("vbump.toml", locations)
        .file(".claude-plugin/plugin.json", "{\"version\": \"1.0.0\"}\n")
        .file("package.json", "{\"version\": \"1.1.0\"}\n")
        .commit("chore: init");
    let out = repo
        .command("bash")
        .args(["-c", step["run"].as_str().unwrap()])
        .env("VBUMP", env!("CARGO_BIN_EXE_vbump"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("::error file="));
}

#[test]
fn the_example_pins_vbumps_first_release() {
    // vbump's own history decides its first release; the example, README and RUNBOOK name it.
    let root = env!("CARGO_MANIFEST_DIR");
    let repo = TestRepo::bare_sandbox();
    std::fs::create_dir_all(repo.path()).unwrap();
    let tags =
        repo.command("git").args(["-C", root, "tag", "--list", "v*", "--sort=-v:refname"]).output().unwrap();
    let latest = String::from_utf8_lossy(&tags.stdout).lines().next().map(str::to_string);
    let first = match latest {
        Some(tag) => tag,
        None => {
            let next = repo.vbump(["next", "-C", root]);
            next.code(0);
            format!("v{}", next.stdout.trim())
        }
    };
    assert!(EXAMPLE.contains(&format!("uses: vbump/vbump@{first}\n")), "the example should pin {first}");
    assert!(EXAMPLE.contains(&format!("`vbump/vbump@<full commit SHA of that tag> # {first}`")));
    assert!(
        RUNBOOK.contains(&format!("names {first}, vbump's first release")),
        "RUNBOOK should name {first}"
    );
    assert!(!README.contains("vbump/vbump@v0.1.0") && !EXAMPLE.contains("@v0.1.0"));
}

#[test]
fn vbumps_own_configuration_releases_only_from_main_and_release_branches() {
    let own = vbump::config::Config::parse(include_str!("../vbump.toml"), Path::new("vbump.toml")).unwrap();
    assert!(own.release_branches.allows("main"));
    assert!(own.release_branches.allows("release/0.x"));
    assert!(!own.release_branches.allows("feature/x"));
}

// ---------------------------------------------------------------------------------------------
// Trigger and pipeline.

#[test]
fn the_pipelines_outputs_are_the_actions_and_the_run_on_the_release_commit_releases_nothing() {
    let pipeline = section("## Trigger and pipeline");
    let diagram = pipeline.block("text");
    let listed: Vec<&str> = diagram
        .lines()
        .find_map(|l| l.trim().strip_prefix("outputs: "))
        .expect("the diagram lists the outputs")
        .split(", ")
        .collect();
    let action = YamlLoader::load_from_str(ACTION).unwrap().remove(0);
    let declared: Vec<&str> =
        action["outputs"].as_hash().unwrap().keys().filter_map(|k| k.as_str()).collect();
    // `bin` is the install step's, not the release's.
    assert_eq!(listed, declared.into_iter().filter(|o| *o != "bin").collect::<Vec<_>>());

    // A release pushed, then the run its release commit starts: HEAD is tagged, nothing happens.
    let fake = GitHubFake::start();
    let repo = plugin_with_a_feature_since_1_4_2();
    repo.origin();
    let run = |output: &Path| {
        repo.vbump_with(["release", "--push"], |cmd| {
            fake.env(cmd, TOKEN);
            cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", output);
        })
    };
    run(&repo.sandbox().join("first")).code(0);
    let remote = repo.origin_git(["for-each-ref"]);
    quoted(&pipeline, "that run finds HEAD already tagged and exits 0 with `released=false`");
    let second = repo.sandbox().join("second");
    run(&second).code(0);
    assert!(std::fs::read_to_string(&second).unwrap().starts_with("released=false\n"));
    assert_eq!(repo.origin_git(["for-each-ref"]), remote);
    assert_eq!(fake.state().releases.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Exit codes and recovery: the install step's failures.

#[test]
fn an_install_without_a_prebuilt_binary_or_cargo_fails_as_the_runbook_says() {
    let recovery = section("## Exit codes and recovery");
    let message = quoted(&recovery, "no prebuilt vbump for this ref");
    quoted(
        &recovery,
        "you pinned a branch or a commit that is not a release; the action builds from source (needs cargo",
    );
    let sandbox = TestRepo::bare_sandbox();
    std::fs::create_dir_all(sandbox.path()).unwrap();
    let out = sandbox
        .command("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/install.sh"))
        .env_remove("VBUMP_VERSION")
        .env_remove("VBUMP_SHA256SUMS")
        .env("VBUMP_ACTION_REF", "main")
        .env("VBUMP_INSTALL_DIR", sandbox.sandbox().join("install"))
        .env("TMPDIR", sandbox.sandbox())
        .env("CARGO", "/nonexistent/cargo")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(message) && stderr.contains("cargo is not installed"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// Forcing a bump.

#[test]
fn a_forced_bump_releases_on_a_released_head_and_wins_over_release_as() {
    let forcing = section("## Forcing a bump");
    // "Locally, `vbump plan --bump minor` shows what it would do."
    let repo = TestRepo::new();
    repo.file("package.json", "{\"version\": \"0.9.0\"}\n").commit("chore: init").annotated_tag("v0.9.0");
    repo.commit("docs: a commit type that releases nothing");
    let plan = quoted(&forcing, "vbump plan --bump minor");
    run_block(&repo, plan).code(0).stdout_has("next version: 0.10.0");
    // The push that merged the last feature released 0.10.0 a minute ago; `bump: major` then
    // makes 1.0.0 with a new release commit on top of 0.10.0's.
    quoted(&forcing, "`bump: major` then makes 1.0.0 with a new release commit on top of 0.10.0's");
    repo.commit("feat: the last feature before 1.0");
    repo.vbump(["release"]).code(0).stdout_has("released v0.10.0");
    let released = repo.rev("HEAD");
    repo.vbump(["release", "--bump", "major"]).code(0).stdout_has("released v1.0.0");
    assert_eq!(repo.rev("HEAD^"), released);
    repo.assert_released("v1.0.0", false);

    // A `Release-As: 1.0.0` footer does the same from the history; `bump` wins over it.
    quoted(&forcing, "A commit footer `Release-As: 1.0.0` does the same from the history");
    let footer = TestRepo::new();
    footer.file("package.json", "{\"version\": \"0.10.0\"}\n").commit("chore: init").annotated_tag("v0.10.0");
    footer.commit("chore: ready\n\nRelease-As: 1.0.0");
    footer.vbump(["next"]).expect(0, "1.0.0\n", "");
    quoted(&forcing, "`bump` wins over it");
    footer.vbump(["next", "--bump", "patch"]).expect(0, "0.10.1\n", "");
}

#[test]
fn each_refusal_the_runbook_explains_is_what_vbump_says_and_its_fix_works() {
    let forcing = section("## Forcing a bump");
    let lower = quoted(&forcing, "would be lower than");

    // Tagged under another prefix, newer than the `v` tags: the message names the prefix.
    let prefix = TestRepo::new();
    prefix.file("package.json", "{\"version\": \"0.9.0\"}\n").commit("chore: init").tag("v0.9.0");
    prefix.file("package.json", "{\"version\": \"1.0.0\"}\n").commit("feat: x").tag("release-1.0.0");
    prefix.commit("fix: a crash");
    quoted(&forcing, "the message names the `tag-prefix` the tags use; set it in `vbump.toml`");
    prefix.vbump(["next"]).code(2).stderr_has(lower).stderr_has("set `tag-prefix = \"release-\"`");
    prefix.file("vbump.toml", "tag-prefix = \"release-\"\n").commit("chore: our tags");
    prefix.vbump(["next"]).expect(0, "1.0.1\n", "");

    // A version written by hand without a tag: tag the commit that released it.
    let by_hand = TestRepo::new();
    by_hand.file("package.json", "{\"version\": \"1.0.0\"}\n").commit("chore: init").tag("v1.0.0");
    by_hand.file("package.json", "{\"version\": \"1.2.0\"}\n").commit("chore: released 1.2.0 by hand");
    by_hand.commit("fix: a crash");
    by_hand.vbump(["next"]).code(2).stderr_has(lower);
    let fix = quoted(&forcing, "git tag vX.Y.Z <commit>");
    let fix = fix.replace("vX.Y.Z", "v1.2.0").replace("<commit>", "HEAD~1");
    run_block(&by_hand, &fix).code(0);
    by_hand.vbump(["next"]).expect(0, "1.2.1\n", "");

    // A `Release-As` footer naming an old version: run with `bump` instead.
    let old = TestRepo::new();
    old.file("package.json", "{\"version\": \"1.4.0\"}\n").commit("chore: init").tag("v1.4.0");
    old.commit("fix: a crash\n\nRelease-As: 1.2.0");
    quoted(&forcing, "a `Release-As` footer names an old version (run with `bump` instead)");
    old.vbump(["next"]).code(2).stderr_has(lower);
    old.vbump(["next", "--bump", "minor"]).expect(0, "1.5.0\n", "");

    // No tag under the configured prefix at all, but one under another.
    let other = TestRepo::new();
    other.file("package.json", "{\"version\": \"1.0.0\"}\n").commit("chore: init").tag("release-1.0.0");
    other.commit("fix: a crash");
    let message =
        quoted(&forcing, "no release tag named `v<version>` is reachable from HEAD, but `release-1.0.0` is");
    other.vbump(["next"]).code(2).stderr_has(message).stderr_has("tag-prefix = \"release-\"");
}
