//! `jedi-bot chat`: an interactive prompt with line editing and history (rustyline).

use anyhow::Result;
use jedi_bot::Engine;
use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;

use super::{render, SUCCESS};

const HELP: &str =
    "Ask a question about the story. Commands: /timeline, /quote [who or words], /help, /quit.";

/// Reads questions until end of input or /quit, answering each as `ask` would.
pub fn run(engine: Engine) -> Result<u8> {
    // Before the first prompt, while nobody is waiting, rather than on the first typo.
    engine.prepare();
    let mut editor = DefaultEditor::new()?;
    println!("{}\n{HELP}", engine.kb().source().title);
    loop {
        let line = match editor.readline("> ") {
            Ok(line) => line,
            Err(ReadlineError::Interrupted | ReadlineError::Eof) => break,
            Err(error) => return Err(error.into()),
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        // History is best effort: a full history must not end the session.
        let _ = editor.add_history_entry(line);
        let (command, rest) = line.split_once(' ').unwrap_or((line, ""));
        match command {
            "/quit" | "/exit" => break,
            "/help" => println!("{HELP}"),
            "/timeline" => {
                for event in engine.kb().timeline() {
                    println!("{}", render::event(event));
                }
            }
            "/quote" => {
                let quotes = if rest.trim().is_empty() {
                    engine.kb().quotes().iter().collect()
                } else {
                    engine.kb().search_quotes(rest)
                };
                if quotes.is_empty() {
                    println!("No quote matches that.");
                }
                for quote in quotes {
                    println!("{}", render::quote(quote));
                }
            }
            _ => println!("{}", render::text(&engine.ask(line), engine.kb())),
        }
    }
    Ok(SUCCESS)
}
