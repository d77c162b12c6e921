//! `vbump release --push` with GitHub: each scenario pairs the fake GitHub API with a real bare
//! remote whose pre-receive hook enforces what the fake says about protection, and runs the real
//! binary.

use std::path::PathBuf;

use crate::support::github_fake::{Classic, GitHubFake, TOKEN, protect_remote};
use crate::support::{Outcome, TestRepo};

/// `Cargo.toml` at 1.2.0 tagged `v1.2.0`, then one feature; pushed to a bare `origin`.
fn feature_since_v1_2_0() -> (TestRepo, PathBuf) {
    let repo = TestRepo::new();
    repo.file("Cargo.toml", "[package]\nname = \"hello\"\nversion = \"1.2.0\"\n")
        .commit("chore: init")
        .tag("v1.2.0");
    repo.commit("feat(cli): add --quiet (#7)");
    let origin = repo.origin();
    (repo, origin)
}

fn release(repo: &TestRepo, fake: &GitHubFake, token: &str) -> Outcome {
    repo.vbump_with(["release", "--push"], |cmd| {
        fake.env(cmd, token);
        // 2023-11-14, the day of the harness's pinned commit dates: the changelog's date.
        cmd.env("SOURCE_DATE_EPOCH", "1700000000");
    })
}

/// Local refs, HEAD and the version file, to prove a run changed nothing.
fn local_state(repo: &TestRepo) -> (String, String, Vec<u8>, String) {
    (
        repo.rev("HEAD"),
        repo.git(["tag", "--list"]),
        repo.read("Cargo.toml"),
        repo.git(["status", "--porcelain"]),
    )
}

/// A protected `main` whose protection the token cannot read (`GITHUB_TOKEN` gets 403 on classic
/// protection): the API says "unknown", and the remote's hook refuses branch pushes with GH006.
fn protected_but_unreadable() -> (GitHubFake, TestRepo) {
    let fake = GitHubFake::start();
    {
        let mut s = fake.state();
        s.branches.insert("main".into(), true);
        s.classic = Classic::Forbidden;
    }
    let (repo, origin) = feature_since_v1_2_0();
    protect_remote(&origin, "main", true);
    (fake, repo)
}

/// The bare remote of a [`TestRepo`].
fn origin_of(repo: &TestRepo) -> PathBuf {
    repo.sandbox().join("origin.git")
}

fn remote_tags(repo: &TestRepo) -> String {
    repo.origin_git(["tag", "--list"])
}

#[test]
fn unprotected_branch_is_pushed_and_released() {
    let fake = GitHubFake::start();
    let (repo, _origin) = feature_since_v1_2_0();
    let out = release(&repo, &fake, TOKEN);
    out.code(0)
        .stdout_has("published GitHub Release v1.3.0: https://github.com/octo/hello/releases/tag/v1.3.0");
    assert_eq!(repo.origin_git(["rev-parse", "main"]), repo.rev("HEAD"));
    assert_eq!(remote_tags(&repo), "v1.2.0\nv1.3.0");
    let s = fake.state();
    assert_eq!(s.releases.len(), 1);
    assert!(!s.releases[0].draft);
    assert!(
        s.releases[0].body.starts_with("### Features\n\n- **cli:** add --quiet (["),
        "{}",
        s.releases[0].body
    );
    assert!(
        s.releases[0].body.contains("([#7](https://github.com/octo/hello/pull/7))"),
        "{}",
        s.releases[0].body
    );
    assert!(s.pulls.is_empty());
}

#[test]
fn protected_branch_with_bypass_is_pushed() {
    let fake = GitHubFake::start();
    {
        let mut s = fake.state();
        s.branches.insert("main".into(), true);
        s.add_ruleset(3, "pull_request", "always");
    }
    let (repo, _origin) = feature_since_v1_2_0();
    release(&repo, &fake, TOKEN).code(0).stdout_has("published GitHub Release v1.3.0");
    assert_eq!(repo.origin_git(["rev-parse", "main"]), repo.rev("HEAD"));
    assert!(fake.state().pulls.is_empty());
}

#[test]
fn protected_branch_without_bypass_opens_a_pr_and_the_merged_pr_is_released() {
    let fake = GitHubFake::start();
    fake.state().protect_without_bypass();
    let repo = TestRepo::new();
    repo.file("Cargo.toml", "[package]\nname = \"hello\"\nversion = \"1.2.0\"\n")
        .file("vbump.toml", "changelog = \"CHANGELOG.md\"\n")
        .commit("chore: init")
        .tag("v1.2.0");
    repo.commit("feat(cli): add --quiet (#7)");
    let origin = repo.origin();
    protect_remote(&origin, "main", true);
    let before = local_state(&repo);
    let main_before = repo.origin_git(["rev-parse", "main"]);

    let out = release(&repo, &fake, TOKEN);
    out.code(0)
        .stderr_has("push blocked (ruleset `protect main` (id 42)")
        .stdout_has("opened release pull request #1 for v1.3.0: https://github.com/octo/hello/pull/1");
    assert_eq!(local_state(&repo), before, "the PR route changes nothing locally");
    assert_eq!(repo.origin_git(["rev-parse", "main"]), main_before);
    assert_eq!(remote_tags(&repo), "v1.2.0");
    let pr_commit = repo.origin_git(["rev-parse", "vbump/release"]);
    assert_eq!(repo.origin_git(["rev-parse", "vbump/release^"]), main_before);
    // The release commit carries the changelog section (and, with the editors, the version files).
    let changelog = repo.origin_git(["show", "vbump/release:CHANGELOG.md"]);
    assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
    assert!(
        changelog.contains("\n## [1.3.0] - 2023-11-14\n\n### Added\n\n- **cli:** add --quiet"),
        "{changelog}"
    );
    assert!(!repo.path().join("CHANGELOG.md").exists(), "the work tree is untouched");
    let manifest = repo.origin_git(["show", "vbump/release:Cargo.toml"]);
    assert_eq!(
        manifest, "[package]\nname = \"hello\"\nversion = \"1.3.0\"",
        "the version file is bumped in the PR"
    );
    assert_eq!(repo.origin_git(["log", "-1", "--format=%s", "vbump/release"]), "chore(release): v1.3.0");
    {
        let s = fake.state();
        assert_eq!(s.open_pulls().len(), 1);
        assert_eq!(s.pulls[0].title, "chore(release): v1.3.0");
        assert!(s.pulls[0].body.contains("add --quiet"), "{}", s.pulls[0].body);
    }

    // A maintainer merges the PR (fast-forward), and the workflow runs again on the new head.
    protect_remote(&origin_of(&repo), "main", false);
    repo.origin_git(["update-ref", "refs/heads/main", &pr_commit]);
    protect_remote(&origin, "main", true);
    fake.state().pulls[0].open = false;
    repo.git(["pull", "--quiet", "--ff-only", "origin", "main"]);

    let out = release(&repo, &fake, TOKEN);
    out.code(0).stdout_has("released v1.3.0").stdout_has("published GitHub Release v1.3.0");
    assert!(!out.stderr.contains("push blocked"), "tagging a merged PR needs no route:\n{}", out.stderr);
    assert_eq!(remote_tags(&repo), "v1.2.0\nv1.3.0");
    assert_eq!(repo.origin_git(["rev-parse", "v1.3.0^{commit}"]), pr_commit);
    assert_eq!(repo.origin_git(["rev-parse", "main"]), pr_commit, "the branch itself was not pushed");
    assert_eq!(fake.state().releases.len(), 1);

    // And a third run has nothing left to do.
    release(&repo, &fake, TOKEN).code(0).stdout_has("nothing to release: HEAD is already released as v1.3.0");
    assert_eq!(repo.read_text("CHANGELOG.md"), changelog + "\n");
    assert_eq!(fake.state().releases.len(), 1);
}

#[test]
fn unreadable_protection_push_rejected_with_gh006_falls_back_to_a_pr() {
    let (fake, repo) = protected_but_unreadable();
    let before = local_state(&repo);

    let out = release(&repo, &fake, TOKEN);
    out.code(0)
        .stderr_has("push permission unknown")
        .stderr_has("GH006: Protected branch update failed")
        .stderr_has("opening a release pull request instead")
        .stdout_has("opened release pull request #1");
    assert_eq!(local_state(&repo), before, "the refused push was rolled back");
    assert_eq!(remote_tags(&repo), "v1.2.0");
    assert_eq!(fake.state().open_pulls().len(), 1);
}

#[test]
fn an_open_release_pr_is_updated_not_duplicated_and_rebuilt_on_the_new_head() {
    let fake = GitHubFake::start();
    fake.state().protect_without_bypass();
    let (repo, origin) = feature_since_v1_2_0();
    protect_remote(&origin, "main", true);
    release(&repo, &fake, TOKEN).code(0).stdout_has("opened release pull request #1");

    // Another feature lands on main while the release PR is open.
    repo.commit("feat: add --json");
    protect_remote(&origin_of(&repo), "main", false);
    repo.git(["push", "--quiet", "origin", "main"]);
    protect_remote(&origin, "main", true);

    release(&repo, &fake, TOKEN).code(0).stdout_has("updated release pull request #1 for v1.3.0");
    let s = fake.state();
    assert_eq!(s.pulls.len(), 1);
    assert!(
        s.pulls[0].body.contains("add --json") && s.pulls[0].body.contains("add --quiet"),
        "{}",
        s.pulls[0].body
    );
    assert_eq!(
        repo.origin_git(["rev-parse", "vbump/release^"]),
        repo.rev("HEAD"),
        "the stale PR was rebuilt"
    );
}

#[test]
fn release_creation_failing_502_twice_then_201_is_released() {
    let fake = GitHubFake::start();
    fake.fail("POST", "/repos/octo/hello/releases", 502, 2);
    let (repo, _origin) = feature_since_v1_2_0();
    release(&repo, &fake, TOKEN).code(0).stdout_has("published GitHub Release v1.3.0");
    let s = fake.state();
    assert_eq!(s.releases.len(), 1);
    assert!(!s.releases[0].draft);
}

#[test]
fn tag_pushed_but_release_missing_is_finished_by_a_rerun() {
    let fake = GitHubFake::start();
    fake.refuse("POST", "/repos/octo/hello/releases");
    let (repo, _origin) = feature_since_v1_2_0();
    let out = release(&repo, &fake, TOKEN);
    out.code(4)
        .stderr_has("v1.3.0 is released and pushed, but its GitHub Release could not be made")
        .stderr_has("`contents: write`")
        .stderr_has("run vbump again");
    assert_eq!(remote_tags(&repo), "v1.2.0\nv1.3.0");
    assert!(fake.state().releases.is_empty());

    fake.heal();
    let output = repo.sandbox().join("github_output");
    let rerun = repo.vbump_with(["release", "--push", "--format", "json"], |cmd| {
        fake.env(cmd, TOKEN);
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &output);
    });
    rerun.code(0).stderr_has(
        "created the missing GitHub Release of v1.3.0: https://github.com/octo/hello/releases/tag/v1.3.0",
    );
    // The re-run finished a release: it says so, in its outputs and its JSON alike.
    let url = "https://github.com/octo/hello/releases/tag/v1.3.0";
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(outputs.starts_with("released=true\nversion=1.3.0\n"), "{outputs}");
    assert!(
        outputs.contains("tag=v1.3.0\n") && outputs.contains(&format!("release-url={url}\n")),
        "{outputs}"
    );
    let value: serde_json::Value = serde_json::from_str(&rerun.stdout).unwrap();
    assert_eq!((value["released"].as_bool(), value["release-url"].as_str()), (Some(true), Some(url)));
    let s = fake.state();
    assert_eq!(s.releases.len(), 1);
    assert!(s.releases[0].body.contains("add --quiet"), "{}", s.releases[0].body);
}

#[test]
fn a_github_release_failing_after_the_push_still_outputs_released_true() {
    let fake = GitHubFake::start();
    fake.refuse("POST", "/repos/octo/hello/releases");
    let (repo, _origin) = feature_since_v1_2_0();
    let output = repo.sandbox().join("github_output");
    repo.vbump_with(["release", "--push"], |cmd| {
        fake.env(cmd, TOKEN);
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &output);
    })
    .code(4)
    .stderr_has("v1.3.0 is released and pushed, but its GitHub Release could not be made");
    // Steps gated on `released == 'true'` (publishing packages, say) must still run.
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        format!(
            "released=true\nversion=1.3.0\nprevious-version=1.2.0\ntag=v1.3.0\nbump=minor\ncommit={}\n",
            repo.rev("HEAD")
        )
    );
}

#[test]
fn outputs_that_cannot_be_written_after_the_push_are_exit_4_not_exit_2() {
    let fake = GitHubFake::start();
    let (repo, _origin) = feature_since_v1_2_0();
    // A directory where the runner's output file should be: every append fails.
    let output = repo.sandbox().join("github_output");
    std::fs::create_dir(&output).unwrap();
    repo.vbump_with(["release", "--push"], |cmd| {
        fake.env(cmd, TOKEN);
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &output);
    })
    .code(4)
    .stderr_has("v1.3.0 is released")
    .stderr_has("`release-url` output could not be written");
    assert_eq!(remote_tags(&repo), "v1.2.0\nv1.3.0", "the release stands");
    assert_eq!(fake.state().releases.len(), 1);
}

#[test]
fn bad_token_is_exit_2_before_any_change() {
    let fake = GitHubFake::start();
    let (repo, _origin) = feature_since_v1_2_0();
    let before = local_state(&repo);
    let out = release(&repo, &fake, "ghp_notTheRightToken42");
    out.code(2).stderr_has("401 Bad credentials").stderr_has("hint:");
    assert!(!out.stderr.contains("ghp_notTheRightToken42") && !out.stdout.contains("ghp_notTheRightToken42"));
    assert_eq!(local_state(&repo), before);
    assert_eq!(remote_tags(&repo), "v1.2.0");
    assert_eq!(fake.writes(), Vec::<String>::new());
}

#[test]
fn actions_token_warns_that_no_workflow_will_start() {
    let fake = GitHubFake::start();
    fake.state().token = "ghs_actionsToken123".into();
    let (repo, _origin) = feature_since_v1_2_0();
    let out = release(&repo, &fake, "ghs_actionsToken123");
    out.code(0).stderr_has("start no workflow");
    assert!(!out.stderr.contains("ghs_actionsToken123"));
}

#[test]
fn push_without_a_github_repository_releases_and_says_it_skipped_github() {
    let (repo, _origin) = feature_since_v1_2_0();
    let out = repo.vbump(["release", "--push"]);
    out.code(0).stdout_has("released v1.3.0").stderr_has("skipped the GitHub steps");
    assert_eq!(remote_tags(&repo), "v1.2.0\nv1.3.0");
}

#[test]
fn a_release_pr_merged_with_a_merge_commit_or_squashed_is_tagged_on_the_merge() {
    for squash in [false, true] {
        let fake = GitHubFake::start();
        fake.state().protect_without_bypass();
        let (repo, origin) = feature_since_v1_2_0();
        release(&repo, &fake, TOKEN).code(0).stdout_has("opened release pull request #1");
        let pr_commit = repo.origin_git(["rev-parse", "vbump/release"]);

        // GitHub's merge button: a merge commit, or one squashed commit titled after the PR.
        repo.git(["fetch", "--quiet", "origin", "vbump/release"]);
        if squash {
            repo.git(["merge", "--quiet", "--squash", "FETCH_HEAD"]);
            repo.git(["commit", "--quiet", "--allow-empty", "-m", "chore(release): v1.3.0 (#1)"]);
        } else {
            repo.git([
                "merge",
                "--quiet",
                "--no-ff",
                "-m",
                "Merge pull request #1 from octo/vbump/release",
                "FETCH_HEAD",
            ]);
        }
        protect_remote(&origin_of(&repo), "main", false);
        repo.git(["push", "--quiet", "origin", "main"]);
        protect_remote(&origin, "main", true);
        fake.state().pulls[0].open = false;

        let merged = repo.rev("HEAD");
        assert_ne!(merged, pr_commit);
        release(&repo, &fake, TOKEN)
            .code(0)
            .stdout_has("released v1.3.0")
            .stdout_has("published GitHub Release");
        assert_eq!(repo.origin_git(["rev-parse", "v1.3.0^{commit}"]), merged, "squash: {squash}");
        assert_eq!(repo.origin_git(["rev-parse", "main"]), merged, "no second release commit");
        assert_eq!(fake.state().pulls.len(), 1);
    }
}

#[test]
fn pr_route_in_json_format_prints_one_json_object() {
    let fake = GitHubFake::start();
    fake.state().protect_without_bypass();
    let (repo, origin) = feature_since_v1_2_0();
    protect_remote(&origin, "main", true);
    let out = repo.vbump_with(["release", "--push", "--format", "json"], |cmd| fake.env(cmd, TOKEN));
    out.code(0);
    let value: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(value["released"], false);
    assert_eq!(value["pr-url"], "https://github.com/octo/hello/pull/1");
    assert_eq!(value["tag"], "v1.3.0");
    assert_eq!((value["version"].as_str(), value["bump"].as_str()), (Some("1.3.0"), Some("minor")));
}

#[test]
fn a_pushed_release_in_json_names_its_github_release() {
    let fake = GitHubFake::start();
    let (repo, _origin) = feature_since_v1_2_0();
    let out = repo.vbump_with(["release", "--push", "--format", "json"], |cmd| fake.env(cmd, TOKEN));
    out.code(0);
    let value: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(value["release-url"], "https://github.com/octo/hello/releases/tag/v1.3.0");
    assert_eq!(value["released"], true);
}

#[test]
fn strategy_push_never_falls_back_and_strategy_pr_never_pushes_the_branch() {
    let (fake, repo) = protected_but_unreadable();
    let before = local_state(&repo);

    let out = repo.vbump_with(["release", "--push", "--strategy", "push"], |cmd| fake.env(cmd, TOKEN));
    out.code(3).stderr_has("GH006: Protected branch update failed");
    assert_eq!(local_state(&repo), before);
    assert!(fake.state().pulls.is_empty(), "no fallback with `--strategy push`");
    // Only reads: the protection check is not even needed for `push`.
    assert_eq!(fake.writes(), Vec::<String>::new());

    protect_remote(&origin_of(&repo), "main", false);
    let main_before = repo.origin_git(["rev-parse", "main"]);
    repo.vbump_with(["release", "--push", "--strategy", "pr"], |cmd| fake.env(cmd, TOKEN))
        .code(0)
        .stdout_has("opened release pull request #1");
    assert_eq!(repo.origin_git(["rev-parse", "main"]), main_before);
    assert_eq!(local_state(&repo), before);
}

#[test]
fn strategy_pr_without_github_is_exit_2() {
    let (repo, _origin) = feature_since_v1_2_0();
    let before = local_state(&repo);
    repo.vbump(["release", "--push", "--strategy", "pr"]).code(2).stderr_has("needs GitHub");
    assert_eq!(local_state(&repo), before);
}

/// Runs `vbump release --push` inside Actions; returns what it wrote to `$GITHUB_OUTPUT` and the
/// output names, sorted, each once.
fn release_outputs(repo: &TestRepo, fake: &GitHubFake) -> (String, Vec<String>) {
    let output = repo.sandbox().join("github_output");
    repo.vbump_with(["release", "--push"], |cmd| {
        fake.env(cmd, TOKEN);
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &output);
    })
    .code(0);
    let text = std::fs::read_to_string(&output).unwrap();
    let mut names: Vec<String> = text
        .lines()
        .filter_map(|line| line.split_once('=').or_else(|| line.split_once("<<")))
        .map(|(name, _)| name.to_string())
        .collect();
    names.sort();
    names.dedup();
    (text, names)
}

#[test]
fn release_and_pr_runs_write_every_output_the_action_declares() {
    let fake = GitHubFake::start();
    let (repo, _origin) = feature_since_v1_2_0();
    let (text, pushed) = release_outputs(&repo, &fake);
    assert!(text.contains("release-url=https://github.com/octo/hello/releases/tag/v1.3.0\n"), "{text}");

    let fake = GitHubFake::start();
    fake.state().protect_without_bypass();
    let (repo, origin) = feature_since_v1_2_0();
    protect_remote(&origin, "main", true);
    let (text, via_pr) = release_outputs(&repo, &fake);
    // Nothing is released yet; the outputs carry what the merged PR will release, and the PR.
    assert_eq!(
        text,
        format!(
            "released=false\nversion=1.3.0\nprevious-version=1.2.0\ntag=v1.3.0\nbump=minor\ncommit={}\npr-url=https://github.com/octo/hello/pull/1\n",
            repo.rev("HEAD")
        )
    );

    assert_eq!(
        pushed,
        [
            "bump",
            "commit",
            "make-latest",
            "previous-version",
            "release-id",
            "release-url",
            "released",
            "tag",
            "upload-url",
            "version"
        ]
    );
    assert_eq!(via_pr, ["bump", "commit", "pr-url", "previous-version", "released", "tag", "version"]);
}

/// A new runner's checkout of `sha` from `origin`, as actions/checkout makes it for a push event
/// (and for "Re-run jobs", which checks out the run's own commit again): one commit deep, no
/// tags, the branch at `sha`.
fn checkout_like_actions(origin: &std::path::Path, sha: &str) -> TestRepo {
    let run = TestRepo::new();
    let url = format!("file://{}", origin.display());
    run.git(["remote", "add", "origin", &url]);
    run.git([
        "fetch",
        "--quiet",
        "--no-tags",
        "--depth=1",
        "origin",
        &format!("+{sha}:refs/remotes/origin/main"),
    ]);
    run.git(["checkout", "--quiet", "--force", "-B", "main", "refs/remotes/origin/main"]);
    run
}

/// Every ref of the bare remote with what it points at.
fn remote_refs(repo: &TestRepo) -> String {
    repo.origin_git(["for-each-ref", "--format=%(refname) %(objectname)"])
}

/// Runs `vbump release --push` in Actions (outputs to a file); returns the outcome and the outputs.
fn release_in_actions(repo: &TestRepo, fake: &GitHubFake) -> (Outcome, String) {
    let output = repo.sandbox().join("github_output");
    let out = repo.vbump_with(["release", "--push"], |cmd| {
        fake.env(cmd, TOKEN);
        cmd.env("SOURCE_DATE_EPOCH", "1700000000");
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &output);
    });
    (out, std::fs::read_to_string(&output).unwrap_or_default())
}

/// RUNBOOK, "A run failed, was cancelled, or the runner died", as written: the push landed and
/// the GitHub Release did not; the user re-runs the same run. The new runner checks out the
/// run's own commit, before the release (shallow, no tags): vbump finds this very release on
/// the remote and finishes it: the GitHub Release, and outputs naming the release commit.
#[test]
fn rerunning_the_same_run_after_a_landed_push_finishes_the_release() {
    let runbook = include_str!("../RUNBOOK.md");
    assert!(
        runbook.contains("**A run failed, was cancelled, or the runner died.** Re-run it (*Re-run jobs*).")
    );
    let fake = GitHubFake::start();
    fake.refuse("POST", "/repos/octo/hello/releases");
    let (repo, origin) = feature_since_v1_2_0();
    // With a changelog: its section is dated by the first run; the re-run runs days later.
    repo.file("CHANGELOG.md", "# Changelog\n").file("vbump.toml", "changelog = \"CHANGELOG.md\"\n");
    repo.commit("docs: changelog");
    repo.git(["push", "--quiet", "origin", "main"]);
    let before_release = repo.rev("HEAD");
    release(&repo, &fake, TOKEN).code(4).stderr_has("could not be made");
    fake.heal();
    let release_commit = repo.origin_git(["rev-parse", "refs/tags/v1.3.0^{commit}"]);
    assert_eq!(repo.origin_git(["rev-parse", "main"]), release_commit);

    let rerun = checkout_like_actions(&origin, &before_release);
    let remote_before = remote_refs(&repo);
    let output = rerun.sandbox().join("github_output");
    let out = rerun.vbump_with(["release", "--push"], |cmd| {
        fake.env(cmd, TOKEN);
        // Three days later.
        cmd.env("SOURCE_DATE_EPOCH", "1700259200");
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &output);
    });
    out.code(0)
        .stderr_has(&format!("v1.3.0 is already on `origin` as {release_commit}"))
        .stdout_has("finished release v1.3.0");
    let outputs = std::fs::read_to_string(&output).unwrap();
    for line in [
        "released=true",
        "version=1.3.0",
        "tag=v1.3.0",
        &format!("commit={release_commit}"),
        "release-url=https://github.com/octo/hello/releases/tag/v1.3.0",
    ] {
        assert!(outputs.lines().any(|l| l == line), "no `{line}` in\n{outputs}");
    }
    // Nothing on the remote moved; nothing local either (the branch stays where the run began).
    assert_eq!(remote_refs(&repo), remote_before);
    assert_eq!(rerun.rev("HEAD"), before_release);
    assert_eq!(rerun.git(["status", "--porcelain"]), "");
    let releases = fake.state().releases.clone();
    assert_eq!(releases.len(), 1);
    assert_eq!((releases[0].tag.as_str(), releases[0].draft), ("v1.3.0", false));
    assert!(releases[0].body.contains("add --quiet"), "{}", releases[0].body);

    // A second re-run finds everything done and changes nothing.
    let again = checkout_like_actions(&origin, &before_release);
    let (out, _) = release_in_actions(&again, &fake);
    out.code(0).stdout_has("finished release v1.3.0");
    assert_eq!(fake.state().releases.len(), 1);
    assert_eq!(remote_refs(&repo), remote_before);
}

/// The same re-run when the push never reached the remote (the runner died before it): the
/// remote has nothing of the release, and the re-run simply releases.
#[test]
fn rerunning_the_same_run_when_the_push_never_landed_releases() {
    let fake = GitHubFake::start();
    let (repo, origin) = feature_since_v1_2_0();
    let before_release = repo.rev("HEAD");
    // The first run was refused at the push (rolled back, exit 3): nothing reached the remote.
    protect_remote(&origin, "main", true);
    release(&repo, &fake, TOKEN).code(3);
    protect_remote(&origin, "main", false);
    assert_eq!(remote_tags(&repo), "v1.2.0");

    let rerun = checkout_like_actions(&origin, &before_release);
    let (out, outputs) = release_in_actions(&rerun, &fake);
    out.code(0).stdout_has("released v1.3.0");
    let release_commit = repo.origin_git(["rev-parse", "refs/tags/v1.3.0^{commit}"]);
    assert_eq!(repo.origin_git(["rev-parse", "main"]), release_commit);
    assert_eq!(repo.origin_git(["rev-parse", &format!("{release_commit}^")]), before_release);
    assert!(outputs.contains(&format!("commit={release_commit}\n")), "{outputs}");
    assert_eq!(fake.state().releases.len(), 1);
}

/// A re-run of an old run whose version was meanwhile released from a later commit (another
/// merge landed first): the tag on the remote is not this run's release. Exit 2, naming what the
/// remote holds and why it is not this release, and nothing changes; the RUNBOOK's next step (a
/// run on the branch's current head) finishes that release.
#[test]
fn rerunning_an_old_run_whose_version_was_released_elsewhere_stops_and_says_why() {
    let fake = GitHubFake::start();
    let (repo, origin) = feature_since_v1_2_0();
    let old_run = repo.rev("HEAD");
    repo.commit("fix: another merge");
    repo.git(["push", "--quiet", "origin", "main"]);
    fake.refuse("POST", "/repos/octo/hello/releases");
    release(&repo, &fake, TOKEN).code(4);
    fake.heal();
    let remote_before = remote_refs(&repo);

    let rerun = checkout_like_actions(&origin, &old_run);
    let (out, outputs) = release_in_actions(&rerun, &fake);
    out.code(2)
        .stderr_has("`origin` already has v1.3.0 at")
        .stderr_has(&format!("its first parent is {}, not HEAD", repo.rev("HEAD~1")))
        .stderr_has("run vbump on the branch's current head");
    assert!(outputs.contains("released=false\n"), "{outputs}");
    assert_eq!(remote_refs(&repo), remote_before);
    assert!(fake.state().releases.is_empty());

    // What the RUNBOOK says next: a run on the branch's current head finishes the release.
    let head_run = checkout_like_actions(&origin, &repo.origin_git(["rev-parse", "main"]));
    let (out, _) = release_in_actions(&head_run, &fake);
    out.code(0).stderr_has("created the missing GitHub Release of v1.3.0");
    assert_eq!(fake.state().releases.len(), 1);
}

/// The remote's tag is on a child of HEAD that vbump did not make (another message, or other
/// files): not this run's release, exit 2 with the difference, nothing changed.
#[test]
fn a_tag_on_a_commit_vbump_did_not_make_is_not_taken_for_the_release() {
    let fake = GitHubFake::start();
    let (repo, origin) = feature_since_v1_2_0();
    let head = repo.rev("HEAD");
    // Someone tagged a hand-made commit v1.3.0 and pushed it.
    repo.file("Cargo.toml", "[package]\nname = \"hello\"\nversion = \"1.3.0\"\n").commit("bump by hand");
    repo.git(["tag", "-a", "v1.3.0", "-m", "v1.3.0"]);
    repo.git(["push", "--quiet", "origin", "main", "v1.3.0"]);
    let remote_before = remote_refs(&repo);

    let rerun = checkout_like_actions(&origin, &head);
    let (out, _) = release_in_actions(&rerun, &fake);
    out.code(2).stderr_has("its message starts `bump by hand`, not `chore(release): v1.3.0`");
    assert_eq!(remote_refs(&repo), remote_before);
    assert!(fake.state().releases.is_empty());

    // Same message, other files: still not the plan's release.
    let other = TestRepo::new();
    let url = format!("file://{}", origin.display());
    other.git(["remote", "add", "origin", &url]);
    other.git(["fetch", "--quiet", "origin", "main"]);
    other.git(["checkout", "--quiet", "-B", "main", &head]);
    // vbump's own release commit (locally), with one more file amended into it.
    other.vbump(["release"]).code(0);
    other.file("extra.txt", "not in the plan\n");
    other.git(["add", "extra.txt"]);
    other.git(["commit", "--quiet", "--amend", "--no-edit", "--cleanup=verbatim"]);
    other.git(["tag", "-f", "-a", "v1.3.0", "-m", "v1.3.0"]);
    other.git(["push", "--quiet", "--force", "origin", "main", "v1.3.0"]);
    let remote_before = remote_refs(&repo);
    let (out, _) = release_in_actions(&checkout_like_actions(&origin, &head), &fake);
    out.code(2).stderr_has("its files are not the ones the plan writes");
    assert_eq!(remote_refs(&repo), remote_before);
    assert!(fake.state().releases.is_empty());
}

/// `--draft` (the action's `draft` input) and `[github] draft = true`: the release is pushed and its
/// GitHub Release left a draft, with the outputs a later step needs to attach assets and publish
/// it. A run on the tagged head afterwards leaves the draft alone: nothing is published, nothing
/// created twice.
#[test]
fn a_draft_release_stays_a_draft_and_says_how_to_publish_it() {
    let fake = GitHubFake::start();
    let (repo, origin) = feature_since_v1_2_0();
    let output = repo.sandbox().join("github_output");
    let out = repo.vbump_with(["release", "--push", "--draft"], |cmd| {
        fake.env(cmd, TOKEN);
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &output);
    });
    out.code(0).stdout_has("draft GitHub Release v1.3.0 (id ").stderr_has("is a draft");
    let releases = fake.state().releases.clone();
    assert_eq!(releases.len(), 1);
    let draft = &releases[0];
    assert!(draft.draft, "{draft:?}");
    let outputs = std::fs::read_to_string(&output).unwrap();
    for line in [
        "released=true".to_string(),
        format!("release-id={}", draft.id),
        format!(
            "upload-url=https://uploads.github.com/repos/octo/hello/releases/{}/assets{{?name,label}}",
            draft.id
        ),
        "make-latest=true".to_string(),
        format!("release-url=https://github.com/octo/hello/releases/tag/untagged-{}", draft.id),
    ] {
        assert!(outputs.lines().any(|l| l == line), "no `{line}` in\n{outputs}");
    }
    assert!(!fake.writes().iter().any(|w| w.starts_with("PATCH")), "nothing published: {:?}", fake.writes());

    // The run the release commit starts, on the tagged head, with the setting in vbump.toml: the
    // draft is there, so nothing is missing.
    let head_run = checkout_like_actions(&origin, &repo.rev("HEAD"));
    head_run.file("vbump.toml", "[github]\ndraft = true\n");
    let (out, outputs) = release_in_actions(&head_run, &fake);
    out.code(0).stdout_has("nothing to release: HEAD is already released as v1.3.0");
    assert!(outputs.contains("released=false\n"), "{outputs}");
    assert_eq!(fake.state().releases.len(), 1);
    assert!(fake.state().releases[0].draft);
}

/// `[github] draft = true` in vbump.toml has the same effect as `--draft`; a pre-release's draft
/// says `make-latest=false`.
#[test]
fn the_draft_setting_in_vbump_toml_makes_drafts_too() {
    let fake = GitHubFake::start();
    let (repo, _origin) = feature_since_v1_2_0();
    repo.file("vbump.toml", "[github]\ndraft = true\n").commit("chore: drafts");
    repo.git(["push", "--quiet", "origin", "main"]);
    let output = repo.sandbox().join("github_output");
    repo.vbump_with(["release", "--push", "--pre", "rc"], |cmd| {
        fake.env(cmd, TOKEN);
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &output);
    })
    .code(0)
    .stdout_has("draft GitHub Release v1.3.0-rc.1");
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(outputs.contains("make-latest=false\n"), "{outputs}");
    let state = fake.state();
    assert_eq!(
        (state.releases.len(), state.releases[0].draft, state.releases[0].prerelease),
        (1, true, true)
    );
}

/// The same re-run for a catalog: the first run pushed one tag per package in one atomic push and
/// then failed at the GitHub Releases. The re-run of that run finds every tag on its release
/// commit and creates each package's GitHub Release. A remote holding only some of the tags is
/// not this release (one release pushes all its tags at once): exit 2 naming the missing one.
#[test]
fn rerunning_a_catalog_release_finishes_every_packages_github_release() {
    let fake = GitHubFake::start();
    fake.refuse("POST", "/repos/octo/hello/releases");
    let repo = crate::packages::opc_skills_with_two_changes();
    let origin = repo.origin();
    let before_release = repo.rev("HEAD");
    release(&repo, &fake, TOKEN).code(4);
    fake.heal();
    let release_commit = repo.origin_git(["rev-parse", "main"]);
    let remote_before = remote_refs(&repo);

    let rerun = checkout_like_actions(&origin, &before_release);
    let (out, outputs) = release_in_actions(&rerun, &fake);
    out.code(0)
        .stderr_has(&format!("reddit--v1.1.0, twitter--v1.0.1 is already on `origin` as {release_commit}"))
        .stdout_has("finished release reddit--v1.1.0, twitter--v1.0.1");
    assert!(outputs.contains(&format!("commit={release_commit}\n")), "{outputs}");
    assert!(outputs.contains("\"tag\":\"reddit--v1.1.0\""), "{outputs}");
    let mut tags: Vec<String> = fake.state().releases.iter().map(|r| r.tag.clone()).collect();
    tags.sort();
    assert_eq!(tags, ["reddit--v1.1.0", "twitter--v1.0.1"]);
    assert_eq!(remote_refs(&repo), remote_before);

    // Only one of the two tags on the remote: not one release.
    repo.origin_git(["tag", "--delete", "twitter--v1.0.1"]);
    let remote_before = remote_refs(&repo);
    let (out, _) = release_in_actions(&checkout_like_actions(&origin, &before_release), &fake);
    out.code(2).stderr_has("twitter--v1.0.1 is missing there, and one release pushes all its tags at once");
    assert_eq!(remote_refs(&repo), remote_before);
    assert_eq!(fake.state().releases.len(), 2);
}
