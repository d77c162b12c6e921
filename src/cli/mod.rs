//! The command line: clap types, one file per command that turns arguments into a request for
//! the core and prints its outcome, and [`output`] (how errors, warnings and notes are printed).
//! Nothing here opens a repository, runs git, talks to GitHub or writes a file; a test keeps it so
//! (`the_command_line_does_no_git_no_github_and_no_writes`).
//!
//! `vbump::main` calls [`run`], which returns the process exit code (README, "Exit codes").

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::bump::Level;
use crate::config::{Author, Strategy};
use crate::error::Result;
use crate::release::guard::{self, Access};
use crate::workspace::Target;

mod audit;
mod check;
mod completions;
mod help;
mod init;
mod lint;
mod man;
mod output;
mod plan;
mod recover;
mod release;
mod schema;
mod set;

#[derive(Debug, Parser)]
#[command(
    name = "vbump",
    version,
    about = "Next semantic version from Conventional Commits, written into every version file, released atomically",
    after_help = help::VBUMP,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `vbump release`, which is what `vbump` without a subcommand does.
    #[command(flatten)]
    pub release: ReleaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Run in DIR instead of the current directory.
    #[arg(short = 'C', value_name = "DIR", global = true, default_value = ".")]
    pub dir: PathBuf,
    /// Read settings from FILE instead of vbump.toml at the repository root.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, global = true, default_value_t = Format::Human)]
    pub format: Format,
    /// When to colour human output.
    #[arg(long, value_enum, global = true, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// GitHub Actions workflow commands (`::error file=…::`), for `check` and `lint`.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Bump, write, commit, tag and (with --push) push a release.
    #[command(after_help = help::RELEASE)]
    Release(ReleaseArgs),
    /// Print what a release would do, changing nothing (same as `vbump --dry-run`).
    #[command(after_help = help::PLAN)]
    Plan(PlanArgs),
    /// Print the next version alone; print nothing when there is nothing to release.
    #[command(after_help = help::NEXT)]
    Next(PlanArgs),
    /// Check that every version location parses, is semver, and agrees with the others.
    #[command(after_help = help::CHECK)]
    Check(CheckArgs),
    /// Write VERSION to every version location (no commit, no tag).
    #[command(after_help = help::SET)]
    Set(SetArgs),
    /// List tracked files that still hold the current version outside the version locations.
    #[command(after_help = help::AUDIT)]
    Audit,
    /// Print the detected version locations as a vbump.toml (write it with --write).
    #[command(after_help = help::INIT)]
    Init(InitArgs),
    /// Finish or undo a release that was interrupted, using its journal.
    #[command(after_help = help::RECOVER)]
    Recover(RecoverArgs),
    /// Check commit messages against Conventional Commits and the configured types.
    #[command(after_help = help::LINT)]
    Lint(LintArgs),
    /// Print a shell completion script: `vbump completions bash > /etc/bash_completion.d/vbump`.
    #[command(after_help = help::COMPLETIONS)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `vbump man > vbump.1`.
    #[command(after_help = help::MAN)]
    Man,
    /// Print the JSON Schema of vbump.toml (what vbump.schema.json holds).
    #[command(after_help = help::SCHEMA)]
    Schema,
    /// Print this help, or the help of one command.
    #[command(after_help = help::HELP)]
    Help(HelpArgs),
}

#[derive(Debug, Clone, Args)]
pub struct HelpArgs {
    /// The command to explain.
    pub command: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// How the next version is chosen.
#[derive(Debug, Clone, Default, Args)]
pub struct PlanArgs {
    /// Force the bump level instead of deriving it from commits (`auto` derives it).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub bump: Option<BumpArg>,
    /// Make a pre-release with this identifier: `--pre rc` gives 1.3.0-rc.1, then rc.2.
    #[arg(long, value_name = "ID")]
    pub pre: Option<String>,
    /// Release the stable version of the last pre-release (1.3.0-rc.2 → 1.3.0), even with no new
    /// commit.
    #[arg(long, conflicts_with_all = ["pre", "bump"])]
    pub promote: bool,
    /// Only this package (repeatable), in a repository of several packages.
    #[arg(long = "package", value_name = "NAME")]
    pub packages: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BumpArg {
    Auto,
    Major,
    Minor,
    Patch,
}

impl BumpArg {
    /// The forced level, `None` for `auto`.
    pub fn level(self) -> Option<Level> {
        match self {
            BumpArg::Auto => None,
            BumpArg::Major => Some(Level::Major),
            BumpArg::Minor => Some(Level::Minor),
            BumpArg::Patch => Some(Level::Patch),
        }
    }
}

#[derive(Debug, Clone, Default, Args)]
pub struct ReleaseArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Push the release commit and tag (atomically) and run the GitHub steps.
    #[arg(long)]
    pub push: bool,
    /// Remote to push to (default: the branch's upstream remote, else `origin`).
    #[arg(long, value_name = "NAME")]
    pub remote: Option<String>,
    /// Environment variable holding the token for git and the GitHub API.
    #[arg(long, value_name = "VAR", default_value = "GITHUB_TOKEN")]
    pub token_env: String,
    /// How the release reaches the branch (overrides `strategy` in vbump.toml).
    #[arg(long, value_enum)]
    pub strategy: Option<StrategyArg>,
    /// Make the release commit and tag as this identity (overrides `[release] author`).
    #[arg(long, value_name = "NAME <EMAIL>", value_parser = Author::parse)]
    pub author: Option<Author>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StrategyArg {
    Auto,
    Push,
    Pr,
}

impl From<StrategyArg> for Strategy {
    fn from(arg: StrategyArg) -> Strategy {
        match arg {
            StrategyArg::Auto => Strategy::Auto,
            StrategyArg::Push => Strategy::Push,
            StrategyArg::Pr => Strategy::Pr,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Also fail when the last release tag differs from the files.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SetArgs {
    /// The version to write, e.g. 1.4.0.
    pub version: String,
    /// Overwrite locations whose current value is not a valid version too (`vbump check` calls
    /// them invalid; such a location may point at something that is not the version).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// Write vbump.toml instead of printing it.
    #[arg(long)]
    pub write: bool,
}

#[derive(Debug, Clone, Args)]
pub struct RecoverArgs {
    /// Remote the interrupted release was pushing to.
    #[arg(long, value_name = "NAME")]
    pub remote: Option<String>,
    /// Environment variable holding the token for git.
    #[arg(long, value_name = "VAR", default_value = "GITHUB_TOKEN")]
    pub token_env: String,
}

#[derive(Debug, Clone, Args)]
pub struct LintArgs {
    /// Check this message.
    #[arg(long, value_name = "TEXT", conflicts_with_all = ["message_file", "range"])]
    pub message: Option<String>,
    /// Check the message in FILE (a `commit-msg` hook passes the file).
    #[arg(long, value_name = "FILE", conflicts_with = "range")]
    pub message_file: Option<PathBuf>,
    /// Check every commit in a revision range, e.g. `origin/main..HEAD`.
    #[arg(long, value_name = "RANGE")]
    pub range: Option<String>,
}

/// What every command gets: the global options, resolved.
pub(crate) struct Context {
    /// `-C DIR` and `--config FILE`.
    pub(crate) target: Target,
    pub(crate) format: Format,
    pub(crate) color: bool,
}

/// Parses `args` (the first is the program name), runs the command and returns the exit code.
pub(crate) fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> i32 {
    let cli = match parse(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let ctx = Context {
        target: Target { dir: cli.global.dir.clone(), config: cli.global.config.clone() },
        format: cli.global.format,
        color: match cli.global.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        },
    };
    // A writing command takes the repository's lock before anything is read, and holds it until
    // it returns; an unfinished journal stops it (and makes the reading commands warn).
    let _lock = match guard::guard(&ctx.target, access(&cli), &mut output::Stderr) {
        Ok(lock) => lock,
        Err(error) => {
            output::error(&error);
            return error.exit_code();
        }
    };
    let result = match cli.command {
        None => release::run(&ctx, &cli.release),
        Some(Command::Release(args)) => release::run(&ctx, &args),
        Some(Command::Plan(args)) => plan::run_plan(&ctx, &plan::request(&ctx, &args)),
        Some(Command::Next(args)) => plan::run_next(&ctx, &plan::request(&ctx, &args)),
        Some(Command::Check(args)) => check::run(&ctx, &args),
        Some(Command::Audit) => audit::run(&ctx),
        Some(Command::Set(args)) => set::run(&ctx, &args),
        Some(Command::Init(args)) => init::run(&ctx, &args),
        Some(Command::Recover(args)) => recover::run(&ctx, &args),
        Some(Command::Lint(args)) => lint::run(&ctx, &args),
        Some(Command::Completions(args)) => completions::run(args.shell),
        Some(Command::Man) => man::run(),
        Some(Command::Schema) => schema::run(),
        Some(Command::Help(args)) => help::run(args.command.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            output::error(&error);
            error.exit_code()
        }
    }
}

/// What the command may do to the repository (see [`guard::guard`]).
fn access(cli: &Cli) -> Access {
    let release = |args: &ReleaseArgs| if args.dry_run { Access::Read } else { Access::Write("release") };
    match &cli.command {
        None => release(&cli.release),
        Some(Command::Release(args)) => release(args),
        Some(Command::Set(_)) => Access::Write("set"),
        Some(Command::Recover(_)) => Access::Recover,
        Some(Command::Plan(_) | Command::Next(_) | Command::Check(_) | Command::Audit) => Access::Read,
        // `init --write` creates vbump.toml without replacing it; `lint` reads messages; the others
        // print what the binary itself knows and need no repository at all.
        Some(
            Command::Init(_)
            | Command::Lint(_)
            | Command::Completions(_)
            | Command::Man
            | Command::Schema
            | Command::Help(_),
        ) => Access::Other,
    }
}

/// Parses the arguments. Release options belong to `vbump` alone or after `vbump release`: given
/// before a subcommand (`vbump --push check`) they would be silently ignored, so they are an error. (clap's `args_conflicts_with_subcommands` would also reject the global options, as in
/// `vbump -C DIR next`.)
fn parse(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches, parser::ValueSource};
    let mut command = Cli::command();
    let matches = command.try_get_matches_from_mut(args)?;
    if let Some((name, _)) = matches.subcommand() {
        let release_only = ["dry_run", "push", "remote", "token_env", "strategy", "author", "bump", "pre"];
        if let Some(id) =
            release_only.iter().find(|id| matches.value_source(id) == Some(ValueSource::CommandLine))
        {
            let flag = format!("--{}", id.replace('_', "-"));
            return Err(command.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!("`{flag}` is an option of `vbump release`; it cannot be used before `{name}`"),
            ));
        }
    }
    Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))
}
