//! The Discord bot (serenity + poise). It only turns Discord events into engine calls and
//! engine results into Discord messages: the matching lives in [`crate::engine`].
//!
//! - [`app`]: the state handlers share; [`answers`]: the engine, reloadable.
//! - [`handler`]: mentions, listen channels, DMs and buttons; [`commands`]: slash commands;
//!   [`router`]: messages to the handler, everything else through poise.
//! - [`render`]: every reply, within Discord's limits, with no pings.
//! - [`send`], [`cooldown`], [`unanswered`], [`logging`]: operations.

pub mod app;
pub mod backlog;
pub mod commands;
pub mod conversations;
pub mod cooldown;
pub mod feedback;
pub mod gateway_watch;
pub mod handler;
pub mod live_engine;
pub mod logging;
pub mod metrics;
pub mod pictures;
pub mod render;
pub mod router;
pub mod send;
pub mod session_gate;
pub mod unanswered;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serenity::all::{
    ClientBuilder, GatewayError, GatewayIntents, GuildId, HttpBuilder, HttpError, UserId,
};

pub use app::App;
pub use live_engine::LiveEngine;

use crate::config::{Config, Shards};

/// The error type of handlers and commands: logged in full, never shown to users.
pub type Error = anyhow::Error;

/// What the embedding program may supply (tests use these; `jedi-bot run` does not).
#[derive(Default)]
pub struct Options {
    /// The HTTP client for Discord's REST API (default: rustls, with the configured timeout).
    pub http_client: Option<reqwest::Client>,
    /// Resolves when the bot should shut down (besides SIGINT and SIGTERM).
    pub shutdown: Option<tokio::sync::oneshot::Receiver<()>>,
    /// Reports the gateway closes serenity does not stop on (see [`gateway_watch`]).
    pub gateway_watch: Option<gateway_watch::GatewayWatch>,
}

/// After a shutdown is asked for, the shards get this long to close; then the bot stops
/// anyway (a shard that cannot reach Discord would otherwise hold it for minutes).
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Why the bot could not run, or stopped on its own.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BotError {
    /// The configuration cannot be used.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The data has problems.
    #[error("cannot load {from}: {problems}")]
    Data {
        /// Where the data comes from.
        from: String,
        /// What is wrong with it.
        problems: jedi_engine::Problems,
    },
    /// The curators' log cannot be opened.
    #[error("cannot open the curators' log {path}")]
    Log {
        /// The log's path.
        path: String,
        /// Why.
        #[source]
        error: std::io::Error,
    },
    /// Something the bot needs could not be set up (the runtime, the HTTP client).
    #[error("cannot start: {0}")]
    Setup(String),
    /// Discord refused the token.
    #[error("Discord rejected the bot token ({0}): check DISCORD_TOKEN or [discord] token")]
    TokenRejected(&'static str),
    /// The gateway closed the connection for good.
    #[error("the gateway closed the connection ({}): {}", .0.code, .0.advice)]
    GatewayClosed(gateway_watch::FatalClose),
    /// The connection to Discord failed otherwise.
    #[error("the Discord connection failed: {0}")]
    Connection(String),
}

/// `jedi-bot run --config FILE`: loads the configuration, starts logging and runs the bot
/// until SIGINT or SIGTERM.
pub fn run_from_file(path: &Path) -> Result<(), BotError> {
    let config = Config::load(path)?;
    let token = config.discord.token.as_ref().map_or("", |t| t.expose());
    let watch = gateway_watch::GatewayWatch::new();
    logging::init(&config.logging.level, token, watch.layer());
    // Checked before logging could start; shown now.
    for warning in &config.warnings {
        tracing::warn!("{warning}");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| BotError::Setup(format!("the async runtime: {e}")))?;
    let options = Options {
        gateway_watch: Some(watch),
        ..Options::default()
    };
    let result = runtime.block_on(run(config, options));
    // A shard task stuck on an unreachable Discord must not hold the process.
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

/// Runs the bot with `config` until it is told to stop.
pub async fn run(config: Config, options: Options) -> Result<(), BotError> {
    let source = crate::data::source(config.engine.data_dir.as_deref());
    let answers =
        LiveEngine::load(source.clone(), config.engine.thresholds()).map_err(|problems| {
            BotError::Data {
                from: source.to_string(),
                problems,
            }
        })?;
    let answers = Arc::new(answers);
    tracing::info!(
        "answering from {source}: {}",
        answers.current().kb().summary()
    );
    let unanswered = open_log(&config)?;
    let app = Arc::new(App::new(&config, answers.clone(), unanswered));
    app.metrics.data_generation.set(1);
    if let Some(listen) = config.metrics.address() {
        let bound = metrics::serve(listen, app.metrics.clone())
            .await
            .map_err(|e| BotError::Setup(format!("the metrics listener on {listen}: {e}")))?;
        tracing::info!("metrics and health on http://{bound} (/metrics, /healthz, /readyz)");
    }
    let http = build_http(&config, options.http_client)?;
    let framework = build_framework(&config, app.clone());
    let mut client = ClientBuilder::new_with_http(http, intents(&config))
        .framework(router::Router::new(framework, app.clone()))
        .await
        .map_err(|e| BotError::Setup(format!("the Discord client: {e}")))?;
    let watch = options.gateway_watch.unwrap_or_default();
    let sessions = watch.sessions.clone();
    let stop = Stop::spawn(client.shard_manager.clone(), options.shutdown, watch);
    spawn_shard_watch(
        client.shard_manager.clone(),
        app.metrics.clone(),
        sessions.clone(),
    );
    spawn_reload_on_hangup(answers, app);
    let http = client.http.clone();
    let start = async {
        read_session_start_limit(&http, &sessions).await;
        match config.discord.shards {
            Shards::Auto => client.start_autosharded().await,
            Shards::Range { first, last, total } => {
                client.start_shard_range(first..last + 1, total).await
            }
        }
    };
    // The client returns once its shards are shut down; when they cannot be (Discord
    // unreachable, a shard looping on a dead connection), the stop decided wins.
    let result = tokio::select! {
        result = start => result,
        Ok(()) = stop.done => Ok(()),
    };
    stop.returned.store(true, Ordering::SeqCst);
    if let Some(fatal) = *lock(&stop.fatal) {
        return Err(BotError::GatewayClosed(fatal));
    }
    match result {
        Ok(()) => {
            tracing::info!("stopped");
            Ok(())
        }
        Err(serenity::Error::Gateway(GatewayError::InvalidAuthentication)) => {
            Err(BotError::TokenRejected("gateway close 4004"))
        }
        Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(response)))
            if response.status_code.as_u16() == 401 =>
        {
            Err(BotError::TokenRejected("401 Unauthorized"))
        }
        Err(serenity::Error::Gateway(GatewayError::DisallowedGatewayIntents)) => {
            Err(BotError::GatewayClosed(gateway_watch::FatalClose {
                code: 4014,
                advice: "disallowed intents: listen_channels and prefix need the Message Content intent; turn it on in the developer portal (Bot tab) or drop those triggers",
            }))
        }
        Err(serenity::Error::Gateway(GatewayError::InvalidGatewayIntents)) => {
            Err(BotError::GatewayClosed(gateway_watch::FatalClose {
                code: 4013,
                advice: "invalid intents: this build asks for intents Discord does not know",
            }))
        }
        Err(error) => Err(BotError::Connection(describe(
            &error,
            config.discord.proxy_url.is_some(),
        ))),
    }
}

/// A connection error with every cause it carries (serenity's own message alone, "Error
/// while sending HTTP request", names no host and no cause), and whether it went through
/// the REST proxy.
fn describe(error: &serenity::Error, proxied: bool) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    if let serenity::Error::Http(HttpError::Request(request)) = error {
        if let Some(url) = request.url() {
            text.push_str(&format!(" (to {})", url.host_str().unwrap_or("?")));
        }
    }
    if proxied {
        text.push_str(" (through [discord] proxy_url)");
    }
    text
}

/// The curators' log the configuration names.
fn open_log(config: &Config) -> Result<unanswered::UnansweredLog, BotError> {
    let path = &config.logging.unanswered_log;
    let settings = unanswered::LogSettings {
        store_questions: config.logging.store_questions,
        max_bytes: config.logging.unanswered_max_bytes,
    };
    unanswered::UnansweredLog::open(path, settings).map_err(|error| BotError::Log {
        path: path.display().to_string(),
        error,
    })
}

/// Discord's REST client: rustls with the configured timeout (or `client`), through the
/// configured proxy, with no pings allowed by default.
fn build_http(
    config: &Config,
    client: Option<reqwest::Client>,
) -> Result<serenity::all::Http, BotError> {
    let token = config.discord.token.as_ref().map_or("", |t| t.expose());
    let timeout = Duration::from_secs(config.discord.request_timeout_seconds);
    let client = match client {
        Some(client) => client,
        None => reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(timeout)
            .build()
            .map_err(|e| BotError::Setup(format!("the HTTP client: {e}")))?,
    };
    let mut http = HttpBuilder::new(token)
        .client(client)
        .default_allowed_mentions(render::no_pings());
    if let Some(proxy) = &config.discord.proxy_url {
        // Behind a REST proxy, the proxy owns rate limiting; serenity's ratelimiter would
        // also bypass the proxy.
        http = http.proxy(proxy.as_str()).ratelimiter_disabled(true);
    }
    Ok(http.build())
}

/// The gateway intents the triggers need (Message Content only for listen channels and
/// the prefix).
fn intents(config: &Config) -> GatewayIntents {
    let mut intents =
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if config.triggers.needs_message_content() {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    intents
}

/// poise, with the commands, the handlers, and the commands registered on READY.
fn build_framework(config: &Config, app: Arc<App>) -> poise::Framework<Arc<App>, Error> {
    let guild = config.discord.guild_id.map(GuildId::new);
    let bot_name = app.engine.current().kb().source().name.clone();
    poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(&bot_name),
            event_handler: |framework, event| {
                Box::pin(handler::on_event(
                    framework.serenity_context,
                    event,
                    framework.bot_id(),
                    framework.user_data,
                ))
            },
            on_error: |error| Box::pin(on_error(error)),
            prefix_options: poise::PrefixFrameworkOptions {
                prefix: None,
                mention_as_prefix: false,
                ..Default::default()
            },
            owners: config
                .discord
                .owners
                .iter()
                .map(|&id| UserId::new(id))
                .collect(),
            allowed_mentions: Some(render::no_pings()),
            ..Default::default()
        })
        .setup(move |ctx, _ready, framework| {
            Box::pin(async move {
                register(ctx, &framework.options().commands, guild).await;
                Ok(app)
            })
        })
        .build()
}

/// Registers the commands in `guild`, or globally.
async fn register(
    ctx: &serenity::all::Context,
    commands: &[poise::Command<Arc<App>, Error>],
    guild: Option<GuildId>,
) {
    let registered = match guild {
        Some(guild) => poise::builtins::register_in_guild(ctx, commands, guild).await,
        None => poise::builtins::register_globally(ctx, commands).await,
    };
    match registered {
        Ok(()) => tracing::info!(
            commands = commands.len(),
            scope = if guild.is_some() { "guild" } else { "global" },
            "registered the slash commands"
        ),
        Err(error) => tracing::error!(%error, "could not register the slash commands"),
    }
}

/// How the bot stops: on a signal (or the embedding program's), or on a gateway close
/// nothing can come of. The shards get [`SHUTDOWN_GRACE`] to close; past it the process
/// ends from a thread of its own, since a shard looping on a dead connection can keep the
/// runtime's threads busy for good.
struct Stop {
    /// Resolves once the shards were told to stop and had their grace period.
    done: tokio::sync::oneshot::Receiver<()>,
    /// The fatal close, when that is why the bot stops.
    fatal: Arc<std::sync::Mutex<Option<gateway_watch::FatalClose>>>,
    /// Set once [`run`] returns: the process then ends the normal way.
    returned: Arc<AtomicBool>,
}

impl Stop {
    fn spawn(
        shard_manager: Arc<serenity::all::ShardManager>,
        shutdown: Option<tokio::sync::oneshot::Receiver<()>>,
        watch: gateway_watch::GatewayWatch,
    ) -> Stop {
        let (done_tx, done) = tokio::sync::oneshot::channel();
        let fatal = Arc::new(std::sync::Mutex::new(None));
        let returned = Arc::new(AtomicBool::new(false));
        let (why, has_returned) = (fatal.clone(), returned.clone());
        tokio::spawn(async move {
            tokio::select! {
                _ = wait_for_shutdown(shutdown) => tracing::info!("shutting down"),
                close = watch.fatal() => *lock(&why) = Some(close),
            }
            watch.sessions.stop();
            let status = lock(&why).map_or(crate::exit::SUCCESS, |close| {
                tracing::error!("{}; stopping", BotError::GatewayClosed(close));
                crate::exit::ERROR
            });
            std::thread::spawn(move || {
                std::thread::sleep(SHUTDOWN_GRACE + Duration::from_secs(1));
                if !has_returned.load(Ordering::SeqCst) {
                    tracing::warn!("the shards did not stop in time; exiting");
                    std::process::exit(i32::from(status));
                }
            });
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, shard_manager.shutdown_all()).await;
            let _ = done_tx.send(());
        });
        Stop {
            done,
            fatal,
            returned,
        }
    }
}

/// A lock that a panic elsewhere does not make unusable (the data is one value).
fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Resolves on SIGINT, SIGTERM, or the embedding program's signal.
async fn wait_for_shutdown(extra: Option<tokio::sync::oneshot::Receiver<()>>) {
    let extra = async {
        match extra {
            Some(receiver) => {
                let _ = receiver.await;
            }
            None => std::future::pending().await,
        }
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = extra => {}
                }
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
            _ = extra => {}
        }
    }
    #[cfg(not(unix))]
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = extra => {}
    }
}

/// How often the shards' connections are looked at for the metrics.
const SHARD_WATCH: Duration = Duration::from_secs(1);
/// With no shard connected for this long, the log says so (as an error) ...
const UNREACHABLE_AFTER: Duration = Duration::from_secs(30);
/// ... and again this often while it lasts.
const UNREACHABLE_REPEAT: Duration = Duration::from_secs(300);

/// Keeps the metrics' count of connected shards (and reconnects) up to date. serenity
/// reports stage changes only to event handlers, which would cost a task per event; the
/// shard manager's table is read once a second instead.
fn spawn_shard_watch(
    shard_manager: Arc<serenity::all::ShardManager>,
    metrics: Arc<metrics::Metrics>,
    sessions: Arc<session_gate::SessionGate>,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SHARD_WATCH);
        // Since when no shard is connected, and when that was last said.
        let mut down_since = std::time::Instant::now();
        let mut said = None::<std::time::Instant>;
        loop {
            tick.tick().await;
            let connected = shard_manager
                .runners
                .lock()
                .await
                .iter()
                .filter(|(_, runner)| runner.stage == serenity::gateway::ConnectionStage::Connected)
                .map(|(id, _)| id.0)
                .collect::<std::collections::HashSet<u32>>();
            if !connected.is_empty() {
                down_since = std::time::Instant::now();
                said = None;
            } else if down_since.elapsed() >= UNREACHABLE_AFTER
                && said.is_none_or(|at| at.elapsed() >= UNREACHABLE_REPEAT)
            {
                tracing::error!(
                    seconds = down_since.elapsed().as_secs(),
                    "no shard has been connected for {} s: Discord's gateway cannot be reached (check the network, DNS, a firewall, and [discord] proxy_url); still trying",
                    down_since.elapsed().as_secs()
                );
                said = Some(std::time::Instant::now());
            }
            sessions.shards_up(&connected);
            metrics.shards_now(connected);
        }
    });
}

/// Tells the session gate how many new sessions Discord allows today (`GET /gateway/bot`).
/// Without an answer the gate still rations each shard's starts.
async fn read_session_start_limit(
    http: &serenity::all::Http,
    sessions: &session_gate::SessionGate,
) {
    match http.get_bot_gateway().await {
        Ok(gateway) => {
            let limit = gateway.session_start_limit;
            sessions.set_limit(
                limit.remaining,
                limit.total,
                Duration::from_millis(limit.reset_after),
            );
            let level_low = limit.remaining < limit.total / 10;
            if level_low {
                tracing::warn!(
                    remaining = limit.remaining,
                    total = limit.total,
                    "Discord allows only {} more new gateway sessions until its daily reset (of {})",
                    limit.remaining,
                    limit.total
                );
            }
        }
        Err(error) => tracing::debug!(%error, "could not read the session start limit"),
    }
}

/// On SIGHUP, reloads the data (a bad edit is reported and the current data stays) and
/// reopens the curators' log.
fn spawn_reload_on_hangup(answers: Arc<LiveEngine>, app: Arc<App>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hangup) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP: reload with /reload instead");
            return;
        };
        while hangup.recv().await.is_some() {
            app.unanswered.reopen();
            let answers = answers.clone();
            match tokio::task::spawn_blocking(move || answers.reload(false)).await {
                Ok(Ok(summary)) => {
                    app.metrics.reloaded(true);
                    tracing::info!(%summary, "reloaded the data (SIGHUP)")
                }
                Ok(Err(problems)) => {
                    app.metrics.reloaded(false);
                    tracing::error!("reload refused, keeping the current data: {problems}")
                }
                Err(error) => tracing::error!(%error, "the reload task failed"),
            }
        }
    });
    #[cfg(not(unix))]
    let _ = (answers, app);
}

/// The ephemeral reply to a command the bot cannot read (registered by an older build).
fn stale_command() -> render::Reply {
    render::Reply {
        content: Some(
            "That command is out of date here; try again in a minute, or use /ask.".into(),
        ),
        ephemeral: true,
        ..render::Reply::default()
    }
}

/// Logs every error in full; users see one short sentence (ephemeral).
async fn on_error(error: poise::FrameworkError<'_, Arc<App>, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().qualified_name, "command failed: {error:#}");
            let _ = ctx.send(render::internal_error().into_poise()).await;
        }
        poise::FrameworkError::NotAnOwner { ctx, .. } => {
            let reply = render::Reply {
                content: Some("Only the bot's owners can do that.".into()),
                ephemeral: true,
                ..render::Reply::default()
            };
            let _ = ctx.send(reply.into_poise()).await;
        }
        // A command registered by an older build (or typed options poise cannot read):
        // the asker still gets an answer, never "the application did not respond".
        poise::FrameworkError::UnknownInteraction {
            framework,
            interaction,
            ..
        } => {
            tracing::warn!(command = %interaction.data.name, "an interaction for an unknown command");
            let response = serenity::all::CreateInteractionResponse::Message(
                stale_command().into_interaction(),
            );
            if let Err(error) = interaction
                .create_response(&framework.serenity_context.http, response)
                .await
            {
                tracing::error!(%error, "could not answer an unknown interaction");
            }
        }
        poise::FrameworkError::CommandStructureMismatch {
            description, ctx, ..
        } => {
            tracing::warn!(command = %ctx.command().qualified_name, description, "a command's options did not match");
            let _ = poise::Context::Application(ctx)
                .send(stale_command().into_poise())
                .await;
        }
        poise::FrameworkError::ArgumentParse { error, ctx, .. } => {
            tracing::warn!(command = %ctx.command().qualified_name, %error, "a command's options could not be read");
            let _ = ctx.send(stale_command().into_poise()).await;
        }
        poise::FrameworkError::EventHandler { error, event, .. } => {
            tracing::error!(
                event = event.snake_case_name(),
                "event handler failed: {error:#}"
            );
        }
        other => {
            if let Err(error) = poise::builtins::on_error(other).await {
                tracing::error!(%error, "could not report an error");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_connection_error_names_its_host_and_its_cause() {
        let error = reqwest::get("http://127.0.0.1:9/").await.unwrap_err();
        let error = serenity::Error::Http(HttpError::Request(error));
        let text = describe(&error, true);
        assert!(text.contains("127.0.0.1"), "{text}");
        assert!(text.to_lowercase().contains("connect"), "{text}");
        assert!(text.contains("proxy_url"), "{text}");
    }
}
