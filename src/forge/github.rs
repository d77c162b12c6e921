//! GitHub: protection classification, the release pull request and the GitHub Release.
//!
//! Routes used (all documented REST endpoints, API version 2022-11-28):
//! - `GET /repos/{o}/{r}` — the token works and can see the repository (preflight);
//! - `GET /repos/{o}/{r}/branches/{b}` — `protected`;
//! - `GET /repos/{o}/{r}/rules/branches/{b}` and `GET /repos/{o}/{r}/rulesets/{id}` — which
//!   rulesets apply and `current_user_can_bypass`;
//! - `GET /repos/{o}/{r}/branches/{b}/protection` — classic protection (needs administration read;
//!   403/404 mean "cannot tell", never "unprotected");
//! - `GET/POST/PATCH /repos/{o}/{r}/pulls` — one release pull request, updated in place;
//! - `GET /repos/{o}/{r}/releases/tags/{t}`, `GET/POST/PATCH /repos/{o}/{r}/releases` — the release,
//!   created as a draft and published last (with immutable releases a published release is final),
//!   or, with `[github] draft = true`, left a draft for the workflow to attach assets to and publish.

use std::time::Duration;

use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::http::{Api, Reply, status_error};
use super::{PrAction, Protection, PullRequest, Release, ReleaseAction, ReleaseKind, Repo};
use crate::error::{Error, Result};

pub use super::http::Backoff;

/// Rule types that stop a direct push of the release commit unless the token can bypass them.
const BLOCKING_RULES: &[&str] = &[
    "pull_request",
    "required_status_checks",
    "update",
    "required_signatures",
    "required_deployments",
    "merge_queue",
    "code_scanning",
    "workflows",
];

/// A GitHub repository reached through the REST API.
pub struct GitHub {
    api: Api,
    repo: Repo,
}

/// Escapes one path segment (branch and tag names may contain `/`, `#`, `%`, …).
fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl GitHub {
    /// A client for `repo` at `api_url` (`GITHUB_API_URL`, default [`super::DEFAULT_API_URL`]).
    pub fn new(api_url: &str, token: Option<&str>, repo: Repo) -> Result<GitHub> {
        Ok(GitHub { api: Api::new(api_url, token)?, repo })
    }

    /// Replaces the retry timing (tests use milliseconds).
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.api.backoff = backoff;
        self
    }

    fn path(&self, rest: &str) -> String {
        format!("/repos/{}/{}{rest}", segment(&self.repo.owner), segment(&self.repo.name))
    }

    /// A call whose non-success reply is an error naming `doing` and `permission`.
    fn expect(
        &self,
        method: Method,
        rest: &str,
        body: Option<&Value>,
        doing: &str,
        permission: &str,
    ) -> Result<Value> {
        let reply = self.api.call(method, &self.path(rest), body)?;
        if reply.ok() { Ok(reply.body) } else { Err(status_error(&reply, doing, permission)) }
    }

    /// Preflight: the token is accepted and can read the repository. Returns the default branch.
    /// A 401 here (nothing changed yet) is exit 2.
    pub fn check_access(&self) -> Result<String> {
        let doing = format!("reading the repository {}", self.repo);
        let body = self.expect(Method::GET, "", None, &doing, "contents: read")?;
        Ok(body.get("default_branch").and_then(Value::as_str).unwrap_or("main").to_string())
    }

    /// Whether this token may push the release commit to `branch`.
    pub fn protection(&self, branch: &str) -> Result<Protection> {
        let b = segment(branch);
        let doing = format!("reading branch `{branch}` of {}", self.repo);
        let info = self.expect(Method::GET, &format!("/branches/{b}"), None, &doing, "contents: read")?;
        if info.get("protected").and_then(Value::as_bool) == Some(false) {
            return Ok(Protection::Allowed { reason: format!("`{branch}` is not protected") });
        }
        let rules = self.ruleset_verdict(branch)?;
        if let Verdict::Blocks(reason) = &rules {
            return Ok(Protection::Blocked { reason: reason.clone() });
        }
        let classic = self.classic_verdict(branch)?;
        Ok(match (rules, classic) {
            (Verdict::Blocks(reason), _) | (_, Verdict::Blocks(reason)) => Protection::Blocked { reason },
            (Verdict::Unknown(reason), _) | (_, Verdict::Unknown(reason)) => Protection::Unknown { reason },
            (Verdict::Passes(a), Verdict::Passes(b)) => Protection::Allowed { reason: format!("{a}; {b}") },
        })
    }

    /// Rulesets: blocked when a blocking rule's ruleset cannot be bypassed by this token.
    fn ruleset_verdict(&self, branch: &str) -> Result<Verdict> {
        let reply =
            self.api.call(Method::GET, &self.path(&format!("/rules/branches/{}", segment(branch))), None)?;
        if matches!(reply.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) {
            return Ok(Verdict::Unknown(format!(
                "the token cannot read the rules of `{branch}` ({})",
                reply.status
            )));
        }
        let rules = ok_array(reply, &format!("reading the rules of `{branch}`"))?;
        let mut ids: Vec<(u64, String)> = Vec::new();
        for rule in &rules {
            let kind = rule.get("type").and_then(Value::as_str).unwrap_or("");
            if !BLOCKING_RULES.contains(&kind) {
                continue;
            }
            match rule.get("ruleset_id").and_then(Value::as_u64) {
                Some(id) if !ids.iter().any(|(i, _)| *i == id) => ids.push((id, kind.to_string())),
                Some(_) => {}
                None => return Ok(Verdict::Unknown(format!("a `{kind}` rule names no ruleset"))),
            }
        }
        if ids.is_empty() {
            return Ok(Verdict::Passes("no ruleset rule blocks a push".into()));
        }
        for (id, kind) in &ids {
            let reply = self.api.call(Method::GET, &self.path(&format!("/rulesets/{id}")), None)?;
            if matches!(reply.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) {
                return Ok(Verdict::Unknown(format!(
                    "the token cannot read ruleset {id} ({})",
                    reply.status
                )));
            }
            if !reply.ok() {
                return Err(status_error(&reply, &format!("reading ruleset {id}"), "contents: read"));
            }
            let name = reply.body.get("name").and_then(Value::as_str).unwrap_or("unnamed");
            match reply.body.get("current_user_can_bypass").and_then(Value::as_str) {
                Some("always" | "exempt") => {}
                Some(_) | None => {
                    return Ok(Verdict::Blocks(format!(
                        "ruleset `{name}` (id {id}) has a `{kind}` rule on `{branch}` that this token cannot bypass"
                    )));
                }
            }
        }
        Ok(Verdict::Passes("this token can bypass every blocking ruleset".into()))
    }

    /// Classic branch protection; unreadable (403/404 other than "Branch not protected") is unknown.
    fn classic_verdict(&self, branch: &str) -> Result<Verdict> {
        let reply = self.api.call(
            Method::GET,
            &self.path(&format!("/branches/{}/protection", segment(branch))),
            None,
        )?;
        if reply.status == StatusCode::NOT_FOUND && reply.message() == "Branch not protected" {
            // Only a caller allowed to read protection gets this message; anyone else gets 403/404.
            return Ok(Verdict::Passes("no classic protection".into()));
        }
        if matches!(reply.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) {
            return Ok(Verdict::Unknown(format!(
                "the token cannot read the classic protection of `{branch}` ({} {})",
                reply.status.as_u16(),
                reply.message()
            )));
        }
        if !reply.ok() {
            return Err(status_error(
                &reply,
                &format!("reading the protection of `{branch}`"),
                "administration: read",
            ));
        }
        let p = &reply.body;
        let enabled =
            |key: &str| p.get(key).and_then(|v| v.get("enabled")).and_then(Value::as_bool) == Some(true);
        let mut blocking = Vec::new();
        if p.get("required_pull_request_reviews").is_some() {
            blocking.push("required pull request reviews");
        }
        if p.get("required_status_checks").is_some() {
            blocking.push("required status checks");
        }
        if enabled("required_signatures") {
            blocking.push("required signatures");
        }
        if enabled("lock_branch") {
            blocking.push("a locked branch");
        }
        if p.get("restrictions").is_some_and(|r| !r.is_null()) {
            blocking.push("push restrictions");
        }
        if blocking.is_empty() {
            return Ok(Verdict::Passes("classic protection has no rule that blocks a push".into()));
        }
        // Admins pass classic rules when they are not enforced for admins; reading protection at
        // all does not make the token an admin, so ask the repository for the token's role.
        if !enabled("enforce_admins") && self.is_admin()? {
            return Ok(Verdict::Passes("the token is an admin and admins are exempt".into()));
        }
        Ok(Verdict::Blocks(format!("classic protection of `{branch}` requires {}", blocking.join(", "))))
    }

    fn is_admin(&self) -> Result<bool> {
        let body = self.expect(
            Method::GET,
            "",
            None,
            &format!("reading the repository {}", self.repo),
            "contents: read",
        )?;
        Ok(body.pointer("/permissions/admin").and_then(Value::as_bool) == Some(true))
    }

    /// Opens the release pull request from `head` into `base`, or updates the open one: there is
    /// never more than one.
    pub fn open_or_update_pr(&self, head: &str, base: &str, title: &str, body: &str) -> Result<PullRequest> {
        if let Some(number) = self.find_open_pr(head, base)? {
            return self.update_pr(number, title, body);
        }
        let doing = format!("opening the release pull request {head} → {base}");
        let request = json!({ "title": title, "head": head, "base": base, "body": body, "maintainer_can_modify": true });
        let reply = self.api.call(Method::POST, &self.path("/pulls"), Some(&request))?;
        if reply.status == StatusCode::UNPROCESSABLE_ENTITY {
            // "A pull request already exists": a concurrent run (or a retried POST) made it.
            if let Some(number) = self.find_open_pr(head, base)? {
                return self.update_pr(number, title, body);
            }
        }
        if !reply.ok() {
            return Err(status_error(&reply, &doing, "pull-requests: write"));
        }
        pull_request(&reply.body, PrAction::Opened)
    }

    fn find_open_pr(&self, head: &str, base: &str) -> Result<Option<u64>> {
        let query = format!(
            "/pulls?state=open&head={}:{}&base={}&per_page=100",
            segment(&self.repo.owner),
            segment(head),
            segment(base)
        );
        let reply = self.api.call(Method::GET, &self.path(&query), None)?;
        let pulls = ok_array(reply, "listing open pull requests")?;
        Ok(pulls
            .iter()
            .find(|p| p.pointer("/head/ref").and_then(Value::as_str) == Some(head))
            .and_then(|p| p.get("number").and_then(Value::as_u64)))
    }

    fn update_pr(&self, number: u64, title: &str, body: &str) -> Result<PullRequest> {
        let doing = format!("updating release pull request #{number}");
        let request = json!({ "title": title, "body": body });
        let updated = self.expect(
            Method::PATCH,
            &format!("/pulls/{number}"),
            Some(&request),
            &doing,
            "pull-requests: write",
        )?;
        pull_request(&updated, PrAction::Updated)
    }

    /// Makes sure `tag` has a published release with `notes`. Idempotent: an existing published
    /// release is left alone, a draft left by an interrupted run is completed, otherwise a draft is
    /// created and then published (publishing is the last, irreversible step). `kind` sets
    /// `prerelease` and `make_latest`, so a pre-release never becomes the repository's "Latest".
    /// With `draft`, the draft is where it stops: one is created unless the tag has a release
    /// already (a draft or a published one, both left as they are), and nothing is published.
    pub fn publish_release(
        &self,
        tag: &str,
        name: &str,
        notes: &str,
        kind: ReleaseKind,
        draft: bool,
    ) -> Result<Release> {
        let doing = format!("reading the release of tag `{tag}`");
        let reply =
            self.api.call(Method::GET, &self.path(&format!("/releases/tags/{}", segment(tag))), None)?;
        if reply.ok() {
            return release(&reply.body, ReleaseAction::AlreadyPublished);
        }
        if reply.status != StatusCode::NOT_FOUND {
            return Err(status_error(&reply, &doing, "contents: read"));
        }
        let found = self.find_draft(tag)?;
        if draft {
            return match found {
                Some(existing) => release(&existing, ReleaseAction::DraftExists),
                None => release(&self.create_draft(tag, name, notes, kind)?, ReleaseAction::DraftCreated),
            };
        }
        let (draft, action) = match found {
            Some(draft) => (draft, ReleaseAction::PublishedDraft),
            None => (self.create_draft(tag, name, notes, kind)?, ReleaseAction::Created),
        };
        let id = draft.get("id").and_then(Value::as_u64).ok_or_else(|| malformed("release", &draft))?;
        let request = json!({
            "draft": false,
            "name": name,
            "body": notes,
            "prerelease": kind.prerelease(),
            "make_latest": kind.make_latest(),
        });
        let published = self.expect(
            Method::PATCH,
            &format!("/releases/{id}"),
            Some(&request),
            &format!("publishing the release of `{tag}`"),
            "contents: write",
        )?;
        release(&published, action)
    }

    /// A draft release for `tag` (drafts are not found by tag name, only in the list).
    fn find_draft(&self, tag: &str) -> Result<Option<Value>> {
        let reply = self.api.call(Method::GET, &self.path("/releases?per_page=100"), None)?;
        let releases = ok_array(reply, "listing releases")?;
        Ok(releases.into_iter().find(|r| {
            r.get("draft").and_then(Value::as_bool) == Some(true)
                && r.get("tag_name").and_then(Value::as_str) == Some(tag)
        }))
    }

    /// `POST /releases` with its own retry: a POST that failed with a 5xx may have created the
    /// draft anyway, so before each new attempt look for it instead of creating a second one.
    fn create_draft(&self, tag: &str, name: &str, notes: &str, kind: ReleaseKind) -> Result<Value> {
        let doing = format!("creating the release of `{tag}`");
        let request = json!({ "tag_name": tag, "name": name, "body": notes, "draft": true, "prerelease": kind.prerelease() });
        let path = self.path("/releases");
        let mut attempt = 1;
        loop {
            let result = self.api.send_once(&Method::POST, &path, Some(&request));
            match (&result, self.api.retry_delay(result.as_ref().ok(), attempt)) {
                (Ok(reply), _) if reply.ok() => return Ok(reply.body.clone()),
                (_, Some(delay)) => {
                    self.api.sleep(delay);
                    if let Some(draft) = self.find_draft(tag)? {
                        return Ok(draft);
                    }
                }
                (Ok(reply), None) => return Err(status_error(reply, &doing, "contents: write")),
                (Err(transport), None) => {
                    return Err(Error::input(format!(
                        "cannot reach the GitHub API while {doing}: {transport}"
                    ))
                    .hint("run vbump again: the tag is pushed, and the re-run creates the missing release"));
                }
            }
            attempt += 1;
        }
    }
}

/// What one source of protection says about a push.
enum Verdict {
    Passes(String),
    Blocks(String),
    Unknown(String),
}

fn ok_array(reply: Reply, doing: &str) -> Result<Vec<Value>> {
    if !reply.ok() {
        return Err(status_error(&reply, doing, "contents: read"));
    }
    match reply.body {
        Value::Array(items) => Ok(items),
        other => Err(malformed(doing, &other)),
    }
}

fn malformed(what: &str, body: &Value) -> Error {
    let kind = match body {
        Value::Null => "no JSON",
        Value::Object(_) => "an object without the expected fields",
        _ => "an unexpected JSON value",
    };
    Error::input(format!("GitHub returned {kind} for {what}"))
        .hint("check that GITHUB_API_URL points at a GitHub REST API (…/api/v3 on GitHub Enterprise Server)")
}

fn pull_request(body: &Value, action: PrAction) -> Result<PullRequest> {
    let number = body.get("number").and_then(Value::as_u64);
    let url = body.get("html_url").and_then(Value::as_str);
    match (number, url) {
        (Some(number), Some(url)) => Ok(PullRequest { number, url: url.to_string(), action }),
        _ => Err(malformed("the pull request", body)),
    }
}

fn release(body: &Value, action: ReleaseAction) -> Result<Release> {
    let id = body.get("id").and_then(Value::as_u64);
    let url = body.get("html_url").and_then(Value::as_str);
    let upload_url = body.get("upload_url").and_then(Value::as_str);
    match (id, url, upload_url) {
        (Some(id), Some(url), Some(upload_url)) => {
            Ok(Release { id, url: url.to_string(), upload_url: upload_url.to_string(), action })
        }
        _ => Err(malformed("the release", body)),
    }
}

/// Retry timing for tests and impatient callers: `first` doubled per attempt, `attempts` in all,
/// and `first` after a secondary rate limit that gives no `retry-after`.
pub fn backoff(first: Duration, attempts: u32) -> Backoff {
    Backoff { first, attempts, secondary_wait: first, ..Backoff::default() }
}

#[cfg(test)]
mod tests {
    use super::segment;

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(segment("main"), "main");
        assert_eq!(segment("release/v1.2"), "release%2Fv1.2");
        assert_eq!(segment("a b#c"), "a%20b%23c");
    }
}
