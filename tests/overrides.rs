//! Overrides people use: a `Release-As:` footer, `--bump` on a HEAD that is already released,
//! and `set` over a value `check` calls invalid.

use crate::support::TestRepo;

fn released(tag: &str) -> TestRepo {
    let version = tag.trim_start_matches('v');
    let repo = TestRepo::new();
    repo.file("package.json", format!("{{\"version\": \"{version}\"}}\n")).commit("chore: init").tag(tag);
    repo
}

#[test]
fn a_release_as_footer_sets_the_next_version() {
    let repo = released("v0.9.3");
    repo.commit("fix: a");
    repo.commit("chore: graduate\n\nThe API is stable now.\n\nRelease-As: 1.0.0");
    repo.commit("fix: b");
    repo.vbump(["next"]).expect(0, "1.0.0\n", "");
    let plan = repo.vbump(["plan"]);
    plan.code(0).stdout_has("bump: major, named by the `Release-As` footer of");
    // With --pre it names the version the pre-releases lead to.
    repo.vbump(["next", "--pre", "rc"]).expect(0, "1.0.0-rc.1\n", "");
}

#[test]
fn a_release_as_footer_must_still_be_higher() {
    let repo = released("v2.1.0");
    repo.commit("feat: x\n\nRelease-As: 2.0.0");
    let state = repo.state();
    repo.vbump(["release"]).code(2).stderr_has(
        "the next version 2.0.0 would be lower than 2.1.0, which package.json:1 (`/version`) already holds",
    );
    assert_eq!(repo.state(), state);
    // --bump still works around it.
    repo.vbump(["next", "--bump", "minor"]).expect(0, "2.2.0\n", "");
}

#[test]
fn a_release_as_footer_that_is_not_a_version_is_a_warning() {
    let repo = released("v1.0.0");
    repo.commit("fix: x\n\nRelease-As: soon");
    let out = repo.vbump(["next"]);
    out.code(0).stderr_has("says `Release-As: soon`, which is not a semantic version; the footer is ignored");
    assert_eq!(out.stdout, "1.0.1\n");
}

#[test]
fn bump_on_an_already_released_head_makes_a_new_release_commit() {
    // The RUNBOOK's 1.0.0 recipe: a manual dispatch after the push-triggered release.
    let repo = released("v0.9.0");
    repo.commit("feat: last feature");
    repo.vbump(["release"]).code(0).stdout_has("released v0.10.0");
    let released_head = repo.rev("HEAD");
    repo.vbump(["release", "--bump", "major"]).code(0).stdout_has("released v1.0.0 (0.10.0 → 1.0.0, major)");
    repo.assert_released("v1.0.0", false);
    assert_eq!(repo.rev("HEAD^"), released_head);
    assert_eq!(repo.read_text("package.json"), "{\"version\": \"1.0.0\"}\n");
}

#[test]
fn set_refuses_to_overwrite_a_value_check_calls_invalid_unless_forced() {
    // Detection skips such a value by itself; a configured location still reaches it.
    let repo = TestRepo::new();
    repo.file("package.json", "{\"version\": \"1.2.0\"}\n")
        .file("pyproject.toml", "[project]\nname = \"x\"\nversion = \"draft\"\n")
        .file(
            "vbump.toml",
            "[[location]]\nfile = \"package.json\"\njson = \"/version\"\n\n\
             [[location]]\nfile = \"pyproject.toml\"\ntoml = \"project.version\"\n",
        )
        .commit("chore: init");
    let state = repo.state();
    repo.vbump(["set", "1.3.0"])
        .code(2)
        .stderr_has("pyproject.toml:3")
        .stderr_has("\"draft\"")
        .stderr_has("--force");
    assert_eq!(repo.state(), state);
    repo.vbump(["set", "1.3.0", "--force"]).code(0);
    assert_eq!(repo.read_text("pyproject.toml"), "[project]\nname = \"x\"\nversion = \"1.3.0\"\n");
    assert_eq!(repo.read_text("package.json"), "{\"version\": \"1.3.0\"}\n");
}
