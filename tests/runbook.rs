//! RUNBOOK.md and the example workflow, walked through as an adopting team would: the commands
//! the RUNBOOK tells them to type, run as written, and the workflow's own `run:` steps. (A
//! workflow cannot run here; its shell steps and vbump's commands can.) The pre-commit hooks of
//! step 5 are run by the real pre-commit in `.ci/pre-commit-hooks`.

use std::path::Path;

use yaml_rust2::YamlLoader;

use crate::support::TestRepo;

const RUNBOOK: &str = include_str!("../RUNBOOK.md");
const README: &str = include_str!("../README.md");
const EXAMPLE: &str = include_str!("../examples/workflows/claude-plugin-release.yml");

/// The first fenced block of `language` after the line `heading`.
fn block_after<'a>(doc: &'a str, heading: &str, language: &str) -> &'a str {
    let section = &doc[doc.find(&format!("\n{heading}\n")).unwrap_or_else(|| panic!("no `{heading}`"))..];
    let start = section.find(&format!("```{language}\n")).unwrap() + language.len() + 4;
    let end = section[start..].find("\n```").unwrap();
    &section[start..start + end + 1]
}

/// PATH with the vbump under test first, as an installed vbump would be.
fn path_with_vbump() -> std::ffi::OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_vbump")).parent().unwrap().to_path_buf();
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path))).unwrap()
}

#[test]
fn the_first_run_as_written_pushes_the_adoption_tag_and_commits_vbump_toml() {
    let repo = TestRepo::new();
    // A plugin whose version files drifted apart, with an old breaking change in its history.
    repo.file(".claude-plugin/plugin.json", "{\n  \"name\": \"p\",\n  \"version\": \"1.4.0\"\n}\n")
        .file("package.json", "{\"name\": \"p\", \"version\": \"1.3.9\"}\n")
        .commit("feat!: the first public interface");
    repo.commit("fix: an old fix");
    repo.origin();
    let block = block_after(RUNBOOK, "### 3. The first run: reconcile the versions", "sh");
    let out = repo.command("bash").args(["-c", block]).env("PATH", path_with_vbump()).output().unwrap();
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));

    assert_eq!(repo.git(["status", "--porcelain"]), "", "everything is committed, vbump.toml too:\n{log}");
    assert_eq!(repo.git(["ls-files", "vbump.toml"]), "vbump.toml", "{log}");
    assert_eq!(repo.git(["log", "-1", "--format=%s"]), "chore: reconcile versions at 1.4.0");
    assert_eq!(repo.origin_git(["rev-parse", "refs/tags/v1.4.0^{commit}"]), repo.rev("HEAD"), "{log}");
    assert_eq!(repo.origin_git(["rev-parse", "refs/heads/main"]), repo.rev("HEAD"), "{log}");
    repo.vbump(["check"]).code(0).stdout_has("agree on 1.4.0");
    // The first automated release counts only what came after the adoption tag: a fix is 1.4.1,
    // not the 2.0.0 that the old `feat!:` would make of the whole history.
    repo.commit("fix: the first change after adopting vbump");
    repo.vbump(["next"]).expect(0, "1.4.1\n", "");
}

#[test]
fn the_runbooks_refused_message_is_what_the_hook_prints() {
    let repo = TestRepo::new();
    repo.commit("chore: init");
    repo.file(".git/COMMIT_EDITMSG", "Fixed crash on empty config\n");
    let shown = block_after(RUNBOOK, "### 5. Check messages before they land", "text");
    let out = repo.vbump(["lint", "--message-file", ".git/COMMIT_EDITMSG"]);
    out.code(1);
    assert!(out.stdout.starts_with(shown), "RUNBOOK shows:\n{shown}\nvbump prints:\n{}", out.stdout);
}

#[test]
fn the_example_workflow_lints_edited_titles_installs_once_and_releases_only_from_main() {
    let workflow = &YamlLoader::load_from_str(EXAMPLE).unwrap()[0];
    let types: Vec<&str> =
        workflow["on"]["pull_request"]["types"].as_vec().unwrap().iter().filter_map(|t| t.as_str()).collect();
    assert!(types.contains(&"edited"), "a fixed title must be linted again: {types:?}");
    let lint = workflow["jobs"]["lint"]["steps"].as_vec().unwrap();
    let installs =
        lint.iter().filter(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("vbump/vbump@"))).count();
    assert_eq!(installs, 1, "the lint job installs vbump once");
    let release_if = workflow["jobs"]["release"]["if"].as_str().unwrap();
    assert!(release_if.contains("github.ref == 'refs/heads/main'"), "{release_if}");
    assert!(!EXAMPLE.contains("zizmor"), "no linter comments travel into users' workflows");
}

#[test]
fn the_example_workflows_check_step_runs_the_installed_vbump() {
    // The lint job's second step, run as the runner would: `bin` of the first step in $VBUMP.
    let workflow = &YamlLoader::load_from_str(EXAMPLE).unwrap()[0];
    let step = workflow["jobs"]["lint"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str() == Some("Version files agree"))
        .unwrap();
    assert_eq!(step["env"]["VBUMP"].as_str(), Some("${{ steps.vbump.outputs.bin }}"));
    let script = step["run"].as_str().unwrap();
    let repo = TestRepo::new();
    let locations = "[[location]]\nfile = \"package.json\"\njson = \"/version\"\n\n\
                     [[location]]\nfile = \".claude-plugin/plugin.json\"\njson = \"/version\"\n";
    repo.file("vbump.toml", locations)
        .file(".claude-plugin/plugin.json", "{\"version\": \"1.0.0\"}\n")
        .file("package.json", "{\"version\": \"1.1.0\"}\n")
        .commit("chore: init");
    let run = |repo: &TestRepo| {
        repo.command("bash").args(["-c", script]).env("VBUMP", env!("CARGO_BIN_EXE_vbump")).output().unwrap()
    };
    let drifted = run(&repo);
    assert_eq!(drifted.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&drifted.stdout).contains("::error file="));
    repo.file("package.json", "{\"version\": \"1.0.0\"}\n");
    assert!(run(&repo).status.success());
}

#[test]
fn the_example_pins_vbumps_first_release() {
    // vbump's own history decides its first release; the example, README and RUNBOOK name it.
    let root = env!("CARGO_MANIFEST_DIR");
    let repo = TestRepo::bare_sandbox();
    std::fs::create_dir_all(repo.path()).unwrap();
    let tags =
        repo.command("git").args(["-C", root, "tag", "--list", "v*", "--sort=-v:refname"]).output().unwrap();
    let latest = String::from_utf8_lossy(&tags.stdout).lines().next().map(str::to_string);
    let first = match latest {
        Some(tag) => tag,
        None => {
            let next = repo.vbump(["next", "-C", root]);
            next.code(0);
            format!("v{}", next.stdout.trim())
        }
    };
    assert!(EXAMPLE.contains(&format!("uses: vbump/vbump@{first}\n")), "the example should pin {first}");
    assert!(EXAMPLE.contains(&format!("`vbump/vbump@<full commit SHA of that tag> # {first}`")));
    assert!(
        RUNBOOK.contains(&format!("names {first}, vbump's first release")),
        "RUNBOOK should name {first}"
    );
    assert!(!README.contains("vbump/vbump@v0.1.0") && !EXAMPLE.contains("@v0.1.0"));
}

#[test]
fn vbumps_own_configuration_releases_only_from_main_and_release_branches() {
    let own = vbump::config::Config::parse(include_str!("../vbump.toml"), Path::new("vbump.toml")).unwrap();
    assert!(own.release_branches.allows("main"));
    assert!(own.release_branches.allows("release/0.x"));
    assert!(!own.release_branches.allows("feature/x"));
}
