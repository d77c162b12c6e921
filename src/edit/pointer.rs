//! The `json = "..."` location syntax: an RFC 6901 JSON Pointer, extended with `[member=value]`
//! segments that pick an array element by the value of one of its string members.
//!
//! `/plugins/[name=jerry]/version` reads "in the `plugins` array, the element whose `name` is
//! `jerry`, its `version`". Marketplace entries are identified by name, not by position, so a
//! selector keeps pointing at the right entry when entries are added or reordered.
//!
//! The bracket form is only a selector where the pointer meets an *array*: RFC 6901 allows only
//! digits and `-` there, so no standard pointer changes meaning. On an object, `[a=b]` is an
//! ordinary member name. Both halves of a selector are unescaped like any segment (`~1` is `/`,
//! `~0` is `~`); the member name ends at the first `=`, so a member whose name holds `=` cannot be
//! selected on (use an index).

use std::fmt;

/// One reference token of a pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An object member name, or an array index when the value there is an array.
    Key(String),
    /// `[member=value]`: the one array element that is an object whose `member` is the string `value`.
    Select { member: String, value: String },
}

/// A parsed JSON location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointer {
    pub segments: Vec<Segment>,
}

/// Why a pointer does not parse; the caller adds the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointerError(pub String);

impl fmt::Display for PointerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Pointer {
    /// Parses `text`; `""` is the whole document, anything else starts with `/`.
    pub fn parse(text: &str) -> Result<Pointer, PointerError> {
        if text.is_empty() {
            return Ok(Pointer { segments: Vec::new() });
        }
        let Some(rest) = text.strip_prefix('/') else {
            return Err(PointerError(format!("JSON pointer `{text}` does not start with `/`")));
        };
        let mut segments = Vec::new();
        for raw in rest.split('/') {
            segments.push(parse_segment(raw, text)?);
        }
        Ok(Pointer { segments })
    }
}

fn parse_segment(raw: &str, whole: &str) -> Result<Segment, PointerError> {
    if let Some(inner) = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']'))
        && let Some((member, value)) = inner.split_once('=')
    {
        return Ok(Segment::Select { member: unescape(member, whole)?, value: unescape(value, whole)? });
    }
    Ok(Segment::Key(unescape(raw, whole)?))
}

/// RFC 6901 section 4: `~1` is `/`, `~0` is `~`, any other `~` is an error.
fn unescape(raw: &str, whole: &str) -> Result<String, PointerError> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '~' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('0') => out.push('~'),
            Some('1') => out.push('/'),
            _ => {
                return Err(PointerError(format!(
                    "JSON pointer `{whole}` has a `~` not followed by 0 or 1 (write `~0` for `~`, `~1` for `/`)"
                )));
            }
        }
    }
    Ok(out)
}

/// Escapes a member name for use in a pointer segment.
pub fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The index an RFC 6901 array token denotes: digits without a leading zero.
pub fn array_index(token: &str) -> Option<usize> {
    if token.is_empty() || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    if !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Segment {
        Segment::Key(s.into())
    }

    #[test]
    fn plain_pointer_and_escapes() {
        let p = Pointer::parse("/a~1b/m~0n/0").unwrap();
        assert_eq!(p.segments, vec![key("a/b"), key("m~n"), key("0")]);
        assert_eq!(Pointer::parse("").unwrap().segments, vec![]);
        assert_eq!(Pointer::parse("/").unwrap().segments, vec![key("")]);
    }

    #[test]
    fn selector_segment() {
        let p = Pointer::parse("/plugins/[name=jerry~1x]/version").unwrap();
        assert_eq!(p.segments[1], Segment::Select { member: "name".into(), value: "jerry/x".into() });
        // Value may hold `=`: only the first splits.
        let p = Pointer::parse("/p/[k=a=b]").unwrap();
        assert_eq!(p.segments[1], Segment::Select { member: "k".into(), value: "a=b".into() });
        // Without `=` it is a plain key.
        assert_eq!(Pointer::parse("/[x]").unwrap().segments, vec![key("[x]")]);
    }

    #[test]
    fn errors() {
        assert!(Pointer::parse("version").unwrap_err().0.contains("start with `/`"));
        assert!(Pointer::parse("/a~2").unwrap_err().0.contains("~0"));
        assert!(Pointer::parse("/a~").is_err());
    }

    #[test]
    fn indexes() {
        assert_eq!(array_index("0"), Some(0));
        assert_eq!(array_index("12"), Some(12));
        assert_eq!(array_index("01"), None);
        assert_eq!(array_index("-"), None);
        assert_eq!(array_index("+1"), None);
        assert_eq!(array_index(""), None);
        assert_eq!(escape("a/~b"), "a~1~0b");
    }
}
