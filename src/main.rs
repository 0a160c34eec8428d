//! The `jedi-bot` binary: parses the command line, runs the subcommand, and reports any
//! error once, here at the top.

mod cli;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::args::Cli::parse();
    match cli::run(args.command) {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::from(cli::SUCCESS);
            }
            let _ = writeln!(io::stderr(), "jedi-bot: {error:#}");
            ExitCode::from(cli::ERROR)
        }
    }
}

/// A closed pipe (`jedi-bot export | head`) is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        let io_kind = cause.downcast_ref::<io::Error>().map(io::Error::kind);
        let json_kind = cause
            .downcast_ref::<serde_json::Error>()
            .and_then(serde_json::Error::io_error_kind);
        io_kind.or(json_kind) == Some(io::ErrorKind::BrokenPipe)
    })
}
