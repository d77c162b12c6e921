//! `vbump init`: print what vbump detects as a `vbump.toml` (see `proposal`); `--write` writes it.

use super::{Context, Format, InitArgs};
use crate::config::FILE_NAME;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::proposal::{Proposal, Shape};
use crate::report::Reporter as _;
use crate::workspace::Workspace;

pub(super) fn run(ctx: &Context, args: &InitArgs) -> Result<i32> {
    let workspace = Workspace::open(&ctx.target)?;
    let proposal = Proposal::of(&workspace)?;
    // What was left alone, and why, goes to stderr, so `--format json` stays one document.
    for skipped in &proposal.skipped {
        ctx.reporter().warn(&format!("skipped {skipped}"));
    }
    for note in &proposal.notes {
        ctx.reporter().warn(note);
    }
    if ctx.format == Format::Json && !args.write {
        println!("{}", serde_json::to_string_pretty(&proposal.json()).expect("JSON values serialise"));
        return Ok(0);
    }
    let text = proposal.render();
    if !args.write {
        super::output::print(&text);
        if proposal.count() == 0 {
            ctx.reporter().warn("no version file detected; add [[location]] entries by hand");
        }
        return Ok(0);
    }
    if proposal.count() == 0 {
        return Err(Error::input("no version file detected, so there is nothing to write")
            .hint("write vbump.toml by hand with [[location]] entries (see README, \"Version locations\")"));
    }
    let path = ctx.target.config.clone().unwrap_or_else(|| workspace.root.join(FILE_NAME));
    fsutil::create_new(&path, text.as_bytes()).map_err(|e| match e {
        fsutil::CreateError::Exists => {
            Error::input(format!("{} already exists; vbump init does not overwrite it", path.display()))
                .hint("edit it, or remove it and run `vbump init --write` again")
        }
        fsutil::CreateError::Io(e) => Error::input(format!("cannot write {}: {e}", path.display())),
    })?;
    let what = match proposal.shape {
        Shape::Single { .. } => "location(s)",
        Shape::Packages { .. } => "package(s)",
    };
    super::output::print(&format!("wrote {} with {} {what}", path.display(), proposal.count()));
    Ok(0)
}
