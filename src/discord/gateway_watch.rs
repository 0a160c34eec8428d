//! Gateway closes that serenity does not stop on, though nothing can come of going on.
//!
//! serenity 0.12 ends the client on close codes 4004, 4013 and 4014 only. On 4003 (not
//! authenticated), 4010 (invalid shard), 4011 (sharding required) and 4012 (invalid API
//! version) its shard runner logs the error and loops on the dead connection, keeping a
//! core busy while the process looks alive to a supervisor. The only place these closes
//! surface is serenity's own log events, so a tracing layer watches for them and tells
//! the bot, which then stops with a clear message and exit status 2.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use tokio::runtime::{Handle, RuntimeFlavor};
use tokio::sync::Notify;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

use super::session_gate::{started_shard, SessionGate};

/// A close the bot cannot recover from, and what to tell the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FatalClose {
    /// The gateway close code.
    pub code: u16,
    /// What went wrong and what to do.
    pub advice: &'static str,
}

/// The fatal closes, by what serenity's log says of them.
const FATAL: [(&str, FatalClose); 4] = [
    (
        "NoAuthentication",
        FatalClose {
            code: 4003,
            advice: "the gateway says the bot sent data before identifying (not authenticated)",
        },
    ),
    (
        "InvalidShardData",
        FatalClose {
            code: 4010,
            advice: "the gateway refused the shard (invalid shard): check [discord] shards (first and last must be below total)",
        },
    ),
    (
        "OverloadedShard",
        FatalClose {
            code: 4011,
            advice: "sharding required: the bot is in too many guilds for its shards; raise [discord] shards.total (or use shards = \"auto\")",
        },
    ),
    (
        "unclean close 4012",
        FatalClose {
            code: 4012,
            advice: "the gateway refused the API version (invalid API version): this build's serenity is too old for Discord",
        },
    ),
];

/// Where the layer reports a fatal close, and where the bot waits for one.
#[derive(Debug, Clone, Default)]
pub struct GatewayWatch {
    fatal: Arc<Mutex<Option<FatalClose>>>,
    notify: Arc<Notify>,
    /// Every shard start passes it (see [`super::session_gate`]).
    pub sessions: Arc<SessionGate>,
}

impl GatewayWatch {
    /// A watch nothing has been reported to yet.
    pub fn new() -> GatewayWatch {
        GatewayWatch::default()
    }

    /// Resolves with the first fatal close reported.
    pub async fn fatal(&self) -> FatalClose {
        loop {
            let notified = self.notify.notified();
            if let Some(fatal) = *self.fatal.lock().unwrap_or_else(|p| p.into_inner()) {
                return fatal;
            }
            notified.await;
        }
    }

    /// Records `fatal` (the first one wins) and wakes the bot.
    ///
    /// The wake comes from a thread of its own: reported from a shard's task that then
    /// spins on its dead connection, a wake from that worker thread would put the waiting
    /// task in the worker's own next-task slot, which no other worker takes, and the bot
    /// would never stop.
    fn report(&self, fatal: FatalClose) {
        let mut slot = self.fatal.lock().unwrap_or_else(|p| p.into_inner());
        let first = slot.is_none();
        if first {
            *slot = Some(fatal);
        }
        drop(slot);
        if first {
            let notify = self.notify.clone();
            std::thread::spawn(move || {
                notify.notify_waiters();
                notify.notify_one();
            });
        }
    }

    /// The layer that watches serenity's log events for fatal closes.
    pub fn layer(&self) -> WatchLayer {
        WatchLayer {
            watch: self.clone(),
        }
    }
}

/// The fatal close a serenity log message reports, if any.
pub fn classify(message: &str) -> Option<FatalClose> {
    FATAL
        .iter()
        .find(|(pattern, _)| message.contains(pattern))
        .map(|&(_, fatal)| fatal)
}

/// A tracing layer reporting fatal closes to a [`GatewayWatch`].
pub struct WatchLayer {
    watch: GatewayWatch,
}

/// The module whose log says a shard is about to start a session.
const SHARD_QUEUER: &str = "serenity::gateway::bridge::shard_queuer";

/// What the watch needs to see: serenity's warnings and errors, and its shard queuer's
/// starts (a static filter, so nothing else in the program is ever asked about).
pub fn filter() -> tracing_subscriber::filter::Targets {
    tracing_subscriber::filter::Targets::new()
        .with_target("serenity", Level::WARN)
        .with_target(SHARD_QUEUER, Level::DEBUG)
}

/// Sees only what [`filter`] lets through (`logging::init` installs it with it).
impl<S: Subscriber> Layer<S> for WatchLayer {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let metadata = event.metadata();
        let mut message = Message(String::new());
        event.record(&mut message);
        if *metadata.level() <= Level::WARN {
            if let Some(fatal) = classify(&message.0) {
                self.watch.report(fatal);
            }
        } else if let Some(shard) = started_shard(&message.0) {
            self.hold_start(shard);
        }
    }
}

impl WatchLayer {
    /// Makes the shard queuer wait, on its own task, when the gate says shard `shard` must.
    fn hold_start(&self, shard: u32) {
        let gate = &self.watch.sessions;
        let Some(held) = gate.admit(shard) else {
            return;
        };
        let remaining = held
            .remaining
            .map_or(String::new(), |n| format!("; {n} new sessions left today"));
        tracing::warn!(
            shard,
            wait_seconds = held.wait.as_secs(),
            "Discord keeps ending shard {shard}'s sessions ({} new ones in the last {} minutes{remaining}): waiting {} s before the next",
            held.recent,
            super::session_gate::WINDOW.as_secs() / 60,
            held.wait.as_secs(),
        );
        // block_in_place hands the worker's other tasks to another thread; a
        // single-threaded runtime has none to hand them to, so there the start goes on.
        let multi_thread = Handle::try_current()
            .is_ok_and(|handle| handle.runtime_flavor() == RuntimeFlavor::MultiThread);
        if multi_thread {
            tokio::task::block_in_place(|| gate.sleep(held.wait));
        }
    }
}

/// An event's fields, as text.
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, _: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{value:?} ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serenity_messages_are_classified_by_close() {
        let code = |m: &str| classify(m).map(|f| f.code);
        assert_eq!(
            code("Shard handler received err: Gateway(OverloadedShard)"),
            Some(4011)
        );
        assert_eq!(
            code("Shard handler received err: Gateway(InvalidShardData)"),
            Some(4010)
        );
        assert_eq!(
            code("Shard handler received err: Gateway(NoAuthentication)"),
            Some(4003)
        );
        assert_eq!(
            code("[ShardInfo { id: 0 }] Unknown unclean close 4012: \"x\""),
            Some(4012)
        );
        assert_eq!(code("Unknown unclean close 4000"), None);
        assert!(classify("sharding required").is_none());
    }

    #[tokio::test]
    async fn a_report_wakes_the_waiter() {
        let watch = GatewayWatch::new();
        let waiter = tokio::spawn({
            let watch = watch.clone();
            async move { watch.fatal().await }
        });
        tokio::task::yield_now().await;
        watch.report(classify("Gateway(OverloadedShard)").unwrap());
        assert_eq!(waiter.await.unwrap().code, 4011);
    }
}
