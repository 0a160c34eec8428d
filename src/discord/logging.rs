//! Logs (tracing), with the token scrubbed from every line and from panic messages.

use std::io::{self, Write};
use std::sync::Arc;

use tracing_subscriber::filter::{filter_fn, FilterExt};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Whether log lines from `target` are the websocket crates' frame-level logging, which
/// is never shown, whatever `RUST_LOG` says: at trace level it writes every frame's payload
/// (IDENTIFY and RESUME carry the token) as hex and as byte lists, which the token
/// scrubbing cannot recognise.
fn is_frame_logging(target: &str) -> bool {
    ["tungstenite", "tokio_tungstenite"]
        .iter()
        .any(|crate_name| {
            target == *crate_name
                || target
                    .strip_prefix(crate_name)
                    .is_some_and(|rest| rest.starts_with("::"))
        })
}

/// What replaces the token wherever it would appear.
pub const REDACTED: &str = "[redacted]";

/// Writes log lines to standard error with every occurrence of the secret replaced.
#[derive(Clone)]
pub struct Redacting {
    secret: Arc<str>,
}

impl Redacting {
    /// Scrubs `secret` (ignored when shorter than 8 characters: too likely to hit words).
    pub fn new(secret: &str) -> Redacting {
        Redacting {
            secret: Arc::from(secret),
        }
    }

    /// `text` with the secret replaced.
    pub fn scrub(&self, text: &str) -> String {
        if self.secret.len() >= 8 && text.contains(&*self.secret) {
            text.replace(&*self.secret, REDACTED)
        } else {
            text.to_string()
        }
    }
}

/// One log line, written (scrubbed) when dropped.
pub struct LineWriter {
    redacting: Redacting,
    buffer: Vec<u8>,
}

impl Write for LineWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for LineWriter {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.buffer);
        let _ = io::stderr()
            .lock()
            .write_all(self.redacting.scrub(&text).as_bytes());
    }
}

impl<'a> MakeWriter<'a> for Redacting {
    type Writer = LineWriter;

    fn make_writer(&'a self) -> LineWriter {
        LineWriter {
            redacting: self.clone(),
            buffer: Vec::with_capacity(256),
        }
    }
}

/// Starts logging: `RUST_LOG` if set, else `level`; the token never reaches the output,
/// and panics are logged (scrubbed) instead of printed raw.
pub fn init(level: &str, token: &str, watch: super::gateway_watch::WatchLayer) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let redacting = Redacting::new(token);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(redacting.clone())
        .with_ansi(false)
        .with_filter(filter.and(filter_fn(|meta| !is_frame_logging(meta.target()))));
    // The watch sees what it needs of serenity whatever the log filter lets through.
    let _ = tracing_subscriber::registry()
        .with(layer)
        .with(watch.with_filter(super::gateway_watch::filter()))
        .try_init();
    std::panic::set_hook(Box::new(move |info| {
        let message = redacting.scrub(&info.to_string());
        tracing::error!(target: "jedi_bot::panic", "{message}");
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_scrubbed_everywhere_in_a_line() {
        let r = Redacting::new("MTIzNDU2Nzg5.secret.token");
        assert_eq!(
            r.scrub("a MTIzNDU2Nzg5.secret.token b MTIzNDU2Nzg5.secret.token"),
            "a [redacted] b [redacted]"
        );
        assert_eq!(Redacting::new("short").scrub("short"), "short");
    }

    #[test]
    fn the_websocket_crates_frame_logging_is_never_shown() {
        assert!(is_frame_logging("tungstenite::protocol"));
        assert!(is_frame_logging("tokio_tungstenite"));
        assert!(!is_frame_logging("serenity::gateway"));
        assert!(!is_frame_logging("tungstenite_other"));
    }
}
