//! The JSON editor: strict JSON (RFC 8259) with byte spans, and the search for a location in it.
//!
//! `jsonc-parser` gives the AST with byte ranges; every extension it knows (comments, trailing
//! commas, single quotes, …) is turned off. It is lenient in a few corners that strict JSON is not
//! (leading zeros, raw control characters in strings), so the text is also validated by
//! `serde_json` without building anything. Duplicate member names are rejected here, because a
//! reader that keeps the last one and an editor that edits the first would disagree.
//!
//! A string value that contains escapes (`"1.2.\u0033"`) is read decoded, and an edit replaces the
//! whole literal between the quotes: a version never needs escaping, so the new literal is plain.

use std::collections::HashSet;

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions};

use super::pointer::{Pointer, Segment, array_index, escape};
use super::{Found, Located};

/// Parses strict JSON; the error points at the offending byte.
pub fn parse(text: &str) -> Result<Value<'_>, Located> {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let offset = offset_of_line_column(text, e.line(), e.column());
        return Err(Located::new(offset, format!("invalid JSON: {}", serde_message(&e))));
    }
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let collect = CollectOptions { comments: jsonc_parser::CommentCollectionStrategy::Off, tokens: false };
    let parsed = jsonc_parser::parse_to_ast(text, &collect, &options)
        .map_err(|e| Located::new(e.range().start, format!("invalid JSON: {}", e.kind())))?;
    let value = parsed.value.ok_or_else(|| Located::new(0, "invalid JSON: the file holds no value"))?;
    reject_duplicate_keys(&value)?;
    Ok(value)
}

/// serde_json's message without its own " at line L column C" suffix (the place says it).
fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Byte offset of serde_json's 1-based line and (byte) column.
fn offset_of_line_column(text: &str, line: usize, column: usize) -> usize {
    let line_start =
        if line <= 1 { 0 } else { text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1) };
    (line_start + column.saturating_sub(1)).min(text.len())
}

fn reject_duplicate_keys(value: &Value<'_>) -> Result<(), Located> {
    // An explicit stack: the parser caps nesting depth, but no recursion is needed at all.
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(object) => {
                let mut seen = HashSet::with_capacity(object.properties.len());
                for prop in &object.properties {
                    let name = prop_name(&prop.name);
                    if !seen.insert(name) {
                        return Err(Located::new(
                            prop.range.start,
                            format!("duplicate key `{name}` in a JSON object"),
                        )
                        .hint("remove one of the two members: JSON readers disagree on which one counts"));
                    }
                    stack.push(&prop.value);
                }
            }
            Value::Array(array) => stack.extend(array.elements.iter()),
            _ => {}
        }
    }
    Ok(())
}

fn prop_name<'a>(name: &'a ObjectPropName<'_>) -> &'a str {
    match name {
        ObjectPropName::String(s) => &s.value,
        ObjectPropName::Word(w) => w.value,
    }
}

fn kind(value: &Value<'_>) -> &'static str {
    match value {
        Value::StringLit(_) => "a string",
        Value::NumberLit(_) => "a number",
        Value::BooleanLit(_) => "a boolean",
        Value::Object(_) => "an object",
        Value::Array(_) => "an array",
        Value::NullKeyword(_) => "null",
    }
}

fn start(value: &Value<'_>) -> usize {
    match value {
        Value::StringLit(v) => v.range.start,
        Value::NumberLit(v) => v.range.start,
        Value::BooleanLit(v) => v.range.start,
        Value::Object(v) => v.range.start,
        Value::Array(v) => v.range.start,
        Value::NullKeyword(v) => v.range.start,
    }
}

/// Finds the string `pointer` names in `root` (parsed by [`parse`]).
pub fn find(root: &Value<'_>, pointer: &Pointer) -> Result<Found, Located> {
    let mut current = root;
    // The part of the pointer walked so far, for messages.
    let mut walked = String::new();
    for segment in &pointer.segments {
        current = match (segment, current) {
            (Segment::Key(key), Value::Object(object)) => {
                let Some(prop) = object.properties.iter().find(|p| prop_name(&p.name) == key) else {
                    return Err(Located::new(
                        object.range.start,
                        format!("no member `{key}` in the object at `{}`", display(&walked)),
                    ));
                };
                walked.push('/');
                walked.push_str(&escape(key));
                &prop.value
            }
            (Segment::Key(key), Value::Array(array)) => {
                let Some(index) = array_index(key) else {
                    return Err(Located::new(
                        array.range.start,
                        format!("`{}` is an array, and `{key}` is not an index", display(&walked)),
                    )
                    .hint("use a number, or select an element by a member: `[name=VALUE]`"));
                };
                let Some(element) = array.elements.get(index) else {
                    return Err(Located::new(
                        array.range.start,
                        format!(
                            "index {index} is past the end of `{}` ({} elements)",
                            display(&walked),
                            array.elements.len()
                        ),
                    ));
                };
                walked.push('/');
                walked.push_str(key);
                element
            }
            (Segment::Select { member, value }, Value::Array(array)) => {
                let matches: Vec<&Value<'_>> = array
                    .elements
                    .iter()
                    .filter(|element| {
                        element
                            .as_object()
                            .and_then(|o| o.get_string(member))
                            .is_some_and(|s| s.value == value.as_str())
                    })
                    .collect();
                let here = display(&walked);
                match matches.as_slice() {
                    [one] => {
                        walked.push_str(&format!("/[{}={}]", escape(member), escape(value)));
                        one
                    }
                    [] => {
                        return Err(Located::new(
                            array.range.start,
                            format!("no element of `{here}` has `{member}` equal to \"{value}\""),
                        ));
                    }
                    [_, second, ..] => {
                        return Err(Located::new(
                            start(second),
                            format!(
                                "{} elements of `{here}` have `{member}` equal to \"{value}\"",
                                matches.len()
                            ),
                        )
                        .hint("a selector must match exactly one element; use an index instead"));
                    }
                }
            }
            (Segment::Select { member, value }, other) => {
                return Err(Located::new(
                    start(other),
                    format!(
                        "`{}` is {}, so `[{member}={value}]` cannot select in it",
                        display(&walked),
                        kind(other)
                    ),
                ));
            }
            (Segment::Key(key), other) => {
                return Err(Located::new(
                    start(other),
                    format!("`{}` is {}, so it has no member `{key}`", display(&walked), kind(other)),
                ));
            }
        };
    }
    match current {
        Value::StringLit(s) => {
            Ok(Found { span: s.range.start + 1..s.range.end - 1, value: s.value.to_string() })
        }
        other => Err(Located::new(start(other), format!("the value is {}, not a string", kind(other)))
            .hint("a version must be a JSON string, e.g. \"1.2.3\"")),
    }
}

fn display(walked: &str) -> &str {
    if walked.is_empty() { "(the document)" } else { walked }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(text: &str, pointer: &str) -> Result<Found, Located> {
        let root = parse(text)?;
        find(&root, &Pointer::parse(pointer).unwrap())
    }

    #[test]
    fn span_is_inside_the_quotes() {
        let text = "{\"a\": {\"version\": \"1.2.3\"}}";
        let found = get(text, "/a/version").unwrap();
        assert_eq!(&text[found.span.clone()], "1.2.3");
        assert_eq!(found.value, "1.2.3");
    }

    #[test]
    fn escaped_value_is_decoded_and_span_covers_the_literal() {
        let text = r#"{"version": "1.2.\u0033"}"#;
        let found = get(text, "/version").unwrap();
        assert_eq!(found.value, "1.2.3");
        assert_eq!(&text[found.span], r"1.2.\u0033");
    }

    #[test]
    fn selector_picks_by_member() {
        let text = r#"{"plugins":[{"name":"a","version":"1.0.0"},{"name":"b","version":"2.0.0"}]}"#;
        assert_eq!(get(text, "/plugins/[name=b]/version").unwrap().value, "2.0.0");
        assert_eq!(get(text, "/plugins/0/version").unwrap().value, "1.0.0");
        let missing = get(text, "/plugins/[name=c]/version").unwrap_err();
        assert!(
            missing.message.contains("no element of `/plugins` has `name` equal to \"c\""),
            "{}",
            missing.message
        );
        let dup = r#"{"p":[{"n":"a"},{"n":"a"}]}"#;
        assert!(get(dup, "/p/[n=a]").unwrap_err().message.contains("2 elements"));
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(get(r#"{"version": 1}"#, "/version").unwrap_err().message.contains("a number, not a string"));
        assert!(get(r#"{"v": "1"}"#, "/version").unwrap_err().message.contains("no member `version`"));
        assert!(get(r#"{"a": [1]}"#, "/a/x").unwrap_err().message.contains("not an index"));
        assert!(get(r#"{"a": [1]}"#, "/a/3").unwrap_err().message.contains("past the end"));
        assert!(get(r#"{"a": 1}"#, "/a/b").unwrap_err().message.contains("a number, so it has no member"));
    }

    #[test]
    fn strictness() {
        for bad in
            ["{\"a\": 1,}", "{// c\n}", "{'a': 1}", "{\"a\": 01}", "{a: 1}", "[1] [2]", "", "{\"a\": \"\t\"}"]
        {
            assert!(parse(bad).is_err(), "accepted {bad:?}");
        }
        let dup = parse("{\n  \"a\": 1,\n  \"a\": 2\n}").err().unwrap();
        assert!(dup.message.contains("duplicate key `a`"));
        assert_eq!(dup.offset, 14);
    }

    #[test]
    fn serde_error_offset() {
        let text = "{\n  \"a\": tru\n}";
        assert_eq!(offset_of_line_column(text, 1, 1), 0);
        assert_eq!(offset_of_line_column(text, 2, 3), 4);
        assert_eq!(offset_of_line_column(text, 9, 1), text.len());
        let e = parse(text).err().unwrap();
        assert!(e.message.starts_with("invalid JSON: "));
        assert!(!e.message.contains(" at line "));
    }
}
