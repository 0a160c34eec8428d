//! Typo correction against the knowledge base's own vocabulary.
//!
//! An index of every word and every form of it with one character deleted (two, for long
//! words: the SymSpell idea) finds the candidates for a misspelt word with a few hash
//! look-ups, however large the vocabulary; `strsim` then measures each candidate's true
//! edit distance. The index keys are hashes of the deleted forms, so building it and
//! looking words up allocate no strings; a hash collision only adds a candidate that
//! the distance check then rejects. The index is one sorted vector of (key, word) pairs:
//! built with one sort, and a quarter of the memory of a map of lists.

use std::hash::Hasher;

use rustc_hash::FxHasher;

/// Words shorter than this are corrected only by restoring a dropped letter ("jdi" ->
/// "jedi") or by swapping two neighbouring letters into one of the swap targets ("hte"
/// -> "the", see [`Speller::swap_into`]): other edits turn too many abbreviations into
/// words of the data ("nba" -> "nab", "ge" -> "get"). (Real English words are never
/// corrected at all: the analyser asks only for the words it does not know.)
pub const MIN_WORD_LEN: usize = 4;
/// Words this long (one short of [`MIN_WORD_LEN`]) may be corrected by a swap or a
/// restored letter.
pub const SHORT_WORD_LEN: usize = MIN_WORD_LEN - 1;
/// Words at least this long may be corrected across two edits; shorter ones across one.
pub const LONG_WORD_LEN: usize = 8;
/// Words longer than this are neither indexed nor corrected: no real word is, and the
/// deleted forms of a word grow with the square of its length.
pub const MAX_WORD_LEN: usize = 40;

/// A vocabulary indexed for spelling correction.
#[derive(Debug, Default, Clone)]
pub struct Speller {
    words: Vec<(String, u32)>,
    /// (hash of a word, or of the word with one or two characters deleted; word index),
    /// sorted: the words under one key are a run.
    index: Vec<(u64, u32)>,
    /// The only words a three-letter token may be swapped into.
    swap_targets: std::collections::HashSet<String>,
    /// Characters in the longest indexed word: a token longer than this by more than the
    /// edits allowed has no candidate, and is not even hashed (a 4000-character "word"
    /// would otherwise cost millions of deleted forms).
    longest: usize,
}

impl Speller {
    /// Lets three-letter tokens be corrected by a swap of neighbouring letters into these
    /// words (the analyser passes its stop words: a swap into one of them adds no
    /// evidence, so an abbreviation swapped by mistake cannot make an answer).
    pub fn swap_into(mut self, targets: impl IntoIterator<Item = String>) -> Self {
        self.swap_targets = targets.into_iter().collect();
        self
    }

    /// Indexes `words`, each with how often it occurs (the more frequent wins a tie).
    pub fn new(words: impl IntoIterator<Item = (String, u32)>) -> Self {
        let mut speller = Speller::default();
        let mut keys = Vec::new();
        for (word, count) in words {
            let chars = word.chars().count();
            if chars + 1 < MIN_WORD_LEN || chars > MAX_WORD_LEN {
                continue;
            }
            let id = speller.words.len() as u32;
            let depth = if chars >= LONG_WORD_LEN { 2 } else { 1 };
            keys.clear();
            Speller::keys(&word, depth, &mut keys);
            speller.index.extend(keys.iter().map(|&key| (key, id)));
            speller.longest = speller.longest.max(chars);
            speller.words.push((word, count));
        }
        // A word's deleted forms can repeat ("jedii" without either "i"): one entry each.
        speller.index.sort_unstable();
        speller.index.dedup();
        speller.index.shrink_to_fit();
        speller
    }

    /// The indices of the words indexed under `key`.
    fn words_under(&self, key: u64) -> impl Iterator<Item = u32> + '_ {
        let start = self.index.partition_point(|&(k, _)| k < key);
        self.index[start..]
            .iter()
            .take_while(move |&&(k, _)| k == key)
            .map(|&(_, id)| id)
    }

    /// The hash of the concatenation of `parts` (deterministic, and the same however the
    /// text is split into parts).
    fn hash(parts: &[&str]) -> u64 {
        let mut hasher = FxHasher::default();
        let mut bytes = [0u8; 4 * MAX_WORD_LEN + 8];
        if parts.iter().map(|p| p.len()).sum::<usize>() > bytes.len() {
            // Not reached by the speller's own callers (words are bounded), but safe.
            hasher.write(parts.concat().as_bytes());
            return hasher.finish();
        }
        let mut len = 0;
        for part in parts {
            bytes[len..len + part.len()].copy_from_slice(part.as_bytes());
            len += part.len();
        }
        hasher.write(&bytes[..len]);
        hasher.finish()
    }

    /// The hashes of `word` and of its forms with up to `depth` characters deleted.
    /// `word` is at most [`MAX_WORD_LEN`] characters (plus the edits allowed).
    fn keys(word: &str, depth: usize, keys: &mut Vec<u64>) {
        let bounds: Vec<usize> = word
            .char_indices()
            .map(|(i, _)| i)
            .chain([word.len()])
            .collect();
        let n = bounds.len() - 1;
        let hash = Speller::hash;
        keys.push(hash(&[word]));
        for i in 0..n {
            keys.push(hash(&[&word[..bounds[i]], &word[bounds[i + 1]..]]));
            if depth >= 2 {
                for j in i + 1..n {
                    keys.push(hash(&[
                        &word[..bounds[i]],
                        &word[bounds[i + 1]..bounds[j]],
                        &word[bounds[j + 1]..],
                    ]));
                }
            }
        }
    }

    /// The closest vocabulary word to `token` within the edits its length allows, or `None`
    /// when there is none (or the token is too short to correct). Among equally close
    /// words the most frequent wins, then the alphabetically first.
    pub fn correct(&self, token: &str) -> Option<&str> {
        let len = token.chars().count();
        let short = len == SHORT_WORD_LEN;
        if !(SHORT_WORD_LEN..=MAX_WORD_LEN).contains(&len) {
            return None;
        }
        let max_edits = if len >= LONG_WORD_LEN { 2 } else { 1 };
        if len > self.longest + max_edits {
            return None;
        }
        let mut keys = Vec::new();
        Speller::keys(token, max_edits, &mut keys);
        let mut best: Option<(usize, u32, &str)> = None;
        let mut seen: Vec<u32> = Vec::new();
        for &key in &keys {
            for id in self.words_under(key) {
                if seen.contains(&id) {
                    continue;
                }
                seen.push(id);
                let (word, count) = &self.words[id as usize];
                if word.len().abs_diff(token.len()) > max_edits * 4
                    || (short && word.chars().count() != len + 1)
                {
                    continue;
                }
                let distance = strsim::damerau_levenshtein(token, word);
                if distance == 0 || distance > max_edits {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((d, c, w)) => {
                        (distance, std::cmp::Reverse(*count), word.as_str())
                            < (d, std::cmp::Reverse(c), w)
                    }
                };
                if better {
                    best = Some((distance, *count, word));
                }
            }
        }
        let swapped = if short { self.swapped(token) } else { None };
        match (best, swapped) {
            // One edit each way: the more frequent word wins, as in a tie above.
            (Some((_, count, word)), Some((other_count, other))) => {
                Some(if (other_count, other) > (count, word) {
                    other
                } else {
                    word
                })
            }
            (best, swapped) => swapped
                .map(|(_, word)| word)
                .or(best.map(|(_, _, word)| word)),
        }
    }

    /// The most frequent swap target that is `token` with two neighbouring characters
    /// swapped, if any, with its count.
    fn swapped(&self, token: &str) -> Option<(u32, &str)> {
        let chars: Vec<char> = token.chars().collect();
        let mut best: Option<(u32, &str)> = None;
        for i in 0..chars.len().saturating_sub(1) {
            if chars[i] == chars[i + 1] {
                continue;
            }
            let mut swapped = chars.clone();
            swapped.swap(i, i + 1);
            let candidate: String = swapped.into_iter().collect();
            for id in self.words_under(Speller::hash(&[&candidate])) {
                let (word, count) = &self.words[id as usize];
                if *word == candidate
                    && self.swap_targets.contains(word)
                    && best.is_none_or(|(c, w)| (*count, w) > (c, word))
                {
                    best = Some((*count, word));
                }
            }
        }
        best
    }

    /// How many words are indexed.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.words.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speller(words: &[(&str, u32)]) -> Speller {
        Speller::new(words.iter().map(|&(w, c)| (w.to_string(), c)))
    }

    #[test]
    fn corrects_each_kind_of_single_edit() {
        let s = speller(&[
            ("worth", 1),
            ("pentagon", 1),
            ("nearline", 1),
            ("contract", 1),
        ]);
        assert_eq!(s.correct("wrth"), Some("worth")); // deletion
        assert_eq!(s.correct("pentagone"), Some("pentagon")); // insertion
        assert_eq!(s.correct("nearlime"), Some("nearline")); // substitution
        assert_eq!(s.correct("contarct"), Some("contract")); // transposition
    }

    #[test]
    fn long_words_allow_two_edits_short_ones_one() {
        let s = speller(&[("infrastructure", 1), ("judge", 1)]);
        assert_eq!(s.correct("infrastrucure"), Some("infrastructure"));
        assert_eq!(s.correct("infrastrcure"), Some("infrastructure"));
        assert_eq!(s.correct("infrastructuree"), Some("infrastructure"));
        assert_eq!(s.correct("jugd"), None);
        assert_eq!(s.correct("judg"), Some("judge"));
    }

    #[test]
    fn short_or_exact_words_are_left_alone() {
        let s = speller(&[("won", 1), ("aws", 1)]);
        assert_eq!(s.correct("wn"), None);
        assert_eq!(s.correct("won"), None);
    }

    #[test]
    fn ties_go_to_the_more_frequent_word() {
        let s = speller(&[("cloud", 1), ("clout", 5)]);
        assert_eq!(s.correct("clous"), Some("clout"));
    }

    #[test]
    fn three_letter_words_are_corrected_only_by_a_swap_or_a_restored_letter() {
        let s = speller(&[("won", 5), ("nab", 1), ("jedi", 1), ("the", 9), ("an", 9)])
            .swap_into(["the".to_string()]);
        assert_eq!(s.correct("hte"), Some("the"));
        assert_eq!(s.correct("teh"), Some("the"));
        assert_eq!(s.correct("wno"), None, "a swap only into a target");
        assert_eq!(s.correct("nba"), None);
        assert_eq!(s.correct("jdi"), Some("jedi"));
        assert_eq!(s.correct("ehe"), None, "no substitution");
        assert_eq!(s.correct("aan"), None, "no deletion");
        assert_eq!(s.correct("wo"), None, "two letters are never corrected");
    }

    #[test]
    fn overlong_words_are_neither_indexed_nor_corrected() {
        let long = "a".repeat(MAX_WORD_LEN + 1);
        let s = speller(&[("contract", 1), (long.as_str(), 1)]);
        assert_eq!(s.len(), 1);
        assert_eq!(s.correct(&"contract".repeat(500)), None);
        assert_eq!(s.correct(&format!("{long}b")), None);
        // Just past the longest indexed word by more than the edits allowed: no candidate.
        assert_eq!(s.correct("contractsss"), None);
        assert_eq!(s.correct("contractss"), Some("contract"));
    }

    #[test]
    fn a_hash_depends_on_the_text_not_on_how_it_is_split() {
        // The deletion index hashes a word's deleted forms in parts and a token whole.
        assert_eq!(Speller::hash(&["ab", "c"]), Speller::hash(&["abc"]));
        assert_eq!(Speller::hash(&["", "abc", ""]), Speller::hash(&["abc"]));
        assert_ne!(Speller::hash(&["abc"]), Speller::hash(&["acb"]));
        // Past the stack buffer (not reached by the speller's callers) it still holds.
        let long = "x".repeat(4 * MAX_WORD_LEN + 8);
        assert_eq!(
            Speller::hash(&[&long, "yz"]),
            Speller::hash(&[&format!("{long}yz")])
        );
    }

    #[test]
    fn non_ascii_words_are_handled_by_character() {
        let s = speller(&[("café", 1)]);
        assert_eq!(s.correct("cafée"), Some("café"));
    }

    #[test]
    fn example_of_correct() {
        let speller = Speller::new([("contract".to_string(), 3), ("microsoft".to_string(), 9)]);
        assert_eq!(speller.correct("contrct"), Some("contract"));
        assert_eq!(speller.correct("microsfot"), Some("microsoft"));
        assert_eq!(speller.correct("banana"), None);
    }
}
