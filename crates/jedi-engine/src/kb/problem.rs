//! A mistake in the data, located by file and line.

use std::fmt;
use std::ops::Range;

/// One mistake in the data files, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, as the curator knows it (`data/qa.toml`, or the path under `--data`).
    pub file: String,
    /// 1-based line, when the mistake is at a place in the file.
    pub line: Option<usize>,
    /// 1-based column (in characters), for syntax errors.
    pub column: Option<usize>,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// Every mistake found in a data directory. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// The mistakes, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter()
    }

    /// How many mistakes there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a `Problems` holds at least one mistake.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        writeln!(
            f,
            "the data has {count} problem{}:",
            if count == 1 { "" } else { "s" }
        )?;
        for (i, problem) in self.0.iter().enumerate() {
            if i + 1 < count {
                writeln!(f, "  {problem}")?;
            } else {
                write!(f, "  {problem}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// A text file and its name, able to turn byte offsets into lines and columns.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SourceFile<'a> {
    pub name: &'a str,
    pub text: &'a str,
    /// Byte offset of the start of each line (see [`line_starts`]), worked out when a
    /// line is first asked for.
    pub line_starts: &'a std::sync::OnceLock<Vec<usize>>,
}

/// The byte offset where each line of `text` starts.
pub(crate) fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

impl<'a> SourceFile<'a> {
    /// The 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.line(offset);
        let line_start = self.line_starts.get_or_init(|| line_starts(self.text))[line - 1];
        let column = self.text[line_start..offset].chars().count() + 1;
        (line, column)
    }

    /// The 1-based line of a byte offset (without counting the characters before it on
    /// its line, as [`line_col`](Self::line_col) does: a checker asks for the line of
    /// every phrasing, and some lines are long).
    pub fn line(&self, offset: usize) -> usize {
        let starts = self.line_starts.get_or_init(|| line_starts(self.text));
        starts.partition_point(|&start| start <= offset).max(1)
    }

    /// A problem at the start of `span`, with its line only.
    pub fn at(&self, span: &Range<usize>, message: impl Into<String>) -> Problem {
        let line = self.line(span.start);
        Problem {
            file: self.name.to_string(),
            line: Some(line),
            column: None,
            message: message.into(),
        }
    }

    /// A problem at the start of `span`, with line and column (for syntax errors).
    pub fn at_column(&self, span: &Range<usize>, message: impl Into<String>) -> Problem {
        let (line, column) = self.line_col(span.start);
        Problem {
            file: self.name.to_string(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }

    /// A problem with the file as a whole.
    pub fn whole(&self, message: impl Into<String>) -> Problem {
        Problem {
            file: self.name.to_string(),
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `text`: how data and
/// configuration problems are located.
///
/// ```
/// assert_eq!(jedi_engine::line_and_column("ab\ncdé f", 8), (2, 5));
/// ```
pub fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let starts = std::sync::OnceLock::new();
        let file = SourceFile {
            name: "x.toml",
            text: "a = 1\nbé = 2\n",
            line_starts: &starts,
        };
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(6), (2, 1));
        // 'é' is two bytes; the offset after it is column 3.
        assert_eq!(file.line_col(9), (2, 3));
        // Offsets inside a character or past the end do not panic.
        assert_eq!(file.line_col(8).0, 2);
        assert_eq!(file.line_col(1000).0, 3);
        assert_eq!(file.line(9), 2);
        assert_eq!(file.line(1000), 3);
    }

    #[test]
    fn problems_display_one_per_line() {
        let problems = Problems(vec![
            Problem {
                file: "a".into(),
                line: Some(3),
                column: Some(2),
                message: "bad".into(),
            },
            Problem {
                file: "b".into(),
                line: None,
                column: None,
                message: "missing".into(),
            },
        ]);
        assert_eq!(
            problems.to_string(),
            "the data has 2 problems:\n  a:3:2: bad\n  b: missing"
        );
    }
}
