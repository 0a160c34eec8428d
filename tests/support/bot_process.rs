//! The real `jedi-bot run` process, pointed at a fake Discord.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::fake_discord::{FakeDiscord, InteractionHandle, MessageSpec};

/// A token nobody could mistake for anything else: tests grep logs for it.
pub const TOKEN: &str = "MTEwMDAwMDAwMDEwMDAwMDAwMQ.FAKE-TOKEN.do-not-log-me-0123456789";

/// Settings of one bot run (rendered into its config.toml).
#[derive(Debug, Clone)]
pub struct BotSettings {
    pub cooldown_seconds: u64,
    pub listen_channels: Vec<u64>,
    pub data_dir: Option<PathBuf>,
    pub owners: Vec<u64>,
    pub send_retries: u32,
    pub request_timeout_seconds: u64,
    pub style: &'static str,
    pub log_level: &'static str,
    /// `shards = ...` as TOML (default "auto").
    pub shards: String,
    /// `[conversation] ttl_seconds`.
    pub conversation_ttl_seconds: u64,
    /// `[conversation] remembered`.
    pub conversations_remembered: usize,
    /// `[triggers] ignored_channels`.
    pub ignored_channels: Vec<u64>,
    /// `[discord] max_backlog_per_channel` and `max_backlog`.
    pub backlog: (usize, usize),
    /// Serve metrics and health on a free loopback port (see `BotProcess::metrics_url`).
    pub metrics: bool,
    /// `[logging] store_questions`.
    pub store_questions: bool,
    /// `[logging] log_user_ids`.
    pub log_user_ids: bool,
    /// `[replies] feedback`.
    pub feedback: bool,
}

impl Default for BotSettings {
    fn default() -> Self {
        BotSettings {
            cooldown_seconds: 0,
            listen_channels: Vec::new(),
            data_dir: None,
            owners: Vec::new(),
            send_retries: 3,
            request_timeout_seconds: 15,
            style: "embed",
            log_level: "info",
            shards: "\"auto\"".to_string(),
            conversation_ttl_seconds: 300,
            conversations_remembered: 10_000,
            ignored_channels: Vec::new(),
            backlog: (200, 5000),
            metrics: false,
            store_questions: true,
            log_user_ids: false,
            feedback: true,
        }
    }
}

/// A running bot; killed when dropped.
pub struct BotProcess {
    child: Child,
    pub dir: tempfile::TempDir,
}

impl BotProcess {
    /// Writes a config for `fake` and starts `jedi-bot run`.
    pub fn start(fake: &FakeDiscord, settings: BotSettings) -> BotProcess {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let data_dir = settings
            .data_dir
            .as_ref()
            .map(|d| format!("data_dir = {:?}\n", d.display().to_string()))
            .unwrap_or_default();
        let config = format!(
            "[discord]\n\
             proxy_url = {proxy:?}\n\
             guild_id = {guild}\n\
             owners = {owners:?}\n\
             send_retries = {retries}\n\
             request_timeout_seconds = {timeout}\n\
             shards = {shards}\n\
             max_backlog_per_channel = {per_channel}\n\
             max_backlog = {backlog}\n\
             [triggers]\n\
             listen_channels = {listen:?}\n\
             ignored_channels = {ignored:?}\n\
             [replies]\n\
             cooldown_seconds = {cooldown}\n\
             style = {style:?}\n\
             feedback = {feedback}\n\
             [engine]\n\
             {data_dir}\
             [conversation]\n\
             ttl_seconds = {ttl}\n\
             remembered = {remembered}\n\
             {metrics}\
             [logging]\n\
             level = {level:?}\n\
             store_questions = {store}\n\
             log_user_ids = {user_ids}\n\
             unanswered_log = {log:?}\n",
            store = settings.store_questions,
            user_ids = settings.log_user_ids,
            proxy = fake.proxy_url(),
            guild = FakeDiscord::GUILD_ID,
            owners = settings.owners,
            retries = settings.send_retries,
            timeout = settings.request_timeout_seconds,
            shards = settings.shards,
            per_channel = settings.backlog.0,
            backlog = settings.backlog.1,
            listen = settings.listen_channels,
            ignored = settings.ignored_channels,
            cooldown = settings.cooldown_seconds,
            style = settings.style,
            feedback = settings.feedback,
            level = settings.log_level,
            ttl = settings.conversation_ttl_seconds,
            remembered = settings.conversations_remembered,
            metrics = if settings.metrics {
                "[metrics]\nlisten = \"127.0.0.1:0\"\n"
            } else {
                ""
            },
            log = dir.path().join("unanswered.jsonl").display().to_string(),
        );
        let config_path = dir.path().join("config.toml");
        std::fs::write(&config_path, config).unwrap();
        let stderr = std::fs::File::create(dir.path().join("stderr.log")).unwrap();
        let child = Command::new(assert_cmd::cargo::cargo_bin("jedi-bot"))
            .arg("run")
            .arg("--config")
            .arg(&config_path)
            .env("DISCORD_TOKEN", TOKEN)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("jedi-bot starts");
        BotProcess { child, dir }
    }

    /// What the bot logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default()
    }

    /// The metrics server's base URL, once the bot has logged it.
    pub async fn metrics_url(&self) -> String {
        assert!(
            self.wait_for_log("metrics and health on http://", WAIT)
                .await,
            "no metrics listener: {}",
            self.log()
        );
        let log = self.log();
        let at =
            log.find("metrics and health on http://").unwrap() + "metrics and health on ".len();
        log[at..].split_whitespace().next().unwrap().to_string()
    }

    /// The unanswered-question log.
    pub fn unanswered(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("unanswered.jsonl")).unwrap_or_default()
    }

    /// Sends a Unix signal (e.g. `libc::SIGHUP`) to the bot.
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on our own child's pid, with a valid signal number.
        let result = unsafe { libc::kill(self.child.id() as i32, signal) };
        assert_eq!(result, 0, "kill failed");
    }

    /// Waits up to `timeout` for the process to exit; its exit code, or None if it runs on.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status.code().unwrap_or(-1));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Waits until the log contains `text`.
    pub async fn wait_for_log(&self, text: &str, timeout: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if self.log().contains(text) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub const WAIT: Duration = Duration::from_secs(20);
pub const QUIET: Duration = Duration::from_millis(700);
pub const BOT: u64 = FakeDiscord::BOT_USER_ID;

/// A fake Discord and a bot connected to it, commands registered.
pub async fn start(settings: BotSettings) -> (FakeDiscord, BotProcess) {
    let fake = FakeDiscord::start().await;
    let bot = BotProcess::start(&fake, settings);
    assert!(
        fake.wait_for_ready(WAIT).await,
        "no READY; log:\n{}",
        bot.log()
    );
    assert!(
        fake.wait_for_request(|r| r.method == "PUT" && r.path.ends_with("/commands"), WAIT)
            .await
            .is_some(),
        "no command registration; log:\n{}",
        bot.log()
    );
    (fake, bot)
}

pub fn mention(content: &str) -> MessageSpec {
    MessageSpec {
        mentions: vec![BOT],
        ..MessageSpec::new(
            FakeDiscord::CHANNEL_ID,
            FakeDiscord::USER_ID,
            format!("<@{BOT}> {content}"),
        )
    }
}

pub fn embed_text(body: &Value) -> String {
    body["embeds"].to_string()
}

/// The allowed_mentions every reply must carry: nobody pinged.
pub fn assert_no_pings(body: &Value) {
    let mentions = &body["allowed_mentions"];
    assert_eq!(mentions["parse"], json!([]), "{body}");
    assert_eq!(mentions["users"], json!([]), "{body}");
    assert_eq!(mentions["roles"], json!([]), "{body}");
    assert_eq!(mentions["replied_user"], json!(false), "{body}");
}

/// The data of the last callback or follow-up of an interaction.
pub async fn interaction_reply(fake: &FakeDiscord, handle: &InteractionHandle) -> Value {
    let start = std::time::Instant::now();
    while start.elapsed() < WAIT {
        let responses = fake.interaction_responses(handle);
        if let Some(last) = responses.iter().rev().find(|r| r["type"] != json!(5)) {
            return last.clone();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no interaction response for {handle:?}");
}
