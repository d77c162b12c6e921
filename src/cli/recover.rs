//! `vbump recover`: finish or undo a release that was interrupted, using its journal.

use super::{Context, Format, RecoverArgs, output};
use crate::error::Result;
use crate::release::recover::{RecoverRequest, Recovered, recover};

/// Runs `vbump recover`: exit 0 when the repository is clean afterwards.
pub(super) fn run(ctx: &Context, args: &RecoverArgs) -> Result<i32> {
    let request = RecoverRequest {
        target: ctx.target.clone(),
        remote: args.remote.clone(),
        token_env: args.token_env.clone(),
    };
    let recovered = recover(&request)?;
    if ctx.format == Format::Json {
        let (state, tags) = match &recovered {
            Recovered::Nothing => ("nothing", &[][..]),
            Recovered::Tidied => ("tidied", &[][..]),
            Recovered::Completed { tags } => ("completed", tags.as_slice()),
            Recovered::RolledBack { tags } => ("rolled-back", tags.as_slice()),
        };
        output::json(&serde_json::json!({ "recovered": state, "tags": tags }));
        return Ok(0);
    }
    match recovered {
        Recovered::Nothing => output::print("nothing to recover: no release was interrupted"),
        Recovered::Tidied => {
            output::print("nothing to recover: removed the backups and temp files an interrupted run left")
        }
        Recovered::Completed { tags } => output::print(&format!(
            "recovered: release {} had reached the remote; the local repository now matches it",
            tags.join(", ")
        )),
        Recovered::RolledBack { tags } => super::output::print(&format!(
            "recovered: release {} had not reached the remote; everything local is undone",
            tags.join(", ")
        )),
    }
    Ok(0)
}
