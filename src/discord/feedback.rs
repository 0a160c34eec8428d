//! Votes on answers (the helpful / not helpful buttons): who voted what on which answer,
//! remembered so that a second click changes a vote rather than adding one, and the
//! questions recently answered, so that a vote can be logged with its question.
//!
//! A button's custom id carries only the entry and a hash of the question (see
//! `render::CustomId::Vote`), so buttons keep working after a restart; what is remembered
//! here is bounded and lost on restart (a vote after one counts as new, and is logged
//! without its question).

use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;

/// How many votes and questions are remembered.
pub const CAPACITY: usize = 10_000;

/// A vote as it changes what was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The first vote of this person on this answer.
    New,
    /// A different vote replacing theirs.
    Changed,
    /// The same vote again: nothing to record.
    Same,
}

/// The votes and questions remembered.
#[derive(Debug)]
pub struct Feedback {
    /// (voter, answer message) -> helpful.
    votes: Mutex<LruCache<(u64, u64), bool>>,
    /// Question hash -> the question as asked.
    questions: Mutex<LruCache<u32, String>>,
    /// Keeps voter keys in the log from being turned back into user ids.
    salt: u64,
}

impl Default for Feedback {
    fn default() -> Self {
        Feedback::new()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Feedback {
    /// Nothing remembered yet.
    pub fn new() -> Feedback {
        let capacity = NonZeroUsize::new(CAPACITY).expect("non-zero");
        let salt = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id()).rotate_left(32);
        Feedback {
            votes: Mutex::new(LruCache::new(capacity)),
            questions: Mutex::new(LruCache::new(capacity)),
            salt,
        }
    }

    /// Remembers `question` as the one hashed as `hash`.
    pub fn remember_question(&self, hash: u32, question: &str) {
        lock(&self.questions).put(hash, question.to_string());
    }

    /// The question hashed as `hash`, if it was answered lately.
    pub fn question(&self, hash: u32) -> Option<String> {
        lock(&self.questions).get(&hash).cloned()
    }

    /// Records `voter`'s vote on the answer in `message`.
    pub fn vote(&self, voter: u64, message: u64, helpful: bool) -> Change {
        match lock(&self.votes).put((voter, message), helpful) {
            None => Change::New,
            Some(previous) if previous == helpful => Change::Same,
            Some(_) => Change::Changed,
        }
    }

    /// A key that tells one voter's votes on one answer apart in the log (so the report
    /// counts a changed vote once) without naming the voter.
    pub fn voter_key(&self, voter: u64, message: u64) -> String {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (self.salt, voter, message).hash(&mut hasher);
        format!("{:016x}", hasher.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_click_changes_the_vote_and_the_same_click_counts_once() {
        let feedback = Feedback::new();
        assert_eq!(feedback.vote(1, 10, true), Change::New);
        assert_eq!(feedback.vote(1, 10, true), Change::Same);
        assert_eq!(feedback.vote(1, 10, false), Change::Changed);
        assert_eq!(feedback.vote(2, 10, false), Change::New);
        assert_ne!(feedback.voter_key(1, 10), feedback.voter_key(2, 10));
        assert_eq!(feedback.voter_key(1, 10), feedback.voter_key(1, 10));
    }
}
