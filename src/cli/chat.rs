//! `jedi-bot chat`: a conversation, interactive (line editing and history, rustyline) or
//! scripted (`--json`, or standard input that is not a terminal). Follow-up questions are
//! read in the context of the conversation's last answer, as the bot reads them.

use std::io::{self, BufRead, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use jedi_bot::{Candidate, Conversation, Engine, Outcome};
use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;

use super::{render, SUCCESS};

const HELP: &str = "Ask a question about the story; follow-ups (\"when?\", \"who is she?\") are read in the conversation. \
Type a number to pick a \"did you mean\" choice. Commands: /timeline [FROM [TO]], /quote [who or words], \
/source, /new (a new conversation), /help, /quit. Ctrl-C cancels the line, Ctrl-D quits.";

/// What a line of the interactive prompt asks for.
#[derive(Debug, PartialEq)]
enum Line<'a> {
    Question(&'a str),
    Choice(usize),
    Quit,
    Help,
    New,
    Source,
    Timeline(Option<i32>, Option<i32>),
    Quote(&'a str),
    /// A `/command` that does not exist, or one given bad arguments: the message.
    Bad(String),
}

/// Reads one line of the prompt: a command (any case, arguments after it), a number
/// picking a "did you mean" choice, or a question.
fn parse(line: &str, choices: usize) -> Line<'_> {
    let line = line.trim();
    if let Some(command) = line.strip_prefix('/') {
        let (name, rest) = command
            .split_once(char::is_whitespace)
            .unwrap_or((command, ""));
        let rest = rest.trim();
        return match name.to_lowercase().as_str() {
            "quit" | "exit" | "q" => Line::Quit,
            "help" | "h" | "?" => Line::Help,
            "new" | "reset" => Line::New,
            "source" => Line::Source,
            "quote" | "quotes" => Line::Quote(rest),
            "timeline" => {
                let years: Vec<&str> = rest.split_whitespace().collect();
                let year = |i: usize| years.get(i).map(|y| y.parse::<i32>());
                match (year(0), year(1), years.len()) {
                    (None, _, _) => Line::Timeline(None, None),
                    (Some(Ok(from)), None, 1) => Line::Timeline(Some(from), Some(from)),
                    (Some(Ok(from)), Some(Ok(to)), 2) if from <= to => {
                        Line::Timeline(Some(from), Some(to))
                    }
                    (Some(Ok(_)), Some(Ok(_)), 2) => {
                        Line::Bad("/timeline FROM TO: FROM must not be after TO.".into())
                    }
                    _ => Line::Bad(
                        "/timeline takes a year, or two: /timeline 2019, /timeline 2018 2019."
                            .into(),
                    ),
                }
            }
            _ => Line::Bad(format!("Unknown command /{name}. {HELP}")),
        };
    }
    match line.parse::<usize>() {
        Ok(n) if (1..=choices).contains(&n) => Line::Choice(n),
        _ => Line::Question(line),
    }
}

/// Where the prompt keeps its history between sessions: `$JEDI_BOT_HISTORY`, else
/// `$XDG_STATE_HOME/jedi-bot/history`, else `~/.local/state/jedi-bot/history`.
fn history_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("JEDI_BOT_HISTORY") {
        return Some(PathBuf::from(path));
    }
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(state.join("jedi-bot").join("history"))
}

/// What reading a line of the prompt gave.
#[derive(Debug)]
enum Typed {
    Line(String),
    /// Ctrl-C: the line being typed is dropped, the session goes on.
    Cancelled,
    /// Ctrl-D (end of input): the session ends.
    End,
    Failed(ReadlineError),
}

fn after_reading(read: Result<String, ReadlineError>) -> Typed {
    match read {
        Ok(line) => Typed::Line(line),
        Err(ReadlineError::Interrupted) => Typed::Cancelled,
        Err(ReadlineError::Eof) => Typed::End,
        Err(error) => Typed::Failed(error),
    }
}

/// The interactive prompt: reads questions until /quit or end of input.
pub fn run(engine: &Engine) -> Result<u8> {
    // Before the first prompt, while nobody is waiting, rather than on the first typo.
    engine.prepare();
    let mut editor = DefaultEditor::new()?;
    let history = history_path();
    if let Some(path) = &history {
        // A missing history is the first session, not an error.
        let _ = editor.load_history(path);
    }
    println!("{}\n{HELP}", engine.kb().source().title);
    let mut conversation = Conversation::new();
    let mut choices: Vec<Candidate> = Vec::new();
    loop {
        let line = match after_reading(editor.readline("> ")) {
            Typed::Line(line) => line,
            Typed::Cancelled => continue,
            Typed::End => break,
            Typed::Failed(error) => return Err(error.into()),
        };
        if line.trim().is_empty() {
            continue;
        }
        // History is best effort: a full history must not end the session.
        let _ = editor.add_history_entry(line.trim());
        match parse(&line, choices.len()) {
            Line::Quit => break,
            Line::Help => println!("{HELP}"),
            Line::New => {
                conversation.clear();
                println!("A new conversation.");
            }
            Line::Source => println!("{}", render::source(engine.kb())),
            Line::Bad(message) => println!("{message}"),
            Line::Timeline(from, to) => {
                let events = engine.kb().timeline_between(from, to);
                if events.is_empty() {
                    println!("No events in that range.");
                }
                for event in events {
                    println!("{}", render::event(event));
                }
            }
            Line::Quote(query) => {
                let quotes = if query.is_empty() {
                    engine.kb().quotes().iter().collect()
                } else {
                    engine.kb().search_quotes(query)
                };
                if quotes.is_empty() {
                    println!("No quote matches that.");
                }
                for quote in quotes {
                    println!("{}", render::quote(quote));
                }
            }
            Line::Choice(n) => {
                let id = choices[n - 1].entry.id.clone();
                choices.clear();
                if let Some(answer) = engine.answer_entry_in(&id, &mut conversation) {
                    println!("{}", render::text(&Outcome::Answer(answer), engine.kb()));
                }
            }
            Line::Question(question) => {
                let read = engine.ask_in(question, &mut conversation);
                choices = match &read.outcome {
                    Outcome::Suggestions(candidates) => candidates.clone(),
                    _ => Vec::new(),
                };
                println!("{}", render::text(&read.outcome, engine.kb()));
            }
        }
    }
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.save_history(path);
    }
    Ok(SUCCESS)
}

/// Scripted conversations from standard input: one question a line, an empty line starts a
/// new conversation; each answered in the conversation so far, as JSON (one object a line)
/// or as text headed by its question.
pub fn script(engine: &Engine, json: bool) -> Result<u8> {
    let mut out = io::stdout().lock();
    let mut conversation = Conversation::new();
    for line in io::stdin().lock().split(b'\n') {
        let line = line.context("cannot read standard input")?;
        let line = String::from_utf8_lossy(&line);
        let question = line.trim_end_matches('\r');
        if question.trim().is_empty() {
            conversation.clear();
            continue;
        }
        let read = engine.ask_in(question, &mut conversation);
        if json {
            let turn = render::json_turn(
                question,
                &read.outcome,
                read.context.as_deref(),
                engine.kb(),
            );
            serde_json::to_writer(&mut out, &turn)?;
            writeln!(out)?;
        } else {
            writeln!(
                out,
                "> {question}\n{}",
                render::text(&read.outcome, engine.kb())
            )?;
        }
        out.flush()?;
    }
    Ok(SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_take_any_case_and_arguments() {
        assert_eq!(parse("/quit now", 0), Line::Quit);
        assert_eq!(parse("/Quote reyes", 0), Line::Quote("reyes"));
        assert_eq!(parse("/SOURCE", 0), Line::Source);
        assert_eq!(
            parse("/timeline 2019", 0),
            Line::Timeline(Some(2019), Some(2019))
        );
        assert_eq!(
            parse("/timeline 2018 2019", 0),
            Line::Timeline(Some(2018), Some(2019))
        );
        assert!(matches!(parse("/timeline 2019 2018", 0), Line::Bad(_)));
        assert!(matches!(parse("/timeline soon", 0), Line::Bad(_)));
        assert!(matches!(parse("/frobnicate", 0), Line::Bad(m) if m.contains("/frobnicate")));
    }

    #[test]
    fn ctrl_c_cancels_the_line_and_ctrl_d_ends_the_session() {
        assert!(matches!(
            after_reading(Err(ReadlineError::Interrupted)),
            Typed::Cancelled
        ));
        assert!(matches!(after_reading(Err(ReadlineError::Eof)), Typed::End));
        assert!(matches!(after_reading(Ok("who?".into())), Typed::Line(l) if l == "who?"));
    }

    #[test]
    fn history_is_kept_in_the_state_directory() {
        // One test sets the variables, so that parallel tests do not race on them.
        std::env::set_var("JEDI_BOT_HISTORY", "/tmp/h");
        assert_eq!(history_path(), Some(PathBuf::from("/tmp/h")));
        std::env::remove_var("JEDI_BOT_HISTORY");
        std::env::set_var("XDG_STATE_HOME", "/state");
        assert_eq!(
            history_path(),
            Some(PathBuf::from("/state/jedi-bot/history"))
        );
        std::env::remove_var("XDG_STATE_HOME");
    }

    #[test]
    fn a_number_picks_a_choice_only_when_there_is_one() {
        assert_eq!(parse("2", 3), Line::Choice(2));
        assert_eq!(parse("4", 3), Line::Question("4"));
        assert_eq!(parse("1", 0), Line::Question("1"));
        assert_eq!(parse("who won?", 3), Line::Question("who won?"));
    }
}
