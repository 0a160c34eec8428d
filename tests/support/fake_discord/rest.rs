//! The REST API: one fallback handler that records every request, applies faults, and routes.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::payloads::{self, MessageParts};
use super::state::{Inner, InteractionState, Shared};

/// New sessions a day, as `GET /gateway/bot` says (Discord's default for a bot).
const SESSION_STARTS: u64 = 1000;
use super::{FakeDiscord, RecordedFile, RecordedRequest};

/// Largest request body read (bigger ones are cut off, never a panic).
const MAX_BODY: usize = 64 * 1024 * 1024;
/// Headers kept in `RecordedRequest::headers`.
const KEPT_HEADERS: [&str; 5] = [
    "host",
    "authorization",
    "content-type",
    "user-agent",
    "x-audit-log-reason",
];

/// An answer before it becomes an HTTP response.
struct Reply {
    status: u16,
    /// The JSON body, serialised once when the reply is made.
    body: Option<Vec<u8>>,
    /// Set in order; `None` removes a header set earlier.
    headers: Vec<(String, Option<String>)>,
    hang: bool,
}

impl Reply {
    fn json(status: u16, body: &Value) -> Self {
        Self::json_text(
            status,
            serde_json::to_vec(body).expect("a JSON value serialises"),
        )
    }
    fn ok(body: Value) -> Self {
        Self::json(200, &body)
    }
    /// A JSON body already written.
    fn json_text(status: u16, body: Vec<u8>) -> Self {
        Self {
            status,
            body: Some(body),
            headers: Vec::new(),
            hang: false,
        }
    }
    fn no_content() -> Self {
        Self {
            status: 204,
            body: None,
            headers: Vec::new(),
            hang: false,
        }
    }
    fn not_found(code: u64, message: &str) -> Self {
        Self::json(404, &payloads::error(code, message))
    }
}

pub(super) async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .unwrap_or_default();
    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let mut headers = BTreeMap::new();
    for name in KEPT_HEADERS {
        if let Some(v) = parts.headers.get(name).and_then(|v| v.to_str().ok()) {
            headers.insert(name.to_string(), v.to_string());
        }
    }
    let content_type = headers.get("content-type").cloned().unwrap_or_default();
    let body = RequestBody::read(&content_type, &bytes);

    let reply = {
        let mut inner = shared.lock();
        let index = inner.request_total;
        inner.request_total += 1;
        let reply = match take_fault(&mut inner, &method, &path) {
            Some(reply) => reply,
            None => {
                let mut reply = route(&shared, &mut inner, index, &method, &path, &body);
                if shared.config.ratelimit_headers && (200..300).contains(&reply.status) {
                    ratelimit_headers(&mut reply, &method, &path, 50, 49, 1.0);
                }
                reply
            }
        };
        if shared.config.keep_history {
            let (body, files) = body.into_parts();
            inner.requests.push(RecordedRequest {
                method: method.clone(),
                path: path.clone(),
                query,
                headers,
                body,
                files,
                status: reply.status,
                at: Instant::now(),
            });
        }
        reply
    };
    shared.log(format_args!(
        "{method} {path} -> {}{}",
        reply.status,
        if reply.hang { " (hanging)" } else { "" }
    ));
    shared.notify();
    if reply.hang {
        std::future::pending::<()>().await;
    }
    respond(reply)
}

fn respond(reply: Reply) -> Response {
    let mut response = match reply.body {
        Some(body) => {
            let mut r = Response::new(Body::from(body));
            r.headers_mut()
                .insert("content-type", HeaderValue::from_static("application/json"));
            r
        }
        None => Response::new(Body::empty()),
    };
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in reply.headers {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
            continue;
        };
        match value.map(|v| HeaderValue::from_str(&v)) {
            Some(Ok(v)) => {
                response.headers_mut().insert(name, v);
            }
            Some(Err(_)) => {}
            None => {
                response.headers_mut().remove(name);
            }
        }
    }
    response
}

/// Discord's per-route headers: `X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds),
/// `-Reset-After` (seconds), `-Bucket` (an opaque id; one per method and path here).
fn ratelimit_headers(
    reply: &mut Reply,
    method: &str,
    path: &str,
    limit: u32,
    remaining: u32,
    reset_after: f64,
) {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (method, path).hash(&mut hasher);
    let reset = payloads::now_ms() as f64 / 1000.0 + reset_after;
    let headers = [
        ("x-ratelimit-limit", limit.to_string()),
        ("x-ratelimit-remaining", remaining.to_string()),
        ("x-ratelimit-reset", format!("{reset:.3}")),
        ("x-ratelimit-reset-after", format!("{reset_after:.3}")),
        ("x-ratelimit-bucket", format!("{:016x}", hasher.finish())),
    ];
    for (name, value) in headers {
        reply.headers.push((name.to_string(), Some(value)));
    }
}

/// Consumes one matching fault, if any, and turns it into a reply.
fn take_fault(inner: &mut Inner, method: &str, path: &str) -> Option<Reply> {
    let pos = inner.faults.iter().position(|f| {
        let method_matches = match f.method.as_deref() {
            Some(m) => m.eq_ignore_ascii_case(method),
            None => true,
        };
        f.times > 0 && path.contains(&f.path_contains) && method_matches
    })?;
    let fault = &mut inner.faults[pos];
    fault.times -= 1;
    let fault = fault.clone();
    inner.faults.retain(|f| f.times > 0);
    if fault.hang {
        return Some(Reply {
            status: 0,
            body: None,
            headers: Vec::new(),
            hang: true,
        });
    }
    let mut reply = if fault.status == 429 {
        let retry = fault.retry_after.unwrap_or(1.0);
        let mut r = Reply::json(
            429,
            &json!({
                "message": "You are being rate limited.",
                "retry_after": retry,
                "global": fault.global,
                "code": 0,
            }),
        );
        if !fault.body_only {
            r.headers
                .push(("retry-after".into(), Some(format!("{retry}"))));
            if fault.global {
                r.headers
                    .push(("x-ratelimit-global".into(), Some("true".into())));
                r.headers
                    .push(("x-ratelimit-scope".into(), Some("global".into())));
            } else {
                ratelimit_headers(&mut r, method, path, 5, 0, retry);
                r.headers
                    .push(("x-ratelimit-scope".into(), Some("user".into())));
            }
        }
        r
    } else {
        let text = format!(
            "{}: {}",
            fault.status,
            StatusCode::from_u16(fault.status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Error")
        );
        Reply::json(fault.status, &payloads::error(0, &text))
    };
    if fault.status != 429 {
        if let Some(retry) = fault.retry_after {
            reply
                .headers
                .push(("retry-after".into(), Some(format!("{retry}"))));
        }
    }
    reply.headers.extend(fault.headers);
    Some(reply)
}

/// A follow-up message of interaction `token`.
fn post_followup(
    shared: &Shared,
    inner: &mut Inner,
    index: usize,
    token: &str,
    request: &RequestBody<'_>,
) -> Reply {
    let channel = inner
        .interactions
        .get(token)
        .map_or(FakeDiscord::CHANNEL_ID, |s| s.channel_id);
    let (msg_id, text) = create_message(shared, inner, channel, request, Some(FakeDiscord::APP_ID));
    let followup = parse_created(&text);
    let reply = Reply::json_text(200, text);
    inner.messages.insert(msg_id, followup.clone());
    if let Some(state) = inner.interactions.get_mut(token) {
        state.calls.push(index);
        state.followups.insert(msg_id, followup);
    }
    reply
}

/// The application-command routes (registration, listing, upserts), if `segments` is one.
fn command_route(
    inner: &mut Inner,
    method: &str,
    segments: &[&str],
    request: &RequestBody<'_>,
) -> Option<Reply> {
    let body = || request.value();
    let app = FakeDiscord::APP_ID.to_string();
    let id = |s: &str| s.parse::<u64>().ok();
    Some(match (method, segments) {
        ("PUT", ["applications", a, "commands"]) if *a == app => {
            let echoed = overwrite_commands(inner, body(), None);
            inner.commands_global = echoed.clone();
            Reply::ok(Value::Array(echoed))
        }
        ("PUT", ["applications", a, "guilds", guild, "commands"]) if *a == app => {
            let guild = id(guild).unwrap_or(0);
            let echoed = overwrite_commands(inner, body(), Some(guild));
            inner.commands_guild.insert(guild, echoed.clone());
            Reply::ok(Value::Array(echoed))
        }
        ("GET", ["applications", a, "commands"]) if *a == app => {
            Reply::ok(Value::Array(inner.commands_global.clone()))
        }
        ("GET", ["applications", a, "guilds", guild, "commands"]) if *a == app => {
            let list = id(guild)
                .and_then(|g| inner.commands_guild.get(&g).cloned())
                .unwrap_or_default();
            Reply::ok(Value::Array(list))
        }
        ("POST", ["applications", a, "commands"]) if *a == app => {
            let cmd = upsert_command(inner, body(), None);
            Reply::json(201, &cmd)
        }
        ("POST", ["applications", a, "guilds", guild, "commands"]) if *a == app => {
            let cmd = upsert_command(inner, body(), id(guild));
            Reply::json(201, &cmd)
        }
        _ => return None,
    })
}

fn route(
    shared: &Shared,
    inner: &mut Inner,
    index: usize,
    method: &str,
    path: &str,
    request: &RequestBody<'_>,
) -> Reply {
    // Parsed on first use: a created message's body is copied as text.
    let body = || request.value();
    let trimmed = path
        .strip_prefix("/api/v10")
        .or_else(|| path.strip_prefix("/api/v9"))
        .or_else(|| path.strip_prefix("/api"))
        .unwrap_or(path);
    let segments: Vec<&str> = trimmed.split('/').filter(|s| !s.is_empty()).collect();
    if let Some(reply) = command_route(inner, method, &segments, request) {
        return reply;
    }
    let id = |s: &str| s.parse::<u64>().ok();
    match (method, segments.as_slice()) {
        ("GET", ["gateway"]) => Reply::ok(json!({ "url": shared.gateway_url })),
        ("GET", ["gateway", "bot"]) => Reply::ok(json!({
            "url": shared.gateway_url,
            "shards": shared.config.shards,
            "session_start_limit": {
                "total": SESSION_STARTS,
                "remaining": SESSION_STARTS.saturating_sub(inner.identify_count as u64),
                "reset_after": 86_400_000,
                "max_concurrency": 1
            },
        })),
        ("GET", ["users", "@me"]) => Reply::ok(bot_user(shared)),
        ("GET", ["users", user]) => match id(user) {
            Some(u) => Reply::ok(user_json(shared, inner, u)),
            None => Reply::not_found(10013, "Unknown User"),
        },
        ("POST", ["users", "@me", "channels"]) => {
            let recipient = body()
                .get("recipient_id")
                .and_then(as_id)
                .unwrap_or(FakeDiscord::OWNER_ID);
            let channel = inner.next_id();
            inner.dm_channels.insert(channel);
            Reply::ok(json!({
                "id": channel.to_string(),
                "type": 1,
                "recipients": [user_json(shared, inner, recipient)],
                "last_message_id": null,
            }))
        }
        ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => {
            Reply::ok(app_info(shared, inner))
        }
        ("GET", ["channels", channel]) => match id(channel) {
            Some(c) => Reply::ok(channel_json(inner, c)),
            None => Reply::not_found(10003, "Unknown Channel"),
        },
        ("POST", ["channels", channel, "messages"]) => {
            let Some(channel) = id(channel) else {
                return Reply::not_found(10003, "Unknown Channel");
            };
            let (created, msg) = create_message(shared, inner, channel, request, None);
            inner.message_posts.push((index, created));
            if shared.config.keep_history {
                inner.messages.insert(created, parse_created(&msg));
            }
            Reply::json_text(200, msg)
        }
        ("GET", ["channels", _, "messages", m]) => match id(m).and_then(|m| inner.messages.get(&m))
        {
            Some(msg) => Reply::ok(msg.clone()),
            None => Reply::not_found(10008, "Unknown Message"),
        },
        ("PATCH", ["channels", _, "messages", m]) => {
            let ts = payloads::iso_timestamp(payloads::now_ms());
            match id(m).and_then(|m| inner.messages.get_mut(&m)) {
                Some(msg) => {
                    payloads::apply_edit(msg, body(), &ts);
                    Reply::ok(msg.clone())
                }
                None => Reply::not_found(10008, "Unknown Message"),
            }
        }
        ("DELETE", ["channels", _, "messages", m]) => {
            match id(m).and_then(|m| inner.messages.remove(&m)) {
                Some(_) => Reply::no_content(),
                None => Reply::not_found(10008, "Unknown Message"),
            }
        }
        ("POST", ["channels", _, "typing"]) => Reply::no_content(),
        ("PUT" | "DELETE", ["channels", _, "messages", _, "reactions", ..]) => Reply::no_content(),
        ("POST", ["interactions", interaction, token, "callback"]) => {
            callback(shared, inner, index, interaction, token, request)
        }
        ("POST", ["webhooks", _, token]) => post_followup(shared, inner, index, token, request),
        (_, ["webhooks", _, token, "messages", which]) => {
            webhook_message(inner, index, method, token, which, body())
        }
        _ => Reply::not_found(0, "404: Not Found"),
    }
}

fn as_id(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

fn bot_user(shared: &Shared) -> Value {
    let mut u = payloads::user(FakeDiscord::BOT_USER_ID, &shared.config.bot_name, true);
    if let Value::Object(m) = &mut u {
        m.insert("verified".into(), json!(true));
        m.insert("mfa_enabled".into(), json!(false));
        m.insert("flags".into(), json!(0));
    }
    u
}

fn user_json(shared: &Shared, inner: &Inner, id: u64) -> Value {
    if id == FakeDiscord::BOT_USER_ID {
        bot_user(shared)
    } else {
        payloads::user(id, &inner.user_name(id), false)
    }
}

fn app_info(shared: &Shared, inner: &Inner) -> Value {
    json!({
        "id": FakeDiscord::APP_ID.to_string(),
        "name": shared.config.bot_name,
        "icon": null,
        "description": "",
        "bot_public": false,
        "bot_require_code_grant": false,
        "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
        "owner": user_json(shared, inner, FakeDiscord::OWNER_ID),
        "team": null,
        "flags": 0,
        "bot": bot_user(shared),
    })
}

fn channel_json(inner: &Inner, channel: u64) -> Value {
    if inner.dm_channels.contains(&channel) {
        return json!({ "id": channel.to_string(), "type": 1, "recipients": [], "last_message_id": null });
    }
    json!({
        "id": channel.to_string(),
        "type": 0,
        "guild_id": FakeDiscord::GUILD_ID.to_string(),
        "name": format!("channel-{channel}"),
        "position": 0,
        "permission_overwrites": [],
        "nsfw": false,
        "topic": null,
        "last_message_id": null,
        "parent_id": null,
        "rate_limit_per_user": 0,
        "flags": 0,
    })
}

fn overwrite_commands(inner: &mut Inner, body: &Value, guild: Option<u64>) -> Vec<Value> {
    let list = body.as_array().cloned().unwrap_or_default();
    list.iter().map(|c| echo_command(inner, c, guild)).collect()
}

fn echo_command(inner: &mut Inner, c: &Value, guild: Option<u64>) -> Value {
    let name = c
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let key = format!("{}/{name}", guild.unwrap_or(0));
    let id = match inner.command_ids.get(&key) {
        Some(id) => *id,
        None => {
            let id = inner.next_id();
            inner.command_ids.insert(key, id);
            id
        }
    };
    let version = inner.next_id();
    payloads::command(c, id, version, FakeDiscord::APP_ID, guild)
}

fn upsert_command(inner: &mut Inner, body: &Value, guild: Option<u64>) -> Value {
    let cmd = echo_command(inner, body, guild);
    let list = match guild {
        Some(g) => inner.commands_guild.entry(g).or_default(),
        None => &mut inner.commands_global,
    };
    list.retain(|c| c.get("name") != cmd.get("name"));
    list.push(cmd.clone());
    cmd
}

/// Attachment objects for uploaded files. (Create bodies list attachments as
/// {id, filename}, not full objects: a created message has only these.)
fn attachments(inner: &mut Inner, files: &[RecordedFile]) -> Value {
    files
        .iter()
        .map(|f| payloads::attachment(inner.next_id(), &f.filename, f.content.len()))
        .collect()
}

/// A message the bot creates (not yet stored): its id and the message object, as JSON.
fn create_message(
    shared: &Shared,
    inner: &mut Inner,
    channel: u64,
    request: &RequestBody<'_>,
    webhook: Option<u64>,
) -> (u64, Vec<u8>) {
    let id = inner.next_id();
    let ts = payloads::iso_timestamp(payloads::now_ms());
    let attachments = attachments(inner, &request.files);
    let msg = payloads::message_json(
        MessageParts {
            id,
            channel_id: channel,
            guild_id: None,
            author: bot_user(shared),
            timestamp: &ts,
            webhook_id: webhook,
            application_id: webhook,
            attachments: Some(attachments),
        },
        request.json,
    );
    (id, msg)
}

/// A message written by [`create_message`], for the fake to keep.
fn parse_created(text: &[u8]) -> Value {
    serde_json::from_slice(text).expect("the fake's own message parses")
}

fn callback(
    shared: &Shared,
    inner: &mut Inner,
    index: usize,
    interaction: &str,
    token: &str,
    request: &RequestBody<'_>,
) -> Reply {
    let body = request.value();
    // Files uploaded with a message response become its attachments.
    let uploaded = attachments(inner, &request.files);
    let deadline = shared.config.interaction_deadline;
    let Some(state) = inner.interactions.get_mut(token) else {
        return Reply::not_found(10062, "Unknown interaction");
    };
    state.calls.push(index);
    if interaction.parse::<u64>().ok() != Some(state.id) {
        return Reply::not_found(10062, "Unknown interaction");
    }
    if deadline.is_some_and(|d| state.created.elapsed() > d) {
        return Reply::not_found(10062, "Unknown interaction");
    }
    if state.acked {
        return Reply::json(
            400,
            &payloads::error(40060, "Interaction has already been acknowledged."),
        );
    }
    state.acked = true;
    let kind = body.get("type").and_then(Value::as_u64).unwrap_or(0);
    let data = body.get("data").cloned().unwrap_or(json!({}));
    let channel = state.channel_id;
    let message_id = state.message_id;
    match kind {
        // Message now, or "thinking" to be edited later.
        4 | 5 => {
            let data = if kind == 5 {
                json!({ "content": "", "flags": data.get("flags").cloned().unwrap_or(json!(0)) })
            } else {
                data
            };
            let id = inner.next_id();
            let ts = payloads::iso_timestamp(payloads::now_ms());
            let msg = payloads::message(
                MessageParts {
                    id,
                    channel_id: channel,
                    guild_id: None,
                    author: bot_user(shared),
                    timestamp: &ts,
                    webhook_id: Some(FakeDiscord::APP_ID),
                    application_id: Some(FakeDiscord::APP_ID),
                    attachments: Some(uploaded),
                },
                &data,
            );
            // Like Discord, the response message says whose interaction it answers (and
            // the fake keeps it, so that its buttons can be pressed).
            let mut msg = msg;
            if let Some((interaction, user)) =
                inner.interactions.get(token).map(|s| (s.id, s.user_id))
            {
                msg["interaction_metadata"] = json!({
                    "id": interaction.to_string(),
                    "type": 2,
                    "user": user_json(shared, inner, user),
                    "authorizing_integration_owners": {},
                });
            }
            inner.messages.insert(id, msg.clone());
            if let Some(state) = inner.interactions.get_mut(token) {
                state.original = Some(msg);
            }
        }
        // Update the component's message.
        7 => {
            let ts = payloads::iso_timestamp(payloads::now_ms());
            if let Some(msg) = message_id.and_then(|m| inner.messages.get_mut(&m)) {
                payloads::apply_edit(msg, &data, &ts);
            }
        }
        _ => {}
    }
    Reply::no_content()
}

fn webhook_message(
    inner: &mut Inner,
    index: usize,
    method: &str,
    token: &str,
    which: &str,
    body: &Value,
) -> Reply {
    let Some(state) = inner.interactions.get_mut(token) else {
        return Reply::not_found(10015, "Unknown Webhook");
    };
    state.calls.push(index);
    let ts = payloads::iso_timestamp(payloads::now_ms());
    let target = if which == "@original" {
        state.original.as_mut()
    } else {
        which
            .parse::<u64>()
            .ok()
            .and_then(|id| state.followups.get_mut(&id))
    };
    let Some(msg) = target else {
        return Reply::not_found(10008, "Unknown Message");
    };
    match method {
        "GET" => Reply::ok(msg.clone()),
        "PATCH" => {
            payloads::apply_edit(msg, body, &ts);
            Reply::ok(msg.clone())
        }
        "DELETE" => {
            if which == "@original" {
                state.original = None;
            } else if let Ok(id) = which.parse::<u64>() {
                state.followups.remove(&id);
            }
            Reply::no_content()
        }
        _ => Reply::not_found(0, "404: Not Found"),
    }
}

pub(super) fn register_interaction(
    inner: &mut Inner,
    id: u64,
    token: &str,
    channel_id: u64,
    message_id: Option<u64>,
    user_id: u64,
) {
    inner.interaction_tokens.insert(id, token.to_string());
    inner.interactions.insert(
        token.to_string(),
        InteractionState {
            id,
            acked: false,
            created: Instant::now(),
            message_id,
            channel_id,
            user_id,
            original: None,
            followups: Default::default(),
            calls: Vec::new(),
        },
    );
}

/// A request's body: its JSON text (the whole body, or a multipart request's
/// `payload_json` part) and any uploaded files. The JSON is parsed into a `Value` only
/// when a route or the record of the request needs it.
pub(super) struct RequestBody<'a> {
    json: &'a [u8],
    multipart: bool,
    files: Vec<RecordedFile>,
    parsed: std::cell::OnceCell<Value>,
}

impl<'a> RequestBody<'a> {
    fn read(content_type: &str, bytes: &'a [u8]) -> Self {
        let boundary = content_type
            .starts_with("multipart/form-data")
            .then(|| content_type.split("boundary=").nth(1))
            .flatten();
        let (json, files) = match boundary {
            Some(boundary) => parse_multipart(boundary.trim_matches('"'), bytes),
            None => (bytes, Vec::new()),
        };
        Self {
            json,
            multipart: boundary.is_some(),
            files,
            parsed: std::cell::OnceCell::new(),
        }
    }

    /// The JSON as a `Value`: `Null` when there is none; text that is not JSON is a
    /// string (`Null` in a multipart part).
    fn value(&self) -> &Value {
        self.parsed.get_or_init(|| {
            if self.json.is_empty() {
                return Value::Null;
            }
            serde_json::from_slice(self.json).unwrap_or_else(|_| {
                if self.multipart {
                    Value::Null
                } else {
                    Value::String(String::from_utf8_lossy(self.json).into_owned())
                }
            })
        })
    }

    fn into_parts(self) -> (Value, Vec<RecordedFile>) {
        self.value();
        (self.parsed.into_inner().unwrap_or_default(), self.files)
    }
}

/// The `payload_json` part (empty if none) and the files of a multipart body.
fn parse_multipart<'a>(boundary: &str, bytes: &'a [u8]) -> (&'a [u8], Vec<RecordedFile>) {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut body: &[u8] = &[];
    let mut files = Vec::new();
    let mut rest = bytes;
    while let Some(start) = find(rest, &delimiter) {
        rest = &rest[start + delimiter.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let end = find(rest, &delimiter).unwrap_or(rest.len());
        let part = &rest[..end];
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        let Some(split) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]).to_string();
        let content = &part[split + 4..];
        let name = header_param(&head, "name").unwrap_or_default();
        match header_param(&head, "filename") {
            Some(filename) => files.push(RecordedFile {
                field: name,
                filename,
                content: content.to_vec(),
            }),
            None if name == "payload_json" => body = content,
            None => {}
        }
    }
    (body, files)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn header_param(head: &str, key: &str) -> Option<String> {
    let pattern = format!("{key}=\"");
    let mut search = head;
    while let Some(pos) = search.find(&pattern) {
        // Skip `filename=` when looking for `name=`.
        let before = search[..pos].chars().last();
        let value_start = pos + pattern.len();
        if matches!(before, None | Some(' ' | ';')) {
            let value = &search[value_start..];
            return value.find('"').map(|end| value[..end].to_string());
        }
        search = &search[value_start..];
    }
    None
}
