//! Fault injection for the transaction tests, compiled only with the `failpoints` feature.
//!
//! `VBUMP_FAILPOINTS="after-commit=error"` makes the step boundary named `after-commit` fail as if
//! git had failed there; `=pause` writes the file named by `VBUMP_FAILPOINT_READY` and then waits
//! until the file named by `VBUMP_FAILPOINT_GO` exists (forever without it), so a test can SIGKILL
//! the process exactly at that boundary, or act (move the remote) and let it go on. Several points
//! are separated by `;`. Without the feature, [`hit`] is an empty inline function.

use crate::error::Result;

/// Passes the step boundary `name`, failing or pausing there when a test asked for it.
#[cfg(feature = "failpoints")]
pub(crate) fn hit(name: &str) -> Result<()> {
    // Unit tests run in parallel threads of one process, so they set points per thread.
    let local = LOCAL.with(|local| local.borrow().clone());
    let Some(spec) = local.or_else(|| std::env::var("VBUMP_FAILPOINTS").ok()) else { return Ok(()) };
    let action = spec.split(';').filter_map(|item| item.split_once('=')).find(|(point, _)| *point == name);
    match action.map(|(_, action)| action) {
        Some("error") => Err(crate::error::Error::input(format!("injected fault at `{name}`"))),
        Some("pause") => {
            if let Some(ready) = std::env::var_os("VBUMP_FAILPOINT_READY") {
                // The test polls for this file, then kills us.
                let _ = std::fs::write(ready, name);
            }
            let go = std::env::var_os("VBUMP_FAILPOINT_GO").map(std::path::PathBuf::from);
            while !go.as_ref().is_some_and(|go| go.exists()) {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Passes the step boundary `name` (fault injection is not compiled in).
#[cfg(not(feature = "failpoints"))]
#[inline(always)]
pub(crate) fn hit(_name: &str) -> Result<()> {
    Ok(())
}

#[cfg(feature = "failpoints")]
thread_local! {
    static LOCAL: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Sets this thread's failpoints (same syntax as `VBUMP_FAILPOINTS`), `None` to clear them.
#[cfg(all(test, feature = "failpoints"))]
pub(crate) fn set_for_thread(spec: Option<&str>) {
    LOCAL.with(|local| *local.borrow_mut() = spec.map(str::to_string));
}
