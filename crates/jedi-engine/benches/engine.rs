//! Engine benchmarks (criterion). Run with `cargo bench --bench engine`.
//!
//! - `ask/real-data`: one question at a time, cycling through the dev set and the
//!   project's own question set, against the embedded data.
//! - `startup/embedded`: load, check and index the embedded data.
//! - `ask/synthetic-10k`: a generated knowledge base of 10,000 entries (80,000 phrasings).
//! - `conversation/follow-up` against `conversation/alone`: the second turns of the public
//!   conversations asked in the context of their first turn's answer, and the same
//!   questions asked on their own (a follow-up may cost up to twice a plain question).

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use jedi_engine::eval::Item;
use jedi_engine::{
    synthetic, Conversation, DataSource, Engine, KnowledgeBase, TextBudgets, Thresholds,
};

/// The repository's data, compiled in as the bot compiles it.
const DATA: [(&str, &str); 9] = [
    ("article.txt", include_str!("../../../data/article.txt")),
    ("source.toml", include_str!("../../../data/source.toml")),
    (
        "vocabulary.toml",
        include_str!("../../../data/vocabulary.toml"),
    ),
    (
        "english-words.txt",
        include_str!("../../../data/english-words.txt"),
    ),
    (
        "word-frequency.txt",
        include_str!("../../../data/word-frequency.txt"),
    ),
    (
        "related-words.txt",
        include_str!("../../../data/related-words.txt"),
    ),
    ("qa.toml", include_str!("../../../data/qa.toml")),
    ("timeline.toml", include_str!("../../../data/timeline.toml")),
    ("quotes.toml", include_str!("../../../data/quotes.toml")),
];

fn real_kb() -> KnowledgeBase {
    KnowledgeBase::load(&DataSource::Static(&DATA), TextBudgets::UNLIMITED).unwrap()
}

fn questions() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data");
    let mut questions = Vec::new();
    for file in ["dev.jsonl", "questions.jsonl"] {
        let cases = jedi_engine::eval::read_cases(&root.join(file)).expect("question set");
        questions.extend(cases.into_iter().map(|c| c.q));
    }
    questions
}

fn real_data(c: &mut Criterion) {
    let engine = Engine::new(real_kb(), Thresholds::default());
    let questions = questions();
    let mut i = 0;
    c.bench_function("ask/real-data", |b| {
        b.iter(|| {
            let question = &questions[i % questions.len()];
            i += 1;
            black_box(engine.ask(black_box(question)))
        })
    });
    // Start-up is loading, checking and indexing; dropping the engine afterwards is not.
    c.bench_function("startup/embedded", |b| {
        b.iter_with_large_drop(|| {
            let kb = real_kb();
            Engine::new(kb, Thresholds::default())
        })
    });
}

fn synthetic_10k(c: &mut Criterion) {
    let (source, questions) = synthetic::data(10_000);
    let kb = KnowledgeBase::load(&source, TextBudgets::UNLIMITED).expect("synthetic data loads");
    let engine = Engine::new(kb, Thresholds::default());
    let mut i = 0;
    c.bench_function("ask/synthetic-10k", |b| {
        b.iter(|| {
            let question = &questions[i % questions.len()];
            i += 1;
            black_box(engine.ask(black_box(question)))
        })
    });
}

/// The conversations' second turns, each with the conversation its first turn leaves.
fn follow_ups(engine: &Engine) -> Vec<(Conversation, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/dialogs-dev.jsonl");
    let items = jedi_engine::eval::read_items(&path).expect("conversations");
    items
        .into_iter()
        .filter_map(|item| match item {
            Item::Dialog(dialog) if dialog.dialog.len() >= 2 => {
                let mut conversation = Conversation::new();
                engine.ask_in(&dialog.dialog[0].q, &mut conversation);
                Some((conversation, dialog.dialog[1].q.clone()))
            }
            _ => None,
        })
        .collect()
}

fn conversation(c: &mut Criterion) {
    let engine = Engine::new(real_kb(), Thresholds::default());
    let turns = follow_ups(&engine);
    let mut i = 0;
    c.bench_function("conversation/follow-up", |b| {
        b.iter_batched(
            || {
                i += 1;
                turns[i % turns.len()].clone()
            },
            |(mut conversation, question)| {
                black_box(engine.ask_in(black_box(&question), &mut conversation))
            },
            criterion::BatchSize::SmallInput,
        )
    });
    let mut i = 0;
    c.bench_function("conversation/alone", |b| {
        b.iter(|| {
            i += 1;
            let (_, question) = &turns[i % turns.len()];
            black_box(engine.ask(black_box(question)))
        })
    });
}

criterion_group!(benches, real_data, synthetic_10k, conversation);
criterion_main!(benches);
