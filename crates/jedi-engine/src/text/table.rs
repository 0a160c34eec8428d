//! A table of lines keyed by their first word, searchable without building a hash map.

use std::sync::OnceLock;

/// Lines of the form `key rest...`, kept as one string with the spans of each line's key
/// and rest sorted by key. The table is read on first use: start-up does not pay for it,
/// and a run that never looks a word up never reads it. Blank lines and lines starting
/// with `#` are skipped; keys are compared as written (the files are lowercase).
#[derive(Debug, Clone, Default)]
pub struct KeyedLines {
    raw: std::borrow::Cow<'static, str>,
    parsed: OnceLock<Vec<Row>>,
}

/// Where a line's key and the rest of it (trimmed) are: a table has tens of thousands of
/// rows, so each is 8 bytes.
#[derive(Debug, Clone, Copy)]
struct Row {
    start: u32,
    key_len: u16,
    /// From `start` to the end of the rest.
    len: u16,
}

impl Row {
    fn key(self) -> (u32, u32) {
        (self.start, self.start + u32::from(self.key_len))
    }

    fn rest(self, raw: &str) -> (u32, u32) {
        let end = self.start + u32::from(self.len);
        let after_key = &raw[(self.start + u32::from(self.key_len)) as usize..end as usize];
        let rest = after_key.trim_start();
        (end - rest.len() as u32, end)
    }
}

impl KeyedLines {
    /// The table of `text` (parsed on first use).
    pub fn parse(text: impl Into<std::borrow::Cow<'static, str>>) -> KeyedLines {
        KeyedLines {
            raw: text.into(),
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
            // Byte by byte: the tables have tens of thousands of short ASCII lines, and
            // a line's key ends at its first space or tab (whitespace is ASCII here; any
            // other byte is part of a word).
            let bytes = self.raw.as_bytes();
            let mut rows = Vec::with_capacity(bytes.len() / 8);
            let mut start = 0usize;
            while start < bytes.len() {
                let end = bytes[start..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |i| start + i);
                let line = &bytes[start..end];
                let line_start = start;
                start = end + 1;
                let Some(lead) = line.iter().position(|b| !b.is_ascii_whitespace()) else {
                    continue;
                };
                if line[lead] == b'#' {
                    continue;
                }
                let last = line
                    .iter()
                    .rposition(|b| !b.is_ascii_whitespace())
                    .unwrap_or(lead);
                let text = &line[lead..=last];
                let key_end = text
                    .iter()
                    .position(|&b| b == b' ' || b == b'\t')
                    .unwrap_or(text.len());
                // A line too long for a row (no table has one) is left out.
                let (Ok(key_len), Ok(len)) = (u16::try_from(key_end), u16::try_from(text.len()))
                else {
                    continue;
                };
                rows.push(Row {
                    start: (line_start + lead) as u32,
                    key_len,
                    len,
                });
            }
            let sorted = rows
                .windows(2)
                .all(|w| self.span(w[0].key()) <= self.span(w[1].key()));
            if !sorted {
                rows.sort_by(|a, b| self.span(a.key()).cmp(self.span(b.key())));
            }
            rows
        })
    }

    /// The rest of the line whose key is `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        let rows = self.rows();
        rows.binary_search_by(|row| self.span(row.key()).cmp(key))
            .ok()
            .map(|i| self.span(rows[i].rest(&self.raw)))
    }

    /// Every line's key and rest, in key order.
    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.rows()
            .iter()
            .map(|&row| (self.span(row.key()), self.span(row.rest(&self.raw))))
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
