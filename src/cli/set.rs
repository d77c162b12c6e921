//! `vbump set` (version-locations issue).

use super::{Context, SetArgs};
use crate::error::{Error, Result};

pub fn run(_ctx: &Context, _args: &SetArgs) -> Result<i32> {
    Err(Error::input("`vbump set` is not built yet"))
}
