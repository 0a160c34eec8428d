//! Engine results and knowledge-base content as Discord messages. Pure functions: every
//! size limit and every escape is applied here, and tested here.

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton,
    CreateEmbed, CreateEmbedFooter, CreateInteractionResponseMessage, CreateMessage,
    MessageReference,
};

use crate::config::ReplyStyle;
use crate::limits::{self, truncate};
use crate::picture::{self, Png};
use jedi_engine::wording;
use jedi_engine::{Answer, Candidate, Outcome, Reason};
use jedi_engine::{Event, KnowledgeBase, Quote, Source};

/// Embed colour of answers.
const ANSWER_COLOUR: u32 = 0x2b6cb0;
/// Embed colour of "did you mean" and declines.
const NOTICE_COLOUR: u32 = 0x718096;
/// Timeline events per page.
pub const EVENTS_PER_PAGE: usize = 5;
/// Keep an embed this far under Discord's 6000-character total.
const EMBED_BUDGET: usize = limits::EMBED_TOTAL - 200;

/// A reply, before it is turned into the builder of the surface that sends it.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    /// Plain text.
    pub content: Option<String>,
    /// At most one embed.
    pub embed: Option<CreateEmbed>,
    /// Buttons, five to a row.
    pub buttons: Vec<CreateButton>,
    /// The feedback buttons, in a row of their own under the others.
    pub feedback: Vec<CreateButton>,
    /// Only the asker sees it (interactions only).
    pub ephemeral: bool,
    /// A picture attached as [`picture::FILE_NAME`] and shown in the embed.
    pub picture: Option<Png>,
}

/// Mentions nobody: no @everyone, @here, role, user, or the replied-to author.
pub fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
        .everyone(false)
        .all_users(false)
        .all_roles(false)
        .empty_users()
        .empty_roles()
        .replied_user(false)
}

impl Reply {
    fn rows(&self) -> Vec<CreateActionRow> {
        let feedback = (!self.feedback.is_empty()).then(|| self.feedback.clone());
        let room = limits::ACTION_ROWS - usize::from(feedback.is_some());
        self.buttons
            .chunks(limits::BUTTONS_PER_ROW)
            .take(room)
            .map(<[CreateButton]>::to_vec)
            .chain(feedback)
            .map(CreateActionRow::Buttons)
            .collect()
    }

    /// As a message replying to `to` (without pinging its author).
    pub fn into_message(self, to: impl Into<MessageReference>) -> CreateMessage {
        self.fill(CreateMessage::new().reference_message(to))
    }

    /// As a poise reply (slash commands).
    pub fn into_poise(self) -> poise::CreateReply {
        let ephemeral = self.ephemeral;
        self.fill(poise::CreateReply::default().ephemeral(ephemeral))
    }

    /// As the message of an interaction response (buttons).
    pub fn into_interaction(self) -> CreateInteractionResponseMessage {
        let ephemeral = self.ephemeral;
        self.fill(CreateInteractionResponseMessage::new().ephemeral(ephemeral))
    }

    /// `builder` with the reply's content, embed and buttons, and no pings.
    fn fill<B: Builder>(self, builder: B) -> B {
        let mut builder = builder.no_pings().rows(self.rows());
        if let Some(content) = self.content {
            builder = builder.content(content);
        }
        let mut embed = self.embed;
        if let Some(png) = self.picture {
            builder = builder.file(CreateAttachment::bytes(
                png.as_ref().clone(),
                picture::FILE_NAME,
            ));
            embed = embed.map(with_picture);
        }
        if let Some(embed) = embed {
            builder = builder.embed(embed);
        }
        builder
    }
}

/// What the three message builders (a channel message, a poise reply, an interaction
/// response) have in common, for [`Reply::fill`].
trait Builder: Sized {
    fn no_pings(self) -> Self;
    fn rows(self, rows: Vec<CreateActionRow>) -> Self;
    fn content(self, content: String) -> Self;
    fn embed(self, embed: CreateEmbed) -> Self;
    fn file(self, file: CreateAttachment) -> Self;
}

/// `embed` showing the picture attached to its message.
pub fn with_picture(embed: CreateEmbed) -> CreateEmbed {
    embed.image(format!("attachment://{}", picture::FILE_NAME))
}

macro_rules! builder {
    ($type:ty, $file:ident) => {
        impl Builder for $type {
            fn no_pings(self) -> Self {
                self.allowed_mentions(no_pings())
            }
            fn rows(self, rows: Vec<CreateActionRow>) -> Self {
                self.components(rows)
            }
            fn content(self, content: String) -> Self {
                <$type>::content(self, content)
            }
            fn embed(self, embed: CreateEmbed) -> Self {
                <$type>::embed(self, embed)
            }
            fn file(self, file: CreateAttachment) -> Self {
                <$type>::$file(self, file)
            }
        }
    };
}

builder!(CreateMessage, add_file);
builder!(poise::CreateReply, attachment);
builder!(CreateInteractionResponseMessage, add_file);

/// Escapes text a user typed so that, shown back, it is plain: no markdown, no mentions,
/// no links, no headings; cut to `max` characters.
///
/// ```
/// use jedi_bot::discord::render::escape_user_text;
/// assert_eq!(escape_user_text("**hi** @everyone <@1>", 100), "\\*\\*hi\\*\\* @\u{200B}everyone <@\u{200B}1\\>");
/// ```
pub fn escape_user_text(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '#' | '[' | ']' | '(' | ')' | '-' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{200B}"),
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push(' '),
            // Bidi controls would reorder the rest of the message around the question.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    // Escapes must not be cut in half: truncate, then drop a dangling backslash.
    let mut cut = truncate(&out, max);
    if cut.ends_with("\\…") {
        cut.truncate(cut.len() - "\\…".len());
        cut.push('…');
    }
    cut
}

/// The reply to a question: the answer (with excerpts and credit), "did you mean", or a
/// decline. `related` is how many related questions to offer as buttons.
pub fn outcome(outcome: &Outcome, kb: &KnowledgeBase, style: ReplyStyle, related: usize) -> Reply {
    match outcome {
        Outcome::Answer(answer) => self::answer(answer, kb.source(), style, related),
        Outcome::Suggestions(candidates) => suggestions(candidates),
        Outcome::NoAnswer(no) => match &no.gap {
            Some(gap) => {
                let related: Vec<CreateButton> = gap
                    .related
                    .iter()
                    .filter_map(|id| kb.entry(id))
                    .take(related.min(limits::BUTTONS_PER_ROW))
                    .map(|r| ask_button(&r.id, r.title()))
                    .collect();
                Reply {
                    content: Some(truncate(
                        &format!(
                            "{} {}",
                            gap.answer,
                            wording::decline(no.reason, kb.source())
                        ),
                        limits::MESSAGE_CONTENT,
                    )),
                    buttons: related,
                    ..Reply::default()
                }
            }
            None => decline(no.reason, kb.source()),
        },
    }
}

fn quoted_excerpts(sources: &[String], max: usize) -> String {
    let text = sources
        .iter()
        .map(|s| format!("> {}", s.replace('\n', " ")))
        .collect::<Vec<_>>()
        .join("\n");
    truncate(&text, max)
}

/// An answer with the article excerpts it rests on, the credit, and related questions.
pub fn answer(answer: &Answer, source: &Source, style: ReplyStyle, related: usize) -> Reply {
    let entry = &answer.entry;
    let buttons: Vec<CreateButton> = answer
        .related
        .iter()
        .take(related.min(limits::BUTTONS_PER_ROW))
        .map(|r| ask_button(&r.id, r.title()))
        .collect();
    match style {
        ReplyStyle::Embed => {
            let embed = CreateEmbed::new()
                .title(truncate(entry.title(), limits::EMBED_TITLE))
                .description(truncate(&answer.text, limits::EMBED_DESCRIPTION))
                .field(
                    wording::FROM_THE_ARTICLE,
                    quoted_excerpts(&entry.sources, limits::EMBED_FIELD_VALUE),
                    false,
                )
                .footer(CreateEmbedFooter::new(truncate(
                    &source.attribution,
                    limits::EMBED_FOOTER,
                )))
                .colour(ANSWER_COLOUR);
            Reply {
                embed: Some(embed),
                buttons,
                ..Reply::default()
            }
        }
        ReplyStyle::Plain => {
            let credit = format!("\n_{}_", source.attribution);
            let room = limits::MESSAGE_CONTENT
                .saturating_sub(answer.text.chars().count() + credit.chars().count() + 2);
            let text = format!(
                "{}\n{}{}",
                answer.text,
                quoted_excerpts(&entry.sources, room),
                credit
            );
            Reply {
                content: Some(truncate(&text, limits::MESSAGE_CONTENT)),
                buttons,
                ..Reply::default()
            }
        }
    }
}

/// The button that asks entry `id` (its label is the entry's question).
pub fn ask_button(id: &str, title: &str) -> CreateButton {
    CreateButton::new(CustomId::Ask(id.to_string()).encode())
        .label(truncate(title, limits::BUTTON_LABEL))
        .style(ButtonStyle::Secondary)
}

/// "Did you mean ...?" with one button a candidate.
pub fn suggestions(candidates: &[Candidate]) -> Reply {
    let list = candidates
        .iter()
        .map(|c| format!("• {}", c.entry.title()))
        .collect::<Vec<_>>()
        .join("\n");
    Reply {
        content: Some(truncate(
            &format!("{}\n{list}", wording::DID_YOU_MEAN),
            limits::MESSAGE_CONTENT,
        )),
        buttons: candidates
            .iter()
            .take(limits::BUTTONS_PER_ROW)
            .map(|c| ask_button(&c.entry.id, c.entry.title()))
            .collect(),
        ..Reply::default()
    }
}

/// A short, friendly decline that says why and points to /help.
pub fn decline(reason: Reason, source: &Source) -> Reply {
    Reply {
        content: Some(truncate(
            &format!(
                "{} See /help for what I can answer.",
                wording::decline(reason, source)
            ),
            limits::MESSAGE_CONTENT,
        )),
        ..Reply::default()
    }
}

/// The one notice a user gets when asking again too soon.
pub fn cooldown_notice(wait_seconds: u64) -> Reply {
    Reply {
        content: Some(format!(
            "You're asking a little fast: try again in {wait_seconds} s."
        )),
        ephemeral: true,
        ..Reply::default()
    }
}

/// The one sentence a user sees when something failed on the bot's side.
pub fn internal_error() -> Reply {
    Reply {
        content: Some("Sorry, something went wrong on my side; it has been logged.".into()),
        ephemeral: true,
        ..Reply::default()
    }
}

/// Page `page` (0-based) of `events`, with previous/next buttons carrying the range.
pub fn timeline_page(
    events: &[&Event],
    page: usize,
    from: Option<i32>,
    to: Option<i32>,
    source: &Source,
) -> Reply {
    if events.is_empty() {
        return Reply {
            content: Some("No events of the story fall in that range.".into()),
            ephemeral: true,
            ..Reply::default()
        };
    }
    let pages = events.len().div_ceil(EVENTS_PER_PAGE);
    let page = page.min(pages - 1);
    let mut embed = CreateEmbed::new()
        .title(truncate(
            &format!("Timeline ({}/{})", page + 1, pages),
            limits::EMBED_TITLE,
        ))
        .footer(CreateEmbedFooter::new(truncate(
            &source.attribution,
            limits::EMBED_FOOTER,
        )))
        .colour(ANSWER_COLOUR);
    let mut used = 100 + source.attribution.chars().count();
    for event in events
        .iter()
        .skip(page * EVENTS_PER_PAGE)
        .take(EVENTS_PER_PAGE)
    {
        let name = truncate(&event.date, limits::EMBED_FIELD_NAME);
        let value = truncate(&event.event, limits::EMBED_FIELD_VALUE);
        used += name.chars().count() + value.chars().count();
        if used > EMBED_BUDGET {
            break;
        }
        embed = embed.field(name, value, false);
    }
    let mut buttons = Vec::new();
    if pages > 1 {
        let nav = |label: &str, target: usize, disabled: bool| {
            CreateButton::new(
                CustomId::Timeline {
                    page: target,
                    from,
                    to,
                }
                .encode(),
            )
            .label(label)
            .style(ButtonStyle::Primary)
            .disabled(disabled)
        };
        buttons.push(nav("◀ Earlier", page.saturating_sub(1), page == 0));
        buttons.push(nav("Later ▶", (page + 1).min(pages - 1), page + 1 >= pages));
    }
    Reply {
        embed: Some(embed),
        buttons,
        ..Reply::default()
    }
}

/// Quotes, verbatim, with speaker, role, kind and context (as many as fit in one embed).
pub fn quotes(quotes: &[&Quote], source: &Source) -> Reply {
    if quotes.is_empty() {
        return Reply {
            content: Some(
                "No quote in the article matches that. Try /quote with no options to see them all."
                    .into(),
            ),
            ephemeral: true,
            ..Reply::default()
        };
    }
    let mut embed = CreateEmbed::new()
        .title("Quotes from the article")
        .footer(CreateEmbedFooter::new(truncate(
            &source.attribution,
            limits::EMBED_FOOTER,
        )))
        .colour(ANSWER_COLOUR);
    let mut used = 100 + source.attribution.chars().count();
    let mut shown = 0;
    for quote in quotes.iter().take(limits::EMBED_FIELDS - 1) {
        let name = truncate(&quote.attribution(), limits::EMBED_FIELD_NAME);
        let value = truncate(
            &format!("{}\n*{}*", quote.shown_text(), quote.context),
            limits::EMBED_FIELD_VALUE,
        );
        used += name.chars().count() + value.chars().count();
        if used > EMBED_BUDGET {
            break;
        }
        embed = embed.field(name, value, false);
        shown += 1;
    }
    if shown < quotes.len() {
        embed = embed.description(format!(
            "Showing {shown} of {} quotes; narrow it down with the speaker or words options.",
            quotes.len()
        ));
    }
    Reply {
        embed: Some(embed),
        ..Reply::default()
    }
}

/// `/source`: where every answer comes from.
pub fn source(source: &Source) -> Reply {
    let embed = CreateEmbed::new()
        .title(truncate(&source.title, limits::EMBED_TITLE))
        .description(truncate(
            &format!(
                "Every answer comes from this {} article, which cites {}. {}",
                source.outlet, source.cites, source.as_of
            ),
            limits::EMBED_DESCRIPTION,
        ))
        .field(
            "Outlet",
            truncate(&source.outlet, limits::EMBED_FIELD_VALUE),
            true,
        )
        .field(
            "Cites",
            truncate(&source.cites, limits::EMBED_FIELD_VALUE),
            true,
        )
        .colour(ANSWER_COLOUR);
    Reply {
        embed: Some(embed),
        ..Reply::default()
    }
}

/// `/help`: what the bot does and how to ask.
pub fn help(source: &Source, examples: &[&str]) -> Reply {
    let examples = examples
        .iter()
        .map(|q| format!("• {q}"))
        .collect::<Vec<_>>()
        .join("\n");
    let embed = CreateEmbed::new()
        .title(truncate(&source.name, limits::EMBED_TITLE))
        .description(truncate(
            &format!(
                "I answer questions about {}, from {}'s report citing {}: every answer quotes the article sentence it comes from, and I say so when the article doesn't cover something.\n\n\
                 **Ask** by mentioning me, or with `/ask`.\n\
                 `/timeline` the events in order · `/quote` who said what · `/source` the article\n\n\
                 **For example**\n{examples}",
                source.topic, source.outlet, source.cites
            ),
            limits::EMBED_DESCRIPTION,
        ))
        .colour(NOTICE_COLOUR);
    Reply {
        embed: Some(embed),
        ephemeral: true,
        ..Reply::default()
    }
}

/// What a button's custom id asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomId {
    /// Answer this entry.
    Ask(String),
    /// Show this page of the timeline, for this range of years.
    Timeline {
        /// 0-based page.
        page: usize,
        /// First year, if any.
        from: Option<i32>,
        /// Last year, if any.
        to: Option<i32>,
    },
    /// A vote on an answer: its entry, a short hash of the question it answered (never
    /// the question or who asked: a custom id is visible to every client), and whether
    /// the answer helped.
    Vote {
        /// The entry that answered.
        entry: String,
        /// [`question_hash`] of the question.
        question: u32,
        /// Helpful or not.
        helpful: bool,
    },
}

/// A short, stable hash of a question (its normalised form): the key that ties a vote to
/// the question without carrying the question.
pub fn question_hash(normalized: &str) -> u32 {
    // FNV-1a: stable across builds and processes, which the buttons need.
    normalized.bytes().fold(0x811c_9dc5u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

impl Reply {
    /// The reply with the two feedback buttons (helpful / not helpful) for an answer of
    /// `entry` to the question hashed as `question`.
    pub fn with_feedback(mut self, entry: &str, question: u32) -> Reply {
        for (helpful, label) in [(true, "👍 Helpful"), (false, "👎 Not helpful")] {
            let id = CustomId::Vote {
                entry: entry.to_string(),
                question,
                helpful,
            };
            self.feedback.push(
                CreateButton::new(id.encode())
                    .label(label)
                    .style(ButtonStyle::Secondary),
            );
        }
        self
    }
}

impl CustomId {
    /// The id as Discord carries it (at most 100 characters).
    pub fn encode(&self) -> String {
        let year = |y: Option<i32>| y.map_or("-".to_string(), |y| y.to_string());
        let id = match self {
            CustomId::Ask(entry) => format!("ask:{entry}"),
            CustomId::Timeline { page, from, to } => {
                format!("tl:{page}:{}:{}", year(*from), year(*to))
            }
            CustomId::Vote {
                entry,
                question,
                helpful,
            } => format!(
                "fb:{}:{question:08x}:{entry}",
                if *helpful { '+' } else { '-' }
            ),
        };
        truncate(&id, limits::CUSTOM_ID)
    }

    /// Reads an id made by [`encode`](Self::encode); anything else is `None`.
    pub fn decode(id: &str) -> Option<CustomId> {
        if let Some(entry) = id.strip_prefix("ask:") {
            return (!entry.is_empty()).then(|| CustomId::Ask(entry.to_string()));
        }
        if let Some(rest) = id.strip_prefix("fb:") {
            let mut parts = rest.splitn(3, ':');
            let helpful = match parts.next()? {
                "+" => true,
                "-" => false,
                _ => return None,
            };
            let hash = parts.next()?;
            let question = (hash.len() == 8).then(|| u32::from_str_radix(hash, 16).ok())??;
            let entry = parts.next().filter(|e| !e.is_empty())?;
            return Some(CustomId::Vote {
                entry: entry.to_string(),
                question,
                helpful,
            });
        }
        let rest = id.strip_prefix("tl:")?;
        let mut parts = rest.split(':');
        let page = parts.next()?.parse().ok()?;
        let year = |p: Option<&str>| -> Option<Option<i32>> {
            match p? {
                "-" => Some(None),
                y => y.parse().ok().map(Some),
            }
        };
        let from = year(parts.next())?;
        let to = year(parts.next())?;
        parts
            .next()
            .is_none()
            .then_some(CustomId::Timeline { page, from, to })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_loses_bidi_controls_and_line_separators() {
        let escaped = escape_user_text("a\u{202E}b\u{2028}c\u{2029}d\u{2066}e", 100);
        assert_eq!(escaped, "ab c de");
    }
    use jedi_engine::{Engine, Thresholds};
    use serde_json::Value;

    /// The engine's small made-up fixture: these tests are about rendering, not one
    /// story's data (`tests/properties.rs` renders the real data).
    fn engine() -> Engine {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/crates/jedi-engine/tests/fixture"
        );
        let kb = crate::data::load(&jedi_engine::DataSource::Dir(dir.into())).unwrap();
        Engine::new(kb, Thresholds::default())
    }

    fn json<T: serde::Serialize>(value: &T) -> Value {
        serde_json::to_value(value).unwrap()
    }

    /// Checks an embed against every Discord limit.
    fn assert_embed_fits(embed: &Value) {
        let len = |key: &str| embed[key].as_str().map_or(0, |s| s.chars().count());
        assert!(len("title") <= limits::EMBED_TITLE);
        assert!(len("description") <= limits::EMBED_DESCRIPTION);
        let mut total = len("title") + len("description");
        let fields = embed["fields"].as_array().cloned().unwrap_or_default();
        assert!(fields.len() <= limits::EMBED_FIELDS);
        for field in &fields {
            let name = field["name"].as_str().unwrap().chars().count();
            let value = field["value"].as_str().unwrap().chars().count();
            assert!(name <= limits::EMBED_FIELD_NAME && value <= limits::EMBED_FIELD_VALUE);
            total += name + value;
        }
        let footer = embed["footer"]["text"]
            .as_str()
            .map_or(0, |s| s.chars().count());
        assert!(footer <= limits::EMBED_FOOTER);
        total += footer;
        assert!(total <= limits::EMBED_TOTAL, "embed total {total}");
    }

    fn assert_reply_fits(reply: &Reply) {
        if let Some(content) = &reply.content {
            assert!(content.chars().count() <= limits::MESSAGE_CONTENT);
        }
        if let Some(embed) = &reply.embed {
            assert_embed_fits(&json(embed));
        }
        for button in &reply.buttons {
            let b = json(button);
            assert!(b["label"].as_str().unwrap().chars().count() <= limits::BUTTON_LABEL);
            assert!(b["custom_id"].as_str().unwrap().chars().count() <= limits::CUSTOM_ID);
        }
    }

    #[test]
    fn every_entry_renders_within_limits_in_both_styles() {
        let engine = engine();
        for entry in engine.kb().entries() {
            let outcome = engine.ask(entry.title());
            for style in [ReplyStyle::Embed, ReplyStyle::Plain] {
                assert_reply_fits(&self::outcome(&outcome, engine.kb(), style, 5));
            }
        }
    }

    #[test]
    fn answers_carry_the_excerpt_and_the_credit() {
        let engine = engine();
        let Outcome::Answer(answer) = engine.ask("who won the bridge contract") else {
            panic!("no answer")
        };
        let embed = json(
            &self::answer(&answer, engine.kb().source(), ReplyStyle::Embed, 3)
                .embed
                .unwrap(),
        );
        assert!(embed["fields"][0]["value"]
            .as_str()
            .unwrap()
            .starts_with("> "));
        assert_eq!(
            embed["footer"]["text"],
            engine.kb().source().attribution.as_str()
        );
    }

    #[test]
    fn messages_never_ping_anyone() {
        let mentions = json(&no_pings());
        assert_eq!(mentions["parse"], serde_json::json!([]));
        assert_eq!(mentions["users"], serde_json::json!([]));
        assert_eq!(mentions["roles"], serde_json::json!([]));
        assert_eq!(mentions["replied_user"], false);
    }

    #[test]
    fn timeline_pages_and_quotes_fit() {
        let engine = engine();
        let kb = engine.kb();
        let events = kb.timeline_between(None, None);
        let pages = events.len().div_ceil(EVENTS_PER_PAGE);
        for page in 0..pages + 2 {
            let reply = timeline_page(&events, page, None, None, kb.source());
            assert_reply_fits(&reply);
        }
        let all: Vec<&Quote> = kb.quotes().iter().collect();
        assert_reply_fits(&quotes(&all, kb.source()));
        assert_reply_fits(&source(kb.source()));
        assert_reply_fits(&help(kb.source(), &["a", "b"]));
    }

    #[test]
    fn custom_ids_round_trip_and_reject_garbage() {
        for id in [
            CustomId::Ask("winner".into()),
            CustomId::Timeline {
                page: 2,
                from: Some(2018),
                to: None,
            },
            CustomId::Timeline {
                page: 0,
                from: None,
                to: Some(-5),
            },
            CustomId::Vote {
                entry: "winner".into(),
                question: 0xdead_beef,
                helpful: false,
            },
        ] {
            assert_eq!(CustomId::decode(&id.encode()), Some(id));
        }
        for bad in [
            "",
            "ask:",
            "fb:+:123:winner",
            "fb:?:deadbeef:winner",
            "fb:+:deadbeef:",
            "tl:x:-:-",
            "tl:1:-",
            "tl:1:-:-:-",
            "other",
            "tl:1:abc:-",
        ] {
            assert_eq!(CustomId::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn user_text_is_escaped_and_cut_cleanly() {
        let escaped = escape_user_text("@here [x](http://a) `c` ||s|| <#1> # h", 200);
        assert!(!escaped.contains("@here"));
        assert!(!escaped.contains("<#1>") || escaped.contains("\\<"));
        assert!(escaped.contains("\\[x\\]"));
        let cut = escape_user_text(&"*".repeat(50), 10);
        assert!(cut.chars().count() <= 10);
        assert!(
            !cut.trim_end_matches('…').ends_with('\\')
                || cut.trim_end_matches('…').ends_with("\\\\")
        );
    }
}
