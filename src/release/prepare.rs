//! The first steps of every release and plan: open the repository, pick the remote and hand git
//! the token, make sure a shallow clone holds the history since the last release, and plan.

use crate::config::Author;
use crate::edit::VersionFiles;
use crate::error::{Error, Result};
use crate::history;
use crate::package::{self, Packages};
use crate::plan::{self, Detail, Plan};
use crate::report::Reporter;
use crate::transaction::{Git, Secret};
use crate::vcs::{deepen, identity, remote};
use crate::workspace::Workspace;

use super::ReleaseRequest;

/// An opened repository with git ready to talk to its remote.
pub(crate) struct Session {
    pub(crate) workspace: Workspace,
    /// git in the work tree, carrying the token for the remote's URLs.
    pub(crate) git: Git,
    /// The remote pushed to or deepened from.
    pub(crate) remote: String,
    /// The remote's URL, when the run talks to it (`--push`, or a shallow clone).
    pub(crate) url: Option<String>,
    /// `--push` was asked for.
    push: bool,
}

impl Session {
    /// Opens the repository of `request.target`; a shallow clone (actions/checkout's default) is
    /// deepened from the remote first, because planning from a cut history would silently treat
    /// the repository as never released or miss a `feat!`.
    pub(crate) fn open(
        request: &ReleaseRequest,
        token: Option<&Secret>,
        reporter: &mut dyn Reporter,
    ) -> Result<Session> {
        let mut workspace = Workspace::open(&request.target)?;
        let mut git = Git::new(&workspace.root);
        let remote = remote::name(&workspace.repo, request.remote.as_deref(), workspace.branch().as_deref());
        let shallow = history::is_shallow(&workspace.repo);
        // Only a push or a shallow clone talks to the remote; a local run spawns no git for it.
        let url = if request.push || shallow { remote::authenticate(&mut git, &remote, token) } else { None };
        if request.push && url.is_none() {
            return Err(Error::input(format!("there is no remote named `{remote}` to push to"))
                .hint("add it (`git remote add origin URL`) or name another with `--remote NAME`"));
        }
        if shallow {
            let (root, prefix) = (workspace.root.clone(), workspace.config.tag_prefix.clone());
            // Several packages: every package's last release (or, untagged, its start) must be in.
            let packages = Packages::resolve(&workspace.root, &workspace.config)?;
            let complete = || {
                let repo = git2::Repository::open(&root)?;
                match &packages {
                    Some(packages) => package::start::complete_since_releases(&repo, &root, packages),
                    None => history::complete_since_release(&repo, &prefix),
                }
            };
            deepen::ensure_history(&git, url.as_ref().map(|_| remote.as_str()), complete, reporter)?;
            // libgit2 keeps the shallow boundary it read at open time.
            workspace = Workspace::open(&request.target)?;
        }
        Ok(Session { workspace, git, remote, url, push: request.push })
    }

    /// The remote's URL, read from the repository's config when the run did not ask git for it.
    pub(crate) fn remote_url(&self) -> Option<String> {
        self.url.clone().or_else(|| {
            let remote = self.workspace.repo.find_remote(&self.remote).ok()?;
            remote.url().ok().map(str::to_string)
        })
    }

    /// True when the release is pushed to [`Session::remote`].
    pub(crate) fn pushing(&self) -> bool {
        self.push
    }

    /// Commits and tags are made as `author` (`--author`), else `[release] author`, else the
    /// user's git identity, else a default one.
    pub(crate) fn use_identity(&mut self, author: Option<&Author>) -> Result<()> {
        match author.or(self.workspace.config.release_author.as_ref()) {
            Some(author) => {
                self.git.default_identity(&author.name, &author.email);
                Ok(())
            }
            None => identity::default_identity(&mut self.git),
        }
    }

    /// Reads the version files and the history and builds the plan.
    pub(crate) fn plan(&self, request: &ReleaseRequest, detail: Detail) -> Result<Plan> {
        let workspace = &self.workspace;
        let plan_request =
            plan::Request { bump: request.bump, pre: request.pre.clone(), promote: request.promote, detail };
        if let Some(packages) = Packages::resolve(&workspace.root, &workspace.config)? {
            let selected = packages.select(&request.packages)?;
            let (repo, root, config) = (&workspace.repo, &workspace.root, &workspace.config);
            return plan::packages::build(repo, root, config, &packages, &selected, &plan_request);
        }
        package::refuse_selection(&request.packages)?;
        let resolved = crate::locations::resolve_noted(&workspace.root, &workspace.config)?;
        let files = VersionFiles::read(&workspace.root, &resolved.locations)?;
        let mut plan = plan::build(&workspace.repo, &workspace.config, &plan_request, &files)?;
        plan.warnings.splice(0..0, resolved.notes());
        Ok(plan)
    }
}
