//! The Discord layer (work in progress).

pub mod unanswered;

use std::path::Path;

/// Runs the bot with the configuration in `path`.
pub fn run_from_file(_path: &Path) -> anyhow::Result<u8> {
    anyhow::bail!("the Discord bot is not built yet")
}
