//! `vbump release` (transaction issue).

use super::{Context, ReleaseArgs};
use crate::error::{Error, Result};

pub fn run(ctx: &Context, args: &ReleaseArgs) -> Result<i32> {
    if args.dry_run {
        return super::plan::run_plan(ctx, &args.plan);
    }
    Err(Error::input("`vbump release` is not built yet"))
}
