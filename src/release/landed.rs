//! A re-run of a run whose push landed. GitHub's "Re-run jobs" checks out the run's own commit,
//! the one before the release: the plan proposes the very release that run already pushed. When
//! the remote holds this plan's tags on vbump's own release commit of HEAD, the release stands
//! and the run only finishes what is missing (the GitHub Releases, the outputs); when the tags
//! are there on anything else, it stops and says exactly what it found.

use crate::edit::FileEdit;
use crate::error::{Error, Result};
use crate::plan::Plan;

use super::prepare::Session;
use super::release_pr;

/// This plan's release, found on the remote: pushed by an earlier run of the same commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Landed {
    /// The release commit the remote's tags point at.
    pub(crate) commit: String,
    /// The plan's tags, all on the remote at [`Landed::commit`].
    pub(crate) tags: Vec<String>,
}

/// Asks the remote for the plan's tags. `None` when it has none of them (the release never
/// landed: the run releases as usual). `Some` when it has all of them on one commit that is the
/// release this plan makes of HEAD: first parent HEAD, the plan's release message, its author,
/// and exactly the plan's files. Anything else is exit 2, naming what the remote holds and why it
/// is not this release. Nothing local changes (the release commit's objects may be fetched).
pub(crate) fn find(session: &Session, plan: &Plan) -> Result<Option<Landed>> {
    let (git, remote) = (&session.git, session.remote.as_str());
    let tags: Vec<String> = plan.releases().map(|next| next.tag.clone()).collect();
    if tags.is_empty() {
        return Ok(None);
    }
    let mut args = vec!["ls-remote".to_string(), "--".into(), remote.to_string()];
    for tag in &tags {
        args.push(format!("refs/tags/{tag}"));
        args.push(format!("refs/tags/{tag}^{{}}"));
    }
    let listed = git.run(&args).map_err(|e| {
        Error::input(format!("cannot read remote `{remote}`: {}", e.message))
            .hint("check the remote's URL (`git remote -v`), the network and the token's permissions")
    })?;
    let on_remote: Vec<(String, String)> =
        tags.iter().filter_map(|tag| Some((tag.clone(), peeled(&listed, tag)?))).collect();
    if on_remote.is_empty() {
        return Ok(None);
    }
    let state = on_remote.iter().map(|(tag, sha)| format!("{tag} at {sha}")).collect::<Vec<_>>().join(", ");
    let not_ours = |why: String| {
        Error::input(format!(
            "`{remote}` already has {state}, which is not the release this run would make of HEAD {}: {why}; nothing was changed",
            plan.head
        ))
        .hint(format!(
            "another run released this version: fetch it (`git fetch {remote} --tags`) and look; run vbump on the branch's \
             current head to finish that release. Never delete a tag that is on `{remote}`: it is a published release"
        ))
    };
    if on_remote.len() != tags.len() {
        let missing: Vec<&str> =
            tags.iter().filter(|t| !on_remote.iter().any(|(tag, _)| tag == *t)).map(String::as_str).collect();
        return Err(not_ours(format!(
            "{} is missing there, and one release pushes all its tags at once",
            missing.join(", ")
        )));
    }
    let commit = on_remote[0].1.clone();
    if on_remote.iter().any(|(_, sha)| *sha != commit) {
        return Err(not_ours("the tags point at different commits".into()));
    }
    if !has_commit(session, &commit) {
        // The re-run's checkout may lack it: fetch its objects, creating no ref.
        let tag = format!("refs/tags/{}", tags[0]);
        git.run(&["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--", remote, &tag])?;
    }
    let found = ReleaseCommit::read(session, &commit)?;
    let mismatches = found.differences(session, plan)?;
    if !mismatches.is_empty() {
        return Err(not_ours(mismatches.join("; ")));
    }
    Ok(Some(Landed { commit, tags }))
}

/// The commit `tag` points at in `ls-remote` output (peeled for an annotated tag).
fn peeled(listed: &str, tag: &str) -> Option<String> {
    let sha_of = |name: &str| {
        listed
            .lines()
            .find_map(|line| line.split_once('\t').filter(|(_, n)| *n == name).map(|(s, _)| s.to_string()))
    };
    let name = format!("refs/tags/{tag}");
    sha_of(&format!("{name}^{{}}")).or_else(|| sha_of(&name))
}

fn has_commit(session: &Session, sha: &str) -> bool {
    session.git.output(&["cat-file", "-e", &format!("{sha}^{{commit}}")], None).is_ok_and(|out| out.success)
}

/// The parts of a commit that say whether vbump made it from this plan.
struct ReleaseCommit {
    sha: String,
    tree: String,
    first_parent: Option<String>,
    /// `Name <email>`, without the time.
    author: String,
    message: String,
}

impl ReleaseCommit {
    /// Reads `sha` as git stores it (the message byte for byte).
    fn read(session: &Session, sha: &str) -> Result<ReleaseCommit> {
        let out = session.git.output(&["cat-file", "commit", sha], None)?;
        if !out.success {
            return Err(session.git.failure(&["cat-file", "commit", sha], &out));
        }
        let (headers, message) = out.stdout.split_once("\n\n").unwrap_or((out.stdout.as_str(), ""));
        let header = |key: &str| {
            headers.lines().find_map(|line| line.strip_prefix(key).and_then(|rest| rest.strip_prefix(' ')))
        };
        Ok(ReleaseCommit {
            sha: sha.to_string(),
            tree: header("tree").unwrap_or_default().to_string(),
            first_parent: header("parent").map(str::to_string),
            author: without_time(header("author").unwrap_or_default()),
            message: message.to_string(),
        })
    }

    /// How this commit differs from the release commit `plan` makes of HEAD; empty when it is
    /// that commit (the date of a changelog section aside: the earlier run dated it).
    fn differences(&self, session: &Session, plan: &Plan) -> Result<Vec<String>> {
        let mut differences = Vec::new();
        if self.first_parent.as_deref() != Some(plan.head.as_str()) {
            let parent = self.first_parent.as_deref().unwrap_or("none");
            differences.push(format!("its first parent is {parent}, not HEAD"));
        }
        let config = &session.workspace.config;
        let message = plan.release_message(config).unwrap_or_default();
        if self.message != message {
            let (theirs, ours) = (self.message.lines().next(), message.lines().next());
            differences.push(if theirs == ours {
                format!("its message is {:?}, not the release message {message:?}", self.message)
            } else {
                format!(
                    "its message starts `{}`, not `{}`",
                    theirs.unwrap_or_default(),
                    ours.unwrap_or_default()
                )
            });
        }
        let identity = session.git.run(&["var", "GIT_AUTHOR_IDENT"])?;
        let identity = without_time(&identity);
        if self.author != identity {
            differences.push(format!("its author is `{}`, not `{identity}`", self.author));
        }
        if differences.is_empty() {
            let edits = self.dated_like_this_commit(session, plan);
            let tree = release_pr::release_tree(&session.workspace.repo, &session.git, &plan.head, &edits)?;
            if tree != self.tree {
                differences.push(format!(
                    "its files are not the ones the plan writes (tree {} instead of {tree})",
                    self.tree
                ));
            }
        }
        Ok(differences)
    }

    /// The plan's edits, with each changelog section dated as this commit's changelog dates it
    /// (the earlier run wrote its own day; a re-run may run on another).
    fn dated_like_this_commit(&self, session: &Session, plan: &Plan) -> Vec<FileEdit> {
        let mut edits = plan.files.clone();
        for package in &plan.packages {
            let (Some(file), Some(next)) = (&package.changelog, &package.next) else { continue };
            let Some(edit) = edits.iter_mut().find(|edit| edit.file == *file) else { continue };
            let path = file.to_string_lossy().replace('\\', "/");
            let Ok(theirs) = session.git.run(&["cat-file", "blob", &format!("{}:{path}", self.sha)]) else {
                continue;
            };
            let heading = format!("## [{}] - ", next.version);
            let date_in =
                |text: &str| text.lines().find_map(|line| line.strip_prefix(&heading)).map(str::to_string);
            let Ok(ours) = String::from_utf8(edit.after.clone()) else { continue };
            if let (Some(their_date), Some(our_date)) = (date_in(&theirs), date_in(&ours))
                && is_iso_date(&their_date)
            {
                let redated =
                    ours.replacen(&format!("{heading}{our_date}"), &format!("{heading}{their_date}"), 1);
                edit.after = redated.into_bytes();
            }
        }
        edits
    }
}

/// `YYYY-MM-DD`, as a changelog section's heading dates it.
fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

/// `Name <email>` of a git identity line `Name <email> 1700000000 +0000`.
fn without_time(ident: &str) -> String {
    match ident.rfind('>') {
        Some(end) => ident[..=end].to_string(),
        None => ident.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_annotated_tag_is_read_peeled() {
        let listed = "aaaa\trefs/tags/v1.3.0\nbbbb\trefs/tags/v1.3.0^{}\ncccc\trefs/tags/v1.3\n";
        assert_eq!(peeled(listed, "v1.3.0").as_deref(), Some("bbbb"));
        assert_eq!(peeled(listed, "v1.3").as_deref(), Some("cccc"));
        assert_eq!(peeled(listed, "v1"), None);
    }

    #[test]
    fn only_calendar_dates_replace_a_changelog_date() {
        assert!(is_iso_date("2026-12-01"));
        assert!(!is_iso_date("2026-12-1"));
        assert!(!is_iso_date("2026/12/01"));
        assert!(!is_iso_date("2026-12-01 and more"));
    }

    #[test]
    fn identities_lose_only_their_time() {
        assert_eq!(without_time("A B <a@b> 1700000000 +0100"), "A B <a@b>");
        assert_eq!(without_time("odd"), "odd");
    }
}
