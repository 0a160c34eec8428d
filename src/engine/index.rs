//! The index of every phrasing, and how a question is scored against it.
//!
//! Each entry's phrasings are analysed into terms once, and so are its answer and source
//! excerpts (the entry's "bag" of terms). A phrasing's score is the share of the
//! question's weight it explains times the share of its own weight the question covers
//! (to [`PHRASING_COVERAGE_EXPONENT`]). A question term the phrasing lacks but its
//! entry's bag has (another phrasing, the answer, an excerpt) is explained at
//! [`BAG_CREDIT`]. Term weights are inverse entry frequencies.
//!
//! A question's terms are looked up in the index, so only phrasings sharing a term with
//! the question are ever scored: the cost grows with the question and the phrasings it
//! touches, not with the size of the data.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use crate::kb::Entry;
use crate::text::{Analyzer, Term, TermKind};

/// How much a question-kind term (who, when, how much, ...) weighs, next to word
/// weights that run from about 0.7 (words in every entry) to `ln(1 + entries)`.
pub const QUESTION_KIND_WEIGHT: f32 = 1.5;
/// A question word the data never uses weighs this much times the rarest known word:
/// what the data cannot explain counts heavily against a match.
pub const UNKNOWN_WORD_FACTOR: f32 = 1.1;
/// A misspelt word that was corrected counts this much of a word typed right.
pub const CORRECTED_CREDIT: f32 = 0.85;
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

/// What scoring needs of a phrasing, and nothing else: a question touches hundreds of
/// phrasings, so this is kept small (32 bytes) and the phrasings in one array.
#[derive(Debug)]
struct Phrasing {
    /// Bit i set: the phrasing asks question kind i (so non-zero: it asks some kind; every
    /// kind has a bit).
    kinds: u64,
    /// Its entry.
    entry: u32,
    /// Position among the entry's phrasings.
    position: u32,
    /// Sum of the weights of the phrasing's terms.
    weight: f32,
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
}

/// How a question scored against the index.
#[derive(Debug, Default)]
pub(crate) struct Scores {
    /// (entry index, score, index of its best phrasing), best first; only entries with a
    /// phrasing sharing a term with the question.
    pub ranked: Vec<(usize, f32, usize)>,
    /// Whether any word of the question (not counting question words) is in the data.
    pub knows_a_word: bool,
    /// Share of the question's word weight the data knows, 0 to 1.
    pub known_share: f32,
    /// The weight of the question's terms the data knows (words and question kinds).
    pub known_weight: f32,
    /// Whether the question had any word at all after analysis.
    pub has_words: bool,
}

/// Every phrasing of every entry, indexed.
#[derive(Debug)]
pub(crate) struct Index {
    words: HashMap<Arc<str>, TermId>,
    kinds: HashMap<Arc<str>, TermId>,
    weights: Vec<f32>,
    /// Term -> phrasings that have it.
    postings: Vec<Vec<u32>>,
    /// Term -> entries whose bag has it.
    bag_postings: Vec<Vec<u32>>,
    phrasings: Vec<Phrasing>,
    /// (contrast group, term) for each contrast term each phrasing names, one phrasing
    /// after another (see [`Phrasing::contrasts`]).
    contrast_terms: Vec<(u32, TermId)>,
    entries: Vec<IndexedEntry>,
    /// Term id of a question kind -> its bit.
    kind_bits: HashMap<TermId, u64>,
    /// Term id -> the contrast group it belongs to.
    contrast_groups: HashMap<TermId, u32>,
    unknown_weight: f32,
}

impl Index {
    /// Indexes the phrasings (as analysed: `phrasing_terms[entry][phrasing]`), answers and
    /// excerpts of `entries`.
    pub fn build(
        analyzer: &Analyzer,
        entries: &[Arc<Entry>],
        phrasing_terms: &[Vec<Vec<Term>>],
    ) -> Index {
        let mut index = Index {
            words: HashMap::default(),
            kinds: HashMap::default(),
            weights: Vec::new(),
            postings: Vec::new(),
            bag_postings: Vec::new(),
            phrasings: Vec::new(),
            contrast_terms: Vec::new(),
            entries: Vec::with_capacity(entries.len()),
            kind_bits: HashMap::default(),
            contrast_groups: HashMap::default(),
            unknown_weight: 0.0,
        };
        for (group, keys) in analyzer.contrasts().iter().enumerate() {
            for key in keys {
                let id = index.intern(&Term {
                    key: key.clone(),
                    kind: TermKind::Word,
                    corrected: false,
                });
                index.contrast_groups.insert(id, group as u32);
            }
        }
        let mut reader = analyzer.exact_reader();
        // Each phrasing's terms, until the weights are known.
        let mut phrasing_ids: Vec<Vec<TermId>> = Vec::new();
        for (entry_index, entry) in entries.iter().enumerate() {
            let mut kinds = 0u64;
            let mut bag: Vec<TermId> = Vec::new();
            for (position, terms) in phrasing_terms[entry_index].iter().enumerate() {
                let mut ids = Vec::with_capacity(terms.len());
                let mut phrasing_kinds = 0u64;
                for term in terms {
                    let id = index.intern(term);
                    if term.kind == TermKind::Question {
                        let next_bit = 1u64 << (index.kind_bits.len() as u32).min(63);
                        phrasing_kinds |= *index.kind_bits.entry(id).or_insert(next_bit);
                    }
                    ids.push(id);
                }
                kinds |= phrasing_kinds;
                ids.sort_unstable();
                ids.dedup();
                // Question kinds are matched per phrasing through `kinds`, not through
                // postings: "who" is in a sizeable share of all phrasings, and a phrasing
                // sharing only a question word with a question is no match.
                for &id in &ids {
                    if !index.kind_bits.contains_key(&id) {
                        index.postings[id as usize].push(index.phrasings.len() as u32);
                        bag.push(id);
                    }
                }
                let start = index.contrast_terms.len() as u32;
                let contrasts = index.contrasts_of(&ids);
                index.contrast_terms.extend(contrasts);
                index.phrasings.push(Phrasing {
                    kinds: phrasing_kinds,
                    entry: entry_index as u32,
                    position: position as u32,
                    weight: 0.0,
                    contrasts: (start, index.contrast_terms.len() as u32),
                });
                phrasing_ids.push(ids);
            }
            let texts = std::iter::once(&entry.answer).chain(&entry.sources);
            for text in texts {
                for term in reader.analyze(text) {
                    if term.kind == TermKind::Word {
                        bag.push(index.intern(&term));
                    }
                }
            }
            bag.sort_unstable();
            bag.dedup();
            for id in bag {
                index.bag_postings[id as usize].push(entry_index as u32);
            }
            index.entries.push(IndexedEntry {
                kinds,
                gap: !entry.covered,
            });
        }
        let n = entries.len().max(1) as f32;
        index.weights = index
            .bag_postings
            .iter()
            .map(|entries| (1.0 + n / entries.len().max(1) as f32).ln())
            .collect();
        for &id in index.kinds.values() {
            index.weights[id as usize] = QUESTION_KIND_WEIGHT;
        }
        index.unknown_weight = (1.0 + n).ln() * UNKNOWN_WORD_FACTOR;
        let weights = &index.weights;
        for (phrasing, ids) in index.phrasings.iter_mut().zip(&phrasing_ids) {
            phrasing.weight = ids.iter().map(|&id| weights[id as usize]).sum();
        }
        index
    }

    fn intern(&mut self, term: &Term) -> TermId {
        let map = match term.kind {
            TermKind::Word => &mut self.words,
            TermKind::Question => &mut self.kinds,
        };
        if let Some(&id) = map.get(&*term.key) {
            return id;
        }
        let id = self.bag_postings.len() as TermId;
        map.insert(term.key.clone(), id);
        self.postings.push(Vec::new());
        self.bag_postings.push(Vec::new());
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
        match (self.lookup(term), term.kind) {
            (Some(id), _) => (self.weights[id as usize], true),
            (None, TermKind::Question) => (QUESTION_KIND_WEIGHT, false),
            (None, TermKind::Word) => (self.unknown_weight, false),
        }
    }

    /// Scores every entry that has a phrasing sharing a term with the question, and keeps
    /// the best `keep` of them.
    pub fn score(&self, terms: &[Term], keep: usize) -> Scores {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            scratch.fit(self.phrasings.len(), self.entries.len());
            let scores = self.score_with(terms, keep, &mut scratch);
            scratch.clear();
            scores
        })
    }

    fn score_with(&self, terms: &[Term], keep: usize, scratch: &mut Scratch) -> Scores {
        let Scratch {
            direct,
            touched,
            bag,
            bagged,
            best,
            scored,
        } = scratch;
        let mut question_weight = 0.0f32;
        let mut word_weight = 0.0f32;
        let mut known_word_weight = 0.0f32;
        let mut known_weight = 0.0f32;
        let mut has_words = false;
        let mut asked: u64 = 0;
        let mut asks_kind = false;
        let mut known_ids: Vec<TermId> = Vec::with_capacity(terms.len());
        // (bit, credited weight) of each question kind asked that the data knows.
        let mut asked_kinds: Vec<(u64, f32)> = Vec::new();
        for term in terms {
            let id = self.lookup(term);
            let (weight, _) = self.weight(term);
            question_weight += weight;
            match term.kind {
                TermKind::Word => {
                    has_words = true;
                    word_weight += weight;
                    if id.is_some() {
                        known_word_weight += weight;
                    }
                }
                TermKind::Question => {
                    asks_kind = true;
                    if let Some(bit) = id.and_then(|id| self.kind_bits.get(&id)) {
                        asked |= bit;
                    }
                }
            }
            let Some(id) = id else { continue };
            known_weight += weight;
            known_ids.push(id);
            let credited = weight
                * if term.corrected {
                    CORRECTED_CREDIT
                } else {
                    1.0
                };
            if let Some(&bit) = self.kind_bits.get(&id) {
                asked_kinds.push((bit, credited));
                continue;
            }
            for &phrasing in &self.postings[id as usize] {
                let slot = &mut direct[phrasing as usize];
                if *slot == 0.0 {
                    touched.push(phrasing);
                }
                *slot += credited;
            }
            for &entry in &self.bag_postings[id as usize] {
                let slot = &mut bag[entry as usize];
                if *slot == 0.0 {
                    bagged.push(entry);
                }
                *slot += credited;
            }
        }
        let asked_contrasts = self.contrasts_of(&known_ids);

        for &p in touched.iter() {
            let phrasing = &self.phrasings[p as usize];
            let entry = phrasing.entry as usize;
            let info = &self.entries[entry];
            let kinds_matched = |kinds: u64| -> f32 {
                asked_kinds
                    .iter()
                    .filter(|(bit, _)| kinds & bit != 0)
                    .map(|(_, w)| w)
                    .sum()
            };
            let overlap = direct[p as usize] + kinds_matched(phrasing.kinds);
            let entry_bag = bag[entry] + kinds_matched(info.kinds);
            let explained = overlap + BAG_CREDIT * (entry_bag - overlap).max(0.0);
            let question_coverage = (explained / question_weight).min(1.0);
            let phrasing_coverage = (overlap / phrasing.weight).min(1.0);
            let mut score = question_coverage * coverage_power(phrasing_coverage);
            if asked != 0 && info.kinds & asked == 0 {
                score *= KIND_MISMATCH_PENALTY;
            }
            if !asks_kind && phrasing.asks_kind() {
                score *= UNASKED_KIND_PENALTY;
            }
            let (start, end) = phrasing.contrasts;
            if start != end
                && contradicts(
                    &self.contrast_terms[start as usize..end as usize],
                    &asked_contrasts,
                )
            {
                score *= CONTRAST_PENALTY;
            }
            if info.gap {
                score *= GAP_PRIOR;
            }
            match &mut best[entry] {
                Some((s, position)) => {
                    if score > *s || (score == *s && phrasing.position < *position) {
                        *s = score;
                        *position = phrasing.position;
                    }
                }
                slot @ None => {
                    *slot = Some((score, phrasing.position));
                    scored.push(entry as u32);
                }
            }
        }
        let mut ranked: Vec<(usize, f32, usize)> = scored
            .iter()
            .filter_map(|&e| best[e as usize].map(|(s, p)| (e as usize, s, p as usize)))
            .collect();
        let order = |a: &(usize, f32, usize), b: &(usize, f32, usize)| {
            b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
        };
        if ranked.len() > keep && keep > 0 {
            ranked.select_nth_unstable_by(keep - 1, order);
            ranked.truncate(keep);
        }
        ranked.sort_unstable_by(order);
        Scores {
            ranked,
            knows_a_word: known_word_weight > 0.0,
            known_share: if word_weight > 0.0 {
                known_word_weight / word_weight
            } else {
                0.0
            },
            known_weight,
            has_words,
        }
    }

    /// How many phrasings are indexed.
    pub fn phrasing_count(&self) -> usize {
        self.phrasings.len()
    }
}

/// Buffers for scoring, kept per thread so a question allocates nothing in proportion to
/// the size of the data; only the slots a question touched are reset after it.
#[derive(Default)]
struct Scratch {
    /// Phrasing -> matched weight.
    direct: Vec<f32>,
    touched: Vec<u32>,
    /// Entry -> matched weight of its bag.
    bag: Vec<f32>,
    bagged: Vec<u32>,
    /// Entry -> best (score, phrasing position).
    best: Vec<Option<(f32, u32)>>,
    scored: Vec<u32>,
}

impl Scratch {
    fn fit(&mut self, phrasings: usize, entries: usize) {
        if self.direct.len() < phrasings {
            self.direct.resize(phrasings, 0.0);
        }
        if self.bag.len() < entries {
            self.bag.resize(entries, 0.0);
            self.best.resize(entries, None);
        }
    }

    fn clear(&mut self) {
        for &p in &self.touched {
            self.direct[p as usize] = 0.0;
        }
        for &e in &self.bagged {
            self.bag[e as usize] = 0.0;
        }
        for &e in &self.scored {
            self.best[e as usize] = None;
        }
        self.touched.clear();
        self.bagged.clear();
        self.scored.clear();
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
