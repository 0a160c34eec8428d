//! The curators' log of unanswered and low-confidence questions (JSON lines), and its
//! summary (`jedi-bot unanswered`).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use jedi_engine::Outcome;

/// An answer scoring less than this above the answer threshold is logged as low-confidence.
pub const LOW_CONFIDENCE_MARGIN: f32 = 0.1;

/// One line of the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogLine {
    /// When (RFC 3339, UTC).
    pub time: String,
    /// The question as asked.
    pub question: String,
    /// `answer` (low confidence), `suggestions`, `off_topic`, `not_covered`, `empty`.
    pub outcome: String,
    /// The best candidates with their scores.
    pub candidates: Vec<LoggedCandidate>,
}

/// A candidate in the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoggedCandidate {
    /// Entry id.
    pub id: String,
    /// Its score.
    pub score: f32,
}

/// The log file, appended to from every shard.
#[derive(Debug)]
pub struct UnansweredLog {
    file: Option<Mutex<File>>,
}

impl UnansweredLog {
    /// Opens (creating) the log at `path`; an empty path means no log.
    pub fn open(path: &Path) -> std::io::Result<UnansweredLog> {
        if path.as_os_str().is_empty() {
            return Ok(UnansweredLog { file: None });
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(UnansweredLog {
            file: Some(Mutex::new(file)),
        })
    }

    /// A log that records nothing.
    pub fn disabled() -> UnansweredLog {
        UnansweredLog { file: None }
    }

    /// Whether `outcome` belongs in the log: no answer, or an answer scoring less than
    /// [`LOW_CONFIDENCE_MARGIN`] above `answer_threshold`.
    pub fn wants(outcome: &Outcome, answer_threshold: f32) -> bool {
        match outcome {
            Outcome::Answer(answer) => answer.score < answer_threshold + LOW_CONFIDENCE_MARGIN,
            Outcome::NoAnswer(no) => no.reason != jedi_engine::Reason::Empty,
            Outcome::Suggestions(_) => true,
        }
    }

    /// Appends a line for `question`, if the log is on. A failure is logged, never fatal.
    pub fn record(&self, question: &str, outcome: &Outcome) {
        let Some(file) = &self.file else { return };
        let line = LogLine {
            time: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            question: question.to_string(),
            outcome: outcome.label().to_string(),
            candidates: outcome
                .candidates()
                .iter()
                .map(|c| LoggedCandidate {
                    id: c.entry.id.clone(),
                    score: (c.score * 1000.0).round() / 1000.0,
                })
                .collect(),
        };
        let Ok(mut text) = serde_json::to_string(&line) else {
            return;
        };
        text.push('\n');
        let mut file = file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Err(error) = file.write_all(text.as_bytes()) {
            tracing::warn!(%error, "cannot append to the unanswered-question log");
        }
    }
}

/// The log's path: `--log`, else the config's `logging.unanswered_log`, else the default.
fn log_path(log: Option<&Path>, config: &Path) -> Result<PathBuf> {
    if let Some(log) = log {
        return Ok(log.to_path_buf());
    }
    if config.exists() {
        return Ok(Config::read(config)?.logging.unanswered_log);
    }
    Ok(crate::config::Logging::default().unanswered_log)
}

/// Prints the questions of the log, most frequent first (the same question asked in other
/// case or punctuation counts as one), at most `limit`.
pub fn summarise(
    log: Option<&Path>,
    config: &Path,
    limit: usize,
    out: &mut dyn Write,
) -> Result<u8> {
    let path = log_path(log, config)?;
    let file = File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
    struct Seen {
        question: String,
        count: usize,
        last: String,
        outcome: String,
        best: Option<LoggedCandidate>,
    }
    let mut seen: HashMap<String, Seen> = HashMap::new();
    let mut unreadable = 0usize;
    for line in BufReader::new(file).lines() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let Ok(entry) = serde_json::from_str::<LogLine>(&line) else {
            unreadable += 1;
            continue;
        };
        let key: String = entry
            .question
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let slot = seen.entry(key).or_insert_with(|| Seen {
            question: entry.question.clone(),
            count: 0,
            last: String::new(),
            outcome: String::new(),
            best: None,
        });
        slot.count += 1;
        if entry.time >= slot.last {
            slot.last = entry.time;
            slot.outcome = entry.outcome;
            slot.best = entry.candidates.into_iter().next();
        }
    }
    let mut rows: Vec<Seen> = seen.into_values().collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(b.last.cmp(&a.last)));
    let total: usize = rows.iter().map(|r| r.count).sum();
    writeln!(
        out,
        "{total} logged questions, {} distinct, in {}",
        rows.len(),
        path.display()
    )?;
    for row in rows.iter().take(limit) {
        let best = row
            .best
            .as_ref()
            .map_or("-".to_string(), |c| format!("{} ({:.2})", c.id, c.score));
        writeln!(
            out,
            "{:>5}  {:<12} {:<32} {}",
            row.count,
            row.outcome,
            best,
            row.question.replace('\n', " ")
        )?;
    }
    if unreadable > 0 {
        writeln!(
            out,
            "({unreadable} lines could not be read and were skipped)"
        )?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_groups_questions_and_counts_most_frequent_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        let lines = [
            r#"{"time":"2026-01-01T00:00:00Z","question":"Who is CEO?","outcome":"not_covered","candidates":[]}"#,
            r#"{"time":"2026-01-01T00:00:01Z","question":"who is ceo","outcome":"not_covered","candidates":[{"id":"bezos","score":0.4}]}"#,
            r#"{"time":"2026-01-01T00:00:02Z","question":"weather?","outcome":"off_topic","candidates":[]}"#,
            "not json",
        ];
        std::fs::write(&path, lines.join("\n")).unwrap();
        let mut out = Vec::new();
        summarise(Some(&path), Path::new("/nonexistent.toml"), 10, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert!(
            rows[0].starts_with("3 logged questions, 2 distinct"),
            "{text}"
        );
        assert!(
            rows[1].contains("    2") && rows[1].contains("bezos (0.40)"),
            "{text}"
        );
        assert!(rows[2].contains("weather?"), "{text}");
        assert!(text.contains("1 lines could not be read"), "{text}");
    }

    #[test]
    fn a_missing_log_is_an_error_naming_the_file() {
        let mut out = Vec::new();
        let error = summarise(
            Some(Path::new("/no/such/log.jsonl")),
            Path::new("x"),
            10,
            &mut out,
        )
        .unwrap_err();
        assert!(format!("{error:#}").contains("/no/such/log.jsonl"));
    }
}
