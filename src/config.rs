//! `vbump.toml`: the raw file as serde reads it, and the validated [`Config`] the rest of vbump uses.
//!
//! Discovery (`discovery.rs`): `--config PATH` when given, else the one of `vbump.toml`,
//! `.vbump.toml`, `.config/vbump.toml` and `[tool.vbump]` in `pyproject.toml` that exists at the
//! repository root, else defaults (with version locations auto-detected, see `detect`). Unknown keys
//! are errors that name the key and its line, because a misspelt key silently ignored is a release
//! with the wrong settings. The JSON Schema of the file (`schema.rs`) is generated from the raw
//! structs below, so their doc comments are the reference every editor shows.

mod discovery;
mod release;
mod schema;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::bump::Level;
use crate::commit_types::CommitTypes;
use crate::error::{Error, Place, Result};
use crate::path_filter::PathFilter;
use crate::tags::{self, TagScheme};

pub use release::{Author, BranchPatterns};
pub use schema::json_schema;

/// The name of the configuration file at the repository root.
pub const FILE_NAME: &str = "vbump.toml";

/// The configuration reference of this very version of vbump: error hints link here, never to a
/// bare "README.md" (in a user's repository that is their own README).
pub const REFERENCE_URL: &str = concat!(
    "https://github.com/vbump/vbump/blob/v",
    env!("CARGO_PKG_VERSION"),
    "/README.md#configuration-vbumptoml"
);

/// How a release reaches the default branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// Push when the token may push (or when that is unknown); open a release PR when it may not.
    #[default]
    Auto,
    /// Always push the release commit and tag to the branch.
    Push,
    /// Always go through a release pull request.
    Pr,
}

/// `vbump.toml` exactly as written; every field optional so defaults live in one place. The doc
/// comments are the descriptions of `vbump.schema.json`; `extend("default" = …)` states the
/// default that `Config::from_raw` applies (a unit test holds the two together).
#[derive(Debug, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(
    title = "vbump.toml",
    description = "Settings of vbump, the release tool (https://github.com/vbump/vbump). Every key is optional."
)]
struct RawConfig {
    /// Prefix of release tags: `v` makes `v1.2.3`; "" allowed.
    #[schemars(with = "Option<String>", extend("default" = "v"))]
    tag_prefix: Option<toml::Spanned<String>>,
    /// While the major version is 0, a breaking change bumps the minor version.
    #[schemars(extend("default" = true))]
    major_zero_breaking_is_minor: Option<bool>,
    /// Message of the release commit; `{version}` and `{tag}` are replaced.
    #[schemars(extend("default" = "chore(release): {tag}"))]
    commit_message: Option<String>,
    /// How the release reaches the branch: `auto` (push when allowed, else a release pull request),
    /// `push` or `pr`.
    #[schemars(extend("default" = "auto"))]
    strategy: Option<Strategy>,
    /// A Keep-a-Changelog file to prepend the release notes to, inside the release commit. No
    /// changelog by default.
    changelog: Option<PathBuf>,
    /// Branch that carries the release commit under the `pr` strategy.
    #[schemars(with = "Option<String>", extend("default" = "vbump/release"))]
    release_branch: Option<toml::Spanned<String>>,
    /// Commit type → level (`major`, `minor`, `patch` or `none`), merged into the default table
    /// (`feat` minor; `fix`, `perf` and `revert` patch; the other standard types none).
    /// Read as plain values so that mistakes get vbump's own messages, not the parser's.
    #[schemars(with = "Option<BTreeMap<String, schema::BumpLevel>>", extend("default" = {}))]
    bump: Option<BTreeMap<toml::Spanned<String>, toml::Spanned<toml::Value>>>,
    /// Who makes releases and from where.
    #[schemars(extend("default" = {}))]
    release: Option<release::RawRelease>,
    /// The GitHub Release vbump makes after the push.
    #[schemars(extend("default" = {}))]
    github: Option<RawGitHub>,
    /// Version locations, one per version field. Replaces auto-detection when present.
    #[schemars(with = "Option<Vec<RawLocation>>")]
    location: Option<Vec<toml::Spanned<RawLocation>>>,
    /// The packages of a catalog or monorepo, each with its own version, tags and release. Without
    /// any, the repository is one package (or, for a plugin marketplace listing several local
    /// plugins, one package per plugin).
    #[schemars(with = "Option<Vec<RawPackage>>")]
    package: Option<Vec<toml::Spanned<RawPackage>>>,
    /// What a release does to a plugin marketplace's own version (`metadata.version` or
    /// `version`): `follow` moves it by the highest bump of the packages released (with a single
    /// plugin: keeps it equal to the plugin), `independent` never touches it and `check` does not
    /// compare it. Without it: `follow` when it equals every plugin's version today, else
    /// `independent`, with one line saying so. `vbump init` writes the choice down.
    marketplace_version: Option<MarketplaceVersion>,
}

/// `[github]`: the GitHub Release vbump makes after the push.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "GitHub")]
struct RawGitHub {
    /// Leave each GitHub Release as a draft, for a later step to attach assets to and publish
    /// (the step outputs `release-id`, `upload-url` and `make-latest` say which and how). A
    /// published release is then never changed, so GitHub's immutable releases can be on.
    #[schemars(extend("default" = false))]
    draft: Option<bool>,
}

/// One `[[package]]`: a folder of the repository released on its own.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Package")]
struct RawPackage {
    /// The package name, `{name}` in its tags; the folder's last segment by default.
    name: Option<String>,
    /// The package folder, relative to the repository root: a commit that changes a file under it
    /// belongs to the package.
    path: String,
    /// The tag template: `{version}` once, `{name}` optionally.
    #[schemars(extend("default" = "{name}--v{version}"))]
    tag: Option<String>,
    /// Globs of other files that belong to the package (`shared/fmt/**`).
    #[serde(default)]
    include: Vec<String>,
    /// Globs of files under `path` that do not belong to it (`**/*.md`).
    #[serde(default)]
    exclude: Vec<String>,
    /// A Keep-a-Changelog file for this package's release notes.
    changelog: Option<PathBuf>,
    /// The package's version locations; detected inside `path` when absent.
    #[schemars(with = "Option<Vec<RawLocation>>")]
    location: Option<Vec<toml::Spanned<RawLocation>>>,
}

/// One version field: a `file` and exactly one of `json`, `toml` or `regex`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Location")]
struct RawLocation {
    /// Path relative to the repository root, with `/` separators.
    file: PathBuf,
    /// RFC 6901 JSON Pointer to the version (`/version`), with `[member=value]` segments that pick
    /// an array element by a member (`/plugins/[name=jerry]/version`).
    json: Option<String>,
    /// Dotted TOML key path to the version (`package.version`); quoted keys allowed.
    toml: Option<String>,
    /// A regular expression whose `(?P<version>...)` group is the version; must match exactly
    /// once unless `all = true`.
    regex: Option<String>,
    /// With `regex`: every match is a version field.
    #[schemars(extend("default" = false))]
    all: Option<bool>,
    /// A missing file is skipped instead of being an error.
    #[schemars(extend("default" = false))]
    optional: Option<bool>,
}

/// Which value in a file holds the version, as written in the configuration (parsed by `edit`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Selector {
    /// A JSON Pointer, with `[member=value]` segments to pick an array element by a member.
    Json(String),
    /// A dotted TOML key path; quoted segments may contain dots.
    Toml(String),
    /// A regular expression with a `(?P<version>...)` group.
    Regex { pattern: String, all: bool },
}

/// One `[[location]]`: a file and the value in it that holds the version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LocationSpec {
    /// Path relative to the repository root, with `/` separators.
    pub file: PathBuf,
    pub selector: Selector,
    /// A missing file is skipped instead of being an error.
    pub optional: bool,
    /// Where this location was declared (`vbump.toml:12`), or `None` when auto-detected.
    #[serde(skip)]
    pub declared_at: Option<Place>,
}

impl LocationSpec {
    /// The auto-detected location of the JSON value at `pointer` in `file`.
    pub(crate) fn json(file: impl Into<PathBuf>, pointer: &str) -> LocationSpec {
        LocationSpec {
            file: file.into(),
            selector: Selector::Json(pointer.to_string()),
            optional: false,
            declared_at: None,
        }
    }
}

/// What a release does to a plugin marketplace's own version (`metadata.version` or `version`),
/// which is not any plugin's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MarketplaceVersion {
    /// It moves with the plugins: bumped by the highest bump of the packages released in the same
    /// run (with one plugin: kept equal to it).
    Follow,
    /// It is never touched.
    Independent,
}

/// One `[[package]]`: a folder of the repository released on its own.
#[derive(Debug, Clone)]
pub struct PackageConfig {
    /// The package name (`{name}` in its tag); defaults to the folder's last segment.
    pub name: String,
    pub filter: PathFilter,
    pub tag: TagScheme,
    /// The tag template as written (for `init` and messages).
    pub tag_template: String,
    pub changelog: Option<PathBuf>,
    /// `None`: detect the locations inside the folder.
    pub locations: Option<Vec<LocationSpec>>,
    /// Where it was declared.
    pub declared_at: Place,
}

/// Validated settings, with every default applied.
#[derive(Debug, Clone)]
pub struct Config {
    pub tag_prefix: String,
    pub major_zero_breaking_is_minor: bool,
    pub commit_message: String,
    pub strategy: Strategy,
    pub changelog: Option<PathBuf>,
    pub release_branch: String,
    /// The known commit types: the defaults with `[bump]` merged in.
    pub types: CommitTypes,
    /// `None` means: auto-detect the locations.
    pub locations: Option<Vec<LocationSpec>>,
    /// `[[package]]` tables; empty in single-package mode.
    pub packages: Vec<PackageConfig>,
    /// `None`: decided from the files (see `catalog`).
    pub marketplace_version: Option<MarketplaceVersion>,
    /// `[release] author`: who release commits and tags are made as; `None`: git's identity.
    pub release_author: Option<Author>,
    /// `[release] branches`: the branches a release may be made from.
    pub release_branches: BranchPatterns,
    /// `[github] draft`: GitHub Releases are left as drafts.
    pub github_draft: bool,
    /// The file these settings came from, if any.
    pub source: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config::from_raw(RawConfig::default(), None, "").expect("the defaults are valid")
    }
}

impl Config {
    /// Loads `explicit` if given (it must exist), else the one configuration file at `root`
    /// (`discovery::CANDIDATES`), else defaults.
    pub fn discover(root: &Path, explicit: Option<&Path>) -> Result<Config> {
        match explicit {
            Some(path) => discovery::load(path),
            None => match discovery::find(root)? {
                Some(found) => discovery::load(&found),
                None => Ok(Config::default()),
            },
        }
    }

    /// Parses the text of a configuration file; `path` is used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| syntax_error(&e, text, path))?;
        Config::from_raw(raw, Some(path), text)
    }

    fn from_raw(raw: RawConfig, path: Option<&Path>, text: &str) -> Result<Config> {
        let source = path.map(Path::to_path_buf);
        let place_of = |offset: usize| match path {
            Some(p) => Place::of_offset(p, text.as_bytes(), offset),
            None => Place::file(FILE_NAME),
        };
        let locations = match raw.location {
            None => None,
            Some(raw_locations) => {
                let mut specs = Vec::with_capacity(raw_locations.len());
                for spanned in raw_locations {
                    let place = place_of(spanned.span().start);
                    specs.push(location_spec(spanned.into_inner(), place)?);
                }
                Some(specs)
            }
        };
        // Both become ref names: checked now (exit 2), not by a failing `git tag` after the files
        // were committed.
        let checked_ref =
            |value: Option<toml::Spanned<String>>,
             key: &str,
             default: &str,
             namespace: &str,
             sample: &dyn Fn(&str) -> String| {
                let Some(value) = value else { return Ok(default.to_string()) };
                let place = place_of(value.span().start);
                let value = value.into_inner();
                match crate::refname::check_short(namespace, &sample(&value)) {
                    Ok(()) => Ok(value),
                    Err(why) => Err(Error::input(format!(
                        "`{key}` = {value:?} does not make a valid git ref: {why}"
                    ))
                    .at(place)
                    .hint("use letters, digits, `.`, `-`, `_` and `/` (not first), as in `v` or `release/`")),
                }
            };
        let tag_prefix =
            checked_ref(raw.tag_prefix, "tag-prefix", "v", "refs/tags/", &|p| format!("{p}0.0.0"))?;
        let release_branch =
            checked_ref(raw.release_branch, "release-branch", "vbump/release", "refs/heads/", &|b| {
                b.to_string()
            })?;
        let mut packages = Vec::new();
        for spanned in raw.package.unwrap_or_default() {
            let place = place_of(spanned.span().start);
            packages.push(package_config(spanned.into_inner(), place, &place_of)?);
        }
        if !packages.is_empty() && locations.is_some() {
            return Err(Error::input("`[[location]]` and `[[package]]` cannot be mixed")
                .at(place_of(0))
                .hint("move each location into its package as `[[package.location]]`"));
        }
        check_unique_names(&packages)?;
        let release = release::Release::from_raw(raw.release.unwrap_or_default(), &place_of)?;
        Ok(Config {
            tag_prefix,
            major_zero_breaking_is_minor: raw.major_zero_breaking_is_minor.unwrap_or(true),
            commit_message: raw.commit_message.unwrap_or_else(|| "chore(release): {tag}".to_string()),
            strategy: raw.strategy.unwrap_or_default(),
            changelog: raw.changelog,
            release_branch,
            types: commit_types(raw.bump.unwrap_or_default(), &place_of)?,
            locations,
            packages,
            marketplace_version: raw.marketplace_version,
            release_author: release.author,
            release_branches: release.branches,
            github_draft: raw.github.and_then(|github| github.draft).unwrap_or(false),
            source,
        })
    }

    /// The tag scheme of a single-package repository.
    pub fn tag_scheme(&self) -> TagScheme {
        TagScheme::prefixed(&self.tag_prefix)
    }

    /// The tag name of `version`: the prefix followed by the version.
    pub fn tag_name(&self, version: &semver::Version) -> String {
        self.tag_scheme().format(version)
    }

    /// The release commit message for `version`.
    pub fn release_message(&self, version: &semver::Version) -> String {
        self.commit_message
            .replace("{version}", &version.to_string())
            .replace("{tag}", &self.tag_name(version))
    }
}

/// A TOML or unknown-key error at its `file:line:column`, with the link to the reference.
fn syntax_error(e: &toml::de::Error, text: &str, path: &Path) -> Error {
    let place = match e.span() {
        Some(span) => Place::of_offset(path, text.as_bytes(), span.start),
        None => Place::file(path),
    };
    Error::input(plain(e.message().trim_end()))
        .at(place)
        .hint(format!("every key vbump reads is described at {REFERENCE_URL}"))
}

/// The parser's message in vbump's words: serde's "invalid type: …, expected …" and "unknown
/// variant …" phrasing and TOML's "expected literal string" are how the parser sees the file,
/// not how its author does.
fn plain(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!("this value is {} {found}; {expected} goes here", article(found));
    }
    if let Some(rest) = message.strip_prefix("unknown variant ")
        && let Some((value, allowed)) = rest.split_once(", expected ")
    {
        let allowed = allowed.strip_prefix("one of ").unwrap_or(allowed);
        return format!("{value} is not one of the values allowed here: {allowed}");
    }
    message.strip_suffix(", expected literal string").unwrap_or(message).to_string()
}

/// "a" or "an" before `word`.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// The default commit types with the `[bump]` entries merged in, checked one by one.
fn commit_types(
    entries: BTreeMap<toml::Spanned<String>, toml::Spanned<toml::Value>>,
    place_of: &dyn Fn(usize) -> Place,
) -> Result<CommitTypes> {
    const LEVELS: &str = "\"major\", \"minor\", \"patch\" or \"none\"";
    let mut types = CommitTypes::default();
    // In file order, so the first mistake reported is the first one in the file.
    let mut entries: Vec<_> = entries.into_iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (key, value) in entries {
        let name = key.get_ref().as_str();
        let at = place_of(key.span().start);
        if let Some(problem) = not_a_type(name) {
            return Err(Error::input(format!("`{name}` in [bump] is not a commit type: {problem}"))
                .at(at)
                .hint(
                    "[bump] maps commit types to levels, e.g. `security = \"patch\"` or `revert = \"none\"`",
                ));
        }
        if let Some(first) = seen.insert(name.to_ascii_lowercase(), name.to_string()) {
            return Err(Error::input(format!("`{first}` and `{name}` in [bump] name the same type"))
                .at(at)
                .hint("commit types are case-insensitive: keep one of the two entries"));
        }
        let level = match value.get_ref().as_str().map(str::to_ascii_lowercase).as_deref() {
            Some("major") => Some(Level::Major),
            Some("minor") => Some(Level::Minor),
            Some("patch") => Some(Level::Patch),
            Some("none") => None,
            _ => {
                let shown = match value.get_ref() {
                    toml::Value::String(s) => format!("\"{s}\""),
                    other => format!("{} {}", article(other.type_str()), other.type_str()),
                };
                return Err(Error::input(format!("[bump] `{name}` is {shown}; a level is {LEVELS}"))
                    .at(place_of(value.span().start))
                    .hint(format!(
                        "write e.g. `{name} = \"patch\"`; `\"none\"` makes the type release nothing"
                    )));
            }
        };
        types.set(name, level);
    }
    Ok(types)
}

/// Why a `[bump]` key cannot be a commit type, or `None` when it can.
fn not_a_type(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "breaking" | "breaking-change" | "breaking change" | "breaking-changes" | "breaking changes" => {
            return Some(
                "a breaking change (`!` or a `BREAKING CHANGE:` footer) always releases a major, \
                 or a minor while the major version is 0 (see `major-zero-breaking-is-minor`)"
                    .into(),
            );
        }
        "major" | "minor" | "patch" | "none" => {
            return Some(format!("it is a level; write the type first, e.g. `feat = \"{lower}\"`"));
        }
        _ => {}
    }
    let word = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    (!word).then(|| "a type is one word of letters, digits, `-` and `_`".into())
}

/// Validates one `[[package]]`.
fn package_config(raw: RawPackage, place: Place, place_of: &dyn Fn(usize) -> Place) -> Result<PackageConfig> {
    let filter = PathFilter::folder(&raw.path);
    let name = match raw.name {
        Some(name) => name,
        None => match filter.path().rsplit('/').next() {
            Some(last) if !last.is_empty() => last.to_string(),
            _ => {
                return Err(Error::input("a `[[package]]` at the repository root needs a `name`")
                    .at(place)
                    .hint("add `name = \"...\"` to the package"));
            }
        },
    };
    if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == ',') {
        return Err(Error::input(format!("the package name `{name}` is empty or holds a space or a comma"))
            .at(place)
            .hint("use a name like `formatter` or `my-plugin`"));
    }
    let filter = filter.with_globs(&raw.include, &raw.exclude).map_err(|e| e.at(place.clone()))?;
    let tag_template = raw.tag.unwrap_or_else(|| tags::PACKAGE_DEFAULT.to_string());
    let tag = TagScheme::from_template(&tag_template, Some(&name)).map_err(|e| e.at(place.clone()))?;
    let locations = match raw.location {
        None => None,
        Some(raw_locations) => Some(
            raw_locations
                .into_iter()
                .map(|spanned| {
                    let place = place_of(spanned.span().start);
                    location_spec(spanned.into_inner(), place)
                })
                .collect::<Result<Vec<_>>>()?,
        ),
    };
    Ok(PackageConfig {
        name,
        filter,
        tag,
        tag_template,
        changelog: raw.changelog,
        locations,
        declared_at: place,
    })
}

/// Two packages of one name would make the same tags.
fn check_unique_names(packages: &[PackageConfig]) -> Result<()> {
    for (i, package) in packages.iter().enumerate() {
        if let Some(first) = packages[..i].iter().find(|p| p.name == package.name) {
            return Err(Error::input(format!(
                "two packages are named `{}` (the first at {})",
                package.name, first.declared_at
            ))
            .at(package.declared_at.clone())
            .hint("give each `[[package]]` its own `name`"));
        }
    }
    Ok(())
}

fn location_spec(raw: RawLocation, place: Place) -> Result<LocationSpec> {
    let file_hint = "each [[location]] names a `file` and exactly one of `json`, `toml` or `regex`";
    let selector = match (raw.json, raw.toml, raw.regex) {
        (Some(pointer), None, None) => Selector::Json(pointer),
        (None, Some(key), None) => Selector::Toml(key),
        (None, None, Some(pattern)) => Selector::Regex { pattern, all: raw.all.unwrap_or(false) },
        (None, None, None) => {
            return Err(Error::input(format!(
                "location for `{}` says neither `json`, `toml` nor `regex`",
                raw.file.display()
            ))
            .at(place)
            .hint(file_hint));
        }
        _ => {
            return Err(Error::input(format!(
                "location for `{}` gives more than one of `json`, `toml` and `regex`",
                raw.file.display()
            ))
            .at(place)
            .hint(file_hint));
        }
    };
    if raw.all.is_some() && !matches!(selector, Selector::Regex { .. }) {
        return Err(Error::input("`all` applies only to `regex` locations")
            .at(place)
            .hint("remove `all`, or use a `regex` location"));
    }
    Ok(LocationSpec {
        file: raw.file,
        selector,
        optional: raw.optional.unwrap_or(false),
        declared_at: Some(place),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("vbump.toml"))
    }

    #[test]
    fn tag_prefix_and_release_branch_must_make_valid_refs() {
        for (text, needle) in [
            ("tag-prefix = \"-v\"\n", "starts with `-`"),
            ("\ntag-prefix = \"v 1\"\n", "contains ' '"),
            ("tag-prefix = \"x.lock/\"\n", "ends with `.lock`"),
            ("release-branch = \"a..b\"\n", "`..`"),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{text}");
            assert!(e.message.contains(needle), "{text}: {e}");
        }
        let e = parse("\ntag-prefix = \"v 1\"\n").unwrap_err();
        assert!(e.to_string().starts_with("vbump.toml:2:14: `tag-prefix` = \"v 1\""), "{e}");
        assert_eq!(parse("tag-prefix = \"release/\"\n").unwrap().tag_prefix, "release/");
    }

    #[test]
    fn defaults_without_a_file() {
        let c = Config::default();
        assert_eq!(c.tag_prefix, "v");
        assert!(c.major_zero_breaking_is_minor);
        assert_eq!(c.types.level("feat"), Some(Level::Minor));
        assert_eq!(c.types.level("fix"), Some(Level::Patch));
        assert_eq!(c.types.level("revert"), Some(Level::Patch));
        assert!(c.locations.is_none());
        assert_eq!(c.release_message(&"1.2.3".parse().unwrap()), "chore(release): v1.2.3");
    }

    #[test]
    fn reads_every_key() {
        let c = parse(
            r#"
tag-prefix = ""
major-zero-breaking-is-minor = false
strategy = "pr"
changelog = "CHANGELOG.md"

[bump]
feat = "minor"
docs = "patch"

[[location]]
file = ".claude-plugin/plugin.json"
json = "/version"

[[location]]
file = "src/about.py"
regex = '__version__ = "(?P<version>[^"]+)"'
optional = true
"#,
        )
        .unwrap();
        assert_eq!(c.tag_prefix, "");
        assert!(!c.major_zero_breaking_is_minor);
        assert_eq!(c.strategy, Strategy::Pr);
        assert_eq!(c.types.level("docs"), Some(Level::Patch));
        assert_eq!(c.types.level("fix"), Some(Level::Patch), "entries merge into the defaults");
        let locations = c.locations.unwrap();
        assert_eq!(locations[0].selector, Selector::Json("/version".into()));
        assert_eq!(locations[0].declared_at.as_ref().unwrap().line, Some(11));
        assert!(locations[1].optional);
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let e = parse("tag-prefix = \"v\"\ntag-prefx = \"v\"\n").unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("vbump.toml:2:1: "), "{text}");
        assert!(text.contains("tag-prefx"), "{text}");
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn unknown_key_inside_a_location_names_its_line() {
        let e = parse("[[location]]\nfile = \"a.json\"\njsn = \"/version\"\n").unwrap_err();
        assert!(e.to_string().starts_with("vbump.toml:3:1: "), "{e}");
        assert!(e.to_string().contains("jsn"), "{e}");
    }

    #[test]
    fn errors_link_to_the_configuration_reference_of_this_version() {
        let e = parse("tag-prefx = \"v\"\n").unwrap_err();
        assert!(e.to_string().contains(REFERENCE_URL), "{e}");
        assert!(REFERENCE_URL.contains(concat!("/blob/v", env!("CARGO_PKG_VERSION"), "/README.md#")));
        // The anchor is GitHub's slug of a README heading: lower case, punctuation dropped.
        let anchor = REFERENCE_URL.rsplit_once('#').unwrap().1;
        let readme = include_str!("../README.md");
        let slugs: Vec<String> = readme
            .lines()
            .filter_map(|l| l.strip_prefix("## "))
            .map(|h| {
                h.to_lowercase()
                    .chars()
                    .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
                    .map(|c| if c == ' ' { '-' } else { c })
                    .collect()
            })
            .collect();
        assert!(slugs.iter().any(|s| s == anchor), "no README heading has the anchor `{anchor}`: {slugs:?}");
    }

    #[test]
    fn release_table_reads_author_and_branches_and_names_bad_lines() {
        let c = parse("[release]\nauthor = \"rel[bot] <1+rel[bot]@users.noreply.github.com>\"\nbranches = [\"main\", \"release/*\"]\n")
            .unwrap();
        assert_eq!(c.release_author.unwrap().name, "rel[bot]");
        assert!(c.release_branches.allows("release/2.x"));
        assert!(!c.release_branches.allows("feature/x"));
        let e = parse("tag-prefix = \"v\"\n[release]\nauthor = \"nobody\"\n").unwrap_err();
        assert!(e.to_string().starts_with("vbump.toml:3:"), "{e}");
        assert!(e.to_string().contains("`[release] author`"), "{e}");
        let e = parse("[release]\nbranches = []\n").unwrap_err();
        assert!(e.to_string().starts_with("vbump.toml:2:"), "{e}");
        assert!(Config::default().release_branches.allows("anything"));
    }

    #[test]
    fn location_needs_exactly_one_selector() {
        let none = parse("[[location]]\nfile = \"a.json\"\n").unwrap_err();
        assert!(none.to_string().contains("neither"), "{none}");
        let two = parse("[[location]]\nfile = \"a\"\njson = \"/v\"\ntoml = \"v\"\n").unwrap_err();
        assert!(two.to_string().contains("more than one"), "{two}");
    }

    #[test]
    fn bad_bump_level_is_an_error() {
        let e = parse("[bump]\nfeat = \"huge\"\n").unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("vbump.toml:2:8: "), "{text}");
        assert!(
            text.contains(
                "[bump] `feat` is \"huge\"; a level is \"major\", \"minor\", \"patch\" or \"none\""
            ),
            "{text}"
        );
        let e = parse("[bump]\nfeat = 1\n").unwrap_err();
        assert!(e.to_string().contains("[bump] `feat` is an integer"), "{e}");
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn parser_messages_are_in_plain_words() {
        let e = parse("tag-prefix = 1\n").unwrap_err().to_string();
        assert!(e.contains("this value is an integer `1`; a string goes here"), "{e}");
        let e = parse("strategy = \"nope\"\n").unwrap_err().to_string();
        assert!(e.contains("`nope` is not one of the values allowed here: `auto`, `push`, `pr`"), "{e}");
        let e = parse("[bump]\nfeat = minor\n").unwrap_err().to_string();
        assert!(
            e.ends_with("string values must be quoted") || e.contains("string values must be quoted\n"),
            "{e}"
        );
        for internal in ["invalid type", "unknown variant", "expected literal string"] {
            assert!(!e.contains(internal), "{e}");
        }
    }

    #[test]
    fn one_bump_entry_keeps_the_other_defaults() {
        let c = parse("[bump]\nsecurity = \"patch\"\n").unwrap();
        assert_eq!(c.types.level("security"), Some(Level::Patch));
        assert_eq!(c.types.level("feat"), Some(Level::Minor));
        assert_eq!(c.types.level("fix"), Some(Level::Patch));
    }

    #[test]
    fn none_switches_a_type_off_and_keeps_it_known() {
        let c = parse("[bump]\nrevert = \"none\"\nperf = \"None\"\n").unwrap();
        assert_eq!(c.types.level("revert"), None);
        assert_eq!(c.types.level("perf"), None);
        assert!(c.types.knows("revert"));
    }

    #[test]
    fn keys_that_are_not_types_are_errors_with_a_hint() {
        let e = parse("tag-prefix = \"v\"\n[bump]\nbreaking = \"minor\"\n").unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("vbump.toml:3:1: `breaking` in [bump] is not a commit type"), "{text}");
        assert!(text.contains("major-zero-breaking-is-minor"), "{text}");
        let e = parse("[bump]\nminor = \"feat\"\n").unwrap_err();
        assert!(e.to_string().contains("write the type first"), "{e}");
        let e = parse("[bump]\n\"my type\" = \"patch\"\n").unwrap_err();
        assert!(e.to_string().contains("one word"), "{e}");
        let e = parse("[bump]\nFeat = \"major\"\nfeat = \"minor\"\n").unwrap_err();
        assert!(e.to_string().contains("name the same type"), "{e}");
    }

    #[test]
    fn packages_read_with_their_defaults() {
        let c = parse(
            r#"
marketplace-version = "independent"

[[package]]
path = "plugins/formatter"
include = ["shared/fmt/**"]
changelog = "plugins/formatter/CHANGELOG.md"

[[package.location]]
file = "plugins/formatter/.claude-plugin/plugin.json"
json = "/version"

[[package]]
name = "lint"
path = "tools/linter"
tag = "plugins/{name}/v{version}"
"#,
        )
        .unwrap();
        assert_eq!(c.marketplace_version, Some(MarketplaceVersion::Independent));
        let [fmt, lint] = c.packages.as_slice() else { panic!("two packages") };
        assert_eq!(fmt.name, "formatter");
        assert_eq!(fmt.tag.format(&"1.3.0".parse().unwrap()), "formatter--v1.3.0");
        assert_eq!(fmt.tag_template, "{name}--v{version}");
        assert!(fmt.filter.matches("shared/fmt/x.rs"));
        assert_eq!(fmt.locations.as_ref().unwrap()[0].declared_at.as_ref().unwrap().line, Some(9));
        assert_eq!(fmt.declared_at.line, Some(4));
        assert!(fmt.changelog.is_some());
        assert_eq!(lint.tag.format(&"0.4.1".parse().unwrap()), "plugins/lint/v0.4.1");
        assert!(lint.locations.is_none());
        assert!(lint.filter.matches("tools/linter/a"));
    }

    #[test]
    fn a_file_without_packages_is_single_package_mode() {
        let c = parse("tag-prefix = \"v\"\n").unwrap();
        assert!(c.packages.is_empty());
        assert_eq!(c.marketplace_version, None);
        assert_eq!(c.tag_scheme(), TagScheme::prefixed("v"));
    }

    #[test]
    fn bad_packages_name_their_line() {
        let e = parse("[[package]]\npath = \"a\"\n\n[[package]]\npath = \"b/a\"\n").unwrap_err();
        assert!(e.to_string().starts_with("vbump.toml:4:1: two packages are named `a`"), "{e}");
        let e = parse("[[package]]\npath = \".\"\n").unwrap_err();
        assert!(e.to_string().contains("needs a `name`"), "{e}");
        let e = parse("[[package]]\npath = \"a\"\ntag = \"v\"\n").unwrap_err();
        assert!(e.to_string().starts_with("vbump.toml:1:1: "), "{e}");
        let e = parse("[[package]]\nname = \"a b\"\npath = \"a\"\n").unwrap_err();
        assert!(e.to_string().contains("holds a space"), "{e}");
        let e = parse("[[package]]\npath = \"a\"\npth = 1\n").unwrap_err();
        assert!(e.to_string().contains("pth"), "{e}");
        let e = parse("[[location]]\nfile = \"a\"\njson = \"/v\"\n[[package]]\npath = \"a\"\n").unwrap_err();
        assert!(e.to_string().contains("cannot be mixed"), "{e}");
        let e = parse("marketplace-version = \"sometimes\"\n").unwrap_err();
        assert!(e.to_string().starts_with("vbump.toml:1:"), "{e}");
    }
}
