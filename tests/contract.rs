//! The GitHub REST contract: vbump's requests and the fake's answers against GitHub's own OpenAPI
//! description (`tests/contract/github-openapi.json`, from `@octokit/openapi`; `.ci/github-openapi`
//! checks the vendored copy against the pinned package). Every test that runs vbump against the
//! fake is a contract test too: the fake fails its test when dropped with a violation.

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::{Value, json};

use crate::support::github_fake::{GitHubFake, TOKEN};
use crate::support::openapi::{GITHUB_JSON, contract};

const ACCEPT: Option<&str> = Some(GITHUB_JSON);

fn request(method: &str, path: &str, query: &[(&str, &str)], body: Option<Value>) -> Vec<String> {
    let query: Vec<(String, String)> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    contract().check_request(method, path, &query, ACCEPT, body.as_ref())
}

#[track_caller]
fn assert_one_problem_saying(problems: Vec<String>, needle: &str) {
    assert!(problems.iter().any(|p| p.contains(needle)), "no problem says `{needle}`: {problems:#?}");
}

#[test]
fn the_requests_vbump_sends_conform() {
    let release = json!({"tag_name": "v1.2.0", "name": "v1.2.0", "body": "notes", "draft": true});
    assert_eq!(request("POST", "/repos/octo/hello/releases", &[], Some(release)), Vec::<String>::new());
    let query = [("state", "open"), ("head", "octo:vbump/release"), ("base", "main"), ("per_page", "100")];
    assert_eq!(request("GET", "/repos/octo/hello/pulls", &query, None), Vec::<String>::new());
    assert_eq!(
        request("GET", "/repos/octo/hello/rules/branches/release%2Fv1", &[], None),
        Vec::<String>::new()
    );
    let publish = json!({"draft": false, "name": "v1.2.0", "body": "notes", "make_latest": "legacy"});
    assert_eq!(request("PATCH", "/repos/octo/hello/releases/7", &[], Some(publish)), Vec::<String>::new());
}

#[test]
fn a_request_body_off_the_contract_is_caught() {
    // `tag_name` is required, and `make_latest` takes "true", "false" or "legacy" only.
    let broken = json!({"name": "v1.2.0", "draft": "yes"});
    let problems = request("POST", "/repos/octo/hello/releases", &[], Some(broken));
    assert_one_problem_saying(problems.clone(), "\"tag_name\" is a required property");
    assert_one_problem_saying(problems, "at `/draft`");
    let publish = json!({"draft": false, "make_latest": "yes"});
    assert_one_problem_saying(
        request("PATCH", "/repos/octo/hello/releases/7", &[], Some(publish)),
        "make_latest",
    );
}

#[test]
fn parameters_paths_methods_and_headers_off_the_contract_are_caught() {
    assert_one_problem_saying(
        request("GET", "/repos/octo/hello/pulls", &[("state", "opened")], None),
        "parameter `\"state\"` = `opened`",
    );
    assert_one_problem_saying(
        request("GET", "/repos/octo/hello/pulls", &[("status", "open")], None),
        "query parameter `status` is not documented",
    );
    assert_one_problem_saying(
        request("PATCH", "/repos/octo/hello/releases/latest", &[], Some(json!({}))),
        "is not an integer",
    );
    assert_one_problem_saying(
        request("GET", "/repos/octo/hello/release", &[], None),
        "has no such operation",
    );
    assert_one_problem_saying(
        request("DELETE", "/repos/octo/hello/pulls/1", &[], None),
        "has no such operation",
    );
    assert_one_problem_saying(
        request("GET", "/repos/octo/hello", &[], Some(json!({}))),
        "takes no request body",
    );
    let no_accept = contract().check_request("GET", "/repos/octo/hello", &[], None, None);
    assert_one_problem_saying(no_accept, "GitHub asks for `application/vnd.github+json`");
}

#[test]
fn an_answer_off_the_contract_is_caught() {
    // A release without its `id`, `url` and the rest is not what GitHub sends.
    let thin = serde_json::to_vec(
        &json!({"html_url": "https://github.com/octo/hello/releases/tag/v1", "tag_name": "v1"}),
    )
    .unwrap();
    assert_one_problem_saying(
        contract().check_response("GET", "/repos/octo/hello/releases/tags/v1", 200, &thin),
        "\"id\" is a required property",
    );
    assert_one_problem_saying(
        contract().check_response("GET", "/repos/octo/hello/releases/tags/v1", 200, b"<html>"),
        "the body is not JSON",
    );
    // Statuses GitHub does not list for an operation still carry its error shape.
    let error = serde_json::to_vec(&json!({"message": 401})).unwrap();
    assert_one_problem_saying(
        contract().check_response("GET", "/repos/octo/hello", 401, &error),
        "at `/message`",
    );
    let proper = serde_json::to_vec(&json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"})).unwrap();
    assert_eq!(contract().check_response("GET", "/repos/octo/hello", 401, &proper), Vec::<String>::new());
}

#[test]
fn the_fake_records_a_broken_request_it_receives() {
    let fake = GitHubFake::start();
    let address = fake.url().trim_start_matches("http://").to_string();
    let body = r#"{"name":"v1.2.0"}"#;
    let mut stream = TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "POST /repos/octo/hello/releases HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Accept: {GITHUB_JSON}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 201"), "{reply}");
    // Taken out here, or dropping the fake would fail this test.
    let violations = std::mem::take(&mut fake.state().contract_violations);
    assert!(
        violations.iter().any(|v| v.contains("POST /repos/{owner}/{repo}/releases request body")),
        "{violations:#?}"
    );
}

#[test]
fn the_description_is_the_pinned_package() {
    let script = include_str!("../.ci/github-openapi");
    let provenance = contract().provenance();
    assert_eq!(provenance["package"], "@octokit/openapi");
    let version = provenance["version"].as_str().unwrap();
    let integrity = provenance["integrity"].as_str().unwrap();
    assert!(script.contains(&format!("version=\"{version}\"")), "{provenance}");
    assert!(script.contains(&format!("integrity=\"{integrity}\"")), "{provenance}");
}
