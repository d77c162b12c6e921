//! The command line itself: help, version, argument errors.

use crate::support::TestRepo;

#[test]
fn version_flag_prints_the_version() {
    let repo = TestRepo::new();
    repo.vbump(["--version"]).expect(0, &format!("vbump {}\n", env!("CARGO_PKG_VERSION")), "");
}

#[test]
fn outside_a_repository_is_exit_2_with_a_hint() {
    let repo = TestRepo::bare_sandbox();
    std::fs::create_dir_all(repo.path()).unwrap();
    let out = repo.vbump(["next"]);
    out.code(2).stderr_has("is not inside a git repository").stderr_has("hint:");
    assert_eq!(out.stdout, "");
}

#[test]
fn unknown_option_is_exit_2() {
    let repo = TestRepo::new();
    repo.vbump(["--no-such-option"]).code(2).stderr_has("--no-such-option");
}
