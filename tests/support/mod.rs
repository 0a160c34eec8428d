//! Helpers shared by the test modules.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository's data directory.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// The built `jedi-bot` binary, with a clean environment for the variables it reads.
pub fn jedi_bot() -> Command {
    let mut command = Command::cargo_bin("jedi-bot").expect("the binary is built");
    command.env_remove("DISCORD_TOKEN").env_remove("RUST_LOG");
    command
}

/// A copy of the data directory in a temporary directory, to break on purpose.
pub fn data_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for entry in std::fs::read_dir(data_dir()).expect("the data directory") {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

pub mod bot_process;
pub mod fake_discord;
