//! What a release run did ([`Outcome`]), the step outputs it writes, and its Actions summary.

use crate::actions::{Actions, GitHubReleaseOutputs, Outputs, PackageRelease};
use crate::edit::FileEdit;
use crate::error::{Error, Result};
use crate::plan::{Plan, Previous};
use crate::text;
use crate::transaction::Applied;

/// What a release run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The release was committed and tagged (and, with `--push`, pushed).
    Released(Released),
    /// The release goes through a pull request, which this run opened or updated.
    PullRequest(PullRequest),
    /// Nothing new to release, but this run finished a release a failed run left incomplete (it
    /// published the missing GitHub Release of HEAD's tag).
    Finished(Finished),
    /// Nothing to release.
    Nothing(Nothing),
}

/// A release that was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Released {
    pub(crate) outputs: Outputs,
    /// True when the commit and tag were pushed.
    pub(crate) pushed: bool,
    /// The remote pushed to (or to push to).
    pub(crate) remote: String,
    /// The file edits the release commit holds (as in the plan).
    pub(crate) files: Vec<FileEdit>,
    /// The release notes (the tag message's body and the GitHub Release).
    pub(crate) notes: String,
}

/// A release finished by this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finished {
    pub(crate) outputs: Outputs,
}

/// A release pull request opened or updated by this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PullRequest {
    pub(crate) outputs: Outputs,
    pub(crate) number: u64,
    pub(crate) url: String,
    /// True when this run opened it, false when it updated an open one.
    pub(crate) opened: bool,
    /// The tag the merged pull request will be released as.
    pub(crate) tag: String,
}

/// Nothing to release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Nothing {
    pub(crate) outputs: Outputs,
    /// The last release tag, `None` when there is none.
    pub(crate) last_tag: Option<String>,
    /// True when HEAD itself is that release.
    pub(crate) head_is_released: bool,
    /// What would release (how to promote a pre-release), when the plan knows.
    pub(crate) hint: Option<String>,
}

/// The outputs of a release at its commit point.
pub(crate) fn released_outputs(plan: &Plan, applied: &Applied) -> Outputs {
    if plan.is_multi() {
        let releases = package_releases(plan);
        let flat = flat_keys(&releases);
        return Outputs { released: true, commit: applied.commit.clone(), releases: Some(releases), ..flat };
    }
    let package = plan.package();
    let next = package.next.as_ref().expect("a release plan has a next release");
    Outputs {
        released: true,
        version: next.version.to_string(),
        previous_version: package.previous.version().to_string(),
        tag: next.tag.clone(),
        bump: next.bump.level.to_string(),
        commit: applied.commit.clone(),
        pr_url: None,
        github_release: None,
        releases: None,
    }
}

/// The flat single-package keys (`version`, `previous-version`, `tag`, `bump`) of a release of
/// several packages: those of the one package released when there is exactly one, so workflows
/// written for one package keep working; empty otherwise.
fn flat_keys(releases: &[PackageRelease]) -> Outputs {
    match releases {
        [only] => Outputs {
            version: only.version.clone(),
            previous_version: only.previous_version.clone(),
            tag: only.tag.clone(),
            bump: only.bump.clone(),
            ..Outputs::default()
        },
        _ => Outputs::default(),
    }
}

/// The packages a release of several packages releases, in package order.
fn package_releases(plan: &Plan) -> Vec<PackageRelease> {
    plan.packages
        .iter()
        .filter_map(|package| {
            let next = package.next.as_ref()?;
            Some(PackageRelease {
                name: package.name.clone().unwrap_or_default(),
                version: next.version.to_string(),
                previous_version: package.previous.version().to_string(),
                tag: next.tag.clone(),
                bump: next.bump.level.to_string(),
            })
        })
        .collect()
}

/// The outcome of a release that passed its commit point.
pub(crate) fn released(
    plan: &Plan,
    applied: &Applied,
    remote: &str,
    github_release: Option<GitHubReleaseOutputs>,
) -> Released {
    let outputs = Outputs { github_release, ..released_outputs(plan, applied) };
    // One package: its notes; several: each released package's, under its name.
    let notes = if plan.is_multi() {
        let released = plan.packages.iter().filter(|p| p.next.is_some());
        released
            .map(|p| {
                format!(
                    "## {}\n\n{}",
                    p.name.as_deref().unwrap_or_default(),
                    p.notes.as_deref().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        plan.package().notes.clone().unwrap_or_default()
    };
    Released { outputs, pushed: applied.pushed, remote: remote.to_string(), files: plan.files.clone(), notes }
}

/// The outputs of a plan (`vbump plan`, `--dry-run`, `vbump next`): nothing is released, and the
/// version, tag and bump are the planned ones (the current ones when there is nothing to release).
pub(crate) fn planned_outputs(plan: &Plan) -> Outputs {
    if plan.is_multi() {
        let releases = package_releases(plan);
        let flat = flat_keys(&releases);
        return Outputs { commit: plan.head.clone(), releases: Some(releases), ..flat };
    }
    let package = plan.package();
    match &package.next {
        Some(next) => Outputs {
            released: false,
            version: next.version.to_string(),
            previous_version: package.previous.version().to_string(),
            tag: next.tag.clone(),
            bump: next.bump.level.to_string(),
            commit: plan.head.clone(),
            pr_url: None,
            github_release: None,
            releases: None,
        },
        None => nothing(plan).outputs,
    }
}

/// The outcome of a run that made the missing GitHub Releases of `tags` (at HEAD, on the
/// remote): with several packages, `releases` lists each package released at HEAD.
pub(crate) fn finished(plan: &Plan, tags: &[&str], github_release: GitHubReleaseOutputs) -> Finished {
    if plan.is_multi() {
        let releases: Vec<PackageRelease> = plan
            .packages
            .iter()
            .filter_map(|package| match &package.previous {
                Previous::Tag { tag, version, .. } if tags.contains(&tag.as_str()) => Some(PackageRelease {
                    name: package.name.clone().unwrap_or_default(),
                    version: version.to_string(),
                    previous_version: version.to_string(),
                    tag: tag.clone(),
                    bump: String::new(),
                }),
                _ => None,
            })
            .collect();
        let flat = flat_keys(&releases);
        let outputs = Outputs {
            released: true,
            commit: plan.head.clone(),
            github_release: Some(github_release),
            releases: Some(releases),
            ..flat
        };
        return Finished { outputs };
    }
    let tag = tags.first().copied().unwrap_or_default();
    let version = plan.package().previous.version().to_string();
    let outputs = Outputs {
        released: true,
        version: version.clone(),
        previous_version: version,
        tag: tag.to_string(),
        bump: String::new(),
        commit: plan.head.clone(),
        pr_url: None,
        github_release: Some(github_release),
        releases: None,
    };
    Finished { outputs }
}

/// The outcome of a run that opened or updated the release pull request: nothing is released
/// yet; the outputs carry the proposed version, tag and bump (with several packages, the proposed
/// `releases`), and the PR's page.
pub(crate) fn pull_request(plan: &Plan, number: u64, url: String, opened: bool) -> PullRequest {
    let outputs = Outputs { pr_url: Some(url.clone()), ..planned_outputs(plan) };
    let tag = if plan.is_multi() {
        plan.releases().map(|next| next.tag.as_str()).collect::<Vec<_>>().join(", ")
    } else {
        outputs.tag.clone()
    };
    PullRequest { outputs, number, url, opened, tag }
}

/// The outcome of a run with nothing to release.
pub(crate) fn nothing(plan: &Plan) -> Nothing {
    if plan.is_multi() {
        let outputs = Outputs { commit: plan.head.clone(), releases: Some(Vec::new()), ..Outputs::default() };
        return Nothing { outputs, last_tag: None, head_is_released: false, hint: None };
    }
    let previous = &plan.package().previous;
    let (last_tag, head_is_released) = match previous {
        Previous::Tag { tag, commit, .. } => (Some(tag.clone()), *commit == plan.head),
        _ => (None, false),
    };
    let outputs = Outputs {
        released: false,
        version: previous.version().to_string(),
        previous_version: previous.version().to_string(),
        tag: last_tag.clone().unwrap_or_default(),
        bump: String::new(),
        commit: plan.head.clone(),
        pr_url: None,
        github_release: None,
        releases: None,
    };
    Nothing { outputs, last_tag, head_is_released, hint: plan.package().hint.clone() }
}

/// Writes what the run has not written yet: the outputs (a release wrote them at its commit
/// point) and the summary.
pub(crate) fn write(actions: &Actions, plan: &Plan, outcome: &Outcome) -> Result<()> {
    match outcome {
        Outcome::Released(released) => {
            actions.summary(&summary_markdown(plan, &released.outputs)).map_err(|e| {
                after_commit_point(std::slice::from_ref(&released.outputs.tag), "the step summary", e)
            })
        }
        Outcome::PullRequest(pr) => actions.outputs(&pr.outputs),
        Outcome::Finished(finished) => actions.outputs(&finished.outputs),
        Outcome::Nothing(nothing) => {
            actions.outputs(&nothing.outputs)?;
            actions.summary(&summary_markdown(plan, &nothing.outputs))
        }
    }
}

/// A failure after the commit point: the release stands (exit 4), `what` is missing.
pub(crate) fn after_commit_point(tags: &[String], what: &str, e: Error) -> Error {
    let tags = tags.join(", ");
    Error::incomplete(
        format!("{tags} is released, but {what} could not be written: {}", e.message),
        vec![format!("{what} of {tags}")],
    )
    .hint(e.hint.clone().unwrap_or_else(|| "nothing is undone; fix the cause and check the release".into()))
}

/// The Markdown summary of a release (or of a run with nothing to release).
pub(crate) fn summary_markdown(plan: &Plan, outputs: &Outputs) -> String {
    if let Some(releases) = &outputs.releases {
        return packages_summary(plan, outputs, releases);
    }
    if !outputs.released {
        return format!("### vbump: nothing to release\n\nThe version stays {}.\n\n", outputs.version);
    }
    let mut md = format!(
        "### vbump released {}\n\n| | |\n|---|---|\n| version | `{}` |\n| previous | `{}` |\n| bump | {} |\n| commit | `{}` |\n\n",
        outputs.tag,
        outputs.version,
        outputs.previous_version,
        outputs.bump,
        text::named_sha(&outputs.commit)
    );
    md.push_str(plan.package().notes.as_deref().unwrap_or_default());
    md.push('\n');
    if !plan.files.is_empty() {
        md.push_str("#### Files changed\n\n");
        for edit in &plan.files {
            let changes: Vec<String> =
                edit.changes.iter().map(|c| format!("`{}`: {} → {}", c.location, c.old, c.new)).collect();
            md.push_str(&format!("- `{}` {}\n", edit.file.display(), changes.join(", ")));
        }
        md.push('\n');
    }
    md
}

/// The summary of a run over several packages: one section per package released.
fn packages_summary(plan: &Plan, outputs: &Outputs, releases: &[PackageRelease]) -> String {
    if releases.is_empty() {
        return "### vbump: nothing to release\n\nNo package has a releasable change.\n\n".to_string();
    }
    let mut md = format!(
        "### vbump released {} packages\n\n| package | version | previous | bump | tag |\n|---|---|---|---|---|\n",
        releases.len()
    );
    for release in releases {
        md.push_str(&format!(
            "| {} | `{}` | `{}` | {} | `{}` |\n",
            release.name, release.version, release.previous_version, release.bump, release.tag
        ));
    }
    md.push_str(&format!("\nCommit `{}`.\n\n", text::named_sha(&outputs.commit)));
    for package in plan.packages.iter().filter(|p| p.next.is_some()) {
        md.push_str(&format!("#### {}\n\n", package.name.as_deref().unwrap_or_default()));
        md.push_str(package.notes.as_deref().unwrap_or_default());
        md.push('\n');
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes;
    use crate::plan::PackagePlan;

    fn commit(kind: &str, description: &str, breaking: bool) -> crate::plan::PlannedCommit {
        crate::plan::PlannedCommit {
            sha: format!("{kind:0<40}"),
            subject: format!("{kind}: {description}"),
            kind: kind.into(),
            scope: None,
            description: description.into(),
            body: None,
            breaking,
            breaking_description: breaking.then(|| "the old API is gone".into()),
            level: if breaking {
                Some(crate::bump::Level::Major)
            } else {
                crate::commit_types::CommitTypes::default().level(kind)
            },
            deviations: Vec::new(),
        }
    }

    #[test]
    fn summary_lists_the_release_its_notes_and_the_files() {
        let plan = Plan {
            branch: Some("main".into()),
            head: "h".into(),
            packages: vec![PackagePlan {
                name: None,
                path: None,
                previous: Previous::None { version: semver::Version::new(0, 0, 0) },
                commits: Vec::new(),
                ignored: Vec::new(),
                next: None,
                since_stable: None,
                hint: None,
                highest_stable: None,
                changelog: None,
                notes: Some(notes::release_notes(
                    &[commit("docs", "typo", false), commit("feat", "new api", true)],
                    notes::Links { repo_url: None },
                )),
            }],
            problems: Vec::new(),
            files: vec![crate::edit::FileEdit {
                file: "Cargo.toml".into(),
                before: Vec::new(),
                after: Vec::new(),
                changes: vec![crate::edit::FieldChange {
                    location: "package.version".into(),
                    line: 3,
                    old: "0.0.0".into(),
                    new: "1.0.0".into(),
                }],
            }],
            outside: Vec::new(),
            warnings: Vec::new(),
        };
        let outputs = Outputs {
            released: true,
            version: "1.0.0".into(),
            previous_version: "0.0.0".into(),
            tag: "v1.0.0".into(),
            bump: "major".into(),
            commit: "0123456789abcdef".into(),
            pr_url: None,
            github_release: None,
            releases: None,
        };
        let md = summary_markdown(&plan, &outputs);
        assert!(md.starts_with("### vbump released v1.0.0\n"), "{md}");
        assert!(md.contains("| commit | `0123456789ab` |"), "{md}");
        assert!(md.contains("the old API is gone"), "{md}");
        assert!(md.contains("- `Cargo.toml` `package.version`: 0.0.0 → 1.0.0\n"), "{md}");
        let quiet = Outputs { released: false, ..outputs };
        assert_eq!(
            summary_markdown(&plan, &quiet),
            "### vbump: nothing to release\n\nThe version stays 1.0.0.\n\n"
        );
    }
}
