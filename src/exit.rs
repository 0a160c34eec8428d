//! The exit statuses of `jedi-bot`, in one table: what every command returns, and what
//! `main` maps an error to.

/// Done: answered, the data is good, the bot stopped because it was asked to.
pub const SUCCESS: u8 = 0;
/// Ran fine, but a question was not answered, a quote not found, or the data has
/// problems (`check`).
pub const NEGATIVE: u8 = 1;
/// An error: bad configuration or data, the token rejected, the gateway closed for good,
/// a file that cannot be read.
pub const ERROR: u8 = 2;
