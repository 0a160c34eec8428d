//! Parsing and checking the data files. Every mistake becomes a [`Problem`] with its
//! file and line; all of them are collected before anything is refused.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::rc::Rc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::Spanned;

use super::budgets::TextBudgets;
use super::files::{
    DataFiles, ARTICLE, COMMON_WORDS, QA, QUOTES, RELATED_WORDS, SOURCE, TIMELINE, VOCABULARY,
    WORD_FREQUENCY,
};
use super::model::{Entry, Event, Quote, QuoteKind, Source};
use super::problem::{Problem, SourceFile};
use crate::text::{
    clean, tokenize, Analyzer, English, KeyedLines, Lexicon, Term, TermKind, WordList, Words,
};

type Text = Spanned<String>;
type List = Spanned<Vec<Text>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: Text,
    title: Text,
    outlet: Text,
    cites: Text,
    attribution: Text,
    topic: Text,
    as_of: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVocabulary {
    #[serde(default)]
    stop_words: Vec<Text>,
    #[serde(default)]
    question_words: BTreeMap<String, Vec<Text>>,
    #[serde(default)]
    synonyms: BTreeMap<String, Vec<Text>>,
    #[serde(default)]
    contractions: BTreeMap<String, Text>,
    #[serde(default)]
    number_suffixes: BTreeMap<String, Text>,
    #[serde(default)]
    contrasts: Vec<Spanned<Vec<Text>>>,
    #[serde(default)]
    relative_pronouns: Vec<Text>,
    #[serde(default)]
    focus_markers: Vec<Text>,
    #[serde(default)]
    entities: BTreeMap<String, Text>,
    #[serde(default)]
    pronouns: BTreeMap<String, Vec<Text>>,
    #[serde(default)]
    yes_no_starts: Vec<Text>,
    #[serde(default)]
    follow_up_openers: Vec<Text>,
    #[serde(default)]
    negations: Vec<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQa {
    #[serde(default)]
    entry: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: Text,
    questions: List,
    answer: Text,
    #[serde(default)]
    yes_no: Option<Text>,
    sources: List,
    #[serde(default)]
    related: Vec<Text>,
    #[serde(default = "yes")]
    covered: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimeline {
    #[serde(default)]
    event: Vec<RawEvent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    id: Text,
    sort: Spanned<i64>,
    date: Text,
    #[serde(default = "yes")]
    dated: bool,
    year: Option<Spanned<i32>>,
    event: Text,
    label: Option<Text>,
    sources: List,
}

fn yes() -> bool {
    true
}

/// The figures of `text` (amounts, counts, durations: runs of digits, with their decimal
/// point), years aside: a year places a fact, which the dates and the story check.
fn figures(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .map(|run| run.trim_matches(|c: char| !c.is_ascii_digit()))
        .filter(|run| !run.is_empty())
        .filter(|run| !(run.len() == 4 && (run.starts_with("19") || run.starts_with("20"))))
}

/// A figure the text states must be in one of its excerpts: a text that gives a number
/// the article does not give beside it there is an invented or misplaced fact.
fn check_figures(
    file: SourceFile<'_>,
    field: &str,
    text: &Text,
    sources: &[String],
    problems: &mut Vec<Problem>,
) {
    for figure in figures(text.get_ref()) {
        if !sources.iter().any(|source| source.contains(figure)) {
            problems.push(file.at(
                &text.span(),
                format!("{field} gives the figure {figure}, which none of its sources gives: add the excerpt that does"),
            ));
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuotes {
    #[serde(default)]
    quote: Vec<RawQuote>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuote {
    id: Text,
    speaker: Text,
    role: Text,
    kind: QuoteKind,
    context: Text,
    text: Text,
}

/// Everything parsed from a data directory, checked.
pub(crate) struct Parsed {
    pub article: String,
    pub source: Source,
    pub lexicon: Lexicon,
    pub analyzer: Analyzer,
    pub entries: Vec<Entry>,
    /// The terms of each entry's phrasings, as the checks read them (the index uses them).
    pub phrasing_terms: Vec<Vec<Vec<Term>>>,
    pub timeline: Vec<Event>,
    pub quotes: Vec<Quote>,
}

/// Parses and checks every file; returns all problems found, in file and line order.
pub(crate) fn parse(
    files: &DataFiles,
    budgets: TextBudgets,
    max_phrasings: Option<usize>,
) -> Result<Parsed, Vec<Problem>> {
    let mut problems = Vec::new();
    let file = |name: &str| {
        let f = files.get(name);
        SourceFile {
            name: &f.display,
            text: &f.text,
            line_starts: f.line_starts(),
        }
    };

    let article_file = file(ARTICLE);
    let article = article_file.text.to_string();
    if article.trim().is_empty() {
        problems.push(article_file.whole("the article is empty"));
    }
    let checker = Checker {
        article: &article,
        article_name: article_file.name,
        budgets,
    };

    let source = toml_file::<RawSource>(file(SOURCE), &mut problems)
        .map(|raw| checker.source(file(SOURCE), raw, &mut problems));
    let lexicon = toml_file::<RawVocabulary>(file(VOCABULARY), &mut problems)
        .map(|raw| vocabulary(file(VOCABULARY), raw, &mut problems))
        .unwrap_or_default();
    let mut qa = toml_file::<RawQa>(file(QA), &mut problems);
    if let (Some(qa), Some(max)) = (qa.as_mut(), max_phrasings) {
        for entry in &mut qa.entry {
            entry.questions.get_mut().truncate(max.max(1));
        }
    }
    let timeline = toml_file::<RawTimeline>(file(TIMELINE), &mut problems)
        .map(|raw| checker.timeline(file(TIMELINE), raw, &mut problems))
        .unwrap_or_default();
    let quotes = toml_file::<RawQuotes>(file(QUOTES), &mut problems)
        .map(|raw| checker.quotes(file(QUOTES), raw, &mut problems))
        .unwrap_or_default();
    // An editor or `cp` truncates a file before writing it: an empty required file is
    // a half-done edit, never data to answer from.
    for name in [
        VOCABULARY,
        COMMON_WORDS,
        WORD_FREQUENCY,
        QA,
        TIMELINE,
        QUOTES,
    ] {
        if !has_content(file(name).text) {
            problems.push(file(name).whole("the file is empty (no data in it)"));
        }
    }

    let corpus: Vec<&str> = qa
        .iter()
        .flat_map(|qa| &qa.entry)
        .flat_map(|e| e.questions.get_ref())
        .map(|q| q.get_ref().as_str())
        .collect();
    let english = English {
        common_words: WordList::parse(files.get(COMMON_WORDS).text.clone()),
        frequency: KeyedLines::parse(files.get(WORD_FREQUENCY).text.clone()),
        related: KeyedLines::parse(files.get(RELATED_WORDS).text.clone()),
    };
    let (analyzer, corpus_words) = Analyzer::with_corpus(&lexicon, &corpus, english);
    for (group, keys) in lexicon.contrasts.iter().zip(analyzer.contrasts()) {
        if keys.len() != group.len() || group.iter().any(|w| analyzer.analyze(w).len() != 1) {
            problems.push(file(VOCABULARY).whole(format!(
                "contrast group {group:?}: each word must be one word the analyser keeps (not a stop word)"
            )));
        }
    }
    let (entries, phrasing_terms) = qa
        .map(|raw| checker.entries(file(QA), raw, &analyzer, corpus_words, &mut problems))
        .unwrap_or_default();

    match (problems.is_empty(), source) {
        (true, Some(source)) => Ok(Parsed {
            article,
            source,
            lexicon,
            analyzer,
            entries,
            phrasing_terms,
            timeline,
            quotes,
        }),
        _ => Err(problems),
    }
}

/// Whether `text` has a line that is neither blank nor a comment.
fn has_content(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        !line.is_empty() && !line.starts_with('#')
    })
}

/// Whether `text` opens with a bare "yes" or "no" ("Yes.", "No, ...").
fn starts_with_yes_or_no(text: &str) -> bool {
    let first = text
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    first.eq_ignore_ascii_case("yes") || first.eq_ignore_ascii_case("no")
}

/// Parses one TOML file; a syntax or type error becomes a problem with line and column.
fn toml_file<T: DeserializeOwned>(file: SourceFile<'_>, problems: &mut Vec<Problem>) -> Option<T> {
    match toml::from_str::<T>(file.text) {
        Ok(value) => Some(value),
        Err(error) => {
            let message = error.message().trim().replace('\n', " ");
            problems.push(match error.span() {
                Some(span) => file.at_column(&span, message),
                None => file.whole(message),
            });
            None
        }
    }
}

/// Words of a phrase as the vocabulary checks compare them (before stemming).
fn phrase_key(text: &str) -> Cow<'_, str> {
    // Most phrases are already lowercase words joined by single spaces: their own key.
    let plain = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if text.as_bytes().first().is_some_and(plain)
        && text.as_bytes().last().is_some_and(plain)
        && text.bytes().all(|b| plain(&b) || b == b' ')
        && !text.as_bytes().windows(2).any(|pair| pair == b"  ")
    {
        return text.into();
    }
    let cleaned = clean(text);
    let mut key = String::with_capacity(cleaned.len());
    for word in tokenize(&cleaned) {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
    key.into()
}

fn vocabulary(file: SourceFile<'_>, raw: RawVocabulary, problems: &mut Vec<Problem>) -> Lexicon {
    let RawVocabulary {
        stop_words,
        question_words,
        synonyms,
        contractions,
        number_suffixes,
        contrasts,
        relative_pronouns,
        focus_markers,
        entities,
        pronouns,
        yes_no_starts,
        follow_up_openers,
        negations,
    } = raw;
    let mut lexicon = Lexicon::default();
    phrase_groups(file, question_words, synonyms, &mut lexicon, problems);
    for word in &stop_words {
        if phrase_key(word.get_ref()).is_empty() {
            problems.push(file.at(&word.span(), "empty stop word"));
        }
    }
    lexicon.stop_words = texts(stop_words);
    for (from, to) in &contractions {
        if phrase_key(to.get_ref()).is_empty() || phrase_key(from).is_empty() {
            problems.push(file.at(&to.span(), format!("empty contraction \"{from}\"")));
        }
    }
    lexicon.contractions = contractions
        .into_iter()
        .map(|(k, v)| (k, v.into_inner()))
        .collect();
    for (suffix, word) in &number_suffixes {
        if suffix.is_empty() || !suffix.chars().all(char::is_alphabetic) {
            problems.push(file.at(
                &word.span(),
                format!("number suffix \"{suffix}\" must be letters only"),
            ));
        }
    }
    lexicon.number_suffixes = number_suffixes
        .into_iter()
        .map(|(k, v)| (k, v.into_inner()))
        .collect();
    for group in &contrasts {
        if group.get_ref().len() < 2 {
            problems.push(file.at(&group.span(), "a contrast group needs at least two words"));
        }
    }
    lexicon.contrasts = contrasts
        .into_iter()
        .map(|group| texts(group.into_inner()))
        .collect();
    lexicon.relative_pronouns = texts(relative_pronouns);
    lexicon.focus_markers = texts(focus_markers);
    lexicon.yes_no_starts = texts(yes_no_starts);
    lexicon.follow_up_openers = texts(follow_up_openers);
    lexicon.negations = texts(negations);
    for (class, words) in pronouns {
        lexicon.pronouns.insert(class, texts(words));
    }
    for (word, class) in entities {
        if !lexicon.pronouns.contains_key(class.get_ref()) {
            problems.push(file.at(
                &class.span(),
                format!(
                    "entity \"{word}\": \"{}\" is not a pronoun class of [pronouns]",
                    class.get_ref()
                ),
            ));
        }
        lexicon.entities.insert(word, class.into_inner());
    }
    lexicon
}

/// The texts of a list, without their places.
fn texts(list: Vec<Text>) -> Vec<String> {
    list.into_iter().map(Spanned::into_inner).collect()
}

/// The question words and synonyms, into `lexicon`; a word or phrase listed under two
/// groups is a problem (the analyser could not tell which it means).
fn phrase_groups(
    file: SourceFile<'_>,
    question_words: BTreeMap<String, Vec<Text>>,
    synonyms: BTreeMap<String, Vec<Text>>,
    lexicon: &mut Lexicon,
    problems: &mut Vec<Problem>,
) {
    let phrases = question_words.values().chain(synonyms.values());
    let mut owner: HashMap<String, (Rc<str>, usize)> =
        HashMap::with_capacity_and_hasher(phrases.map(Vec::len).sum(), Default::default());
    let mut claim = |phrase: &Text, group: &Rc<str>, problems: &mut Vec<Problem>| {
        let key = phrase_key(phrase.get_ref());
        if key.is_empty() {
            problems.push(file.at(&phrase.span(), "empty word or phrase"));
            return;
        }
        let line = file.line(phrase.span().start);
        match owner.get(&*key) {
            Some((other, first)) if other != group => problems.push(file.at(
                &phrase.span(),
                format!(
                    "\"{}\" is listed under both \"{other}\" (line {first}) and \"{group}\"",
                    phrase.get_ref()
                ),
            )),
            Some(_) => {}
            None => {
                owner.insert(key.into_owned(), (group.clone(), line));
            }
        }
    };
    let groups = question_words
        .into_iter()
        .map(|(k, v)| (k, v, true))
        .chain(synonyms.into_iter().map(|(k, v)| (k, v, false)));
    for (group, phrases, is_question) in groups {
        let label: Rc<str> = if is_question {
            format!("question_words.{group}").into()
        } else {
            format!("synonyms.{group}").into()
        };
        for phrase in &phrases {
            claim(phrase, &label, problems);
        }
        let words = texts(phrases);
        if is_question {
            lexicon.question_words.insert(group, words);
        } else {
            lexicon.synonyms.insert(group, words);
        }
    }
}

/// One phrasing being checked.
struct Phrasing<'a> {
    question: &'a Text,
    /// Its entry's id.
    id: &'a Rc<str>,
    /// Its words joined by single spaces.
    normalized: String,
    terms: &'a [Term],
}

/// The phrasings checked so far: normalised question, and reading, -> (entry id, line)
/// of its first appearance.
struct Seen {
    phrasings: HashMap<String, (Rc<str>, usize)>,
    readings: HashMap<String, (Rc<str>, usize)>,
}

/// How the engine reads a phrasing, as one string: its term keys sorted, question kinds
/// marked with `?`. Two phrasings reading the same cannot be told apart.
fn reading_key(terms: &[Term], capacity: usize) -> String {
    let mut keys: Vec<(bool, &str)> = terms
        .iter()
        .map(|t| (t.kind == TermKind::Question, &*t.key))
        .collect();
    keys.sort_unstable();
    let mut reading = String::with_capacity(capacity + keys.len());
    for (question, key) in keys {
        if !reading.is_empty() {
            reading.push(' ');
        }
        if question {
            reading.push('?');
        }
        reading.push_str(key);
    }
    reading
}

/// Every `related` id must name another entry.
fn check_related(
    file: SourceFile<'_>,
    raw: &[RawEntry],
    entries: &[Entry],
    ids: &HashMap<String, usize>,
    problems: &mut Vec<Problem>,
) {
    for (raw, entry) in raw.iter().zip(entries) {
        for related in &raw.related {
            let target = related.get_ref();
            if *target == entry.id {
                problems.push(file.at(
                    &related.span(),
                    format!("entry \"{target}\" lists itself as related"),
                ));
            } else if !ids.contains_key(target) {
                problems.push(file.at(
                    &related.span(),
                    format!("related id \"{target}\" does not exist"),
                ));
            }
        }
    }
}

/// Whether a normalised question has not been seen (a repeat is reported on its own).
fn normalized_is_new(seen: &HashMap<String, (Rc<str>, usize)>, normalized: &str) -> bool {
    !seen.contains_key(normalized)
}

/// Checks shared by every file: texts, ids, excerpts.
struct Checker<'a> {
    article: &'a str,
    article_name: &'a str,
    budgets: TextBudgets,
}

impl Checker<'_> {
    /// The text, or a problem if it is empty or longer than `max` characters.
    fn text(
        &self,
        file: SourceFile<'_>,
        field: &str,
        value: &Text,
        max: usize,
        problems: &mut Vec<Problem>,
    ) -> String {
        self.check_text(file, field, value, max, problems);
        value.get_ref().clone()
    }

    /// Checks a text: not empty and at most `max` characters.
    fn check_text(
        &self,
        file: SourceFile<'_>,
        field: &str,
        value: &Text,
        max: usize,
        problems: &mut Vec<Problem>,
    ) {
        let text = value.get_ref();
        if text.trim().is_empty() {
            problems.push(file.at(&value.span(), format!("{field} is empty")));
        } else if text.chars().count() > max {
            problems.push(file.at(
                &value.span(),
                format!(
                    "{field} is {} characters; at most {max} fit in a Discord message",
                    text.chars().count()
                ),
            ));
        }
    }

    /// A stable id: lowercase letters and digits in words joined by "-".
    fn id(
        &self,
        file: SourceFile<'_>,
        value: &Text,
        seen: &mut HashMap<String, usize>,
        problems: &mut Vec<Problem>,
    ) -> String {
        let id = value.get_ref();
        let well_formed = !id.is_empty()
            && id.split('-').all(|w| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            });
        let line = file.line(value.span().start);
        if !well_formed {
            problems.push(file.at(
                &value.span(),
                format!(
                    "id \"{id}\" must be lowercase letters and digits in words joined by \"-\""
                ),
            ));
        } else if let Some(first) = seen.get(id) {
            problems.push(file.at(
                &value.span(),
                format!("duplicate id \"{id}\" (first at line {first})"),
            ));
        } else {
            seen.insert(id.clone(), line);
        }
        id.clone()
    }

    /// Excerpts that must each be verbatim in the article.
    fn excerpts(
        &self,
        file: SourceFile<'_>,
        field: &str,
        list: &List,
        problems: &mut Vec<Problem>,
    ) -> Vec<String> {
        if list.get_ref().is_empty() {
            problems.push(file.at(
                &list.span(),
                format!("{field} is empty: give at least one excerpt"),
            ));
        }
        list.get_ref()
            .iter()
            .map(|excerpt| {
                let text = self.text(file, field, excerpt, self.budgets.passage, problems);
                self.verbatim(file, field, excerpt, problems);
                text
            })
            .collect()
    }

    fn verbatim(
        &self,
        file: SourceFile<'_>,
        field: &str,
        value: &Text,
        problems: &mut Vec<Problem>,
    ) {
        let text = value.get_ref();
        if text.trim().is_empty() || self.article.contains(text.as_str()) {
            return;
        }
        let mut matched = 0;
        for (i, c) in text.char_indices() {
            if self.article.contains(&text[..i + c.len_utf8()]) {
                matched = i + c.len_utf8();
            } else {
                break;
            }
        }
        let hint = if matched == 0 {
            "not even its first character matches".to_string()
        } else {
            let tail: String = text[..matched]
                .chars()
                .rev()
                .take(30)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("it stops matching after \"…{tail}\"")
        };
        problems.push(file.at(
            &value.span(),
            format!("{field} is not verbatim in {}: {hint}", self.article_name),
        ));
    }

    fn source(&self, file: SourceFile<'_>, raw: RawSource, problems: &mut Vec<Problem>) -> Source {
        let title = self.text(file, "title", &raw.title, self.budgets.title, problems);
        self.verbatim(file, "title", &raw.title, problems);
        Source {
            name: self.text(file, "name", &raw.name, self.budgets.name, problems),
            title,
            outlet: self.text(file, "outlet", &raw.outlet, self.budgets.label, problems),
            cites: self.text(file, "cites", &raw.cites, self.budgets.label, problems),
            attribution: self.text(
                file,
                "attribution",
                &raw.attribution,
                self.budgets.attribution,
                problems,
            ),
            topic: self.text(file, "topic", &raw.topic, self.budgets.passage, problems),
            as_of: self.text(file, "as_of", &raw.as_of, self.budgets.passage, problems),
        }
    }

    fn entries(
        &self,
        file: SourceFile<'_>,
        mut raw: RawQa,
        analyzer: &Analyzer,
        corpus_words: Vec<Words>,
        problems: &mut Vec<Problem>,
    ) -> (Vec<Entry>, Vec<Vec<Vec<Term>>>) {
        // The words of every question, in order, as the analyser split them.
        let mut corpus_words = corpus_words.into_iter();
        if raw.entry.is_empty() {
            problems.push(file.whole("no [[entry]] tables: the Q&A set is empty"));
        }
        let mut ids = HashMap::default();
        // Normalised question / reading -> (entry id, line) of its first appearance.
        let questions: usize = raw.entry.iter().map(|e| e.questions.get_ref().len()).sum();
        let mut seen = Seen {
            phrasings: HashMap::with_capacity_and_hasher(questions, Default::default()),
            readings: HashMap::with_capacity_and_hasher(questions, Default::default()),
        };
        let mut entries = Vec::with_capacity(raw.entry.len());
        let mut all_terms = Vec::with_capacity(raw.entry.len());
        for raw in &mut raw.entry {
            let id = self.id(file, &raw.id, &mut ids, problems);
            let shared_id: Rc<str> = Rc::from(id.as_str());
            if raw.questions.get_ref().is_empty() {
                problems.push(file.at(
                    &raw.questions.span(),
                    format!("entry \"{id}\" has no questions"),
                ));
            }
            let raw_questions = std::mem::take(raw.questions.get_mut());
            let mut questions = Vec::with_capacity(raw_questions.len());
            let mut entry_terms = Vec::with_capacity(raw_questions.len());
            for (i, question) in raw_questions.into_iter().enumerate() {
                let max = if i == 0 {
                    self.budgets.first_question
                } else {
                    self.budgets.question
                };
                self.check_text(file, "question", &question, max, problems);
                let text = question.get_ref();
                let (normalized, terms) = match corpus_words.next() {
                    Some(words) => analyzer.read_words(words),
                    None => analyzer.read(text),
                };
                if !text.trim().is_empty() {
                    let phrasing = Phrasing {
                        question: &question,
                        id: &shared_id,
                        normalized,
                        terms: &terms,
                    };
                    self.check_phrasing(file, phrasing, &mut seen, problems);
                }
                questions.push(question.into_inner());
                entry_terms.push(terms);
            }
            let (answer, yes_no) = self.answer_forms(file, raw, &id, problems);
            let sources = self.excerpts(file, "source", &raw.sources, problems);
            for (field, text) in [
                ("answer", Some(&raw.answer)),
                ("yes_no", raw.yes_no.as_ref()),
            ] {
                if let Some(text) = text {
                    check_figures(file, field, text, &sources, problems);
                }
            }
            entries.push(Entry {
                id,
                questions,
                answer,
                yes_no,
                sources,
                related: raw.related.iter().map(|r| r.get_ref().clone()).collect(),
                covered: raw.covered,
            });
            all_terms.push(entry_terms);
        }
        check_related(file, &raw.entry, &entries, &ids, problems);
        (entries, all_terms)
    }

    /// Checks one phrasing against the others seen so far: it must have a word to match,
    /// not repeat another phrasing, and not read the same as another entry's phrasing.
    fn check_phrasing(
        &self,
        file: SourceFile<'_>,
        phrasing: Phrasing<'_>,
        seen: &mut Seen,
        problems: &mut Vec<Problem>,
    ) {
        let Phrasing {
            question,
            id,
            normalized,
            terms,
        } = phrasing;
        let text = question.get_ref();
        let line = file.line(question.span().start);
        let reading = reading_key(terms, normalized.len());
        match seen.readings.get(&reading) {
            Some((other, first)) if other != id && normalized_is_new(&seen.phrasings, &normalized) => {
                problems.push(file.at(
                    &question.span(),
                    format!(
                        "question \"{text}\" of \"{id}\" reads the same as line {first} of \"{other}\" ({reading}): the engine cannot tell them apart"
                    ),
                ))
            }
            Some(_) => {}
            None => {
                seen.readings.insert(reading, (id.clone(), line));
            }
        }
        if !terms.iter().any(|t| t.kind == TermKind::Word) {
            problems.push(file.at(
                &question.span(),
                format!("question \"{text}\" has no word the engine can match (only stop words or question words)"),
            ));
        }
        match seen.phrasings.get(&normalized) {
            Some((other, first)) if other == id => problems.push(file.at(
                &question.span(),
                format!("question \"{text}\" repeats line {first} of the same entry"),
            )),
            Some((other, first)) => problems.push(file.at(
                &question.span(),
                format!("question \"{text}\" is under two entries: \"{other}\" (line {first}) and \"{id}\""),
            )),
            None => {
                seen.phrasings.insert(normalized, (id.clone(), line));
            }
        }
    }

    /// An entry's answer and its yes/no form; an answer opening with yes or no is a
    /// problem (that form belongs in `yes_no`).
    fn answer_forms(
        &self,
        file: SourceFile<'_>,
        raw: &RawEntry,
        id: &str,
        problems: &mut Vec<Problem>,
    ) -> (String, Option<String>) {
        let answer = self.text(file, "answer", &raw.answer, self.budgets.answer, problems);
        if starts_with_yes_or_no(&answer) {
            problems.push(file.at(
                &raw.answer.span(),
                format!("entry \"{id}\": the answer starts with yes or no; put that form in yes_no (it is shown only for yes/no questions) and start the answer with the fact"),
            ));
        }
        let yes_no = raw
            .yes_no
            .as_ref()
            .map(|text| self.text(file, "yes_no", text, self.budgets.answer, problems));
        (answer, yes_no)
    }

    fn timeline(
        &self,
        file: SourceFile<'_>,
        raw: RawTimeline,
        problems: &mut Vec<Problem>,
    ) -> Vec<Event> {
        let mut ids = HashMap::default();
        let mut previous: Option<(i64, usize)> = None;
        let mut events = Vec::with_capacity(raw.event.len());
        for raw in raw.event {
            let id = self.id(file, &raw.id, &mut ids, problems);
            let sort = *raw.sort.get_ref();
            let line = file.line(raw.sort.span().start);
            if let Some((before, before_line)) = previous {
                if sort <= before {
                    problems.push(file.at(
                        &raw.sort.span(),
                        format!("the timeline is out of order: sort {sort} is not after {before} (line {before_line})"),
                    ));
                }
            }
            previous = Some((sort, line));
            let year = raw.year.as_ref().map(|y| *y.get_ref());
            if raw.dated && year.is_none() {
                problems.push(file.at(
                    &raw.date.span(),
                    format!("event \"{id}\" is dated but has no year (set year, or dated = false)"),
                ));
            }
            let sources = self.excerpts(file, "source", &raw.sources, problems);
            for (field, text) in [("event", Some(&raw.event)), ("label", raw.label.as_ref())] {
                if let Some(text) = text {
                    check_figures(file, field, text, &sources, problems);
                }
            }
            events.push(Event {
                date: self.text(file, "date", &raw.date, self.budgets.label, problems),
                event: self.text(file, "event", &raw.event, self.budgets.passage, problems),
                label: raw.label.as_ref().map(|label| {
                    self.text(file, "label", label, self.budgets.short_label, problems)
                }),
                sources,
                id,
                sort,
                dated: raw.dated,
                year,
            });
        }
        events
    }

    fn quotes(
        &self,
        file: SourceFile<'_>,
        raw: RawQuotes,
        problems: &mut Vec<Problem>,
    ) -> Vec<Quote> {
        let mut ids = HashMap::default();
        let mut texts = HashSet::default();
        let mut quotes = Vec::with_capacity(raw.quote.len());
        for raw in raw.quote {
            let id = self.id(file, &raw.id, &mut ids, problems);
            let text = self.text(file, "text", &raw.text, self.budgets.passage, problems);
            self.verbatim(file, "quote text", &raw.text, problems);
            if !texts.insert(text.clone()) {
                problems.push(file.at(
                    &raw.text.span(),
                    format!("quote \"{id}\" repeats another quote's text"),
                ));
            }
            quotes.push(Quote {
                id,
                speaker: self.text(file, "speaker", &raw.speaker, self.budgets.name, problems),
                role: self.text(file, "role", &raw.role, self.budgets.name, problems),
                kind: raw.kind,
                context: self.text(
                    file,
                    "context",
                    &raw.context,
                    self.budgets.passage,
                    problems,
                ),
                text,
            });
        }
        quotes
    }
}
