//! Never a lower version: a release never writes a version lower than or equal to one its files
//! or its release tags already hold; it stops with exit 2 before any change, naming the file and
//! the value and saying what to do. Version arithmetic never wraps.

use crate::support::TestRepo;

const PLUGIN: &str = ".claude-plugin/plugin.json";

fn plugin_json(version: &str) -> String {
    format!("{{\n  \"name\": \"notes\",\n  \"version\": \"{version}\",\n  \"description\": \"x\"\n}}\n")
}

/// A plugin tagged `v2.42.0` long ago, whose later releases bumped the files to 3.23.1 and were
/// tagged under another prefix (`notes--v…`, as `claude plugin tag` names them) or not at all.
fn plugin_ahead_of_its_v_tags(later_tags: bool) -> TestRepo {
    let repo = TestRepo::new();
    repo.file(PLUGIN, plugin_json("2.42.0")).commit("chore: release 2.42.0").tag("v2.42.0");
    repo.file(PLUGIN, plugin_json("3.23.1")).commit("feat!: new hook format");
    if later_tags {
        repo.tag("notes--v3.23.1");
    }
    repo.commit("feat(hooks): add a hook");
    repo
}

#[test]
fn files_ahead_of_an_old_tag_are_never_rewritten_lower() {
    let repo = plugin_ahead_of_its_v_tags(false);
    let state = repo.state();
    let out = repo.vbump(["release"]);
    out.code(2)
        .stderr_has("the next version 3.0.0 would be lower than 3.23.1, which .claude-plugin/plugin.json:3 (`/version`) already holds")
        .stderr_has("hint:")
        .stderr_has("`git tag v3.23.1 <commit>`");
    assert_eq!(repo.state(), state, "nothing changed");
    // `plan` and `next` stop the same way: a preview is the release.
    repo.vbump(["plan"]).code(2).stderr_has("would be lower than 3.23.1");
    repo.vbump(["next"]).code(2).stderr_has("would be lower than 3.23.1");
}

#[test]
fn the_refusal_names_the_tag_prefix_the_real_tags_use() {
    let repo = plugin_ahead_of_its_v_tags(true);
    repo.vbump(["release"]).code(2).stderr_has("would be lower than 3.23.1").stderr_has(
        "the tags of this repository look like `notes--v3.23.1`: set `tag-prefix = \"notes--v\"`",
    );
    // Following the hint releases from the right tag.
    repo.file("vbump.toml", "tag-prefix = \"notes--v\"\n").commit("chore: vbump config");
    repo.vbump(["next"]).expect(0, "3.24.0\n", "");
}

#[test]
fn files_at_a_release_candidate_above_the_last_tag_are_not_proposed_lower() {
    let repo = TestRepo::new();
    repo.file("Cargo.toml", "[package]\nname = \"app\"\nversion = \"1.10.0\"\n")
        .commit("chore: release 1.10.0")
        .tag("v1.10.0");
    repo.file("Cargo.toml", "[package]\nname = \"app\"\nversion = \"2.0.0-rc.1\"\n")
        .commit("chore: 2.0.0-rc.1");
    repo.commit("fix: crash on empty input");
    let state = repo.state();
    repo.vbump(["release"])
        .code(2)
        .stderr_has("the next version 1.10.1 would be lower than 2.0.0-rc.1, which Cargo.toml:3 (`package.version`) already holds");
    assert_eq!(repo.state(), state);
    // Asking for the version the files lead to works.
    let out = repo.vbump(["next", "--bump", "major"]);
    out.code(0).stderr_has("says 2.0.0-rc.1 but the last release tag `v1.10.0` says 1.10.0");
    assert_eq!(out.stdout, "2.0.0\n");
}

#[test]
fn a_version_equal_to_the_files_is_refused_too() {
    let repo = TestRepo::new();
    repo.file("package.json", "{\"version\": \"1.2.3\"}\n").commit("chore: init").tag("v1.2.3");
    repo.file("package.json", "{\"version\": \"1.2.4\"}\n").commit("fix: bumped by hand");
    repo.vbump(["next"])
        .code(2)
        .stderr_has("1.2.4 would be equal to 1.2.4, which package.json:1 (`/version`)");
}

#[test]
fn a_major_bump_past_the_largest_number_is_exit_2_not_zero() {
    let max = u64::MAX;
    let repo = TestRepo::new();
    repo.commit("chore: init").tag(&format!("v{max}.0.0"));
    repo.commit("feat!: one more");
    let state = repo.state();
    repo.vbump(["release"]).code(2).stderr_has(&format!("{max}.0.0 has no major version above it"));
    assert_eq!(repo.state(), state);
}

#[test]
fn a_pre_release_counter_at_the_largest_number_is_exit_2() {
    let max = u64::MAX;
    let repo = TestRepo::new();
    repo.commit("chore: init").tag("v1.2.0");
    repo.commit("feat: a").tag(&format!("v1.3.0-rc.{max}"));
    repo.commit("fix: b");
    repo.vbump(["next", "--pre", "rc"]).code(2).stderr_has("no number above").stderr_has("hint:");
}

#[test]
fn a_merged_release_pull_request_whose_files_already_say_the_version_is_not_a_downgrade() {
    // The release commit of a merged release PR wrote 1.3.0; the run after the merge tags it.
    let repo = TestRepo::new();
    repo.file("Cargo.toml", "[package]\nname = \"app\"\nversion = \"1.2.0\"\n")
        .commit("chore: init")
        .tag("v1.2.0");
    repo.commit("feat: a");
    repo.file("Cargo.toml", "[package]\nname = \"app\"\nversion = \"1.3.0\"\n")
        .commit("chore(release): v1.3.0 (#9)");
    let out = repo.vbump(["next"]);
    out.code(0);
    assert_eq!(out.stdout, "1.3.0\n");
}
