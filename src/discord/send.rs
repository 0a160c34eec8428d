//! Sending replies: bounded concurrency, bounded retries with backoff on Discord's
//! server errors and rate limits. A reply that still fails is logged; the bot goes on.

use std::time::Duration;

use serenity::all::{ChannelId, CreateMessage, Http, HttpError, Message};
use tokio::sync::Semaphore;

/// The first retry waits this long; each next one twice as long.
pub const BACKOFF_START: Duration = Duration::from_millis(200);
/// No retry waits longer than this.
pub const BACKOFF_MAX: Duration = Duration::from_secs(5);

/// Sends replies with at most N in flight.
#[derive(Debug)]
pub struct Sender {
    permits: Semaphore,
    retries: u32,
}

/// Whether a failed request is worth trying again: a 5xx or a 429. Timeouts and other
/// transport errors are not retried (the message may have been delivered).
pub fn retryable(error: &serenity::Error) -> bool {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            let status = response.status_code.as_u16();
            status == 429 || (500..600).contains(&status)
        }
        _ => false,
    }
}

/// The wait before retry `attempt` (0-based).
pub fn backoff(attempt: u32) -> Duration {
    BACKOFF_START
        .saturating_mul(2u32.saturating_pow(attempt))
        .min(BACKOFF_MAX)
}

impl Sender {
    /// At most `concurrent` sends at once, each retried up to `retries` times.
    pub fn new(concurrent: usize, retries: u32) -> Sender {
        Sender {
            permits: Semaphore::new(concurrent.max(1)),
            retries,
        }
    }

    /// Waits for a reply slot. Hold it while building and sending the reply: under a burst,
    /// questions queue here holding only their message, not a rendered reply.
    pub async fn slot(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.permits
            .acquire()
            .await
            .expect("the semaphore is never closed")
    }

    /// Sends `message` to `channel`, retrying on server errors and rate limits. The caller
    /// holds a [`slot`](Self::slot).
    pub async fn send(
        &self,
        http: &Http,
        channel: ChannelId,
        message: CreateMessage,
    ) -> Result<Message, serenity::Error> {
        let mut attempt = 0;
        loop {
            match channel.send_message(http, message.clone()).await {
                Ok(sent) => return Ok(sent),
                Err(error) if attempt < self.retries && retryable(&error) => {
                    tracing::warn!(%error, attempt, "sending a reply failed; retrying");
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(0), BACKOFF_START);
        assert_eq!(backoff(1), BACKOFF_START * 2);
        assert_eq!(backoff(30), BACKOFF_MAX);
    }
}
