//! A generated knowledge base of any size, for benchmarks and tests of the engine's cost
//! and of its scoring shortcuts on data far larger than one article's.

use std::sync::Arc;

use crate::DataSource;

const ARTICLE: &str =
    "A Generated Article\n\nThis article was generated for measuring the engine.\n";
const SOURCE: &str = r#"name = "generated-bot"
title = "A Generated Article"
outlet = "The Generator"
cites = "nobody"
attribution = "Generated"
topic = "generated entries"
as_of = "Generated."
"#;
const VOCABULARY: &str = r#"stop_words = ["a", "an", "the", "is", "did", "please"]
[question_words]
who = ["who"]
when = ["when"]
why = ["why"]
amount = ["how much"]
where = ["where"]
"#;

const TIMELINE: &str = r#"[[event]]
id = "generated"
sort = 1
date = "Not dated"
dated = false
event = "The article was generated."
sources = ["This article was generated for measuring the engine."]
"#;
const QUOTES: &str = r#"[[quote]]
id = "generated"
speaker = "The Generator"
role = "Generator"
kind = "paraphrase"
context = "Generating."
text = "This article was generated for measuring the engine."
"#;

/// A small deterministic generator, so that the same size gives the same data.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The data of `entries` generated entries, 8 phrasings each, over a vocabulary of
/// made-up words (20,000 of them, or fewer for small sizes), and one question per entry to
/// ask it, with a typo and a word the data does not know.
///
/// ```
/// use jedi_engine::{synthetic, Engine, KnowledgeBase, TextBudgets, Thresholds};
/// let (source, questions) = synthetic::data(50);
/// let kb = KnowledgeBase::load(&source, TextBudgets::UNLIMITED).unwrap();
/// assert_eq!(kb.entries().len(), 50);
/// assert_eq!(questions.len(), 50);
/// ```
pub fn data(entries: usize) -> (DataSource, Vec<String>) {
    let mut rng = Lcg(42);
    let syllables = [
        "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "qua", "bri", "dor",
    ];
    let words = (entries * 2).clamp(40, 20_000);
    let vocabulary: Vec<String> = (0..words)
        .map(|_| {
            (0..3 + rng.below(2))
                .map(|_| syllables[rng.below(syllables.len())])
                .collect()
        })
        .collect();
    let starts = [
        "who", "when", "what", "why", "how much", "where", "did", "is",
    ];
    let mut qa = String::new();
    let mut questions = Vec::new();
    for e in 0..entries {
        let topic: Vec<&str> = (0..4)
            .map(|_| vocabulary[rng.below(vocabulary.len())].as_str())
            .collect();
        qa.push_str(&format!("[[entry]]\nid = \"entry-{e}\"\nquestions = [\n"));
        for p in 0..8 {
            let start = starts[rng.below(starts.len())];
            let extra = &vocabulary[rng.below(vocabulary.len())];
            let phrasing = format!(
                "{start} {} {} {extra} {p}",
                topic[p % 4],
                topic[(p + 1) % 4]
            );
            qa.push_str(&format!("  \"{phrasing}\",\n"));
            if p == 0 {
                let mut typo = topic[1].to_string();
                typo.insert(1, 'x');
                questions.push(format!("{start} {} {typo} please unheardof", topic[0]));
            }
        }
        qa.push_str(
            "]\nanswer = \"A generated answer.\"\nsources = [\"This article was generated for measuring the engine.\"]\n\n",
        );
    }
    let files = vec![
        ("article.txt", ARTICLE.to_string()),
        ("source.toml", SOURCE.to_string()),
        ("vocabulary.toml", VOCABULARY.to_string()),
        ("english-words.txt", "article\n".to_string()),
        ("word-frequency.txt", "article 49\n".to_string()),
        ("related-words.txt", String::new()),
        ("qa.toml", qa),
        ("timeline.toml", TIMELINE.to_string()),
        ("quotes.toml", QUOTES.to_string()),
    ];
    let files = files
        .into_iter()
        .map(|(name, text)| (name.to_string(), text.into_bytes()))
        .collect();
    (DataSource::Memory(Arc::new(files)), questions)
}
