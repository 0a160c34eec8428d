//! Which gateway events go where: messages straight to the question handler, everything
//! else (slash commands, buttons, READY) through poise.
//!
//! poise handles every event in one large future, boxed per event. Messages are
//! most of a busy bot's events and poise has nothing to do with them here (no prefix
//! commands), so routing them past it saves that allocation and copy on each one, and under
//! a burst keeps thousands of such futures from being alive at once.

use std::sync::{Arc, OnceLock};

use serenity::all::{Client, Context, FullEvent, UserId};

use super::app::App;
use super::{handler, Error};

/// The framework the client runs: poise, with messages routed past it.
pub struct Router {
    poise: poise::Framework<Arc<App>, Error>,
    app: Arc<App>,
    /// The bot's own user, known from READY (as poise learns it).
    bot: OnceLock<UserId>,
    /// The ids of the messages and interactions handled lately: Discord may deliver one
    /// twice (after a resume), and it must be answered once.
    seen: std::sync::Mutex<lru::LruCache<u64, ()>>,
}

/// How many recent message and interaction ids are remembered for deduplication.
const SEEN: usize = 10_000;

impl Router {
    /// Routes messages to `app` and everything else to `poise`.
    pub fn new(poise: poise::Framework<Arc<App>, Error>, app: Arc<App>) -> Router {
        Router {
            poise,
            app,
            bot: OnceLock::new(),
            seen: std::sync::Mutex::new(lru::LruCache::new(
                std::num::NonZeroUsize::new(SEEN).expect("non-zero"),
            )),
        }
    }

    /// Whether `id` was seen before (and remembers it).
    fn seen_before(&self, id: u64) -> bool {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.put(id, ()).is_some()
    }
}

#[serenity::async_trait]
impl serenity::framework::Framework for Router {
    async fn init(&mut self, client: &Client) {
        serenity::framework::Framework::init(&mut self.poise, client).await;
    }

    async fn dispatch(&self, ctx: Context, event: FullEvent) {
        if let FullEvent::Ready { data_about_bot } = &event {
            let _ = self.bot.set(data_about_bot.user.id);
        }
        let id = match &event {
            FullEvent::Message { new_message } => Some(new_message.id.get()),
            FullEvent::InteractionCreate { interaction } => Some(interaction.id().get()),
            _ => None,
        };
        if id.is_some_and(|id| self.seen_before(id)) {
            tracing::debug!(id, "an event delivered twice; handled once");
            return;
        }
        match (&event, self.bot.get()) {
            (FullEvent::Message { new_message }, Some(&bot)) => {
                handler::on_message(new_message, &ctx.http, bot, &self.app);
            }
            // Before READY a message cannot arrive; should one, poise waits for READY.
            _ => serenity::framework::Framework::dispatch(&self.poise, ctx, event).await,
        }
    }
}
