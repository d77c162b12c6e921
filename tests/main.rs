//! vbump's integration tests: one binary, one file per user-facing scenario.
//! Each test builds real git repositories in temp dirs and runs the real `vbump` binary.

// The harness is one binary: `pub` in `support` is how its modules share, not an API.
#![allow(unreachable_pub)]

mod support;

mod action;
mod audit;
mod changelog;
mod check;
mod check_packages;
mod cli;
mod commit_types;
mod contract;
mod detection;
// Kills vbump at failpoints that block; needs `--features failpoints`.
#[cfg(feature = "failpoints")]
mod crash;
mod distribution;
mod github;
mod github_flow;
mod hooks;
mod init;
mod lint;
mod locations;
mod lock;
mod marketplace_version;
mod never_lower;
mod next;
mod overrides;
mod package_history;
mod packages;
mod packages_pr;
mod parsing;
mod pipeline;
mod plan;
mod pre_releases;
mod readme;
mod recover;
mod release;
mod release_tags;
mod rollback;
mod runbook;
mod runbook_tables;
mod schema;
mod set;
mod set_packages;
mod shallow;
mod token;
mod tree_shapes;
mod workflow_commands;
mod written_files;
