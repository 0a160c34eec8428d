//! The Discord bot (serenity + poise). It only turns Discord events into engine calls and
//! engine results into Discord messages: the matching lives in [`crate::engine`].
//!
//! - [`app`]: the state handlers share; [`answers`]: the engine, reloadable.
//! - [`handler`]: mentions, listen channels, DMs and buttons; [`commands`]: slash commands;
//!   [`router`]: messages to the handler, everything else through poise.
//! - [`render`]: every reply, within Discord's limits, with no pings.
//! - [`send`], [`cooldown`], [`unanswered`], [`logging`]: operations.

pub mod answers;
pub mod app;
pub mod backlog;
pub mod commands;
pub mod conversations;
pub mod cooldown;
pub mod gateway_watch;
pub mod handler;
pub mod logging;
pub mod render;
pub mod router;
pub mod send;
pub mod unanswered;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use serenity::all::{
    ClientBuilder, GatewayError, GatewayIntents, GuildId, HttpBuilder, HttpError, UserId,
};

pub use answers::Answers;
pub use app::App;

use crate::config::{Config, Shards};

/// The error type of handlers and commands: logged in full, never shown to users.
pub type Error = anyhow::Error;

/// Exit status when the bot stopped because it was asked to.
pub const EXIT_OK: u8 = 0;
/// Exit status for a configuration, data, token or connection error.
pub const EXIT_ERROR: u8 = 2;

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

/// `jedi-bot run --config FILE`: loads the configuration, starts logging and runs the bot
/// until SIGINT or SIGTERM. Returns the exit status.
pub fn run_from_file(path: &Path) -> anyhow::Result<u8> {
    let config = match Config::load(path) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("jedi-bot: {error}");
            return Ok(EXIT_ERROR);
        }
    };
    let token = config.discord.token.as_ref().map_or("", |t| t.expose());
    let watch = gateway_watch::GatewayWatch::new();
    logging::init(&config.logging.level, token, watch.layer());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let options = Options {
        gateway_watch: Some(watch),
        ..Options::default()
    };
    let status = runtime.block_on(run(config, options));
    // A shard task stuck on an unreachable Discord must not hold the process.
    runtime.shutdown_timeout(Duration::from_secs(1));
    status
}

/// Runs the bot with `config` until it is told to stop; returns the exit status.
pub async fn run(config: Config, options: Options) -> anyhow::Result<u8> {
    let source = crate::data::source(config.engine.data_dir.as_deref());
    let answers = match Answers::load(source.clone(), config.engine.thresholds()) {
        Ok(answers) => Arc::new(answers),
        Err(problems) => {
            tracing::error!("cannot load {source}: {problems}");
            return Ok(EXIT_ERROR);
        }
    };
    tracing::info!(
        "answering from {source}: {}",
        answers.current().kb().summary()
    );
    let unanswered = unanswered::UnansweredLog::open(
        &config.logging.unanswered_log,
        unanswered::LogSettings {
            store_questions: config.logging.store_questions,
            max_bytes: config.logging.unanswered_max_bytes,
        },
    )
    .with_context(|| {
        format!(
            "cannot open the unanswered-question log {}",
            config.logging.unanswered_log.display()
        )
    })?;
    let app = Arc::new(App::new(&config, answers.clone(), unanswered));
    let reopen_log = app.clone();

    let Some(token) = config.discord.token.as_ref() else {
        tracing::error!("no Discord token");
        return Ok(EXIT_ERROR);
    };
    let timeout = Duration::from_secs(config.discord.request_timeout_seconds);
    let client = match options.http_client {
        Some(client) => client,
        None => reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(timeout)
            .build()
            .context("cannot build the HTTP client")?,
    };
    let mut http = HttpBuilder::new(token.expose())
        .client(client)
        .default_allowed_mentions(render::no_pings());
    if let Some(proxy) = &config.discord.proxy_url {
        // Behind a REST proxy, the proxy owns rate limiting; serenity's ratelimiter would
        // also bypass the proxy.
        http = http.proxy(proxy.as_str()).ratelimiter_disabled(true);
    }
    let http = http.build();

    let mut intents =
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if config.triggers.needs_message_content() {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }

    let guild = config.discord.guild_id.map(GuildId::new);
    let routed_app = app.clone();
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
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
                let commands = &framework.options().commands;
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
                Ok(app)
            })
        })
        .build();

    let mut client = ClientBuilder::new_with_http(http, intents)
        .framework(router::Router::new(framework, routed_app))
        .await
        .context("cannot build the Discord client")?;

    let shard_manager = client.shard_manager.clone();
    // The exit status once a stop is decided (a signal: 0; a fatal gateway close: 2).
    let status = Arc::new(std::sync::atomic::AtomicU8::new(EXIT_OK));
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let watch = options.gateway_watch.unwrap_or_default();
    let decided = status.clone();
    // Set once `run` returns: the process then ends the normal way.
    let finished = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let returned = finished.clone();
    tokio::spawn(async move {
        tokio::select! {
            _ = wait_for_shutdown(options.shutdown) => tracing::info!("shutting down"),
            fatal = watch.fatal() => {
                tracing::error!(
                    code = fatal.code,
                    "the gateway closed the connection ({}): {}; stopping",
                    fatal.code,
                    fatal.advice
                );
                decided.store(EXIT_ERROR, std::sync::atomic::Ordering::SeqCst);
            }
        }
        // A shard looping on a dead connection can keep the runtime's threads busy for
        // good: past the grace period the process ends from a thread of its own.
        let status = decided.load(std::sync::atomic::Ordering::SeqCst);
        std::thread::spawn(move || {
            std::thread::sleep(SHUTDOWN_GRACE + Duration::from_secs(1));
            if !returned.load(std::sync::atomic::Ordering::SeqCst) {
                tracing::warn!("the shards did not stop in time; exiting");
                std::process::exit(i32::from(status));
            }
        });
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, shard_manager.shutdown_all()).await;
        let _ = stopping.send(());
    });
    spawn_reload_on_hangup(answers, reopen_log);

    let start = async {
        match config.discord.shards {
            Shards::Auto => client.start_autosharded().await,
            Shards::Range { first, last, total } => {
                client.start_shard_range(first..last + 1, total).await
            }
        }
    };
    // The client returns once its shards are shut down; when they cannot be (Discord
    // unreachable, a shard looping on a dead connection), the stop decided above wins.
    let result = tokio::select! {
        result = start => result,
        Ok(()) = stopped => Ok(()),
    };
    finished.store(true, std::sync::atomic::Ordering::SeqCst);
    let decided = status.load(std::sync::atomic::Ordering::SeqCst);
    if decided != EXIT_OK {
        return Ok(decided);
    }
    Ok(match result {
        Ok(()) => {
            tracing::info!("stopped");
            EXIT_OK
        }
        Err(serenity::Error::Gateway(GatewayError::InvalidAuthentication)) => {
            tracing::error!("Discord rejected the bot token (gateway close 4004): check DISCORD_TOKEN or [discord] token");
            EXIT_ERROR
        }
        Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(response)))
            if response.status_code.as_u16() == 401 =>
        {
            tracing::error!("Discord rejected the bot token (401 Unauthorized): check DISCORD_TOKEN or [discord] token");
            EXIT_ERROR
        }
        Err(error) => {
            tracing::error!(%error, "the Discord connection failed");
            EXIT_ERROR
        }
    })
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

/// On SIGHUP, reloads the data (a bad edit is reported and the current data stays) and
/// reopens the curators' log.
fn spawn_reload_on_hangup(answers: Arc<Answers>, app: Arc<App>) {
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
                Ok(Ok(summary)) => tracing::info!(%summary, "reloaded the data (SIGHUP)"),
                Ok(Err(problems)) => {
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
