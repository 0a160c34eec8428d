//! Grading the engine on a question set (the format of `shared/eval/README.md`).
//!
//! On-topic cases must be answered with a text that contains one alternative of every
//! `must` group and none of the `not` strings; off-topic cases must not be answered.

use std::path::Path;

use serde::Deserialize;

use crate::engine::{Engine, Outcome};

/// One graded question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The question.
    pub q: String,
    /// Groups of alternatives (`a|b`); the answer must contain one of every group.
    #[serde(default)]
    pub must: Vec<String>,
    /// Strings the answer must not contain.
    #[serde(default)]
    pub not: Vec<String>,
    /// True when the bot must decline.
    #[serde(default)]
    pub none: bool,
}

/// An error reading a question set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A line is not a valid case.
    #[error("{path}:{line}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Reads a JSONL question set; blank lines are skipped.
pub fn read_cases(path: &Path) -> Result<Vec<Case>, EvalError> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: display.clone(),
        source,
    })?;
    parse_cases(&text, &display)
}

/// Parses a JSONL question set; `name` is used in error messages.
pub fn parse_cases(text: &str, name: &str) -> Result<Vec<Case>, EvalError> {
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: Case = serde_json::from_str(line).map_err(|e| EvalError::Parse {
            path: name.to_string(),
            line: i + 1,
            message: e.to_string(),
        })?;
        if !case.none && case.must.is_empty() {
            return Err(EvalError::Parse {
                path: name.to_string(),
                line: i + 1,
                message: "an on-topic case needs \"must\" (or \"none\": true)".into(),
            });
        }
        cases.push(case);
    }
    Ok(cases)
}

/// How one case went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// On topic, answered right.
    Correct,
    /// On topic, answered, but the answer misses a `must` group or has a `not` string.
    Wrong,
    /// On topic, not answered (declined or "did you mean").
    Declined,
    /// Off topic, not answered.
    OffTopicDeclined,
    /// Off topic, answered anyway.
    OffTopicAnswered,
}

/// A case that failed, with what the engine did.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The case.
    pub case: Case,
    /// What went wrong.
    pub verdict: Verdict,
    /// The outcome's label and entry id, e.g. `answer jedi-winner (0.71)`.
    pub got: String,
}

/// Totals of a graded question set.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// On-topic cases.
    pub on_topic: usize,
    /// Answered right.
    pub correct: usize,
    /// Answered wrong.
    pub wrong: usize,
    /// Not answered.
    pub declined: usize,
    /// Off-topic cases.
    pub off_topic: usize,
    /// Off-topic and declined (right).
    pub off_topic_declined: usize,
    /// Every failing case.
    pub failures: Vec<Failure>,
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

impl Report {
    /// Share of on-topic cases answered right.
    pub fn correct_rate(&self) -> f64 {
        ratio(self.correct, self.on_topic)
    }
    /// Share of on-topic cases answered wrong.
    pub fn wrong_rate(&self) -> f64 {
        ratio(self.wrong, self.on_topic)
    }
    /// Share of on-topic cases declined.
    pub fn declined_rate(&self) -> f64 {
        ratio(self.declined, self.on_topic)
    }
    /// Share of off-topic cases declined.
    pub fn off_topic_declined_rate(&self) -> f64 {
        ratio(self.off_topic_declined, self.off_topic)
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pct = |x: f64| x * 100.0;
        write!(
            f,
            "on-topic: {} questions, correct {} ({:.1}%), wrong {} ({:.1}%), declined {} ({:.1}%)\n\
             off-topic: {} questions, declined {} ({:.1}%)",
            self.on_topic,
            self.correct,
            pct(self.correct_rate()),
            self.wrong,
            pct(self.wrong_rate()),
            self.declined,
            pct(self.declined_rate()),
            self.off_topic,
            self.off_topic_declined,
            pct(self.off_topic_declined_rate()),
        )
    }
}

/// Whether `answer` passes `case` (on-topic): every `must` group has an alternative in
/// it, and no `not` string is.
pub fn answer_passes(case: &Case, answer: &str) -> bool {
    let lower = answer.to_lowercase().replace('\u{2019}', "'");
    let spaced: String = lower
        .chars()
        .map(|c| {
            if c.is_ascii_punctuation() && !matches!(c, '$' | '.' | '\'' | '-') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let spaced = format!(" {spaced} ");
    let contains = |needle: &str| {
        let needle = needle.to_lowercase();
        lower.contains(&needle) || spaced.contains(&needle)
    };
    case.must
        .iter()
        .all(|group| group.split('|').any(&contains))
        && !case.not.iter().any(|n| contains(n))
}

/// Grades one case.
pub fn grade_case(engine: &Engine, case: &Case) -> (Verdict, Outcome) {
    let outcome = engine.ask(&case.q);
    let verdict = match (&outcome, case.none) {
        (Outcome::Answer(_), true) => Verdict::OffTopicAnswered,
        (_, true) => Verdict::OffTopicDeclined,
        (Outcome::Answer(answer), false) if answer_passes(case, &answer.entry.answer) => {
            Verdict::Correct
        }
        (Outcome::Answer(_), false) => Verdict::Wrong,
        (_, false) => Verdict::Declined,
    };
    (verdict, outcome)
}

/// Grades every case.
pub fn grade(engine: &Engine, cases: &[Case]) -> Report {
    let mut report = Report::default();
    for case in cases {
        let (verdict, outcome) = grade_case(engine, case);
        match verdict {
            Verdict::Correct => report.correct += 1,
            Verdict::Wrong => report.wrong += 1,
            Verdict::Declined => report.declined += 1,
            Verdict::OffTopicDeclined => report.off_topic_declined += 1,
            Verdict::OffTopicAnswered => {}
        }
        if case.none {
            report.off_topic += 1;
        } else {
            report.on_topic += 1;
        }
        if !matches!(verdict, Verdict::Correct | Verdict::OffTopicDeclined) {
            let ids: Vec<String> = outcome
                .candidates()
                .iter()
                .map(|c| format!("{} ({:.2})", c.entry.id, c.score))
                .collect();
            report.failures.push(Failure {
                case: case.clone(),
                verdict,
                got: format!("{}: {}", outcome.label(), ids.join(", ")),
            });
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(must: &[&str], not: &[&str]) -> Case {
        Case {
            q: String::new(),
            must: must.iter().map(|s| s.to_string()).collect(),
            not: not.iter().map(|s| s.to_string()).collect(),
            none: false,
        }
    }

    #[test]
    fn must_groups_and_not_strings_follow_the_readme() {
        assert!(answer_passes(
            &case(&["microsoft"], &["1.76"]),
            "Microsoft won."
        ));
        assert!(!answer_passes(
            &case(&["microsoft"], &["1.76"]),
            "Microsoft, $1.76 billion"
        ));
        assert!(answer_passes(
            &case(&["october", "2019"], &[]),
            "In October 2019."
        ));
        assert!(!answer_passes(
            &case(&["october", "2019"], &[]),
            "In October."
        ));
        assert!(answer_passes(
            &case(&["10 billion|$10b"], &[]),
            "$10 billion"
        ));
        // Punctuation-padded word match: " ai " is found in "(AI)".
        assert!(answer_passes(
            &case(&[" ai "], &[]),
            "its capabilities (AI)."
        ));
        assert!(answer_passes(&case(&["can't"], &[]), "We can\u{2019}t"));
    }

    #[test]
    fn cases_parse_and_errors_have_lines() {
        let cases = parse_cases(
            "{\"q\":\"a\",\"must\":[\"x\"]}\n\n{\"q\":\"b\",\"none\":true}\n",
            "t",
        )
        .unwrap();
        assert_eq!(cases.len(), 2);
        let err = parse_cases("{\"q\":\"a\"}\n", "t").unwrap_err();
        assert!(err.to_string().starts_with("t:1:"));
        let err = parse_cases("{}\n{bad\n", "t").unwrap_err();
        assert!(err.to_string().starts_with("t:1:"));
    }
}
