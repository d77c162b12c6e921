//! Small text conventions shared by every report, so each exists once.

/// Abbreviated object ids: 7 characters in lists of commits (as `git log --oneline`), 12 where
/// one commit is named on its own (release reports, rollback instructions).
pub(crate) const SHORT_SHA: usize = 7;
/// See [`SHORT_SHA`].
pub(crate) const NAMED_SHA: usize = 12;

/// The first [`SHORT_SHA`] characters of `sha`.
pub(crate) fn short_sha(sha: &str) -> &str {
    abbreviate(sha, SHORT_SHA)
}

/// The first [`NAMED_SHA`] characters of `sha`.
pub(crate) fn named_sha(sha: &str) -> &str {
    abbreviate(sha, NAMED_SHA)
}

fn abbreviate(sha: &str, length: usize) -> &str {
    sha.get(..length).unwrap_or(sha)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shas_are_abbreviated_to_their_named_lengths() {
        let sha = "0123456789abcdef0123";
        assert_eq!(short_sha(sha), "0123456");
        assert_eq!(named_sha(sha), "0123456789ab");
        assert_eq!(short_sha("abc"), "abc");
    }
}
