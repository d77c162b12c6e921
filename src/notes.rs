//! Release notes from the plan's commits, and the CHANGELOG.md section that records them.
//!
//! Pure: commits in, Markdown out. Notes list breaking changes first (with their footer text), then
//! features, fixes and performance work; each line has the scope, the subject, the short SHA and
//! the `(#123)` pull-request link the subject carried. The changelog section follows Keep a
//! Changelog (`## [1.3.0] - 2026-11-22`, `### Added`, …) and is inserted above the newest release,
//! leaving every byte below the insertion point as it was.

use std::path::Path;

use semver::Version;

use crate::commit_types::Section;
use crate::commits::PlannedCommit;
use crate::edit::{FieldChange, FileEdit};

/// One line of the notes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    scope: Option<String>,
    text: String,
    /// Further lines (a breaking change's footer text), printed indented under the entry.
    detail: Option<String>,
    sha: String,
    pr: Option<u64>,
}

/// Where links point: `https://github.com/owner/repo` (or a GitHub Enterprise Server URL).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Links<'a> {
    pub repo_url: Option<&'a str>,
}

/// The sections of a release, in the order they are printed; empty sections are left out.
fn sections(commits: &[PlannedCommit]) -> Vec<(Heading, Vec<Entry>)> {
    let mut out: Vec<(Heading, Vec<Entry>)> = Vec::new();
    for c in commits {
        // A breaking change is listed once, under the breaking changes, whatever its type.
        let heading = if c.breaking {
            Heading::Breaking
        } else {
            match Section::of(&c.kind, c.level) {
                Some(section) => Heading::Type(section),
                None => continue,
            }
        };
        let (subject, pr) = split_pr(&c.description);
        let detail = c
            .breaking_description
            .as_deref()
            .filter(|text| c.breaking && text.trim() != c.description.trim())
            .map(|text| text.trim().to_string());
        let entry = Entry { scope: c.scope.clone(), text: subject, detail, sha: c.sha.clone(), pr };
        match out.iter_mut().find(|(h, _)| *h == heading) {
            Some((_, entries)) => entries.push(entry),
            None => out.push((heading, vec![entry])),
        }
    }
    // Stable: within a section, commits keep the plan's order (newest first).
    out.sort_by(|(a, _), (b, _)| a.cmp(b));
    out
}

/// A heading of the notes: breaking changes first, then one section per releasing type, in the
/// order the commit-type table gives them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Heading {
    Breaking,
    Type(Section),
}

impl Heading {
    /// Title in GitHub release notes.
    fn release_title(&self) -> String {
        match self {
            Heading::Breaking => "⚠ Breaking changes".into(),
            Heading::Type(section) => section.release_title(),
        }
    }

    /// Title in the changelog, using Keep a Changelog's vocabulary where it has a word for it.
    fn changelog_title(&self) -> String {
        match self {
            Heading::Breaking => "Changed (breaking)".into(),
            Heading::Type(section) => section.changelog_title(),
        }
    }
}

/// Splits a trailing `(#123)` (GitHub's squash-merge suffix) off a subject.
fn split_pr(subject: &str) -> (String, Option<u64>) {
    let trimmed = subject.trim_end();
    if let Some(open) = trimmed.rfind("(#")
        && let Some(digits) = trimmed[open + 2..].strip_suffix(')')
        && !digits.is_empty()
        && digits.len() <= 10
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(number) = digits.parse()
    {
        return (trimmed[..open].trim_end().to_string(), Some(number));
    }
    (trimmed.to_string(), None)
}

fn render(
    commits: &[PlannedCommit],
    links: Links<'_>,
    heading: &str,
    title: fn(&Heading) -> String,
) -> String {
    let mut out = String::new();
    for (section, entries) in sections(commits) {
        out.push_str(&format!("{heading} {}\n\n", title(&section)));
        for e in entries {
            out.push_str("- ");
            if let Some(scope) = &e.scope {
                out.push_str(&format!("**{}:** ", inert(scope)));
            }
            out.push_str(&inert(&e.text));
            let short = &e.sha[..e.sha.len().min(7)];
            match links.repo_url {
                Some(url) => out.push_str(&format!(" ([{short}]({url}/commit/{}))", e.sha)),
                None => out.push_str(&format!(" ({short})")),
            }
            if let Some(pr) = e.pr {
                match links.repo_url {
                    Some(url) => out.push_str(&format!(" ([#{pr}]({url}/pull/{pr}))")),
                    None => out.push_str(&format!(" (#{pr})")),
                }
            }
            out.push('\n');
            if let Some(detail) = &e.detail {
                for line in detail.lines() {
                    if line.trim().is_empty() {
                        out.push('\n');
                    } else {
                        out.push_str(&format!("  {}\n", inert(line)));
                    }
                }
            }
        }
        out.push('\n');
    }
    out
}

/// Commit text made inert as Markdown on GitHub: an `@mention` gets a zero-width space after the
/// `@` (it reads the same but notifies nobody: notes are posted on every release), and `<` becomes
/// `&lt;` so no HTML (comments hiding text, links, images) is rendered. Code spans are left as
/// written: GitHub renders neither mentions nor HTML inside them, and escapes would show there.
pub(crate) fn inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // Outside a code span up to the next backtick run; then the span, if it closes.
        let plain_end = rest.find('`').unwrap_or(rest.len());
        out.push_str(&inert_plain(&rest[..plain_end], out.chars().last()));
        rest = &rest[plain_end..];
        if rest.is_empty() {
            break;
        }
        let fence = rest.len() - rest.trim_start_matches('`').len();
        let (open, after) = rest.split_at(fence);
        match after.find(open).filter(|&i| !after[i + fence..].starts_with('`')) {
            Some(close) => {
                let span = fence + close + fence;
                out.push_str(&rest[..span]);
                rest = &rest[span..];
            }
            // An unclosed backtick is plain text (GitHub renders it so).
            None => {
                out.push_str(open);
                rest = after;
            }
        }
    }
    out
}

fn inert_plain(text: &str, before: Option<char>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous = before;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => out.push_str("&lt;"),
            '@' if !previous.is_some_and(|p| p.is_alphanumeric() || p == '_')
                && chars.peek().is_some_and(|n| n.is_ascii_alphanumeric()) =>
            {
                out.push_str("@\u{200B}");
            }
            c => out.push(c),
        }
        previous = Some(c);
    }
    out
}

/// The body of the GitHub Release and of the release pull request. Ends with one newline; empty
/// when no commit has a section (e.g. a `--bump` override over `chore` commits).
pub(crate) fn release_notes(commits: &[PlannedCommit], links: Links<'_>) -> String {
    let mut notes = render(commits, links, "###", Heading::release_title);
    if notes.ends_with("\n\n") {
        notes.pop();
    }
    notes
}

/// The changelog section of `version`, dated `date` (`YYYY-MM-DD`), ending with a blank line.
pub(crate) fn changelog_section(
    version: &Version,
    date: &str,
    commits: &[PlannedCommit],
    links: Links<'_>,
) -> String {
    let body = render(commits, links, "###", Heading::changelog_title);
    let body = if body.is_empty() { "No user-facing changes.\n\n".to_string() } else { body };
    format!("## [{version}] - {date}\n\n{body}")
}

/// The header of a changelog vbump creates.
const NEW_CHANGELOG: &str = "# Changelog\n\n\
All notable changes to this project are documented in this file.\n\n\
The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),\n\
and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n\n";

/// The edit that adds `section` to the changelog `file` whose current bytes are `existing` (`None`
/// when it does not exist yet). The section goes right above the newest release heading (below the
/// title and any `## [Unreleased]` part), or at the end when there is no release yet. Bytes before
/// and after the insertion point are unchanged; CRLF files get CRLF lines.
pub(crate) fn changelog_edit(
    file: &Path,
    existing: Option<&[u8]>,
    version: &Version,
    section: &str,
) -> FileEdit {
    let before = existing.map(<[u8]>::to_vec).unwrap_or_default();
    let crlf = before.windows(2).any(|w| w == b"\r\n");
    let text = if existing.is_none() { format!("{NEW_CHANGELOG}{section}") } else { section.to_string() };
    let mut insert = if crlf { text.replace('\n', "\r\n") } else { text };
    let at = insertion_point(&before);
    let eol = if crlf { "\r\n" } else { "\n" };
    // At the end of the file the section's closing blank line would be a trailing blank line.
    if at == before.len() && insert.ends_with(&format!("{eol}{eol}")) {
        insert.truncate(insert.len() - eol.len());
    }
    // Appending after content that does not end with a blank line: separate it.
    if at == before.len() && !before.is_empty() {
        if !before.ends_with(b"\n") {
            insert.insert_str(0, eol);
            insert.insert_str(0, eol);
        } else if !(before.ends_with(b"\n\n") || before.ends_with(b"\r\n\r\n")) {
            insert.insert_str(0, eol);
        }
    }
    let line = before[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let mut after = Vec::with_capacity(before.len() + insert.len());
    after.extend_from_slice(&before[..at]);
    after.extend_from_slice(insert.as_bytes());
    after.extend_from_slice(&before[at..]);
    FileEdit {
        file: file.to_path_buf(),
        before,
        after,
        changes: vec![FieldChange {
            location: "changelog section".to_string(),
            line,
            old: String::new(),
            new: format!("## [{version}]"),
        }],
    }
}

/// Byte offset of the first level-2 heading that is not `Unreleased`, else the end of the file.
/// Headings inside fenced code blocks are skipped.
fn insertion_point(text: &[u8]) -> usize {
    let mut offset = 0;
    let mut fenced = false;
    for line in text.split_inclusive(|&b| b == b'\n') {
        let s = String::from_utf8_lossy(line);
        let s = s.trim_end();
        if s.starts_with("```") || s.starts_with("~~~") {
            fenced = !fenced;
        } else if !fenced && s.starts_with("## ") {
            let title = s[3..].trim().trim_start_matches('[').to_ascii_lowercase();
            if !title.starts_with("unreleased") {
                return offset;
            }
        }
        offset += line.len();
    }
    text.len()
}

/// `YYYY-MM-DD` of a Unix time in UTC (proleptic Gregorian, Howard Hinnant's days-to-civil).
pub(crate) fn iso_date(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commit_types::CommitTypes;

    fn commit(sha: &str, kind: &str, scope: Option<&str>, description: &str) -> PlannedCommit {
        PlannedCommit {
            sha: sha.repeat(40 / sha.len().max(1)),
            subject: format!("{kind}: {description}"),
            kind: kind.to_string(),
            scope: scope.map(str::to_string),
            description: description.to_string(),
            body: None,
            breaking: false,
            breaking_description: None,
            level: CommitTypes::default().level(kind),
            deviations: Vec::new(),
        }
    }

    fn breaking(mut c: PlannedCommit, footer: &str) -> PlannedCommit {
        c.breaking = true;
        c.level = Some(crate::bump::Level::Major);
        c.breaking_description = Some(footer.to_string());
        c
    }

    fn sample() -> Vec<PlannedCommit> {
        vec![
            commit("a", "fix", None, "handle empty files (#12)"),
            commit("b", "perf", Some("edit"), "splice without copying"),
            commit("c", "chore", None, "bump deps"),
            breaking(
                commit("d", "feat", Some("cli"), "rename --tag to --tag-prefix (#9)"),
                "`--tag` is gone.\n\nUse `--tag-prefix`.",
            ),
            commit("e", "feat", None, "add `vbump set`"),
        ]
    }

    #[test]
    fn commit_text_mentions_nobody_and_renders_no_html() {
        let mut c = commit("a", "feat", Some("@core"), "thanks @alice and @org/team <!-- hidden --> (#4)");
        c.breaking = true;
        c.breaking_description = Some("ping @bob; see `@keep <T>` and ``a ` @x`` mail me@example.com".into());
        let notes = release_notes(&[c], Links::default());
        assert!(!notes.contains("@alice") && !notes.contains("@org") && !notes.contains("@bob"), "{notes}");
        assert!(
            notes.contains("thanks @\u{200B}alice and @\u{200B}org/team &lt;!-- hidden --> (aaaaaaa) (#4)"),
            "{notes}"
        );
        assert!(notes.contains("**@\u{200B}core:**"), "{notes}");
        // Code spans are as written; an e-mail address is not a mention.
        assert!(
            notes.contains("ping @\u{200B}bob; see `@keep <T>` and ``a ` @x`` mail me@example.com"),
            "{notes}"
        );
        assert!(!notes.contains('<') || notes.matches('<').count() == 1, "only the code span's: {notes}");
        assert_eq!(inert("an `unclosed @tick <b>"), "an `unclosed @\u{200B}tick &lt;b>");
    }

    #[test]
    fn notes_list_breaking_first_then_features_fixes_performance() {
        let notes = release_notes(&sample(), Links::default());
        assert_eq!(
            notes,
            "### ⚠ Breaking changes\n\n\
             - **cli:** rename --tag to --tag-prefix (ddddddd) (#9)\n  `--tag` is gone.\n\n  Use `--tag-prefix`.\n\n\
             ### Features\n\n\
             - add `vbump set` (eeeeeee)\n\n\
             ### Bug fixes\n\n\
             - handle empty files (aaaaaaa) (#12)\n\n\
             ### Performance\n\n\
             - **edit:** splice without copying (bbbbbbb)\n"
        );
    }

    #[test]
    fn notes_link_commits_and_pull_requests_when_the_repository_is_known() {
        let links = Links { repo_url: Some("https://github.com/o/r") };
        let notes = release_notes(&[commit("a", "fix", None, "x (#12)")], links);
        let sha = "a".repeat(40);
        assert_eq!(
            notes,
            format!(
                "### Bug fixes\n\n- x ([aaaaaaa](https://github.com/o/r/commit/{sha})) ([#12](https://github.com/o/r/pull/12))\n"
            )
        );
    }

    #[test]
    fn only_a_trailing_pull_request_number_is_a_link() {
        assert_eq!(split_pr("fix (#12)"), ("fix".into(), Some(12)));
        assert_eq!(split_pr("see (#12) later"), ("see (#12) later".into(), None));
        assert_eq!(split_pr("odd (#)"), ("odd (#)".into(), None));
        assert_eq!(split_pr("huge (#99999999999999999999)"), ("huge (#99999999999999999999)".into(), None));
        assert_eq!(split_pr("(#"), ("(#".into(), None));
    }

    #[test]
    fn a_configured_type_that_releases_has_its_own_section() {
        let mut types = CommitTypes::default();
        types.set("security", Some(crate::bump::Level::Patch));
        let mut security = commit("a", "security", None, "escape paths");
        security.level = types.level("security");
        let notes =
            release_notes(&[security.clone(), commit("b", "revert", None, "undo x")], Links::default());
        assert_eq!(notes, "### Security\n\n- escape paths (aaaaaaa)\n\n### Reverts\n\n- undo x (bbbbbbb)\n");
        let section = changelog_section(&v("1.2.1"), "2026-12-01", &[security], Links::default());
        assert_eq!(section, "## [1.2.1] - 2026-12-01\n\n### Security\n\n- escape paths (aaaaaaa)\n\n");
    }

    #[test]
    fn a_switched_off_type_has_no_section() {
        let mut perf = commit("a", "perf", None, "faster");
        perf.level = None;
        assert_eq!(release_notes(&[perf], Links::default()), "");
    }

    #[test]
    fn notes_without_sections_are_empty() {
        assert_eq!(release_notes(&[commit("c", "chore", None, "x")], Links::default()), "");
    }

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }

    #[test]
    fn a_missing_changelog_is_created_with_the_keep_a_changelog_header() {
        let section = changelog_section(&v("1.3.0"), "2026-11-22", &sample()[..1], Links::default());
        let edit = changelog_edit(Path::new("CHANGELOG.md"), None, &v("1.3.0"), &section);
        let text = String::from_utf8(edit.after).unwrap();
        assert!(text.starts_with("# Changelog\n\nAll notable changes"), "{text}");
        assert!(
            text.ends_with("## [1.3.0] - 2026-11-22\n\n### Fixed\n\n- handle empty files (aaaaaaa) (#12)\n"),
            "{text}"
        );
        assert!(edit.before.is_empty());
    }

    #[test]
    fn the_section_goes_above_the_newest_release_and_below_unreleased() {
        let old = "# Changelog\r\n\r\n## [Unreleased]\r\n\r\n- wip\r\n\r\n## [1.2.0] - 2026-01-01\r\n\r\n### Added\r\n\r\n- x\r\n";
        let section = changelog_section(&v("1.3.0"), "2026-11-22", &sample()[..1], Links::default());
        let edit = changelog_edit(Path::new("CHANGELOG.md"), Some(old.as_bytes()), &v("1.3.0"), &section);
        let at = old.find("## [1.2.0]").unwrap();
        assert_eq!(&edit.after[..at], &old.as_bytes()[..at]);
        assert!(edit.after.ends_with(&old.as_bytes()[at..]), "below the insertion point is byte-identical");
        let inserted =
            String::from_utf8(edit.after[at..edit.after.len() - (old.len() - at)].to_vec()).unwrap();
        assert_eq!(
            inserted,
            "## [1.3.0] - 2026-11-22\r\n\r\n### Fixed\r\n\r\n- handle empty files (aaaaaaa) (#12)\r\n\r\n"
        );
        assert_eq!(edit.changes[0].line, 7);
    }

    #[test]
    fn headings_in_code_blocks_are_not_releases_and_text_without_releases_is_appended_to() {
        let old = "# Changelog\n```\n## [9.9.9]\n```\nno newline";
        let edit = changelog_edit(
            Path::new("CHANGELOG.md"),
            Some(old.as_bytes()),
            &v("1.0.0"),
            "## [1.0.0] - d\n\n",
        );
        assert_eq!(String::from_utf8(edit.after).unwrap(), format!("{old}\n\n## [1.0.0] - d\n"));
    }

    #[test]
    fn iso_dates_are_utc_calendar_days() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
        assert_eq!(iso_date(1_795_305_600), "2026-11-22");
        assert_eq!(iso_date(-86_400), "1969-12-31");
    }
}
