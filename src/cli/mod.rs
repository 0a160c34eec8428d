//! The command-line surface: each subcommand is a function returning its exit status.

pub mod args;
mod chat;
mod render;

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use jedi_bot::Outcome;
use jedi_bot::{eval, Engine, KnowledgeBase, Thresholds};

use args::{Command, EngineArgs};

pub use jedi_bot::exit::{ERROR, NEGATIVE, SUCCESS};

/// Runs one subcommand.
pub fn run(command: Command) -> Result<ExitCode> {
    let status = match command {
        Command::Ask {
            question,
            json,
            explain,
            engine,
        } => ask(question, json, explain, &engine)?,
        Command::Chat { json, engine } => {
            let engine = build_engine(&engine)?;
            if json || !io::stdin().is_terminal() {
                chat::script(&engine, json)?
            } else {
                chat::run(&engine)?
            }
        }
        Command::Check { data } => check(data.as_deref())?,
        Command::Timeline {
            from,
            to,
            png,
            data,
        } => timeline(from, to, png.as_deref(), data.as_deref())?,
        Command::Quote { query, data } => quote(query.as_deref(), data.as_deref())?,
        Command::Export { data } => {
            let kb = load(data.as_deref())?;
            let mut out = io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &kb.export())?;
            writeln!(out)?;
            SUCCESS
        }
        Command::Eval {
            file,
            verbose,
            scores,
            phrasings,
            engine,
        } => {
            let shown = match (scores, verbose) {
                (true, _) => 0,
                (false, true) => usize::MAX,
                (false, false) => FAILURES_SHOWN,
            };
            eval_set(&file, shown, phrasings, &engine)?
        }
        Command::Run { config } => {
            jedi_bot::discord::run_from_file(&config)?;
            SUCCESS
        }
        Command::Report {
            log,
            config,
            limit,
            json,
        } => jedi_bot::discord::unanswered::summarise(
            log.as_deref(),
            &config,
            limit,
            json,
            &mut io::stdout().lock(),
        )?,
    };
    Ok(ExitCode::from(status))
}

/// `jedi-bot timeline`: the events between the years, in order (as a picture in `png`).
fn timeline(
    from: Option<i32>,
    to: Option<i32>,
    png: Option<&Path>,
    data: Option<&Path>,
) -> Result<u8> {
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            bail!("--from {from} is after --to {to}");
        }
    }
    let kb = load(data)?;
    let mut out = io::stdout().lock();
    let events = kb.timeline_between(from, to);
    if events.is_empty() {
        writeln!(out, "No events in that range.")?;
        return Ok(SUCCESS);
    }
    if let Some(path) = png {
        let picture = jedi_bot::picture::timeline_png(&events, &kb.source().attribution)?;
        std::fs::write(path, &picture)
            .with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(out, "Wrote {} ({} events).", path.display(), events.len())?;
        return Ok(SUCCESS);
    }
    for event in events {
        writeln!(out, "{}", render::event(event))?;
    }
    Ok(SUCCESS)
}

/// `jedi-bot quote`: every quote, or those by a speaker or with some words.
fn quote(query: Option<&str>, data: Option<&Path>) -> Result<u8> {
    let kb = load(data)?;
    let quotes = match query {
        Some(query) if !query.trim().is_empty() => kb.search_quotes(query),
        _ => kb.quotes().iter().collect(),
    };
    let mut out = io::stdout().lock();
    if quotes.is_empty() {
        writeln!(out, "No quote matches that.")?;
        return Ok(NEGATIVE);
    }
    for quote in quotes {
        writeln!(out, "{}", render::quote(quote))?;
    }
    Ok(SUCCESS)
}

/// `jedi-bot eval`: grades a question set and prints the report and the first `shown`
/// failures.
fn eval_set(file: &Path, shown: usize, phrasings: Option<usize>, args: &EngineArgs) -> Result<u8> {
    let engine = build_engine_cut(args, phrasings)?;
    let items = eval::read_items(file)?;
    let report = eval::grade_items(&engine, &items);
    let mut out = io::stdout().lock();
    writeln!(out, "{report}")?;
    if report.failures.is_empty() || shown == 0 {
        return Ok(SUCCESS);
    }
    writeln!(out, "\nfailures ({}):", report.failures.len())?;
    for failure in report.failures.iter().take(shown) {
        let place = match failure.turn {
            Some((line, turn)) => format!("line {line} turn {turn}: "),
            None => String::new(),
        };
        let context = match &failure.context {
            Some(id) => format!(" (read against {id})"),
            None => String::new(),
        };
        writeln!(
            out,
            "  [{:?}] {place}{:?} -> {}{context}",
            failure.verdict, failure.case.q, failure.got
        )?;
    }
    if report.failures.len() > shown {
        writeln!(
            out,
            "  ... and {} more (use --verbose)",
            report.failures.len() - shown
        )?;
    }
    Ok(SUCCESS)
}

/// How many failures `eval` lists without `--verbose`.
const FAILURES_SHOWN: usize = 40;

/// Loads the knowledge base, or fails with every problem of the data.
fn load(dir: Option<&Path>) -> Result<KnowledgeBase> {
    let source = jedi_bot::data::source(dir);
    jedi_bot::data::load(&source).with_context(|| format!("cannot load {source}"))
}

/// Loads the data and builds the engine with the thresholds given on the command line.
fn build_engine(args: &EngineArgs) -> Result<Engine> {
    build_engine_cut(args, None)
}

/// [`build_engine`] with each entry cut to its first `max_phrasings` phrasings.
fn build_engine_cut(args: &EngineArgs, max_phrasings: Option<usize>) -> Result<Engine> {
    let mut thresholds = Thresholds::default();
    if let Some(answer) = args.threshold {
        thresholds.answer = answer;
        thresholds.suggest = thresholds.suggest.min(answer);
    }
    if let Some(margin) = args.margin {
        thresholds.margin = margin;
    }
    if let Some(suggest) = args.suggest {
        thresholds.suggest = suggest;
    }
    if let Err(problem) = thresholds.validate(jedi_bot::limits::BUTTONS_PER_ROW) {
        bail!("invalid threshold: {problem}");
    }
    let source = jedi_bot::data::source(args.data.as_deref());
    let kb = jedi_bot::data::load_cut(&source, max_phrasings)
        .with_context(|| format!("cannot load {source}"))?;
    Ok(Engine::new(kb, thresholds))
}

fn check(dir: Option<&Path>) -> Result<u8> {
    let source = jedi_bot::data::source(dir);
    match jedi_bot::data::load(&source) {
        Ok(kb) => {
            let engine = Engine::new(kb, Thresholds::default());
            writeln!(io::stdout(), "ok: {source}: {}", engine.kb().summary())?;
            Ok(SUCCESS)
        }
        Err(problems) => {
            writeln!(io::stderr(), "{source}: {problems}")?;
            Ok(NEGATIVE)
        }
    }
}

fn ask(question: Option<String>, json: bool, explain: bool, args: &EngineArgs) -> Result<u8> {
    let engine = build_engine(args)?;
    let mut out = io::stdout().lock();
    let mut all_answered = true;
    let mut answer = |question: &str, out: &mut io::StdoutLock<'_>| -> Result<()> {
        let outcome = engine.ask(question);
        all_answered &= matches!(outcome, Outcome::Answer(_));
        if explain {
            write!(io::stderr(), "{}", engine.explain(question, 5))?;
        }
        if json {
            serde_json::to_writer(&mut *out, &render::json(question, &outcome, engine.kb()))?;
            writeln!(out)?;
        } else {
            write!(out, "{}", render::text(&outcome, engine.kb()))?;
        }
        out.flush()?;
        Ok(())
    };
    match question {
        Some(question) => answer(&question, &mut out)?,
        None => {
            if io::stdin().is_terminal() {
                writeln!(
                    io::stderr(),
                    "Type a question and press Enter (one a line); Ctrl-D ends. Or: jedi-bot ask \"QUESTION\"."
                )?;
            }
            let stdin = io::stdin().lock();
            let mut first = true;
            for line in stdin.split(b'\n') {
                let line = line.context("cannot read standard input")?;
                let line = String::from_utf8_lossy(&line);
                let question = line.trim_end_matches('\r');
                if question.trim().is_empty() {
                    continue;
                }
                if !json {
                    // Each answer headed by its question, as in a transcript.
                    if !first {
                        writeln!(out, "---")?;
                    }
                    writeln!(out, "> {question}")?;
                }
                first = false;
                answer(question, &mut out)?;
            }
        }
    }
    Ok(if all_answered { SUCCESS } else { NEGATIVE })
}
