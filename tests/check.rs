//! `jedi-bot check` on broken copies of the data. The cases live in
//! `tests/data/check_cases.toml`: each breaks one file and names the message expected at
//! the line where the breakage lands.

use serde::Deserialize;

use crate::support::{data_copy, jedi_bot};

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    file: String,
    /// Text to replace (its first occurrence); empty with `append` or `remove`.
    #[serde(default)]
    find: String,
    #[serde(default)]
    replace: String,
    /// Text to append to the file instead.
    #[serde(default)]
    append: String,
    /// Remove the file instead.
    #[serde(default)]
    remove: bool,
    /// Empty the file instead (an editor or `cp` truncates first).
    #[serde(default)]
    empty: bool,
    /// Lines from the change to the mistake (for appended entries).
    #[serde(default)]
    offset: usize,
    /// Write these raw bytes (hex) at the end of the file instead.
    #[serde(default)]
    append_hex: String,
    /// The expected problem: `{path}` stands for the file's path, `{line}` for the line
    /// where `replace` (or `append`) starts.
    expect: String,
}

#[derive(Debug, Deserialize)]
struct Cases {
    case: Vec<Case>,
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn every_broken_fixture_is_reported_at_its_file_and_line() {
    let cases: Cases = toml::from_str(include_str!("data/check_cases.toml")).unwrap();
    assert!(cases.case.len() >= 10);
    for case in &cases.case {
        let dir = data_copy();
        let path = dir.path().join(&case.file);
        let mut line = 0;
        if case.remove {
            std::fs::remove_file(&path).unwrap();
        } else if case.empty {
            std::fs::write(&path, "").unwrap();
        } else if !case.append_hex.is_empty() {
            let mut bytes = std::fs::read(&path).unwrap();
            line = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
            bytes.extend(hex(&case.append_hex));
            std::fs::write(&path, bytes).unwrap();
        } else {
            let text = std::fs::read_to_string(&path).unwrap();
            let (changed, at) = if case.append.is_empty() {
                let at = text.find(&case.find).unwrap_or_else(|| {
                    panic!("{}: {:?} not in {}", case.name, case.find, case.file)
                });
                (text.replacen(&case.find, &case.replace, 1), at)
            } else {
                let append = case.append.replace("{long}", &"word ".repeat(450));
                (format!("{text}{append}"), text.len())
            };
            line = changed[..at].matches('\n').count() + 1;
            std::fs::write(&path, changed).unwrap();
        }
        let expect = case
            .expect
            .replace("{path}", &path.display().to_string())
            .replace("{line}", &(line + case.offset).to_string());
        let output = jedi_bot()
            .arg("check")
            .arg("--data")
            .arg(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{}: {stderr}", case.name);
        assert!(
            stderr.contains(&expect),
            "{}: expected {expect:?} in:\n{stderr}",
            case.name
        );
        // Every other command refuses to start on the same data, with the same report.
        let ask = jedi_bot()
            .args(["ask", "who won"])
            .arg("--data")
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(ask.status.code(), Some(2), "{}", case.name);
        assert!(
            String::from_utf8_lossy(&ask.stderr).contains(&expect),
            "{}",
            case.name
        );
    }
}
