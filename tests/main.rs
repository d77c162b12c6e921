//! vbump's integration tests: one binary, one file per user-facing scenario.
//! Each test builds real git repositories in temp dirs and runs the real `vbump` binary.

mod support;

mod action;
mod check;
mod cli;
#[cfg(feature = "failpoints")]
mod crash;
mod init;
mod lint;
mod locations;
mod next;
mod plan;
mod readme;
mod recover;
mod release;
mod rollback;
mod set;
mod shallow;
mod token;
