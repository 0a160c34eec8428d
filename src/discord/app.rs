//! What the bot's handlers share: the engine, the settings, the cooldowns and the logs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::{Config, Replies, Triggers};
use jedi_engine::{Engine, Outcome};

use super::answers::Answers;
use super::cooldown::{Cooldown, Verdict};
use super::send::Sender;
use super::unanswered::UnansweredLog;

/// Where a question came from (for logs).
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
        }
    }
}

/// The state every handler and command sees (poise's user data).
pub struct App {
    /// The engine, reloadable.
    pub answers: Arc<Answers>,
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
}

impl App {
    /// The shared state for `config`, answering from `answers`.
    pub fn new(config: &Config, answers: Arc<Answers>, unanswered: UnansweredLog) -> App {
        App {
            answers,
            triggers: config.triggers.clone(),
            replies: config.replies.clone(),
            cooldown: Cooldown::new(Duration::from_secs(config.replies.cooldown_seconds)),
            unanswered,
            sender: Sender::new(
                config.discord.max_concurrent_replies,
                config.discord.send_retries,
            ),
            log_user_ids: config.logging.log_user_ids,
            extra_owners: config.discord.owners.clone(),
        }
    }

    /// Answers `question` from a snapshot of the engine, logs the outcome (one line, no
    /// user id unless configured) and records it for curators if it needs a look.
    pub fn ask(&self, question: &str, surface: Surface, user: u64) -> (Arc<Engine>, Outcome) {
        let engine = self.answers.current();
        let outcome = engine.ask(question);
        self.record(
            question,
            &outcome,
            surface,
            user,
            engine.thresholds().answer,
        );
        (engine, outcome)
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
        if UnansweredLog::wants(outcome, threshold) {
            self.unanswered.record(question, outcome);
        }
    }

    /// The cooldown's verdict on `user` asking now.
    pub fn cooldown(&self, user: u64) -> Verdict {
        self.cooldown.check(user, Instant::now())
    }
}
