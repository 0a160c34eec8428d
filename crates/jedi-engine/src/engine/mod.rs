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

pub use outcome::{Answer, Candidate, NoAnswer, Outcome, Reason};
pub use thresholds::Thresholds;

use crate::kb::KnowledgeBase;
use index::{Index, Needed, Scores};

/// A conversation's memory of what was last answered.
#[derive(Debug, Clone, Default)]
pub struct Conversation {}

impl Conversation {
    /// A new conversation.
    pub fn new() -> Conversation {
        Conversation::default()
    }
}

/// A question's outcome in a conversation.
#[derive(Debug, Clone)]
pub struct Read {
    /// The outcome.
    pub outcome: Outcome,
    /// The entry id the question was read against, if the conversation gave it one.
    pub context: Option<String>,
}

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
    pub term: crate::Term,
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
                crate::TermKind::Word => "",
                crate::TermKind::Question => "?",
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
/// A question whose known terms weigh less than this (a lone frequent word: "microsoft?",
/// "what was microsoft told?", "what does it mean?") is too vague to answer outright,
/// unless it is one of the data's phrasings word for word ("what is jedi?"): it gets "did
/// you mean" at best.
pub const MIN_ANSWER_EVIDENCE: f32 = 2.0;
/// A score this high means the question reads exactly as one of the phrasings.
pub const EXACT_MATCH: f32 = 0.999;
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
        let index = Index::build(kb.analyzer(), kb.entries(), kb.phrasing_terms());
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

    /// Builds the typo-correction tables now rather than for the first misspelt question
    /// (see [`Analyzer::prepare`](crate::text::Analyzer::prepare)).
    pub fn prepare(&self) {
        self.kb.analyzer().prepare();
    }

    /// Answers `question` in `conversation` (interim: read alone).
    pub fn ask_in(&self, question: &str, conversation: &mut Conversation) -> Read {
        let _ = conversation;
        Read {
            outcome: self.ask(question),
            context: None,
        }
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
    /// use jedi_engine::{DataSource, Engine, KnowledgeBase, Outcome, TextBudgets, Thresholds};
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixture");
    /// let kb = KnowledgeBase::load(&DataSource::Dir(dir.into()), TextBudgets::UNLIMITED).unwrap();
    /// let engine = Engine::new(kb, Thresholds::default());
    /// assert!(matches!(engine.ask("what's the weather in paris?"), Outcome::NoAnswer(_)));
    /// ```
    pub fn ask(&self, question: &str) -> Outcome {
        let terms = self.kb.analyzer().analyze(question);
        let t = &self.thresholds;
        // Most questions are answered, and an answer needs only the best entry and those
        // within the margin of it: score that much first ...
        let answer_needs = Needed {
            top: 1,
            covered: 0,
            window: Some(t.margin),
        };
        if let Some(answer) = self.answer(&self.index.score(&terms, answer_needs)) {
            return Outcome::Answer(answer);
        }
        // ... and what the other outcomes read only when it is not: the runner-up, the
        // "did you mean" window under the best, and the first covered entries (near
        // misses, suggestions).
        let needed = Needed {
            top: 2,
            covered: NEAR_MISSES.max(t.max_suggestions),
            window: Some(t.margin.max(t.suggest_window)),
        };
        self.outcome(&self.index.score(&terms, needed))
    }

    /// Whether the best of `scores`, `entry` with `score`, is good and clear enough to
    /// answer with (if the article covers it).
    fn answers(&self, scores: &Scores, entry: usize, score: f32) -> bool {
        let t = &self.thresholds;
        let runner_up = scores.ranked.get(1).map_or(0.0, |&(_, s, _)| s);
        let clear_winner = score - runner_up >= t.margin
            || scores
                .ranked
                .iter()
                .skip(1)
                .take_while(|&&(_, s, _)| score - s < t.margin)
                .all(|&(other, _, _)| self.kin(entry, other));
        (scores.known_weight >= MIN_ANSWER_EVIDENCE || score >= EXACT_MATCH)
            && score >= t.answer
            && clear_winner
    }

    /// The answer, if `scores` has one the article covers.
    fn answer(&self, scores: &Scores) -> Option<Answer> {
        let &(entry, score, _) = scores.ranked.first()?;
        if !self.answers(scores, entry, score) {
            return None;
        }
        // `answer_entry` is `None` for a gap.
        let answer = self.answer_entry(&self.kb.entries()[entry].id)?;
        Some(Answer { score, ..answer })
    }

    /// The outcome of a question scored with at least the ranks [`Engine::ask`] names.
    fn outcome(&self, scores: &Scores) -> Outcome {
        let t = &self.thresholds;
        let candidate = |&(entry, score, _): &(usize, f32, usize)| Candidate {
            entry: self.kb.entries()[entry].clone(),
            score,
        };
        if !scores.has_words {
            return Outcome::NoAnswer(NoAnswer {
                reason: Reason::Empty,
                candidates: Vec::new(),
                gap: None,
            });
        }
        let covered = |&&(entry, _, _): &&(usize, f32, usize)| self.kb.entries()[entry].covered;
        let near_misses = || {
            scores
                .ranked
                .iter()
                .filter(covered)
                .take(NEAR_MISSES)
                .map(candidate)
                .collect()
        };
        match scores.ranked.first().copied() {
            Some((entry, score, _)) if self.answers(scores, entry, score) => {
                // `answer_entry` is `None` for a gap.
                match self.answer_entry(&self.kb.entries()[entry].id) {
                    Some(answer) => Outcome::Answer(Answer { score, ..answer }),
                    None => Outcome::NoAnswer(NoAnswer {
                        reason: Reason::NotCovered,
                        candidates: near_misses(),
                        gap: Some(self.kb.entries()[entry].clone()),
                    }),
                }
            }
            Some((entry, score, _)) if scores.knows_a_word && score >= t.suggest => {
                let floor = t.suggest.max(score - t.suggest_window);
                let choices: Vec<Candidate> = scores
                    .ranked
                    .iter()
                    .take_while(|&&(_, s, _)| s >= floor)
                    .filter(covered)
                    .take(t.max_suggestions)
                    .map(candidate)
                    .collect();
                let top_entry = &self.kb.entries()[entry];
                if choices.is_empty() || !top_entry.covered {
                    // The best match is a known gap: say so rather than offer weaker guesses.
                    Outcome::NoAnswer(NoAnswer {
                        reason: Reason::NotCovered,
                        candidates: near_misses(),
                        gap: (!top_entry.covered).then(|| top_entry.clone()),
                    })
                } else {
                    Outcome::Suggestions(choices)
                }
            }
            _ => Outcome::NoAnswer(NoAnswer {
                reason: if scores.known_share >= NOT_COVERED_SHARE {
                    Reason::NotCovered
                } else {
                    Reason::OffTopic
                },
                candidates: near_misses(),
                gap: None,
            }),
        }
    }

    /// How the engine read `question` and scored the best entries: for curators asking
    /// "why did it answer that?" (`jedi-bot ask --explain`).
    pub fn explain(&self, question: &str, limit: usize) -> Explanation {
        let terms = self.kb.analyzer().analyze(question);
        let needed = Needed {
            top: limit,
            covered: 0,
            window: None,
        };
        let scores = self.index.score(&terms, needed);
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

    /// Whether two entries are close kin: one lists the other as related, or they rest on
    /// an excerpt in common. When the best match's only close rivals are its kin, the
    /// engine answers with it (the kin are offered as related questions) instead of
    /// asking "did you mean".
    fn kin(&self, a: usize, b: usize) -> bool {
        let (a, b) = (&self.kb.entries()[a], &self.kb.entries()[b]);
        a.covered
            && b.covered
            && (a.related.contains(&b.id)
                || b.related.contains(&a.id)
                || a.sources.iter().any(|s| b.sources.contains(s)))
    }

    /// The answer of entry `id`, as if it had been asked exactly (a "did you mean" or
    /// related-question button): score 1. `None` for an unknown id or a gap.
    pub fn answer_entry(&self, id: &str) -> Option<Answer> {
        let entry = self.kb.entry(id)?.clone();
        if !entry.covered {
            return None;
        }
        let related = entry
            .related
            .iter()
            .filter_map(|id| self.kb.entry(id).cloned())
            .collect();
        Some(Answer {
            text: entry.answer.clone(),
            entry,
            score: 1.0,
            related,
        })
    }

    /// The answerable entries best matching `text`, best first, at most `limit`, whatever
    /// their score: for autocomplete. Empty text lists the entries in data order.
    pub fn rank(&self, text: &str, limit: usize) -> Vec<Candidate> {
        let terms = self.kb.analyzer().analyze(text);
        if terms.is_empty() {
            return self
                .kb
                .entries()
                .iter()
                .filter(|entry| entry.covered)
                .take(limit)
                .map(|entry| Candidate {
                    entry: entry.clone(),
                    score: 0.0,
                })
                .collect();
        }
        let needed = Needed {
            top: 0,
            covered: limit,
            window: None,
        };
        self.index
            .score(&terms, needed)
            .ranked
            .into_iter()
            .filter(|&(entry, _, _)| self.kb.entries()[entry].covered)
            .take(limit)
            .map(|(entry, score, _)| Candidate {
                entry: self.kb.entries()[entry].clone(),
                score,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        crate::fixture::engine()
    }

    /// An engine over a generated knowledge base large enough for every path of scoring.
    fn large_engine() -> Engine {
        let (source, _) = crate::synthetic::data(400);
        let kb = KnowledgeBase::load(&source, crate::TextBudgets::UNLIMITED).unwrap();
        Engine::new(kb, Thresholds::default())
    }

    /// Questions made from the data's own phrasings: each whole, its first and second
    /// halves, and mixed with a phrasing of another entry (the close calls, suggestions
    /// and declines that stop scoring early must not change).
    fn questions(engine: &Engine) -> Vec<String> {
        let phrasings: Vec<&String> = engine
            .kb()
            .entries()
            .iter()
            .flat_map(|entry| &entry.questions)
            .collect();
        let mut questions = Vec::new();
        for (i, phrasing) in phrasings.iter().enumerate() {
            let words: Vec<&str> = phrasing.split_whitespace().collect();
            let half = words.len() / 2;
            let other: Vec<&str> = phrasings[(i * 7 + 13) % phrasings.len()]
                .split_whitespace()
                .collect();
            questions.push(phrasing.to_string());
            questions.push(words[..half.max(1)].join(" "));
            questions.push(words[half..].join(" "));
            questions.push(
                [&words[..half], &other[other.len() / 2..]]
                    .concat()
                    .join(" "),
            );
        }
        questions
    }

    #[test]
    fn scoring_only_the_needed_ranks_changes_no_outcome() {
        let (mut answers, mut others) = (0, 0);
        for engine in [engine(), large_engine()] {
            for question in questions(&engine) {
                let terms = engine.kb().analyzer().analyze(&question);
                let full = engine.outcome(&engine.index.score(&terms, Needed::EVERY));
                let outcome = engine.ask(&question);
                assert_eq!(outcome, full, "{question}");
                match outcome {
                    Outcome::Answer(_) => answers += 1,
                    _ => others += 1,
                }
            }
        }
        // Both paths of `ask` (answered at once, scored again) were taken many times.
        assert!(answers > 1000 && others > 1000, "{answers} {others}");
    }

    #[test]
    fn ranking_and_explaining_skip_nothing_they_show() {
        for engine in [engine(), large_engine()] {
            for question in questions(&engine).iter().step_by(3) {
                let terms = engine.kb().analyzer().analyze(question);
                if terms.is_empty() {
                    // Autocomplete lists the entries in data order then.
                    continue;
                }
                let full = engine.index.score(&terms, Needed::EVERY).ranked;
                let ids = |entries: Vec<(usize, f32)>| -> Vec<(String, f32)> {
                    entries
                        .into_iter()
                        .map(|(e, s)| (engine.kb().entries()[e].id.clone(), s))
                        .collect()
                };
                let explained: Vec<(String, f32)> = engine
                    .explain(question, 5)
                    .top
                    .into_iter()
                    .map(|(id, score, _)| (id, score))
                    .collect();
                let expected = ids(full.iter().take(5).map(|&(e, s, _)| (e, s)).collect());
                assert_eq!(explained, expected, "{question}");
                let ranked: Vec<(String, f32)> = engine
                    .rank(question, 4)
                    .into_iter()
                    .map(|c| (c.entry.id.clone(), c.score))
                    .collect();
                let covered = full
                    .iter()
                    .filter(|&&(e, _, _)| engine.kb().entries()[e].covered)
                    .take(4)
                    .map(|&(e, s, _)| (e, s))
                    .collect();
                assert_eq!(ranked, ids(covered), "{question}");
            }
        }
    }
}
