//! JSON shapes that serenity 0.12.5 accepts: users, messages, interactions, READY, commands.
//!
//! Every builder here emits the fields serenity's models require (a missing required field
//! turns a gateway event into `Event::Unknown`, which serenity only logs at DEBUG).

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
}

/// A full Message object. Fields taken from `body` (a create/edit body or a dispatch spec):
/// content, tts, embeds, components, flags, message_reference, mentions, mention_everyone,
/// mention_roles, attachments.
pub(super) fn message(parts: MessageParts<'_>, body: &Value) -> Value {
    // Built field by field: `json!` would copy each `Value` through a serializer, and
    // the fake shares the machine's cores with the bot under test.
    let mut msg = Map::with_capacity(22);
    let mut put = |key: &str, value: Value| {
        msg.insert(key.to_string(), value);
    };
    let get_array = |key: &str| {
        body.get(key)
            .filter(|v| v.is_array())
            .cloned()
            .unwrap_or_else(|| Value::Array(Vec::new()))
    };
    let mut reference = body
        .get("message_reference")
        .filter(|v| v.is_object())
        .cloned();
    if let Some(Value::Object(r)) = reference.as_mut() {
        if !r.contains_key("channel_id") {
            r.insert("channel_id".into(), parts.channel_id.to_string().into());
        }
    }
    let kind = if reference.is_some() { 19 } else { 0 };
    let flag = |key: &str| Value::Bool(body.get(key).and_then(Value::as_bool).unwrap_or(false));
    put("id", parts.id.to_string().into());
    put("channel_id", parts.channel_id.to_string().into());
    put("author", parts.author);
    put(
        "content",
        body.get("content")
            .and_then(Value::as_str)
            .unwrap_or("")
            .into(),
    );
    put("timestamp", parts.timestamp.into());
    put("edited_timestamp", Value::Null);
    put("tts", flag("tts"));
    put("mention_everyone", flag("mention_everyone"));
    for key in [
        "mentions",
        "mention_roles",
        "attachments",
        "embeds",
        "components",
    ] {
        put(key, get_array(key));
    }
    put("pinned", Value::Bool(false));
    put("type", kind.into());
    put(
        "flags",
        body.get("flags")
            .filter(|v| v.is_u64())
            .cloned()
            .unwrap_or(0.into()),
    );
    let id_or_null = |id: Option<u64>| id.map_or(Value::Null, |id| id.to_string().into());
    put("webhook_id", id_or_null(parts.webhook_id));
    put("application_id", id_or_null(parts.application_id));
    if let Some(g) = parts.guild_id {
        put("guild_id", g.to_string().into());
    }
    if let Some(r) = reference {
        put("message_reference", r);
    }
    Value::Object(msg)
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

    #[test]
    fn timestamps_are_rfc3339() {
        assert_eq!(iso_timestamp(0), "1970-01-01T00:00:00.000000+00:00");
        assert_eq!(
            iso_timestamp(1_709_251_199_123),
            "2024-02-29T23:59:59.123000+00:00"
        );
    }
}
