//! The bot's configuration: one TOML file (see `config.example.toml`), the token from the
//! environment.
//!
//! Every key has a default except the token. A mistake is reported with the file, line
//! and key, and what was expected; the token is never shown, not even in `Debug`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use jedi_engine::Thresholds;

/// The environment variable that holds the bot token (it wins over the file).
pub const TOKEN_ENV: &str = "DISCORD_TOKEN";

/// A Discord bot token. Its `Debug` never shows it; read it with [`Token::expose`].
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Token(String);

impl Token {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into())
    }

    /// The token itself, for the one place that hands it to Discord.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token([redacted])")
    }
}

/// How the bot's shards are spread over processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shards {
    /// Ask Discord how many shards to run, and run them all here.
    Auto,
    /// Run shards `first..=last` of `total` here (other processes run the rest).
    Range {
        /// First shard id run by this process.
        first: u32,
        /// Last shard id run by this process.
        last: u32,
        /// Shards of the bot in all.
        total: u32,
    },
}

impl<'de> Deserialize<'de> for Shards {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Range { first: u32, last: u32, total: u32 },
        }
        let invalid = || {
            serde::de::Error::custom(
                "expected \"auto\" or { first = N, last = M, total = T } with first <= last < total",
            )
        };
        match Raw::deserialize(deserializer).map_err(|_| invalid())? {
            Raw::Text(text) if text == "auto" => Ok(Shards::Auto),
            Raw::Text(_) => Err(invalid()),
            Raw::Range { first, last, total } if first <= last && last < total => {
                Ok(Shards::Range { first, last, total })
            }
            Raw::Range { .. } => Err(invalid()),
        }
    }
}

/// `[discord]`: the connection.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordConfig {
    /// The bot token; `DISCORD_TOKEN` wins over it.
    pub token: Option<Token>,
    /// Register the slash commands in this guild only (instant), instead of globally.
    pub guild_id: Option<u64>,
    /// Send REST calls through this Discord REST proxy (e.g. nirn-proxy).
    pub proxy_url: Option<String>,
    /// "auto", or a shard range of this process.
    pub shards: Shards,
    /// Users allowed to run `/reload`, besides the application's owners.
    pub owners: Vec<u64>,
    /// At most this many replies are sent at once (Discord rate-limits anyway).
    pub max_concurrent_replies: usize,
    /// Give up on a REST call after this many seconds.
    pub request_timeout_seconds: u64,
    /// Retry a reply that failed with a server error (5xx) this many times.
    pub send_retries: u32,
    /// At most this many questions waiting for a reply in one channel; more are dropped
    /// (logged and counted).
    pub max_backlog_per_channel: usize,
    /// At most this many questions waiting for a reply in all.
    pub max_backlog: usize,
}

impl Default for DiscordConfig {
    fn default() -> Self {
        DiscordConfig {
            token: None,
            guild_id: None,
            proxy_url: None,
            shards: Shards::Auto,
            owners: Vec::new(),
            max_concurrent_replies: 16,
            request_timeout_seconds: 15,
            send_retries: 3,
            max_backlog_per_channel: 200,
            max_backlog: 5000,
        }
    }
}

/// `[triggers]`: which messages the bot answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Triggers {
    /// Answer messages that mention the bot.
    pub mention: bool,
    /// Answer every question in these channels, without a mention (needs the privileged
    /// Message Content intent).
    pub listen_channels: Vec<u64>,
    /// Answer messages starting with this text (needs the Message Content intent).
    pub prefix: Option<String>,
    /// Answer direct messages.
    pub direct_messages: bool,
    /// If not empty, the bot answers in these channels only (slash commands too).
    pub allowed_channels: Vec<u64>,
    /// The bot never answers in these channels.
    pub ignored_channels: Vec<u64>,
}

impl Default for Triggers {
    fn default() -> Self {
        Triggers {
            mention: true,
            listen_channels: Vec::new(),
            prefix: None,
            direct_messages: true,
            allowed_channels: Vec::new(),
            ignored_channels: Vec::new(),
        }
    }
}

impl Triggers {
    /// Whether the bot may answer in `channel` at all.
    pub fn allows_channel(&self, channel: u64) -> bool {
        !self.ignored_channels.contains(&channel)
            && (self.allowed_channels.is_empty() || self.allowed_channels.contains(&channel))
    }

    /// Whether reading message text needs the privileged Message Content intent.
    pub fn needs_message_content(&self) -> bool {
        !self.listen_channels.is_empty() || self.prefix.is_some()
    }
}

/// How answers look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReplyStyle {
    /// An embed with the answer, the excerpt and the credit.
    Embed,
    /// Plain text (for servers that hide embeds).
    Plain,
}

/// `[replies]`: how the bot answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Replies {
    /// Embed or plain text.
    pub style: ReplyStyle,
    /// Seconds a user waits between questions (0: no cooldown).
    pub cooldown_seconds: u64,
    /// How many related questions to show under an answer (at most 5).
    pub related: usize,
    /// Put helpful / not helpful buttons under answers (votes go to the curators' log).
    pub feedback: bool,
}

impl Default for Replies {
    fn default() -> Self {
        Replies {
            style: ReplyStyle::Embed,
            cooldown_seconds: 5,
            related: 3,
            feedback: true,
        }
    }
}

/// `[engine]`: the data and the thresholds.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngineConfig {
    /// Load the data from this directory (reloadable) instead of the built-in data.
    pub data_dir: Option<PathBuf>,
    /// See [`Thresholds::answer`].
    pub answer_threshold: f32,
    /// See [`Thresholds::margin`].
    pub margin: f32,
    /// See [`Thresholds::suggest`].
    pub suggest_threshold: f32,
    /// See [`Thresholds::suggest_window`].
    pub suggest_window: f32,
    /// See [`Thresholds::max_suggestions`].
    pub max_suggestions: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        let t = Thresholds::default();
        EngineConfig {
            data_dir: None,
            answer_threshold: t.answer,
            margin: t.margin,
            suggest_threshold: t.suggest,
            suggest_window: t.suggest_window,
            max_suggestions: t.max_suggestions,
        }
    }
}

impl EngineConfig {
    /// The thresholds these settings give.
    pub fn thresholds(&self) -> Thresholds {
        Thresholds {
            answer: self.answer_threshold,
            margin: self.margin,
            suggest: self.suggest_threshold,
            suggest_window: self.suggest_window,
            max_suggestions: self.max_suggestions,
        }
    }
}

/// `[logging]`: logs and the curators' log of unanswered questions.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Logging {
    /// The log filter (`RUST_LOG` wins), e.g. "info" or "jedi_bot=debug,serenity=warn".
    pub level: String,
    /// Unanswered and low-confidence questions are appended here (JSON lines); empty
    /// string: no log.
    pub unanswered_log: PathBuf,
    /// Put user ids in log lines (off: logs carry no user ids).
    pub log_user_ids: bool,
    /// Keep the text of logged questions (off: only outcomes and entries are kept).
    pub store_questions: bool,
    /// The curators' log is rotated (to `<path>.1`) once it grows past this many bytes.
    pub unanswered_max_bytes: u64,
}

impl Default for Logging {
    fn default() -> Self {
        Logging {
            level: "info".to_string(),
            unanswered_log: PathBuf::from("unanswered.jsonl"),
            log_user_ids: false,
            store_questions: true,
            unanswered_max_bytes: 10 * 1024 * 1024,
        }
    }
}

/// `[conversation]`: follow-up questions.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ConversationConfig {
    /// How long after an answer a question from the same user in the same channel (or a
    /// reply to the answer) is read as a follow-up of it.
    pub ttl_seconds: u64,
    /// How many conversations the bot remembers: this many users' (per channel), and the
    /// conversations behind this many of its latest answers (a reply to an older answer
    /// is read alone). Each costs a few hundred bytes; see `docs/operations.md`, memory.
    pub remembered: usize,
}

impl Default for ConversationConfig {
    fn default() -> Self {
        ConversationConfig {
            ttl_seconds: jedi_engine::DEFAULT_TTL.as_secs(),
            remembered: DEFAULT_REMEMBERED,
        }
    }
}

/// `[metrics]`: metrics and health over HTTP.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// Serve `/metrics`, `/healthz` and `/readyz` on this address (`"127.0.0.1:9100"`);
    /// absent: off.
    pub listen: Option<String>,
}

impl MetricsConfig {
    /// The address to listen on, when metrics are on (checked when the config loads).
    pub fn address(&self) -> Option<std::net::SocketAddr> {
        self.listen.as_deref().and_then(|a| a.parse().ok())
    }
}

/// The whole configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `[discord]`
    pub discord: DiscordConfig,
    /// `[triggers]`
    pub triggers: Triggers,
    /// `[replies]`
    pub replies: Replies,
    /// `[engine]`
    pub engine: EngineConfig,
    /// `[logging]`
    pub logging: Logging,
    /// `[conversation]`
    pub conversation: ConversationConfig,
    /// `[metrics]`
    pub metrics: MetricsConfig,
    /// What is allowed but probably not meant (shown once logging has started).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path} (copy config.example.toml to start one)")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a key has the wrong type or is unknown.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A key has a value that cannot work.
    #[error("{path}:{line}: {key}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line of the key (of the section when the key is not written; 1 when
        /// neither is).
        line: usize,
        /// The key, e.g. `discord.proxy_url`.
        key: &'static str,
        /// What is expected.
        message: String,
    },
    /// No token anywhere.
    #[error(
        "no Discord bot token: set the {TOKEN_ENV} environment variable \
         (export {TOKEN_ENV}=...) or `token` under [discord] in {path}"
    )]
    NoToken {
        /// The file.
        path: String,
    },
}

impl Config {
    /// Reads and checks `path`; the token comes from `DISCORD_TOKEN` if set. With the
    /// token in the environment the file may be missing: every setting then has its
    /// default.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let env_token = std::env::var(TOKEN_ENV)
            .ok()
            .filter(|t| !t.trim().is_empty());
        let (text, display) = match read(path) {
            Ok(read) => read,
            Err(ConfigError::Read { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound && env_token.is_some() =>
            {
                (String::new(), path.display().to_string())
            }
            Err(error) => return Err(error),
        };
        Config::parse(&text, &display, env_token)
    }

    /// Reads `path` for its settings only, with no token needed (for `jedi-bot unanswered`).
    pub fn read(path: &Path) -> Result<Config, ConfigError> {
        let (text, display) = read(path)?;
        Config::parse_syntax(&text, &display)
    }

    /// Parses and checks config `text` (`path` names it in errors); `env_token` is the
    /// value of `DISCORD_TOKEN`, which wins over the file.
    pub fn parse(text: &str, path: &str, env_token: Option<String>) -> Result<Config, ConfigError> {
        let mut config = Config::parse_syntax(text, path)?;
        if let Some(token) = env_token.filter(|t| !t.trim().is_empty()) {
            config.discord.token = Some(Token(token));
        }
        config.warnings = config.check(text, path)?;
        Ok(config)
    }

    fn parse_syntax(text: &str, path: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|error| {
            let (line, column) = error
                .span()
                .map(|span| jedi_engine::line_and_column(text, span.start))
                .unwrap_or((1, 1));
            ConfigError::Syntax {
                path: path.to_string(),
                line,
                column,
                message: error.message().trim().replace('\n', " "),
            }
        })
    }

    /// Checks every value; returns the warnings (allowed, but probably not meant).
    fn check(&self, text: &str, path: &str) -> Result<Vec<String>, ConfigError> {
        let invalid = |key: &'static str, message: String| ConfigError::Invalid {
            path: path.to_string(),
            line: key_line(text, key),
            key,
            message,
        };
        if self.discord.token.is_none() {
            return Err(ConfigError::NoToken {
                path: path.to_string(),
            });
        }
        self.check_token(&invalid)?;
        self.check_discord(&invalid)?;
        self.check_replies(&invalid)?;
        self.check_engine(&invalid)?;
        if tracing_subscriber::EnvFilter::try_new(&self.logging.level).is_err() {
            return Err(invalid(
                "logging.level",
                "not a log filter (try \"info\" or \"jedi_bot=debug,warn\")".into(),
            ));
        }
        if let Some(listen) = &self.metrics.listen {
            if listen.parse::<std::net::SocketAddr>().is_err() {
                return Err(invalid(
                    "metrics.listen",
                    "expected an address and port, like \"127.0.0.1:9100\"".into(),
                ));
            }
        }
        if let Some(prefix) = &self.triggers.prefix {
            if prefix.trim().is_empty() {
                return Err(invalid(
                    "triggers.prefix",
                    "must not be empty (leave it out instead)".into(),
                ));
            }
        }
        let mut warnings = Vec::new();
        if !self.triggers.mention
            && self.triggers.listen_channels.is_empty()
            && self.triggers.prefix.is_none()
            && !self.triggers.direct_messages
        {
            warnings.push(format!(
                "{path}: no message trigger is on ([triggers] mention, listen_channels, prefix, direct_messages): only slash commands will be answered"
            ));
        }
        Ok(warnings)
    }

    fn check_token(&self, invalid: &Invalid<'_>) -> Result<(), ConfigError> {
        let token = self.discord.token.as_ref().map_or("", |t| t.0.trim());
        // Never the value, in any of these messages.
        if token.len() > 4 && token.is_char_boundary(4) && token[..4].eq_ignore_ascii_case("bot ") {
            return Err(invalid(
                "discord.token",
                "the token starts with \"Bot \": give the token alone, without that prefix".into(),
            ));
        }
        if token.is_empty() || token.chars().any(char::is_whitespace) {
            return Err(invalid(
                "discord.token",
                "the token is empty or has spaces in it; copy it again from the developer portal"
                    .into(),
            ));
        }
        Ok(())
    }

    fn check_discord(&self, invalid: &Invalid<'_>) -> Result<(), ConfigError> {
        let d = &self.discord;
        if let Some(url) = &d.proxy_url {
            let ok = (url.starts_with("http://") || url.starts_with("https://"))
                && url.len() > "https://".len()
                && !url.chars().any(char::is_whitespace);
            if !ok {
                // Never the value: a token pasted in the wrong place must not be printed.
                return Err(invalid(
                    "discord.proxy_url",
                    "expected an http:// or https:// URL".into(),
                ));
            }
        }
        let at_least_one = [
            (
                "discord.max_concurrent_replies",
                d.max_concurrent_replies as u64,
            ),
            ("discord.request_timeout_seconds", d.request_timeout_seconds),
            (
                "discord.max_backlog_per_channel",
                d.max_backlog_per_channel as u64,
            ),
            ("discord.max_backlog", d.max_backlog as u64),
        ];
        for (key, value) in at_least_one {
            if value == 0 {
                return Err(invalid(key, "must be at least 1".into()));
            }
        }
        if d.send_retries > MAX_SEND_RETRIES {
            return Err(invalid(
                "discord.send_retries",
                format!("must be at most {MAX_SEND_RETRIES}"),
            ));
        }
        Ok(())
    }

    fn check_replies(&self, invalid: &Invalid<'_>) -> Result<(), ConfigError> {
        if self.replies.related > crate::limits::BUTTONS_PER_ROW {
            return Err(invalid(
                "replies.related",
                format!("must be at most {}", crate::limits::BUTTONS_PER_ROW),
            ));
        }
        if self.replies.cooldown_seconds > MAX_COOLDOWN_SECONDS {
            return Err(invalid(
                "replies.cooldown_seconds",
                format!("must be at most {MAX_COOLDOWN_SECONDS}"),
            ));
        }
        if !(1..=MAX_REMEMBERED).contains(&self.conversation.remembered) {
            return Err(invalid(
                "conversation.remembered",
                format!("must be from 1 to {MAX_REMEMBERED}"),
            ));
        }
        Ok(())
    }

    fn check_engine(&self, invalid: &Invalid<'_>) -> Result<(), ConfigError> {
        let Err(message) = self
            .engine
            .thresholds()
            .validate(crate::limits::BUTTONS_PER_ROW)
        else {
            return Ok(());
        };
        // The thresholds name their own fields; the file names them as below (longest
        // field names first: "suggest_window" before "suggest").
        let keys = [
            ("suggest_window", "engine.suggest_window"),
            ("max_suggestions", "engine.max_suggestions"),
            ("suggest", "engine.suggest_threshold"),
            ("answer", "engine.answer_threshold"),
            ("margin", "engine.margin"),
        ];
        let (key, message) = keys
            .iter()
            .find(|(field, _)| message.starts_with(field))
            .map_or(("engine", message.clone()), |(field, key)| {
                let name = key.trim_start_matches("engine.");
                let message = format!("{name}{}", &message[field.len()..])
                    .replace("above answer", "above answer_threshold");
                (*key, message)
            });
        Err(invalid(key, message))
    }
}

/// How the checks make the error of a key.
type Invalid<'a> = dyn Fn(&'static str, String) -> ConfigError + 'a;

/// `send_retries` may be at most this.
const MAX_SEND_RETRIES: u32 = 10;
/// `cooldown_seconds` may be at most this.
const MAX_COOLDOWN_SECONDS: u64 = 3600;
/// `conversation.remembered` when the config leaves it out.
const DEFAULT_REMEMBERED: usize = 10_000;
/// `conversation.remembered` may be at most this (a few hundred megabytes at worst).
const MAX_REMEMBERED: usize = 1_000_000;

/// The 1-based line of `key` ("section.name") in the config `text`: the line where the
/// key is set in its section, else the section's header, else 1.
fn key_line(text: &str, key: &str) -> usize {
    let (section, name) = key.split_once('.').unwrap_or((key, ""));
    let mut in_section = false;
    let mut section_line = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            in_section = line.trim_matches(|c| c == '[' || c == ']').trim() == section;
            if in_section {
                section_line.get_or_insert(i + 1);
            }
            continue;
        }
        let sets_key = line.split_once('=').is_some_and(|(k, _)| k.trim() == name);
        if in_section && !name.is_empty() && sets_key {
            return i + 1;
        }
    }
    section_line.unwrap_or(1)
}

fn read(path: &Path) -> Result<(String, String), ConfigError> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: display.clone(),
        source,
    })?;
    Ok((text, display))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, "config.toml", None)
    }

    #[test]
    fn the_example_config_is_valid_and_matches_the_defaults() {
        let example = include_str!("../config.example.toml");
        let config = Config::parse(example, "config.example.toml", Some("abc.def".into())).unwrap();
        let defaults = parse("[discord]\ntoken = \"x\"\n").unwrap();
        assert_eq!(config.discord.shards, defaults.discord.shards);
        assert_eq!(config.triggers.mention, defaults.triggers.mention);
        assert_eq!(
            config.replies.cooldown_seconds,
            defaults.replies.cooldown_seconds
        );
        assert_eq!(config.engine.thresholds(), defaults.engine.thresholds());
        assert_eq!(
            config.logging.unanswered_log,
            defaults.logging.unanswered_log
        );
    }

    #[test]
    fn the_environment_token_wins_and_is_never_shown() {
        let config = Config::parse(
            "[discord]\ntoken = \"file-token\"\n",
            "c",
            Some("env-token".into()),
        )
        .unwrap();
        assert_eq!(config.discord.token.as_ref().unwrap().expose(), "env-token");
        let debug = format!("{config:?}");
        assert!(!debug.contains("env-token") && debug.contains("redacted"));
    }

    #[test]
    fn no_token_says_how_to_set_one() {
        let error = parse("").unwrap_err().to_string();
        assert!(error.contains("DISCORD_TOKEN"), "{error}");
    }

    #[test]
    fn errors_name_the_line_and_key() {
        let error = parse("[discord]\ntoken = \"x\"\nguild_id = \"abc\"\n")
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("config.toml:3:"), "{error}");
        let error = parse("[discord]\ntoken = \"x\"\ntokn = 1\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("tokn"), "{error}");
        let error = parse("[discord]\ntoken = \"x\"\nproxy_url = \"localhost\"\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("discord.proxy_url"), "{error}");
        let error = parse("[discord]\ntoken = \"x\"\n[engine]\nanswer_threshold = 2.0\n")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("engine") && error.contains("answer"),
            "{error}"
        );
        let error =
            parse("[discord]\ntoken = \"x\"\nshards = { first = 2, last = 1, total = 4 }\n")
                .unwrap_err()
                .to_string();
        assert!(error.contains("first <= last"), "{error}");
    }

    #[test]
    fn shards_accept_auto_and_ranges() {
        let config =
            parse("[discord]\ntoken = \"x\"\nshards = { first = 0, last = 1, total = 4 }\n")
                .unwrap();
        assert_eq!(
            config.discord.shards,
            Shards::Range {
                first: 0,
                last: 1,
                total: 4
            }
        );
        assert!(parse("[discord]\ntoken = \"x\"\nshards = \"many\"\n").is_err());
    }

    #[test]
    fn remembered_conversations_are_bounded() {
        let config = parse("[discord]\ntoken = \"x\"\n").unwrap();
        assert_eq!(config.conversation.remembered, DEFAULT_REMEMBERED);
        let config = parse("[discord]\ntoken = \"x\"\n[conversation]\nremembered = 2000\n");
        assert_eq!(config.unwrap().conversation.remembered, 2000);
        for bad in ["0", "1000001"] {
            let text = format!("[discord]\ntoken = \"x\"\n[conversation]\nremembered = {bad}\n");
            let error = parse(&text).unwrap_err().to_string();
            assert!(error.contains("conversation.remembered"), "{error}");
        }
    }

    #[test]
    fn channel_control() {
        let t = Triggers {
            allowed_channels: vec![1, 2],
            ignored_channels: vec![2],
            ..Triggers::default()
        };
        assert!(t.allows_channel(1));
        assert!(!t.allows_channel(2));
        assert!(!t.allows_channel(3));
        assert!(Triggers::default().allows_channel(3));
    }
}
