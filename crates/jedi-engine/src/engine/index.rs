//! The index of every phrasing, and how a question is scored against it.
//!
//! Each entry's phrasings are analysed into terms once, and so are its answer and source
//! excerpts (the entry's "bag" of terms). A phrasing's score is the share of the
//! question's weight it explains times the share of its own weight the question covers
//! (to [`PHRASING_COVERAGE_EXPONENT`]). A question term the phrasing lacks but its
//! entry's bag has (another phrasing, the answer, an excerpt) is explained at
//! [`BAG_CREDIT`]. Term weights are inverse entry frequencies.
//!
//! A question's terms are looked up in the index, so only entries sharing a term with the
//! question are ever considered. Each of them has an upper bound on its score (the share
//! of the question its whole bag explains, times its penalties); entries are scored best
//! bound first, and scoring stops once no bound left can reach the ranks the caller
//! needs (see [`Needed`]): the cost grows with the question and the entries that could
//! win, not with the size of the data.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use crate::kb::Entry;
use crate::text::{Analyzer, ExactReader, Reading, Term, TermKind};

/// How much a question-kind term (who, when, how much, ...) weighs, next to word
/// weights that run from about 0.7 (words in every entry) to `ln(1 + entries)`.
pub const QUESTION_KIND_WEIGHT: f32 = 1.5;
/// A question word the data never uses weighs this much times the rarest known word:
/// what the data cannot explain counts heavily against a match.
pub const UNKNOWN_WORD_FACTOR: f32 = 1.1;
/// A misspelt word that was corrected counts this much of a word typed right.
pub const CORRECTED_CREDIT: f32 = 0.85;
/// A word the data does not use, read as its nearest word in the lexical database at the
/// distance of a synonym, counts this much of that word typed; farther ones count less
/// (in proportion to the distance).
pub const RELATED_CREDIT: f32 = 0.6;
/// An unknown word this common in general English (a Zipf frequency: "someone" is 5.6)
/// or more weighs next to nothing ([`UNKNOWN_FLOOR`] of the most an unknown word weighs) ...
pub const UNKNOWN_COMMON_ZIPF: f32 = 6.0;
/// ... and one this rare or rarer ("skywalker" is 3.1, a word missing from the table 0)
/// weighs the most. In between, the weight grows with the rarity, so that everyday words
/// ("lady", 5.0) count little and rare ones almost fully.
pub const UNKNOWN_RARE_ZIPF: f32 = 2.5;
/// The least share of the full unknown-word weight any unknown word carries.
pub const UNKNOWN_FLOOR: f32 = 0.02;
/// A word of the data this common in general English ("year" is 5.9) keeps
/// [`KNOWN_FLOOR`] of its weight in the data ...
pub const KNOWN_COMMON_ZIPF: f32 = 6.0;
/// ... one this rare ("jedi" is 3.6) all of it; in between, in proportion.
pub const KNOWN_RARE_ZIPF: f32 = 3.5;
/// The least share of its weight in the data a known word keeps.
pub const KNOWN_FLOOR: f32 = 0.3;
/// A word of the data at least this informative (see [`KNOWN_COMMON_ZIPF`]) names
/// something particular to the story ("jedi", "nearline", "remand"), not an everyday
/// word ("court", "year").
pub const ANCHOR_INFORMATIVENESS: f32 = 0.75;
/// What a question asks about (see [`Term::focus`]) keeps at least this share of its
/// weight, however common a word it is.
pub const FOCUS_FLOOR: f32 = 0.8;
/// A word the conversation supplies (see [`Reading::Context`]) weighs this much of what
/// it would weigh typed: the follow-up's own words say what it asks.
pub const CONTEXT_WEIGHT: f32 = 0.5;
/// An everyday word describing one of the story's entities (see [`Reading::Describing`])
/// weighs this much of what it would unknown.
pub const DESCRIBING_WEIGHT: f32 = 0.3;
/// A question word weighing less than this ("exactly", "someone") may be missing from a
/// yes/no phrasing that the question still reads as.
pub const YES_NO_STRAY_WEIGHT: f32 = 0.5;
/// A question term found in the entry (another phrasing, the answer or an excerpt) but
/// not in the phrasing being scored counts this much of a direct match.
pub const BAG_CREDIT: f32 = 0.6;
/// When a question asks for a kind of fact (who, when, ...) that none of an entry's
/// phrasings asks for, its score is multiplied by this.
pub const KIND_MISMATCH_PENALTY: f32 = 0.6;
/// A phrasing naming one thing of a contrast group (say, one company) while the question
/// names another of the group, and not the phrasing's, scores this much.
pub const CONTRAST_PENALTY: f32 = 0.6;
/// A gap entry (a question the article does not answer) scores this much of what it
/// otherwise would: it wins only when the question asks for the missing detail, not on a
/// tie with an entry that answers.
pub const GAP_PRIOR: f32 = 0.9;
/// When a question asks no kind of fact (a yes/no question, a few keywords), a phrasing
/// that does ask one ("when ...") scores this much of what it otherwise would.
pub const UNASKED_KIND_PENALTY: f32 = 0.92;
/// How much the share of a phrasing covered by the question counts (see the module doc):
/// words of the phrasing the question leaves out count less than words of the question
/// the phrasing cannot explain, because people ask in fewer words than a phrasing has.
pub const PHRASING_COVERAGE_EXPONENT: f32 = 0.35;

/// Terms are numbered; a term's number indexes its weight and postings.
type TermId = u32;

/// What scoring needs of a phrasing, and nothing else: a question scores hundreds of
/// phrasings, so this is kept small (32 bytes) and the phrasings in one array, each
/// entry's together.
#[derive(Debug)]
struct Phrasing {
    /// Bit i set: the phrasing asks question kind i (so non-zero: it asks some kind; every
    /// kind has a bit).
    kinds: u64,
    /// Sum of the weights of the phrasing's terms.
    weight: f32,
    /// Its word terms (not question kinds): `Index::phrasing_terms[start..end]`.
    terms: (u32, u32),
    /// Its contrast terms: `Index::contrast_terms[start..end]`.
    contrasts: (u32, u32),
}

impl Phrasing {
    fn asks_kind(&self) -> bool {
        self.kinds != 0
    }
}

#[derive(Debug)]
struct IndexedEntry {
    /// Bit i set: some phrasing of the entry asks question kind i.
    kinds: u64,
    /// A gap (a question the article does not answer).
    gap: bool,
    /// Its phrasings: `Index::phrasings[start..end]`, in the data's order.
    phrasings: (u32, u32),
}

/// Which ranks of a [`Scores::ranked`] list the caller reads, so that scoring may skip
/// the entries that cannot reach them. Entries outside all three may be missing from
/// the list; those inside are exactly where a full scoring would put them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Needed {
    /// The best `top` entries.
    pub top: usize,
    /// The best `covered` entries that are not gaps.
    pub covered: usize,
    /// Every entry within this distance of the best score.
    pub window: Option<f32>,
}

impl Needed {
    /// Every rank: a full scoring, nothing skipped.
    #[cfg(test)]
    pub const EVERY: Needed = Needed {
        top: usize::MAX,
        covered: 0,
        window: None,
    };
}

/// An entry's upper bound is raised by this share before it is compared with the scores
/// it must reach, so that rounding in the bound never skips an entry that would tie.
const BOUND_SLACK: f32 = 1e-4;

/// One entry's score for a question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ranked {
    /// The entry's index.
    pub entry: usize,
    /// Its score, the best of its phrasings'.
    pub score: f32,
    /// The index (within the entry) of its best phrasing.
    pub phrasing: usize,
}

/// What a question asks, worked out once before its entries are scored.
#[derive(Debug, Default)]
struct Asked {
    /// The weight of all its terms.
    question_weight: f32,
    /// The weight of its words (not question kinds).
    word_weight: f32,
    /// Of those, the weight of the words the data has.
    known_word_weight: f32,
    /// Whether it has a word at all.
    has_words: bool,
    /// The bits of the question kinds it asks that the data knows.
    kinds: u64,
    /// Whether it asks a kind of fact at all.
    asks_kind: bool,
    /// (bit, credited weight) of each question kind asked that the data knows.
    kind_weights: Vec<(u64, f32)>,
    /// The contrast-group terms it names.
    contrasts: Vec<(u32, TermId)>,
}

impl Asked {
    /// The credited weight of the asked kinds among `kinds`.
    fn kinds_matched(&self, kinds: u64) -> f32 {
        self.kind_weights
            .iter()
            .filter(|(bit, _)| kinds & bit != 0)
            .map(|(_, w)| w)
            .sum()
    }
}

/// How a question scored against the index.
#[derive(Debug, Default)]
pub(crate) struct Scores {
    /// The entries scored, best first: only entries with a phrasing sharing a term with
    /// the question, and of those only the ones that could reach the [`Needed`] ranks
    /// (and perhaps some more).
    pub ranked: Vec<Ranked>,
    /// Share of the question's word weight the data knows, 0 to 1.
    pub known_share: f32,
    /// Whether the question had any word at all after analysis.
    pub has_words: bool,
}

/// Every phrasing of every entry, indexed.
#[derive(Debug)]
pub(crate) struct Index {
    words: HashMap<Arc<str>, TermId>,
    kinds: HashMap<Arc<str>, TermId>,
    weights: Vec<f32>,
    /// Term -> entries whose bag has it, each with [`IN_PHRASINGS`] set when one of the
    /// entry's phrasings has the term too.
    bag_postings: Vec<Vec<u32>>,
    phrasings: Vec<Phrasing>,
    /// The word terms of each phrasing, one phrasing after another (see
    /// [`Phrasing::terms`]).
    phrasing_terms: Vec<TermId>,
    /// (contrast group, term) for each contrast term each phrasing names, one phrasing
    /// after another (see [`Phrasing::contrasts`]).
    contrast_terms: Vec<(u32, TermId)>,
    entries: Vec<IndexedEntry>,
    /// Term id of a question kind -> its bit.
    kind_bits: HashMap<TermId, u64>,
    /// Term id -> the contrast group it belongs to.
    contrast_groups: HashMap<TermId, u32>,
    /// Whether each phrasing (in `phrasings` order) asks a yes/no question.
    yes_no: Vec<bool>,
    /// The terms that name the story's entities.
    entity_terms: rustc_hash::FxHashSet<TermId>,
    /// Each entity's term, key and pronoun class.
    entity_keys: Vec<(TermId, Arc<str>, Arc<str>)>,
    /// Term -> how common it is in general English (see [`Term::zipf10`]), the most
    /// common of the words that read as it.
    zipf10: Vec<Option<u8>>,
    unknown_weight: f32,
}

impl Index {
    /// Indexes the phrasings (as analysed: `phrasing_terms[entry][phrasing]`), answers and
    /// excerpts of `entries`, and the article's sentences around the excerpts.
    pub fn build(
        analyzer: &Analyzer,
        article: &str,
        entries: &[Arc<Entry>],
        phrasing_terms: &[Vec<Vec<Term>>],
    ) -> Index {
        let mut index = Index::empty(entries.len());
        index.intern_vocabulary(analyzer);
        let mut reader = analyzer.exact_reader();
        // Each phrasing's terms, until the weights are known.
        let mut phrasing_ids: Vec<Vec<TermId>> = Vec::new();
        for (entry_index, entry) in entries.iter().enumerate() {
            index
                .yes_no
                .extend(entry.questions.iter().map(|q| analyzer.is_yes_no(q)));
            let first_phrasing = index.phrasings.len() as u32;
            let mut kinds = 0u64;
            // The phrasings' terms, then (in `others`) those only the answer, the excerpts
            // and their sentences have.
            let mut bag: Vec<TermId> = Vec::new();
            for terms in &phrasing_terms[entry_index] {
                let ids = index.add_phrasing(terms, &mut bag);
                kinds |= index.phrasings.last().map_or(0, |p| p.kinds);
                phrasing_ids.push(ids);
            }
            bag.sort_unstable();
            bag.dedup();
            let others = index.entry_text_terms(&mut reader, article, entry, &bag);
            index.post_bag(entry_index, &bag, &others);
            index.entries.push(IndexedEntry {
                kinds,
                gap: !entry.covered,
                phrasings: (first_phrasing, index.phrasings.len() as u32),
            });
        }
        index.weigh(entries.len(), &phrasing_ids);
        index
    }

    /// An index of nothing yet, with room for `entries`.
    fn empty(entries: usize) -> Index {
        Index {
            words: HashMap::default(),
            kinds: HashMap::default(),
            weights: Vec::new(),
            bag_postings: Vec::new(),
            phrasings: Vec::new(),
            phrasing_terms: Vec::new(),
            contrast_terms: Vec::new(),
            entries: Vec::with_capacity(entries),
            kind_bits: HashMap::default(),
            contrast_groups: HashMap::default(),
            zipf10: Vec::new(),
            entity_terms: Default::default(),
            entity_keys: Vec::new(),
            yes_no: Vec::new(),
            unknown_weight: 0.0,
        }
    }

    /// Gives the vocabulary's contrast groups and entities their terms.
    fn intern_vocabulary(&mut self, analyzer: &Analyzer) {
        let word = |key: &Arc<str>| Term {
            key: key.clone(),
            kind: TermKind::Word,
            reading: Reading::Typed,
            zipf10: None,
            focus: false,
        };
        for (group, keys) in analyzer.contrasts().iter().enumerate() {
            for key in keys {
                let id = self.intern(&word(key));
                self.contrast_groups.insert(id, group as u32);
            }
        }
        for (key, class) in analyzer.entities() {
            let id = self.intern(&word(key));
            self.entity_terms.insert(id);
            self.entity_keys.push((id, key.clone(), class.clone()));
        }
    }

    /// Adds one phrasing of the entry being indexed: its word terms go to `bag` too.
    /// Returns all its term ids (question kinds included), sorted.
    fn add_phrasing(&mut self, terms: &[Term], bag: &mut Vec<TermId>) -> Vec<TermId> {
        let mut ids = Vec::with_capacity(terms.len());
        let mut phrasing_kinds = 0u64;
        for term in terms {
            let id = self.intern(term);
            if term.kind == TermKind::Question {
                let next_bit = 1u64 << (self.kind_bits.len() as u32).min(63);
                phrasing_kinds |= *self.kind_bits.entry(id).or_insert(next_bit);
            }
            ids.push(id);
        }
        ids.sort_unstable();
        ids.dedup();
        // Question kinds are matched per phrasing through `kinds`, not through its terms:
        // "who" is in a sizeable share of all phrasings, and a phrasing sharing only a
        // question word with a question is no match.
        let terms_start = self.phrasing_terms.len() as u32;
        for &id in &ids {
            if !self.kind_bits.contains_key(&id) {
                self.phrasing_terms.push(id);
                bag.push(id);
            }
        }
        let start = self.contrast_terms.len() as u32;
        let contrasts = self.contrasts_of(&ids);
        self.contrast_terms.extend(contrasts);
        self.phrasings.push(Phrasing {
            kinds: phrasing_kinds,
            weight: 0.0,
            terms: (terms_start, self.phrasing_terms.len() as u32),
            contrasts: (start, self.contrast_terms.len() as u32),
        });
        ids
    }

    /// The word terms of an entry's answer, excerpts and the whole article sentences they
    /// come from (a question may use the article's own words for what it asks) that its
    /// phrasings (`bag`, sorted) do not have; sorted.
    fn entry_text_terms(
        &mut self,
        reader: &mut ExactReader<'_>,
        article: &str,
        entry: &Entry,
        bag: &[TermId],
    ) -> Vec<TermId> {
        let sentences = entry.sources.iter().map(|s| sentence_around(article, s));
        let texts = std::iter::once(entry.answer.as_str())
            .chain(entry.sources.iter().map(String::as_str))
            .chain(sentences);
        let mut others: Vec<TermId> = Vec::new();
        for text in texts {
            for term in reader.analyze(text) {
                if term.kind == TermKind::Word {
                    let id = self.intern(&term);
                    if bag.binary_search(&id).is_err() {
                        others.push(id);
                    }
                }
            }
        }
        others.sort_unstable();
        others.dedup();
        others
    }

    /// Posts entry `entry_index` under each term of its bag: `phrased` (its phrasings'
    /// terms) marked [`IN_PHRASINGS`], `others` not.
    fn post_bag(&mut self, entry_index: usize, phrased: &[TermId], others: &[TermId]) {
        debug_assert!(
            entry_index < IN_PHRASINGS as usize,
            "entry index overflows a posting"
        );
        let entry_id = entry_index as u32;
        for &id in phrased {
            self.bag_postings[id as usize].push(entry_id | IN_PHRASINGS);
        }
        for &id in others {
            self.bag_postings[id as usize].push(entry_id);
        }
    }

    /// Works out every term's weight over `entries` entries, and each phrasing's.
    fn weigh(&mut self, entries: usize, phrasing_ids: &[Vec<TermId>]) {
        let n = entries.max(1) as f32;
        self.weights = self
            .bag_postings
            .iter()
            .zip(&self.zipf10)
            .map(|(entries, &zipf10)| {
                (1.0 + n / entries.len().max(1) as f32).ln() * informativeness(zipf10)
            })
            .collect();
        for &id in self.kinds.values() {
            self.weights[id as usize] = QUESTION_KIND_WEIGHT;
        }
        self.unknown_weight = (1.0 + n).ln() * UNKNOWN_WORD_FACTOR;
        let weights = &self.weights;
        for (phrasing, ids) in self.phrasings.iter_mut().zip(phrasing_ids) {
            phrasing.weight = ids.iter().map(|&id| weights[id as usize]).sum();
        }
    }

    fn intern(&mut self, term: &Term) -> TermId {
        let map = match term.kind {
            TermKind::Word => &mut self.words,
            TermKind::Question => &mut self.kinds,
        };
        if let Some(&id) = map.get(&*term.key) {
            let zipf = &mut self.zipf10[id as usize];
            *zipf = (*zipf).max(term.zipf10);
            return id;
        }
        let id = self.bag_postings.len() as TermId;
        map.insert(term.key.clone(), id);
        self.bag_postings.push(Vec::new());
        self.zipf10.push(term.zipf10);
        id
    }

    fn contrasts_of(&self, ids: &[TermId]) -> Vec<(u32, TermId)> {
        ids.iter()
            .filter_map(|id| self.contrast_groups.get(id).map(|&group| (group, *id)))
            .collect()
    }

    fn lookup(&self, term: &Term) -> Option<TermId> {
        match term.kind {
            TermKind::Word => self.words.get(&*term.key).copied(),
            TermKind::Question => self.kinds.get(&*term.key).copied(),
        }
    }

    /// The weight a term of a question carries, and whether the data knows it.
    pub fn weight(&self, term: &Term) -> (f32, bool) {
        let (weight, known) = self.typed_weight(term);
        match term.reading {
            Reading::Context => (weight * CONTEXT_WEIGHT, known),
            Reading::Describing => (weight * DESCRIBING_WEIGHT, known),
            _ => (weight, known),
        }
    }

    /// [`weight`](Self::weight) of a term as if typed.
    fn typed_weight(&self, term: &Term) -> (f32, bool) {
        // What the question asks about counts however common a word it is ("how *old*").
        let floor = if term.focus { FOCUS_FLOOR } else { 0.0 };
        let (weight, known) = self.weight_of_reading(term, floor);
        match term.reading {
            // A word read as a related one weighs no more than it would unknown: the link
            // is a guess, and the typed word's own rarity says how much it could say.
            Reading::Related(_) if known => (
                weight.min(self.unknown_weight * rarity(term.zipf10).max(floor)),
                known,
            ),
            _ => (weight, known),
        }
    }

    /// The weight of the word a term is read as, and whether the data knows it.
    fn weight_of_reading(&self, term: &Term, floor: f32) -> (f32, bool) {
        match (self.lookup(term), term.kind) {
            (Some(id), TermKind::Word) if term.focus => {
                let id = id as usize;
                let informativeness = informativeness(self.zipf10[id]);
                (
                    self.weights[id] / informativeness * informativeness.max(floor),
                    true,
                )
            }
            (Some(id), _) => (self.weights[id as usize], true),
            (None, TermKind::Question) => (QUESTION_KIND_WEIGHT, false),
            (None, TermKind::Word) => (self.unknown_weight * rarity(term.zipf10).max(floor), false),
        }
    }

    /// Scores the entries that have a phrasing sharing a term with the question, as far as
    /// the `needed` ranks require (see [`Needed`]).
    pub fn score(&self, terms: &[Term], needed: Needed) -> Scores {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            scratch.fit(self.weights.len(), self.entries.len());
            let scores = self.score_with(terms, needed, &mut scratch);
            scratch.clear();
            scores
        })
    }

    fn score_with(&self, terms: &[Term], needed: Needed, scratch: &mut Scratch) -> Scores {
        let asked = self.credit_terms(terms, scratch);
        // Entries are taken best bound first from a heap (most are never taken).
        for i in 0..scratch.bagged.len() {
            let e = scratch.bagged[i];
            let bound = self.bound(&asked, scratch, e);
            scratch.bounds.push(BoundKey::new(bound, e));
        }
        let mut heap = std::collections::BinaryHeap::from(std::mem::take(&mut scratch.bounds));
        let mut cutoff = Cutoff::new(needed);
        let mut ranked: Vec<Ranked> = Vec::new();
        while let Some(key) = heap.pop() {
            let (bound, entry) = key.get();
            if bound * (1.0 + BOUND_SLACK) < cutoff.score() {
                break;
            }
            if let Some((score, phrasing)) = self.best_phrasing(&asked, scratch, entry as usize) {
                cutoff.add(score, self.entries[entry as usize].gap);
                ranked.push(Ranked {
                    entry: entry as usize,
                    score,
                    phrasing,
                });
            }
        }
        scratch.bounds = heap.into_vec();
        ranked.sort_unstable_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        let Asked {
            word_weight,
            known_word_weight,
            has_words,
            ..
        } = asked;
        Scores {
            ranked,
            known_share: if word_weight > 0.0 {
                known_word_weight / word_weight
            } else {
                0.0
            },
            has_words,
        }
    }

    /// What the question's terms say about one entry, for deciding whether to answer
    /// with it (see [`Reading`](super::decision::Reading)).
    pub fn reading_of(&self, terms: &[Term], entry: usize) -> super::decision::TermsRead {
        let mut read = super::decision::TermsRead::default();
        let entry = entry as u32;
        for term in terms {
            let (weight, known) = self.weight(term);
            let weight = weight * credit_of(term.reading);
            if term.kind == TermKind::Question {
                read.asks_kind = true;
                let bit = self.lookup(term).and_then(|id| self.kind_bits.get(&id));
                if bit.is_some_and(|&bit| self.entries[entry as usize].kinds & bit != 0) {
                    read.kind_matched = true;
                }
                continue;
            }
            read.words += 1;
            read.weight += weight;
            if term.focus {
                read.focus_missed = true;
            }
            if !known {
                read.unknown += weight;
                read.stray_rarity = read.stray_rarity.max(rarity(term.zipf10));
                continue;
            }
            let id = self.lookup(term).expect("a known term has an id");
            read.names_entity |= self.entity_terms.contains(&id);
            let postings = &self.bag_postings[id as usize];
            let found = postings
                .binary_search_by(|p| (p & !IN_PHRASINGS).cmp(&entry))
                .ok()
                .map(|i| postings[i] & IN_PHRASINGS != 0);
            match found {
                Some(in_phrasings) => {
                    if term.focus {
                        read.focus_missed = false;
                    }
                    read.explained += weight;
                    if in_phrasings {
                        read.phrased += weight;
                    }
                    if informativeness(self.zipf10[id as usize]) >= ANCHOR_INFORMATIVENESS {
                        read.anchors += weight;
                    }
                }
                None => read.stray_known += weight,
            }
        }
        read
    }

    /// Whether phrasing `position` of `entry` asks a yes/no question and has every word
    /// of the question that carries weight: the question asks what it asks, and its
    /// entry's yes or no answers it ("did amazon sue?" reads as "did aws sue", "did
    /// amazon win the lawsuit?" does not).
    pub fn reads_as_yes_no(&self, terms: &[Term], entry: usize, position: usize) -> bool {
        let (first, _) = self.entries[entry].phrasings;
        let at = first as usize + position;
        let (start, end) = self.phrasings[at].terms;
        let own = &self.phrasing_terms[start as usize..end as usize];
        self.yes_no[at]
            && terms
                .iter()
                .filter(|t| t.kind == TermKind::Word && self.weight(t).0 >= YES_NO_STRAY_WEIGHT)
                .all(|t| self.lookup(t).is_some_and(|id| own.contains(&id)))
    }

    /// Whether the data has `term`.
    pub fn knows(&self, term: &Term) -> bool {
        self.lookup(term).is_some()
    }

    /// Whether `term` names one of the story's entities.
    pub fn names_entity(&self, term: &Term) -> bool {
        self.lookup(term)
            .is_some_and(|id| self.entity_terms.contains(&id))
    }

    /// Whether two terms belong to one contrast group (two companies, two people).
    pub fn same_contrast_group(&self, a: &Term, b: &Term) -> bool {
        let group = |t: &Term| self.lookup(t).and_then(|id| self.contrast_groups.get(&id));
        matches!((group(a), group(b)), (Some(x), Some(y)) if x == y)
    }

    /// The entities an entry's phrasings name, with their pronoun classes.
    pub fn entities_of(&self, entry: usize) -> Vec<(Arc<str>, Arc<str>)> {
        let entry = entry as u32;
        self.entity_keys
            .iter()
            .filter(|(id, _, _)| {
                self.bag_postings[*id as usize]
                    .binary_search_by(|p| (p & !IN_PHRASINGS).cmp(&entry))
                    .is_ok_and(|i| self.bag_postings[*id as usize][i] & IN_PHRASINGS != 0)
            })
            .map(|(_, key, class)| (key.clone(), class.clone()))
            .collect()
    }

    /// Reads the question's terms: their weights and what the data knows of them, and
    /// each known word's credit, added to the bag of every entry that has it (in
    /// `scratch`).
    fn credit_terms(&self, terms: &[Term], scratch: &mut Scratch) -> Asked {
        let mut asked = Asked::default();
        let mut known_ids: Vec<TermId> = Vec::with_capacity(terms.len());
        for term in terms {
            let id = self.lookup(term);
            let (weight, _) = self.weight(term);
            asked.question_weight += weight;
            match term.kind {
                TermKind::Word => {
                    asked.has_words = true;
                    asked.word_weight += weight;
                    if id.is_some() {
                        asked.known_word_weight += weight;
                    }
                }
                TermKind::Question => {
                    asked.asks_kind = true;
                    if let Some(bit) = id.and_then(|id| self.kind_bits.get(&id)) {
                        asked.kinds |= bit;
                    }
                }
            }
            let Some(id) = id else { continue };
            known_ids.push(id);
            let credited_weight = weight * credit_of(term.reading);
            if let Some(&bit) = self.kind_bits.get(&id) {
                asked.kind_weights.push((bit, credited_weight));
                continue;
            }
            self.credit_word(id, credited_weight, scratch);
        }
        asked.contrasts = self.contrasts_of(&known_ids);
        asked
    }

    /// Credits word `id` with `weight`, and every entry whose bag has it.
    fn credit_word(&self, id: TermId, weight: f32, scratch: &mut Scratch) {
        let slot = &mut scratch.credit[id as usize];
        if *slot == 0.0 {
            scratch.credited.push(id);
        }
        *slot += weight;
        for &posting in &self.bag_postings[id as usize] {
            let entry = (posting & !IN_PHRASINGS) as usize;
            let slot = &mut scratch.bag[entry];
            if *slot == 0.0 {
                scratch.bagged.push(entry as u32);
            }
            *slot += weight;
            if posting & IN_PHRASINGS != 0 {
                scratch.phrased[entry] += weight;
            }
        }
    }

    /// Entry `e`'s upper bound: a phrasing with every question term its phrasings have
    /// (and the question kinds it matches) as its overlap, the rest of its bag explaining
    /// the question at `BAG_CREDIT`, a phrasing covered in full, and only the penalties
    /// that hold for every phrasing. (Its bag weight takes in the question kinds it
    /// matches, here once for all.)
    fn bound(&self, asked: &Asked, scratch: &mut Scratch, e: u32) -> f32 {
        let info = &self.entries[e as usize];
        let kinds = asked.kinds_matched(info.kinds);
        scratch.bag[e as usize] += kinds;
        let entry_bag = scratch.bag[e as usize];
        let overlap = (scratch.phrased[e as usize] + kinds).min(entry_bag);
        let explained = overlap + BAG_CREDIT * (entry_bag - overlap);
        let mut bound = (explained / asked.question_weight).min(1.0);
        if asked.kinds != 0 && info.kinds & asked.kinds == 0 {
            bound *= KIND_MISMATCH_PENALTY;
        }
        if info.gap {
            bound *= GAP_PRIOR;
        }
        bound
    }

    /// The best score among `entry`'s phrasings and that phrasing's index (the first of
    /// equal scores), if any shares a word with the question.
    fn best_phrasing(
        &self,
        asked: &Asked,
        scratch: &Scratch,
        entry: usize,
    ) -> Option<(f32, usize)> {
        let info = &self.entries[entry];
        let (first, end) = info.phrasings;
        let mut best: Option<(f32, usize)> = None;
        for (position, phrasing) in self.phrasings[first as usize..end as usize]
            .iter()
            .enumerate()
        {
            let Some(score) = self.phrasing_score(asked, scratch, entry, phrasing) else {
                continue;
            };
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, position));
            }
        }
        best
    }

    /// A phrasing's score (see the module doc), or `None` when it shares no word with the
    /// question.
    fn phrasing_score(
        &self,
        asked: &Asked,
        scratch: &Scratch,
        entry: usize,
        phrasing: &Phrasing,
    ) -> Option<f32> {
        let info = &self.entries[entry];
        let (start, end) = phrasing.terms;
        let direct: f32 = self.phrasing_terms[start as usize..end as usize]
            .iter()
            .map(|&t| scratch.credit[t as usize])
            .sum();
        if direct == 0.0 {
            return None;
        }
        let entry_bag = scratch.bag[entry];
        let overlap = direct + asked.kinds_matched(phrasing.kinds);
        let explained = overlap + BAG_CREDIT * (entry_bag - overlap).max(0.0);
        let question_coverage = (explained / asked.question_weight).min(1.0);
        let phrasing_coverage = (overlap / phrasing.weight).min(1.0);
        let mut score = question_coverage * coverage_power(phrasing_coverage);
        if asked.kinds != 0 && info.kinds & asked.kinds == 0 {
            score *= KIND_MISMATCH_PENALTY;
        }
        if !asked.asks_kind && phrasing.asks_kind() {
            score *= UNASKED_KIND_PENALTY;
        }
        let (start, end) = phrasing.contrasts;
        if start != end
            && contradicts(
                &self.contrast_terms[start as usize..end as usize],
                &asked.contrasts,
            )
        {
            score *= CONTRAST_PENALTY;
        }
        if info.gap {
            score *= GAP_PRIOR;
        }
        Some(score)
    }

    /// How many phrasings are indexed.
    pub fn phrasing_count(&self) -> usize {
        self.phrasings.len()
    }
}

/// The sentence (or sentences) of `article` around `excerpt`, or the excerpt itself when
/// the article does not have it.
fn sentence_around<'a>(article: &'a str, excerpt: &'a str) -> &'a str {
    let Some(start) = article.find(excerpt) else {
        return excerpt;
    };
    let end = start + excerpt.len();
    let is_break = |c: char| matches!(c, '.' | '?' | '!' | '\n');
    let from = article[..start].rfind(is_break).map_or(0, |i| i + 1);
    let to = article[end..]
        .find(is_break)
        .map_or(article.len(), |i| end + i);
    &article[from..to]
}

/// How much of a term's weight a match of it is worth, by how sure its reading is.
pub(crate) fn credit_of(reading: Reading) -> f32 {
    match reading {
        Reading::Typed => 1.0,
        Reading::Corrected => CORRECTED_CREDIT,
        Reading::Related(distance10) => RELATED_CREDIT * 10.0 / f32::from(distance10.max(10)),
        Reading::Context | Reading::Negated | Reading::Describing => 1.0,
    }
}

/// How much of its weight in the data a known word keeps, by how common it is in general
/// English: a word as common as "year" or "need" says less about what a question asks
/// than one as rare as "nearline", however rare both are in the data.
fn informativeness(zipf10: Option<u8>) -> f32 {
    let Some(zipf10) = zipf10 else { return 1.0 };
    let zipf = f32::from(zipf10) / 10.0;
    let rarity =
        ((KNOWN_COMMON_ZIPF - zipf) / (KNOWN_COMMON_ZIPF - KNOWN_RARE_ZIPF)).clamp(0.0, 1.0);
    KNOWN_FLOOR + (1.0 - KNOWN_FLOOR) * rarity
}

/// The share of the full unknown-word weight an unknown word carries, by how common it
/// is in general English (ten times its Zipf frequency); a token that is no word (a
/// number) weighs fully.
fn rarity(zipf10: Option<u8>) -> f32 {
    let Some(zipf10) = zipf10 else { return 1.0 };
    let zipf = f32::from(zipf10) / 10.0;
    let rarity =
        ((UNKNOWN_COMMON_ZIPF - zipf) / (UNKNOWN_COMMON_ZIPF - UNKNOWN_RARE_ZIPF)).clamp(0.0, 1.0);
    rarity.max(UNKNOWN_FLOOR)
}

/// The bit of a bag posting that says the term is in one of the entry's phrasings (the
/// rest is the entry's index).
const IN_PHRASINGS: u32 = 1 << 31;

/// An entry's upper bound and the entry, as one integer that orders by the bound (then
/// the lower entry first), for a cheap heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct BoundKey(u64);

impl BoundKey {
    /// `bound` is at least 0: the bits of a non-negative float order as the float does.
    fn new(bound: f32, entry: u32) -> BoundKey {
        BoundKey(u64::from(bound.max(0.0).to_bits()) << 32 | u64::from(u32::MAX - entry))
    }

    fn get(self) -> (f32, u32) {
        (
            f32::from_bits((self.0 >> 32) as u32),
            u32::MAX - self.0 as u32,
        )
    }
}

/// The lowest score an entry must be able to reach to matter for the [`Needed`] ranks,
/// from the scores found so far.
struct Cutoff {
    needed: Needed,
    /// The best scores so far, best first, at most `needed.top`.
    top: Vec<f32>,
    /// The best scores of entries that are not gaps, best first, at most `needed.covered`.
    covered: Vec<f32>,
    best: Option<f32>,
}

impl Cutoff {
    fn new(needed: Needed) -> Cutoff {
        Cutoff {
            needed,
            top: Vec::new(),
            covered: Vec::new(),
            best: None,
        }
    }

    fn add(&mut self, score: f32, gap: bool) {
        fn keep_best(scores: &mut Vec<f32>, score: f32, size: usize) {
            if size == 0 {
                return;
            }
            let at = scores.partition_point(|&s| s >= score);
            if at < size {
                scores.insert(at, score);
                scores.truncate(size);
            }
        }
        keep_best(&mut self.top, score, self.needed.top);
        if !gap {
            keep_best(&mut self.covered, score, self.needed.covered);
        }
        self.best = Some(self.best.map_or(score, |best| best.max(score)));
    }

    /// An entry that cannot score this much is in none of the needed ranks: it would
    /// rank below the `top` best, below the `covered` best non-gaps, and outside the
    /// window under the best.
    fn score(&self) -> f32 {
        let rank = |scores: &[f32], size: usize| match size {
            0 => f32::INFINITY,
            _ if scores.len() < size => f32::NEG_INFINITY,
            _ => scores[size - 1],
        };
        let window = match (self.needed.window, self.best) {
            (None, _) => f32::INFINITY,
            (Some(_), None) => f32::NEG_INFINITY,
            (Some(window), Some(best)) => best - window,
        };
        rank(&self.top, self.needed.top)
            .min(rank(&self.covered, self.needed.covered))
            .min(window)
    }
}

/// Buffers for scoring, kept per thread so a question allocates nothing in proportion to
/// the size of the data; only the slots a question touched are reset after it.
#[derive(Default)]
struct Scratch {
    /// Term -> the question's credited weight of it.
    credit: Vec<f32>,
    credited: Vec<TermId>,
    /// Entry -> matched weight of its bag (with the question kinds it matches, once bounded).
    bag: Vec<f32>,
    /// Entry -> the part of `bag` its phrasings have (without the question kinds).
    phrased: Vec<f32>,
    bagged: Vec<u32>,
    /// The upper bound of each entry bagged.
    bounds: Vec<BoundKey>,
}

impl Scratch {
    fn fit(&mut self, terms: usize, entries: usize) {
        if self.credit.len() < terms {
            self.credit.resize(terms, 0.0);
        }
        if self.bag.len() < entries {
            self.bag.resize(entries, 0.0);
            self.phrased.resize(entries, 0.0);
        }
    }

    fn clear(&mut self) {
        for &t in &self.credited {
            self.credit[t as usize] = 0.0;
        }
        for &e in &self.bagged {
            self.bag[e as usize] = 0.0;
            self.phrased[e as usize] = 0.0;
        }
        self.credited.clear();
        self.bagged.clear();
        self.bounds.clear();
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// `coverage` (0 to 1) to the power [`PHRASING_COVERAGE_EXPONENT`], from a table: the
/// power is the costliest step of scoring a phrasing, and 1/1024 steps are plenty.
fn coverage_power(coverage: f32) -> f32 {
    const STEPS: usize = 1024;
    static TABLE: std::sync::LazyLock<Vec<f32>> = std::sync::LazyLock::new(|| {
        (0..=STEPS)
            .map(|i| (i as f32 / STEPS as f32).powf(PHRASING_COVERAGE_EXPONENT))
            .collect()
    });
    TABLE[(coverage.clamp(0.0, 1.0) * STEPS as f32 + 0.5) as usize]
}

/// Whether, for some contrast group, the phrasing and the question both name members of
/// it but not one in common ("amazon's ceo" against "microsoft's ceo"; "trump and bezos"
/// against "bezos" is fine).
fn contradicts(phrasing: &[(u32, TermId)], question: &[(u32, TermId)]) -> bool {
    phrasing.iter().any(|&(group, _)| {
        let in_question = question.iter().filter(|(g, _)| *g == group);
        let mut shared = false;
        let mut named = false;
        for &(_, term) in in_question {
            named = true;
            shared |= phrasing.contains(&(group, term));
        }
        named && !shared
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_needs_another_member_and_none_in_common() {
        let phrasing = [(0, 1)];
        assert!(contradicts(&phrasing, &[(0, 2)]));
        assert!(!contradicts(&phrasing, &[(0, 2), (0, 1)]));
        assert!(!contradicts(&phrasing, &[(1, 2)]));
        assert!(!contradicts(&phrasing, &[]));
        assert!(!contradicts(&[], &[(0, 2)]));
        // A phrasing naming two people fits a question naming one of them.
        assert!(!contradicts(&[(0, 1), (0, 2)], &[(0, 2)]));
    }
}
