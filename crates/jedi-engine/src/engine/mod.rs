//! The answer engine: matches a question to the Q&A set and decides what to say.
//!
//! [`Engine::ask`] analyses the question, scores every entry sharing a term with it (see
//! the constants of the scoring), and turns the scores into one [`Outcome`] with the
//! [`Thresholds`]: a clear winner is an answer; several close ones are "did you mean";
//! nothing good enough is no answer, off the story or not covered by the article.

mod clauses;
mod conversation;
mod decision;
mod index;
mod outcome;
mod thresholds;

use std::sync::Arc;

pub use conversation::{Conversation, Read, DEFAULT_TTL};
use decision::MARGIN_CAP;
pub use decision::{Evidence, TermsRead, FEATURES};
pub use outcome::{Answer, Candidate, NoAnswer, Outcome, Reason};
pub use thresholds::Thresholds;

use crate::kb::KnowledgeBase;
use crate::Term;
use index::{Index, Needed, Ranked, Scores};

/// How a question was read and scored (see [`Engine::explain`]).
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The question's terms with their weights.
    pub terms: Vec<ExplainedTerm>,
    /// The best-scoring entries, best first.
    pub top: Vec<ExplainedEntry>,
    /// The evidence for answering with the best entry, when there is one.
    pub evidence: Option<Evidence>,
}

/// One of the best-scoring entries of an explained question.
#[derive(Debug, Clone)]
pub struct ExplainedEntry {
    /// The entry's id.
    pub id: String,
    /// Its score.
    pub score: f32,
    /// Its phrasing that matched best.
    pub phrasing: String,
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
            let flags = match (t.known, t.term.reading) {
                (_, crate::Reading::Describing) => " unknown describing".to_string(),
                (false, _) => " unknown".to_string(),
                (true, crate::Reading::Corrected) => " corrected".to_string(),
                (true, crate::Reading::Related(d)) => {
                    format!(" related({:.1})", f32::from(d) / 10.0)
                }
                (true, crate::Reading::Context) => " context".to_string(),
                (true, crate::Reading::Typed | crate::Reading::Negated) => String::new(),
            };
            write!(f, " {kind}{}={:.2}{flags}", t.term.key, t.weight)?;
        }
        writeln!(f)?;
        for ExplainedEntry {
            id,
            score,
            phrasing,
        } in &self.top
        {
            writeln!(f, "  {score:.3} {id}: {phrasing}")?;
        }
        if let Some(evidence) = &self.evidence {
            write!(f, "decision: confidence {:.3} from", evidence.confidence())?;
            for (name, value) in FEATURES.iter().zip(evidence.features()) {
                write!(f, " {name}={value:.2}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// A question that is mostly words the data knows, with no good match, is "on the story
/// but not covered"; below this share of known word weight it is "off the story".
pub const NOT_COVERED_SHARE: f32 = 0.5;
/// A question is read up to this many characters (the rest is ignored): nobody asks in
/// more, and some characters expand many times over when normalised (U+FDFA becomes 18),
/// so the cost of reading a question stays bounded whatever is sent.
pub const MAX_QUESTION_CHARS: usize = 500;

/// `text` cut to its first [`MAX_QUESTION_CHARS`] characters.
fn capped(text: &str) -> &str {
    match text.char_indices().nth(MAX_QUESTION_CHARS) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// A run of clauses answered on its own disagrees with the whole question's answer only
/// when it is at least about as sure: one much less sure than the whole is a part read
/// out of what the rest of the question says.
const CLAUSE_RIVAL_SLACK: f32 = 0.05;

/// A question of at least this many words that gets no answer whole is also read clause
/// by clause (see [`clauses`]): shorter ones rarely carry a preamble or an aside.
pub const CLAUSE_READING_WORDS: usize = 10;

/// A question that names one of the story's entities gets "did you mean" rather than a
/// decline when its best match scores at least this, however unsure the decision is.
pub const ENTITY_SUGGEST_SCORE: f32 = 0.3;

/// A question as the engine reads it.
#[derive(Debug, Clone)]
pub(crate) struct Question {
    terms: Vec<Term>,
    /// How it asks (whether a yes/no question, its pronouns, ...).
    shape: crate::text::Shape,
    /// The text it was read from (cut to its cap), kept only when the question is long
    /// enough to be read clause by clause; empty otherwise, and for a question read with
    /// a conversation's context.
    text: String,
}

/// What the engine decided about the best-ranked entry.
#[derive(Debug, Clone, Copy)]
struct Decision {
    entry: usize,
    confidence: f32,
    evidence: Evidence,
    /// Sure enough, and clear of close rivals: answer with it (or, for a gap, decline
    /// with what it says the article leaves out).
    answers: bool,
}
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
        let index = Index::build(
            kb.analyzer(),
            kb.article(),
            kb.entries(),
            kb.phrasing_terms(),
        );
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
        self.ask_read(&self.read(question))
    }

    /// How the engine reads `question`.
    fn read(&self, question: &str) -> Question {
        let question = capped(question);
        let analyzer = self.kb.analyzer();
        let (mut terms, shape) = analyzer.analyze_question(question);
        self.set_aside_negated(&mut terms);
        let words = terms
            .iter()
            .filter(|t| t.kind == crate::TermKind::Word)
            .count();
        Question {
            shape,
            text: if words >= CLAUSE_READING_WORDS {
                question.to_string()
            } else {
                String::new()
            },
            terms,
        }
    }

    /// Drops the negated terms the data does not know ("what does it stand for, not the
    /// movie one": the question says what it is not about) and reads the rest as typed
    /// ("not the contract" names the contract all the same).
    fn set_aside_negated(&self, terms: &mut Vec<Term>) {
        terms.retain_mut(|term| {
            if term.reading != crate::Reading::Negated {
                return true;
            }
            term.reading = crate::Reading::Typed;
            self.index.knows(term)
        });
    }

    /// [`ask`](Self::ask) for a question already read.
    fn ask_read(&self, question: &Question) -> Outcome {
        self.answer_first(question)
            .unwrap_or_else(|| self.outcome_when_unanswered(question))
    }

    /// The outcome of `question` when the first, narrow scoring settles it: most
    /// questions are answered, and an answer needs only the best entries within the reach
    /// of the margin the decision weighs. An answer, or a "did you mean" between the
    /// answer and a clause's; `None` when the question is not answered.
    fn answer_first(&self, question: &Question) -> Option<Outcome> {
        let terms = &question.terms[..];
        let answer_needs = Needed {
            top: 2,
            covered: 0,
            window: Some(self.margin_reach()),
        };
        let scores = self.index.score(terms, answer_needs);
        let decision = self.decide(terms, &scores)?;
        if let Some(answer) = self.answer_with(question, &scores, decision) {
            return Some(match self.clause_rival(question, &answer, answer_needs) {
                Some(rival) => Outcome::Suggestions(vec![answer.candidate(), rival]),
                None => Outcome::Answer(answer),
            });
        }
        if self.suggests(&decision, &scores) {
            return self
                .answer_by_clauses(question, decision.entry, answer_needs)
                .map(Outcome::Answer);
        }
        None
    }

    /// The outcome of a question [`answer_first`](Self::answer_first) did not settle,
    /// from what the other outcomes read: the "did you mean" window under the best, and
    /// the first covered entries (near misses, suggestions).
    fn outcome_when_unanswered(&self, question: &Question) -> Outcome {
        let t = &self.thresholds;
        let needed = Needed {
            top: 2,
            covered: NEAR_MISSES.max(t.max_suggestions),
            window: Some(self.margin_reach().max(t.suggest_window)),
        };
        self.outcome(question, &self.index.score(&question.terms, needed))
    }

    /// How far under the best score the decision looks for a rival.
    fn margin_reach(&self) -> f32 {
        MARGIN_CAP.max(self.thresholds.margin)
    }

    /// For a long question answered whole: another entry that one of its runs of clauses
    /// (leaving out only clauses that ask nothing) is answered with on its own, at least
    /// about as surely ([`CLAUSE_RIVAL_SLACK`]). The whole
    /// and a part of it then disagree about what is asked, and the engine offers both
    /// rather than risk the wrong one.
    fn clause_rival(
        &self,
        question: &Question,
        answer: &Answer,
        needed: Needed,
    ) -> Option<Candidate> {
        let mut rival: Option<Answer> = None;
        self.each_clause_answer(question, needed, |clause| {
            if clause.entry.id != answer.entry.id
                && clause.confidence + CLAUSE_RIVAL_SLACK >= answer.confidence
                && !self.kin_entries(&clause.entry, &answer.entry)
                && rival
                    .as_ref()
                    .is_none_or(|r| clause.confidence > r.confidence)
            {
                rival = Some(clause);
            }
        });
        rival.as_ref().map(Answer::candidate)
    }

    /// Calls `each` with the answer every run of clauses of a long `question` gets on its
    /// own, for the runs whose left-out clauses ask nothing of their own.
    fn each_clause_answer(
        &self,
        question: &Question,
        needed: Needed,
        mut each: impl FnMut(Answer),
    ) {
        // Empty for a question too short to be read clause by clause (see `read`).
        if question.text.is_empty() {
            return;
        }
        let analyzer = self.kb.analyzer();
        for run in clauses::runs(&question.text) {
            // What a run leaves out may be a preamble or an aside, not a question of its own.
            if analyzer.asks(run.before) || analyzer.asks(run.after) {
                continue;
            }
            let mut read = self.read(run.run);
            read.shape.yes_no = question.shape.yes_no;
            read.text = String::new();
            let scores = self.index.score(&read.terms, needed);
            let Some(decision) = self.decide(&read.terms, &scores) else {
                continue;
            };
            if let Some(answer) = self.answer_with(&read, &scores, decision) {
                each(answer);
            }
        }
    }

    /// For a long question that read whole is only close enough to `first` for a "did you
    /// mean": the surest answer one of its runs of clauses gets on its own, when the
    /// clauses it leaves out ask nothing (a preamble, an aside) and it answers with
    /// `first` itself. Both keep a clause from answering a question whose other words
    /// ask something else; a gap ranked first is never answered this way.
    fn answer_by_clauses(
        &self,
        question: &Question,
        first: usize,
        needed: Needed,
    ) -> Option<Answer> {
        let first = &self.kb.entries()[first].id;
        let mut best: Option<Answer> = None;
        self.each_clause_answer(question, needed, |answer| {
            if answer.entry.id == *first
                && best
                    .as_ref()
                    .is_none_or(|b| answer.confidence > b.confidence)
            {
                best = Some(answer);
            }
        });
        best
    }

    /// The evidence for the best of `scores` and how sure it makes the engine, and
    /// whether that is enough to answer with it (or to decline with it, for a gap).
    fn decide(&self, terms: &[Term], scores: &Scores) -> Option<Decision> {
        let t = &self.thresholds;
        let evidence = self.evidence(terms, scores)?;
        let confidence = evidence.confidence();
        let Ranked { entry, score, .. } = scores.ranked[0];
        let clear_winner = scores
            .ranked
            .iter()
            .skip(1)
            .take_while(|r| score - r.score < t.margin)
            .all(|r| self.kin(entry, r.entry));
        Some(Decision {
            entry,
            confidence,
            evidence,
            answers: confidence >= t.answer && clear_winner,
        })
    }

    /// The answer of a decision to answer, if its entry is covered by the article.
    fn answer_with(
        &self,
        question: &Question,
        scores: &Scores,
        decision: Decision,
    ) -> Option<Answer> {
        if !decision.answers {
            return None;
        }
        let Ranked {
            entry,
            score,
            phrasing: position,
        } = scores.ranked[0];
        // `answer_entry` is `None` for a gap.
        let answer = self.answer_entry(&self.kb.entries()[decision.entry].id)?;
        // "Yes. ..." only for a yes/no question that reads as one of the entry's own
        // yes/no phrasings: the form says yes or no to what those ask.
        let text = match &answer.entry.yes_no {
            Some(yes_no)
                if question.shape.yes_no
                    && self.index.reads_as_yes_no(&question.terms, entry, position) =>
            {
                yes_no.clone()
            }
            _ => answer.text.clone(),
        };
        Some(Answer {
            score,
            confidence: decision.confidence,
            text,
            ..answer
        })
    }

    /// The outcome of a question scored with at least the ranks [`Engine::ask`] names.
    fn outcome(&self, question: &Question, scores: &Scores) -> Outcome {
        let t = &self.thresholds;
        let terms = &question.terms[..];
        let candidate = |&Ranked { entry, score, .. }: &Ranked| Candidate {
            entry: self.kb.entries()[entry].clone(),
            score,
        };
        let no_answer = |reason, gap| {
            Outcome::NoAnswer(NoAnswer {
                reason,
                candidates: scores
                    .ranked
                    .iter()
                    .filter(|r| self.kb.entries()[r.entry].covered)
                    .take(NEAR_MISSES)
                    .map(candidate)
                    .collect(),
                gap,
            })
        };
        if !scores.has_words {
            return Outcome::NoAnswer(NoAnswer {
                reason: Reason::Empty,
                candidates: Vec::new(),
                gap: None,
            });
        }
        let Some(decision) = self.decide(terms, scores) else {
            return no_answer(self.unmatched_reason(scores, None), None);
        };
        let top = &self.kb.entries()[decision.entry];
        if decision.answers {
            return match self.answer_with(question, scores, decision) {
                Some(answer) => Outcome::Answer(answer),
                None => no_answer(Reason::NotCovered, Some(top.clone())),
            };
        }
        if !self.suggests(&decision, scores) {
            return no_answer(self.unmatched_reason(scores, Some(&decision)), None);
        }
        if !top.covered {
            // The best match is a known gap: say so rather than offer weaker guesses.
            return no_answer(Reason::NotCovered, Some(top.clone()));
        }
        let floor = scores.ranked[0].score - t.suggest_window;
        let choices: Vec<Candidate> = scores
            .ranked
            .iter()
            .take_while(|r| r.score >= floor)
            .filter(|r| self.kb.entries()[r.entry].covered)
            .take(t.max_suggestions)
            .map(candidate)
            .collect();
        Outcome::Suggestions(choices)
    }

    /// Whether a decision not to answer is still close enough to offer "did you mean":
    /// sure enough, or naming one of the story's entities with a fair match.
    fn suggests(&self, decision: &Decision, scores: &Scores) -> bool {
        decision.confidence >= self.thresholds.suggest
            || (decision.evidence.terms.names_entity
                && scores.ranked[0].score >= ENTITY_SUGGEST_SCORE)
    }

    /// Why a question with no good match has no answer: about the story but not covered
    /// when it names the story's entities or is mostly words of the data, else off the
    /// story.
    fn unmatched_reason(&self, scores: &Scores, decision: Option<&Decision>) -> Reason {
        let names_entity = decision.is_some_and(|d| d.evidence.terms.names_entity);
        if names_entity || scores.known_share >= NOT_COVERED_SHARE {
            Reason::NotCovered
        } else {
            Reason::OffTopic
        }
    }

    /// How the engine read `question` and scored the best entries: for curators asking
    /// "why did it answer that?" (`jedi-bot ask --explain`).
    pub fn explain(&self, question: &str, limit: usize) -> Explanation {
        let terms = self.read(question).terms;
        let needed = Needed {
            top: limit,
            covered: 0,
            window: None,
        };
        let scores = self.index.score(&terms, needed);
        Explanation {
            evidence: self.evidence(&terms, &scores),
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
                .map(
                    |&Ranked {
                         entry,
                         score,
                         phrasing: position,
                     }| {
                        let entry = &self.kb.entries()[entry];
                        ExplainedEntry {
                            id: entry.id.clone(),
                            score,
                            phrasing: entry.questions[position].clone(),
                        }
                    },
                )
                .collect(),
        }
    }

    /// The evidence for answering with the best of `scores` (scored with at least the
    /// best entry and those within the margin of it).
    fn evidence(&self, terms: &[Term], scores: &Scores) -> Option<Evidence> {
        let &Ranked { entry, score, .. } = scores.ranked.first()?;
        let runner_up = scores
            .ranked
            .iter()
            .skip(1)
            .find(|r| !self.kin(entry, r.entry))
            .map_or(0.0, |r| r.score);
        Some(Evidence {
            score,
            margin: score - runner_up,
            terms: self.index.reading_of(terms, entry),
        })
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

    /// [`kin`](Self::kin) for two entries of the knowledge base.
    pub(crate) fn kin_entries(&self, a: &crate::Entry, b: &crate::Entry) -> bool {
        match (self.kb.entry_index(&a.id), self.kb.entry_index(&b.id)) {
            (Some(a), Some(b)) => self.kin(a, b),
            _ => false,
        }
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
            confidence: 1.0,
            related,
        })
    }

    /// The answerable entries best matching `text`, best first, at most `limit`, whatever
    /// their score: for autocomplete. Empty text lists the entries in data order.
    pub fn rank(&self, text: &str, limit: usize) -> Vec<Candidate> {
        let terms = self.kb.analyzer().analyze(capped(text));
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
            .filter(|r| self.kb.entries()[r.entry].covered)
            .take(limit)
            .map(|Ranked { entry, score, .. }| Candidate {
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
                let analyzer = engine.kb().analyzer();
                let (terms, shape) = analyzer.analyze_question(&question);
                let read = Question {
                    terms,
                    shape,
                    text: question.clone(),
                };
                let full = engine.outcome(&read, &engine.index.score(&read.terms, Needed::EVERY));
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
                    .map(|e| (e.id, e.score))
                    .collect();
                let expected = ids(full.iter().take(5).map(|r| (r.entry, r.score)).collect());
                assert_eq!(explained, expected, "{question}");
                let ranked: Vec<(String, f32)> = engine
                    .rank(question, 4)
                    .into_iter()
                    .map(|c| (c.entry.id.clone(), c.score))
                    .collect();
                let covered = full
                    .iter()
                    .filter(|r| engine.kb().entries()[r.entry].covered)
                    .take(4)
                    .map(|r| (r.entry, r.score))
                    .collect();
                assert_eq!(ranked, ids(covered), "{question}");
            }
        }
    }
}

#[cfg(test)]
mod reading_tests {
    use crate::{Outcome, Reading};

    fn answer_id(question: &str) -> Option<String> {
        crate::fixture::engine()
            .ask(question)
            .answer_id()
            .map(str::to_string)
    }

    #[test]
    fn a_long_question_is_answered_by_its_asking_clause_when_the_whole_agrees() {
        // Read whole, each is only close enough to its entry for "did you mean".
        for (question, id) in [
            (
                "I am writing a piece on the town and need to confirm: how much is the bridge contract worth?",
                "value",
            ),
            (
                "Who is the judge, the one who sent the plan back to the town for sixty days after Harbor Works sued?",
                "judge",
            ),
        ] {
            assert_eq!(answer_id(question).as_deref(), Some(id), "{question}");
        }
    }

    #[test]
    fn a_long_question_whose_asking_clause_disagrees_gets_both_offered() {
        let question = "Harbor Works sued the town in the county court over the bridge contract, which company won the bridge repair?";
        let outcome = crate::fixture::engine().ask(question);
        let Outcome::Suggestions(choices) = outcome else {
            panic!("{outcome:?}");
        };
        let ids: Vec<&str> = choices.iter().map(|c| c.entry.id.as_str()).collect();
        assert_eq!(ids, ["lawsuit", "winner"]);
    }

    #[test]
    fn only_clauses_that_ask_nothing_are_left_out() {
        let engine = crate::fixture::engine();
        let analyzer = engine.kb().analyzer();
        for asks in [
            "and what did the mayor say",
            "did harbor works sue",
            "how long",
            "which one",
        ] {
            assert!(analyzer.asks(asks), "{asks}");
        }
        for aside in [
            "I am writing a piece on the town and need to confirm",
            "for the record",
            "the one in the county court",
        ] {
            assert!(!analyzer.asks(aside), "{aside}");
        }
    }

    #[test]
    fn a_word_set_aside_by_a_negation_is_not_read_unless_the_data_knows_it() {
        let engine = crate::fixture::engine();
        let asked = "who won the bridge contract, not the skywalker?";
        let unread = engine.explain("who won the bridge contract, the skywalker?", 1);
        assert!(unread.terms.iter().any(|t| &*t.term.key == "skywalker"));
        assert_eq!(engine.ask(asked).answer_id(), Some("winner"));
        let keys = |text: &str| -> Vec<String> {
            engine
                .explain(text, 1)
                .terms
                .iter()
                .map(|t| t.term.key.to_string())
                .collect()
        };
        assert!(!keys(asked).contains(&"skywalker".to_string()));
        assert!(keys("who won, not harbor works?").contains(&"harbor".to_string()));
        // Inside a clause, a negation negates what the clause says: it sets nothing aside.
        assert!(
            keys("who did not skywalker the bridge contract").contains(&"skywalker".to_string())
        );
        // And what it sets aside is in its own clause.
        assert!(
            keys("who won the bridge contract? not, skywalker").contains(&"skywalker".to_string())
        );
    }

    /// How the fixture engine read the term `key` of `text`.
    fn explained(engine: &super::Engine, text: &str, key: &str) -> super::ExplainedTerm {
        engine
            .explain(text, 1)
            .terms
            .into_iter()
            .find(|t| &*t.term.key == key)
            .unwrap_or_else(|| panic!("{key} in {text:?}"))
    }

    #[test]
    fn an_everyday_word_before_an_entity_describes_it_and_weighs_less() {
        let engine = crate::fixture::engine();
        let term = |text: &str, key: &str| explained(&engine, text, key);
        let describing = term("who is the lady judge?", "ladi");
        assert_eq!(describing.term.reading, Reading::Describing);
        let unread = term("who is the judge, lady?", "ladi");
        assert_eq!(unread.term.reading, Reading::Typed);
        assert!(describing.weight < unread.weight);
        assert_eq!(
            engine.ask("who is the lady judge?").answer_id(),
            Some("judge")
        );
    }

    #[test]
    fn a_word_the_data_does_not_use_is_read_as_its_nearest_word() {
        let explanation = crate::fixture::engine().explain("which tribunal heard the case", 3);
        let court = explanation
            .terms
            .iter()
            .find(|t| &*t.term.key == "court")
            .expect("tribunal reads as court");
        assert!(matches!(court.term.reading, Reading::Related(10)));
    }

    #[test]
    fn an_unknown_word_weighs_by_how_rare_it_is_in_english() {
        let engine = crate::fixture::engine();
        let weight = |question: &str, word: &str| explained(&engine, question, word).weight;
        let common = weight("someone asked about the bridge", "someon");
        let everyday = weight("the lady asked about the bridge", "ladi");
        let rare = weight("photosynthesis of the bridge", "photosynthesi");
        assert!(
            common < everyday && everyday < rare,
            "{common} {everyday} {rare}"
        );
        // What the question asks about counts however common a word it is.
        let asked = weight("how lady is the bridge", "ladi");
        assert!(asked > everyday, "{asked} {everyday}");
    }

    #[test]
    fn a_word_read_as_a_related_one_weighs_no_more_than_it_would_unknown() {
        let engine = crate::fixture::engine();
        let term = |question: &str| {
            engine
                .explain(question, 1)
                .terms
                .into_iter()
                .find(|t| &*t.term.key == "mayor")
                .unwrap()
        };
        let typed = term("what did the mayor say");
        // "official" is an everyday word the fixture links to "mayor", a rare one there.
        let related = term("what did the official say");
        assert!(matches!(related.term.reading, crate::Reading::Related(_)));
        assert!(
            related.weight < typed.weight,
            "{} {}",
            related.weight,
            typed.weight
        );
        let unknown = engine
            .explain("what did the lady say", 1)
            .terms
            .into_iter()
            .find(|t| &*t.term.key == "ladi")
            .unwrap();
        // Rarer than "lady" in English (5.0 against 5.2), so it weighs a little less.
        assert!(
            related.weight < unknown.weight,
            "{} {}",
            related.weight,
            unknown.weight
        );
    }

    #[test]
    fn a_question_is_read_only_up_to_its_cap() {
        let engine = crate::fixture::engine();
        let padding = "\u{FDFA} ".repeat(super::MAX_QUESTION_CHARS);
        let explained = engine.explain(&format!("{padding} who won the bridge contract"), 1);
        assert!(
            !explained
                .terms
                .iter()
                .any(|t| &*t.term.key == "bridg" || &*t.term.key == "bridge"),
            "words past the cap were read"
        );
        assert!(engine
            .ask(&format!("{padding} who won"))
            .answer_id()
            .is_none());
    }

    #[test]
    fn only_a_yes_no_question_gets_the_yes_no_form() {
        let engine = crate::fixture::engine();
        let text = |question: &str| match engine.ask(question) {
            Outcome::Answer(answer) => answer.text,
            other => panic!("{question}: {other:?}"),
        };
        assert!(text("did harbor works sue?").starts_with("Yes."));
        assert!(!text("which company filed the lawsuit").starts_with("Yes"));
        assert_eq!(
            answer_id("did harbor works sue?").as_deref(),
            Some("lawsuit")
        );
    }
}
