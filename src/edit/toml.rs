//! The TOML editor: find a dotted key path in a document parsed with spans.
//!
//! `toml_edit::Document` (the immutable parse) keeps the byte span of every value; a
//! `DocumentMut` would not, and writing one back is not byte-exact (CRLF, final newline, quote
//! style, trailing comments). So vbump only reads spans here and splices the new version into the
//! original bytes. The quote style is kept because only the characters between the delimiters
//! change: a version needs no escaping in any of TOML's four string forms.

use toml_edit::{Document, Item, Key, Value};

use super::{Found, Located};

/// Parses a TOML document; the error points at the offending byte.
pub fn parse(text: &str) -> Result<Document<&str>, Located> {
    Document::parse(text).map_err(|e| {
        let offset = e.span().map_or(0, |span| span.start);
        Located::new(offset, format!("invalid TOML: {}", e.message().trim_end()))
    })
}

/// Splits a dotted key path (`tool."my.pkg".version`) into keys, as TOML itself does.
pub fn parse_path(path: &str) -> Result<Vec<String>, String> {
    let keys = Key::parse(path)
        .map_err(|e| format!("`{path}` is not a TOML key path: {}", e.message().trim_end()))?;
    Ok(keys.iter().map(|k| k.get().to_string()).collect())
}

fn kind(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(Value::String(_)) => "a string",
        Item::Value(Value::Integer(_)) => "an integer",
        Item::Value(Value::Float(_)) => "a float",
        Item::Value(Value::Boolean(_)) => "a boolean",
        Item::Value(Value::Datetime(_)) => "a date-time",
        Item::Value(Value::Array(_)) => "an array",
        Item::Value(Value::InlineTable(_)) => "an inline table",
    }
}

/// Finds the string at `keys` in `doc`.
pub fn find(doc: &Document<&str>, keys: &[String]) -> Result<Found, Located> {
    let text = doc.raw();
    let mut item = doc.as_item();
    let mut walked: Vec<&str> = Vec::new();
    // Where the last table started, for messages about a missing key.
    let mut anchor = 0;
    for key in keys {
        let Some(table) = item.as_table_like() else {
            return Err(Located::new(
                item.span().map_or(anchor, |s| s.start),
                format!("`{}` is {}, so it has no key `{key}`", walked.join("."), kind(item)),
            ));
        };
        let Some(next) = table.get(key) else {
            let place = if walked.is_empty() {
                String::from("the document")
            } else {
                format!("`{}`", walked.join("."))
            };
            return Err(Located::new(anchor, format!("{place} has no key `{key}`")));
        };
        walked.push(key);
        anchor = next.span().map_or(anchor, |s| s.start);
        item = next;
    }
    let Item::Value(Value::String(string)) = item else {
        let mut error = Located::new(
            item.span().map_or(anchor, |s| s.start),
            format!("the value is {}, not a string", kind(item)),
        );
        if let Some(table) = item.as_table_like()
            && table.contains_key("workspace")
        {
            error = error.hint("`version.workspace = true` takes its version from the workspace: point the location at `workspace.package.version` in the workspace's Cargo.toml");
        }
        return Err(error.hint_if_none("a version must be a TOML string, e.g. \"1.2.3\""));
    };
    let span = string
        .span()
        .ok_or_else(|| Located::new(anchor, "the TOML parser gave no position for the value"))?;
    let raw = &text[span.clone()];
    let quote = if raw.starts_with("\"\"\"") || raw.starts_with("'''") { 3 } else { 1 };
    if raw.len() < 2 * quote {
        return Err(Located::new(span.start, "the TOML string has no closing quote"));
    }
    Ok(Found { span: span.start + quote..span.end - quote, value: string.value().clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(text: &str, path: &str) -> Result<Found, Located> {
        let doc = parse(text)?;
        find(&doc, &parse_path(path).unwrap())
    }

    #[test]
    fn finds_quoted_and_dotted_keys() {
        let text = "[tool.\"my.pkg\"]\nversion = '1.2.3' # keep\n";
        let found = get(text, "tool.\"my.pkg\".version").unwrap();
        assert_eq!(&text[found.span.clone()], "1.2.3");
        let text = "package.version = \"\"\"2.0.0\"\"\"\n";
        let found = get(text, "package.version").unwrap();
        assert_eq!(&text[found.span], "2.0.0");
    }

    #[test]
    fn inline_tables_are_tables() {
        let text = "[package]\nmeta = { version = \"0.1.0\" }\n";
        assert_eq!(get(text, "package.meta.version").unwrap().value, "0.1.0");
    }

    #[test]
    fn workspace_inheritance_is_not_a_string() {
        let e = get("[package]\nversion.workspace = true\n", "package.version").err().unwrap();
        assert!(e.message.contains("a table, not a string"), "{}", e.message);
        assert!(e.hint.unwrap().contains("workspace.package.version"));
    }

    #[test]
    fn missing_and_malformed() {
        let e = get("[package]\nname = \"x\"\n", "package.version").err().unwrap();
        assert!(e.message.contains("`package` has no key `version`"), "{}", e.message);
        let e = get("[package\n", "package.version").err().unwrap();
        assert!(e.message.starts_with("invalid TOML"));
        assert!(get("version = 3\n", "version").err().unwrap().message.contains("an integer"));
        assert!(parse_path("a..b").is_err());
    }
}
