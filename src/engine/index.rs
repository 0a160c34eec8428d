//! The inverted index of every phrasing, and how a question is scored against it.
//!
//! Each entry's phrasings are analysed into terms once, and so are its answer and source
//! excerpts (the entry's "bag" of terms). A question's terms are looked up in the index,
//! so only phrasings sharing a term with the question are ever scored: the cost grows with
//! the question and the phrasings it touches, not with the size of the data.
//!
//! A phrasing's score is the share of the question's weight it explains times the share
//! of its own weight the question covers (to [`PHRASING_COVERAGE_EXPONENT`]). A question
//! term the phrasing lacks but its entry's bag has (another phrasing, the answer, an
//! excerpt) is explained at [`BAG_CREDIT`]. Term weights are inverse entry frequencies.

use std::sync::Arc;

use std::collections::HashMap;

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

#[derive(Debug)]
struct Phrasing {
    entry: u32,
    /// Position among the entry's phrasings.
    position: u32,
    /// Sum of the weights of the phrasing's terms.
    weight: f32,
    /// Whether the phrasing asks a kind of fact.
    asks_kind: bool,
    /// Whether the phrasing belongs to a gap entry.
    gap: bool,
    /// (contrast group, term) for each contrast term the phrasing names.
    contrasts: Vec<(u32, TermId)>,
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

/// Every phrasing of every entry, indexed by term.
#[derive(Debug)]
pub(crate) struct Index {
    words: HashMap<String, TermId>,
    kinds: HashMap<String, TermId>,
    weights: Vec<f32>,
    /// Term -> phrasings that have it.
    postings: Vec<Vec<u32>>,
    /// Term -> entries whose bag has it.
    bag_postings: Vec<Vec<u32>>,
    phrasings: Vec<Phrasing>,
    /// Bit i set: some phrasing of the entry asks question kind i.
    entry_kinds: Vec<u64>,
    /// Term id of a question kind -> its bit.
    kind_bits: HashMap<TermId, u64>,
    /// Term id -> the contrast group it belongs to.
    contrast_groups: HashMap<TermId, u32>,
    unknown_weight: f32,
}

impl Index {
    /// Indexes the phrasings, answers and excerpts of `entries`.
    pub fn build(analyzer: &Analyzer, entries: &[Arc<Entry>]) -> Index {
        let mut index = Index {
            words: HashMap::new(),
            kinds: HashMap::new(),
            weights: Vec::new(),
            postings: Vec::new(),
            bag_postings: Vec::new(),
            phrasings: Vec::new(),
            entry_kinds: vec![0; entries.len()],
            kind_bits: HashMap::new(),
            contrast_groups: HashMap::new(),
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
        let mut phrasing_terms: Vec<Vec<TermId>> = Vec::new();
        for (entry_index, entry) in entries.iter().enumerate() {
            let mut bag: Vec<TermId> = Vec::new();
            for (position, phrasing) in entry.questions.iter().enumerate() {
                let terms = analyzer.analyze(phrasing);
                let mut ids = Vec::with_capacity(terms.len());
                let mut asks_kind = false;
                for term in &terms {
                    let id = index.intern(term);
                    if term.kind == TermKind::Question {
                        asks_kind = true;
                        let next_bit = 1u64 << (index.kind_bits.len() as u32).min(63);
                        let bit = *index.kind_bits.entry(id).or_insert(next_bit);
                        index.entry_kinds[entry_index] |= bit;
                    }
                    index.postings[id as usize].push(index.phrasings.len() as u32);
                    bag.push(id);
                    ids.push(id);
                }
                let contrasts = index.contrasts_of(&ids);
                index.phrasings.push(Phrasing {
                    entry: entry_index as u32,
                    position: position as u32,
                    weight: 0.0,
                    asks_kind,
                    gap: !entry.covered,
                    contrasts,
                });
                phrasing_terms.push(ids);
            }
            let texts = std::iter::once(&entry.answer).chain(&entry.sources);
            for text in texts {
                for term in analyzer.analyze(text) {
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
        for (phrasing, ids) in index.phrasings.iter_mut().zip(&phrasing_terms) {
            phrasing.weight = ids.iter().map(|&id| index.weights[id as usize]).sum();
        }
        index
    }

    fn intern(&mut self, term: &Term) -> TermId {
        let map = match term.kind {
            TermKind::Word => &mut self.words,
            TermKind::Question => &mut self.kinds,
        };
        if let Some(&id) = map.get(&term.key) {
            return id;
        }
        let id = self.postings.len() as TermId;
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
            TermKind::Word => self.words.get(&term.key).copied(),
            TermKind::Question => self.kinds.get(&term.key).copied(),
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

    /// Scores every entry that has a phrasing sharing a term with the question.
    pub fn score(&self, terms: &[Term]) -> Scores {
        let mut question_weight = 0.0f32;
        let mut word_weight = 0.0f32;
        let mut known_word_weight = 0.0f32;
        let mut knows_a_word = false;
        let mut has_words = false;
        let mut asked: u64 = 0;
        let mut asks_kind = false;
        let mut known_weight = 0.0f32;
        let mut direct = vec![0.0f32; self.phrasings.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut bag = vec![0.0f32; self.entry_kinds.len()];
        for term in terms {
            let id = self.lookup(term);
            let (weight, _) = self.weight(term);
            question_weight += weight;
            match term.kind {
                TermKind::Word => {
                    has_words = true;
                    word_weight += weight;
                    if id.is_some() {
                        knows_a_word = true;
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
            let credited = weight
                * if term.corrected {
                    CORRECTED_CREDIT
                } else {
                    1.0
                };
            for &phrasing in &self.postings[id as usize] {
                let slot = &mut direct[phrasing as usize];
                if *slot == 0.0 {
                    touched.push(phrasing);
                }
                *slot += credited;
            }
            for &entry in &self.bag_postings[id as usize] {
                bag[entry as usize] += credited;
            }
        }

        let known: Vec<TermId> = terms.iter().filter_map(|t| self.lookup(t)).collect();
        let asked_contrasts = self.contrasts_of(&known);
        let mut best: Vec<Option<(f32, u32)>> = vec![None; self.entry_kinds.len()];
        let mut entries: Vec<u32> = Vec::new();
        for &phrasing in &touched {
            let info = &self.phrasings[phrasing as usize];
            let entry = info.entry as usize;
            let overlap = direct[phrasing as usize];
            let explained = overlap + BAG_CREDIT * (bag[entry] - overlap).max(0.0);
            let question_coverage = (explained / question_weight).min(1.0);
            let phrasing_coverage = (overlap / info.weight).min(1.0);
            let mut score = question_coverage * phrasing_coverage.powf(PHRASING_COVERAGE_EXPONENT);
            if asked != 0 && self.entry_kinds[entry] & asked == 0 {
                score *= KIND_MISMATCH_PENALTY;
            }
            if !asks_kind && info.asks_kind {
                score *= UNASKED_KIND_PENALTY;
            }
            if contradicts(&info.contrasts, &asked_contrasts) {
                score *= CONTRAST_PENALTY;
            }
            if info.gap {
                score *= GAP_PRIOR;
            }
            match &mut best[entry] {
                Some((s, p)) => {
                    if score > *s || (score == *s && info.position < *p) {
                        *s = score;
                        *p = info.position;
                    }
                }
                slot @ None => {
                    *slot = Some((score, info.position));
                    entries.push(info.entry);
                }
            }
        }
        let mut ranked: Vec<(usize, f32, usize)> = entries
            .into_iter()
            .filter_map(|e| best[e as usize].map(|(s, p)| (e as usize, s, p as usize)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Scores {
            ranked,
            knows_a_word,
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
