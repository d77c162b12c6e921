//! `vbump init` (version-locations issue).

use super::{Context, InitArgs};
use crate::error::{Error, Result};

pub fn run(_ctx: &Context, _args: &InitArgs) -> Result<i32> {
    Err(Error::input("`vbump init` is not built yet"))
}
