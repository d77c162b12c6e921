//! Pre-release channels: `--pre ID` pre-releases the version the commits since the last stable
//! release call for; a channel never goes down for the same version; `--promote` releases the
//! stable version; a stable release's notes cover its pre-releases.

use crate::support::TestRepo;

/// `Cargo.toml` released as 1.2.0, then a feature.
fn feature_since_v1_2_0() -> TestRepo {
    let repo = TestRepo::new();
    repo.file("Cargo.toml", "[package]\nname = \"app\"\nversion = \"1.2.0\"\n")
        .commit("chore: init")
        .annotated_tag("v1.2.0");
    repo.commit("feat(api): streaming responses");
    repo
}

fn version_in_cargo_toml(repo: &TestRepo) -> String {
    let text = repo.read_text("Cargo.toml");
    text.lines().find_map(|l| l.strip_prefix("version = \"")).unwrap().trim_end_matches('"').to_string()
}

#[test]
fn release_candidates_count_up_and_stay_on_the_version_of_the_commits_since_the_stable_release() {
    let repo = feature_since_v1_2_0();
    repo.vbump(["release", "--pre", "rc"]).code(0).stdout_has("released v1.3.0-rc.1");
    repo.commit("fix: a crash");
    repo.vbump(["release", "--pre", "rc"]).code(0).stdout_has("released v1.3.0-rc.2");
    assert_eq!(version_in_cargo_toml(&repo), "1.3.0-rc.2");
}

#[test]
fn a_channel_that_sorts_lower_for_the_same_version_is_exit_2() {
    let repo = feature_since_v1_2_0();
    repo.vbump(["release", "--pre", "rc"]).code(0);
    repo.commit("fix: a crash");
    let state = repo.state();
    repo.vbump(["release", "--pre", "beta"])
        .code(2)
        .stderr_has("`beta` sorts below `rc`: 1.3.0-beta.1 would be lower than the released 1.3.0-rc.1")
        .stderr_has("`--pre rc`");
    assert_eq!(repo.state(), state);
    // Upwards is fine: alpha → beta → rc.
    let up = feature_since_v1_2_0();
    up.vbump(["release", "--pre", "alpha"]).code(0).stdout_has("v1.3.0-alpha.1");
    up.vbump(["release", "--pre", "beta"]).code(0).stdout_has("v1.3.0-beta.1");
}

#[test]
fn identifiers_are_checked_as_the_error_message_describes() {
    let repo = feature_since_v1_2_0();
    for bad in ["rc-1", "rc1", "rc.1", "-rc", "r c"] {
        repo.vbump(["next", &format!("--pre={bad}")])
            .code(2)
            .stderr_has(&format!("`{bad}` is not a pre-release identifier: use letters, digits and hyphens, starting and ending with a letter"));
    }
    repo.vbump(["next", "--pre", "beta-x"]).expect(0, "1.3.0-beta-x.1\n", "");
}

#[test]
fn promote_releases_the_stable_version_of_the_pre_release_on_head_with_a_new_release_commit() {
    let repo = feature_since_v1_2_0();
    repo.vbump(["release", "--pre", "rc"]).code(0);
    let rc_commit = repo.rev("HEAD");
    // Nothing new: a plain run does nothing and the plan says how to promote.
    repo.vbump(["release"]).expect(
        0,
        "nothing to release: HEAD is already released as v1.3.0-rc.1\nhint: the last release is the pre-release 1.3.0-rc.1: `vbump release --promote` releases 1.3.0 (the action's `promote: true`)\n",
        "",
    );
    repo.vbump(["plan"]).code(0).stdout_has("next version: nothing to release").stdout_has(
        "hint: the last release is the pre-release 1.3.0-rc.1: `vbump release --promote` releases 1.3.0",
    );
    repo.vbump(["release", "--promote"]).code(0).stdout_has("released v1.3.0 (1.3.0-rc.1 → 1.3.0");
    repo.assert_released("v1.3.0", false);
    assert_eq!(repo.rev("HEAD^"), rc_commit, "a new release commit on top of the rc's");
    assert_eq!(version_in_cargo_toml(&repo), "1.3.0");
}

#[test]
fn promote_without_a_pre_release_is_exit_2() {
    let repo = feature_since_v1_2_0();
    repo.vbump(["release", "--promote"])
        .code(2)
        .stderr_has("there is no pre-release to promote: the last release is 1.2.0");
    repo.vbump(["release", "--promote", "--pre", "rc"]).code(2).stderr_has("cannot be used with");
}

#[test]
fn a_stable_release_after_pre_releases_has_notes_for_everything_since_the_last_stable_release() {
    let repo = feature_since_v1_2_0();
    repo.vbump(["release", "--pre", "rc"]).code(0);
    repo.commit("fix(api): close the stream");
    repo.vbump(["release", "--pre", "rc"]).code(0);
    repo.vbump(["plan"]).code(0).stdout_has("hint:");
    let plan = repo.vbump(["plan", "--promote"]);
    plan.code(0).stdout_has("commits since `v1.2.0`, the last stable release: 2 counted");
    repo.vbump(["release", "--promote"]).code(0);
    let notes = repo.git(["tag", "-l", "--format=%(contents)", "v1.3.0"]);
    assert!(notes.contains("streaming responses"), "{notes}");
    assert!(notes.contains("close the stream"), "{notes}");
    // A pre-release's notes cover what is new since the last release.
    let rc2 = repo.git(["tag", "-l", "--format=%(contents)", "v1.3.0-rc.2"]);
    assert!(rc2.contains("close the stream") && !rc2.contains("streaming responses"), "{rc2}");
}

#[test]
fn pre_on_an_already_released_head_makes_the_next_pre_release() {
    let repo = feature_since_v1_2_0();
    repo.vbump(["release"]).code(0).stdout_has("released v1.3.0");
    repo.vbump(["release", "--pre", "rc"]).code(0).stdout_has("released v1.3.1-rc.1");
    repo.vbump(["release", "--pre", "rc"]).code(0).stdout_has("released v1.3.1-rc.2");
    repo.assert_released("v1.3.1-rc.2", false);
}

#[test]
fn github_releases_of_pre_releases_are_prereleases_and_never_latest() {
    use crate::support::github_fake::{GitHubFake, TOKEN};
    let fake = GitHubFake::start();
    let repo = feature_since_v1_2_0();
    repo.origin();
    let release = |args: &[&str]| {
        repo.vbump_with(args, |cmd| {
            fake.env(cmd, TOKEN);
        })
    };
    release(&["release", "--push", "--pre", "rc"]).code(0).stdout_has("published GitHub Release v1.3.0-rc.1");
    {
        let s = fake.state();
        assert_eq!(s.releases.len(), 1);
        assert!(s.releases[0].prerelease, "{:?}", s.releases[0]);
        assert_eq!(s.latest, None, "a pre-release never becomes Latest");
    }
    release(&["release", "--push", "--promote"]).code(0).stdout_has("published GitHub Release v1.3.0");
    let s = fake.state();
    let stable = s.releases.iter().find(|r| r.tag == "v1.3.0").unwrap();
    assert!(!stable.prerelease);
    assert_eq!(s.latest, Some(stable.id));
}
