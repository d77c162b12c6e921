//! The git CLI wrapper: every git write and every network operation vbump makes goes through
//! [`Git`]. Reads stay with git2 in the pure half.
//!
//! Why the CLI and not git2 for writes: `git push --atomic`, the user's credential helpers, SSH
//! agent, hooks configuration, signing and `http.*` settings all behave exactly as the user's own
//! git does. Output is always captured (never printed), and a failure names the arguments, the
//! directory and git's stderr, with the token redacted. A token is handed to git only through
//! `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`, so it is neither on a command line
//! (visible in `ps`) nor in `.git/config`.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::secret::Secret;
use crate::error::{Error, Result};

/// What a finished git process said. Both streams are already redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Output {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// The git commands that talk to a remote: only these see the token.
const NETWORK_COMMANDS: &[&str] = &["push", "fetch", "ls-remote", "pull", "clone"];

/// git, run in one directory, maybe with a token for one remote URL.
#[derive(Debug, Clone)]
pub(crate) struct Git {
    dir: PathBuf,
    /// Configuration for the commands that talk to the remote, passed through the environment:
    /// `(key, value)` pairs (the token's header). Local commands never get it, so no hook or
    /// filter a repository brings can read the token.
    network_config: Vec<(String, String)>,
    secret: Option<Secret>,
    /// Identity for commits and tags when the user's git config has none.
    identity: Option<(String, String)>,
    /// An empty directory made `core.hooksPath` of every command: vbump's own commit, tag, push,
    /// ref updates and checkouts run no hook of any type (created on first use, removed on drop).
    no_hooks: std::sync::Arc<std::sync::OnceLock<Option<tempfile::TempDir>>>,
}

impl Git {
    /// git running in `dir` (a work tree).
    pub(crate) fn new(dir: impl Into<PathBuf>) -> Git {
        Git {
            dir: dir.into(),
            network_config: Vec::new(),
            secret: None,
            identity: None,
            no_hooks: std::sync::Arc::default(),
        }
    }

    /// Authenticates network operations against `remote_url` with `token`, when the URL may carry
    /// it: https, or http to a loopback address (local test servers). Returns whether it will.
    /// Without a token (or for ssh and file remotes) git's own credentials are used unchanged.
    pub(crate) fn authenticate(&mut self, remote_url: &str, token: Option<&Secret>) -> bool {
        let Some(token) = token.filter(|t| !t.expose().is_empty()) else { return false };
        let Some(base) = token_base_url(remote_url) else { return false };
        let key = format!("http.{base}.extraheader");
        // An empty value first resets headers configured earlier (actions/checkout persists one in
        // .git/config); two Authorization headers would make the server reject both.
        self.network_config.push((key.clone(), String::new()));
        self.network_config.push((key, token.basic_auth_header()));
        // git would follow a redirect and send the header to whichever host it names; with a
        // token, a redirect is refused instead, and reported with where it points (see `failure`).
        self.network_config.push(("http.followRedirects".into(), "false".into()));
        self.secret = Some(token.clone());
        true
    }

    /// Commits and tags made by this `Git` use this identity when git config has none.
    pub(crate) fn default_identity(&mut self, name: impl Into<String>, email: impl Into<String>) {
        self.identity = Some((name.into(), email.into()));
    }

    /// Runs git with `args`; stdout without its final newline, or an error naming the command.
    pub(crate) fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<String> {
        self.run_with_input(args, None)
    }

    /// Like [`Git::run`], feeding `input` on stdin.
    pub(crate) fn run_with_input<S: AsRef<OsStr>>(&self, args: &[S], input: Option<&[u8]>) -> Result<String> {
        let out = self.output(args, input)?;
        if out.success {
            Ok(out.stdout.strip_suffix('\n').unwrap_or(&out.stdout).to_string())
        } else {
            Err(self.failure(args, &out))
        }
    }

    /// Runs git and returns what it said, whether it succeeded or not. Only failing to start git
    /// at all is an error.
    pub(crate) fn output<S: AsRef<OsStr>>(&self, args: &[S], input: Option<&[u8]>) -> Result<Output> {
        let mut cmd = self.command(args);
        cmd.stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let started = cmd.spawn().and_then(|mut child| {
            if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
                stdin.write_all(bytes)?;
            }
            child.wait_with_output()
        });
        let raw = started.map_err(|e| {
            Error::input(format!("cannot run `git {}` in `{}`: {e}", self.shown(args), self.dir.display()))
                .hint("install git (2.30 or later) and make sure it is on PATH")
        })?;
        Ok(Output {
            success: raw.status.success(),
            stdout: self.redact(&String::from_utf8_lossy(&raw.stdout)),
            stderr: self.redact(&String::from_utf8_lossy(&raw.stderr)),
        })
    }

    /// The error for a failed command: arguments, directory and git's own words; for a redirect
    /// refused because it would carry the token, where the remote moved to.
    pub(crate) fn failure<S: AsRef<OsStr>>(&self, args: &[S], out: &Output) -> Error {
        let said = out.stderr.trim();
        let said = if said.is_empty() { out.stdout.trim() } else { said };
        // Said in the message itself: callers wrap it with hints of their own.
        let moved = self.refused_redirect(out).map_or_else(String::new, |(from, to)| {
            format!(
                " (the remote `{from}` redirects to `{to}`; vbump does not follow redirects while it \
                 carries a token, which would go to `{to}`: if that is the repository's new home, run \
                 `git remote set-url origin {to}` and run vbump again)"
            )
        });
        Error::input(format!("`git {}` failed in `{}`: {said}{moved}", self.shown(args), self.dir.display()))
    }

    /// When `out` is git refusing a redirect (`http.followRedirects=false`): the URL git was
    /// asking and where the server sent it, read by asking again without the token.
    fn refused_redirect(&self, out: &Output) -> Option<(String, String)> {
        self.secret.as_ref()?;
        let line = out.stderr.lines().find(|l| l.contains("The requested URL returned error: 30"))?;
        let from = line.split_once("unable to access '")?.1.split_once('\'')?.0.to_string();
        let location = redirect_target(&self.dir, &from)?;
        // The target, as far as the repository goes: drop git's own `info/refs?service=…` part.
        let to = location.split_once("/info/refs").map_or(location.as_str(), |(base, _)| base).to_string();
        Some((from.trim_end_matches('/').to_string(), self.redact(&to)))
    }

    /// Removes the token from `text`.
    pub(crate) fn redact(&self, text: &str) -> String {
        match &self.secret {
            Some(secret) => secret.redact(text),
            None => text.to_string(),
        }
    }

    fn command<S: AsRef<OsStr>>(&self, args: &[S]) -> Command {
        let mut cmd = Command::new("git");
        cmd.current_dir(&self.dir).args(args);
        // Never wait for a password prompt: in CI nobody answers, and a hang is worse than an error.
        cmd.env("GIT_TERMINAL_PROMPT", "0");
        let mut config = Vec::new();
        if let Some(empty) = self.no_hooks_dir() {
            config.push(("core.hooksPath".to_string(), empty.to_string_lossy().into_owned()));
        }
        if is_network(args) {
            config.extend(self.network_config.iter().cloned());
        } else if let Some(secret) = self.secret.as_ref().filter(|s| !s.expose().is_empty()) {
            // Whatever variable still holds the token (the caller's own copy) stays out of local
            // commands, whose filters and helpers could read it.
            for (name, value) in std::env::vars_os() {
                if value.to_string_lossy().contains(secret.expose()) {
                    cmd.env_remove(name);
                }
            }
        }
        // Keep configuration an outer process passed the same way, and append ours after it.
        let base: usize = std::env::var("GIT_CONFIG_COUNT").ok().and_then(|n| n.parse().ok()).unwrap_or(0);
        for (i, (key, value)) in config.iter().enumerate() {
            cmd.env(format!("GIT_CONFIG_KEY_{}", base + i), key);
            cmd.env(format!("GIT_CONFIG_VALUE_{}", base + i), value);
        }
        if !config.is_empty() {
            cmd.env("GIT_CONFIG_COUNT", (base + config.len()).to_string());
        }
        if let Some((name, email)) = &self.identity {
            for (var, value) in [
                ("GIT_AUTHOR_NAME", name),
                ("GIT_AUTHOR_EMAIL", email),
                ("GIT_COMMITTER_NAME", name),
                ("GIT_COMMITTER_EMAIL", email),
            ] {
                if std::env::var_os(var).is_none() {
                    cmd.env(var, value);
                }
            }
        }
        cmd
    }

    /// The empty hooks directory; `None` only if no temp directory can be made (then git's own
    /// `--no-verify` still stops the hooks that can veto).
    fn no_hooks_dir(&self) -> Option<&Path> {
        self.no_hooks
            .get_or_init(|| tempfile::Builder::new().prefix("vbump-no-hooks-").tempdir().ok())
            .as_ref()
            .map(tempfile::TempDir::path)
    }

    fn shown<S: AsRef<OsStr>>(&self, args: &[S]) -> String {
        let words: Vec<String> = args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect();
        self.redact(&words.join(" "))
    }
}

/// True when git's subcommand in `args` talks to a remote (options before it, such as `-c`, skipped).
fn is_network<S: AsRef<OsStr>>(args: &[S]) -> bool {
    let mut words = args.iter().map(|a| a.as_ref().to_string_lossy());
    while let Some(word) = words.next() {
        if word == "-c" || word == "-C" {
            words.next();
        } else if !word.starts_with('-') {
            return NETWORK_COMMANDS.contains(&word.as_ref());
        }
    }
    false
}

/// Where `url` redirects to: asks it once more, without any token and without following, with
/// curl's trace on, and reads the `Location` header. `None` when it does not redirect.
fn redirect_target(dir: &Path, url: &str) -> Option<String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "http.followRedirects=false", "ls-remote", "--", url])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_TRACE_CURL", "1")
        .env("GIT_TRACE_CURL_NO_DATA", "1")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let trace = String::from_utf8_lossy(&out.stderr);
    trace.lines().find_map(|line| {
        let header = line.split_once("<= Recv header: ")?.1;
        let (name, value) = header.split_once(':')?;
        name.eq_ignore_ascii_case("location").then(|| value.trim().to_string())
    })
}

/// `scheme://host[:port]/` of a remote URL that may carry a token, `None` for one that may not.
/// Plain http is allowed only to a loopback host, where nothing leaves the machine.
pub(crate) fn token_base_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split('/').next().filter(|a| !a.is_empty())?;
    // Credentials embedded in the URL are the user's choice; our header would fight them.
    if authority.contains('@') {
        return None;
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.split(':').next()?
    };
    let allowed = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => {
            host.eq_ignore_ascii_case("localhost")
                || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        _ => false,
    };
    allowed.then(|| format!("{}://{authority}/", scheme.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_goes_only_to_https_or_loopback_http() {
        assert_eq!(token_base_url("https://github.com/o/r.git").as_deref(), Some("https://github.com/"));
        assert_eq!(token_base_url("http://127.0.0.1:8080/r.git").as_deref(), Some("http://127.0.0.1:8080/"));
        assert_eq!(token_base_url("http://[::1]:81/r").as_deref(), Some("http://[::1]:81/"));
        assert_eq!(token_base_url("http://localhost/r").as_deref(), Some("http://localhost/"));
        assert_eq!(token_base_url("http://example.com/r.git"), None);
        assert_eq!(token_base_url("http://127.0.0.1.evil.com/r.git"), None);
        assert_eq!(token_base_url("git@github.com:o/r.git"), None);
        assert_eq!(token_base_url("ssh://git@github.com/o/r.git"), None);
        assert_eq!(token_base_url("file:///tmp/r.git"), None);
        assert_eq!(token_base_url("/tmp/r.git"), None);
        assert_eq!(token_base_url("https://user:pw@github.com/o/r.git"), None);
    }

    #[test]
    fn failure_names_command_directory_and_stderr_without_the_token() {
        let dir = tempfile::tempdir().unwrap();
        let mut git = Git::new(dir.path());
        let secret = Secret::new("tok_s3cret");
        assert!(git.authenticate("https://example.com/x.git", Some(&secret)));
        let e = git.run(&["rev-parse", "--verify", "tok_s3cret"]).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("`git rev-parse --verify ***` failed in"), "{text}");
        assert!(text.contains(&dir.path().display().to_string()), "{text}");
        assert!(!text.contains("tok_s3cret"), "{text}");
    }

    #[test]
    fn token_reaches_only_network_commands_and_only_through_environment_config() {
        let dir = tempfile::tempdir().unwrap();
        let mut git = Git::new(dir.path());
        git.authenticate("https://example.com/x.git", Some(&Secret::new("abc")));
        // A local command (here `config`, standing for commit, tag, checkout and the filters and
        // hooks they could start) sees neither the header nor the redirect policy.
        let local =
            git.output(&["config", "--get-all", "http.https://example.com/.extraheader"], None).unwrap();
        assert!(!local.success && local.stdout.is_empty(), "{local:?}");
        let env: Vec<String> = git
            .command(&["push", "origin"])
            .get_envs()
            .filter_map(|(k, v)| Some(format!("{}={}", k.to_str()?, v?.to_str()?)))
            .collect();
        assert!(env.iter().any(|e| e.ends_with("=Authorization: basic eC1hY2Nlc3MtdG9rZW46YWJj")), "{env:?}");
        assert!(env.iter().any(|e| e.ends_with("=http.followRedirects")), "{env:?}");
        let env: Vec<String> = git
            .command(&["-c", "x.y=z", "commit"])
            .get_envs()
            .filter_map(|(_, v)| Some(v?.to_str()?.to_string()))
            .collect();
        assert!(!env.iter().any(|v| v.contains("Authorization")), "{env:?}");
    }

    #[test]
    fn network_commands_are_told_apart_after_leading_options() {
        assert!(is_network(&["push", "--atomic"]));
        assert!(is_network(&["-c", "a=b", "ls-remote", "origin"]));
        assert!(is_network(&["fetch"]));
        assert!(!is_network(&["-c", "push=1", "commit"]));
        assert!(!is_network(&["update-ref", "push"]));
        assert!(!is_network::<&str>(&[]));
    }

    #[test]
    fn every_command_runs_with_an_empty_hooks_directory() {
        let dir = tempfile::tempdir().unwrap();
        let git = Git::new(dir.path());
        let hooks = git.run(&["config", "core.hooksPath"]).unwrap();
        let path = Path::new(&hooks);
        assert!(path.is_dir(), "{hooks}");
        assert_eq!(std::fs::read_dir(path).unwrap().count(), 0);
        drop(git);
        assert!(!path.exists(), "the directory goes with the last Git");
    }
}
