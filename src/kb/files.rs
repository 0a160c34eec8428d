//! Where the data files come from: embedded in the binary, or a curator's directory.

use std::path::{Path, PathBuf};

use super::problem::{Problem, Problems};

/// The files of a data directory, in the order they are read.
pub const FILE_NAMES: [&str; 7] = [
    ARTICLE,
    SOURCE,
    VOCABULARY,
    COMMON_WORDS,
    QA,
    TIMELINE,
    QUOTES,
];
/// The article every fact must come from, verbatim.
pub const ARTICLE: &str = "article.txt";
/// The article's outlet, title and attribution.
pub const SOURCE: &str = "source.toml";
/// Stop words, question words, synonyms, contractions.
pub const VOCABULARY: &str = "vocabulary.toml";
/// Common English words, never "corrected" into vocabulary words.
pub const COMMON_WORDS: &str = "english-words.txt";
/// The Q&A entries.
pub const QA: &str = "qa.toml";
/// The dispute's events in order.
pub const TIMELINE: &str = "timeline.toml";
/// Every quote in the article.
pub const QUOTES: &str = "quotes.toml";

/// The data compiled into the binary from the repository's `data/` directory.
const EMBEDDED: [(&str, &str); 7] = [
    (ARTICLE, include_str!("../../data/article.txt")),
    (SOURCE, include_str!("../../data/source.toml")),
    (VOCABULARY, include_str!("../../data/vocabulary.toml")),
    (COMMON_WORDS, include_str!("../../data/english-words.txt")),
    (QA, include_str!("../../data/qa.toml")),
    (TIMELINE, include_str!("../../data/timeline.toml")),
    (QUOTES, include_str!("../../data/quotes.toml")),
];

/// Where to load a knowledge base from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DataSource {
    /// The data compiled into the binary (the default: runs from any directory).
    #[default]
    Embedded,
    /// A data directory holding the same files (a curator's working copy).
    Dir(PathBuf),
}

impl DataSource {
    /// `Dir(path)` when a path is given, else `Embedded`.
    pub fn from_option(dir: Option<&Path>) -> DataSource {
        dir.map_or(DataSource::Embedded, |d| DataSource::Dir(d.to_path_buf()))
    }
}

impl std::fmt::Display for DataSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataSource::Embedded => write!(f, "the embedded data"),
            DataSource::Dir(dir) => write!(f, "{}", dir.display()),
        }
    }
}

/// One data file: the name problems are reported under, and its text.
#[derive(Debug, Clone)]
pub(crate) struct DataFile {
    pub display: String,
    pub text: String,
}

/// The text of every data file, read but not yet parsed.
#[derive(Debug, Clone)]
pub(crate) struct DataFiles {
    files: Vec<DataFile>,
}

impl DataFiles {
    /// Reads every file; each missing or unreadable file (or one that is not UTF-8) is a
    /// problem, and all are reported together.
    pub fn read(source: &DataSource) -> Result<DataFiles, Problems> {
        match source {
            DataSource::Embedded => Ok(DataFiles {
                files: EMBEDDED
                    .iter()
                    .map(|(name, text)| DataFile {
                        display: format!("data/{name}"),
                        text: (*text).into(),
                    })
                    .collect(),
            }),
            DataSource::Dir(dir) => {
                let mut files = Vec::new();
                let mut problems = Vec::new();
                for name in FILE_NAMES {
                    let path = dir.join(name);
                    let display = path.display().to_string();
                    match read_text(&path) {
                        Ok(text) => files.push(DataFile { display, text }),
                        Err(problem) => problems.push(problem),
                    }
                }
                if problems.is_empty() {
                    Ok(DataFiles { files })
                } else {
                    Err(Problems(problems))
                }
            }
        }
    }

    /// The file called `name` (one of [`FILE_NAMES`]).
    pub fn get(&self, name: &str) -> &DataFile {
        let index = FILE_NAMES
            .iter()
            .position(|n| *n == name)
            .expect("a known data file name");
        &self.files[index]
    }
}

fn read_text(path: &Path) -> Result<String, Problem> {
    let display = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Problem {
        file: display.clone(),
        line: None,
        column: None,
        message: format!("cannot read the file: {e}"),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        Problem {
            file: display,
            line: Some(line),
            column: Some(column),
            message: "the file is not valid UTF-8".to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.txt");
        std::fs::write(&path, b"ok\nab\xffcd").unwrap();
        let problem = read_text(&path).unwrap_err();
        assert_eq!((problem.line, problem.column), (Some(2), Some(3)));
    }

    #[test]
    fn every_missing_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let problems = DataFiles::read(&DataSource::Dir(dir.path().into())).unwrap_err();
        assert_eq!(problems.len(), FILE_NAMES.len());
    }
}
