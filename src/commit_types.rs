//! The commit types vbump knows, in one table: the level each releases, the section of the
//! release notes it appears under, and (by being in the table at all) that `vbump lint` allows it.
//!
//! Bump, notes and lint all read this table, so a type configured once (`security = "patch"`)
//! releases, has a notes section and passes lint. The defaults are the Conventional Commits types
//! as the Angular convention lists them; `[bump]` entries in `vbump.toml` are merged on top of them
//! (see `config`), and `"none"` keeps a type known while switching its release off.

use std::collections::BTreeMap;

use crate::bump::Level;

/// The table of known commit types, keyed by lower-case type, with the level each releases
/// (`None`: known, releases nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitTypes {
    types: BTreeMap<String, Option<Level>>,
}

/// The default table: `feat` minor; `fix`, `perf` and `revert` patch; the other standard types
/// known but releasing nothing.
const DEFAULTS: &[(&str, Option<Level>)] = &[
    ("build", None),
    ("chore", None),
    ("ci", None),
    ("docs", None),
    ("feat", Some(Level::Minor)),
    ("fix", Some(Level::Patch)),
    ("perf", Some(Level::Patch)),
    ("refactor", None),
    ("revert", Some(Level::Patch)),
    ("style", None),
    ("test", None),
];

impl Default for CommitTypes {
    fn default() -> Self {
        CommitTypes { types: DEFAULTS.iter().map(|(name, level)| (name.to_string(), *level)).collect() }
    }
}

impl CommitTypes {
    /// Sets the level of `name` (any case), adding the type when the table lacks it.
    pub fn set(&mut self, name: &str, level: Option<Level>) {
        self.types.insert(name.to_ascii_lowercase(), level);
    }

    /// Is `name` (any case) a known type?
    pub fn knows(&self, name: &str) -> bool {
        self.types.contains_key(&name.to_ascii_lowercase())
    }

    /// The level a commit of type `name` releases; `None` for unknown types and switched-off ones.
    pub fn level(&self, name: &str) -> Option<Level> {
        self.types.get(&name.to_ascii_lowercase()).copied().flatten()
    }

    /// Every known type, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.types.keys().map(String::as_str)
    }

    /// The allowed type closest to `type_`: one it starts with or abbreviates (`feature` → `feat`,
    /// `bugfix` → `fix`), or one a typo away (`fxi` → `fix`); `None` when none is close.
    pub fn nearest(&self, type_: &str) -> Option<String> {
        let lower = type_.to_ascii_lowercase();
        // Prefixes and suffixes of at least three letters: `feature`, `bugfix`, `docs` for `doc`.
        let affix = |t: &str| {
            t.len() >= 3
                && (lower.starts_with(t)
                    || lower.ends_with(t)
                    || (lower.len() >= 3 && t.starts_with(lower.as_str())))
        };
        if let Some(found) = self.names().find(|t| affix(t)) {
            return Some(found.to_string());
        }
        self.names()
            .map(|t| (edit_distance(&lower, t), t))
            // Two edits turn most three-letter words into one another: allow them only in long types.
            .filter(|(d, t)| *d <= 1 || (*d == 2 && t.len() >= 5))
            .min()
            .map(|(_, t)| t.to_string())
    }

    /// The `[bump]` line that would make the unknown type `kind` release: at the level of the known
    /// type it is nearest to (`feature = "minor"`), else a patch.
    pub fn bump_entry(&self, kind: &str) -> String {
        let level = self.nearest(kind).and_then(|near| self.level(&near)).unwrap_or(Level::Patch);
        format!("{} = \"{level}\"", kind.to_ascii_lowercase())
    }

    /// The known types with the level each releases, for messages: `feat (minor), fix (patch), …`.
    pub fn describe(&self) -> String {
        let described: Vec<String> = self
            .types
            .iter()
            .map(|(name, level)| match level {
                Some(level) => format!("{name} ({level})"),
                None => name.to_string(),
            })
            .collect();
        described.join(", ")
    }
}

/// Edit distance over characters where swapping two neighbours counts as one edit (optimal string
/// alignment), so the typo `fxi` is closer to `fix` than to `ci`.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// A section of the release notes: the commits of one type.
///
/// Every type that releases has a section, so a release made by a configured type
/// (`security = "patch"`) never has empty notes; types that release nothing have none. Sections
/// are ordered features, fixes, performance, then other types by name, reverts last.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Section {
    rank: u8,
    /// The lower-case type.
    name: String,
}

impl Section {
    /// The section of a commit of type `kind` that the table gave `level`.
    pub(crate) fn of(kind: &str, level: Option<Level>) -> Option<Section> {
        level?;
        let name = kind.to_ascii_lowercase();
        let rank = match name.as_str() {
            "feat" => 0,
            "fix" => 1,
            "perf" => 2,
            "revert" => 4,
            _ => 3,
        };
        Some(Section { rank, name })
    }

    /// Title in GitHub release notes.
    pub(crate) fn release_title(&self) -> String {
        match self.name.as_str() {
            "feat" => "Features".into(),
            "fix" => "Bug fixes".into(),
            "perf" => "Performance".into(),
            "revert" => "Reverts".into(),
            _ => self.common_title(),
        }
    }

    /// Title in the changelog, in Keep a Changelog's vocabulary where it has a word for the type.
    pub(crate) fn changelog_title(&self) -> String {
        match self.name.as_str() {
            "feat" => "Added".into(),
            "fix" => "Fixed".into(),
            "perf" => "Performance".into(),
            "revert" => "Reverted".into(),
            _ => self.common_title(),
        }
    }

    /// Standard types by their usual names; configured ones capitalised (`security` → Security).
    fn common_title(&self) -> String {
        match self.name.as_str() {
            "build" => "Build".into(),
            "chore" => "Chores".into(),
            "ci" => "Continuous integration".into(),
            "docs" => "Documentation".into(),
            "refactor" => "Refactoring".into(),
            "style" => "Style".into(),
            "test" => "Tests".into(),
            other => {
                let mut chars = other.chars();
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_release_features_fixes_and_reverts() {
        let types = CommitTypes::default();
        assert_eq!(types.level("feat"), Some(Level::Minor));
        assert_eq!(types.level("FIX"), Some(Level::Patch));
        assert_eq!(types.level("perf"), Some(Level::Patch));
        assert_eq!(types.level("revert"), Some(Level::Patch));
        assert_eq!(types.level("docs"), None);
        assert!(types.knows("docs") && types.knows("Chore") && !types.knows("wip"));
    }

    #[test]
    fn setting_a_type_merges_into_the_table() {
        let mut types = CommitTypes::default();
        types.set("Security", Some(Level::Patch));
        types.set("revert", None);
        assert_eq!(types.level("security"), Some(Level::Patch));
        assert_eq!(types.level("feat"), Some(Level::Minor));
        assert_eq!(types.level("revert"), None);
        assert!(types.knows("revert"), "a switched-off type stays known");
    }

    #[test]
    fn every_releasing_type_has_a_section_in_order() {
        let mut types = CommitTypes::default();
        types.set("security", Some(Level::Patch));
        types.set("docs", Some(Level::Patch));
        let mut sections: Vec<Section> = ["revert", "security", "perf", "feat", "fix", "docs"]
            .iter()
            .filter_map(|t| Section::of(t, types.level(t)))
            .collect();
        sections.sort();
        let titles: Vec<String> = sections.iter().map(Section::release_title).collect();
        assert_eq!(titles, ["Features", "Bug fixes", "Performance", "Documentation", "Security", "Reverts"]);
        assert_eq!(Section::of("chore", types.level("chore")), None);
        assert_eq!(Section::of("security", types.level("security")).unwrap().changelog_title(), "Security");
        assert_eq!(Section::of("revert", Some(Level::Patch)).unwrap().changelog_title(), "Reverted");
    }

    #[test]
    fn nearest_types_are_abbreviations_affixes_and_typos_never_a_default() {
        let types = CommitTypes::default();
        let nearest = |t: &str| types.nearest(t);
        assert_eq!(nearest("feature").as_deref(), Some("feat"));
        assert_eq!(nearest("bugfix").as_deref(), Some("fix"));
        assert_eq!(nearest("fxi").as_deref(), Some("fix"));
        assert_eq!(nearest("doc").as_deref(), Some("docs"));
        assert_eq!(nearest("security"), None);
        assert_eq!(nearest("wip"), None);
    }

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("fxi", "fix"), 1);
        assert_eq!(edit_distance("fxi", "ci"), 2);
        assert_eq!(edit_distance("feat", "feat"), 0);
        assert_eq!(edit_distance("", "ci"), 2);
    }
    #[test]
    fn bump_entries_take_the_level_of_the_nearest_type() {
        let types = CommitTypes::default();
        assert_eq!(types.bump_entry("Feature"), "feature = \"minor\"");
        assert_eq!(types.bump_entry("bugfix"), "bugfix = \"patch\"");
        assert_eq!(types.bump_entry("security"), "security = \"patch\"");
        assert_eq!(types.bump_entry("doc"), "doc = \"patch\"");
    }

    #[test]
    fn describe_names_levels() {
        let text = CommitTypes::default().describe();
        assert!(text.starts_with("build, chore, ci, docs, feat (minor), fix (patch)"), "{text}");
    }
}
