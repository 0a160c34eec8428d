//! Times the stages of start-up and of answering: the fastest of several runs, so a busy
//! machine skews it less (a rough profile; the benchmarks are in `benches/`).
//! Run: `cargo run --release --example profile_startup`
use std::time::{Duration, Instant};

use jedi_bot::{DataSource, Engine, KnowledgeBase, Thresholds};

fn fastest(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn main() {
    let only_ask = std::env::args().any(|a| a == "ask");
    let runs = if only_ask { 0 } else { 10 };
    let load = fastest(runs.max(1), || {
        std::hint::black_box(KnowledgeBase::load(&DataSource::Embedded).unwrap());
    });
    let index = fastest(runs.max(1), || {
        let kb = KnowledgeBase::load(&DataSource::Embedded).unwrap();
        std::hint::black_box(Engine::new(kb, Thresholds::default()));
    });
    println!("load+check {load:?}, load+check+index {index:?}");
    let engine = Engine::new(KnowledgeBase::embedded().unwrap(), Thresholds::default());
    let questions: Vec<String> = std::fs::read_to_string("tests/data/questions.jsonl")
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["q"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let n = questions.len() as u32;
    let analyze = fastest(10, || {
        for q in &questions {
            std::hint::black_box(engine.kb().analyzer().analyze(q));
        }
    });
    let ask = fastest(if only_ask { 200 } else { 10 }, || {
        for q in &questions {
            std::hint::black_box(engine.ask(q));
        }
    });
    println!("analyze {:?}/q, ask {:?}/q", analyze / n, ask / n);
}
