//! The clauses of a long question, read on their own.
//!
//! A long question often wraps what it asks in a preamble ("I'm writing a piece on ...
//! and need to confirm: ..."), an aside, or a clause that restates what the asker knows
//! ("..., who cited a deficiency in ..."). Read whole, those words dilute the match; read
//! on its own, the clause that asks often matches its entry clearly. The engine reads runs
//! of consecutive clauses and trusts one only when what it leaves out asks nothing of its
//! own and it agrees with the whole question's first choice (see
//! `Engine::answer_by_clauses`).

/// Where a question's clauses meet: punctuation that separates a preamble, an aside or a
/// list from the rest.
fn is_boundary(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | ':'
            | '('
            | ')'
            | '?'
            | '!'
            | '\u{2014}'
            | '\u{2013}'
            | '"'
            | '\u{201c}'
            | '\u{201d}'
    )
}

/// A run of at most this many consecutive clauses is read on its own.
pub const LONGEST_RUN: usize = 3;

/// At most this many runs are read (the shortest question with many clauses would
/// otherwise be read dozens of times).
pub const MOST_RUNS: usize = 12;

/// One run of clauses, and what it leaves out before and after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run<'a> {
    pub before: &'a str,
    pub run: &'a str,
    pub after: &'a str,
}

/// The runs of up to [`LONGEST_RUN`] consecutive clauses of `text` that are shorter than
/// the whole, longest first, at most [`MOST_RUNS`]. A text with one clause has none.
pub fn runs(text: &str) -> Vec<Run<'_>> {
    let mut cuts = vec![0];
    for (at, c) in text.char_indices() {
        let dash =
            c == '-' && at > 0 && text[..at].ends_with(' ') && text[at + 1..].starts_with(' ');
        if is_boundary(c) || dash {
            cuts.push(at);
            cuts.push(at + c.len_utf8());
        }
    }
    cuts.push(text.len());
    // Clauses as (start, end), skipping the empty ones between adjacent boundaries.
    let clauses: Vec<(usize, usize)> = cuts
        .chunks(2)
        .map(|pair| (pair[0], pair[1]))
        .filter(|&(start, end)| text[start..end].chars().any(char::is_alphanumeric))
        .collect();
    if clauses.len() < 2 {
        return Vec::new();
    }
    let mut runs = Vec::new();
    for length in (1..=LONGEST_RUN.min(clauses.len() - 1)).rev() {
        for first in 0..=clauses.len() - length {
            let (start, _) = clauses[first];
            let (_, end) = clauses[first + length - 1];
            runs.push(Run {
                before: &text[..start],
                run: text[start..end].trim(),
                after: &text[end..],
            });
        }
    }
    runs.truncate(MOST_RUNS);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(text: &str) -> Vec<&str> {
        super::runs(text).into_iter().map(|r| r.run).collect()
    }

    #[test]
    fn a_question_is_cut_at_its_clause_boundaries() {
        assert_eq!(
            runs("for the record: who is the judge?"),
            ["for the record", "who is the judge"]
        );
        assert_eq!(runs("a, b; c"), ["a, b", "b; c", "a", "b", "c"]);
        assert_eq!(
            runs("x \u{2014} y - z"),
            ["x \u{2014} y", "y - z", "x", "y", "z"]
        );
    }

    #[test]
    fn one_clause_has_no_runs() {
        assert!(runs("who won the contract?").is_empty());
        assert!(runs("well-known co-founder").is_empty());
        assert!(runs(",,, ?").is_empty());
    }

    #[test]
    fn runs_are_bounded() {
        let text = "a, ".repeat(40);
        let got = super::runs(&text);
        assert_eq!(got.len(), MOST_RUNS);
        assert!(got.iter().all(|r| r.run.matches(',').count() < LONGEST_RUN));
        assert!(got
            .iter()
            .all(|r| r.before.len() + r.run.len() <= text.len()));
    }
}
