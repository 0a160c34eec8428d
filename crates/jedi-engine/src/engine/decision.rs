//! Whether to answer with the entry ranked first: a separate question from which entry
//! ranks first.
//!
//! Ranking compares entries; the decision weighs the evidence that the best of them
//! answers this question at all: its score and its lead over the runner-up, how much of
//! the question's informative content it explains, whether the question names things
//! particular to the story, and rare words it leaves unexplained that point elsewhere.
//! The evidence is combined into a confidence from 0 to 1 by a logistic model whose
//! weights were fitted on question sets labelled fact / gap / off (see
//! `docs/matching.md`); the thresholds then apply to the confidence.

/// What the question's terms say about one entry (see `Index::reading_of`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TermsRead {
    /// How many word terms the question has.
    pub words: usize,
    /// Their total weight.
    pub weight: f32,
    /// The weight of those the entry has (its phrasings, answer, excerpts, sentences).
    pub explained: f32,
    /// Of `explained`, the weight its phrasings have.
    pub phrased: f32,
    /// Of `explained`, the weight of words particular to the story.
    pub anchors: f32,
    /// The weight of words the data has but the entry does not.
    pub stray_known: f32,
    /// The weight of words the data does not have.
    pub unknown: f32,
    /// How rare in general English the rarest unknown word is (0 to 1).
    pub stray_rarity: f32,
    /// Whether the question asks a kind of fact (who, when, ...).
    pub asks_kind: bool,
    /// Whether the entry answers a kind the question asks.
    pub kind_matched: bool,
    /// Whether what the question asks about (its focus word) is missing from the entry.
    pub focus_missed: bool,
    /// Whether the question names one of the story's entities.
    pub names_entity: bool,
}

/// The evidence for answering a question with one entry.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Evidence {
    /// The entry's match score (0 to 1).
    pub score: f32,
    /// Its lead over the best other entry that is not its close kin.
    pub margin: f32,
    /// What the question's terms say about it.
    pub terms: TermsRead,
}

/// The margin over the runner-up counts up to this much: a lead beyond it is as clear as
/// it gets.
pub const MARGIN_CAP: f32 = 0.1;

/// The features of the model, in the order of [`WEIGHTS`].
pub const FEATURES: [&str; 11] = [
    "score",
    "margin",
    "explained",
    "phrased",
    "anchors",
    "stray_known",
    "stray_rarity",
    "kind_match",
    "long",
    "focus_missed",
    "names_entity",
];

/// The model's weights, one per feature of [`FEATURES`], and then its intercept.
/// Fitted by `scripts/fit-decision.py` on the labelled dev sets.
pub const WEIGHTS: [f32; 12] = [
    4.91, 0.595, 1.3, 1.77, 0.645, -0.149, 1.1, 0.299, 0.861, 0.631, 0.676, -5.61,
];

impl Evidence {
    /// The feature values, in the order of [`FEATURES`].
    pub fn features(&self) -> [f32; 11] {
        let t = &self.terms;
        let share = |part: f32| if t.weight > 0.0 { part / t.weight } else { 0.0 };
        let kind = match (t.asks_kind, t.kind_matched) {
            (true, true) => 1.0,
            (true, false) => -1.0,
            (false, _) => 0.0,
        };
        [
            self.score,
            self.margin.min(MARGIN_CAP),
            share(t.explained),
            share(t.phrased),
            (t.anchors / 4.0).min(1.0),
            share(t.stray_known),
            t.stray_rarity,
            kind,
            ((t.words as f32) / 10.0).min(2.0),
            f32::from(u8::from(t.focus_missed)),
            f32::from(u8::from(t.names_entity)),
        ]
    }

    /// How sure the engine is that the entry answers the question, from 0 to 1.
    pub fn confidence(&self) -> f32 {
        let features = self.features();
        let z: f32 = features
            .iter()
            .zip(&WEIGHTS)
            .map(|(x, w)| x * w)
            .sum::<f32>()
            + WEIGHTS[FEATURES.len()];
        1.0 / (1.0 + (-z).exp())
    }
}
