//! Corrected examples for bad headers: a type guessed from the first word of a header that has
//! none, and the known type nearest to a misspelt one.

use super::Rules;

/// A type for a header without one, from its first word ("Fixed crash" → `fix`), and the rest;
/// `None` when the first word says nothing about the change (`wip`).
pub(super) fn guess_type(header: &str) -> Option<(String, &str)> {
    let header = header.trim();
    let (word, rest) = header.split_once(char::is_whitespace).unwrap_or((header, ""));
    let word = word.to_ascii_lowercase();
    let type_ = match word.trim_end_matches(|c: char| !c.is_alphanumeric()) {
        w if w.starts_with("fix") || w.starts_with("bug") || w.starts_with("repair") => "fix",
        w if w.starts_with("doc") || w == "readme" => "docs",
        w if w.starts_with("test") => "test",
        w if w.starts_with("refactor") || w.starts_with("clean") || w.starts_with("rename") => "refactor",
        w if w.starts_with("perf") || w.starts_with("speed") || w.starts_with("optimi") => "perf",
        w if w.starts_with("bump") || w.starts_with("update") || w.starts_with("upgrade") => "chore",
        w if w == "ci" || w.starts_with("build") => "ci",
        w if w.starts_with("add") || w.starts_with("implement") || w.starts_with("support") => "feat",
        _ => return None,
    };
    Some((type_.to_string(), rest))
}

/// The allowed type closest to `type_`: one it starts with or abbreviates (`feature` → `feat`,
/// `bugfix` → `fix`), or one a typo away (`fxi` → `fix`); `None` when none is close.
pub(super) fn nearest_type(type_: &str, rules: &Rules) -> Option<String> {
    let lower = type_.to_ascii_lowercase();
    // Prefixes and suffixes of at least three letters: `feature`, `bugfix`, `docs` for `doc`.
    let affix = |t: &str| {
        t.len() >= 3
            && (lower.starts_with(t)
                || lower.ends_with(t)
                || (lower.len() >= 3 && t.starts_with(lower.as_str())))
    };
    if let Some(found) = rules.types().find(|t| affix(t)) {
        return Some(found.to_string());
    }
    rules
        .types()
        .map(|t| (edit_distance(&lower, t), t))
        // Two edits turn most three-letter words into one another: allow them only in long types.
        .filter(|(d, t)| *d <= 1 || (*d == 2 && t.len() >= 5))
        .min()
        .map(|(_, t)| t.to_string())
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

/// `text` with its first letter in lower case, unless the word is an acronym (`README`).
pub(super) fn lower_first(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (None, _) => "describe the change".to_string(),
        (Some(_), Some(second)) if second.is_uppercase() => text.to_string(),
        (Some(first), _) => first.to_lowercase().chain(text.chars().skip(1)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_types_are_abbreviations_affixes_and_typos_never_a_default() {
        let rules = Rules::new(crate::commit_types::CommitTypes::default());
        let nearest = |t: &str| nearest_type(t, &rules);
        assert_eq!(nearest("feature").as_deref(), Some("feat"));
        assert_eq!(nearest("bugfix").as_deref(), Some("fix"));
        assert_eq!(nearest("fxi").as_deref(), Some("fix"));
        assert_eq!(nearest("doc").as_deref(), Some("docs"));
        assert_eq!(nearest("security"), None);
        assert_eq!(nearest("wip"), None);
    }

    #[test]
    fn guesses_come_from_verbs_only() {
        assert_eq!(guess_type("Fixed crash"), Some(("fix".to_string(), "crash")));
        assert_eq!(guess_type("wip"), None);
        assert_eq!(guess_type("Something else"), None);
    }

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("fxi", "fix"), 1);
        assert_eq!(edit_distance("fxi", "ci"), 2);
        assert_eq!(edit_distance("feat", "feat"), 0);
        assert_eq!(edit_distance("", "ci"), 2);
    }
}
