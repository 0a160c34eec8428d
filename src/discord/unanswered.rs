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

/// An answer whose confidence is less than this above the answer threshold is logged as
/// low-confidence.
pub const LOW_CONFIDENCE_MARGIN: f32 = 0.1;

/// A logged question's text is cut to this many characters.
pub const MAX_STORED_CHARS: usize = 300;

/// One line of the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogLine {
    /// When (RFC 3339, UTC).
    pub time: String,
    /// The question as asked (cut to [`MAX_STORED_CHARS`]); absent when
    /// `store_questions` is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
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

/// `kind` of a vote line (question lines have none).
pub const VOTE_KIND: &str = "vote";
/// `vote` of a helpful vote.
pub const HELPFUL: &str = "helpful";
/// `vote` of a not-helpful vote.
pub const NOT_HELPFUL: &str = "not_helpful";

/// A vote line of the log: someone found an answer helpful or not.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VoteLine {
    /// When (RFC 3339, UTC).
    pub time: String,
    /// Always [`VOTE_KIND`]: what tells a vote line from a question line.
    pub kind: String,
    /// The entry that answered.
    pub id: String,
    /// The question it answered, when known and stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// [`HELPFUL`] or [`NOT_HELPFUL`].
    pub vote: String,
    /// One key per voter and answer, not their user id: a later line with the same key
    /// replaces the vote.
    pub voter: String,
    /// Whether this replaces an earlier vote of theirs.
    #[serde(default)]
    pub changed: bool,
    /// The voter's user id, only with `log_user_ids`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<u64>,
}

/// A vote to log.
#[derive(Debug, Clone)]
pub struct Vote<'a> {
    /// The entry that answered.
    pub entry: &'a str,
    /// The question, if remembered.
    pub question: Option<&'a str>,
    /// Helpful or not.
    pub helpful: bool,
    /// The voter key (see [`VoteLine::voter`]).
    pub voter: String,
    /// Whether it replaces an earlier vote.
    pub changed: bool,
    /// The user id, when user ids are logged.
    pub user: Option<u64>,
}

/// How the log is kept.
#[derive(Debug, Clone)]
pub struct LogSettings {
    /// Keep the questions' text.
    pub store_questions: bool,
    /// Rotate past this size.
    pub max_bytes: u64,
}

impl Default for LogSettings {
    fn default() -> Self {
        let defaults = crate::config::Logging::default();
        LogSettings {
            store_questions: defaults.store_questions,
            max_bytes: defaults.unanswered_max_bytes,
        }
    }
}

/// The open log file, and what identifies it on disk (to notice it was renamed away).
#[derive(Debug)]
struct Open {
    file: File,
    identity: Option<(u64, u64)>,
}

/// The log file, appended to from every shard.
#[derive(Debug)]
pub struct UnansweredLog {
    path: PathBuf,
    settings: LogSettings,
    file: Option<Mutex<Option<Open>>>,
}

/// The (device, inode) of a file, where the platform has them.
fn identity(metadata: &std::fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        None
    }
}

fn open_append(path: &Path) -> std::io::Result<Open> {
    let file = OpenOptions::new().create(true).append(true).open(path)?;
    let identity = file.metadata().ok().as_ref().and_then(identity);
    Ok(Open { file, identity })
}

impl UnansweredLog {
    /// Opens (creating) the log at `path`; an empty path means no log.
    pub fn open(path: &Path, settings: LogSettings) -> std::io::Result<UnansweredLog> {
        if path.as_os_str().is_empty() {
            return Ok(UnansweredLog::disabled());
        }
        let open = open_append(path)?;
        Ok(UnansweredLog {
            path: path.to_path_buf(),
            settings,
            file: Some(Mutex::new(Some(open))),
        })
    }

    /// A log that records nothing.
    pub fn disabled() -> UnansweredLog {
        UnansweredLog {
            path: PathBuf::new(),
            settings: LogSettings::default(),
            file: None,
        }
    }

    /// Whether `outcome` belongs in the log: no answer, or an answer whose confidence is
    /// less than [`LOW_CONFIDENCE_MARGIN`] above `answer_threshold`.
    pub fn wants(outcome: &Outcome, answer_threshold: f32) -> bool {
        match outcome {
            Outcome::Answer(answer) => answer.confidence < answer_threshold + LOW_CONFIDENCE_MARGIN,
            Outcome::NoAnswer(no) => no.reason != jedi_engine::Reason::Empty,
            Outcome::Suggestions(_) => true,
        }
    }

    /// Closes and reopens the file (after logrotate, or on SIGHUP).
    pub fn reopen(&self) {
        let Some(file) = &self.file else { return };
        let mut slot = file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match open_append(&self.path) {
            Ok(open) => *slot = Some(open),
            Err(error) => {
                tracing::warn!(%error, "cannot reopen the unanswered-question log");
                *slot = None;
            }
        }
    }

    /// Appends a line for `question`, if the log is on. A failure is logged, never fatal.
    pub fn record(&self, question: &str, outcome: &Outcome) {
        if self.file.is_none() {
            return;
        }
        let line = LogLine {
            time: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            question: self
                .settings
                .store_questions
                .then(|| question.chars().take(MAX_STORED_CHARS).collect()),
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
        self.append(&line);
    }

    /// Appends a line for a vote on an answer, if the log is on: its question only when
    /// questions are stored, the voter's user id only when `user` is given.
    pub fn record_vote(&self, vote: Vote<'_>) {
        if self.file.is_none() {
            return;
        }
        let line = VoteLine {
            time: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            kind: VOTE_KIND.to_string(),
            id: vote.entry.to_string(),
            question: vote
                .question
                .filter(|_| self.settings.store_questions)
                .map(|q| q.chars().take(MAX_STORED_CHARS).collect()),
            vote: if vote.helpful { HELPFUL } else { NOT_HELPFUL }.to_string(),
            voter: vote.voter,
            changed: vote.changed,
            user: vote.user,
        };
        self.append(&line);
    }

    /// Whether the questions' text is kept.
    pub fn stores_questions(&self) -> bool {
        self.settings.store_questions
    }

    /// Appends `line` as JSON, rotating a full log. A failure is logged, never fatal.
    fn append(&self, line: &impl Serialize) {
        let Some(file) = &self.file else { return };
        let Ok(mut text) = serde_json::to_string(line) else {
            return;
        };
        text.push('\n');
        let mut slot = file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.follow_renames(&mut slot);
        let Some(open) = slot.as_mut() else { return };
        if let Err(error) = open.file.write_all(text.as_bytes()) {
            tracing::warn!(%error, "cannot append to the unanswered-question log");
            return;
        }
        let size = open.file.metadata().map_or(0, |m| m.len());
        if size > self.settings.max_bytes {
            self.rotate(&mut slot);
        }
    }

    /// Reopens the file when the one at the path is no longer the one open (renamed or
    /// removed by logrotate or a curator).
    fn follow_renames(&self, slot: &mut Option<Open>) {
        let on_disk = std::fs::metadata(&self.path)
            .ok()
            .as_ref()
            .and_then(identity);
        let open = slot.as_ref().and_then(|o| o.identity);
        if slot.is_none() || (open.is_some() && on_disk != open) {
            *slot = open_append(&self.path).ok();
        }
    }

    /// Moves the full log to `<path>.1` (replacing an older one) and starts a new one.
    fn rotate(&self, slot: &mut Option<Open>) {
        let mut old = self.path.clone().into_os_string();
        old.push(".1");
        if let Err(error) = std::fs::rename(&self.path, &old) {
            tracing::warn!(%error, "cannot rotate the unanswered-question log");
            return;
        }
        *slot = open_append(&self.path).ok();
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

/// `question` as the report groups it: lower case, its words joined by single spaces
/// (so the same question in other case or punctuation is one).
pub fn question_key(question: &str) -> String {
    question
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One distinct question of the report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    /// The question as last asked (`None` when the text was not stored).
    pub question: Option<String>,
    /// How often it was logged.
    pub count: usize,
    /// When it was last logged.
    pub last: String,
    /// Its last outcome.
    pub outcome: String,
    /// The best candidate of its last outcome.
    pub best: Option<LoggedCandidate>,
}

/// What the log says, for curators.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Lines logged.
    pub total: usize,
    /// Questions not answered, most frequent first.
    pub unanswered: Vec<ReportRow>,
    /// Answers given with low confidence, most frequent first.
    pub low_confidence: Vec<ReportRow>,
    /// Vote lines logged (a changed vote counts again here, once in `votes`).
    pub total_votes: usize,
    /// The entries voted on, most "not helpful" votes first.
    pub votes: Vec<VoteRow>,
    /// Lines that could not be read.
    pub unreadable: usize,
}

/// The votes on one entry's answers, each voter's last vote counted once.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VoteRow {
    /// The entry.
    pub id: String,
    /// Voters who found it not helpful.
    pub not_helpful: usize,
    /// Voters who found it helpful.
    pub helpful: usize,
    /// The questions of the "not helpful" votes, most frequent first.
    pub questions: Vec<QuestionCount>,
}

/// A question and how often it drew a vote.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionCount {
    /// The question (`None`: not stored, or asked before a restart).
    pub question: Option<String>,
    /// How many votes.
    pub count: usize,
}

/// Reads the log at `path` into a [`Report`]; `None` when there is no log yet.
pub fn report(path: &Path) -> Result<Option<Report>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut seen: HashMap<String, ReportRow> = HashMap::new();
    let mut votes: HashMap<String, VoteLine> = HashMap::new();
    let mut report = Report::default();
    for line in BufReader::new(file).lines() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        if let Ok(vote) = serde_json::from_str::<VoteLine>(&line) {
            if vote.kind == VOTE_KIND {
                report.total_votes += 1;
                // A changed vote replaces the voter's earlier one on that answer.
                votes.insert(vote.voter.clone(), vote);
                continue;
            }
        }
        let Ok(entry) = serde_json::from_str::<LogLine>(&line) else {
            report.unreadable += 1;
            continue;
        };
        report.total += 1;
        // The same question in other case or punctuation counts as one; questions whose
        // text was not kept count by outcome and best entry.
        let key = match &entry.question {
            Some(question) => question_key(question),
            None => format!(
                "\u{0}{} {}",
                entry.outcome,
                entry.candidates.first().map_or("-", |c| c.id.as_str())
            ),
        };
        let key = format!("{}\u{1}{key}", entry.outcome == "answer");
        let row = seen.entry(key).or_insert_with(|| ReportRow {
            question: entry.question.clone(),
            count: 0,
            last: String::new(),
            outcome: String::new(),
            best: None,
        });
        row.count += 1;
        if entry.time >= row.last {
            row.last = entry.time;
            row.outcome = entry.outcome;
            row.best = entry.candidates.into_iter().next();
            if entry.question.is_some() {
                row.question = entry.question;
            }
        }
    }
    let (mut low, mut unanswered): (Vec<ReportRow>, Vec<ReportRow>) =
        seen.into_values().partition(|row| row.outcome == "answer");
    for rows in [&mut low, &mut unanswered] {
        rows.sort_by(|a, b| b.count.cmp(&a.count).then(b.last.cmp(&a.last)));
    }
    report.unanswered = unanswered;
    report.low_confidence = low;
    report.votes = vote_rows(votes.into_values());
    Ok(Some(report))
}

/// The entries voted on, most "not helpful" votes first, each with the questions that
/// drew them (most frequent first).
fn vote_rows(votes: impl Iterator<Item = VoteLine>) -> Vec<VoteRow> {
    let mut rows: HashMap<String, (VoteRow, HashMap<String, QuestionCount>)> = HashMap::new();
    for vote in votes {
        let (row, questions) = rows.entry(vote.id.clone()).or_insert_with(|| {
            let row = VoteRow {
                id: vote.id.clone(),
                ..VoteRow::default()
            };
            (row, HashMap::new())
        });
        if vote.vote == HELPFUL {
            row.helpful += 1;
            continue;
        }
        row.not_helpful += 1;
        let key = vote
            .question
            .as_deref()
            .map(question_key)
            .unwrap_or_default();
        let counted = questions.entry(key).or_insert_with(|| QuestionCount {
            question: vote.question.clone(),
            count: 0,
        });
        counted.count += 1;
    }
    let mut rows: Vec<VoteRow> = rows
        .into_values()
        .map(|(mut row, questions)| {
            row.questions = questions.into_values().collect();
            row.questions
                .sort_by(|a, b| b.count.cmp(&a.count).then(a.question.cmp(&b.question)));
            row
        })
        .collect();
    rows.sort_by(|a, b| {
        b.not_helpful
            .cmp(&a.not_helpful)
            .then(a.helpful.cmp(&b.helpful))
            .then(a.id.cmp(&b.id))
    });
    rows
}

/// `text` safe to print on a terminal: control characters (ESC, CR, ...) and the
/// characters that reorder or break lines are shown as escapes.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Prints the curators' report of the log: the questions people asked that the bot could
/// not answer and the low-confidence answers, most frequent first, at most `limit` of
/// each (as JSON with `json`).
pub fn summarise(
    log: Option<&Path>,
    config: &Path,
    limit: usize,
    json: bool,
    out: &mut dyn Write,
) -> Result<u8> {
    let path = log_path(log, config)?;
    let Some(mut report) = report(&path)? else {
        if json {
            writeln!(out, "{}", serde_json::to_string(&Report::default())?)?;
        } else {
            writeln!(
                out,
                "Nothing logged yet ({} does not exist).",
                path.display()
            )?;
        }
        return Ok(0);
    };
    if json {
        serde_json::to_writer(&mut *out, &report)?;
        writeln!(out)?;
        return Ok(0);
    }
    writeln!(
        out,
        "{} logged questions and {} votes in {}",
        report.total,
        report.total_votes,
        printable(&path.display().to_string())
    )?;
    for (title, rows) in [
        ("Not answered", &mut report.unanswered),
        ("Answered with low confidence", &mut report.low_confidence),
    ] {
        writeln!(out, "\n{title} ({} distinct):", rows.len())?;
        for row in rows.iter().take(limit) {
            let best = row
                .best
                .as_ref()
                .map_or("-".to_string(), |c| format!("{} ({:.2})", c.id, c.score));
            let question = row
                .question
                .as_deref()
                .map_or("(text not stored)".to_string(), printable);
            writeln!(
                out,
                "{:>5}  {:<12} {:<32} {}",
                row.count, row.outcome, best, question
            )?;
        }
        if rows.len() > limit {
            writeln!(out, "  ... and {} more (use --limit)", rows.len() - limit)?;
        }
    }
    write_votes(&report.votes, limit, out)?;
    if report.unreadable > 0 {
        writeln!(
            out,
            "({} lines could not be read and were skipped)",
            report.unreadable
        )?;
    }
    Ok(0)
}

/// The report's section on answers voted not helpful.
fn write_votes(rows: &[VoteRow], limit: usize, out: &mut dyn Write) -> Result<()> {
    let disliked: Vec<&VoteRow> = rows.iter().filter(|row| row.not_helpful > 0).collect();
    writeln!(
        out,
        "\nAnswers voted not helpful ({} entries; {} voted on):",
        disliked.len(),
        rows.len()
    )?;
    for row in disliked.iter().take(limit) {
        writeln!(
            out,
            "{:>5}  {:<32} ({} helpful)",
            row.not_helpful,
            printable(&row.id),
            row.helpful
        )?;
        for question in row.questions.iter().take(limit) {
            let text = question
                .question
                .as_deref()
                .map_or("(text not stored)".to_string(), printable);
            writeln!(out, "       {:>3}x {text}", question.count)?;
        }
    }
    if disliked.len() > limit {
        writeln!(
            out,
            "  ... and {} more (use --limit)",
            disliked.len() - limit
        )?;
    }
    Ok(())
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
            r#"{"time":"2026-01-01T00:00:01Z","question":"who is ceo","outcome":"not_covered","candidates":[{"id":"owner","score":0.4}]}"#,
            r#"{"time":"2026-01-01T00:00:02Z","question":"weather?","outcome":"off_topic","candidates":[]}"#,
            "not json",
        ];
        std::fs::write(&path, lines.join("\n")).unwrap();
        let mut out = Vec::new();
        summarise(
            Some(&path),
            Path::new("/nonexistent.toml"),
            10,
            false,
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert!(rows[0].starts_with("3 logged questions"), "{text}");
        assert!(rows[2].starts_with("Not answered (2 distinct)"), "{text}");
        assert!(
            rows[3].contains("    2") && rows[3].contains("owner (0.40)"),
            "{text}"
        );
        assert!(rows[4].contains("weather?"), "{text}");
        assert!(text.contains("1 lines could not be read"), "{text}");
        let mut out = Vec::new();
        summarise(
            Some(&path),
            Path::new("/nonexistent.toml"),
            1,
            false,
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("and 1 more"), "{text}");
    }

    #[test]
    fn before_any_log_there_is_nothing_logged_yet() {
        let mut out = Vec::new();
        let status = summarise(
            Some(Path::new("/no/such/log.jsonl")),
            Path::new("x"),
            10,
            false,
            &mut out,
        )
        .unwrap();
        assert_eq!(status, 0);
        assert!(String::from_utf8(out)
            .unwrap()
            .starts_with("Nothing logged yet"));
    }

    #[test]
    fn control_and_reordering_characters_are_printed_escaped() {
        let text = printable("a\u{1b}[31mb\rc\u{202E}d\u{2028}e");
        assert!(!text
            .chars()
            .any(|c| c.is_control() || c == '\u{202E}' || c == '\u{2028}'));
        assert!(
            text.contains("\\u{1b}") && text.contains("\\u{202e}"),
            "{text}"
        );
    }

    #[test]
    fn the_log_keeps_no_text_when_told_caps_it_and_rotates_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        let outcome = Outcome::Suggestions(Vec::new());
        let log = UnansweredLog::open(
            &path,
            LogSettings {
                store_questions: false,
                max_bytes: 1 << 20,
            },
        )
        .unwrap();
        log.record("the password is hunter2", &outcome);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("hunter2") && text.contains("suggestions"),
            "{text}"
        );

        let path = dir.path().join("capped.jsonl");
        let log = UnansweredLog::open(
            &path,
            LogSettings {
                store_questions: true,
                max_bytes: 2000,
            },
        )
        .unwrap();
        log.record(&"x".repeat(5000), &outcome);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.len() < 500, "the text is capped: {} bytes", text.len());
        for _ in 0..20 {
            log.record("who is the ceo?", &outcome);
        }
        let rotated = dir.path().join("capped.jsonl.1");
        assert!(rotated.exists(), "rotated past its size");
        assert!(std::fs::metadata(&path).unwrap().len() <= 2000 + 200);
        // Renamed away (logrotate): the next line starts a new file at the path.
        std::fs::rename(&path, dir.path().join("moved.jsonl")).unwrap();
        log.record("again?", &outcome);
        assert!(std::fs::read_to_string(&path).unwrap().contains("again?"));
    }
}
