//! Everything the command line prints besides a command's result: errors, warnings and progress,
//! on stderr (stdout carries the result, which may be captured: `--format json > plan.json`).

use crate::actions::escape_data;
use crate::error::Error;
use crate::report::Reporter;

/// Prints `text` on stdout, ending with a newline. Inside GitHub Actions no line of it can be
/// a workflow command: the text holds commit messages, file contents, git's and GitHub's words.
pub(crate) fn print(text: &str) {
    let mut text = safe(text);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    print!("{text}");
}

fn in_actions() -> bool {
    std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true")
}

/// `text` made inert in Actions, as it is elsewhere.
fn safe(text: &str) -> String {
    if in_actions() { crate::actions::inert(text) } else { text.to_string() }
}

/// The reporter of every command: notes and warnings on stderr, prefixes coloured with `--color`.
pub(crate) struct Stderr {
    pub(crate) color: bool,
}

impl Stderr {
    /// Prints `vbump: error: …`; inside GitHub Actions also as an `::error::` annotation (on
    /// stderr too: the runner reads both streams, and stdout stays the result).
    pub(crate) fn error(&self, error: &Error) {
        eprint!("{}", safe(&format!("vbump: {} {error}\n", self.paint("31", "error:"))));
        if in_actions() {
            eprintln!("::error::{}", escape_data(&error.to_string()));
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }
}

impl Reporter for Stderr {
    fn note(&mut self, message: &str) {
        eprint!("{}", safe(&format!("vbump: {message}\n")));
    }

    fn warn(&mut self, message: &str) {
        eprint!("{}", safe(&format!("vbump: {} {message}\n", self.paint("33", "warning:"))));
    }
}

/// Prints `value` as pretty JSON on stdout.
pub(crate) fn json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(value).expect("vbump's reports serialise to JSON"));
}
