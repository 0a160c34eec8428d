//! The knowledge base's contents, as the rest of the program sees them.

use serde::Serialize;

/// One Q&A entry: the ways people ask a question, and its answer from the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Stable identifier (lowercase words joined by `-`).
    pub id: String,
    /// The ways people ask it; the first is the one shown in "did you mean" lists.
    pub questions: Vec<String>,
    /// One to three sentences.
    pub answer: String,
    /// The answer as it reads to a yes/no question like the entry's own yes/no phrasings
    /// ("Yes. AWS later sued ..."), when the data gives one.
    pub yes_no: Option<String>,
    /// Verbatim excerpts of the article the answer rests on.
    pub sources: Vec<String>,
    /// Ids of entries worth asking next.
    pub related: Vec<String>,
    /// False for a gap: a question people ask about the story that the article does not
    /// answer. Its `answer` then says what the article leaves out, and the bot declines
    /// ("not covered") with that explanation instead of answering.
    pub covered: bool,
}

impl Entry {
    /// The question shown for this entry in lists and buttons.
    pub fn title(&self) -> &str {
        &self.questions[0]
    }
}

/// One event of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// Stable identifier.
    pub id: String,
    /// Sort key; strictly increasing through the timeline.
    pub sort: i64,
    /// The date as the article gives it, or how the article places the event.
    pub date: String,
    /// False when the article gives no date for the event.
    pub dated: bool,
    /// The year, when the article gives one.
    pub year: Option<i32>,
    /// What happened, in one sentence.
    pub event: String,
    /// What happened in a few words, for a picture of the timeline.
    pub label: Option<String>,
    /// Verbatim excerpts of the article.
    pub sources: Vec<String>,
}

/// How a quote is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// The speaker's own words, in quotation marks.
    Direct,
    /// A statement the article reports in its own words.
    Paraphrase,
    /// A headline.
    Headline,
}

/// One quote of the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// Stable identifier.
    pub id: String,
    /// Who said it, as the article names them.
    pub speaker: String,
    /// The speaker's role, as the article gives it.
    pub role: String,
    /// Direct quote, paraphrase or headline.
    pub kind: QuoteKind,
    /// When and why it was said.
    pub context: String,
    /// The words, verbatim.
    pub text: String,
}

impl Quote {
    /// Who said it, as every front end names them: "Brad Smith (Microsoft President)".
    pub fn attribution(&self) -> String {
        format!("{} ({})", self.speaker, self.role)
    }

    /// The words as shown: a direct quote or a headline in quotation marks, a paraphrased
    /// statement without them (they are the article's words, not the speaker's), marked
    /// as such.
    pub fn shown_text(&self) -> String {
        match self.kind {
            QuoteKind::Direct => format!("\u{201C}{}\u{201D}", self.text),
            QuoteKind::Headline => format!("Headline: \u{201C}{}\u{201D}", self.text),
            QuoteKind::Paraphrase => format!("As the article puts it: {}", self.text),
        }
    }
}

/// The article the knowledge base comes from, and how to credit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// What the bot built on this data is called ("Ask NAME" on a message).
    pub name: String,
    /// The article's headline.
    pub title: String,
    /// Who published it.
    pub outlet: String,
    /// Whom it cites.
    pub cites: String,
    /// The credit line shown under every answer.
    pub attribution: String,
    /// What the story is about, for declines ("I only know about ...").
    pub topic: String,
    /// How current the answers are.
    pub as_of: String,
}
