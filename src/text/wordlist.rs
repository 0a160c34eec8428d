//! A plain list of common words, searchable without building a hash set at start-up.

/// Words, one a line, kept as one string with sorted line offsets.
#[derive(Debug, Clone, Default)]
pub struct WordList {
    text: String,
    /// (start, end) byte offsets of each word in `text`, sorted by word.
    words: Vec<(u32, u32)>,
}

impl WordList {
    /// Reads one word a line; blank lines and lines starting with `#` are skipped. Words
    /// are lowercased; the list need not be sorted (it is sorted here if it is not).
    ///
    /// ```
    /// use jedi_bot::text::WordList;
    /// let list = WordList::parse("# comment\nzebra\nApple\n");
    /// assert!(list.contains("apple") && list.contains("zebra") && !list.contains("pear"));
    /// ```
    pub fn parse(text: &str) -> WordList {
        let text = if text.chars().any(char::is_uppercase) {
            text.to_lowercase()
        } else {
            text.to_string()
        };
        let mut words = Vec::new();
        let mut offset = 0usize;
        for line in text.split_inclusive('\n') {
            let word = line.trim();
            if !word.is_empty() && !word.starts_with('#') {
                let start = offset + (line.len() - line.trim_start().len());
                words.push((start as u32, (start + word.len()) as u32));
            }
            offset += line.len();
        }
        let list = WordList { text, words };
        let mut words = list.words.clone();
        if !words.windows(2).all(|w| list.word(w[0]) <= list.word(w[1])) {
            words.sort_by(|&a, &b| list.word(a).cmp(list.word(b)));
        }
        WordList { words, ..list }
    }

    fn word(&self, (start, end): (u32, u32)) -> &str {
        &self.text[start as usize..end as usize]
    }

    /// Whether `word` (lowercase) is on the list.
    pub fn contains(&self, word: &str) -> bool {
        self.words
            .binary_search_by(|&span| self.word(span).cmp(word))
            .is_ok()
    }

    /// How many words are listed.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsorted_lists_and_crlf_work() {
        let list = WordList::parse("pear\r\n  apple \nfig\n\n");
        assert_eq!(list.len(), 3);
        for word in ["pear", "apple", "fig"] {
            assert!(list.contains(word), "{word}");
        }
        assert!(!list.contains(""));
        assert!(!list.contains("figs"));
    }
}
