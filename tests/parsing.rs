//! Commit parsing: strict lint, generous release, one grammar. A breaking marker vbump can
//! recognise is never dropped and a type it can recognise is never ignored; when the release reads a
//! message generously the plan says so and `vbump lint` reports the same departure.

use crate::support::TestRepo;

/// A repository released as v1.2.0, with its version in Cargo.toml.
fn released() -> TestRepo {
    let repo = TestRepo::new();
    repo.file("Cargo.toml", "[package]\nname = \"x\"\nversion = \"1.2.0\"\n")
        .commit("chore: init")
        .tag("v1.2.0");
    repo
}

/// Commits `message` byte for byte (git's default clean-up would touch white space).
fn commit_verbatim(repo: &TestRepo, message: &str) {
    let file = repo.sandbox().join("MESSAGE");
    std::fs::write(&file, message).unwrap();
    repo.git([
        "commit",
        "--quiet",
        "--allow-empty",
        "--no-verify",
        "--cleanup=verbatim",
        "-F",
        file.to_str().unwrap(),
    ]);
}

fn plan_json(repo: &TestRepo) -> serde_json::Value {
    let out = repo.vbump(["plan", "--format", "json"]);
    out.code(0);
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn breaking_changes_in_unusual_shapes_release_a_major() {
    let squash = "Squashed commit of the following:\n\ncommit 63ec09b9e844e616dcaa7bae35a0b66671b59fbb\n\
                  Author: a <a@b>\nDate:   Sun Jan 19 12:05:23 2025 +0000\n\n    feat!: drop v1\n";
    for message in [
        "feat(a(b))!: drop v1",
        "feat()!: drop v1",
        "Merged in feature/x (pull request #7)\n\nfeat!: drop v1",
        squash,
        "Update README\n\nBREAKING CHANGE: v1 is gone",
        "BREAKING CHANGE: v1 is gone",
        "fix: x\n\n  BREAKING CHANGE: v1 is gone",
        "feat: a\r\rBREAKING CHANGE: v1 is gone",
    ] {
        let repo = released();
        commit_verbatim(&repo, message);
        repo.vbump(["next"]).expect(0, "2.0.0\n", "");
        let plan = plan_json(&repo);
        let commit = &plan["commits"][0];
        assert_eq!(commit["breaking"], true, "{message:?}: {plan:#}");
        assert!(commit["deviations"].as_array().is_some_and(|d| !d.is_empty()), "{message:?}: {plan:#}");
    }
}

#[test]
fn a_merge_commit_whose_body_is_breaking_releases_a_major() {
    let repo = released();
    repo.git(["checkout", "--quiet", "-b", "topic"]);
    repo.commit("wip");
    repo.git(["checkout", "--quiet", "main"]);
    repo.git([
        "merge",
        "--quiet",
        "--no-ff",
        "topic",
        "-m",
        "Merge pull request #7 from a/topic",
        "-m",
        "feat!: drop v1",
    ]);
    repo.vbump(["next"]).expect(0, "2.0.0\n", "");
    let plan = plan_json(&repo);
    assert_eq!(plan["commits"][0]["subject"], "Merge pull request #7 from a/topic");
    assert_eq!(plan["commits"][0]["type"], "feat");
    assert!(plan["commits"][0]["deviations"][0].as_str().unwrap().contains("the body line `feat!: drop v1`"));
    // Lint skips git's merge message and says what the release read from it.
    let out = repo.vbump(["lint", "--range", "v1.2.0..HEAD", "--format", "json"]);
    assert!(out.stdout.contains("the release reads its body line `feat!: drop v1`"), "{}", out.stdout);
}

#[test]
fn the_plan_shows_the_real_subject_and_how_it_read_it_and_lint_reports_it() {
    let repo = released();
    repo.commit("feat(a(b))!: drop v1");
    let out = repo.vbump(["plan"]);
    out.code(0).stdout_has("feat(a(b))!: drop v1");
    let plan = plan_json(&repo);
    assert_eq!(plan["commits"][0]["subject"], "feat(a(b))!: drop v1");
    assert_eq!(plan["commits"][0]["deviations"][0], "the scope `a(b)` contains a parenthesis");
    repo.vbump(["lint", "--range", "v1.2.0..HEAD"])
        .code(1)
        .stdout_has("the scope `a(b)` contains a parenthesis")
        .stdout_has("write instead: feat(a-b)!: drop v1");
}

#[test]
fn lint_accepts_what_the_specification_calls_valid() {
    let repo = TestRepo::new();
    for message in [
        "feat(http parser): accept spaces in scopes",
        "feat: allow provided config object to extend other configs\n\nBREAKING CHANGE: `extends` key in config file is now used for extending other config files",
        "feat!: send an email to the customer when a product is shipped",
        "feat(api)!: send an email to the customer when a product is shipped",
        "chore!: drop support for Node 6\n\nBREAKING CHANGE: use JavaScript features not available in Node 6.",
        "docs: correct spelling of CHANGELOG",
        "feat(lang): add Polish language",
        "fix: prevent racing of requests\n\nIntroduce a request id and a reference to latest request. Dismiss\nincoming responses other than from latest request.\n\nRemove timeouts which were used to mitigate the racing issue but are\nobsolete now.\n\nReviewed-by: Z\nRefs: #123",
        "revert: let us never again speak of the noodle incident\n\nRefs: 676104e, a215868",
    ] {
        repo.vbump(["lint", "--message", message]).code(0);
    }
}

#[test]
fn ignored_reasons_are_accurate_and_an_empty_description_still_counts() {
    let repo = released();
    repo.commit("Update README");
    commit_verbatim(&repo, "feat: ");
    let plan = plan_json(&repo);
    assert_eq!(plan["commits"][0]["type"], "feat");
    assert_eq!(plan["commits"][0]["deviations"][0], "the description after the colon is empty");
    assert_eq!(plan["ignored"][0]["reason"], "not a conventional commit: the subject has no `type: ` prefix");
    assert_eq!(plan["next"], "1.3.0");
}

#[test]
fn unknown_types_warn_with_the_nearest_known_type() {
    let repo = released();
    repo.commit("feature: dark mode").commit("bugfix: crash");
    let out = repo.vbump(["plan"]);
    out.code(0)
        .stdout_has(
            "has the unknown type `feature` and releases nothing: did you mean `feat` (releases a minor)?",
        )
        .stdout_has("add `feature = \"minor\"` to [bump] in vbump.toml")
        .stdout_has("did you mean `fix` (releases a patch)?");
}

#[test]
fn a_revert_inside_the_range_cancels_both() {
    let repo = released();
    repo.file("x.txt", "x").commit("feat: x");
    repo.git(["revert", "--no-edit", "HEAD"]);
    repo.vbump(["next"]).expect(0, "", "");
    let plan = plan_json(&repo);
    let reasons: Vec<&str> =
        plan["ignored"].as_array().unwrap().iter().map(|i| i["reason"].as_str().unwrap()).collect();
    assert!(reasons[0].starts_with("reverts ") && reasons[1].starts_with("reverted by "), "{reasons:?}");
    repo.commit("revert: feat: y").commit("feat: y");
    repo.vbump(["next"]).expect(0, "1.3.0\n", "");
}

#[test]
fn reverting_a_released_commit_releases_a_patch_unless_switched_off() {
    let repo = released();
    repo.file("x.txt", "x").commit("feat: x");
    repo.file("Cargo.toml", "[package]\nname = \"x\"\nversion = \"1.3.0\"\n")
        .commit("chore(release): v1.3.0")
        .tag("v1.3.0");
    repo.git(["revert", "--no-edit", "HEAD~1"]);
    repo.vbump(["next"]).expect(0, "1.3.1\n", "");
    repo.file("vbump.toml", "[bump]\nrevert = \"none\"\n");
    repo.vbump(["next"]).expect(0, "", "");
}

#[test]
fn the_plan_names_the_0x_rule_when_it_lowers_a_breaking_change() {
    let repo = TestRepo::new();
    repo.file("Cargo.toml", "[package]\nname = \"x\"\nversion = \"0.4.1\"\n")
        .commit("chore: init")
        .tag("v0.4.1");
    repo.commit("feat!: drop v1");
    let out = repo.vbump(["plan"]);
    out.code(0)
        .stdout_has("feat!: drop v1  -> breaking → minor (0.x rule): drop v1")
        .stdout_has("bump: minor (breaking → minor, the 0.x rule), decided by");
    assert!(!out.stdout.contains("-> major"), "{}", out.stdout);
    let plan = plan_json(&repo);
    assert_eq!(plan["bump"]["level"], "minor");
    assert_eq!(plan["bump"]["rule"], "major-zero-breaking-is-minor");
    // Above 0.x, no rule applies and none is named.
    let repo = released();
    repo.commit("feat!: drop v1");
    assert_eq!(plan_json(&repo)["bump"].get("rule"), None);
}
