//! `vbump schema`: the JSON Schema of `vbump.toml` (the committed `vbump.schema.json` is this
//! output: `vbump schema > vbump.schema.json`).

use std::io::Write;

use crate::config::json_schema;
use crate::error::{Error, Result};

pub(super) fn run() -> Result<i32> {
    std::io::stdout()
        .write_all(json_schema().as_bytes())
        .map_err(|e| Error::input(format!("cannot write the schema: {e}")))?;
    Ok(0)
}
