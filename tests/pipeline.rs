//! `vbump plan` is the release's first half: it shows exactly what `vbump release` does (the
//! changelog edit, the notes, every problem that would stop it), and every command speaks the
//! same language (outputs, JSON names, `--format`, `--color`, relative paths). Issue 9.

use std::path::PathBuf;

use crate::support::{Outcome, TestRepo};

/// The README's demo repository (fixtures/demo), plus a changelog kept by vbump.
fn demo_with_changelog() -> (TestRepo, PathBuf) {
    let sandbox = TestRepo::bare_sandbox();
    let demo = sandbox.sandbox().join("demo");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/make-repo.sh");
    let out = sandbox.command("bash").arg(script).arg(&demo).current_dir(sandbox.sandbox()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(demo.join("CHANGELOG.md"), "# Changelog\n").unwrap();
    std::fs::write(demo.join("vbump.toml"), "changelog = \"CHANGELOG.md\"\n").unwrap();
    let git = |args: &[&str]| {
        let out = sandbox.command("git").current_dir(&demo).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    git(&["add", "--all"]);
    git(&["commit", "--quiet", "-m", "chore: keep a changelog"]);
    (sandbox, demo)
}

fn vbump_in(sandbox: &TestRepo, dir: &std::path::Path, args: &[&str]) -> Outcome {
    sandbox.vbump_with(args, |cmd| {
        cmd.current_dir(dir).env("SOURCE_DATE_EPOCH", "1700000000");
    })
}

fn json(out: &Outcome) -> serde_json::Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

/// A feature since v1.2.0, with `changelog = "CHANGELOG.md"`; the changelog exists when `exists`.
fn feature_with_changelog(exists: bool) -> TestRepo {
    let repo = TestRepo::new();
    repo.file("Cargo.toml", "[package]\nname = \"hello\"\nversion = \"1.2.0\"\n")
        .file("vbump.toml", "changelog = \"CHANGELOG.md\"\n");
    if exists {
        repo.file("CHANGELOG.md", "# Changelog\n");
    }
    repo.commit("chore: init").tag("v1.2.0");
    repo.commit("feat(cli): add --quiet");
    repo
}

#[test]
fn plan_and_release_in_json_agree_on_every_file_edit_the_tag_and_the_notes() {
    let (sandbox, demo) = demo_with_changelog();
    let plan = vbump_in(&sandbox, &demo, &["plan", "--format", "json"]);
    plan.code(0);
    let plan = json(&plan);
    let release = vbump_in(&sandbox, &demo, &["release", "--format", "json"]);
    release.code(0);
    let release = json(&release);

    assert_eq!(release["files"], plan["files"], "the same edits, changelog included");
    let planned: Vec<&str> =
        plan["files"].as_array().unwrap().iter().map(|f| f["file"].as_str().unwrap()).collect();
    assert!(planned.contains(&"CHANGELOG.md"), "{planned:?}");
    assert_eq!(release["tag"], plan["tag"]);
    assert_eq!(release["tag"], "v1.3.0");
    assert_eq!(release["notes"], plan["notes"]);
    assert!(plan["notes"].as_str().unwrap().contains("add /goodbye command"), "{}", plan["notes"]);
    // And the release commit holds exactly the planned files.
    let out = sandbox
        .command("git")
        .current_dir(&demo)
        .args(["diff", "--name-only", "HEAD~1", "HEAD"])
        .output()
        .unwrap();
    let mut committed: Vec<String> =
        String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect();
    let mut planned: Vec<String> = planned.iter().map(|f| f.to_string()).collect();
    committed.sort();
    planned.sort();
    assert_eq!(committed, planned);
}

#[test]
fn plan_shows_the_changelog_edit_and_the_notes_the_release_makes() {
    let repo = feature_with_changelog(true);
    let out = repo.vbump_with(["plan"], |cmd| {
        cmd.env("SOURCE_DATE_EPOCH", "1700000000");
    });
    out.code(0)
        .stdout_has("notes:\n  ### Features\n\n  - **cli:** add --quiet")
        .stdout_has("--- a/CHANGELOG.md\n  +++ b/CHANGELOG.md")
        .stdout_has("+## [1.3.0] - 2023-11-14");
}

#[test]
fn a_missing_changelog_stops_the_plan_exactly_as_it_stops_the_release() {
    let repo = feature_with_changelog(false);
    let before = repo.state();
    let plan = repo.vbump(["plan"]);
    plan.code(2).stdout_has("next version: 1.3.0").stderr_has("the changelog `CHANGELOG.md` does not exist");
    let release = repo.vbump(["release"]);
    release.code(2).stderr_has("the changelog `CHANGELOG.md` does not exist");
    assert_eq!(repo.state(), before);
}

#[test]
fn plan_reports_every_problem_the_release_would_hit_not_only_the_first() {
    let repo = feature_with_changelog(false);
    repo.file("Cargo.toml", "[package]\nname = \"hello\"\nversion = \"1.2.0\"\n# edited\n");
    let before = repo.state();
    for args in [&["plan"][..], &["release"]] {
        let out = repo.vbump(args);
        out.code(2)
            .stderr_has("2 problems stop the release:")
            .stderr_has("1. the changelog `CHANGELOG.md` does not exist")
            .stderr_has("2. files the release writes have uncommitted changes: Cargo.toml");
        assert_eq!(repo.state(), before, "{args:?}");
    }
    let json = json(&repo.vbump(["plan", "--format", "json"]));
    assert_eq!(json["problems"].as_array().unwrap().len(), 2, "{json}");
}

#[test]
fn vbump_alone_is_the_plan_and_never_writes() {
    let repo = feature_with_changelog(true);
    let before = repo.state();
    let out = repo.vbump::<[&str; 0], &str>([]);
    out.code(0).stdout_has("next version: 1.3.0 (tag `v1.3.0`)");
    assert_eq!(repo.state(), before);
    repo.vbump(["--dry-run"]).code(0).stdout_has("next version: 1.3.0");
    let push = repo.vbump(["--push"]);
    push.code(2)
        .stderr_has("`--push` is an option of `vbump release`: `vbump` alone only plans and never writes");
    assert_eq!(repo.state(), before);
}

/// What a run wrote to `$GITHUB_OUTPUT` inside Actions.
fn outputs_of(repo: &TestRepo, args: &[&str]) -> String {
    let output = repo.sandbox().join("github_output");
    let _ = std::fs::remove_file(&output);
    repo.vbump_with(args, |cmd| {
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &output);
    })
    .code(0);
    std::fs::read_to_string(&output).unwrap_or_default()
}

#[test]
fn plan_and_dry_run_write_released_false_and_the_planned_values() {
    let repo = feature_with_changelog(true);
    let head = repo.rev("HEAD");
    let expected = format!(
        "released=false\nversion=1.3.0\nprevious-version=1.2.0\ntag=v1.3.0\nbump=minor\ncommit={head}\n"
    );
    assert_eq!(outputs_of(&repo, &["plan"]), expected);
    assert_eq!(outputs_of(&repo, &["release", "--dry-run"]), expected);
    assert_eq!(outputs_of(&repo, &[]), expected);
}

#[test]
fn next_in_json_is_an_object() {
    let repo = feature_with_changelog(true);
    let value = json(repo.vbump(["next", "--format", "json"]).code(0));
    assert_eq!(value, serde_json::json!({ "version": "1.3.0", "tag": "v1.3.0", "bump": "minor" }));
    repo.vbump(["release"]).code(0);
    let value = json(repo.vbump(["next", "--format", "json"]).code(0));
    assert_eq!(value, serde_json::json!({ "version": null, "tag": null, "bump": null }));
}

#[test]
fn format_github_is_refused_with_exit_2_where_no_annotation_exists() {
    let repo = feature_with_changelog(true);
    let before = repo.state();
    for args in [
        &["--format", "github"][..],
        &["plan", "--format", "github"],
        &["release", "--format", "github"],
        &["next", "--format", "github"],
        &["set", "1.4.0", "--format", "github"],
        &["init", "--format", "github"],
        &["recover", "--format", "github"],
    ] {
        let out = repo.vbump(args);
        out.code(2).stderr_has("`--format github` is not supported by `vbump ");
        assert_eq!(out.stdout, "", "{args:?}");
    }
    assert_eq!(repo.state(), before);
    repo.vbump(["check", "--format", "github"]).code(0);
}

/// Every object key of `value`, recursively.
fn keys(value: &serde_json::Value, into: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                into.push(key.clone());
                keys(inner, into);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| keys(item, into)),
        _ => {}
    }
}

#[test]
fn every_json_name_is_kebab_case() {
    let repo = feature_with_changelog(true);
    repo.commit("feat!: drop the old flag\n\nBREAKING CHANGE: --old is gone");
    let mut names = Vec::new();
    for args in [
        &["plan", "--format", "json"][..],
        &["next", "--format", "json"],
        &["check", "--format", "json"],
        &["init", "--format", "json"],
        &["lint", "--message", "wip", "--format", "json"],
        &["recover", "--format", "json"],
        &["release", "--format", "json"],
        &["set", "2.0.1", "--format", "json"],
    ] {
        let out = repo.vbump(args);
        keys(
            &serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", out.stdout)),
            &mut names,
        );
    }
    names.sort();
    names.dedup();
    let snake: Vec<&String> =
        names.iter().filter(|name| name.contains('_') || name.chars().any(char::is_uppercase)).collect();
    assert!(snake.is_empty(), "not kebab-case: {snake:?}");
    assert!(names.contains(&"breaking-description".to_string()), "{names:?}");
}

#[test]
fn recover_in_json_says_what_it_did() {
    let repo = feature_with_changelog(true);
    let value = json(repo.vbump(["recover", "--format", "json"]).code(0));
    assert_eq!(value, serde_json::json!({ "recovered": "nothing", "tags": [] }));
}

#[test]
fn color_always_colours_every_command_s_warnings_and_errors() {
    let repo = feature_with_changelog(true);
    repo.vbump(["recover", "--color", "always", "-C", "/nonexistent-vbump-dir"])
        .code(2)
        .stderr_has("vbump: \x1b[31merror:\x1b[0m ");
    repo.vbump(["recover", "--color", "never", "-C", "/nonexistent-vbump-dir"])
        .code(2)
        .stderr_has("vbump: error: ");
    // A tag that disagrees with the files is a warning of `check`.
    repo.git(["tag", "v1.2.5"]);
    repo.vbump(["check", "--color", "always"]).code(0).stderr_has("vbump: \x1b[33mwarning:\x1b[0m ");
}

#[test]
fn relative_paths_are_relative_to_the_dir_option() {
    let repo = TestRepo::new();
    repo.file("sub/cfg/release.toml", "tag-prefix = \"rel-\"\n")
        .file("Cargo.toml", "[package]\nname = \"x\"\nversion = \"1.0.0\"\n")
        .file("sub/msg.txt", "feat: add a thing\n")
        .commit("chore: init")
        .commit("feat: add a thing");
    let outside = repo.sandbox().to_path_buf();
    let sub = repo.path().join("sub");
    let out = repo.vbump_with(
        ["-C", sub.to_str().unwrap(), "--config", "cfg/release.toml", "next", "--format", "json"],
        |cmd| {
            cmd.current_dir(&outside);
        },
    );
    out.code(0).stdout_has("\"tag\": \"rel-1.1.0\"");
    repo.vbump_with(["-C", sub.to_str().unwrap(), "lint", "--message-file", "msg.txt"], |cmd| {
        cmd.current_dir(&outside);
    })
    .code(0);
}

/// The modules of `src/` (`a`, `a::b`) and the modules each one names outside its own ancestors
/// (`crate::x::y`, `super::z`), test modules left out.
fn import_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&src).unwrap().with_extension("");
                let mut parts: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                if parts.last().is_some_and(|p| p == "mod") {
                    parts.pop();
                }
                if parts == ["lib"] || parts == ["main"] || parts.last().is_some_and(|p| p == "tests") {
                    continue;
                }
                files.push((parts.join("::"), path.ends_with("mod.rs"), path));
            }
        }
    }
    // Modules compiled only for tests (`#[cfg(test)] mod corpus;`) are not part of the graph.
    let mut test_only = std::collections::BTreeSet::new();
    for (name, _, path) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        for (at, _) in text.match_indices("#[cfg(test)]\nmod ") {
            let child: String =
                text[at + 17..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
            test_only.insert(format!("{name}::{child}"));
        }
    }
    files.retain(|(name, _, _)| !test_only.contains(name));
    let names: std::collections::BTreeSet<String> = files.iter().map(|(name, _, _)| name.clone()).collect();
    let resolve = |path: &str| {
        let parts: Vec<&str> = path.split("::").collect();
        (1..=parts.len()).rev().map(|n| parts[..n].join("::")).find(|name| names.contains(name))
    };
    let path_after = |text: &str, at: usize| {
        text[at..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_' || *c == ':')
            .collect::<String>()
    };
    let mut graph = std::collections::BTreeMap::new();
    for (name, is_dir, path) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let text = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        let code: String = text.lines().map(|l| l.split("//").next().unwrap()).collect::<Vec<_>>().join("\n");
        let parent = name.rsplit_once("::").map(|(p, _)| p.to_string());
        let own = if *is_dir { Some(name.clone()) } else { parent.clone() };
        let mut targets = std::collections::BTreeSet::new();
        for (at, _) in code.match_indices("crate::") {
            targets.extend(resolve(&path_after(&code, at + 7)));
        }
        // `super` of `a/mod.rs` is the crate root's child `a`'s parent; of `a/b.rs` it is `a`.
        let scope = if *is_dir { parent.clone() } else { own.clone() };
        for (at, _) in code.match_indices("super::") {
            if let Some(scope) = &scope {
                targets.extend(resolve(&format!("{scope}::{}", path_after(&code, at + 7))));
            }
        }
        if *is_dir {
            for (at, _) in code.match_indices("::") {
                let start =
                    code[..at].rfind(|c: char| !(c.is_ascii_lowercase() || c == '_')).map_or(0, |i| i + 1);
                let child = format!("{name}::{}", &code[start..at]);
                if names.contains(&child) {
                    targets.insert(child);
                }
            }
        }
        targets.retain(|t| t != name && !name.starts_with(&format!("{t}::")));
        graph.insert(name.clone(), targets);
    }
    graph
}

/// A cycle in `graph`, if there is one.
fn cycle(
    graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        state: &mut std::collections::BTreeMap<String, bool>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), true);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next) {
                Some(true) => {
                    let from = stack.iter().position(|n| n == next).unwrap();
                    return Some([&stack[from..], std::slice::from_ref(next)].concat());
                }
                Some(false) => {}
                None => {
                    if let Some(found) = visit(next, graph, state, stack) {
                        return Some(found);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_string(), false);
        None
    }
    let mut state = std::collections::BTreeMap::new();
    graph.keys().find_map(|node| {
        if state.contains_key(node) { None } else { visit(node, graph, &mut state, &mut Vec::new()) }
    })
}

#[test]
fn the_import_graph_has_no_cycle() {
    let graph = import_graph();
    assert!(graph.contains_key("release::route") && graph["release"].contains("release::route"), "{graph:?}");
    assert!(
        graph["cli::release"].contains("release"),
        "the graph reads `crate::` paths: {:?}",
        graph["cli::release"]
    );
    assert_eq!(cycle(&graph), None, "module-level import cycle");
    let mut top: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = Default::default();
    for (from, targets) in &graph {
        let from = from.split("::").next().unwrap().to_string();
        for to in targets {
            let to = to.split("::").next().unwrap().to_string();
            if to != from {
                top.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    assert_eq!(cycle(&top), None, "import cycle between top-level modules");
    // The checker itself finds a cycle.
    let two: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        [("a".to_string(), ["b".to_string()].into()), ("b".to_string(), ["a".to_string()].into())].into();
    assert_eq!(cycle(&two), Some(vec!["a".to_string(), "b".to_string(), "a".to_string()]));
}
