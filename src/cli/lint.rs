//! `vbump lint` (action issue).

use super::{Context, LintArgs};
use crate::error::{Error, Result};

pub fn run(_ctx: &Context, _args: &LintArgs) -> Result<i32> {
    Err(Error::input("`vbump lint` is not built yet"))
}
