//! Several packages and their history: shallow clones deepened until every package's last release
//! is reachable (and no further), `Release-As` per package, a stable release after pre-releases
//! covering everything since the package's last stable tag, and tags of another form refused only
//! when they name the package.

use crate::support::TestRepo;

/// `vbump.toml` declaring a package per folder, with the default tag template `{name}--v{version}`.
fn declare(repo: &TestRepo, names: &[&str]) {
    let config: String = names.iter().map(|name| format!("[[package]]\npath = \"{name}\"\n\n")).collect();
    repo.file("vbump.toml", config);
}

/// A `package.json` for the package `name` at `version`.
fn manifest(repo: &TestRepo, name: &str, version: &str) {
    repo.file(
        &format!("{name}/package.json"),
        format!("{{\n  \"name\": \"{name}\",\n  \"version\": \"{version}\"\n}}\n"),
    );
}

/// `count` empty commits: history that belongs to no package.
fn chores(repo: &TestRepo, what: &str, count: usize) {
    for i in 0..count {
        repo.commit(&format!("chore: {what} {i}"));
    }
}

/// Pushes to `origin.git` and replaces the work tree with a `--depth 1` clone of it.
fn shallow_clone_of(repo: &TestRepo) {
    repo.origin();
    let url = format!("file://{}", repo.sandbox().join("origin.git").display());
    crate::shallow::shallow_clone(repo, &url);
}

/// How many commits the clone holds.
fn commits_held(repo: &TestRepo) -> usize {
    repo.git(["rev-list", "--count", "--all"]).parse().unwrap()
}

mod shallow_clones {
    use super::*;

    /// 200 commits of old history, then `api` and `cli` imported and tagged, 100 more commits, a
    /// feature in `api` and a fix in `cli`: 303 commits, the tags 103 commits behind HEAD.
    fn tagged_catalog_behind_old_history() -> TestRepo {
        let repo = TestRepo::new();
        chores(&repo, "old history", 200);
        declare(&repo, &["api", "cli"]);
        manifest(&repo, "api", "1.0.0");
        manifest(&repo, "cli", "2.4.0");
        repo.commit("chore: import api and cli").annotated_tag("api--v1.0.0").annotated_tag("cli--v2.4.0");
        chores(&repo, "since the tags", 100);
        repo.file("api/index.js", "search\n").commit("feat: api search");
        repo.file("cli/main.js", "flags\n").commit("fix: cli flags");
        repo
    }

    #[test]
    fn a_shallow_clone_is_deepened_until_every_package_s_last_tag_is_reachable_and_no_further() {
        let repo = tagged_catalog_behind_old_history();
        repo.vbump(["next"]).expect(0, "api 1.1.0\ncli 2.4.1\n", "");
        shallow_clone_of(&repo);
        let out = repo.vbump(["next"]);
        out.code(0).stderr_has("shallow clone: fetching tags and deepening history from `origin`");
        assert_eq!(out.stdout, "api 1.1.0\ncli 2.4.1\n");
        // Depth 1, then 64 more, then 128 more reach both tags: the old history is not fetched.
        assert_eq!(repo.git(["rev-parse", "--is-shallow-repository"]), "true");
        assert_eq!(commits_held(&repo), 193);
        repo.vbump(["release", "--push"]).code(0);
        repo.assert_released("api--v1.1.0", true);
        repo.assert_released("cli--v2.4.1", true);
    }

    #[test]
    fn a_package_whose_tag_is_further_back_holds_the_deepening_until_it_is_reached() {
        let repo = tagged_catalog_behind_old_history();
        // `web` was tagged long before the others: 250 commits behind HEAD.
        let tagged_at = repo.rev("HEAD~250");
        declare(&repo, &["api", "cli", "web"]);
        manifest(&repo, "web", "0.3.0");
        repo.commit("chore: declare web");
        repo.git(["tag", "web--v0.3.0", &tagged_at]);
        repo.file("web/app.js", "1\n").commit("fix: web routes");
        repo.vbump(["next"]).expect(0, "api 1.1.0\ncli 2.4.1\nweb 0.3.1\n", "");
        shallow_clone_of(&repo);
        repo.vbump(["next"]).code(0).stdout_has("api 1.1.0\ncli 2.4.1\nweb 0.3.1\n");
        // 1 + 64 + 128 do not reach it; 256 more do.
        assert_eq!(commits_held(&repo), 305, "the whole history, as far as web's tag needs");
    }

    /// 200 commits of old history, then `api` imported (and never tagged), its version raised once
    /// 100 commits later, and `docs`, a package with no version anywhere, added after that.
    fn untagged_catalog_behind_old_history() -> TestRepo {
        let repo = TestRepo::new();
        chores(&repo, "old history", 200);
        declare(&repo, &["api", "docs"]);
        manifest(&repo, "api", "0.9.0");
        repo.commit("feat: import api");
        chores(&repo, "before 1.0.0", 100);
        manifest(&repo, "api", "1.0.0");
        repo.commit("chore: api 1.0.0");
        chores(&repo, "after 1.0.0", 80);
        repo.file("docs/README.md", "# docs\n").commit("feat: add the docs plugin");
        repo.file("api/index.js", "fix\n").commit("fix: api paging");
        repo
    }

    /// A package never tagged counts from the commit that last changed its version (issue 11's
    /// rule, per package); one with no version anywhere from the commit that created its folder.
    /// A shallow clone is deepened until those commits are in, not until the whole history is.
    #[test]
    fn packages_never_tagged_deepen_only_to_their_last_version_change_or_their_folder_s_creation() {
        let repo = untagged_catalog_behind_old_history();
        // `docs` is no plugin: its version living in its tags only is no mistake to warn about.
        repo.vbump(["next"]).expect(0, "api 1.0.1\ndocs 0.1.0\n", "");
        shallow_clone_of(&repo);
        let out = repo.vbump(["next"]);
        assert_eq!((out.code, out.stdout.as_str()), (0, "api 1.0.1\ndocs 0.1.0\n"), "{}", out.stderr);
        // api's version changed 82 commits behind HEAD: depth 1 + 64 + 128 holds it and its parent.
        assert_eq!(repo.git(["rev-parse", "--is-shallow-repository"]), "true");
        assert_eq!(commits_held(&repo), 193);
        let plan = repo.vbump(["plan", "--format", "json"]);
        let plan: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
        let api = &plan["packages"][0];
        assert_eq!(api["previous"]["source"], "files");
        assert_eq!(api["previous"]["since"], repo.rev("HEAD~82"), "the commit that made api 1.0.0");
        assert_eq!(api["commits"].as_array().unwrap().len(), 1, "feat: import api released 0.9.0 already");
    }

    #[test]
    fn a_package_whose_version_is_as_old_as_the_repository_needs_the_whole_history() {
        let repo = TestRepo::new();
        declare(&repo, &["api", "cli"]);
        manifest(&repo, "api", "1.0.0");
        manifest(&repo, "cli", "1.0.0");
        repo.commit("chore: import").annotated_tag("cli--v1.0.0");
        chores(&repo, "history", 150);
        repo.file("api/index.js", "1\n").commit("fix: api");
        shallow_clone_of(&repo);
        let out = repo.vbump(["next"]);
        assert_eq!((out.code, out.stdout.as_str()), (0, "api 1.0.1\n"), "{}", out.stderr);
        assert_eq!(repo.git(["rev-parse", "--is-shallow-repository"]), "false", "api's start is the root");
    }
}

mod release_as {
    use super::*;

    /// `api` and `cli`, both tagged 1.0.0.
    fn two_tagged_packages() -> TestRepo {
        let repo = TestRepo::new();
        declare(&repo, &["api", "cli"]);
        manifest(&repo, "api", "1.0.0");
        manifest(&repo, "cli", "1.0.0");
        repo.commit("chore: import").annotated_tag("api--v1.0.0").annotated_tag("cli--v1.0.0");
        repo
    }

    #[test]
    fn a_footer_in_a_commit_of_one_package_sets_that_package_s_next_version() {
        let repo = two_tagged_packages();
        repo.file("api/index.js", "v2\n").commit("fix: api paging\n\nRelease-As: 2.0.0");
        repo.file("cli/main.js", "1\n").commit("fix: cli flags");
        repo.vbump(["next"]).expect(0, "api 2.0.0\ncli 1.0.1\n", "");
        let plan = repo.vbump(["plan", "--format", "json"]);
        let plan: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
        assert_eq!(plan["packages"][0]["bump"]["by"], "release-as");
        assert_eq!(plan["packages"][1]["bump"]["by"], "commit");
        repo.vbump(["release"]).code(0);
        repo.assert_released("api--v2.0.0", false);
        assert!(repo.read_text("api/package.json").contains("\"version\": \"2.0.0\""));
    }

    /// A commit of `api` and `cli` with a bare `Release-As: 2.0.0`: it sets neither, and the plan
    /// says once how to name one.
    fn a_bare_footer_of_both_sets_neither(repo: &TestRepo) {
        repo.file("api/index.js", "1\n").file("cli/main.js", "1\n").commit("fix: both\n\nRelease-As: 2.0.0");
        let sha = repo.rev("HEAD");
        repo.vbump(["next"]).expect(
            0,
            "api 1.0.1\ncli 1.0.1\n",
            &format!(
                "vbump: warning: commit {} says `Release-As: 2.0.0` and changes several packages (api, cli): \
                 it sets no package's version; name the package by its tag, e.g. `Release-As: api--v2.0.0`\n",
                &sha[..7]
            ),
        );
    }

    /// `api--v1.1.0` on a maintenance branch HEAD does not contain: `api` is counted from the
    /// highest tag HEAD does contain, in a second walk.
    fn api_released_on_another_branch(repo: &TestRepo) {
        repo.git(["switch", "--quiet", "-c", "maintenance"]);
        repo.file("api/index.js", "hotfix\n").commit("fix: api hotfix").annotated_tag("api--v1.1.0");
        repo.git(["switch", "--quiet", "main"]);
    }

    /// One version for packages with unrelated version lines would be a downgrade for one and a
    /// leap for another: a bare footer in a commit of several packages sets none of them.
    #[test]
    fn a_bare_footer_in_a_commit_of_several_packages_sets_none_and_says_how_to_name_one() {
        let repo = two_tagged_packages();
        a_bare_footer_of_both_sets_neither(&repo);
    }

    /// The package's own tag names it: in a commit of several packages, or in an empty commit
    /// (release-please's way), which belongs to no package.
    #[test]
    fn a_footer_naming_the_package_s_tag_sets_it_in_any_commit_since_its_last_release() {
        let repo = two_tagged_packages();
        repo.file("api/index.js", "1\n")
            .file("cli/main.js", "1\n")
            .commit("fix: both\n\nRelease-As: cli--v1.5.0");
        repo.vbump(["next"]).expect(0, "api 1.0.1\ncli 1.5.0\n", "");
        repo.commit("chore: release api 3\n\nRelease-As: api--v3.0.0");
        repo.vbump(["next"]).expect(0, "api 3.0.0\ncli 1.5.0\n", "");
        repo.vbump(["release"]).code(0);
        repo.assert_released("api--v3.0.0", false);
        repo.assert_released("cli--v1.5.0", false);
        // Released: the footers are behind both tags now.
        repo.vbump(["next"]).expect(0, "", "");
    }

    /// `api`'s highest tag is on a branch HEAD does not contain, so its commits are counted from
    /// the highest tag HEAD does contain. A footer naming `api`'s tag counts there as anywhere
    /// else: in an empty commit, and in a commit that changes only another package.
    #[test]
    fn a_footer_naming_the_package_s_tag_counts_when_its_highest_tag_is_on_another_branch() {
        let repo = two_tagged_packages();
        api_released_on_another_branch(&repo);
        repo.commit("chore: release api 3\n\nRelease-As: api--v3.0.0");
        repo.vbump(["next"]).expect(0, "api 3.0.0\n", "");
        repo.file("cli/main.js", "1\n").commit("fix: cli flags\n\nRelease-As: api--v4.0.0");
        repo.vbump(["next"]).expect(0, "api 4.0.0\ncli 1.0.1\n", "");
        let plan = repo.vbump(["plan", "--format", "json"]);
        let plan: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
        assert_eq!(plan["packages"][0]["previous"]["tag"], "api--v1.0.0", "the highest tag HEAD contains");
        assert_eq!(plan["packages"][0]["bump"]["by"], "release-as");
        repo.vbump(["release"]).code(0);
        repo.assert_released("api--v4.0.0", false);
        repo.assert_released("cli--v1.0.1", false);
    }

    /// The second count of a package whose highest tag is on another branch sees each commit with
    /// every package it belongs to, as the first does: a bare footer in a commit of several
    /// packages sets none of them there either, and is warned about once.
    #[test]
    fn a_bare_footer_in_a_commit_of_several_packages_sets_none_when_a_highest_tag_is_on_another_branch() {
        let repo = two_tagged_packages();
        api_released_on_another_branch(&repo);
        a_bare_footer_of_both_sets_neither(&repo);
    }

    #[test]
    fn a_footer_below_the_package_s_version_is_refused_before_any_change() {
        let repo = TestRepo::new();
        declare(&repo, &["api", "cli"]);
        manifest(&repo, "api", "1.0.0");
        manifest(&repo, "cli", "1.4.0");
        repo.commit("chore: import").annotated_tag("api--v1.0.0");
        // cli has no tag: its files say 1.4.0, and 1.2.0 would be a downgrade.
        repo.file("cli/main.js", "1\n").commit("fix: cli\n\nRelease-As: 1.2.0");
        let state = repo.state();
        repo.vbump(["release"])
            .code(2)
            .stderr_has("the next version 1.2.0 would be lower than 1.4.0, which cli/package.json:3");
        assert_eq!(repo.state(), state);
    }
}

mod after_pre_releases {
    use super::*;

    /// `api` at 1.0.0, a feature, `api--v1.1.0-rc.1`, then a fix; `cli` released normally.
    fn api_after_a_release_candidate() -> TestRepo {
        let repo = TestRepo::new();
        declare(&repo, &["api", "cli"]);
        manifest(&repo, "api", "1.0.0");
        manifest(&repo, "cli", "1.0.0");
        repo.commit("chore: import").annotated_tag("api--v1.0.0").annotated_tag("cli--v1.0.0");
        repo.file("api/index.js", "search\n").commit("feat: api search");
        repo.vbump(["release", "--pre", "rc", "--package", "api"]).code(0);
        repo.assert_released("api--v1.1.0-rc.1", false);
        repo.file("api/index.js", "search, fixed\n").commit("fix: api search paging");
        repo.file("cli/main.js", "1\n").commit("fix: cli flags");
        repo
    }

    #[test]
    fn a_stable_release_covers_everything_since_the_package_s_last_stable_tag() {
        let repo = api_after_a_release_candidate();
        repo.vbump(["next"]).expect(0, "api 1.1.0\ncli 1.0.1\n", "");
        let plan = repo.vbump(["plan", "--format", "json"]);
        let plan: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
        let api = &plan["packages"][0];
        assert_eq!(api["since-stable"], "api--v1.0.0");
        let subjects: Vec<&str> =
            api["commits"].as_array().unwrap().iter().map(|c| c["subject"].as_str().unwrap()).collect();
        assert_eq!(subjects, ["fix: api search paging", "feat: api search"]);
        assert_eq!(api["bump"]["level"], "minor");
        assert_eq!(plan["packages"][1]["since-stable"], serde_json::Value::Null);
        repo.vbump(["release"]).code(0);
        let notes = repo.git(["tag", "-l", "--format=%(contents)", "api--v1.1.0"]);
        assert!(
            notes.contains("### Features\n\n- api search (") && notes.contains("- api search paging ("),
            "{notes}"
        );
    }

    #[test]
    fn promoting_a_package_s_release_candidate_carries_the_notes_of_its_pre_releases() {
        let repo = api_after_a_release_candidate();
        repo.vbump(["release", "--pre", "rc", "--package", "api"]).code(0);
        repo.assert_released("api--v1.1.0-rc.2", false);
        repo.vbump(["release", "--promote", "--package", "api"]).code(0);
        repo.assert_released("api--v1.1.0", false);
        let notes = repo.git(["tag", "-l", "--format=%(contents)", "api--v1.1.0"]);
        assert!(
            notes.contains("### Features\n\n- api search (") && notes.contains("- api search paging ("),
            "{notes}"
        );
    }
}

mod other_tag_forms {
    use super::*;

    /// MadAppGang/magus tags its plugins `plugins/<name>/vX.Y.Z`; the default template is
    /// `{name}--v{version}`, so without configuration none of those tags is the package's.
    #[test]
    fn a_package_whose_releases_are_tagged_in_another_form_is_refused_with_the_template_that_matches() {
        let repo = TestRepo::new();
        declare(&repo, &["plugins/dev", "plugins/seo"]);
        manifest(&repo, "plugins/dev", "1.4.0");
        manifest(&repo, "plugins/seo", "0.2.0");
        repo.commit("chore: import").annotated_tag("plugins/dev/v1.4.0").annotated_tag("plugins/seo/v0.2.0");
        repo.file("plugins/dev/x.md", "x\n").commit("feat: dev");
        let state = repo.state();
        repo.vbump(["release"])
            .code(2)
            .stderr_has("package `dev`: no release tag like `dev--v1.4.0` is reachable from HEAD, but `plugins/dev/v1.4.0` is")
            .stderr_has("tag = \"plugins/{name}/v{version}\"");
        assert_eq!(repo.state(), state);
        let config = "[[package]]\npath = \"plugins/dev\"\ntag = \"plugins/{name}/v{version}\"\n\n\
                      [[package]]\npath = \"plugins/seo\"\ntag = \"plugins/{name}/v{version}\"\n";
        repo.file("vbump.toml", config).commit("chore: tag template");
        repo.vbump(["next"]).expect(0, "dev 1.5.0\n", "");
    }

    /// `api` and `web` tagged 1.0.0 (plus `extra_tag` there), then `web`'s files raised to 2.3.0
    /// by a breaking change: counting from `web--v1.0.0` would write 2.0.0, below its files.
    fn web_ahead_of_its_last_tag(extra_tag: &str) -> TestRepo {
        let repo = TestRepo::new();
        declare(&repo, &["api", "web"]);
        manifest(&repo, "api", "1.0.0");
        manifest(&repo, "web", "1.0.0");
        repo.commit("chore: import").annotated_tag("api--v1.0.0").annotated_tag("web--v1.0.0").tag(extra_tag);
        manifest(&repo, "web", "2.3.0");
        repo.commit("feat!: web routes");
        repo
    }

    /// `web` was released as 2.3.0 under another form (`web-v2.3.0`) after its last tag of its own
    /// (`web--v1.0.0`). The refusal names the form its later tags use and the template that
    /// matches, as single-package mode names the `tag-prefix`; following the hint releases from
    /// the right tag.
    #[test]
    fn a_refused_downgrade_names_the_template_the_package_s_later_tags_use() {
        let repo = web_ahead_of_its_last_tag("v0.1.0");
        repo.tag("web-v2.3.0");
        repo.file("web/app.js", "1\n").commit("fix: web paging");
        let state = repo.state();
        repo.vbump(["release"])
            .code(2)
            .stderr_has(
                "the next version 2.0.0 would be lower than 2.3.0, which web/package.json:3 (`/version`) already holds",
            )
            .stderr_has(
                "package `web`'s tags look like `web-v2.3.0`: declare the package in vbump.toml with \
                 `tag = \"{name}-v{version}\"` in its `[[package]]`; if 2.3.0 was released, tag the commit that \
                 released it (`git tag web--v2.3.0 <commit>`) so vbump counts from it; or set `tag` in its \
                 `[[package]]` in vbump.toml if its tags use another form;",
            );
        assert_eq!(repo.state(), state, "nothing changed");
        repo.vbump(["next"]).code(2).stderr_has("package `web`'s tags look like `web-v2.3.0`");
        let config =
            "[[package]]\npath = \"api\"\n\n[[package]]\npath = \"web\"\ntag = \"{name}-v{version}\"\n";
        repo.file("vbump.toml", config).commit("chore: web's tag template");
        repo.vbump(["next"]).expect(0, "web 2.3.1\n", "");
    }

    /// A package whose files are ahead of its last tag, with no tag of another form naming its
    /// folder, is refused with the refusal's own hint alone: the repository's `v*` tags are not
    /// its releases.
    #[test]
    fn a_refused_downgrade_names_no_template_when_no_other_tag_names_the_package() {
        let repo = web_ahead_of_its_last_tag("v9.0.0");
        let out = repo.vbump(["next"]);
        out.code(2).stderr_has("would be lower than 2.3.0").stderr_has("hint: if 2.3.0 was released");
        assert!(!out.stderr.contains("look like"), "{}", out.stderr);
    }

    /// A new package has no tags yet: its neighbours' tags, a retired package's tags and the
    /// repository's own `v*` tags (anthropics/claude-code tags its CLI `v2.0.x` beside the
    /// marketplace) are not another form of its tags.
    #[test]
    fn a_new_package_is_not_refused_for_other_packages_tags() {
        let repo = TestRepo::new();
        declare(&repo, &["api", "retired"]);
        manifest(&repo, "api", "1.0.0");
        manifest(&repo, "retired", "3.0.0");
        repo.commit("chore: import")
            .annotated_tag("api--v1.0.0")
            .annotated_tag("retired--v3.0.0")
            .tag("v2.0.31");
        declare(&repo, &["api", "web"]);
        std::fs::remove_dir_all(repo.path().join("retired")).unwrap();
        manifest(&repo, "web", "0.1.0");
        repo.commit("feat: add web, retire retired");
        repo.file("web/app.js", "1\n").commit("fix: web routes");
        repo.vbump(["next"]).expect(0, "web 0.1.1\n", "");
    }

    #[test]
    fn single_mode_still_refuses_another_prefix() {
        let repo = TestRepo::new();
        repo.file("package.json", "{\"version\": \"1.0.0\"}\n").commit("chore: import").tag("api--v1.0.0");
        repo.commit("fix: x");
        repo.vbump(["next"]).code(2).stderr_has("set `tag-prefix = \"api--v\"`");
    }
}
