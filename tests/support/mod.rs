//! The test harness: real git repositories in temp dirs, and the real `vbump` binary.
//!
//! ```ignore
//! let repo = TestRepo::new();
//! repo.file("Cargo.toml", "[package]\nname = \"x\"\nversion = \"1.2.0\"\n").commit("chore: init").tag("v1.2.0");
//! repo.commit("feat: add x");
//! repo.vbump(["next"]).expect(0, "1.3.0\n", "");
//! ```
//! Every repository gets its own HOME and global git config (identity set, signing off, no hooks),
//! and commit dates count up from a pinned instant, so history is the same on every machine.

#![allow(dead_code)]

pub mod http_files;

use std::cell::Cell;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

pub mod git_http;
pub mod github_fake;
pub mod markdown;
pub mod openapi;
pub mod state;

/// Environment variables from the outer CI run that must not leak into a test's vbump.
const SCRUBBED_ENV: &[&str] = &[
    "GITHUB_ACTIONS",
    "GITHUB_TOKEN",
    "GITHUB_OUTPUT",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_REPOSITORY",
    "GITHUB_API_URL",
    "GITHUB_EVENT_PATH",
    "GITHUB_EVENT_NAME",
    "GITHUB_ACTOR",
    "GITHUB_SERVER_URL",
    "GITHUB_REF",
    "GITHUB_HEAD_REF",
    "GITHUB_BASE_REF",
    "NO_COLOR",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_PARAMETERS",
];

/// A sandbox: a temp dir holding a HOME with its git config, a work tree, and maybe a bare remote.
pub struct TestRepo {
    temp: TempDir,
    /// Seconds since the pinned start; each commit moves the clock by one minute.
    clock: Cell<u64>,
}

/// What a vbump run did.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Asserts the exit code and the exact stdout and stderr ("" means: must be empty).
    #[track_caller]
    pub fn expect(&self, code: i32, stdout: &str, stderr: &str) -> &Self {
        assert_eq!(
            (self.code, self.stdout.as_str(), self.stderr.as_str()),
            (code, stdout, stderr),
            "\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts the exit code only.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(self.stdout.contains(needle), "stdout lacks {needle:?}\n--- stdout\n{}", self.stdout);
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(self.stderr.contains(needle), "stderr lacks {needle:?}\n--- stderr\n{}", self.stderr);
        self
    }
}

impl Default for TestRepo {
    fn default() -> Self {
        TestRepo::new()
    }
}

impl TestRepo {
    /// An empty repository on branch `main`.
    pub fn new() -> TestRepo {
        let repo = TestRepo::bare_sandbox();
        std::fs::create_dir_all(repo.path()).unwrap();
        repo.git(["init", "--quiet", "--initial-branch=main"]);
        repo
    }

    /// A sandbox with HOME and git config but no repository yet.
    pub fn bare_sandbox() -> TestRepo {
        let temp = tempfile::Builder::new().prefix("vbump-test-").tempdir().unwrap();
        let home = temp.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Test Author\n\temail = author@example.com\n\
             [commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n\
             [init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n\
             [protocol \"file\"]\n\tallow = always\n",
        )
        .unwrap();
        TestRepo { temp, clock: Cell::new(0) }
    }

    /// The work tree.
    pub fn path(&self) -> PathBuf {
        self.temp.path().join("work")
    }

    /// The sandbox root (holds `home/`, `work/`, `origin.git/`).
    pub fn sandbox(&self) -> &Path {
        self.temp.path()
    }

    /// The environment every git and vbump process of this sandbox runs with.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        for var in SCRUBBED_ENV {
            cmd.env_remove(var);
        }
        let home = self.temp.path().join("home");
        let date = format!("@{} +0000", 1_700_000_000 + self.clock.get());
        cmd.current_dir(self.path())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C");
        cmd
    }

    /// Runs git in the work tree; panics with its output when it fails. Returns stdout, trimmed.
    #[track_caller]
    pub fn git<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_os_string()).collect();
        let out = self.command("git").args(&args).output().unwrap();
        assert!(out.status.success(), "git {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim_end().to_string()
    }

    /// Runs git and returns its raw output, failed or not.
    pub fn git_output<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command("git").args(args).output().unwrap()
    }

    /// Writes a file (creating folders) in the work tree.
    pub fn file(&self, path: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Reads a file of the work tree.
    pub fn read(&self, path: &str) -> Vec<u8> {
        std::fs::read(self.path().join(path)).unwrap()
    }

    /// Reads a file of the work tree as text.
    pub fn read_text(&self, path: &str) -> String {
        String::from_utf8(self.read(path)).unwrap()
    }

    /// Stages everything and commits (empty commits allowed), moving the clock a minute.
    pub fn commit(&self, message: &str) -> &Self {
        self.clock.set(self.clock.get() + 60);
        self.git(["add", "--all"]);
        self.git(["commit", "--quiet", "--allow-empty", "--no-verify", "-m", message]);
        self
    }

    /// A lightweight tag on HEAD.
    pub fn tag(&self, name: &str) -> &Self {
        self.git(["tag", name]);
        self
    }

    /// An annotated tag on HEAD.
    pub fn annotated_tag(&self, name: &str) -> &Self {
        self.git(["tag", "-a", name, "-m", &format!("release {name}")]);
        self
    }

    /// The full sha of a revision.
    pub fn rev(&self, rev: &str) -> String {
        self.git(["rev-parse", rev])
    }

    /// Creates a bare repository `origin.git` beside the work tree, adds it as `origin` and pushes
    /// the current branch and tags to it (when there are commits). Returns its path.
    pub fn origin(&self) -> PathBuf {
        let origin = self.temp.path().join("origin.git");
        let out = self
            .command("git")
            .args(["init", "--quiet", "--bare", "--initial-branch=main"])
            .arg(&origin)
            .output()
            .unwrap();
        assert!(out.status.success());
        self.git(["remote", "add", "origin", origin.to_str().unwrap()]);
        if self.git_output(["rev-parse", "--verify", "HEAD"]).status.success() {
            self.git(["push", "--quiet", "--set-upstream", "origin", "main", "--tags"]);
        }
        origin
    }

    /// Runs git inside the bare `origin.git`.
    #[track_caller]
    pub fn origin_git<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let out = self
            .command("git")
            .arg("--git-dir")
            .arg(self.temp.path().join("origin.git"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git (origin) failed:\n{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim_end().to_string()
    }

    /// Runs the real vbump binary in the work tree.
    pub fn vbump<I, S>(&self, args: I) -> Outcome
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.vbump_with(args, |_| {})
    }

    /// Runs vbump with extra set-up of its command (environment variables, mostly).
    pub fn vbump_with<I, S>(&self, args: I, setup: impl FnOnce(&mut Command)) -> Outcome
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.command(env!("CARGO_BIN_EXE_vbump"));
        cmd.args(args);
        setup(&mut cmd);
        let out = cmd.output().unwrap();
        Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}

/// Makes a script the tests write runnable (a stand-in binary, a hook).
#[cfg(unix)]
pub fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Makes a script the tests write runnable (a stand-in binary, a hook).
#[cfg(not(unix))]
pub fn make_executable(_path: &Path) {}
