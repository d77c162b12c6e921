//! Claude Code plugin marketplaces (`.claude-plugin/marketplace.json`) read as catalogs of
//! packages, without configuration.
//!
//! Each `plugins[]` entry whose `source` is a string is a local plugin: a bare name resolves
//! against `metadata.pluginRoot`, `./x` against the repository root. Entries whose source is an
//! object (`github`, `url`, `git-subdir`, …) live elsewhere: they are skipped and never
//! touched, their `ref` included. A plugin's name is its entry's `name` (which may differ from its
//! folder) and its path is the source folder; its version locations are what detection finds for
//! that folder (`locations::detect`: the entry's `version`, its plugin manifests, its other
//! manifests), each only when it holds a string: vbump never inserts a version field.
//!
//! The marketplace's own version (`metadata.version`, else a top-level `version`) belongs to no
//! plugin; [`MarketplaceVersion`] says what a release does to it.

use std::collections::HashMap;
use std::path::Path;

use semver::Version;

use crate::config::{LocationSpec, MarketplaceVersion};
use crate::edit;
use crate::edit::json;
use crate::edit::pointer::{self, Segment};
use crate::error::{Error, Place, Result};
use crate::locations;
use crate::worktree::WorkTree;

/// Where a plugin marketplace lists its plugins.
pub(crate) const MARKETPLACE: &str = ".claude-plugin/marketplace.json";

/// A marketplace as vbump reads it.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    /// The local plugins, in the marketplace's order.
    pub plugins: Vec<Plugin>,
    /// The marketplace's own version field, if it has one.
    pub own_version: Option<LocationSpec>,
    /// Its value.
    pub own_value: Option<String>,
    /// The plugins fetched from elsewhere (an object `source`), which vbump leaves alone.
    pub remote: Vec<RemotePlugin>,
}

/// A plugin whose `source` is an object (`github`, `url`, `git-subdir`, …): not a package here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RemotePlugin {
    /// The entry's name (its index when it has none).
    pub name: String,
    /// The source's kind (`github`, `url`, …), as the entry says.
    pub kind: String,
}

/// A local plugin of a marketplace.
#[derive(Debug, Clone)]
pub(crate) struct Plugin {
    pub name: String,
    /// The plugin folder relative to the repository root, `/`-separated; `""` is the root.
    pub folder: String,
}

impl Catalog {
    /// Reads the marketplace at `root`, `None` when there is none.
    pub(crate) fn read(root: &Path) -> Result<Option<Catalog>> {
        Catalog::read_in(&WorkTree::unlisted(root))
    }

    /// Like [`Catalog::read`], through `tree`.
    pub(crate) fn read_in(tree: &WorkTree) -> Result<Option<Catalog>> {
        let Some(text) = edit::read_text_in(tree, Path::new(MARKETPLACE))? else { return Ok(None) };
        let doc = json::parse(&text).map_err(|e| {
            Error::input(e.message)
                .at(Place::of_offset(MARKETPLACE, text.as_bytes(), e.offset))
                .hint("fix the marketplace so vbump can read its plugins")
        })?;
        let string = |doc: &json::Json<'_>, at: &str| {
            pointer::Pointer::parse(at).ok().and_then(|p| doc.get_string(&p))
        };
        let plugin_root = string(&doc, "/metadata/pluginRoot");
        let entries =
            pointer::Pointer::parse("/plugins").ok().and_then(|p| doc.elements_at(&p)).unwrap_or_default();
        let mut plugins = Vec::new();
        let mut remote = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            let name = string(entry, "/name");
            // An object source (`github`, `url`, `git-subdir`) is fetched from elsewhere: left alone.
            let Some(source) = string(entry, "/source") else {
                remote.push(RemotePlugin {
                    name: name.unwrap_or_else(|| format!("entry {index}")),
                    kind: string(entry, "/source/source").unwrap_or_else(|| "not a local path".to_string()),
                });
                continue;
            };
            let Some(folder) = locations::resolve_source(&source, plugin_root.as_deref()) else {
                return Err(Error::input(format!(
                    "the plugin source `{source}` (entry {index}) leaves the repository"
                ))
                .in_file(MARKETPLACE)
                .hint("a local source is a folder inside the repository, like `./plugins/name`"));
            };
            let folder = folder.to_string_lossy().replace('\\', "/");
            let name = name.unwrap_or_else(|| folder.rsplit('/').next().unwrap_or_default().to_string());
            plugins.push(Plugin { name, folder });
        }
        let (own_version, own_value) = ["/metadata/version", "/version"]
            .iter()
            .find_map(|at| {
                string(&doc, at).map(|value| (Some(LocationSpec::json(MARKETPLACE, at)), Some(value)))
            })
            .unwrap_or((None, None));
        Ok(Some(Catalog { plugins, own_version, own_value, remote }))
    }

    /// True when the marketplace lists several local plugins: each is a package of its own. One
    /// local plugin (at the root or in a folder) is today's single-package mode.
    pub(crate) fn is_multi(&self) -> bool {
        self.plugins.len() > 1
    }
}

/// The line of each named marketplace entry (of its `name` member), where an annotation about
/// that plugin points; empty without a marketplace. The marketplace is parsed once for all.
pub(crate) fn entry_lines(tree: &WorkTree) -> Result<HashMap<String, usize>> {
    let mut lines = HashMap::new();
    let Some(text) = edit::read_text_in(tree, Path::new(MARKETPLACE))? else { return Ok(lines) };
    let Ok(doc) = json::parse(&text) else { return Ok(lines) };
    let plugins = pointer::Pointer { segments: vec![Segment::Key("plugins".to_string())] };
    let name = pointer::Pointer { segments: vec![Segment::Key("name".to_string())] };
    let entry_names: Vec<String> = doc
        .elements_at(&plugins)
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| entry.get_string(&name))
        .collect();
    // Selected by name from the document, for offsets in it (the document splits `plugins` once).
    // A name two entries share selects neither, and gets no line: such a catalog is refused
    // before any warning points into it.
    let mut names: Vec<(usize, String)> = entry_names
        .into_iter()
        .filter_map(|value| {
            let entry_name = pointer::Pointer {
                segments: vec![
                    Segment::Key("plugins".to_string()),
                    Segment::Select { member: "name".to_string(), value },
                    Segment::Key("name".to_string()),
                ],
            };
            doc.string_at(&entry_name).ok().map(|found| (found.span.start, found.value))
        })
        .collect();
    // Lines in one pass over the text.
    names.sort();
    let (mut line, mut counted) = (1, 0);
    for (offset, name) in names {
        line += text.as_bytes()[counted..offset].iter().filter(|&&b| b == b'\n').count();
        counted = offset;
        lines.entry(name).or_insert(line);
    }
    Ok(lines)
}

/// The policy for the marketplace's own version: as configured, else `follow` when it equals the
/// version of every plugin that has one (a seed layout, or plugins released in lockstep), else
/// `independent`, with a line saying so.
pub(crate) fn marketplace_policy(
    configured: Option<MarketplaceVersion>,
    own: Option<&str>,
    plugin_versions: &[Version],
) -> (MarketplaceVersion, Option<String>) {
    if let Some(policy) = configured {
        return (policy, None);
    }
    let Some(own) = own else { return (MarketplaceVersion::Independent, None) };
    if locations::own_version::moves_with(own, plugin_versions) {
        (MarketplaceVersion::Follow, None)
    } else {
        let note = format!(
            "the marketplace's own version ({own}) differs from its plugins': left alone \
             (set `marketplace-version = \"follow\"` in vbump.toml to move it with them)"
        );
        (MarketplaceVersion::Independent, Some(note))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(json: &str) -> Catalog {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".claude-plugin")).unwrap();
        std::fs::write(dir.path().join(MARKETPLACE), json).unwrap();
        Catalog::read(dir.path()).unwrap().unwrap()
    }

    fn pointer_of(spec: &LocationSpec) -> &str {
        use crate::config::Selector;
        let Selector::Json(p) = &spec.selector else { panic!("a JSON location") };
        p
    }

    #[test]
    fn local_plugins_resolve_against_plugin_root_and_remote_ones_are_left_alone() {
        let c = catalog(
            r#"{"metadata": {"pluginRoot": "./plugins", "version": "3.0.0"}, "plugins": [
                {"name": "fmt", "source": "formatter", "version": "1.0.0"},
                {"name": "lint", "source": "./tools/lint"},
                {"name": "far", "source": {"source": "github", "repo": "o/r", "ref": "v1"}, "version": "9.9.9"},
                {"source": "./plugins/anon"}]}"#,
        );
        let folders: Vec<_> = c.plugins.iter().map(|p| (p.name.as_str(), p.folder.as_str())).collect();
        assert_eq!(folders, [("fmt", "plugins/formatter"), ("lint", "tools/lint"), ("anon", "plugins/anon")]);
        assert_eq!(c.remote, [RemotePlugin { name: "far".into(), kind: "github".into() }]);
        assert_eq!(pointer_of(c.own_version.as_ref().unwrap()), "/metadata/version");
        assert_eq!(c.own_value.as_deref(), Some("3.0.0"));
        assert!(c.is_multi());
    }

    #[test]
    fn a_lone_root_plugin_is_single_package_mode() {
        let c = catalog(
            r#"{"version": "1.0.0", "plugins": [{"name": "me", "source": "./", "version": "1.0.0"}]}"#,
        );
        assert!(!c.is_multi());
        assert_eq!(c.plugins[0].folder, "");
        assert_eq!(pointer_of(c.own_version.as_ref().unwrap()), "/version");
    }

    #[test]
    fn sources_that_leave_the_repository_and_broken_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".claude-plugin")).unwrap();
        std::fs::write(dir.path().join(MARKETPLACE), r#"{"plugins": [{"name": "a", "source": "../out"}]}"#)
            .unwrap();
        let e = Catalog::read(dir.path()).unwrap_err();
        assert!(e.to_string().contains("leaves the repository"), "{e}");
        std::fs::write(dir.path().join(MARKETPLACE), "{\"plugins\": [}").unwrap();
        assert!(Catalog::read(dir.path()).unwrap_err().to_string().starts_with(MARKETPLACE));
    }

    #[test]
    fn the_marketplace_version_follows_only_when_it_agrees_today() {
        let v = |s: &str| Version::parse(s).unwrap();
        let follow = MarketplaceVersion::Follow;
        let independent = MarketplaceVersion::Independent;
        assert_eq!(marketplace_policy(None, Some("1.0.0"), &[v("1.0.0")]), (follow, None));
        let (policy, note) = marketplace_policy(None, Some("10.0.0"), &[v("1.0.0"), v("2.0.0")]);
        assert_eq!(policy, independent);
        assert!(note.unwrap().contains("10.0.0"));
        assert_eq!(marketplace_policy(Some(follow), Some("10.0.0"), &[v("1.0.0")]), (follow, None));
        assert_eq!(marketplace_policy(None, None, &[v("1.0.0")]), (independent, None));
        assert_eq!(marketplace_policy(None, Some("1.0.0"), &[]).0, independent);
    }
}
