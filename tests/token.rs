//! The token against a real git smart-HTTP server on 127.0.0.1: pushes work with it, fail
//! without it, and it appears in no output and no file.

use crate::support::TestRepo;
use crate::support::git_http::{GitHttpServer, files_containing};

const TOKEN: &str = "ghs_T0kenForTheTests1234567890";

/// A repository whose `origin` is the HTTP server's `origin.git`, released as v1.2.0, with a feature.
fn over_http() -> (TestRepo, GitHttpServer) {
    let repo = TestRepo::new();
    repo.commit("chore: initial commit").annotated_tag("v1.2.0");
    repo.commit("feat: add a thing");
    let served = repo.sandbox().join("served");
    std::fs::create_dir_all(&served).unwrap();
    let bare = served.join("origin.git");
    let out = repo
        .command("git")
        .args(["init", "--quiet", "--bare", "--initial-branch=main"])
        .arg(&bare)
        .output()
        .unwrap();
    assert!(out.status.success());
    repo.git(["push", "--quiet", bare.to_str().unwrap(), "main", "--tags"]);
    let server = GitHttpServer::start(&served, TOKEN);
    repo.git(["remote", "add", "origin", &server.url("origin.git")]);
    (repo, server)
}

fn remote_refs(repo: &TestRepo) -> String {
    let bare = repo.sandbox().join("served/origin.git");
    repo.git(["--git-dir", bare.to_str().unwrap(), "for-each-ref", "--format=%(refname) %(objectname)"])
}

#[track_caller]
fn assert_token_nowhere(repo: &TestRepo, stdout: &str, stderr: &str) {
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN), "token printed:\n{stdout}\n{stderr}");
    let header = crate::support::git_http::base64(format!("x-access-token:{TOKEN}").as_bytes());
    for needle in [TOKEN, header.as_str()] {
        let files = files_containing(repo.sandbox(), needle.as_bytes());
        assert!(files.is_empty(), "token written to {files:?}");
    }
    assert!(!repo.read_text(".git/config").contains("extraheader"));
}

#[test]
fn push_with_the_token_releases_and_the_token_is_nowhere() {
    let (repo, server) = over_http();
    let out = repo.vbump_with(["release", "--push"], |cmd| {
        cmd.env("GITHUB_TOKEN", TOKEN);
    });
    out.code(0).stdout_has("pushed to `origin`");
    assert!(remote_refs(&repo).contains(&format!("refs/tags/v1.3.0 {}", repo.rev("v1.3.0"))));
    assert!(remote_refs(&repo).contains(&format!("refs/heads/main {}", repo.rev("HEAD"))));
    let seen = server.seen();
    assert!(seen.iter().any(|s| s.path.ends_with("/git-receive-pack") && s.status == 200), "{seen:?}");
    assert!(seen.iter().all(|s| s.status != 401), "every request carried the token: {seen:?}");
    assert_token_nowhere(&repo, &out.stdout, &out.stderr);
}

#[test]
fn push_without_a_token_fails_before_anything_changes() {
    let (repo, server) = over_http();
    let state = repo.state();
    let out = repo.vbump(["release", "--push"]);
    out.code(2).stderr_has("cannot read remote `origin`").stderr_has("hint:");
    assert_eq!(repo.state(), state);
    assert!(server.seen().iter().all(|s| s.status == 401 && s.authorization.is_none()));
}

#[test]
fn a_wrong_token_is_refused_and_never_printed() {
    let (repo, _server) = over_http();
    let state = repo.state();
    let wrong = "ghs_WrongWrongWrong";
    let out = repo.vbump_with(["release", "--push"], |cmd| {
        cmd.env("GITHUB_TOKEN", wrong);
    });
    out.code(2);
    assert!(!out.stderr.contains(wrong) && !out.stdout.contains(wrong), "{}", out.stderr);
    assert_eq!(repo.state(), state);
}

#[test]
fn token_env_names_another_variable() {
    let (repo, _server) = over_http();
    let out = repo.vbump_with(["release", "--push", "--token-env", "RELEASE_TOKEN"], |cmd| {
        cmd.env("RELEASE_TOKEN", TOKEN);
    });
    out.code(0);
    assert_token_nowhere(&repo, &out.stdout, &out.stderr);
}

#[test]
fn in_actions_the_token_is_masked_first_and_printed_nowhere_else() {
    let (repo, _server) = over_http();
    let out = repo.vbump_with(["release", "--push"], |cmd| {
        cmd.env("GITHUB_TOKEN", TOKEN).env("GITHUB_ACTIONS", "true");
    });
    out.code(0);
    let mut lines = out.stderr.lines();
    assert_eq!(lines.next(), Some(format!("::add-mask::{TOKEN}").as_str()));
    let rest: Vec<&str> = lines.collect();
    assert_token_nowhere(&repo, &out.stdout, &rest.join("\n"));
}

#[test]
fn a_rejected_push_with_the_token_rolls_back_without_printing_it() {
    let (repo, _server) = over_http();
    let hook = repo.sandbox().join("served/origin.git/hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho 'error: GH006: Protected branch update failed' >&2\nexit 1\n")
        .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let state = repo.state();
    let out = repo.vbump_with(["release", "--push"], |cmd| {
        cmd.env("GITHUB_TOKEN", TOKEN);
    });
    out.code(3).stderr_has("GH006: Protected branch update failed");
    assert_eq!(repo.state(), state);
    assert_token_nowhere(&repo, &out.stdout, &out.stderr);
}

/// While the push is under way the journal exists: it must not hold the token either.
#[cfg(feature = "failpoints")]
#[test]
fn the_journal_of_a_release_in_flight_holds_no_token() {
    let (repo, _server) = over_http();
    let (ready, go) = (repo.sandbox().join("ready"), repo.sandbox().join("go"));
    let mut cmd = repo.command(env!("CARGO_BIN_EXE_vbump"));
    cmd.args(["release", "--push"])
        .env("GITHUB_TOKEN", TOKEN)
        .env("VBUMP_FAILPOINTS", "before-push=pause")
        .env("VBUMP_FAILPOINT_READY", &ready)
        .env("VBUMP_FAILPOINT_GO", &go)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    for _ in 0..3000 {
        if ready.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(repo.path().join(".git/vbump/journal.json").exists());
    assert!(files_containing(repo.sandbox(), TOKEN.as_bytes()).is_empty());
    std::fs::write(&go, "").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_token_nowhere(&repo, &String::from_utf8_lossy(&out.stdout), &String::from_utf8_lossy(&out.stderr));
}

/// The remote moved: its server redirects to another one. With a token, git would follow and hand
/// the token to the new host; vbump refuses, names where the remote points, and changes nothing.
#[test]
fn a_redirect_to_another_server_is_refused_and_the_token_never_goes_there() {
    let (repo, target) = over_http();
    let redirector = crate::support::git_http::Redirector::start(&target.url(""));
    repo.git(["remote", "set-url", "origin", &redirector.url("origin.git")]);
    let state = repo.state();
    let out = repo.vbump_with(["release", "--push"], |cmd| {
        cmd.env("GITHUB_TOKEN", TOKEN);
    });
    out.code(2)
        .stderr_has(&format!("redirects to `{}origin.git`", target.url("")))
        .stderr_has("vbump does not follow redirects while it carries a token")
        .stderr_has("git remote set-url origin");
    assert!(target.seen().is_empty(), "the other server was asked: {:?}", target.seen());
    assert!(!redirector.seen().is_empty());
    assert_eq!(repo.state(), state);
    assert_token_nowhere(&repo, &out.stdout, &out.stderr);
}

/// Filters (and anything else git starts for local work: commit, tag, checkout) never see the
/// token: only the git commands that talk to the remote get it. A clean filter on the version file
/// runs during the release commit and records its environment.
#[test]
fn the_token_is_only_in_the_environment_of_git_commands_that_talk_to_the_remote() {
    let (repo, _server) = over_http();
    repo.file("VERSION", "1.2.0\n")
        .file("vbump.toml", "[[location]]\nfile = \"VERSION\"\nregex = '(?P<version>.+)'\n");
    repo.file(".gitattributes", "VERSION filter=spy\n").commit("chore: version file");
    let bare = repo.sandbox().join("served/origin.git");
    repo.git(["push", "--quiet", bare.to_str().unwrap(), "main"]);
    let dump = repo.sandbox().join("filter-env");
    repo.git(["config", "filter.spy.clean", &format!("env >> '{}'; cat", dump.display())]);
    let out = repo.vbump_with(["release", "--push"], |cmd| {
        cmd.env("GITHUB_TOKEN", TOKEN);
    });
    out.code(0);
    let seen = std::fs::read_to_string(&dump).expect("the filter ran");
    let header = crate::support::git_http::base64(format!("x-access-token:{TOKEN}").as_bytes());
    assert!(!seen.contains(TOKEN) && !seen.contains(&header), "a filter saw the token:\n{seen}");
    assert!(!seen.contains("extraheader"), "{seen}");
    std::fs::remove_file(&dump).unwrap();
    assert_token_nowhere(&repo, &out.stdout, &out.stderr);
}
