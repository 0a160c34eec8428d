//! # jedi-bot
//!
//! A fact-grounded question-answering engine for one news story, and the Discord bot built on
//! it. Everything the bot knows lives in the data directory (`data/` in the repository,
//! embedded in the binary by default): the article, a curated Q&A set, a timeline, the quotes
//! and the vocabulary the question analyser uses. The code knows nothing of the story.
//!
//! The layers, from the bottom:
//!
//! - [`kb`]: loads and validates the data files into a [`KnowledgeBase`]; every mistake is a
//!   [`kb::Problem`] with its file and line.
//! - [`text`]: turns a question into terms: Discord markup and Unicode clean-up, contractions,
//!   typo correction against the data's own vocabulary, stemming, synonyms, stop words.
//! - [`engine`]: matches a question against the Q&A set and returns one three-way
//!   [`Outcome`]: an answer, a few candidates to choose from, or no answer with its reason.
//! - [`eval`]: grades the engine on a question set.
//! - [`config`] and [`discord`]: the Discord bot, which only turns engine results into
//!   messages and Discord events into engine calls.
//!
//! ```
//! use jedi_bot::{Engine, KnowledgeBase, Outcome, Thresholds};
//!
//! let kb = KnowledgeBase::embedded().expect("the embedded data is valid");
//! let engine = Engine::new(kb, Thresholds::default());
//! match engine.ask("who won the jedi contract?") {
//!     Outcome::Answer(answer) => assert!(answer.entry.answer.contains("Microsoft")),
//!     other => panic!("expected an answer, got {other:?}"),
//! }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod config;
pub mod discord;
pub mod engine;
pub mod eval;
pub mod kb;
pub mod limits;
pub mod text;
pub mod wording;

pub use engine::{Answer, Candidate, Engine, NoAnswer, Outcome, Reason, Thresholds};
pub use kb::{DataSource, KnowledgeBase};
