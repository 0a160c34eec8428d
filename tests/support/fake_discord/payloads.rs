//! JSON shapes that serenity 0.12.5 accepts: users, messages, interactions, READY, commands.
//!
//! Every builder here emits the fields serenity's models require (a missing required field
//! turns a gateway event into `Event::Unknown`, which serenity only logs at DEBUG).

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

/// Milliseconds since the Unix epoch.
pub(super) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// RFC 3339 timestamp (`2024-05-01T12:00:00.000000+00:00`) for a Unix time in milliseconds.
pub(super) fn iso_timestamp(ms: u64) -> String {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}000+00:00",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        ms % 1000
    )
}

/// A user object. `name` defaults to `user{id}` when the caller has no better one.
pub(super) fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "global_name": null,
        "avatar": null,
        "bot": bot,
    })
}

/// A guild member wrapping `user` (the shape interactions carry).
pub(super) fn member(user: Value, joined_at: &str) -> Value {
    json!({
        "user": user,
        "roles": [],
        "joined_at": joined_at,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "permissions": "2251799813685247",
    })
}

/// READY `d`.
pub(super) fn ready(
    bot_user: Value,
    session_id: &str,
    resume_url: &str,
    shard: [u64; 2],
    app_id: u64,
) -> Value {
    json!({
        "v": 10,
        "user": bot_user,
        "guilds": [],
        "session_id": session_id,
        "resume_gateway_url": resume_url,
        "shard": shard,
        "application": { "id": app_id.to_string(), "flags": 0 },
    })
}

/// What a created or dispatched message needs beyond its content.
pub(super) struct MessageParts<'a> {
    pub id: u64,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub author: Value,
    pub timestamp: &'a str,
    pub webhook_id: Option<u64>,
    pub application_id: Option<u64>,
    /// The message's attachments (files uploaded with it), instead of the body's.
    pub attachments: Option<Value>,
}

/// A full Message object, as JSON text. Fields taken from `body` (the JSON text of a
/// create body or a dispatch spec): content, tts, embeds, components, flags,
/// message_reference, mentions, mention_everyone, mention_roles, attachments. A field of
/// the wrong type gets its default, as does every field of a body that is not an object.
///
/// The body's arrays are copied as text, not parsed into `Value`s and written back: that
/// way a bot's reply with an embed and buttons costs the fake little more than an echo's
/// line of text, on the cores it shares with the bot under test.
pub(super) fn message_json(parts: MessageParts<'_>, body: &[u8]) -> Vec<u8> {
    // Top-level fields, values as raw JSON text (a repeated key: the last one, as in a
    // `Value`).
    let fields: HashMap<Cow<'_, str>, &RawValue> = serde_json::from_slice(body).unwrap_or_default();
    let raw = |key: &str| fields.get(key).map(|v| v.get());
    let array = |key: &str| -> &RawValue {
        match fields.get(key) {
            Some(v) if v.get().starts_with('[') => v,
            _ => empty_array(),
        }
    };
    let content: Cow<'_, str> = raw("content")
        .and_then(|v| serde_json::from_str(v).ok())
        .unwrap_or_default();
    let mut reference: Option<Map<String, Value>> = raw("message_reference")
        .filter(|v| v.starts_with('{'))
        .and_then(|v| serde_json::from_str(v).ok());
    if let Some(r) = reference.as_mut() {
        if !r.contains_key("channel_id") {
            r.insert("channel_id".into(), parts.channel_id.to_string().into());
        }
    }
    let body_attachments = array("attachments");
    let message = Created {
        id: parts.id.to_string(),
        channel_id: parts.channel_id.to_string(),
        author: &parts.author,
        content: &content,
        timestamp: parts.timestamp,
        edited_timestamp: None,
        tts: raw("tts") == Some("true"),
        mention_everyone: raw("mention_everyone") == Some("true"),
        mentions: array("mentions"),
        mention_roles: array("mention_roles"),
        attachments: match &parts.attachments {
            Some(files) => Attachments::Files(files),
            None => Attachments::Body(body_attachments),
        },
        embeds: array("embeds"),
        components: array("components"),
        pinned: false,
        kind: if reference.is_some() { 19 } else { 0 },
        flags: raw("flags").and_then(|v| v.parse().ok()).unwrap_or(0),
        webhook_id: parts.webhook_id.map(|id| id.to_string()),
        application_id: parts.application_id.map(|id| id.to_string()),
        guild_id: parts.guild_id.map(|id| id.to_string()),
        message_reference: reference,
    };
    serde_json::to_vec(&message).expect("a message serialises")
}

fn empty_array() -> &'static RawValue {
    serde_json::from_str("[]").expect("an empty array parses")
}

#[derive(Serialize)]
struct Created<'a> {
    id: String,
    channel_id: String,
    author: &'a Value,
    content: &'a str,
    timestamp: &'a str,
    edited_timestamp: Option<&'a str>,
    tts: bool,
    mention_everyone: bool,
    mentions: &'a RawValue,
    mention_roles: &'a RawValue,
    attachments: Attachments<'a>,
    embeds: &'a RawValue,
    components: &'a RawValue,
    pinned: bool,
    #[serde(rename = "type")]
    kind: u8,
    flags: u64,
    webhook_id: Option<String>,
    application_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    guild_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_reference: Option<Map<String, Value>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Attachments<'a> {
    Files(&'a Value),
    Body(&'a RawValue),
}

/// [`message_json`] as a `Value`, for messages the fake keeps or dispatches.
pub(super) fn message(parts: MessageParts<'_>, body: &Value) -> Value {
    let body = serde_json::to_vec(body).expect("a JSON value serialises");
    serde_json::from_slice(&message_json(parts, &body)).expect("a message parses")
}

/// Applies an edit body (PATCH) to a stored message.
pub(super) fn apply_edit(msg: &mut Value, body: &Value, timestamp: &str) {
    let (Value::Object(m), Value::Object(b)) = (msg, body) else {
        return;
    };
    for key in ["content", "embeds", "components", "flags", "attachments"] {
        if let Some(v) = b.get(key) {
            if !v.is_null() {
                m.insert(key.into(), v.clone());
            }
        }
    }
    m.insert("edited_timestamp".into(), json!(timestamp));
}

/// An attachment object for a file uploaded with multipart.
pub(super) fn attachment(id: u64, filename: &str, size: usize) -> Value {
    json!({
        "id": id.to_string(),
        "filename": filename,
        "size": size,
        "url": format!("https://cdn.invalid/attachments/{id}/{filename}"),
        "proxy_url": format!("https://media.invalid/attachments/{id}/{filename}"),
    })
}

/// Shared fields of an INTERACTION_CREATE `d`.
pub(super) struct InteractionParts {
    pub id: u64,
    pub app_id: u64,
    pub kind: u8,
    pub token: String,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub user: Value,
    pub joined_at: String,
    pub locale: String,
    pub data: Value,
    pub message: Option<Value>,
}

pub(super) fn interaction(p: InteractionParts) -> Value {
    let mut d = Map::new();
    d.insert("id".into(), json!(p.id.to_string()));
    d.insert("application_id".into(), json!(p.app_id.to_string()));
    d.insert("type".into(), json!(p.kind));
    d.insert("token".into(), json!(p.token));
    d.insert("version".into(), json!(1));
    d.insert("channel_id".into(), json!(p.channel_id.to_string()));
    d.insert("locale".into(), json!(p.locale));
    d.insert("entitlements".into(), json!([]));
    d.insert("attachment_size_limit".into(), json!(26_214_400));
    d.insert("app_permissions".into(), json!("2251799813685247"));
    d.insert("data".into(), p.data);
    match p.guild_id {
        Some(g) => {
            d.insert("guild_id".into(), json!(g.to_string()));
            d.insert("guild_locale".into(), json!("en-US"));
            d.insert("member".into(), member(p.user, &p.joined_at));
            d.insert("context".into(), json!(0));
        }
        None => {
            d.insert("user".into(), p.user);
            d.insert("context".into(), json!(1));
        }
    }
    if let Some(m) = p.message {
        d.insert("message".into(), m);
    }
    Value::Object(d)
}

/// Echo of one command from a create/overwrite body: the body plus id, application_id,
/// version, type, guild_id and defaults serenity requires.
pub(super) fn command(
    body: &Value,
    id: u64,
    version: u64,
    app_id: u64,
    guild_id: Option<u64>,
) -> Value {
    let mut c = match body {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    c.insert("id".into(), json!(id.to_string()));
    c.insert("application_id".into(), json!(app_id.to_string()));
    c.insert("version".into(), json!(version.to_string()));
    c.entry("type").or_insert(json!(1));
    c.entry("name").or_insert(json!(""));
    c.entry("description").or_insert(json!(""));
    c.entry("nsfw").or_insert(json!(false));
    if let Some(g) = guild_id {
        c.insert("guild_id".into(), json!(g.to_string()));
    }
    Value::Object(c)
}

/// A Discord-style JSON error body.
pub(super) fn error(code: u64, message: &str) -> Value {
    json!({ "code": code, "message": message })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(attachments: Option<Value>) -> MessageParts<'static> {
        MessageParts {
            id: 7,
            channel_id: 5,
            guild_id: None,
            author: user(1, "FakeBot", true),
            timestamp: "2024-05-01T12:00:00.000000+00:00",
            webhook_id: None,
            application_id: None,
            attachments,
        }
    }

    fn created(body: &str) -> Value {
        serde_json::from_slice(&message_json(parts(None), body.as_bytes())).unwrap()
    }

    #[test]
    fn a_created_message_copies_the_body_and_adds_what_discord_adds() {
        let body = json!({
            "content": "a \"quoted\" \u{e9} answer",
            "tts": true,
            "flags": 4,
            "embeds": [{ "title": "T", "fields": [{ "name": "n", "value": "v", "inline": false }] }],
            "components": [{ "type": 1, "components": [{ "type": 2, "custom_id": "ask:x" }] }],
            "message_reference": { "message_id": "9" },
            "allowed_mentions": { "parse": [] },
        });
        let msg = created(&body.to_string());
        assert_eq!(msg["id"], "7");
        assert_eq!(msg["channel_id"], "5");
        assert_eq!(msg["author"]["username"], "FakeBot");
        assert_eq!(msg["content"], body["content"]);
        assert_eq!(msg["tts"], true);
        assert_eq!(msg["flags"], 4);
        assert_eq!(msg["embeds"], body["embeds"]);
        assert_eq!(msg["components"], body["components"]);
        assert_eq!(msg["type"], 19, "a reply");
        assert_eq!(
            msg["message_reference"],
            json!({ "message_id": "9", "channel_id": "5" })
        );
        assert_eq!(msg["edited_timestamp"], Value::Null);
        assert_eq!(msg["mentions"], json!([]));
        assert!(msg.get("guild_id").is_none());
        assert!(msg.get("allowed_mentions").is_none());
    }

    #[test]
    fn wrong_types_and_bodies_that_are_not_objects_get_defaults() {
        for body in [
            r#"{"content": 5, "tts": "yes", "flags": -1, "embeds": {}, "message_reference": []}"#,
            r#"[1, 2]"#,
            "null",
            "not json",
            "",
        ] {
            let msg = created(body);
            assert_eq!(msg["content"], "", "{body}");
            assert_eq!(msg["tts"], false, "{body}");
            assert_eq!(msg["flags"], 0, "{body}");
            assert_eq!(msg["embeds"], json!([]), "{body}");
            assert_eq!(msg["type"], 0, "{body}");
            assert!(msg.get("message_reference").is_none(), "{body}");
        }
        // Escapes in the text are read, not copied.
        assert_eq!(
            created(r#"{"content": "caf\u00e9 \"x\""}"#)["content"],
            "café \"x\""
        );
        // A repeated key: the last one, as when the body is read into a `Value`.
        assert_eq!(
            created(r#"{"content": "a", "content": "b"}"#)["content"],
            "b"
        );
    }

    #[test]
    fn uploaded_files_replace_the_bodys_attachments() {
        let files = json!([attachment(3, "a.txt", 10)]);
        let text = message_json(
            parts(Some(files.clone())),
            br#"{"attachments": [{"id": 0, "filename": "a.txt"}]}"#,
        );
        let msg: Value = serde_json::from_slice(&text).unwrap();
        assert_eq!(msg["attachments"], files);
        assert_eq!(
            created(r#"{"attachments": [{"id": 0}]}"#)["attachments"],
            json!([{"id": 0}])
        );
    }

    #[test]
    fn timestamps_are_rfc3339() {
        assert_eq!(iso_timestamp(0), "1970-01-01T00:00:00.000000+00:00");
        assert_eq!(
            iso_timestamp(1_709_251_199_123),
            "2024-02-29T23:59:59.123000+00:00"
        );
    }
}
