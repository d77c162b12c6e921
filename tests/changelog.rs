//! `changelog = "CHANGELOG.md"`: the release commit carries a Keep a Changelog section for the
//! release, and everything already in the file stays byte-identical.

use crate::support::{Outcome, TestRepo};

fn repo_with_changelog(existing: Option<&str>) -> TestRepo {
    let repo = TestRepo::new();
    repo.file("vbump.toml", "changelog = \"CHANGELOG.md\"\n");
    if let Some(text) = existing {
        repo.file("CHANGELOG.md", text);
    }
    repo.commit("chore: init").tag("v1.2.0");
    repo.commit("feat(cli): add --quiet (#7)");
    repo.commit("fix: keep CRLF line endings");
    repo
}

fn release(repo: &TestRepo) -> Outcome {
    // 2023-11-14 in UTC.
    repo.vbump_with(["release"], |cmd| {
        cmd.env("SOURCE_DATE_EPOCH", "1700000000");
    })
}

#[test]
fn release_commit_prepends_the_section_and_keeps_older_entries_byte_identical() {
    let old = "# Changelog\n\n## [Unreleased]\n\n- something manual\n\n## [1.2.0] - 2023-01-01\n\n### Added\n\n- the first feature   \n";
    let repo = repo_with_changelog(Some(old));
    release(&repo).code(0).stdout_has("released v1.3.0");

    let text = repo.read_text("CHANGELOG.md");
    let at = old.find("## [1.2.0]").unwrap();
    assert_eq!(&text[..at], &old[..at], "above the insertion point is untouched");
    assert!(text.ends_with(&old[at..]), "below the insertion point is byte-identical:\n{text}");
    let added = &text[at..text.len() - (old.len() - at)];
    let feat = repo.rev("HEAD~1~1");
    let fix = repo.rev("HEAD~1");
    assert_eq!(
        added,
        format!(
            "## [1.3.0] - 2023-11-14\n\n### Added\n\n- **cli:** add --quiet ({}) (#7)\n\n### Fixed\n\n- keep CRLF line endings ({})\n\n",
            &feat[..7],
            &fix[..7]
        )
    );
    // The section is part of the tagged release commit, and the work tree is clean.
    assert_eq!(repo.git(["show", "--format=", "--name-only", "v1.3.0^{commit}"]), "CHANGELOG.md");
    assert_eq!(repo.git(["status", "--porcelain"]), "");
}

#[test]
fn a_missing_changelog_stops_a_pushed_or_local_release_before_any_change() {
    // The release PR creates a missing changelog (tests/github_flow.rs); the push transaction
    // only replaces existing files, so it refuses up front rather than half-way.
    let repo = repo_with_changelog(None);
    let head = repo.rev("HEAD");
    release(&repo)
        .code(2)
        .stderr_has("the changelog `CHANGELOG.md` does not exist")
        .stderr_has("hint: create it once");
    assert_eq!(repo.rev("HEAD"), head);
    assert_eq!(repo.git(["tag", "--list"]), "v1.2.0");
    assert_eq!(repo.git(["status", "--porcelain"]), "");
}

#[test]
fn crlf_changelogs_get_crlf_sections() {
    let old = "# Changelog\r\n\r\n## [1.2.0] - 2023-01-01\r\n\r\n- x\r\n";
    let repo = repo_with_changelog(Some(old));
    release(&repo).code(0);
    let bytes = repo.read("CHANGELOG.md");
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with("# Changelog\r\n\r\n## [1.3.0] - 2023-11-14\r\n\r\n### Added\r\n"), "{text:?}");
    assert!(text.ends_with("\r\n\r\n## [1.2.0] - 2023-01-01\r\n\r\n- x\r\n"), "{text:?}");
    assert!(!text.replace("\r\n", "").contains('\n'), "no bare LF was introduced");
}
