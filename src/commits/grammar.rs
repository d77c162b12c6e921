//! The one grammar of commit messages, read strictly by `vbump lint` and generously by the release.
//!
//! [`read`] splits a message into the parts Conventional Commits 1.0 names (type, scope, `!`,
//! description, body, footers) and records every place where the message departs from the
//! specification as a [`Deviation`]. Lint reports the deviations; the release reads through them,
//! because a breaking marker or a type that vbump can recognise must never be dropped: nested
//! parentheses in a scope, an empty scope, a missing space, bare CR line endings, an indented or
//! lower-case `BREAKING CHANGE` line, a subject that is itself a `BREAKING CHANGE:` footer, and
//! conventional lines inside the body of a merge or squash commit whose subject is not conventional.

use std::fmt;

/// Where a message departs from Conventional Commits 1.0, and how vbump read it anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Deviation {
    /// 1-based line of the normalised message.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    pub kind: DeviationKind,
}

/// The kinds of [`Deviation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeviationKind {
    /// Line breaks are bare carriage returns (read as line feeds).
    BareCarriageReturns,
    /// `fixup!`, `squash!` or `amend!` before the header (read as the header behind it).
    FixupPrefix(String),
    /// A merge tool's prefix before the header (Azure DevOps' `Merged PR 12: `).
    MergePrefix(String),
    /// Spaces inside `type(scope)!` or before the colon.
    SpaceInPrefix,
    /// `(` or `)` inside the scope, or two scopes (`feat(a(b))`).
    ParenthesisInScope(String),
    /// `()`: read as no scope.
    EmptyScope,
    /// `!` before the scope (`feat!(api):`).
    BangBeforeScope,
    /// No colon after a type with a scope or `!` (`feat(cli) add thing`).
    MissingColon,
    /// No space after the colon.
    MissingSpace,
    /// More than one space after the colon.
    ExtraSpace,
    /// Nothing after the colon.
    EmptyDescription,
    /// The body starts right below the header.
    NoBlankLine,
    /// The subject is a `BREAKING CHANGE:` footer: read as a breaking change without a type.
    BreakingSubject,
    /// A `BREAKING CHANGE` line that is not an upper-case footer in the footer section.
    LooseBreakingLine(String),
    /// The subject is not conventional; a line of the body is (merge and squash commits).
    HeaderInBody(String),
}

impl fmt::Display for DeviationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviationKind::BareCarriageReturns => f.write_str("lines end with bare carriage returns (CR)"),
            DeviationKind::FixupPrefix(marker) => write!(f, "`{marker}` commit left in history"),
            DeviationKind::MergePrefix(prefix) => write!(f, "`{prefix}` before the header"),
            DeviationKind::SpaceInPrefix => f.write_str("a space inside `type(scope)!:`"),
            DeviationKind::ParenthesisInScope(scope) => {
                write!(f, "the scope `{scope}` contains a parenthesis")
            }
            DeviationKind::EmptyScope => f.write_str("the scope in parentheses is empty"),
            DeviationKind::BangBeforeScope => f.write_str("`!` goes after the scope, right before the colon"),
            DeviationKind::MissingColon => f.write_str("the colon after the type is missing"),
            DeviationKind::MissingSpace => f.write_str("the colon must be followed by a space"),
            DeviationKind::ExtraSpace => f.write_str("the description starts with more than one space"),
            DeviationKind::EmptyDescription => f.write_str("the description after the colon is empty"),
            DeviationKind::NoBlankLine => {
                f.write_str("the body must be separated from the header by a blank line")
            }
            DeviationKind::BreakingSubject => {
                f.write_str("the subject is a `BREAKING CHANGE:` footer; it needs a `type: ` header above it")
            }
            DeviationKind::LooseBreakingLine(why) => write!(f, "`BREAKING CHANGE` {why}"),
            DeviationKind::HeaderInBody(line) => {
                write!(f, "the subject is not conventional; the body line `{line}` is")
            }
        }
    }
}

/// A `type(scope)!: description` header as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    /// The 1-based line of the message it was read from.
    pub line: usize,
    /// The type as written.
    pub kind: String,
    pub scope: Option<String>,
    pub bang: bool,
    pub description: String,
    /// Departures from the specification, with columns on the header's line.
    pub deviations: Vec<Deviation>,
}

impl Header {
    /// Reads `line` (line number `at`) as a header; `None` when it is not one at all.
    pub(crate) fn parse(line: &str, at: usize) -> Option<Header> {
        // The colon that ends the prefix is the first one after which the prefix reads as
        // `type(scope)!`: a scope may hold a colon (`feat(ng:list): …`).
        let mut colons = line.match_indices(':').map(|(i, _)| i);
        let found = colons.find_map(|colon| prefix(&line[..colon]).map(|p| (colon, p)));
        let (colon, mut header, loose) = match found {
            Some((colon, (header, _))) => (colon, header, false),
            None => {
                // `feat(cli) add thing`, `feat! drop`: a prefix with a scope or `!` and no colon.
                let word_end = line.find(char::is_whitespace)?;
                let (header, marked) = prefix(&line[..word_end])?;
                if !marked {
                    return None;
                }
                (word_end, header, true)
            }
        };
        // Counting characters that start before `byte` never slices inside a character.
        let column = |byte: usize| line.char_indices().take_while(|(i, _)| *i < byte).count() + 1;
        header.deviations.iter_mut().for_each(|d| {
            d.line = at;
            d.column = column(d.column);
        });
        let deviation = |byte: usize, kind| Deviation { line: at, column: column(byte), kind };
        let after = &line[(colon + 1).min(line.len())..];
        if loose {
            header.deviations.push(deviation(colon, DeviationKind::MissingColon));
        } else if !after.starts_with(' ') && !after.trim().is_empty() {
            header.deviations.push(deviation(colon + 1, DeviationKind::MissingSpace));
        }
        let description = after.strip_prefix(' ').unwrap_or(after);
        if description.trim().is_empty() {
            header.deviations.push(deviation(line.len(), DeviationKind::EmptyDescription));
        } else if description.starts_with(char::is_whitespace) && !loose {
            header.deviations.push(deviation(colon + 2, DeviationKind::ExtraSpace));
        }
        header.description = description.trim().to_string();
        header.line = at;
        Some(header)
    }

    /// Is the header exactly as the specification writes it?
    pub(crate) fn is_strict(&self) -> bool {
        self.deviations.is_empty()
    }
}

/// Reads `type(scope)!` (the text before the colon). The second value says whether a scope or `!`
/// marks it as a prefix even without a colon. Deviation columns are byte offsets here.
fn prefix(text: &str) -> Option<(Header, bool)> {
    let type_end = text.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).unwrap_or(text.len());
    let kind = &text[..type_end];
    if !kind.starts_with(|c: char| c.is_alphabetic()) {
        return None;
    }
    let mut deviations = Vec::new();
    let at = |byte: usize, kind| Deviation { line: 0, column: byte, kind };
    let mut rest = &text[type_end..];
    let mut offset = type_end;
    let mut bang = false;
    let mut spaced = false;
    let mut scope = None;
    let mut marked = false;
    loop {
        let trimmed = rest.trim_start();
        if trimmed.len() != rest.len() {
            spaced = true;
            offset += rest.len() - trimmed.len();
            rest = trimmed;
        }
        if rest.is_empty() {
            break;
        }
        if let Some(after) = rest.strip_prefix('!') {
            bang = true;
            marked = true;
            if after.trim_start().starts_with('(') {
                deviations.push(at(offset, DeviationKind::BangBeforeScope));
            }
            rest = after;
            offset += 1;
            continue;
        }
        if rest.starts_with('(') && scope.is_none() {
            // The scope runs to the last `)` before any trailing `!` and spaces.
            let body = rest.trim_end().trim_end_matches('!').trim_end();
            let inner = body.strip_prefix('(')?.strip_suffix(')')?;
            if inner.contains(['(', ')']) {
                deviations.push(at(offset, DeviationKind::ParenthesisInScope(inner.to_string())));
            }
            if inner.trim().is_empty() {
                deviations.push(at(offset, DeviationKind::EmptyScope));
                scope = Some(None);
            } else {
                scope = Some(Some(inner.trim().to_string()));
            }
            marked = true;
            offset += body.len();
            rest = &rest[body.len()..];
            continue;
        }
        return None;
    }
    if spaced {
        deviations.push(at(type_end, DeviationKind::SpaceInPrefix));
    }
    let header = Header {
        line: 0,
        kind: kind.to_string(),
        scope: scope.flatten(),
        bang,
        description: String::new(),
        deviations,
    };
    Some((header, marked))
}

/// A commit message as vbump reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reading {
    /// The message with line feeds only, leading blank lines and trailing white space removed.
    pub text: String,
    /// The subject as written (first line of `text`).
    pub subject: String,
    /// The subject read as a header; `None` when it is not one.
    pub header: Option<Header>,
    /// The paragraphs between the header and the footers.
    pub body: Option<String>,
    /// A `BREAKING CHANGE` marker's text (footer, loose line or the subject itself).
    pub breaking: Option<String>,
    /// Lines of the body that read as headers, for subjects that are not conventional (merge and
    /// squash commits carry their commits there) and for `!` headers in any body.
    pub embedded: Vec<Header>,
    /// Departures from the specification outside the header (the header keeps its own).
    pub deviations: Vec<Deviation>,
}

impl Reading {
    /// Every departure from the specification: the header's, then the rest, by line.
    pub(crate) fn all_deviations(&self) -> Vec<&Deviation> {
        let mut all: Vec<&Deviation> = self.header.iter().flat_map(|h| &h.deviations).collect();
        all.extend(&self.deviations);
        all.sort_by_key(|d| (d.line, d.column));
        all
    }
}

/// `BREAKING CHANGE`, as a footer token or a loose line: the value after the separator, and why
/// it is loose (`None` for a footer as the specification writes it).
fn breaking_line(line: &str) -> Option<(String, Option<&'static str>)> {
    let indented = line.starts_with(char::is_whitespace);
    let bare = line.trim_start();
    let bulleted = bare.strip_prefix(['*', '-']).filter(|rest| rest.starts_with(' ')).map(str::trim_start);
    let text = bulleted.unwrap_or(bare);
    let head = text.get(..15)?;
    if !head.eq_ignore_ascii_case("breaking change") && !head.eq_ignore_ascii_case("breaking-change") {
        return None;
    }
    let mut rest = &text[15..];
    let plural = rest.starts_with(['s', 'S']);
    if plural {
        rest = &rest[1..];
    }
    let value = rest.strip_prefix(':').or_else(|| rest.strip_prefix(" #"))?;
    let why = if indented || bulleted.is_some() {
        Some("is indented; a footer starts its line")
    } else if head != head.to_ascii_uppercase() {
        Some("must be written in upper case")
    } else if plural {
        Some("is singular: `BREAKING CHANGE:`")
    } else if !value.starts_with(' ') && !rest.starts_with(" #") {
        Some("must be followed by `: `")
    } else {
        None
    };
    Some((value.trim().to_string(), why))
}

/// A footer line: `Token: value`, `Token #value`, or a `BREAKING CHANGE` footer.
fn is_footer(line: &str) -> bool {
    if line.starts_with("BREAKING CHANGE: ") || line.starts_with("BREAKING CHANGE #") {
        return true;
    }
    let end = line.find(|c: char| !(c.is_alphanumeric() || c == '-')).unwrap_or(line.len());
    end > 0 && (line[end..].starts_with(": ") || line[end..].starts_with(" #"))
}

/// Reads one commit message.
pub(crate) fn read(message: &str) -> Reading {
    let mut deviations = Vec::new();
    let normalised;
    let message = if message.contains('\r') {
        let crlf = message.replace("\r\n", "\n");
        if crlf.contains('\r') {
            deviations.push(Deviation { line: 1, column: 1, kind: DeviationKind::BareCarriageReturns });
        }
        normalised = crlf.replace('\r', "\n");
        normalised.as_str()
    } else {
        message
    };
    let text = message.trim_start_matches('\n').trim_end().to_string();
    let lines: Vec<&str> = text.split('\n').collect();
    let subject = lines[0].to_string();

    let mut header_line = subject.trim_start();
    while let Some(marker) = ["fixup! ", "squash! ", "amend! "].iter().find(|m| header_line.starts_with(**m))
    {
        deviations.push(Deviation {
            line: 1,
            column: 1,
            kind: DeviationKind::FixupPrefix(marker.trim().to_string()),
        });
        header_line = &header_line[marker.len()..];
    }
    // Azure DevOps titles its merge commits `Merged PR 12: <pull request title>`.
    if let Some(rest) = header_line.strip_prefix("Merged PR ")
        && let Some((number, title)) = rest.split_once(": ")
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && Header::parse(title, 1).is_some()
    {
        let prefix = format!("Merged PR {number}:");
        deviations.push(Deviation { line: 1, column: 1, kind: DeviationKind::MergePrefix(prefix) });
        header_line = title;
    }
    // `BREAKING-CHANGE: x` would read as a header of type `BREAKING-CHANGE`: it is a footer.
    let mut breaking = None;
    let header = match breaking_line(header_line) {
        Some((value, _)) => {
            deviations.push(Deviation { line: 1, column: 1, kind: DeviationKind::BreakingSubject });
            breaking = Some(value);
            None
        }
        None => Header::parse(header_line, 1),
    };

    if lines.len() > 1 && !lines[1].trim().is_empty() {
        deviations.push(Deviation { line: 2, column: 1, kind: DeviationKind::NoBlankLine });
    }
    // Footers start with the first paragraph whose first line is a footer; everything after it
    // belongs to the footers (a footer's value may span paragraphs).
    let mut footers_from = lines.len();
    for index in 1..lines.len() {
        let starts_paragraph = lines[index - 1].trim().is_empty() && !lines[index].trim().is_empty();
        if starts_paragraph && is_footer(lines[index]) {
            footers_from = index;
            break;
        }
    }
    let body = lines[1.min(lines.len())..footers_from].join("\n").trim().to_string();
    let body = (!body.is_empty()).then_some(body);

    let mut embedded = Vec::new();
    for (index, line) in lines.iter().enumerate().skip(1) {
        if let Some((value, why)) = breaking_line(line) {
            let why = why.or((index < footers_from).then_some("is inside the body, not in the footers"));
            if let Some(why) = why {
                deviations.push(Deviation {
                    line: index + 1,
                    column: 1,
                    kind: DeviationKind::LooseBreakingLine(why.to_string()),
                });
            }
            if breaking.is_none() {
                // A footer's value runs on to the next footer.
                let mut value = value;
                if why.is_none() {
                    for more in lines[index + 1..].iter().take_while(|l| !is_footer(l)) {
                        value.push('\n');
                        value.push_str(more);
                    }
                }
                breaking = Some(value.trim().to_string());
            }
            continue;
        }
        let bare = line.trim_start();
        let bare = bare.strip_prefix(['*', '-']).filter(|r| r.starts_with(' ')).map_or(bare, str::trim_start);
        if let Some(found) = Header::parse(bare, index + 1)
            && found.deviations.iter().all(|d| d.kind != DeviationKind::MissingColon)
            && (header.is_none() || found.bang)
        {
            embedded.push(found);
        }
    }
    Reading { text, subject, header, body, breaking, embedded, deviations }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(header: &Header) -> Vec<DeviationKind> {
        header.deviations.iter().map(|d| d.kind.clone()).collect()
    }

    #[test]
    fn strict_headers_have_no_deviations() {
        for line in
            ["feat: x", "feat(api)!: x", "fix(http parser): x", "feat(ng:list): x", "FEAT(@org/a-b): x"]
        {
            let header = Header::parse(line, 1).unwrap();
            assert!(header.is_strict(), "{line}: {:?}", header.deviations);
        }
        let h = Header::parse("feat(ng:list): allow it", 1).unwrap();
        assert_eq!((h.scope.as_deref(), h.description.as_str()), (Some("ng:list"), "allow it"));
    }

    #[test]
    fn generous_headers_say_how_they_were_read() {
        let h = Header::parse("feat(a(b))!: drop v1", 1).unwrap();
        assert!(h.bang);
        assert_eq!(kinds(&h), [DeviationKind::ParenthesisInScope("a(b)".into())]);
        let h = Header::parse("feat()!: x", 1).unwrap();
        assert!(h.bang && h.scope.is_none());
        assert_eq!(kinds(&h), [DeviationKind::EmptyScope]);
        let h = Header::parse("feat(cli) add thing", 1).unwrap();
        assert_eq!((h.kind.as_str(), h.description.as_str()), ("feat", "add thing"));
        assert_eq!(kinds(&h), [DeviationKind::MissingColon]);
        assert_eq!(kinds(&Header::parse("feat:x", 1).unwrap()), [DeviationKind::MissingSpace]);
        assert_eq!(Header::parse("feat:x", 1).unwrap().deviations[0].column, 6);
        assert_eq!(kinds(&Header::parse("feat: ", 1).unwrap()), [DeviationKind::EmptyDescription]);
        assert_eq!(kinds(&Header::parse("feat (x) : y", 1).unwrap()), [DeviationKind::SpaceInPrefix]);
        assert_eq!(kinds(&Header::parse("feat!(x): y", 1).unwrap()), [DeviationKind::BangBeforeScope]);
        for not_a_header in ["Update README", "my feat: x", ": x", "Merge pull request #7 from a/b", "1.0: x"]
        {
            assert_eq!(Header::parse(not_a_header, 1), None, "{not_a_header}");
        }
    }

    #[test]
    fn footers_and_breaking_lines() {
        let r = read("feat: a\n\nFirst.\n\nSecond.\n\nRefs: #12\nBREAKING CHANGE: moved\n  still moved");
        assert_eq!(r.body.as_deref(), Some("First.\n\nSecond."));
        assert_eq!(r.breaking.as_deref(), Some("moved\n  still moved"));
        assert!(r.all_deviations().is_empty(), "{:?}", r.deviations);

        let r = read("fix: x\n\n  BREAKING CHANGE: indented");
        assert_eq!(r.breaking.as_deref(), Some("indented"));
        assert!(
            matches!(&r.deviations[0].kind, DeviationKind::LooseBreakingLine(w) if w.contains("indented"))
        );

        let r = read("feat: a\n\nsome text\nBREAKING CHANGE: b\n\nmore text");
        assert_eq!(r.breaking.as_deref(), Some("b"));
        assert_eq!(r.deviations[0].line, 4);

        assert_eq!(read("docs: x\n\nbreaking change: y").breaking.as_deref(), Some("y"));
        assert_eq!(read("docs: x\n\nBREAKING CHANGES: y").breaking.as_deref(), Some("y"));
        assert_eq!(read("docs: x\n\nThis is no breaking change: really").breaking, None);
    }

    #[test]
    fn subjects_that_are_not_headers() {
        let r = read("BREAKING-CHANGE: config moved");
        assert!(r.header.is_none());
        assert_eq!(r.breaking.as_deref(), Some("config moved"));
        assert_eq!(r.deviations[0].kind, DeviationKind::BreakingSubject);

        let r = read("Merge pull request #7 from a/b\n\nfeat!: drop v1");
        assert_eq!(r.embedded.len(), 1);
        assert!(r.embedded[0].bang);

        let r = read(
            "Squashed commit of the following:\n\ncommit 63ec09b\nAuthor: a <a@b>\nDate:   now\n\n    fix(x): y\n",
        );
        let kinds: Vec<&str> = r.embedded.iter().map(|h| h.kind.as_str()).collect();
        assert_eq!(kinds, ["Author", "Date", "fix"]);
    }

    #[test]
    fn carriage_returns_are_line_breaks() {
        let r = read("feat: a\r\rBREAKING CHANGE: b");
        assert_eq!(r.breaking.as_deref(), Some("b"));
        assert_eq!(r.deviations[0].kind, DeviationKind::BareCarriageReturns);
        assert!(read("feat: a\r\n\r\nbody\r\n").deviations.is_empty());
    }

    #[test]
    fn an_azure_devops_merge_title_is_read_through() {
        let r = read("Merged PR 1: feat(scope): broadcast $destroy event");
        assert_eq!(r.header.unwrap().kind, "feat");
        assert_eq!(r.deviations[0].kind, DeviationKind::MergePrefix("Merged PR 1:".into()));
        assert!(read("Merged PR 123: Description here").header.is_none());
    }

    #[test]
    fn fixup_prefixes_are_read_through() {
        let r = read("fixup! feat: a");
        assert_eq!(r.header.unwrap().kind, "feat");
        assert_eq!(r.deviations[0].kind, DeviationKind::FixupPrefix("fixup!".into()));
    }
}
