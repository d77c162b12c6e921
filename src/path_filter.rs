//! Which files belong to a package: its folder, plus optional `include` globs, minus optional
//! `exclude` globs (the shape cocogitto and git-cliff use). Paths are relative to the repository
//! root with `/` separators, as git names them.
//!
//! Globs: `*` matches within one path segment, `**` any number of segments, `?` one character
//! other than `/`; everything else is literal.

use regex::Regex;

use crate::error::{Error, Result};

/// A compiled glob, and the folder it cannot match outside of (its literal leading segments).
#[derive(Debug, Clone)]
pub(crate) struct Glob {
    /// The glob as written (what `vbump init` writes back).
    text: String,
    regex: Regex,
    base: String,
}

impl Glob {
    pub(crate) fn new(text: &str) -> Result<Glob> {
        let trimmed = text.trim_start_matches("./");
        let mut pattern = String::from("^");
        let mut chars = trimmed.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' if chars.peek() == Some(&'*') => {
                    chars.next();
                    if chars.peek() == Some(&'/') {
                        chars.next();
                        pattern.push_str("(?:.*/)?");
                    } else {
                        pattern.push_str(".*");
                    }
                }
                '*' => pattern.push_str("[^/]*"),
                '?' => pattern.push_str("[^/]"),
                c => pattern.push_str(&regex::escape(&c.to_string())),
            }
        }
        pattern.push('$');
        let regex = Regex::new(&pattern).map_err(|e| {
            Error::input(format!("the glob `{text}` does not compile: {e}"))
                .hint("use `*`, `**` and `?` only")
        })?;
        let literal: Vec<&str> =
            trimmed.split('/').take_while(|segment| !segment.contains(['*', '?'])).collect();
        // The last literal segment is a file name unless more segments follow it.
        let base_segments = if literal.len() == trimmed.split('/').count() {
            &literal[..literal.len().saturating_sub(1)]
        } else {
            &literal[..]
        };
        Ok(Glob { text: text.to_string(), regex, base: base_segments.join("/") })
    }

    pub(crate) fn matches(&self, path: &str) -> bool {
        self.regex.is_match(path)
    }

    /// The glob as written.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The folder every match lies in (`""`: anywhere).
    pub(crate) fn base(&self) -> &str {
        &self.base
    }
}

/// A package's files.
#[derive(Debug, Clone)]
pub struct PathFilter {
    /// The package folder, without a trailing `/`; `""` is the whole repository.
    path: String,
    include: Vec<Glob>,
    exclude: Vec<Glob>,
}

impl PathFilter {
    /// Everything under `path` (a folder relative to the root; `""` or `.` is the root).
    pub fn folder(path: &str) -> PathFilter {
        PathFilter { path: normalise(path), include: Vec::new(), exclude: Vec::new() }
    }

    /// Adds `include` and `exclude` globs.
    pub fn with_globs(mut self, include: &[String], exclude: &[String]) -> Result<PathFilter> {
        self.include = include.iter().map(|g| Glob::new(g)).collect::<Result<_>>()?;
        self.exclude = exclude.iter().map(|g| Glob::new(g)).collect::<Result<_>>()?;
        Ok(self)
    }

    /// The package folder (`""` is the root).
    pub fn path(&self) -> &str {
        &self.path
    }

    pub(crate) fn include(&self) -> &[Glob] {
        &self.include
    }

    pub(crate) fn exclude(&self) -> &[Glob] {
        &self.exclude
    }

    /// True when the folder alone decides: any change under it belongs to the package.
    pub(crate) fn is_folder_only(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// Does the file `path` belong to the package?
    pub fn matches(&self, path: &str) -> bool {
        let inside = self.path.is_empty()
            || path
                .strip_prefix(self.path.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        (inside || self.include.iter().any(|g| g.matches(path)))
            && !self.exclude.iter().any(|g| g.matches(path))
    }
}

/// `./plugins/a/` → `plugins/a`; `.` and `./` → `""`.
fn normalise(path: &str) -> String {
    path.split('/').filter(|segment| !segment.is_empty() && *segment != ".").collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_holds_what_is_under_it_and_nothing_beside_it() {
        let f = PathFilter::folder("./plugins/fmt/");
        assert_eq!(f.path(), "plugins/fmt");
        assert!(f.matches("plugins/fmt/.claude-plugin/plugin.json"));
        assert!(f.matches("plugins/fmt"));
        assert!(!f.matches("plugins/fmt-extra/a.md"));
        assert!(!f.matches("README.md"));
        assert!(f.is_folder_only());
        assert!(PathFilter::folder(".").matches("anything/at/all"));
    }

    #[test]
    fn includes_add_and_excludes_remove() {
        let f = PathFilter::folder("plugins/fmt")
            .with_globs(&["shared/fmt/**".into(), "*.lock".into()], &["**/*.md".into()])
            .unwrap();
        assert!(f.matches("shared/fmt/a/b.rs"));
        assert!(f.matches("Cargo.lock"));
        assert!(!f.matches("sub/Cargo.lock"));
        assert!(!f.matches("plugins/fmt/README.md"));
        assert!(f.matches("plugins/fmt/src/x.rs"));
        assert!(!f.matches("shared/other.rs"));
        assert!(!f.is_folder_only());
        assert_eq!(f.include()[0].base(), "shared/fmt");
        assert_eq!(f.include()[1].base(), "");
    }

    #[test]
    fn glob_bases_stop_at_the_first_wildcard() {
        assert_eq!(Glob::new("a/b/c.txt").unwrap().base(), "a/b");
        assert_eq!(Glob::new("a/*/c").unwrap().base(), "a");
        assert_eq!(Glob::new("./a/b?/c").unwrap().base(), "a");
        assert!(Glob::new("a/?.txt").unwrap().matches("a/x.txt"));
        assert!(!Glob::new("a/?.txt").unwrap().matches("a/xy.txt"));
        assert!(Glob::new("**/x").unwrap().matches("x"));
        assert!(Glob::new("a/**").unwrap().matches("a/b/c"));
    }
}
