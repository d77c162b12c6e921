//! Talking to git beyond reading history: which remote, with which credentials, as whom, and
//! deepening a shallow clone, and libgit2's process settings. Writes of a release stay in
//! `transaction`.

pub(crate) mod deepen;
pub(crate) mod identity;
pub(crate) mod remote;

/// Process-wide libgit2 settings for reading long histories. Call once, first thing in `main`.
///
/// They are globals inside libgit2, read without locks, and the pack-window limits only apply to
/// packs opened after they are set: so this must run before any thread or repository exists.
pub(crate) fn tune_libgit2() {
    // `walk` reads each commit exactly once, so libgit2's object cache only costs: it kept every
    // commit a walk touched until exit (92 MB at 100k commits) and freeing it was 13 % of the run.
    git2::opts::enable_caching(false);
    // git does not re-hash objects it reads; libgit2's SHA-1 check of every read was ~8 % of a walk.
    git2::opts::strict_hash_verification(false);
    // Map the pack through small windows (1 MiB each, 4 MiB in all) instead of libgit2's defaults
    // (up to 8 GiB mapped on 64-bit), so resident memory does not grow with the pack.
    // SAFETY: these setters write unsynchronised globals that libgit2 reads when it maps a pack.
    // This runs at the start of `main`, before any thread is spawned and before any repository is
    // opened, so nothing can read them concurrently.
    unsafe {
        // A failure only leaves libgit2's defaults in place: slower to release memory, still correct.
        let _ = git2::opts::set_mwindow_size(1 << 20);
        let _ = git2::opts::set_mwindow_mapped_limit(4 << 20);
    }
}
