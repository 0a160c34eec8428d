//! A fake Discord (REST + gateway) on 127.0.0.1 for driving the real serenity 0.12.5 /
//! poise 0.7.1 client end to end in integration tests.
//!
//! Point serenity at it with the proxy setting and the ratelimiter disabled (with the
//! ratelimiter on, serenity ignores the proxy and talks to the real discord.com), or, to test
//! serenity's own ratelimiter, start it with `tls: true` and give serenity
//! `fake.reqwest_client()` (see "TLS" below):
//!
//! ```ignore
//! let fake = FakeDiscord::start().await;
//! let http = serenity::http::HttpBuilder::new("fake-token")
//!     .proxy(fake.proxy_url())
//!     .ratelimiter_disabled(true)
//!     .build();
//! let mut client = serenity::all::ClientBuilder::new_with_http(http, intents)
//!     .event_handler(handler)
//!     .await?;
//! tokio::spawn(async move { client.start().await });
//! assert!(fake.wait_for_ready(Duration::from_secs(5)).await);
//! let id = fake.send_message(MessageSpec::new(FakeDiscord::CHANNEL_ID, 42, "hello"));
//! let post = fake.wait_for_request(|r| r.is_message_post(), Duration::from_secs(5)).await;
//! ```
//!
//! Delivery: dispatches sent while the bot is disconnected are queued and replayed on RESUME
//! (every event with a sequence above the RESUME's), or carried into the next session when
//! the bot identifies afresh. See `gateway.rs` for the exact rule.
//!
//! TLS: `FakeDiscord::start_tls()` (or `FakeConfig { tls: true, .. }`) also serves the same
//! REST API (same state, recording and faults) over HTTPS on a second port, as `discord.com`
//! with a self-signed certificate made at start. The gateway stays plain `ws://127.0.0.1`.
//!
//! ```ignore
//! let fake = FakeDiscord::start_tls().await;
//! let http = serenity::http::HttpBuilder::new("fake-token")
//!     .client(fake.reqwest_client()) // resolves discord.com to the fake, trusts its cert
//!     .build(); // ratelimiter on, no proxy
//! fake.set_rest_fault(Fault::rate_limited("/messages", 0.5).method("POST"));
//! // serenity sleeps 0.5 s on the 429 and sends the message again: one 429, one 200.
//! ```
//!
//! Faults: `drop_connection`, `close(code)`, `send_reconnect`, `send_invalid_session`,
//! `set_heartbeat_ack(false)`, `set_reject_token(true)`, `set_invalidate_sessions(true)`, `send_raw_dispatch` on the gateway;
//! `set_rest_fault(Fault { .. })` on REST. Socket faults hit every open socket.
//!
//! Set `FAKE_DISCORD_DEBUG=1` to log the fake's side of the conversation to stderr.
#![allow(dead_code)]

mod gateway;
mod payloads;
mod rest;
mod state;
mod tls;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use gateway::SocketFault;
use state::Shared;

/// Settings fixed at start.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// HELLO's `heartbeat_interval` (Discord uses 41.25 s; short values make missed-ACK
    /// tests fast).
    pub heartbeat_interval: Duration,
    /// `shards` answered by `GET /gateway/bot`.
    pub shards: u64,
    /// The bot's username (READY, `/users/@me`, messages it sends).
    pub bot_name: String,
    /// If set, an interaction callback later than this after INTERACTION_CREATE gets
    /// 404 "Unknown interaction" (10062), as on Discord (3 s there).
    pub interaction_deadline: Option<Duration>,
    /// Also serve the REST API over TLS as `discord.com` (see `tls_addr`, `reqwest_client`).
    pub tls: bool,
    /// Successful REST answers carry `X-RateLimit-*` headers (limit 50, remaining 49,
    /// reset after 1 s, a bucket id) as Discord's do. serenity's ratelimiter (TLS clients)
    /// reads them; it only waits if more than 49 requests of one route are in flight at once.
    pub ratelimit_headers: bool,
    /// Keep every request (`requests()`, `messages_sent()`, interaction calls) and every
    /// message (`message()`, GET/PATCH of it). `false` is for long load runs: requests and
    /// message posts are only counted (`request_count()`, `wait_for_message_posts()`), so
    /// the fake's heap does not grow with every reply. Kept, the fakes of a load run grow
    /// by hundreds of megabytes, and growing a heap costs the process that grows it
    /// (`mprotect`, page faults): that was charged to the bot under test, more for bigger
    /// replies, though it is work the real Discord does on its own machines.
    pub keep_history: bool,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            heartbeat_interval: Duration::from_millis(41_250),
            shards: 1,
            bot_name: "FakeBot".to_string(),
            interaction_deadline: None,
            tls: false,
            ratelimit_headers: true,
            keep_history: true,
        }
    }
}

/// One REST request the fake received.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// Full path as received, e.g. `/api/v10/channels/1/messages`.
    pub path: String,
    /// Query string without `?` (serenity sends e.g. `&wait=true`).
    pub query: String,
    /// Kept headers: host (`discord.com` over TLS, `127.0.0.1:PORT` via the proxy setting),
    /// authorization, content-type, user-agent, x-audit-log-reason.
    pub headers: BTreeMap<String, String>,
    /// The JSON body (`payload_json` for multipart); `Null` when empty; a string if not JSON.
    pub body: Value,
    /// Files of a multipart request.
    pub files: Vec<RecordedFile>,
    /// Status the fake answered (0 for a hanging fault).
    pub status: u16,
    pub at: Instant,
}

impl RecordedRequest {
    /// `POST /channels/{id}/messages`.
    pub fn is_message_post(&self) -> bool {
        self.method == "POST"
            && self.path.contains("/channels/")
            && self.path.ends_with("/messages")
    }

    /// `POST /interactions/{id}/{token}/callback`.
    pub fn is_interaction_callback(&self) -> bool {
        self.method == "POST"
            && self.path.contains("/interactions/")
            && self.path.ends_with("/callback")
    }

    /// The channel id of a `/channels/{id}/...` path.
    pub fn channel_id(&self) -> Option<u64> {
        let mut parts = self.path.split('/');
        parts.by_ref().find(|p| *p == "channels")?;
        parts.next()?.parse().ok()
    }
}

/// One uploaded file of a multipart request.
#[derive(Clone, Debug)]
pub struct RecordedFile {
    /// Form field name (`files[0]`).
    pub field: String,
    pub filename: String,
    pub content: Vec<u8>,
}

/// A MESSAGE_CREATE to dispatch. `MessageSpec::new` fills a guild text message from a user.
#[derive(Clone, Debug)]
pub struct MessageSpec {
    pub channel_id: u64,
    /// `None` for a DM.
    pub guild_id: Option<u64>,
    pub author_id: u64,
    /// Defaults to `user{id}`.
    pub author_name: Option<String>,
    pub author_is_bot: bool,
    pub webhook_id: Option<u64>,
    pub content: String,
    /// User ids listed in `mentions` (the content is not changed: write `<@id>` yourself).
    pub mentions: Vec<u64>,
    pub mention_roles: Vec<u64>,
    pub mention_everyone: bool,
    /// Makes the message a reply to this message id (same channel).
    pub reply_to: Option<u64>,
    pub embeds: Vec<Value>,
}

impl MessageSpec {
    pub fn new(channel_id: u64, author_id: u64, content: impl Into<String>) -> Self {
        Self {
            channel_id,
            guild_id: Some(FakeDiscord::GUILD_ID),
            author_id,
            author_name: None,
            author_is_bot: false,
            webhook_id: None,
            content: content.into(),
            mentions: Vec::new(),
            mention_roles: Vec::new(),
            mention_everyone: false,
            reply_to: None,
            embeds: Vec::new(),
        }
    }
}

impl Default for MessageSpec {
    fn default() -> Self {
        Self::new(FakeDiscord::CHANNEL_ID, FakeDiscord::USER_ID, "")
    }
}

/// An INTERACTION_CREATE to dispatch, for cases the `send_command` family does not cover.
#[derive(Clone, Debug)]
pub struct InteractionSpec {
    /// 2 command, 3 component, 4 autocomplete, 5 modal submit.
    pub kind: u8,
    /// The interaction's `data` as is.
    pub data: Value,
    pub user_id: u64,
    pub channel_id: u64,
    /// `None` for a DM interaction (`user` instead of `member`).
    pub guild_id: Option<u64>,
    pub locale: String,
    /// For components: the message the component is on (looked up by id).
    pub message_id: Option<u64>,
}

/// Identifies one interaction the fake dispatched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InteractionHandle {
    pub id: u64,
    pub token: String,
    pub kind: u8,
}

/// A REST fault: the next `times` requests whose path contains `path_contains` (and whose
/// method matches, if set) get `status`, or never get an answer if `hang`.
///
/// A 429 answers like Discord's per-route limit: body
/// `{"message":"You are being rate limited.","retry_after":N,"global":false,"code":0}` and
/// headers `Retry-After: N`, `X-RateLimit-Limit: 5`, `X-RateLimit-Remaining: 0`,
/// `X-RateLimit-Reset` (epoch s), `X-RateLimit-Reset-After: N`, `X-RateLimit-Bucket`,
/// `X-RateLimit-Scope: user`. Like Discord, no `X-RateLimit-Global` unless `global`:
/// serenity 0.12.5 takes its global path on the mere presence of that header, even `false`.
#[derive(Clone, Debug)]
pub struct Fault {
    pub path_contains: String,
    /// e.g. `Some("POST")`; `None` matches any method.
    pub method: Option<String>,
    /// 429, 500, 502, ...
    pub status: u16,
    /// Seconds. For 429 (default 1.0): body `retry_after`, `Retry-After`,
    /// `X-RateLimit-Reset-After`. For other statuses: a `Retry-After` header if set.
    pub retry_after: Option<f64>,
    /// For 429: a global limit (`X-RateLimit-Global: true`, scope `global`, body `global: true`).
    pub global: bool,
    /// For 429: only the JSON body, no `Retry-After` or `X-RateLimit-*` headers.
    pub body_only: bool,
    /// Headers set last, overriding the above: `(name, Some(value))` sets, `(name, None)` removes.
    pub headers: Vec<(String, Option<String>)>,
    pub times: usize,
    pub hang: bool,
}

impl Fault {
    /// One failure with `status` on requests whose path contains `path_contains`.
    pub fn new(path_contains: impl Into<String>, status: u16) -> Self {
        Self {
            path_contains: path_contains.into(),
            method: None,
            status,
            retry_after: None,
            global: false,
            body_only: false,
            headers: Vec::new(),
            times: 1,
            hang: false,
        }
    }

    /// One 429 with `retry_after` seconds in the body and the headers.
    pub fn rate_limited(path_contains: impl Into<String>, retry_after: f64) -> Self {
        Self::new(path_contains, 429).retry_after(retry_after)
    }

    /// Requests matching `path_contains` that never get an answer.
    pub fn hang(path_contains: impl Into<String>) -> Self {
        Self {
            hang: true,
            ..Self::new(path_contains, 0)
        }
    }

    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_string());
        self
    }

    pub fn times(mut self, times: usize) -> Self {
        self.times = times;
        self
    }

    pub fn retry_after(mut self, secs: f64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// A global rate limit (429 only).
    pub fn global(mut self) -> Self {
        self.global = true;
        self
    }

    /// `retry_after` in the JSON body only, no rate-limit headers (429 only).
    pub fn body_only(mut self) -> Self {
        self.body_only = true;
        self
    }

    /// Sets a header on the answer (after the defaults).
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers
            .push((name.to_ascii_lowercase(), Some(value.into())));
        self
    }

    /// Removes a default header from the answer.
    pub fn without_header(mut self, name: &str) -> Self {
        self.headers.push((name.to_ascii_lowercase(), None));
        self
    }
}

/// The running fake. Dropping it stops its listeners (open sockets end with the test's
/// runtime).
pub struct FakeDiscord {
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
    tls: Option<tls::TlsInfo>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
        let inner = self.shared.lock();
        for conn in inner.conns.values() {
            let _ = conn.tx.send(state::Outgoing::Drop);
        }
    }
}

impl FakeDiscord {
    /// The bot's user id (READY, `/users/@me`).
    pub const BOT_USER_ID: u64 = 1_100_000_000_100_000_001;
    /// The application id (READY `application.id`, command registration paths).
    pub const APP_ID: u64 = 1_100_000_000_100_000_002;
    /// Owner of the application (`/oauth2/applications/@me`).
    pub const OWNER_ID: u64 = 1_100_000_000_100_000_003;
    /// A plain user for tests to speak as.
    pub const USER_ID: u64 = 1_100_000_000_100_000_004;
    /// The default guild; routes to shard 0 of 2.
    pub const GUILD_ID: u64 = 1_100_000_000_010_000_000;
    /// A second guild; routes to shard 1 of 2.
    pub const OTHER_GUILD_ID: u64 = 1_100_000_000_000_000_000;
    /// The default text channel (in `GUILD_ID`).
    pub const CHANNEL_ID: u64 = 1_100_000_000_100_000_005;

    /// The host name the TLS listener's certificate is for.
    pub const TLS_HOST: &'static str = tls::HOST;

    /// Starts with default settings.
    pub async fn start() -> Self {
        Self::start_with(FakeConfig::default()).await
    }

    /// Starts with default settings plus the TLS listener (`FakeConfig { tls: true, .. }`).
    pub async fn start_tls() -> Self {
        Self::start_with(FakeConfig {
            tls: true,
            ..FakeConfig::default()
        })
        .await
    }

    /// Binds REST and gateway listeners on 127.0.0.1 (ephemeral ports) and serves them.
    pub async fn start_with(config: FakeConfig) -> Self {
        let rest = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake discord: bind REST listener");
        let gw = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake discord: bind gateway listener");
        let tls_listener = match config.tls {
            true => Some(
                TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("fake discord: bind TLS listener"),
            ),
            false => None,
        };
        let rest_url = format!("http://{}", rest.local_addr().expect("REST address"));
        let gateway_url = format!("ws://{}", gw.local_addr().expect("gateway address"));
        let shared = Arc::new(Shared::new(config, rest_url, gateway_url));
        let app = axum::Router::new()
            .fallback(rest::handle)
            .with_state(Arc::clone(&shared));
        let mut tasks = Vec::new();
        let mut tls_info = None;
        if let Some(listener) = tls_listener {
            let (acceptor, cert_pem, cert_der) = tls::acceptor();
            tls_info = Some(tls::TlsInfo {
                addr: listener.local_addr().expect("TLS address"),
                cert_pem,
                cert_der,
            });
            tasks.push(tokio::spawn(tls::serve(listener, acceptor, app.clone())));
        }
        tasks.push(tokio::spawn(async move {
            let _ = axum::serve(rest, app).tcp_nodelay(true).await;
        }));
        tasks.push(tokio::spawn(gateway::serve(Arc::clone(&shared), gw)));
        Self {
            shared,
            tasks,
            tls: tls_info,
        }
    }

    fn tls_info(&self) -> &tls::TlsInfo {
        self.tls
            .as_ref()
            .expect("fake discord: started without TLS (use start_tls or FakeConfig.tls)")
    }

    /// `127.0.0.1:PORT` of the TLS listener (serves `https://discord.com`). Panics without TLS.
    pub fn tls_addr(&self) -> SocketAddr {
        self.tls_info().addr
    }

    /// The self-signed certificate for `discord.com`, PEM. Panics without TLS.
    pub fn tls_cert_pem(&self) -> &str {
        &self.tls_info().cert_pem
    }

    /// The same certificate, DER. Panics without TLS.
    pub fn tls_cert_der(&self) -> &[u8] {
        &self.tls_info().cert_der
    }

    /// A `reqwest::Client` (rustls) that sends `https://discord.com` to the TLS listener and
    /// trusts only the fake's certificate; system proxies are ignored. For
    /// `HttpBuilder::client`. Panics without TLS.
    pub fn reqwest_client(&self) -> reqwest::Client {
        let cert = reqwest::Certificate::from_der(self.tls_cert_der())
            .expect("fake discord: certificate for reqwest");
        reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false)
            .add_root_certificate(cert)
            .resolve(Self::TLS_HOST, self.tls_addr())
            .no_proxy()
            .build()
            .expect("fake discord: reqwest client")
    }

    /// `http://127.0.0.1:PORT`, for `HttpBuilder::proxy`.
    pub fn proxy_url(&self) -> String {
        self.shared.rest_url.clone()
    }

    /// `ws://127.0.0.1:PORT` (what `GET /gateway` answers).
    pub fn gateway_url(&self) -> String {
        self.shared.gateway_url.clone()
    }

    /// The shard a guild's events go to with `total` shards (Discord's formula).
    pub fn shard_for(guild_id: u64, total: u64) -> u64 {
        gateway::route(Some(guild_id), total)
    }

    // ---- waiting ----

    /// True once a READY has been sent (after an IDENTIFY).
    pub async fn wait_for_ready(&self, timeout: Duration) -> bool {
        self.shared
            .wait_until(timeout, |i| (i.ready_count > 0).then_some(()))
            .await
            .is_some()
    }

    /// True once at least `n` IDENTIFYs have arrived.
    pub async fn wait_for_identify(&self, n: usize, timeout: Duration) -> bool {
        self.shared
            .wait_until(timeout, |i| (i.identify_count >= n).then_some(()))
            .await
            .is_some()
    }

    /// True once at least `n` RESUMEs have been answered with RESUMED.
    pub async fn wait_for_resumed(&self, n: usize, timeout: Duration) -> bool {
        self.shared
            .wait_until(timeout, |i| (i.resumed_count >= n).then_some(()))
            .await
            .is_some()
    }

    /// True once some socket is attached to a live session (READY or RESUMED sent, no fault
    /// since).
    pub async fn wait_until_connected(&self, timeout: Duration) -> bool {
        self.shared
            .wait_until(timeout, |i| i.connected().then_some(()))
            .await
            .is_some()
    }

    /// The first recorded request (from the start) matching `predicate`.
    pub async fn wait_for_request(
        &self,
        predicate: impl Fn(&RecordedRequest) -> bool,
        timeout: Duration,
    ) -> Option<RecordedRequest> {
        self.shared
            .wait_until(timeout, |i| {
                i.requests.iter().find(|r| predicate(r)).cloned()
            })
            .await
    }

    /// Waits until `n` recorded requests match; returns the matches seen (fewer on timeout).
    pub async fn wait_for_requests(
        &self,
        predicate: impl Fn(&RecordedRequest) -> bool,
        n: usize,
        timeout: Duration,
    ) -> Vec<RecordedRequest> {
        let matching = |i: &state::Inner| {
            i.requests
                .iter()
                .filter(|r| predicate(r))
                .cloned()
                .collect::<Vec<_>>()
        };
        match self
            .shared
            .wait_until(timeout, |i| Some(matching(i)).filter(|m| m.len() >= n))
            .await
        {
            Some(found) => found,
            None => matching(&self.shared.lock()),
        }
    }

    /// Waits until the bot has posted `n` channel messages; returns `messages_sent()`.
    pub async fn wait_for_messages_sent(&self, n: usize, timeout: Duration) -> Vec<Value> {
        self.wait_for_message_posts(n, timeout).await;
        self.messages_sent()
    }

    /// True once the bot has posted at least `n` channel messages (cheap: no copies).
    pub async fn wait_for_message_posts(&self, n: usize, timeout: Duration) -> bool {
        self.shared
            .wait_until(timeout, |i| (i.message_posts.len() >= n).then_some(()))
            .await
            .is_some()
    }

    // ---- what the bot did ----

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Requests received so far (counted even when `keep_history` is off).
    pub fn request_count(&self) -> usize {
        self.shared.lock().request_total
    }

    /// Bodies of `POST /channels/{id}/messages`, each with `channel_id` (string) added and
    /// `id` set to the id of the message the fake created.
    pub fn messages_sent(&self) -> Vec<Value> {
        let inner = self.shared.lock();
        inner
            .message_posts
            .iter()
            .filter_map(|&(i, id)| Some((inner.requests.get(i)?, id)))
            .map(|(r, id)| {
                let mut body = match &r.body {
                    Value::Object(m) => m.clone(),
                    _ => Default::default(),
                };
                body.insert(
                    "channel_id".into(),
                    json!(r.channel_id().unwrap_or(0).to_string()),
                );
                body.insert("id".into(), json!(id.to_string()));
                Value::Object(body)
            })
            .collect()
    }

    /// Bodies (in order) of every REST call about one interaction: the callback, follow-ups,
    /// edits. Calls without a body (GET, DELETE) are left out; see `interaction_calls`.
    pub fn interaction_responses(&self, handle: &InteractionHandle) -> Vec<Value> {
        self.interaction_calls(handle)
            .into_iter()
            .map(|r| r.body)
            .filter(|b| !b.is_null())
            .collect()
    }

    /// Every REST call about one interaction (callback, follow-ups, `messages/@original`, ...).
    pub fn interaction_calls(&self, handle: &InteractionHandle) -> Vec<RecordedRequest> {
        let inner = self.shared.lock();
        let Some(state) = inner.interactions.get(&handle.token) else {
            return Vec::new();
        };
        state
            .calls
            .iter()
            .filter_map(|&i| inner.requests.get(i).cloned())
            .collect()
    }

    /// The interaction's original response message as it stands (after edits), if any.
    pub fn interaction_original(&self, handle: &InteractionHandle) -> Option<Value> {
        self.shared
            .lock()
            .interactions
            .get(&handle.token)
            .and_then(|s| s.original.clone())
    }

    /// Commands currently registered: global ones, then each guild's (those carry `guild_id`).
    pub fn registered_commands(&self) -> Vec<Value> {
        let inner = self.shared.lock();
        let mut all = inner.commands_global.clone();
        for list in inner.commands_guild.values() {
            all.extend(list.iter().cloned());
        }
        all
    }

    /// A message the fake knows (sent by the bot or dispatched), as it stands.
    pub fn message(&self, id: u64) -> Option<Value> {
        self.shared.lock().messages.get(&id).cloned()
    }

    pub fn identify_count(&self) -> usize {
        self.shared.lock().identify_count
    }

    /// RESUMEs received (valid or not).
    pub fn resume_count(&self) -> usize {
        self.shared.lock().resume_count
    }

    pub fn ready_count(&self) -> usize {
        self.shared.lock().ready_count
    }

    /// Payloads the bot sent on the gateway (tokens redacted), in order.
    pub fn gateway_received(&self) -> Vec<Value> {
        self.shared.lock().gateway_received.clone()
    }

    /// Names a user (used in `author`, `mentions`, `/users/{id}`).
    pub fn set_user_name(&self, id: u64, name: &str) {
        self.shared.lock().user_names.insert(id, name.to_string());
    }

    // ---- events ----

    /// Dispatches MESSAGE_CREATE; returns the message id.
    pub fn send_message(&self, spec: MessageSpec) -> u64 {
        let mut inner = self.shared.lock();
        if let Some(name) = &spec.author_name {
            inner.user_names.insert(spec.author_id, name.clone());
        }
        if spec.guild_id.is_none() {
            inner.dm_channels.insert(spec.channel_id);
        }
        let id = inner.next_id();
        let ts = payloads::iso_timestamp(payloads::now_ms());
        let author = self.user_value(&inner, spec.author_id, spec.author_is_bot);
        let mentions: Vec<Value> = spec
            .mentions
            .iter()
            .map(|&u| self.user_value(&inner, u, u == Self::BOT_USER_ID))
            .collect();
        let mut body = json!({
            "content": spec.content,
            "mentions": mentions,
            "mention_roles": spec.mention_roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
            "mention_everyone": spec.mention_everyone,
            "embeds": spec.embeds,
        });
        if let Some(reply_to) = spec.reply_to {
            body["message_reference"] = json!({
                "type": 0,
                "message_id": reply_to.to_string(),
                "channel_id": spec.channel_id.to_string(),
                "guild_id": spec.guild_id.map(|g| g.to_string()),
            });
        }
        let mut msg = payloads::message(
            payloads::MessageParts {
                id,
                channel_id: spec.channel_id,
                guild_id: spec.guild_id,
                author,
                timestamp: &ts,
                webhook_id: spec.webhook_id,
                application_id: None,
                attachments: None,
            },
            &body,
        );
        if let Some(referenced) = spec.reply_to.and_then(|r| inner.messages.get(&r)) {
            msg["referenced_message"] = referenced.clone();
        }
        if self.shared.config.keep_history {
            inner.messages.insert(id, msg.clone());
        }
        gateway::dispatch(&mut inner, "MESSAGE_CREATE", msg, spec.guild_id);
        drop(inner);
        self.shared.notify();
        id
    }

    /// Dispatches a slash command (INTERACTION_CREATE type 2) in `GUILD_ID`/`CHANNEL_ID`.
    /// `options` is the `data.options` array, e.g. `[{"name":"q","type":3,"value":"x"}]`.
    pub fn send_command(&self, name: &str, options: Value, user_id: u64) -> InteractionHandle {
        self.send_interaction(InteractionSpec {
            kind: 2,
            data: self.command_data(name, options),
            ..self.default_interaction(user_id)
        })
    }

    /// Dispatches a message context-menu command (type 2, command type 3) on the message
    /// `target` (one the fake knows: sent with `send_message` or posted by the bot).
    pub fn send_message_command(&self, name: &str, target: u64, user_id: u64) -> InteractionHandle {
        let mut data = self.command_data(name, json!([]));
        let message = self.shared.lock().messages.get(&target).cloned();
        data["type"] = json!(3);
        data["target_id"] = json!(target.to_string());
        data["resolved"] = json!({ "messages": { target.to_string(): message } });
        data.as_object_mut().unwrap().remove("options");
        self.send_interaction(InteractionSpec {
            kind: 2,
            data,
            ..self.default_interaction(user_id)
        })
    }

    /// Dispatches an autocomplete request (type 4); mark the typed option `"focused": true`.
    pub fn send_autocomplete(&self, name: &str, options: Value, user_id: u64) -> InteractionHandle {
        self.send_interaction(InteractionSpec {
            kind: 4,
            data: self.command_data(name, options),
            ..self.default_interaction(user_id)
        })
    }

    /// Dispatches a button press (type 3) on message `message_id`.
    pub fn send_component(
        &self,
        custom_id: &str,
        message_id: u64,
        user_id: u64,
    ) -> InteractionHandle {
        self.send_interaction(InteractionSpec {
            kind: 3,
            data: json!({ "custom_id": custom_id, "component_type": 2 }),
            message_id: Some(message_id),
            ..self.default_interaction(user_id)
        })
    }

    /// Dispatches any INTERACTION_CREATE.
    pub fn send_interaction(&self, spec: InteractionSpec) -> InteractionHandle {
        let mut inner = self.shared.lock();
        let id = inner.next_id();
        let token = format!("fake-token-{id}");
        let ts = payloads::iso_timestamp(payloads::now_ms());
        let user = self.user_value(&inner, spec.user_id, false);
        // Components need the message they are on; fall back to a minimal bot message.
        let message = (spec.kind == 3).then(|| {
            let mid = spec.message_id.unwrap_or(0);
            inner.messages.get(&mid).cloned().unwrap_or_else(|| {
                payloads::message(
                    payloads::MessageParts {
                        id: mid.max(1),
                        channel_id: spec.channel_id,
                        guild_id: None,
                        author: self.user_value(&inner, Self::BOT_USER_ID, true),
                        timestamp: &ts,
                        webhook_id: None,
                        application_id: None,
                        attachments: None,
                    },
                    &json!({}),
                )
            })
        });
        let d = payloads::interaction(payloads::InteractionParts {
            id,
            app_id: Self::APP_ID,
            kind: spec.kind,
            token: token.clone(),
            channel_id: spec.channel_id,
            guild_id: spec.guild_id,
            user,
            joined_at: ts.clone(),
            locale: spec.locale.clone(),
            data: spec.data,
            message,
        });
        rest::register_interaction(
            &mut inner,
            id,
            &token,
            spec.channel_id,
            spec.message_id,
            spec.user_id,
        );
        gateway::dispatch(&mut inner, "INTERACTION_CREATE", d, spec.guild_id);
        drop(inner);
        self.shared.notify();
        InteractionHandle {
            id,
            token,
            kind: spec.kind,
        }
    }

    /// Delivers message `id` (sent with `send_message`) once more, as Discord may after a
    /// resume.
    pub fn redeliver_message(&self, id: u64) {
        let message = self
            .shared
            .lock()
            .messages
            .get(&id)
            .cloned()
            .expect("a known message");
        let guild = message["guild_id"].as_str().and_then(|g| g.parse().ok());
        self.send_dispatch("MESSAGE_CREATE", message, guild);
    }

    /// Dispatches any event with a proper sequence number (queued and replayed like the rest),
    /// routed by `guild_id`.
    pub fn send_dispatch(&self, event_name: &str, d: Value, guild_id: Option<u64>) {
        gateway::dispatch(&mut self.shared.lock(), event_name, d, guild_id);
        self.shared.notify();
    }

    fn default_interaction(&self, user_id: u64) -> InteractionSpec {
        InteractionSpec {
            kind: 2,
            data: json!({}),
            user_id,
            channel_id: Self::CHANNEL_ID,
            guild_id: Some(Self::GUILD_ID),
            locale: "en-US".to_string(),
            message_id: None,
        }
    }

    fn command_data(&self, name: &str, options: Value) -> Value {
        let inner = self.shared.lock();
        let registered = inner
            .commands_guild
            .values()
            .flatten()
            .chain(inner.commands_global.iter())
            .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|c| c.get("id").cloned());
        let id = registered.unwrap_or_else(|| json!("1"));
        let options = if options.is_array() {
            options
        } else {
            json!([])
        };
        json!({ "id": id, "name": name, "type": 1, "options": options })
    }

    fn user_value(&self, inner: &state::Inner, id: u64, bot: bool) -> Value {
        if id == Self::BOT_USER_ID {
            payloads::user(id, &self.shared.config.bot_name, true)
        } else {
            payloads::user(id, &inner.user_name(id), bot)
        }
    }

    // ---- faults ----

    /// Drops every gateway socket without a close frame; returns how many.
    pub async fn drop_connection(&self) -> usize {
        self.socket_fault(SocketFault::Drop).await
    }

    /// Sends a close frame with `code` on every gateway socket, then drops it.
    pub async fn close(&self, code: u16) -> usize {
        self.socket_fault(SocketFault::Close(code)).await
    }

    /// Sends op 7 (reconnect) on every gateway socket.
    pub async fn send_reconnect(&self) -> usize {
        self.socket_fault(SocketFault::Reconnect).await
    }

    /// Sends op 9 (invalid session); with `false` the session can no longer be resumed.
    pub async fn send_invalid_session(&self, resumable: bool) -> usize {
        self.socket_fault(SocketFault::InvalidSession(resumable))
            .await
    }

    /// Writes `text` as is down every gateway socket (no sequence, not queued).
    pub async fn send_raw_dispatch(&self, text: &str) -> usize {
        self.socket_fault(SocketFault::Raw(text.to_string())).await
    }

    /// While on, every IDENTIFY is answered with close 4004 (authentication failed).
    pub fn set_reject_token(&self, reject: bool) {
        self.shared.lock().reject_token = reject;
    }

    /// While on, every IDENTIFY is answered with op 9 (invalid session, not resumable)
    /// instead of READY, as a gateway in trouble may do.
    pub fn set_invalidate_sessions(&self, invalidate: bool) {
        self.shared.lock().invalidate_sessions = invalidate;
    }

    /// While off, heartbeats get no ACK (serenity then re-identifies).
    pub fn set_heartbeat_ack(&self, ack: bool) {
        self.shared.lock().no_heartbeat_ack = !ack;
    }

    /// Adds a REST fault (faults are matched in the order added).
    pub fn set_rest_fault(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    pub fn clear_rest_faults(&self) {
        self.shared.lock().faults.clear();
    }

    async fn socket_fault(&self, what: SocketFault) -> usize {
        let hit = gateway::fault(&self.shared, what);
        tokio::task::yield_now().await;
        hit
    }
}
