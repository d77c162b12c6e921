//! The RUNBOOK's tables, run row by row: "The commit convention and the bumps" (each kind of
//! commit, from 1.4.2 and from 0.4.2), "Pre-releases" (each starting point and run) and the exit
//! codes (each code, what it leaves and the fix it gives). The expected versions are read from the
//! tables themselves, so a row that stops being true, or a row no scenario here understands,
//! fails. The paragraphs under the bump table are run too.

use crate::runbook::{RUNBOOK, quoted};
use crate::support::TestRepo;
use crate::support::markdown::{self, Section};

fn section(heading: &str) -> Section<'static> {
    markdown::section(RUNBOOK, heading)
}

// ---------------------------------------------------------------------------------------------
// The commit convention and the bumps.

/// `package.json` released as `version` by a feature commit, tagged `v<version>`.
fn released_at(version: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.file("package.json", format!("{{\"name\": \"p\", \"version\": \"{version}\"}}\n"))
        .file("src/stream.txt", "streaming\n")
        .commit("feat: streaming responses")
        .annotated_tag(&format!("v{version}"));
    repo
}

/// A history after the release that one row of the bump table describes.
type History = Box<dyn Fn(&TestRepo)>;

fn commits(messages: &[&'static str]) -> Vec<History> {
    messages
        .iter()
        .map(|&m| {
            Box::new(move |repo: &TestRepo| {
                repo.commit(m);
            }) as History
        })
        .collect()
}

/// Every history the first cell of a row of the bump table names.
#[track_caller]
fn histories(row: &str) -> Vec<History> {
    match row {
        "`fix: …`, `perf: …`" => commits(&["fix: a crash", "perf: a faster start"]),
        "`feat: …`" => commits(&["feat: dark mode"]),
        "`feat!: …`, or a `BREAKING CHANGE: …` / `BREAKING-CHANGE: …` footer" => commits(&[
            "feat!: drop Node 16",
            "fix: a crash\n\nBREAKING CHANGE: the config moved",
            "fix: a crash\n\nBREAKING-CHANGE: the config moved",
        ]),
        "`revert: …` or git's `Revert \"…\"` of a commit already released" => vec![
            Box::new(|repo: &TestRepo| {
                repo.commit("revert: streaming responses");
            }),
            Box::new(|repo: &TestRepo| {
                repo.git(["revert", "--no-edit", "HEAD"]);
            }),
        ],
        "a revert of a commit in the same range" => vec![Box::new(|repo: &TestRepo| {
            repo.file("src/dark.txt", "dark\n").commit("feat: dark mode");
            repo.git(["revert", "--no-edit", "HEAD"]);
        })],
        "not conventional (`Update README`), merge commits without conventional lines" => vec![
            Box::new(|repo: &TestRepo| {
                repo.commit("Update README");
            }),
            Box::new(|repo: &TestRepo| {
                repo.git(["switch", "--quiet", "-c", "tidy"]);
                repo.commit("Tidy up");
                repo.git(["switch", "--quiet", "main"]);
                repo.git(["merge", "--quiet", "--no-ff", "--no-edit", "tidy"]);
            }),
        ],
        // The types that release nothing: one history per type the cell lists.
        types if types.starts_with("`docs`") => types
            .split('`')
            .skip(1)
            .step_by(2)
            .map(|t| {
                let message = format!("{t}: a change");
                Box::new(move |repo: &TestRepo| {
                    repo.commit(&message);
                }) as History
            })
            .collect(),
        other => panic!("no scenario for the bump table's row `{other}`"),
    }
}

/// The version a cell says (`patch → 1.4.3`, `0.5.0 (minor …)`), or None (`nothing`, `ignored`…).
fn version_in(cell: &str) -> Option<&str> {
    cell.split([' ', ',', '(', ')'])
        .find(|w| w.split('.').count() == 3 && w.split('.').all(|n| n.parse::<u64>().is_ok()))
}

#[test]
fn the_bump_table_is_what_vbump_releases_from_1_4_2_and_from_0_4_2() {
    let table = section("## The commit convention and the bumps").table();
    assert_eq!(table.len(), 7, "a row added to the table needs its scenario here");
    for row in table {
        for (column, from) in [(1, "1.4.2"), (2, "0.4.2")] {
            let expected = version_in(row[column]);
            for history in histories(row[0]) {
                let repo = released_at(from);
                history(&repo);
                let plan = repo.vbump(["plan"]);
                plan.code(0);
                let next = repo.vbump(["next"]);
                let what = format!("`{}` from {from}: {}\n{}", row[0], row[column], plan.stdout);
                assert_eq!(next.code, 0, "{what}");
                assert_eq!(next.stdout.trim_end(), expected.unwrap_or(""), "{what}");
                for level in ["patch", "minor", "major"] {
                    if row[column].starts_with(&format!("{level} → ")) {
                        assert!(plan.stdout.contains(&format!("bump: {level}")), "{what}");
                    }
                }
                if row[column].contains("listed as ignored") {
                    assert!(plan.stdout.contains("-> ignored"), "{what}");
                }
            }
        }
    }
}

#[test]
fn on_0_x_the_plan_names_the_rule_as_the_runbook_shows() {
    let bumps = section("## The commit convention and the bumps");
    let repo = released_at("0.4.2");
    repo.commit("feat!: drop Node 16");
    let plan = repo.vbump(["plan"]);
    plan.code(0)
        .stdout_has(quoted(&bumps, "-> breaking → minor (0.x rule)"))
        .stdout_has(quoted(&bumps, "bump: minor (breaking → minor, the 0.x rule)"));
    let json: serde_json::Value =
        serde_json::from_str(&repo.vbump(["plan", "--format", "json"]).stdout).unwrap();
    let rule = quoted(&bumps, "\"rule\": \"major-zero-breaking-is-minor\"");
    assert_eq!(json["bump"]["rule"], serde_json::json!("major-zero-breaking-is-minor"), "{rule}");
    // "unless `major-zero-breaking-is-minor = false`" (the table's 0.x column).
    let setting = quoted(&bumps, "major-zero-breaking-is-minor = false");
    repo.file("vbump.toml", format!("{setting}\n")).commit("chore: breaking changes are major");
    repo.vbump(["next"]).expect(0, "1.0.0\n", "");
}

#[test]
fn bump_entries_add_a_releasing_type_and_silence_a_known_one() {
    let bumps = section("## The commit convention and the bumps");
    let security = quoted(&bumps, "security = \"patch\"");
    let revert = quoted(&bumps, "revert = \"none\"");
    let repo = released_at("1.4.2");
    repo.file("vbump.toml", format!("[bump]\n{security}\n{revert}\n")).commit("chore: our types");
    repo.commit("revert: streaming responses");
    repo.vbump(["next"]).expect(0, "", "");
    // `vbump lint` accepts every type in the merged table.
    repo.vbump(["lint", "--range", "v1.4.2..HEAD"]).code(0);
    repo.commit("security: escape the file names");
    repo.vbump(["next"]).expect(0, "1.4.3\n", "");
    repo.vbump(["plan"]).code(0).stdout_has("### Security");
}

#[test]
fn messages_read_generously_release_what_they_say_and_lint_reports_them() {
    let bumps = section("## The commit convention and the bumps");
    let scope = quoted(&bumps, "feat(a(b))!: x");
    let subject = quoted(&bumps, "BREAKING CHANGE: x");
    // The message, what the plan says it read generously, and what `vbump lint` reports.
    let departures: &[(&str, &str, &str)] = &[
        (scope, "the scope `a(b)` contains a parenthesis", "write instead: feat(a-b)!: x"),
        (
            "Squash of #12\n\n* feat!: drop Node 16",
            "the subject is not conventional; the body line `feat!: drop Node 16` is",
            "the header has no `type: ` prefix",
        ),
        (
            "fix: a crash\n\n  BREAKING CHANGE: the config moved",
            "`BREAKING CHANGE` is indented",
            "write instead: BREAKING CHANGE: the config moved",
        ),
        (
            "fix: a crash\n\nbreaking change: the config moved",
            "`BREAKING CHANGE` must be written in upper case",
            "write instead: BREAKING CHANGE: the config moved",
        ),
        (subject, "the subject is a `BREAKING CHANGE:` footer", "it needs a `type: ` header above it"),
        (
            "feat!: drop Node 16\rthe body",
            "lines end with bare carriage returns (CR)",
            "bare carriage returns",
        ),
    ];
    for (message, read, lint) in departures {
        let repo = released_at("1.4.2");
        repo.commit(message);
        // "counted as it says, never less": each says breaking.
        repo.vbump(["next"]).expect(0, "2.0.0\n", "");
        repo.vbump(["plan"]).code(0).stdout_has(&format!("read generously: {read}"));
        repo.vbump(["lint", "--range", "v1.4.2..HEAD"]).code(1).stdout_has(lint);
    }
    // A merge commit is read the same way; lint skips merges (they are not written by hand).
    quoted(&bumps, "a merge or squash commit whose body holds `feat!: …`");
    let repo = released_at("1.4.2");
    repo.git(["switch", "--quiet", "-c", "topic"]);
    repo.commit("Tidy up");
    repo.git(["switch", "--quiet", "main"]);
    repo.git([
        "merge",
        "--quiet",
        "--no-ff",
        "-m",
        "Merge pull request #12 from o/topic\n\nfeat!: drop Node 16",
        "topic",
    ]);
    repo.vbump(["next"]).expect(0, "2.0.0\n", "");
    repo.vbump(["plan"]).code(0).stdout_has("read generously: the subject is not conventional");
}

#[test]
fn an_unknown_type_releases_nothing_and_the_plan_names_the_nearest() {
    let bumps = section("## The commit convention and the bumps");
    let repo = released_at("1.4.2");
    repo.commit(quoted(&bumps, "feature: x"));
    let next = repo.vbump(["next"]);
    assert_eq!((next.code, next.stdout.as_str()), (0, ""), "{next:?}");
    repo.vbump(["plan"])
        .code(0)
        .stdout_has("did you mean `feat` (releases a minor)?")
        .stdout_has("add `feature = \"minor\"` to [bump]");
}

// ---------------------------------------------------------------------------------------------
// Pre-releases.

/// The repository a "From" cell of the pre-release table describes, made the way a team gets
/// there: 1.2.0 tagged, a feature, then vbump's own releases (`--pre ID` n times for `-ID.n`),
/// then the commit the cell adds (`then a \`fix\``).
#[track_caller]
fn pre_release_start(from: &str) -> TestRepo {
    let version = from.split([',', ' ']).next().unwrap();
    let repo = TestRepo::new();
    repo.file("package.json", "{\"name\": \"p\", \"version\": \"1.2.0\"}\n")
        .commit("chore: init")
        .annotated_tag("v1.2.0");
    if version != "1.2.0" {
        repo.commit("feat: streaming responses");
        match version.strip_prefix("1.3.0") {
            Some("") => {
                repo.vbump(["release"]).code(0);
            }
            Some(pre) => {
                let (id, n) = pre.trim_start_matches('-').split_once('.').unwrap();
                for _ in 0..n.parse().unwrap() {
                    repo.vbump(["release", "--pre", id]).code(0);
                }
            }
            None => panic!("no way to make the table's starting point `{from}`"),
        }
    }
    if let Some((_, then)) = from.split_once(", then a `") {
        repo.commit(&format!("{}: a change", then.trim_end_matches('`')));
    }
    repo
}

/// The arguments of each run a "Run" cell describes (`pre: beta`, then `pre: rc`), with the
/// alternatives it names (`pre: beta` (or `alpha`)) as separate runs of the same step.
#[track_caller]
fn pre_release_runs(run: &str) -> Vec<Vec<Vec<String>>> {
    run.split(", then ")
        .map(|step| {
            let (main, alternatives) = step.split_once(" (or ").unwrap_or((step, ""));
            let args = |cell: &str| -> Vec<String> {
                let value = cell.trim_matches('`');
                match value.split_once(": ") {
                    Some(("pre", id)) => vec!["--pre".into(), id.into()],
                    Some(("bump", level)) => vec!["--bump".into(), level.into()],
                    Some(("promote", "true")) => vec!["--promote".into()],
                    _ if cell.contains("no `pre`") || cell.contains("(nothing)") => vec![],
                    _ => panic!("no way to run the table's `{run}`"),
                }
            };
            let main = main.split(" (`").next().unwrap();
            let mut runs = vec![args(main)];
            let key = main.trim_matches('`').split(": ").next().unwrap();
            for alternative in alternatives.split('`').skip(1).step_by(2) {
                runs.push(args(&format!("{key}: {alternative}")));
            }
            runs
        })
        .collect()
}

#[test]
fn the_pre_release_table_is_what_vbump_releases() {
    let table = section("## Pre-releases").table();
    assert_eq!(table.len(), 12, "a row added to the table needs to be understood here");
    for row in table {
        let (from, run, result) = (row[0], row[1], row[2]);
        let what = format!("| {from} | {run} | {result} |");
        let steps = pre_release_runs(run);
        let results: Vec<&str> = result.split(", then ").collect();
        for alternative in 0..steps[0].len() {
            let repo = pre_release_start(from);
            for (step, runs) in steps.iter().enumerate() {
                let args = &runs[alternative.min(runs.len() - 1)];
                let state = repo.state();
                let out = repo.vbump(std::iter::once("release".to_string()).chain(args.iter().cloned()));
                if let Some(reason) = result.strip_prefix("refused, exit 2: ") {
                    out.code(2);
                    assert_eq!(repo.state(), state, "{what}: nothing changes");
                    // "`beta` sorts below `rc`": for each channel tried.
                    if let Some(clause) = reason.split(" for the same").next().filter(|c| c.contains('`')) {
                        out.stderr_has(&clause.replace("`beta`", &format!("`{}`", args[1])));
                    }
                } else if result.starts_with("nothing: ") {
                    out.code(0)
                        .stdout_has("nothing to release: HEAD is already released")
                        .stdout_has("--promote");
                    assert_eq!(repo.state(), state, "{what}: nothing changes");
                } else {
                    let version = results[step].split_whitespace().next().unwrap().trim_end_matches(',');
                    out.code(0).stdout_has(&format!("released v{version} ("));
                    repo.assert_released(&format!("v{version}"), false);
                }
            }
        }
    }
}

#[test]
fn plan_pre_shows_the_next_pre_release() {
    let pre_releases = section("## Pre-releases");
    let repo = pre_release_start("1.3.0-rc.1, then a `fix`");
    let state = repo.state();
    let plan = quoted(&pre_releases, "vbump plan --pre rc");
    let args: Vec<&str> = plan.split_whitespace().skip(1).collect();
    repo.vbump(args).code(0).stdout_has("next version: 1.3.0-rc.2");
    assert_eq!(repo.state(), state);
}

// ---------------------------------------------------------------------------------------------
// Exit codes and recovery: the table of exit codes.

#[test]
fn the_exit_code_table_is_what_vbump_exits_with_and_leaves() {
    let table = section("## Exit codes and recovery").table();
    let codes: Vec<&str> = table.iter().map(|row| row[0]).collect();
    assert_eq!(codes, ["0", "1", "2", "3", "4"], "a new exit code needs its scenario here");
    let row = |code: &str| table.iter().find(|row| row[0] == code).unwrap().clone();

    // 0: released, nothing to release, or HEAD already released.
    assert!(
        row("0")[1]
            .starts_with("Released, or nothing to release (`released=false`), or HEAD was already released")
    );
    let repo = crate::rollback::ready_to_push();
    repo.vbump(["release", "--push"]).code(0).stdout_has("released v1.3.0");
    repo.vbump(["release", "--push"]).code(0).stdout_has("nothing to release: HEAD is already released");

    // 1: `check` or `lint` found problems; each names where and shows a fix; `vbump set` fixes check.
    assert!(row("1")[1].starts_with("`vbump check` or `vbump lint` found problems"));
    let fix = row("1")[3];
    assert!(fix.contains("For `check`: `vbump set X.Y.Z` and commit"), "{fix}");
    repo.file("package.json", "{\n  \"name\": \"demo\",\n  \"version\": \"1.2.9\"\n}\n");
    repo.vbump(["check"]).code(1).stdout_has("package.json:3");
    repo.vbump(["set", "1.3.0"]).code(0);
    repo.commit("chore: versions agree again");
    repo.vbump(["check"]).code(0);
    repo.file(".git/COMMIT_EDITMSG", "Fixed crash on empty config\n");
    repo.vbump(["lint", "--message-file", ".git/COMMIT_EDITMSG"]).code(1).stdout_has("write instead: fix:");

    // 2: bad input or state, found before anything changed; the common causes it lists.
    let (meaning, left, what_to_do) = (row("2")[1], row("2")[2], row("2")[3]);
    assert!(
        meaning.starts_with("Bad input or state, found before anything changed") && left == "Nothing changed"
    );
    assert!(
        what_to_do
            .contains("a bad `vbump.toml` key (file:line given), uncommitted changes in a version file")
    );
    assert!(what_to_do.contains("the tag already exists"));
    repo.commit("feat: another thing");
    repo.file("vbump.toml", "tag-prefx = \"v\"\n");
    let state = repo.state();
    repo.vbump(["release", "--push"]).code(2).stderr_has("vbump.toml:1:1: unknown field `tag-prefx`");
    assert_eq!(repo.state(), state);
    std::fs::remove_file(repo.path().join("vbump.toml")).unwrap();
    repo.file("Cargo.toml", "[package]\r\nname = \"demo\"\r\nversion = \"1.3.0\"  # edited\r\n");
    let state = repo.state();
    repo.vbump(["release", "--push"]).code(2).stderr_has("uncommitted changes: Cargo.toml");
    assert_eq!(repo.state(), state);
    repo.git(["checkout", "--", "Cargo.toml"]);
    repo.git(["tag", "v1.4.0"]);
    repo.git(["reset", "--quiet", "--hard", "HEAD~1"]);
    repo.commit("feat: a thing the tag does not hold");
    let state = repo.state();
    repo.vbump(["release", "--push"]).code(2).stderr_has("v1.4.0");
    assert_eq!(repo.state(), state);

    // 3: failed before the commit point, everything undone, git's reason relayed verbatim.
    let (left, what_to_do) = (row("3")[2], row("3")[3]);
    assert_eq!(left, "Nothing: files, tag and branch are as before");
    assert!(what_to_do.starts_with("The message relays git's or GitHub's reason verbatim. `GH006`/`GH013`"));
    let refused = crate::rollback::ready_to_push();
    let hook = refused.sandbox().join("origin.git/hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'error: GH006: Protected branch update failed for refs/heads/main.' >&2\nexit 1\n",
    )
    .unwrap();
    crate::support::make_executable(&hook);
    let state = refused.state();
    refused
        .vbump(["release", "--push"])
        .code(3)
        .stderr_has("GH006: Protected branch update failed for refs/heads/main.");
    assert_eq!(refused.state(), state);

    // 4: undoing failed too; what remains is listed with the commands, and `vbump recover` ends it.
    assert!(row("4")[2].starts_with("Listed under `remains:`"));
    assert!(row("4")[3].contains(
        "or `vbump recover`, which reads the journal in `.git/vbump/` and ends in one of the two clean states"
    ));
    let stuck = crate::rollback::ready_to_push();
    let lock = stuck.path().join(".git/refs/heads/main.lock");
    let hook = stuck.sandbox().join("origin.git/hooks/pre-receive");
    std::fs::write(
        &hook,
        format!("#!/bin/sh\ntouch '{}'\necho 'error: GH006' >&2\nexit 1\n", lock.display()),
    )
    .unwrap();
    crate::support::make_executable(&hook);
    let state = stuck.state();
    stuck
        .vbump(["release", "--push"])
        .code(4)
        .stderr_has("remains: branch `main` points at the release commit");
    std::fs::remove_file(&lock).unwrap();
    stuck.vbump(["recover"]).code(0);
    assert_eq!(stuck.state(), state, "recover ends in the state before the release");
}
