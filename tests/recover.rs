//! `vbump recover`: safe with nothing to do, refuses to guess on a corrupt journal, and clears the
//! way for the next release. (Recovering from real crashes: `tests/crash.rs`.)

use crate::support::TestRepo;

fn feature_since_v1_2_0() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("chore: initial commit").annotated_tag("v1.2.0");
    repo.commit("feat: add a thing");
    repo
}

#[test]
fn nothing_to_recover_is_exit_0_and_safe_to_repeat() {
    let repo = feature_since_v1_2_0();
    let state = repo.state();
    for _ in 0..2 {
        repo.vbump(["recover"]).expect(0, "nothing to recover: no release was interrupted\n", "");
    }
    assert_eq!(repo.state(), state);
}

#[test]
fn a_journal_blocks_release_until_recover_clears_it() {
    let repo = feature_since_v1_2_0();
    let head = repo.rev("HEAD");
    // What a release killed right after writing its journal leaves behind.
    std::fs::create_dir_all(repo.path().join(".git/vbump")).unwrap();
    std::fs::write(
        repo.path().join(".git/vbump/journal.json"),
        format!(
            "{{\"format\":1,\"branch\":\"main\",\"original-head\":\"{head}\",\"version\":\"1.3.0\",\
             \"tag\":\"v1.3.0\",\"files\":[],\"remote\":null,\"release-commit\":null,\"step\":\"writing-files\"}}"
        ),
    )
    .unwrap();
    repo.vbump(["release"]).code(2).stderr_has("interrupted release").stderr_has("vbump recover");
    assert_eq!(repo.rev("HEAD"), head);
    repo.vbump(["recover"]).expect(
        0,
        "recovered: release v1.3.0 had not reached the remote; everything local is undone\n",
        "",
    );
    assert!(!repo.path().join(".git/vbump").exists());
    repo.vbump(["release"]).code(0);
    repo.assert_released("v1.3.0", false);
}

#[test]
fn a_corrupt_journal_is_exit_2_naming_the_file() {
    let repo = feature_since_v1_2_0();
    std::fs::create_dir_all(repo.path().join(".git/vbump")).unwrap();
    std::fs::write(repo.path().join(".git/vbump/journal.json"), "{\"format\": 1, \"bran").unwrap();
    repo.vbump(["recover"])
        .code(2)
        .stderr_has("journal.json: the release journal is unreadable")
        .stderr_has("hint:");
    assert!(repo.path().join(".git/vbump/journal.json").exists(), "a journal vbump cannot read is kept");
}
