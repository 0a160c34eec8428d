//! The engine against the question sets, with a floor for each: the share of on-topic
//! questions answered right, the most answered wrong, and the share of questions not to
//! be answered (gaps, off-topic) that are declined.
//!
//! `dev.jsonl` and `dev-fresh.jsonl` are the public dev sets; `questions.jsonl` and
//! `fresh.jsonl` the project's first sets; `own/` holds sets written from the article alone
//! by helpers in three personas, each split into a dev half (failures read while working)
//! and a held-out half (only its scores are read); `fresh2` and `fresh5` are held out
//! whole, and `fresh7` and `fresh8` are split the same way. The floors sit a little under
//! the scores measured when they were set (docs/performance.md): they catch a regression,
//! they are not the targets.

use jedi_bot::eval::{grade, grade_items, read_cases, read_items, Report};
use jedi_bot::{Engine, Thresholds};

/// (set, least correct, most wrong, least declined of those not to be answered).
const FLOORS: [(&str, f64, f64, f64); 18] = [
    ("dev.jsonl", 0.98, 0.02, 0.95),
    ("dev-fresh.jsonl", 0.66, 0.03, 0.86),
    ("questions.jsonl", 0.93, 0.02, 0.93),
    ("fresh.jsonl", 0.91, 0.02, 0.95),
    ("own/casual-dev.jsonl", 0.80, 0.03, 0.92),
    ("own/casual-held-out.jsonl", 0.72, 0.02, 0.80),
    ("own/informed-dev.jsonl", 0.66, 0.07, 0.90),
    ("own/informed-held-out.jsonl", 0.65, 0.05, 0.82),
    ("own/terse-dev.jsonl", 0.77, 0.03, 0.79),
    ("own/terse-held-out.jsonl", 0.82, 0.02, 0.92),
    ("own/fresh2-held-out.jsonl", 0.75, 0.02, 0.87),
    ("own/fresh3-dev.jsonl", 0.79, 0.05, 0.85),
    ("own/fresh3-held-out.jsonl", 0.73, 0.05, 0.76),
    ("own/fresh5-held-out.jsonl", 0.68, 0.04, 0.93),
    ("own/fresh7-dev.jsonl", 0.92, 0.04, 0.85),
    ("own/fresh7-held-out.jsonl", 0.68, 0.02, 0.80),
    ("own/fresh8-dev.jsonl", 0.80, 0.04, 0.95),
    ("own/fresh8-held-out.jsonl", 0.75, 0.04, 0.95),
];

fn engine() -> Engine {
    Engine::new(jedi_bot::data::embedded().unwrap(), Thresholds::default())
}

fn path(file: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file)
}

/// The floors of `report`, with `summary` shown when one is missed.
fn assert_rates(
    report: &Report,
    (min_correct, max_wrong, min_declined): (f64, f64, f64),
    summary: &str,
) {
    assert!(
        report.correct_rate() >= min_correct,
        "correct below {min_correct}: {summary}"
    );
    assert!(
        report.wrong_rate() <= max_wrong,
        "more than {max_wrong} answered wrong: {summary}"
    );
    assert!(
        report.off_topic_declined_rate() >= min_declined,
        "fewer than {min_declined} of those not to be answered declined: {summary}"
    );
}

#[test]
fn every_question_set_meets_its_floors() {
    let engine = engine();
    let mut missed = Vec::new();
    for (file, correct, wrong, declined) in FLOORS {
        let items = read_items(&path(file)).unwrap();
        let report = grade_items(&engine, &items);
        // Only the scores of a held-out set are shown, never its failures.
        let summary = format!("{file}: {report}");
        let result = std::panic::catch_unwind(|| {
            assert_rates(&report, (correct, wrong, declined), &summary)
        });
        if result.is_err() {
            missed.push(file);
        }
    }
    assert!(missed.is_empty(), "floors missed: {missed:?}");
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
    text.push(' ');
    // The public dev sets, conversations' turns included.
    let mut questions = Vec::new();
    for file in ["dev.jsonl", "dev-fresh.jsonl", "dialogs-dev.jsonl"] {
        for item in read_items(&path(file)).unwrap() {
            match item {
                jedi_bot::eval::Item::Question(case) => questions.push(case.q),
                jedi_bot::eval::Item::Dialog(dialog) => {
                    questions.extend(dialog.dialog.into_iter().map(|turn| turn.q));
                }
            }
        }
    }
    let copied: Vec<&str> = questions
        .iter()
        .filter(|q| {
            let q = norm(q);
            q.split(' ').count() >= 3 && text.contains(&q)
        })
        .map(String::as_str)
        .collect();
    assert!(
        copied.is_empty(),
        "dev questions copied into data/: {copied:?}"
    );
}

#[test]
fn every_entry_answers_its_own_first_question() {
    let engine = engine();
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
    const MAX_TYPO_WRONG: f64 = 0.02;
    const MIN_TYPO_DECLINED: f64 = 0.95;
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
    let report = grade(&engine(), &cases);
    eprintln!("one typo per question:\n{report}");
    assert!(report.on_topic() >= 400, "{report}");
    assert_rates(
        &report,
        (MIN_TYPO_CORRECT, MAX_TYPO_WRONG, MIN_TYPO_DECLINED),
        &format!("typos:\n{report}"),
    );
}
