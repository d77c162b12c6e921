//! `vbump audit`: copies of the current version that no location manages.
//!
//! Real releases miss copies nobody declared: a nested plugin manifest one version behind, a
//! `version:` in a SKILL.md front matter, a constant in the source. The audit reads every file git
//! tracks and reports each line that still holds the current version (in its semver or PEP 440
//! spelling) outside the managed locations, with a `[[location]]` that would manage it.
//!
//! Left out on purpose: changelogs and release notes (they name old versions by design), lock files
//! (their other entries are other packages; the package's own entry is a location), `vbump.toml`,
//! binary and non-UTF-8 files, symbolic links and submodules.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::LocationSpec;
use crate::edit::{self, VersionFiles};
use crate::error::{Error, Result};

/// Files larger than this are not text a maintainer edits by hand.
const MAX_BYTES: u64 = 2 * 1024 * 1024;
/// Lock files: every version in them that is not the package's own entry is another package's.
const LOCK_FILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
    "deno.lock",
    "Cargo.lock",
    "uv.lock",
    "poetry.lock",
    "pdm.lock",
    "Pipfile.lock",
    "composer.lock",
    "Gemfile.lock",
    "go.sum",
];
/// File name stems of changelogs and release notes.
const HISTORY_FILES: &[&str] =
    &["changelog", "changes", "history", "news", "release-notes", "release_notes", "releases"];
/// What a suggested pattern captures: a version, and nothing after a sentence's full stop.
const VERSION_PATTERN: &str = r"[0-9]+\.[0-9]+\.[0-9]+(?:[-+.]?[0-9A-Za-z]+)*";

/// One copy of the version outside the managed locations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Path relative to the repository root.
    pub file: PathBuf,
    /// 1-based line and column of the version.
    pub line: usize,
    pub column: usize,
    /// The line, trimmed (at most 160 characters).
    pub text: String,
    /// A `[[location]]` entry that would manage this copy.
    pub suggestion: String,
}

/// The audit's result.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    /// The version the locations agree on.
    pub version: String,
    /// How many values the locations manage.
    pub managed: usize,
    pub findings: Vec<Finding>,
}

/// Audits the opened repository against its configured or detected locations.
pub(crate) fn of_workspace(workspace: &crate::workspace::Workspace) -> Result<Audit> {
    let specs = super::resolve(&workspace.root, &workspace.config)?;
    audit(&workspace.repo, &workspace.root, &specs)
}

/// Audits the files tracked in `repo` (whose work tree is `root`) for copies of the version the
/// `specs` hold today.
pub fn audit(repo: &git2::Repository, root: &Path, specs: &[LocationSpec]) -> Result<Audit> {
    let files = VersionFiles::read(root, specs)?;
    let version = edit::most_common(files.fields().iter().filter_map(|f| f.scheme.parse(&f.value).ok()))
        .ok_or_else(|| {
            Error::input("no location holds a version, so there is nothing to look for")
                .hint("run `vbump check` to see the locations and their values")
        })?;
    let mut needles = vec![version.to_string()];
    if let Ok(pep440) = edit::pep440::from_semver(&version)
        && pep440 != needles[0]
    {
        needles.push(pep440);
    }
    let managed: Vec<(&Path, usize)> = files.fields().iter().map(|f| (f.file.as_path(), f.line)).collect();
    let index =
        repo.index().map_err(|e| Error::input(format!("cannot read git's index: {}", e.message())))?;
    let mut findings = Vec::new();
    for entry in index.iter() {
        // Regular files only: 0o120000 is a symbolic link, 0o160000 a submodule.
        if entry.mode & 0o170000 != 0o100000 {
            continue;
        }
        let file = PathBuf::from(String::from_utf8_lossy(&entry.path).to_string());
        if skipped(&file) {
            continue;
        }
        let Some(text) = text_of(&root.join(&file)) else { continue };
        for (number, line) in text.lines().enumerate() {
            let number = number + 1;
            if managed.contains(&(file.as_path(), number)) {
                continue;
            }
            if let Some(column) = needles.iter().find_map(|needle| find_version(line, needle)) {
                findings.push(Finding {
                    file: file.clone(),
                    line: number,
                    column: line[..column].chars().count() + 1,
                    text: line.trim().chars().take(160).collect(),
                    suggestion: suggest(&file, &text, line, column),
                });
            }
        }
    }
    Ok(Audit { version: version.to_string(), managed: files.fields().len(), findings })
}

/// Changelogs, lock files and vbump's own settings.
fn skipped(file: &Path) -> bool {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default().to_ascii_lowercase();
    LOCK_FILES.contains(&name) || HISTORY_FILES.contains(&stem.as_str()) || name == crate::config::FILE_NAME
}

/// The file's text, or `None` for a binary, non-UTF-8, huge or unreadable (deleted) file.
fn text_of(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    if bytes[..bytes.len().min(8000)].contains(&0) {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// The byte offset of `needle` in `line` where it stands as a whole version: not inside a longer
/// number (`11.2.3`, `1.2.30`) and not the base of another version (`1.2.3-rc.1`). A `v` before it
/// (`v1.2.3`) is fine.
fn find_version(line: &str, needle: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(found) = line[from..].find(needle) {
        let start = from + found;
        let end = start + needle.len();
        let before = start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(end).copied();
        let after_next = bytes.get(end + 1).copied();
        let clean_before = match before {
            None => true,
            Some(b'v' | b'V') => start < 2 || !bytes[start - 2].is_ascii_alphanumeric(),
            Some(b) => !(b.is_ascii_alphanumeric() || b == b'.'),
        };
        let clean_after = match after {
            None => true,
            Some(b) if b.is_ascii_alphanumeric() => false,
            Some(b'.' | b'-' | b'+') => !after_next.is_some_and(|n| n.is_ascii_alphanumeric()),
            Some(_) => true,
        };
        if clean_before && clean_after {
            return Some(start);
        }
        from = start + 1;
    }
    None
}

/// A `[[location]]` for the copy at `column` of `line`: a regex anchored on the text before the
/// version, as short as still matches once in the file (else `all = true`).
fn suggest(file: &Path, text: &str, line: &str, column: usize) -> String {
    let before = &line[..column];
    let mut chosen = None;
    for take in [12, 24, 48, usize::MAX] {
        let start = before.char_indices().rev().nth(take.saturating_sub(1)).map_or(0, |(i, _)| i);
        let prefix = if take == usize::MAX { before } else { &before[start..] };
        let pattern = if take == usize::MAX || start == 0 {
            format!("(?m)^{}(?P<version>{VERSION_PATTERN})", regex::escape(prefix))
        } else {
            format!("{}(?P<version>{VERSION_PATTERN})", regex::escape(prefix))
        };
        let count = regex::Regex::new(&pattern).map_or(0, |r| r.find_iter(text).count());
        if count == 1 {
            chosen = Some((pattern, false));
            break;
        }
        if chosen.is_none() && count > 1 {
            chosen = Some((pattern, true));
        }
        if start == 0 {
            break;
        }
    }
    let (pattern, all) =
        chosen.unwrap_or_else(|| (format!("(?P<version>{})", regex::escape(&line[column..])), false));
    let file = file.to_string_lossy().replace('\\', "/");
    let mut out = format!("[[location]]\nfile = \"{file}\"\nregex = '''{pattern}'''\n");
    if all {
        out.push_str("all = true\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_is_found_only_as_a_whole() {
        assert_eq!(find_version("version: 1.2.3", "1.2.3"), Some(9));
        assert_eq!(find_version("see v1.2.3.", "1.2.3"), Some(5));
        assert_eq!(find_version("[1.2.3](x)", "1.2.3"), Some(1));
        for line in ["11.2.3", "1.2.30", "1.2.3-rc.1", "1.2.3.4", "abc1.2.3", "dev1.2.3", "1.2.3a"] {
            assert_eq!(find_version(line, "1.2.3"), None, "{line}");
        }
        assert_eq!(find_version("11.2.3 and 1.2.3", "1.2.3"), Some(11));
    }

    #[test]
    fn the_suggestion_matches_the_copy_once() {
        let text = "---\nname: skill\nversion: 0.10.0\n---\n";
        let suggestion = suggest(Path::new("SKILL.md"), text, "version: 0.10.0", 9);
        assert!(suggestion.contains("file = \"SKILL.md\""), "{suggestion}");
        let pattern = suggestion.split("'''").nth(1).unwrap();
        let regex = regex::Regex::new(pattern).unwrap();
        assert_eq!(regex.find_iter(text).count(), 1);
        assert_eq!(&regex.captures(text).unwrap()["version"], "0.10.0");
        assert!(!suggestion.contains("all = true"));
        // The suggested entry is valid vbump.toml.
        crate::config::Config::parse(&suggestion, Path::new("vbump.toml")).unwrap();
    }

    #[test]
    fn changelogs_lock_files_and_settings_are_not_audited() {
        for file in [
            "CHANGELOG.md",
            "docs/HISTORY.rst",
            "RELEASE-NOTES.md",
            "Cargo.lock",
            "web/package-lock.json",
            "vbump.toml",
        ] {
            assert!(skipped(Path::new(file)), "{file}");
        }
        assert!(!skipped(Path::new("README.md")));
    }
}
