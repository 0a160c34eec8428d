//! The timeline pictures `/timeline` attaches, rendered once per data generation and range
//! of events, then shared by every reply that sends them.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, Weak};

use jedi_engine::Engine;
use lru::LruCache;

use crate::picture::{self, PictureError, Png};

/// How many pictures (distinct ranges of events) are kept.
pub const CAPACITY: usize = 32;

/// The pictures of one engine's timeline.
#[derive(Debug)]
struct Cache {
    /// The engine they were drawn from: a reload makes a new one, which empties the cache.
    engine: Weak<Engine>,
    /// (first event's id, how many events) -> the picture.
    pictures: LruCache<(String, usize), Png>,
}

/// The cache.
#[derive(Debug)]
pub struct TimelinePictures {
    cache: Mutex<Cache>,
}

impl Default for TimelinePictures {
    fn default() -> Self {
        TimelinePictures::new()
    }
}

impl TimelinePictures {
    /// Nothing drawn yet.
    pub fn new() -> TimelinePictures {
        TimelinePictures {
            cache: Mutex::new(Cache {
                engine: Weak::new(),
                pictures: LruCache::new(NonZeroUsize::new(CAPACITY).expect("non-zero")),
            }),
        }
    }

    /// The picture of `engine`'s events between the years (`None` when there are none),
    /// drawn now if it was not yet. Rendering takes milliseconds: call it off the async
    /// threads.
    pub fn get(
        &self,
        engine: &Arc<Engine>,
        from: Option<i32>,
        to: Option<i32>,
    ) -> Result<Option<Png>, PictureError> {
        let events = engine.kb().timeline_between(from, to);
        let Some(first) = events.first() else {
            return Ok(None);
        };
        let key = (first.id.clone(), events.len());
        // Held while drawing, so that two askers of the same picture draw it once.
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !std::ptr::eq(cache.engine.as_ptr(), Arc::as_ptr(engine)) {
            cache.engine = Arc::downgrade(engine);
            cache.pictures.clear();
        }
        if let Some(png) = cache.pictures.get(&key) {
            return Ok(Some(png.clone()));
        }
        let png: Png = Arc::new(picture::timeline_png(
            &events,
            &engine.kb().source().attribution,
        )?);
        cache.pictures.put(key, png.clone());
        Ok(Some(png))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_is_drawn_once_per_engine_and_range() {
        let engine = Arc::new(Engine::new(
            crate::data::embedded().unwrap(),
            Default::default(),
        ));
        let pictures = TimelinePictures::new();
        let first = pictures.get(&engine, None, None).unwrap().unwrap();
        let again = pictures.get(&engine, None, None).unwrap().unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        let later = pictures.get(&engine, Some(2019), None).unwrap().unwrap();
        assert!(!Arc::ptr_eq(&first, &later));
        assert!(pictures.get(&engine, None, Some(2000)).unwrap().is_none());
        // A reloaded engine draws anew (the same data gives the same bytes).
        let reloaded = Arc::new(Engine::new(
            crate::data::embedded().unwrap(),
            Default::default(),
        ));
        let redrawn = pictures.get(&reloaded, None, None).unwrap().unwrap();
        assert!(!Arc::ptr_eq(&first, &redrawn));
        assert_eq!(first, redrawn);
    }
}
