//! `vbump next`: the next version from the history, one rule per test.

use crate::support::TestRepo;

/// A repository released as `tag`, with `messages` committed after it.
fn released(tag: &str, messages: &[&str]) -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("chore: initial commit").tag(tag);
    for message in messages {
        repo.commit(message);
    }
    repo
}

#[track_caller]
fn next_is(repo: &TestRepo, expected: &str) {
    let stdout = if expected.is_empty() { String::new() } else { format!("{expected}\n") };
    repo.vbump(["next"]).expect(0, &stdout, "");
}

#[test]
fn fix_is_a_patch() {
    next_is(&released("v1.2.3", &["fix: handle empty input"]), "1.2.4");
}

#[test]
fn feat_is_a_minor() {
    next_is(&released("v1.2.3", &["fix: a", "feat: b", "fix: c"]), "1.3.0");
}

#[test]
fn perf_is_a_patch_and_docs_release_nothing() {
    next_is(&released("v1.2.3", &["perf: faster"]), "1.2.4");
    next_is(&released("v1.2.3", &["docs: typo", "chore: tidy", "ci: cache"]), "");
}

#[test]
fn bang_is_a_major() {
    next_is(&released("v1.2.3", &["feat(api)!: remove v1 endpoints"]), "2.0.0");
}

#[test]
fn breaking_change_footers_are_a_major() {
    next_is(&released("v1.2.3", &["fix: x\n\nBREAKING CHANGE: the config moved"]), "2.0.0");
    next_is(&released("v1.2.3", &["refactor: y\n\nBody.\n\nBREAKING-CHANGE: renamed"]), "2.0.0");
}

#[test]
fn breaking_change_while_major_is_zero_is_a_minor() {
    next_is(&released("v0.4.2", &["feat!: new format"]), "0.5.0");
    next_is(&released("v0.4.2", &["feat: a"]), "0.5.0");
    next_is(&released("v0.4.2", &["fix: a"]), "0.4.3");
}

#[test]
fn major_zero_breaking_is_minor_false_releases_one_zero_zero() {
    let repo = released("v0.4.2", &["feat!: new format"]);
    repo.file("vbump.toml", "major-zero-breaking-is-minor = false\n").commit("chore: config");
    next_is(&repo, "1.0.0");
}

#[test]
fn non_conventional_commits_are_ignored() {
    next_is(&released("v1.0.0", &["Update README", "Merge branch 'topic'", "wip"]), "");
    next_is(&released("v1.0.0", &["Update README", "fix: real fix"]), "1.0.1");
}

#[test]
fn vbump_release_commits_are_ignored() {
    next_is(&released("v1.0.0", &["chore(release): v1.0.1"]), "");
}

#[test]
fn tags_compare_by_semver_precedence() {
    let repo = TestRepo::new();
    repo.commit("feat: a").tag("v0.9.0");
    repo.commit("feat: b").tag("v0.10.0");
    repo.commit("fix: c");
    next_is(&repo, "0.10.1");
}

#[test]
fn a_higher_tag_on_another_branch_is_ignored() {
    let repo = released("v1.0.0", &[]);
    repo.git(["checkout", "--quiet", "-b", "experiment"]);
    repo.commit("feat!: experiment").tag("v2.0.0");
    repo.git(["checkout", "--quiet", "main"]);
    repo.commit("fix: on main");
    next_is(&repo, "1.0.1");
}

#[test]
fn non_semver_tags_are_ignored() {
    let repo = released("v1.1.0", &[]);
    repo.commit("fix: a").tag("latest").tag("v1.2").tag("nightly").tag("v9");
    next_is(&repo, "1.1.1");
}

#[test]
fn annotated_and_lightweight_tags_both_count() {
    let repo = TestRepo::new();
    repo.commit("chore: init").tag("v1.0.0");
    repo.commit("feat: a").annotated_tag("v1.1.0");
    repo.commit("fix: b");
    next_is(&repo, "1.1.1");
}

#[test]
fn tag_prefix_is_configurable() {
    let repo = TestRepo::new();
    repo.file("vbump.toml", "tag-prefix = \"\"\n").commit("chore: init").tag("3.1.0").tag("v9.0.0");
    repo.commit("feat: a");
    next_is(&repo, "3.2.0");
}

#[test]
fn pre_releases_count_up_then_promote() {
    let repo = released("v1.2.0", &["feat: a"]);
    repo.vbump(["next", "--pre", "rc"]).expect(0, "1.3.0-rc.1\n", "");
    repo.tag("v1.3.0-rc.1");
    repo.commit("fix: b");
    // Still 1.3.0's rc: the version is counted from the last stable release, v1.2.0.
    repo.vbump(["next", "--pre", "rc"]).expect(0, "1.3.0-rc.2\n", "");
    repo.tag("v1.3.0-rc.2");
    // Asked for by name on the rc itself, another rc is made.
    repo.vbump(["next", "--pre", "rc"]).expect(0, "1.3.0-rc.3\n", "");
    // A run without --pre on the rc itself is a re-run: nothing, so the push of the rc never
    // promotes it by accident. Asked for by name, it releases the version the rcs were for.
    next_is(&repo, "");
    repo.vbump(["next", "--promote"]).expect(0, "1.3.0\n", "");
    repo.vbump(["next", "--bump", "patch"]).expect(0, "1.3.0\n", "");
    // And so does the next commit that warrants a release.
    repo.commit("fix: c");
    next_is(&repo, "1.3.0");
}

#[test]
fn bump_override_wins_over_commits() {
    let repo = released("v1.2.3", &["fix: a"]);
    repo.vbump(["next", "--bump", "major"]).expect(0, "2.0.0\n", "");
    repo.vbump(["next", "--bump", "minor"]).expect(0, "1.3.0\n", "");
    repo.vbump(["next", "--bump", "auto"]).expect(0, "1.2.4\n", "");
    // Even with nothing to release by the commits.
    let quiet = released("v0.3.0", &["docs: a"]);
    quiet.vbump(["next", "--bump", "major"]).expect(0, "1.0.0\n", "");
}

#[test]
fn nothing_to_release_prints_nothing_and_exits_zero() {
    next_is(&released("v1.0.0", &[]), "");
}

#[test]
fn head_already_released_is_nothing_to_do() {
    let repo = released("v1.0.0", &["feat: a"]);
    repo.tag("v1.1.0");
    next_is(&repo, "");
}

#[test]
fn no_tag_and_no_version_file_starts_from_zero() {
    let repo = TestRepo::new();
    repo.commit("feat: first feature");
    next_is(&repo, "0.1.0");
}

#[test]
fn configured_bump_table_replaces_the_default() {
    let repo = released("v1.0.0", &["docs: a"]);
    repo.file("vbump.toml", "[bump]\ndocs = \"patch\"\n").commit("chore: config");
    next_is(&repo, "1.0.1");
}

#[test]
fn bad_pre_release_identifier_is_exit_2() {
    let repo = released("v1.0.0", &["feat: a"]);
    repo.vbump(["next", "--pre", "rc.1"])
        .code(2)
        .stderr_has("not a pre-release identifier")
        .stderr_has("hint:");
}

#[test]
fn bad_config_is_exit_2_with_file_and_line() {
    let repo = released("v1.0.0", &["feat: a"]);
    repo.file("vbump.toml", "tag-prefix = \"v\"\nbumps = 3\n");
    repo.vbump(["next"]).code(2).stderr_has("vbump.toml:2:1: ").stderr_has("bumps");
}

#[test]
fn detached_head_still_computes_the_next_version() {
    let repo = released("v1.0.0", &["feat: a"]);
    repo.git(["checkout", "--quiet", "--detach"]);
    next_is(&repo, "1.1.0");
}

#[test]
fn empty_repository_is_exit_2() {
    let repo = TestRepo::new();
    repo.vbump(["next"]).code(2).stderr_has("no commits yet");
}
