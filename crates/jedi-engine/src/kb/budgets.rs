//! How long each kind of text in the data may be.
//!
//! The engine knows nothing of where its texts are shown; the program that shows them
//! (the Discord bot, with its message and embed limits) says how long each may be, and
//! the checks refuse data that would not fit.

/// The most characters each kind of text in the data may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextBudgets {
    /// The article's title.
    pub title: usize,
    /// Short labels: the outlet, the outlet cited, an event's date.
    pub label: usize,
    /// A quote's speaker, and a speaker's role.
    pub name: usize,
    /// Passages: an excerpt of the article, an event, a quote and its context, the topic.
    pub passage: usize,
    /// The attribution line under every answer.
    pub attribution: usize,
    /// An answer.
    pub answer: usize,
    /// An entry's first phrasing (shown as a "did you mean" choice).
    pub first_question: usize,
    /// Any other phrasing.
    pub question: usize,
    /// An event's short label (drawn in a picture of the timeline).
    pub short_label: usize,
}

impl TextBudgets {
    /// No limit on any text (for tools that show nothing).
    pub const UNLIMITED: TextBudgets = TextBudgets {
        title: usize::MAX,
        label: usize::MAX,
        name: usize::MAX,
        passage: usize::MAX,
        attribution: usize::MAX,
        answer: usize::MAX,
        first_question: usize::MAX,
        short_label: usize::MAX,
        question: usize::MAX,
    };
}

impl Default for TextBudgets {
    fn default() -> Self {
        TextBudgets::UNLIMITED
    }
}
