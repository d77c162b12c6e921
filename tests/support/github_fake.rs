//! A local fake of the GitHub REST API: a small stateful GitHub behind wiremock on 127.0.0.1.
//!
//! Responses follow the documented shapes (the examples in github/rest-api-description) for the
//! endpoints vbump uses: repository, branch, rules for a branch, ruleset, classic protection, pull
//! requests and releases. State lives in [`FakeState`], which tests set up and inspect; failures are
//! injected per route with [`GitHubFake::fail`]. vbump talks to it through its production octocrab
//! client; only `GITHUB_API_URL` differs.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::openapi::{contract, decode};

mod shapes;
use shapes::{branch_json, pull_json, release_json, repository, ruleset_json};

/// The token the fake accepts unless a test changes it.
pub const TOKEN: &str = "ghp_fakeTokenForTests0123456789abcdef";

/// Classic branch protection as the token sees it.
#[derive(Debug, Clone)]
pub enum Classic {
    /// 404 "Branch not protected" (readable, and nothing configured).
    NotProtected,
    /// 403 "Resource not accessible by integration" (GITHUB_TOKEN has no administration read).
    Forbidden,
    /// The protection object (`GET /branches/{b}/protection` 200).
    Protection(Value),
}

/// An open or closed pull request.
#[derive(Debug, Clone)]
pub struct Pull {
    pub number: u64,
    pub head: String,
    pub base: String,
    pub title: String,
    pub body: String,
    pub open: bool,
}

/// A release, draft or published.
#[derive(Debug, Clone)]
pub struct Rel {
    pub id: u64,
    pub tag: String,
    pub name: String,
    pub body: String,
    pub draft: bool,
    pub prerelease: bool,
}

/// Everything the fake knows about its one repository.
#[derive(Debug)]
pub struct FakeState {
    pub token: String,
    pub owner: String,
    pub repo: String,
    pub default_branch: String,
    /// `permissions.admin` of the token on the repository.
    pub admin: bool,
    /// Branch name → `protected`.
    pub branches: BTreeMap<String, bool>,
    /// Rules returned by `GET /rules/branches/{b}` for every branch; `rules_status` overrides.
    pub rules: Vec<Value>,
    pub rules_status: Option<u16>,
    /// Ruleset id → (name, `current_user_can_bypass`).
    pub rulesets: BTreeMap<u64, (String, String)>,
    pub classic: Classic,
    pub pulls: Vec<Pull>,
    pub releases: Vec<Rel>,
    /// The id of the repository's "Latest" release (`GET /releases/latest`), as GitHub keeps it:
    /// set by `make_latest` when a release is published (`"true"` is the default, `"legacy"` picks
    /// the newest published full release, `"false"` leaves it), never a draft or a pre-release.
    pub latest: Option<u64>,
    /// Injected failures: method, path, status, how many more times, and whether the request is
    /// carried out before the failure is returned (a 502 from a proxy after the backend acted).
    failures: Vec<Failure>,
    next_id: u64,
    /// Requests and responses that GitHub's OpenAPI description does not allow (see `openapi`).
    /// A fake dropped with any fails its test.
    pub contract_violations: Vec<String>,
}

impl FakeState {
    /// The rule a ruleset with a pull-request requirement reports for a branch.
    pub fn add_ruleset(&mut self, id: u64, rule_type: &str, bypass: &str) {
        self.rules.push(json!({
            "type": rule_type,
            "ruleset_source_type": "Repository",
            "ruleset_source": format!("{}/{}", self.owner, self.repo),
            "ruleset_id": id,
        }));
        self.rulesets.insert(id, (format!("protect {}", self.default_branch), bypass.to_string()));
    }

    /// Makes the default branch protected by a ruleset that this token cannot bypass.
    pub fn protect_without_bypass(&mut self) {
        let branch = self.default_branch.clone();
        self.branches.insert(branch, true);
        self.add_ruleset(42, "pull_request", "never");
    }

    pub fn open_pulls(&self) -> Vec<&Pull> {
        self.pulls.iter().filter(|p| p.open).collect()
    }

    /// What publishing (or editing) release `id` with `make_latest` in `body` does to "Latest".
    fn make_latest(&mut self, id: u64, body: &Value) {
        match body["make_latest"].as_str().unwrap_or("true") {
            "true" => self.latest = Some(id),
            "legacy" => {
                self.latest = self
                    .releases
                    .iter()
                    .filter(|r| !r.draft && !r.prerelease)
                    .map(|r| r.id)
                    .max()
                    .or(self.latest);
            }
            _ => {}
        }
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

#[derive(Debug)]
struct Failure {
    method: String,
    path: String,
    status: u16,
    times: usize,
    applied: bool,
    /// A 403 that is a refusal (missing permission) rather than a secondary rate limit.
    refusal: bool,
}

/// The running fake. Dropping it stops the server.
pub struct GitHubFake {
    server: MockServer,
    runtime: tokio::runtime::Runtime,
    state: Arc<Mutex<FakeState>>,
}

impl GitHubFake {
    /// A fake GitHub for `octo/hello` whose `main` branch is unprotected.
    pub fn start() -> GitHubFake {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        // wiremock serves from its own thread, so the server keeps answering while the code under
        // test blocks this one.
        let server = runtime.block_on(MockServer::start());
        let state = Arc::new(Mutex::new(FakeState {
            token: TOKEN.to_string(),
            owner: "octo".into(),
            repo: "hello".into(),
            default_branch: "main".into(),
            admin: false,
            branches: BTreeMap::from([("main".to_string(), false)]),
            rules: Vec::new(),
            rules_status: None,
            rulesets: BTreeMap::new(),
            classic: Classic::NotProtected,
            pulls: Vec::new(),
            releases: Vec::new(),
            latest: None,
            failures: Vec::new(),
            next_id: 1000,
            contract_violations: Vec::new(),
        }));
        let responder = Fake { state: Arc::clone(&state), base: server.uri() };
        runtime.block_on(Mock::given(any()).respond_with(responder).mount(&server));
        GitHubFake { server, runtime, state }
    }

    /// The value for `GITHUB_API_URL`.
    pub fn url(&self) -> String {
        self.server.uri()
    }

    pub fn state(&self) -> MutexGuard<'_, FakeState> {
        self.state.lock().unwrap()
    }

    /// The next `times` requests `method path` (path without query) answer `status`.
    pub fn fail(&self, method: &str, path: &str, status: u16, times: usize) {
        let failure = Failure {
            method: method.into(),
            path: path.into(),
            status,
            times,
            applied: false,
            refusal: false,
        };
        self.state().failures.push(failure);
    }

    /// Every `method path` answers 403 "Resource not accessible by integration", as GitHub does
    /// when the token lacks the permission.
    pub fn refuse(&self, method: &str, path: &str) {
        let failure = Failure {
            method: method.into(),
            path: path.into(),
            status: 403,
            times: usize::MAX,
            applied: false,
            refusal: true,
        };
        self.state().failures.push(failure);
    }

    /// Like [`GitHubFake::fail`], but the request takes effect before the failure is returned.
    pub fn fail_after_applying(&self, method: &str, path: &str, status: u16, times: usize) {
        let failure = Failure {
            method: method.into(),
            path: path.into(),
            status,
            times,
            applied: true,
            refusal: false,
        };
        self.state().failures.push(failure);
    }

    /// Every request received so far, as `METHOD /path?query`.
    pub fn requests(&self) -> Vec<String> {
        let requests = self.runtime.block_on(self.server.received_requests()).unwrap_or_default();
        requests
            .iter()
            .map(|r| match r.url.query() {
                Some(q) => format!("{} {}?{q}", r.method, r.url.path()),
                None => format!("{} {}", r.method, r.url.path()),
            })
            .collect()
    }

    /// Requests that could change something on GitHub (anything but GET).
    pub fn writes(&self) -> Vec<String> {
        self.requests().into_iter().filter(|r| !r.starts_with("GET ")).collect()
    }
}

struct Fake {
    state: Arc<Mutex<FakeState>>,
    base: String,
}

/// A response before it becomes wiremock's: kept as bytes so the contract can read it.
struct Answer {
    status: u16,
    body: Vec<u8>,
    content_type: &'static str,
}

fn answer(status: u16, body: Value) -> Answer {
    Answer {
        status,
        body: serde_json::to_vec(&body).unwrap(),
        content_type: "application/json; charset=utf-8",
    }
}

fn error(status: u16, message: &str, docs: &str) -> Answer {
    answer(
        status,
        json!({
            "message": message,
            "documentation_url": format!("https://docs.github.com/rest/{docs}"),
            "status": status.to_string(),
        }),
    )
}

impl Respond for Fake {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut s = self.state.lock().unwrap();
        let method = request.method.to_string();
        let path = request.url.path().to_string();
        let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let accept = request.headers.get("accept").and_then(|v| v.to_str().ok());
        let body: Option<Value> = serde_json::from_slice(&request.body).ok();
        let mut violations = contract().check_request(&method, &path, &query, accept, body.as_ref());
        let answer = self.answer(&mut s, request);
        violations.extend(contract().check_response(&method, &path, answer.status, &answer.body));
        s.contract_violations.extend(violations);
        ResponseTemplate::new(answer.status).set_body_raw(answer.body, answer.content_type)
    }
}

impl Fake {
    /// The answer to `request`: an injected failure, or what a healthy GitHub says.
    fn answer(&self, s: &mut FakeState, request: &Request) -> Answer {
        let auth = request.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
        if auth != format!("Bearer {}", s.token) && auth != format!("token {}", s.token) {
            return error(401, "Bad credentials", "");
        }
        let method = request.method.to_string();
        let path = request.url.path().to_string();
        let failure = s.failures.iter_mut().find(|f| f.method == method && f.path == path && f.times > 0);
        let Some(failure) = failure else {
            return self.handle(s, request);
        };
        failure.times -= 1;
        let (status, applied, refusal) = (failure.status, failure.applied, failure.refusal);
        if applied {
            self.handle(s, request);
        }
        match status {
            403 if refusal => error(
                403,
                "Resource not accessible by integration",
                "overview/permissions-required-for-github-apps",
            ),
            403 => error(
                403,
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
                "overview/rate-limits-for-the-rest-api",
            ),
            _ => Answer {
                status,
                body: b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
                content_type: "text/html",
            },
        }
    }
}

impl Fake {
    /// The answer of a healthy GitHub.
    fn handle(&self, s: &mut FakeState, request: &Request) -> Answer {
        let method = request.method.to_string();
        let path = request.url.path().to_string();
        let prefix = format!("/repos/{}/{}", s.owner, s.repo);
        let Some(rest) = path.strip_prefix(&prefix) else {
            return error(404, "Not Found", "repos/repos#get-a-repository");
        };
        let rest = rest.to_string();
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let query: BTreeMap<String, String> = request.url.query_pairs().into_owned().collect();
        let segments: Vec<String> = rest.trim_start_matches('/').split('/').map(decode).collect();
        let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
        match (method.as_str(), seg.as_slice()) {
            ("GET", [""]) => answer(200, repository(s, &self.base)),
            ("GET", ["branches", branch]) => match s.branches.get(*branch) {
                Some(&protected) => answer(200, branch_json(s, &self.base, branch, protected)),
                None => error(404, "Branch not found", "branches/branches#get-a-branch"),
            },
            ("GET", ["branches", _, "protection"]) => match &s.classic {
                Classic::NotProtected => {
                    error(404, "Branch not protected", "branches/branch-protection#get-branch-protection")
                }
                Classic::Forbidden => error(
                    403,
                    "Resource not accessible by integration",
                    "branches/branch-protection#get-branch-protection",
                ),
                Classic::Protection(p) => answer(200, p.clone()),
            },
            ("GET", ["rules", "branches", _]) => match s.rules_status {
                Some(status) => error(
                    status,
                    "Resource not accessible by integration",
                    "repos/rules#get-rules-for-a-branch",
                ),
                None => answer(200, Value::Array(s.rules.clone())),
            },
            ("GET", ["rulesets", id]) => {
                match id.parse::<u64>().ok().and_then(|id| s.rulesets.get(&id).map(|r| (id, r))) {
                    Some((id, (name, bypass))) => answer(200, ruleset_json(s, id, name, bypass)),
                    None => error(404, "Not Found", "repos/rules#get-a-repository-ruleset"),
                }
            }
            ("GET", ["pulls"]) => {
                let head = query.get("head").cloned().unwrap_or_default();
                let base = query.get("base").cloned();
                let owner = s.owner.clone();
                let list: Vec<Value> = s
                    .pulls
                    .iter()
                    .filter(|p| {
                        p.open
                            && format!("{owner}:{}", p.head) == head
                            && base.as_ref().is_none_or(|b| *b == p.base)
                    })
                    .map(|p| pull_json(s, &self.base, p, false))
                    .collect();
                answer(200, Value::Array(list))
            }
            ("POST", ["pulls"]) => {
                let head = body["head"].as_str().unwrap_or("").to_string();
                if s.pulls.iter().any(|p| p.open && p.head == head) {
                    return answer(
                        422,
                        json!({
                            "message": "Validation Failed",
                            "errors": [{"resource": "PullRequest", "code": "custom", "message": format!("A pull request already exists for {}:{head}.", s.owner)}],
                            "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request", "status": "422",
                        }),
                    );
                }
                let number = s.pulls.len() as u64 + 1;
                let pull = Pull {
                    number,
                    head,
                    base: body["base"].as_str().unwrap_or("").to_string(),
                    title: body["title"].as_str().unwrap_or("").to_string(),
                    body: body["body"].as_str().unwrap_or("").to_string(),
                    open: true,
                };
                let json = pull_json(s, &self.base, &pull, true);
                s.pulls.push(pull);
                answer(201, json)
            }
            ("PATCH", ["pulls", number]) => {
                let number: u64 = number.parse().unwrap_or(0);
                let Some(i) = s.pulls.iter().position(|p| p.number == number) else {
                    return error(404, "Not Found", "pulls/pulls#update-a-pull-request");
                };
                if let Some(t) = body["title"].as_str() {
                    s.pulls[i].title = t.to_string();
                }
                if let Some(b) = body["body"].as_str() {
                    s.pulls[i].body = b.to_string();
                }
                let pull = s.pulls[i].clone();
                answer(200, pull_json(s, &self.base, &pull, true))
            }
            ("GET", ["releases", "tags", tag]) => match s.releases.iter().find(|r| !r.draft && r.tag == *tag)
            {
                Some(r) => answer(200, release_json(s, &self.base, r)),
                None => error(404, "Not Found", "releases/releases#get-a-release-by-tag-name"),
            },
            ("GET", ["releases", "latest"]) => {
                match s.latest.and_then(|id| s.releases.iter().find(|r| r.id == id)) {
                    Some(r) => answer(200, release_json(s, &self.base, r)),
                    None => error(404, "Not Found", "releases/releases#get-the-latest-release"),
                }
            }
            ("GET", ["releases"]) => {
                let list: Vec<Value> =
                    s.releases.iter().rev().map(|r| release_json(s, &self.base, r)).collect();
                answer(200, Value::Array(list))
            }
            ("POST", ["releases"]) => {
                let tag = body["tag_name"].as_str().unwrap_or("").to_string();
                if s.releases.iter().any(|r| !r.draft && r.tag == tag) {
                    return answer(
                        422,
                        json!({
                            "message": "Validation Failed",
                            "errors": [{"resource": "Release", "code": "already_exists", "field": "tag_name"}],
                            "documentation_url": "https://docs.github.com/rest/releases/releases#create-a-release", "status": "422",
                        }),
                    );
                }
                let id = s.id();
                let rel = Rel {
                    id,
                    tag,
                    name: body["name"].as_str().unwrap_or("").to_string(),
                    body: body["body"].as_str().unwrap_or("").to_string(),
                    draft: body["draft"].as_bool().unwrap_or(false),
                    prerelease: body["prerelease"].as_bool().unwrap_or(false),
                };
                if let Some(refused) = latest_refused(&rel, &body) {
                    return refused;
                }
                let json = release_json(s, &self.base, &rel);
                let published = !rel.draft;
                s.releases.push(rel);
                if published {
                    s.make_latest(id, &body);
                }
                answer(201, json)
            }
            ("PATCH", ["releases", id]) => {
                let id: u64 = id.parse().unwrap_or(0);
                let Some(i) = s.releases.iter().position(|r| r.id == id) else {
                    return error(404, "Not Found", "releases/releases#update-a-release");
                };
                let mut edited = s.releases[i].clone();
                if let Some(d) = body["draft"].as_bool() {
                    edited.draft = d;
                }
                if let Some(p) = body["prerelease"].as_bool() {
                    edited.prerelease = p;
                }
                if let Some(refused) = latest_refused(&edited, &body) {
                    return refused;
                }
                let publishes = s.releases[i].draft && !edited.draft;
                s.releases[i].draft = edited.draft;
                s.releases[i].prerelease = edited.prerelease;
                if publishes || body.get("make_latest").is_some() {
                    s.make_latest(id, &body);
                }
                if let Some(n) = body["name"].as_str() {
                    s.releases[i].name = n.to_string();
                }
                if let Some(b) = body["body"].as_str() {
                    s.releases[i].body = b.to_string();
                }
                let rel = s.releases[i].clone();
                answer(200, release_json(s, &self.base, &rel))
            }
            _ => error(404, "Not Found", ""),
        }
    }
}

/// GitHub's 422 for `make_latest: "true"` on a draft or a pre-release.
fn latest_refused(rel: &Rel, body: &Value) -> Option<Answer> {
    (body["make_latest"].as_str() == Some("true") && (rel.draft || rel.prerelease)).then(|| {
        answer(422, json!({
            "message": "Validation Failed",
            "errors": [{"resource": "Release", "code": "custom", "field": "make_latest", "message": "Latest release cannot be draft or prerelease."}],
            "documentation_url": "https://docs.github.com/rest/releases/releases#update-a-release", "status": "422",
        }))
    })
}

/// Makes the bare remote at `origin` enforce what the fake says about protection: a pre-receive
/// hook that refuses any update of `refs/heads/{branch}` with GitHub's GH006 words (tags and other
/// branches pass). `on = false` removes it (setup pushes, or a simulated merge).
pub fn protect_remote(origin: &std::path::Path, branch: &str, on: bool) {
    let hook = origin.join("hooks").join("pre-receive");
    if !on {
        let _ = std::fs::remove_file(&hook);
        return;
    }
    let script = format!(
        "#!/bin/sh\nwhile read old new ref; do\n  if [ \"$ref\" = \"refs/heads/{branch}\" ]; then\n    \
         echo \"error: GH006: Protected branch update failed for refs/heads/{branch}.\" >&2\n    \
         echo \"error: Changes must be made through a pull request.\" >&2\n    exit 1\n  fi\ndone\nexit 0\n"
    );
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

impl Drop for GitHubFake {
    /// A test whose vbump sent a request GitHub would not accept, or whose fake answered in a shape
    /// GitHub does not, fails here (unless it already failed).
    fn drop(&mut self) {
        let violations = std::mem::take(&mut self.state().contract_violations);
        if !violations.is_empty() && !std::thread::panicking() {
            panic!("the GitHub REST contract was broken:\n  {}", violations.join("\n  "));
        }
    }
}

impl GitHubFake {
    /// Forgets every injected failure.
    pub fn heal(&self) {
        self.state().failures.clear();
    }

    /// The environment vbump needs to talk to this fake as `octo/hello` with `token`.
    pub fn env(&self, cmd: &mut std::process::Command, token: &str) {
        cmd.env("GITHUB_API_URL", self.url())
            .env("GITHUB_REPOSITORY", "octo/hello")
            .env("GITHUB_TOKEN", token);
    }
}
