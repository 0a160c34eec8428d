//! Plain-text and JSON renderings of outcomes, events and quotes for the terminal.

use jedi_bot::wording;
use jedi_bot::{Event, KnowledgeBase, Quote};
use jedi_bot::{Outcome, Reason};
use serde::Serialize;

/// One question's outcome as `ask --json` prints it: exactly these keys.
#[derive(Debug, Serialize)]
pub struct JsonAnswer<'a> {
    question: &'a str,
    answered: bool,
    id: Option<&'a str>,
    answer: Option<&'a str>,
    score: f64,
    sources: Vec<&'a str>,
    suggestions: Vec<JsonSuggestion<'a>>,
    reason: Option<&'static str>,
    /// For a question not answered: what text mode says instead (the decline, and what
    /// the article leaves out or the closest question it answers).
    explanation: Option<String>,
}

/// One question of a conversation as `chat --json` prints it: the keys of `ask --json`
/// and the entry the question was read against.
#[derive(Debug, Serialize)]
pub struct JsonTurn<'a> {
    #[serde(flatten)]
    answer: JsonAnswer<'a>,
    context: Option<&'a str>,
}

/// The JSON form of a conversation's turn.
pub fn json_turn<'a>(
    question: &'a str,
    outcome: &'a Outcome,
    context: Option<&'a str>,
    kb: &KnowledgeBase,
) -> JsonTurn<'a> {
    JsonTurn {
        answer: json(question, outcome, kb),
        context,
    }
}

/// A "did you mean" choice in JSON.
#[derive(Debug, Serialize)]
pub struct JsonSuggestion<'a> {
    id: &'a str,
    question: &'a str,
}

/// The JSON form of an outcome.
pub fn json<'a>(question: &'a str, outcome: &'a Outcome, kb: &KnowledgeBase) -> JsonAnswer<'a> {
    let score = (f64::from(outcome.score()) * 1000.0).round() / 1000.0;
    match outcome {
        Outcome::Answer(answer) => JsonAnswer {
            question,
            answered: true,
            id: Some(&answer.entry.id),
            answer: Some(&answer.text),
            score,
            sources: answer.entry.sources.iter().map(String::as_str).collect(),
            suggestions: Vec::new(),
            reason: None,
            explanation: None,
        },
        Outcome::Suggestions(candidates) => JsonAnswer {
            question,
            answered: false,
            id: None,
            answer: None,
            score,
            sources: Vec::new(),
            suggestions: candidates
                .iter()
                .map(|c| JsonSuggestion {
                    id: &c.entry.id,
                    question: c.entry.title(),
                })
                .collect(),
            reason: Some("ambiguous"),
            explanation: None,
        },
        Outcome::NoAnswer(no) => JsonAnswer {
            question,
            answered: false,
            id: None,
            answer: None,
            score,
            sources: Vec::new(),
            suggestions: Vec::new(),
            reason: Some(no.reason.as_str()),
            explanation: Some(text(outcome, kb).trim_end().to_string()),
        },
    }
}

/// The text form of an outcome: the answer with its excerpts and credit, the "did you
/// mean" list, or the decline.
pub fn text(outcome: &Outcome, kb: &KnowledgeBase) -> String {
    let mut out = String::new();
    match outcome {
        Outcome::Answer(answer) => {
            out.push_str(&answer.text);
            out.push_str("\n\n");
            out.push_str(wording::FROM_THE_ARTICLE);
            out.push_str(":\n");
            for source in &answer.entry.sources {
                out.push_str(&format!("  > {source}\n"));
            }
            out.push_str(&format!("  ({})\n", kb.source().attribution));
            if !answer.related.is_empty() {
                out.push_str(&format!("\n{}:\n", wording::RELATED));
                for related in &answer.related {
                    out.push_str(&format!("  - {}\n", related.title()));
                }
            }
        }
        Outcome::Suggestions(candidates) => {
            out.push_str(wording::DID_YOU_MEAN);
            out.push('\n');
            for (i, candidate) in candidates.iter().enumerate() {
                out.push_str(&format!("  {}. {}\n", i + 1, candidate.entry.title()));
            }
        }
        Outcome::NoAnswer(no) => {
            out.push_str(&wording::decline(no.reason, kb.source()));
            out.push('\n');
            if let Some(gap) = &no.gap {
                out.push_str(&gap.answer);
                out.push('\n');
            } else if no.reason == Reason::NotCovered {
                if let Some(near) = no.candidates.first() {
                    out.push_str(&format!(
                        "The closest question I can answer: {}\n",
                        near.entry.title()
                    ));
                }
            }
        }
    }
    out
}

/// One timeline event: its date, what happened, and the excerpts.
pub fn event(event: &Event) -> String {
    let mut out = format!("{}\n  {}\n", event.date, event.event);
    for source in &event.sources {
        out.push_str(&format!("  > {source}\n"));
    }
    out
}

/// One quote: its words (in quotation marks only when they are the speaker's), who said
/// it, and when.
pub fn quote(quote: &Quote) -> String {
    format!(
        "{}\n  \u{2014} {}\n  {}\n",
        quote.shown_text(),
        quote.attribution(),
        quote.context
    )
}

/// The article the answers come from, for `/source`.
pub fn source(kb: &KnowledgeBase) -> String {
    let source = kb.source();
    format!(
        "{}\n  {} (citing {})\n  {}\n",
        source.title, source.outlet, source.cites, source.as_of
    )
}
