//! Several packages through a release pull request: where branch protection forbids the push, one
//! release PR carries every package released in the run (one section each); after its merge one
//! tag-only run tags every package it carries in one atomic push and publishes one GitHub Release
//! per tag. Each scenario runs the real binary against the fake GitHub and a real bare remote
//! whose pre-receive hook refuses pushes to `main`, on the real ReScienceLab/opc-skills catalog.

use crate::packages::opc_skills_with_two_changes;
use crate::support::github_fake::{GitHubFake, TOKEN, protect_remote};
use crate::support::{Outcome, TestRepo};

/// The catalog with a feature for `reddit` and a fix for `twitter` since their tags (and seven
/// other skills with nothing new), pushed to a bare `origin` whose `main` only a PR can change,
/// and a fake GitHub that says so.
fn protected_catalog() -> (TestRepo, GitHubFake) {
    let repo = opc_skills_with_two_changes();
    repo.origin();
    protect_remote(&origin(&repo), "main", true);
    let fake = GitHubFake::start();
    fake.state().protect_without_bypass();
    (repo, fake)
}

fn origin(repo: &TestRepo) -> std::path::PathBuf {
    repo.sandbox().join("origin.git")
}

/// `vbump release --push` in Actions; returns the run and what it wrote to `$GITHUB_OUTPUT`.
fn release(repo: &TestRepo, fake: &GitHubFake, args: &[&str]) -> (Outcome, String) {
    let output = repo.sandbox().join("github_output");
    let _ = std::fs::remove_file(&output);
    let out = repo.vbump_with(["release", "--push"].iter().chain(args), |cmd| {
        fake.env(cmd, TOKEN);
        cmd.env("GITHUB_ACTIONS", "true")
            .env("GITHUB_OUTPUT", &output)
            .env("SOURCE_DATE_EPOCH", "1700000000");
    });
    let outputs = std::fs::read_to_string(&output).unwrap_or_default();
    (out, outputs)
}

/// What `main` gets when a maintainer presses GitHub's merge button.
#[derive(Debug, Clone, Copy)]
enum Merge {
    /// "Create a merge commit".
    Commit,
    /// "Squash and merge": one commit titled after the PR, with `(#N)`.
    Squash,
    /// "Rebase and merge": the release commit replayed (a new commit) on `main`.
    Rebase,
}

/// Merges the open release PR into `main` on the remote (as GitHub does, past the protection),
/// pulls it, and returns the merged head.
fn merge_release_pr(repo: &TestRepo, fake: &GitHubFake, how: Merge) -> String {
    repo.git(["fetch", "--quiet", "origin", "main", "vbump/release"]);
    repo.git(["reset", "--quiet", "--hard", "origin/main"]);
    let (number, title) = {
        let s = fake.state();
        let pr = s.open_pulls()[0];
        (pr.number, pr.title.clone())
    };
    let pr_branch = repo.git(["rev-parse", "origin/vbump/release"]);
    match how {
        Merge::Commit => {
            let message = format!("Merge pull request #{number} from octo/vbump/release\n\n{title}");
            repo.git(["merge", "--quiet", "--no-ff", "-m", &message, &pr_branch]);
        }
        Merge::Squash => {
            repo.git(["merge", "--quiet", "--squash", &pr_branch]);
            repo.git(["commit", "--quiet", "-m", &format!("{title} (#{number})")]);
        }
        Merge::Rebase => {
            repo.git(["cherry-pick", "--quiet", &pr_branch]);
        }
    }
    protect_remote(&origin(repo), "main", false);
    repo.git(["push", "--quiet", "origin", "main"]);
    protect_remote(&origin(repo), "main", true);
    fake.state().pulls.iter_mut().for_each(|pr| pr.open = false);
    repo.rev("HEAD")
}

/// A commit landing on `main` while the release PR is open (pushed past the protection, as a
/// merged feature PR would be).
fn land_on_main(repo: &TestRepo, file: &str, message: &str) {
    repo.file(file, format!("{message}\n")).commit(message);
    protect_remote(&origin(repo), "main", false);
    repo.git(["push", "--quiet", "origin", "main"]);
    protect_remote(&origin(repo), "main", true);
}

/// The release PR changes nothing local: HEAD, the work tree, the index, local branches and tags
/// are as before (git keeps a remote-tracking ref of the pushed release branch, as any push does).
#[track_caller]
fn assert_unchanged_locally(repo: &TestRepo, before: &std::collections::BTreeMap<String, String>) {
    let mut now = repo.state();
    let own_refs = |refs: &str| -> String {
        refs.lines().filter(|line| !line.starts_with("refs/remotes/")).collect::<Vec<_>>().join("\n")
    };
    let refs = now.remove("refs").unwrap();
    let mut before = before.clone();
    let refs_before = before.remove("refs").unwrap();
    assert_eq!(own_refs(&refs), own_refs(&refs_before));
    now.remove("remote");
    before.remove("remote");
    assert!(now == before, "the PR route changed the work tree, the index or HEAD");
}

fn remote_tags(repo: &TestRepo) -> Vec<String> {
    repo.origin_git(["tag", "--list"]).lines().map(str::to_string).collect()
}

const BOTH: &str = "[{\"name\":\"reddit\",\"version\":\"1.1.0\",\"previous-version\":\"1.0.0\",\"tag\":\"reddit--v1.1.0\",\"bump\":\"minor\"},\
                    {\"name\":\"twitter\",\"version\":\"1.0.1\",\"previous-version\":\"1.0.0\",\"tag\":\"twitter--v1.0.1\",\"bump\":\"patch\"}]";

#[test]
fn one_release_pr_carries_every_package_and_its_merge_tags_and_publishes_each_of_them() {
    for how in [Merge::Commit, Merge::Squash, Merge::Rebase] {
        let (repo, fake) = protected_catalog();
        let main_before = repo.origin_git(["rev-parse", "main"]);
        let tags_before = remote_tags(&repo);
        let local_before = repo.state();

        // The run on main: protection forbids the push, so one release PR for both packages.
        let (out, outputs) = release(&repo, &fake, &[]);
        out.code(0).stdout_has(
            "opened release pull request #1 for reddit--v1.1.0, twitter--v1.0.1: https://github.com/octo/hello/pull/1",
        );
        assert_unchanged_locally(&repo, &local_before);
        assert_eq!(repo.origin_git(["rev-parse", "main"]), main_before);
        assert_eq!(remote_tags(&repo), tags_before);
        assert_eq!(
            outputs,
            format!(
                "released=false\nversion=\nprevious-version=\ntag=\nbump=\ncommit={main_before}\n\
                 pr-url=https://github.com/octo/hello/pull/1\nreleases={BOTH}\n"
            )
        );
        // One release commit on top of main, naming every tag, changing only the two skills'
        // versions (their plugin.json and their marketplace entries).
        assert_eq!(repo.origin_git(["rev-parse", "vbump/release^"]), main_before);
        assert_eq!(
            repo.origin_git(["log", "-1", "--format=%B", "vbump/release"]),
            "chore(release): reddit--v1.1.0, twitter--v1.0.1"
        );
        assert_eq!(
            repo.origin_git(["diff", "--name-only", "main", "vbump/release"]),
            ".claude-plugin/marketplace.json\nskills/reddit/.claude-plugin/plugin.json\nskills/twitter/.claude-plugin/plugin.json"
        );
        {
            let s = fake.state();
            assert_eq!(s.pulls.len(), 1);
            let pr = &s.pulls[0];
            assert_eq!((pr.head.as_str(), pr.base.as_str()), ("vbump/release", "main"));
            assert_eq!(pr.title, "chore(release): reddit--v1.1.0, twitter--v1.0.1");
            let reddit = pr.body.find("## reddit 1.1.0\n\nTag `reddit--v1.1.0` (minor bump), previous version 1.0.0 (`reddit--v1.0.0`).\n\n### Features\n\n- reddit search (").expect(&pr.body);
            let twitter = pr.body.find("## twitter 1.0.1\n\nTag `twitter--v1.0.1` (patch bump), previous version 1.0.0 (`twitter--v1.0.0`).\n\n### Bug fixes\n\n- twitter threads (").expect(&pr.body);
            assert!(reddit < twitter, "sections in package order:\n{}", pr.body);
            assert!(
                !pr.body[reddit..twitter].contains("twitter threads"),
                "each section has its own notes:\n{}",
                pr.body
            );
            assert!(pr.body.ends_with(
                "---\nMerging this pull request releases them: vbump tags the merged commit `reddit--v1.1.0`, `twitter--v1.0.1` and publishes one GitHub Release per tag, each with its package's notes.\n"
            ), "{}", pr.body);
            assert!(!pr.body.contains("seo-geo") && !pr.body.contains("docs: catalog readme"), "{}", pr.body);
            assert!(s.releases.is_empty());
        }

        // A maintainer merges it; the next run on main only tags, in one atomic push.
        let merged = merge_release_pr(&repo, &fake, how);
        let (out, outputs) = release(&repo, &fake, &[]);
        out.code(0)
            .stdout_has("released reddit--v1.1.0 (1.0.0 → 1.1.0, minor) as ")
            .stdout_has("released twitter--v1.0.1 (1.0.0 → 1.0.1, patch) as ")
            .stdout_has("published a GitHub Release for each of reddit--v1.1.0, twitter--v1.0.1");
        assert!(
            !out.stderr.contains("push blocked") && !out.stderr.contains("lower"),
            "{how:?}:\n{}",
            out.stderr
        );
        // The versions the merged PR wrote are the release being tagged, not drift from the tags.
        assert!(!out.stderr.contains("says 1.1.0") && !out.stderr.contains("says 1.0.1"), "{}", out.stderr);
        out.stderr_has(
            "requesthunt: skills/requesthunt/.claude-plugin/plugin.json:3 (`/version`) says 2.0.0",
        );
        for tag in ["reddit--v1.1.0", "twitter--v1.0.1"] {
            assert_eq!(
                repo.origin_git(["rev-parse", &format!("{tag}^{{commit}}")]),
                merged,
                "{how:?}: {tag}"
            );
            assert_eq!(repo.origin_git(["cat-file", "-t", tag]), "tag", "annotated");
        }
        assert_eq!(
            remote_tags(&repo).len(),
            tags_before.len() + 2,
            "{how:?}: the other skills are not tagged"
        );
        assert_eq!(repo.origin_git(["rev-parse", "main"]), merged, "{how:?}: no second release commit");
        assert_eq!(repo.rev("HEAD"), merged);
        let github_release = |tag: &str| {
            let id = fake.state().releases.iter().find(|r| r.tag == tag).map(|r| r.id).unwrap();
            format!(
                "release-url=https://github.com/octo/hello/releases/tag/{tag}\nrelease-id={id}\n\
                 upload-url=https://uploads.github.com/repos/octo/hello/releases/{id}/assets{{?name,label}}\n\
                 make-latest=true\n"
            )
        };
        assert_eq!(
            outputs,
            format!(
                "released=true\nversion=\nprevious-version=\ntag=\nbump=\ncommit={merged}\nreleases={BOTH}\n{}{}",
                github_release("reddit--v1.1.0"),
                github_release("twitter--v1.0.1")
            ),
            "{how:?}"
        );
        {
            let s = fake.state();
            let published: Vec<(&str, bool)> = s.releases.iter().map(|r| (r.tag.as_str(), r.draft)).collect();
            assert_eq!(published, [("reddit--v1.1.0", false), ("twitter--v1.0.1", false)], "{how:?}");
            assert!(
                s.releases[0].body.starts_with("### Features\n\n- reddit search ("),
                "{}",
                s.releases[0].body
            );
            assert!(!s.releases[0].body.contains("twitter"), "{}", s.releases[0].body);
            assert!(
                s.releases[1].body.starts_with("### Bug fixes\n\n- twitter threads ("),
                "{}",
                s.releases[1].body
            );
            assert_eq!(s.pulls.len(), 1, "no new release PR");
        }

        // Nothing is released twice.
        let (out, _) = release(&repo, &fake, &[]);
        out.code(0);
        assert_eq!(fake.state().releases.len(), 2);
        assert_eq!(fake.state().pulls.len(), 1);
        assert_eq!(remote_tags(&repo).len(), tags_before.len() + 2);
    }
}

#[test]
fn the_plan_of_a_merged_release_pr_shows_the_tags_and_no_file_edit() {
    let (repo, fake) = protected_catalog();
    release(&repo, &fake, &[]).0.code(0);
    merge_release_pr(&repo, &fake, Merge::Squash);
    let out = repo.vbump(["plan", "--format", "json"]);
    out.code(0);
    let plan: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let tags: Vec<&str> =
        plan["packages"].as_array().unwrap().iter().filter_map(|p| p["tag"].as_str()).collect();
    assert_eq!(tags, ["reddit--v1.1.0", "twitter--v1.0.1"]);
    assert_eq!(plan["files"], serde_json::json!([]), "the merged release commit already holds the versions");
    assert_eq!(plan["problems"], serde_json::json!([]), "not a downgrade");
}

#[test]
fn re_running_while_the_release_pr_is_open_updates_it_with_every_package_now_due() {
    let (repo, fake) = protected_catalog();
    release(&repo, &fake, &[]).0.code(0).stdout_has("opened release pull request #1");

    // A fix to a third skill lands while the PR is open.
    land_on_main(&repo, "skills/seo-geo/fix.md", "fix: seo-geo keywords");
    let (out, outputs) = release(&repo, &fake, &[]);
    out.code(0).stdout_has(
        "updated release pull request #1 for reddit--v1.1.0, twitter--v1.0.1, seo-geo--v1.0.1: https://github.com/octo/hello/pull/1",
    );
    assert!(outputs.contains("\"tag\":\"seo-geo--v1.0.1\""), "{outputs}");
    let s = fake.state();
    assert_eq!(s.pulls.len(), 1, "updated, not duplicated");
    assert_eq!(s.pulls[0].title, "chore(release): reddit--v1.1.0, twitter--v1.0.1, seo-geo--v1.0.1");
    for section in ["## reddit 1.1.0\n", "## twitter 1.0.1\n", "## seo-geo 1.0.1\n"] {
        assert!(s.pulls[0].body.contains(section), "{section}:\n{}", s.pulls[0].body);
    }
    assert!(s.pulls[0].body.contains("seo-geo keywords"), "{}", s.pulls[0].body);
    assert_eq!(repo.origin_git(["rev-parse", "vbump/release^"]), repo.rev("HEAD"), "rebuilt on the new head");
}

#[test]
fn a_release_pr_of_exactly_one_package_writes_the_flat_keys_on_both_runs() {
    let (repo, fake) = protected_catalog();
    let (out, outputs) = release(&repo, &fake, &["--package", "twitter"]);
    out.code(0).stdout_has("opened release pull request #1 for twitter--v1.0.1");
    let twitter = "[{\"name\":\"twitter\",\"version\":\"1.0.1\",\"previous-version\":\"1.0.0\",\"tag\":\"twitter--v1.0.1\",\"bump\":\"patch\"}]";
    assert_eq!(
        outputs,
        format!(
            "released=false\nversion=1.0.1\nprevious-version=1.0.0\ntag=twitter--v1.0.1\nbump=patch\ncommit={}\n\
             pr-url=https://github.com/octo/hello/pull/1\nreleases={twitter}\n",
            repo.rev("HEAD")
        )
    );
    assert!(
        fake.state().pulls[0].body.contains("releases it: vbump tags the merged commit `twitter--v1.0.1`")
    );

    let merged = merge_release_pr(&repo, &fake, Merge::Commit);
    let (out, outputs) = release(&repo, &fake, &["--package", "twitter"]);
    out.code(0)
        .stdout_has("published GitHub Release twitter--v1.0.1")
        .stdout_has("released twitter--v1.0.1 (1.0.0 → 1.0.1, patch)");
    assert_eq!(
        outputs,
        format!(
            "released=true\nversion=1.0.1\nprevious-version=1.0.0\ntag=twitter--v1.0.1\nbump=patch\ncommit={merged}\n\
             releases={twitter}\nrelease-url=https://github.com/octo/hello/releases/tag/twitter--v1.0.1\n\
             release-id={id}\nupload-url=https://uploads.github.com/repos/octo/hello/releases/{id}/assets{{?name,label}}\n\
             make-latest=true\n",
            id = fake.state().releases[0].id
        )
    );
    assert_eq!(repo.origin_git(["rev-parse", "twitter--v1.0.1^{commit}"]), merged);
    assert_eq!(repo.origin_git(["tag", "--list", "reddit--v1.1.0"]), "", "reddit was not asked for");
}

#[test]
fn a_package_changed_after_the_pr_was_built_is_left_for_the_next_release_pr() {
    let (repo, fake) = protected_catalog();
    release(&repo, &fake, &[]).0.code(0);
    // While the PR is open, a fix to seo-geo lands and the PR is merged without a re-run.
    land_on_main(&repo, "skills/seo-geo/fix.md", "fix: seo-geo keywords");
    let merged = merge_release_pr(&repo, &fake, Merge::Commit);

    let (out, outputs) = release(&repo, &fake, &[]);
    out.code(0)
        .stdout_has("released reddit--v1.1.0")
        .stdout_has("released twitter--v1.0.1")
        .stderr_has("seo-geo: not in the merged release pull request (seo-geo--v1.0.1 is due): left for the next run's release");
    assert!(outputs.contains(&format!("releases={BOTH}\n")), "{outputs}");
    assert_eq!(repo.origin_git(["rev-parse", "reddit--v1.1.0^{commit}"]), merged);
    assert_eq!(repo.origin_git(["tag", "--list", "seo-geo--v1.0.1"]), "");
    assert_eq!(fake.state().releases.len(), 2);

    // The next run proposes seo-geo alone.
    release(&repo, &fake, &[]).0.code(0).stdout_has("opened release pull request #2 for seo-geo--v1.0.1");
    let s = fake.state();
    assert_eq!(s.pulls[1].title, "chore(release): seo-geo--v1.0.1");
    assert!(!s.pulls[1].body.contains("## reddit"), "{}", s.pulls[1].body);
}

#[test]
fn a_breaking_change_merged_after_the_pr_was_built_is_never_tagged_at_the_lower_version() {
    let (repo, fake) = protected_catalog();
    release(&repo, &fake, &[]).0.code(0);
    land_on_main(&repo, "skills/reddit/api.md", "feat!: reddit drops the v1 API");
    let merged = merge_release_pr(&repo, &fake, Merge::Commit);

    let (out, _) = release(&repo, &fake, &[]);
    out.code(0)
        .stdout_has("released twitter--v1.0.1")
        .stderr_has("reddit: not in the merged release pull request (reddit--v2.0.0 is due)");
    assert_eq!(repo.origin_git(["rev-parse", "twitter--v1.0.1^{commit}"]), merged);
    assert_eq!(
        repo.origin_git(["tag", "--list", "reddit--v1.1.0"]),
        "",
        "1.1.0 would under-release the break"
    );

    // The next release PR moves reddit from what its files say (1.1.0) to 2.0.0.
    release(&repo, &fake, &[]).0.code(0).stdout_has("opened release pull request #2 for reddit--v2.0.0");
    let plugin = repo.origin_git(["show", "vbump/release:skills/reddit/.claude-plugin/plugin.json"]);
    assert!(plugin.contains("\"version\": \"2.0.0\""), "{plugin}");
}

#[test]
fn a_followed_marketplace_version_moves_once_in_the_pr_and_not_again_when_tagged() {
    let repo = opc_skills_with_two_changes();
    repo.file("vbump.toml", "marketplace-version = \"follow\"\n")
        .commit("chore: the catalog's version follows");
    repo.origin();
    protect_remote(&origin(&repo), "main", true);
    let fake = GitHubFake::start();
    fake.state().protect_without_bypass();

    release(&repo, &fake, &[]).0.code(0).stdout_has("opened release pull request #1");
    let marketplace = repo.origin_git(["show", "vbump/release:.claude-plugin/marketplace.json"]);
    let own: serde_json::Value = serde_json::from_str(&marketplace).unwrap();
    assert_eq!(own["metadata"]["version"], "1.1.0", "1.0.4 + the highest bump (minor)");

    let merged = merge_release_pr(&repo, &fake, Merge::Squash);
    release(&repo, &fake, &[]).0.code(0).stdout_has("released reddit--v1.1.0");
    assert_eq!(repo.origin_git(["rev-parse", "main"]), merged, "no commit bumps it a second time");
    assert_eq!(repo.origin_git(["show", "main:.claude-plugin/marketplace.json"]), marketplace);
}

#[test]
fn a_package_without_a_version_file_is_carried_by_its_tag_in_the_release_commit() {
    let repo = TestRepo::new();
    repo.file(
        "vbump.toml",
        "[[package]]\nname = \"fmt\"\npath = \"crates/fmt\"\nchangelog = \"crates/fmt/CHANGELOG.md\"\n\n\
         [[package]]\nname = \"docs\"\npath = \"docs\"\n",
    )
    .file("crates/fmt/Cargo.toml", "[package]\nname = \"fmt\"\nversion = \"0.3.0\"\n")
    .file("docs/index.md", "# docs\n")
    .commit("chore: import")
    .annotated_tag("fmt--v0.3.0")
    .annotated_tag("docs--v1.0.0");
    repo.file("crates/fmt/lib.rs", "//\n").commit("feat: fmt options");
    repo.file("docs/index.md", "# docs\n\nfixed\n").commit("fix: docs typo");
    repo.origin();
    protect_remote(&origin(&repo), "main", true);
    let fake = GitHubFake::start();
    fake.state().protect_without_bypass();

    release(&repo, &fake, &[])
        .0
        .code(0)
        .stdout_has("opened release pull request #1 for fmt--v0.4.0, docs--v1.0.1");
    // docs' version lives in its tags only: the release commit changes fmt's files alone, its
    // manifest and its own changelog (created by the PR, as on the single-package PR route).
    assert_eq!(
        repo.origin_git(["diff", "--name-only", "main", "vbump/release"]),
        "crates/fmt/CHANGELOG.md\ncrates/fmt/Cargo.toml"
    );
    let changelog = repo.origin_git(["show", "vbump/release:crates/fmt/CHANGELOG.md"]);
    assert!(changelog.contains("## [0.4.0] - 2023-11-14\n\n### Added\n\n- fmt options"), "{changelog}");

    let merged = merge_release_pr(&repo, &fake, Merge::Squash);
    release(&repo, &fake, &[])
        .0
        .code(0)
        .stdout_has("released fmt--v0.4.0")
        .stdout_has("released docs--v1.0.1");
    for tag in ["fmt--v0.4.0", "docs--v1.0.1"] {
        assert_eq!(repo.origin_git(["rev-parse", &format!("{tag}^{{commit}}")]), merged, "{tag}");
    }
    assert_eq!(fake.state().releases.len(), 2);
    assert_eq!(
        repo.origin_git(["show", "main:crates/fmt/CHANGELOG.md"]),
        changelog,
        "tagging adds no section"
    );
}

/// RUNBOOK, "A catalog of plugins": the release PR it shows is the one vbump opens (with the
/// commit links the notes carry written as short SHAs).
#[test]
fn the_runbooks_release_pr_of_a_catalog_is_what_vbump_opens() {
    let repo = TestRepo::new();
    let plugin = |name: &str, version: &str| {
        format!("{{\n  \"name\": \"{name}\",\n  \"version\": \"{version}\"\n}}\n")
    };
    repo.file(
        ".claude-plugin/marketplace.json",
        "{\n  \"name\": \"tools\",\n  \"owner\": {\"name\": \"octo\"},\n  \"plugins\": [\n    \
         {\"name\": \"formatter\", \"source\": \"./plugins/formatter\", \"version\": \"1.2.0\"},\n    \
         {\"name\": \"linter\", \"source\": \"./plugins/linter\", \"version\": \"0.4.0\"}\n  ]\n}\n",
    )
    .file("plugins/formatter/.claude-plugin/plugin.json", plugin("formatter", "1.2.0"))
    .file("plugins/linter/.claude-plugin/plugin.json", plugin("linter", "0.4.0"))
    .commit("chore: the catalog")
    .annotated_tag("formatter--v1.2.0")
    .annotated_tag("linter--v0.4.0");
    repo.file("plugins/formatter/commands/check.md", "check\n").commit("feat(cli): add --check");
    repo.file("plugins/linter/empty.md", "empty\n").commit("fix: no false positive on empty files");
    repo.origin();
    protect_remote(&origin(&repo), "main", true);
    let fake = GitHubFake::start();
    fake.state().protect_without_bypass();

    release(&repo, &fake, &[]).0.code(0).stdout_has("opened release pull request #1");
    let runbook = include_str!("../RUNBOOK.md");
    let section = &runbook[runbook.find("*The release pull request.* Where protection").unwrap()..];
    let start = section.find("```markdown\n").unwrap() + "```markdown\n".len();
    let shown = &section[start..start + section[start..].find("```\n").unwrap()];
    let links =
        regex::Regex::new(r"\(\[([0-9a-f]{7})\]\(https://github\.com/octo/hello/commit/[0-9a-f]{40}\)\)")
            .unwrap();
    let s = fake.state();
    let body = links.replace_all(&s.pulls[0].body, "($1)").into_owned();
    let (feat, fix) = (&repo.rev("HEAD~1")[..7], &repo.rev("HEAD")[..7]);
    assert_eq!(body, shown.replace("abc1234", feat).replace("def5678", fix));
    assert_eq!(s.pulls[0].title, "chore(release): formatter--v1.3.0, linter--v0.4.1");
}

#[test]
fn github_releases_missing_after_the_tag_only_run_are_made_by_the_next_run() {
    let (repo, fake) = protected_catalog();
    release(&repo, &fake, &[]).0.code(0);
    let merged = merge_release_pr(&repo, &fake, Merge::Squash);
    fake.refuse("POST", "/repos/octo/hello/releases");
    release(&repo, &fake, &[])
        .0
        .code(4)
        .stderr_has("reddit--v1.1.0 is released and pushed, but its GitHub Release could not be made");
    assert_eq!(repo.origin_git(["rev-parse", "twitter--v1.0.1^{commit}"]), merged, "both tags were pushed");
    assert!(fake.state().releases.is_empty());

    fake.heal();
    let (out, outputs) = release(&repo, &fake, &[]);
    out.code(0)
        .stderr_has("created the missing GitHub Release of reddit--v1.1.0")
        .stderr_has("created the missing GitHub Release of twitter--v1.0.1")
        .stdout_has(&format!("finished release reddit--v1.1.0, twitter--v1.0.1 ({})", &merged[..12]));
    // As in single-package mode, a finished release names each version (no bump: this run made none).
    assert!(
        outputs.starts_with(&format!(
            "released=true\nversion=\nprevious-version=\ntag=\nbump=\ncommit={merged}\n"
        )),
        "{outputs}"
    );
    assert!(outputs.contains(
        "releases=[{\"name\":\"reddit\",\"version\":\"1.1.0\",\"previous-version\":\"1.1.0\",\"tag\":\"reddit--v1.1.0\",\"bump\":\"\"},\
         {\"name\":\"twitter\",\"version\":\"1.0.1\",\"previous-version\":\"1.0.1\",\"tag\":\"twitter--v1.0.1\",\"bump\":\"\"}]\n"
    ), "{outputs}");
    let s = fake.state();
    let tags: Vec<&str> = s.releases.iter().map(|r| r.tag.as_str()).collect();
    assert_eq!(tags, ["reddit--v1.1.0", "twitter--v1.0.1"]);
    assert!(s.releases[0].body.starts_with("### Features\n\n- reddit search ("), "{}", s.releases[0].body);
    assert!(s.releases[1].body.starts_with("### Bug fixes\n\n- twitter threads ("), "{}", s.releases[1].body);
    drop(s);

    // And a run after that has nothing left to do.
    release(&repo, &fake, &[]).0.code(0).stdout_has("nothing to release");
    assert_eq!(fake.state().releases.len(), 2);
}

#[test]
fn when_main_moves_on_before_the_merge_is_tagged_the_next_release_pr_carries_those_packages_again() {
    let (repo, fake) = protected_catalog();
    release(&repo, &fake, &[]).0.code(0);
    merge_release_pr(&repo, &fake, Merge::Squash);
    // The run for the merge never happened (a newer push replaced it); a fix to seo-geo lands.
    land_on_main(&repo, "skills/seo-geo/fix.md", "fix: seo-geo keywords");

    // HEAD is no release commit: the next run opens a release PR with all three; the files of
    // reddit and twitter already say their versions, so only seo-geo's change.
    release(&repo, &fake, &[])
        .0
        .code(0)
        .stdout_has("opened release pull request #2 for reddit--v1.1.0, twitter--v1.0.1, seo-geo--v1.0.1");
    assert_eq!(
        repo.origin_git(["diff", "--name-only", "main", "vbump/release"]),
        ".claude-plugin/marketplace.json\nskills/seo-geo/.claude-plugin/plugin.json"
    );
    let merged = merge_release_pr(&repo, &fake, Merge::Commit);
    release(&repo, &fake, &[]).0.code(0).stdout_has("released seo-geo--v1.0.1");
    for tag in ["reddit--v1.1.0", "twitter--v1.0.1", "seo-geo--v1.0.1"] {
        assert_eq!(repo.origin_git(["rev-parse", &format!("{tag}^{{commit}}")]), merged, "{tag}");
    }
    let s = fake.state();
    assert_eq!(s.releases.len(), 3, "each once");
    assert!(s.releases[0].body.contains("reddit search"), "{}", s.releases[0].body);
}

#[test]
fn the_release_pr_and_its_tag_only_run_in_json_carry_the_same_keys_as_the_push_route() {
    let (repo, fake) = protected_catalog();
    let (out, _) = release(&repo, &fake, &["--format", "json"]);
    let opened: serde_json::Value = serde_json::from_str(&out.code(0).stdout).unwrap();
    assert_eq!((opened["released"].as_bool(), opened["pr"].as_str()), (Some(false), Some("opened")));
    assert_eq!(opened["pr-url"], "https://github.com/octo/hello/pull/1");
    assert_eq!(opened["releases"], serde_json::from_str::<serde_json::Value>(BOTH).unwrap());

    merge_release_pr(&repo, &fake, Merge::Rebase);
    let (out, _) = release(&repo, &fake, &["--format", "json"]);
    let tagged: serde_json::Value = serde_json::from_str(&out.code(0).stdout).unwrap();
    assert_eq!((tagged["released"].as_bool(), tagged["pushed"].as_bool()), (Some(true), Some(true)));
    assert_eq!(tagged["releases"], opened["releases"]);
    assert_eq!(tagged["files"], serde_json::json!([]), "the merged commit holds the edits already");
    let notes = tagged["notes"].as_str().unwrap();
    assert!(notes.starts_with("## reddit\n\n### Features\n\n- reddit search ("), "{notes}");
}
