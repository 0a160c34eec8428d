//! Discord events that are not slash commands: messages that ask the bot something, and
//! button clicks.

use serenity::all::{
    ChannelId, ComponentInteraction, Context, CreateInteractionResponse, FullEvent, GuildId, Http,
    Interaction, Message, MessageId, MessageReference, UserId,
};

use std::sync::Arc;

use super::app::{App, Surface};
use super::cooldown::Verdict;
use super::feedback::Change;
use super::render::{self, CustomId, Reply};
use super::unanswered::Vote;
use super::Error;
use crate::config::Triggers;
use jedi_engine::Outcome;

/// Whether a message is addressed to the bot, and the question in it (mentions of the bot
/// and the prefix removed). Only an explicit `<@bot>` in the text counts as a mention: a
/// reply to the bot's own message (which pings it) is not a question.
pub fn addressed(
    content: &str,
    bot: u64,
    is_direct: bool,
    channel: u64,
    triggers: &Triggers,
) -> Option<(Surface, String)> {
    let tags = [format!("<@{bot}>"), format!("<@!{bot}>")];
    let strip = |text: &str| strip_mentions(text, bot);
    if is_direct {
        return triggers
            .direct_messages
            .then(|| (Surface::Direct, strip(content)));
    }
    if !triggers.allows_channel(channel) {
        return None;
    }
    if triggers.mention && tags.iter().any(|tag| content.contains(tag.as_str())) {
        return Some((Surface::Mention, strip(content)));
    }
    if let Some(prefix) = &triggers.prefix {
        let trimmed = content.trim_start();
        let head = trimmed.get(..prefix.len());
        if head.is_some_and(|h| h.eq_ignore_ascii_case(prefix)) {
            let rest = &trimmed[prefix.len()..];
            if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                return Some((Surface::Prefix, strip(rest)));
            }
        }
    }
    if triggers.listen_channels.contains(&channel) {
        return Some((Surface::Listen, strip(content)));
    }
    None
}

/// Whether the bot should reply to `outcome` for a message that reached it by `trigger`.
/// Mentions, the prefix and DMs always get a reply (a decline, at worst); in listen
/// channels and to replies to its answers (often "thanks!") the bot speaks only when it
/// has something: an answer, or "did you mean" for what looks like a question.
pub fn should_reply(trigger: Surface, outcome: &Outcome, looks_like_question: bool) -> bool {
    match (trigger, outcome) {
        (Surface::Listen | Surface::Reply, Outcome::Answer(_)) => true,
        (Surface::Listen | Surface::Reply, Outcome::Suggestions(_)) => looks_like_question,
        (Surface::Listen | Surface::Reply, Outcome::NoAnswer(_)) => false,
        _ => true,
    }
}

/// Handles the events poise passes on.
pub async fn on_event(
    ctx: &Context,
    event: &FullEvent,
    bot: UserId,
    app: &Arc<App>,
) -> Result<(), Error> {
    match event {
        FullEvent::Message { new_message } => {
            on_message(new_message, &ctx.http, bot, app);
            Ok(())
        }
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(component),
        } => on_component(ctx, component, app).await,
        FullEvent::Ready { data_about_bot } => {
            tracing::info!(
                shard = data_about_bot.shard.map(|s| s.id.0),
                guilds = data_about_bot.guilds.len(),
                "connected to Discord as {}",
                data_about_bot.user.name
            );
            Ok(())
        }
        FullEvent::Resume { .. } => {
            tracing::info!("resumed the gateway session");
            Ok(())
        }

        _ => Ok(()),
    }
}

/// Answers `message` in a task of its own when it asks the bot something. Returns at once:
/// the gateway's events are not held up by answering.
pub fn on_message(message: &Message, http: &Arc<Http>, bot: UserId, app: &Arc<App>) {
    if message.author.bot || message.webhook_id.is_some() || message.author.id == bot {
        return;
    }
    // A reply to one of the bot's answers continues that answer's conversation.
    let replied_to = message
        .message_reference
        .as_ref()
        .and_then(|r| r.message_id)
        .map(MessageId::get)
        .filter(|&id| app.conversations.is_answer(id));
    let addressed = addressed(
        &message.content,
        bot.get(),
        message.guild_id.is_none(),
        message.channel_id.get(),
        &app.triggers,
    );
    let Some((trigger, question)) = addressed.or_else(|| {
        replied_to?;
        app.triggers
            .allows_channel(message.channel_id.get())
            .then(|| (Surface::Reply, strip_mentions(&message.content, bot.get())))
    }) else {
        return;
    };
    let asked = Asked {
        trigger,
        question,
        replied_to,
        channel: message.channel_id,
        message: message.id,
        guild: message.guild_id,
        author: message.author.id.get(),
    };
    let Some(ticket) = app.backlog.admit(asked.channel.get()) else {
        app.metrics.backlog_dropped.inc();
        tracing::warn!(
            channel = asked.channel.get(),
            dropped = app.backlog.dropped(),
            "too many questions waiting for a reply; dropped one"
        );
        return;
    };
    let (http, app) = (http.clone(), app.clone());
    tokio::spawn(async move {
        let _ticket = ticket;
        answer(&http, asked, &app).await;
    });
}

/// A question a message asked, with what is needed to reply to it.
struct Asked {
    trigger: Surface,
    question: String,
    /// The bot's answer the message replies to, when it is one.
    replied_to: Option<u64>,
    channel: ChannelId,
    message: MessageId,
    guild: Option<GuildId>,
    author: u64,
}

/// LiveEngine one question, within the cooldown.
async fn answer(http: &Http, asked: Asked, app: &App) {
    // The cooldown comes first: a question it silences is neither answered nor logged. A
    // message the bot may stay quiet about (listen channels, replies) does not start it.
    let quiet_unless_answered = matches!(asked.trigger, Surface::Listen | Surface::Reply);
    if quiet_unless_answered && !app.may_answer(asked.author) {
        return;
    }
    let verdict = if quiet_unless_answered {
        None
    } else {
        Some(app.cooldown(asked.author))
    };
    let reply = match verdict {
        Some(Verdict::Notify { wait }) => Some(render::cooldown_notice(wait.as_secs().max(1))),
        Some(Verdict::Silent { .. }) => return,
        Some(Verdict::Answer) | None => None,
    };
    let asker = (asked.channel.get(), asked.author);
    // The question is answered once a sending slot is free: queued questions wait as
    // text, not as built replies.
    let slot = app.sender.slot().await;
    let (reply, conversation) = match reply {
        Some(notice) => (notice, None),
        None => {
            let (engine, outcome, conversation) =
                app.ask_in(&asked.question, asked.trigger, asker, asked.replied_to);
            let looks_like_question = engine.kb().reads_as_question(&asked.question);
            if !should_reply(asked.trigger, &outcome, looks_like_question) {
                return;
            }
            if quiet_unless_answered && app.cooldown(asked.author) != Verdict::Answer {
                return;
            }
            let reply = render::outcome(
                &outcome,
                engine.kb(),
                app.replies.style,
                app.replies.related,
            );
            let reply = app.with_feedback(reply, &outcome, &asked.question);
            (reply, Some(conversation))
        }
    };
    let reference = MessageReference::from((asked.channel, asked.message));
    let reference = match asked.guild {
        Some(guild) => reference.guild_id(guild),
        None => reference,
    };
    // Boxed: a question waiting for its slot is a small task, not one sized for sending.
    let sending =
        Box::pin(
            app.sender
                .send(slot, http, asked.channel, reply.into_message(reference)),
        );
    match sending.await {
        Ok(sent) => {
            app.metrics.replies_sent.inc();
            if let Some(conversation) = conversation {
                app.conversations
                    .keep(asker, sent.map(MessageId::get), conversation);
            }
        }
        Err(error) => {
            app.metrics.replies_failed.inc();
            tracing::error!(%error, channel = asked.channel.get(), "could not send a reply")
        }
    }
}

/// `content` without the bot's mentions, its words joined by single spaces.
fn strip_mentions(content: &str, bot: u64) -> String {
    let mut text = content.to_string();
    for tag in [format!("<@{bot}>"), format!("<@!{bot}>")] {
        text = text.replace(tag.as_str(), " ");
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn on_component(
    ctx: &Context,
    component: &ComponentInteraction,
    app: &App,
) -> Result<(), Error> {
    let in_guild = component.guild_id.is_some();
    if in_guild && !app.triggers.allows_channel(component.channel_id.get()) {
        let reply = Reply {
            content: Some("I don't answer in this channel.".into()),
            ephemeral: true,
            ..Reply::default()
        };
        let response = CreateInteractionResponse::Message(reply.into_interaction());
        component.create_response(&ctx.http, response).await?;
        return Ok(());
    }
    let engine = app.engine.current();
    let response = match CustomId::decode(&component.data.custom_id) {
        Some(CustomId::Ask(id)) => match app.cooldown(component.user.id.get()) {
            Verdict::Answer => match engine.answer_entry(&id) {
                Some(answer) => {
                    let outcome = Outcome::Answer(answer);
                    let threshold = engine.thresholds().answer;
                    app.record(
                        &id,
                        &outcome,
                        Surface::Button,
                        component.user.id.get(),
                        threshold,
                    );
                    let reply = render::outcome(
                        &outcome,
                        engine.kb(),
                        app.replies.style,
                        app.replies.related,
                    );
                    // The button asked the entry's own question.
                    let question = engine.kb().entry(&id).map_or(id.as_str(), |e| e.title());
                    let reply = app.with_feedback(reply, &outcome, question);
                    CreateInteractionResponse::Message(reply.into_interaction())
                }
                None => expired(),
            },
            // An interaction must be answered: the notice is ephemeral, so no flood.
            Verdict::Notify { wait } | Verdict::Silent { wait } => {
                CreateInteractionResponse::Message(
                    render::cooldown_notice(wait.as_secs().max(1)).into_interaction(),
                )
            }
        },
        Some(CustomId::Timeline { page, from, to }) => {
            on_timeline_page(component, &engine, page, from, to)
        }
        Some(CustomId::Vote {
            entry,
            question,
            helpful,
        }) => on_vote(component, app, &engine, &entry, question, helpful),
        None => expired(),
    };
    component.create_response(&ctx.http, response).await?;
    Ok(())
}

/// Another page of a timeline: the message's own for who asked for it, a page of their
/// own (ephemeral) for anyone else.
fn on_timeline_page(
    component: &ComponentInteraction,
    engine: &jedi_engine::Engine,
    page: usize,
    from: Option<i32>,
    to: Option<i32>,
) -> CreateInteractionResponse {
    let events = engine.kb().timeline_between(from, to);
    let reply = render::timeline_page(&events, page, from, to, engine.kb().source());
    // Only who asked for the timeline pages the message; anyone else gets the page
    // for themselves. A range a reload emptied leaves the message as it is.
    let asker = component
        .message
        .interaction_metadata
        .as_deref()
        .map(|m| match m {
            serenity::all::MessageInteractionMetadata::Command(c) => c.user.id,
            serenity::all::MessageInteractionMetadata::Component(c) => c.user.id,
            serenity::all::MessageInteractionMetadata::ModalSubmit(c) => c.user.id,
            _ => component.user.id,
        });
    if events.is_empty() {
        let reply = Reply {
            content: Some(
                "That range has no events any more (the data was reloaded); try /timeline again."
                    .into(),
            ),
            ephemeral: true,
            ..Reply::default()
        };
        CreateInteractionResponse::Message(reply.into_interaction())
    } else if asker.is_some_and(|asker| asker != component.user.id) {
        CreateInteractionResponse::Message(
            Reply {
                ephemeral: true,
                ..reply
            }
            .into_interaction(),
        )
    } else {
        // The picture attached to the message stays; the new page shows it again.
        let has_picture = component
            .message
            .attachments
            .iter()
            .any(|a| a.filename == crate::picture::FILE_NAME);
        let embed = reply.embed.map(|e| {
            if has_picture {
                render::with_picture(e)
            } else {
                e
            }
        });
        CreateInteractionResponse::UpdateMessage(
            serenity::all::CreateInteractionResponseMessage::new()
                .embeds(embed.into_iter().collect())
                .components(timeline_rows(reply.buttons)),
        )
    }
}

/// Records a vote on the answer in `component`'s message and acknowledges it to the voter
/// alone; a vote on an entry the data no longer has gets "no longer works".
fn on_vote(
    component: &ComponentInteraction,
    app: &App,
    engine: &jedi_engine::Engine,
    entry: &str,
    question: u32,
    helpful: bool,
) -> CreateInteractionResponse {
    if engine.kb().entry(entry).is_none() {
        return expired();
    }
    let voter = component.user.id.get();
    let message = component.message.id.get();
    let change = app.feedback.vote(voter, message, helpful);
    let vote = if helpful { "helpful" } else { "not helpful" };
    let text = match change {
        Change::Same => format!("You already marked this answer {vote}."),
        Change::Changed => format!("Changed your vote: {vote}. Thanks!"),
        Change::New => format!("Thanks! Marked {vote}; the curators will see it."),
    };
    if change != Change::Same {
        app.metrics
            .votes
            .with_label_values(&[if helpful { "helpful" } else { "not_helpful" }])
            .inc();
        let remembered = app.feedback.question(question);
        app.unanswered.record_vote(Vote {
            entry,
            question: remembered.as_deref(),
            helpful,
            voter: app.feedback.voter_key(voter, message),
            changed: change == Change::Changed,
            user: app.log_user_ids.then_some(voter),
        });
        tracing::info!(
            id = entry,
            helpful,
            changed = change == Change::Changed,
            "vote"
        );
    }
    let reply = Reply {
        content: Some(text),
        ephemeral: true,
        ..Reply::default()
    };
    CreateInteractionResponse::Message(reply.into_interaction())
}

fn timeline_rows(buttons: Vec<serenity::all::CreateButton>) -> Vec<serenity::all::CreateActionRow> {
    if buttons.is_empty() {
        Vec::new()
    } else {
        vec![serenity::all::CreateActionRow::Buttons(buttons)]
    }
}

fn expired() -> CreateInteractionResponse {
    CreateInteractionResponse::Message(
        Reply {
            content: Some("That button no longer works; ask again with /ask.".into()),
            ephemeral: true,
            ..Reply::default()
        }
        .into_interaction(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOT: u64 = 42;

    #[test]
    fn mentions_prefix_listen_and_dms() {
        let t = Triggers {
            listen_channels: vec![7],
            prefix: Some("!ask".into()),
            ..Triggers::default()
        };
        assert_eq!(
            addressed("<@42> who won?", BOT, false, 1, &t),
            Some((Surface::Mention, "who won?".into()))
        );
        assert_eq!(
            addressed("hey <@!42>, who won?", BOT, false, 1, &t),
            Some((Surface::Mention, "hey , who won?".into()))
        );
        assert_eq!(addressed("who won?", BOT, false, 1, &t), None);
        assert_eq!(addressed("<@43> who won?", BOT, false, 1, &t), None);
        assert_eq!(
            addressed("!ASK who won", BOT, false, 1, &t),
            Some((Surface::Prefix, "who won".into()))
        );
        assert_eq!(addressed("!askwho", BOT, false, 1, &t), None);
        assert_eq!(
            addressed("who won?", BOT, false, 7, &t),
            Some((Surface::Listen, "who won?".into()))
        );
        assert_eq!(
            addressed("who won?", BOT, true, 9, &t),
            Some((Surface::Direct, "who won?".into()))
        );
    }

    #[test]
    fn channel_control_and_switches() {
        let t = Triggers {
            ignored_channels: vec![1],
            mention: true,
            direct_messages: false,
            ..Triggers::default()
        };
        assert_eq!(addressed("<@42> hi", BOT, false, 1, &t), None);
        assert_eq!(addressed("<@42> hi", BOT, true, 1, &t), None);
        let off = Triggers {
            mention: false,
            ..Triggers::default()
        };
        assert_eq!(addressed("<@42> hi", BOT, false, 2, &off), None);
    }

    #[test]
    fn listen_channels_stay_quiet_without_an_answer() {
        use jedi_engine::{NoAnswer, Reason};
        let no = Outcome::NoAnswer(NoAnswer {
            reason: Reason::OffTopic,
            candidates: vec![],
            gap: None,
        });
        assert!(!should_reply(Surface::Listen, &no, true));
        assert!(should_reply(Surface::Mention, &no, false));
        let unsure = Outcome::Suggestions(vec![]);
        assert!(!should_reply(Surface::Listen, &unsure, false));
        assert!(should_reply(Surface::Listen, &unsure, true));
    }
}
