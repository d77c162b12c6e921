//! `vbump man`: the manual page (roff, section 1), generated from the same clap definition as the
//! command line: `vbump man > vbump.1`, or `vbump man | man -l -`. It lists every command; each
//! command's own options, examples and exit codes are in `vbump COMMAND --help`.

use std::io::Write;

use clap::CommandFactory;

use super::Cli;
use crate::error::{Error, Result};

pub(super) fn run() -> Result<i32> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| Error::input(format!("cannot render the manual page: {e}")))?;
    std::io::stdout()
        .write_all(&page)
        .map_err(|e| Error::input(format!("cannot write the manual page: {e}")))?;
    Ok(0)
}
