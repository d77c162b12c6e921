//! Shallow clones (`actions/checkout` with its default depth 1, no tags): vbump fetches tags and
//! deepens the history until the last release is reachable, or explains how to fix the checkout.

use crate::support::TestRepo;
use crate::support::git_http::GitHttpServer;

/// History in `origin.git`: `v1.2.0`, then `extra` chores and one feature on top.
fn origin_with_history(extra: usize) -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("chore: initial commit").annotated_tag("v1.2.0");
    for i in 0..extra {
        repo.commit(&format!("chore: step {i}"));
    }
    repo.commit("feat: add a thing");
    repo.origin();
    repo
}

/// Replaces the work tree with `git clone --depth 1` of `url`.
pub(crate) fn shallow_clone(repo: &TestRepo, url: &str) {
    std::fs::remove_dir_all(repo.path()).unwrap();
    let out = repo
        .command("git")
        .current_dir(repo.sandbox())
        .args(["clone", "--quiet", "--depth", "1", url, "work"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(repo.git(["rev-parse", "--is-shallow-repository"]), "true");
    assert_eq!(repo.git(["tag", "-l"]), "", "a depth-1 clone has no tags");
}

#[test]
fn a_shallow_clone_is_deepened_until_the_last_release_is_reachable() {
    let repo = origin_with_history(3);
    let url = format!("file://{}", repo.sandbox().join("origin.git").display());
    shallow_clone(&repo, &url);
    let out = repo.vbump(["release", "--push"]);
    out.code(0).stdout_has("released v1.3.0 (1.2.0 → 1.3.0, minor)");
    assert!(
        out.stderr.contains("shallow clone: fetching tags and deepening history from `origin`"),
        "{}",
        out.stderr
    );
    repo.assert_released("v1.3.0", true);
}

#[test]
fn deepening_doubles_until_a_tag_far_back_is_reachable() {
    // 64 commits of the first deepening step do not reach the tag; the second (128 more) does.
    let repo = origin_with_history(100);
    let url = format!("file://{}", repo.sandbox().join("origin.git").display());
    shallow_clone(&repo, &url);
    repo.vbump(["release"]).code(0).stdout_has("released v1.3.0");
    assert_eq!(repo.git(["rev-parse", "--is-shallow-repository"]), "false");
}

#[test]
fn a_shallow_clone_without_a_remote_is_exit_2_with_the_fix() {
    let repo = origin_with_history(2);
    let url = format!("file://{}", repo.sandbox().join("origin.git").display());
    shallow_clone(&repo, &url);
    repo.git(["remote", "remove", "origin"]);
    let state = repo.state();
    repo.vbump(["release"]).code(2).stderr_has("shallow clone without a remote").stderr_has("fetch-depth: 0");
    assert_eq!(repo.state(), state);
}

#[test]
fn deepening_over_https_style_remotes_uses_the_token() {
    let token = "ghs_ShallowToken42";
    let repo = origin_with_history(3);
    let served = repo.sandbox().join("served");
    std::fs::create_dir_all(&served).unwrap();
    std::fs::rename(repo.sandbox().join("origin.git"), served.join("origin.git")).unwrap();
    let server = GitHttpServer::start(&served, token);
    // Clone with the token the way actions/checkout does (an extra header for this run only).
    std::fs::remove_dir_all(repo.path()).unwrap();
    let header = format!(
        "http.extraheader=Authorization: basic {}",
        crate::support::git_http::base64(format!("x-access-token:{token}").as_bytes())
    );
    let out = repo
        .command("git")
        .current_dir(repo.sandbox())
        .args(["-c", &header, "clone", "--quiet", "--depth", "1", &server.url("origin.git"), "work"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = repo.vbump_with(["release"], |cmd| {
        cmd.env("GITHUB_TOKEN", token);
    });
    out.code(0).stdout_has("released v1.3.0");
    assert!(!out.stderr.contains(token));
    assert!(server.seen().iter().filter(|s| s.path.ends_with("git-upload-pack")).all(|s| s.status == 200));
}

#[test]
fn next_and_plan_deepen_a_shallow_clone_too() {
    let repo = origin_with_history(3);
    let url = format!("file://{}", repo.sandbox().join("origin.git").display());
    shallow_clone(&repo, &url);
    let out = repo.vbump(["next"]);
    out.code(0);
    assert_eq!(out.stdout, "1.3.0\n");
    assert!(
        out.stderr.contains("shallow clone: fetching tags and deepening history from `origin`"),
        "{}",
        out.stderr
    );
    // Deepened once; a second plan needs no network.
    repo.vbump(["plan"]).code(0).stdout_has("last release: 1.2.0 (tag `v1.2.0`");
}

#[test]
fn next_on_a_shallow_clone_without_a_remote_is_exit_2_with_the_fix() {
    let repo = origin_with_history(2);
    let url = format!("file://{}", repo.sandbox().join("origin.git").display());
    shallow_clone(&repo, &url);
    repo.git(["remote", "remove", "origin"]);
    let out = repo.vbump(["next"]);
    out.code(2).stderr_has("shallow clone without a remote").stderr_has("fetch-depth: 0");
    assert_eq!(out.stdout, "");
}

/// v1.0.0, then a topic branch with a breaking change and many fixes, merged with a merge commit:
/// depth 1 plus the first deepening reach the tag through main while the breaking change still
/// lies beyond the shallow boundary on the topic branch.
fn breaking_topic_merged_since_v1_0_0() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("chore: initial commit").annotated_tag("v1.0.0");
    repo.git(["checkout", "--quiet", "-b", "topic"]);
    repo.commit("feat!: new storage format");
    for i in 0..100 {
        repo.commit(&format!("fix: step {i}"));
    }
    repo.git(["checkout", "--quiet", "main"]);
    repo.commit("docs: on main");
    repo.git(["merge", "--quiet", "--no-ff", "-m", "Merge branch 'topic'", "topic"]);
    repo
}

#[test]
fn a_branch_merged_since_the_release_is_fetched_whole_before_planning() {
    let repo = breaking_topic_merged_since_v1_0_0();
    repo.vbump(["next"]).expect(0, "2.0.0\n", "");
    repo.origin();
    let url = format!("file://{}", repo.sandbox().join("origin.git").display());
    shallow_clone(&repo, &url);
    let out = repo.vbump(["next"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "2.0.0\n"), "{}", out.stderr);
}

/// A linked worktree (`git worktree add`) of a shallow clone keeps the `shallow` file in the
/// common git directory: the boundary check must read it there, or the deepening stops too early
/// and the breaking change beyond the boundary is missed.
#[test]
fn a_linked_worktree_of_a_shallow_clone_is_deepened_past_a_merged_branch_too() {
    let repo = breaking_topic_merged_since_v1_0_0();
    repo.origin();
    let url = format!("file://{}", repo.sandbox().join("origin.git").display());
    shallow_clone(&repo, &url);
    let linked = repo.sandbox().join("linked");
    repo.git(["worktree", "add", "--quiet", "-b", "linked", linked.to_str().unwrap()]);
    let out = repo.vbump(["-C", linked.to_str().unwrap(), "next"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "2.0.0\n"), "{}", out.stderr);
}
