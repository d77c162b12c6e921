//! `vbump plan` (also `vbump --dry-run`) and `vbump next`.

use super::{Context, PlanArgs};
use crate::error::{Error, Result};

pub fn run_plan(_ctx: &Context, _args: &PlanArgs) -> Result<i32> {
    Err(Error::input("`vbump plan` is not built yet"))
}

pub fn run_next(_ctx: &Context, _args: &PlanArgs) -> Result<i32> {
    Err(Error::input("`vbump next` is not built yet"))
}
