//! The conversations the bot remembers, for reading follow-up questions: each user's in
//! each channel, and the one behind each of its recent answers (a reply to an answer
//! continues the conversation that answer was part of). Both maps are bounded: the least
//! recently used conversation goes first, so memory stays within `[conversation]
//! remembered` entries of each, whatever the traffic.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use jedi_engine::Conversation;
use lru::LruCache;

/// Who is asking where: a conversation belongs to one user in one channel.
pub type Asker = (u64, u64);

/// The bot's conversations.
#[derive(Debug)]
pub struct Conversations {
    ttl: Duration,
    by_asker: Mutex<LruCache<Asker, Conversation>>,
    by_answer: Mutex<LruCache<u64, Conversation>>,
}

impl Conversations {
    /// Conversations that remember an answer for `ttl`, with room for `capacity` of each
    /// kind (at least one). An entry is one question's terms and an entry id, a few
    /// hundred bytes, shared by the asker's map and the answer's.
    pub fn with_capacity(ttl: Duration, capacity: usize) -> Conversations {
        let capacity = NonZeroUsize::new(capacity.max(1)).expect("at least one");
        Conversations {
            ttl,
            by_asker: Mutex::new(LruCache::new(capacity)),
            by_answer: Mutex::new(LruCache::new(capacity)),
        }
    }

    /// The conversation a question continues: the one behind the bot's answer it replies
    /// to, else the asker's own (a new one when it has none, or when it went stale).
    pub fn get(&self, asker: Asker, replied_to: Option<u64>, now: Instant) -> Conversation {
        let replied = replied_to.and_then(|id| lock(&self.by_answer).get(&id).cloned());
        let conversation = replied.or_else(|| lock(&self.by_asker).get(&asker).cloned());
        match conversation {
            Some(conversation) if conversation.is_live(now) => conversation,
            _ => Conversation::with_ttl(self.ttl),
        }
    }

    /// Whether `message` is one of the bot's recent answers (a reply to it is addressed
    /// to the bot).
    pub fn is_answer(&self, message: u64) -> bool {
        lock(&self.by_answer).contains(&message)
    }

    /// Keeps `conversation` as the asker's, and as the one behind `answer` (the bot's
    /// message, when it was sent).
    pub fn keep(&self, asker: Asker, answer: Option<u64>, conversation: Conversation) {
        if let Some(answer) = answer {
            lock(&self.by_answer).put(answer, conversation.clone());
        }
        lock(&self.by_asker).put(asker, conversation);
    }

    /// How many conversations each map holds.
    pub fn len(&self) -> (usize, usize) {
        (lock(&self.by_asker).len(), lock(&self.by_answer).len())
    }
}

/// A map's lock; a panic while holding it cannot leave a map half-updated (each update is
/// one call), so a poisoned lock is used as is.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_maps_are_bounded() {
        let conversations = Conversations::with_capacity(Duration::from_secs(60), 3);
        for i in 0..10 {
            conversations.keep((i, 1), Some(100 + i), Conversation::new());
        }
        assert_eq!(conversations.len(), (3, 3));
        assert!(conversations.is_answer(109) && !conversations.is_answer(100));
    }
}
