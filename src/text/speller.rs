//! Typo correction against the knowledge base's own vocabulary.
//!
//! An index of every word and every form of it with one character deleted (two, for long
//! words: the SymSpell idea) finds the candidates for a misspelt word with a few hash look-ups, however large
//! the vocabulary; `strsim` then measures each candidate's true edit distance.

use std::collections::HashMap;

/// Words shorter than this are never corrected: too many real words are one edit apart.
pub const MIN_WORD_LEN: usize = 4;
/// Words at least this long may be corrected across two edits; shorter ones across one.
pub const LONG_WORD_LEN: usize = 8;

/// A vocabulary indexed for spelling correction.
#[derive(Debug, Default, Clone)]
pub struct Speller {
    words: Vec<(String, u32)>,
    /// A word, or the word with one character deleted -> indices into `words`.
    index: HashMap<String, Vec<u32>>,
}

impl Speller {
    /// Indexes `words`, each with how often it occurs (the more frequent wins a tie).
    pub fn new(words: impl IntoIterator<Item = (String, u32)>) -> Self {
        let mut speller = Speller::default();
        for (word, count) in words {
            if word.chars().count() + 1 < MIN_WORD_LEN {
                continue;
            }
            let id = speller.words.len() as u32;
            let mut keys: Vec<String> = std::iter::once(word.clone())
                .chain(deletes(&word))
                .collect();
            if word.chars().count() >= LONG_WORD_LEN {
                let once: Vec<String> = deletes(&word).collect();
                keys.extend(once.iter().flat_map(|w| deletes(w)));
            }
            for key in keys {
                let ids = speller.index.entry(key).or_default();
                if ids.last() != Some(&id) {
                    ids.push(id);
                }
            }
            speller.words.push((word, count));
        }
        speller
    }

    /// The closest vocabulary word to `token` within the edits its length allows, or `None`
    /// when there is none (or the token is too short to correct). Among equally close
    /// words the most frequent wins, then the alphabetically first.
    ///
    /// ```
    /// use jedi_bot::text::Speller;
    /// let speller = Speller::new([("contract".to_string(), 3), ("microsoft".to_string(), 9)]);
    /// assert_eq!(speller.correct("contrct"), Some("contract"));
    /// assert_eq!(speller.correct("microsfot"), Some("microsoft"));
    /// assert_eq!(speller.correct("banana"), None);
    /// ```
    pub fn correct(&self, token: &str) -> Option<&str> {
        let len = token.chars().count();
        if len < MIN_WORD_LEN {
            return None;
        }
        let max_edits = if len >= LONG_WORD_LEN { 2 } else { 1 };
        let mut keys = vec![token.to_string()];
        keys.extend(deletes(token));
        if max_edits >= 2 {
            let first: Vec<String> = deletes(token).collect();
            for word in &first {
                keys.extend(deletes(word));
            }
        }
        let mut best: Option<(usize, u32, &str)> = None;
        for key in &keys {
            for &id in self.index.get(key).into_iter().flatten() {
                let (word, count) = &self.words[id as usize];
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
        best.map(|(_, _, word)| word)
    }

    /// How many words are indexed.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether no word is indexed.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// `word` with each one of its characters deleted.
fn deletes(word: &str) -> impl Iterator<Item = String> + '_ {
    word.char_indices().map(move |(i, c)| {
        let mut s = String::with_capacity(word.len());
        s.push_str(&word[..i]);
        s.push_str(&word[i + c.len_utf8()..]);
        s
    })
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
}
