//! The engine on hostile questions: normalise (idempotent), ask, rank, explain, find
//! quotes; scores within 0 and 1, "did you mean" never empty, autocomplete best first and
//! never a gap. Depends on the engine crate alone.
#![no_main]

use std::sync::OnceLock;

use jedi_engine::{DataSource, Engine, KnowledgeBase, Outcome, TextBudgets, Thresholds};
use libfuzzer_sys::fuzz_target;

/// The repository's data, compiled in as the bot compiles it.
const DATA: [(&str, &str); 9] = [
    ("article.txt", include_str!("../../data/article.txt")),
    ("source.toml", include_str!("../../data/source.toml")),
    ("vocabulary.toml", include_str!("../../data/vocabulary.toml")),
    ("english-words.txt", include_str!("../../data/english-words.txt")),
    ("word-frequency.txt", include_str!("../../data/word-frequency.txt")),
    ("related-words.txt", include_str!("../../data/related-words.txt")),
    ("qa.toml", include_str!("../../data/qa.toml")),
    ("timeline.toml", include_str!("../../data/timeline.toml")),
    ("quotes.toml", include_str!("../../data/quotes.toml")),
];

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let kb = KnowledgeBase::load(&DataSource::Static(&DATA), TextBudgets::UNLIMITED)
            .expect("the data is valid");
        Engine::new(kb, Thresholds::default())
    })
}

fn score_ok(score: f32) -> bool {
    score.is_finite() && (0.0..=1.0).contains(&score)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let engine = engine();
    let kb = engine.kb();

    let once = kb.normalize(&text);
    assert_eq!(once, kb.normalize(&once), "normalize is not idempotent on {text:?}");

    let outcome = engine.ask(&text);
    assert!(score_ok(outcome.score()), "score {} out of [0, 1]", outcome.score());
    if let Outcome::Suggestions(candidates) = &outcome {
        assert!(!candidates.is_empty(), "\"did you mean\" with no candidates");
    }

    let ranked = engine.rank(&text, 25);
    assert!(ranked.len() <= 25);
    for pair in ranked.windows(2) {
        assert!(pair[0].score >= pair[1].score, "rank is not best first");
    }
    for candidate in &ranked {
        assert!(score_ok(candidate.score), "rank score {}", candidate.score);
        assert!(candidate.entry.covered, "rank offered a gap entry");
    }
    let _ = engine.explain(&text, 5);
    let _ = kb.search_quotes(&text);
    let _ = kb.find_quotes(Some(&text), Some(&text));
});
