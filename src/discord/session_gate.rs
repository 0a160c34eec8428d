//! New gateway sessions, rationed.
//!
//! Discord allows a bot a fixed number of new sessions (IDENTIFYs) a day, and says how
//! many are left in `session_start_limit`; past it the token is reset. serenity ignores
//! that number and starts a new session 5 s after any it loses, so a gateway that keeps
//! invalidating sessions (op 9) would have the bot identify about 17,000 times a day. The
//! gate lets each shard start a few sessions freely, then makes it wait, twice as long each
//! time, until one of its sessions stays up; and it holds every shard when the day's
//! allowance is spent, until Discord's reset.
//!
//! serenity has no hook before a shard starts, so the gate is driven from its log: the
//! shard queuer logs each start before it connects, and the watch layer
//! ([`super::gateway_watch`]) waits here, on the queuer's task, before letting it go on.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// New sessions a shard may start within [`WINDOW`] without waiting.
pub const FREE_STARTS: usize = 4;
/// The span [`FREE_STARTS`] counts over.
pub const WINDOW: Duration = Duration::from_secs(600);
/// The first wait once a shard's free starts are spent; each further one doubles ...
pub const FIRST_WAIT: Duration = Duration::from_secs(15);
/// ... up to this (a shard that never stays up then starts about 150 sessions a day).
pub const LONGEST_WAIT: Duration = Duration::from_secs(600);
/// A session up this long shows the gateway is healthy again: waits start over.
pub const STAYED_UP: Duration = Duration::from_secs(60);

/// The day's allowance, from `GET /gateway/bot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartLimit {
    /// New sessions left until `resets_at`.
    pub remaining: u64,
    /// New sessions allowed in a day.
    pub total: u64,
    /// When `remaining` goes back to `total`.
    pub resets_at: Instant,
}

/// One shard's recent starts.
#[derive(Debug, Default)]
struct ShardStarts {
    /// Starts within the last [`WINDOW`], oldest first.
    recent: Vec<Instant>,
    /// Waits imposed since the shard last stayed up.
    waits: u32,
    /// Since when the shard's current session has been up, if it is.
    up_since: Option<Instant>,
}

#[derive(Debug, Default)]
struct State {
    shards: HashMap<u32, ShardStarts>,
    limit: Option<StartLimit>,
    stopping: bool,
}

impl State {
    /// How long shard `shard` must wait before starting a session at `now`; records the
    /// start it will make then.
    fn admit(&mut self, shard: u32, now: Instant) -> Duration {
        let starts = self.shards.entry(shard).or_default();
        starts.up_since = None;
        starts
            .recent
            .retain(|&at| now.saturating_duration_since(at) < WINDOW);
        let mut wait = Duration::ZERO;
        if starts.recent.len() >= FREE_STARTS {
            wait = FIRST_WAIT
                .saturating_mul(1 << starts.waits.min(16))
                .min(LONGEST_WAIT);
            starts.waits += 1;
        }
        if let Some(limit) = &mut self.limit {
            if now >= limit.resets_at {
                limit.remaining = limit.total;
                limit.resets_at = now + Duration::from_secs(86_400);
            }
            if limit.remaining == 0 {
                wait = wait.max(limit.resets_at.saturating_duration_since(now));
                limit.remaining = limit.total;
            }
            limit.remaining = limit.remaining.saturating_sub(1);
        }
        starts.recent.push(now + wait);
        wait
    }
}

/// Why a start had to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    /// The shard.
    pub shard: u32,
    /// How long it waits.
    pub wait: Duration,
    /// Sessions it started within [`WINDOW`] before this one.
    pub recent: usize,
    /// The day's allowance left, when known.
    pub remaining: Option<u64>,
}

/// The gate every shard start passes.
#[derive(Debug, Default)]
pub struct SessionGate {
    state: Mutex<State>,
    wake: Condvar,
}

impl SessionGate {
    /// A gate with no starts seen and no known allowance.
    pub fn new() -> SessionGate {
        SessionGate::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records the day's allowance (`reset_after` from now).
    pub fn set_limit(&self, remaining: u64, total: u64, reset_after: Duration) {
        self.state().limit = Some(StartLimit {
            remaining,
            total: total.max(1),
            resets_at: Instant::now() + reset_after,
        });
    }

    /// Shard `shard` is about to start a session: how long it must wait first (recorded
    /// as a start), or `None` to go at once.
    pub fn admit(&self, shard: u32) -> Option<Held> {
        let mut state = self.state();
        if state.stopping {
            return None;
        }
        let wait = state.admit(shard, Instant::now());
        let recent = state.shards.get(&shard).map_or(0, |s| s.recent.len() - 1);
        let remaining = state.limit.map(|l| l.remaining);
        (!wait.is_zero()).then_some(Held {
            shard,
            wait,
            recent,
            remaining,
        })
    }

    /// Blocks the calling thread for `wait`, or until [`SessionGate::stop`].
    pub fn sleep(&self, wait: Duration) {
        let deadline = Instant::now() + wait;
        let mut state = self.state();
        while !state.stopping {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = self
                .wake
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// The shards whose sessions are up now (called about once a second): a session up
    /// for [`STAYED_UP`] ends its shard's waits.
    pub fn shards_up(&self, up: &std::collections::HashSet<u32>) {
        let now = Instant::now();
        let mut state = self.state();
        for (id, starts) in &mut state.shards {
            if !up.contains(id) {
                starts.up_since = None;
                continue;
            }
            let since = *starts.up_since.get_or_insert(now);
            if now.saturating_duration_since(since) >= STAYED_UP {
                starts.waits = 0;
            }
        }
    }

    /// Releases every waiting start, and lets every later one through: the bot is stopping.
    pub fn stop(&self) {
        self.state().stopping = true;
        self.wake.notify_all();
    }
}

/// The shard a serenity shard-queuer start message names ("... Checked start for shard 3
/// out of 8").
pub fn started_shard(message: &str) -> Option<u32> {
    let rest = message.split("Checked start for shard ").nth(1)?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waits(state: &mut State, shard: u32, at: &[u64]) -> Vec<u64> {
        let zero = Instant::now();
        at.iter()
            .map(|&s| state.admit(shard, zero + Duration::from_secs(s)).as_secs())
            .collect()
    }

    #[test]
    fn a_shard_starts_freely_then_waits_twice_as_long_each_time() {
        let mut state = State::default();
        assert_eq!(
            waits(&mut state, 0, &[0, 5, 10, 15, 20, 40, 75, 140]),
            [0, 0, 0, 0, 15, 30, 60, 120]
        );
        // Another shard has its own free starts.
        assert_eq!(waits(&mut state, 1, &[140, 145]), [0, 0]);
    }

    #[test]
    fn waits_stop_growing_at_the_longest() {
        let mut state = State::default();
        let at: Vec<u64> = (0..20).map(|n| n * 5).collect();
        let longest = waits(&mut state, 0, &at).into_iter().max();
        assert_eq!(longest, Some(LONGEST_WAIT.as_secs()));
    }

    #[test]
    fn starts_older_than_the_window_are_forgotten() {
        let mut state = State::default();
        let w = WINDOW.as_secs();
        assert_eq!(
            waits(&mut state, 0, &[0, 1, 2, w + 3, w + 4, w + 5]),
            [0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn a_spent_allowance_holds_until_the_reset() {
        let now = Instant::now();
        let mut state = State {
            limit: Some(StartLimit {
                remaining: 1,
                total: 1000,
                resets_at: now + Duration::from_secs(3_600),
            }),
            ..State::default()
        };
        assert_eq!(state.admit(0, now), Duration::ZERO);
        assert_eq!(state.admit(1, now), Duration::from_secs(3_600));
        assert_eq!(state.limit.map(|l| l.remaining), Some(999));
    }

    #[test]
    fn a_session_that_stays_up_ends_the_waits() {
        let gate = SessionGate::new();
        for _ in 0..FREE_STARTS {
            assert_eq!(gate.admit(0), None);
        }
        assert!(gate.admit(0).is_some());
        let up = std::collections::HashSet::from([0]);
        gate.shards_up(&up);
        gate.state().shards.get_mut(&0).unwrap().up_since = Some(Instant::now() - STAYED_UP);
        gate.shards_up(&up);
        assert_eq!(gate.state().shards[&0].waits, 0);
    }

    #[test]
    fn stopping_releases_a_waiting_start() {
        let gate = std::sync::Arc::new(SessionGate::new());
        let sleeper = std::thread::spawn({
            let gate = gate.clone();
            move || {
                let started = Instant::now();
                gate.sleep(Duration::from_secs(600));
                started.elapsed()
            }
        });
        std::thread::sleep(Duration::from_millis(50));
        gate.stop();
        assert!(sleeper.join().unwrap() < Duration::from_secs(60));
        assert_eq!(gate.admit(0), None);
    }

    #[test]
    fn the_shard_is_read_from_the_queuers_message() {
        assert_eq!(
            started_shard("[Shard Queuer] Checked start for shard 3 out of 8"),
            Some(3)
        );
        assert_eq!(started_shard("Checked start for shard x"), None);
        assert_eq!(started_shard("Identifying"), None);
    }
}
