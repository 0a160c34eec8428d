//! The analyser: a knowledge base's vocabulary, compiled for reading questions.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;

use super::clean::{is_plain, tokenize_each};
use super::table::KeyedLines;
use super::{clean, tokenize, Speller, WordList};

/// A word this common in general English (ten times its Zipf frequency: "lady" is 50) is
/// taken as meant, never "corrected" into a word of the data.
pub const COMMON_ZIPF10: u8 = 45;

/// A question phrase or focus marker looks this many words ahead for what it asks about
/// ("what *day*", "what exact *day*").
const FOCUS_WINDOW: usize = 2;

/// How many tokens after a negation ("not the movie one") may come before the word
/// it sets aside.
const NEGATION_WINDOW: usize = 2;

/// What the analyser knows of English beyond the data: each read on first need.
#[derive(Debug, Clone, Default)]
pub struct English {
    /// Real words never "corrected" into words of the data (`english-words.txt`).
    pub common_words: WordList,
    /// How common words are (`word-frequency.txt`).
    pub frequency: KeyedLines,
    /// The data's nearest word to English words it does not use (`related-words.txt`).
    pub related: KeyedLines,
}

/// The vocabulary a knowledge base gives its analyser (the data's `vocabulary.toml`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Lexicon {
    /// Words that carry no meaning for matching.
    pub stop_words: Vec<String>,
    /// Question kind (e.g. "who") -> the words and phrases that ask it.
    pub question_words: BTreeMap<String, Vec<String>>,
    /// Canonical word -> the words and phrases read as it.
    pub synonyms: BTreeMap<String, Vec<String>>,
    /// A word as typed -> what it stands for ("what's" -> "what is", "u" -> "you").
    pub contractions: BTreeMap<String, String>,
    /// A suffix on a number -> the word it stands for ("b" in "10b" -> "billion").
    pub number_suffixes: BTreeMap<String, String>,
    /// Groups of words naming different things of one sort (two companies, several
    /// people): a phrasing naming one of a group does not fit a question naming another.
    pub contrasts: Vec<Vec<String>>,
    /// Question words that, right after a noun, start a relative clause rather than ask
    /// ("the judge who halted it"): there they ask nothing.
    pub relative_pronouns: Vec<String>,
    /// Words after which the next word is what a question asks about ("how old", "what
    /// day"), as a question phrase's next word is.
    pub focus_markers: Vec<String>,
    /// The story's people, organisations and things, each with the pronoun class that
    /// refers to it ("judge" -> "she", "microsoft" -> "it"): a question naming one is
    /// about the story, and a follow-up's pronoun finds its entity by the class.
    pub entities: BTreeMap<String, String>,
    /// Pronoun class -> the pronouns of it ("she" -> she, her, hers).
    pub pronouns: BTreeMap<String, Vec<String>>,
    /// Words and phrases that, opening a clause, make it a yes/no question ("did",
    /// "is", "true or false").
    pub yes_no_starts: Vec<String>,
    /// Openings that continue a conversation ("and", "what about"): the rest is read in
    /// place of part of the last question.
    pub follow_up_openers: Vec<String>,
    /// Words after which the next word is what the question is not about ("not the
    /// movie one").
    pub negations: Vec<String>,
}

/// What a term of an analysed question is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TermKind {
    /// A word (stemmed) or the canonical word of a synonym group.
    Word,
    /// The kind of fact a question word asks for ("who", "when", ...).
    Question,
}

/// How sure the analyser is that a term is what the person meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reading {
    /// A word of the data, read as typed (the surest).
    Typed,
    /// A misspelt word, corrected to a word of the data.
    Corrected,
    /// An English word the data never uses, read as the data's nearest word in the lexical
    /// database (`related-words.txt`), this far from it (tenths: 10 a synonym).
    Related(u8),
    /// Not typed: supplied by the conversation (the last question's words, the entity a
    /// pronoun refers to). It weighs less than what was typed.
    Context,
    /// Typed after a negation ("not the movie one"): what the question sets aside, unless
    /// the data knows it ("not the contract" still names the contract).
    Negated,
    /// An everyday word the data does not use, right before a word naming one of the
    /// story's entities: it describes that entity ("the *lady* judge") more than it asks
    /// about something else, and weighs less.
    Describing,
}

/// One term of an analysed question or phrasing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    /// The stem, canonical word or question kind (shared: the analyser hands out the
    /// same key for every occurrence of a known word rather than copying it).
    pub key: Arc<str>,
    /// Whether it is a word or a question kind.
    pub kind: TermKind,
    /// How it was read.
    pub reading: Reading,
    /// How common the word is in general English, as ten times its Zipf frequency
    /// (`word-frequency.txt`; 0 when not listed, rarer than every listed word). `None`
    /// for what is not a listed word: a number, a question kind, a phrase.
    pub zipf10: Option<u8>,
    /// Whether it is what the question asks about: the word right after a question
    /// phrase or a focus marker ("how *old* is the judge", "what *day*").
    pub focus: bool,
}

impl Term {
    /// Whether it comes from a misspelt word that was corrected.
    pub fn corrected(&self) -> bool {
        self.reading == Reading::Corrected
    }
}

/// A phrase of the lexicon, stemmed, and the term it stands for.
#[derive(Debug, Clone)]
struct Phrase {
    /// Stems after the first (the first is the key of the table).
    rest: Box<[Arc<str>]>,
    /// The words as written, all of them: an exact match is preferred over a match of
    /// stems ("president" and "presided" stem alike).
    words: Words,
    key: Arc<str>,
    kind: TermKind,
    /// How common its key is in general English (see [`Term::zipf10`]), looked up once.
    zipf10: Option<u8>,
}

/// A word of a question on its way to becoming a term.
struct Token<'a> {
    surface: &'a str,
    stem: Arc<str>,
    reading: Reading,
    zipf10: Option<u8>,
    /// First word of a clause (see [`tokenize_marked`](crate::text::tokenize_marked)).
    starts_clause: bool,
    /// A stop word, or its stem is one's.
    stop: bool,
    /// The lexicon's phrases starting with its stem (an index into `phrase_lists`).
    phrases: Option<u32>,
}

/// The phrases starting with one stem. Question phrases often start alike ("what
/// company", "what firm", ...: a hundred or more start with "what"), so those of more
/// than one word are grouped by their second stem.
#[derive(Debug, Default)]
struct PhraseList {
    /// The one-word phrase(s).
    single: Vec<Phrase>,
    /// Second stem -> the longer phrases, longest first; sorted by the stem.
    by_second: Vec<(Arc<str>, Vec<Phrase>)>,
}

impl PhraseList {
    fn new(mut phrases: Vec<Phrase>) -> PhraseList {
        // Longest first; equally long ones stay in the lexicon's order.
        phrases.sort_by_key(|p| std::cmp::Reverse(p.rest.len()));
        let mut list = PhraseList::default();
        for phrase in phrases {
            let Some(second) = phrase.rest.first().cloned() else {
                list.single.push(phrase);
                continue;
            };
            match list.by_second.iter_mut().find(|(s, _)| *s == second) {
                Some((_, group)) => group.push(phrase),
                None => list.by_second.push((second, vec![phrase])),
            }
        }
        list.by_second.sort_by(|a, b| a.0.cmp(&b.0));
        list
    }
}

/// What the analyser knows of a word of the vocabulary or the corpus, worked out once
/// so that reading it is one look-up.
#[derive(Debug, Clone)]
struct Known {
    stem: Arc<str>,
    stop: bool,
    phrases: Option<u32>,
    /// Ten times its Zipf frequency in general English (0 when not listed).
    zipf10: u8,
}

/// The words of a text, split and expanded (see [`Analyzer::with_corpus`]): kept as the
/// normalised text (the words joined by single spaces) and each word's place in it, so a
/// text's words take two allocations rather than one per word.
#[derive(Debug, Clone, Default)]
pub struct Words {
    text: String,
    /// (start, end, starts a clause) of each word in `text`.
    spans: Vec<(usize, usize, bool)>,
}

impl Words {
    fn with_capacity(len: usize) -> Words {
        Words {
            text: String::with_capacity(len),
            spans: Vec::with_capacity(len / 4 + 1),
        }
    }

    /// Appends `word`; it starts a clause when `*first` is set, which is then cleared.
    fn push(&mut self, word: &str, first: &mut bool) {
        if !self.spans.is_empty() {
            self.text.push(' ');
        }
        let start = self.text.len();
        self.text.push_str(word);
        self.spans
            .push((start, self.text.len(), std::mem::take(first)));
    }

    /// Each word, with whether it starts a clause.
    fn iter(&self) -> impl Iterator<Item = (&str, bool)> {
        self.spans
            .iter()
            .map(|&(start, end, first)| (&self.text[start..end], first))
    }
}

/// Word -> stem, for words read more than once. A word that is its own stem shares it.
type StemMemo = HashMap<Arc<str>, Arc<str>>;

/// Each distinct word of the vocabulary and the corpus, allocated once, and how often it
/// occurs.
type WordCounts = HashMap<Arc<str>, Cell<u32>>;

/// Counts `word` once more; returns its one shared copy.
fn count(counts: &mut WordCounts, word: &str) -> Arc<str> {
    if let Some((shared, n)) = counts.get_key_value(word) {
        n.set(n.get() + 1);
        return shared.clone();
    }
    let shared: Arc<str> = Arc::from(word);
    counts.insert(shared.clone(), Cell::new(1));
    shared
}

/// Reads texts known to be spelt right, stemming each word once (see
/// [`Analyzer::exact_reader`]).
pub struct ExactReader<'a> {
    analyzer: &'a Analyzer,
    stems: StemMemo,
}

impl ExactReader<'_> {
    /// The terms of `text`, as [`Analyzer::analyze_exact`] gives them.
    pub fn analyze(&mut self, text: &str) -> Vec<Term> {
        let words = self.analyzer.marked_words(text);
        self.analyzer.terms(&words, false, Some(&mut self.stems))
    }
}

/// What a question's words say of how it asks, apart from what it asks about: all a
/// conversation needs to tell a follow-up from a question of its own.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Shape {
    /// Whether it asks a yes/no question (see [`Analyzer::is_yes_no`]).
    pub yes_no: bool,
    /// How many words it has (contractions expanded).
    pub words: usize,
    /// The classes of the pronouns it uses, each once ("what did she say" -> she).
    pub pronoun_classes: Vec<Arc<str>>,
    /// Whether it opens as the continuation of a conversation ("and amazon?", "what
    /// about the navy one?").
    pub continues: bool,
    /// Whether it has a word after which comes what is asked ("what", "which", "how").
    pub focus_marker: bool,
}

impl Shape {
    /// Whether a question of this shape, read as `terms`, asks something: a yes/no
    /// question, a question kind ("when", "how much"), or a focus marker.
    pub fn asks(&self, terms: &[Term]) -> bool {
        self.yes_no || self.focus_marker || terms.iter().any(|t| t.kind == TermKind::Question)
    }
}

/// A knowledge base's vocabulary compiled for reading questions.
pub struct Analyzer {
    stemmer: Stemmer,
    contractions: HashMap<String, Vec<String>>,
    number_suffixes: HashMap<String, String>,
    stop_words: HashSet<String>,
    /// Stems of the stop words: "wants" is a stop word when "want" is.
    stop_stems: HashSet<Arc<str>>,
    /// First stem -> index in `phrase_lists` of the phrases starting with it.
    phrases: HashMap<Arc<str>, u32>,
    /// Phrases with the same first stem.
    phrase_lists: Vec<PhraseList>,
    /// Every word of the vocabulary and the corpus, with its stem, whether it is a stop
    /// word and the phrases it may start.
    known_words: HashMap<Arc<str>, Known>,
    known_stems: HashSet<Arc<str>>,
    /// The words typos are corrected towards, and the speller built from them on the
    /// first misspelt word (building it is the costliest part of start-up, and many runs
    /// never need it).
    spellable: Vec<(Arc<str>, u32)>,
    speller: std::sync::OnceLock<Speller>,
    /// Real words that are never "corrected" into vocabulary words.
    common_words: WordList,
    /// How common English words are (`word-frequency.txt`).
    frequency: KeyedLines,
    /// For English words the data does not use, the data's nearest word
    /// (`related-words.txt`).
    related: KeyedLines,
    /// The contrast groups, as term keys.
    contrasts: Vec<Vec<Arc<str>>>,
    relative_pronouns: HashSet<String>,
    focus_markers: HashSet<String>,
    negations: HashSet<String>,
    /// (term key, pronoun class) of each entity.
    entities: Vec<(Arc<str>, Arc<str>)>,
    /// Pronoun -> its class.
    pronouns: HashMap<String, Arc<str>>,
    /// The words of each yes/no opening.
    yes_no_starts: Vec<Vec<String>>,
    /// The words of each follow-up opening.
    follow_up_openers: Vec<Vec<String>>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("phrases", &self.phrases.len())
            .field("known_words", &self.known_words.len())
            .field("spellable", &self.spellable.len())
            .finish_non_exhaustive()
    }
}

impl Analyzer {
    /// Compiles `lexicon`; `corpus` is the text whose words count as known (the Q&A
    /// phrasings): misspelt words are corrected towards them, unless they are real words
    /// of `common_words`.
    #[cfg(test)]
    pub fn new<S: AsRef<str>>(lexicon: &Lexicon, corpus: &[S], common_words: WordList) -> Analyzer {
        let english = English {
            common_words,
            ..English::default()
        };
        Analyzer::with_corpus(lexicon, corpus, english).0
    }

    /// Like [`new`](Self::new), and also returns the words of each corpus text, to read
    /// them with [`read_words`](Self::read_words) without splitting them again.
    pub fn with_corpus<S: AsRef<str>>(
        lexicon: &Lexicon,
        corpus: &[S],
        english: English,
    ) -> (Analyzer, Vec<Words>) {
        let mut analyzer = Analyzer::empty(english);
        analyzer.read_word_lists(lexicon);
        // The same words recur across phrases, stop words and the corpus: stem each once.
        // Sized for the usual case, a few distinct words a text: growing the tables as
        // they fill costs more than the room.
        let texts = corpus.len() + lexicon.synonyms.len() + lexicon.question_words.len();
        let mut stems = StemMemo::with_capacity_and_hasher(texts, Default::default());
        analyzer.stop_stems = analyzer
            .stop_words
            .iter()
            .map(|w| analyzer.memo_stem(w, &mut stems))
            .collect();
        // Each distinct word is allocated once, here, and shared by the tables below.
        let mut counts = WordCounts::with_capacity_and_hasher(texts, Default::default());
        analyzer.read_phrases(lexicon, &mut counts, &mut stems);
        let corpus_words: Vec<Words> = corpus
            .iter()
            .map(|text| analyzer.marked_words(text.as_ref()))
            .collect();
        for words in &corpus_words {
            for (word, _) in words.iter() {
                count(&mut counts, word);
            }
        }
        analyzer.learn_words(counts, &mut stems);
        analyzer.contrasts = lexicon
            .contrasts
            .iter()
            .map(|group| {
                group
                    .iter()
                    .filter_map(|word| analyzer.analyze(word).into_iter().next())
                    .map(|term| term.key)
                    .collect()
            })
            .collect();
        analyzer.entities = lexicon
            .entities
            .iter()
            .filter_map(|(word, class)| {
                let term = analyzer.analyze(word).into_iter().next()?;
                Some((term.key, Arc::from(class.to_lowercase())))
            })
            .collect();
        (analyzer, corpus_words)
    }

    /// An analyser that knows only `english`.
    fn empty(english: English) -> Analyzer {
        let English {
            common_words,
            frequency,
            related,
        } = english;
        Analyzer {
            stemmer: Stemmer::create(Algorithm::English),
            contractions: HashMap::default(),
            number_suffixes: HashMap::default(),
            stop_words: HashSet::default(),
            stop_stems: HashSet::default(),
            phrases: HashMap::default(),
            phrase_lists: Vec::new(),
            known_words: HashMap::default(),
            known_stems: HashSet::default(),
            spellable: Vec::new(),
            speller: std::sync::OnceLock::new(),
            common_words,
            frequency,
            related,
            contrasts: Vec::new(),
            relative_pronouns: HashSet::default(),
            focus_markers: HashSet::default(),
            negations: HashSet::default(),
            entities: Vec::new(),
            pronouns: HashMap::default(),
            yes_no_starts: Vec::new(),
            follow_up_openers: Vec::new(),
        }
    }

    /// The lexicon's lists of words: contractions, number suffixes, stop words, and the
    /// words that give a question its shape (relative pronouns, focus markers, yes/no and
    /// follow-up openings, pronouns).
    fn read_word_lists(&mut self, lexicon: &Lexicon) {
        for (from, to) in &lexicon.contractions {
            let to: Vec<String> = tokenize(&clean(to)).map(str::to_string).collect();
            self.contractions.insert(clean(from).trim().to_string(), to);
        }
        for (suffix, word) in &lexicon.number_suffixes {
            self.number_suffixes.insert(
                clean(suffix).trim().to_string(),
                clean(word).trim().to_string(),
            );
        }
        let words_of = |analyzer: &Analyzer, list: &[String]| -> Vec<String> {
            list.iter().flat_map(|word| analyzer.words(word)).collect()
        };
        let stop_words = words_of(self, &lexicon.stop_words);
        self.stop_words.extend(stop_words);
        let relative = words_of(self, &lexicon.relative_pronouns);
        self.relative_pronouns.extend(relative);
        let focus = words_of(self, &lexicon.focus_markers);
        self.focus_markers.extend(focus);
        let negations = words_of(self, &lexicon.negations);
        self.negations.extend(negations);
        let phrases_of = |analyzer: &Analyzer, list: &[String]| -> Vec<Vec<String>> {
            list.iter()
                .map(|phrase| analyzer.words(phrase))
                .filter(|words| !words.is_empty())
                .collect()
        };
        self.yes_no_starts = phrases_of(self, &lexicon.yes_no_starts);
        self.follow_up_openers = phrases_of(self, &lexicon.follow_up_openers);
        for (class, words) in &lexicon.pronouns {
            let class: Arc<str> = class.to_lowercase().into();
            for word in words_of(self, words) {
                self.pronouns.insert(word, class.clone());
            }
        }
    }

    /// The question words and synonyms, as phrases grouped by their first stem.
    fn read_phrases(&mut self, lexicon: &Lexicon, counts: &mut WordCounts, stems: &mut StemMemo) {
        let mut by_first: HashMap<Arc<str>, Vec<Phrase>> =
            HashMap::with_capacity_and_hasher(counts.capacity() / 2, Default::default());
        let groups = lexicon
            .question_words
            .iter()
            .map(|(kind, phrases)| (kind, phrases, TermKind::Question))
            .chain(
                lexicon
                    .synonyms
                    .iter()
                    .map(|(word, phrases)| (word, phrases, TermKind::Word)),
            );
        for (key, phrases, kind) in groups {
            let own = (kind == TermKind::Word).then_some(key);
            let key: Arc<str> = key.to_lowercase().into();
            let zipf10 = self.frequency.get(&key).and_then(|v| v.parse().ok());
            for phrase in phrases.iter().chain(own) {
                let words = self.marked_words(phrase);
                let mut stemmed = words.iter().map(|(word, _)| {
                    let word = count(counts, word);
                    self.memo_stem_shared(word, stems)
                });
                let Some(first) = stemmed.next() else {
                    continue;
                };
                let rest = stemmed.collect();
                by_first.entry(first).or_default().push(Phrase {
                    rest,
                    words,
                    zipf10,
                    key: key.clone(),
                    kind,
                });
            }
        }
        for (first, list) in by_first {
            let index = self.phrase_lists.len() as u32;
            self.phrase_lists.push(PhraseList::new(list));
            self.phrases.insert(first, index);
        }
    }

    /// Learns every word counted (the vocabulary's and the corpus's), and the stop words
    /// and contractions', with what it knows of each; the corpus's and vocabulary's
    /// alphabetic words are those typos are corrected towards.
    fn learn_words(&mut self, counts: WordCounts, stems: &mut StemMemo) {
        let other_words: Vec<Arc<str>> = self
            .stop_words
            .iter()
            .chain(
                self.contractions
                    .iter()
                    .flat_map(|(from, to)| std::iter::once(from).chain(to)),
            )
            .filter(|word| !counts.contains_key(word.as_str()))
            .map(|word| Arc::from(word.as_str()))
            .collect();
        let known = counts.len() + other_words.len();
        self.known_words.reserve(known);
        self.known_stems.reserve(known);
        for word in counts.keys().chain(&other_words) {
            let stem = self.memo_stem_shared(word.clone(), stems);
            self.known_stems.insert(stem.clone());
            let known = Known {
                stop: self.is_stop(word, &stem),
                phrases: self.phrases.get(&*stem).copied(),
                zipf10: self.zipf10(word),
                stem,
            };
            self.known_words.insert(word.clone(), known);
        }
        let mut spellable: Vec<(Arc<str>, u32)> = counts
            .into_iter()
            // Stop words too: "thhe" and "ddid" are typos of words that carry nothing,
            // and left uncorrected they would weigh as much as a word the data never saw.
            .filter(|(word, _)| word.chars().all(char::is_alphabetic))
            .map(|(word, n)| (word, n.get()))
            .collect();
        spellable.sort();
        self.spellable = spellable;
    }

    /// The contrast groups of the lexicon, as term keys.
    pub fn contrasts(&self) -> &[Vec<Arc<str>>] {
        &self.contrasts
    }

    /// The entities of the lexicon, as term keys, each with its pronoun class.
    pub fn entities(&self) -> &[(Arc<str>, Arc<str>)] {
        &self.entities
    }

    /// Whether `text` asks a yes/no question: one of its clauses opens with a yes/no
    /// opening ("did amazon win?", "ok so, is it true that ...", "true or false: ...").
    pub fn is_yes_no(&self, text: &str) -> bool {
        let words = self.marked_words(text);
        self.yes_no_of(&words.iter().collect::<Vec<_>>())
    }

    /// [`is_yes_no`](Self::is_yes_no) of words split by `marked_words`.
    fn yes_no_of(&self, words: &[(&str, bool)]) -> bool {
        (0..words.len()).any(|i| {
            words[i].1
                && self
                    .yes_no_starts
                    .iter()
                    .any(|start| opens_with(start, words[i..].iter().map(|(w, _)| *w)))
        })
    }

    /// Whether `text` asks something: a yes/no question, a question kind ("when", "how
    /// much"), or a word after which comes what is asked ("what", "which", "how").
    pub fn asks(&self, text: &str) -> bool {
        let (terms, shape) = self.analyze_question(text);
        shape.asks(&terms)
    }

    /// The terms of a question and its [`Shape`], splitting it into words once.
    pub fn analyze_question(&self, text: &str) -> (Vec<Term>, Shape) {
        let words = self.marked_words(text);
        let shape = self.shape_of(&words);
        (self.terms(&words, true, None), shape)
    }

    fn shape_of(&self, words: &Words) -> Shape {
        let marked: Vec<(&str, bool)> = words.iter().collect();
        let mut pronoun_classes: Vec<Arc<str>> = Vec::new();
        for (word, _) in &marked {
            if let Some(class) = self.pronouns.get(*word) {
                if !pronoun_classes.contains(class) {
                    pronoun_classes.push(class.clone());
                }
            }
        }
        let continues = self.follow_up_openers.iter().any(|opener| {
            opener.len() <= marked.len() && opener.iter().zip(&marked).all(|(a, (b, _))| a == b)
        });
        Shape {
            yes_no: self.yes_no_of(&marked),
            words: marked.len(),
            focus_marker: marked
                .iter()
                .any(|(word, _)| self.focus_markers.contains(*word)),
            pronoun_classes,
            continues,
        }
    }

    /// The words of `text`: cleaned, split, with contractions and shorthand expanded,
    /// possessives dropped and number suffixes spelled out ("10b" -> "10 billion").
    pub fn words(&self, text: &str) -> Vec<String> {
        self.marked_words(text)
            .iter()
            .map(|(word, _)| word.to_string())
            .collect()
    }

    /// [`words`](Self::words), each with whether it starts a clause.
    fn marked_words(&self, text: &str) -> Words {
        if is_plain(text) {
            // What `clean` would give is `text` in lowercase: split `text` itself (case
            // moves no word boundary) and fold each word, without copying the whole.
            let mut words = Words::with_capacity(text.len() + 8);
            let mut folded = String::new();
            tokenize_each(text, |token, starts_clause| {
                let token = if token.bytes().any(|b| b.is_ascii_uppercase()) {
                    folded.clear();
                    folded.push_str(token);
                    folded.make_ascii_lowercase();
                    &folded
                } else {
                    token
                };
                self.push_token(&mut words, token, starts_clause)
            });
            return words;
        }
        let cleaned = clean(text);
        let mut words = Words::with_capacity(cleaned.len() + 8);
        tokenize_each(&cleaned, |token, starts_clause| {
            self.push_token(&mut words, token, starts_clause)
        });
        words
    }

    /// Appends the word(s) `token` reads as to `words` (see [`words`](Self::words)).
    fn push_token(&self, words: &mut Words, token: &str, starts_clause: bool) {
        let mut first = starts_clause;
        let expand = |words: &mut Words, expansion: &[String], first: &mut bool| {
            for word in expansion {
                words.push(word, first);
            }
        };
        if let Some(expansion) = self.contractions.get(token) {
            return expand(words, expansion, &mut first);
        }
        let typed = token.len();
        let token = token.strip_suffix("'s").unwrap_or(token);
        let token: Cow<'_, str> = if token.bytes().any(|b| b == b'\'') {
            token.replace('\'', "").into()
        } else {
            token.into()
        };
        // Only a token that lost a possessive or an apostrophe can read differently now.
        if token.len() != typed {
            if let Some(expansion) = self.contractions.get(&*token) {
                return expand(words, expansion, &mut first);
            }
        }
        match self.split_number(&token) {
            Some((number, word)) => {
                // The number reads as it would on its own (when a bare "18" means 2018,
                // "18b" reads "2018 billion"), so reading the result again changes nothing.
                match self.contractions.get(number) {
                    Some(expansion) => expand(words, expansion, &mut first),
                    None => words.push(number, &mut first),
                }
                words.push(word, &mut first);
            }
            None if !token.is_empty() => words.push(&token, &mut first),
            None => {}
        }
    }

    /// The normalised form of `text`: its [`words`](Self::words) joined by single spaces.
    /// Normalising twice changes nothing.
    pub fn normalize(&self, text: &str) -> String {
        self.marked_words(text).text
    }

    /// The terms of `text`, each once, in order of first appearance.
    pub fn analyze(&self, text: &str) -> Vec<Term> {
        self.analyze_with(text, true)
    }

    /// The terms of text known to be spelt right (the article, answers): no word is
    /// "corrected", which also saves the look-ups.
    pub fn analyze_exact(&self, text: &str) -> Vec<Term> {
        self.analyze_with(text, false)
    }

    /// The normalised form of `text` and its terms, reading it once (for checking and
    /// indexing the data's own phrasings).
    pub fn read(&self, text: &str) -> (String, Vec<Term>) {
        self.read_words(self.marked_words(text))
    }

    /// [`read`](Self::read) for words already split by [`with_corpus`](Self::with_corpus).
    pub fn read_words(&self, words: Words) -> (String, Vec<Term>) {
        let terms = self.terms(&words, true, None);
        (words.text, terms)
    }

    /// A reader for many texts known to be spelt right (see
    /// [`analyze_exact`](Self::analyze_exact)) that stems each word once across all of
    /// them: indexing reads every answer and excerpt, and their words recur.
    pub fn exact_reader(&self) -> ExactReader<'_> {
        ExactReader {
            analyzer: self,
            stems: StemMemo::default(),
        }
    }

    fn analyze_with(&self, text: &str, correct: bool) -> Vec<Term> {
        self.terms(&self.marked_words(text), correct, None)
    }

    fn terms(&self, words: &Words, correct: bool, mut memo: Option<&mut StemMemo>) -> Vec<Term> {
        let tokens: Vec<Token> = words
            .iter()
            .map(|(word, starts_clause)| self.token(word, starts_clause, correct, &mut memo))
            .collect();
        let mut terms: Vec<Term> = Vec::with_capacity(tokens.len());
        let mut push = |term: Term| match terms
            .iter_mut()
            .find(|t| t.kind == term.kind && (Arc::ptr_eq(&t.key, &term.key) || t.key == term.key))
        {
            Some(seen) => {
                seen.reading = seen.reading.min(term.reading);
                seen.focus |= term.focus;
            }
            None => terms.push(term),
        };
        // Tokens left until a focus marker or question phrase stops looking for the word
        // it asks about.
        let mut focus_window = 0usize;
        // Tokens left until a negation stops looking for the word it sets aside.
        let mut negation_window = 0usize;
        let mut i = 0;
        while i < tokens.len() {
            // What a negation sets aside is in its own clause.
            if tokens[i].starts_clause {
                negation_window = 0;
            }
            // A quiz form opening a clause ("true or false: ...") is the question's shape,
            // not what it asks about.
            if let Some(len) = self.quiz_opening_at(&tokens[i..]) {
                i += len;
                continue;
            }
            if let Some(phrase) = self.phrase_at(&tokens[i..]) {
                let span = &tokens[i..=i + phrase.rest.len()];
                if phrase.kind == TermKind::Question && self.is_relative(&tokens, i) {
                    i += 1 + phrase.rest.len();
                    continue;
                }
                let focus = phrase.kind == TermKind::Word && focus_window > 0;
                let reading = span
                    .iter()
                    .map(|t| t.reading)
                    .max()
                    .unwrap_or(Reading::Typed);
                let negated = phrase.kind == TermKind::Word && negation_window > 0;
                negation_window = 0;
                push(Term {
                    key: phrase.key.clone(),
                    kind: phrase.kind,
                    reading: if negated { Reading::Negated } else { reading },
                    zipf10: phrase.zipf10,
                    focus,
                });
                focus_window = match phrase.kind {
                    TermKind::Question => FOCUS_WINDOW,
                    TermKind::Word => 0,
                };
                i += 1 + phrase.rest.len();
                continue;
            }
            let token = &tokens[i];
            if self.negations.contains(token.surface) {
                // A negation that sets something aside opens a clause ("..., not
                // movies") or comes before a stop word ("not the movie one"); one inside
                // a clause negates what it says ("did the company not appeal?").
                let sets_aside =
                    token.starts_clause || tokens.get(i + 1).is_some_and(|next| next.stop);
                negation_window = if sets_aside { NEGATION_WINDOW } else { 0 };
            } else if self.focus_markers.contains(token.surface) {
                focus_window = FOCUS_WINDOW;
            } else if !token.stop {
                let negated = negation_window > 0;
                negation_window = 0;
                let describing = focus_window == 0 && self.describes_entity(&tokens, i);
                push(Term {
                    key: token.stem.clone(),
                    kind: TermKind::Word,
                    reading: if negated {
                        Reading::Negated
                    } else if describing {
                        Reading::Describing
                    } else {
                        token.reading
                    },
                    zipf10: token.zipf10,
                    focus: focus_window > 0,
                });
                focus_window = 0;
            } else {
                focus_window = focus_window.saturating_sub(1);
                negation_window = negation_window.saturating_sub(1);
            }
            i += 1;
        }
        terms
    }

    /// The length of the yes/no opening of more than one word ("true or false") that
    /// `tokens` open a clause with, if any.
    fn quiz_opening_at(&self, tokens: &[Token]) -> Option<usize> {
        if !tokens.first()?.starts_clause {
            return None;
        }
        self.yes_no_starts
            .iter()
            .filter(|start| start.len() > 1)
            .find(|start| opens_with(start, tokens.iter().map(|t| t.surface)))
            .map(Vec::len)
    }

    /// Whether the question word at `tokens[i]` starts a relative clause: it is a relative
    /// pronoun, in the middle of a clause, right after a word that carries meaning.
    fn is_relative(&self, tokens: &[Token], i: usize) -> bool {
        let token = &tokens[i];
        i > 0
            && !token.starts_clause
            && self.relative_pronouns.contains(token.surface)
            && !tokens[i - 1].stop
    }

    /// Whether `tokens[i]` is an everyday word the data does not use, typed right before
    /// a word naming one of the story's entities ("the *lady* judge"): it describes the
    /// entity rather than asks about something else.
    fn describes_entity(&self, tokens: &[Token], i: usize) -> bool {
        let token = &tokens[i];
        let everyday = token.reading == Reading::Typed
            && token.zipf10.is_some_and(|z| z >= COMMON_ZIPF10)
            && !self.known_stems.contains(&token.stem);
        if !everyday {
            return false;
        }
        let next = &tokens[i + 1..];
        let Some(first) = next.first().filter(|t| !t.stop) else {
            return false;
        };
        let key = self
            .phrase_at(next)
            .map_or(&first.stem, |phrase| &phrase.key);
        self.entities.iter().any(|(entity, _)| entity == key)
    }

    /// Whether `word`, whose stem is `stem`, is a stop word: "wants" is when "want" is.
    fn is_stop(&self, word: &str, stem: &str) -> bool {
        self.stop_words.contains(word) || self.stop_stems.contains(stem)
    }

    /// A token of a word the analyser does not know (what [`Known`] holds for one it does).
    fn unknown_token<'a>(
        &self,
        surface: &'a str,
        stem: Arc<str>,
        starts_clause: bool,
    ) -> Token<'a> {
        Token {
            stop: self.is_stop(surface, &stem),
            phrases: self.phrases.get(&*stem).copied(),
            stem,
            surface,
            reading: Reading::Typed,
            zipf10: None,
            starts_clause,
        }
    }

    /// The token of a word the analyser knows.
    fn known_token<'a>(
        known: &Known,
        surface: &'a str,
        reading: Reading,
        starts_clause: bool,
    ) -> Token<'a> {
        Token {
            stem: known.stem.clone(),
            surface,
            reading,
            zipf10: Some(known.zipf10),
            starts_clause,
            stop: known.stop,
            phrases: known.phrases,
        }
    }

    /// Builds now what is otherwise built for the first word the analyser does not know
    /// (the speller and the common-word list): a long-running process calls this at start
    /// and before it swaps in reloaded data, so that no question waits for it.
    pub fn prepare(&self) {
        self.speller();
        self.common_words.prepare();
        self.frequency.prepare();
        self.related.prepare();
    }

    fn speller(&self) -> &Speller {
        self.speller.get_or_init(|| {
            Speller::new(
                self.spellable
                    .iter()
                    .map(|(word, n)| (word.to_string(), *n)),
            )
            .swap_into(self.stop_words.iter().cloned())
        })
    }

    fn token<'a>(
        &'a self,
        word: &'a str,
        starts_clause: bool,
        correct: bool,
        memo: &mut Option<&mut StemMemo>,
    ) -> Token<'a> {
        if let Some(known) = self.known_words.get(word) {
            return Analyzer::known_token(known, word, Reading::Typed, starts_clause);
        }
        let stem = match memo {
            Some(memo) => self.memo_stem(word, memo),
            None => Arc::from(self.stem(word)),
        };
        let alphabetic = word.chars().all(char::is_alphabetic);
        let zipf10 = alphabetic.then(|| self.zipf10(word));
        if !correct || !alphabetic || self.known_stems.contains(&stem) {
            return Token {
                zipf10,
                ..self.unknown_token(word, stem, starts_clause)
            };
        }
        let zipf10 = zipf10.unwrap_or(0);
        if zipf10 < COMMON_ZIPF10 && !self.common_words.contains(word) {
            if let Some(fixed) = self.speller().correct(word) {
                return self.reread(fixed, Reading::Corrected, starts_clause);
            }
        }
        if let Some((target, distance)) = self.related_word(&stem) {
            // How common the typed word is stays with it: a loose link must not make a
            // common word weigh as much as the rare word it links to.
            return Token {
                zipf10: Some(zipf10),
                ..self.reread(target, Reading::Related(distance), starts_clause)
            };
        }
        Token {
            zipf10: Some(zipf10),
            ..self.unknown_token(word, stem, starts_clause)
        }
    }

    /// The token of `word`, a word the data uses, read in place of what was typed.
    fn reread<'a>(&'a self, word: &'a str, reading: Reading, starts_clause: bool) -> Token<'a> {
        match self.known_words.get(word) {
            Some(known) => Analyzer::known_token(known, word, reading, starts_clause),
            None => Token {
                reading,
                ..self.unknown_token(word, Arc::from(self.stem(word)), starts_clause)
            },
        }
    }

    /// Ten times the Zipf frequency of `word` in general English; 0 when not listed.
    fn zipf10(&self, word: &str) -> u8 {
        self.frequency
            .get(word)
            .and_then(|value| value.parse().ok())
            .unwrap_or(0)
    }

    /// The data's word nearest to an unknown stem in the lexical database, and how far.
    fn related_word(&self, stem: &str) -> Option<(&str, u8)> {
        let rest = self.related.get(stem)?;
        let (word, distance) = rest.split_once(' ')?;
        let distance: f32 = distance.trim().parse().ok()?;
        Some((word, (distance * 10.0).round().clamp(0.0, 255.0) as u8))
    }

    /// The longest phrase starting at `tokens[0]`; among equally long ones, one written
    /// exactly as typed wins over one that only stems alike.
    fn phrase_at(&self, tokens: &[Token]) -> Option<&Phrase> {
        let list = &self.phrase_lists[tokens[0].phrases? as usize];
        // A phrase of two words or more is longer than one of one: look for one first.
        let longer = tokens.get(1).and_then(|second| {
            let group = list
                .by_second
                .binary_search_by(|(stem, _)| (**stem).cmp(&*second.stem))
                .ok()?;
            Analyzer::longest_phrase(&list.by_second[group].1, tokens)
        });
        longer.or_else(|| Analyzer::longest_phrase(&list.single, tokens))
    }

    /// The longest of `candidates` (longest first) that `tokens` start with; among equally
    /// long ones, one written exactly as typed wins over one that only stems alike.
    fn longest_phrase<'p>(candidates: &'p [Phrase], tokens: &[Token]) -> Option<&'p Phrase> {
        let mut matching = candidates.iter().filter(|phrase| {
            phrase.rest.len() < tokens.len()
                && phrase
                    .rest
                    .iter()
                    .zip(&tokens[1..])
                    .all(|(stem, token)| **stem == *token.stem)
        });
        let first = matching.next()?;
        let exact = |phrase: &Phrase| {
            phrase
                .words
                .iter()
                .zip(tokens)
                .all(|((word, _), token)| word == token.surface)
        };
        if exact(first) {
            return Some(first);
        }
        matching
            .take_while(|phrase| phrase.rest.len() == first.rest.len())
            .find(|phrase| exact(phrase))
            .or(Some(first))
    }

    /// The stem of `word`. The English stemmer reads a noun for the one who does a thing
    /// as the doing ("reporter" as "report"), but a question about a reporter is not
    /// about what someone reports: such a noun keeps its "-er", singular and plural alike.
    fn stem<'w>(&self, word: &'w str) -> Cow<'w, str> {
        if word.chars().all(|c| c.is_ascii_alphabetic()) {
            let stem = self.stemmer.stem(word);
            let singular = word.strip_suffix('s').unwrap_or(word);
            match singular.strip_prefix(&*stem) {
                Some("er") => Cow::Owned(singular.to_string()),
                _ => stem,
            }
        } else {
            word.into()
        }
    }

    /// The stem of `word`, computed once per `memo`.
    fn memo_stem(&self, word: &str, memo: &mut StemMemo) -> Arc<str> {
        match memo.get(word) {
            Some(stem) => stem.clone(),
            None => self.memo_stem_shared(Arc::from(word), memo),
        }
    }

    /// [`memo_stem`](Self::memo_stem) of a word already shared: the memo keeps it, and
    /// a word that is its own stem is not copied.
    fn memo_stem_shared(&self, word: Arc<str>, memo: &mut StemMemo) -> Arc<str> {
        if let Some(stem) = memo.get(&*word) {
            return stem.clone();
        }
        let stem = match self.stem(&word) {
            Cow::Borrowed(_) => word.clone(),
            Cow::Owned(stem) => Arc::from(stem),
        };
        memo.insert(word, stem.clone());
        stem
    }

    fn split_number<'a>(&'a self, token: &'a str) -> Option<(&'a str, &'a String)> {
        if !token.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let split = token.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let (number, suffix) = token.split_at(split);
        if number.is_empty() || !number.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        self.number_suffixes.get(suffix).map(|word| (number, word))
    }
}

/// Whether `words` open with the words of `phrase`, all of them.
fn opens_with<'a>(phrase: &[String], words: impl Iterator<Item = &'a str>) -> bool {
    let mut words = words;
    phrase.iter().all(|p| words.next() == Some(p.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        let mut lexicon = Lexicon {
            stop_words: ["the", "is", "a", "what", "did", "of", "it", "you", "know"]
                .map(String::from)
                .to_vec(),
            ..Lexicon::default()
        };
        lexicon
            .question_words
            .insert("who".into(), vec!["who".into(), "which company".into()]);
        lexicon
            .question_words
            .insert("amount".into(), vec!["how much".into()]);
        lexicon.synonyms.insert(
            "dod".into(),
            vec!["pentagon".into(), "department of defense".into()],
        );
        lexicon
            .synonyms
            .insert("vp".into(), vec!["vice president".into()]);
        lexicon
            .contractions
            .insert("what's".into(), "what is".into());
        lexicon.contractions.insert("u".into(), "you".into());
        lexicon.number_suffixes.insert("b".into(), "billion".into());
        lexicon
    }

    fn keys(analyzer: &Analyzer, text: &str) -> Vec<String> {
        analyzer
            .analyze(text)
            .into_iter()
            .map(|t| t.key.to_string())
            .collect()
    }

    #[test]
    fn phrases_match_longest_first_and_stems_unify_forms() {
        let a = Analyzer::new(
            &lexicon(),
            &["who won the contract", "president"],
            WordList::default(),
        );
        assert_eq!(
            keys(&a, "Which company won the Department of Defense contracts?"),
            ["who", "won", "dod", "contract"]
        );
        assert_eq!(keys(&a, "the vice president"), ["vp"]);
        assert_eq!(keys(&a, "the president"), ["presid"]);
    }

    #[test]
    fn a_noun_for_the_doer_is_not_read_as_the_doing() {
        let a = Analyzer::new(&lexicon(), &[""], WordList::default());
        assert_eq!(keys(&a, "reporters"), ["reporter"]);
        assert_eq!(keys(&a, "reporter"), ["reporter"]);
        assert_eq!(keys(&a, "reports reported"), ["report"]);
        // A word whose "-er" the stemmer keeps is left as it was.
        assert_eq!(keys(&a, "orders"), ["order"]);
    }

    #[test]
    fn an_exact_phrase_beats_one_that_only_stems_alike() {
        let mut lexicon = lexicon();
        lexicon
            .synonyms
            .insert("judge".into(), vec!["presided".into()]);
        lexicon
            .synonyms
            .insert("chief".into(), vec!["president".into()]);
        let a = Analyzer::new(&lexicon, &[""], WordList::default());
        assert_eq!(keys(&a, "presided"), ["judge"]);
        assert_eq!(keys(&a, "president"), ["chief"]);
    }

    #[test]
    fn a_relative_pronoun_after_a_noun_asks_nothing() {
        let mut lexicon = lexicon();
        lexicon.relative_pronouns = vec!["who".into()];
        let a = Analyzer::new(&lexicon, &["the judge", "halted"], WordList::default());
        assert_eq!(keys(&a, "the judge who halted it"), ["judg", "halt"]);
        assert_eq!(keys(&a, "who halted it"), ["who", "halt"]);
        assert_eq!(
            keys(&a, "the judge? who halted it"),
            ["judg", "who", "halt"]
        );
        assert_eq!(keys(&a, "did you know who halted it"), ["who", "halt"]);
    }

    #[test]
    fn a_quiz_form_opening_a_clause_asks_nothing() {
        let mut lexicon = lexicon();
        lexicon.yes_no_starts = vec!["did".into(), "true or false".into()];
        let a = Analyzer::new(&lexicon, &["aws won", "false claims"], WordList::default());
        assert_eq!(keys(&a, "true or false: aws won"), ["aw", "won"]);
        assert_eq!(keys(&a, "ok. True or false, aws won?"), ["ok", "aw", "won"]);
        // Within a clause the words are what is asked about.
        assert_eq!(
            keys(&a, "aws won true or false claims"),
            ["aw", "won", "true", "or", "fals", "claim"]
        );
    }

    #[test]
    fn question_words_are_their_own_kind() {
        let a = Analyzer::new(&lexicon(), &["how much"], WordList::default());
        let terms = a.analyze("How much?");
        assert_eq!(terms.len(), 1);
        assert_eq!(&*terms[0].key, "amount");
        assert_eq!(terms[0].kind, TermKind::Question);
    }

    #[test]
    fn contractions_possessives_and_numbers_are_expanded() {
        let a = Analyzer::new(&lexicon(), &[""], WordList::default());
        assert_eq!(
            a.words("What’s u Pentagon's $10B"),
            ["what", "is", "you", "pentagon", "10", "billion"]
        );
    }

    #[test]
    fn typos_are_corrected_and_marked() {
        let a = Analyzer::new(&lexicon(), &["microsoft contract"], WordList::default());
        let terms = a.analyze("microsfot contract");
        assert_eq!(&*terms[0].key, "microsoft");
        assert!(terms[0].corrected());
        assert!(!terms[1].corrected());
    }

    #[test]
    fn prepare_builds_the_speller_and_reading_a_known_word_does_not() {
        let a = Analyzer::new(
            &lexicon(),
            &["microsoft contract"],
            WordList::parse("star\n"),
        );
        a.analyze("microsoft contract");
        assert!(a.speller.get().is_none());
        a.prepare();
        assert!(a.speller.get().is_some());
        assert_eq!(keys(&a, "microsfot"), ["microsoft"]);
    }

    #[test]
    fn common_words_are_not_corrected() {
        let a = Analyzer::new(&lexicon(), &["start"], WordList::parse("star\n"));
        assert_eq!(keys(&a, "star"), ["star"]);
        assert_eq!(keys(&a, "strat"), ["start"]);
    }

    #[test]
    fn repeated_terms_appear_once() {
        let a = Analyzer::new(&lexicon(), &["pentagon"], WordList::default());
        assert_eq!(keys(&a, "pentagon pentagon dod"), ["dod"]);
    }

    #[test]
    fn normalize_is_idempotent_on_tricky_input() {
        let a = Analyzer::new(&lexicon(), &[""], WordList::default());
        for text in [
            "What's <@1> **up**?",
            "u.s. 1.76b",
            "o'brien's",
            "''''",
            "<<@1>@2>",
        ] {
            let once = a.normalize(text);
            assert_eq!(a.normalize(&once), once, "{text}");
        }
    }

    #[test]
    fn example_of_new() {
        let mut lexicon = Lexicon {
            stop_words: vec!["the".into()],
            ..Lexicon::default()
        };
        lexicon
            .synonyms
            .insert("harbor".into(), vec!["harbor works".into()]);
        lexicon.synonyms.insert("sue".into(), vec!["sued".into()]);
        lexicon
            .question_words
            .insert("who".into(), vec!["who".into()]);
        let analyzer = Analyzer::new(&lexicon, &["who sued the township"], WordList::default());
        let keys: Vec<String> = analyzer
            .analyze("Who sued the Townshp, Harbor Works?")
            .into_iter()
            .map(|t| t.key.to_string())
            .collect();
        assert_eq!(keys, ["who", "sue", "township", "harbor"]);
    }
}
