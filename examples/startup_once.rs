//! Loads, checks and indexes the embedded data once, then answers one question: for
//! counting instructions (`valgrind --tool=callgrind`), which a busy machine does not skew.
fn main() {
    let kb = jedi_bot::KnowledgeBase::embedded().unwrap();
    let engine = jedi_bot::Engine::new(kb, jedi_bot::Thresholds::default());
    std::hint::black_box(engine.ask(std::env::args().nth(1).as_deref().unwrap_or("who won jedi")));
}
