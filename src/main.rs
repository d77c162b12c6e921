fn main() {
    restore_default_sigpipe();
    std::process::exit(vbump::main());
}

/// Rust starts programs with SIGPIPE ignored, so writing to a closed pipe (`vbump plan | head -1`)
/// becomes an error that `println!` turns into a panic. Like other Unix tools, vbump should just
/// stop quietly. (A release interrupted this way is like any other crash: its journal lets
/// `vbump recover` finish or undo it, and Actions outputs are written before the report is printed.)
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any other thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
