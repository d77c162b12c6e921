//! vbump's integration tests: one binary, one file per user-facing scenario.
//! Each test builds real git repositories in temp dirs and runs the real `vbump` binary.

mod support;

mod changelog;
mod cli;
mod github;
mod github_flow;
mod next;
mod plan;
mod readme;
