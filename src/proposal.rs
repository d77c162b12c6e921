//! What `vbump init` proposes: a `vbump.toml` that writes down what vbump finds on its own, so the
//! file changes nothing by itself; it makes the locations, the packages and the choices visible and
//! editable.
//!
//! - One package: its version locations (`[[location]]`), the `tag-prefix` the release tags use
//!   when it is not `v`, and for a single-plugin marketplace the `marketplace-version` choice.
//! - Several packages (a marketplace listing several local plugins, or `[[package]]` tables):
//!   each as a `[[package]]` with its name, path, tag template, globs and every location as
//!   `[[package.location]]`, and the `marketplace-version` choice. The tag template is the one
//!   vbump uses: for a marketplace, the one its tags already follow (`plugins/{name}/v{version}`).
//!
//! Reading the written file back gives the same packages and locations (a test holds this), so a
//! plan made with it is the plan `init` described.

use std::path::Path;

use serde::Serialize;

use crate::catalog::{self, Catalog};
use crate::config::{LocationSpec, MarketplaceVersion, Selector};
use crate::error::Result;
use crate::locations::{self, Skipped, own_version};
use crate::package::Packages;
use crate::workspace::Workspace;

/// The proposal for one repository.
#[derive(Debug, Clone)]
pub(crate) struct Proposal {
    pub shape: Shape,
    /// What detection saw and left alone, each with the reason.
    pub skipped: Vec<Skipped>,
    /// Lines the user should read (the marketplace version left alone, a plugin with no version).
    pub notes: Vec<String>,
}

/// One package, or several.
#[derive(Debug, Clone)]
pub(crate) enum Shape {
    Single {
        locations: Vec<LocationSpec>,
        /// The prefix the reachable release tags use, when it is not the configured one.
        tag_prefix: Option<String>,
        marketplace: Option<OwnVersion>,
    },
    Packages {
        packages: Vec<ProposedPackage>,
        marketplace: Option<OwnVersion>,
    },
}

/// A package as `vbump init` writes it. Field names are part of the `--format json` interface.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct ProposedPackage {
    pub name: String,
    /// The folder, `.` for the repository root.
    pub path: String,
    pub tag: String,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub locations: Vec<LocationSpec>,
}

/// The marketplace's own version and what releases do to it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct OwnVersion {
    /// `.claude-plugin/marketplace.json`.
    pub file: String,
    /// `/metadata/version` or `/version`.
    pub field: String,
    pub value: String,
    pub policy: MarketplaceVersion,
    /// True when vbump.toml says so; false when decided from the files today.
    pub configured: bool,
}

impl Proposal {
    /// What vbump finds in the repository of `workspace`, with its settings.
    pub(crate) fn of(workspace: &Workspace) -> Result<Proposal> {
        let root = &workspace.root;
        let config = &workspace.config;
        if let Some(packages) = Packages::resolve(root, config)? {
            return Proposal::of_packages(workspace, packages);
        }
        // Detection, not configured locations: the file describes what vbump finds on its own.
        let detection = locations::detect(root, Path::new(""))?;
        let (locations, choice) = own_version::apply(root, config.marketplace_version, detection.locations)?;
        let marketplace = choice.as_ref().map(|choice| OwnVersion {
            file: path_text(&choice.location.file),
            field: pointer_of(&choice.location),
            value: choice.value.clone(),
            policy: choice.policy,
            configured: choice.configured,
        });
        let notes = choice.as_ref().and_then(own_version::Choice::note).into_iter().collect();
        let shape = Shape::Single { locations, tag_prefix: workspace.tag_prefix_in_use()?, marketplace };
        Ok(Proposal { shape, skipped: detection.skipped, notes })
    }

    fn of_packages(workspace: &Workspace, packages: Packages) -> Result<Proposal> {
        let proposed = packages
            .list
            .iter()
            .map(|package| {
                let path = package.filter.path();
                ProposedPackage {
                    name: package.name.clone(),
                    path: if path.is_empty() { ".".to_string() } else { path.to_string() },
                    tag: package.tag_template.clone(),
                    include: package.filter.include().iter().map(|g| g.text().to_string()).collect(),
                    exclude: package.filter.exclude().iter().map(|g| g.text().to_string()).collect(),
                    locations: package.locations.clone(),
                }
            })
            .collect();
        let marketplace = packages.marketplace.as_ref().map(|own| OwnVersion {
            file: path_text(&own.location.file),
            field: pointer_of(&own.location),
            value: own.value.clone(),
            policy: own.policy,
            configured: workspace.config.marketplace_version.is_some(),
        });
        let mut skipped = packages.skipped.clone();
        if let Some(catalog) = Catalog::read(&workspace.root)? {
            skipped.extend(catalog.remote.iter().map(|remote| {
                Skipped {
                    file: catalog::MARKETPLACE.into(),
                    what: format!("plugin `{}` ({} source)", remote.name, remote.kind),
                    why: "it is fetched from elsewhere, so it is no package of this repository; vbump never \
                      touches its entry or its `ref`"
                        .to_string(),
                }
            }));
        }
        skipped.extend(outside_every_package(&workspace.root, &packages)?);
        let shape = Shape::Packages { packages: proposed, marketplace };
        Ok(Proposal { shape, skipped, notes: packages.warnings() })
    }

    /// How many locations (one package) or packages it proposes; zero means there is nothing
    /// to write.
    pub(crate) fn count(&self) -> usize {
        match &self.shape {
            Shape::Single { locations, .. } => locations.len(),
            Shape::Packages { packages, .. } => packages.len(),
        }
    }

    /// What `--format json` prints: one package's locations as an array (as before packages
    /// existed), several packages as `{marketplace-version, packages}`.
    pub(crate) fn json(&self) -> serde_json::Value {
        match &self.shape {
            Shape::Single { locations, .. } => serde_json::to_value(locations),
            Shape::Packages { packages, marketplace } => serde_json::to_value(serde_json::json!({
                "marketplace-version": marketplace,
                "packages": packages,
            })),
        }
        .expect("a proposal serialises")
    }

    /// The `vbump.toml` text.
    pub(crate) fn render(&self) -> String {
        match &self.shape {
            Shape::Single { locations, tag_prefix, marketplace } => {
                render_single(locations, tag_prefix.as_deref(), marketplace.as_ref())
            }
            Shape::Packages { packages, marketplace } => render_packages(packages, marketplace.as_ref()),
        }
    }
}

/// Version files at the repository root that no package holds (GRC's root `plugin.json` beside its
/// 66 plugin folders): no release moves them, and the user should know.
fn outside_every_package(root: &Path, packages: &Packages) -> Result<Vec<Skipped>> {
    let held = |file: &str| {
        packages
            .list
            .iter()
            .any(|p| p.filter.matches(file) || p.locations.iter().any(|l| path_text(&l.file) == file))
    };
    let at_root = locations::detect(root, Path::new(""))?;
    Ok(at_root
        .locations
        .iter()
        .filter(|spec| !held(&path_text(&spec.file)))
        .map(|spec| Skipped {
            file: spec.file.clone(),
            what: format!("`{}`", pointer_of(spec)),
            why: "it belongs to no package (no package's path holds it), so no release moves it; give it a \
                  [[package]], or a [[package.location]] if it is a package's version"
                .to_string(),
        })
        .collect())
}

/// One package's file: its locations, the tag prefix when not `v`, the marketplace choice.
pub(crate) fn render_single(
    specs: &[LocationSpec],
    tag_prefix: Option<&str>,
    marketplace: Option<&OwnVersion>,
) -> String {
    let mut out = String::from(
        "# vbump.toml, written by `vbump init` from the version files it detected.\n\
         # Every [[location]] is one version value; see README, \"Version locations\".\n",
    );
    if let Some(prefix) = tag_prefix {
        out.push_str(&format!(
            "\n# The release tags HEAD contains are named like this.\ntag-prefix = {}\n",
            quote(prefix)
        ));
    }
    if let Some(own) = marketplace {
        out.push_str(&marketplace_choice(own, "its plugin's"));
    }
    if specs.is_empty() {
        out.push_str(
            "\n# No version file was detected. Add one entry per version value, e.g.:\n\
             # [[location]]\n# file = \"package.json\"\n# json = \"/version\"\n",
        );
    }
    for spec in specs {
        out.push_str("\n[[location]]\n");
        out.push_str(&location_keys(spec));
    }
    out
}

fn render_packages(packages: &[ProposedPackage], marketplace: Option<&OwnVersion>) -> String {
    let mut out = String::from(
        "# vbump.toml, written by `vbump init` from the packages it detected.\n\
         # Each [[package]] is released on its own: the commits that change files under its `path`\n\
         # are its commits. See README, \"Several packages in one repository\".\n",
    );
    if let Some(own) = marketplace {
        out.push_str(&marketplace_choice(own, "its plugins'"));
    }
    for package in packages {
        out.push_str("\n[[package]]\n");
        out.push_str(&format!(
            "name = {}\npath = {}\ntag = {}\n",
            quote(&package.name),
            quote(&package.path),
            quote(&package.tag)
        ));
        for (key, globs) in [("include", &package.include), ("exclude", &package.exclude)] {
            if !globs.is_empty() {
                let list: Vec<String> = globs.iter().map(|g| quote(g)).collect();
                out.push_str(&format!("{key} = [{}]\n", list.join(", ")));
            }
        }
        if package.locations.is_empty() {
            out.push_str("# No version anywhere: its version lives in its tags only.\n");
        }
        for spec in &package.locations {
            out.push_str("\n[[package.location]]\n");
            out.push_str(&location_keys(spec));
        }
    }
    out
}

/// The `marketplace-version` line, with a comment saying why.
fn marketplace_choice(own: &OwnVersion, whose: &str) -> String {
    let what = format!("The marketplace's own version (`{}` in {}, {})", own.field, own.file, own.value);
    let why = match (own.configured, own.policy) {
        (true, _) => "is handled as vbump.toml said:".to_string(),
        (false, MarketplaceVersion::Follow) => format!("equals {whose} version today: releases move it too."),
        (false, MarketplaceVersion::Independent) => {
            format!("differs from {whose} version: releases leave it alone.")
        }
    };
    let policy = match own.policy {
        MarketplaceVersion::Follow => "follow",
        MarketplaceVersion::Independent => "independent",
    };
    format!("\n# {what}\n# {why}\nmarketplace-version = \"{policy}\"\n")
}

/// `file = …` and the selector keys of one location.
fn location_keys(spec: &LocationSpec) -> String {
    let mut out = format!("file = {}\n", quote(&path_text(&spec.file)));
    match &spec.selector {
        Selector::Json(pointer) => out.push_str(&format!("json = {}\n", quote(pointer))),
        Selector::Toml(key) => out.push_str(&format!("toml = {}\n", quote(key))),
        Selector::Regex { pattern, all } => {
            out.push_str(&format!("regex = {}\n", quote(pattern)));
            if *all {
                out.push_str("all = true\n");
            }
        }
    }
    if spec.optional {
        out.push_str("optional = true\n");
    }
    out
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn pointer_of(spec: &LocationSpec) -> String {
    match &spec.selector {
        Selector::Json(pointer) => pointer.clone(),
        other => crate::edit::selector_text(other).to_string(),
    }
}

/// A TOML basic string: a key path such as `tool."my.pkg".version` holds quotes to escape.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::config::Config;

    fn json(file: &str, pointer: &str) -> LocationSpec {
        LocationSpec::json(file, pointer)
    }

    fn read_back(specs: &[LocationSpec]) -> Vec<(PathBuf, Selector, bool)> {
        specs.iter().map(|s| (s.file.clone(), s.selector.clone(), s.optional)).collect()
    }

    #[test]
    fn rendered_file_reads_back_as_the_same_locations() {
        let specs = vec![
            json(".claude-plugin/marketplace.json", "/plugins/[name=a\"b]/version"),
            LocationSpec {
                file: PathBuf::from("pyproject.toml"),
                selector: Selector::Toml("tool.\"my.pkg\".version".into()),
                optional: true,
                declared_at: None,
            },
        ];
        let own = OwnVersion {
            file: ".claude-plugin/marketplace.json".into(),
            field: "/metadata/version".into(),
            value: "1.0.0".into(),
            policy: MarketplaceVersion::Independent,
            configured: false,
        };
        let text = render_single(&specs, Some("web-v"), Some(&own));
        let config = Config::parse(&text, Path::new("vbump.toml")).unwrap();
        assert_eq!(config.tag_prefix, "web-v");
        assert_eq!(config.marketplace_version, Some(MarketplaceVersion::Independent));
        assert_eq!(read_back(&config.locations.unwrap()), read_back(&specs));
    }

    #[test]
    fn rendered_packages_read_back_with_their_globs_templates_and_locations() {
        let packages = vec![
            ProposedPackage {
                name: "root".into(),
                path: ".".into(),
                tag: "{name}--v{version}".into(),
                include: vec![],
                exclude: vec!["plugins/a/**".into()],
                locations: vec![json(".claude-plugin/plugin.json", "/version")],
            },
            ProposedPackage {
                name: "a".into(),
                path: "plugins/a".into(),
                tag: "plugins/{name}/v{version}".into(),
                include: vec!["shared/**".into()],
                exclude: vec![],
                locations: vec![],
            },
        ];
        let own = OwnVersion {
            file: ".claude-plugin/marketplace.json".into(),
            field: "/version".into(),
            value: "2.0.0".into(),
            policy: MarketplaceVersion::Follow,
            configured: true,
        };
        let config = Config::parse(&render_packages(&packages, Some(&own)), Path::new("vbump.toml")).unwrap();
        assert_eq!(config.marketplace_version, Some(MarketplaceVersion::Follow));
        let [root, a] = config.packages.as_slice() else { panic!("two packages") };
        assert_eq!((root.name.as_str(), root.filter.path()), ("root", ""));
        assert!(!root.filter.matches("plugins/a/x") && root.filter.matches("README.md"));
        assert_eq!(read_back(root.locations.as_ref().unwrap()), read_back(&packages[0].locations));
        assert_eq!(a.tag.format(&"1.0.0".parse().unwrap()), "plugins/a/v1.0.0");
        assert!(a.filter.matches("shared/x.rs"));
        assert_eq!(a.locations.as_deref(), None, "no locations: detected again, and there are none");
    }
}
