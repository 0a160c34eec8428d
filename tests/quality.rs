//! The engine against the question sets, with the floors the project promises:
//! at least 95% of on-topic questions answered right, at most 2% answered wrong, at least
//! 95% of off-topic questions declined. `dev.jsonl` is the public dev set (a copy of
//! `shared/eval/dev.jsonl`); `questions.jsonl` is the project's own larger set and
//! `fresh.jsonl` a second one, written later by someone who had not seen the data.

use jedi_bot::eval::{grade, read_cases, Report};
use jedi_bot::{Engine, Thresholds};

const MIN_CORRECT: f64 = 0.95;
const MAX_WRONG: f64 = 0.02;
const MIN_OFF_TOPIC_DECLINED: f64 = 0.95;

fn report(file: &str) -> Report {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    let cases = read_cases(&path).unwrap();
    let engine = Engine::new(jedi_bot::data::embedded().unwrap(), Thresholds::default());
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
    assert!(
        report.on_topic() + report.off_topic() >= min_cases,
        "{summary}"
    );
    assert_rates(&report, MIN_CORRECT, &summary);
}

/// The correct, wrong and off-topic floors, with `summary` shown when one is missed.
fn assert_rates(report: &Report, min_correct: f64, summary: &str) {
    assert!(
        report.correct_rate() >= min_correct,
        "correct below {min_correct}: {summary}"
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
    let engine = Engine::new(jedi_bot::data::embedded().unwrap(), Thresholds::default());
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

/// One typing slip in every question of the project's own sets (a swapped, dropped,
/// doubled or wrong letter in one word of three letters or more, chosen by a fixed
/// generator): the bot may decline more of them, but must not answer more of them wrong
/// or answer off-topic ones. A robustness guard with its own floor, below the targets
/// above: on first measurement (before the speller read stop words and three-letter
/// words) 68.3% of these were answered right; now 83.4%.
#[test]
fn one_typo_per_question_is_mostly_read_through() {
    const MIN_TYPO_CORRECT: f64 = 0.78;
    let mut seed: u64 = 0x5eed;
    let mut next = move |n: usize| -> usize {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n.max(1)
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut cases = Vec::new();
    for file in ["questions.jsonl", "fresh.jsonl"] {
        for mut case in read_cases(&dir.join(file)).unwrap() {
            let mut words: Vec<String> = case.q.split(' ').map(str::to_string).collect();
            let long: Vec<usize> = (0..words.len())
                .filter(|&i| {
                    words[i].chars().count() >= 3 && words[i].chars().all(char::is_alphabetic)
                })
                .collect();
            if long.is_empty() {
                continue;
            }
            let i = long[next(long.len())];
            let mut chars: Vec<char> = words[i].chars().collect();
            let at = next(chars.len() - 1);
            match next(4) {
                0 => chars.swap(at, at + 1),
                1 => {
                    chars.remove(at);
                }
                2 => chars.insert(at, chars[at]),
                _ => chars[at] = (b'a' + next(26) as u8) as char,
            }
            words[i] = chars.into_iter().collect();
            case.q = words.join(" ");
            cases.push(case);
        }
    }
    let engine = Engine::new(jedi_bot::data::embedded().unwrap(), Thresholds::default());
    let report = grade(&engine, &cases);
    eprintln!("one typo per question:\n{report}");
    assert!(report.on_topic() >= 400, "{report}");
    assert_rates(&report, MIN_TYPO_CORRECT, &format!("typos:\n{report}"));
}
