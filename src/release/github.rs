//! GitHub for this run: which repository, whether the token can reach it, and the settings of the
//! GitHub steps. The GitHub steps run only with `--push` and a known GitHub repository; otherwise
//! vbump does the git part alone and says it skipped them.

use crate::config::Strategy;
use crate::error::{Error, Result};
use crate::forge::{self, Repo, github::GitHub};
use crate::report::Reporter;
use crate::transaction::Secret;

use super::ReleaseRequest;
use super::prepare::Session;

/// The GitHub side of one run.
pub(crate) struct GitHubSteps {
    /// `None` when the GitHub steps are skipped.
    client: Option<GitHub>,
    strategy: Strategy,
    /// `https://github.com/owner/repo`, for links in the notes.
    repo_url: Option<String>,
    /// Why the GitHub steps are skipped although `--push` was given.
    skipped: Option<String>,
    token_warning: Option<&'static str>,
    /// The branch a release pull request comes from.
    pub(crate) release_branch: String,
    /// GitHub Releases are left as drafts (`--draft`, `[github] draft = true`).
    draft: bool,
}

/// The GitHub repository of this run and the server's URL: `GITHUB_REPOSITORY` (an error when it
/// is not `owner/name` and `strict`), else the remote's URL when it is on the server's host.
fn repository(session: &Session, strict: bool) -> Result<Option<(Repo, String)>> {
    let server = env("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".to_string());
    let server = server.trim_end_matches('/').to_string();
    let host = server.split_once("://").map_or(server.as_str(), |(_, h)| h).split('/').next().unwrap_or("");
    let repo = match env("GITHUB_REPOSITORY") {
        Some(slug) => match Repo::parse(&slug) {
            Some(repo) => Some(repo),
            None if strict => {
                return Err(Error::input(format!("GITHUB_REPOSITORY `{slug}` is not `owner/name`"))
                    .hint("set it to the repository's `owner/name`, or unset it to use the remote's URL"));
            }
            None => None,
        },
        None => session.remote_url().and_then(|url| Repo::from_remote_url(&url, host)),
    };
    Ok(repo.map(|repo| (repo, server)))
}

/// `https://github.com/owner/repo`, for links in the release notes and the changelog, when the
/// repository is known; found without the network, so a plan links exactly as its release does.
pub(crate) fn repository_url(session: &Session, strict: bool) -> Option<String> {
    repository(session, strict).ok().flatten().map(|(repo, server)| format!("{server}/{repo}"))
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl GitHubSteps {
    /// Finds the repository and checks the token, before anything changes (a 401 here is exit 2).
    pub(crate) fn connect(
        session: &Session,
        request: &ReleaseRequest,
        token: Option<&Secret>,
    ) -> Result<Self> {
        let config = &session.workspace.config;
        let mut steps = GitHubSteps {
            client: None,
            strategy: request.strategy.unwrap_or(config.strategy),
            repo_url: None,
            skipped: None,
            token_warning: None,
            release_branch: config.release_branch.clone(),
            draft: request.draft || config.github_draft,
        };
        if !request.push {
            steps.repo_url = repository_url(session, false);
            return Ok(steps);
        }
        let Some((repo, server)) = repository(session, true)? else {
            steps.skipped = Some(
                "no GitHub repository is known (GITHUB_REPOSITORY is unset and the remote is not on GitHub)"
                    .into(),
            );
            return Ok(steps);
        };
        let api = env("GITHUB_API_URL").unwrap_or_else(|| forge::DEFAULT_API_URL.to_string());
        let client = GitHub::new(&api, token.map(Secret::expose), repo.clone())?;
        client.check_access()?;
        steps.repo_url = Some(format!("{server}/{repo}"));
        steps.token_warning = token.and_then(|t| forge::token_warning(t.expose()));
        steps.client = Some(client);
        Ok(steps)
    }

    /// The API client, `None` when the GitHub steps are skipped.
    pub(crate) fn client(&self) -> Option<&GitHub> {
        self.client.as_ref()
    }

    /// True when GitHub Releases are left as drafts.
    pub(crate) fn draft(&self) -> bool {
        self.draft
    }

    /// The strategy in force (`--strategy`, else vbump.toml).
    pub(crate) fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// `https://github.com/owner/repo` when the GitHub steps run.
    pub(crate) fn repo_url(&self) -> Option<&str> {
        self.repo_url.as_deref()
    }

    /// Warns, before a push or PR, when the token starts no workflows.
    pub(crate) fn warn_about_token(&self, reporter: &mut dyn Reporter) {
        if let Some(warning) = self.token_warning.filter(|_| self.client.is_some()) {
            reporter.warn(warning);
        }
    }

    /// Says which GitHub steps were skipped, when `--push` was given but GitHub is not known.
    pub(crate) fn say_skipped(&self, reporter: &mut dyn Reporter) {
        if let Some(why) = &self.skipped {
            reporter.note(&format!("{why}; skipped the GitHub steps (protection check, GitHub Release)"));
        }
    }
}
