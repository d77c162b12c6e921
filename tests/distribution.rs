//! What users download: the licenses the package declares, and the release assets as the release
//! workflow makes them. Its build and publish jobs' `run:` steps are run as the runner would run
//! them, with stand-ins only for what cannot run here (a cross build, the upload to GitHub); what
//! they produce is what cargo-binstall's template, `SHA256SUMS` and `install.sh` are checked
//! against.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use yaml_rust2::YamlLoader;

use crate::support::http_files::FileServer;
use crate::support::markdown;
use crate::support::{TestRepo, make_executable};

const CARGO_TOML: &str = include_str!("../Cargo.toml");
const RELEASE_WORKFLOW: &str = include_str!("../.github/workflows/release.yml");
const README: &str = include_str!("../README.md");

fn manifest() -> toml::Table {
    toml::from_str(CARGO_TOML).unwrap()
}

#[test]
fn both_licenses_the_package_declares_are_in_the_repository() {
    assert_eq!(manifest()["package"]["license"].as_str(), Some("MIT OR Apache-2.0"));
    let mit = include_str!("../LICENSE-MIT");
    let apache = include_str!("../LICENSE-APACHE");
    assert!(mit.starts_with("MIT License\n\nCopyright (c)"), "{mit}");
    assert!(mit.contains("THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF\nANY KIND"));
    assert!(apache.contains("Apache License\n                        Version 2.0, January 2004"));
    assert!(apache.trim_end().ends_with("END OF TERMS AND CONDITIONS"));
}

/// cargo-binstall's template syntax: `{ key }` with optional spaces; an unknown key fails.
fn render(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("an unclosed `{` in the template") + start;
        let key = rest[start + 1..end].trim();
        let value =
            values.iter().find(|(k, _)| *k == key).unwrap_or_else(|| panic!("unknown template key `{key}`"));
        out.push_str(value.1);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The release a run of release.yml's build and publish jobs made, for `tag` cut from `commit`.
struct Published {
    sandbox: TestRepo,
    tag: String,
    commit: String,
    /// Each matrix target and the one file its build job put in `dist/`.
    built: Vec<(String, String)>,
    /// The files `gh release upload` was given, in order.
    uploaded: Vec<String>,
    /// Every `gh` call of the publish job, in order, each as its arguments.
    gh_calls: Vec<Vec<String>>,
    /// The bare remote of the publish job's checkout (the release commit on `main`).
    origin: PathBuf,
}

const REPOSITORY: &str = "vbump/vbump";

impl Published {
    fn dist(&self) -> PathBuf {
        self.sandbox.sandbox().join("publish/dist")
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.dist().join(file)).unwrap()
    }
}

/// Stand-ins on PATH for what cannot run here: `rustup` and `sudo` do nothing; `cargo build
/// --target T` puts at `target/T/release/vbump[.exe]` a small executable that runs this vbump
/// (so each target's file differs and still runs); `gh` records its arguments.
fn stand_ins(sandbox: &TestRepo) -> std::ffi::OsString {
    let bin = sandbox.sandbox().join("stand-ins");
    std::fs::create_dir_all(&bin).unwrap();
    let scripts = [
        ("rustup", "exit 0\n".to_string()),
        ("sudo", "exit 0\n".to_string()),
        (
            "cargo",
            format!(
                "while [ \"$1\" != --target ]; do shift; done\ntarget=\"$2\"\nexe=\"\"\n\
                 case \"$target\" in *windows*) exe=.exe ;; esac\nmkdir -p \"target/$target/release\"\n\
                 out=\"target/$target/release/vbump$exe\"\n\
                 printf '#!/usr/bin/env bash\\n# vbump for %s\\nexec %s \"$@\"\\n' \"$target\" '{}' > \"$out\"\n\
                 chmod +x \"$out\"\n",
                env!("CARGO_BIN_EXE_vbump")
            ),
        ),
        // One call per paragraph: its arguments, one a line, then an empty line.
        ("gh", format!("printf '%s\\n' \"$@\" '' >> '{}'\n", sandbox.sandbox().join("gh-args").display())),
    ];
    for (name, body) in scripts {
        let path = bin.join(name);
        std::fs::write(&path, format!("#!/usr/bin/env bash\nset -eu\n{body}")).unwrap();
        make_executable(&path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path))).unwrap()
}

/// The value the runner gives an expression of release.yml's build and publish steps.
fn evaluate(expression: &str, target: &str, published: (&str, &str)) -> String {
    match expression {
        "${{ matrix.target }}" => target.to_string(),
        "${{ needs.release.outputs.tag }}" => published.0.to_string(),
        "${{ needs.release.outputs.commit }}" => published.1.to_string(),
        "${{ github.token }}" => "ghs_stand_in".to_string(),
        "${{ needs.release.outputs.release-id }}" => "4242".to_string(),
        "${{ needs.release.outputs.make-latest }}" => "true".to_string(),
        other => panic!("release.yml: unknown expression `{other}` in a run step's env"),
    }
}

/// Runs every `run:` step of `job` in `dir` as the runner would (`bash -eo pipefail`).
fn run_job(sandbox: &TestRepo, job: &str, dir: &Path, target: &str, published: (&str, &str)) {
    let workflow = &YamlLoader::load_from_str(RELEASE_WORKFLOW).unwrap()[0];
    let path = stand_ins(sandbox);
    for step in workflow["jobs"][job]["steps"].as_vec().unwrap() {
        let Some(script) = step["run"].as_str() else { continue };
        assert!(matches!(step["shell"].as_str(), None | Some("bash")), "{job}: steps run in bash");
        let mut cmd = sandbox.command("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .current_dir(dir)
            .env("PATH", &path)
            .env("GITHUB_REPOSITORY", REPOSITORY)
            .env("GITHUB_SERVER_URL", "https://github.com");
        for (var, expression) in step["env"].as_hash().into_iter().flatten() {
            cmd.env(var.as_str().unwrap(), evaluate(expression.as_str().unwrap(), target, published));
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{job} ({target}): {script}\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// release.yml's build job for every matrix target, then its publish job on what they built.
fn publish_as_release_yml() -> Published {
    let sandbox = TestRepo::bare_sandbox();
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    // The publish job's checkout of the release commit (action.yml and the pin script as in this
    // tree), with a real bare remote for the pinned tag.
    let checkout = sandbox.sandbox().join("publish");
    let origin = sandbox.sandbox().join("origin.git");
    std::fs::create_dir_all(checkout.join("scripts")).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["action.yml", "scripts/pin-action.sh"] {
        std::fs::copy(source.join(file), checkout.join(file)).unwrap();
    }
    let git = |dir: &Path, args: &[&str]| {
        let out = sandbox.command("git").args(args).current_dir(dir).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim_end().to_string()
    };
    git(sandbox.sandbox(), &["init", "--quiet", "--bare", "--initial-branch=main", "origin.git"]);
    git(&checkout, &["init", "--quiet", "--initial-branch=main"]);
    git(&checkout, &["add", "action.yml", "scripts"]);
    git(&checkout, &["commit", "--quiet", "-m", &format!("chore(release): {tag}")]);
    git(&checkout, &["remote", "add", "origin", origin.to_str().unwrap()]);
    git(&checkout, &["push", "--quiet", "origin", "main"]);
    let commit = git(&checkout, &["rev-parse", "HEAD"]);
    let commit = commit.as_str();
    let workflow = &YamlLoader::load_from_str(RELEASE_WORKFLOW).unwrap()[0];
    let dist = sandbox.sandbox().join("publish/dist");
    std::fs::create_dir_all(&dist).unwrap();
    let mut built = Vec::new();
    for entry in workflow["jobs"]["build"]["strategy"]["matrix"]["include"].as_vec().unwrap() {
        let target = entry["target"].as_str().unwrap();
        let checkout = sandbox.sandbox().join("build").join(target);
        std::fs::create_dir_all(&checkout).unwrap();
        run_job(&sandbox, "build", &checkout, target, (&tag, commit));
        // upload-artifact takes `dist/*`; download-artifact merges every target's into one `dist`.
        let files: Vec<_> =
            std::fs::read_dir(checkout.join("dist")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(files.len(), 1, "{target}: the build leaves one file in dist/: {files:?}");
        let asset = files[0].to_str().unwrap().to_string();
        std::fs::copy(checkout.join("dist").join(&asset), dist.join(&asset)).unwrap();
        built.push((target.to_string(), asset));
    }
    run_job(&sandbox, "publish", &sandbox.sandbox().join("publish"), "", (&tag, commit));
    let calls = std::fs::read_to_string(sandbox.sandbox().join("gh-args")).expect("the publish job calls gh");
    let gh_calls: Vec<Vec<String>> =
        calls.split_terminator("\n\n").map(|call| call.lines().map(str::to_string).collect()).collect();
    let args = gh_calls.iter().find(|call| call[..2] == ["release", "upload"]).expect("an upload");
    assert_eq!(args[..3], ["release", "upload", tag.as_str()], "{args:?}");
    let end = args.iter().position(|a| a == "--repo").expect("gh names the repository");
    assert_eq!(args[end + 1], REPOSITORY);
    let uploaded = args[3..end].to_vec();
    Published { sandbox, tag, commit: commit.to_string(), built, uploaded, gh_calls, origin }
}

#[test]
fn cargo_binstall_finds_every_binary_the_release_workflow_uploads() {
    let published = publish_as_release_yml();
    let manifest = manifest();
    let package = &manifest["package"];
    let binstall = &package["metadata"]["binstall"];
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("bin"), "the assets are bare binaries, not archives");
    let template = binstall["pkg-url"].as_str().unwrap();
    let (repo, name, version) = (
        package["repository"].as_str().unwrap(),
        package["name"].as_str().unwrap(),
        package["version"].as_str().unwrap(),
    );
    assert_eq!(repo, format!("https://github.com/{REPOSITORY}"));
    assert_eq!(published.built.len(), 5, "Linux x86_64/aarch64 musl, macOS x86_64/arm64, Windows x86_64");
    for (target, asset) in &published.built {
        // cargo-binstall's `binary-ext` is `.exe` for Windows targets, else empty.
        let binary_ext = if target.contains("windows") { ".exe" } else { "" };
        let url = render(
            template,
            &[
                ("repo", repo),
                ("name", name),
                ("version", version),
                ("target", target),
                ("binary-ext", binary_ext),
            ],
        );
        assert_eq!(url, format!("{repo}/releases/download/{}/{asset}", published.tag), "{target}");
        assert!(published.uploaded.contains(asset), "{asset} is built but not uploaded");
    }
}

#[test]
fn sha256sums_covers_every_uploaded_file_and_commit_names_the_release_commit() {
    let published = publish_as_release_yml();
    let sums = published.read("SHA256SUMS");
    let summed: BTreeSet<&str> =
        sums.lines().map(|l| l.split_once("  ").expect("sha256sum's format").1).collect();
    let uploaded: BTreeSet<&str> = published
        .uploaded
        .iter()
        .map(String::as_str)
        .filter(|f| !matches!(*f, "SHA256SUMS" | "COMMIT"))
        .collect();
    assert_eq!(summed, uploaded, "SHA256SUMS lists exactly the uploaded assets");
    for extra in ["vbump.1", "vbump-completions.tar.gz", "SHA256SUMS", "COMMIT"] {
        assert!(
            published.uploaded.iter().any(|f| f == extra),
            "{extra} is not uploaded: {:?}",
            published.uploaded
        );
    }
    let check = published
        .sandbox
        .command("sha256sum")
        .args(["--check", "--strict", "SHA256SUMS"])
        .current_dir(published.dist())
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    assert_eq!(published.read("COMMIT").trim_end(), published.commit);
}

#[test]
fn the_release_attaches_a_man_page_and_completions_that_vbump_made() {
    let published = publish_as_release_yml();
    let man = published.read("vbump.1");
    assert!(man.contains(".TH vbump 1"), "{man}");
    let list = published
        .sandbox
        .command("tar")
        .args(["-tzf", "vbump-completions.tar.gz"])
        .current_dir(published.dist())
        .output()
        .unwrap();
    let mut files: Vec<String> = String::from_utf8_lossy(&list.stdout).lines().map(str::to_string).collect();
    files.sort();
    assert_eq!(
        files,
        [
            "completions/",
            "completions/vbump.bash",
            "completions/vbump.elvish",
            "completions/vbump.fish",
            "completions/vbump.powershell",
            "completions/vbump.zsh"
        ]
    );
}

#[test]
fn install_sh_installs_the_uploaded_asset_of_every_target_and_verifies_it() {
    let published = publish_as_release_yml();
    // The uploaded files, served as GitHub's release download URLs would serve them.
    let releases = published.sandbox.sandbox().join("releases");
    let release = releases.join(&published.tag);
    std::fs::create_dir_all(&release).unwrap();
    for file in &published.uploaded {
        std::fs::copy(published.dist().join(file), release.join(file)).unwrap();
    }
    let server = FileServer::start(&releases);
    for (target, asset) in &published.built {
        // GitHub's runner names for the platform each target runs on.
        let runner_os = match target.as_str() {
            t if t.contains("linux") => "Linux",
            t if t.contains("apple") => "macOS",
            _ => "Windows",
        };
        let runner_arch = if target.starts_with("aarch64") { "ARM64" } else { "X64" };
        let install_dir = published.sandbox.sandbox().join("install").join(target);
        let out = published
            .sandbox
            .command("bash")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/install.sh"))
            .current_dir(published.sandbox.sandbox())
            .env_remove("VBUMP_ACTION_REF")
            .env_remove("VBUMP_SHA256SUMS")
            .env("VBUMP_VERSION", &published.tag)
            .env("VBUMP_DOWNLOAD_URL", server.url())
            .env("VBUMP_INSTALL_DIR", &install_dir)
            .env("RUNNER_OS", runner_os)
            .env("RUNNER_ARCH", runner_arch)
            .env("TMPDIR", published.sandbox.sandbox())
            .env("CARGO", "/nonexistent/cargo")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{target}: {stderr}");
        let exe = if runner_os == "Windows" { ".exe" } else { "" };
        let installed = install_dir.join(format!("vbump{exe}"));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), installed.to_str().unwrap());
        assert_eq!(
            std::fs::read(&installed).unwrap(),
            std::fs::read(published.dist().join(asset)).unwrap(),
            "{target}"
        );
        assert!(stderr.contains(&format!("installed vbump {}", env!("CARGO_PKG_VERSION"))), "{stderr}");
    }
    let asked: BTreeSet<String> = server.requests().into_iter().collect();
    for (_, asset) in &published.built {
        assert!(asked.contains(&format!("/{}/{asset}", published.tag)), "{asset} was never downloaded");
    }
}

#[test]
fn readmes_install_table_is_what_the_release_publishes() {
    let install = markdown::section(README, "## Install").table();
    let ways: Vec<&str> = install.iter().map(|row| row[0]).collect();
    assert_eq!(
        ways,
        [
            "GitHub Action",
            "prebuilt binary",
            "cargo-binstall",
            "cargo",
            "shell completions, man page",
            "pre-commit"
        ],
        "a new way to install needs its check here"
    );
    let published = publish_as_release_yml();
    let row = |way: &str| install.iter().find(|row| row[0] == way).unwrap()[1];

    // Prebuilt binary: one asset and SHA256SUMS downloaded, then the check the row gives.
    let prebuilt = row("prebuilt binary");
    assert!(
        prebuilt.contains("download `vbump-<target>` (`.exe` on Windows) and `SHA256SUMS`"),
        "{prebuilt}"
    );
    let check = prebuilt.rsplit_once("then `").unwrap().1.trim_end_matches('`');
    let download = published.sandbox.sandbox().join("download");
    std::fs::create_dir_all(&download).unwrap();
    let (_, asset) = &published.built[0];
    for file in [asset.as_str(), "SHA256SUMS"] {
        std::fs::copy(published.dist().join(file), download.join(file)).unwrap();
    }
    let run =
        || published.sandbox.command("bash").args(["-c", check]).current_dir(&download).output().unwrap();
    assert!(run().status.success(), "`{check}` fails on a genuine download");
    std::fs::write(download.join(asset), b"tampered").unwrap();
    assert!(!run().status.success(), "`{check}` passes a tampered download");

    // cargo-binstall and cargo install name the package; binstall's assets are checked above.
    assert_eq!(
        row("cargo-binstall"),
        format!("`cargo binstall {}`", manifest()["package"]["name"].as_str().unwrap())
    );
    assert_eq!(
        row("cargo"),
        format!("`cargo install --locked {}`", manifest()["package"]["name"].as_str().unwrap())
    );
    // The completions and the man page: the commands exist, and the release carries both files.
    let extras = row("shell completions, man page");
    for file in ["vbump-completions.tar.gz", "vbump.1"] {
        assert!(extras.contains(&format!("`{file}`")), "{extras}");
        assert!(published.uploaded.iter().any(|f| f == file), "{file} is not released");
    }
    // The action and pre-commit rows point where their tests are (action.rs, .ci/pre-commit-hooks).
    assert!(row("GitHub Action").contains("`uses: vbump/vbump@<full SHA of a release> # vX.Y.Z`"));
    assert!(row("pre-commit").contains("`repo: https://github.com/vbump/vbump`"));
    assert!(include_str!("../.pre-commit-hooks.yaml").contains("- id: vbump-lint\n"));
}

/// The release workflow's order, which makes a published release final: vbump leaves the GitHub
/// Release a draft; the assets are attached to the draft (never replacing one); the commit users
/// pin is made from the checksums of exactly those assets; publishing is the very last step, with
/// the release id and `make_latest` vbump gave, and nothing touches the release after it.
#[test]
fn the_release_is_a_draft_until_every_asset_is_attached_and_the_pin_is_made() {
    let workflow = &YamlLoader::load_from_str(RELEASE_WORKFLOW).unwrap()[0];
    let release_steps = workflow["jobs"]["release"]["steps"].as_vec().unwrap();
    let vbump = release_steps.iter().find(|step| step["id"].as_str() == Some("vbump")).unwrap();
    assert_eq!(vbump["with"]["draft"].as_bool(), Some(true), "vbump must leave the release a draft");
    let outputs = &workflow["jobs"]["release"]["outputs"];
    assert_eq!(outputs["release-id"].as_str(), Some("${{ steps.vbump.outputs.release-id }}"));
    assert_eq!(outputs["make-latest"].as_str(), Some("${{ steps.vbump.outputs.make-latest }}"));

    let steps = workflow["jobs"]["publish"]["steps"].as_vec().unwrap();
    let scripts: Vec<&str> = steps.iter().map(|step| step["run"].as_str().unwrap_or("")).collect();
    let position = |what: &str, needle: &str| {
        let found: Vec<usize> = (0..scripts.len()).filter(|&i| scripts[i].contains(needle)).collect();
        assert_eq!(found.len(), 1, "one step {what} (`{needle}`): {found:?}");
        found[0]
    };
    let upload = position("attaches the assets", "gh release upload");
    let pin = position("makes the pinned commit", "scripts/pin-action.sh");
    let publish = position("publishes", "-F draft=false");
    assert!(upload < pin && pin < publish, "upload {upload}, pin {pin}, publish {publish}");
    assert_eq!(publish, steps.len() - 1, "publishing is the last step");
    assert!(scripts[upload].contains("sha256sum vbump-* vbump.1 > SHA256SUMS"));
    assert!(scripts[pin].contains("dist/SHA256SUMS"), "the pin carries the checksums of what was attached");
    assert!(scripts[publish].contains(r#"repos/$GITHUB_REPOSITORY/releases/$RELEASE_ID"#));
    assert!(scripts[publish].contains(r#"make_latest="$MAKE_LATEST""#));
    let env = &steps[publish]["env"];
    assert_eq!(env["RELEASE_ID"].as_str(), Some("${{ needs.release.outputs.release-id }}"));
    assert_eq!(env["MAKE_LATEST"].as_str(), Some("${{ needs.release.outputs.make-latest }}"));
    for script in &scripts {
        assert!(!script.contains("--clobber"), "an attached asset is never replaced");
        assert!(!script.contains("gh release create"), "vbump creates the release, once");
    }
    // The checkout that the pin commit builds on comes before the assets are downloaded into it.
    let checkout =
        steps.iter().position(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("actions/checkout@")));
    let download = steps
        .iter()
        .position(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("actions/download-artifact@")));
    assert!(checkout.unwrap() < download.unwrap());

    // Run as the runner runs it: the upload to the draft, then the pinned commit on the real remote
    // carrying exactly the uploaded SHA256SUMS, then one publishing call, the last.
    let published = publish_as_release_yml();
    let calls: Vec<&[String]> = published.gh_calls.iter().map(Vec::as_slice).collect();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0][..2], ["release", "upload"]);
    assert_eq!(
        calls[1],
        [
            "api",
            "--method",
            "PATCH",
            &format!("repos/{REPOSITORY}/releases/4242"),
            "-F",
            "draft=false",
            "-f",
            "make_latest=true",
            "--jq",
            ".html_url"
        ]
    );
    let origin = |args: &[&str]| {
        let out = published
            .sandbox
            .command("git")
            .current_dir(published.sandbox.sandbox())
            .arg("--git-dir")
            .arg(&published.origin)
            .args(args)
            .output();
        String::from_utf8(out.unwrap().stdout).unwrap().trim_end().to_string()
    };
    let pinned = origin(&["rev-parse", &format!("refs/tags/pinned/{}^{{commit}}", published.tag)]);
    assert_eq!(origin(&["rev-parse", &format!("{pinned}^@")]), published.commit);
    assert_eq!(origin(&["rev-parse", "main"]), published.commit, "no branch moves");
    let action =
        YamlLoader::load_from_str(&origin(&["show", &format!("{pinned}:action.yml")])).unwrap().remove(0);
    let install =
        action["runs"]["steps"].as_vec().unwrap().iter().find(|s| s["id"].as_str() == Some("install"));
    assert_eq!(
        install.unwrap()["env"]["VBUMP_SHA256SUMS"].as_str(),
        Some(published.read("SHA256SUMS").as_str())
    );
}
