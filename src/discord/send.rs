//! Sending replies: bounded concurrency, bounded retries with backoff on Discord's
//! server errors and rate limits. A reply that still fails is logged; the bot goes on.

use std::time::Duration;

use serenity::all::{ChannelId, CreateMessage, Http, HttpError, MessageId};
use serenity::http::{LightMethod, Request, Route};
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
    metrics: std::sync::Arc<super::metrics::Metrics>,
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

/// Whether a failed request was rate limited (429).
fn is_rate_limited(error: &serenity::Error) -> bool {
    matches!(error, serenity::Error::Http(HttpError::UnsuccessfulRequest(response))
        if response.status_code.as_u16() == 429)
}

/// The wait before retry `attempt` (0-based).
pub fn backoff(attempt: u32) -> Duration {
    BACKOFF_START
        .saturating_mul(2u32.saturating_pow(attempt))
        .min(BACKOFF_MAX)
}

impl Sender {
    /// At most `concurrent` sends at once, each retried up to `retries` times.
    pub fn new(
        concurrent: usize,
        retries: u32,
        metrics: std::sync::Arc<super::metrics::Metrics>,
    ) -> Sender {
        Sender {
            permits: Semaphore::new(concurrent.max(1)),
            retries,
            metrics,
        }
    }

    /// Waits for a sending slot. A reply prepared once it has one (the question answered,
    /// the message built) and sent with [`Sender::send`] means a burst of questions waits
    /// as questions, not as thousands of built replies.
    pub async fn slot(&self) -> Slot<'_> {
        Slot {
            _permit: self
                .permits
                .acquire()
                .await
                .expect("the semaphore is never closed"),
        }
    }

    /// Sends `message` to `channel`, its first attempt in `slot`, retrying on server errors
    /// and rate limits, and returns the sent message's id (when Discord's answer has one).
    /// Each attempt holds one of the sending slots, the waits between attempts none: a
    /// channel whose replies are being retried does not hold up the others.
    ///
    /// The message is serialised once for all attempts, and of Discord's copy of the sent
    /// message only the id is read: parsing all of it (embed, buttons and all) cost the
    /// bot as much as answering the question. (So this skips what serenity's
    /// `send_message` adds around the request: a permission check against the cache,
    /// which Discord makes anyway, and length checks, which every reply passes by
    /// construction: see `render`'s tests.)
    pub async fn send(
        &self,
        slot: Slot<'_>,
        http: &Http,
        channel: ChannelId,
        message: CreateMessage,
    ) -> Result<Option<MessageId>, serenity::Error> {
        let mut body = serde_json::to_vec(&message).map_err(serenity::Error::Json)?;
        body.shrink_to_fit();
        // A reply waiting out a retry holds its serialised body and nothing else (not the
        // message, not a copy of the body in a request, not the request's future, which
        // is boxed while it runs).
        drop(message);
        let mut first = Some(slot);
        let mut attempt = 0;
        loop {
            let slot = match first.take() {
                Some(slot) => slot,
                None => self.slot().await,
            };
            let request = Request::new(
                Route::ChannelMessages {
                    channel_id: channel,
                },
                LightMethod::Post,
            )
            .body(Some(body.clone()));
            let sent = Box::pin(post(http, request)).await;
            drop(slot);
            if let Err(error) = &sent {
                if is_rate_limited(error) {
                    self.metrics.rest_rate_limited.inc();
                }
            }
            match sent {
                Ok(id) => return Ok(id),
                Err(error) if attempt < self.retries && retryable(&error) => {
                    self.metrics.rest_retries.inc();
                    tracing::warn!(%error, attempt, "sending a reply failed; retrying");
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }
}

/// One of the sending slots, held while a reply is prepared and sent.
pub struct Slot<'a> {
    _permit: tokio::sync::SemaphorePermit<'a>,
}

/// One attempt at `request`: the sent message's id, when Discord's answer has one.
async fn post(http: &Http, request: Request<'_>) -> Result<Option<MessageId>, serenity::Error> {
    let response = http.request(request).await?;
    // Read to the end, so the connection goes back to the pool.
    response
        .bytes()
        .await
        .map(|bytes| sent_id(&bytes))
        .map_err(|error| serenity::Error::Http(HttpError::Request(error)))
}

/// The id of the message Discord's answer describes; the rest is skipped unparsed.
fn sent_id(body: &[u8]) -> Option<MessageId> {
    #[derive(serde::Deserialize)]
    struct Sent {
        id: MessageId,
    }
    serde_json::from_slice::<Sent>(body)
        .ok()
        .map(|sent| sent.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sent_message_id_is_read_and_the_rest_skipped() {
        let body = br#"{"id":"123","embeds":[{"title":"x"}],"content":"y"}"#;
        assert_eq!(sent_id(body), Some(MessageId::new(123)));
        assert_eq!(sent_id(b"{}"), None);
        assert_eq!(sent_id(b"not json"), None);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(0), BACKOFF_START);
        assert_eq!(backoff(1), BACKOFF_START * 2);
        assert_eq!(backoff(30), BACKOFF_MAX);
    }
}
