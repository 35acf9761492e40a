//! The `duban` command.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod parse_cmd;

#[derive(Debug, Parser)]
#[command(name = "duban", version, about = "督办 — run a government work plan from the document to the bulletin")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Md,
    Csv,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read work-plan documents (.txt in UTF-8 or GBK, .docx) into task ledgers.
    Parse {
        /// Documents to read.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// Output file (one input) or directory (several inputs: DIR/NAME.json for each NAME.txt).
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
    },
}

/// A failure the user can act on: exit code 2 for bad input, 1 for everything else.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn input(path: &Path, message: impl std::fmt::Display) -> Self {
        CliError { code: 2, message: format!("{}: {message}", path.display()) }
    }
    pub fn io(path: &Path, err: &std::io::Error) -> Self {
        CliError { code: 1, message: format!("{}: {err}", path.display()) }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Parse { files, format, output } => parse_cmd::run(&files, format, output.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("duban: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}
