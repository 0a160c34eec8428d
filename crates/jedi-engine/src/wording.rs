//! The words the bot puts around answers, shared by the command line and Discord, so
//! both say the same thing. Anything about the story comes from the data's `source.toml`.

use crate::engine::Reason;
use crate::kb::Source;

/// The short decline for a question with no answer.
///
/// ```
/// use jedi_engine::{wording, Reason, Source};
/// let source = Source {
///     name: "bridge-bot".into(),
///     title: "Town Picks A Builder".into(),
///     outlet: "The Gazette".into(),
///     cites: "town records".into(),
///     attribution: "As reported by The Gazette".into(),
///     topic: "the town's bridge repair".into(),
///     as_of: "As of the report.".into(),
/// };
/// assert!(wording::decline(Reason::NotCovered, &source).contains("doesn't say"));
/// ```
pub fn decline(reason: Reason, source: &Source) -> String {
    match reason {
        Reason::Empty => format!(
            "Ask me a question about {}, and I'll answer from the article.",
            source.topic
        ),
        Reason::OffTopic => format!(
            "I can't answer that: I only know about {}, from {}'s report.",
            source.topic, source.outlet
        ),
        Reason::NotCovered => format!(
            "I can't answer that: it's about the story, but the article doesn't say. I only answer from {}'s report, citing {}.",
            source.outlet, source.cites
        ),
    }
}

/// The line before a "did you mean" list.
pub const DID_YOU_MEAN: &str = "I'm not sure which question you mean. Did you mean:";

/// The line before related questions.
pub const RELATED: &str = "Related questions";

/// The line before the article excerpts an answer rests on.
pub const FROM_THE_ARTICLE: &str = "From the article";
