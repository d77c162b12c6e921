//! `vbump recover` (transaction issue).

use super::{Context, RecoverArgs};
use crate::error::{Error, Result};

pub fn run(_ctx: &Context, _args: &RecoverArgs) -> Result<i32> {
    Err(Error::input("`vbump recover` is not built yet"))
}
