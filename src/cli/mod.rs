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
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `vbump plan`, which is what `vbump` without a subcommand does (it never writes).
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Same as `vbump` alone: print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct GlobalArgs {
    /// Run in DIR instead of the current directory; relative paths given to vbump are relative to it.
    #[arg(short = 'C', value_name = "DIR", global = true, default_value = ".")]
    pub dir: PathBuf,
    /// Read settings from FILE (relative to `-C DIR`) instead of vbump.toml at the repository root.
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
pub(crate) enum Format {
    Human,
    Json,
    /// GitHub Actions workflow commands (`::error file=…::`); `check` and `lint` only.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Bump, write, commit, tag and (with --push) push a release.
    #[command(after_help = help::RELEASE)]
    Release(ReleaseArgs),
    /// Print what a release would do, changing nothing (same as `vbump` alone).
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
pub(crate) struct HelpArgs {
    /// The command to explain.
    pub command: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// How the next version is chosen.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct PlanArgs {
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
pub(crate) enum BumpArg {
    Auto,
    Major,
    Minor,
    Patch,
}

impl BumpArg {
    /// The forced level, `None` for `auto`.
    pub(crate) fn level(self) -> Option<Level> {
        match self {
            BumpArg::Auto => None,
            BumpArg::Major => Some(Level::Major),
            BumpArg::Minor => Some(Level::Minor),
            BumpArg::Patch => Some(Level::Patch),
        }
    }
}

#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ReleaseArgs {
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
    /// Leave each GitHub Release a draft, for a later step to attach assets to and publish (as
    /// `[github] draft = true` does).
    #[arg(long)]
    pub draft: bool,
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
pub(crate) struct CheckArgs {
    /// Also fail when the last release tag differs from the files.
    #[arg(long)]
    pub strict: bool,
    /// Only this package (repeatable), in a repository of several packages.
    #[arg(long = "package", value_name = "NAME")]
    pub packages: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct SetArgs {
    /// The version to write, e.g. 1.4.0.
    pub version: String,
    /// Overwrite locations whose current value is not a valid version too (`vbump check` calls
    /// them invalid; such a location may point at something that is not the version).
    #[arg(long)]
    pub force: bool,
    /// Set this package (repeatable), in a repository of several packages; required there.
    #[arg(long = "package", value_name = "NAME")]
    pub packages: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct InitArgs {
    /// Write vbump.toml instead of printing it.
    #[arg(long)]
    pub write: bool,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct RecoverArgs {
    /// Remote the interrupted release was pushing to.
    #[arg(long, value_name = "NAME")]
    pub remote: Option<String>,
    /// Environment variable holding the token for git.
    #[arg(long, value_name = "VAR", default_value = "GITHUB_TOKEN")]
    pub token_env: String,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct LintArgs {
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
    /// `-C DIR` and `--config FILE` (made relative to `-C DIR`).
    pub(crate) target: Target,
    pub(crate) format: Format,
    /// Colour the result on stdout.
    pub(crate) color: bool,
    /// Colour the `error:` and `warning:` prefixes on stderr.
    pub(crate) color_stderr: bool,
}

impl Context {
    /// Where a command's notes and warnings go.
    pub(crate) fn reporter(&self) -> output::Stderr {
        output::Stderr { color: self.color_stderr }
    }
}

/// Whether colour is on for a stream: `--color always|never`, or for `auto` a terminal and no
/// `NO_COLOR`.
fn colored(choice: Color, terminal: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
    }
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
    let dir = cli.global.dir.clone();
    // One rule for every relative path vbump is given: relative to `-C DIR`, as with `git -C`.
    let config = cli.global.config.as_ref().map(|file| dir.join(file));
    let ctx = Context {
        target: Target { dir, config },
        format: cli.global.format,
        color: colored(cli.global.color, std::io::stdout().is_terminal()),
        color_stderr: colored(cli.global.color, std::io::stderr().is_terminal()),
    };
    // A writing command takes the repository's lock before anything is read, and holds it until
    // it returns; an unfinished journal stops it (and makes the reading commands warn).
    let _lock = match guard::guard(&ctx.target, access(&cli), &mut ctx.reporter()) {
        Ok(lock) => lock,
        Err(error) => {
            ctx.reporter().error(&error);
            return error.exit_code();
        }
    };
    let result = match github_format_refused(&ctx, cli.command.as_ref()) {
        Some(refused) => Err(refused),
        None => dispatch(&ctx, cli),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            ctx.reporter().error(&error);
            error.exit_code()
        }
    }
}

/// What the command may do to the repository (see [`guard::guard`]).
fn access(cli: &Cli) -> Access {
    match &cli.command {
        // `vbump` alone is the plan: it never writes.
        None => Access::Read,
        Some(Command::Release(args)) if args.dry_run => Access::Read,
        Some(Command::Release(_)) => Access::Write("release"),
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

/// `--format github` means workflow-command annotations, which only `check` and `lint` produce;
/// any other command refuses it (exit 2) rather than print something else.
fn github_format_refused(ctx: &Context, command: Option<&Command>) -> Option<crate::error::Error> {
    if ctx.format != Format::Github
        || matches!(command, Some(Command::Check(_) | Command::Audit | Command::Lint(_)))
    {
        return None;
    }
    let name = match command {
        None | Some(Command::Plan(_)) => "plan",
        Some(Command::Release(_)) => "release",
        Some(Command::Next(_)) => "next",
        Some(Command::Set(_)) => "set",
        Some(Command::Init(_)) => "init",
        Some(Command::Recover(_)) => "recover",
        Some(
            Command::Check(_)
            | Command::Audit
            | Command::Lint(_)
            | Command::Completions(_)
            | Command::Man
            | Command::Schema
            | Command::Help(_),
        ) => return None,
    };
    Some(
        crate::error::Error::input(format!("`--format github` is not supported by `vbump {name}`"))
            .hint("`--format github` (workflow-command annotations) is for `check` and `lint`; use `--format human` or `--format json`"),
    )
}

fn dispatch(ctx: &Context, cli: Cli) -> Result<i32> {
    match cli.command {
        None => plan::run_plan(ctx, &plan::request(ctx, &cli.plan)),
        Some(Command::Release(args)) => release::run(ctx, &args),
        Some(Command::Plan(args)) => plan::run_plan(ctx, &plan::request(ctx, &args)),
        Some(Command::Next(args)) => plan::run_next(ctx, &plan::request(ctx, &args)),
        Some(Command::Check(args)) => check::run(ctx, &args),
        Some(Command::Audit) => audit::run(ctx),
        Some(Command::Set(args)) => set::run(ctx, &args),
        Some(Command::Init(args)) => init::run(ctx, &args),
        Some(Command::Recover(args)) => recover::run(ctx, &args),
        Some(Command::Lint(args)) => lint::run(ctx, &args),
        Some(Command::Completions(args)) => completions::run(args.shell),
        Some(Command::Man) => man::run(),
        Some(Command::Schema) => schema::run(),
        Some(Command::Help(args)) => help::run(args.command.as_deref()),
    }
}

/// Parses the arguments. The plan options of `vbump` alone (`--bump`, `--pre`, `--dry-run`) given
/// before a subcommand (`vbump --bump major check`) would be silently ignored, so they are an
/// error; release options there (`vbump --push next`) are unknown to `vbump` alone and say where
/// they belong. (clap's `args_conflicts_with_subcommands` would also reject the global options,
/// as in `vbump -C DIR next`.)
fn parse(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches, parser::ValueSource};
    let mut command = Cli::command();
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let matches = match command.try_get_matches_from_mut(args.clone()) {
        Ok(matches) => matches,
        Err(e) if e.kind() == clap::error::ErrorKind::UnknownArgument => {
            return Err(release_option_misplaced(&mut command, &args).unwrap_or(e));
        }
        Err(e) => return Err(e),
    };
    if let Some((name, _)) = matches.subcommand() {
        // Derived from the definitions, so a new plan option is covered without a list to keep.
        let plan_options = PlanArgs::augment_args(clap::Command::new("plan"));
        let ids =
            plan_options.get_arguments().map(|arg| arg.get_id().to_string()).chain(["dry_run".to_string()]);
        if let Some(id) =
            ids.into_iter().find(|id| matches.value_source(id) == Some(ValueSource::CommandLine))
        {
            let flag = format!("--{}", id.replace('_', "-"));
            return Err(command.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!("`{flag}` is an option of `vbump` alone or of the subcommand; it cannot be used before `{name}`"),
            ));
        }
    }
    Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))
}

/// For an option of `vbump release` given without it (`vbump --push`, `vbump --push next`): an
/// error that says where it belongs. Bare `vbump` is the plan and never writes.
fn release_option_misplaced(command: &mut clap::Command, args: &[OsString]) -> Option<clap::Error> {
    let release_only = ReleaseArgs::augment_args(clap::Command::new("release"));
    let plan_options = PlanArgs::augment_args(clap::Command::new("plan"));
    let first_subcommand = args
        .iter()
        .skip(1)
        .position(|arg| command.get_subcommands().any(|sub| arg.to_str() == Some(sub.get_name())));
    let before = &args[1..1 + first_subcommand.unwrap_or(args.len() - 1)];
    for arg in release_only.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        if arg.get_id() == "dry_run" || plan_options.get_arguments().any(|p| p.get_id() == arg.get_id()) {
            continue;
        }
        let flag = format!("--{long}");
        let given = before
            .iter()
            .any(|a| a.to_str().is_some_and(|a| a == flag || a.starts_with(&format!("{flag}="))));
        if given {
            let message = match first_subcommand.map(|i| &args[i + 1]) {
                Some(name) if name != "release" => format!(
                    "`{flag}` is an option of `vbump release`; it cannot be used before `{}`",
                    name.to_string_lossy()
                ),
                _ => format!(
                    "`{flag}` is an option of `vbump release`: `vbump` alone only plans and never writes; run `vbump release {flag}`"
                ),
            };
            return Some(command.error(clap::error::ErrorKind::ArgumentConflict, message));
        }
    }
    None
}
