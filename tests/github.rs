//! GitHub: protection classification, the release pull request and the GitHub Release, driven
//! through vbump's forge API against the local fake of GitHub's REST API (same octocrab path as
//! production; only the base URL differs).

use std::time::Duration;

use serde_json::json;
use vbump::forge::github::{GitHub, backoff};
use vbump::forge::{PrAction, Protection, ReleaseAction, ReleaseKind, Repo};

use crate::support::github_fake::{Classic, GitHubFake, TOKEN};

fn client(fake: &GitHubFake) -> GitHub {
    client_with(fake, TOKEN)
}

fn client_with(fake: &GitHubFake, token: &str) -> GitHub {
    let repo = Repo::parse("octo/hello").unwrap();
    GitHub::new(&fake.url(), Some(token), repo).unwrap().with_backoff(backoff(Duration::from_millis(5), 4))
}

#[test]
fn unprotected_branch_allows_push() {
    let fake = GitHubFake::start();
    let verdict = client(&fake).protection("main").unwrap();
    assert!(matches!(verdict, Protection::Allowed { .. }), "{verdict:?}");
    assert_eq!(fake.requests(), ["GET /repos/octo/hello/branches/main"]);
}

#[test]
fn protected_branch_with_bypass_allows_push() {
    let fake = GitHubFake::start();
    {
        let mut s = fake.state();
        s.branches.insert("main".into(), true);
        s.add_ruleset(7, "pull_request", "always");
        s.add_ruleset(7, "required_status_checks", "always");
        s.add_ruleset(8, "deletion", "never");
    }
    let verdict = client(&fake).protection("main").unwrap();
    assert!(matches!(verdict, Protection::Allowed { .. }), "{verdict:?}");
    // The non-blocking `deletion` rule's ruleset is not even read; ruleset 7 is read once.
    let reads: Vec<_> = fake.requests().into_iter().filter(|r| r.contains("/rulesets/")).collect();
    assert_eq!(reads, ["GET /repos/octo/hello/rulesets/7"]);
}

#[test]
fn protected_branch_without_bypass_blocks_push_and_names_the_ruleset() {
    let fake = GitHubFake::start();
    fake.state().protect_without_bypass();
    let verdict = client(&fake).protection("main").unwrap();
    let Protection::Blocked { reason } = verdict else { panic!("{verdict:?}") };
    assert!(reason.contains("`protect main` (id 42)") && reason.contains("`pull_request`"), "{reason}");
}

#[test]
fn pull_request_only_bypass_does_not_allow_a_direct_push() {
    let fake = GitHubFake::start();
    {
        let mut s = fake.state();
        s.branches.insert("main".into(), true);
        s.add_ruleset(9, "pull_request", "pull_requests_only");
    }
    assert!(matches!(client(&fake).protection("main").unwrap(), Protection::Blocked { .. }));
}

#[test]
fn unreadable_classic_protection_is_unknown_not_unprotected() {
    let fake = GitHubFake::start();
    {
        let mut s = fake.state();
        s.branches.insert("main".into(), true);
        s.classic = Classic::Forbidden;
    }
    let verdict = client(&fake).protection("main").unwrap();
    let Protection::Unknown { reason } = verdict else { panic!("{verdict:?}") };
    assert!(reason.contains("403 Resource not accessible by integration"), "{reason}");
}

#[test]
fn unreadable_rules_are_unknown() {
    let fake = GitHubFake::start();
    {
        let mut s = fake.state();
        s.branches.insert("main".into(), true);
        s.rules_status = Some(403);
    }
    assert!(matches!(client(&fake).protection("main").unwrap(), Protection::Unknown { .. }));
}

fn classic(enforce_admins: bool) -> Classic {
    Classic::Protection(json!({
        "url": "https://api.github.com/repos/octo/hello/branches/main/protection",
        "required_status_checks": {"strict": true, "contexts": ["ci"], "checks": [{"context": "ci", "app_id": null}]},
        "required_pull_request_reviews": {"dismiss_stale_reviews": true, "require_code_owner_reviews": false, "required_approving_review_count": 1},
        "enforce_admins": {"url": "https://api.github.com/repos/octo/hello/branches/main/protection/enforce_admins", "enabled": enforce_admins},
        "required_linear_history": {"enabled": false},
        "allow_force_pushes": {"enabled": false},
        "allow_deletions": {"enabled": false},
        "required_signatures": {"url": "https://api.github.com/repos/octo/hello/branches/main/protection/required_signatures", "enabled": false},
        "lock_branch": {"enabled": false},
    }))
}

#[test]
fn classic_protection_blocks_unless_the_token_is_an_exempt_admin() {
    let fake = GitHubFake::start();
    {
        let mut s = fake.state();
        s.branches.insert("main".into(), true);
        s.classic = classic(false);
    }
    let verdict = client(&fake).protection("main").unwrap();
    let Protection::Blocked { reason } = verdict else { panic!("{verdict:?}") };
    assert!(reason.contains("required pull request reviews, required status checks"), "{reason}");

    fake.state().admin = true;
    assert!(matches!(client(&fake).protection("main").unwrap(), Protection::Allowed { .. }));

    fake.state().classic = classic(true);
    assert!(matches!(client(&fake).protection("main").unwrap(), Protection::Blocked { .. }));
}

#[test]
fn secondary_rate_limit_is_waited_out() {
    let fake = GitHubFake::start();
    fake.fail("GET", "/repos/octo/hello/branches/main", 403, 2);
    let verdict = client(&fake).protection("main").unwrap();
    assert!(matches!(verdict, Protection::Allowed { .. }), "{verdict:?}");
    assert_eq!(fake.requests().len(), 3);
}

#[test]
fn bad_token_is_exit_2_before_any_change_and_never_printed() {
    let fake = GitHubFake::start();
    let e = client_with(&fake, "ghp_wrongToken123").check_access().unwrap_err();
    assert_eq!(e.exit_code(), 2);
    let text = e.to_string();
    assert!(text.contains("401 Bad credentials"), "{text}");
    assert!(!text.contains("ghp_wrongToken123") && !text.contains(TOKEN), "{text}");
    assert_eq!(fake.writes(), Vec::<String>::new());
}

#[test]
fn check_access_returns_the_default_branch() {
    let fake = GitHubFake::start();
    fake.state().default_branch = "trunk".into();
    assert_eq!(client(&fake).check_access().unwrap(), "trunk");
}

#[test]
fn release_pr_is_opened_once_then_updated_never_duplicated() {
    let fake = GitHubFake::start();
    let gh = client(&fake);
    let first = gh.open_or_update_pr("vbump/release", "main", "chore(release): v1.3.0", "notes 1").unwrap();
    assert_eq!(first.action, PrAction::Opened);
    assert_eq!(first.url, "https://github.com/octo/hello/pull/1");
    let second = gh.open_or_update_pr("vbump/release", "main", "chore(release): v1.4.0", "notes 2").unwrap();
    assert_eq!((second.action, second.number), (PrAction::Updated, 1));
    let s = fake.state();
    assert_eq!(s.open_pulls().len(), 1);
    assert_eq!((s.pulls[0].title.as_str(), s.pulls[0].body.as_str()), ("chore(release): v1.4.0", "notes 2"));
}

#[test]
fn release_pr_without_permission_names_pull_requests_write() {
    let fake = GitHubFake::start();
    fake.refuse("POST", "/repos/octo/hello/pulls");
    let e = client(&fake).open_or_update_pr("vbump/release", "main", "t", "b").unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().contains("403 Resource not accessible by integration"), "{e}");
    assert!(e.hint.as_deref().unwrap().contains("`pull-requests: write`"), "{e}");
    assert!(fake.state().pulls.is_empty());
}

#[test]
fn release_is_created_as_draft_then_published() {
    let fake = GitHubFake::start();
    let release = client(&fake)
        .publish_release("v1.3.0", "v1.3.0", "### Features\n", ReleaseKind::Latest, false)
        .unwrap();
    assert_eq!(release.action, ReleaseAction::Created);
    assert_eq!(release.url, "https://github.com/octo/hello/releases/tag/v1.3.0");
    let writes = fake.writes();
    assert_eq!(
        writes,
        [
            "POST /repos/octo/hello/releases".to_string(),
            format!("PATCH /repos/octo/hello/releases/{}", release.id)
        ]
    );
    let s = fake.state();
    assert_eq!(s.releases.len(), 1);
    assert!(!s.releases[0].draft);
    assert_eq!(s.releases[0].body, "### Features\n");
}

#[test]
fn release_creation_502_twice_then_201_is_released_once() {
    let fake = GitHubFake::start();
    fake.fail("POST", "/repos/octo/hello/releases", 502, 2);
    let release =
        client(&fake).publish_release("v1.3.0", "v1.3.0", "notes", ReleaseKind::Latest, false).unwrap();
    assert_eq!(release.action, ReleaseAction::Created);
    let posts = fake.writes().into_iter().filter(|w| w.starts_with("POST")).count();
    assert_eq!(posts, 3);
    assert_eq!(fake.state().releases.len(), 1);
}

#[test]
fn a_502_after_github_created_the_draft_does_not_create_a_second_one() {
    let fake = GitHubFake::start();
    fake.fail_after_applying("POST", "/repos/octo/hello/releases", 502, 1);
    let release =
        client(&fake).publish_release("v1.3.0", "v1.3.0", "notes", ReleaseKind::Latest, false).unwrap();
    let s = fake.state();
    assert_eq!(s.releases.len(), 1, "{:?}", s.releases);
    assert!(!s.releases[0].draft);
    assert_eq!(release.id, s.releases[0].id);
}

#[test]
fn existing_release_is_left_alone_and_a_leftover_draft_is_published() {
    let fake = GitHubFake::start();
    let gh = client(&fake);
    let first = gh.publish_release("v1.3.0", "v1.3.0", "notes", ReleaseKind::Latest, false).unwrap();
    let again = gh.publish_release("v1.3.0", "v1.3.0", "notes", ReleaseKind::Latest, false).unwrap();
    assert_eq!((again.action, again.id), (ReleaseAction::AlreadyPublished, first.id));
    assert_eq!(fake.state().releases.len(), 1);

    fake.state().releases.push(crate::support::github_fake::Rel {
        id: 5,
        tag: "v1.4.0".into(),
        name: "v1.4.0".into(),
        body: String::new(),
        draft: true,
        prerelease: false,
    });
    let finished = gh.publish_release("v1.4.0", "v1.4.0", "notes 1.4", ReleaseKind::Latest, false).unwrap();
    assert_eq!((finished.action, finished.id), (ReleaseAction::PublishedDraft, 5));
    let s = fake.state();
    assert_eq!(s.releases.len(), 2);
    assert!(s.releases.iter().all(|r| !r.draft));
}

#[test]
fn a_draft_is_created_once_left_unpublished_and_published_only_when_asked() {
    let fake = GitHubFake::start();
    let gh = client(&fake);
    let draft = gh.publish_release("v1.3.0", "v1.3.0", "notes", ReleaseKind::Latest, true).unwrap();
    assert_eq!(draft.action, ReleaseAction::DraftCreated);
    assert_eq!(
        draft.upload_url,
        format!("https://uploads.github.com/repos/octo/hello/releases/{}/assets{{?name,label}}", draft.id)
    );
    assert!(draft.url.contains("/releases/tag/untagged-"), "{}", draft.url);
    let again = gh.publish_release("v1.3.0", "v1.3.0", "notes", ReleaseKind::Latest, true).unwrap();
    assert_eq!((again.action, again.id), (ReleaseAction::DraftExists, draft.id));
    assert!(!fake.writes().iter().any(|w| w.starts_with("PATCH")), "{:?}", fake.writes());
    assert_eq!(fake.state().releases.len(), 1);
    assert!(fake.state().releases[0].draft);
    // Without `draft`, the draft is completed and published; asked for a draft again, the
    // published release is left as it is.
    let published = gh.publish_release("v1.3.0", "v1.3.0", "notes", ReleaseKind::Latest, false).unwrap();
    assert_eq!((published.action, published.id), (ReleaseAction::PublishedDraft, draft.id));
    let after = gh.publish_release("v1.3.0", "v1.3.0", "notes", ReleaseKind::Latest, true).unwrap();
    assert_eq!(after.action, ReleaseAction::AlreadyPublished);
    assert_eq!(fake.state().releases.len(), 1);
    assert!(!fake.state().releases[0].draft);
}

#[test]
fn release_without_contents_write_is_exit_2_naming_the_permission() {
    let fake = GitHubFake::start();
    fake.refuse("POST", "/repos/octo/hello/releases");
    let e =
        client(&fake).publish_release("v1.3.0", "v1.3.0", "notes", ReleaseKind::Latest, false).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().contains("GitHub refused creating the release of `v1.3.0`"), "{e}");
    assert!(e.hint.as_deref().unwrap().contains("`contents: write`"), "{e}");
    // A refusal is not retried.
    assert_eq!(fake.writes(), ["POST /repos/octo/hello/releases"]);
}

#[test]
fn server_errors_that_never_end_are_reported_with_a_hint_to_rerun() {
    let fake = GitHubFake::start();
    fake.fail("GET", "/repos/octo/hello/branches/main", 502, 100);
    let e = client(&fake).protection("main").unwrap_err();
    assert!(e.to_string().contains("502"), "{e}");
    assert!(e.hint.as_deref().unwrap_or("").contains("run vbump again"), "{e}");
    assert_eq!(fake.requests().len(), 4);
}

#[test]
fn a_pre_release_is_marked_prerelease_and_never_made_latest() {
    let fake = GitHubFake::start();
    let gh = client(&fake);
    let stable = gh.publish_release("v1.2.0", "v1.2.0", "notes", ReleaseKind::Latest, false).unwrap();
    let rc =
        gh.publish_release("v1.3.0-rc.1", "v1.3.0-rc.1", "notes", ReleaseKind::PreRelease, false).unwrap();
    {
        let s = fake.state();
        let published = s.releases.iter().find(|r| r.id == rc.id).unwrap();
        assert!(published.prerelease && !published.draft);
        assert_eq!(s.latest, Some(stable.id), "the rc did not become Latest");
    }
    let promoted = gh.publish_release("v1.3.0", "v1.3.0", "notes", ReleaseKind::Latest, false).unwrap();
    assert_eq!(fake.state().latest, Some(promoted.id));
    // A fix on a maintenance branch is published, and Latest stays the newest release.
    gh.publish_release("v1.2.1", "v1.2.1", "notes", ReleaseKind::Maintenance, false).unwrap();
    assert_eq!(fake.state().latest, Some(promoted.id));
}

#[test]
fn release_kinds_follow_the_version_and_the_newest_stable_tag() {
    let v = |s: &str| semver::Version::parse(s).unwrap();
    assert_eq!(ReleaseKind::of(&v("1.3.0-rc.1"), None), ReleaseKind::PreRelease);
    assert_eq!(ReleaseKind::of(&v("1.3.0"), Some(&v("1.2.0"))), ReleaseKind::Latest);
    assert_eq!(ReleaseKind::of(&v("1.3.0"), None), ReleaseKind::Latest);
    assert_eq!(ReleaseKind::of(&v("1.2.1"), Some(&v("2.0.0"))), ReleaseKind::Maintenance);
    assert_eq!(
        (
            ReleaseKind::PreRelease.make_latest(),
            ReleaseKind::Latest.make_latest(),
            ReleaseKind::Maintenance.make_latest()
        ),
        ("false", "true", "false")
    );
}
