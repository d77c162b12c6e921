//! `vbump release`: the arguments as a [`ReleaseRequest`], the core's [`Outcome`] printed.

use super::output;
use super::{Context, Format, ReleaseArgs};
use crate::error::Result;
use crate::release::{self, Outcome, ReleaseRequest};
use crate::text;

/// The request `args` describe.
pub(super) fn request(ctx: &Context, args: &ReleaseArgs) -> ReleaseRequest {
    ReleaseRequest {
        target: ctx.target.clone(),
        bump: args.plan.bump.and_then(|b| b.level()),
        pre: args.plan.pre.clone(),
        promote: args.plan.promote,
        packages: args.plan.packages.clone(),
        push: args.push,
        remote: args.remote.clone(),
        token_env: args.token_env.clone(),
        strategy: args.strategy.map(Into::into),
        author: args.author.clone(),
        draft: args.draft,
    }
}

pub(super) fn run(ctx: &Context, args: &ReleaseArgs) -> Result<i32> {
    if args.dry_run {
        return super::plan::run_plan(ctx, &request(ctx, args));
    }
    let outcome = release::run(&request(ctx, args), &mut ctx.reporter())?;
    match ctx.format {
        Format::Json => print_json(&outcome),
        Format::Human | Format::Github => print_human(&outcome),
    }
    Ok(0)
}

fn print_json(outcome: &Outcome) {
    let json = match outcome {
        Outcome::PullRequest(pr) => Json {
            outputs: &pr.outputs,
            pushed: false,
            files: &[],
            notes: None,
            pr_number: Some(pr.number),
            pr: Some(if pr.opened { "opened" } else { "updated" }),
        },
        Outcome::Released(released) => Json {
            outputs: &released.outputs,
            pushed: released.pushed,
            files: &released.files,
            notes: Some(&released.notes),
            pr_number: None,
            pr: None,
        },
        Outcome::Finished(finished) => Json {
            outputs: &finished.outputs,
            pushed: true,
            files: &[],
            notes: None,
            pr_number: None,
            pr: None,
        },
        Outcome::Nothing(nothing) => Json {
            outputs: &nothing.outputs,
            pushed: false,
            files: &[],
            notes: None,
            pr_number: None,
            pr: None,
        },
    };
    output::json(&json);
}

/// `vbump release --format json`: the step outputs (the same names and values), whether the
/// release was pushed, what it committed (the same `files` and `notes` as `vbump plan --format
/// json`), and for a release pull request its number and whether it was opened or updated.
#[derive(serde::Serialize)]
#[serde(rename_all = "kebab-case")]
struct Json<'a> {
    #[serde(flatten)]
    outputs: &'a crate::actions::Outputs,
    pushed: bool,
    files: &'a [crate::edit::FileEdit],
    notes: Option<&'a String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pr_number: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pr: Option<&'static str>,
}

fn print_human(outcome: &Outcome) {
    match outcome {
        Outcome::Released(released) if released.outputs.releases.as_ref().is_some_and(|r| r.len() > 1) => {
            print_packages_released(released);
        }
        Outcome::Released(released) => {
            let outputs = &released.outputs;
            match &outputs.github_release {
                Some(release) if release.draft => super::output::print(&format!(
                    "draft GitHub Release {} (id {}): {}",
                    outputs.tag, release.release_id, release.release_url
                )),
                Some(release) => super::output::print(&format!(
                    "published GitHub Release {}: {}",
                    outputs.tag, release.release_url
                )),
                None => {}
            }
            let remote = &released.remote;
            let whereto = if released.pushed { format!(", pushed to `{remote}`") } else { String::new() };
            print_released(
                &outputs.tag,
                &outputs.previous_version,
                &outputs.version,
                &outputs.bump,
                &outputs.commit,
                &whereto,
            );
            if !released.pushed {
                super::output::print(&format!(
                    "push it with: git push --atomic {remote} HEAD refs/tags/{}",
                    outputs.tag
                ));
            }
        }
        Outcome::Finished(finished) => {
            let outputs = &finished.outputs;
            let release = match &outputs.github_release {
                Some(release) if release.draft => {
                    format!("its draft GitHub Release is {}", release.release_url)
                }
                Some(release) => format!("its GitHub Release is {}", release.release_url),
                None => "no GitHub Release (the GitHub steps did not run)".to_string(),
            };
            // Several packages: every tag of the release at HEAD (the flat `tag` is empty then).
            let tags = match outputs.releases.as_deref() {
                Some(releases) if releases.len() > 1 => {
                    releases.iter().map(|r| r.tag.as_str()).collect::<Vec<_>>().join(", ")
                }
                _ => outputs.tag.clone(),
            };
            super::output::print(&format!(
                "finished release {tags} ({}): {release}",
                text::named_sha(&outputs.commit)
            ));
        }
        Outcome::PullRequest(pr) => {
            let verb = if pr.opened { "opened" } else { "updated" };
            super::output::print(&format!(
                "{verb} release pull request #{} for {}: {}",
                pr.number, pr.tag, pr.url
            ));
        }
        Outcome::Nothing(nothing) => {
            match (&nothing.last_tag, nothing.head_is_released) {
                (Some(tag), true) => {
                    super::output::print(&format!("nothing to release: HEAD is already released as {tag}"))
                }
                (Some(tag), false) => super::output::print(&format!("nothing to release since {tag}")),
                (None, _) => super::output::print("nothing to release since the first commit"),
            }
            if let Some(hint) = &nothing.hint {
                super::output::print(&format!("hint: {hint}"));
            }
        }
    }
}

/// A release of several packages: one line per package, then how to push when it was not pushed.
/// (The flat keys are empty then; `releases` holds each package.)
fn print_packages_released(released: &release::Released) {
    let outputs = &released.outputs;
    let releases = outputs.releases.as_deref().unwrap_or_default();
    let remote = &released.remote;
    let whereto = if released.pushed { format!(", pushed to `{remote}`") } else { String::new() };
    if let Some(release) = &outputs.github_release {
        let tags: Vec<&str> = releases.iter().map(|r| r.tag.as_str()).collect();
        let made = if release.draft { "made a draft" } else { "published a" };
        super::output::print(&format!("{made} GitHub Release for each of {}", tags.join(", ")));
    }
    for r in releases {
        print_released(&r.tag, &r.previous_version, &r.version, &r.bump, &outputs.commit, &whereto);
    }
    if !released.pushed {
        let refs: Vec<String> = releases.iter().map(|r| format!("refs/tags/{}", r.tag)).collect();
        super::output::print(&format!("push it with: git push --atomic {remote} HEAD {}", refs.join(" ")));
    }
}

/// `released TAG (PREVIOUS → VERSION, BUMP) as COMMIT[, pushed to `REMOTE`]`.
fn print_released(tag: &str, previous: &str, version: &str, bump: &str, commit: &str, whereto: &str) {
    let commit = text::named_sha(commit);
    super::output::print(&format!("released {tag} ({previous} → {version}, {bump}) as {commit}{whereto}"));
}
