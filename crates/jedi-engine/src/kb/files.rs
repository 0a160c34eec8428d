//! Where the data files come from: embedded in the binary, or a curator's directory.

use std::path::PathBuf;

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

/// Where to load a knowledge base from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// Files compiled into the program, as (file name, text) pairs: a program embeds its
    /// data directory with `include_str!` so that it runs from anywhere.
    Static(&'static [(&'static str, &'static str)]),
    /// A data directory holding the files (a curator's working copy).
    Dir(PathBuf),
    /// Files held in memory, by file name (for tests and fuzzing); a missing one is a
    /// problem like a missing file.
    Memory(std::sync::Arc<Vec<(String, Vec<u8>)>>),
}

impl std::fmt::Display for DataSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataSource::Static(_) => write!(f, "the embedded data"),
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
            DataSource::Static(files) => collect(FILE_NAMES.iter().map(|name| {
                let display = format!("data/{name}");
                match files.iter().find(|(n, _)| n == name) {
                    Some((_, text)) => Ok(DataFile::new(display, (*text).into())),
                    None => Err(missing(display)),
                }
            })),
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
                    .ok_or_else(|| missing(display.clone()))?;
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

/// The problem of a file the source does not have.
fn missing(display: String) -> Problem {
    Problem {
        file: display,
        line: None,
        column: None,
        message: "cannot read the file: it is missing".to_string(),
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
