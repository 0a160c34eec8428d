//! The data the binary carries, and loading a knowledge base within Discord's limits.

use std::path::Path;

use jedi_engine::{DataSource, KnowledgeBase, Problems, TextBudgets};

use crate::limits;

/// The repository's `data/` directory, compiled into the binary so it runs from anywhere.
pub const EMBEDDED: [(&str, &str); 9] = [
    ("article.txt", include_str!("../data/article.txt")),
    ("source.toml", include_str!("../data/source.toml")),
    ("vocabulary.toml", include_str!("../data/vocabulary.toml")),
    (
        "english-words.txt",
        include_str!("../data/english-words.txt"),
    ),
    (
        "word-frequency.txt",
        include_str!("../data/word-frequency.txt"),
    ),
    (
        "related-words.txt",
        include_str!("../data/related-words.txt"),
    ),
    ("qa.toml", include_str!("../data/qa.toml")),
    ("timeline.toml", include_str!("../data/timeline.toml")),
    ("quotes.toml", include_str!("../data/quotes.toml")),
];

/// How long each text of the data may be so that every reply built from it fits Discord.
pub const BUDGETS: TextBudgets = TextBudgets {
    title: limits::EMBED_TITLE,
    label: limits::EMBED_FIELD_NAME,
    name: limits::EMBED_FIELD_NAME / 2,
    passage: limits::EMBED_FIELD_VALUE,
    attribution: limits::EMBED_FOOTER / 2,
    answer: limits::MESSAGE_CONTENT,
    first_question: limits::BUTTON_LABEL,
    question: limits::AUTOCOMPLETE_CHOICE,
    short_label: limits::TIMELINE_LABEL,
};

/// A curator's data directory when one is given, else the embedded data.
pub fn source(dir: Option<&Path>) -> DataSource {
    dir.map_or(DataSource::Static(&EMBEDDED), |d| {
        DataSource::Dir(d.to_path_buf())
    })
}

/// Loads and checks the data from `source` within [`BUDGETS`].
pub fn load(source: &DataSource) -> Result<KnowledgeBase, Problems> {
    KnowledgeBase::load(source, BUDGETS)
}

/// [`load`], with each entry cut to its first `max_phrasings` phrasings.
pub fn load_cut(
    source: &DataSource,
    max_phrasings: Option<usize>,
) -> Result<KnowledgeBase, Problems> {
    KnowledgeBase::load_cut(source, BUDGETS, max_phrasings)
}

/// The embedded data, loaded.
///
/// ```
/// let kb = jedi_bot::data::embedded().unwrap();
/// assert!(!kb.entries().is_empty());
/// ```
pub fn embedded() -> Result<KnowledgeBase, Problems> {
    load(&DataSource::Static(&EMBEDDED))
}
