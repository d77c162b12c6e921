//! One GitHub REST call, and the retry policy around it.
//!
//! Every request goes through octocrab's client (rustls, the same code path in production and in
//! tests; only the base URI differs). octocrab's own retry layer is off: this module decides what is
//! retried, because a retried `POST` may have succeeded the first time and only the caller knows how
//! to check that. Retried: 5xx, transport errors, 429, and 403s that GitHub marks as rate limits
//! (secondary limits say so in the message or send `retry-after`; primary ones send
//! `x-ratelimit-remaining: 0`). Never retried: 401, other 403s, 404, 422.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, Method, StatusCode};
use octocrab::Octocrab;
use octocrab::service::middleware::retry::RetryConfig;
use serde_json::Value;

use crate::error::{Error, Result};

/// How long to wait between attempts. The delay doubles after each failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    /// Total attempts, including the first.
    pub attempts: u32,
    /// A rate limit asking to wait longer than this is reported instead of waited for.
    pub max_wait: Duration,
    /// The wait after a secondary rate limit that says nothing about when to retry (GitHub's
    /// docs: "wait for at least one minute").
    pub secondary_wait: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(1),
            attempts: 4,
            max_wait: Duration::from_secs(90),
            secondary_wait: Duration::from_secs(60),
        }
    }
}

/// A response: status, headers and the body parsed as JSON (`Null` when empty or not JSON).
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    /// For a redirect vbump did not follow: where it pointed, resolved to an absolute URL.
    pub moved_to: Option<String>,
}

impl Reply {
    /// GitHub's `message` field, or the status text.
    pub(super) fn message(&self) -> String {
        match self.body.get("message").and_then(Value::as_str) {
            Some(m) => m.to_string(),
            None => self.status.canonical_reason().unwrap_or("error").to_string(),
        }
    }

    pub(super) fn ok(&self) -> bool {
        self.status.is_success()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// How long GitHub asks to wait before retrying, when this reply is a rate limit.
    fn rate_limit_wait(&self, secondary_wait: Duration) -> Option<Duration> {
        if !matches!(self.status, StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS) {
            return None;
        }
        if let Some(seconds) = self.header("retry-after").and_then(|v| v.trim().parse::<u64>().ok()) {
            return Some(Duration::from_secs(seconds));
        }
        if self.header("x-ratelimit-remaining") == Some("0") {
            let reset = self.header("x-ratelimit-reset").and_then(|v| v.trim().parse::<u64>().ok());
            let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
            return Some(Duration::from_secs(reset.map_or(60, |r| r.saturating_sub(now))));
        }
        let message = self.message().to_ascii_lowercase();
        if self.status == StatusCode::TOO_MANY_REQUESTS || message.contains("secondary rate limit") {
            return Some(secondary_wait);
        }
        None
    }
}

/// A GitHub REST client bound to one API base URL and a current-thread runtime.
/// The media type GitHub asks clients to accept.
pub(crate) const GITHUB_JSON: &str = "application/vnd.github+json";
/// The REST API version vbump's requests and readings follow.
pub(crate) const API_VERSION: &str = "2022-11-28";

pub(crate) struct Api {
    client: Octocrab,
    base: String,
    runtime: tokio::runtime::Runtime,
    pub backoff: Backoff,
}

impl Api {
    /// A client for `base` (e.g. `https://api.github.com`), authenticated with `token` if given.
    pub(super) fn new(base: &str, token: Option<&str>) -> Result<Api> {
        let base = base.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(Error::input(format!("GITHUB_API_URL `{base}` is not an http(s) URL"))
                .hint("unset GITHUB_API_URL to use https://api.github.com, or give your server's API URL"));
        }
        // The same rule as for git: the token travels over https, or plain http that never leaves
        // the machine (a loopback address).
        if crate::transaction::git::token_base_url(&base).is_none() {
            return Err(Error::input(format!(
                "GITHUB_API_URL `{base}` would send the token in clear text or inside the URL"
            ))
            .hint("use an https:// URL (plain http is allowed only to a loopback address, for local test servers), without user:password@"));
        }
        if let Some(token) = token {
            // octocrab turns the token into a header and panics on bytes a header cannot carry;
            // check here, and never repeat the token in the message.
            if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Error::input(
                    "the GitHub token is empty or contains spaces or control characters",
                )
                .hint("store the token without surrounding whitespace or newlines"));
            }
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::input(format!("cannot start the HTTP runtime: {e}")))?;
        let builder = Octocrab::builder()
            // GitHub asks every REST client to name its media type and the API version it was
            // written against (the routes in github.rs are those of 2022-11-28).
            .add_header(http::header::ACCEPT, GITHUB_JSON.to_string())
            .add_header(http::HeaderName::from_static("x-github-api-version"), API_VERSION.to_string())
            .add_retry_config(RetryConfig::None)
            .set_connect_timeout(Some(Duration::from_secs(10)))
            .set_read_timeout(Some(Duration::from_secs(60)))
            .base_uri(base.as_str())
            .map_err(|e| Error::input(format!("GITHUB_API_URL `{base}` is not a valid URI: {e}")))?;
        let builder = match token {
            Some(token) => builder.personal_token(token.to_string()),
            None => builder,
        };
        // octocrab's service stack spawns a worker task, so it must be built inside the runtime.
        let client = runtime
            .block_on(async { builder.build() })
            .map_err(|e| Error::input(format!("cannot create the GitHub client: {e}")))?;
        Ok(Api { client, base, runtime, backoff: Backoff::default() })
    }

    /// One request, no retry. `Err` only for transport failures (no HTTP response). A redirect
    /// is followed only by a `GET` and only to the same scheme, host and port, so the token never
    /// goes to another host; a redirect not followed is returned as it is (see [`status_error`]).
    pub(super) fn send_once(
        &self,
        method: &Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Reply, String> {
        let mut uri = format!("{}{}", self.base, path);
        let mut hops = 0;
        loop {
            let mut reply = self.send_to(method, &uri, body)?;
            if !reply.status.is_redirection() {
                return Ok(reply);
            }
            let target = absolute(&uri, reply.header("location").unwrap_or_default());
            if *method != Method::GET || origin(&target) != origin(&uri) || hops == 4 {
                reply.moved_to = Some(target);
                return Ok(reply);
            }
            uri = target;
            hops += 1;
        }
    }

    fn send_to(&self, method: &Method, uri: &str, body: Option<&Value>) -> Result<Reply, String> {
        self.runtime.block_on(async {
            let response = match *method {
                Method::GET => self.client._get(uri).await,
                Method::POST => self.client._post(uri, body).await,
                Method::PATCH => self.client._patch(uri, body).await,
                Method::PUT => self.client._put(uri, body).await,
                _ => return Err(format!("unsupported method {method}")),
            }
            .map_err(|e| e.to_string())?;
            let status = response.status();
            let headers = response.headers().clone();
            let text = self.client.body_to_string(response).await.map_err(|e| e.to_string())?;
            let body = serde_json::from_str(&text).unwrap_or(Value::Null);
            Ok(Reply { status, headers, body, moved_to: None })
        })
    }

    /// The delay before attempt `attempt` (1-based count of attempts already made) after `reply`,
    /// or `None` when the reply must not be retried or the attempts are used up.
    pub(super) fn retry_delay(&self, reply: Option<&Reply>, attempt: u32) -> Option<Duration> {
        if attempt >= self.backoff.attempts {
            return None;
        }
        let exponential = self.backoff.first.saturating_mul(1 << (attempt - 1).min(16));
        match reply {
            // A transport error: the server may be restarting.
            None => Some(exponential),
            Some(reply) if reply.status.is_server_error() => Some(exponential),
            Some(reply) => {
                let asked = reply.rate_limit_wait(self.backoff.secondary_wait)?;
                (asked <= self.backoff.max_wait).then(|| asked.max(exponential))
            }
        }
    }

    /// A request retried by [`Api::retry_delay`]. Returns the last reply whatever its status; only
    /// a transport failure on the last attempt is an `Err`.
    pub(super) fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Reply> {
        let mut attempt = 1;
        loop {
            let result = self.send_once(&method, path, body);
            let delay = self.retry_delay(result.as_ref().ok(), attempt);
            match (result, delay) {
                (_, Some(delay)) => std::thread::sleep(delay),
                (Ok(reply), None) => return Ok(reply),
                (Err(transport), None) => {
                    return Err(Error::input(format!(
                        "cannot reach the GitHub API ({method} {path}) after {attempt} attempts: {transport}"
                    ))
                    .hint(
                        "check GITHUB_API_URL and the network; run vbump again, it finishes what is missing",
                    ));
                }
            }
            attempt += 1;
        }
    }

    pub(super) fn sleep(&self, delay: Duration) {
        std::thread::sleep(delay);
    }
}

/// `scheme://authority` of an absolute URL, lower-cased.
fn origin(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return String::new() };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{scheme}://{authority}").to_ascii_lowercase()
}

/// `location` resolved against `uri` (absolute URLs as they are, `/path` on the same origin).
fn absolute(uri: &str, location: &str) -> String {
    if location.contains("://") {
        location.to_string()
    } else if location.starts_with('/') {
        format!("{}{location}", origin(uri))
    } else {
        let dir = uri.rsplit_once('/').map_or(uri, |(dir, _)| dir);
        format!("{dir}/{location}")
    }
}

/// The error for a reply that is not a success: says what vbump was doing, GitHub's status and
/// message, and (for 401/403) which permission the token lacks.
pub(crate) fn status_error(reply: &Reply, doing: &str, permission: &str) -> Error {
    let status = reply.status.as_u16();
    let message = reply.message();
    if let Some(target) = &reply.moved_to {
        return Error::input(format!(
            "GitHub answered {status} while {doing}: moved to `{target}`, which vbump does not follow \
             (a redirect to another host, or of a request that is not a GET, would take the token with it)"
        ))
        .hint("if the repository or the server moved, point GITHUB_REPOSITORY or GITHUB_API_URL at the new address");
    }
    match reply.status {
        StatusCode::UNAUTHORIZED => Error::input(format!("GitHub rejected the token while {doing}: 401 {message}"))
            .hint("the token is invalid or expired; set a valid one in GITHUB_TOKEN (or the variable named by --token-env)"),
        StatusCode::FORBIDDEN => Error::input(format!("GitHub refused {doing}: 403 {message}")).hint(format!(
            "the token needs the `{permission}` permission; in a workflow add `permissions: {{ {permission} }}`"
        )),
        StatusCode::NOT_FOUND => Error::input(format!("GitHub found nothing while {doing}: 404 {message}")).hint(
            format!("check GITHUB_REPOSITORY and that the token can see the repository (it needs `{permission}`)"),
        ),
        _ if reply.status.is_server_error() || reply.rate_limit_wait(Duration::ZERO).is_some() => {
            Error::input(format!("GitHub kept failing while {doing}: {status} {message}"))
                .hint("GitHub may be having an incident or rate-limiting this token; run vbump again later, it finishes what is missing")
        }
        _ => Error::input(format!("GitHub answered {status} while {doing}: {message}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, headers: &[(&'static str, &str)], body: Value) -> Reply {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, v.parse().unwrap());
        }
        Reply { status: StatusCode::from_u16(status).unwrap(), headers: map, body, moved_to: None }
    }

    fn api() -> Api {
        let mut api = Api::new("http://127.0.0.1:9", Some("ghp_x")).unwrap();
        api.backoff = Backoff {
            first: Duration::from_millis(10),
            attempts: 3,
            max_wait: Duration::from_secs(5),
            secondary_wait: Duration::from_millis(30),
        };
        api
    }

    #[test]
    fn server_errors_back_off_exponentially_until_attempts_run_out() {
        let api = api();
        let bad = reply(502, &[], Value::Null);
        assert_eq!(api.retry_delay(Some(&bad), 1), Some(Duration::from_millis(10)));
        assert_eq!(api.retry_delay(Some(&bad), 2), Some(Duration::from_millis(20)));
        assert_eq!(api.retry_delay(Some(&bad), 3), None);
        assert_eq!(api.retry_delay(None, 1), Some(Duration::from_millis(10)));
    }

    #[test]
    fn secondary_rate_limits_are_retried_but_plain_forbidden_is_not() {
        let api = api();
        let secondary = reply(
            403,
            &[],
            serde_json::json!({"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}),
        );
        assert_eq!(api.retry_delay(Some(&secondary), 1), Some(Duration::from_millis(30)));
        let after = reply(403, &[("retry-after", "2")], Value::Null);
        assert_eq!(api.retry_delay(Some(&after), 1), Some(Duration::from_secs(2)));
        let too_long = reply(429, &[("retry-after", "3600")], Value::Null);
        assert_eq!(api.retry_delay(Some(&too_long), 1), None);
        let forbidden =
            reply(403, &[], serde_json::json!({"message": "Resource not accessible by integration"}));
        assert_eq!(api.retry_delay(Some(&forbidden), 1), None);
        for status in [401, 404, 422] {
            assert_eq!(api.retry_delay(Some(&reply(status, &[], Value::Null)), 1), None, "{status}");
        }
    }

    #[test]
    fn forbidden_names_the_missing_permission() {
        let e = status_error(
            &reply(403, &[], serde_json::json!({"message": "Resource not accessible by integration"})),
            "creating the release",
            "contents: write",
        );
        assert!(e.message.contains("403 Resource not accessible by integration"), "{e}");
        assert!(e.hint.as_deref().unwrap().contains("`contents: write`"), "{e}");
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn rejects_tokens_a_header_cannot_carry_without_echoing_them() {
        for token in ["", "ghp_abc\n", "ghp a"] {
            let e = Api::new("https://api.github.com", Some(token)).err().unwrap();
            assert!(!e.to_string().contains("ghp"), "{e}");
        }
        assert!(Api::new("ftp://x", None).is_err());
    }

    #[test]
    fn plain_http_is_allowed_only_to_loopback() {
        for url in ["http://example.com/api/v3", "http://127.0.0.1.evil.com", "https://u:p@example.com"] {
            let e = Api::new(url, Some("ghp_x")).err().unwrap();
            assert!(e.message.contains("clear text"), "{url}: {e}");
            assert_eq!(e.exit_code(), 2);
        }
        for url in
            ["https://ghe.example.com/api/v3", "http://127.0.0.1:8080", "http://[::1]:9", "http://localhost"]
        {
            assert!(Api::new(url, Some("ghp_x")).is_ok(), "{url}");
        }
    }

    /// A server on 127.0.0.1 answering every request with `status` and `Location: location`
    /// (`{port}` replaced by its own port); returns its base URL and the requests it saw.
    fn redirecting(status: u16, location: &'static str) -> (String, std::sync::mpsc::Receiver<String>) {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(4) {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut head = String::new();
                while reader.read_line(&mut head).is_ok_and(|n| n > 2) {}
                let _ = tx.send(head.clone());
                let location = location.replace("{port}", &port.to_string());
                let ok = head.starts_with("GET /final");
                let reply = if ok {
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{\"ok\":true}".to_string()
                } else {
                    format!(
                        "HTTP/1.1 {status} Moved\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    )
                };
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        (format!("http://127.0.0.1:{port}"), rx)
    }

    #[test]
    fn a_redirect_to_another_host_is_refused_naming_where_it_points() {
        // The target would get the token; it is never asked (nothing listens there anyway).
        let (base, seen) = redirecting(301, "https://elsewhere.example/api/repos/o/r");
        let api = Api::new(&base, Some("ghp_x")).unwrap();
        let reply = api.call(Method::GET, "/repos/o/r", None).unwrap();
        assert_eq!(seen.try_iter().count(), 1, "asked once, not retried, not followed");
        let e = status_error(&reply, "reading the repository", "contents: read");
        assert!(
            e.message.contains(
                "301 while reading the repository: moved to `https://elsewhere.example/api/repos/o/r`"
            ),
            "{e}"
        );
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn a_get_redirect_on_the_same_host_is_followed_and_a_post_one_is_not() {
        let (base, seen) = redirecting(301, "/final");
        let api = Api::new(&base, Some("ghp_x")).unwrap();
        let reply = api.send_once(&Method::GET, "/repos/o/old", None).unwrap();
        assert_eq!(reply.body, serde_json::json!({"ok": true}));
        let requests: Vec<String> = seen.try_iter().collect();
        assert!(requests[1].starts_with("GET /final"), "{requests:?}");
        let reply = api.send_once(&Method::POST, "/repos/o/old/releases", Some(&Value::Null)).unwrap();
        assert_eq!(reply.moved_to.as_deref(), Some(format!("{base}/final").as_str()));
    }
}
