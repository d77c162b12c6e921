//! The packages of a repository: from `[[package]]` tables, else from a plugin marketplace listing
//! several local plugins, else none (single-package mode, exactly as before packages existed).
//!
//! A package is a name, a [`PathFilter`] (the commits that change its files are its commits), a
//! [`TagScheme`] and its version locations: the configured ones, else those found inside its
//! folder (its marketplace entry, its plugin manifests, and the other manifests detection finds).

use std::path::{Path, PathBuf};

use crate::catalog::{self, Catalog};
use crate::config::{Config, LocationSpec, MarketplaceVersion};
use crate::error::{Error, Result};
use crate::history;
use crate::locations::{self, Skipped};
use crate::path_filter::PathFilter;
use crate::tags::{self, TagScheme};
use crate::worktree::WorkTree;

pub(crate) mod start;

/// One package, resolved.
#[derive(Debug, Clone)]
pub(crate) struct Package {
    pub name: String,
    pub filter: PathFilter,
    pub tag: TagScheme,
    /// The tag template as written (`{name}--v{version}`), for `vbump init` and messages.
    pub tag_template: String,
    pub changelog: Option<PathBuf>,
    /// Its version locations; empty when it has none (its version lives in its tags only).
    pub locations: Vec<LocationSpec>,
    /// It is a Claude Code plugin: a marketplace entry or a plugin manifest says so.
    pub plugin: bool,
}

impl Package {
    /// The warning for a plugin with no version anywhere, `None` when it has one: Claude Code
    /// caches such a plugin under `unknown/` and never updates it.
    ///
    /// Any other package without a version location gets no warning: its version lives in its
    /// tags only, which is how Go modules and packages versioned from tags at build time (hatch-vcs,
    /// setuptools-scm) are released, and vbump releases it fully (next version, tag, GitHub
    /// Release). Nothing downstream keeps it at a stale version, so a warning on every plan and
    /// check would only teach users to ignore warnings. `vbump init` says it in the `[[package]]`
    /// it writes ("its version lives in its tags only"), and says what detection left alone.
    pub(crate) fn cache_trap(&self) -> Option<String> {
        (self.plugin && self.locations.is_empty()).then(|| {
            format!(
                "package `{}` ({}) has no version anywhere: Claude Code caches such a plugin under \
                 `unknown/` and never updates it; add a \"version\" to its plugin.json",
                self.name,
                shown(self.filter.path())
            )
        })
    }
}

/// The marketplace's own version, when a release may move it.
#[derive(Debug, Clone)]
pub(crate) struct MarketplaceOwnVersion {
    pub location: LocationSpec,
    pub value: String,
    pub policy: MarketplaceVersion,
}

/// Every package of a repository in multi-package mode.
#[derive(Debug, Clone)]
pub(crate) struct Packages {
    pub list: Vec<Package>,
    /// The marketplace's own version, when there is a marketplace with one.
    pub marketplace: Option<MarketplaceOwnVersion>,
    /// Things the user should know about the packages as a whole: the marketplace policy chosen
    /// without configuration. (What concerns one package, see [`Package::cache_trap`].)
    pub notes: Vec<String>,
    /// What detection saw in the package folders and left alone, each with the reason (`vbump
    /// init` prints them).
    pub skipped: Vec<Skipped>,
    /// The repository's tags, when they were read to choose a catalog's tag template: `vbump
    /// check` finds each package's last release in them rather than listing the tags again.
    pub tags: Option<history::TagList>,
}

impl Packages {
    /// The packages of the repository at `root`, `None` in single-package mode.
    pub(crate) fn resolve(root: &Path, config: &Config) -> Result<Option<Packages>> {
        Packages::resolve_in(&WorkTree::new(root), config)
    }

    /// Like [`Packages::resolve`], reading the work tree through `tree` (whose files the caller
    /// reads again).
    pub(crate) fn resolve_in(tree: &WorkTree, config: &Config) -> Result<Option<Packages>> {
        let catalog = Catalog::read_in(tree)?;
        let mut notes = Vec::new();
        let mut skipped = Vec::new();
        let mut tags = None;
        let list = if !config.packages.is_empty() {
            let undeclared: Vec<&str> =
                config.packages.iter().filter(|p| p.locations.is_none()).map(|p| p.filter.path()).collect();
            let mut detected = detect_each(tree, &undeclared, &mut skipped)?.into_iter();
            let mut list = Vec::with_capacity(config.packages.len());
            for package in &config.packages {
                let locations = match &package.locations {
                    Some(locations) => locations.clone(),
                    None => detected.next().unwrap_or_default(),
                };
                list.push(Package {
                    name: package.name.clone(),
                    plugin: is_claude_plugin(tree, catalog.as_ref(), package.filter.path()),
                    filter: package.filter.clone(),
                    tag: package.tag.clone(),
                    tag_template: package.tag_template.clone(),
                    changelog: package.changelog.clone(),
                    locations,
                });
            }
            list
        } else {
            match &catalog {
                Some(catalog) if catalog.is_multi() => {
                    let (list, listed) = from_catalog(tree, catalog, &mut skipped)?;
                    tags = listed;
                    list
                }
                _ => return Ok(None),
            }
        };
        let marketplace = catalog.as_ref().and_then(|c| c.own_version.clone().zip(c.own_value.clone()));
        let marketplace = match marketplace {
            None => None,
            Some((location, value)) => {
                let specs: Vec<LocationSpec> =
                    list.iter().flat_map(|p| p.locations.iter().cloned()).collect();
                let current = current_values(tree, &specs);
                let (policy, note) =
                    catalog::marketplace_policy(config.marketplace_version, Some(&value), &current);
                notes.extend(note);
                Some(MarketplaceOwnVersion { location, value, policy })
            }
        };
        Ok(Some(Packages { list, marketplace, notes, skipped, tags }))
    }

    /// Everything the user should know about the packages (`vbump init` says it): each plugin
    /// with no version anywhere, then the notes.
    pub(crate) fn warnings(&self) -> Vec<String> {
        self.list.iter().filter_map(Package::cache_trap).chain(self.notes.iter().cloned()).collect()
    }

    /// The release tags of each scheme (see [`history::release_tags_of`]): from the tags listed
    /// when the packages were resolved, when they were, else listed now. Only for a use right
    /// after resolving: a fetch (deepening a shallow clone) makes that listing stale.
    pub(crate) fn release_tags(
        &self,
        repo: &git2::Repository,
        schemes: &[&TagScheme],
    ) -> Result<Vec<Vec<history::ReleaseTag>>> {
        match &self.tags {
            Some(tags) => Ok(tags.release_tags(schemes)),
            None => history::release_tags_of(repo, schemes),
        }
    }

    /// The packages named in `names` (`--package`), all of them when `names` is empty. An unknown
    /// name is an error listing the known ones.
    pub(crate) fn select(&self, names: &[String]) -> Result<Vec<&Package>> {
        if names.is_empty() {
            return Ok(self.list.iter().collect());
        }
        let mut selected = Vec::new();
        for name in names {
            let Some(package) = self.list.iter().find(|p| &p.name == name) else {
                let known: Vec<&str> = self.list.iter().map(|p| p.name.as_str()).collect();
                return Err(Error::input(format!("there is no package named `{name}`"))
                    .hint(format!("the packages are: {}", known.join(", "))));
            };
            if !selected.iter().any(|p: &&Package| p.name == package.name) {
                selected.push(package);
            }
        }
        Ok(selected)
    }
}

/// `--package` in single-package mode names nothing.
pub(crate) fn refuse_selection(names: &[String]) -> Result<()> {
    match names.first() {
        None => Ok(()),
        Some(name) => {
            Err(Error::input(format!("`--package {name}` given, but this repository has one package"))
                .hint("declare packages with `[[package]]` in vbump.toml, or drop `--package`"))
        }
    }
}

/// The packages of a marketplace listing several local plugins, and the repository's tags (`None`
/// outside a repository). A plugin at the repository root owns what no other plugin's folder
/// holds.
fn from_catalog(
    tree: &WorkTree,
    catalog: &Catalog,
    skipped: &mut Vec<Skipped>,
) -> Result<(Vec<Package>, Option<history::TagList>)> {
    let folders: Vec<&str> = catalog.plugins.iter().map(|p| p.folder.as_str()).collect();
    let tags = tag_list(tree.root())?;
    let template = template_in_use(tags.as_ref(), catalog);
    let mut list = Vec::with_capacity(catalog.plugins.len());
    for (i, plugin) in catalog.plugins.iter().enumerate() {
        if let Some(first) = catalog.plugins[..i].iter().find(|p| p.name == plugin.name) {
            return Err(Error::input(format!(
                "two plugins are named `{}` (in `{}` and `{}`): their tags would collide",
                plugin.name,
                shown(&first.folder),
                shown(&plugin.folder)
            ))
            .in_file(catalog::MARKETPLACE)
            .hint("rename one, or declare the packages with `[[package]]` in vbump.toml"));
        }
        let mut filter = PathFilter::folder(&plugin.folder);
        if plugin.folder.is_empty() {
            let others: Vec<String> =
                folders.iter().filter(|f| !f.is_empty()).map(|f| format!("{f}/**")).collect();
            filter = filter.with_globs(&[], &others)?;
        }
        let tag = TagScheme::from_template(&template, Some(&plugin.name))
            .map_err(|e| e.in_file(catalog::MARKETPLACE))?;
        list.push(Package {
            name: plugin.name.clone(),
            plugin: true,
            filter,
            tag,
            tag_template: template.clone(),
            changelog: None,
            locations: Vec::new(),
        });
    }
    // Detection reads the files; the catalog's own mistakes above are reported before it.
    for (package, locations) in list.iter_mut().zip(detect_each(tree, &folders, skipped)?) {
        package.locations = locations;
    }
    Ok((list, tags))
}

/// The tags of the repository at `root`, `None` when it is no repository.
fn tag_list(root: &Path) -> Result<Option<history::TagList>> {
    let Ok(repo) = git2::Repository::open(root) else { return Ok(None) };
    Ok(Some(history::TagList::read(&repo)?))
}

/// The tag template of a catalog's packages: the one their existing tags follow
/// (`plugins/{name}/v{version}` in MadAppGang/magus), else `{name}--v{version}`, so that releases
/// continue the naming a catalog already has.
fn template_in_use(tags: Option<&history::TagList>, catalog: &Catalog) -> String {
    let names: Vec<&str> = catalog.plugins.iter().map(|p| p.name.as_str()).collect();
    tags.and_then(|tags| tags::template_in_use(tags.names(), &names))
        .unwrap_or_else(|| tags::PACKAGE_DEFAULT.to_string())
}

/// The version locations of the package in each of `folders`, as detection finds them (its
/// marketplace entry, its plugin manifests, its other manifests; files named relative to the
/// root). What it left alone is added to `skipped`, each thing once.
fn detect_each(
    tree: &WorkTree,
    folders: &[&str],
    skipped: &mut Vec<Skipped>,
) -> Result<Vec<Vec<LocationSpec>>> {
    let paths: Vec<&Path> = folders.iter().map(Path::new).collect();
    let mut each = Vec::with_capacity(folders.len());
    for detection in locations::detect_all(tree, &paths)? {
        for seen in detection.skipped {
            if !skipped.contains(&seen) {
                skipped.push(seen);
            }
        }
        each.push(detection.locations);
    }
    Ok(each)
}

/// The versions the locations hold today, one per location that reads as one. The files are read
/// once for all locations (a catalog's marketplace holds every package's entry); only when that
/// fails is each location read on its own, so that one unreadable location hides only itself.
fn current_values(tree: &WorkTree, specs: &[LocationSpec]) -> Vec<semver::Version> {
    let Ok(files) = crate::edit::VersionFiles::read_in(tree, specs) else {
        return specs.iter().filter_map(|spec| current_value(tree, spec)).collect();
    };
    // Per location: its first field's version, or `None` once any of its values is no version
    // (as reading it alone would say).
    let mut per_spec: Vec<Option<Option<semver::Version>>> = vec![None; specs.len()];
    for (i, field) in files.fields().iter().enumerate() {
        let version = field.scheme.parse(&field.value).ok();
        let slot = &mut per_spec[files.spec_index(i)];
        *slot = match slot.take() {
            None => Some(version),
            Some(first) => Some(first.filter(|_| version.is_some())),
        };
    }
    per_spec.into_iter().flatten().flatten().collect()
}

/// The version a location holds today, when it reads as one.
fn current_value(tree: &WorkTree, spec: &LocationSpec) -> Option<semver::Version> {
    let files = crate::edit::VersionFiles::read_in(tree, std::slice::from_ref(spec)).ok()?;
    files.versions().ok()?.into_iter().next().map(|(_, version)| version)
}

/// Whether the `[[package]]` in `folder` is a Claude Code plugin: the marketplace lists it, or it
/// has a plugin manifest (`.claude-plugin/plugin.json`, or `plugin.json` in a plugin folder).
fn is_claude_plugin(tree: &WorkTree, catalog: Option<&Catalog>, folder: &str) -> bool {
    let folder_path = Path::new(folder);
    catalog.is_some_and(|catalog| catalog.plugins.iter().any(|p| p.folder == folder))
        || tree.is_file(&folder_path.join(".claude-plugin").join("plugin.json"))
        || (!folder.is_empty() && tree.is_file(&folder_path.join("plugin.json")))
}

/// A folder as messages show it (`.` for the root).
fn shown(folder: &str) -> &str {
    if folder.is_empty() { "." } else { folder }
}
