//! GitHub's REST contract: the operations vbump calls, from GitHub's own OpenAPI description
//! (`@octokit/openapi`, trimmed and vendored as `tests/contract/github-openapi.json` by
//! `.ci/github-openapi`, which CI runs against the pinned package).
//!
//! The GitHub fake checks every request it receives (method, path, path and query parameters, the
//! `Accept` header, the JSON body) and every response it sends (the schema of that status) against
//! it, so neither vbump's client nor the fake can drift from GitHub without a test failing.
//!
//! OpenAPI 3.0 schemas are JSON Schema draft 4 plus `nullable`; [`Contract::load`] rewrites
//! `nullable: true` into draft 4 (`"type": [T, "null"]`, or `anyOf` with `null`) and validates
//! with the `jsonschema` crate. A status the description does not list for an operation is checked
//! against GitHub's generic error shape (`basic-error`) for 4xx; 5xx bodies (proxies' HTML pages)
//! are not checked.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Map, Value};

const DESCRIPTION: &str = include_str!("../contract/github-openapi.json");

/// The media type GitHub asks clients to send in `Accept`.
pub const GITHUB_JSON: &str = "application/vnd.github+json";

const METHODS: [&str; 8] = ["get", "put", "post", "patch", "delete", "head", "options", "trace"];

pub struct Contract {
    doc: Value,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

/// The contract, loaded once per test binary.
pub fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| Contract::load(DESCRIPTION))
}

/// One documented operation a request matched: its path template and its JSON pointer.
struct Operation<'a> {
    template: &'a str,
    pointer: String,
    op: &'a Value,
    /// Path parameter name → the raw (still percent-encoded) segment.
    path_values: Vec<(String, String)>,
}

impl Contract {
    pub fn load(text: &str) -> Contract {
        let mut doc: Value = serde_json::from_str(text).expect("the vendored OpenAPI description is JSON");
        // Examples are data, not schemas: keep them as GitHub wrote them.
        let examples = doc["components"].as_object_mut().and_then(|c| c.remove("examples"));
        to_draft4(&mut doc);
        if let Some(examples) = examples {
            doc["components"]["examples"] = examples;
        }
        Contract { doc, validators: Mutex::new(HashMap::new()) }
    }

    /// GitHub's example `name` (`components/examples`), the base of the fake's bodies.
    pub fn example(&self, name: &str) -> Value {
        self.doc["components"]["examples"][name]["value"].clone()
    }

    /// Where the description came from (package, version, integrity).
    pub fn provenance(&self) -> &Value {
        &self.doc["info"]["x-vbump-provenance"]
    }

    /// Every problem of a request, as sentences naming the operation; empty when it conforms.
    pub fn check_request(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        accept: Option<&str>,
        body: Option<&Value>,
    ) -> Vec<String> {
        let op = match self.operation(method, path) {
            Ok(op) => op,
            Err(problem) => return vec![problem],
        };
        let name = format!("{} {}", method.to_uppercase(), op.template);
        let mut problems = Vec::new();
        if accept != Some(GITHUB_JSON) {
            problems.push(format!("{name}: `Accept` is {accept:?}, GitHub asks for `{GITHUB_JSON}`"));
        }
        let parameters = self.parameters(&op);
        for (pname, raw) in &op.path_values {
            match parameters.iter().find(|(p, _)| p["in"] == "path" && p["name"] == pname.as_str()) {
                Some((p, pointer)) => problems.extend(self.check_parameter(&name, p, pointer, &decode(raw))),
                None => problems.push(format!("{name}: path parameter `{pname}` is not documented")),
            }
        }
        for (key, value) in query {
            match parameters.iter().find(|(p, _)| p["in"] == "query" && p["name"] == key.as_str()) {
                Some((p, pointer)) => problems.extend(self.check_parameter(&name, p, pointer, value)),
                None => problems.push(format!("{name}: query parameter `{key}` is not documented")),
            }
        }
        for (p, _) in &parameters {
            if p["in"] == "query"
                && p["required"] == true
                && !query.iter().any(|(k, _)| p["name"] == k.as_str())
            {
                problems.push(format!("{name}: required query parameter `{}` is missing", p["name"]));
            }
        }
        let request_body = op.op.get("requestBody");
        match (request_body, body) {
            (None, Some(_)) => problems.push(format!("{name}: takes no request body, but one was sent")),
            (Some(rb), None) if rb["required"] == true => {
                problems.push(format!("{name}: the request body is missing"))
            }
            (Some(_), Some(body)) => {
                let pointer = format!("{}/requestBody/content/application~1json/schema", op.pointer);
                problems.extend(
                    self.validate(&pointer, body).into_iter().map(|e| format!("{name} request body: {e}")),
                );
            }
            _ => {}
        }
        problems
    }

    /// Every problem of a response with `status` and `body` (raw bytes) to `method path`.
    pub fn check_response(&self, method: &str, path: &str, status: u16, body: &[u8]) -> Vec<String> {
        let op = match self.operation(method, path) {
            Ok(op) => op,
            Err(problem) => return vec![problem],
        };
        let name = format!("{} {} → {status}", method.to_uppercase(), op.template);
        let documented = op.op["responses"].get(status.to_string());
        let pointer = match documented {
            Some(response) => {
                let (response, base) = match response.get("$ref").and_then(Value::as_str) {
                    Some(reference) => (self.resolve(reference), reference.to_string()),
                    None => (response, format!("{}/responses/{status}", op.pointer)),
                };
                if response.pointer("/content/application~1json/schema").is_none() {
                    if body.is_empty() {
                        return Vec::new();
                    }
                    return vec![format!(
                        "{name}: GitHub documents no body for this status, the fake sent one"
                    )];
                }
                format!("{base}/content/application~1json/schema")
            }
            None if (400..500).contains(&status) => "#/components/schemas/basic-error".to_string(),
            None if status >= 500 => return Vec::new(),
            None => return vec![format!("{name}: GitHub does not document this status for the operation")],
        };
        let json: Value = match serde_json::from_slice(body) {
            Ok(json) => json,
            Err(e) => return vec![format!("{name}: the body is not JSON ({e})")],
        };
        self.validate(&pointer, &json).into_iter().map(|e| format!("{name}: {e}")).collect()
    }

    /// The operation `method path` matches; literal segments beat parameters (`/releases/tags/x`).
    fn operation(&self, method: &str, path: &str) -> Result<Operation<'_>, String> {
        let method = method.to_lowercase();
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let mut best: Option<(usize, Operation<'_>)> = None;
        for (template, item) in self.doc["paths"].as_object().expect("paths") {
            let Some(op) = item.get(&method) else { continue };
            let parts: Vec<&str> = template.trim_start_matches('/').split('/').collect();
            if parts.len() != segments.len() {
                continue;
            }
            let mut literal = 0;
            let mut values = Vec::new();
            let matched = parts.iter().zip(&segments).all(|(part, segment)| {
                match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    Some(name) if !segment.is_empty() => {
                        values.push((name.to_string(), segment.to_string()));
                        true
                    }
                    Some(_) => false,
                    None => {
                        literal += 1;
                        part == segment
                    }
                }
            });
            if matched && best.as_ref().is_none_or(|(l, _)| literal > *l) {
                let pointer = format!("#/paths/{}/{method}", template.replace('~', "~0").replace('/', "~1"));
                best = Some((literal, Operation { template, pointer, op, path_values: values }));
            }
        }
        best.map(|(_, op)| op).ok_or_else(|| {
            format!("{} {path}: GitHub's REST API has no such operation (or vbump's contract subset lacks it: see .ci/github-openapi)", method.to_uppercase())
        })
    }

    /// The operation's parameters (path item's and its own), each with the pointer of its schema.
    fn parameters<'a>(&'a self, op: &Operation<'a>) -> Vec<(&'a Value, String)> {
        let item_pointer = op.pointer.rsplit_once('/').unwrap().0;
        let item = self.resolve(item_pointer);
        let mut out = Vec::new();
        for (list, base) in [
            (item.get("parameters"), format!("{item_pointer}/parameters")),
            (op.op.get("parameters"), format!("{}/parameters", op.pointer)),
        ] {
            for (i, p) in list.and_then(Value::as_array).into_iter().flatten().enumerate() {
                match p.get("$ref").and_then(Value::as_str) {
                    Some(reference) => out.push((self.resolve(reference), format!("{reference}/schema"))),
                    None => out.push((p, format!("{base}/{i}/schema"))),
                }
            }
        }
        out
    }

    /// A parameter's text as the JSON value its schema types it as, then validated.
    fn check_parameter(&self, name: &str, parameter: &Value, pointer: &str, text: &str) -> Vec<String> {
        let kind = parameter.pointer("/schema/type").and_then(Value::as_str).unwrap_or("string");
        let value = match kind {
            "integer" | "number" => match text.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    return vec![format!(
                        "{name}: parameter `{}` = `{text}` is not an integer",
                        parameter["name"]
                    )];
                }
            },
            "boolean" => match text {
                "true" | "false" => Value::Bool(text == "true"),
                _ => {
                    return vec![format!(
                        "{name}: parameter `{}` = `{text}` is not a boolean",
                        parameter["name"]
                    )];
                }
            },
            _ => Value::String(text.to_string()),
        };
        self.validate(pointer, &value)
            .into_iter()
            .map(|e| format!("{name}: parameter `{}` = `{text}`: {e}", parameter["name"]))
            .collect()
    }

    fn resolve(&self, reference: &str) -> &Value {
        self.doc
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("no {reference} in the contract"))
    }

    /// Validation errors of `instance` against the schema at `pointer` (`#/…`).
    fn validate(&self, pointer: &str, instance: &Value) -> Vec<String> {
        let validator = {
            let mut cache = self.validators.lock().unwrap();
            let entry = cache.entry(pointer.to_string()).or_insert_with(|| {
                // The whole description is the root resource, so `$ref`s into components resolve.
                let mut root = self.doc.clone();
                root.as_object_mut().unwrap().insert("$ref".into(), Value::String(uri_fragment(pointer)));
                Arc::new(
                    jsonschema::draft4::options()
                        .should_validate_formats(true)
                        .build(&root)
                        .unwrap_or_else(|e| panic!("schema at {pointer} does not compile: {e}")),
                )
            });
            Arc::clone(entry)
        };
        validator.iter_errors(instance).map(|e| format!("at `{}`: {e}", e.instance_path())).collect()
    }
}

/// A JSON pointer (`#/paths/~1repos~1{owner}…`) as a URI fragment: `{`, `}` and `%` escaped.
fn uri_fragment(pointer: &str) -> String {
    pointer.replace('%', "%25").replace('{', "%7B").replace('}', "%7D")
}

/// OpenAPI 3.0's `nullable: true` in draft 4 terms, everywhere in the document.
fn to_draft4(node: &mut Value) {
    match node {
        Value::Object(map) => {
            for value in map.values_mut() {
                to_draft4(value);
            }
            if map.remove("nullable") == Some(Value::Bool(true)) {
                make_nullable(map);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(to_draft4),
        _ => {}
    }
}

fn make_nullable(map: &mut Map<String, Value>) {
    if let Some(Value::Array(options)) = map.get_mut("enum") {
        options.push(Value::Null);
    }
    match map.get("type").cloned() {
        Some(Value::String(kind)) => {
            map.insert("type".into(), Value::Array(vec![Value::String(kind), Value::String("null".into())]));
        }
        _ => {
            let schema = Value::Object(std::mem::take(map));
            map.insert("anyOf".into(), Value::Array(vec![serde_json::json!({"type": "null"}), schema]));
        }
    }
}

/// Percent-decodes a path segment (`release%2Fv1` is the branch `release/v1`).
pub fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) =
                std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
