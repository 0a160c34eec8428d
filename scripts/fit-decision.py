#!/usr/bin/env python3
"""Fits the weights of the engine's decision (crates/jedi-engine/src/engine/decision.rs).

Input: the CSV of `cargo run --release --example decision_features -- DEV-SETS...` (dev
sets only, never held-out ones). Each row is a question: the evidence about its
first-ranked entry and whether that entry is the right reading. Fits a logistic
regression (scikit-learn), reports how well it generalises across the sets (each set
left out in turn), and prints the weights to paste into decision.rs.

    pip install numpy scikit-learn
    python3 scripts/fit-decision.py features.csv
"""
import csv
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

# Regularisation: a weak prior towards small weights keeps the model from fitting the
# quirks of a few hundred questions.
C = 1.0


def load(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    names = header[5:-1]
    x = np.array([[float(v) for v in r[5:-1]] for r in rows])
    y = np.array([int(r[4]) for r in rows])
    files = [r[0] for r in rows]
    return names, x, y, files


def fit(x, y):
    model = LogisticRegression(C=C, max_iter=1000)
    model.fit(x, y)
    return model


def report(p, y, label):
    for threshold in (0.5, 0.6, 0.7, 0.8):
        answered = p >= threshold
        right = (answered & (y == 1)).sum()
        wrong = (answered & (y == 0)).sum()
        print(f"  {label} threshold {threshold}: answered right {right}/{(y == 1).sum()}, answered wrongly {wrong}/{(y == 0).sum()}")


def main(path):
    names, x, y, files = load(path)
    print(f"{len(y)} questions, {y.sum()} with the right first-ranked entry")
    # Leave each set out in turn: how the model does on questions it was not fitted on.
    p = np.zeros(len(y))
    for held in sorted(set(files)):
        mask = np.array([f == held for f in files])
        model = fit(x[~mask], y[~mask])
        p[mask] = model.predict_proba(x[mask])[:, 1]
    report(p, y, "left-out sets")
    model = fit(x, y)
    report(model.predict_proba(x)[:, 1], y, "all sets")
    weights = list(model.coef_[0]) + [model.intercept_[0]]
    print("features:", ", ".join(names))
    print("pub const WEIGHTS: [f32; %d] = [%s];" % (len(weights), ", ".join(f"{w:.3}" for w in weights)))


if __name__ == "__main__":
    main(sys.argv[1])
