//! The JSON editor: strict JSON (RFC 8259) and the byte span of the value a pointer names.
//!
//! No tree of the document is built. One `serde_json` pass validates the whole text (strict
//! grammar, nesting limit, and no duplicate member names, because a reader that keeps the last
//! one and an editor that edits the first would disagree). Then the pointer is followed with
//! `serde_json::value::RawValue`: each step splits only the object or array on the path into
//! borrowed slices of the original text, so a slice's address gives its byte offset. A document
//! keeps the splits it made, and an index of each `[member=value]` selection: reading the entries
//! of a catalog one pointer at a time (`/plugins/[name=x]/version` for 300 plugins) splits its
//! `plugins` array once and looks each entry up, instead of going through all of them per pointer.
//!
//! A string value that contains escapes (`"1.2.\u0033"`) is read decoded, and an edit replaces the
//! whole literal between the quotes: a version never needs escaping, so the new literal is plain.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::pointer::{Pointer, Segment, array_index, escape};
use super::{Found, Located};

/// A validated JSON text. Clones (and the documents [`Json::elements_at`] returns) share the
/// splits and selection indices made so far.
#[derive(Debug, Clone)]
pub struct Json<'a> {
    text: &'a str,
    splits: Rc<Splits<'a>>,
    selections: Rc<Selections<'a>>,
}

/// For an array (by address) and a member name: the indices of its elements whose member of that
/// name is each string, so that `[name=x]` finds its element without going through them all.
type Selections<'a> = RefCell<HashMap<(usize, String), Rc<HashMap<Cow<'a, str>, Vec<usize>>>>>;

/// The objects and arrays split so far, by the address of their first byte: two values of one
/// document that start at the same byte are the same value (a container's first byte is its own
/// bracket, never a member's), so the address names it.
type Splits<'a> = RefCell<HashMap<usize, Rc<Children<'a>>>>;

/// Validates `text` as strict JSON without duplicate keys; the error points at the problem.
pub fn parse(text: &str) -> Result<Json<'_>, Located> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let checked = Check.deserialize(&mut deserializer).and_then(|()| deserializer.end());
    if let Err(e) = checked {
        let offset = offset_of_line_column(text, e.line(), e.column());
        let message = serde_message(&e);
        let mut located = Located::new(offset, format!("invalid JSON: {message}"));
        if message.starts_with("duplicate key") {
            located =
                located.hint("remove one of the two members: JSON readers disagree on which one counts");
        }
        return Err(located);
    }
    Ok(Json { text, splits: Rc::default(), selections: Rc::default() })
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

/// A validating visitor that keeps nothing but the member names of the object it is in.
struct Check;

impl<'de> DeserializeSeed<'de> for Check {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Check {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Check)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: HashSet<Name<'de>> = HashSet::new();
        while let Some(key) = map.next_key::<Name<'de>>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom(format!("duplicate key `{}`", key.0)));
            }
            seen.insert(key);
            map.next_value_seed(Check)?;
        }
        Ok(())
    }
}

/// A member name, borrowed from the text unless it holds escapes.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Name<'a>(Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

/// An object's members in document order, values left unparsed.
struct Members<'a>(Vec<(Name<'a>, &'a RawValue)>);

impl<'de> de::Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<Name<'de>, &'de RawValue>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

/// A value on the pointer's path: its text (a slice of the document) and its kind.
#[derive(Debug, Clone, Copy)]
struct Node<'a> {
    raw: &'a str,
}

/// What an object or array holds, split from its text once.
#[derive(Debug)]
enum Children<'a> {
    /// An object's members in document order.
    Members(Vec<(Name<'a>, Node<'a>)>),
    Elements(Vec<Node<'a>>),
    /// Neither an object nor an array.
    Scalar,
}

impl<'a> Node<'a> {
    fn kind(self) -> &'static str {
        match self.raw.as_bytes().first() {
            Some(b'"') => "a string",
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            _ => "a number",
        }
    }

    /// The members or elements of this value. The document was validated, so a slice of it parses.
    fn split(self) -> Children<'a> {
        let split = match self.raw.as_bytes().first() {
            Some(b'{') => serde_json::from_str::<Members<'a>>(self.raw).ok().map(|members| {
                Children::Members(
                    members.0.into_iter().map(|(name, raw)| (name, Node { raw: raw.get() })).collect(),
                )
            }),
            Some(b'[') => serde_json::from_str::<Vec<&'a RawValue>>(self.raw).ok().map(|elements| {
                Children::Elements(elements.into_iter().map(|raw| Node { raw: raw.get() }).collect())
            }),
            _ => None,
        };
        split.unwrap_or(Children::Scalar)
    }

    /// The decoded string, when this is one. A literal without escapes is its own text (the
    /// document was validated), so only one with a backslash is decoded.
    fn string(self) -> Option<Cow<'a, str>> {
        let literal = self.raw.strip_prefix('"')?.strip_suffix('"')?;
        if literal.contains('\\') {
            serde_json::from_str::<String>(self.raw).ok().map(Cow::Owned)
        } else {
            Some(Cow::Borrowed(literal))
        }
    }
}

impl<'a> Json<'a> {
    /// Byte offset of `node` in the document (its slice points into the text).
    fn offset(&self, node: Node<'a>) -> usize {
        node.raw.as_ptr() as usize - self.text.as_ptr() as usize
    }

    fn root(&self) -> Node<'a> {
        Node { raw: self.text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r')) }
    }

    /// The value at `pointer` when it is a string: its decoded text and the span of its literal.
    pub fn string_at(&self, pointer: &Pointer) -> Result<Found, Located> {
        let node = self.walk(pointer)?;
        match node.string() {
            Some(value) => {
                let start = self.offset(node);
                Ok(Found { span: start + 1..start + node.raw.len() - 1, value: value.into_owned() })
            }
            None => {
                Err(Located::new(self.offset(node), format!("the value is {}, not a string", node.kind()))
                    .hint("a version must be a JSON string, e.g. \"1.2.3\""))
            }
        }
    }

    /// True when `pointer` names a value (of any kind).
    pub fn has(&self, pointer: &Pointer) -> bool {
        self.walk(pointer).is_ok()
    }

    /// True when `pointer` names a string.
    pub fn has_string(&self, pointer: &Pointer) -> bool {
        self.walk(pointer).is_ok_and(|node| node.raw.starts_with('"'))
    }

    /// The decoded string at `pointer`, if there is one.
    pub fn get_string(&self, pointer: &Pointer) -> Option<String> {
        self.walk(pointer).ok().and_then(Node::string).map(Cow::into_owned)
    }

    /// The elements of the array at `pointer`, each as a document of its own (`None`: no array).
    pub fn elements_at(&self, pointer: &Pointer) -> Option<Vec<Json<'a>>> {
        let node = self.walk(pointer).ok()?;
        let Children::Elements(elements) = &*self.children(node) else { return None };
        let share = |node: &Node<'a>| Json {
            text: node.raw,
            splits: Rc::clone(&self.splits),
            selections: Rc::clone(&self.selections),
        };
        Some(elements.iter().map(share).collect())
    }

    /// The elements of the array `node` by the string value of their member `member`, indexed
    /// once per document and member.
    fn selection(
        &self,
        node: Node<'a>,
        elements: &[Node<'a>],
        member: &str,
    ) -> Rc<HashMap<Cow<'a, str>, Vec<usize>>> {
        let key = (node.raw.as_ptr() as usize, member.to_string());
        if let Some(index) = self.selections.borrow().get(&key) {
            return Rc::clone(index);
        }
        let mut index: HashMap<Cow<'a, str>, Vec<usize>> = HashMap::new();
        for (i, &element) in elements.iter().enumerate() {
            let Children::Members(members) = &*self.children(element) else { continue };
            // Member names are unique (validated), so the first of that name is the one.
            let value = members.iter().find(|(name, _)| name.0 == member).and_then(|(_, v)| v.string());
            if let Some(value) = value {
                index.entry(value).or_default().push(i);
            }
        }
        let index = Rc::new(index);
        self.selections.borrow_mut().insert(key, Rc::clone(&index));
        index
    }

    /// The members or elements of `node`, split once per document.
    fn children(&self, node: Node<'a>) -> Rc<Children<'a>> {
        let key = node.raw.as_ptr() as usize;
        if let Some(children) = self.splits.borrow().get(&key) {
            return Rc::clone(children);
        }
        let children = Rc::new(node.split());
        self.splits.borrow_mut().insert(key, Rc::clone(&children));
        children
    }

    fn walk(&self, pointer: &Pointer) -> Result<Node<'a>, Located> {
        let mut current = self.root();
        // The part of the pointer walked so far, for messages.
        let mut walked = String::new();
        for segment in &pointer.segments {
            let here = if walked.is_empty() { "(the document)".to_string() } else { walked.clone() };
            current = match segment {
                Segment::Key(key) => match &*self.children(current) {
                    Children::Members(members) => {
                        let Some(&(_, node)) = members.iter().find(|(name, _)| name.0 == key.as_str()) else {
                            return Err(Located::new(
                                self.offset(current),
                                format!("no member `{key}` in the object at `{here}`"),
                            ));
                        };
                        walked.push('/');
                        walked.push_str(&escape(key));
                        node
                    }
                    Children::Elements(elements) => {
                        let Some(index) = array_index(key) else {
                            return Err(Located::new(
                                self.offset(current),
                                format!("`{here}` is an array, and `{key}` is not an index"),
                            )
                            .hint(if key.starts_with('[') && key.contains('=') {
                                // `[name=@scope/pkg]` was split at its `/`.
                                "a `/` inside `[member=value]` ends the segment: write it as `~1` (`[name=@scope~1pkg]`)"
                            } else {
                                "use a number, or select an element by a member: `[name=VALUE]`"
                            }));
                        };
                        let Some(&node) = elements.get(index) else {
                            return Err(Located::new(
                                self.offset(current),
                                format!(
                                    "index {index} is past the end of `{here}` ({} elements)",
                                    elements.len()
                                ),
                            ));
                        };
                        walked.push('/');
                        walked.push_str(key);
                        node
                    }
                    Children::Scalar => {
                        return Err(Located::new(
                            self.offset(current),
                            format!("`{here}` is {}, so it has no member `{key}`", current.kind()),
                        ));
                    }
                },
                Segment::Select { member, value } => {
                    let Children::Elements(elements) = &*self.children(current) else {
                        return Err(Located::new(
                            self.offset(current),
                            format!(
                                "`{here}` is {}, so `[{member}={value}]` cannot select in it",
                                current.kind()
                            ),
                        ));
                    };
                    let by_value = self.selection(current, elements, member);
                    let matches: Vec<Node<'a>> = by_value
                        .get(value.as_str())
                        .map_or(Vec::new(), |found| found.iter().map(|&i| elements[i]).collect());
                    match matches.as_slice() {
                        [one] => {
                            walked.push_str(&format!("/[{}={}]", escape(member), escape(value)));
                            *one
                        }
                        [] => {
                            return Err(Located::new(
                                self.offset(current),
                                format!("no element of `{here}` has `{member}` equal to \"{value}\""),
                            ));
                        }
                        [_, second, ..] => {
                            return Err(Located::new(
                                self.offset(*second),
                                format!(
                                    "{} elements of `{here}` have `{member}` equal to \"{value}\"",
                                    matches.len()
                                ),
                            )
                            .hint("a selector must match exactly one element; use an index instead"));
                        }
                    }
                }
            };
        }
        Ok(current)
    }
}

/// Finds the string `pointer` names in a document validated by [`parse`].
pub fn find(doc: &Json<'_>, pointer: &Pointer) -> Result<Found, Located> {
    doc.string_at(pointer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(text: &str, pointer: &str) -> Result<Found, Located> {
        let doc = parse(text)?;
        find(&doc, &Pointer::parse(pointer).unwrap())
    }

    #[test]
    fn span_is_inside_the_quotes() {
        let text = "  {\"a\": {\"version\": \"1.2.3\"}}\n";
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
        // An escaped member name matches its decoded form.
        assert_eq!(get(r#"{"ver\u0073ion": "2.0.0"}"#, "/version").unwrap().value, "2.0.0");
    }

    #[test]
    fn selector_picks_by_member() {
        let text =
            r#"{"plugins":[{"name":"a","version":"1.0.0"},{"name":"b","version":"2.0.0"},{"name":1}]}"#;
        assert_eq!(get(text, "/plugins/[name=b]/version").unwrap().value, "2.0.0");
        assert_eq!(get(text, "/plugins/0/version").unwrap().value, "1.0.0");
        let missing = get(text, "/plugins/[name=c]/version").unwrap_err();
        assert!(
            missing.message.contains("no element of `/plugins` has `name` equal to \"c\""),
            "{}",
            missing.message
        );
        let dup = r#"{"p":[{"n":"a"},{"n":"a"}]}"#;
        let e = get(dup, "/p/[n=a]").unwrap_err();
        assert!(e.message.contains("2 elements"));
        assert_eq!(e.offset, dup.find("},{").unwrap() + 2);
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(get(r#"{"version": 1}"#, "/version").unwrap_err().message.contains("a number, not a string"));
        assert!(get(r#"{"v": "1"}"#, "/version").unwrap_err().message.contains("no member `version`"));
        assert!(get(r#"{"a": [1]}"#, "/a/x").unwrap_err().message.contains("not an index"));
        assert!(get(r#"{"a": [1]}"#, "/a/3").unwrap_err().message.contains("past the end"));
        assert!(get(r#"{"a": 1}"#, "/a/b").unwrap_err().message.contains("a number, so it has no member"));
        assert!(get(r#"{"a": {}}"#, "/a/[n=x]").unwrap_err().message.contains("an object, so `[n=x]`"));
        let e = get("{\n  \"x\": null\n}", "/x").unwrap_err();
        assert_eq!((e.offset, e.message.as_str()), (9, "the value is null, not a string"));
    }

    #[test]
    fn strictness() {
        for bad in [
            "{\"a\": 1,}",
            "{// c\n}",
            "{'a': 1}",
            "{\"a\": 01}",
            "{a: 1}",
            "[1] [2]",
            "",
            "{\"a\": \"\t\"}",
            "[1,]",
        ] {
            assert!(parse(bad).is_err(), "accepted {bad:?}");
        }
        let dup = parse("{\n  \"a\": 1,\n  \"b\": [{\"a\": 2, \"a\": 3}]\n}").err().unwrap();
        assert!(dup.message.contains("duplicate key `a`"), "{}", dup.message);
        assert_eq!(
            crate::error::line_column(b"{\n  \"a\": 1,\n  \"b\": [{\"a\": 2, \"a\": 3}]\n}", dup.offset).0,
            3
        );
        assert!(dup.hint.is_some());
        // Deep nesting is an error, not a stack overflow.
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err());
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

    #[test]
    fn a_slash_inside_a_selector_value_is_explained() {
        let text = r#"{"plugins": [{"name": "@scope/pkg", "version": "1.0.0"}]}"#;
        let error = get(text, "/plugins/[name=@scope/pkg]/version").unwrap_err();
        assert!(error.hint.unwrap().contains("~1"));
        assert_eq!(get(text, "/plugins/[name=@scope~1pkg]/version").unwrap().value, "1.0.0");
    }
}
