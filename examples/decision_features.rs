//! Writes, for every question of the sets given, the evidence the engine weighs in
//! deciding whether to answer with its first-ranked entry, and whether that entry is the
//! right answer: the input of `scripts/fit-decision.py`, which fits the decision's
//! weights. Only dev sets belong here, never held-out ones.
//!
//! `cargo run --release --example decision_features -- tests/data/dev.jsonl ... > features.csv`
use jedi_bot::eval::{answer_passes, read_items, Item};
use jedi_bot::{Engine, Thresholds};
use jedi_engine::FEATURES;

/// `case`'s `ok_if` groups as `must` groups.
fn ok_if_case(case: &jedi_bot::eval::Case) -> jedi_bot::eval::Case {
    jedi_bot::eval::Case {
        must: case.ok_if.clone(),
        not: Vec::new(),
        ..case.clone()
    }
}

fn main() {
    let engine = Engine::new(jedi_bot::data::embedded().unwrap(), Thresholds::default());
    println!(
        "file,kind,persona,gap,right,{},question",
        FEATURES.join(",")
    );
    for file in std::env::args().skip(1) {
        for item in read_items(std::path::Path::new(&file)).unwrap() {
            let Item::Question(case) = item else { continue };
            let explanation = engine.explain(&case.q, 5);
            let Some(evidence) = explanation.evidence else {
                continue;
            };
            let id = &explanation.top[0].id;
            let entry = engine.kb().entry(id).unwrap();
            // A gap entry is the right reading of a question not to be answered: its
            // decline says what the article leaves out.
            let right = if entry.covered {
                let honest = case.none
                    && !case.ok_if.is_empty()
                    && answer_passes(&ok_if_case(&case), &entry.answer);
                (!case.none && answer_passes(&case, &entry.answer)) || honest
            } else {
                case.none
            };
            let features: Vec<String> = evidence
                .features()
                .iter()
                .map(|x| format!("{x:.4}"))
                .collect();
            println!(
                "{file},{},{},{},{},{},{:?}",
                case.kind().as_str(),
                case.persona.as_deref().unwrap_or(""),
                u8::from(!entry.covered),
                u8::from(right),
                features.join(","),
                case.q.replace(',', " ")
            );
        }
    }
}
