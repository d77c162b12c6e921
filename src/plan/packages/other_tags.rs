//! A package with no release tag of its own template, while tags of another form name it
//! (`plugins/web/v1.2.0` for a template `{name}--v{version}`): its history would be counted from the
//! wrong place, so the plan stops and names the template that would match (issue 11's refusal of
//! another `tag-prefix`, per package).
//!
//! Two kinds of tags are not "another form": the tags of any package template's shape (another
//! package's tags, or a retired package's: `linter--v1.0.0`), and tags that do not name the package
//! (`v2.0.31`: the repository's own releases, as in anthropics/claude-code, whose marketplace shares
//! the repository with the CLI's tags). A new package with no tags yet is therefore not refused
//! because its neighbours are tagged.

use git2::{Oid, Repository};

use crate::error::{Error, Result};
use crate::history::{self, PrefixTags};
use crate::package::{Package, Packages};
use crate::tags::TagScheme;
use crate::text::short_sha;

/// The reachable tag forms that are no package template's, highest first (read once per plan).
pub(super) fn foreign_forms(repo: &Repository, head: Oid, packages: &Packages) -> Result<Vec<PrefixTags>> {
    // One scheme per distinct template: a catalog's packages usually share one.
    let mut shapes: Vec<&TagScheme> = Vec::new();
    for package in &packages.list {
        if !shapes.iter().any(|s| s.shape_matches(&package.tag.format(&semver::Version::new(1, 2, 3)))) {
            shapes.push(&package.tag);
        }
    }
    history::reachable_prefixes_of(repo, head, |name| !shapes.iter().any(|s| s.shape_matches(name)))
}

/// Stops when `package` (without a reachable tag of its own) is named by one of the `foreign`
/// tag forms.
pub(super) fn refuse(package: &Package, foreign: &[PrefixTags]) -> Result<()> {
    let named: Vec<&PrefixTags> = foreign.iter().filter(|p| names(&p.prefix, &package.name)).collect();
    let Some(best) = named.first() else { return Ok(()) };
    let tags: Vec<String> = named.iter().map(|p| format!("`{}`", p.highest.name)).collect();
    let own = package.tag.format(&best.highest.version);
    let template = template_of(&best.prefix, &package.name);
    Err(Error::input(format!(
        "package `{}`: no release tag like `{own}` is reachable from HEAD, but {} {}",
        package.name,
        tags.join(", "),
        if tags.len() == 1 { "is" } else { "are" }
    ))
    .hint(format!(
        "to count from `{}`, declare the package in vbump.toml with `tag = \"{template}\"` in its `[[package]]`; \
         or, to keep the template, tag that release under it first: `git tag {own} {}`",
        best.highest.name,
        short_sha(&best.highest.commit.to_string())
    )))
}

/// True when `name` is a whole segment of `prefix` (between separators such as `/`, `-`, `@`).
fn names(prefix: &str, name: &str) -> bool {
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    prefix.match_indices(name).any(|(at, _)| {
        !is_word(prefix[..at].chars().next_back()) && !is_word(prefix[at + name.len()..].chars().next())
    })
}

/// The template a prefix makes for any package: the package's name as `{name}`.
fn template_of(prefix: &str, name: &str) -> String {
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    let at = prefix.match_indices(name).map(|(at, _)| at).find(|&at| {
        !is_word(prefix[..at].chars().next_back()) && !is_word(prefix[at + name.len()..].chars().next())
    });
    match at {
        Some(at) => format!("{}{{name}}{}{{version}}", &prefix[..at], &prefix[at + name.len()..]),
        None => format!("{prefix}{{version}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_names_a_package_by_a_whole_segment() {
        assert!(names("plugins/web/v", "web"));
        assert!(names("web-v", "web"));
        assert!(names("web@", "web"));
        assert!(!names("webapp-v", "web"));
        assert!(!names("v", "web"));
        assert_eq!(template_of("plugins/web/v", "web"), "plugins/{name}/v{version}");
        assert_eq!(template_of("web-v", "web"), "{name}-v{version}");
    }
}
