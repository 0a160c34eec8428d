//! # jedi-engine
//!
//! A fact-grounded question-answering engine for one article. Everything it knows lives in
//! a data directory: the article, a curated Q&A set, a timeline, the quotes and the
//! vocabulary the question analyser uses. The code knows nothing of any story, and nothing
//! of where answers are shown (a chat bot, a terminal).
//!
//! ## Layout
//!
//! - `kb`: loads and checks the data files into a [`KnowledgeBase`]; every mistake is a
//!   [`Problem`] with its file and line. Texts are checked against the [`TextBudgets`]
//!   the caller gives.
//! - `text`: turns a question into terms: markup and Unicode clean-up, contractions, typo
//!   correction against the data's own vocabulary, stemming, synonyms, stop words.
//! - `engine`: matches a question against the Q&A set and returns one three-way
//!   [`Outcome`]: an answer, a few candidates to choose from, or no answer with its reason.
//! - [`eval`]: grades the engine on a question set.
//! - [`wording`]: the words put around answers, so every front end says the same thing.
//!
//! ```
//! use jedi_engine::{DataSource, Engine, KnowledgeBase, Outcome, TextBudgets, Thresholds};
//!
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixture");
//! let kb = KnowledgeBase::load(&DataSource::Dir(dir.into()), TextBudgets::UNLIMITED)
//!     .expect("the fixture data is valid");
//! let engine = Engine::new(kb, Thresholds::default());
//! match engine.ask("who won the bridge contract?") {
//!     Outcome::Answer(answer) => assert!(answer.entry.answer.contains("Stonewell")),
//!     other => panic!("expected an answer, got {other:?}"),
//! }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod engine;
pub mod eval;
mod kb;
pub mod synthetic;
mod text;
pub mod wording;

pub use engine::{
    Answer, Candidate, Conversation, Engine, Evidence, ExplainedEntry, ExplainedTerm, Explanation,
    NoAnswer, Outcome, Read, Reason, TermsRead, Thresholds, DEFAULT_TTL, FEATURES,
};
pub use kb::{
    line_and_column, DataSource, Entry, Event, Export, KnowledgeBase, Problem, Problems, Quote,
    QuoteKind, Source, TextBudgets, FILE_NAMES,
};
pub use text::{clean, Lexicon, Reading, Term, TermKind};

#[cfg(test)]
pub(crate) mod fixture;
