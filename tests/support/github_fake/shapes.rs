//! Response bodies: GitHub's own examples from its OpenAPI description (the vendored contract),
//! with the fake's state written over the fields vbump reads and the identifying ones. Every body
//! is also validated against the operation's schema as it is sent (`openapi`).

use serde_json::{Value, json};

use super::super::openapi::contract;
use super::{FakeState, Pull, Rel};

/// Writes each `(JSON pointer, value)` into `doc`; the pointer's parent must exist.
fn patch(mut doc: Value, fields: &[(&str, Value)]) -> Value {
    for (pointer, value) in fields {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let target = doc.pointer_mut(parent).unwrap_or_else(|| panic!("the example has no {parent}"));
        target.as_object_mut().unwrap().insert(key.to_string(), value.clone());
    }
    doc
}

/// A user, or an App's bot account (`name[bot]`, whose page is `https://github.com/apps/name`).
fn owner_fields(prefix: &str, login: &str) -> Vec<(String, Value)> {
    let (html_url, kind) = match login.strip_suffix("[bot]") {
        Some(app) => (format!("https://github.com/apps/{app}"), "Bot"),
        None => (format!("https://github.com/{login}"), "User"),
    };
    vec![
        (format!("{prefix}/login"), json!(login)),
        (format!("{prefix}/html_url"), json!(html_url)),
        (format!("{prefix}/type"), json!(kind)),
    ]
}

fn patch_owned(doc: Value, fields: Vec<(String, Value)>) -> Value {
    let borrowed: Vec<(&str, Value)> = fields.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    patch(doc, &borrowed)
}

pub(super) fn repository(s: &FakeState, base: &str) -> Value {
    let mut fields = vec![
        ("/name".to_string(), json!(s.repo)),
        ("/full_name".to_string(), json!(format!("{}/{}", s.owner, s.repo))),
        ("/html_url".to_string(), json!(format!("https://github.com/{}/{}", s.owner, s.repo))),
        ("/url".to_string(), json!(format!("{base}/repos/{}/{}", s.owner, s.repo))),
        ("/default_branch".to_string(), json!(s.default_branch)),
        (
            "/permissions".to_string(),
            json!({"admin": s.admin, "maintain": s.admin, "push": true, "triage": true, "pull": true}),
        ),
    ];
    fields.extend(owner_fields("/owner", &s.owner));
    // GitHub's example is a fork in an organisation, and lacks the required `language`: the fake's
    // repository is a user's own, not a fork.
    let mut example = contract().example("full-repository-default-response");
    for key in ["source", "parent", "template_repository", "organization"] {
        example.as_object_mut().unwrap().remove(key);
    }
    fields.push(("/fork".to_string(), json!(false)));
    fields.push(("/language".to_string(), json!("Rust")));
    patch_owned(example, fields)
}

pub(super) fn branch_json(s: &FakeState, base: &str, branch: &str, protected: bool) -> Value {
    let url = format!("{base}/repos/{}/{}/branches/{branch}", s.owner, s.repo);
    patch(
        contract().example("branch-get"),
        &[
            ("/name", json!(branch)),
            ("/_links/html", json!(format!("https://github.com/{}/{}/tree/{branch}", s.owner, s.repo))),
            ("/_links/self", json!(url)),
            ("/protected", json!(protected)),
            ("/protection/enabled", json!(protected)),
            ("/protection_url", json!(format!("{url}/protection"))),
        ],
    )
}

pub(super) fn ruleset_json(s: &FakeState, id: u64, name: &str, bypass: &str) -> Value {
    patch(
        contract().example("repository-ruleset"),
        &[
            ("/id", json!(id)),
            ("/name", json!(name)),
            ("/source", json!(format!("{}/{}", s.owner, s.repo))),
            ("/current_user_can_bypass", json!(bypass)),
            (
                "/rules",
                json!([{"type": "pull_request", "parameters": {
                "required_approving_review_count": 1, "dismiss_stale_reviews_on_push": false,
                "require_code_owner_review": false, "require_last_push_approval": false,
                "required_review_thread_resolution": false, "allowed_merge_methods": ["merge", "squash", "rebase"]}}]),
            ),
        ],
    )
}

/// A pull request: the full object (`single`, from create and update) or a list item.
pub(super) fn pull_json(s: &FakeState, base: &str, p: &Pull, single: bool) -> Value {
    let example = if single {
        contract().example("pull-request")
    } else {
        contract().example("pull-request-simple-items")[0].clone()
    };
    let repo_url = format!("{base}/repos/{}/{}", s.owner, s.repo);
    let mut fields = vec![
        ("/url".to_string(), json!(format!("{repo_url}/pulls/{}", p.number))),
        ("/id".to_string(), json!(1_000_000 + p.number)),
        (
            "/html_url".to_string(),
            json!(format!("https://github.com/{}/{}/pull/{}", s.owner, s.repo, p.number)),
        ),
        ("/number".to_string(), json!(p.number)),
        ("/state".to_string(), json!(if p.open { "open" } else { "closed" })),
        ("/title".to_string(), json!(p.title)),
        ("/body".to_string(), json!(p.body)),
        ("/draft".to_string(), json!(false)),
        // GitHub's example lists a team without the required `type`; nobody is asked to review.
        ("/requested_teams".to_string(), json!([])),
        ("/requested_reviewers".to_string(), json!([])),
        ("/head/label".to_string(), json!(format!("{}:{}", s.owner, p.head))),
        ("/head/ref".to_string(), json!(p.head)),
        ("/base/label".to_string(), json!(format!("{}:{}", s.owner, p.base))),
        ("/base/ref".to_string(), json!(p.base)),
    ];
    fields.extend(owner_fields("/user", "vbump[bot]"));
    patch_owned(example, fields)
}

pub(super) fn release_json(s: &FakeState, base: &str, r: &Rel) -> Value {
    // A draft has no tag page yet: GitHub gives it an `untagged-…` URL.
    let html_url = if r.draft {
        format!("https://github.com/{}/{}/releases/tag/untagged-{}", s.owner, s.repo, r.id)
    } else {
        format!("https://github.com/{}/{}/releases/tag/{}", s.owner, s.repo, r.tag)
    };
    let url = format!("{base}/repos/{}/{}/releases/{}", s.owner, s.repo, r.id);
    let mut fields = vec![
        ("/url".to_string(), json!(url)),
        ("/html_url".to_string(), json!(html_url)),
        ("/assets_url".to_string(), json!(format!("{url}/assets"))),
        (
            "/upload_url".to_string(),
            json!(format!(
                "https://uploads.github.com/repos/{}/{}/releases/{}/assets{{?name,label}}",
                s.owner, s.repo, r.id
            )),
        ),
        ("/id".to_string(), json!(r.id)),
        ("/tag_name".to_string(), json!(r.tag)),
        ("/target_commitish".to_string(), json!(s.default_branch)),
        ("/name".to_string(), json!(r.name)),
        ("/body".to_string(), json!(r.body)),
        ("/draft".to_string(), json!(r.draft)),
        ("/prerelease".to_string(), json!(r.prerelease)),
        ("/immutable".to_string(), json!(false)),
        ("/published_at".to_string(), if r.draft { Value::Null } else { json!("2013-02-27T19:35:32Z") }),
        ("/assets".to_string(), json!([])),
    ];
    fields.extend(owner_fields("/author", "vbump[bot]"));
    patch_owned(contract().example("release"), fields)
}
