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
    /// Files held in memory, by file name (for tests and fuzzing); a missing one is a
    /// problem like a missing file.
    Memory(std::sync::Arc<Vec<(String, Vec<u8>)>>),
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
            DataSource::Memory(_) => write!(f, "the data in memory"),
        }
    }
}

/// One data file: the name problems are reported under, and its text.
#[derive(Debug, Clone)]
pub(crate) struct DataFile {
    pub display: String,
    pub text: String,
    /// Where each line starts, for reporting problems by line (worked out when first
    /// needed: the word list and the article never need it unless they are broken).
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl DataFile {
    fn new(display: String, text: String) -> DataFile {
        DataFile {
            display,
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// Where each line of the file starts, once worked out.
    pub fn line_starts(&self) -> &std::sync::OnceLock<Vec<usize>> {
        &self.line_starts
    }
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
                    .map(|(name, text)| DataFile::new(format!("data/{name}"), (*text).into()))
                    .collect(),
            }),
            DataSource::Dir(dir) => collect(FILE_NAMES.iter().map(|name| {
                let path = dir.join(name);
                let display = path.display().to_string();
                let bytes = std::fs::read(&path).map_err(|e| Problem {
                    file: display.clone(),
                    line: None,
                    column: None,
                    message: format!("cannot read the file: {e}"),
                })?;
                let text = utf8(bytes, &display)?;
                Ok(DataFile::new(display, text))
            })),
            DataSource::Memory(memory) => collect(FILE_NAMES.iter().map(|name| {
                let display = format!("data/{name}");
                let bytes = memory
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, bytes)| bytes.clone())
                    .ok_or_else(|| Problem {
                        file: display.clone(),
                        line: None,
                        column: None,
                        message: "cannot read the file: it is missing".to_string(),
                    })?;
                let text = utf8(bytes, &display)?;
                Ok(DataFile::new(display, text))
            })),
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

/// Every file, or every problem reading them.
fn collect(files: impl Iterator<Item = Result<DataFile, Problem>>) -> Result<DataFiles, Problems> {
    let (files, problems): (Vec<_>, Vec<_>) = files.partition(Result::is_ok);
    if problems.is_empty() {
        Ok(DataFiles {
            files: files.into_iter().map(Result::unwrap).collect(),
        })
    } else {
        Err(Problems(
            problems.into_iter().map(|p| p.unwrap_err()).collect(),
        ))
    }
}

/// The text of a file, or a problem at the first byte that is not UTF-8.
fn utf8(bytes: Vec<u8>, display: &str) -> Result<String, Problem> {
    let display = display.to_string();
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
        let problem = utf8(b"ok\nab\xffcd".to_vec(), "x.txt").unwrap_err();
        assert_eq!((problem.line, problem.column), (Some(2), Some(3)));
    }

    #[test]
    fn memory_sources_report_missing_files() {
        let source =
            DataSource::Memory(std::sync::Arc::new(vec![("qa.toml".into(), b"".to_vec())]));
        let problems = DataFiles::read(&source).unwrap_err();
        assert_eq!(problems.len(), FILE_NAMES.len() - 1);
    }

    #[test]
    fn every_missing_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let problems = DataFiles::read(&DataSource::Dir(dir.path().into())).unwrap_err();
        assert_eq!(problems.len(), FILE_NAMES.len());
    }
}
