//! The thresholds that turn match scores into an outcome.

use serde::{Deserialize, Serialize};

/// When a match is good enough to answer, to suggest, or neither. `answer` and `suggest`
/// apply to the engine's confidence that the best match answers the question (0 to 1,
/// see the decision in `docs/matching.md`); `margin` and `suggest_window` to match scores,
/// which run from 0 (no word in common) to 1 (the question is one of the entry's
/// phrasings, word for word).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// The best entry answers when the confidence in it is at least this ...
    pub answer: f32,
    /// ... and beats the runner-up by at least this much; otherwise the close ones are
    /// offered as "did you mean".
    pub margin: f32,
    /// When there is no clear answer but the confidence is at least this, the entries
    /// scoring close to the best are offered as "did you mean"; below it, the question is
    /// declined.
    pub suggest: f32,
    /// "Did you mean" lists entries within this distance of the best score.
    pub suggest_window: f32,
    /// At most this many "did you mean" choices.
    pub max_suggestions: usize,
}

/// Default for [`Thresholds::answer`].
pub const ANSWER: f32 = 0.75;
/// Default for [`Thresholds::margin`].
pub const MARGIN: f32 = 0.04;
/// Default for [`Thresholds::suggest`].
pub const SUGGEST: f32 = 0.42;
/// Default for [`Thresholds::suggest_window`].
pub const SUGGEST_WINDOW: f32 = 0.12;
/// Default for [`Thresholds::max_suggestions`].
pub const MAX_SUGGESTIONS: usize = 3;

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            answer: ANSWER,
            margin: MARGIN,
            suggest: SUGGEST,
            suggest_window: SUGGEST_WINDOW,
            max_suggestions: MAX_SUGGESTIONS,
        }
    }
}

impl Thresholds {
    /// Checks that the values make sense: all within 0..=1, `suggest <= answer`, between
    /// one suggestion and the `max_choices` a front end can show. Returns what is wrong,
    /// naming the field.
    pub fn validate(&self, max_choices: usize) -> Result<(), String> {
        for (name, value) in [
            ("answer", self.answer),
            ("margin", self.margin),
            ("suggest", self.suggest),
            ("suggest_window", self.suggest_window),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(format!("{name} must be between 0 and 1, not {value}"));
            }
        }
        if self.suggest > self.answer {
            return Err(format!(
                "suggest ({}) must not be above answer ({})",
                self.suggest, self.answer
            ));
        }
        if self.max_suggestions == 0 || self.max_suggestions > max_choices {
            return Err(format!(
                "max_suggestions must be between 1 and {max_choices}, not {}",
                self.max_suggestions
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Thresholds::default().validate(5), Ok(()));
    }

    #[test]
    fn bad_values_name_the_field() {
        let t = Thresholds {
            answer: 1.5,
            ..Thresholds::default()
        };
        assert!(t.validate(5).unwrap_err().starts_with("answer"));
        let t = Thresholds {
            suggest: 0.9,
            answer: 0.5,
            ..Thresholds::default()
        };
        assert!(t.validate(5).unwrap_err().starts_with("suggest"));
        let t = Thresholds {
            max_suggestions: 0,
            ..Thresholds::default()
        };
        assert!(t.validate(5).unwrap_err().starts_with("max_suggestions"));
    }
}
