//! The questions waiting for a reply, bounded per channel and in all: a channel whose
//! replies are slow (rate-limited, or Discord slow to answer) cannot grow the process
//! without bound or crowd out the other channels. What is dropped is logged and counted.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The questions in progress, by channel.
#[derive(Debug)]
pub struct Backlog {
    per_channel: usize,
    total: usize,
    waiting: Mutex<Waiting>,
    dropped: AtomicU64,
}

#[derive(Debug, Default)]
struct Waiting {
    total: usize,
    by_channel: HashMap<u64, usize>,
}

/// A question's place in the backlog, given back when dropped.
#[derive(Debug)]
pub struct Ticket {
    backlog: Arc<Backlog>,
    channel: u64,
}

impl Backlog {
    /// At most `per_channel` questions in progress in one channel and `total` in all.
    pub fn new(per_channel: usize, total: usize) -> Arc<Backlog> {
        Arc::new(Backlog {
            per_channel: per_channel.max(1),
            total: total.max(1),
            waiting: Mutex::new(Waiting::default()),
            dropped: AtomicU64::new(0),
        })
    }

    /// A place for a question in `channel`, or `None` (counted as dropped) when the
    /// channel's or the whole backlog is full.
    pub fn admit(self: &Arc<Self>, channel: u64) -> Option<Ticket> {
        let mut waiting = self.lock();
        let in_channel = waiting.by_channel.get(&channel).copied().unwrap_or(0);
        if in_channel >= self.per_channel || waiting.total >= self.total {
            drop(waiting);
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        waiting.total += 1;
        *waiting.by_channel.entry(channel).or_insert(0) += 1;
        Some(Ticket {
            backlog: self.clone(),
            channel,
        })
    }

    /// How many questions were dropped so far.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// How many questions are in progress.
    pub fn len(&self) -> usize {
        self.lock().total
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting> {
        self.waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut waiting = self.backlog.lock();
        waiting.total -= 1;
        if let Some(n) = waiting.by_channel.get_mut(&self.channel) {
            *n -= 1;
            if *n == 0 {
                waiting.by_channel.remove(&self.channel);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_channel_and_the_whole_are_bounded_and_places_come_back() {
        let backlog = Backlog::new(2, 3);
        let a1 = backlog.admit(1).unwrap();
        let _a2 = backlog.admit(1).unwrap();
        assert!(backlog.admit(1).is_none(), "channel 1 is full");
        let _b1 = backlog.admit(2).unwrap();
        assert!(backlog.admit(3).is_none(), "the whole is full");
        assert_eq!(backlog.dropped(), 2);
        drop(a1);
        let _c1 = backlog.admit(3).expect("a place came back");
        assert_eq!(backlog.len(), 3);
    }
}
