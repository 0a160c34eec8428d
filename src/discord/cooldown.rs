//! Per-user cooldown, with at most one notice per cooldown window.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Past this many tracked users, expired entries are dropped on the next check.
const PRUNE_AT: usize = 10_000;

/// What to do with a user's question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Answer it (the cooldown starts now).
    Answer,
    /// Too soon: send one short notice (the first time in this window).
    Notify {
        /// Time left before the user may ask again.
        wait: Duration,
    },
    /// Too soon, and already told: stay silent (interactions still get an ephemeral
    /// notice, since Discord requires a response).
    Silent {
        /// Time left before the user may ask again.
        wait: Duration,
    },
}

#[derive(Debug, Clone, Copy)]
struct Window {
    until: Instant,
    notified: bool,
}

/// Cooldowns of all users.
#[derive(Debug)]
pub struct Cooldown {
    period: Duration,
    windows: Mutex<HashMap<u64, Window>>,
}

impl Cooldown {
    /// A cooldown of `period` per user; zero turns it off.
    pub fn new(period: Duration) -> Cooldown {
        Cooldown {
            period,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Whether a question from `user` at `now` would be answered, leaving the cooldown as
    /// it is (for messages the bot may not reply to at all).
    pub fn allows(&self, user: u64, now: Instant) -> bool {
        self.period.is_zero()
            || self
                .windows
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(&user)
                .is_none_or(|window| window.until <= now)
    }

    /// Decides about a question from `user` at `now`.
    pub fn check(&self, user: u64, now: Instant) -> Verdict {
        if self.period.is_zero() {
            return Verdict::Answer;
        }
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() >= PRUNE_AT {
            windows.retain(|_, w| w.until > now);
        }
        match windows.get_mut(&user) {
            Some(window) if window.until > now => {
                let wait = window.until - now;
                if window.notified {
                    Verdict::Silent { wait }
                } else {
                    window.notified = true;
                    Verdict::Notify { wait }
                }
            }
            _ => {
                windows.insert(
                    user,
                    Window {
                        until: now + self.period,
                        notified: false,
                    },
                );
                Verdict::Answer
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_notice_per_window_then_silence() {
        let cooldown = Cooldown::new(Duration::from_secs(10));
        let t0 = Instant::now();
        assert_eq!(cooldown.check(1, t0), Verdict::Answer);
        assert!(matches!(
            cooldown.check(1, t0 + Duration::from_secs(1)),
            Verdict::Notify { .. }
        ));
        assert!(matches!(
            cooldown.check(1, t0 + Duration::from_secs(2)),
            Verdict::Silent { .. }
        ));
        assert!(matches!(
            cooldown.check(1, t0 + Duration::from_secs(3)),
            Verdict::Silent { .. }
        ));
        // Another user is not affected.
        assert_eq!(
            cooldown.check(2, t0 + Duration::from_secs(3)),
            Verdict::Answer
        );
        // After the window, a new one starts with its own notice.
        assert_eq!(
            cooldown.check(1, t0 + Duration::from_secs(11)),
            Verdict::Answer
        );
        assert!(matches!(
            cooldown.check(1, t0 + Duration::from_secs(12)),
            Verdict::Notify { .. }
        ));
    }

    #[test]
    fn zero_period_is_off() {
        let cooldown = Cooldown::new(Duration::ZERO);
        let t0 = Instant::now();
        for _ in 0..5 {
            assert_eq!(cooldown.check(1, t0), Verdict::Answer);
        }
    }
}
