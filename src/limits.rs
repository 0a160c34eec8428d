//! Discord's size limits, which every answer and reply must respect.
//!
//! The knowledge base checks its texts against these when it loads, and the Discord layer
//! truncates anything built from user text to them, so no reply is ever rejected for size.

/// Characters in a plain message's content.
pub const MESSAGE_CONTENT: usize = 2000;
/// Characters in an embed's title.
pub const EMBED_TITLE: usize = 256;
/// Characters in an embed's description.
pub const EMBED_DESCRIPTION: usize = 4096;
/// Characters in an embed field's name.
pub const EMBED_FIELD_NAME: usize = 256;
/// Characters in an embed field's value.
pub const EMBED_FIELD_VALUE: usize = 1024;
/// Fields in one embed.
pub const EMBED_FIELDS: usize = 25;
/// Characters in an embed's footer text.
pub const EMBED_FOOTER: usize = 2048;
/// Characters across all of an embed's texts.
pub const EMBED_TOTAL: usize = 6000;
/// Choices in one autocomplete answer.
pub const AUTOCOMPLETE_CHOICES: usize = 25;
/// Characters in an autocomplete choice's name and value.
pub const AUTOCOMPLETE_CHOICE: usize = 100;
/// Buttons in one action row.
pub const BUTTONS_PER_ROW: usize = 5;
/// Action rows in one message.
pub const ACTION_ROWS: usize = 5;
/// Characters in a button's label.
pub const BUTTON_LABEL: usize = 80;
/// Characters in a button's custom id.
pub const CUSTOM_ID: usize = 100;
/// Characters in an event's label in the timeline picture: what fits beside the axis at a
/// size still legible when Discord shrinks the picture into an embed.
pub const TIMELINE_LABEL: usize = 48;

/// Cuts `text` to at most `max` characters (not bytes), ending with "…" when it was cut.
///
/// ```
/// use jedi_bot::limits::truncate;
/// assert_eq!(truncate("abcdef", 4), "abc…");
/// assert_eq!(truncate("abc", 4), "abc");
/// ```
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_counts_characters_not_bytes() {
        let text = "ééééé";
        assert_eq!(truncate(text, 3).chars().count(), 3);
        assert_eq!(truncate(text, 5), text);
        assert_eq!(truncate(text, 0), "");
    }
}
