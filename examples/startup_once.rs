//! Loads, checks and indexes the embedded data once, then answers every question of the
//! files given (one JSON case a line): for counting instructions with
//! `valgrind --tool=callgrind`, which a busy machine does not skew.
fn main() {
    let kb = jedi_bot::data::embedded().unwrap();
    let engine = jedi_bot::Engine::new(kb, jedi_bot::Thresholds::default());
    for file in std::env::args().skip(1) {
        for case in jedi_bot::eval::read_cases(std::path::Path::new(&file)).unwrap() {
            std::hint::black_box(engine.ask(&case.q));
        }
    }
}
