//! The answer engine: matches a question to the Q&A set and decides what to say.
//!
//! [`Engine::ask`] analyses the question, scores every entry sharing a term with it (see
//! the constants of the scoring), and turns the scores into one [`Outcome`] with the
//! [`Thresholds`]: a clear winner is an answer; several close ones are "did you mean";
//! nothing good enough is no answer, off the story or not covered by the article.

mod index;
mod outcome;
mod thresholds;

use std::sync::Arc;

pub use index::{
    BAG_CREDIT, CONTRAST_PENALTY, CORRECTED_CREDIT, KIND_MISMATCH_PENALTY,
    PHRASING_COVERAGE_EXPONENT, QUESTION_KIND_WEIGHT, UNASKED_KIND_PENALTY, UNKNOWN_WORD_FACTOR,
};
pub use outcome::{Answer, Candidate, NoAnswer, Outcome, Reason};
pub use thresholds::Thresholds;

use crate::kb::KnowledgeBase;
use index::Index;

/// How a question was read and scored (see [`Engine::explain`]).
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The question's terms with their weights.
    pub terms: Vec<ExplainedTerm>,
    /// (entry id, score, best-matching phrasing), best first.
    pub top: Vec<(String, f32, String)>,
}

/// One term of an explained question.
#[derive(Debug, Clone)]
pub struct ExplainedTerm {
    /// The term.
    pub term: crate::text::Term,
    /// Its weight in the score.
    pub weight: f32,
    /// Whether any phrasing of the data has it.
    pub known: bool,
}

impl std::fmt::Display for Explanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "terms:")?;
        for t in &self.terms {
            let kind = match t.term.kind {
                crate::text::TermKind::Word => "",
                crate::text::TermKind::Question => "?",
            };
            let flags = match (t.known, t.term.corrected) {
                (false, _) => " unknown",
                (true, true) => " corrected",
                (true, false) => "",
            };
            write!(f, " {kind}{}={:.2}{flags}", t.term.key, t.weight)?;
        }
        writeln!(f)?;
        for (id, score, phrasing) in &self.top {
            writeln!(f, "  {score:.3} {id}: {phrasing}")?;
        }
        Ok(())
    }
}

/// A question that is mostly words the data knows, with no good match, is "on the story
/// but not covered"; below this share of known word weight it is "off the story".
pub const NOT_COVERED_SHARE: f32 = 0.5;
/// How many near misses a [`NoAnswer`] keeps for the curators' log.
pub const NEAR_MISSES: usize = 3;

/// The knowledge base, indexed, with the thresholds that decide an outcome.
#[derive(Debug)]
pub struct Engine {
    kb: Arc<KnowledgeBase>,
    index: Index,
    thresholds: Thresholds,
}

impl Engine {
    /// Indexes `kb` (see [`KnowledgeBase::load`]).
    pub fn new(kb: impl Into<Arc<KnowledgeBase>>, thresholds: Thresholds) -> Engine {
        let kb = kb.into();
        let index = Index::build(kb.analyzer(), kb.entries());
        Engine {
            kb,
            index,
            thresholds,
        }
    }

    /// The knowledge base this engine answers from.
    pub fn kb(&self) -> &Arc<KnowledgeBase> {
        &self.kb
    }

    /// The thresholds in use.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// How many phrasings are indexed.
    pub fn phrasing_count(&self) -> usize {
        self.index.phrasing_count()
    }

    /// Answers `question`: an answer, "did you mean" candidates, or no answer with why.
    ///
    /// ```
    /// use jedi_bot::{Engine, KnowledgeBase, Outcome, Reason, Thresholds};
    /// let engine = Engine::new(KnowledgeBase::embedded().unwrap(), Thresholds::default());
    /// assert!(matches!(engine.ask("what's the weather in paris?"), Outcome::NoAnswer(_)));
    /// ```
    pub fn ask(&self, question: &str) -> Outcome {
        let terms = self.kb.analyzer().analyze(question);
        let scores = self.index.score(&terms);
        let candidate = |&(entry, score, _): &(usize, f32, usize)| Candidate {
            entry: self.kb.entries()[entry].clone(),
            score,
        };
        let t = &self.thresholds;
        if !scores.has_words {
            return Outcome::NoAnswer(NoAnswer {
                reason: Reason::Empty,
                candidates: Vec::new(),
            });
        }
        let top = scores.ranked.first().copied();
        let runner_up = scores.ranked.get(1).map_or(0.0, |&(_, s, _)| s);
        match top {
            Some((entry, score, _))
                if scores.knows_a_word && score >= t.answer && score - runner_up >= t.margin =>
            {
                let id = &self.kb.entries()[entry].id;
                let answer = self.answer_entry(id).expect("a ranked entry exists");
                Outcome::Answer(Answer { score, ..answer })
            }
            Some((_, score, _)) if scores.knows_a_word && score >= t.suggest => {
                let floor = t.suggest.max(score - t.suggest_window);
                Outcome::Suggestions(
                    scores
                        .ranked
                        .iter()
                        .take_while(|&&(_, s, _)| s >= floor)
                        .take(t.max_suggestions)
                        .map(candidate)
                        .collect(),
                )
            }
            _ => Outcome::NoAnswer(NoAnswer {
                reason: if scores.known_share >= NOT_COVERED_SHARE {
                    Reason::NotCovered
                } else {
                    Reason::OffTopic
                },
                candidates: scores
                    .ranked
                    .iter()
                    .take(NEAR_MISSES)
                    .map(candidate)
                    .collect(),
            }),
        }
    }

    /// How the engine read `question` and scored the best entries: for curators asking
    /// "why did it answer that?" (`jedi-bot ask --explain`).
    pub fn explain(&self, question: &str, limit: usize) -> Explanation {
        let terms = self.kb.analyzer().analyze(question);
        let scores = self.index.score(&terms);
        Explanation {
            terms: terms
                .iter()
                .map(|term| {
                    let (weight, known) = self.index.weight(term);
                    ExplainedTerm {
                        term: term.clone(),
                        weight,
                        known,
                    }
                })
                .collect(),
            top: scores
                .ranked
                .iter()
                .take(limit)
                .map(|&(entry, score, position)| {
                    let entry = &self.kb.entries()[entry];
                    (entry.id.clone(), score, entry.questions[position].clone())
                })
                .collect(),
        }
    }

    /// The answer of entry `id`, as if it had been asked exactly (a "did you mean" or
    /// related-question button): score 1.
    pub fn answer_entry(&self, id: &str) -> Option<Answer> {
        let entry = self.kb.entry(id)?.clone();
        let related = entry
            .related
            .iter()
            .filter_map(|id| self.kb.entry(id).cloned())
            .collect();
        Some(Answer {
            entry,
            score: 1.0,
            related,
        })
    }

    /// The entries best matching `text`, best first, at most `limit`, whatever their
    /// score: for autocomplete. Empty text lists the entries in data order.
    pub fn rank(&self, text: &str, limit: usize) -> Vec<Candidate> {
        let terms = self.kb.analyzer().analyze(text);
        if terms.is_empty() {
            return self
                .kb
                .entries()
                .iter()
                .take(limit)
                .map(|entry| Candidate {
                    entry: entry.clone(),
                    score: 0.0,
                })
                .collect();
        }
        self.index
            .score(&terms)
            .ranked
            .into_iter()
            .take(limit)
            .map(|(entry, score, _)| Candidate {
                entry: self.kb.entries()[entry].clone(),
                score,
            })
            .collect()
    }
}
