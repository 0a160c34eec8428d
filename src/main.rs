//! The `jedi-bot` binary: parses the command line, runs the subcommand, and reports any
//! error once, here at the top.

mod cli;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    one_malloc_arena();
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

/// Has glibc's allocator keep one arena for the whole process, unless `MALLOC_ARENA_MAX`
/// says otherwise. By default each thread that allocates gets an arena of its own, each
/// grows to its own peak, so a burst of questions handled on several worker threads costs
/// several peaks of memory; one arena costs a little throughput at rates far above what
/// Discord lets a bot send (docs/performance.md). Called first thing, before any thread
/// starts.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a parameter of the allocator, and no other thread
        // exists yet to allocate concurrently.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 1);
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
