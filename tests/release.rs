//! `vbump release`: commit, annotated tag, atomic push, idempotent re-runs, Actions outputs.

use crate::support::TestRepo;

/// Released as `v1.2.0`, then a feature: the next release is v1.3.0.
fn feature_since_v1_2_0() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("chore: initial commit").annotated_tag("v1.2.0");
    repo.commit("feat(cli): add --json");
    repo
}

#[test]
fn release_commits_and_tags_locally_and_says_how_to_push() {
    let repo = feature_since_v1_2_0();
    let before = repo.rev("HEAD");
    let out = repo.vbump(["release"]);
    let head = repo.rev("HEAD");
    out.expect(
        0,
        &format!(
            "released v1.3.0 (1.2.0 → 1.3.0, minor) as {}\npush it with: git push --atomic origin HEAD refs/tags/v1.3.0\n",
            &head[..12]
        ),
        "",
    );
    repo.assert_released("v1.3.0", false);
    assert_eq!(repo.git(["log", "-1", "--format=%s"]), "chore(release): v1.3.0");
    assert_eq!(repo.rev("HEAD^"), before);
    let notes = repo.git(["tag", "-l", "--format=%(contents)", "v1.3.0"]);
    assert!(notes.starts_with("v1.3.0\n\n### Features\n\n- **cli:** add --json ("), "{notes}");
}

#[test]
fn push_lands_the_commit_and_the_tag_on_the_remote() {
    let repo = feature_since_v1_2_0();
    repo.origin();
    let out = repo.vbump(["release", "--push"]);
    out.code(0).stdout_has("released v1.3.0").stdout_has(", pushed to `origin`");
    repo.assert_released("v1.3.0", true);
    assert_eq!(repo.rev("origin/main"), repo.rev("HEAD"));
}

#[test]
fn a_second_run_on_the_released_head_changes_nothing() {
    let repo = feature_since_v1_2_0();
    repo.origin();
    repo.vbump(["release", "--push"]).code(0);
    let state = repo.state();
    repo.vbump(["release", "--push"]).expect(
        0,
        "nothing to release: HEAD is already released as v1.3.0\n",
        "",
    );
    assert_eq!(repo.state(), state);
}

#[test]
fn nothing_to_release_exits_0_and_changes_nothing() {
    let repo = TestRepo::new();
    repo.commit("chore: initial commit").tag("v1.2.0");
    repo.commit("docs: typo");
    let state = repo.state();
    repo.vbump(["release"]).expect(0, "nothing to release since v1.2.0\n", "");
    assert_eq!(repo.state(), state);
}

#[test]
fn json_format_prints_the_release_as_one_object() {
    let repo = feature_since_v1_2_0();
    let out = repo.vbump(["release", "--format", "json"]);
    out.code(0);
    let value: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(value["released"], true);
    assert_eq!(value["version"], "1.3.0");
    assert_eq!(value["previous-version"], "1.2.0");
    assert_eq!(value["bump"], "minor");
    assert_eq!(value["commit"], repo.rev("HEAD"));
    assert_eq!(value["pushed"], false);
}

#[test]
fn detached_head_is_exit_2_and_changes_nothing() {
    let repo = feature_since_v1_2_0();
    repo.git(["checkout", "--quiet", "--detach", "HEAD"]);
    let state = repo.state();
    repo.vbump(["release"]).code(2).stderr_has("HEAD is detached").stderr_has("hint:");
    assert_eq!(repo.state(), state);
}

#[test]
fn push_without_the_remote_is_exit_2() {
    let repo = feature_since_v1_2_0();
    repo.vbump(["release", "--push"]).code(2).stderr_has("no remote named `origin`");
    assert_eq!(repo.git(["tag", "-l", "v1.3.0"]), "");
}

#[test]
fn a_remote_ahead_of_head_is_exit_2_before_anything_changes() {
    let repo = feature_since_v1_2_0();
    repo.origin();
    repo.commit("fix: only remote");
    repo.git(["push", "--quiet", "origin", "main"]);
    repo.git(["reset", "--quiet", "--hard", "HEAD^"]);
    let state = repo.state();
    repo.vbump(["release", "--push"])
        .code(2)
        .stderr_has("`origin/main` is at")
        .stderr_has("git pull --ff-only");
    assert_eq!(repo.state(), state);
}

#[test]
fn actions_get_outputs_a_summary_and_the_token_masked_first() {
    let repo = feature_since_v1_2_0();
    let output = repo.sandbox().join("github_output");
    let summary = repo.sandbox().join("step_summary");
    let out = repo.vbump_with(["release"], |cmd| {
        cmd.env("GITHUB_ACTIONS", "true")
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_TOKEN", "ghs_maskme");
    });
    out.code(0);
    assert_eq!(out.stderr.lines().next(), Some("::add-mask::ghs_maskme"));
    assert!(!out.stdout.contains("ghs_maskme"), "stdout may be captured where nothing masks it");
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert_eq!(
        outputs,
        format!(
            "released=true\nversion=1.3.0\nprevious-version=1.2.0\ntag=v1.3.0\nbump=minor\ncommit={}\n",
            repo.rev("HEAD")
        )
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.starts_with("### vbump released v1.3.0\n"), "{summary}");
    assert!(summary.contains("\n### Features\n\n- **cli:** add --json ("), "{summary}");
}

#[test]
fn actions_outputs_are_written_when_there_is_nothing_to_release() {
    let repo = TestRepo::new();
    repo.commit("chore: initial commit").tag("v1.2.0");
    let output = repo.sandbox().join("github_output");
    repo.vbump_with(["release"], |cmd| {
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &output);
    })
    .code(0);
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        format!(
            "released=false\nversion=1.2.0\nprevious-version=1.2.0\ntag=v1.2.0\nbump=\ncommit={}\n",
            repo.rev("HEAD")
        )
    );
}

#[test]
fn without_a_git_identity_the_release_is_made_by_vbump_bot() {
    let repo = feature_since_v1_2_0();
    std::fs::write(
        repo.sandbox().join("home/.gitconfig"),
        "[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n",
    )
    .unwrap();
    repo.vbump_with(["release"], |cmd| {
        cmd.env_remove("EMAIL");
    })
    .code(0);
    assert_eq!(
        repo.git(["log", "-1", "--format=%cn <%ce>"]),
        "vbump[bot] <vbump[bot]@users.noreply.github.com>"
    );
}

#[test]
fn a_crate_release_keeps_cargo_lock_in_step() {
    let repo = TestRepo::new();
    let lock = "# This file is automatically @generated by Cargo.\nversion = 4\n\n[[package]]\nname = \"demo\"\nversion = \"1.2.0\"\n";
    repo.file("Cargo.toml", "[package]\nname = \"demo\"\nversion = \"1.2.0\"\nedition = \"2021\"\n")
        .file("Cargo.lock", lock)
        .commit("chore: initial commit")
        .tag("v1.2.0");
    repo.commit("feat: add a thing");
    repo.vbump(["release"]).code(0).stdout_has("released v1.3.0");
    assert_eq!(repo.read_text("Cargo.lock"), lock.replace("version = \"1.2.0\"", "version = \"1.3.0\""));
    assert_eq!(repo.git(["status", "--porcelain"]), "");
}

/// `Cargo.toml` released as v1.2.0, a feature, all pushed; then the release commit of v1.3.0 (as
/// a merged release pull request leaves it), pushed only when `pushed`.
fn release_commit_on_top(pushed: bool) -> TestRepo {
    let repo = TestRepo::new();
    repo.file("Cargo.toml", "[package]\nname = \"hello\"\nversion = \"1.2.0\"\n")
        .commit("chore: init")
        .annotated_tag("v1.2.0");
    repo.commit("feat(cli): add --json");
    repo.origin();
    repo.file("Cargo.toml", "[package]\nname = \"hello\"\nversion = \"1.3.0\"\n")
        .commit("chore(release): v1.3.0");
    if pushed {
        repo.git(["push", "--quiet", "origin", "main"]);
    }
    repo
}

#[test]
fn a_release_commit_the_remote_does_not_have_is_exit_2_and_nothing_is_tagged() {
    let repo = release_commit_on_top(false);
    let state = repo.state();
    repo.vbump(["release", "--push"])
        .code(2)
        .stderr_has("`origin/main` is at")
        .stderr_has("git pull --ff-only");
    assert_eq!(repo.state(), state);
}

#[test]
fn a_detached_release_commit_is_exit_2_and_nothing_is_tagged() {
    let repo = release_commit_on_top(true);
    repo.git(["checkout", "--quiet", "--detach", "HEAD"]);
    let state = repo.state();
    repo.vbump(["release", "--push"]).code(2).stderr_has("HEAD is detached");
    assert_eq!(repo.state(), state);
}

#[test]
fn a_pushed_release_commit_is_tagged_and_only_the_tag_is_pushed() {
    let repo = release_commit_on_top(true);
    let head = repo.rev("HEAD");
    repo.vbump(["release", "--push"]).code(0).stdout_has("released v1.3.0");
    repo.assert_released("v1.3.0", true);
    assert_eq!(repo.rev("HEAD"), head, "no second release commit");
}

#[cfg(feature = "failpoints")]
#[test]
fn tagging_a_release_commit_rolls_back_when_it_fails_before_the_push() {
    let repo = release_commit_on_top(true);
    let state = repo.state();
    repo.vbump_with(["release", "--push"], |cmd| {
        cmd.env("VBUMP_FAILPOINTS", "after-tag=error");
    })
    .code(3)
    .stderr_has("rolled back");
    assert_eq!(repo.state(), state, "the local tag is deleted again, no journal");
}

#[cfg(feature = "failpoints")]
#[test]
fn tagging_a_release_commit_whose_push_reply_is_lost_stands_when_the_remote_has_the_tag() {
    let repo = release_commit_on_top(true);
    repo.vbump_with(["release", "--push"], |cmd| {
        cmd.env("VBUMP_FAILPOINTS", "push-reply-lost=error");
    })
    .code(0)
    .stderr_has("the release stands");
    repo.assert_released("v1.3.0", true);
}

#[test]
fn a_branch_outside_release_branches_is_refused_with_exit_2_and_nothing_changed() {
    let repo = TestRepo::new();
    repo.file("vbump.toml", "[release]\nbranches = [\"main\", \"release/*\"]\n")
        .commit("chore: initial commit");
    repo.annotated_tag("v1.2.0");
    repo.git(["checkout", "-q", "-b", "feature/x"]);
    repo.commit("feat(cli): add --json");
    repo.origin();
    let before = repo.state();
    let out = repo.vbump(["release", "--push"]);
    out.code(2)
        .stderr_has("`feature/x` is not a release branch: [release] branches allows `main`, `release/*`")
        .stderr_has("hint: release from one of those branches");
    assert_eq!(repo.state(), before);
    // The same commits on a matching branch release.
    repo.git(["checkout", "-q", "-b", "release/1.x"]);
    repo.vbump(["release"]).code(0).stdout_has("released v1.3.0");
}

#[test]
fn release_author_makes_the_commit_and_the_tag_and_the_flag_wins() {
    let repo = TestRepo::new();
    let bot = "release-app[bot] <41898282+release-app[bot]@users.noreply.github.com>";
    repo.file("vbump.toml", format!("[release]\nauthor = \"{bot}\"\n")).commit("chore: initial commit");
    repo.annotated_tag("v1.2.0");
    repo.commit("feat(cli): add --json");
    repo.vbump(["release"]).code(0);
    assert_eq!(repo.git(["log", "-1", "--format=%an <%ae>|%cn <%ce>"]), format!("{bot}|{bot}"));
    assert_eq!(repo.git(["tag", "-l", "--format=%(taggername) %(taggeremail)", "v1.3.0"]), bot);

    repo.commit("fix: a");
    repo.vbump(["release", "--author", "Ada <ada@example.com>"]).code(0);
    assert_eq!(repo.git(["log", "-1", "--format=%an <%ae>"]), "Ada <ada@example.com>");
    repo.vbump(["release", "--author", "nobody"]).code(2).stderr_has("`<email>` part is missing");
}
