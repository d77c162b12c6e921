//! The text editor: a regular expression whose `version` group captures the value.
//!
//! For files no parser understands (`__version__ = "1.2.3"`, a README badge). The pattern must
//! match exactly once, unless the location says `all = true`; a second match is more often a
//! pattern that is too loose than a second copy of the version.

use regex::Regex;

use super::{Found, Located};

/// Compiles `pattern` and checks it has a `version` group.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    let regex = Regex::new(pattern).map_err(|e| format!("invalid regular expression: {e}"))?;
    if !regex.capture_names().any(|name| name == Some("version")) {
        return Err(format!("regular expression `{pattern}` has no `(?P<version>...)` group"));
    }
    Ok(regex)
}

/// Every match's `version` group (one unless `all`).
pub fn find(text: &str, regex: &Regex, all: bool) -> Result<Vec<Found>, Located> {
    let mut found = Vec::new();
    for captures in regex.captures_iter(text) {
        // A match where the group took no part (an alternation) gives no value to edit.
        let Some(group) = captures.name("version") else { continue };
        found.push(Found { span: group.range(), value: group.as_str().to_string() });
    }
    match found.len() {
        0 => {
            let nothing = Located::new(0, format!("`{}` matches nothing", regex.as_str())).without_place();
            Err(if matches_multi_line(text, regex.as_str()) {
                nothing.hint("`^` and `$` match only at the start and end of the whole file: start the pattern with `(?m)` to anchor them at each line")
            } else {
                nothing
            })
        }
        1 => Ok(found),
        _ if all => Ok(found),
        n => Err(Located::new(found[1].span.start, format!("`{}` matches {n} times", regex.as_str()))
            .hint("make the pattern match once, or add `all = true` to edit every match")),
    }
}

/// True when `pattern` uses `^` or `$`, matches nothing as it is, but would match in multi-line
/// mode: the usual mistake with a one-line-per-value file.
fn matches_multi_line(text: &str, pattern: &str) -> bool {
    (pattern.contains('^') || pattern.contains('$'))
        && Regex::new(&format!("(?m){pattern}")).is_ok_and(|multi| multi.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_group() {
        let re = compile(r#"__version__ = "(?P<version>[^"]+)""#).unwrap();
        let text = "x = 1\n__version__ = \"1.2.3\"\n";
        let found = find(text, &re, false).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].span.clone()], "1.2.3");
    }

    #[test]
    fn once_unless_all() {
        let re = compile(r"v(?P<version>\d+\.\d+\.\d+)").unwrap();
        let text = "v1.0.0 and v1.0.0";
        assert!(find(text, &re, false).err().unwrap().message.contains("matches 2 times"));
        assert_eq!(find(text, &re, true).unwrap().len(), 2);
        assert!(find("nothing", &re, true).err().unwrap().message.contains("matches nothing"));
    }

    #[test]
    fn an_anchored_pattern_that_needs_multi_line_mode_says_so() {
        let re = compile(r#"^version = "(?P<version>[^"]+)"$"#).unwrap();
        let located = find("[package]\nversion = \"1.0.0\"\n", &re, false).unwrap_err();
        assert!(located.hint.unwrap().contains("(?m)"));
        let unanchored = compile(r"v(?P<version>9)").unwrap();
        assert!(find("v1", &unanchored, false).unwrap_err().hint.is_none());
    }

    #[test]
    fn needs_a_version_group() {
        assert!(compile(r"(\d+)").unwrap_err().contains("no `(?P<version>...)` group"));
        assert!(compile(r"(").unwrap_err().contains("invalid regular expression"));
    }
}
