//! `vbump completions SHELL`: a completion script for bash, zsh, fish, PowerShell or elvish,
//! generated from the same clap definition as the command line itself.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;
use crate::error::{Error, Result};

pub(super) fn run(shell: Shell) -> Result<i32> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "vbump", &mut script);
    std::io::stdout()
        .write_all(&script)
        .map_err(|e| Error::input(format!("cannot write the completion script: {e}")))?;
    Ok(0)
}
