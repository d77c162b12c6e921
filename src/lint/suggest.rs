//! Corrected examples for bad headers: a type guessed from the first word of a header that has
//! none, and the known type nearest to a misspelt one.

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
    fn guesses_come_from_verbs_only() {
        assert_eq!(guess_type("Fixed crash"), Some(("fix".to_string(), "crash")));
        assert_eq!(guess_type("wip"), None);
        assert_eq!(guess_type("Something else"), None);
    }
}
