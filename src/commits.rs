//! Conventional Commits 1.0: what one commit message asks of the next release.
//!
//! A message is conventional when its subject reads `type(scope)!: description`. Breaking changes
//! are marked by `!` or by a `BREAKING CHANGE:` / `BREAKING-CHANGE:` footer. A message whose subject
//! is conventional but whose body or footers trip the strict parser (a stray `Key: value` line, say)
//! still counts, judged by its subject: losing a `feat` because of a body line would silently skip
//! a release. For the same reason a `BREAKING CHANGE:` line anywhere after the subject counts, even
//! outside the final footer paragraph: under-bumping a breaking change is the costlier mistake.

use regex::Regex;
use semver::Version;

use crate::bump::Level;
use crate::commit_types::CommitTypes;
use crate::plan::{IgnoredCommit, PlannedCommit};

/// What vbump makes of one commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classified {
    Conventional(PlannedCommit),
    Ignored(IgnoredCommit),
}

/// Classifies commit messages: the bump table, and how vbump's own release commits look.
pub struct Classifier<'a> {
    types: &'a CommitTypes,
    release_subject: ReleaseSubject,
}

impl<'a> Classifier<'a> {
    /// `release_template` is the configured release commit message (`chore(release): {tag}`);
    /// subjects matching it, with any version in the placeholders, are vbump's own commits.
    pub fn new(types: &'a CommitTypes, release_template: &str, tag_prefix: &str) -> Self {
        Classifier { types, release_subject: ReleaseSubject::new(release_template, tag_prefix) }
    }

    /// Is this subject the subject of a release commit vbump made?
    pub fn is_release_commit(&self, message: &str) -> bool {
        self.release_subject.matches(subject(message))
    }

    /// Classifies one commit.
    pub fn classify(&self, sha: &str, message: &str) -> Classified {
        let ignored = |reason: String| {
            Classified::Ignored(IgnoredCommit {
                sha: sha.to_string(),
                summary: subject(message).to_string(),
                reason,
            })
        };
        if self.is_release_commit(message) {
            return ignored("release commit made by vbump".to_string());
        }
        let message = message.trim_end();
        let parsed = parse(message);
        let Some(parsed) = parsed else {
            let reason = match git_conventional::Commit::parse(subject(message)) {
                Err(e) => format!("not a conventional commit: {}", e.kind()),
                Ok(_) => "not a conventional commit".to_string(),
            };
            return ignored(reason);
        };
        let level = if parsed.breaking { Some(Level::Major) } else { self.types.level(&parsed.kind) };
        Classified::Conventional(PlannedCommit { sha: sha.to_string(), level, ..parsed })
    }
}

/// The subject of vbump's own release commits, read from the configured message template: the
/// template's first line with any version in `{version}` / `{tag}`, optionally followed by the
/// ` (#12)` GitHub appends when it squash-merges a release pull request. The one matcher both the
/// classifier (release commits are not changes) and the merged-release-PR check use.
pub struct ReleaseSubject(Option<Regex>);

/// A semver version, as the placeholders hold it.
const VERSION: &str = r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?";

impl ReleaseSubject {
    /// The matcher for `template` (`chore(release): {tag}`) with tags named `tag_prefix` + version.
    pub fn new(template: &str, tag_prefix: &str) -> ReleaseSubject {
        let first_line = template.lines().next().unwrap_or_default();
        // `regex::escape` turns `{version}` into `\{version\}`; the first placeholder captures the
        // version (a name may appear once in a regex), later ones only match one.
        let placeholder = Regex::new(r"\\\{(version|tag)\\\}").expect("a valid regex");
        let mut named = false;
        let escaped = regex::escape(first_line);
        let pattern = placeholder.replace_all(&escaped, |caps: &regex::Captures<'_>| {
            let version = if named { VERSION.to_string() } else { format!("(?P<v>{VERSION})") };
            named = true;
            match &caps[1] {
                "tag" => format!("{}{version}", regex::escape(tag_prefix)),
                _ => version,
            }
        });
        // An escaped template always parses; only a template beyond the regex size limit fails,
        // and then nothing is taken for a release commit.
        ReleaseSubject(Regex::new(&format!(r"^{pattern}(?: \(#\d+\))?$")).ok())
    }

    /// Is `subject` a release commit's subject?
    pub fn matches(&self, subject: &str) -> bool {
        self.0.as_ref().is_some_and(|re| re.is_match(subject.trim()))
    }

    /// The version a release commit's subject names (`None` for other subjects, or when the
    /// template has no placeholder).
    pub fn version(&self, subject: &str) -> Option<Version> {
        self.0.as_ref()?.captures(subject.trim())?.name("v")?.as_str().parse().ok()
    }
}

/// The first line of a message.
pub fn subject(message: &str) -> &str {
    message.lines().next().unwrap_or_default()
}

/// The value of a `Release-As: X.Y.Z` footer (release-please's override of the next version), as
/// written; `None` without one. The token is matched case-insensitively on any line after the
/// subject, as release-please does; when a message has several, the last one wins.
pub fn release_as(message: &str) -> Option<&str> {
    message
        .lines()
        .skip(1)
        .filter_map(|line| {
            let (token, value) = line.split_once(':')?;
            token.trim().eq_ignore_ascii_case("release-as").then(|| value.trim())
        })
        .filter(|value| !value.is_empty())
        .last()
}

/// Parses a conventional message; `level` is left `None` for the classifier to fill.
fn parse(message: &str) -> Option<PlannedCommit> {
    let footer = message.lines().skip(1).find_map(|line| {
        line.strip_prefix("BREAKING CHANGE:").or_else(|| line.strip_prefix("BREAKING-CHANGE:")).map(str::trim)
    });
    if let Ok(commit) = git_conventional::Commit::parse(message) {
        return Some(PlannedCommit {
            sha: String::new(),
            kind: commit.type_().as_str().to_ascii_lowercase(),
            scope: commit.scope().map(|s| s.as_str().to_string()),
            description: commit.description().to_string(),
            body: commit.body().map(str::to_string),
            breaking: commit.breaking() || footer.is_some(),
            breaking_description: commit.breaking_description().or(footer).map(str::to_string),
            level: None,
        });
    }
    // The strict parse failed: judge by the subject.
    let head = git_conventional::Commit::parse(subject(message)).ok()?;
    let body = message.split_once("\n\n").map(|(_, rest)| rest.trim().to_string()).filter(|b| !b.is_empty());
    let breaking = head.breaking() || footer.is_some();
    Some(PlannedCommit {
        sha: String::new(),
        kind: head.type_().as_str().to_ascii_lowercase(),
        scope: head.scope().map(|s| s.as_str().to_string()),
        description: head.description().to_string(),
        body,
        breaking,
        breaking_description: footer
            .map(str::to_string)
            .or_else(|| breaking.then(|| head.description().to_string())),
        level: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    fn classify(message: &str) -> Classified {
        let types = CommitTypes::default();
        Classifier::new(&types, "chore(release): {tag}", "v").classify("abc", message)
    }

    fn conventional(message: &str) -> PlannedCommit {
        match classify(message) {
            Classified::Conventional(c) => c,
            Classified::Ignored(i) => panic!("ignored: {}", i.reason),
        }
    }

    #[test]
    fn types_map_to_levels_by_the_table() {
        assert_eq!(conventional("feat: a").level, Some(Level::Minor));
        assert_eq!(conventional("fix(parser): b").level, Some(Level::Patch));
        assert_eq!(conventional("perf: c").level, Some(Level::Patch));
        assert_eq!(conventional("docs: d").level, None);
        assert_eq!(conventional("FEAT: shouting").level, Some(Level::Minor));
    }

    #[test]
    fn bang_and_both_footers_are_breaking() {
        let bang = conventional("feat(api)!: drop v1");
        assert!(bang.breaking);
        assert_eq!(bang.level, Some(Level::Major));
        assert_eq!(bang.breaking_description.as_deref(), Some("drop v1"));
        assert_eq!(bang.scope.as_deref(), Some("api"));

        let footer = conventional("fix: x\n\nBREAKING CHANGE: config moved");
        assert!(footer.breaking);
        assert_eq!(footer.breaking_description.as_deref(), Some("config moved"));

        let hyphen = conventional("docs: y\n\nBREAKING-CHANGE: renamed");
        assert_eq!(hyphen.level, Some(Level::Major));
    }

    #[test]
    fn multi_paragraph_bodies_are_kept() {
        let c = conventional("feat: a\n\nFirst paragraph.\n\nSecond paragraph.\n\nRefs: #12\n");
        assert_eq!(c.body.as_deref(), Some("First paragraph.\n\nSecond paragraph."));
        assert!(!c.breaking);
    }

    #[test]
    fn non_conventional_messages_are_ignored_with_a_reason() {
        for message in ["Update README", "Merge branch 'x' into main", "Merge pull request #3 from a/b", ""] {
            match classify(message) {
                Classified::Ignored(i) => assert!(i.reason.starts_with("not a conventional commit"), "{i:?}"),
                Classified::Conventional(c) => panic!("{message:?} counted as {c:?}"),
            }
        }
    }

    #[test]
    fn release_commits_are_ignored() {
        match classify("chore(release): v1.2.3") {
            Classified::Ignored(i) => assert_eq!(i.reason, "release commit made by vbump"),
            other => panic!("{other:?}"),
        }
        match classify("chore(release): v2.0.0-rc.1\n\nnotes") {
            Classified::Ignored(_) => {}
            other => panic!("{other:?}"),
        }
        // A hand-written chore(release) commit that is not vbump's still counts as a chore.
        assert_eq!(conventional("chore(release): prepare notes").kind, "chore");
    }

    #[test]
    fn release_subjects_name_their_version_squash_merged_or_not() {
        let matcher = ReleaseSubject::new("chore(release): {tag}", "v");
        let v = |s: &str| matcher.version(s).map(|v| v.to_string());
        assert_eq!(v("chore(release): v1.3.0").as_deref(), Some("1.3.0"));
        assert_eq!(v("chore(release): v1.3.0 (#12)").as_deref(), Some("1.3.0"));
        assert_eq!(v("chore(release): v2.0.0-rc.1").as_deref(), Some("2.0.0-rc.1"));
        assert_eq!(v("chore(release): 1.3.0"), None);
        assert_eq!(v("feat: v1.3.0"), None);
        assert_eq!(v("chore(release): v1.3.0 and more"), None);
        assert_eq!(v("chore(release): v1.3.0 (#12) (#13)"), None);
        let twice = ReleaseSubject::new("release {version} as {tag}", "app-v");
        assert_eq!(
            twice.version("release 1.3.0 as app-v1.3.0").map(|v| v.to_string()).as_deref(),
            Some("1.3.0")
        );
        assert!(!ReleaseSubject::new("chore: release", "v").matches("chore: release 1.3.0"));
    }

    #[test]
    fn a_squash_merged_release_commit_is_not_a_change() {
        match classify("chore(release): v1.3.0 (#12)") {
            Classified::Ignored(i) => assert_eq!(i.reason, "release commit made by vbump"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn release_as_footers_are_read_from_any_line_after_the_subject() {
        assert_eq!(release_as("chore: bump\n\nRelease-As: 2.0.0"), Some("2.0.0"));
        assert_eq!(release_as("feat: x\n\nBody.\n\nrelease-as: v3.1.0\nRefs: #4\n"), Some("v3.1.0"));
        assert_eq!(release_as("feat: x\n\nRelease-As: 1.0.0\nRelease-As: 1.1.0"), Some("1.1.0"));
        assert_eq!(release_as("Release-As: 9.9.9"), None, "the subject is no footer");
        assert_eq!(release_as("fix: y\n\nRelease-As:"), None);
        assert_eq!(release_as("fix: y\n\nReleased as a test: no"), None);
    }

    #[test]
    fn a_breaking_change_line_inside_the_body_still_counts() {
        let c = conventional("feat: a\n\nsome text\nBREAKING CHANGE: b\n\nmore text");
        assert_eq!(c.kind, "feat");
        assert!(c.breaking);
        assert_eq!(c.breaking_description.as_deref(), Some("b"));
    }

    #[test]
    fn a_body_the_strict_parser_rejects_still_counts_by_its_subject() {
        let c = conventional("fix: a\n\ntext\n\nToken: x\n\nanother paragraph after footers");
        assert_eq!((c.kind.as_str(), c.level), ("fix", Some(Level::Patch)));
    }
}
