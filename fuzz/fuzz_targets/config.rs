//! The config parser on arbitrary text: a config or an error, never a panic, and the
//! token never shown, neither in an error (Display or Debug) nor in a config's `Debug`.
#![no_main]

use jedi_bot::config::{Config, ConfigError};
use libfuzzer_sys::fuzz_target;

/// A valid-looking token, and one with a space (rejected: the error must not show it).
const TOKENS: [&str; 2] = ["FUZZ-TOKEN-0123456789", "FUZZ-TOKEN 0123456789"];

/// 1 + the number of line breaks of `text`.
fn lines(text: &str) -> usize {
    text.matches('\n').count() + 1
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for env in [Some(TOKENS[0]), Some(TOKENS[1]), None] {
        // Text that itself holds the token may legitimately echo it (a bad proxy_url, say).
        let secret = env.filter(|t| !text.contains(t) && !text.contains(&t[5..]));
        match Config::parse(&text, "config.toml", env.map(String::from)) {
            Ok(config) => {
                let shown = format!("{config:?}");
                if let Some(secret) = secret {
                    assert!(!shown.contains(secret), "Debug of a config shows the token");
                }
                let token = config.discord.token.as_ref().expect("a config has a token");
                assert!(
                    !token.expose().trim().is_empty()
                        && !token.expose().chars().any(char::is_whitespace),
                    "a blank or spaced token was accepted"
                );
                if env == Some(TOKENS[0]) {
                    assert_eq!(token.expose(), TOKENS[0], "the environment's token lost");
                }
                assert!(
                    shown.contains("Token([redacted])"),
                    "Debug of a config does not redact the token: {shown}"
                );
                let _ = config.engine.thresholds();
            }
            Err(error) => {
                let message = error.to_string();
                let debug = format!("{error:?}");
                if let Some(secret) = secret {
                    assert!(
                        !message.contains(secret),
                        "an error shows the token: {message}"
                    );
                    assert!(
                        !debug.contains(secret),
                        "an error's Debug shows the token: {debug}"
                    );
                }
                assert!(
                    message.contains("config.toml"),
                    "an error names no file: {message}"
                );
                if let ConfigError::Syntax { line, column, .. } = &error {
                    assert!(
                        *line >= 1 && *line <= lines(&text) && *column >= 1,
                        "syntax error at {line}:{column}, outside the {} lines",
                        lines(&text)
                    );
                }
            }
        }
    }
});
