//! README's newcomer commands stay true.

use crate::support::TestRepo;

const README: &str = include_str!("../README.md");
const CI: &str = include_str!("../.ci/run");

#[test]
fn readme_demo_repository_shows_a_minor_release() {
    assert!(README.contains(
        "bash fixtures/demo/make-repo.sh /tmp/vbump-demo && cargo run --release -- --dry-run -C /tmp/vbump-demo"
    ));
    let sandbox = TestRepo::bare_sandbox();
    let demo = sandbox.sandbox().join("demo");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/make-repo.sh");
    let out = sandbox.command("bash").arg(script).arg(&demo).current_dir(sandbox.sandbox()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let plan = sandbox.vbump_with(["--dry-run", "-C", demo.to_str().unwrap()], |cmd| {
        cmd.current_dir(sandbox.sandbox());
    });
    plan.code(0)
        .stdout_has("last release: 1.2.0 (tag `v1.2.0`")
        .stdout_has("bump: minor, decided by")
        .stdout_has("next version: 1.3.0 (tag `v1.3.0`)");
}

#[test]
fn ci_runs_the_test_command_readme_gives() {
    let command = "cargo llvm-cov nextest --all-features --locked --no-fail-fast --fail-under-lines 85";
    assert!(README.contains(&format!("```sh\n{command}\n```")), "README lost its test command");
    assert!(CI.lines().any(|line| line.trim() == command), ".ci/run does not run README's test command");
}
