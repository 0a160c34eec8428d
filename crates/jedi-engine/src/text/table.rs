//! A table of lines keyed by their first word, searchable without building a hash map.

use std::sync::OnceLock;

/// Lines of the form `key rest...`, kept as one string with the spans of each line's key
/// and rest sorted by key. The table is read on first use: start-up does not pay for it,
/// and a run that never looks a word up never reads it. Blank lines and lines starting
/// with `#` are skipped; keys are compared as written (the files are lowercase).
#[derive(Debug, Clone, Default)]
pub struct KeyedLines {
    raw: String,
    parsed: OnceLock<Vec<Row>>,
}

/// Byte spans of a line's key and of the rest of it (trimmed).
#[derive(Debug, Clone, Copy)]
struct Row {
    key: (u32, u32),
    rest: (u32, u32),
}

impl KeyedLines {
    /// The table of `text` (parsed on first use).
    pub fn parse(text: &str) -> KeyedLines {
        KeyedLines {
            raw: text.to_string(),
            parsed: OnceLock::new(),
        }
    }

    /// Reads the table now rather than on first use.
    pub fn prepare(&self) {
        self.rows();
    }

    fn span(&self, (start, end): (u32, u32)) -> &str {
        &self.raw[start as usize..end as usize]
    }

    fn rows(&self) -> &[Row] {
        self.parsed.get_or_init(|| {
            let mut rows = Vec::new();
            let mut offset = 0usize;
            for line in self.raw.split('\n') {
                let start = offset;
                offset += line.len() + 1;
                let trimmed = line.trim_end();
                let lead = trimmed.len() - trimmed.trim_start().len();
                let trimmed = trimmed.trim_start();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                let key_end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
                let rest = trimmed[key_end..].trim_start();
                let rest_start = start + lead + trimmed.len() - rest.len();
                let key_start = start + lead;
                rows.push(Row {
                    key: (key_start as u32, (key_start + key_end) as u32),
                    rest: (rest_start as u32, (rest_start + rest.len()) as u32),
                });
            }
            let sorted = rows
                .windows(2)
                .all(|w| self.span(w[0].key) <= self.span(w[1].key));
            if !sorted {
                rows.sort_by(|a, b| self.span(a.key).cmp(self.span(b.key)));
            }
            rows
        })
    }

    /// The rest of the line whose key is `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        let rows = self.rows();
        rows.binary_search_by(|row| self.span(row.key).cmp(key))
            .ok()
            .map(|i| self.span(rows[i].rest))
    }

    /// Every line's key and rest, in key order.
    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.rows()
            .iter()
            .map(|row| (self.span(row.key), self.span(row.rest)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_found_by_key_sorted_or_not() {
        let table = KeyedLines::parse("# comment\npear 30\n  apple 52 x \r\n\nfig\n");
        assert_eq!(table.get("apple"), Some("52 x"));
        assert_eq!(table.get("pear"), Some("30"));
        assert_eq!(table.get("fig"), Some(""));
        assert_eq!(table.get("plum"), None);
        assert_eq!(table.get("#"), None);
        let keys: Vec<&str> = table.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["apple", "fig", "pear"]);
    }
}
