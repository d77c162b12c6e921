//! Folding the commits of a range into the level they ask for, newest first.
//!
//! Reverts are held back until the walk has passed the commits they name: a revert of a commit
//! inside the range cancels both (the release contains neither), while a revert of a commit that
//! was already released counts by the `revert` type of the table (a patch by default, as
//! release-please and semantic-release do). A revert names its commit by `This reverts commit
//! <sha>` (git's message), by a sha in a `Refs:` footer, or by the reverted subject (`Revert
//! "feat: x"`, `revert: feat: x`).

use std::collections::BTreeMap;

use super::{Classified, Classifier};
use crate::bump::Level;
use crate::commits::{IgnoredCommit, PlannedCommit};

/// The commits of a range as the walk meets them; [`Tally::finish`] gives the result.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// How many commits were pushed: the position of the next one (0 is the newest).
    seen: usize,
    /// The highest level, the position of the newest commit asking for it, and its sha.
    decided: Option<(Level, usize, String)>,
    commits: Vec<(usize, PlannedCommit)>,
    ignored: Vec<(usize, IgnoredCommit)>,
    reverts: Vec<Revert>,
    /// Unknown types, each with its first (newest) commit's subject and sha, in order met.
    unknown: BTreeMap<String, (usize, String, String)>,
}

/// A revert waiting for the commit it names.
#[derive(Debug)]
struct Revert {
    position: usize,
    commit: PlannedCommit,
    /// Abbreviated or full shas it names.
    shas: Vec<String>,
    /// The subject it names.
    subject: Option<String>,
    /// The commit of the range it cancelled.
    cancelled: Option<String>,
}

impl Revert {
    fn names(&self, commit: &PlannedCommit) -> bool {
        self.shas.iter().any(|sha| commit.sha.starts_with(sha.as_str()))
            || self.subject.as_deref().is_some_and(|s| s.trim() == commit.subject.trim())
    }
}

/// What a range of commits asks for.
#[derive(Debug, Default)]
pub(crate) struct Counted {
    /// The highest level asked for and the newest commit that asked for it.
    pub decided: Option<(Level, String)>,
    /// Counted commits, newest first (empty unless kept).
    pub commits: Vec<PlannedCommit>,
    /// Commits not counted, newest first (empty unless kept).
    pub ignored: Vec<IgnoredCommit>,
    /// Things the plan should say: unknown types and the type they were probably meant to be.
    pub warnings: Vec<String>,
}

impl Tally {
    /// Adds the next commit of the walk. `keep` keeps every commit for the report and the notes;
    /// without it only what decides the level is held, so memory stays flat however long the range.
    pub(crate) fn push(&mut self, classifier: &Classifier<'_>, keep: bool, sha: &str, message: &str) {
        let position = self.seen;
        self.seen += 1;
        let commit = match classifier.classify(sha, message) {
            Classified::Conventional(commit) => commit,
            Classified::Ignored(ignored) => {
                if keep {
                    self.ignored.push((position, ignored));
                }
                return;
            }
        };
        if let Some(revert) = self.reverts.iter_mut().find(|r| r.cancelled.is_none() && r.names(&commit)) {
            revert.cancelled = Some(commit.sha.clone());
            if keep {
                let reason = format!("reverted by {} in the same range", short(&revert.commit.sha));
                self.ignored
                    .push((position, IgnoredCommit { sha: commit.sha, summary: commit.subject, reason }));
            }
            return;
        }
        if !commit.kind.is_empty() && !classifier.types().knows(&commit.kind) {
            self.unknown.entry(commit.kind.clone()).or_insert((
                position,
                commit.subject.clone(),
                commit.sha.clone(),
            ));
        }
        if commit.kind == "revert" {
            let (shas, subject) = named(message, &commit);
            self.reverts.push(Revert { position, commit, shas, subject, cancelled: None });
            return;
        }
        self.count(position, commit, keep);
    }

    fn count(&mut self, position: usize, commit: PlannedCommit, keep: bool) {
        if let Some(level) = commit.level {
            let higher = match &self.decided {
                None => true,
                Some((highest, at, _)) => level > *highest || (level == *highest && position < *at),
            };
            if higher {
                self.decided = Some((level, position, commit.sha.clone()));
            }
        }
        if keep {
            self.commits.push((position, commit));
        }
    }

    /// The result, once the walk is over: reverts whose commit was not in the range count now.
    pub(crate) fn finish(mut self, classifier: &Classifier<'_>, keep: bool) -> Counted {
        for revert in std::mem::take(&mut self.reverts) {
            match revert.cancelled {
                None => self.count(revert.position, revert.commit, keep),
                Some(target) if keep => {
                    let reason = format!("reverts {} in the same range", short(&target));
                    let ignored =
                        IgnoredCommit { sha: revert.commit.sha, summary: revert.commit.subject, reason };
                    self.ignored.push((revert.position, ignored));
                }
                Some(_) => {}
            }
        }
        self.commits.sort_by_key(|(position, _)| *position);
        self.ignored.sort_by_key(|(position, _)| *position);
        let mut unknown: Vec<_> = self.unknown.into_iter().collect();
        unknown.sort_by_key(|(_, (position, _, _))| *position);
        let types = classifier.types();
        let warnings = unknown
            .into_iter()
            .map(|(kind, (_, subject, sha))| {
                let add = format!("add `{}` to [bump] in vbump.toml", types.bump_entry(&kind));
                let unknown = format!("{} `{subject}` has the unknown type `{kind}` and releases nothing", short(&sha));
                match types.nearest(&kind) {
                    Some(near) => {
                        let releases = types.level(&near).map_or("releases nothing".into(), |l| format!("releases a {l}"));
                        format!("{unknown}: did you mean `{near}` ({releases})? To release `{kind}` commits, {add}")
                    }
                    None => format!("{unknown}; to release `{kind}` commits, {add}"),
                }
            })
            .collect();
        Counted {
            decided: self.decided.map(|(level, _, sha)| (level, sha)),
            commits: self.commits.into_iter().map(|(_, c)| c).collect(),
            ignored: self.ignored.into_iter().map(|(_, i)| i).collect(),
            warnings,
        }
    }
}

/// The shas and the subject a revert names.
fn named(message: &str, commit: &PlannedCommit) -> (Vec<String>, Option<String>) {
    let is_sha =
        |word: &str| word.len() >= 7 && word.len() <= 64 && word.bytes().all(|b| b.is_ascii_hexdigit());
    let mut shas = Vec::new();
    for line in message.lines() {
        let line = line.trim();
        let words = if let Some(rest) = line.strip_prefix("This reverts commit ") {
            rest
        } else if let Some(rest) = line.strip_prefix("Refs:").or_else(|| line.strip_prefix("Reverts:")) {
            rest
        } else {
            continue;
        };
        shas.extend(
            words
                .split(|c: char| c == ',' || c == '.' || c.is_whitespace())
                .filter(|w| is_sha(w))
                .map(str::to_ascii_lowercase),
        );
    }
    let subject = match super::git_revert_subject(&commit.subject) {
        Some(quoted) => Some(quoted.to_string()),
        None => Some(commit.description.trim_matches('"').to_string()).filter(|s| !s.is_empty()),
    };
    (shas, subject)
}

/// The 7-character abbreviation of a sha.
fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commit_types::CommitTypes;

    fn tally(commits: &[(&str, &str)], types: &CommitTypes) -> Counted {
        let classifier = Classifier::new(types, "chore(release): {tag}", "v");
        let mut tally = Tally::default();
        for (sha, message) in commits {
            tally.push(&classifier, true, &sha.repeat(40 / sha.len()), message);
        }
        tally.finish(&classifier, true)
    }

    #[test]
    fn a_revert_inside_the_range_cancels_both() {
        let counted = tally(
            &[
                ("b", "Revert \"feat: x\"\n\nThis reverts commit aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."),
                ("c", "fix: y"),
                ("a", "feat: x"),
            ],
            &CommitTypes::default(),
        );
        assert_eq!(counted.decided.map(|(l, _)| l), Some(Level::Patch));
        let reasons: Vec<&str> = counted.ignored.iter().map(|i| i.reason.as_str()).collect();
        assert_eq!(reasons, ["reverts aaaaaaa in the same range", "reverted by bbbbbbb in the same range"]);
        assert_eq!(counted.commits.len(), 1);
    }

    #[test]
    fn a_revert_names_its_commit_by_subject_or_refs() {
        let types = CommitTypes::default();
        let by_subject = tally(
            &[("b", "revert: feat(scope): First feature"), ("a", "feat(scope): First feature")],
            &types,
        );
        assert_eq!(by_subject.decided, None);
        let by_refs = tally(
            &[("b", "revert: let us never again\n\nRefs: aaaaaaa, 1234567"), ("a", "feat!: x")],
            &types,
        );
        assert_eq!(by_refs.decided, None);
    }

    #[test]
    fn a_revert_of_a_released_commit_is_a_patch_unless_switched_off() {
        let message = "Revert \"feat: x\"\n\nThis reverts commit 1234567890123456789012345678901234567890.";
        let counted = tally(&[("b", message), ("c", "docs: y")], &CommitTypes::default());
        assert_eq!(counted.decided, Some((Level::Patch, "b".repeat(40))));
        assert_eq!(counted.commits[0].kind, "revert");
        let mut off = CommitTypes::default();
        off.set("revert", None);
        assert_eq!(tally(&[("b", message)], &off).decided, None);
    }

    #[test]
    fn reverting_a_revert_brings_the_commit_back() {
        let counted = tally(
            &[
                (
                    "c",
                    "Revert \"Revert \"feat: x\"\"\n\nThis reverts commit bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.",
                ),
                ("b", "Revert \"feat: x\"\n\nThis reverts commit aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."),
                ("a", "feat: x"),
            ],
            &CommitTypes::default(),
        );
        assert_eq!(counted.decided, Some((Level::Minor, "a".repeat(40))));
    }

    #[test]
    fn unknown_types_warn_with_the_nearest_known_type() {
        let counted = tally(
            &[("a", "feature: x"), ("b", "bugfix: y"), ("c", "feature: z"), ("d", "security: w")],
            &CommitTypes::default(),
        );
        assert_eq!(counted.warnings.len(), 3, "{:?}", counted.warnings);
        assert!(counted.warnings[0].contains("has the unknown type `feature`"), "{}", counted.warnings[0]);
        assert!(
            counted.warnings[0].contains("did you mean `feat` (releases a minor)?"),
            "{}",
            counted.warnings[0]
        );
        assert!(
            counted.warnings[0].contains("add `feature = \"minor\"` to [bump]"),
            "{}",
            counted.warnings[0]
        );
        assert!(
            counted.warnings[1].contains("did you mean `fix` (releases a patch)?"),
            "{}",
            counted.warnings[1]
        );
        assert!(
            counted.warnings[2].contains("add `security = \"patch\"` to [bump]"),
            "{}",
            counted.warnings[2]
        );
    }

    #[test]
    fn the_newest_commit_of_the_highest_level_decides() {
        let counted = tally(&[("a", "fix: 1"), ("b", "feat: 2"), ("c", "feat: 3")], &CommitTypes::default());
        assert_eq!(counted.decided, Some((Level::Minor, "b".repeat(40))));
    }
}
