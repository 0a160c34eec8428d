//! From raw question text to the terms the engine matches.
//!
//! [`clean`] and [`tokenize`] handle markup, Unicode and punctuation, the same for every
//! knowledge base. An [`Analyzer`], built from a knowledge base's [`Lexicon`] and its own
//! words, does the rest: contractions and shorthand, typo correction ([`Speller`], sparing the
//! common English words of a [`WordList`]),
//! stemming, phrases (question words and synonyms) and stop words.

mod analyzer;
mod clean;
mod speller;
mod table;
mod wordlist;

pub(crate) use analyzer::{Analyzer, English, ExactReader, Shape, Words};
pub use analyzer::{Lexicon, Reading, Term, TermKind};
pub use clean::clean;
pub(crate) use clean::tokenize;
pub(crate) use speller::Speller;
pub(crate) use table::KeyedLines;
pub(crate) use wordlist::WordList;
