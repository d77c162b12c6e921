//! Commit-message lint: does a message follow Conventional Commits 1.0 with a type this repository
//! knows?
//!
//! Lint reads messages with the release's own grammar (`commits::grammar`): every departure the
//! release reads through generously (nested parentheses in a scope, a missing space, an indented
//! `BREAKING CHANGE`, a body line standing in for a subject that is not conventional, …) is a
//! finding here, at its line and column, with a corrected example built from the parts that were
//! right. So every message the release counts is either clean or reported, and lint accepts every
//! message the specification calls valid (scopes with spaces included). Headers the grammar cannot
//! read at all are diagnosed piece by piece. Corrected examples keep the author's type, or the
//! known type it surely meant: they never change a commit's release level by inventing one.
//! Messages that git writes itself (merges, `Revert "…"`, `merge --squash`) are skipped, with what
//! the release reads from their body; `fixup!`/`squash!`/`amend!` commits are fine in a draft (a
//! `commit-msg` hook) and findings in history, because they were meant to be squashed.

use crate::commit_types::CommitTypes;
use crate::commits::grammar;
use crate::config::Config;

mod suggest;

use suggest::{guess_type, lower_first};

/// Which commit types are allowed: every type in the commit-type table, the standard ones and
/// those `[bump]` adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rules {
    types: CommitTypes,
}

impl Rules {
    /// The types the configuration knows.
    pub(crate) fn from_config(config: &Config) -> Rules {
        Rules { types: config.types.clone() }
    }

    /// The rules of a commit-type table (tests build them without a configuration).
    #[cfg(test)]
    pub(crate) fn new(types: CommitTypes) -> Rules {
        Rules { types }
    }

    /// The allowed types, sorted, for messages.
    pub(crate) fn types(&self) -> impl Iterator<Item = &str> {
        self.types.names()
    }

    pub(crate) fn allows(&self, type_: &str) -> bool {
        self.types.knows(type_)
    }
}

/// Whether a message is still being written or is already in history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A message being written (`--message`, `--message-file`, a PR title).
    Draft,
    /// A commit already made (`--range`).
    History,
}

/// One problem in a message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Finding {
    /// 1-based line in the message.
    pub line: usize,
    /// 1-based column (in characters) in that line.
    pub column: usize,
    /// What is wrong, as a lower-case sentence.
    pub problem: String,
    /// The header rewritten so that it passes, when one can be built.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
}

/// What lint made of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The message follows the convention.
    Ok,
    /// The message was not checked, for the reason given (e.g. a merge commit's default message),
    /// with what the release reads from it when that is something.
    Skipped(String),
    /// The message breaks the convention; at least one finding.
    Bad(Vec<Finding>),
}

/// Removes what git strips before committing: `#` comment lines and everything below the scissors
/// line that `git commit --verbose` adds. A `commit-msg` hook receives the message before that.
pub(crate) fn strip_comments(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == "# ------------------------ >8 ------------------------" {
            break;
        }
        if !bare.starts_with('#') {
            kept.push_str(line);
        }
    }
    kept
}

/// Checks one message.
pub(crate) fn check(message: &str, rules: &Rules, origin: Origin) -> Verdict {
    let trimmed = message.trim_start_matches(['\n', '\r']);
    // Findings count lines from the first line of the text as given, blank lead-in included.
    let lead = message[..message.len() - trimmed.len()].matches('\n').count();
    match check_trimmed(trimmed, rules, origin) {
        Verdict::Bad(mut findings) => {
            for finding in &mut findings {
                finding.line += lead;
            }
            Verdict::Bad(findings)
        }
        verdict => verdict,
    }
}

fn check_trimmed(message: &str, rules: &Rules, origin: Origin) -> Verdict {
    let header = message.lines().next().unwrap_or("");
    if let Some(reason) = generated_by_git(header) {
        return Verdict::Skipped(with_reading(reason, message, rules));
    }
    if let Some(marker) = ["fixup! ", "squash! ", "amend! "].iter().find(|m| header.starts_with(**m)) {
        return match origin {
            Origin::Draft => Verdict::Skipped("a fixup commit, squashed before merging".into()),
            Origin::History => Verdict::Bad(vec![Finding {
                line: 1,
                column: 1,
                problem: format!("`{}` commit left in history", marker.trim_end()),
                example: Some("git rebase --interactive --autosquash <base>".to_string()),
            }]),
        };
    }
    // The release's own grammar: every departure it reads through is a finding here.
    let reading = grammar::read(message);
    let mut findings = match &reading.header {
        Some(parsed) => header_findings(parsed, rules),
        None if reading.deviations.iter().any(|d| d.kind == grammar::DeviationKind::BreakingSubject) => {
            Vec::new()
        }
        None => {
            let mut found = check_header(header.trim_end_matches('\r'), rules);
            if found.is_empty() {
                // The release does not read this header; say so even when no piece stands out.
                found.push(Finding {
                    line: 1,
                    column: 1,
                    problem: "the header is not `type(scope)!: description`".into(),
                    example: None,
                });
            }
            found
        }
    };
    for deviation in &reading.deviations {
        findings.push(body_finding(deviation, &reading));
    }
    if reading.header.is_none()
        && let Some(line) = counted_body_line(&reading, rules)
    {
        findings.push(Finding {
            line: line.0,
            column: 1,
            problem: format!(
                "the subject is not conventional; the release reads this line instead: `{}`",
                line.1
            ),
            example: None,
        });
    }
    if reading.header.is_some() {
        // A squash commit listing its commits: the release takes `!` on a body line as breaking.
        for line in reading.embedded.iter().filter(|h| h.bang) {
            findings.push(Finding {
                line: line.line,
                column: 1,
                problem: "a `!` header inside the body marks a breaking change; the release counts it".into(),
                example: Some("mark the subject with `!`, or add a `BREAKING CHANGE: …` footer".into()),
            });
        }
    }
    findings.sort_by_key(|f| (f.line, f.column));
    if findings.is_empty() { Verdict::Ok } else { Verdict::Bad(findings) }
}

/// A merge commit is git's wording and is not checked; when its body carries conventional lines
/// (GitHub puts the pull request's title there), the reason says what the release reads.
pub(crate) fn check_merge(message: &str, rules: &Rules) -> Verdict {
    Verdict::Skipped(with_reading("a merge commit", message, rules))
}

fn with_reading(reason: &str, message: &str, rules: &Rules) -> String {
    let reading = grammar::read(message);
    match counted_body_line(&reading, rules) {
        Some((_, line)) => format!("{reason}; the release reads its body line `{line}`"),
        None if reading.header.is_some() => format!("{reason}; the release reads the title after its prefix"),
        None if reading.breaking.is_some() => {
            format!("{reason}; the release reads its `BREAKING CHANGE` line")
        }
        None => reason.to_string(),
    }
}

/// The body line (number and text) the release reads for a subject that is not conventional.
fn counted_body_line(reading: &grammar::Reading, rules: &Rules) -> Option<(usize, String)> {
    let line = reading.embedded.iter().find(|h| h.bang || rules.allows(&h.kind))?;
    Some((line.line, reading.text.split('\n').nth(line.line - 1).unwrap_or_default().trim().to_string()))
}

/// Findings for a header the grammar reads: its deviations and an unknown type, sharing one
/// corrected example that keeps the author's type (or the known type it was surely meant to be).
fn header_findings(parsed: &grammar::Header, rules: &Rules) -> Vec<Finding> {
    let mut findings: Vec<Finding> = parsed
        .deviations
        .iter()
        .map(|d| Finding { line: d.line, column: d.column, problem: d.kind.to_string(), example: None })
        .collect();
    let mut suggested = Some(parsed.kind.clone());
    if !rules.allows(&parsed.kind) {
        let (problem, nearest) = unknown_type(&parsed.kind, rules);
        findings.insert(0, Finding { line: 1, column: 1, problem, example: None });
        suggested = nearest;
    }
    if let Some(type_) = suggested.filter(|_| !findings.is_empty()) {
        let scope = parsed.scope.as_deref().map(|s| {
            s.split(['(', ')']).map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
        });
        let parts = Header { scope: scope.as_deref(), bang: parsed.bang, description: &parsed.description };
        let example = parts.rebuilt(&type_);
        for finding in &mut findings {
            finding.example.get_or_insert_with(|| example.clone());
        }
    }
    findings
}

/// The finding for a departure outside the header, with a corrected line where one is clear.
fn body_finding(deviation: &grammar::Deviation, reading: &grammar::Reading) -> Finding {
    let line = reading.text.split('\n').nth(deviation.line - 1).unwrap_or_default();
    let example = match &deviation.kind {
        grammar::DeviationKind::NoBlankLine => Some(format!("{}\n\n{line}", reading.subject)),
        grammar::DeviationKind::LooseBreakingLine(_) => {
            let value = line.trim_start().trim_start_matches(['*', '-']).trim_start();
            value.get(15..).map(|rest| {
                let rest = rest.trim_start_matches(['s', 'S']).trim_start_matches(':').trim_start();
                format!("BREAKING CHANGE: {rest}")
            })
        }
        _ => None,
    };
    Finding { line: deviation.line, column: deviation.column, problem: deviation.kind.to_string(), example }
}

/// Messages git writes itself, which the release plan ignores anyway.
fn generated_by_git(header: &str) -> Option<&'static str> {
    // Only git's own wording: a title like "Merge two parsers" is the author's and is checked.
    const MERGES: &[&str] = &[
        "Merge branch '",
        "Merge branches '",
        "Merge remote-tracking branch '",
        "Merge tag '",
        "Merge commit '",
        "Merge pull request #",
    ];
    if MERGES.iter().any(|prefix| header.starts_with(prefix)) {
        Some("a merge commit's message")
    } else if header.starts_with("Revert \"") {
        Some("a message written by `git revert`")
    } else if header.starts_with("Merged in ")
        || header.starts_with("Merged PR ")
        || header.starts_with("Squashed commit of the following")
    {
        // Bitbucket's merge and `git merge --squash`: the commits are in the body.
        Some("a merge or squash message written by a tool")
    } else {
        None
    }
}

/// The header split into its parts, as far as it could be read.
struct Header<'a> {
    scope: Option<&'a str>,
    bang: bool,
    description: &'a str,
}

impl Header<'_> {
    /// The header rebuilt with `type_` and a description (a placeholder when it has none).
    fn rebuilt(&self, type_: &str) -> String {
        let mut out = type_.to_ascii_lowercase();
        if let Some(scope) = self.scope.map(str::trim).filter(|s| !s.is_empty()) {
            out.push_str(&format!("({})", scope.replace(char::is_whitespace, "-")));
        }
        if self.bang {
            out.push('!');
        }
        let description = self.description.trim();
        out.push_str(": ");
        out.push_str(if description.is_empty() { "describe the change" } else { description });
        out
    }
}

fn check_header(header: &str, rules: &Rules) -> Vec<Finding> {
    let at = |byte: usize, problem: String, example: Option<String>| Finding {
        line: 1,
        // Counting characters that start before `byte` never slices inside a character.
        column: header.char_indices().take_while(|(i, _)| *i < byte).count() + 1,
        problem,
        example,
    };
    if header.trim().is_empty() {
        return vec![at(0, "the message is empty".into(), None)];
    }
    let Some(colon) = header.find(':') else {
        return vec![missing_colon(header, rules)];
    };
    let prefix = &header[..colon];
    let description = header[colon + 1..].strip_prefix(' ').unwrap_or(&header[colon + 1..]);
    let mut findings = Vec::new();

    // Split `type(scope)!` into its parts, reporting what does not fit.
    let (mut head, bang) = match prefix.strip_suffix('!') {
        Some(head) => (head, true),
        None => (prefix, false),
    };
    let mut scope = None;
    if let Some(open) = head.find('(') {
        match head[open..].strip_suffix(')') {
            Some(inner) => {
                let inner = &inner[1..];
                if inner.trim().is_empty() {
                    findings.push(at(open, "the scope in parentheses is empty".into(), None));
                } else if inner.contains(['(', ')']) {
                    findings.push(at(open, format!("the scope `{inner}` contains a parenthesis"), None));
                }
                scope = Some(inner);
            }
            None if !head[open..].contains(')') => {
                findings.push(at(
                    open,
                    "the scope's parenthesis is not closed before the colon".into(),
                    None,
                ));
                scope = Some(&head[open + 1..]);
            }
            None => {
                let close = open + head[open..].find(')').unwrap_or(0);
                findings.push(at(
                    close + 1,
                    format!("unexpected `{}` between the scope and the colon", &head[close + 1..]),
                    None,
                ));
                scope = Some(&head[open + 1..close]);
            }
        }
        head = &head[..open];
    } else if head.contains(')') {
        findings.push(at(head.find(')').unwrap_or(0), "a `)` without its `(`".into(), None));
        head = head.split(')').next().unwrap_or(head);
    }

    // The corrected example keeps the author's type, or replaces it by the known type it was
    // surely meant to be; it never invents one, so a suggestion never changes the release level.
    let type_ = head;
    let mut suggested = Some(type_.trim().to_string());
    if type_.trim().is_empty() {
        findings.push(at(0, "the type before the colon is missing".into(), None));
        suggested = None;
    } else if type_ != type_.trim() || type_.chars().any(char::is_whitespace) {
        findings.push(at(0, format!("the type `{type_}` contains a space"), None));
        suggested = type_.split_whitespace().last().filter(|t| rules.allows(t)).map(str::to_string);
    } else if !type_.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
        findings.push(at(
            0,
            format!("the type `{type_}` contains characters other than letters, digits and `-`"),
            None,
        ));
        suggested = None;
    } else if !rules.allows(type_) {
        let (problem, nearest) = unknown_type(type_, rules);
        findings.push(at(0, problem, None));
        suggested = nearest;
    }

    let after_colon = &header[colon + 1..];
    if !after_colon.starts_with(' ') && !after_colon.trim().is_empty() {
        findings.push(at(colon + 1, "the colon must be followed by a space".into(), None));
    }
    if description.trim().is_empty() {
        findings.push(at(header.len(), "the description after the colon is empty".into(), None));
    } else if description.starts_with(char::is_whitespace) {
        findings.push(at(colon + 2, "the description starts with more than one space".into(), None));
    }

    if let Some(suggested) = suggested.filter(|_| !findings.is_empty()) {
        let parts = Header { scope, bang, description };
        let example = parts.rebuilt(&suggested);
        // Every finding of this header shares the one corrected header.
        for finding in &mut findings {
            finding.example.get_or_insert_with(|| example.clone());
        }
    }
    findings
}

/// The finding for a header without a colon. A first word that is a known type (`feat(cli) add
/// thing`) only lacks its colon; otherwise a type is guessed from a verb (`Fixed …` → `fix`) and
/// no example is given when there is no such verb: inventing `feat` would change the release.
fn missing_colon(header: &str, rules: &Rules) -> Finding {
    let (word, rest) = header.trim().split_once(char::is_whitespace).unwrap_or((header.trim(), ""));
    let type_word = word.split(['(', '!']).next().unwrap_or_default();
    let example = if rules.allows(type_word) && !rest.trim().is_empty() {
        // Keep the author's `(scope)!` only when it is well formed: `Ci( A` must not become `Ci(: A`.
        let marks = &word[type_word.len()..];
        let bang = if marks.ends_with('!') { "!" } else { "" };
        let scope = marks.strip_suffix('!').unwrap_or(marks);
        let well_formed = scope.is_empty()
            || scope
                .strip_prefix('(')
                .and_then(|s| s.strip_suffix(')'))
                .is_some_and(|inner| !inner.trim().is_empty() && !inner.contains(['(', ')', '!']));
        let head = if well_formed { word.to_string() } else { format!("{type_word}{bang}") };
        Some(format!("{head}: {}", rest.trim()))
    } else {
        guess_type(header).map(|(type_, rest)| format!("{type_}: {}", lower_first(rest)))
    };
    let problem = match &example {
        Some(_) if rules.allows(type_word) => format!("the colon after `{word}` is missing"),
        _ => "the header has no `type: ` prefix".to_string(),
    };
    Finding { line: 1, column: 1, problem, example }
}

/// The finding for an unknown type, and the known type it was surely meant to be, if any.
fn unknown_type(type_: &str, rules: &Rules) -> (String, Option<String>) {
    let add = format!(
        "add `{}` to [bump] in vbump.toml (`\"none\"` makes it known without a release)",
        rules.types.bump_entry(type_)
    );
    match rules.types.nearest(type_) {
        Some(nearest) => (
            format!("unknown type `{type_}`: did you mean `{nearest}`? To keep `{type_}`, {add}"),
            Some(nearest),
        ),
        None => (
            format!(
                "unknown type `{type_}` (known types: {}); to make it known, {add}",
                rules.types().collect::<Vec<_>>().join(", ")
            ),
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        let mut types = CommitTypes::default();
        types.set("security", Some(crate::bump::Level::Patch));
        Rules::new(types)
    }

    fn findings(message: &str) -> Vec<Finding> {
        match check(message, &rules(), Origin::History) {
            Verdict::Bad(findings) => findings,
            other => panic!("expected findings for {message:?}, got {other:?}"),
        }
    }

    fn first(message: &str) -> (usize, String, String) {
        let f = findings(message).remove(0);
        (f.column, f.problem, f.example.unwrap_or_default())
    }

    #[test]
    fn conventional_messages_pass() {
        for message in [
            "feat: add x",
            "fix(api): handle empty input",
            "feat(api)!: drop v1",
            "Feat: types are case-insensitive",
            "security: a type from the [bump] table",
            "chore: x\n\nbody paragraph\n\nsecond paragraph\n\nBREAKING CHANGE: gone\nRefs: #12\n",
            "docs: x\n\nBREAKING-CHANGE: also a breaking footer",
            "\n\nfix: leading blank lines are not part of the message",
        ] {
            assert_eq!(check(message, &rules(), Origin::History), Verdict::Ok, "{message:?}");
        }
    }

    #[test]
    fn missing_prefix_guesses_a_type_from_a_verb_only() {
        assert_eq!(first("Fixed crash on empty file").2, "fix: crash on empty file");
        assert_eq!(first("Add login page").2, "feat: login page");
        assert_eq!(first("Update README").2, "chore: README");
        assert!(first("Add login page").1.contains("no `type: ` prefix"));
        // Nothing says what `wip` is: no example rather than an invented `feat`.
        assert_eq!(first("Something else").2, "");
        assert_eq!(first("wip").2, "");
    }

    #[test]
    fn a_missing_colon_is_added_after_a_known_type() {
        let (_, problem, example) = first("feat(cli) add thing");
        assert_eq!(example, "feat(cli): add thing");
        assert_eq!(problem, "the colon after the type is missing");
        assert_eq!(first("fix! drop it").2, "fix!: drop it");
    }

    #[test]
    fn unknown_type_suggests_the_nearest_known_one() {
        let (column, problem, example) = first("feature(ui): dark mode");
        assert_eq!(column, 1);
        assert!(problem.starts_with("unknown type `feature`: did you mean `feat`?"), "{problem}");
        assert!(problem.contains("add `feature = \"minor\"` to [bump]"), "{problem}");
        assert_eq!(example, "feat(ui): dark mode");
        assert_eq!(first("bugfix: y").2, "fix: y");
        assert_eq!(first("fxi: typo").2, "fix: typo");
    }

    #[test]
    fn an_unknown_type_without_a_near_one_is_never_rewritten_to_feat() {
        let rules = Rules::new(CommitTypes::default());
        let Verdict::Bad(findings) = check("security: patch it", &rules, Origin::Draft) else { panic!() };
        assert_eq!(findings[0].example, None);
        assert!(findings[0].problem.contains("known types: build, chore"), "{}", findings[0].problem);
        assert!(findings[0].problem.contains("add `security = \"patch\"`"), "{}", findings[0].problem);
        let Verdict::Bad(findings) = check("wip: stuff", &rules, Origin::Draft) else { panic!() };
        assert_eq!(findings[0].example, None);
    }

    #[test]
    fn colon_space_and_description_are_required() {
        let (column, problem, example) = first("feat:add x");
        assert_eq!(
            (column, problem.as_str(), example.as_str()),
            (6, "the colon must be followed by a space", "feat: add x")
        );
        let (column, problem, example) = first("fix: ");
        assert_eq!(column, 5);
        assert!(problem.contains("description after the colon is empty"));
        assert_eq!(example, "fix: describe the change");
        assert_eq!(first("fix:   x").1, "the description starts with more than one space");
    }

    #[test]
    fn scope_problems_are_reported_at_the_parenthesis() {
        assert_eq!(first("feat(): x").0, 5);
        assert!(first("feat(): x").1.contains("scope in parentheses is empty"));
        assert!(first("feat(api: x").1.contains("not closed"));
        // The specification allows any noun as a scope, spaces included.
        assert_eq!(check("feat(http parser): x", &rules(), Origin::Draft), Verdict::Ok);
        assert!(first("feat(api)x: y").1.contains("unexpected `x`"));
        assert!(first("feat): y").1.contains("without its `(`"));
    }

    #[test]
    fn type_with_space_or_symbols_is_reported() {
        assert!(first("my feat: x").1.contains("contains a space"));
        assert!(first("feat/ui: x").1.contains("other than letters"));
        assert!(first(": x").1.contains("type before the colon is missing"));
        assert_eq!(first(": x").2, "");
    }

    #[test]
    fn empty_message_is_a_finding() {
        assert_eq!(first("").1, "the message is empty");
        assert_eq!(first("\n\n").1, "the message is empty");
    }

    #[test]
    fn body_needs_a_blank_line_and_breaking_change_upper_case() {
        let f = findings("feat: x\nbody right below");
        assert_eq!(
            (f[0].line, f[0].problem.as_str()),
            (2, "the body must be separated from the header by a blank line")
        );
        let f = findings("feat: x\n\nbreaking change: the api");
        assert_eq!(f[0].line, 3);
        assert_eq!(f[0].example.as_deref(), Some("BREAKING CHANGE: the api"));
    }

    #[test]
    fn git_generated_messages_are_skipped() {
        for message in [
            "Merge branch 'x' into main",
            "Merge pull request #3 from a/b",
            "Merge remote-tracking branch 'origin/main'",
            "Revert \"feat: x\"\n\nThis reverts commit abc.",
        ] {
            assert!(matches!(check(message, &rules(), Origin::History), Verdict::Skipped(_)), "{message}");
        }
        // An author's own title that merely starts with the word is checked like any other.
        assert!(matches!(check("Merge two parsers", &rules(), Origin::Draft), Verdict::Bad(_)));
    }

    #[test]
    fn lines_count_from_the_text_as_given() {
        let f = findings("\n\nfeat: x\nno blank line");
        assert_eq!(f[0].line, 4);
    }

    #[test]
    fn fixup_commits_are_fine_in_drafts_but_not_in_history() {
        assert!(matches!(check("fixup! feat: x", &rules(), Origin::Draft), Verdict::Skipped(_)));
        let f = findings("squash! feat: x");
        assert!(f[0].problem.contains("`squash!` commit left in history"), "{:?}", f[0]);
    }

    #[test]
    fn strip_comments_drops_hash_lines_and_the_verbose_diff() {
        let text = "feat: x\n# Please enter the commit message\n\nbody\n# ------------------------ >8 ------------------------\ndiff --git a b\n";
        assert_eq!(strip_comments(text), "feat: x\n\nbody\n");
    }

    #[test]
    fn rules_come_from_the_commit_type_table() {
        let mut config = Config::default();
        config.types.set("Deps", Some(crate::bump::Level::Patch));
        config.types.set("perf", None);
        let rules = Rules::from_config(&config);
        assert!(rules.allows("deps") && rules.allows("ci") && rules.allows("perf") && !rules.allows("wip"));
    }

    #[test]
    fn a_malformed_scope_is_dropped_from_the_suggestion() {
        assert_eq!(first("Ci( A").2, "Ci: A");
        assert_eq!(first("fix(cli)! crash on start").2, "fix(cli)!: crash on start");
        assert_eq!(first("fix()! crash").2, "fix!: crash");
    }

    #[test]
    fn no_input_panics() {
        for message in [
            "(",
            ")",
            "!:",
            "(:",
            "():",
            "a(b)c(d): e",
            "é(ü: ñ",
            "feat(é)!:",
            "\u{feff}feat: x",
            "x:\u{3000}y",
        ] {
            let _ = check(message, &rules(), Origin::History);
            let _ = check(message, &rules(), Origin::Draft);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_gets_a_verdict_without_panicking(message in "\\PC{0,40}(\n\\PC{0,20}){0,3}") {
            let _ = check(&message, &rules(), Origin::History);
        }

        #[test]
        fn corrected_examples_pass_themselves(header in "[A-Za-z /]{0,9}(\\([a-z ]{0,5}\\)?)?!?:? {0,2}[a-zA-Z ]{0,12}") {
            if let Verdict::Bad(findings) = check(&header, &rules(), Origin::Draft) {
                for example in findings.iter().filter_map(|f| f.example.as_deref()) {
                    proptest::prop_assert_eq!(
                        check(example, &rules(), Origin::Draft), Verdict::Ok, "{:?} suggested {:?}", header, example
                    );
                }
            }
        }

        #[test]
        fn well_formed_headers_pass(
            type_ in "(feat|fix|perf|docs|ci|security)",
            scope in proptest::option::of("[a-z][a-z0-9-]{0,8}"),
            bang in proptest::bool::ANY,
            description in "[a-zA-Z0-9][a-zA-Z0-9 ,.]{0,30}",
        ) {
            let scope = scope.map(|s| format!("({s})")).unwrap_or_default();
            let message = format!("{type_}{scope}{}: {description}", if bang { "!" } else { "" });
            proptest::prop_assert_eq!(check(&message, &rules(), Origin::History), Verdict::Ok, "{}", message);
        }
    }
}
