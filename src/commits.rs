//! Conventional Commits 1.0: what one commit message asks of the next release.
//!
//! Messages are read with the one grammar in [`grammar`], strictly for `vbump lint` and generously
//! here: a breaking marker vbump can recognise is never dropped and a type it can recognise is never
//! ignored, and each generous reading is noted on the commit (`deviations`), so the plan says how
//! it read the message and lint reports the same departures. A header with deviations counts when
//! its type is known (or it is marked `!`); a subject that is not conventional is read from its
//! body when a merge or squash commit carries conventional lines there; `BREAKING CHANGE` anywhere
//! after the subject, indented, lower-case or plural, is breaking.
//!
//! [`Tally`] folds the commits of a range, newest first: reverts of commits inside the range cancel
//! both, a revert of an already released commit counts by the `revert` type, and unknown types
//! become plan warnings naming the nearest known type.

#[cfg(test)]
mod corpus;
pub(crate) mod grammar;
mod tally;

use regex::Regex;
use semver::Version;
use serde::Serialize;

use crate::bump::Level;
use crate::commit_types::CommitTypes;

/// A commit since the last release that follows Conventional Commits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct PlannedCommit {
    /// Full hexadecimal object id.
    pub sha: String,
    /// The first line of the message, as written.
    pub subject: String,
    /// The commit type (`feat`, `fix`, …), lower-cased.
    #[serde(rename = "type")]
    pub kind: String,
    pub scope: Option<String>,
    /// The description after `type(scope): `.
    pub description: String,
    /// The commit body (paragraphs after the subject, footers excluded), if any.
    pub body: Option<String>,
    pub breaking: bool,
    /// Text of the `BREAKING CHANGE:` footer, or the description when only `!` marks it.
    pub breaking_description: Option<String>,
    /// The level this commit asks for, `None` when its type releases nothing.
    pub level: Option<Level>,
    /// Where the message departs from Conventional Commits and how vbump read it anyway
    /// (`vbump lint` reports the same); empty for a message that follows the specification.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deviations: Vec<String>,
}

/// A commit that vbump did not count, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct IgnoredCommit {
    pub sha: String,
    /// First line of the message.
    pub summary: String,
    pub reason: String,
}

pub(crate) use tally::{Counted, Tally};

/// What vbump makes of one commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Classified {
    Conventional(PlannedCommit),
    Ignored(IgnoredCommit),
}

/// Classifies commit messages: the commit-type table, and how vbump's own release commits look.
pub(crate) struct Classifier<'a> {
    types: &'a CommitTypes,
    release_subject: ReleaseSubject,
}

impl<'a> Classifier<'a> {
    /// `release_template` is the configured release commit message (`chore(release): {tag}`);
    /// subjects matching it, with any version in the placeholders, are vbump's own commits.
    pub(crate) fn new(types: &'a CommitTypes, release_template: &str, tag_prefix: &str) -> Self {
        Classifier { types, release_subject: ReleaseSubject::new(release_template, tag_prefix) }
    }

    /// The commit-type table.
    pub(crate) fn types(&self) -> &CommitTypes {
        self.types
    }

    /// Is this subject the subject of a release commit vbump made?
    pub(crate) fn is_release_commit(&self, message: &str) -> bool {
        self.release_subject.matches(subject(message))
    }

    /// Classifies one commit.
    pub(crate) fn classify(&self, sha: &str, message: &str) -> Classified {
        let reading = grammar::read(message);
        let ignored = |reason: String| {
            Classified::Ignored(IgnoredCommit {
                sha: sha.to_string(),
                summary: reading.subject.clone(),
                reason,
            })
        };
        if self.is_release_commit(&reading.text) {
            return ignored("release commit made by vbump".to_string());
        }
        let mut notes: Vec<String> = reading.all_deviations().iter().map(|d| d.kind.to_string()).collect();
        let level_of =
            |h: &grammar::Header| if h.bang { Some(Level::Major) } else { self.types.level(&h.kind) };
        let counts = |h: &grammar::Header| h.is_strict() || h.bang || self.types.knows(&h.kind);

        // The header that says what the commit is: the subject's, git's `Revert "…"`, or for a
        // subject that is not conventional, the highest body line (merge and squash commits).
        let mut header = reading.header.clone().filter(counts);
        if header.is_none() && git_revert_subject(&reading.subject).is_some() {
            header = Some(grammar::Header {
                line: 1,
                kind: "revert".into(),
                scope: None,
                bang: false,
                description: reading.subject.clone(),
                deviations: Vec::new(),
            });
        }
        if header.is_none() {
            let best = reading
                .embedded
                .iter()
                .filter(|h| h.bang || self.types.knows(&h.kind))
                .max_by_key(|h| (level_of(h), std::cmp::Reverse(h.line)));
            if let Some(best) = best {
                notes.push(grammar::DeviationKind::HeaderInBody(render_header(best)).to_string());
                header = Some(best.clone());
            }
        }
        // `!` on a body line of a conventional commit (a squash commit listing its commits).
        let bang_in_body =
            if reading.header.is_some() { reading.embedded.iter().find(|h| h.bang) } else { None };
        if let Some(line) = bang_in_body {
            notes.push(format!("the body line `{}` marks a breaking change", render_header(line)));
        }

        let breaking =
            header.as_ref().is_some_and(|h| h.bang) || reading.breaking.is_some() || bang_in_body.is_some();
        let Some(header) = header.or_else(|| {
            // A breaking change without a type: `BREAKING CHANGE:` as the subject or a footer under
            // a subject that is not conventional.
            breaking.then(|| grammar::Header {
                line: 1,
                kind: String::new(),
                scope: None,
                bang: false,
                description: reading.subject.clone(),
                deviations: Vec::new(),
            })
        }) else {
            return ignored(ignored_reason(&reading));
        };
        if reading.header.is_none()
            && reading.breaking.is_some()
            && !notes.iter().any(|n| n.contains("BREAKING"))
        {
            notes.push("the subject is not conventional; a `BREAKING CHANGE` line marks it breaking".into());
        }
        let kind = header.kind.to_ascii_lowercase();
        let level = if breaking { Some(Level::Major) } else { self.types.level(&kind) };
        let description = header.description.clone();
        let breaking_description = reading
            .breaking
            .clone()
            .filter(|text| !text.is_empty())
            .or_else(|| breaking.then(|| description.clone()));
        Classified::Conventional(PlannedCommit {
            sha: sha.to_string(),
            subject: reading.subject.clone(),
            kind,
            scope: header.scope.clone(),
            description,
            body: reading.body.clone(),
            breaking,
            breaking_description,
            level,
            deviations: notes,
        })
    }
}

/// `type(scope)!: description` of a header as read.
fn render_header(header: &grammar::Header) -> String {
    let scope = header.scope.as_deref().map(|s| format!("({s})")).unwrap_or_default();
    let bang = if header.bang { "!" } else { "" };
    format!("{}{scope}{bang}: {}", header.kind, header.description)
}

/// Why a message that counts for nothing is ignored, in the words lint uses.
fn ignored_reason(reading: &grammar::Reading) -> String {
    if reading.text.is_empty() {
        return "empty message".into();
    }
    match &reading.header {
        Some(header) => match header.deviations.first() {
            Some(deviation) => {
                format!("not a conventional commit: {} (unknown type `{}`)", deviation.kind, header.kind)
            }
            None => format!("unknown type `{}`", header.kind),
        },
        None => "not a conventional commit: the subject has no `type: ` prefix".into(),
    }
}

/// The subject git's `Revert "…"` names (without GitHub's ` (#13)` suffix), if it is one.
pub(crate) fn git_revert_subject(subject: &str) -> Option<&str> {
    let quoted = subject.strip_prefix("Revert \"")?;
    let end = quoted.rfind('"')?;
    Some(&quoted[..end])
}

/// The subject of vbump's own release commits, read from the configured message template: the
/// template's first line with any version in `{version}` / `{tag}`, optionally followed by the
/// ` (#12)` GitHub appends when it squash-merges a release pull request. The one matcher both the
/// classifier (release commits are not changes) and the merged-release-PR check use.
pub(crate) struct ReleaseSubject(Option<Regex>);

/// A semver version, as the placeholders hold it.
const VERSION: &str = r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?";

impl ReleaseSubject {
    /// The matcher for `template` (`chore(release): {tag}`) with tags named `tag_prefix` + version.
    pub(crate) fn new(template: &str, tag_prefix: &str) -> ReleaseSubject {
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
    pub(crate) fn matches(&self, subject: &str) -> bool {
        self.0.as_ref().is_some_and(|re| re.is_match(subject.trim()))
    }

    /// The version a release commit's subject names (`None` for other subjects, or when the
    /// template has no placeholder).
    pub(crate) fn version(&self, subject: &str) -> Option<Version> {
        self.0.as_ref()?.captures(subject.trim())?.name("v")?.as_str().parse().ok()
    }
}

/// The first line of a message.
pub(crate) fn subject(message: &str) -> &str {
    message.lines().next().unwrap_or_default()
}

/// The value of a `Release-As: X.Y.Z` footer (release-please's override of the next version), as
/// written; `None` without one. The token is matched case-insensitively on any line after the
/// subject, as release-please does; when a message has several, the last one wins.
pub(crate) fn release_as(message: &str) -> Option<&str> {
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
        for message in ["Update README", "Merge branch 'x' into main", "Merge pull request #3 from a/b"] {
            match classify(message) {
                Classified::Ignored(i) => {
                    assert_eq!(
                        i.reason, "not a conventional commit: the subject has no `type: ` prefix",
                        "{message}"
                    )
                }
                Classified::Conventional(c) => panic!("{message:?} counted as {c:?}"),
            }
        }
        match classify("") {
            Classified::Ignored(i) => assert_eq!(i.reason, "empty message"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn breaking_markers_vbump_can_recognise_are_never_dropped() {
        // tests/parsing.rs runs the shapes users meet through the binary; these are the rest.
        for message in [
            "feat(a)(b)!: drop v1",
            "Merge pull request #7 from a/b\n\nAdd things\n\nBREAKING CHANGE: v1 is gone",
            "feat(scope): squash of\n\n* fix: a\n* feat!: drop v1",
            "docs: x\n\nBreaking changes: v1 is gone",
        ] {
            let c = conventional(message);
            assert_eq!(c.level, Some(Level::Major), "{message:?}");
            assert!(c.breaking, "{message:?}");
            assert!(!c.deviations.is_empty(), "a generous reading is noted: {message:?}");
            assert_eq!(c.subject, subject(&message.replace('\r', "\n")), "the real subject");
        }
    }

    #[test]
    fn a_recognisable_type_is_never_ignored() {
        let merged = conventional("Merged in feature/x (pull request #7)\n\nfix(config): y\n\nfeat: z");
        assert_eq!((merged.kind.as_str(), merged.level), ("feat", Some(Level::Minor)));
        let empty = conventional("feat: ");
        assert_eq!(empty.level, Some(Level::Minor));
        assert_eq!(empty.deviations, ["the description after the colon is empty"]);
        assert_eq!(conventional("feat(cli) add thing").level, Some(Level::Minor));
        assert_eq!(conventional("fixup! fix: y").level, Some(Level::Patch));
        let revert = conventional("Revert \"feat: x\"\n\nThis reverts commit 1234567.");
        assert_eq!((revert.kind.as_str(), revert.level), ("revert", Some(Level::Patch)));
        // Strict messages have no deviations and keep their real subject.
        let strict = conventional("feat(http parser)!: a (#12)");
        assert!(strict.deviations.is_empty());
        assert_eq!(strict.subject, "feat(http parser)!: a (#12)");
        assert_eq!(strict.scope.as_deref(), Some("http parser"));
    }

    #[test]
    fn a_header_the_table_does_not_know_with_deviations_is_ignored_with_its_reason() {
        match classify("wip(x) stuff") {
            Classified::Ignored(i) => {
                assert_eq!(
                    i.reason,
                    "not a conventional commit: the colon after the type is missing (unknown type `wip`)"
                )
            }
            other => panic!("{other:?}"),
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
