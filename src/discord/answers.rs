//! The engine the bot answers with, swapped atomically on reload.

use std::sync::Arc;

use arc_swap::ArcSwap;

use jedi_engine::{DataSource, Problems};
use jedi_engine::{Engine, Thresholds};

/// The current engine. Every question takes a snapshot (`current`) and answers from it
/// to the end, so a reload never changes or drops a question in flight.
pub struct Answers {
    engine: ArcSwap<Engine>,
    source: DataSource,
    thresholds: Thresholds,
    /// One reload at a time.
    reloading: std::sync::Mutex<()>,
}

impl std::fmt::Debug for Answers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answers")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl Answers {
    /// Loads and indexes the data from `source`, with its typo-correction tables built
    /// (the bot runs long: no question should wait for them).
    pub fn load(source: DataSource, thresholds: Thresholds) -> Result<Answers, Problems> {
        let engine = Engine::new(crate::data::load(&source)?, thresholds);
        engine.prepare();
        Ok(Answers {
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
    /// data stays and every problem is returned. Blocking: call it off the async threads.
    pub fn reload(&self) -> Result<String, Problems> {
        let _one_at_a_time = self
            .reloading
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let kb = crate::data::load(&self.source)?;
        let engine = Engine::new(kb, self.thresholds);
        engine.prepare();
        let summary = engine.kb().summary();
        self.engine.store(Arc::new(engine));
        Ok(summary)
    }
}
