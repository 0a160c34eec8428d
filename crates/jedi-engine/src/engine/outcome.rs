//! The one result type every surface uses for a question.

use std::sync::Arc;

use crate::kb::Entry;

/// What the engine made of a question: an answer, a few candidates to choose from, or no
/// answer with its reason. Mentions, `/ask`, autocomplete and the command line all use it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// One entry is a clear match.
    Answer(Answer),
    /// Several entries are close: "did you mean ...?" (best first, at least one).
    Suggestions(Vec<Candidate>),
    /// Nothing matches well enough.
    NoAnswer(NoAnswer),
}

/// A clear match.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The entry that answers the question.
    pub entry: Arc<Entry>,
    /// The answer to show: the entry's answer, in the form that fits the question.
    pub text: String,
    /// How well it matched, from 0 to 1.
    pub score: f32,
    /// How sure the engine is that it answers the question, from 0 to 1 (1 for an entry
    /// chosen by id).
    pub confidence: f32,
    /// The entries the data lists as worth asking next.
    pub related: Vec<Arc<Entry>>,
}

impl Answer {
    /// The answering entry and how well it matched, as a "did you mean" choice.
    pub fn candidate(&self) -> Candidate {
        Candidate {
            entry: self.entry.clone(),
            score: self.score,
        }
    }
}

/// An entry and how well it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The entry.
    pub entry: Arc<Entry>,
    /// How well it matched, from 0 to 1.
    pub score: f32,
}

/// No answer, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct NoAnswer {
    /// Why there is no answer.
    pub reason: Reason,
    /// The best few matches anyway (for the curators' log), best first; maybe empty.
    pub candidates: Vec<Candidate>,
    /// The gap entry the question matched, when the data knows the article leaves this
    /// out: its answer says what is missing.
    pub gap: Option<Arc<Entry>>,
}

/// Why a question has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The question has no words to match (empty, or only greetings and filler).
    Empty,
    /// The question is not about the story.
    OffTopic,
    /// The question is about the story, but the article does not say.
    NotCovered,
}

impl Reason {
    /// A stable name for logs and JSON: `empty`, `off_topic`, `not_covered`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Empty => "empty",
            Reason::OffTopic => "off_topic",
            Reason::NotCovered => "not_covered",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Outcome {
    /// The best match's score (0 when nothing matched at all).
    pub fn score(&self) -> f32 {
        match self {
            Outcome::Answer(answer) => answer.score,
            Outcome::Suggestions(candidates) => candidates.first().map_or(0.0, |c| c.score),
            Outcome::NoAnswer(no) => no.candidates.first().map_or(0.0, |c| c.score),
        }
    }

    /// The answering entry's id, when there is an answer.
    pub fn answer_id(&self) -> Option<&str> {
        match self {
            Outcome::Answer(answer) => Some(&answer.entry.id),
            _ => None,
        }
    }

    /// A stable name for the kind of outcome: `answer`, `suggestions`, or the reason.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Answer(_) => "answer",
            Outcome::Suggestions(_) => "suggestions",
            Outcome::NoAnswer(no) => no.reason.as_str(),
        }
    }

    /// The best candidates considered, best first: the answer, the suggestions, or the
    /// near misses.
    pub fn candidates(&self) -> Vec<Candidate> {
        match self {
            Outcome::Answer(answer) => vec![answer.candidate()],
            Outcome::Suggestions(candidates) => candidates.clone(),
            Outcome::NoAnswer(no) => no.candidates.clone(),
        }
    }
}
