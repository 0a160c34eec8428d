//! Checks shared by the fuzz targets: every Discord size limit of a rendered reply.

#![allow(dead_code)]

use jedi_bot::discord::render::{CustomId, Reply};
use jedi_bot::limits;
use serde_json::Value;

/// Characters of a JSON string (0 when absent), as Discord counts them.
fn chars(value: Option<&Value>) -> usize {
    value
        .and_then(Value::as_str)
        .map_or(0, |s| s.chars().count())
}

fn non_blank(value: Option<&Value>) -> bool {
    value
        .and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

/// Asserts that `reply` would be accepted by Discord: not empty, content, embed and buttons
/// within every limit. `what` names the reply in the panic message.
pub fn check_reply(reply: &Reply, what: &str) {
    let has_content = reply
        .content
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty());
    assert!(
        has_content || reply.embed.is_some(),
        "{what}: the reply has neither content nor an embed: {reply:?}"
    );
    if let Some(content) = &reply.content {
        let n = content.chars().count();
        assert!(
            n <= limits::MESSAGE_CONTENT,
            "{what}: content has {n} characters (limit {})",
            limits::MESSAGE_CONTENT
        );
    }
    if let Some(embed) = &reply.embed {
        let json = serde_json::to_value(embed).expect("an embed serializes");
        check_embed(&json, what);
    }
    let max_buttons = limits::BUTTONS_PER_ROW * limits::ACTION_ROWS;
    assert!(
        reply.buttons.len() <= max_buttons,
        "{what}: {} buttons (at most {max_buttons} fit)",
        reply.buttons.len()
    );
    for button in &reply.buttons {
        let json = serde_json::to_value(button).expect("a button serializes");
        let label = chars(json.get("label"));
        assert!(
            non_blank(json.get("label")) && label <= limits::BUTTON_LABEL,
            "{what}: button label of {label} characters: {json}"
        );
        let id = json.get("custom_id").and_then(Value::as_str).unwrap_or("");
        assert!(
            !id.is_empty() && id.chars().count() <= limits::CUSTOM_ID,
            "{what}: button custom id of {} characters: {json}",
            id.chars().count()
        );
        assert!(
            CustomId::decode(id).is_some(),
            "{what}: button custom id {id:?} does not decode"
        );
    }
}

/// Asserts every limit of a serialized embed.
pub fn check_embed(embed: &Value, what: &str) {
    let title = chars(embed.get("title"));
    let description = chars(embed.get("description"));
    let footer = chars(embed.get("footer").and_then(|f| f.get("text")));
    let author = chars(embed.get("author").and_then(|a| a.get("name")));
    assert!(
        title <= limits::EMBED_TITLE,
        "{what}: embed title of {title} characters"
    );
    assert!(
        description <= limits::EMBED_DESCRIPTION,
        "{what}: embed description of {description} characters"
    );
    assert!(
        footer <= limits::EMBED_FOOTER,
        "{what}: embed footer of {footer} characters"
    );
    assert!(
        author <= limits::EMBED_TITLE,
        "{what}: embed author of {author} characters"
    );
    let fields = embed
        .get("fields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    assert!(
        fields.len() <= limits::EMBED_FIELDS,
        "{what}: {} embed fields",
        fields.len()
    );
    let mut total = title + description + footer + author;
    for field in &fields {
        let name = chars(field.get("name"));
        let value = chars(field.get("value"));
        // Discord rejects an empty (or blank) field name or value.
        assert!(
            non_blank(field.get("name")) && name <= limits::EMBED_FIELD_NAME,
            "{what}: embed field name of {name} characters: {field}"
        );
        assert!(
            non_blank(field.get("value")) && value <= limits::EMBED_FIELD_VALUE,
            "{what}: embed field value of {value} characters: {field}"
        );
        total += name + value;
    }
    assert!(
        total <= limits::EMBED_TOTAL,
        "{what}: embed of {total} characters in all (limit {})",
        limits::EMBED_TOTAL
    );
    assert!(
        title + description + fields.len() > 0,
        "{what}: the embed is empty: {embed}"
    );
}
