//! README's newcomer commands stay true, and the workflow and hook configuration it shows are the
//! ones the example workflow and the RUNBOOK run.

use yaml_rust2::{Yaml, YamlLoader};

use crate::support::TestRepo;
use crate::support::markdown;

const README: &str = include_str!("../README.md");
const CI: &str = include_str!("../.ci/run");
const EXAMPLE: &str = include_str!("../examples/workflows/claude-plugin-release.yml");

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

/// The fenced ```yaml blocks of README's `section`.
fn yaml_blocks(section: &str) -> Vec<Yaml> {
    let whole = markdown::section(README, section);
    whole
        .blocks()
        .into_iter()
        .filter(|b| b.language == "yaml")
        .map(|b| YamlLoader::load_from_str(b.body).unwrap().remove(0))
        .collect()
}

#[test]
fn readmes_short_workflow_is_the_examples_release_job() {
    let example = &YamlLoader::load_from_str(EXAMPLE).unwrap()[0];
    let short = &yaml_blocks("## Use it in GitHub Actions")[0];
    assert_eq!(short["on"]["push"], example["on"]["push"]);
    let steps = |job: &Yaml| -> Vec<(String, String)> {
        job["steps"]
            .as_vec()
            .unwrap()
            .iter()
            .map(|s| {
                let uses = s["uses"].as_str().unwrap_or("").split('@').next().unwrap().to_string();
                (uses, s["with"]["token"].as_str().or(s["with"]["app-id"].as_str()).unwrap_or("").to_string())
            })
            .collect()
    };
    // The same actions, in the same order, fed the same App credentials and token.
    let full = steps(&example["jobs"]["release"]);
    assert_eq!(steps(&short["jobs"]["release"]), full[..3]);
    let pins = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.split("uses: ").nth(1))
            .filter(|u| !u.starts_with("vbump/"))
            .map(str::to_string)
            .collect()
    };
    let readme_pins = pins(markdown::section(README, "## Use it in GitHub Actions").block("yaml"));
    let example_pins = pins(EXAMPLE);
    assert!(readme_pins.iter().all(|p| example_pins.contains(p)), "{readme_pins:?} vs {example_pins:?}");
    assert_eq!(short["jobs"]["release"]["permissions"], example["jobs"]["release"]["permissions"]);
}

#[test]
fn readmes_pre_commit_config_is_the_one_the_runbook_installs() {
    let readme = yaml_blocks("## Commands").pop().expect("README shows a .pre-commit-config.yaml");
    let runbook = markdown::section(include_str!("../RUNBOOK.md"), "### 5. Check messages before they land")
        .block("yaml");
    let runbook = &YamlLoader::load_from_str(runbook).unwrap()[0];
    let hooks = |config: &Yaml| -> (String, Vec<String>) {
        let repo = &config["repos"][0];
        let ids =
            repo["hooks"].as_vec().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect();
        (repo["repo"].as_str().unwrap().to_string(), ids)
    };
    assert_eq!(hooks(&readme), hooks(runbook));
    // And the install command README gives is the one `.ci/pre-commit-hooks` runs from the RUNBOOK.
    let install = markdown::section(include_str!("../RUNBOOK.md"), "### 5. Check messages before they land")
        .blocks()
        .into_iter()
        .find(|b| b.language == "sh")
        .unwrap()
        .body;
    assert!(README.contains(&format!("then `{}`", install.trim_end())), "{install}");
}
