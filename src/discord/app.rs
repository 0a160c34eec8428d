//! What the bot's handlers share: the engine, the settings, the cooldowns and the logs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::{Config, Replies, Triggers};
use jedi_engine::{Engine, Outcome};

use super::conversations::{Asker, Conversations};
use super::cooldown::{Cooldown, Verdict};
use super::live_engine::LiveEngine;
use super::render::{self, Reply};
use super::send::Sender;
use super::unanswered::{question_key, UnansweredLog};

/// Where a question came from: how a message reached the bot, or which command or
/// button asked it (for replies' rules and for logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// A message mentioning the bot.
    Mention,
    /// A message in a listen channel.
    Listen,
    /// A message starting with the prefix.
    Prefix,
    /// A direct message.
    Direct,
    /// `/ask`.
    Slash,
    /// A "did you mean" or related-question button.
    Button,
    /// A reply to one of the bot's answers.
    Reply,
    /// The "Ask NAME" command on a message.
    Message,
}

impl Surface {
    /// Its name in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Surface::Mention => "mention",
            Surface::Listen => "listen",
            Surface::Prefix => "prefix",
            Surface::Direct => "direct",
            Surface::Slash => "slash",
            Surface::Button => "button",
            Surface::Reply => "reply",
            Surface::Message => "message",
        }
    }
}

/// The state every handler and command sees (poise's user data).
pub struct App {
    /// The engine, reloadable.
    pub engine: Arc<LiveEngine>,
    /// Which messages to answer.
    pub triggers: Triggers,
    /// How to answer.
    pub replies: Replies,
    /// Per-user cooldowns.
    pub cooldown: Cooldown,
    /// The curators' log.
    pub unanswered: UnansweredLog,
    /// Sends channel replies.
    pub sender: Sender,
    /// Put user ids in log lines.
    pub log_user_ids: bool,
    /// Users allowed to reload besides the application owners.
    pub extra_owners: Vec<u64>,
    /// The conversations follow-up questions continue.
    pub conversations: Conversations,
    /// The questions waiting for a reply.
    pub backlog: Arc<super::backlog::Backlog>,
    /// Metrics, for `/metrics`.
    pub metrics: Arc<super::metrics::Metrics>,
    /// Votes on answers, and the questions they answered.
    pub feedback: super::feedback::Feedback,
    /// The timeline pictures drawn so far.
    pub pictures: Arc<super::pictures::TimelinePictures>,
}

impl App {
    /// The shared state for `config`, answering from `engine`.
    pub fn new(config: &Config, engine: Arc<LiveEngine>, unanswered: UnansweredLog) -> App {
        let metrics = super::metrics::Metrics::new();
        App {
            engine,
            triggers: config.triggers.clone(),
            replies: config.replies.clone(),
            cooldown: Cooldown::new(Duration::from_secs(config.replies.cooldown_seconds)),
            unanswered,
            sender: Sender::new(
                config.discord.max_concurrent_replies,
                config.discord.send_retries,
                metrics.clone(),
            ),
            log_user_ids: config.logging.log_user_ids,
            extra_owners: config.discord.owners.clone(),
            conversations: Conversations::with_capacity(
                Duration::from_secs(config.conversation.ttl_seconds),
                config.conversation.remembered,
            ),
            backlog: super::backlog::Backlog::new(
                config.discord.max_backlog_per_channel,
                config.discord.max_backlog,
            ),
            metrics,
            feedback: super::feedback::Feedback::new(),
            pictures: Arc::default(),
        }
    }

    /// `reply` to `question` with the feedback buttons when it is an answer (and feedback
    /// is on); remembers the question for the vote's log line when questions are kept.
    pub fn with_feedback(&self, reply: Reply, outcome: &Outcome, question: &str) -> Reply {
        let Outcome::Answer(answer) = outcome else {
            return reply;
        };
        if !self.replies.feedback {
            return reply;
        }
        let hash = render::question_hash(&question_key(question));
        if self.unanswered.stores_questions() {
            self.feedback.remember_question(hash, question);
        }
        reply.with_feedback(&answer.entry.id, hash)
    }

    /// Answers `question` from `asker` in the conversation it continues (the one behind
    /// the bot's answer it replies to, else the asker's own), logs it like
    /// [`ask`](Self::ask), and returns the conversation as it stands after the question:
    /// [`keep`](Conversations::keep) it once the reply is sent.
    pub fn ask_in(
        &self,
        question: &str,
        surface: Surface,
        asker: Asker,
        replied_to: Option<u64>,
    ) -> (Arc<Engine>, Outcome, jedi_engine::Conversation) {
        let engine = self.engine.current();
        let now = Instant::now();
        let mut conversation = self.conversations.get(asker, replied_to, now);
        let read = engine.ask_in_at(question, &mut conversation, now);
        self.metrics
            .answer_seconds
            .observe(now.elapsed().as_secs_f64());
        self.record(
            question,
            &read.outcome,
            surface,
            asker.1,
            engine.thresholds().answer,
        );
        (engine, read.outcome, conversation)
    }

    /// Logs one question's outcome.
    pub fn record(
        &self,
        question: &str,
        outcome: &Outcome,
        surface: Surface,
        user: u64,
        threshold: f32,
    ) {
        self.metrics
            .questions
            .with_label_values(&[surface.as_str(), outcome.label()])
            .inc();
        let id = outcome.answer_id().unwrap_or("-");
        let score = outcome.score();
        if self.log_user_ids {
            tracing::info!(
                surface = surface.as_str(),
                outcome = outcome.label(),
                id,
                score,
                user,
                "question"
            );
        } else {
            tracing::info!(
                surface = surface.as_str(),
                outcome = outcome.label(),
                id,
                score,
                "question"
            );
        }
        // In listen channels and replies the bot reads messages not addressed to it:
        // only what reads as a question about the story is the curators' business.
        let addressed = !matches!(surface, Surface::Listen | Surface::Reply);
        let about_the_story = !matches!(
            outcome,
            Outcome::NoAnswer(no) if matches!(no.reason, jedi_engine::Reason::OffTopic | jedi_engine::Reason::Empty)
        );
        if UnansweredLog::wants(outcome, threshold) && (addressed || about_the_story) {
            self.unanswered.record(question, outcome);
        }
    }

    /// The cooldown's verdict on `user` asking now (a question answered starts it).
    pub fn cooldown(&self, user: u64) -> Verdict {
        self.cooldown.check(user, Instant::now())
    }

    /// Whether `user` may be answered now, without starting the cooldown.
    pub fn may_answer(&self, user: u64) -> bool {
        self.cooldown.allows(user, Instant::now())
    }
}
