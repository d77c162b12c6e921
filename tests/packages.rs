//! Several packages in one repository: plugin catalogs detected from their marketplace, and
//! `[[package]]` tables. Each package has its own version, tags and release; commits belong to the
//! packages whose files they change.

use crate::support::TestRepo;

/// The real anthropics/claude-code catalog (fixtures/real): its marketplace and every plugin's
/// `plugin.json`, byte for byte, and a README in each plugin folder (`plugin-dev` has no
/// plugin.json upstream, and its entry's version is its only one).
pub fn anthropics_catalog() -> TestRepo {
    real_catalog("anthropics__claude-code", "plugins")
}

/// The real ReScienceLab/opc-skills catalog: nine skills under `skills/`, `metadata.version`
/// independent of them, and `requesthunt` drifting (entry 1.0.0, plugin.json 2.0.0).
pub fn opc_skills_catalog() -> TestRepo {
    real_catalog("ReScienceLab__opc-skills", "skills")
}

/// What vbump says once about opc-skills' own version, which is not any skill's.
const OPC_MARKETPLACE_NOTE: &str = "vbump: warning: the marketplace's own version (1.0.4) differs from its plugins': \
     left alone (set `marketplace-version = \"follow\"` in vbump.toml to move it with them)\n";

/// What vbump says about opc-skills when it plans every skill: the note above, and the real drift
/// of `requesthunt` (its plugin.json says 2.0.0, its entry and its tag 1.0.0).
const OPC_ALL_WARNINGS: &str = "vbump: warning: the marketplace's own version (1.0.4) differs from its plugins': \
     left alone (set `marketplace-version = \"follow\"` in vbump.toml to move it with them)\n\
     vbump: warning: requesthunt: skills/requesthunt/.claude-plugin/plugin.json:3 (`/version`) says 2.0.0 \
     but the last release tag `requesthunt--v1.0.0` says 1.0.0\n";

/// The real MadAppGang/magus catalog: 16 plugins whose manifests sit at `plugins/<name>/plugin.json`,
/// `metadata.version` 10.0.0 (the catalog's own), and a helper `package.json` in `plugins/designer`.
pub fn magus_catalog() -> TestRepo {
    real_catalog("MadAppGang__magus", "plugins")
}

/// The real GRCEngClub/claude-grc-engineering catalog: 66 plugins, 53 of them two folders deep,
/// every one and `metadata.version` at 0.1.0, and a root `plugin.json` in no plugin's folder.
pub fn grc_catalog() -> TestRepo {
    real_catalog("GRCEngClub__claude-grc-engineering", "plugins")
}

/// A repository holding a real catalog's files (fixtures/real/`fixture`) at their paths, with a
/// README in each plugin folder (every plugin's source lies under `folder`).
pub fn real_catalog(fixture: &str, folder: &str) -> TestRepo {
    let repo = TestRepo::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/real").join(fixture);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        repo.file(&name.replace("__", "/"), std::fs::read(dir.join(&name)).unwrap());
    }
    let marketplace: serde_json::Value =
        serde_json::from_slice(&repo.read(".claude-plugin/marketplace.json")).unwrap();
    for plugin in marketplace["plugins"].as_array().unwrap() {
        let source = plugin["source"].as_str().unwrap().trim_start_matches("./");
        assert!(source.starts_with(folder));
        repo.file(&format!("{source}/README.md"), format!("# {}\n", plugin["name"].as_str().unwrap()));
    }
    repo.file("README.md", "# catalog\n").commit("chore: import the catalog");
    repo
}

/// Tags every package of the anthropics catalog at HEAD with its current version.
pub fn tag_anthropics(repo: &TestRepo) {
    for (name, version) in [
        ("agent-sdk-dev", "1.0.0"),
        ("claude-opus-4-5-migration", "1.0.0"),
        ("code-review", "1.0.0"),
        ("commit-commands", "1.0.0"),
        ("explanatory-output-style", "1.0.0"),
        ("feature-dev", "1.0.0"),
        ("frontend-design", "1.1.0"),
        ("hookify", "0.1.0"),
        ("learning-output-style", "1.0.0"),
        ("plugin-dev", "0.1.0"),
        ("pr-review-toolkit", "1.0.0"),
        ("ralph-wiggum", "1.0.0"),
        ("security-guidance", "2.0.0"),
    ] {
        repo.annotated_tag(&format!("{name}--v{version}"));
    }
}

#[test]
fn a_marketplace_of_local_plugins_is_a_catalog_without_configuration() {
    let repo = anthropics_catalog();
    tag_anthropics(&repo);
    repo.file("plugins/hookify/README.md", "# hookify\n\nfixed\n").commit("fix: hookify matches again");
    repo.file("plugins/code-review/commands/review.md", "review\n").commit("feat: a review command");
    repo.file("README.md", "# catalog\n\nmore\n").commit("feat(hookify): only the top README");
    repo.vbump(["next"])
        .code(0)
        .stdout_has("code-review 1.1.0\nhookify 0.1.1\n")
        .stderr_has("the marketplace's own version (1.0.0) differs from its plugins': left alone");
    let out = repo.vbump(["next"]);
    assert_eq!(out.stdout.lines().count(), 2, "scopes do not attribute commits:\n{}", out.stdout);
}

#[test]
fn each_package_counts_from_its_own_tag() {
    let repo = opc_skills_catalog();
    repo.annotated_tag("reddit--v1.0.0").annotated_tag("twitter--v1.0.0");
    repo.file("skills/reddit/README.md", "# reddit\n\nv2\n").commit("feat: reddit search");
    repo.file("skills/twitter/README.md", "# twitter\n\nfix\n").commit("fix: twitter threads");
    // twitter's release: its files say 1.0.1 and the tag names it.
    let twitter = |text: String| text.replace("\"version\": \"1.0.0\"", "\"version\": \"1.0.1\"");
    repo.file(
        "skills/twitter/.claude-plugin/plugin.json",
        twitter(repo.read_text("skills/twitter/.claude-plugin/plugin.json")),
    );
    let marketplace = repo.read_text(".claude-plugin/marketplace.json");
    let at = marketplace.find("\"name\": \"twitter\"").unwrap();
    let (before, after) = marketplace.split_at(at);
    repo.file(
        ".claude-plugin/marketplace.json",
        format!("{before}{}", after.replacen("\"version\": \"1.0.0\"", "\"version\": \"1.0.1\"", 1)),
    );
    repo.commit("chore(release): twitter--v1.0.1").annotated_tag("twitter--v1.0.1");
    repo.file("skills/reddit/README.md", "# reddit\n\nv3\n").commit("fix: reddit paging");
    let out = repo.vbump(["next", "--package", "reddit", "--package", "twitter"]);
    out.expect(0, "reddit 1.1.0\n", OPC_MARKETPLACE_NOTE);
}

#[test]
fn package_selects_and_an_unknown_name_lists_the_known_ones() {
    let repo = opc_skills_catalog();
    repo.annotated_tag("reddit--v1.0.0").annotated_tag("seo-geo--v1.0.0");
    repo.file("skills/reddit/x.md", "x\n").file("skills/seo-geo/x.md", "x\n").commit("fix: both at once");
    repo.vbump(["next", "--package", "seo-geo"]).expect(0, "seo-geo 1.0.1\n", OPC_MARKETPLACE_NOTE);
    let out = repo.vbump(["next", "--package", "redit"]);
    out.code(2).stderr_has("there is no package named `redit`").stderr_has("the packages are: requesthunt, domain-hunter, logo-creator, banner-creator, nanobanana, reddit, twitter, producthunt, seo-geo");
}

#[test]
fn package_in_a_single_package_repository_is_refused() {
    let repo = TestRepo::new();
    repo.file("package.json", "{\"version\": \"1.0.0\"}\n").commit("feat: one").tag("v1.0.0");
    repo.vbump(["next", "--package", "x"]).code(2).stderr_has("this repository has one package");
}

#[test]
fn configured_packages_with_globs_and_their_own_tag_template() {
    let repo = TestRepo::new();
    repo.file(
        "vbump.toml",
        "[[package]]\nname = \"fmt\"\npath = \"crates/fmt\"\ntag = \"fmt-v{version}\"\ninclude = [\"shared/**\"]\n\
         exclude = [\"**/*.md\"]\n\n[[package]]\npath = \"crates/lint\"\n",
    )
    .file("crates/fmt/Cargo.toml", "[package]\nname = \"fmt\"\nversion = \"0.3.0\"\n")
    .file("crates/lint/Cargo.toml", "[package]\nname = \"lint\"\nversion = \"1.4.0\"\n")
    .file("shared/util.rs", "//\n")
    .commit("chore: import")
    .tag("fmt-v0.3.0")
    .tag("lint--v1.4.0");
    repo.file("shared/util.rs", "// v2\n").commit("feat: shared helper");
    repo.file("crates/lint/README.md", "lint\n").commit("fix: lint readme");
    repo.file("crates/fmt/NOTES.md", "n\n").commit("feat!: excluded markdown");
    repo.vbump(["next"]).expect(0, "fmt 0.4.0\nlint 1.4.1\n", "");
}

/// opc-skills with every skill tagged at its version, then a feature for `reddit` and a fix for
/// `twitter` (and a README change outside every skill).
pub fn opc_skills_with_two_changes() -> TestRepo {
    let repo = opc_skills_catalog();
    for name in ["requesthunt", "domain-hunter", "logo-creator", "banner-creator", "nanobanana", "reddit"] {
        repo.annotated_tag(&format!("{name}--v1.0.0"));
    }
    for name in ["twitter", "producthunt", "seo-geo"] {
        repo.annotated_tag(&format!("{name}--v1.0.0"));
    }
    repo.file("skills/reddit/README.md", "# reddit\n\nsearch\n").commit("feat: reddit search");
    repo.file("skills/twitter/README.md", "# twitter\n\nthreads\n").commit("fix: twitter threads");
    repo.file("README.md", "# catalog\n\nupdated\n").commit("docs: catalog readme");
    repo
}

#[test]
fn one_release_commit_one_annotated_tag_per_package_and_untouched_packages_stay_byte_identical() {
    let repo = opc_skills_with_two_changes();
    let before = repo.state();
    repo.vbump(["release"]).code(0);
    assert_eq!(repo.git(["log", "-1", "--format=%s"]), "chore(release): reddit--v1.1.0, twitter--v1.0.1");
    repo.assert_released("reddit--v1.1.0", false);
    repo.assert_released("twitter--v1.0.1", false);
    let after = repo.state();
    let changed: Vec<&String> =
        after.keys().filter(|k| k.starts_with("file:") && before.get(*k) != after.get(*k)).collect();
    assert_eq!(
        changed,
        [
            "file:.claude-plugin/marketplace.json",
            "file:skills/reddit/.claude-plugin/plugin.json",
            "file:skills/twitter/.claude-plugin/plugin.json"
        ]
    );
    let marketplace = repo.read_text(".claude-plugin/marketplace.json");
    let original = &before["file:.claude-plugin/marketplace.json"];
    // Only the two entries' versions moved; the marketplace's own version (independent) did not.
    let diff: Vec<(&str, &str)> = original.lines().zip(marketplace.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(diff.len(), 2, "{diff:?}");
    assert!(
        diff.iter()
            .all(|(a, b)| a.contains("\"1.0.0\"") && (b.contains("\"1.1.0\"") || b.contains("\"1.0.1\"")))
    );
    assert!(marketplace.contains("\"version\": \"1.0.4\""));
    assert!(repo.read_text("skills/reddit/.claude-plugin/plugin.json").contains("\"version\": \"1.1.0\""));
    // A second run has nothing left to release.
    repo.vbump(["next"]).expect(0, "", OPC_ALL_WARNINGS);
}

#[test]
fn every_tag_and_the_branch_go_in_one_atomic_push() {
    let repo = opc_skills_with_two_changes();
    repo.origin();
    let output = repo.sandbox().join("github_output");
    let out = repo.vbump_with(["release", "--push", "--format", "json"], |cmd| {
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &output);
    });
    out.code(0);
    repo.assert_released("reddit--v1.1.0", true);
    repo.assert_released("twitter--v1.0.1", true);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["releases"][0]["name"], "reddit");
    assert_eq!(json["releases"][1]["previous-version"], "1.0.0");
    assert_eq!(json["version"], "", "two packages: the flat keys are empty");
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(outputs.starts_with("released=true\nversion=\n"), "{outputs}");
    assert!(outputs.contains(
        "releases=[{\"name\":\"reddit\",\"version\":\"1.1.0\",\"previous-version\":\"1.0.0\",\"tag\":\"reddit--v1.1.0\",\"bump\":\"minor\"},\
         {\"name\":\"twitter\",\"version\":\"1.0.1\",\"previous-version\":\"1.0.0\",\"tag\":\"twitter--v1.0.1\",\"bump\":\"patch\"}]\n"
    ), "{outputs}");
}

#[test]
fn exactly_one_package_released_also_writes_the_flat_keys() {
    let repo = opc_skills_with_two_changes();
    let output = repo.sandbox().join("github_output");
    repo.vbump_with(["release", "--package", "twitter"], |cmd| {
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &output);
    })
    .code(0);
    assert_eq!(repo.git(["log", "-1", "--format=%s"]), "chore(release): twitter--v1.0.1");
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(
        outputs.starts_with(
            "released=true\nversion=1.0.1\nprevious-version=1.0.0\ntag=twitter--v1.0.1\nbump=patch\n"
        ),
        "{outputs}"
    );
    // reddit is still to be released, from its own tag.
    repo.vbump(["next"]).expect(0, "reddit 1.1.0\n", OPC_ALL_WARNINGS);
}

#[test]
fn a_remote_refusing_one_tag_rolls_the_whole_release_back() {
    let repo = opc_skills_with_two_changes();
    repo.origin();
    // A ruleset on `twitter--v*`, as a pre-receive hook.
    let hook = repo.sandbox().join("origin.git/hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\nwhile read old new ref; do\n  case \"$ref\" in refs/tags/twitter--v*) echo \"tags of twitter are protected\" >&2; exit 1;; esac\ndone\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let before = repo.state();
    let out = repo.vbump(["release", "--push"]);
    out.code(3).stderr_has("tags of twitter are protected");
    assert_eq!(repo.state(), before, "nothing of the release is left, locally or on the remote");
    assert_eq!(repo.origin_git(["tag", "--list", "reddit--v1.1.0"]), "", "no tag went through alone");
}

#[test]
fn magus_a_fix_releases_one_plugin_its_manifest_and_entry_together() {
    let repo = magus_catalog();
    let before = repo.state();
    repo.file("plugins/designer/README.md", "# designer\n\nscreenshots\n")
        .commit("fix: designer compares screenshots again");
    let note = "vbump: warning: the marketplace's own version (10.0.0) differs from its plugins': left alone \
                (set `marketplace-version = \"follow\"` in vbump.toml to move it with them)\n";
    repo.vbump(["next"]).expect(0, "designer 0.5.2\n", note);
    repo.vbump(["release"]).code(0);
    repo.assert_released("designer--v0.5.2", false);
    let after = repo.state();
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| k.starts_with("file:") && !k.ends_with("README.md") && before.get(*k) != after.get(*k))
        .collect();
    assert_eq!(changed, ["file:.claude-plugin/marketplace.json", "file:plugins/designer/plugin.json"]);
    assert!(repo.read_text("plugins/designer/plugin.json").contains("\"version\": \"0.5.2\""));
    assert!(
        repo.read_text("plugins/designer/package.json").contains("\"version\": \"0.1.0\""),
        "the helper package"
    );
}

#[test]
fn grc_plugins_two_folders_deep_are_packages_and_the_catalog_version_follows_them() {
    let repo = grc_catalog();
    let out = repo.vbump(["init", "--format", "json"]);
    let proposal: serde_json::Value = serde_json::from_str(&out.code(0).stdout).unwrap();
    // Every plugin and the catalog agree on 0.1.0; the root manifest belongs to no package.
    assert_eq!(
        out.stderr,
        "vbump: warning: skipped .claude-plugin/plugin.json: `/version`: it belongs to no package (no package's \
         path holds it), so no release moves it; give it a [[package]], or a [[package.location]] if it is a \
         package's version\n"
    );
    let packages = proposal["packages"].as_array().unwrap();
    assert_eq!(packages.len(), 66);
    let deep = packages.iter().filter(|p| p["path"].as_str().unwrap().matches('/').count() == 2).count();
    assert_eq!(deep, 53, "plugins/frameworks/soc2, plugins/connectors/…");
    for package in packages {
        let (name, path) = (package["name"].as_str().unwrap(), package["path"].as_str().unwrap());
        let files: Vec<&str> =
            package["locations"].as_array().unwrap().iter().map(|l| l["file"].as_str().unwrap()).collect();
        assert_eq!(
            files,
            [format!("{path}/.claude-plugin/plugin.json").as_str(), ".claude-plugin/marketplace.json"],
            "{name}"
        );
    }
    assert_eq!(proposal["marketplace-version"]["policy"], "follow");

    let before = repo.state();
    repo.file("plugins/frameworks/soc2/README.md", "# soc2\n\nCC6.1\n").commit("fix: soc2 maps CC6.1");
    repo.vbump(["next"]).expect(0, "soc2 0.1.1\n", "");
    repo.vbump(["release"]).code(0);
    repo.assert_released("soc2--v0.1.1", false);
    let after = repo.state();
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| k.starts_with("file:") && !k.ends_with("README.md") && before.get(*k) != after.get(*k))
        .collect();
    assert_eq!(
        changed,
        ["file:.claude-plugin/marketplace.json", "file:plugins/frameworks/soc2/.claude-plugin/plugin.json"]
    );
    let marketplace = repo.read_text(".claude-plugin/marketplace.json");
    // soc2's entry and the catalog's own version moved by the patch; the other 65 entries did not.
    assert_eq!(marketplace.matches("\"version\": \"0.1.1\"").count(), 2, "{marketplace}");
    assert_eq!(marketplace.matches("\"version\": \"0.1.0\"").count(), 65);
}

#[test]
fn a_package_whose_files_are_ahead_of_its_last_tag_is_never_lowered() {
    // magus's files say dev 4.4.2; its last tag in this naming says 2.7.0.
    let repo = magus_catalog();
    repo.annotated_tag("dev--v2.7.0");
    repo.file("plugins/dev/skills/notes.md", "n\n").commit("fix: dev skill notes");
    let before = repo.state();
    repo.vbump(["release"])
        .code(2)
        .stderr_has("the next version 2.7.1 would be lower than 4.4.2, which plugins/dev/plugin.json:3 (`/version`) already holds")
        .stderr_has("`git tag dev--v4.4.2 <commit>`");
    assert_eq!(repo.state(), before);
}
