//! The GitHub side of `vbump release`: choosing the route (`push` or release pull request), the
//! GitHub Release after the commit point, the release PR, finishing a merged release PR, and the
//! changelog section inside the release commit.
//!
//! `release.rs` calls in at a few seams: [`connect`] before anything changes, [`Forge::decide`]
//! for the route, [`Forge::hooks`] for the transaction's after-commit-point step, and
//! [`Forge::open_release_pr`] / [`Forge::release_merged`] for the two routes that do not go through
//! the push transaction. The GitHub steps run only with `--push` and a known GitHub repository;
//! otherwise vbump does the git part alone and says it skipped them.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use semver::Version;

use super::ReleaseArgs;
use super::actions::{Actions, Outputs};
use crate::commits::ReleaseSubject;
use crate::config::{Config, Strategy};
use crate::error::{Error, Kind, Result};
use crate::forge::github::GitHub;
use crate::forge::{self, PrAction, Protection, Repo};
use crate::notes::{self, Links};
use crate::plan::Plan;
use crate::transaction::{self, Git, Hooks, Released, Secret};

/// How this run brings the release to the branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The push transaction. `fallback`: when protection rejects the push, open a PR instead.
    Push { fallback: bool },
    /// A release pull request from the release branch.
    Pr,
}

/// GitHub for this run: `gh` is `None` when the GitHub steps are skipped.
pub struct Forge {
    gh: Option<GitHub>,
    strategy: Strategy,
    release_branch: String,
    /// `https://github.com/owner/repo`, for links in the notes.
    repo_url: Option<String>,
    /// Why the GitHub steps are skipped although `--push` was given.
    skipped: Option<String>,
    token_warning: Option<&'static str>,
    /// `--push`: without it the release is local and GitHub is not involved.
    pushing: bool,
    /// `--format json`: stdout carries one JSON object, so progress goes to stderr only.
    json: bool,
}

/// Finds the repository and checks the token, before anything changes (a 401 here is exit 2).
pub fn connect(
    config: &Config,
    args: &ReleaseArgs,
    token: Option<&Secret>,
    remote_url: Option<&str>,
    json: bool,
) -> Result<Forge> {
    let strategy = args.strategy.map_or(config.strategy, Strategy::from);
    let mut forge = Forge {
        gh: None,
        strategy,
        release_branch: config.release_branch.clone(),
        repo_url: None,
        skipped: None,
        token_warning: None,
        pushing: args.push,
        json,
    };
    if !args.push {
        return Ok(forge);
    }
    let server = env("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".to_string());
    let server = server.trim_end_matches('/').to_string();
    let host = server.split_once("://").map_or(server.as_str(), |(_, h)| h).split('/').next().unwrap_or("");
    let repo = match env("GITHUB_REPOSITORY") {
        Some(slug) => Some(Repo::parse(&slug).ok_or_else(|| {
            Error::input(format!("GITHUB_REPOSITORY `{slug}` is not `owner/name`"))
                .hint("set it to the repository's `owner/name`, or unset it to use the remote's URL")
        })?),
        None => remote_url.and_then(|url| Repo::from_remote_url(url, host)),
    };
    let Some(repo) = repo else {
        forge.skipped = Some(
            "no GitHub repository is known (GITHUB_REPOSITORY is unset and the remote is not on GitHub)"
                .into(),
        );
        return Ok(forge);
    };
    let api = env("GITHUB_API_URL").unwrap_or_else(|| forge::DEFAULT_API_URL.to_string());
    let gh = GitHub::new(&api, token.map(Secret::expose), repo.clone())?;
    gh.check_access()?;
    forge.repo_url = Some(format!("{server}/{repo}"));
    forge.token_warning = token.and_then(|t| forge::token_warning(t.expose()));
    forge.gh = Some(gh);
    Ok(forge)
}

/// Progress for people, on stderr (stdout carries the result).
fn note(message: &str) {
    eprintln!("vbump: {message}");
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Forge {
    /// `https://github.com/owner/repo` when the GitHub steps run.
    pub fn repo_url(&self) -> Option<&str> {
        self.repo_url.as_deref()
    }

    /// The release notes of the plan's commits, with links when the repository is known.
    pub fn notes(&self, plan: &Plan) -> String {
        notes::release_notes(&plan.commits, Links { repo_url: self.repo_url.as_deref() })
    }

    /// Picks the route for a release of `branch` (nothing has changed yet).
    pub fn decide(&self, branch: &str) -> Result<Route> {
        if !self.pushing {
            return Ok(Route::Push { fallback: false });
        }
        let Some(gh) = &self.gh else {
            if self.strategy == Strategy::Pr {
                return Err(Error::input(
                    "`strategy = \"pr\"` needs GitHub, and the GitHub steps cannot run",
                )
                .hint("run with `--push` and set GITHUB_REPOSITORY (or push to a GitHub remote)"));
            }
            return Ok(Route::Push { fallback: false });
        };
        let route = match self.strategy {
            Strategy::Push => Route::Push { fallback: false },
            Strategy::Pr => Route::Pr,
            Strategy::Auto => match gh.protection(branch)? {
                Protection::Allowed { .. } => Route::Push { fallback: false },
                verdict @ Protection::Blocked { .. } => {
                    note(&format!("{}: opening a release pull request instead", verdict.describe()));
                    Route::Pr
                }
                verdict @ Protection::Unknown { .. } => {
                    note(&format!(
                        "{}: pushing, and opening a release pull request if the push is refused",
                        verdict.describe()
                    ));
                    Route::Push { fallback: true }
                }
            },
        };
        self.warn_about_token();
        Ok(route)
    }

    /// Warns once per run, before a push or PR, when the token starts no workflows.
    pub fn warn_about_token(&self) {
        if let Some(warning) = self.token_warning.filter(|_| self.gh.is_some()) {
            super::warn(warning);
        }
    }

    /// True when `error` is a push that branch protection refused and the transaction undid.
    pub fn refused_by_protection(route: Route, error: &Error) -> bool {
        route == (Route::Push { fallback: true })
            && error.kind == Kind::RolledBack
            && (error.message.contains("GH006") || error.message.contains("GH013"))
    }

    /// The transaction's hooks: after the commit point, the GitHub Release.
    pub fn hooks<'a>(&'a self, plan: &Plan) -> ReleaseHooks<'a> {
        ReleaseHooks { forge: self, notes: self.notes(plan), url: None }
    }

    /// Says which GitHub steps were skipped, when `--push` was given but GitHub is not known.
    pub fn say_skipped(&self) {
        if let Some(why) = &self.skipped {
            note(&format!("{why}; skipped the GitHub steps (protection check, GitHub Release)"));
        }
    }

    /// When HEAD carries a release tag that is on `remote` but has no GitHub Release (a run whose
    /// release step failed after the push), creates it. Returns the release URL.
    pub fn finish_head_release(&self, git: &Git, plan: &Plan, remote: &str) -> Result<Option<String>> {
        let (Some(gh), crate::plan::Previous::Tag { tag, commit, .. }) = (&self.gh, &plan.previous) else {
            return Ok(None);
        };
        if *commit != plan.head || git.run(&["ls-remote", remote, &format!("refs/tags/{tag}")])?.is_empty() {
            return Ok(None);
        }
        let message = git.run(&["for-each-ref", &format!("refs/tags/{tag}"), "--format=%(contents)"])?;
        // The tag message is the tag name, a blank line, then the notes.
        let body = message.split_once("\n\n").map_or("", |(_, rest)| rest).trim().to_string() + "\n";
        let release = gh.publish_release(tag, tag, &body).map_err(after_push(tag))?;
        if release.action != forge::ReleaseAction::AlreadyPublished {
            note(&format!("created the missing GitHub Release of {tag}: {}", release.url));
        }
        write_output("release-url", &release.url)?;
        Ok(Some(release.url))
    }

    /// Pushes the release commit (built from `plan` on top of HEAD, without touching the work tree
    /// or any local ref) to the release branch, and opens or updates the one release PR.
    pub fn open_release_pr(
        &self,
        git: &Git,
        repo: &git2::Repository,
        plan: &Plan,
        remote: &str,
        title: &str,
    ) -> Result<i32> {
        let (Some(gh), Some(branch)) = (&self.gh, plan.branch.as_deref()) else {
            return Err(Error::input("a release pull request needs GitHub and a branch")
                .hint("run on a branch with `--push` and GITHUB_REPOSITORY set"));
        };
        // The same remote check as the push transaction: the PR builds on the remote's head.
        transaction::check_remote(git, remote, branch, &plan.head, plan.tag.as_deref().unwrap_or_default())?;
        let tree = release_tree(repo, plan)?;
        let commit =
            git.run_with_input(&["commit-tree", &tree, "-p", &plan.head, "-F", "-"], Some(title.as_bytes()))?;
        let target = format!("{commit}:refs/heads/{}", self.release_branch);
        let out = git.output(&["push", "--force", "--porcelain", remote, &target], None)?;
        if !out.success {
            return Err(Error::rolled_back(format!(
                "`{remote}` rejected the release branch `{}`:\n{}",
                self.release_branch,
                out.stderr.trim()
            ))
            .hint("nothing changed locally; check the token's `contents: write` permission and rules on `vbump/*` branches"));
        }
        let body = format!(
            "{}\n---\nMerging this pull request releases it: vbump tags the merged commit and publishes the GitHub Release.\n",
            self.notes(plan)
        );
        let pr = gh.open_or_update_pr(&self.release_branch, branch, title, &body)?;
        let verb = if pr.action == PrAction::Opened { "opened" } else { "updated" };
        let tag = plan.tag.as_deref().unwrap_or_default();
        if self.json {
            let value = serde_json::json!({
                "released": false, "tag": tag, "pr-url": pr.url, "pr-number": pr.number, "pr": verb,
            });
            println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
        } else {
            println!("{verb} release pull request #{} for {tag}: {}", pr.number, pr.url);
        }
        // Nothing is released by this run: the outputs say so, and where the PR is.
        let previous = plan.previous.version().to_string();
        Actions::from_env().outputs(&Outputs {
            released: false,
            version: previous.clone(),
            previous_version: previous,
            tag: String::new(),
            bump: String::new(),
            commit: plan.head.clone(),
        })?;
        write_output("pr-url", &pr.url)?;
        Ok(0)
    }

    /// When HEAD is a merged release PR for the plan's version (HEAD, or for a merge commit one of
    /// its parents, has the release message, and every version file already says so), the
    /// version it releases.
    pub fn merged_release(&self, config: &Config, repo: &git2::Repository, plan: &Plan) -> Option<Version> {
        let next = plan.next.as_ref()?;
        if plan.files.iter().any(|edit| edit.before != edit.after) {
            return None;
        }
        let head = repo.find_commit(git2::Oid::from_str(&plan.head).ok()?).ok()?;
        let mut candidates = vec![head.clone()];
        if head.parent_count() > 1 {
            candidates.extend(head.parents());
        }
        let release_subject = ReleaseSubject::new(&config.commit_message, &config.tag_prefix);
        let names_next = |commit: &git2::Commit<'_>| {
            let subject = commit.summary().ok().flatten().unwrap_or_default();
            release_subject.version(subject).as_ref() == Some(next)
        };
        candidates.iter().any(names_next).then(|| next.clone())
    }
}

/// After the commit point: creates the GitHub Release and remembers its URL.
pub struct ReleaseHooks<'a> {
    forge: &'a Forge,
    notes: String,
    pub url: Option<String>,
}

impl Hooks for ReleaseHooks<'_> {
    fn after_commit_point(&mut self, released: &Released) -> Result<()> {
        let Some(gh) = &self.forge.gh else {
            self.forge.say_skipped();
            return Ok(());
        };
        if !released.pushed {
            return Ok(());
        }
        let release = gh
            .publish_release(&released.tag, &released.tag, &self.notes)
            .map_err(after_push(&released.tag))?;
        if !self.forge.json {
            println!("published GitHub Release {}: {}", released.tag, release.url);
        }
        write_output("release-url", &release.url).map_err(|e| {
            // After the commit point: never exit 2 ("nothing changed").
            Error::incomplete(
                format!(
                    "{} is released and its GitHub Release published, but the `release-url` output could not be written: {}",
                    released.tag, e.message
                ),
                vec![format!("the `release-url` step output ({})", release.url)],
            )
            .hint(e.hint.clone().unwrap_or_else(|| "check the workflow's `$GITHUB_OUTPUT`".into()))
        })?;
        self.url = Some(release.url);
        Ok(())
    }
}

/// A GitHub failure after the tag was pushed: the release stands, the GitHub Release is missing.
fn after_push(tag: &str) -> impl Fn(Error) -> Error + '_ {
    move |e| {
        Error::incomplete(
            format!("{tag} is released and pushed, but its GitHub Release could not be made: {}", e.message),
            vec![format!("tag {tag} has no GitHub Release")],
        )
        .hint(format!(
            "{}run vbump again on the same commit: it sees the tag and creates the missing release",
            e.hint.as_deref().map(|h| format!("{h}; then ")).unwrap_or_default()
        ))
    }
}

/// The tree of HEAD with the plan's file edits applied, written to the object database only.
fn release_tree(repo: &git2::Repository, plan: &Plan) -> Result<String> {
    let head = repo.find_commit(git2::Oid::from_str(&plan.head)?)?;
    let mut index = git2::Index::new()?;
    index.read_tree(&head.tree()?)?;
    for edit in &plan.files {
        let path = edit.file.to_string_lossy().replace('\\', "/");
        let blob = repo.blob(&edit.after)?;
        let mode = index.get_path(Path::new(&path), 0).map_or(0o100644, |e| e.mode);
        let flags = path.len().min(0xfff) as u16;
        index.add(&git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode,
            uid: 0,
            gid: 0,
            file_size: edit.after.len() as u32,
            id: blob,
            flags,
            flags_extended: 0,
            path: path.into_bytes(),
        })?;
    }
    Ok(index.write_tree_to(repo)?.to_string())
}

/// Adds the changelog section to the plan's edits when `changelog` is configured and the file
/// does not have this version's section yet. `can_create`: whether the route can add a file that
/// does not exist yet (the release PR can; the transaction's file writer only replaces files).
pub fn add_changelog(
    root: &Path,
    config: &Config,
    plan: &mut Plan,
    repo_url: Option<&str>,
    can_create: bool,
) -> Result<()> {
    let (Some(file), Some(next)) = (&config.changelog, &plan.next) else { return Ok(()) };
    let path: PathBuf = root.join(file);
    let existing = match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && can_create => None,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Checked before anything changes: the transaction restores files by content and
            // cannot yet undo the creation of a new one.
            return Err(Error::input(format!("the changelog `{}` does not exist", file.display()))
                .hint(format!(
                    "create it once (`echo '# Changelog' > {0} && git add {0} && git commit -m \"docs: add changelog\"`), \
                     then run vbump again",
                    file.display()
                )));
        }
        Err(e) => {
            return Err(Error::input(format!("cannot read the changelog: {e}"))
                .in_file(&path)
                .hint("make it readable, or remove `changelog` from vbump.toml"));
        }
    };
    let heading = format!("## [{next}]");
    if existing
        .as_deref()
        .is_some_and(|b| String::from_utf8_lossy(b).lines().any(|l| l.starts_with(&heading)))
    {
        return Ok(());
    }
    let date = notes::iso_date(today());
    let section = notes::changelog_section(next, &date, &plan.commits, Links { repo_url });
    plan.files.push(notes::changelog_edit(file, existing.as_deref(), next, &section));
    Ok(())
}

/// Seconds since the epoch: `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
fn today() -> i64 {
    if let Some(epoch) = env("SOURCE_DATE_EPOCH").and_then(|v| v.trim().parse().ok()) {
        return epoch;
    }
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Appends `name=value` to `$GITHUB_OUTPUT` in GitHub Actions (values here are single-line URLs).
fn write_output(name: &str, value: &str) -> Result<()> {
    if env("GITHUB_ACTIONS").as_deref() != Some("true") {
        return Ok(());
    }
    let Some(path) = env("GITHUB_OUTPUT") else { return Ok(()) };
    OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut f| writeln!(f, "{name}={}", value.replace(['\n', '\r'], " ")))
        .map_err(|e| Error::input(format!("cannot write GitHub Actions output `{name}`: {e}")).in_file(&path))
}
