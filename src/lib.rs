//! # jedi-bot
//!
//! The Discord bot and the command line built on [`jedi_engine`], the fact-grounded
//! question-answering engine. Everything the bot knows lives in the data directory
//! (`data/` in the repository, embedded in the binary by default); the engine knows
//! nothing of Discord, and this crate nothing of how answers are chosen.
//!
//! - [`data`]: the embedded data and how it is loaded, within Discord's size limits.
//! - [`limits`]: Discord's size limits.
//! - [`config`] and [`discord`]: the Discord bot, which only turns engine results into
//!   messages and Discord events into engine calls.
//!
//! ```
//! use jedi_bot::{data, Engine, Outcome, Thresholds};
//!
//! let kb = data::embedded().expect("the embedded data is valid");
//! let engine = Engine::new(kb, Thresholds::default());
//! let question = &kb_first_question(&engine);
//! assert!(matches!(engine.ask(question), Outcome::Answer(_)));
//! # fn kb_first_question(engine: &Engine) -> String { engine.kb().entries()[0].title().to_string() }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod config;
pub mod data;
pub mod discord;
pub mod exit;
pub mod limits;
pub mod picture;

pub use jedi_engine::{
    eval, wording, Answer, Candidate, Conversation, DataSource, Engine, Entry, Event,
    KnowledgeBase, NoAnswer, Outcome, Problems, Quote, Reason, Source, Thresholds,
};
