//! The tiny made-up knowledge base of `tests/fixture/` that the unit tests run on, so that
//! they test the engine and not one story's data.

use crate::{DataSource, Engine, KnowledgeBase, TextBudgets, Thresholds};

/// The fixture's files, compiled in.
pub(crate) const FILES: [(&str, &str); 9] = [
    ("article.txt", include_str!("../tests/fixture/article.txt")),
    ("source.toml", include_str!("../tests/fixture/source.toml")),
    (
        "vocabulary.toml",
        include_str!("../tests/fixture/vocabulary.toml"),
    ),
    (
        "english-words.txt",
        include_str!("../tests/fixture/english-words.txt"),
    ),
    (
        "word-frequency.txt",
        include_str!("../tests/fixture/word-frequency.txt"),
    ),
    (
        "related-words.txt",
        include_str!("../tests/fixture/related-words.txt"),
    ),
    ("qa.toml", include_str!("../tests/fixture/qa.toml")),
    (
        "timeline.toml",
        include_str!("../tests/fixture/timeline.toml"),
    ),
    ("quotes.toml", include_str!("../tests/fixture/quotes.toml")),
];

/// The fixture, loaded.
pub(crate) fn kb() -> KnowledgeBase {
    KnowledgeBase::load(&DataSource::Static(&FILES), TextBudgets::UNLIMITED)
        .expect("the fixture data is valid")
}

/// An engine over the fixture, with the default thresholds.
pub(crate) fn engine() -> Engine {
    Engine::new(kb(), Thresholds::default())
}
