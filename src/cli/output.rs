//! Everything the command line prints besides a command's result: errors, warnings and progress,
//! on stderr (stdout carries the result, which may be captured: `--format json > plan.json`).

use crate::actions::escape_data;
use crate::error::Error;
use crate::report::Reporter;

/// Prints `vbump: error: …` on stderr; inside GitHub Actions also as an `::error::` annotation
/// (on stderr too: the runner reads both streams, and stdout stays the result).
pub(crate) fn error(error: &Error) {
    eprintln!("vbump: error: {error}");
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        eprintln!("::error::{}", escape_data(&error.to_string()));
    }
}

/// `vbump: warning: …` on stderr.
pub(crate) fn warn(message: &str) {
    eprintln!("vbump: warning: {message}");
}

/// The reporter of every command: notes and warnings on stderr.
pub(crate) struct Stderr;

impl Reporter for Stderr {
    fn note(&mut self, message: &str) {
        eprintln!("vbump: {message}");
    }

    fn warn(&mut self, message: &str) {
        warn(message);
    }
}

/// Prints `value` as pretty JSON on stdout.
pub(crate) fn json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(value).expect("vbump's reports serialise to JSON"));
}
