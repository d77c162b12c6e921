//! Response bodies in the shapes GitHub documents (github/rest-api-description examples), trimmed
//! to the fields clients read plus the identifying ones.

use serde_json::{Value, json};

use super::{FakeState, Pull, Rel};

pub(super) fn owner_json(login: &str) -> Value {
    json!({"login": login, "id": 1, "node_id": "MDQ6VXNlcjE=", "type": "User", "site_admin": false,
           "html_url": format!("https://github.com/{login}")})
}

pub(super) fn repository(s: &FakeState, base: &str) -> Value {
    json!({
        "id": 1296269, "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "name": s.repo,
        "full_name": format!("{}/{}", s.owner, s.repo), "owner": owner_json(&s.owner), "private": false,
        "html_url": format!("https://github.com/{}/{}", s.owner, s.repo),
        "url": format!("{base}/repos/{}/{}", s.owner, s.repo), "default_branch": s.default_branch,
        "permissions": {"admin": s.admin, "maintain": s.admin, "push": true, "triage": true, "pull": true},
    })
}

pub(super) fn branch_json(s: &FakeState, base: &str, branch: &str, protected: bool) -> Value {
    let url = format!("{base}/repos/{}/{}/branches/{branch}", s.owner, s.repo);
    json!({
        "name": branch,
        "commit": {"sha": "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d", "url": format!("{base}/repos/{}/{}/commits/7fd1a60b01f91b314f59955a4e4d4e80d8edf11d", s.owner, s.repo)},
        "_links": {"html": format!("https://github.com/{}/{}/tree/{branch}", s.owner, s.repo), "self": url},
        "protected": protected,
        "protection": {"enabled": protected, "required_status_checks": {"enforcement_level": "non_admins", "contexts": [], "checks": []}},
        "protection_url": format!("{url}/protection"),
    })
}

pub(super) fn pull_json(s: &FakeState, base: &str, p: &Pull) -> Value {
    json!({
        "url": format!("{base}/repos/{}/{}/pulls/{}", s.owner, s.repo, p.number), "id": 1_000_000 + p.number,
        "node_id": "MDExOlB1bGxSZXF1ZXN0MQ==", "html_url": format!("https://github.com/{}/{}/pull/{}", s.owner, s.repo, p.number),
        "number": p.number, "state": if p.open { "open" } else { "closed" }, "locked": false, "title": p.title, "body": p.body,
        "user": owner_json("vbump[bot]"), "draft": false,
        "head": {"label": format!("{}:{}", s.owner, p.head), "ref": p.head, "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e", "user": owner_json(&s.owner)},
        "base": {"label": format!("{}:{}", s.owner, p.base), "ref": p.base, "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e", "user": owner_json(&s.owner)},
    })
}

pub(super) fn release_json(s: &FakeState, base: &str, r: &Rel) -> Value {
    // A draft has no tag page yet: GitHub gives it an `untagged-…` URL.
    let html_url = if r.draft {
        format!("https://github.com/{}/{}/releases/tag/untagged-{}", s.owner, s.repo, r.id)
    } else {
        format!("https://github.com/{}/{}/releases/tag/{}", s.owner, s.repo, r.tag)
    };
    json!({
        "url": format!("{base}/repos/{}/{}/releases/{}", s.owner, s.repo, r.id), "html_url": html_url, "id": r.id,
        "node_id": "MDc6UmVsZWFzZTE=", "tag_name": r.tag, "target_commitish": s.default_branch, "name": r.name,
        "body": r.body, "draft": r.draft, "prerelease": r.prerelease, "immutable": false,
        "created_at": "2013-02-27T19:35:32Z", "published_at": if r.draft { Value::Null } else { json!("2013-02-27T19:35:32Z") },
        "author": owner_json("vbump[bot]"), "assets": [],
    })
}
