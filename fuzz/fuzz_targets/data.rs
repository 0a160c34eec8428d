//! The data loader on one broken file at a time (the others are the real ones): it
//! returns a knowledge base or problems that each name a data file, never panics; a
//! knowledge base that loads answers questions and renders within Discord's limits.
//!
//! Input: byte 0 picks the file (`b0 % FILE_NAMES.len()`, in `FILE_NAMES` order) and the
//! mode:
//! - `b0 < 0x80`: the rest of the input is the whole file;
//! - `b0 >= 0x80` (splice): bytes 1..5 are an offset (u32 LE, modulo the real file's length
//!   + 1), bytes 5..7 how many bytes to delete there (u16 LE), and the rest is inserted at
//!   that place of the real file. This keeps most of a large file valid, so the fuzzer
//!   reaches the checks behind the TOML parser.
#![no_main]

mod common;

use std::sync::{Arc, OnceLock};

use jedi_bot::config::ReplyStyle;
use jedi_bot::discord::render;
use jedi_bot::{DataSource, Engine, Thresholds};
use jedi_engine::FILE_NAMES;
use libfuzzer_sys::fuzz_target;

/// The real data files, read once from the repository's `data/` directory.
fn real_files() -> &'static Vec<(String, Vec<u8>)> {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
        FILE_NAMES
            .iter()
            .map(|name| {
                let bytes = std::fs::read(dir.join(name))
                    .unwrap_or_else(|e| panic!("cannot read data/{name}: {e}"));
                (name.to_string(), bytes)
            })
            .collect()
    })
}

const QUESTIONS: [&str; 5] = [
    "who won the jedi contract?",
    "how much was it worth",
    "what did amazon say",
    "",
    "what's the weather in paris?",
];

fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let which = head as usize % FILE_NAMES.len();
    let real = &real_files()[which].1;
    let mutated = if head < 0x80 {
        rest.to_vec()
    } else {
        if rest.len() < 6 {
            return;
        }
        let offset = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize % (real.len() + 1);
        let delete = u16::from_le_bytes(rest[4..6].try_into().unwrap()) as usize;
        let end = (offset + delete).min(real.len());
        let mut bytes = Vec::with_capacity(real.len() + rest.len());
        bytes.extend_from_slice(&real[..offset]);
        bytes.extend_from_slice(&rest[6..]);
        bytes.extend_from_slice(&real[end..]);
        bytes
    };
    let mut files = real_files().clone();
    files[which].1 = mutated;
    let names: Vec<String> = FILE_NAMES.iter().map(|n| format!("data/{n}")).collect();
    let lines = |file: &str| -> usize {
        let index = names.iter().position(|n| n == file).unwrap();
        files[index].1.iter().filter(|&&b| b == b'\n').count() + 1
    };
    let source = DataSource::Memory(Arc::new(files.clone()));
    match jedi_bot::data::load(&source) {
        Err(problems) => {
            assert!(!problems.is_empty(), "Err with no problem");
            for problem in problems.iter() {
                assert!(
                    names.contains(&problem.file),
                    "a problem names no data file: {problem}"
                );
                assert!(
                    !problem.message.trim().is_empty(),
                    "a problem says nothing: {problem}"
                );
                if let Some(line) = problem.line {
                    assert!(
                        line >= 1 && line <= lines(&problem.file),
                        "line {line} is outside {} ({} lines): {problem}",
                        problem.file,
                        lines(&problem.file)
                    );
                }
                assert!(problem.column.is_none_or(|c| c >= 1), "column 0: {problem}");
            }
            let _ = problems.to_string();
        }
        Ok(kb) => {
            let _ = kb.summary();
            let engine = Engine::new(kb, Thresholds::default());
            let kb = engine.kb();
            for question in QUESTIONS {
                let outcome = engine.ask(question);
                for style in [ReplyStyle::Embed, ReplyStyle::Plain] {
                    let reply = render::outcome(&outcome, kb, style, 5);
                    common::check_reply(&reply, &format!("outcome({question:?}, {style:?})"));
                }
                let _ = engine.rank(question, 25);
            }
            for entry in kb.entries() {
                let answer = engine.answer_entry(&entry.id);
                if let Some(answer) = answer {
                    let reply = render::answer(&answer, kb.source(), ReplyStyle::Embed, 5);
                    common::check_reply(&reply, &format!("answer({:?})", entry.id));
                }
            }
            let source = kb.source();
            let events = kb.timeline_between(None, None);
            for page in 0..events.len().div_ceil(render::EVENTS_PER_PAGE) {
                let reply = render::timeline_page(&events, page, None, None, source);
                common::check_reply(&reply, &format!("timeline page {page}"));
            }
            let quotes = kb.find_quotes(None, None);
            common::check_reply(&render::quotes(&quotes, source), "quotes");
            common::check_reply(&render::source(source), "source");
            let examples: Vec<&str> = kb.entries().iter().take(3).map(|e| e.title()).collect();
            common::check_reply(&render::help(source, &examples), "help");
        }
    }
});
