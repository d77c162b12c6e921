//! The one error type of vbump, and the exit code each error maps to.
//!
//! Exit codes are part of the interface (README, "Exit codes"):
//! 0 ok or nothing to do, 1 check/lint findings, 2 bad input or repository state (nothing
//! changed), 3 release failed and was rolled back (nothing changed), 4 release failed and could
//! not be fully rolled back (the message says what remains and how to finish).
//!
//! Every message says *what* went wrong, *where* (file:line:column, ref, or location) and, in
//! `hint`, *what to do*. Messages must never contain a secret: callers redact before building one.

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a file, printed as `path:line:column` (line and column are 1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Place {
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Place { file: file.into(), line: None, column: None }
    }

    pub fn at(file: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Place { file: file.into(), line: Some(line), column: Some(column) }
    }

    /// The place of byte `offset` in `text` (line and column counted in characters).
    pub fn of_offset(file: impl Into<PathBuf>, text: &[u8], offset: usize) -> Self {
        let (line, column) = line_column(text, offset);
        Place::at(file, line, column)
    }
}

/// 1-based line and column of byte `offset` in `text`; the column counts characters.
pub fn line_column(text: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line, column)
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// What kind of failure this is; decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Bad input or repository state, found before anything changed. Exit 2.
    Input,
    /// A release step failed before the commit point; everything was undone. Exit 3.
    RolledBack,
    /// A release step failed and undoing it failed too; `remains` says what is left. Exit 4.
    Incomplete,
}

/// Why an error happened, for callers that decide on it (never on the message text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The remote refused a push. `protected`: because of branch protection or a repository rule
    /// (GitHub's `GH006`/`GH013`), which a release pull request gets around.
    PushRejected { protected: bool },
}

/// A vbump error. Boxed so that `Result<T>` stays small on the happy path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<Details>);

/// What an [`Error`] says; read through `Deref` (`error.message`, `error.place`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    pub kind: Kind,
    /// Where the problem is, when it is in a file.
    pub place: Option<Place>,
    /// What went wrong, as a lower-case sentence without a final period.
    pub message: String,
    /// What the user should do about it.
    pub hint: Option<String>,
    /// For `Kind::Incomplete`: what is left behind (refs, files), and commands that finish the job.
    pub remains: Vec<String>,
    /// The typed reason, when a caller may act on it (kept through a rollback).
    pub cause: Option<Cause>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Bad input or state (exit 2).
    pub fn input(message: impl Into<String>) -> Self {
        Error::new(Kind::Input, message.into(), Vec::new())
    }

    fn new(kind: Kind, message: String, remains: Vec<String>) -> Self {
        Error(Box::new(Details { kind, place: None, message, hint: None, remains, cause: None }))
    }

    /// A failure that was rolled back (exit 3).
    pub fn rolled_back(message: impl Into<String>) -> Self {
        Error::new(Kind::RolledBack, message.into(), Vec::new())
    }

    /// A failure whose rollback did not complete (exit 4).
    pub fn incomplete(message: impl Into<String>, remains: Vec<String>) -> Self {
        Error::new(Kind::Incomplete, message.into(), remains)
    }

    pub fn at(mut self, place: Place) -> Self {
        self.0.place = Some(place);
        self
    }

    pub fn in_file(self, file: impl AsRef<Path>) -> Self {
        self.at(Place::file(file.as_ref()))
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.0.hint = Some(hint.into());
        self
    }

    /// One error for several problems found together (exit 2), each with its own hint; the
    /// problem itself when there is one, `None` when there is none.
    pub fn all(mut problems: Vec<Error>) -> Option<Error> {
        if problems.len() <= 1 {
            return problems.pop();
        }
        let mut message = format!("{} problems stop the release:", problems.len());
        for (number, problem) in problems.iter().enumerate() {
            let text = problem.to_string().replace('\n', "\n     ");
            message.push_str(&format!("\n  {}. {text}", number + 1));
        }
        Some(Error::input(message))
    }

    /// Records why the error happened (`None` keeps it unknown).
    pub fn caused_by(mut self, cause: Option<Cause>) -> Self {
        self.0.cause = cause;
        self
    }

    pub fn exit_code(&self) -> i32 {
        match self.kind {
            Kind::Input => 2,
            Kind::RolledBack => 3,
            Kind::Incomplete => 4,
        }
    }
}

impl std::ops::Deref for Error {
    type Target = Details;

    fn deref(&self) -> &Details {
        &self.0
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(place) = &self.place {
            write!(f, "{place}: ")?;
        }
        write!(f, "{}", self.message)?;
        for remain in &self.remains {
            write!(f, "\n  remains: {remain}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<git2::Error> for Error {
    fn from(e: git2::Error) -> Self {
        Error::input(format!("git: {}", e.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_from_one() {
        let text = "ab\nçd\n".as_bytes();
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // 'ç' is two bytes but one column.
        assert_eq!(line_column(text, 5), (2, 2));
    }

    #[test]
    fn several_problems_are_one_error_listing_each_with_its_hint() {
        assert_eq!(Error::all(Vec::new()), None);
        let one = Error::input("tag `v1.3.0` exists already").hint("delete it");
        assert_eq!(Error::all(vec![one.clone()]), Some(one.clone()));
        let two = Error::all(vec![one, Error::input("HEAD is detached")]).unwrap();
        assert_eq!(
            two.to_string(),
            "2 problems stop the release:\n  1. tag `v1.3.0` exists already\n       hint: delete it\n  2. HEAD is detached"
        );
        assert_eq!(two.exit_code(), 2);
    }

    #[test]
    fn display_names_place_message_and_hint() {
        let e = Error::input("unknown key `tag-prefx`")
            .at(Place::at("vbump.toml", 3, 1))
            .hint("did you mean `tag-prefix`?");
        assert_eq!(
            e.to_string(),
            "vbump.toml:3:1: unknown key `tag-prefx`\n  hint: did you mean `tag-prefix`?"
        );
        assert_eq!(e.exit_code(), 2);
    }
}
