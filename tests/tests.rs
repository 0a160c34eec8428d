//! Integration tests: one test binary, one module per surface.
//!
//! - `cli`: the built `jedi-bot` binary (ask, --json, stdin, exit codes, the other commands).
//! - `check`: `jedi-bot check` on broken copies of the data, each reporting file:line.
//! - `quality`: the engine against the question sets, with enforced floors.
//! - `properties`: proptest; no input panics, outputs stay within Discord's limits.
//! - `discord`: the real bot against a fake Discord on loopback.
//! - `conversation`: follow-up questions (engine sets, `chat --json`, and the bot against
//!   the fake Discord), and asking from anywhere (context menu, user installs).
//! - `faults`: the bot under gateway and REST faults, load, and hostile input.
//! - `feedback`: votes on answers through the fake Discord, and the curators' report.

mod check;
mod cli;
mod conversation;
mod discord;
mod faults;
mod feedback;
mod properties;
mod quality;
mod support;
