//! vbump: the next semantic version from Conventional Commits, written byte-exactly into every
//! version file, released as one transaction.
//!
//! The crate has three layers, and each imports only the ones below it:
//! - **read-only** (reads the repository and files, never writes): `config`, `history`, `commits`,
//!   `commit_types`, `bump`, `decide`, `edit`, `locations`, `plan`, `check`, `notes`, `lint`,
//!   `refname`, `workspace`, `worktree`.
//!   Given a repository and settings they produce a `plan::Plan`.
//! - **effects**: `transaction` applies a release with one commit point, `vcs` talks to git
//!   remotes, `forge` talks to GitHub, `actions` writes the Actions runner's files, `fsutil` and
//!   `set` write files.
//! - **the release** (`release`): a request in, an outcome out; the steps that tie the above
//!   together. It prints nothing: progress goes to a `report::Reporter`.
//! - **the command line** (`cli`): arguments into requests, outcomes printed. It opens no
//!   repository, runs no git and writes no file.

pub mod error;

// Read-only.
pub(crate) mod attribution;
pub(crate) mod bump;
pub(crate) mod catalog;
pub(crate) mod check;
pub(crate) mod commit_types;
pub(crate) mod commits;
pub mod config;
pub(crate) mod decide;
pub mod edit;
pub(crate) mod history;
pub(crate) mod lint;
pub mod locations;
pub(crate) mod notes;
pub(crate) mod package;
pub(crate) mod path_filter;
pub(crate) mod plan;
pub(crate) mod proposal;
pub(crate) mod refname;
pub(crate) mod tags;
pub(crate) mod text;
pub(crate) mod workspace;
pub(crate) mod worktree;

// Effects.
pub(crate) mod actions;
pub mod forge;
pub(crate) mod fsutil;
pub(crate) mod set;
pub(crate) mod transaction;
pub(crate) mod vcs;

// The release, and the command line.
pub(crate) mod cli;
pub(crate) mod release;
pub(crate) mod report;

/// Runs vbump with the process's arguments and returns the exit code (README, "Exit codes").
pub fn main() -> i32 {
    vcs::tune_libgit2(); // Process-global; must precede the first repository (see there).
    cli::run(std::env::args_os())
}
