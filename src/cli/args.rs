//! The command line: raw arguments to validated settings (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Answers questions about one news story, from a curated Q&A set built from the article;
/// on the command line exactly as the Discord bot does.
#[derive(Debug, Parser)]
#[command(name = "jedi-bot", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data comes from, and the engine's thresholds.
#[derive(Debug, Clone, Args)]
pub struct EngineArgs {
    /// Load the data from this directory instead of the data built into the binary.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Answer only when the best match scores at least this (0 to 1).
    #[arg(long, value_name = "SCORE")]
    pub threshold: Option<f32>,
    /// Answer only when the best match beats the runner-up by this much (0 to 1).
    #[arg(long, value_name = "SCORE")]
    pub margin: Option<f32>,
    /// Offer "did you mean" choices scoring at least this (0 to 1).
    #[arg(long, value_name = "SCORE")]
    pub suggest: Option<f32>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Answer a question (or, with none, every line of standard input).
    ///
    /// Exit status: 0 when every question was answered, 1 when one was not, 2 on error.
    Ask {
        /// The question; without it, questions are read from standard input, one a line.
        question: Option<String>,
        /// One JSON object a line per question.
        #[arg(long)]
        json: bool,
        /// Also show how the question was read and the best-scoring entries (for curators).
        #[arg(long)]
        explain: bool,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Ask questions interactively, with line editing and history.
    Chat {
        /// Scripted conversations: read one question a line from standard input (an empty
        /// line starts a new conversation) and print one JSON object per question, with
        /// the keys of `ask --json` and `context` (the entry id the question was read
        /// against, or null).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Check the data: every problem with its file:line, or a one-line summary.
    ///
    /// Exit status: 0 when the data is good, 1 when it has problems, 2 on error.
    Check {
        /// The data directory to check (default: the data built into the binary).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
    /// Show the dispute's events in order.
    ///
    /// An event the article gives no date for is shown when the stretch of the story it
    /// falls in (between the dated events around it) overlaps the years asked for.
    Timeline {
        /// Only events from this year on (inclusive).
        #[arg(long, value_name = "YEAR")]
        from: Option<i32>,
        /// Only events up to this year (inclusive); not before --from.
        #[arg(long, value_name = "YEAR")]
        to: Option<i32>,
        /// Write the events as a picture (PNG, the one /timeline attaches) to FILE
        /// instead of listing them.
        #[arg(long, value_name = "FILE")]
        png: Option<PathBuf>,
        /// Load the data from this directory.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
    /// Show quotes: all, or those by a speaker or containing some words.
    Quote {
        /// A speaker (by name or role) or words of the quote.
        query: Option<String>,
        /// Load the data from this directory.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
    /// Print the whole knowledge base as JSON.
    Export {
        /// Load the data from this directory.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
    /// Grade the engine on a question set (JSONL, see shared/eval/README.md).
    Eval {
        /// The question set.
        file: PathBuf,
        /// List every failure (without it, the first 40).
        #[arg(long, short, conflicts_with = "scores")]
        verbose: bool,
        /// Print the scores only, no failure: for a held-out set, whose failures nobody
        /// reads.
        #[arg(long)]
        scores: bool,
        /// Cut each entry to its first N phrasings first: how well questions are read
        /// beyond the ways of asking written down.
        #[arg(long, value_name = "N")]
        phrasings: Option<usize>,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Run the Discord bot.
    Run {
        /// The configuration file (see config.example.toml).
        #[arg(long, value_name = "FILE", default_value = "config.toml")]
        config: PathBuf,
    },
    /// The curators' report: what people asked that the bot could not answer, and its
    /// low-confidence answers, most frequent first. (Also `jedi-bot unanswered`.)
    #[command(alias = "unanswered")]
    Report {
        /// The log file (default: the path in config.toml, else unanswered.jsonl).
        #[arg(long, value_name = "FILE")]
        log: Option<PathBuf>,
        /// The configuration file that names the log.
        #[arg(long, value_name = "FILE", default_value = "config.toml")]
        config: PathBuf,
        /// Show at most this many questions of each kind.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// The whole report as one JSON object, for tools.
        #[arg(long)]
        json: bool,
    },
}
