//! The fake's shared state: one lock around everything, plus a change counter waiters watch.
//!
//! The lock is a std mutex held only for bookkeeping, never across an await, so REST
//! handlers, socket tasks and test code can all touch it without deadlocks.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{mpsc, watch};

use super::{FakeConfig, Fault, RecordedRequest};

/// What a connection task is told to do with its socket.
pub(super) enum Outgoing {
    /// Send one text frame.
    Text(String),
    /// Send a close frame with this code, then end the connection.
    Close(u16, String),
    /// Drop the TCP connection without a close frame.
    Drop,
}

/// One open gateway socket.
pub(super) struct Conn {
    pub tx: mpsc::UnboundedSender<Outgoing>,
    /// The session this socket currently receives dispatches for.
    pub session: Option<String>,
    /// A fault was sent down this socket; it takes no new dispatches.
    pub closing: bool,
}

/// One dispatch in a session's log, kept for RESUME replay.
pub(super) struct LoggedEvent {
    pub seq: u64,
    pub t: String,
    pub d: Value,
    pub guild_id: Option<u64>,
    pub text: String,
    /// Handed to a live socket at least once.
    pub written: bool,
}

/// A dispatch that has no session to go to yet.
pub(super) struct PendingEvent {
    pub t: String,
    pub d: Value,
    pub guild_id: Option<u64>,
}

/// A gateway session (created by IDENTIFY, continued by RESUME).
pub(super) struct Session {
    pub shard: [u64; 2],
    pub next_seq: u64,
    pub log: VecDeque<LoggedEvent>,
    pub conn: Option<u64>,
    /// False after op 9 `d:false`: a RESUME of it is refused.
    pub valid: bool,
}

/// Per-interaction bookkeeping, keyed by token.
pub(super) struct InteractionState {
    pub id: u64,
    pub acked: bool,
    pub created: Instant,
    /// The message of a component interaction (type 7 callbacks edit it).
    pub message_id: Option<u64>,
    pub channel_id: u64,
    /// Who sent it.
    pub user_id: u64,
    pub original: Option<Value>,
    pub followups: HashMap<u64, Value>,
    /// Indices into `Inner::requests` of every REST call about this interaction.
    pub calls: Vec<usize>,
}

#[derive(Default)]
pub(super) struct Inner {
    pub last_id: u64,
    pub requests: Vec<RecordedRequest>,
    /// Requests received, kept or not (see `FakeConfig::keep_history`).
    pub request_total: usize,
    pub faults: Vec<Fault>,
    pub messages: HashMap<u64, Value>,
    /// `POST /channels/{id}/messages` answered 200: (index into `requests`, created id).
    pub message_posts: Vec<(usize, u64)>,
    pub commands_global: Vec<Value>,
    pub commands_guild: BTreeMap<u64, Vec<Value>>,
    pub command_ids: HashMap<String, u64>,
    pub interactions: HashMap<String, InteractionState>,
    pub interaction_tokens: HashMap<u64, String>,
    pub user_names: HashMap<u64, String>,
    pub dm_channels: HashSet<u64>,
    // gateway
    pub next_conn: u64,
    pub next_session: u64,
    pub conns: HashMap<u64, Conn>,
    pub sessions: HashMap<String, Session>,
    pub shard_sessions: HashMap<u64, String>,
    pub shard_total: u64,
    pub pending: Vec<PendingEvent>,
    pub identify_count: usize,
    pub ready_count: usize,
    pub resume_count: usize,
    pub resumed_count: usize,
    pub reject_token: bool,
    pub invalidate_sessions: bool,
    pub no_heartbeat_ack: bool,
    pub gateway_received: Vec<Value>,
}

impl Inner {
    /// A fresh snowflake: Discord-epoch milliseconds in the top bits, strictly increasing.
    pub fn next_id(&mut self) -> u64 {
        const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
        let from_clock = super::payloads::now_ms().saturating_sub(DISCORD_EPOCH_MS) << 22;
        self.last_id = from_clock.max(self.last_id + 1);
        self.last_id
    }

    pub fn user_name(&self, id: u64) -> String {
        self.user_names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("user{id}"))
    }

    /// Sockets attached to a session (READY or RESUMED sent) that no fault has hit.
    pub fn connected(&self) -> bool {
        self.conns
            .values()
            .any(|c| !c.closing && c.session.is_some())
    }
}

pub(super) struct Shared {
    inner: Mutex<Inner>,
    changes: watch::Sender<u64>,
    pub config: FakeConfig,
    pub rest_url: String,
    pub gateway_url: String,
    pub debug: bool,
}

impl Shared {
    pub fn new(config: FakeConfig, rest_url: String, gateway_url: String) -> Self {
        let (changes, _) = watch::channel(0);
        let inner = Inner {
            shard_total: 1,
            ..Inner::default()
        };
        Self {
            inner: Mutex::new(inner),
            changes,
            config,
            rest_url,
            gateway_url,
            debug: std::env::var_os("FAKE_DISCORD_DEBUG")
                .is_some_and(|v| !v.is_empty() && v != "0"),
        }
    }

    /// Locks the state; a poisoned lock is taken over rather than propagated.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Wakes every waiter (call after a change, with the lock released).
    pub fn notify(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub fn log(&self, what: std::fmt::Arguments<'_>) {
        if self.debug {
            eprintln!("[fake-discord] {what}");
        }
    }

    /// Waits until `check` returns `Some`, re-checking after every change; `None` on timeout.
    pub async fn wait_until<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&Inner) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut rx = self.changes.subscribe();
        loop {
            rx.borrow_and_update();
            if let Some(found) = check(&self.lock()) {
                return Some(found);
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) | Err(_) => return check(&self.lock()),
            }
        }
    }
}
