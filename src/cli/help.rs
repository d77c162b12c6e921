//! What `--help` shows after each command's options: two or three examples and the exit codes
//! that command can end with (README "Exit codes" has the whole table).

/// `vbump --help`.
pub(super) const VBUMP: &str = "\
Examples:
  vbump plan                     what the next release would be, changing nothing
  vbump release --push           release: commit, tag, push atomically, GitHub Release
  vbump check                    do all version files agree?

Exit codes:
  0  released, or nothing to do
  1  check, lint or audit found problems
  2  bad input or repository state: nothing changed
  3  a release step failed and was rolled back: nothing changed
  4  a release step failed and was not fully rolled back: the message says what remains";

pub(super) const RELEASE: &str = "\
Examples:
  vbump release                      commit and tag locally; prints how to push
  vbump release --push               push commit and tag atomically, then the GitHub Release
  vbump release --bump major --pre rc   force the next major as a pre-release (2.0.0-rc.1)

Exit codes:
  0  released, or nothing to release
  2  bad input or state (bad vbump.toml, dirty version file, not a release branch): nothing changed
  3  a step failed before the commit point and was rolled back: nothing changed
  4  a step failed and undoing it failed too: the message lists what remains";

pub(super) const PLAN: &str = "\
Examples:
  vbump plan                     the last release, each commit's effect, the next version, the diff
  vbump plan --bump minor        what a forced minor release would change
  vbump plan --format json       the same plan as one JSON document

Exit codes:
  0  the plan was printed (also when there is nothing to release)
  2  bad input or repository state";

pub(super) const NEXT: &str = "\
Examples:
  vbump next                     prints e.g. 1.4.0, or nothing when there is nothing to release
  vbump next --pre rc            the next pre-release, e.g. 1.4.0-rc.1

Exit codes:
  0  printed (or nothing to release)
  2  bad input or repository state";

pub(super) const CHECK: &str = "\
Examples:
  vbump check                    a table of every version field; do they agree?
  vbump check --strict           also fail when the last release tag differs from the files
  vbump check --format github    ::error annotations on the disagreeing lines
  vbump check --package reddit   in a catalog: only that package (each package agrees with itself)

Exit codes:
  0  every version field is semver and they agree
  1  a field is not semver, or they disagree (or, with --strict, the tag differs)
  2  a version file cannot be read, or no package has that name";

pub(super) const SET: &str = "\
Examples:
  vbump set 1.4.0                write 1.4.0 into every version field (all files or none)
  vbump set 2.0.0-rc.1           a pre-release works the same way
  vbump set 1.1.0 --package reddit   in a catalog: only that package's fields (required there)

Exit codes:
  0  written
  2  not a version, a version file cannot be read or written, or no package named: nothing changed";

pub(super) const AUDIT: &str = "\
Examples:
  vbump audit                    lines that still say the version outside the version locations
  vbump audit --format json      the same as JSON

Exit codes:
  0  no stray copy of the version
  1  stray copies found, each with a [[location]] to add
  2  bad input or repository state";

pub(super) const INIT: &str = "\
Examples:
  vbump init                     print the detected version locations as a vbump.toml
  vbump init --write             create vbump.toml (never overwrites)

Exit codes:
  0  printed or written
  2  bad input, or vbump.toml already exists";

pub(super) const RECOVER: &str = "\
Examples:
  vbump recover                  finish or undo an interrupted release from its journal
  vbump recover --remote upstream   the remote the release was pushing to

Exit codes:
  0  the repository is in a clean state (also when there was nothing to recover)
  2  bad input or repository state
  4  recovery could not finish: the message lists what remains";

pub(super) const LINT: &str = "\
Examples:
  vbump lint --message 'feat: add x'     one message
  vbump lint --message-file \"$1\"          a commit-msg hook (the pre-commit hook vbump-lint does this)
  vbump lint --range origin/main..HEAD   every commit of a branch

Exit codes:
  0  every message follows Conventional Commits
  1  a message does not (each with what is wrong and a corrected example)
  2  bad input (unreadable file, bad range)";

pub(super) const COMPLETIONS: &str = "\
Examples:
  vbump completions bash > ~/.local/share/bash-completion/completions/vbump
  vbump completions zsh > \"${fpath[1]}/_vbump\"
  vbump completions fish > ~/.config/fish/completions/vbump.fish

Exit codes:
  0  printed
  2  an unknown shell";

pub(super) const MAN: &str = "\
Examples:
  vbump man > vbump.1            install it under a man1 directory
  vbump man | man -l -           read it now

Exit codes:
  0  printed";

pub(super) const HELP: &str = "\
Examples:
  vbump help                     this overview
  vbump help release             the options, examples and exit codes of `vbump release`

Exit codes:
  0  printed
  2  no such command";

/// `vbump help [COMMAND]`: clap's own help subcommand cannot take `--help` itself, this one can.
pub(super) fn run(command: Option<&str>) -> crate::error::Result<i32> {
    use clap::CommandFactory;
    let mut cli = super::Cli::command().bin_name("vbump");
    // Built, so that a subcommand's usage line says `vbump release`, not `release`.
    cli.build();
    let page = match command {
        None => cli.render_long_help(),
        Some(name) => match cli.find_subcommand_mut(name) {
            Some(sub) => sub.render_long_help(),
            None => {
                return Err(crate::error::Error::input(format!("`{name}` is not a vbump command"))
                    .hint("`vbump help` lists the commands"));
            }
        },
    };
    print!("{page}");
    Ok(0)
}

pub(super) const SCHEMA: &str = "\
Examples:
  vbump schema > vbump.schema.json
  #:schema ./vbump.schema.json   as the first line of vbump.toml, for Taplo / Even Better TOML

Exit codes:
  0  printed";
