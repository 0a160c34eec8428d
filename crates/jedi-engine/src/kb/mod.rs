//! The knowledge base: the article and everything curated from it, loaded and checked.
//!
//! A data directory holds six files (see [`files::FILE_NAMES`]). [`KnowledgeBase::load`]
//! reads and checks them all and either returns a knowledge base or every [`Problem`] it
//! found, each with file and line. Nothing half-loaded is ever returned.

mod budgets;
mod files;
mod model;
mod parse;
mod problem;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;

pub use budgets::TextBudgets;
pub use files::{DataSource, FILE_NAMES};
pub use model::{Entry, Event, Quote, QuoteKind, Source};
pub use problem::{line_and_column, Problem, Problems};

use crate::text::{Analyzer, Lexicon};

/// Everything the bot knows, checked, with its question analyser compiled.
#[derive(Debug)]
pub struct KnowledgeBase {
    article: String,
    source: Source,
    lexicon: Lexicon,
    analyzer: Analyzer,
    entries: Vec<Arc<Entry>>,
    /// The terms of each entry's phrasings (what the index is built from).
    phrasing_terms: Vec<Vec<Vec<crate::text::Term>>>,
    by_id: HashMap<String, usize>,
    timeline: Vec<Event>,
    quotes: Vec<Quote>,
    /// The terms of each quote's speaker and role, and of its text and context.
    quote_terms: Vec<(TermKeys, TermKeys)>,
}

/// The term keys of a text, for matching filters against it.
type TermKeys = HashSet<Arc<str>>;

/// The whole knowledge base as `jedi-bot export` prints it.
#[derive(Debug, Serialize)]
pub struct Export<'a> {
    /// The article's credits.
    pub source: &'a Source,
    /// The Q&A entries.
    pub entries: Vec<&'a Entry>,
    /// The timeline, in order.
    pub timeline: &'a [Event],
    /// The quotes.
    pub quotes: &'a [Quote],
    /// The analyser's vocabulary.
    pub vocabulary: &'a Lexicon,
}

impl KnowledgeBase {
    /// Loads and checks the data from `source`, each text within its `budgets`.
    ///
    /// ```
    /// use jedi_engine::{DataSource, KnowledgeBase, TextBudgets};
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixture");
    /// let kb = KnowledgeBase::load(&DataSource::Dir(dir.into()), TextBudgets::UNLIMITED).unwrap();
    /// assert!(!kb.entries().is_empty());
    /// ```
    pub fn load(source: &DataSource, budgets: TextBudgets) -> Result<KnowledgeBase, Problems> {
        KnowledgeBase::load_cut(source, budgets, None)
    }

    /// [`load`](Self::load), with each entry cut to its first `max_phrasings` phrasings
    /// (all of them when `None`): how well the engine reads questions with fewer ways of
    /// asking written down.
    pub fn load_cut(
        source: &DataSource,
        budgets: TextBudgets,
        max_phrasings: Option<usize>,
    ) -> Result<KnowledgeBase, Problems> {
        let files = files::DataFiles::read(source)?;
        let parsed = parse::parse(&files, budgets, max_phrasings).map_err(|mut problems| {
            problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
            Problems(problems)
        })?;
        let by_id = parsed
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        let terms = |text: &str| -> TermKeys {
            parsed
                .analyzer
                .analyze_exact(text)
                .into_iter()
                .map(|t| t.key)
                .collect()
        };
        let quote_terms = parsed
            .quotes
            .iter()
            .map(|q| {
                (
                    terms(&format!("{} {}", q.speaker, q.role)),
                    terms(&format!("{} {} {}", q.speaker, q.text, q.context)),
                )
            })
            .collect();
        Ok(KnowledgeBase {
            article: parsed.article,
            source: parsed.source,
            lexicon: parsed.lexicon,
            analyzer: parsed.analyzer,
            entries: parsed.entries.into_iter().map(Arc::new).collect(),
            phrasing_terms: parsed.phrasing_terms,
            by_id,
            timeline: parsed.timeline,
            quotes: parsed.quotes,
            quote_terms,
        })
    }

    /// The article's text.
    pub fn article(&self) -> &str {
        &self.article
    }

    /// The article's credits.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The Q&A entries, in file order.
    pub fn entries(&self) -> &[Arc<Entry>] {
        &self.entries
    }

    /// The terms of each entry's phrasings, in entry and phrasing order.
    pub(crate) fn phrasing_terms(&self) -> &[Vec<Vec<crate::text::Term>>] {
        &self.phrasing_terms
    }

    /// The position of the entry with this id in [`entries`](Self::entries).
    pub(crate) fn entry_index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The entry with this id.
    pub fn entry(&self, id: &str) -> Option<&Arc<Entry>> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// The whole timeline, in order.
    pub fn timeline(&self) -> &[Event] {
        &self.timeline
    }

    /// The events that fall, or may fall, between the years `from` and `to` (inclusive).
    /// An undated event may fall anywhere between the dated events around it, so it is
    /// shown when that stretch overlaps the range.
    pub fn timeline_between(&self, from: Option<i32>, to: Option<i32>) -> Vec<&Event> {
        let from = from.unwrap_or(i32::MIN);
        let to = to.unwrap_or(i32::MAX);
        let years: Vec<Option<i32>> = self.timeline.iter().map(|e| e.year).collect();
        self.timeline
            .iter()
            .enumerate()
            .filter(|&(i, event)| match event.year {
                Some(year) => (from..=to).contains(&year),
                None => {
                    let earliest = years[..i].iter().rev().flatten().next().copied();
                    let latest = years[i + 1..].iter().flatten().next().copied();
                    earliest.unwrap_or(i32::MIN) <= to && latest.unwrap_or(i32::MAX) >= from
                }
            })
            .map(|(_, event)| event)
            .collect()
    }

    /// Every quote, in file order.
    pub fn quotes(&self) -> &[Quote] {
        &self.quotes
    }

    /// Quotes whose speaker (or role) matches `speaker` and whose words match `words`; an
    /// empty or missing filter matches everything. Matching uses the same analysis as
    /// questions, so "smith", "Brad Smith" and "microsoft's president" all find Brad Smith.
    pub fn find_quotes(&self, speaker: Option<&str>, words: Option<&str>) -> Vec<&Quote> {
        let wanted = |text: Option<&str>| -> Vec<Arc<str>> {
            text.map(|t| {
                self.analyzer
                    .analyze(t)
                    .into_iter()
                    .map(|t| t.key)
                    .collect()
            })
            .unwrap_or_default()
        };
        let speaker = wanted(speaker);
        let words = wanted(words);
        self.quotes
            .iter()
            .zip(&self.quote_terms)
            .filter(|(_, (who, what))| {
                speaker.iter().all(|t| who.contains(t)) && words.iter().all(|t| what.contains(t))
            })
            .map(|(q, _)| q)
            .collect()
    }

    /// Quotes matching `query` either as a speaker or as words of the quote.
    pub fn search_quotes(&self, query: &str) -> Vec<&Quote> {
        let by_speaker = self.find_quotes(Some(query), None);
        if by_speaker.is_empty() {
            self.find_quotes(None, Some(query))
        } else {
            by_speaker
        }
    }

    /// The analyser compiled from this knowledge base's vocabulary.
    pub(crate) fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// `text` as the analyser reads it before matching: cleaned, contractions expanded,
    /// typos corrected, its words joined by single spaces. Normalising twice changes
    /// nothing.
    pub fn normalize(&self, text: &str) -> String {
        self.analyzer.normalize(text)
    }

    /// Whether `text` reads as a question: a question mark, or a question word the
    /// vocabulary knows ("who", "how much").
    pub fn reads_as_question(&self, text: &str) -> bool {
        text.contains('?')
            || self
                .analyzer
                .analyze(text)
                .iter()
                .any(|t| t.kind == crate::TermKind::Question)
    }

    /// The vocabulary as written in the data.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Everything, for `jedi-bot export`.
    pub fn export(&self) -> Export<'_> {
        Export {
            source: &self.source,
            entries: self.entries.iter().map(|e| e.as_ref()).collect(),
            timeline: &self.timeline,
            quotes: &self.quotes,
            vocabulary: &self.lexicon,
        }
    }

    /// A one-line summary: "29 entries (455 questions), 12 events, 8 quotes".
    pub fn summary(&self) -> String {
        let questions: usize = self.entries.iter().map(|e| e.questions.len()).sum();
        format!(
            "{} entries ({} questions), {} timeline events, {} quotes",
            self.entries.len(),
            questions,
            self.timeline.len(),
            self.quotes.len()
        )
    }
}
