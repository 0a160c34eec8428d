//! A plain list of common words, searchable without building a hash set.

use std::sync::OnceLock;

/// Words, one a line, kept as one string with sorted line offsets. The list is read on
/// first use: start-up does not pay for it, and a run that never meets an unknown word
/// never reads it.
#[derive(Debug, Clone, Default)]
pub struct WordList {
    raw: std::borrow::Cow<'static, str>,
    parsed: OnceLock<Parsed>,
}

#[derive(Debug, Clone, Default)]
struct Parsed {
    /// The list lowercased, when it was not already (otherwise the raw text is used: no
    /// second copy of a list that is usually lowercase).
    lowered: Option<String>,
    /// (start, end) byte offsets of each word in the text, sorted by word.
    words: Vec<(u32, u32)>,
}

fn word(text: &str, (start, end): (u32, u32)) -> &str {
    &text[start as usize..end as usize]
}

impl WordList {
    /// One word a line; blank lines and lines starting with `#` are skipped. Words are
    /// lowercased; the list need not be sorted (it is sorted here if it is not).
    pub fn parse(text: impl Into<std::borrow::Cow<'static, str>>) -> WordList {
        WordList {
            raw: text.into(),
            parsed: OnceLock::new(),
        }
    }

    /// Reads the list now rather than on first use.
    pub fn prepare(&self) {
        self.parsed();
    }

    fn parsed(&self) -> &Parsed {
        self.parsed.get_or_init(|| {
            let needs_lowercasing = self.raw.split('\n').any(|l| {
                !l.starts_with('#') && l.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80)
            });
            let lowered = needs_lowercasing.then(|| self.raw.to_lowercase());
            let text = lowered.as_deref().unwrap_or(&self.raw);
            let mut words = Vec::new();
            let mut offset = 0usize;
            for line in text.as_bytes().split(|&b| b == b'\n') {
                let start = offset;
                offset += line.len() + 1;
                let Some(first) = line.iter().position(|b| !b.is_ascii_whitespace()) else {
                    continue;
                };
                if line[first] == b'#' {
                    continue;
                }
                let last = line
                    .iter()
                    .rposition(|b| !b.is_ascii_whitespace())
                    .unwrap_or(first);
                words.push(((start + first) as u32, (start + last + 1) as u32));
            }
            let sorted = words
                .windows(2)
                .all(|w| word(text, w[0]) <= word(text, w[1]));
            if !sorted {
                words.sort_by(|&a, &b| word(text, a).cmp(word(text, b)));
            }
            Parsed { lowered, words }
        })
    }

    /// Whether `word` (lowercase) is on the list.
    pub fn contains(&self, wanted: &str) -> bool {
        let parsed = self.parsed();
        let text = parsed.lowered.as_deref().unwrap_or(&self.raw);
        parsed
            .words
            .binary_search_by(|&span| word(text, span).cmp(wanted))
            .is_ok()
    }

    /// How many words are listed.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.parsed().words.len()
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

    #[test]
    fn uppercase_and_non_ascii_words_are_lowercased() {
        let list = WordList::parse("Zebra\nÉCOLE\n");
        assert!(list.contains("zebra") && list.contains("école"));
    }

    #[test]
    fn example_of_parse() {
        let list = WordList::parse("# comment\nzebra\nApple\n");
        assert!(list.contains("apple") && list.contains("zebra") && !list.contains("pear"));
    }
}
