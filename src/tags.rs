//! Tag templates: how a release tag is named, and how a tag name is read back as a version.
//!
//! A template holds `{version}` exactly once and, for a package of a catalog or monorepo,
//! optionally `{name}`: `v{version}` (the single-package default, from `tag-prefix`),
//! `{name}--v{version}` (the multi-package default, the form `claude plugin tag` makes),
//! `plugins/{name}/v{version}` (MadAppGang/magus). The package name is substituted when the scheme
//! is made, so formatting and parsing are a prefix and a suffix around the version: a tag of
//! another package, or any other tag, does not parse.

use semver::Version;

use crate::error::{Error, Result};

/// The default template of a package in multi-package mode.
pub(crate) const PACKAGE_DEFAULT: &str = "{name}--v{version}";

/// One package's tag naming: the text before and after the version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagScheme {
    prefix: String,
    suffix: String,
    /// The template as written, `{name}` unfilled: the shape every package's tags share.
    template: String,
}

impl TagScheme {
    /// The scheme of a single-package repository: `prefix` then the version (`v1.2.3`, `1.2.3`).
    pub fn prefixed(prefix: &str) -> TagScheme {
        TagScheme {
            prefix: prefix.to_string(),
            suffix: String::new(),
            template: format!("{prefix}{{version}}"),
        }
    }

    /// The scheme `template` makes for the package `name`. `None` for `name` refuses `{name}`
    /// (a single package has no name to put there). Errors say what is wrong with the template;
    /// callers add where it was written.
    pub fn from_template(template: &str, name: Option<&str>) -> Result<TagScheme> {
        let hint = "a tag template holds `{version}` once, e.g. `{name}--v{version}` or `v{version}`";
        let mut parts = template.split("{version}");
        let (Some(before), Some(after), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(Error::input(format!(
                "the tag template `{template}` must hold `{{version}}` exactly once"
            ))
            .hint(hint));
        };
        let fill = |text: &str| -> Result<String> {
            match name {
                Some(name) => Ok(text.replace("{name}", name)),
                None if text.contains("{name}") => Err(Error::input(format!(
                    "the tag template `{template}` uses `{{name}}` but there is no package name"
                ))
                .hint("use `{name}` only in a `[[package]]` tag, or remove it")),
                None => Ok(text.to_string()),
            }
        };
        let scheme =
            TagScheme { prefix: fill(before)?, suffix: fill(after)?, template: template.to_string() };
        let example = scheme.format(&Version::new(1, 2, 3));
        if !git2::Reference::is_valid_name(&format!("refs/tags/{example}")) {
            return Err(Error::input(format!(
                "the tag template `{template}` makes `{example}`, which git refuses as a tag name"
            ))
            .hint(hint));
        }
        Ok(scheme)
    }

    /// The tag of `version`.
    pub fn format(&self, version: &Version) -> String {
        format!("{}{version}{}", self.prefix, self.suffix)
    }

    /// The version `tag` names under this scheme, `None` for any other tag.
    pub fn parse(&self, tag: &str) -> Option<Version> {
        let version = tag.strip_prefix(&self.prefix)?.strip_suffix(&self.suffix)?;
        Version::parse(version).ok()
    }

    /// The text before the version (what a ref glob can select on).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The text after the version (usually empty).
    pub fn suffix(&self) -> &str {
        &self.suffix
    }

    /// This scheme's template's shape, compiled once to test many tags: `linter--v1.0.0` has the
    /// shape of `{name}--v{version}`, whichever package `linter` is (one no longer in the catalog
    /// included). `None` when the template has no `{version}`.
    pub(crate) fn shape(&self) -> Option<Shape> {
        let mut parts = self.template.split("{version}");
        let (Some(before), Some(after)) = (parts.next(), parts.next()) else { return None };
        let pattern = |text: &str| regex::escape(text).replace(r"\{name\}", ".+?");
        regex::Regex::new(&format!("^{}(.+){}$", pattern(before), pattern(after))).ok().map(Shape)
    }
}

/// A tag template's shape with any package name in `{name}` (see [`TagScheme::shape`]).
#[derive(Debug, Clone)]
pub(crate) struct Shape(regex::Regex);

impl Shape {
    /// True when `tag` has this shape, with a semantic version in `{version}`.
    pub(crate) fn matches(&self, tag: &str) -> bool {
        self.0.captures(tag).and_then(|c| c.get(1)).is_some_and(|v| Version::parse(v.as_str()).is_ok())
    }
}

/// The template most packages' existing tags follow, among `tags` (tag names) and the package
/// `names`: `plugins/{name}/v{version}` for MadAppGang/magus's `plugins/dev/v2.7.0`. A tag counts
/// for a template when it is that template filled with one package's name and a semver version;
/// the template that names the most packages wins (the default on a tie). `None` when no tag names
/// a package.
pub(crate) fn template_in_use<'t>(tags: impl IntoIterator<Item = &'t str>, names: &[&str]) -> Option<String> {
    let mut packages_of: std::collections::BTreeMap<String, std::collections::BTreeSet<usize>> =
        Default::default();
    // Which names each tag contains, in one pass over the tag (600 tags × 300 names were 180,000
    // substring searches); only those are tried as templates.
    let searchable: Vec<usize> = (0..names.len()).filter(|&i| !names[i].is_empty()).collect();
    // Building fails only past the automaton's size limits: then every name is tried.
    let automaton = aho_corasick::AhoCorasick::new(searchable.iter().map(|&i| names[i])).ok();
    let mut contained = std::collections::BTreeSet::new();
    for tag in tags {
        contained.clear();
        match &automaton {
            Some(automaton) => contained
                .extend(automaton.find_overlapping_iter(tag).map(|m| searchable[m.pattern().as_usize()])),
            None => contained.extend(searchable.iter().copied()),
        }
        for &index in &contained {
            for template in templates_of(tag, names[index]) {
                packages_of.entry(template).or_default().insert(index);
            }
        }
    }
    let most = packages_of.values().map(std::collections::BTreeSet::len).max()?;
    let mut best = packages_of.into_iter().filter(|(_, packages)| packages.len() == most).map(|(t, _)| t);
    let first = best.next()?;
    Some(if first == PACKAGE_DEFAULT || best.any(|t| t == PACKAGE_DEFAULT) {
        PACKAGE_DEFAULT.to_string()
    } else {
        first
    })
}

/// Every template that makes `tag` from the package `name` and a version: the name replaced by
/// `{name}` wherever it occurs, the version at the end replaced by `{version}`.
fn templates_of(tag: &str, name: &str) -> Vec<String> {
    let mut found = Vec::new();
    if name.is_empty() || tag.contains(['{', '}']) {
        return found;
    }
    for (at, _) in tag.match_indices(name) {
        let (before, after) = (&tag[..at], &tag[at + name.len()..]);
        // The version is a suffix that parses as semver and does not start inside a number.
        let start = after.char_indices().map(|(i, _)| i).find(|&i| {
            let digit_before = after[..i].ends_with(|c: char| c.is_ascii_digit());
            !digit_before && Version::parse(&after[i..]).is_ok()
        });
        if let Some(start) = start {
            found.push(format!("{before}{{name}}{}{{version}}", &after[..start]));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn the_package_default_is_what_claude_plugin_tag_makes() {
        let scheme = TagScheme::from_template(PACKAGE_DEFAULT, Some("formatter")).unwrap();
        assert_eq!(scheme.format(&v("1.3.0")), "formatter--v1.3.0");
        assert_eq!(scheme.parse("formatter--v1.3.0-rc.1"), Some(v("1.3.0-rc.1")));
        assert_eq!(scheme.parse("linter--v1.3.0"), None);
        assert_eq!(scheme.parse("formatter--v1.3"), None);
    }

    #[test]
    fn a_folder_like_template_and_a_suffix_round_trip() {
        let magus = TagScheme::from_template("plugins/{name}/v{version}", Some("dev")).unwrap();
        assert_eq!(magus.format(&v("2.0.0")), "plugins/dev/v2.0.0");
        assert_eq!(magus.parse("plugins/dev/v2.0.0"), Some(v("2.0.0")));
        assert_eq!(magus.parse("plugins/devtools/v2.0.0"), None);
        let suffixed = TagScheme::from_template("release-{version}-{name}", Some("a")).unwrap();
        assert_eq!(suffixed.parse(&suffixed.format(&v("1.0.0-beta.2"))), Some(v("1.0.0-beta.2")));
        assert_eq!(suffixed.parse("release-1.0.0-b"), None);
    }

    #[test]
    fn a_tag_of_any_package_has_the_template_s_shape() {
        let scheme = TagScheme::from_template(PACKAGE_DEFAULT, Some("formatter")).unwrap().shape().unwrap();
        assert!(scheme.matches("formatter--v1.0.0"));
        assert!(scheme.matches("retired-plugin--v3.0.0-rc.1"));
        assert!(!scheme.matches("v1.0.0"));
        assert!(!scheme.matches("plugins/formatter/v1.0.0"));
        assert!(!scheme.matches("formatter--v1.0"));
        let magus =
            TagScheme::from_template("plugins/{name}/v{version}", Some("dev")).unwrap().shape().unwrap();
        assert!(magus.matches("plugins/other/v2.1.0"));
        assert!(!magus.matches("other--v2.1.0"));
        let fixed = TagScheme::from_template("fmt-v{version}", Some("fmt")).unwrap().shape().unwrap();
        assert!(fixed.matches("fmt-v0.3.0") && !fixed.matches("lint-v0.3.0"));
    }

    #[test]
    fn a_prefix_scheme_is_todays_tag_prefix() {
        assert_eq!(TagScheme::prefixed("v"), TagScheme::from_template("v{version}", None).unwrap());
        assert_eq!(TagScheme::prefixed("").parse("1.2.3"), Some(v("1.2.3")));
        assert_eq!(TagScheme::prefixed("v").parse("x1.2.3"), None);
        assert_eq!(TagScheme::prefixed("v").prefix(), "v");
        assert_eq!(TagScheme::prefixed("v").suffix(), "");
    }

    #[test]
    fn bad_templates_say_why() {
        let none = TagScheme::from_template("{name}", Some("a")).unwrap_err();
        assert!(none.message.contains("exactly once"), "{none}");
        let twice = TagScheme::from_template("{version}-{version}", Some("a")).unwrap_err();
        assert!(twice.message.contains("exactly once"), "{twice}");
        let nameless = TagScheme::from_template("{name}-v{version}", None).unwrap_err();
        assert!(nameless.message.contains("no package name"), "{nameless}");
        let invalid = TagScheme::from_template("v{version}..x", None).unwrap_err();
        assert!(invalid.message.contains("git refuses"), "{invalid}");
        assert_eq!(invalid.exit_code(), 2);
    }

    #[test]
    fn the_template_in_use_is_the_one_most_packages_follow() {
        // MadAppGang/magus's tags: several namings over the years, `plugins/{name}/v{version}` for most.
        let tags = [
            "plugins/dev/v2.7.0",
            "plugins/code-analysis/v5.1.0",
            "plugins/designer/v0.3.0",
            "claudish/v1.5.0",
            "claudish@2.3.0",
            "mcp/claudish/v2.4.0",
            "tools/claudeup/v3.1.0",
            "v0.1.0",
        ];
        let names = ["dev", "code-analysis", "designer", "claudish", "go"];
        assert_eq!(template_in_use(tags, &names).as_deref(), Some("plugins/{name}/v{version}"));
        assert_eq!(template_in_use(["a--v1.0.0", "b/v1.0.0"], &["a", "b"]).as_deref(), Some(PACKAGE_DEFAULT));
        assert_eq!(template_in_use(["v1.0.0", "release-2"], &["a"]), None);
        // `dev` inside `devtools` makes a template only `dev` follows.
        let tags = ["plugins/devtools/v1.0.0", "plugins/lint/v2.0.0"];
        assert_eq!(
            template_in_use(tags, &["dev", "devtools", "lint"]).as_deref(),
            Some("plugins/{name}/v{version}")
        );
    }
}

/// Which names a tag contains is found in one pass; these pin that every name counts, also one
/// that starts where a longer one does or lies inside it.
#[cfg(test)]
mod names_in_tags {
    use super::*;

    #[test]
    fn a_name_inside_another_name_counts_for_both_packages() {
        // `dev` and `devtools` both match at the start of `devtools/v1.0.0`; only if both are
        // found does `{name}/v{version}` name two packages and beat the decoy.
        let tags = ["devtools/v1.0.0", "dev/v1.0.0", "release-dev-v1.0.0"];
        assert_eq!(template_in_use(tags, &["dev", "devtools"]).as_deref(), Some("{name}/v{version}"));
        // Inside: `tools` is found only within `devtools`, and only then does `dev{name}/v{version}`
        // name two packages.
        let tags = ["devtools/v1.0.0", "devdevtools/v1.0.0", "a-tools-v1.0.0"];
        assert_eq!(template_in_use(tags, &["tools", "devtools"]).as_deref(), Some("dev{name}/v{version}"));
    }

    #[test]
    fn an_empty_name_names_no_template() {
        assert_eq!(template_in_use(["v1.0.0", "x/v1.0.0"], &[""]), None);
        assert_eq!(template_in_use(["x/v1.0.0"], &["", "x"]).as_deref(), Some("{name}/v{version}"));
    }
}
