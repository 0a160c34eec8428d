//! The `jedi-bot` binary: parses the command line, runs the subcommand, and reports any
//! error once, here at the top.

mod cli;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

/// jemalloc, not the system allocator: a burst of questions allocates and frees many
/// small records, and the few that live on (the conversations behind the bot's answers)
/// are scattered through memory the burst used. jemalloc's size classes keep them
/// together and give the rest back, where glibc's heap stayed at the burst's peak
/// (docs/operations.md, memory).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read when it starts (`_RJEM_MALLOC_CONF` in the environment
/// overrides them): one arena, as the bot's work is small and spread over few threads,
/// so that one burst's memory serves the next whichever thread runs it; and freed pages
/// go back to the system at once rather than after a delay, so bursts in a row do
/// not add up.
#[cfg(not(target_env = "msvc"))]
#[export_name = "_rjem_malloc_conf"]
static ALLOCATOR_SETTINGS: &[u8; 44] = b"narenas:1,dirty_decay_ms:0,muzzy_decay_ms:0\0";

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
