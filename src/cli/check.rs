//! `vbump check` (version-locations issue).

use super::{CheckArgs, Context};
use crate::error::{Error, Result};

pub fn run(_ctx: &Context, _args: &CheckArgs) -> Result<i32> {
    Err(Error::input("`vbump check` is not built yet"))
}
