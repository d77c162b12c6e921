//! Detection measured against what maintainers bump at release, on real repositories' files.
//!
//! Each case copies a repository's version files byte for byte (fixtures/real, see PROVENANCE.md)
//! to their original paths, runs `vbump init`, and compares the locations with the maintainers' own
//! list (release-please `extra-files` plus what its release type bumps, `.version-bump.json`,
//! commitizen's `version_files` and version provider, a `bump.config.ts`). Every case asserts the
//! exact set found, what it misses and why, and that `vbump set` changes only version bytes.

use crate::locations::{init_locations as detected, with_fixtures};
use crate::support::TestRepo;

/// `(file, "json:/pointer" | "toml:key" | "regex:pattern")` as `vbump init --format json` reports.
type Location = (String, String);

fn list(items: &[(&str, &str)]) -> Vec<Location> {
    items.iter().map(|(f, s)| (f.to_string(), s.to_string())).collect()
}

/// A case: the files, what detection finds, and the maintainers' values it does not find.
struct Case {
    repo: &'static str,
    files: &'static [&'static str],
    found: Vec<Location>,
    /// Values the maintainers bump that detection leaves alone, each with the reason.
    missed: &'static [(&'static str, &'static str)],
    /// The version today, as written in semver.
    version: &'static str,
}

impl Case {
    /// Asserts the exact locations, then that `vbump set` rewrites only their bytes: every file
    /// equals its original once the new version is replaced by the old spelling.
    fn verify(&self) -> TestRepo {
        let repo = with_fixtures(self.repo, self.files);
        assert_eq!(detected(&repo), self.found, "{}", self.repo);
        let before: Vec<Vec<u8>> = self.files.iter().map(|f| repo.read(f)).collect();
        repo.vbump(["set", "9.8.7"]).code(0);
        for (file, original) in self.files.iter().zip(&before) {
            let after = String::from_utf8(repo.read(file)).unwrap();
            let managed = self.found.iter().any(|(f, _)| f == file);
            if !managed {
                assert_eq!(
                    after.as_bytes(),
                    original.as_slice(),
                    "{file} is not a location and must not change"
                );
                continue;
            }
            let old = old_spelling(original, self.version);
            assert!(after.contains("9.8.7"), "{file} was not written");
            assert_eq!(
                after.replace("9.8.7", &old).as_bytes(),
                original.as_slice(),
                "{file}: more than the version changed"
            );
        }
        repo
    }
}

/// How a file spells the version today (`1.4.0rc27` in Python files).
fn old_spelling(original: &[u8], version: &str) -> String {
    let text = String::from_utf8_lossy(original);
    if text.contains(version) {
        return version.to_string();
    }
    let pep440 = version.replace("-rc.", "rc").replace("-beta.", "b").replace("-alpha.", "a");
    assert!(text.contains(&pep440), "neither {version} nor {pep440} in the file");
    pep440
}

fn superpowers() -> Case {
    Case {
        repo: "obra__superpowers",
        files: &[
            ".agents/plugins/marketplace.json",
            ".claude-plugin/marketplace.json",
            ".claude-plugin/plugin.json",
            ".codex-plugin/plugin.json",
            ".cursor-plugin/plugin.json",
            ".kimi-plugin/plugin.json",
            "gemini-extension.json",
            "package.json",
            ".version-bump.json",
        ],
        // Exactly `.version-bump.json`'s seven files.
        found: list(&[
            (".claude-plugin/plugin.json", "json:/version"),
            (".codex-plugin/plugin.json", "json:/version"),
            (".cursor-plugin/plugin.json", "json:/version"),
            (".kimi-plugin/plugin.json", "json:/version"),
            ("gemini-extension.json", "json:/version"),
            (".claude-plugin/marketplace.json", "json:/plugins/[name=superpowers]/version"),
            ("package.json", "json:/version"),
        ]),
        missed: &[],
        version: "6.2.0",
    }
}

/// chrome-devtools-mcp's version files and its release-please configuration.
pub const CHROME_DEVTOOLS_MCP: &[&str] = &[
    "package.json",
    "package-lock.json",
    "server.json",
    ".claude-plugin/marketplace.json",
    ".claude-plugin/plugin.json",
    ".cursor-plugin/plugin.json",
    "gemini-extension.json",
    ".github/plugin/plugin.json",
    "src/version.ts",
    "release-please-config.json",
];

fn chrome_devtools_mcp() -> Case {
    let pin = r#"regex:"chrome\-devtools\-mcp@(?P<version>[0-9][0-9A-Za-z.+-]*)""#;
    Case {
        repo: "ChromeDevTools__chrome-devtools-mcp",
        files: CHROME_DEVTOOLS_MCP,
        found: list(&[
            (".claude-plugin/plugin.json", "json:/version"),
            (".cursor-plugin/plugin.json", "json:/version"),
            (".github/plugin/plugin.json", "json:/version"),
            ("gemini-extension.json", "json:/version"),
            (".claude-plugin/marketplace.json", "json:/version"),
            ("package.json", "json:/version"),
            ("package-lock.json", "json:/version"),
            ("package-lock.json", "json:/packages//version"),
            ("server.json", "json:/version"),
            ("server.json", "json:/packages/[identifier=chrome-devtools-mcp]/version"),
            (".claude-plugin/plugin.json", pin),
            (".cursor-plugin/plugin.json", pin),
            (".github/plugin/plugin.json", pin),
            ("gemini-extension.json", pin),
            // Named by release-please-config.json, between its markers.
            (
                "src/version.ts",
                r"regex:x-release-please-start-version[^\n]*\n[^\n]*?(?P<version>[0-9]+\.[0-9]+\.[0-9]+(?:[-+.]?[0-9A-Za-z]+)*)",
            ),
        ]),
        missed: &[],
        version: "1.7.0",
    }
}

fn tauri_release_test() -> Case {
    Case {
        repo: "mymakerofficial__tauri-release-test",
        files: &[
            "package.json",
            "package-lock.json",
            "src-tauri/tauri.conf.json",
            "src-tauri/Cargo.toml",
            "src-tauri/Cargo.lock",
            "bump.config.ts",
        ],
        // bumpp's `files` plus the `cargo generate-lockfile` it runs.
        found: list(&[
            ("package.json", "json:/version"),
            ("package-lock.json", "json:/version"),
            ("package-lock.json", "json:/packages//version"),
            ("src-tauri/tauri.conf.json", "json:/version"),
            ("src-tauri/Cargo.toml", "toml:package.version"),
            (
                "src-tauri/Cargo.lock",
                r#"regex:(?m)^name = "tauri\-release\-test"\r?\nversion = "(?P<version>[^"]+)""#,
            ),
        ]),
        missed: &[],
        version: "0.3.9",
    }
}

fn commitizen() -> Case {
    Case {
        repo: "commitizen-tools__commitizen",
        files: &["pyproject.toml", "uv.lock", "commitizen/__version__.py", ".pre-commit-config.yaml"],
        // `version_provider = "uv"` (pyproject.toml and uv.lock) plus `version_files`.
        found: list(&[
            ("pyproject.toml", "toml:project.version"),
            (
                "commitizen/__version__.py",
                r#"regex:(?m)^__version__\s*(?::\s*str\s*)?=\s*["'](?P<version>[^"'\s]+)["']"#,
            ),
            (
                "uv.lock",
                r#"regex:(?m)^name = "commitizen"\r?\nversion = "(?P<version>[^"]+)"\r?\nsource = \{ (?:editable|virtual) = "\." \}"#,
            ),
        ]),
        missed: &[(
            ".pre-commit-config.yaml",
            "`rev: v4.17.0` pins commitizen's own hook in its pre-commit config: a tag, not a manifest value",
        )],
        version: "4.17.0",
    }
}

fn python_semantic_release() -> Case {
    Case {
        repo: "python-semantic-release__python-semantic-release",
        files: &[
            "pyproject.toml",
            "src/gh_action/requirements.txt",
            "docs/configuration/automatic-releases/github-actions.rst",
            "src/semantic_release/__init__.py",
        ],
        // `version_toml` and the first of `version_variables`; `__version__` is read from the
        // installed metadata (`importlib.metadata.version`), so it is no location.
        found: list(&[
            ("pyproject.toml", "toml:project.version"),
            (
                "src/gh_action/requirements.txt",
                r"regex:(?mi)^python[-_.]semantic[-_.]release\s*==\s*(?P<version>[0-9][0-9A-Za-z.+!-]*)",
            ),
        ]),
        missed: &[
            (
                "docs/configuration/automatic-releases/github-actions.rst",
                "`uses: python-semantic-release/python-semantic-release@COMMIT_HASH  # v10.6.1`: a tag in a documentation comment",
            ),
            (
                "docs/configuration/automatic-releases/github-actions.rst",
                "`uses: python-semantic-release/publish-action@COMMIT_HASH  # v10.6.1`: the same, for the publish action",
            ),
        ],
        version: "10.6.1",
    }
}

#[test]
fn a_python_project_pinned_in_its_own_action_requirements() {
    python_semantic_release().verify();
}

#[test]
fn agent_plugin_manifests_beside_claude_plugin_are_found() {
    superpowers().verify().vbump(["check"]).code(0).stdout_has("all 7 location(s) agree on 9.8.7");
}

#[test]
fn an_mcp_server_with_plugin_manifests_lock_file_and_pins() {
    chrome_devtools_mcp().verify().vbump(["check"]).code(0).stdout_has("all 15 location(s) agree on 9.8.7");
}

#[test]
fn a_tauri_app_and_its_lock_files() {
    tauri_release_test().verify();
}

#[test]
fn a_python_project_with_dunder_version_and_uv_lock() {
    commitizen().verify();
}

#[test]
fn python_locations_get_the_pep440_spelling() {
    let case = commitizen();
    let repo = with_fixtures(case.repo, case.files);
    repo.vbump(["set", "4.18.0-rc.1"]).code(0);
    assert!(repo.read_text("pyproject.toml").contains("version = \"4.18.0rc1\""));
    assert!(repo.read_text("commitizen/__version__.py").contains("__version__ = \"4.18.0rc1\""));
    assert!(repo.read_text("uv.lock").contains("name = \"commitizen\"\nversion = \"4.18.0rc1\""));
    repo.vbump(["check"]).code(0).stdout_has("all 3 location(s) agree on 4.18.0-rc.1");
    // A pre-release Python cannot spell is refused before anything is written.
    let before = repo.read("pyproject.toml");
    repo.vbump(["set", "4.18.0-preview.1"]).code(2).stderr_has("no PEP 440 form");
    assert_eq!(repo.read("pyproject.toml"), before);
}

#[test]
fn a_cargo_workspace_with_its_members_lock_entries_and_python_binding() {
    let files = [
        "Cargo.toml",
        "Cargo.lock",
        "crates/liter-llm/Cargo.toml",
        "crates/liter-llm-cli/Cargo.toml",
        "crates/liter-llm-ffi/Cargo.toml",
        "crates/liter-llm-node/Cargo.toml",
        "crates/liter-llm-php/Cargo.toml",
        "crates/liter-llm-proxy/Cargo.toml",
        "crates/liter-llm-py/Cargo.toml",
        "crates/liter-llm-wasm/Cargo.toml",
        "tools/snippet-runner/Cargo.toml",
        "packages/python/pyproject.toml",
    ];
    let repo = with_fixtures("kreuzberg-dev__liter-llm", &files);
    let lock = |name: &str| {
        (
            "Cargo.lock".to_string(),
            format!(r#"regex:(?m)^name = "{}"\r?\nversion = "(?P<version>[^"]+)""#, regex_escape(name)),
        )
    };
    let mut want = list(&[
        ("Cargo.toml", "toml:workspace.package.version"),
        ("crates/liter-llm-wasm/Cargo.toml", "toml:package.version"),
    ]);
    for name in [
        "liter-llm",
        "liter-llm-cli",
        "liter-llm-ffi",
        "liter-llm-node",
        "liter-llm-php",
        "liter-llm-proxy",
        "liter-llm-py",
        "snippet-runner",
        "liter-llm-wasm",
    ] {
        want.push(lock(name));
    }
    want.extend(list(&[("packages/python/pyproject.toml", "toml:project.version")]));
    assert_eq!(detected(&repo), want);
    // The members' `version = "1.4.0-rc.1"` requirements still match; they are reported, not changed.
    repo.vbump(["init"]).code(0).stderr_has(
        "skipped crates/liter-llm-cli/Cargo.toml: dependencies.liter-llm.version = \"1.4.0-rc.1\"",
    );
    // 1.4.0rc27 in the Python binding is 1.4.0-rc.27: they agree by meaning.
    repo.vbump(["check"]).code(0).stdout_has("all 12 location(s) agree on 1.4.0-rc.27");
    repo.vbump(["set", "1.4.0-rc.28"]).code(0);
    assert!(repo.read_text("packages/python/pyproject.toml").contains("version = \"1.4.0rc28\""));
    assert!(repo.read_text("Cargo.toml").contains("version = \"1.4.0-rc.28\""));
}

#[test]
fn copies_that_disagree_today_are_reported_not_managed() {
    let repo = with_fixtures(
        "benzsevern__goldenmatch",
        &["server.json", "pyproject.toml", "goldenmatch/__init__.py"],
    );
    assert_eq!(
        detected(&repo),
        list(&[
            ("pyproject.toml", "toml:project.version"),
            (
                "goldenmatch/__init__.py",
                r#"regex:(?m)^__version__\s*(?::\s*str\s*)?=\s*["'](?P<version>[^"'\s]+)["']"#
            ),
        ])
    );
    repo.vbump(["init"])
        .code(0)
        .stderr_has("skipped server.json: /version \"1.4.8\": it says 1.4.8, the package's version is 1.5.0");
}

/// The measurement: of the values maintainers bump, how many detection finds, misses, and finds
/// wrongly. Every case's `found` is a subset of the maintainers' list (no false positive), and the
/// found share is at least 90 %.
#[test]
fn detection_finds_what_maintainers_bump_with_no_false_positive() {
    let cases =
        [superpowers(), chrome_devtools_mcp(), tauri_release_test(), commitizen(), python_semantic_release()];
    let (found, missed): (usize, usize) =
        cases.iter().fold((0, 0), |(f, m), case| (f + case.found.len(), m + case.missed.len()));
    for case in &cases {
        let repo = with_fixtures(case.repo, case.files);
        assert_eq!(detected(&repo), case.found, "{}", case.repo);
    }
    // 33 of 36 (91.7 %): commitizen's pre-commit `rev` and python-semantic-release's two
    // documentation comments are missed.
    assert_eq!((found, missed), (33, 3));
    assert!(found * 100 / (found + missed) >= 90);
}

fn regex_escape(text: &str) -> String {
    text.replace('-', "\\-").replace('.', "\\.")
}
