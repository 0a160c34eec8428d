//! Engine benchmarks (criterion). Run with `cargo bench --bench engine`.
//!
//! - `ask/real-data`: one question at a time, cycling through the dev set and the
//!   project's own question set, against the embedded data.
//! - `startup/embedded`: load, check and index the embedded data.
//! - `ask/synthetic-10k`: a generated knowledge base of 10,000 entries (80,000 phrasings).

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use jedi_bot::{DataSource, Engine, KnowledgeBase, Thresholds};

fn questions() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut questions = Vec::new();
    for file in ["dev.jsonl", "questions.jsonl"] {
        let cases = jedi_bot::eval::read_cases(&root.join(file)).expect("question set");
        questions.extend(cases.into_iter().map(|c| c.q));
    }
    questions
}

fn real_data(c: &mut Criterion) {
    let engine = Engine::new(KnowledgeBase::embedded().unwrap(), Thresholds::default());
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
            let kb = KnowledgeBase::embedded().unwrap();
            Engine::new(kb, Thresholds::default())
        })
    });
}

/// A small deterministic generator for the synthetic data.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Writes a data directory of `entries` generated entries, 8 phrasings each, over a
/// vocabulary of 20,000 made-up words; returns it with questions to ask.
fn synthetic(entries: usize) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for file in [
        "vocabulary.toml",
        "english-words.txt",
        "source.toml",
        "timeline.toml",
        "quotes.toml",
    ] {
        std::fs::copy(data.join(file), dir.path().join(file)).unwrap();
    }
    let mut rng = Lcg(42);
    let syllables = [
        "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "qua", "bri", "dor",
    ];
    let vocabulary: Vec<String> = (0..20_000)
        .map(|_| {
            (0..3 + rng.below(2))
                .map(|_| syllables[rng.below(syllables.len())])
                .collect()
        })
        .collect();
    let starts = [
        "who", "when", "what", "why", "how much", "where", "did", "is",
    ];
    let article = std::fs::read_to_string(data.join("article.txt")).unwrap();
    let mut qa = String::new();
    let mut questions = Vec::new();
    for e in 0..entries {
        let topic: Vec<&str> = (0..4)
            .map(|_| vocabulary[rng.below(vocabulary.len())].as_str())
            .collect();
        qa.push_str(&format!("[[entry]]\nid = \"entry-{e}\"\nquestions = [\n"));
        for p in 0..8 {
            let start = starts[rng.below(starts.len())];
            let extra = &vocabulary[rng.below(vocabulary.len())];
            let phrasing = format!(
                "{start} {} {} {extra} {p}",
                topic[p % 4],
                topic[(p + 1) % 4]
            );
            qa.push_str(&format!("  \"{phrasing}\",\n"));
            if p == 0 {
                // Ask it with a typo and a word the data does not know.
                let mut typo = topic[1].to_string();
                typo.insert(1, 'x');
                questions.push(format!("{start} {} {typo} please jedi", topic[0]));
            }
        }
        qa.push_str("]\nanswer = \"A generated answer.\"\nsources = [\"Microsoft declined to comment to CRN on the CNBC report.\"]\n\n");
    }
    std::fs::write(dir.path().join("qa.toml"), qa).unwrap();
    std::fs::write(dir.path().join("article.txt"), article).unwrap();
    (dir, questions)
}

fn synthetic_10k(c: &mut Criterion) {
    let (dir, questions) = synthetic(10_000);
    let kb = KnowledgeBase::load(&DataSource::Dir(dir.path().to_path_buf()))
        .expect("synthetic data loads");
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

criterion_group!(benches, real_data, synthetic_10k);
criterion_main!(benches);
