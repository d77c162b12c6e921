//! The release pull request: the release commit, built from the plan on top of HEAD in the object
//! database only (no work tree file, no local ref changes), force-pushed to the release branch,
//! and the one pull request from it opened or brought up to date.

use std::path::Path;

use crate::error::{Error, Result};
use crate::forge::PrAction;
use crate::plan::{Plan, Previous};
use crate::transaction;

use super::github::GitHubSteps;
use super::outcome::{self, PullRequest};
use super::prepare::Session;

/// Pushes the release commit to the release branch and opens or updates the release PR.
pub(crate) fn open(session: &Session, github: &GitHubSteps, plan: &Plan) -> Result<PullRequest> {
    let (Some(client), Some(branch)) = (github.client(), plan.branch.as_deref()) else {
        return Err(Error::input("a release pull request needs GitHub and a branch")
            .hint("run on a branch with `--push` and GITHUB_REPOSITORY set"));
    };
    let (git, remote) = (&session.git, session.remote.as_str());
    // The same remote check as the push transaction: the PR builds on the remote's head.
    let tags: Vec<&str> = plan.releases().map(|next| next.tag.as_str()).collect();
    transaction::check_remote(git, remote, branch, &plan.head, &tags)?;
    // Like the push route: no uncommitted edit may ride along in the release, no link be followed.
    transaction::check_clean(git, &session.workspace.root, &plan.files)?;
    // The release commit's message names every tag (`chore(release): a--v1.3.0, b--v0.4.1`).
    let message = plan.release_message(&session.workspace.config).expect("a release plan has a next release");
    let tree = release_tree(&session.workspace.repo, git, &plan.head, &plan.files)?;
    let commit =
        git.run_with_input(&["commit-tree", &tree, "-p", &plan.head, "-F", "-"], Some(message.as_bytes()))?;
    let release_branch = &github.release_branch;
    let target = format!("{commit}:refs/heads/{release_branch}");
    let out = git.output(&["push", "--force", "--porcelain", "--", remote, &target], None)?;
    if !out.success {
        return Err(Error::rolled_back(format!(
            "`{remote}` rejected the release branch `{release_branch}`:\n{}",
            out.stderr.trim()
        ))
        .hint("nothing changed locally; check the token's `contents: write` permission and rules on `vbump/*` branches"));
    }
    let (title, body) = if plan.is_multi() {
        (packages_title(&message, plan), packages_body(plan))
    } else {
        let notes = plan.package().notes.as_deref().unwrap_or_default();
        let body = format!(
            "{notes}\n---\nMerging this pull request releases it: vbump tags the merged commit and publishes the GitHub Release.\n"
        );
        (message, body)
    };
    let pr = client.open_or_update_pr(release_branch, branch, &title, &body)?;
    Ok(outcome::pull_request(plan, pr.number, pr.url, pr.action == PrAction::Opened))
}

/// GitHub refuses a pull request title longer than this many characters.
const TITLE_LIMIT: usize = 256;

/// GitHub refuses a pull request body longer than this many characters.
const BODY_LIMIT: usize = 65_536;

/// The title of a release PR of several packages: the release commit's subject, which names every
/// tag. When that is longer than GitHub allows, the list of tags is cut short (`a--v1.3.0,
/// b--v0.4.1 and 18 more`); the commit keeps the whole list, and the title still reads as a
/// release commit's subject, so a squash merge titled after the PR is recognised
/// ([`super::merged_pr`] reads the packages from the files, not from the title).
fn packages_title(message: &str, plan: &Plan) -> String {
    let subject = message.lines().next().unwrap_or_default().to_string();
    if subject.chars().count() <= TITLE_LIMIT {
        return subject;
    }
    let tags: Vec<&str> = plan.releases().map(|next| next.tag.as_str()).collect();
    let list = tags.join(", ");
    for shown in (0..tags.len()).rev() {
        let short = format!("{} and {} more", tags[..shown].join(", "), tags.len() - shown);
        let title = subject.replacen(&list, short.trim_start(), 1);
        if title.chars().count() <= TITLE_LIMIT {
            return title;
        }
    }
    subject.chars().take(TITLE_LIMIT).collect()
}

/// The body of a release PR of several packages: one section per package released (its version,
/// its previous version and tag, its notes), then what merging does. When the notes would make
/// the body longer than GitHub allows, the sections keep their headings and say that the GitHub
/// Releases will carry the notes.
fn packages_body(plan: &Plan) -> String {
    let tags: Vec<String> = plan.releases().map(|next| format!("`{}`", next.tag)).collect();
    let footer = format!(
        "---\nMerging this pull request releases {}: vbump tags the merged commit {} and publishes one GitHub Release per tag, each with its package's notes.\n",
        if tags.len() == 1 { "it" } else { "them" },
        tags.join(", ")
    );
    let sections = |with_notes: bool| {
        let mut body = String::new();
        for package in &plan.packages {
            let Some(next) = &package.next else { continue };
            body.push_str(&package_heading(package, next));
            if with_notes {
                body.push_str(package.notes.as_deref().unwrap_or_default().trim_end());
            } else {
                body.push_str("The notes are too long for one pull request; the GitHub Release of the tag will carry them.");
            }
            body.push_str("\n\n");
        }
        body
    };
    let body = sections(true) + &footer;
    if body.chars().count() <= BODY_LIMIT {
        return body;
    }
    sections(false) + &footer
}

/// A package's section heading in the release PR: its name and versions, then its tag and bump.
fn package_heading(package: &crate::plan::PackagePlan, next: &crate::plan::Next) -> String {
    let name = crate::notes::inert(package.name.as_deref().unwrap_or_default());
    let previous = match &package.previous {
        Previous::Tag { version, tag, .. } => format!("previous version {version} (`{tag}`)"),
        Previous::Files { version, .. } => format!("previous version {version} (its files; no tag yet)"),
        Previous::None { .. } => "first release".to_string(),
    };
    format!("## {name} {}\n\nTag `{}` ({} bump), {previous}.\n\n", next.version, next.tag, next.bump.level)
}

/// The tree of `head` with `edits` applied, written to the object database only (the release PR's
/// commit, and what a landed release commit must hold, `landed`).
/// Each blob is made as `git add` would make it (`git hash-object -w --path`): clean filters and
/// `eol`/`text` attributes apply, so a CRLF work tree of an `eol=crlf` file stores LF as usual.
pub(super) fn release_tree(
    repo: &git2::Repository,
    git: &crate::transaction::Git,
    head: &str,
    edits: &[crate::edit::FileEdit],
) -> Result<String> {
    let head = repo.find_commit(git2::Oid::from_str(head)?)?;
    let mut index = git2::Index::new()?;
    index.read_tree(&head.tree()?)?;
    for edit in edits {
        let path = edit.file.to_string_lossy().replace('\\', "/");
        let blob = git.run_with_input(
            &["hash-object", "-w", "--stdin", &format!("--path={path}")],
            Some(&edit.after),
        )?;
        let blob = git2::Oid::from_str(&blob)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bump::Level;
    use crate::plan::{Bump, Next, PackagePlan, Reason};
    use semver::Version;

    /// A plan releasing `count` packages named `plugin-000`, … from 1.0.0 to 1.1.0, each with `notes`.
    fn catalog_plan(count: usize, notes: &str) -> Plan {
        let packages = (0..count)
            .map(|i| {
                let name = format!("plugin-{i:03}");
                PackagePlan {
                    name: Some(name.clone()),
                    path: Some(format!("plugins/{name}")),
                    previous: Previous::Tag {
                        version: Version::new(1, 0, 0),
                        tag: format!("{name}--v1.0.0"),
                        commit: "c".repeat(40),
                    },
                    commits: Vec::new(),
                    ignored: Vec::new(),
                    next: Some(Next {
                        bump: Bump { level: Level::Minor, reason: Reason::Override, rule: None },
                        version: Version::new(1, 1, 0),
                        tag: format!("{name}--v1.1.0"),
                    }),
                    since_stable: None,
                    hint: None,
                    highest_stable: None,
                    changelog: None,
                    notes: Some(notes.to_string()),
                }
            })
            .collect();
        Plan {
            branch: Some("main".into()),
            head: "h".repeat(40),
            packages,
            files: Vec::new(),
            outside: Vec::new(),
            warnings: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn message(plan: &Plan) -> String {
        let tags: Vec<&str> = plan.releases().map(|next| next.tag.as_str()).collect();
        format!("chore(release): {}", tags.join(", "))
    }

    #[test]
    fn a_title_naming_every_tag_is_kept_while_github_takes_it() {
        let plan = catalog_plan(3, "### Features\n\n- a\n");
        assert_eq!(
            packages_title(&message(&plan), &plan),
            "chore(release): plugin-000--v1.1.0, plugin-001--v1.1.0, plugin-002--v1.1.0"
        );
    }

    #[test]
    fn a_title_too_long_for_github_names_as_many_tags_as_fit_and_counts_the_rest() {
        let plan = catalog_plan(40, "### Features\n\n- a\n");
        let full = message(&plan);
        assert!(full.len() > TITLE_LIMIT);
        let title = packages_title(&full, &plan);
        assert!(title.chars().count() <= TITLE_LIMIT, "{title}");
        assert!(title.starts_with("chore(release): plugin-000--v1.1.0, plugin-001--v1.1.0, "), "{title}");
        let shown = title.matches("--v1.1.0").count();
        assert!(title.ends_with(&format!(" and {} more", 40 - shown)), "{title}");
        // One more tag would not have fitted.
        let longer = format!(
            "{}, plugin-{shown:03}--v1.1.0 and {} more",
            title.rsplit_once(" and ").unwrap().0,
            39 - shown
        );
        assert!(longer.chars().count() > TITLE_LIMIT, "{longer}");
        // Still the subject of a release commit, for a squash merge titled after the PR.
        let subject = crate::plan::packages::release_subject("chore(release): {tags}").unwrap();
        assert!(subject.is_match(&format!("{title} (#12)")));
    }

    #[test]
    fn a_body_too_long_for_github_keeps_every_section_and_leaves_the_notes_to_the_releases() {
        let plan = catalog_plan(3, "### Features\n\n- a\n");
        let body = packages_body(&plan);
        assert!(body.starts_with(
            "## plugin-000 1.1.0\n\nTag `plugin-000--v1.1.0` (minor bump), previous version 1.0.0 (`plugin-000--v1.0.0`).\n\n### Features\n\n- a\n\n## plugin-001 1.1.0\n"
        ), "{body}");

        let long_notes = format!("### Features\n\n{}", "- a feature described at length\n".repeat(1000));
        let plan = catalog_plan(3, &long_notes);
        let body = packages_body(&plan);
        assert!(body.chars().count() <= BODY_LIMIT);
        for i in 0..3 {
            assert!(
                body.contains(&format!("## plugin-{i:03} 1.1.0\n\nTag `plugin-{i:03}--v1.1.0`")),
                "{body}"
            );
        }
        assert_eq!(body.matches("the GitHub Release of the tag will carry them").count(), 3, "{body}");
        assert!(!body.contains("described at length"));
    }

    #[test]
    fn a_package_heading_says_where_its_previous_version_came_from_and_mentions_nobody() {
        let mut plan = catalog_plan(1, "");
        let package = &mut plan.packages[0];
        package.name = Some("@octocat-tools".into());
        let next = package.next.clone().unwrap();
        package.previous = Previous::Files { version: Version::new(0, 9, 0), since: None };
        assert_eq!(
            package_heading(package, &next),
            "## @\u{200B}octocat-tools 1.1.0\n\nTag `plugin-000--v1.1.0` (minor bump), previous version 0.9.0 (its files; no tag yet).\n\n"
        );
        package.previous = Previous::None { version: Version::new(0, 0, 0) };
        assert!(package_heading(package, &next).ends_with("(minor bump), first release.\n\n"));
    }
}
