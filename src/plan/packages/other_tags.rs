//! A package with no release tag of its own template, while tags of another form name its folder
//! (`plugins/web/v1.2.0` for the package in `plugins/web` whose template is `{name}--v{version}`):
//! its history would be counted from the wrong place, so the plan stops and names the template
//! that would match (issue 11's refusal of another `tag-prefix`, per package). A package whose
//! next version would be lower than its files (its later releases tagged in another form) is
//! refused by the never-lower rule, and the same forms name the template in that refusal's hint.
//!
//! Other tags are not "another form" of the package's: the tags of any package template's shape
//! (another package's, or a retired package's: `linter--v1.0.0`), and tags that do not name the
//! package's folder: `v2.0.31` (anthropics/claude-code's CLI releases, beside its marketplace), or
//! MadAppGang/magus's `mcp/claudish/v2.4.0` and `claudish@2.3.0`, which are a tool's releases, not
//! the `plugins/claudish` plugin's (1.0.1). A package's name alone is not enough evidence. So a new
//! package with no tags yet is not refused because its neighbours are tagged.

use git2::{Oid, Repository};

use crate::error::{Error, Result};
use crate::history::{self, PrefixTags};
use crate::package::{Package, Packages};
use crate::tags::Shape;
use crate::text::short_sha;

/// The reachable tag forms that are no package template's, highest first (read once per plan).
pub(super) fn foreign_forms(repo: &Repository, head: Oid, packages: &Packages) -> Result<Vec<PrefixTags>> {
    // One shape per distinct template (a catalog's packages usually share one), compiled once for
    // every tag it is tested against.
    let mut shapes: Vec<Shape> = Vec::new();
    for package in &packages.list {
        if !shapes.iter().any(|s| s.matches(&package.tag.format(&semver::Version::new(1, 2, 3)))) {
            shapes.extend(package.tag.shape());
        }
    }
    history::reachable_prefixes_of(repo, head, |name| !shapes.iter().any(|s| s.matches(name)))
}

/// Stops when `package` (without a reachable tag of its own) has its folder named by one of the
/// `foreign` tag forms.
pub(super) fn refuse(package: &Package, foreign: &[PrefixTags]) -> Result<()> {
    let named = naming(package, foreign);
    let Some(best) = named.first() else { return Ok(()) };
    let tags: Vec<String> = named.iter().map(|p| format!("`{}`", p.highest.name)).collect();
    let own = package.tag.format(&best.highest.version);
    let template = template_of(&best.prefix, package.filter.path(), &package.name);
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

/// A refused downgrade of `package` (its files or tags hold a higher version than it would
/// release): when one of the `foreign` tag forms names its folder, its releases were likely tagged
/// that way, and the hint says so with the template that matches, before the refusal's own hint
/// (as single-package mode names the `tag-prefix` the tags use).
pub(super) fn name_form(package: &Package, foreign: &[PrefixTags], refused: Error) -> Error {
    let Some(best) = naming(package, foreign).first().copied() else { return refused };
    let template = template_of(&best.prefix, package.filter.path(), &package.name);
    let hint = format!(
        "package `{}`'s tags look like `{}`: declare the package in vbump.toml with `tag = \"{template}\"` in its `[[package]]`; {}",
        package.name,
        best.highest.name,
        refused.hint.as_deref().unwrap_or_default()
    );
    refused.hint(hint)
}

/// The `foreign` forms that name `package`'s folder, highest first (none for a package at the
/// root, whose folder no tag names).
fn naming<'f>(package: &Package, foreign: &'f [PrefixTags]) -> Vec<&'f PrefixTags> {
    let folder = package.filter.path();
    if folder.is_empty() {
        return Vec::new();
    }
    foreign.iter().filter(|p| segment_at(&p.prefix, folder).is_some()).collect()
}

/// Where `folder` stands in `prefix` as whole segments (between separators such as `/`, `-`, `@`).
fn segment_at(prefix: &str, folder: &str) -> Option<usize> {
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    prefix.match_indices(folder).map(|(at, _)| at).find(|&at| {
        !is_word(prefix[..at].chars().next_back()) && !is_word(prefix[at + folder.len()..].chars().next())
    })
}

/// The template a prefix naming `folder` makes: when the folder ends with the package's name, the
/// name becomes `{name}` (`plugins/{name}/v{version}`), else the prefix is kept as it is.
fn template_of(prefix: &str, folder: &str, name: &str) -> String {
    match (segment_at(prefix, folder), folder.strip_suffix(name)) {
        (Some(at), Some(parent)) if parent.is_empty() || parent.ends_with('/') => {
            let end = at + folder.len();
            format!("{}{{name}}{}{{version}}", &prefix[..end - name.len()], &prefix[end..])
        }
        _ => format!("{prefix}{{version}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_names_a_package_s_folder_by_whole_segments() {
        assert_eq!(segment_at("plugins/web/v", "plugins/web"), Some(0));
        assert_eq!(segment_at("web-v", "web"), Some(0));
        assert_eq!(segment_at("web@", "web"), Some(0));
        assert_eq!(segment_at("webapp-v", "web"), None);
        assert_eq!(segment_at("mcp/claudish/v", "plugins/claudish"), None);
        assert_eq!(segment_at("v", "web"), None);
        assert_eq!(template_of("plugins/web/v", "plugins/web", "web"), "plugins/{name}/v{version}");
        assert_eq!(template_of("web-v", "web", "web"), "{name}-v{version}");
        assert_eq!(template_of("plugins/web/v", "plugins/web", "site"), "plugins/web/v{version}");
    }
}
