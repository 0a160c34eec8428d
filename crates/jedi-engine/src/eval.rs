//! Grading the engine on a question set (the format of `docs/eval-format.md`).
//!
//! A set is one JSON object a line: a question, or a conversation (`dialog`) of questions
//! asked in order. On-topic (`fact`) questions must be answered with a text that contains
//! one alternative of every `must` group and none of the `not` strings; the others (`gap`:
//! about the story but not in the article; `off`: not about the story) must not be
//! answered, unless the answer honestly says what the article leaves out (`ok_if`).
//!
//! The report separates the two halves of answering: the ranking (is the entry the engine
//! ranks first the right one, answered or not?) and the decision (right answers withheld,
//! wrong answers given, off-topic questions answered), overall, by kind and by persona.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::engine::{Conversation, Engine, Outcome};

/// What a question is, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Answerable from the article.
    Fact,
    /// About the story, but the article does not say.
    Gap,
    /// Not about the story.
    Off,
}

impl Kind {
    /// Its name in the question set format.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Fact => "fact",
            Kind::Gap => "gap",
            Kind::Off => "off",
        }
    }
}

/// One graded question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The question.
    pub q: String,
    /// Groups of alternatives (`a|b`); the answer must contain one of every group.
    #[serde(default)]
    pub must: Vec<String>,
    /// Strings the answer must not contain.
    #[serde(default)]
    pub not: Vec<String>,
    /// True when the bot must decline.
    #[serde(default)]
    pub none: bool,
    /// fact, gap or off (when absent: fact unless `none`, else off).
    #[serde(default)]
    pub kind: Option<Kind>,
    /// Who wrote it (casual, informed, terse, ...).
    #[serde(default)]
    pub persona: Option<String>,
    /// What it is about.
    #[serde(default)]
    pub topic: Option<String>,
    /// On a `none` case: groups like `must`; an answer that contains them honestly says
    /// what the article leaves out, and counts as right.
    #[serde(default)]
    pub ok_if: Vec<String>,
}

impl Case {
    /// The case's kind, as given or as implied by `none`.
    pub fn kind(&self) -> Kind {
        self.kind
            .unwrap_or(if self.none { Kind::Off } else { Kind::Fact })
    }
}

/// A conversation: questions asked in order, later ones read in the context of the
/// earlier answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dialog {
    /// The turns, in order.
    pub dialog: Vec<Case>,
    /// What it is about.
    #[serde(default)]
    pub topic: Option<String>,
}

/// One line of a question set.
#[derive(Debug, Clone)]
pub enum Item {
    /// A question asked on its own.
    Question(Case),
    /// A conversation.
    Dialog(Dialog),
}

/// An error reading a question set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// The file could not be read (the cause is the error's source, shown after it).
    #[error("cannot read {path}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A line is not a valid case.
    #[error("{path}:{line}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The file holds no question.
    #[error("{path}: no questions in the file")]
    Empty {
        /// The file.
        path: String,
    },
}

/// Reads a JSONL question set; blank lines are skipped.
pub fn read_items(path: &Path) -> Result<Vec<Item>, EvalError> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: display.clone(),
        source,
    })?;
    parse_items(&text, &display)
}

/// Reads a JSONL set of single questions (conversations are refused).
pub fn read_cases(path: &Path) -> Result<Vec<Case>, EvalError> {
    let display = path.display().to_string();
    read_items(path)?
        .into_iter()
        .map(|item| match item {
            Item::Question(case) => Ok(case),
            Item::Dialog(_) => Err(EvalError::Parse {
                path: display.clone(),
                line: 0,
                message: "a conversation where single questions were expected".into(),
            }),
        })
        .collect()
}

/// Parses a JSONL question set; `name` is used in error messages. A set with no question
/// at all is an error (it would score a meaningless 100%).
pub fn parse_items(text: &str, name: &str) -> Result<Vec<Item>, EvalError> {
    let mut items = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let error = |message: String| EvalError::Parse {
            path: name.to_string(),
            line: i + 1,
            message,
        };
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| error(e.to_string()))?;
        let item = if value.get("dialog").is_some() {
            let dialog: Dialog = serde_json::from_value(value).map_err(|e| error(e.to_string()))?;
            if dialog.dialog.is_empty() {
                return Err(error("a dialog needs at least one turn".into()));
            }
            for case in &dialog.dialog {
                check_case(case).map_err(|m| error(m.into()))?;
            }
            Item::Dialog(dialog)
        } else {
            let case: Case = serde_json::from_value(value).map_err(|e| error(e.to_string()))?;
            check_case(&case).map_err(|m| error(m.into()))?;
            Item::Question(case)
        };
        items.push(item);
    }
    if items.is_empty() {
        return Err(EvalError::Empty {
            path: name.to_string(),
        });
    }
    Ok(items)
}

fn check_case(case: &Case) -> Result<(), &'static str> {
    if !case.none && case.must.is_empty() {
        return Err("an on-topic case needs \"must\" (or \"none\": true)");
    }
    if case.none && case.kind == Some(Kind::Fact) {
        return Err("a \"fact\" case cannot be \"none\"");
    }
    if !case.none && matches!(case.kind, Some(Kind::Gap | Kind::Off)) {
        return Err("a \"gap\" or \"off\" case needs \"none\": true");
    }
    Ok(())
}

/// How one case went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// On topic, answered right.
    Correct,
    /// On topic, answered, but the answer misses a `must` group or has a `not` string.
    Wrong,
    /// On topic, not answered (declined or "did you mean").
    Declined,
    /// Not to be answered, and not answered (or answered with what `ok_if` allows).
    OffTopicDeclined,
    /// Not to be answered, answered anyway.
    OffTopicAnswered,
}

impl Verdict {
    /// Whether the engine did what the case asks.
    pub fn is_right(self) -> bool {
        matches!(self, Verdict::Correct | Verdict::OffTopicDeclined)
    }
}

/// A case that failed, with what the engine did.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The case.
    pub case: Case,
    /// What went wrong.
    pub verdict: Verdict,
    /// The outcome's label and entry ids, e.g. `answer: jedi-winner (0.71)`.
    pub got: String,
    /// Where the case was: `None` for a question asked alone, else the conversation's
    /// line in the file (from 1) and the turn (from 1).
    pub turn: Option<(usize, usize)>,
    /// The entry the question was read against, when a conversation gave it one.
    pub context: Option<String>,
}

/// Counts for a group of cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// On-topic cases.
    pub on_topic: usize,
    /// Answered right.
    pub correct: usize,
    /// Answered wrong.
    pub wrong: usize,
    /// Not answered.
    pub declined: usize,
    /// On-topic cases whose first-ranked entry is the right one, answered or not.
    pub ranked_right: usize,
    /// On-topic cases whose first-ranked entry is right but that were not answered.
    pub withheld: usize,
    /// Cases not to be answered.
    pub off_topic: usize,
    /// Of those, declined (or answered as `ok_if` allows).
    pub off_topic_declined: usize,
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

impl Tally {
    /// Share of on-topic cases answered right.
    pub fn correct_rate(&self) -> f64 {
        ratio(self.correct, self.on_topic)
    }
    /// Share of on-topic cases answered wrong.
    pub fn wrong_rate(&self) -> f64 {
        ratio(self.wrong, self.on_topic)
    }
    /// Share of on-topic cases declined.
    pub fn declined_rate(&self) -> f64 {
        ratio(self.declined, self.on_topic)
    }
    /// Share of on-topic cases whose first-ranked entry is right.
    pub fn ranked_right_rate(&self) -> f64 {
        ratio(self.ranked_right, self.on_topic)
    }
    /// Share of cases not to be answered that were declined.
    pub fn off_topic_declined_rate(&self) -> f64 {
        ratio(self.off_topic_declined, self.off_topic)
    }

    fn add(&mut self, verdict: Verdict, ranked_right: bool) {
        match verdict {
            Verdict::Correct => self.correct += 1,
            Verdict::Wrong => self.wrong += 1,
            Verdict::Declined => self.declined += 1,
            Verdict::OffTopicDeclined => self.off_topic_declined += 1,
            Verdict::OffTopicAnswered => {}
        }
        if matches!(
            verdict,
            Verdict::OffTopicDeclined | Verdict::OffTopicAnswered
        ) {
            self.off_topic += 1;
        } else {
            self.on_topic += 1;
            self.ranked_right += usize::from(ranked_right);
            self.withheld += usize::from(ranked_right && verdict == Verdict::Declined);
        }
    }

    fn fmt_on_topic(&self, f: &mut std::fmt::Formatter<'_>, name: &str) -> std::fmt::Result {
        let pct = |x: f64| x * 100.0;
        writeln!(
            f,
            "  {name:<14} {:>4}  correct {:5.1}%  wrong {:4.1}%  declined {:5.1}%  | ranked first right {:5.1}%, right answer withheld {:4.1}%",
            self.on_topic,
            pct(self.correct_rate()),
            pct(self.wrong_rate()),
            pct(self.declined_rate()),
            pct(self.ranked_right_rate()),
            pct(ratio(self.withheld, self.on_topic)),
        )
    }

    fn fmt_declined(&self, f: &mut std::fmt::Formatter<'_>, name: &str) -> std::fmt::Result {
        writeln!(
            f,
            "  {name:<14} {:>4}  declined {:5.1}%  answered {}",
            self.off_topic,
            self.off_topic_declined_rate() * 100.0,
            self.off_topic - self.off_topic_declined
        )
    }
}

/// Totals of a graded question set.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every case (for conversations: every turn).
    pub all: Tally,
    /// By kind: fact, gap, off.
    pub by_kind: BTreeMap<Kind, Tally>,
    /// By persona, for the cases that name one.
    pub by_persona: BTreeMap<String, Tally>,
    /// Conversations' first turns.
    pub first_turns: Tally,
    /// Conversations' later turns.
    pub later_turns: Tally,
    /// How many conversations were graded.
    pub dialogs: usize,
    /// Every failing case.
    pub failures: Vec<Failure>,
}

impl Report {
    /// On-topic cases.
    pub fn on_topic(&self) -> usize {
        self.all.on_topic
    }
    /// Cases not to be answered.
    pub fn off_topic(&self) -> usize {
        self.all.off_topic
    }
    /// Share of on-topic cases answered right.
    pub fn correct_rate(&self) -> f64 {
        self.all.correct_rate()
    }
    /// Share of on-topic cases answered wrong.
    pub fn wrong_rate(&self) -> f64 {
        self.all.wrong_rate()
    }
    /// Share of on-topic cases declined.
    pub fn declined_rate(&self) -> f64 {
        self.all.declined_rate()
    }
    /// Share of cases not to be answered that were declined.
    pub fn off_topic_declined_rate(&self) -> f64 {
        self.all.off_topic_declined_rate()
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pct = |x: f64| x * 100.0;
        let a = &self.all;
        writeln!(
            f,
            "on-topic: {} questions, correct {} ({:.1}%), wrong {} ({:.1}%), declined {} ({:.1}%)",
            a.on_topic,
            a.correct,
            pct(a.correct_rate()),
            a.wrong,
            pct(a.wrong_rate()),
            a.declined,
            pct(a.declined_rate()),
        )?;
        write!(
            f,
            "off-topic: {} questions, declined {} ({:.1}%)",
            a.off_topic,
            a.off_topic_declined,
            pct(a.off_topic_declined_rate()),
        )?;
        writeln!(
            f,
            "\nranking: first-ranked entry right for {} of {} on-topic ({:.1}%); decision: right answers withheld {}, wrong answers given {}, not-to-answer answered {}",
            a.ranked_right,
            a.on_topic,
            pct(a.ranked_right_rate()),
            a.withheld,
            a.wrong,
            a.off_topic - a.off_topic_declined
        )?;
        let labelled = self
            .by_kind
            .keys()
            .any(|&k| k != Kind::Fact && k != Kind::Off)
            || !self.by_persona.is_empty();
        if labelled {
            writeln!(f, "by kind:")?;
            for (kind, tally) in &self.by_kind {
                match kind {
                    Kind::Fact => tally.fmt_on_topic(f, kind.as_str())?,
                    _ => tally.fmt_declined(f, kind.as_str())?,
                }
            }
        }
        if !self.by_persona.is_empty() {
            writeln!(f, "by persona:")?;
            for (persona, tally) in &self.by_persona {
                tally.fmt_on_topic(f, persona)?;
                tally.fmt_declined(f, &format!("{persona} (none)"))?;
            }
        }
        if self.dialogs > 0 {
            writeln!(f, "conversations: {}", self.dialogs)?;
            self.first_turns.fmt_on_topic(f, "first turns")?;
            self.later_turns.fmt_on_topic(f, "later turns")?;
            self.later_turns.fmt_declined(f, "later (none)")?;
        }
        Ok(())
    }
}

/// Whether `answer` passes `case` (on-topic): every `must` group has an alternative in
/// it, and no `not` string is.
pub fn answer_passes(case: &Case, answer: &str) -> bool {
    contains_groups(&case.must, answer) && !case.not.iter().any(|n| matcher(answer)(n))
}

/// Whether every group (`a|b`) of `groups` has an alternative in `text`, matched as the
/// format says: case-insensitively, the right single quotation mark folded to `'`, and
/// also with punctuation other than `$ . ' -` read as spaces and a space at each end.
fn contains_groups(groups: &[String], text: &str) -> bool {
    let contains = matcher(text);
    groups.iter().all(|group| group.split('|').any(&contains))
}

fn matcher(text: &str) -> impl Fn(&str) -> bool {
    let lower = text.to_lowercase().replace('\u{2019}', "'");
    let spaced: String = lower
        .chars()
        .map(|c| {
            if c.is_ascii_punctuation() && !matches!(c, '$' | '.' | '\'' | '-') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let spaced = format!(" {spaced} ");
    move |needle: &str| {
        let needle = needle.to_lowercase();
        lower.contains(&needle) || spaced.contains(&needle)
    }
}

/// The verdict on `outcome` for `case`.
pub fn judge(case: &Case, outcome: &Outcome) -> Verdict {
    match (outcome, case.none) {
        (Outcome::Answer(answer), true)
            if !case.ok_if.is_empty() && contains_groups(&case.ok_if, &answer.text) =>
        {
            Verdict::OffTopicDeclined
        }
        (Outcome::Answer(_), true) => Verdict::OffTopicAnswered,
        (_, true) => Verdict::OffTopicDeclined,
        (Outcome::Answer(answer), false) if answer_passes(case, &answer.text) => Verdict::Correct,
        (Outcome::Answer(_), false) => Verdict::Wrong,
        (_, false) => Verdict::Declined,
    }
}

/// Grades one case asked alone.
pub fn grade_case(engine: &Engine, case: &Case) -> (Verdict, Outcome) {
    let outcome = engine.ask(&case.q);
    (judge(case, &outcome), outcome)
}

/// Grades every case, asked alone.
pub fn grade(engine: &Engine, cases: &[Case]) -> Report {
    let items: Vec<Item> = cases.iter().cloned().map(Item::Question).collect();
    grade_items(engine, &items)
}

/// Grades every item: questions alone, conversations turn by turn in one conversation.
pub fn grade_items(engine: &Engine, items: &[Item]) -> Report {
    let mut report = Report::default();
    for (line, item) in items.iter().enumerate() {
        match item {
            Item::Question(case) => {
                let outcome = engine.ask(&case.q);
                report.record(engine, case, &outcome, None, None);
            }
            Item::Dialog(dialog) => {
                report.dialogs += 1;
                let mut conversation = Conversation::new();
                for (turn, case) in dialog.dialog.iter().enumerate() {
                    let read = engine.ask_in(&case.q, &mut conversation);
                    let context = read.context.clone();
                    let verdict = report.record(
                        engine,
                        case,
                        &read.outcome,
                        Some((line + 1, turn + 1)),
                        context,
                    );
                    let ranked_right = verdict == Verdict::Correct;
                    let tally = if turn == 0 {
                        &mut report.first_turns
                    } else {
                        &mut report.later_turns
                    };
                    tally.add(verdict, ranked_right);
                }
            }
        }
    }
    report
}

impl Report {
    fn record(
        &mut self,
        engine: &Engine,
        case: &Case,
        outcome: &Outcome,
        turn: Option<(usize, usize)>,
        context: Option<String>,
    ) -> Verdict {
        let verdict = judge(case, outcome);
        // In a conversation the ranking is the outcome's own (the question alone may not
        // name its subject).
        let ranked_right = !case.none
            && match (turn, outcome) {
                (Some(_), Outcome::Answer(answer)) => answer_passes(case, &answer.text),
                (Some(_), _) => false,
                (None, _) => engine
                    .rank(&case.q, 1)
                    .first()
                    .is_some_and(|c| answer_passes(case, &c.entry.answer)),
            };
        self.all.add(verdict, ranked_right);
        self.by_kind
            .entry(case.kind())
            .or_default()
            .add(verdict, ranked_right);
        if let Some(persona) = &case.persona {
            self.by_persona
                .entry(persona.clone())
                .or_default()
                .add(verdict, ranked_right);
        }
        if !verdict.is_right() {
            let ids: Vec<String> = outcome
                .candidates()
                .iter()
                .map(|c| format!("{} ({:.2})", c.entry.id, c.score))
                .collect();
            self.failures.push(Failure {
                case: case.clone(),
                verdict,
                got: format!("{}: {}", outcome.label(), ids.join(", ")),
                turn,
                context,
            });
        }
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(must: &[&str], not: &[&str]) -> Case {
        Case {
            q: String::new(),
            must: must.iter().map(|s| s.to_string()).collect(),
            not: not.iter().map(|s| s.to_string()).collect(),
            none: false,
            kind: None,
            persona: None,
            topic: None,
            ok_if: Vec::new(),
        }
    }

    #[test]
    fn must_groups_and_not_strings_follow_the_format() {
        assert!(answer_passes(
            &case(&["stonewell"], &["harbor"]),
            "Stonewell won."
        ));
        assert!(!answer_passes(
            &case(&["stonewell"], &["harbor"]),
            "Stonewell, not Harbor"
        ));
        assert!(answer_passes(
            &case(&["march", "2021"], &[]),
            "In March 2021."
        ));
        assert!(!answer_passes(&case(&["march", "2021"], &[]), "In March."));
        assert!(answer_passes(&case(&["4 million|$4m"], &[]), "$4 million"));
        // Punctuation-padded word match: " ai " is found in "(AI)".
        assert!(answer_passes(
            &case(&[" ai "], &[]),
            "its capabilities (AI)."
        ));
        assert!(answer_passes(&case(&["can't"], &[]), "We can\u{2019}t"));
    }

    #[test]
    fn cases_parse_and_errors_have_lines() {
        let items = parse_items(
            "{\"q\":\"a\",\"must\":[\"x\"]}\n\n{\"q\":\"b\",\"none\":true,\"kind\":\"gap\",\"persona\":\"p\",\"ok_if\":[\"y\"]}\n{\"dialog\":[{\"q\":\"c\",\"must\":[\"z\"]}]}\n",
            "t",
        )
        .unwrap();
        assert_eq!(items.len(), 3);
        assert!(matches!(&items[2], Item::Dialog(d) if d.dialog.len() == 1));
        let err = parse_items("{\"q\":\"a\"}\n", "t").unwrap_err();
        assert!(err.to_string().starts_with("t:1:"));
        let err = parse_items("\n{bad\n", "t").unwrap_err();
        assert!(err.to_string().starts_with("t:2:"), "{err}");
        let err = parse_items("{\"q\":\"a\",\"none\":true,\"kind\":\"fact\"}\n", "t").unwrap_err();
        assert!(err.to_string().contains("fact"), "{err}");
        let err = parse_items("{\"dialog\":[]}\n", "t").unwrap_err();
        assert!(err.to_string().contains("turn"), "{err}");
    }

    #[test]
    fn a_set_with_no_questions_is_an_error() {
        for text in ["", "\n\n  \n"] {
            let err = parse_items(text, "t").unwrap_err();
            assert!(matches!(err, EvalError::Empty { .. }), "{err}");
        }
    }

    #[test]
    fn the_report_separates_ranking_from_decision_and_groups_by_kind_and_persona() {
        let engine = crate::fixture::engine();
        let items = parse_items(
            concat!(
                "{\"q\":\"who won the bridge contract\",\"must\":[\"stonewell\"],\"persona\":\"a\"}\n",
                "{\"q\":\"who won the bridge contract\",\"must\":[\"zzz\"],\"persona\":\"a\"}\n",
                "{\"q\":\"how many companies bid on the bridge contract\",\"none\":true,\"kind\":\"gap\",\"persona\":\"b\"}\n",
                "{\"q\":\"what's the weather in paris\",\"none\":true,\"kind\":\"off\",\"persona\":\"b\"}\n",
            ),
            "t",
        )
        .unwrap();
        let report = grade_items(&engine, &items);
        assert_eq!(
            (report.all.on_topic, report.all.correct, report.all.wrong),
            (2, 1, 1)
        );
        assert_eq!(report.all.ranked_right, 1);
        assert_eq!(
            (report.all.off_topic, report.all.off_topic_declined),
            (2, 2)
        );
        assert_eq!(report.by_kind[&Kind::Gap].off_topic, 1);
        assert_eq!(report.by_persona["a"].on_topic, 2);
        assert_eq!(report.failures.len(), 1);
        let text = report.to_string();
        assert!(
            text.contains("by kind:") && text.contains("by persona:"),
            "{text}"
        );
    }
}
