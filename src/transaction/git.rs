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
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::secret::Secret;
use crate::error::{Error, Result};

/// What a finished git process said. Both streams are already redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// git, run in one directory, maybe with a token for one remote URL.
#[derive(Debug, Clone)]
pub struct Git {
    dir: PathBuf,
    /// Extra configuration passed through the environment: `(key, value)` pairs.
    config: Vec<(String, String)>,
    secret: Option<Secret>,
    /// Identity for commits and tags when the user's git config has none.
    identity: Option<(String, String)>,
}

impl Git {
    /// git running in `dir` (a work tree).
    pub fn new(dir: impl Into<PathBuf>) -> Git {
        Git { dir: dir.into(), config: Vec::new(), secret: None, identity: None }
    }

    /// Authenticates network operations against `remote_url` with `token`, when the URL may carry
    /// it: https, or http to a loopback address (local test servers). Returns whether it will.
    /// Without a token (or for ssh and file remotes) git's own credentials are used unchanged.
    pub fn authenticate(&mut self, remote_url: &str, token: Option<&Secret>) -> bool {
        let Some(token) = token.filter(|t| !t.expose().is_empty()) else { return false };
        let Some(base) = token_base_url(remote_url) else { return false };
        let key = format!("http.{base}.extraheader");
        // An empty value first resets headers configured earlier (actions/checkout persists one in
        // .git/config); two Authorization headers would make the server reject both.
        self.config.push((key.clone(), String::new()));
        self.config.push((key, token.basic_auth_header()));
        self.secret = Some(token.clone());
        true
    }

    /// Commits and tags made by this `Git` use this identity when git config has none.
    pub fn default_identity(&mut self, name: impl Into<String>, email: impl Into<String>) {
        self.identity = Some((name.into(), email.into()));
    }

    /// Runs git with `args`; stdout without its final newline, or an error naming the command.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<String> {
        self.run_with_input(args, None)
    }

    /// Like [`Git::run`], feeding `input` on stdin.
    pub fn run_with_input<S: AsRef<OsStr>>(&self, args: &[S], input: Option<&[u8]>) -> Result<String> {
        let out = self.output(args, input)?;
        if out.success {
            Ok(out.stdout.strip_suffix('\n').unwrap_or(&out.stdout).to_string())
        } else {
            Err(self.failure(args, &out))
        }
    }

    /// Runs git and returns what it said, whether it succeeded or not. Only failing to start git
    /// at all is an error.
    pub fn output<S: AsRef<OsStr>>(&self, args: &[S], input: Option<&[u8]>) -> Result<Output> {
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

    /// The error for a failed command: arguments, directory and git's own words.
    pub fn failure<S: AsRef<OsStr>>(&self, args: &[S], out: &Output) -> Error {
        let said = out.stderr.trim();
        let said = if said.is_empty() { out.stdout.trim() } else { said };
        Error::input(format!("`git {}` failed in `{}`: {said}", self.shown(args), self.dir.display()))
    }

    /// Removes the token from `text`.
    pub fn redact(&self, text: &str) -> String {
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
        if !self.config.is_empty() {
            // Keep configuration an outer process passed the same way, and append ours after it.
            let base: usize =
                std::env::var("GIT_CONFIG_COUNT").ok().and_then(|n| n.parse().ok()).unwrap_or(0);
            for (i, (key, value)) in self.config.iter().enumerate() {
                cmd.env(format!("GIT_CONFIG_KEY_{}", base + i), key);
                cmd.env(format!("GIT_CONFIG_VALUE_{}", base + i), value);
            }
            cmd.env("GIT_CONFIG_COUNT", (base + self.config.len()).to_string());
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

    fn shown<S: AsRef<OsStr>>(&self, args: &[S]) -> String {
        let words: Vec<String> = args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect();
        self.redact(&words.join(" "))
    }
}

/// `scheme://host[:port]/` of a remote URL that may carry a token, `None` for one that may not.
/// Plain http is allowed only to a loopback host, where nothing leaves the machine.
pub fn token_base_url(url: &str) -> Option<String> {
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
    fn token_reaches_git_only_through_environment_config() {
        let dir = tempfile::tempdir().unwrap();
        let mut git = Git::new(dir.path());
        git.authenticate("https://example.com/x.git", Some(&Secret::new("abc")));
        let values = git.run(&["config", "--get-all", "http.https://example.com/.extraheader"]).unwrap();
        // The reset entry (empty) and then the header; stdout is redacted, so the token shows as ***.
        assert_eq!(values, "\nAuthorization: basic ***");
    }
}
