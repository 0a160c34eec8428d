//! The bot's replies to hostile questions: every reply built from the engine's result
//! within Discord's limits; user text escaped so that it never pings; a message's question
//! never keeps the bot's mention. (The engine alone is the `engine` target.)
#![no_main]

mod common;

use std::sync::OnceLock;

use jedi_bot::config::{ReplyStyle, Triggers};
use jedi_bot::discord::{handler, render};
use jedi_bot::limits::{self, truncate};
use jedi_bot::{Engine, Thresholds};
use libfuzzer_sys::fuzz_target;

const BOT: u64 = 123456789012345678;
const LISTEN: u64 = 42;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let kb = jedi_bot::data::embedded().expect("the embedded data is valid");
        Engine::new(kb, Thresholds::default())
    })
}

fn triggers() -> &'static Triggers {
    static TRIGGERS: OnceLock<Triggers> = OnceLock::new();
    TRIGGERS.get_or_init(|| Triggers {
        prefix: Some("!jedi".into()),
        listen_channels: vec![LISTEN],
        ..Triggers::default()
    })
}

/// Whether `text` holds a user, role or channel mention Discord would resolve:
/// `<@id>`, `<@!id>`, `<@&id>`, `<#id>`.
fn has_mention(text: &str) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len()).any(|i| {
        let rest = &bytes[i..];
        let after = if rest.starts_with(b"<@!") || rest.starts_with(b"<@&") {
            &rest[3..]
        } else if rest.starts_with(b"<@") || rest.starts_with(b"<#") {
            &rest[2..]
        } else {
            return false;
        };
        let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
        digits > 0 && after.get(digits) == Some(&b'>')
    })
}

/// What `escape_user_text` returns must never ping anyone, nor break the line.
fn check_escaped(text: &str, max: usize) {
    let escaped = render::escape_user_text(text, max);
    let n = escaped.chars().count();
    assert!(n <= max, "escape_user_text({max}) gave {n} characters");
    for ping in ["@everyone", "@here"] {
        assert!(
            !escaped.contains(ping),
            "escape_user_text left {ping:?} in {escaped:?}"
        );
    }
    assert!(
        !has_mention(&escaped),
        "escape_user_text left a mention in {escaped:?}"
    );
    // Every '@' is followed by a zero-width space (or is cut off at the end).
    let chars: Vec<char> = escaped.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '@' {
            assert!(
                matches!(chars.get(i + 1), Some('\u{200B}') | Some('…')),
                "escape_user_text left a bare '@' in {escaped:?}"
            );
        }
    }
    assert!(
        !escaped.chars().any(|c| c == '\n' || c == '\r'),
        "escape_user_text left a line break in {escaped:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let engine = engine();
    let kb = engine.kb();
    let outcome = engine.ask(&text);
    for style in [ReplyStyle::Embed, ReplyStyle::Plain] {
        for related in [0, 3, 5] {
            let reply = render::outcome(&outcome, kb, style, related);
            common::check_reply(&reply, &format!("outcome({style:?}, {related})"));
            // The /ask reply: the question quoted back above the answer.
            let mut reply = reply;
            let asked = format!("> {}", render::escape_user_text(&text, 300));
            reply.content = Some(truncate(
                &match reply.content.take() {
                    Some(content) => format!("{asked}\n{content}"),
                    None => asked,
                },
                limits::MESSAGE_CONTENT,
            ));
            common::check_reply(&reply, &format!("/ask reply ({style:?}, {related})"));
        }
    }

    // /quote with the text as speaker, as words, and as a search.
    let source = kb.source();
    for quotes in [
        kb.search_quotes(&text),
        kb.find_quotes(Some(&text), None),
        kb.find_quotes(None, Some(&text)),
    ] {
        common::check_reply(&render::quotes(&quotes, source), "quotes");
    }

    // Messages: mention, prefix and listen channel; the question never keeps the bot's tag.
    for (direct, channel) in [(false, 1), (false, LISTEN), (true, 7)] {
        if let Some((_, question)) = handler::addressed(&text, BOT, direct, channel, triggers()) {
            assert!(
                !question.contains(&format!("<@{BOT}>"))
                    && !question.contains(&format!("<@!{BOT}>")),
                "addressed() kept the bot's mention in {question:?}"
            );
        }
    }

    // User text shown back.
    check_escaped(&text, 300);
    check_escaped(&text, limits::MESSAGE_CONTENT);
    check_escaped(&text, data.first().map_or(1, |&b| b as usize % 40));
});
