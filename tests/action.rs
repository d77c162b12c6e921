//! The GitHub Action: its install script run for real against a release directory served on
//! 127.0.0.1 (a verified download installs and runs; a tampered one is refused), and `action.yml`
//! read as YAML, its run step executed with a stand-in binary, so that every input provably
//! reaches vbump and every output is one vbump writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};
use yaml_rust2::{Yaml, YamlLoader};

use crate::support::http_files::FileServer;
use crate::support::{TestRepo, make_executable};

/// The outputs `vbump release` writes to `$GITHUB_OUTPUT` (README, "GitHub Actions outputs").
const BINARY_OUTPUTS: &[&str] = &[
    "released",
    "version",
    "previous-version",
    "tag",
    "bump",
    "commit",
    "release-url",
    "release-id",
    "upload-url",
    "make-latest",
    "pr-url",
];

fn source_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------------------
// The install script.

/// The release asset name the install script looks for on this machine.
fn asset_name() -> String {
    let os = match std::env::consts::OS {
        "linux" => "unknown-linux-musl",
        "macos" => "apple-darwin",
        "windows" => "pc-windows-msvc",
        other => panic!("no release asset for {other}"),
    };
    format!("vbump-{}-{os}{}", std::env::consts::ARCH, std::env::consts::EXE_SUFFIX)
}

/// A fake GitHub Releases download tree: `<tag>/<asset>` (the real vbump binary) and
/// `<tag>/SHA256SUMS`, served on 127.0.0.1.
struct Releases {
    sandbox: TestRepo,
    server: FileServer,
}

impl Releases {
    fn new() -> Releases {
        let sandbox = TestRepo::bare_sandbox();
        std::fs::create_dir_all(sandbox.path()).unwrap();
        std::fs::create_dir_all(sandbox.sandbox().join("releases")).unwrap();
        let server = FileServer::start(&sandbox.sandbox().join("releases"));
        Releases { sandbox, server }
    }

    /// Publishes `tag` with the given binary bytes and a SHA256SUMS of `checksummed` bytes.
    fn publish(&self, tag: &str, binary: &[u8], checksummed: &[u8]) -> &Self {
        let dir = self.sandbox.sandbox().join("releases").join(tag);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(asset_name()), binary).unwrap();
        let sum = hex(&Sha256::digest(checksummed));
        std::fs::write(
            dir.join("SHA256SUMS"),
            format!("{sum}  {}\n{}  vbump-other-target\n", asset_name(), "0".repeat(64)),
        )
        .unwrap();
        self
    }

    fn publish_real(&self, tag: &str) -> &Self {
        let binary = std::fs::read(env!("CARGO_BIN_EXE_vbump")).unwrap();
        self.publish(tag, &binary, &binary)
    }

    fn file(&self, path: &str, contents: &str) -> &Self {
        let path = self.sandbox.sandbox().join("releases").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    fn install_dir(&self) -> PathBuf {
        self.sandbox.sandbox().join("install")
    }

    /// Runs scripts/install.sh with `env`; cargo is a stand-in that records its arguments.
    fn install(&self, env: &[(&str, &str)]) -> Installed {
        let cargo_log = self.sandbox.sandbox().join("cargo-args");
        let fake_cargo = self.sandbox.sandbox().join("fake-cargo");
        // Builds "from source" by copying the real binary where `--root` says, recording the call.
        std::fs::write(
            &fake_cargo,
            format!(
                "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > '{}'\nwhile [ \"$1\" != --root ]; do shift; done\n\
                 mkdir -p \"$2/bin\" && cp '{}' \"$2/bin/vbump\"\n",
                cargo_log.display(),
                env!("CARGO_BIN_EXE_vbump")
            ),
        )
        .unwrap();
        make_executable(&fake_cargo);
        let output_file = self.sandbox.sandbox().join("github-output");
        let _ = std::fs::remove_file(&output_file);
        let mut cmd = self.sandbox.command("bash");
        cmd.arg(source_root().join("scripts/install.sh"))
            .env_remove("RUNNER_OS")
            .env_remove("RUNNER_ARCH")
            .env_remove("VBUMP_VERSION")
            .env_remove("VBUMP_ACTION_REF")
            .env("VBUMP_DOWNLOAD_URL", self.server.url())
            .env("VBUMP_INSTALL_DIR", self.install_dir())
            .env("GITHUB_ACTION_PATH", source_root())
            .env("GITHUB_OUTPUT", &output_file)
            .env("TMPDIR", self.sandbox.sandbox())
            .env("CARGO", &fake_cargo);
        for (key, value) in env {
            cmd.env(key, value);
        }
        let out = cmd.output().unwrap();
        Installed {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            github_output: std::fs::read_to_string(&output_file).unwrap_or_default(),
            cargo_args: std::fs::read_to_string(&cargo_log).ok(),
        }
    }
}

#[derive(Debug)]
struct Installed {
    code: i32,
    stdout: String,
    stderr: String,
    github_output: String,
    /// The arguments the stand-in cargo got, when the script fell back to building.
    cargo_args: Option<String>,
}

impl Installed {
    /// The installed binary, from the `path=` output; asserts it is the last stdout line too.
    #[track_caller]
    fn binary(&self) -> PathBuf {
        assert_eq!(self.code, 0, "install failed: {self:#?}");
        let path = self.github_output.strip_prefix("path=").expect("path= output").trim_end();
        assert_eq!(self.stdout.trim_end().lines().last(), Some(path), "{self:#?}");
        PathBuf::from(path)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn run_version(binary: &Path) -> String {
    let out = Command::new(binary).arg("--version").output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn install_downloads_the_release_verifies_it_and_the_binary_runs() {
    let releases = Releases::new();
    releases.publish_real("v9.9.9");
    let installed = releases.install(&[("VBUMP_ACTION_REF", "v9.9.9")]);
    let binary = installed.binary();
    assert_eq!(binary, releases.install_dir().join(format!("vbump{}", std::env::consts::EXE_SUFFIX)));
    assert_eq!(run_version(&binary), format!("vbump {}\n", env!("CARGO_PKG_VERSION")));
    assert_eq!(installed.cargo_args, None, "a published release must not be built from source");
    assert_eq!(
        releases.server.requests(),
        ["/v9.9.9/SHA256SUMS".to_string(), format!("/v9.9.9/{}", asset_name())]
    );
}

#[test]
fn install_refuses_a_tampered_binary_and_installs_nothing() {
    let releases = Releases::new();
    let genuine = std::fs::read(env!("CARGO_BIN_EXE_vbump")).unwrap();
    let mut tampered = genuine.clone();
    tampered.extend_from_slice(b"\0evil");
    releases.publish("v9.9.9", &tampered, &genuine);
    let installed = releases.install(&[("VBUMP_ACTION_REF", "v9.9.9")]);
    assert_ne!(installed.code, 0, "{installed:#?}");
    assert!(installed.stderr.contains("SHA-256 mismatch"), "{}", installed.stderr);
    assert!(installed.stderr.contains("refusing to install"), "{}", installed.stderr);
    assert_eq!(installed.cargo_args, None, "a bad download must not fall back to a build");
    assert_eq!(installed.github_output, "");
    assert!(!releases.install_dir().exists(), "nothing may be installed");
}

#[test]
fn install_refuses_a_binary_missing_from_sha256sums() {
    let releases = Releases::new();
    releases
        .publish_real("v9.9.9")
        .file("v9.9.9/SHA256SUMS", &format!("{}  vbump-other-target\n", "0".repeat(64)));
    let installed = releases.install(&[("VBUMP_VERSION", "9.9.9")]);
    assert_ne!(installed.code, 0);
    assert!(installed.stderr.contains("lists no checksum"), "{}", installed.stderr);
    assert!(!releases.install_dir().exists());
}

#[test]
fn install_of_a_named_version_that_does_not_exist_fails_without_building() {
    let releases = Releases::new();
    let installed = releases.install(&[("VBUMP_VERSION", "v1.0.0")]);
    assert_ne!(installed.code, 0);
    assert!(installed.stderr.contains("release v1.0.0 has no vbump binary"), "{}", installed.stderr);
    assert_eq!(installed.cargo_args, None);
    let installed =
        releases.install(&[("VBUMP_VERSION", "latest\n::add-mask::x"), ("GITHUB_ACTIONS", "true")]);
    assert!(installed.stderr.contains("is not a release version"), "{}", installed.stderr);
    assert!(installed.stdout.contains("version 'latest%0A::add-mask::x' is not"), "{}", installed.stdout);
    assert!(!installed.stdout.lines().any(|line| line.starts_with("::add-mask::")), "{}", installed.stdout);
}

#[test]
fn install_builds_from_the_action_source_for_a_branch_ref() {
    let releases = Releases::new();
    let installed = releases.install(&[("VBUMP_ACTION_REF", "main")]);
    let binary = installed.binary();
    assert_eq!(binary, releases.install_dir().join("source/bin/vbump"));
    let args = installed.cargo_args.expect("cargo install was run");
    let root = source_root().display().to_string();
    assert!(args.starts_with(&format!("install\n--locked\n--quiet\n--path\n{root}\n--root\n")), "{args}");
    assert!(releases.server.requests().is_empty(), "a branch has no release to download");
    assert_eq!(run_version(&binary), format!("vbump {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn install_for_a_commit_sha_downloads_the_release_cut_from_that_commit() {
    let releases = Releases::new();
    let version = env!("CARGO_PKG_VERSION");
    let sha = "0123456789abcdef0123456789abcdef01234567";
    releases.publish_real(&format!("v{version}")).file(&format!("v{version}/COMMIT"), &format!("{sha}\n"));
    let installed = releases.install(&[("VBUMP_ACTION_REF", sha)]);
    installed.binary();
    assert_eq!(installed.cargo_args, None);
    // Another commit carries the same Cargo.toml version, but the release is not its build.
    let other = releases.install(&[("VBUMP_ACTION_REF", &"f".repeat(40))]);
    other.binary();
    assert!(other.cargo_args.is_some(), "a commit that is not the release's must be built: {other:#?}");
}

#[test]
fn install_refuses_plain_http_to_anything_but_loopback() {
    let releases = Releases::new();
    let installed =
        releases.install(&[("VBUMP_VERSION", "1.0.0"), ("VBUMP_DOWNLOAD_URL", "http://example.com/dl")]);
    assert_ne!(installed.code, 0);
    assert!(installed.stderr.contains("only https"), "{}", installed.stderr);
}

#[test]
fn install_refuses_a_loopback_address_that_is_only_userinfo() {
    let releases = Releases::new();
    releases.publish_real("v9.9.9");
    // curl would connect to example.com, with `127.0.0.1:x` as the user name.
    let url = "http://127.0.0.1:x@example.com/dl";
    let installed = releases.install(&[("VBUMP_VERSION", "9.9.9"), ("VBUMP_DOWNLOAD_URL", url)]);
    assert_ne!(installed.code, 0);
    assert!(
        installed.stderr.contains("a user name or password in the URL is not allowed"),
        "{}",
        installed.stderr
    );
    assert!(!releases.install_dir().exists());
}

#[test]
fn install_follows_no_redirect_off_https() {
    let releases = Releases::new();
    releases.publish_real("v9.9.9");
    // The checksums "moved" to plain http elsewhere: curl must not go there.
    releases.file("v9.9.9/SHA256SUMS.redirect", "http://127.0.0.1:9/SHA256SUMS");
    let installed = releases.install(&[("VBUMP_VERSION", "9.9.9")]);
    assert_ne!(installed.code, 0, "{installed:#?}");
    assert!(installed.stderr.contains("cannot download"), "{}", installed.stderr);
    assert!(installed.stderr.to_lowercase().contains("protocol"), "{}", installed.stderr);
    assert!(!releases.install_dir().exists());
}

#[test]
fn install_outside_actions_uses_a_private_directory_not_a_shared_path() {
    let releases = Releases::new();
    releases.publish_real("v9.9.9");
    // Another local user prepared the old fixed path, hoping for a swap.
    let trap = releases.sandbox.sandbox().join("vbump");
    std::fs::create_dir_all(&trap).unwrap();
    let installed = releases.install(&[("VBUMP_VERSION", "9.9.9"), ("VBUMP_INSTALL_DIR", "")]);
    let binary = installed.binary();
    let dir = binary.parent().unwrap();
    assert_ne!(dir, trap, "{installed:#?}");
    assert!(dir.starts_with(releases.sandbox.sandbox()), "{}", dir.display());
    assert_eq!(std::fs::read_dir(&trap).unwrap().count(), 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(dir).unwrap().permissions().mode() & 0o777, 0o700);
    }
    run_version(&binary);
}

#[test]
fn install_with_the_actions_own_checksums_installs_only_those_bytes() {
    let releases = Releases::new();
    let version = env!("CARGO_PKG_VERSION");
    let genuine = std::fs::read(env!("CARGO_BIN_EXE_vbump")).unwrap();
    let pinned = format!("{}  {}\n", hex(&Sha256::digest(&genuine)), asset_name());
    // The release matches its own SHA256SUMS, and the pinned commit's checksums too: installed,
    // from that release, though the pinned SHA is not the release commit.
    releases.publish_real(&format!("v{version}"));
    let sha = "f".repeat(40);
    let installed = releases.install(&[("VBUMP_ACTION_REF", &sha), ("VBUMP_SHA256SUMS", &pinned)]);
    installed.binary();
    assert_eq!(installed.cargo_args, None);
    // Someone replaced the binary and the release's SHA256SUMS together: the pin refuses it.
    let mut swapped = genuine.clone();
    swapped.extend_from_slice(b"\0swapped");
    releases.publish(&format!("v{version}"), &swapped, &swapped);
    let _ = std::fs::remove_dir_all(releases.install_dir());
    let installed = releases.install(&[("VBUMP_ACTION_REF", &sha), ("VBUMP_SHA256SUMS", &pinned)]);
    assert_ne!(installed.code, 0, "{installed:#?}");
    assert!(installed.stderr.contains("the pinned action expects"), "{}", installed.stderr);
    assert_eq!(installed.cargo_args, None, "never a build instead");
    assert!(!releases.install_dir().exists());
}

/// scripts/pin-action.sh, as the release workflow runs it after attaching the assets to the draft:
/// a child of the release commit whose only change is action.yml carrying the release's
/// SHA256SUMS, tagged `pinned/<tag>` and pushed to a real bare remote (nothing else is). Read as
/// the runner reads it, the pinned action.yml installs exactly those bytes and refuses others.
#[test]
fn the_pinned_commit_carries_the_release_checksums_and_installs_only_those_bytes() {
    let version = env!("CARGO_PKG_VERSION");
    let tag = format!("v{version}");
    let repo = TestRepo::new();
    repo.file("action.yml", std::fs::read(source_root().join("action.yml")).unwrap())
        .commit("chore(release): v1");
    let origin = repo.origin();
    let release_commit = repo.rev("HEAD");
    let genuine = std::fs::read(env!("CARGO_BIN_EXE_vbump")).unwrap();
    let sums = format!(
        "{}  {}\n{}  vbump-other-target\n{}  vbump.1\n",
        hex(&Sha256::digest(&genuine)),
        asset_name(),
        "a".repeat(64),
        "b".repeat(64)
    );
    repo.file("../SHA256SUMS", &sums);
    let remote_before = repo.origin_git(["for-each-ref", "--format=%(refname) %(objectname)"]);
    let pin = |sums_file: &str| {
        repo.command("bash")
            .arg(source_root().join("scripts/pin-action.sh"))
            .args([release_commit.as_str(), tag.as_str(), sums_file, "origin"])
            .output()
            .unwrap()
    };

    // A line that is not sha256sum's could carry YAML into action.yml: refused, nothing made.
    repo.file("../evil", format!("{sums}x  vbump\n        VBUMP_VERSION: 0.0.1\n"));
    let refused = pin(repo.sandbox().join("evil").to_str().unwrap());
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not a sha256sum line"));
    assert_eq!(repo.origin_git(["for-each-ref", "--format=%(refname) %(objectname)"]), remote_before);

    let out = pin(repo.sandbox().join("SHA256SUMS").to_str().unwrap());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pinned = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(repo.origin_git(["rev-parse", &format!("refs/tags/pinned/{tag}^{{commit}}")]), pinned);
    assert_eq!(repo.origin_git(["rev-parse", &format!("{pinned}^@")]), release_commit, "one parent");
    assert_eq!(repo.git(["diff", "--name-only", &release_commit, &pinned]), "action.yml");
    // Only the tag was pushed: main did not move, and the local branch and work tree neither.
    assert_eq!(repo.origin_git(["rev-parse", "main"]), release_commit);
    assert_eq!(
        (repo.rev("HEAD"), repo.git(["status", "--porcelain"])),
        (release_commit.clone(), String::new())
    );
    drop(origin);

    let pinned_action =
        YamlLoader::load_from_str(&repo.git(["show", &format!("{pinned}:action.yml")])).unwrap().remove(0);
    let carried = step(&pinned_action, "install")["env"]["VBUMP_SHA256SUMS"].as_str().unwrap().to_string();
    assert_eq!(carried, sums);
    // The rest of action.yml is byte for byte the release commit's.
    let released = repo.git(["show", &format!("{release_commit}:action.yml")]);
    let pinned_text = repo.git(["show", &format!("{pinned}:action.yml")]);
    let indented: String = sums.lines().map(|l| format!("          {l}\n")).collect();
    assert_eq!(
        pinned_text,
        released
            .replace("        VBUMP_SHA256SUMS: \"\"\n", &format!("        VBUMP_SHA256SUMS: |\n{indented}"))
    );

    // The install step of the pinned commit: the release's bytes, and nothing else.
    let releases = Releases::new();
    releases.publish_real(&tag);
    let installed = releases.install(&[("VBUMP_ACTION_REF", &pinned), ("VBUMP_SHA256SUMS", &carried)]);
    installed.binary();
    let mut swapped = genuine.clone();
    swapped.extend_from_slice(b"\0swapped");
    releases.publish(&tag, &swapped, &swapped);
    let _ = std::fs::remove_dir_all(releases.install_dir());
    let installed = releases.install(&[("VBUMP_ACTION_REF", &pinned), ("VBUMP_SHA256SUMS", &carried)]);
    assert_ne!(installed.code, 0, "{installed:#?}");
    assert!(installed.stderr.contains("the pinned action expects"), "{}", installed.stderr);
    assert!(!releases.install_dir().exists());
}

// ---------------------------------------------------------------------------------------------
// action.yml.

fn action() -> Yaml {
    let text = std::fs::read_to_string(source_root().join("action.yml")).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

fn step<'a>(action: &'a Yaml, id: &str) -> &'a Yaml {
    action["runs"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| s["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no step with id {id}"))
}

/// The inputs with their defaults, in file order.
fn inputs(action: &Yaml) -> Vec<(String, String)> {
    action["inputs"]
        .as_hash()
        .unwrap()
        .iter()
        .map(|(name, spec)| {
            (name.as_str().unwrap().to_string(), spec["default"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

/// What the stand-in binary saw: its arguments, and the token in `GITHUB_TOKEN`.
#[derive(Debug, PartialEq, Eq)]
struct Invocation {
    code: i32,
    args: Vec<String>,
    token: String,
    stdout: String,
}

/// Runs the `run` step's script as the runner would, with `with` overriding the input defaults.
fn run_step(with: &[(&str, &str)]) -> Invocation {
    run_step_in(with, None, |_| {})
}

/// Like [`run_step`]; with `binary` the step runs that vbump instead of the recording stand-in,
/// and `setup` adds to the step's environment (the runner's `GITHUB_*` variables).
fn run_step_in(with: &[(&str, &str)], binary: Option<&Path>, setup: impl FnOnce(&mut Command)) -> Invocation {
    let action = action();
    let step = step(&action, "run");
    assert_eq!(step["shell"].as_str(), Some("bash"));
    let sandbox = TestRepo::bare_sandbox();
    std::fs::create_dir_all(sandbox.path()).unwrap();
    let record = sandbox.sandbox().join("record");
    let fake = sandbox.sandbox().join("fake-vbump");
    std::fs::write(
        &fake,
        format!("#!/usr/bin/env bash\nprintf '%s\\n' \"$GITHUB_TOKEN\" \"$@\" > '{}'\n", record.display()),
    )
    .unwrap();
    make_executable(&fake);
    let mut values: BTreeMap<String, String> = inputs(&action).into_iter().collect();
    values.insert("token".into(), "ghs_default_token".into());
    for (name, value) in with {
        assert!(values.contains_key(*name), "action.yml has no input {name}");
        values.insert(name.to_string(), value.to_string());
    }
    let mut cmd = sandbox.command("bash");
    cmd.arg("-c").arg(step["run"].as_str().unwrap());
    for (var, expression) in step["env"].as_hash().unwrap() {
        let expression = expression.as_str().unwrap();
        let value = match expression.strip_prefix("${{ inputs.").and_then(|e| e.strip_suffix(" }}")) {
            Some(input) => values[input].clone(),
            None if expression == "${{ steps.install.outputs.path }}" => {
                binary.unwrap_or(&fake).display().to_string()
            }
            None => panic!("unexpected env expression {expression}"),
        };
        cmd.env(var.as_str().unwrap(), value);
    }
    setup(&mut cmd);
    let out = cmd.output().unwrap();
    let recorded = std::fs::read_to_string(&record).unwrap_or_default();
    let mut lines = recorded.lines().map(str::to_string);
    Invocation {
        code: out.status.code().unwrap_or(-1),
        token: lines.next().unwrap_or_default(),
        args: lines.collect(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
    }
}

#[track_caller]
fn assert_args(invocation: &Invocation, expected: &[&str]) {
    assert_eq!(invocation.code, 0, "{invocation:#?}");
    assert_eq!(invocation.args, expected, "{invocation:#?}");
    // The real binary must accept exactly these arguments: `--help` at the end makes clap parse
    // and validate everything before it, then print help and exit 0.
    let out = Command::new(env!("CARGO_BIN_EXE_vbump")).args(expected).arg("--help").output().unwrap();
    assert!(out.status.success(), "vbump rejects {expected:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn action_defaults_release_and_push_with_the_masked_token() {
    let run = run_step(&[]);
    assert_args(&run, &["release", "-C", ".", "--push"]);
    assert_eq!(run.token, "ghs_default_token");
    assert!(run.stdout.starts_with("::add-mask::ghs_default_token\n"), "{}", run.stdout);
}

#[test]
fn action_passes_every_input_to_the_binary() {
    let run = run_step(&[
        ("token", "ghs_app"),
        ("command", "release"),
        ("push", "true"),
        ("dry-run", "false"),
        ("bump", "minor"),
        ("pre", "rc"),
        ("strategy", "pr"),
        ("draft", "true"),
        ("author", "rel[bot] <1+rel[bot]@users.noreply.github.com>"),
        ("config", "ci/vbump.toml"),
        ("working-directory", "plugin"),
    ]);
    assert_args(
        &run,
        &[
            "release",
            "-C",
            "plugin",
            "--config",
            "ci/vbump.toml",
            "--bump",
            "minor",
            "--pre",
            "rc",
            "--push",
            "--strategy",
            "pr",
            "--author",
            "rel[bot] <1+rel[bot]@users.noreply.github.com>",
            "--draft",
        ],
    );
    assert_eq!(run.token, "ghs_app");
    assert_args(&run_step(&[("dry-run", "true")]), &["release", "-C", ".", "--dry-run"]);
    assert_args(&run_step(&[("push", "false")]), &["release", "-C", "."]);
    assert_args(&run_step(&[("promote", "true")]), &["release", "-C", ".", "--promote", "--push"]);
    assert_args(
        &run_step(&[("command", "plan"), ("bump", "major")]),
        &["plan", "-C", ".", "--bump", "major"],
    );
    assert_args(&run_step(&[("command", "check")]), &["check", "-C", ".", "--format", "github"]);
    assert_args(&run_step(&[("command", "audit")]), &["audit", "-C", ".", "--format", "github"]);
    assert_args(&run_step(&[("command", "lint")]), &["lint", "-C", ".", "--format", "github"]);
}

#[test]
fn action_changes_the_invocation_for_each_input_of_the_run_step() {
    // Guards against an input declared but dropped on the way: each one must change what vbump gets.
    let baseline = run_step(&[]);
    let samples = [
        ("token", "ghs_other"),
        ("command", "plan"),
        ("push", "false"),
        ("dry-run", "true"),
        ("bump", "patch"),
        ("pre", "beta"),
        ("promote", "true"),
        ("strategy", "push"),
        ("draft", "true"),
        ("author", "Ada <ada@example.com>"),
        ("config", "other.toml"),
        ("working-directory", "sub"),
    ];
    let action = action();
    let run_env = step(&action, "run")["env"].as_hash().unwrap();
    let install_env = step(&action, "install")["env"].as_hash().unwrap();
    for (name, _) in inputs(&action) {
        let expression = format!("${{{{ inputs.{name} }}}}");
        if name == "vbump-version" {
            // Goes to the install step (tested above through the script itself).
            assert!(install_env.values().any(|v| v.as_str() == Some(expression.as_str())));
            continue;
        }
        assert!(
            run_env.values().any(|v| v.as_str() == Some(expression.as_str())),
            "input {name} is not in the run step's env"
        );
        let (_, sample) =
            samples.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("no sample for input {name}"));
        assert_ne!(run_step(&[(name.as_str(), sample)]), baseline, "input {name} does not reach vbump");
    }
}

#[test]
fn action_installs_from_a_release_and_lints_the_pull_request_title() {
    // The two steps of action.yml in order, as the runner runs them: the install step's `path`
    // output feeds the run step, which runs the downloaded (verified) binary for real.
    let releases = Releases::new();
    releases.publish_real("v9.9.9");
    let binary = releases.install(&[("VBUMP_ACTION_REF", "v9.9.9")]).binary();
    let event = releases.sandbox.sandbox().join("event.json");
    let lint = |title: &str| {
        std::fs::write(
            &event,
            serde_json::json!({ "pull_request": { "number": 7, "title": title } }).to_string(),
        )
        .unwrap();
        run_step_in(&[("command", "lint")], Some(&binary), |cmd| {
            cmd.env("GITHUB_EVENT_NAME", "pull_request").env("GITHUB_EVENT_PATH", &event);
        })
    };
    let bad = lint("Added dark mode");
    assert_eq!(bad.code, 1, "{bad:#?}");
    assert!(bad.stdout.contains("::error title=vbump lint%3A pull request #7 title::"), "{}", bad.stdout);
    assert!(bad.stdout.contains("write instead: feat: dark mode"), "{}", bad.stdout);
    let good = lint("feat(ui): dark mode");
    assert_eq!(good.code, 0, "{good:#?}");
    assert_eq!(good.stdout, "::add-mask::ghs_default_token\n");
}

#[test]
fn action_rejects_bad_inputs_before_running_vbump() {
    let run = run_step(&[("push", "yes")]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("input 'push' must be true or false"), "{}", run.stdout);
    assert!(run.args.is_empty(), "vbump must not run: {run:#?}");
    let run = run_step(&[("command", "publish")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("input 'command' must be release, plan, check, audit or lint"),
        "{}",
        run.stdout
    );
    // A value cannot smuggle a second workflow command onto its own line.
    let run = run_step(&[("command", "x\n::add-mask::y")]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("not 'x%0A::add-mask::y'"), "{}", run.stdout);
    assert!(!run.stdout.lines().any(|line| line.starts_with("::add-mask::y")), "{}", run.stdout);
}

#[test]
fn action_outputs_are_the_ones_vbump_writes() {
    let action = action();
    let outputs = action["outputs"].as_hash().unwrap();
    let names: Vec<&str> = outputs.keys().map(|k| k.as_str().unwrap()).collect();
    // `bin` is the install step's: the installed binary, for later steps that run it again.
    assert_eq!(names[0], "bin");
    assert_eq!(
        outputs[&Yaml::String("bin".into())]["value"].as_str(),
        Some("${{ steps.install.outputs.path }}")
    );
    assert_eq!(&names[1..], BINARY_OUTPUTS);
    for (name, spec) in outputs.iter().skip(1) {
        let name = name.as_str().unwrap();
        assert_eq!(spec["value"].as_str(), Some(format!("${{{{ steps.run.outputs.{name} }}}}").as_str()));
        assert!(!spec["description"].as_str().unwrap_or("").is_empty(), "output {name} needs a description");
    }
    // The step the outputs come from runs the binary itself, so its $GITHUB_OUTPUT is vbump's.
    assert!(step(&action, "run")["run"].as_str().unwrap().contains("exec \"$VBUMP_BIN\""));
}

#[test]
fn action_has_no_expression_inside_run_scripts() {
    let action = action();
    for step in action["runs"]["steps"].as_vec().unwrap() {
        let script = step["run"].as_str().unwrap_or("");
        assert!(!script.contains("${{"), "expression inside run: {script}");
    }
    for (name, spec) in action["inputs"].as_hash().unwrap() {
        assert!(!spec["description"].as_str().unwrap_or("").is_empty(), "input {name:?} needs a description");
    }
}

// ---------------------------------------------------------------------------------------------
// The workflows.

fn workflow(path: &str) -> Yaml {
    let text = std::fs::read_to_string(source_root().join(path)).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

const WORKFLOWS: &[&str] = &[
    ".github/workflows/ci.yml",
    ".github/workflows/release.yml",
    "examples/workflows/claude-plugin-release.yml",
];

#[test]
fn workflows_grant_no_default_permissions_and_each_job_its_own() {
    for path in WORKFLOWS {
        let workflow = workflow(path);
        let top =
            workflow["permissions"].as_hash().unwrap_or_else(|| panic!("{path}: no top-level permissions"));
        assert!(top.is_empty(), "{path}: top-level permissions must be {{}}");
        for (job, spec) in workflow["jobs"].as_hash().unwrap() {
            assert!(spec["permissions"].as_hash().is_some(), "{path}: job {job:?} declares no permissions");
        }
    }
}

#[test]
fn workflows_pin_every_action_by_commit_sha_with_its_tag() {
    let mut pinned = 0;
    for path in WORKFLOWS {
        let text = std::fs::read_to_string(source_root().join(path)).unwrap();
        for line in text.lines().filter(|l| l.trim_start().trim_start_matches("- ").starts_with("uses:")) {
            let reference = line.split("uses:").nth(1).unwrap().trim();
            if reference.starts_with("./") || reference.starts_with("vbump/vbump@") {
                continue; // This repository itself (the example's pin is explained in its header).
            }
            let (action, rest) =
                reference.split_once('@').unwrap_or_else(|| panic!("{path}: unpinned {reference}"));
            let (sha, comment) =
                rest.split_once(" # ").unwrap_or_else(|| panic!("{path}: {action} has no tag comment"));
            assert!(sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()), "{path}: {action}@{sha}");
            assert!(comment.starts_with('v'), "{path}: {action} comment {comment:?} names no tag");
            pinned += 1;
        }
    }
    assert!(pinned >= 10, "only {pinned} pinned actions found: is the `uses:` scan still matching?");
}

#[test]
fn release_assets_are_never_replaced() {
    let text = std::fs::read_to_string(source_root().join(".github/workflows/release.yml")).unwrap();
    assert!(text.contains("gh release upload"), "the workflow attaches the assets");
    assert!(!text.contains("--clobber"), "an attached asset must never be replaced");
}

#[test]
fn releases_run_one_at_a_time_and_are_never_cancelled() {
    let release = workflow(".github/workflows/release.yml");
    assert_eq!(release["concurrency"]["cancel-in-progress"].as_bool(), Some(false));
    assert!(release["concurrency"]["group"].as_str().is_some());
    let example = workflow("examples/workflows/claude-plugin-release.yml");
    assert_eq!(example["jobs"]["release"]["concurrency"]["cancel-in-progress"].as_bool(), Some(false));
}

#[test]
fn own_release_writes_the_version_into_cargo_toml_and_cargo_lock() {
    // release.yml builds with `--locked`: a release that bumped Cargo.toml but not Cargo.lock
    // would fail every binary build after the tag is out.
    let config = vbump::config::Config::parse(
        &std::fs::read_to_string(source_root().join("vbump.toml")).unwrap(),
        Path::new("vbump.toml"),
    )
    .unwrap();
    let locations = config.locations.expect("vbump.toml lists the locations");
    let files: Vec<_> = locations.iter().map(|l| l.file.to_str().unwrap()).collect();
    assert_eq!(files, ["Cargo.toml", "Cargo.lock"]);
    for location in &locations {
        let text = std::fs::read_to_string(source_root().join(&location.file)).unwrap();
        match &location.selector {
            vbump::config::Selector::Toml(key) => {
                assert_eq!(key, "package.version");
                let manifest: toml::Table = text.parse().unwrap();
                assert_eq!(manifest["package"]["version"].as_str(), Some(env!("CARGO_PKG_VERSION")));
            }
            vbump::config::Selector::Regex { pattern, all } => {
                assert!(!all);
                let regex = regex::Regex::new(pattern).unwrap();
                let found: Vec<_> = regex.captures_iter(&text).map(|c| c["version"].to_string()).collect();
                assert_eq!(found, [env!("CARGO_PKG_VERSION")], "exactly one match, the package's version");
            }
            other => panic!("unexpected selector {other:?}"),
        }
    }
}
