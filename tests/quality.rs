//! The engine against the question sets, with the floors the project promises:
//! at least 95% of on-topic questions answered right, at most 2% answered wrong, at least
//! 95% of off-topic questions declined. `dev.jsonl` is the public dev set (a copy of
//! `shared/eval/dev.jsonl`); `questions.jsonl` is the project's own larger set and
//! `fresh.jsonl` a second one, written later by someone who had not seen the data.

use jedi_bot::eval::{grade, read_cases, Report};
use jedi_bot::{Engine, KnowledgeBase, Thresholds};

const MIN_CORRECT: f64 = 0.95;
const MAX_WRONG: f64 = 0.02;
const MIN_OFF_TOPIC_DECLINED: f64 = 0.95;

fn report(file: &str) -> Report {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    let cases = read_cases(&path).unwrap();
    let engine = Engine::new(KnowledgeBase::embedded().unwrap(), Thresholds::default());
    grade(&engine, &cases)
}

fn assert_floors(file: &str, min_cases: usize) {
    let report = report(file);
    let failures: Vec<String> = report
        .failures
        .iter()
        .map(|f| format!("  [{:?}] {:?} -> {}", f.verdict, f.case.q, f.got))
        .collect();
    let summary = format!("{file}:\n{report}\n{}", failures.join("\n"));
    assert!(report.on_topic + report.off_topic >= min_cases, "{summary}");
    assert!(
        report.correct_rate() >= MIN_CORRECT,
        "correct below the floor: {summary}"
    );
    assert!(
        report.wrong_rate() <= MAX_WRONG,
        "too many wrong answers: {summary}"
    );
    assert!(
        report.off_topic_declined_rate() >= MIN_OFF_TOPIC_DECLINED,
        "off-topic answered: {summary}"
    );
}

#[test]
fn the_dev_set_meets_the_floors() {
    assert_floors("dev.jsonl", 70);
}

#[test]
fn the_projects_own_set_meets_the_floors() {
    assert_floors("questions.jsonl", 150);
}

#[test]
fn the_projects_fresh_set_meets_the_floors() {
    assert_floors("fresh.jsonl", 150);
}

#[test]
fn no_dev_question_is_copied_into_the_data() {
    // The same normalisation as the project's before-stop hook.
    let norm = |s: &str| -> String {
        s.to_lowercase()
            .replace('\u{2019}', "'")
            .split(|c: char| {
                !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '$' || c == '.')
            })
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut text = String::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != "article.txt" {
            text.push(' ');
            text.push_str(&norm(&std::fs::read_to_string(&path).unwrap()));
        }
    }
    let dev =
        read_cases(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dev.jsonl"))
            .unwrap();
    let copied: Vec<&str> = dev
        .iter()
        .filter(|c| {
            let q = norm(&c.q);
            q.split(' ').count() >= 3 && text.contains(&q)
        })
        .map(|c| c.q.as_str())
        .collect();
    assert!(
        copied.is_empty(),
        "dev questions copied into data/: {copied:?}"
    );
}

#[test]
fn every_entry_answers_its_own_first_question() {
    let engine = Engine::new(KnowledgeBase::embedded().unwrap(), Thresholds::default());
    for entry in engine.kb().entries() {
        match engine.ask(entry.title()) {
            jedi_bot::Outcome::Answer(answer) if entry.covered => {
                assert_eq!(answer.entry.id, entry.id, "{}", entry.title())
            }
            // A gap's own question is declined as not covered, with the gap's explanation.
            jedi_bot::Outcome::NoAnswer(no) if !entry.covered => {
                let gap = no.gap.map(|g| g.id.clone());
                assert_eq!(gap, Some(entry.id.clone()), "{}", entry.title())
            }
            other => panic!("{:?} -> {}", entry.title(), other.label()),
        }
    }
}
