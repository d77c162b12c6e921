//! vbump: the next semantic version from Conventional Commits, written byte-exactly into every
//! version file, released as one transaction.
//!
//! The crate has two halves, and the pure half never imports the effectful one:
//! - **pure** (read and compute): `config`, `history`, `commits`, `bump`, `decide`, `edit`, `detect`, `plan`,
//!   `notes`, `lint`. Given a repository and settings they produce a [`plan::Plan`].
//! - **effectful** (change things): `transaction` applies a plan with one commit point, `forge`
//!   talks to GitHub, `cli` parses arguments and prints.

pub mod error;

// The pure half.
pub mod bump;
pub mod commit_types;
pub mod commits;
pub mod config;
pub mod decide;
pub mod detect;
pub mod edit;
pub mod history;
pub mod lint;
pub mod notes;
pub mod plan;

// The effectful half.
pub mod cli;
pub mod forge;
pub mod transaction;
