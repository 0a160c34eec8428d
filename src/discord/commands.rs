//! The slash commands (poise). Each command's `///` doc is its description in Discord.
// poise turns each command into a function returning `poise::Command` and moves its doc
// comment into the command's description, so the generated function has no doc of its own.
#![allow(missing_docs)]

use serenity::all::{AutocompleteChoice, CreateAutocompleteResponse};

use super::app::Surface;
use super::cooldown::Verdict;
use super::render::{self, Reply};
use std::sync::Arc;

use super::{App, Error};
use crate::limits::{self, truncate};

/// The poise context of this bot.
pub type Context<'a> = poise::Context<'a, Arc<App>, Error>;

/// Every command, for registration; the message command is named after the bot
/// (`bot_name`, from the data's `source.toml`): "Ask NAME".
pub fn all(bot_name: &str) -> Vec<poise::Command<Arc<App>, Error>> {
    let mut ask_message = ask_message();
    ask_message.context_menu_name = Some(truncate(&format!("Ask {bot_name}"), COMMAND_NAME).into());
    vec![
        ask(),
        ask_message,
        timeline(),
        quote(),
        source(),
        help(),
        reload(),
    ]
}

/// Whether the bot may answer in the command's channel; if not, says so (ephemerally).
async fn channel_allowed(ctx: Context<'_>) -> Result<bool, Error> {
    if ctx.guild_id().is_none() || ctx.data().triggers.allows_channel(ctx.channel_id().get()) {
        return Ok(true);
    }
    let reply = Reply {
        content: Some("I don't answer in this channel.".into()),
        ephemeral: true,
        ..Reply::default()
    };
    ctx.send(reply.into_poise()).await?;
    Ok(false)
}

/// Ask a question about the story
#[poise::command(
    slash_command,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "Your question, e.g. who won the contract?"]
    #[autocomplete = "autocomplete_question"]
    #[max_length = 500]
    question: String,
    #[description = "Only you see the answer"] private: Option<bool>,
) -> Result<(), Error> {
    answer_in_interaction(ctx, &question, Surface::Slash, private.unwrap_or(false)).await
}

/// Ask the bot about a message (named "Ask NAME" at registration, see [`all`])
#[poise::command(
    context_menu_command = "Ask",
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn ask_message(ctx: Context<'_>, message: serenity::all::Message) -> Result<(), Error> {
    // The same limit as /ask's: a long message is cut, not refused.
    let question: String = message.content.chars().take(ASK_MAX_CHARS).collect();
    answer_in_interaction(ctx, &question, Surface::Message, false).await
}

/// Characters in a command's name.
const COMMAND_NAME: usize = 32;

/// `/ask`'s limit on a question's length, in characters.
const ASK_MAX_CHARS: usize = 500;

/// Answers `question` asked by a command, in the asker's conversation in this channel,
/// quoting it above the answer; ephemerally when `private`.
async fn answer_in_interaction(
    ctx: Context<'_>,
    question: &str,
    surface: Surface,
    private: bool,
) -> Result<(), Error> {
    if !channel_allowed(ctx).await? {
        return Ok(());
    }
    let app = ctx.data();
    let user = ctx.author().id.get();
    if let Verdict::Notify { wait } | Verdict::Silent { wait } = app.cooldown(user) {
        ctx.send(render::cooldown_notice(wait.as_secs().max(1)).into_poise())
            .await?;
        return Ok(());
    }
    let question: String = question.chars().take(ASK_MAX_CHARS).collect();
    let asker = (ctx.channel_id().get(), user);
    let (engine, outcome, conversation) = app.ask_in(&question, surface, asker, None);
    let reply = render::outcome(
        &outcome,
        engine.kb(),
        app.replies.style,
        app.replies.related,
    );
    let mut reply = app.with_feedback(reply, &outcome, &question);
    let asked = format!("> {}", render::escape_user_text(&question, 300));
    reply.content = Some(truncate(
        &match reply.content.take() {
            Some(content) => format!("{asked}\n{content}"),
            None => asked,
        },
        limits::MESSAGE_CONTENT,
    ));
    reply.ephemeral = private;
    ctx.send(reply.into_poise()).await?;
    app.metrics.replies_sent.inc();
    app.conversations.keep(asker, None, conversation);
    Ok(())
}

/// The knowledge base's questions that best match what has been typed so far.
async fn autocomplete_question(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let engine = ctx.data().engine.current();
    let choices = engine
        .rank(partial, limits::AUTOCOMPLETE_CHOICES)
        .into_iter()
        .map(|c| {
            let title = truncate(c.entry.title(), limits::AUTOCOMPLETE_CHOICE);
            AutocompleteChoice::new(title.clone(), title)
        })
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// The dispute's events in order
#[poise::command(
    slash_command,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn timeline(
    ctx: Context<'_>,
    #[description = "Only events from this year on"]
    #[min = 1900]
    #[max = 2100]
    from: Option<i32>,
    #[description = "Only events up to this year"]
    #[min = 1900]
    #[max = 2100]
    to: Option<i32>,
) -> Result<(), Error> {
    if !channel_allowed(ctx).await? {
        return Ok(());
    }
    let engine = ctx.data().engine.current();
    let picture = timeline_picture(ctx.data(), &engine, from, to).await;
    let events = engine.kb().timeline_between(from, to);
    let mut reply = render::timeline_page(&events, 0, from, to, engine.kb().source());
    if reply.embed.is_some() {
        reply.picture = picture;
    }
    ctx.send(reply.into_poise()).await?;
    Ok(())
}

/// The picture of the timeline between the years, drawn off the async threads (once per
/// data generation and range); `None`, logged, when it cannot be drawn: the text pages
/// are still there.
async fn timeline_picture(
    app: &App,
    engine: &Arc<jedi_engine::Engine>,
    from: Option<i32>,
    to: Option<i32>,
) -> Option<crate::picture::Png> {
    let pictures = app.pictures.clone();
    let engine = engine.clone();
    let drawn = tokio::task::spawn_blocking(move || pictures.get(&engine, from, to)).await;
    match drawn {
        Ok(Ok(picture)) => picture,
        Ok(Err(error)) => {
            tracing::error!(%error, "cannot draw the timeline");
            None
        }
        Err(error) => {
            tracing::error!(%error, "drawing the timeline failed");
            None
        }
    }
}

/// Who said what: the article's quotes, verbatim
#[poise::command(
    slash_command,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn quote(
    ctx: Context<'_>,
    #[description = "Who said it"]
    #[autocomplete = "autocomplete_speaker"]
    #[max_length = 100]
    speaker: Option<String>,
    #[description = "Words of the quote"]
    #[max_length = 200]
    words: Option<String>,
) -> Result<(), Error> {
    if !channel_allowed(ctx).await? {
        return Ok(());
    }
    let engine = ctx.data().engine.current();
    let quotes = engine
        .kb()
        .find_quotes(speaker.as_deref(), words.as_deref());
    ctx.send(render::quotes(&quotes, engine.kb().source()).into_poise())
        .await?;
    Ok(())
}

/// The speakers whose name or role contains what has been typed.
async fn autocomplete_speaker(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let engine = ctx.data().engine.current();
    let partial = partial.to_lowercase();
    let mut speakers: Vec<String> = Vec::new();
    for quote in engine.kb().quotes() {
        let matches = quote.speaker.to_lowercase().contains(&partial)
            || quote.role.to_lowercase().contains(&partial);
        if matches && !speakers.contains(&quote.speaker) {
            speakers.push(quote.speaker.clone());
        }
    }
    let choices = speakers
        .into_iter()
        .take(limits::AUTOCOMPLETE_CHOICES)
        .map(|s| {
            let s = truncate(&s, limits::AUTOCOMPLETE_CHOICE);
            AutocompleteChoice::new(s.clone(), s)
        })
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Where the answers come from
#[poise::command(
    slash_command,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn source(ctx: Context<'_>) -> Result<(), Error> {
    if !channel_allowed(ctx).await? {
        return Ok(());
    }
    let engine = ctx.data().engine.current();
    ctx.send(render::source(engine.kb().source()).into_poise())
        .await?;
    Ok(())
}

/// What this bot does and how to ask it
#[poise::command(
    slash_command,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let engine = ctx.data().engine.current();
    let examples: Vec<&str> = engine
        .kb()
        .entries()
        .iter()
        .take(3)
        .map(|e| e.title())
        .collect();
    ctx.send(render::help(engine.kb().source(), &examples).into_poise())
        .await?;
    Ok(())
}

/// Reload the Q&A data (bot owners only)
#[poise::command(
    slash_command,
    owners_only,
    ephemeral,
    install_context = "Guild",
    interaction_context = "Guild"
)]
pub async fn reload(
    ctx: Context<'_>,
    #[description = "Reload even if most entries, events or quotes are gone"] force: Option<bool>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let answers = ctx.data().engine.clone();
    let force = force.unwrap_or(false);
    let text = match tokio::task::spawn_blocking(move || answers.reload(force)).await? {
        Ok(summary) => {
            ctx.data().metrics.reloaded(true);
            tracing::info!(%summary, "reloaded the data (/reload)");
            format!("Reloaded: {summary}.")
        }
        Err(problems) => {
            ctx.data().metrics.reloaded(false);
            tracing::error!("reload refused, keeping the current data: {problems}");
            format!("Reload refused, the current data stays.\n```\n{problems}\n```")
        }
    };
    let reply = Reply {
        content: Some(truncate(&text, limits::MESSAGE_CONTENT - 4)),
        ephemeral: true,
        ..Reply::default()
    };
    let mut reply = reply.into_poise();
    if text.contains("```") && truncate(&text, limits::MESSAGE_CONTENT - 4) != text {
        reply = reply.content(format!(
            "{}\n```",
            truncate(&text, limits::MESSAGE_CONTENT - 8)
        ));
    }
    ctx.send(reply).await?;
    Ok(())
}
