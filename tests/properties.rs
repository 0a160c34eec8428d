//! Properties over arbitrary input (proptest, bounded case counts for CI): no question
//! panics the engine or yields a reply over Discord's limits, and normalising is idempotent.

use std::sync::OnceLock;

use jedi_bot::config::ReplyStyle;
use jedi_bot::discord::render;
use jedi_bot::{limits, Engine, Thresholds};
use proptest::prelude::*;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(jedi_bot::data::embedded().unwrap(), Thresholds::default()))
}

/// Text that looks like what Discord users send, hostile parts included.
fn discordish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z]{1,12}",
        Just(" ".to_string()),
        Just("jedi".to_string()),
        Just("microsoft".to_string()),
        Just("<@123456789012345678>".to_string()),
        Just("<@&1>".to_string()),
        Just("@everyone".to_string()),
        Just("**".to_string()),
        Just("||".to_string()),
        Just("`".to_string()),
        Just("\u{200B}".to_string()),
        Just("\u{202E}".to_string()),
        Just("\u{0301}".to_string()),
        Just("😀".to_string()),
        Just("\0".to_string()),
        Just("’".to_string()),
        Just("https://example.com/a?b=c".to_string()),
        "\\PC{1,4}",
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_question_panics_or_overflows_a_reply(question in discordish()) {
        let engine = engine();
        let outcome = engine.ask(&question);
        prop_assert!((0.0..=1.0).contains(&outcome.score()));
        for style in [ReplyStyle::Embed, ReplyStyle::Plain] {
            let reply = render::outcome(&outcome, engine.kb(), style, 5);
            if let Some(content) = &reply.content {
                prop_assert!(content.chars().count() <= limits::MESSAGE_CONTENT);
            }
            prop_assert!(reply.buttons.len() <= limits::BUTTONS_PER_ROW * limits::ACTION_ROWS);
        }
        let _ = engine.rank(&question, limits::AUTOCOMPLETE_CHOICES);
        let escaped = render::escape_user_text(&question, 300);
        prop_assert!(escaped.chars().count() <= 300);
        prop_assert!(!escaped.contains("@everyone"));
    }

    #[test]
    fn any_unicode_never_panics(question in "\\PC{0,200}") {
        let _ = engine().ask(&question);
    }

    #[test]
    fn normalising_is_idempotent(text in discordish()) {
        let kb = engine().kb();
        let once = kb.normalize(&text);
        prop_assert_eq!(kb.normalize(&once), once);
    }

    #[test]
    fn long_messages_are_fine(word in "[a-z]{1,10}", n in 1usize..500) {
        let question = format!("{word} ").repeat(n);
        let outcome = engine().ask(&question);
        prop_assert!((0.0..=1.0).contains(&outcome.score()));
    }
}

/// Every input the fuzzers found (`fuzz/regressions/engine/`) is answered or declined here
/// too, within Discord's limits, and normalises idempotently. The findings: one
/// 4000-character word made the speller hash millions of deleted forms (about 10 s a
/// question in release); "18b" read "18 billion", which read again gave "2018 billion".
#[test]
fn fuzz_regressions_are_answered_within_limits() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/engine");
    let mut seen = 0;
    for file in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        let question = String::from_utf8_lossy(&bytes);
        let outcome = engine().ask(&question);
        assert!((0.0..=1.0).contains(&outcome.score()));
        let kb = engine().kb();
        let once = kb.normalize(&question);
        assert_eq!(kb.normalize(&once), once, "{question:?}");
        let reply = render::outcome(&outcome, engine().kb(), ReplyStyle::Embed, 3);
        if let Some(content) = &reply.content {
            assert!(content.chars().count() <= limits::MESSAGE_CONTENT);
        }
        seen += 1;
    }
    assert!(
        seen >= 2,
        "the regression inputs are missing from {}",
        dir.display()
    );
}
