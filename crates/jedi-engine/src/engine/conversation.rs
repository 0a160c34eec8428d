//! Follow-up questions: a conversation remembers what its last answer was about, and a
//! question that lacks its own subject ("when?", "who is she?", "and amazon?") is read
//! against it.
//!
//! A follow-up is read by completing it from the context: its pronouns become the
//! entities of the last answer's entry that they can refer to (by pronoun class, from the
//! data); a question with no subject of its own takes the words of the last question; one
//! that opens as a continuation ("and amazon?", "what about the navy one?") takes the last
//! question's words with the new ones in place of those they contrast with. A complete
//! question is read alone (a change of topic answers the new topic), unless its reading
//! against the context points elsewhere (then both are offered); chit-chat is read alone
//! and leaves the context as it was, and a question whose pronoun refers to a person of
//! the last answer is read as about them even when its words alone answer something
//! else ("his title?"). A follow-up the completed reading leaves open, but
//! which the last answer itself answers ("who said that?"), gets that answer again.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Answer, Engine, Outcome, Question};
use crate::{Reading, Term, TermKind};

/// How long a conversation remembers its last answer, unless told otherwise.
pub const DEFAULT_TTL: Duration = Duration::from_secs(300);

/// A question with at most this many words of its own, naming none of the story's
/// entities, lacks its own subject ("when was it?", "how much?").
const SUBJECTLESS_WORDS: usize = 2;

/// What a conversation's last answer was about. It never changes once made, so the
/// copies of a conversation (a bot keeps one for the asker and one for each answer it
/// sent) share it rather than each holding their own.
#[derive(Debug)]
struct Context {
    /// The id of the entry answered (an id, not a position: data reloaded between two
    /// questions may have moved it).
    entry: Box<str>,
    /// The terms of the question as it was read (after its own follow-up completion):
    /// all a follow-up takes from it.
    terms: Box<[Term]>,
}

/// A conversation's memory of what was last answered, for reading follow-ups. Its size is
/// one question's terms and an entry id, whatever the conversation's length; a clone
/// shares them.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// The last answer's context, and when it was answered (or asked for again).
    context: Option<(Arc<Context>, Instant)>,
    ttl: Duration,
}

impl Default for Conversation {
    fn default() -> Self {
        Conversation::new()
    }
}

impl Conversation {
    /// A new conversation that remembers its last answer for [`DEFAULT_TTL`].
    pub fn new() -> Conversation {
        Conversation::with_ttl(DEFAULT_TTL)
    }

    /// A new conversation that remembers its last answer for `ttl`.
    pub fn with_ttl(ttl: Duration) -> Conversation {
        Conversation { context: None, ttl }
    }

    /// Forgets the last answer: the next question starts a new conversation.
    pub fn clear(&mut self) {
        self.context = None;
    }

    /// Whether the conversation remembers an answer still fresh at `now`.
    pub fn is_live(&self, now: Instant) -> bool {
        self.context
            .as_ref()
            .is_some_and(|(_, at)| now.saturating_duration_since(*at) <= self.ttl)
    }

    /// The last answer, if it is still fresh at `now`.
    fn live(&self, now: Instant) -> Option<&Context> {
        self.context
            .as_ref()
            .filter(|_| self.is_live(now))
            .map(|(context, _)| &**context)
    }

    /// Keeps the last answer fresh from `now`, as if it had just been given again.
    fn touch(&mut self, now: Instant) {
        if let Some((_, at)) = &mut self.context {
            *at = now;
        }
    }

    /// Remembers `question`, answered with `entry` at `at`, as the last answer.
    fn remember(&mut self, entry: &str, question: Question, at: Instant) {
        let context = Context {
            entry: entry.into(),
            terms: question.terms.into_boxed_slice(),
        };
        self.context = Some((Arc::new(context), at));
    }
}

/// A question's outcome in a conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    /// The outcome.
    pub outcome: Outcome,
    /// The id of the entry the question was read against, when it was read as a
    /// follow-up of the conversation's last answer.
    pub context: Option<String>,
}

impl Engine {
    /// Answers `question` in `conversation`, now (see [`ask_in_at`](Self::ask_in_at)).
    pub fn ask_in(&self, question: &str, conversation: &mut Conversation) -> Read {
        self.ask_in_at(question, conversation, Instant::now())
    }

    /// Answers `question` in `conversation` at `now`: a follow-up is read against the
    /// last answer, if it is still fresh; an answer becomes the new context; a question
    /// that gets no answer leaves the context as it was.
    ///
    /// ```
    /// # use jedi_engine::{DataSource, Engine, KnowledgeBase, TextBudgets, Thresholds, Conversation};
    /// # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixture");
    /// # let kb = KnowledgeBase::load(&DataSource::Dir(dir.into()), TextBudgets::UNLIMITED).unwrap();
    /// let engine = Engine::new(kb, Thresholds::default());
    /// let mut conversation = Conversation::new();
    /// let first = engine.ask_in("who won the bridge contract?", &mut conversation);
    /// assert_eq!(first.outcome.answer_id(), Some("winner"));
    /// let next = engine.ask_in("when?", &mut conversation);
    /// assert_eq!(next.outcome.answer_id(), Some("award-date"));
    /// assert_eq!(next.context.as_deref(), Some("winner"));
    /// ```
    pub fn ask_in_at(&self, question: &str, conversation: &mut Conversation, now: Instant) -> Read {
        let alone = self.read(question);
        let context = conversation
            .live(now)
            .and_then(|c| Some((self.kb.entry_index(&c.entry)?, c)));
        if let Some((_, context)) = context.filter(|_| asks_for_more(&alone)) {
            // The last answer says more than its question asked ("for what?" after "to
            // how many companies?"): it is the answer again.
            if let Some(answer) = self.answer_entry(&context.entry) {
                let against = Some(context.entry.to_string());
                conversation.touch(now);
                return Read {
                    outcome: Outcome::Answer(answer),
                    context: against,
                };
            }
        }
        // The completed question and the entry it is read against, owned: the
        // conversation is free to change once they are made.
        let completed = context.and_then(|(entry, context)| {
            let (read, referents) = self.complete(&alone, entry, context)?;
            Some((read, referents, context.entry.to_string()))
        });
        let (read, outcome, against) = match completed {
            Some((read, referents, against)) => {
                let outcome = self.ask_read(&read);
                // Read with the last question's words, the follow-up finds no clear
                // answer, yet the last answer says what it asks: it is that answer again.
                if is_open(&outcome) && self.last_answer_answers(&alone, &against) {
                    if let Some(answer) = self.answer_entry(&against) {
                        conversation.touch(now);
                        return Read {
                            outcome: Outcome::Answer(answer),
                            context: Some(against),
                        };
                    }
                }
                // A question that reads as complete on its own and is answered at least
                // as surely alone is a change of topic, not a follow-up. Only an answer
                // alone can be that sure (and only with a word of its own: no entry
                // matches question kinds alone), so the rest of its outcome is never
                // worked out.
                let has_words = alone.terms.iter().any(|t| t.kind == TermKind::Word);
                let sure_alone = has_words
                    .then(|| self.answer_first(&alone))
                    .flatten()
                    .filter(|a| confidence(a) >= confidence(&outcome).max(f32::MIN_POSITIVE));
                match sure_alone.filter(|a| !self.refers_back(&alone, &outcome, &referents, a)) {
                    Some(alone_outcome) => {
                        let outcome = self.unless_context_disagrees(alone_outcome, &outcome);
                        (alone, outcome, None)
                    }
                    None => (read, outcome, Some(against)),
                }
            }
            None => {
                let outcome = self.ask_read(&alone);
                (alone, outcome, None)
            }
        };
        if let Outcome::Answer(answer) = &outcome {
            conversation.remember(&answer.entry.id, read, now);
        }
        Read {
            outcome,
            context: against,
        }
    }

    /// Whether the last answer, entry `entry`, answers the follow-up read alone as
    /// `alone`: it asks something without opening as a continuation (which asks about
    /// something else: "and amazon?"), and the entry has every word of its own and
    /// answers the kind of fact it asks ("in which court?" after an answer that names
    /// the court).
    fn last_answer_answers(&self, alone: &Question, entry: &str) -> bool {
        let Some(entry) = self.kb.entry_index(entry) else {
            return false;
        };
        let read = self.index.reading_of(&alone.terms, entry);
        (read.words > 0 || read.asks_kind)
            && read.explained >= read.weight
            && read.unknown == 0.0
            && (!read.asks_kind || read.kind_matched)
            && !alone.shape.continues
            && alone.shape.asks(&alone.terms)
    }

    /// Whether the follow-up `question`, read against the context to `outcome` (its
    /// personal pronouns referring to `referents`), refers back to what the conversation
    /// is on although its words alone would answer `alone`, about something else.
    fn refers_back(
        &self,
        question: &Question,
        outcome: &Outcome,
        referents: &[Arc<str>],
        alone: &Outcome,
    ) -> bool {
        if is_known_gap(outcome) {
            // "How much are they worth?" of what the article gives no worth for.
            return !question.shape.pronoun_classes.is_empty();
        }
        // "His title?" after an answer about a person is that person's.
        matches!(outcome, Outcome::Answer(_))
            && !referents.is_empty()
            && !self.answer_names_any(alone, referents)
    }

    /// Whether `outcome` is an answer whose entry names one of `entities`.
    fn answer_names_any(&self, outcome: &Outcome, entities: &[Arc<str>]) -> bool {
        let Outcome::Answer(answer) = outcome else {
            return false;
        };
        self.kb.entry_index(&answer.entry.id).is_some_and(|entry| {
            self.index
                .entities_of(entry)
                .iter()
                .any(|(key, _)| entities.contains(key))
        })
    }

    /// `alone`, the answer of a question that may be a follow-up read on its own, unless
    /// the question read against the conversation points at another entry (its answer
    /// or first "did you mean"), not close kin of the first: then what is asked is
    /// unclear, and both are offered ("who received them?" alone and "them" the last
    /// answer's contracts are two questions).
    fn unless_context_disagrees(&self, alone: Outcome, in_context: &Outcome) -> Outcome {
        let Outcome::Answer(answer) = &alone else {
            return alone;
        };
        let rival = match in_context {
            Outcome::Answer(other) => other.candidate(),
            Outcome::Suggestions(choices) => match choices.first() {
                Some(first) => first.clone(),
                None => return alone,
            },
            Outcome::NoAnswer(_) => return alone,
        };
        if answer.entry.id == rival.entry.id || self.kin_entries(&answer.entry, &rival.entry) {
            return alone;
        }
        Outcome::Suggestions(vec![answer.candidate(), rival])
    }

    /// The answer of entry `id` chosen from a "did you mean" list, which becomes the
    /// conversation's context as if its first phrasing had been asked. `None` for an
    /// unknown id or a gap.
    pub fn answer_entry_in(&self, id: &str, conversation: &mut Conversation) -> Option<Answer> {
        let answer = self.answer_entry(id)?;
        conversation.remember(id, self.read(answer.entry.title()), Instant::now());
        Some(answer)
    }

    /// The question read alone as `alone` completed from `context`, when it may be a
    /// follow-up, with the entities its personal pronouns refer to; `None` when it is to
    /// be read alone (chit-chat, or a word the data does not know and no pronoun for a
    /// person: a new subject).
    fn complete(
        &self,
        alone: &Question,
        entry: usize,
        context: &Context,
    ) -> Option<(Question, Vec<Arc<str>>)> {
        let words: Vec<&Term> = alone
            .terms
            .iter()
            .filter(|t| t.kind == TermKind::Word)
            .collect();
        let pronouns = &alone.shape.pronoun_classes;
        let continues = alone.shape.continues;
        let asks_kind = alone.terms.iter().any(|t| t.kind == TermKind::Question);
        if words.is_empty() && pronouns.is_empty() && !asks_kind {
            // Chit-chat ("thanks!", "lol ok"): nothing to read against the context.
            return None;
        }
        // A word the data does not know starts a new subject, unless a pronoun for a
        // person says the question is still about someone of the last answer ("what
        // relief did she grant?").
        let refers_to_person = pronouns.iter().any(|class| &**class != IMPERSONAL);
        if !refers_to_person && words.iter().any(|t| !self.index.knows(t)) {
            return None;
        }
        let names_entity = words.iter().any(|t| self.index.names_entity(t));
        let subjectless = words.len() <= SUBJECTLESS_WORDS && !names_entity;
        if !(continues || subjectless || !pronouns.is_empty()) {
            return None;
        }
        let previous = &context.terms;
        let mut terms: Vec<Term> = alone.terms.clone();
        // The last question's words: in a continuation ("and amazon?") its kind too, and
        // without the words the new ones contrast with.
        let keep_kind = continues && !asks_kind;
        terms.extend(
            previous
                .iter()
                .filter(|old| match old.kind {
                    TermKind::Question => keep_kind,
                    TermKind::Word => !words
                        .iter()
                        .any(|new| self.index.same_contrast_group(old, new)),
                })
                .filter(|old| !alone.terms.iter().any(|t| t.key == old.key))
                .map(|old| Term {
                    reading: Reading::Context,
                    focus: false,
                    ..old.clone()
                })
                .collect::<Vec<_>>(),
        );
        // A pronoun for a person ("who is she?") names the last answer's entity of its
        // class.
        let mut referents = Vec::new();
        for (key, class) in self.index.entities_of(entry) {
            if pronouns.contains(&class) && &*class != IMPERSONAL {
                if !terms.iter().any(|t| t.key == key) {
                    terms.push(context_term(key.clone()));
                }
                referents.push(key);
            }
        }
        let question = Question {
            terms,
            shape: alone.shape.clone(),
            text: String::new(),
        };
        Some((question, referents))
    }
}

/// The pronoun class of things ("it", "that"): too many of an entry's entities share it
/// for it to pick one out.
const IMPERSONAL: &str = "it";

/// Whether the question read alone as `alone` asks for more of the last answer without
/// naming anything ("for what?", "and then what?"): it has no word of its own and no kind
/// of fact, only a word after which comes what is asked.
fn asks_for_more(alone: &Question) -> bool {
    alone.terms.is_empty()
        && alone.shape.words >= 2
        && alone.shape.pronoun_classes.is_empty()
        && alone.shape.asks(&alone.terms)
}

/// Whether an outcome leaves what is asked open: "did you mean", or no answer without a
/// known gap (a gap is an answer of its own: the article does not say).
fn is_open(outcome: &Outcome) -> bool {
    match outcome {
        Outcome::Answer(_) => false,
        Outcome::Suggestions(_) => true,
        Outcome::NoAnswer(_) => !is_known_gap(outcome),
    }
}

/// Whether an outcome is a decline with a known gap: the article does not say.
fn is_known_gap(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::NoAnswer(no_answer) if no_answer.gap.is_some())
}

/// How sure an outcome is: an answer's confidence, 0 for anything else.
fn confidence(outcome: &Outcome) -> f32 {
    match outcome {
        Outcome::Answer(answer) => answer.confidence,
        _ => 0.0,
    }
}

/// A term the context supplies, as if typed.
fn context_term(key: Arc<str>) -> Term {
    Term {
        key,
        kind: TermKind::Word,
        reading: Reading::Context,
        zipf10: None,
        focus: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Candidate;

    fn answer(engine: &Engine, id: &str) -> Outcome {
        Outcome::Answer(engine.answer_entry(id).unwrap())
    }

    fn ids(outcome: &Outcome) -> Vec<String> {
        match outcome {
            Outcome::Answer(answer) => vec![answer.entry.id.clone()],
            Outcome::Suggestions(choices) => choices.iter().map(|c| c.entry.id.clone()).collect(),
            Outcome::NoAnswer(_) => Vec::new(),
        }
    }

    #[test]
    fn a_reading_alone_that_the_context_contradicts_offers_both() {
        let engine = crate::fixture::engine();
        let alone = || answer(&engine, "winner");
        // The context reading points at an entry unrelated to the answer alone.
        let both = engine.unless_context_disagrees(alone(), &answer(&engine, "lawsuit"));
        assert_eq!(ids(&both), ["winner", "lawsuit"]);
        assert!(matches!(both, Outcome::Suggestions(_)));
        // Its first "did you mean" counts as where it points.
        let choices = Outcome::Suggestions(vec![Candidate {
            entry: engine.kb().entry("mayor-quote").unwrap().clone(),
            score: 0.5,
        }]);
        let both = engine.unless_context_disagrees(alone(), &choices);
        assert_eq!(ids(&both), ["winner", "mayor-quote"]);
    }

    #[test]
    fn asking_for_more_without_naming_anything_gets_the_last_answer_again() {
        let engine = crate::fixture::engine();
        let mut conversation = Conversation::new();
        engine.ask_in("how much is the bridge contract worth?", &mut conversation);
        let again = engine.ask_in("and for what?", &mut conversation);
        assert_eq!(again.outcome.answer_id(), Some("value"));
        assert_eq!(again.context.as_deref(), Some("value"));
        // A lone question word is surprise or confusion, and chit-chat asks nothing.
        for chat in ["what?", "ok lol"] {
            let read = engine.ask_in(chat, &mut conversation);
            assert_eq!(read.outcome.answer_id(), None, "{chat}");
        }
        // Nothing to say more of in a new conversation.
        let read = engine.ask_in("and for what?", &mut Conversation::new());
        assert_eq!(read.outcome.answer_id(), None);
    }

    #[test]
    fn a_follow_up_the_last_answer_says_gets_that_answer_again() {
        let engine = crate::fixture::engine();
        // (first question, follow-up, what the follow-up gets)
        let cases = [
            // The lawsuit's answer names the court; no phrasing asks where it was.
            (
                "who sued over the bridge contract?",
                "in which court?",
                Some("lawsuit"),
            ),
            (
                "who is the judge?",
                "what did she tell them?",
                Some("judge"),
            ),
            // The answer does not say how many bid: the known gap stands.
            (
                "who sued over the bridge contract?",
                "how many of them bid?",
                None,
            ),
            // The answer has no word for the kind asked.
            (
                "who sued over the bridge contract?",
                "when was that court?",
                None,
            ),
        ];
        for (first, follow_up, expected) in cases {
            let mut conversation = Conversation::new();
            engine.ask_in(first, &mut conversation);
            let read = engine.ask_in(follow_up, &mut conversation);
            assert_eq!(read.outcome.answer_id(), expected, "{first} / {follow_up}");
        }
    }

    #[test]
    fn a_pronoun_for_a_person_keeps_a_question_with_a_new_word_on_them() {
        let engine = crate::fixture::engine();
        // (follow-up of "who is the judge?", the entry it is read against)
        let cases = [
            // "remedy" is no word of the data, but "she" is the judge.
            ("what remedy did she order?", Some("judge")),
            // Without a pronoun for a person, a new word is a new subject.
            ("what remedy did the town order?", None),
            ("what remedy did it order?", None),
        ];
        for (follow_up, against) in cases {
            let mut conversation = Conversation::new();
            engine.ask_in("who is the judge?", &mut conversation);
            let read = engine.ask_in(follow_up, &mut conversation);
            assert_eq!(read.context.as_deref(), against, "{follow_up}");
        }
    }

    #[test]
    fn a_reading_alone_stands_when_the_context_agrees_or_says_nothing() {
        let engine = crate::fixture::engine();
        let alone = || answer(&engine, "winner");
        for in_context in [
            answer(&engine, "winner"),
            // Close kin: they share an excerpt.
            answer(&engine, "award-date"),
            engine.ask("what's the weather in paris?"),
        ] {
            let outcome = engine.unless_context_disagrees(alone(), &in_context);
            assert_eq!(ids(&outcome), ["winner"], "{in_context:?}");
            assert!(matches!(outcome, Outcome::Answer(_)));
        }
    }
}
