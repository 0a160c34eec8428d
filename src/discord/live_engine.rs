//! The engine the bot answers with, reloadable: a reload swaps in a new engine
//! atomically.

use std::sync::Arc;

use arc_swap::ArcSwap;

use jedi_engine::{DataSource, Problems};
use jedi_engine::{Engine, Thresholds};

/// The current engine. Every question takes a snapshot (`current`) and answers from it
/// to the end, so a reload never changes or drops a question in flight.
pub struct LiveEngine {
    engine: ArcSwap<Engine>,
    source: DataSource,
    thresholds: Thresholds,
    /// One reload at a time.
    reloading: std::sync::Mutex<()>,
}

impl std::fmt::Debug for LiveEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveEngine")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl LiveEngine {
    /// Loads and indexes the data from `source`, with its typo-correction tables built
    /// (the bot runs long: no question should wait for them).
    pub fn load(source: DataSource, thresholds: Thresholds) -> Result<LiveEngine, Problems> {
        let engine = Engine::new(crate::data::load(&source)?, thresholds);
        engine.prepare();
        Ok(LiveEngine {
            engine: ArcSwap::from_pointee(engine),
            source,
            thresholds,
            reloading: std::sync::Mutex::new(()),
        })
    }

    /// A snapshot of the current engine.
    pub fn current(&self) -> Arc<Engine> {
        self.engine.load_full()
    }

    /// Where the data comes from.
    pub fn source(&self) -> &DataSource {
        &self.source
    }

    /// Loads the data again and, only if it is valid, swaps it in; otherwise the current
    /// data stays and the reason is returned. New data that has lost more than half the
    /// entries, events or quotes is refused unless `force` (a file cut short by an editor
    /// or a copy still checks out when it is cut at an entry's end). Blocking: call it off
    /// the async threads.
    pub fn reload(&self, force: bool) -> Result<String, Refused> {
        let _one_at_a_time = self
            .reloading
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let kb = crate::data::load(&self.source).map_err(Refused::Problems)?;
        if !force {
            let current = self.current();
            let old = current.kb();
            for (what, before, after) in [
                ("entries", old.entries().len(), kb.entries().len()),
                ("timeline events", old.timeline().len(), kb.timeline().len()),
                ("quotes", old.quotes().len(), kb.quotes().len()),
            ] {
                if after * 2 < before {
                    return Err(Refused::Shrinks {
                        what,
                        before,
                        after,
                    });
                }
            }
        }
        let engine = Engine::new(kb, self.thresholds);
        engine.prepare();
        let summary = engine.kb().summary();
        self.engine.store(Arc::new(engine));
        Ok(summary)
    }
}

/// Why a reload kept the current data.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// The new data has problems.
    #[error("{0}")]
    Problems(Problems),
    /// The new data lost more than half of something: most likely a file cut short.
    #[error(
        "the new data has {after} {what} where the current has {before}: more than half are gone, \
         which looks like a file cut short; check it, or reload with force:true if it is meant"
    )]
    Shrinks {
        /// What shrank.
        what: &'static str,
        /// How many the current data has.
        before: usize,
        /// How many the new data has.
        after: usize,
    },
}
