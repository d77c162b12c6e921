//! The marketplace's own version in single-plugin mode: `metadata.version` (or a top-level
//! `version`) of a marketplace at the root whose one local plugin is the repository's package.
//!
//! Detection finds it beside the plugin's locations, but it is the catalog's version, not the
//! plugin's, and in real single-plugin marketplaces it often differs (nicobailon/visual-explainer
//! kept `metadata.version` at 1.0.0 while its plugin went 0.5.0, 0.5.1, …). `marketplace-version`
//! decides: `follow` keeps it among the locations (so it stays equal to the plugin), `independent`
//! drops it (never written, never called drift). Without the setting: `follow` when it equals the
//! plugin's version today, else `independent`, with one line saying so.

use std::path::Path;

use semver::Version;

use crate::config::{LocationSpec, MarketplaceVersion, Selector};
use crate::edit::{self, VersionFiles};
use crate::error::Result;

/// What was decided about the marketplace's own version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Choice {
    /// The field (`/metadata/version` of `.claude-plugin/marketplace.json`).
    pub location: LocationSpec,
    pub policy: MarketplaceVersion,
    /// Its value today.
    pub value: String,
    /// The plugin's version today (what the other locations agree on), if any.
    pub plugin: Option<Version>,
    /// True when `marketplace-version` said so; false when decided from the files.
    pub configured: bool,
}

impl Choice {
    /// The line that says why it is left alone, when that was decided from the files.
    pub(crate) fn note(&self) -> Option<String> {
        if self.configured || self.policy == MarketplaceVersion::Follow {
            return None;
        }
        let plugin = self.plugin.as_ref().map(|v| format!(" ({v})")).unwrap_or_default();
        Some(format!(
            "the marketplace's own version ({}) differs from its plugin's{plugin}: left alone \
             (set `marketplace-version = \"follow\"` in vbump.toml to keep it equal to the plugin)",
            self.value
        ))
    }
}

/// True when the marketplace's own version `own` equals every plugin version in `plugins` (and
/// there is at least one): it has moved with them so far, so it follows them.
pub(crate) fn moves_with(own: &str, plugins: &[Version]) -> bool {
    !plugins.is_empty() && Version::parse(own).is_ok_and(|own| plugins.iter().all(|v| *v == own))
}

/// Applies the policy to the detected `locations` of a single-package repository: returns the
/// locations to manage and the choice, `None` when there is no marketplace version among them.
pub(crate) fn apply(
    root: &Path,
    configured: Option<MarketplaceVersion>,
    locations: Vec<LocationSpec>,
) -> Result<(Vec<LocationSpec>, Option<Choice>)> {
    let (own, others): (Vec<LocationSpec>, Vec<LocationSpec>) =
        locations.iter().cloned().partition(is_own_version);
    let Some(first) = own.first() else { return Ok((locations, None)) };
    // One read for both: the marketplace's own version and the plugin's are in the same file.
    let specs: Vec<LocationSpec> = std::iter::once(first.clone()).chain(others.iter().cloned()).collect();
    let files = VersionFiles::read(root, &specs)?;
    let (mut value, mut current) = (String::new(), Vec::new());
    for (i, field) in files.fields().iter().enumerate() {
        if files.spec_index(i) == 0 {
            if value.is_empty() {
                value = field.value.clone();
            }
        } else {
            current.extend(field.scheme.parse(&field.value).ok());
        }
    }
    let plugin = edit::most_common(current.iter().cloned());
    let policy = match configured {
        Some(policy) => policy,
        // Alone, it is the only version there is: it is the plugin's.
        None if current.is_empty() => MarketplaceVersion::Follow,
        None if moves_with(&value, &plugin.iter().cloned().collect::<Vec<_>>()) => MarketplaceVersion::Follow,
        None => MarketplaceVersion::Independent,
    };
    let choice = Choice { location: first.clone(), policy, value, plugin, configured: configured.is_some() };
    let kept = match policy {
        MarketplaceVersion::Follow => locations,
        MarketplaceVersion::Independent => others,
    };
    Ok((kept, Some(choice)))
}

/// The marketplace's own version field: `/version` or `/metadata/version` of a catalog at the
/// root (not a plugin entry's `/plugins/…/version`).
fn is_own_version(spec: &LocationSpec) -> bool {
    let own_pointer =
        matches!(&spec.selector, Selector::Json(p) if p == "/version" || p == "/metadata/version");
    own_pointer && super::plugins::CATALOGS.iter().any(|catalog| spec.file == Path::new(catalog))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(file: &str, pointer: &str) -> LocationSpec {
        LocationSpec::json(file, pointer)
    }

    fn repo(marketplace: &str, plugin: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".claude-plugin")).unwrap();
        std::fs::write(dir.path().join(".claude-plugin/marketplace.json"), marketplace).unwrap();
        std::fs::write(dir.path().join(".claude-plugin/plugin.json"), plugin).unwrap();
        dir
    }

    fn specs() -> Vec<LocationSpec> {
        vec![
            json(".claude-plugin/plugin.json", "/version"),
            json(".claude-plugin/marketplace.json", "/metadata/version"),
        ]
    }

    #[test]
    fn equal_today_follows_and_different_is_left_alone_with_a_line() {
        let same = repo(r#"{"metadata": {"version": "1.0.0"}}"#, r#"{"version": "1.0.0"}"#);
        let (kept, choice) = apply(same.path(), None, specs()).unwrap();
        assert_eq!(kept, specs());
        let choice = choice.unwrap();
        assert_eq!(choice.policy, MarketplaceVersion::Follow);
        assert_eq!(choice.note(), None);

        let apart = repo(r#"{"metadata": {"version": "1.0.0"}}"#, r#"{"version": "0.5.1"}"#);
        let (kept, choice) = apply(apart.path(), None, specs()).unwrap();
        assert_eq!(kept, specs()[..1]);
        let choice = choice.unwrap();
        assert_eq!((choice.policy, choice.value.as_str()), (MarketplaceVersion::Independent, "1.0.0"));
        assert!(choice.note().unwrap().contains("(1.0.0) differs from its plugin's (0.5.1): left alone"));
    }

    #[test]
    fn configuration_decides_and_says_nothing() {
        let apart = repo(r#"{"version": "1.0.0"}"#, r#"{"version": "0.5.1"}"#);
        let specs = vec![
            json(".claude-plugin/plugin.json", "/version"),
            json(".claude-plugin/marketplace.json", "/version"),
        ];
        let (kept, choice) = apply(apart.path(), Some(MarketplaceVersion::Follow), specs.clone()).unwrap();
        assert_eq!((kept, choice.unwrap().note()), (specs.clone(), None));
        let same = repo(r#"{"version": "0.5.1"}"#, r#"{"version": "0.5.1"}"#);
        let (kept, choice) =
            apply(same.path(), Some(MarketplaceVersion::Independent), specs.clone()).unwrap();
        assert_eq!((kept, choice.unwrap().note()), (specs[..1].to_vec(), None));
    }

    #[test]
    fn alone_it_is_the_plugins_version_and_without_it_nothing_is_decided() {
        let only = repo(r#"{"metadata": {"version": "2.0.0"}}"#, "{}");
        let own = vec![json(".claude-plugin/marketplace.json", "/metadata/version")];
        let (kept, choice) = apply(only.path(), None, own.clone()).unwrap();
        assert_eq!((kept, choice.unwrap().policy), (own, MarketplaceVersion::Follow));
        let plugin_only = vec![json(".claude-plugin/plugin.json", "/version")];
        let (kept, choice) = apply(only.path(), None, plugin_only.clone()).unwrap();
        assert_eq!((kept, choice), (plugin_only, None));
    }

    #[test]
    fn moving_with_needs_every_plugin_and_at_least_one() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(moves_with("1.0.0", &[v("1.0.0"), v("1.0.0")]));
        assert!(!moves_with("1.0.0", &[v("1.0.0"), v("2.0.0")]));
        assert!(!moves_with("1.0.0", &[]));
        assert!(!moves_with("one", &[v("1.0.0")]));
    }
}
