//! Every file vbump writes gets the same checks on both routes: no symbolic link (the changelog
//! included), no uncommitted change carried into a release pull request, and the release PR's
//! blobs made the way `git add` makes them (clean filters and `eol` attributes apply).

use crate::support::TestRepo;
use crate::support::github_fake::{GitHubFake, TOKEN};

fn with_changelog() -> TestRepo {
    let repo = TestRepo::new();
    repo.file("Cargo.toml", "[package]\nname = \"hello\"\nversion = \"1.2.0\"\n")
        .file("vbump.toml", "changelog = \"CHANGELOG.md\"\n")
        .commit("chore: init")
        .tag("v1.2.0");
    repo.commit("feat: add a thing");
    repo
}

#[test]
fn a_changelog_behind_a_symbolic_link_is_refused_on_both_routes() {
    let repo = with_changelog();
    let outside = repo.sandbox().join("outside.md");
    std::fs::write(&outside, "# Somebody else's file\n").unwrap();
    std::os::unix::fs::symlink(&outside, repo.path().join("CHANGELOG.md")).unwrap();
    repo.commit("docs: changelog link");
    repo.origin();
    let fake = GitHubFake::start();
    let state = repo.state();
    for strategy in ["push", "pr"] {
        repo.vbump_with(["release", "--push", "--strategy", strategy], |cmd| fake.env(cmd, TOKEN))
            .code(2)
            .stderr_has("`CHANGELOG.md` goes through the symbolic link `CHANGELOG.md`");
        assert_eq!(repo.state(), state, "{strategy}");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "# Somebody else's file\n");
    }
    assert!(fake.state().pulls.is_empty());
    assert_eq!(repo.origin_git(["branch", "--list"]), "* main");
}

#[test]
fn the_release_pull_request_never_carries_uncommitted_edits() {
    let repo = with_changelog();
    repo.file("CHANGELOG.md", "# Changelog\n").commit("docs: changelog");
    repo.origin();
    repo.file("Cargo.toml", "[package]\nname = \"hello\"\nversion = \"1.2.0\"\nedition = \"2099\"\n");
    let fake = GitHubFake::start();
    let state = repo.state();
    repo.vbump_with(["release", "--push", "--strategy", "pr"], |cmd| fake.env(cmd, TOKEN))
        .code(2)
        .stderr_has("files the release writes have uncommitted changes: Cargo.toml");
    assert_eq!(repo.state(), state);
    assert!(fake.state().pulls.is_empty());
}

#[test]
fn release_pull_request_blobs_are_made_like_git_add_in_an_eol_crlf_repository() {
    let repo = TestRepo::new();
    repo.file(".gitattributes", "*.toml text eol=crlf\n")
        .file("Cargo.toml", "[package]\nname = \"hello\"\nversion = \"1.2.0\"\nedition = \"2021\"\n")
        .commit("chore: init")
        .tag("v1.2.0");
    // The work tree holds CRLF, the repository LF (as git stores an `eol=crlf` file).
    std::fs::remove_file(repo.path().join("Cargo.toml")).unwrap();
    repo.git(["checkout", "--", "Cargo.toml"]);
    assert!(repo.read_text("Cargo.toml").contains("\r\n"));
    repo.commit("feat: add a thing");
    repo.origin();
    let fake = GitHubFake::start();
    repo.vbump_with(["release", "--push", "--strategy", "pr"], |cmd| fake.env(cmd, TOKEN)).code(0);
    let stored = repo.origin_git(["show", "vbump/release:Cargo.toml"]);
    assert_eq!(stored, "[package]\nname = \"hello\"\nversion = \"1.3.0\"\nedition = \"2021\"");
    let diff = repo.origin_git(["diff", "--stat", "main", "vbump/release"]);
    assert!(diff.contains("1 file changed, 1 insertion(+), 1 deletion(-)"), "{diff}");
}
