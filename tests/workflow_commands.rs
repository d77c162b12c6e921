//! Inside GitHub Actions no line vbump prints is a workflow command unless vbump means it: commit
//! text, file contents, git's and GitHub's words are printed so the runner cannot read them as
//! `::add-mask::`, `::error::`, `::stop-commands::` or `##[…]`.

use crate::support::TestRepo;

/// Commits whose text tries to run workflow commands, in a body line, a `BREAKING CHANGE:` footer
/// and a subject.
fn hostile_history() -> TestRepo {
    let repo = TestRepo::new();
    repo.file("Cargo.toml", "[package]\nname = \"x\"\nversion = \"1.2.0\"\n")
        .commit("chore: init")
        .annotated_tag("v1.2.0");
    repo.commit("feat: new api\n\n::add-mask::visible-secret\n  ::stop-commands::pwned\n\nBREAKING CHANGE: ::error::injected\n##[set-output name=x;]y");
    repo.commit("fix: ::warning::from a subject");
    repo
}

/// Every line of `text` that the runner would run as a command, besides the ones vbump means.
fn commands_in(text: &str, meant: &[&str]) -> Vec<String> {
    text.split(['\n', '\r'])
        .filter(|line| {
            let body = line.trim_start();
            (body.starts_with("::") || line.contains("##[")) && !meant.iter().any(|m| body.starts_with(m))
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn plan_and_dry_run_print_commit_text_that_runs_nothing() {
    let repo = hostile_history();
    for args in [vec!["plan"], vec!["release", "--dry-run"], vec!["--dry-run"]] {
        let out = repo.vbump_with(&args, |cmd| {
            cmd.env("GITHUB_ACTIONS", "true");
        });
        out.code(0).stdout_has("::error::injected").stdout_has("set-output");
        assert_eq!(commands_in(&out.stdout, &[]), Vec::<String>::new(), "{args:?} stdout:\n{}", out.stdout);
        assert_eq!(commands_in(&out.stderr, &[]), Vec::<String>::new(), "{args:?} stderr:\n{}", out.stderr);
    }
    // Outside Actions the text is printed as it is.
    repo.vbump(["plan"]).code(0).stdout_has("\n##[set-output name=x;]y");
}

#[test]
fn a_release_in_actions_prints_no_command_but_the_ones_vbump_means() {
    let repo = hostile_history();
    let out = repo.vbump_with(["release"], |cmd| {
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_TOKEN", "ghs_SecretToken0000");
    });
    out.code(0);
    assert_eq!(commands_in(&out.stdout, &[]), Vec::<String>::new(), "{}", out.stdout);
    assert_eq!(
        commands_in(&out.stderr, &["::add-mask::ghs_SecretToken0000"]),
        Vec::<String>::new(),
        "{}",
        out.stderr
    );
}

#[test]
fn error_messages_are_never_printed_raw_before_their_escaped_copy() {
    let repo = hostile_history();
    // The message's text comes back in the error (and in lint's findings).
    let out = repo.vbump_with(["lint", "--message", "bad subject\n::add-mask::x\n\n::error::y"], |cmd| {
        cmd.env("GITHUB_ACTIONS", "true");
    });
    out.code(1);
    assert_eq!(commands_in(&out.stdout, &["::error "]), Vec::<String>::new(), "{}", out.stdout);
    repo.file("vbump.toml", "tag-prefix = \"v\"\n\n::add-mask::from-a-file = 1\n");
    let out = repo.vbump_with(["plan"], |cmd| {
        cmd.env("GITHUB_ACTIONS", "true");
    });
    out.code(2);
    assert_eq!(commands_in(&out.stderr, &["::error::"]), Vec::<String>::new(), "{}", out.stderr);
    assert_eq!(out.stderr.lines().filter(|l| l.starts_with("::error::")).count(), 1, "{}", out.stderr);
}
