//! The timeline picture: drawing it (once per data generation and range of events) and
//! fetching it from the cache (every `/timeline` after the first).
//!
//! Run with `cargo bench --bench picture`.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use jedi_bot::discord::pictures::TimelinePictures;
use jedi_bot::{Engine, Thresholds};

fn picture(c: &mut Criterion) {
    let kb = jedi_bot::data::embedded().expect("the embedded data loads");
    let events = kb.timeline_between(None, None);
    let credit = kb.source().attribution.clone();
    c.bench_function("timeline/svg", |b| {
        b.iter(|| jedi_bot::picture::timeline_svg(black_box(&events), &credit))
    });
    c.bench_function("timeline/png (drawn)", |b| {
        b.iter(|| jedi_bot::picture::timeline_png(black_box(&events), &credit).unwrap())
    });
    let engine = Arc::new(Engine::new(
        jedi_bot::data::embedded().expect("the embedded data loads"),
        Thresholds::default(),
    ));
    let pictures = TimelinePictures::new();
    pictures.get(&engine, None, None).unwrap();
    c.bench_function("timeline/png (cached)", |b| {
        b.iter(|| pictures.get(black_box(&engine), None, None).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = picture
}
criterion_main!(benches);
