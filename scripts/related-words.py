#!/usr/bin/env python3
"""Writes data/related-words.txt: for English words the data never uses, the closest word
it does use, from WordNet 3.0.

A question may say "tribunal" where the data says "court", "unveil" where it says
"reveal", "halt" where it says "block". For each common English word whose stem is not
a stem of the data, this walks WordNet from the word's first senses (synonyms, derived
forms, similar and related words, then broader terms) and keeps the nearest word of the
data, and how far it is. The engine reads such a word as the data's word, with less
confidence than the curated vocabulary.

The table depends on the data's words: run it again after adding words to the data.

Sources: WordNet 3.0 (Princeton University; Debian's wordnet-base package, licence in
data/CREDITS.md) and the word list of data/word-frequency.txt. Needs the snowballstemmer
package (the same Snowball English stemmer as the engine's, with the engine's one change:
see `stem`). To regenerate:

    apt-get install wordnet-base
    pip install snowballstemmer
    python3 scripts/related-words.py data > data/related-words.txt
"""
import heapq
import os
import re
import sys
import tomllib

import snowballstemmer

WORDNET = "/usr/share/wordnet"
POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
# How far each kind of WordNet link takes a word from its meaning.
COST = {
    "syn": 1.0,  # another word of the same synset
    "+": 1.0,  # derivationally related form ("plaintiff" - "complain")
    "&": 1.0,  # similar to (adjectives)
    "<": 1.0,  # participle of a verb
    "\\": 1.0,  # pertainym ("judicial" - "judge")
    "$": 1.0,  # verb group
    "^": 1.5,  # also see
    "@": 1.5,  # hypernym: a broader term
    "*": 1.5,  # entailment (verbs)
}
MAX_COST = 1.5
# Only a word's first senses: the later ones are rare meanings that would mislead.
SENSES = 2
# Only words at least this common (Zipf x 10 in data/word-frequency.txt): people type
# common words; rarer ones are left to the engine's frequency weighting.
MIN_ZIPF10 = 30
# Nor towards the data's everyday words ("person", "work", "get"): a link to one of them
# says little.
MAX_TARGET_ZIPF10 = 52


def words_of(text):
    return re.findall(r"[a-z]+", text.lower())


def data_words(data):
    """The data's words (as typed in it), how often each occurs, and its stop words."""
    counts = {}

    def add(text, n=1):
        for word in words_of(text):
            counts[word] = counts.get(word, 0) + n

    with open(os.path.join(data, "qa.toml"), "rb") as f:
        for entry in tomllib.load(f).get("entry", []):
            for question in entry.get("questions", []):
                add(question)
            add(entry.get("answer", ""))
            for source in entry.get("sources", []):
                add(source)
    with open(os.path.join(data, "vocabulary.toml"), "rb") as f:
        vocabulary = tomllib.load(f)
    for group in ("synonyms", "question_words"):
        for key, phrases in vocabulary.get(group, {}).items():
            add(key)
            for phrase in phrases:
                add(phrase)
    with open(os.path.join(data, "article.txt")) as f:
        add(f.read())
    stops = set()
    for word in vocabulary.get("stop_words", []):
        stops.update(words_of(word))
    return counts, stops


def read_wordnet():
    """synset id -> (words, pointers); (lemma, pos) -> synset ids, most frequent first."""
    synsets = {}
    index = {}
    for pos, name in POS.items():
        with open(os.path.join(WORDNET, f"data.{name}"), encoding="latin-1") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                fields = line.split(" | ")[0].split()
                offset, ss_type = fields[0], fields[2]
                count = int(fields[3], 16)
                words = [fields[4 + 2 * i].lower() for i in range(count)]
                at = 4 + 2 * count
                pointers = []
                for i in range(int(fields[at])):
                    symbol, target, target_pos, source_target = fields[at + 1 + 4 * i : at + 5 + 4 * i]
                    target_pos = "a" if target_pos == "s" else target_pos
                    pointers.append((symbol, (target_pos, target), int(source_target[:2], 16), int(source_target[2:], 16)))
                synsets[(pos, offset)] = (words, pointers)
        with open(os.path.join(WORDNET, f"index.{name}"), encoding="latin-1") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                fields = line.split()
                lemma, synset_count = fields[0], int(fields[2])
                index[(lemma, pos)] = [(pos, o) for o in fields[-synset_count:]]
    return synsets, index


def nearest(word, synsets, index, known, stop):
    """The known word nearest to `word` in WordNet, and its cost, or None."""
    start = []
    for pos in POS:
        for synset in index.get((word, pos), [])[:SENSES]:
            start.append(synset)
    if not start:
        return None
    best = None
    heap = [(0.0, s, -1) for s in start]
    # A lexical pointer leaves from one word of a synset: for the starting synsets, from
    # the word asked about.
    seen = {}
    while heap:
        cost, synset, word_index = heapq.heappop(heap)
        if cost > MAX_COST or seen.get(synset, MAX_COST + 1) <= cost:
            continue
        seen[synset] = cost
        words, pointers = synsets[synset]
        for w in words:
            w = w.replace("_", " ")
            if " " in w or w == word:
                continue
            c = cost + (COST["syn"] if cost == 0.0 else 0.0)
            if w in known and w not in stop and (best is None or (c, -known[w]) < (best[1], -known[best[0]])):
                best = (w, c)
        for symbol, target, source, target_word in pointers:
            if symbol not in COST:
                continue
            if source and cost == 0.0:
                if words[source - 1].replace("_", " ") != word:
                    continue
            c = cost + COST[symbol]
            if c <= MAX_COST and target in synsets:
                if target_word:
                    w = synsets[target][0][target_word - 1].replace("_", " ")
                    if w in known and w not in stop and (best is None or (c, -known[w]) < (best[1], -known[best[0]])):
                        best = (w, c)
                heapq.heappush(heap, (c, target, target_word))
    return best


def stemmer_of_engine():
    """The engine's stemmer: Snowball English, except that a noun for the one who does a
    thing keeps its "-er" ("reporter", "reporters"; not "report")."""
    snowball = snowballstemmer.stemmer("english")

    def stem(word):
        stem = snowball.stemWord(word)
        singular = word[:-1] if word.endswith("s") else word
        return singular if singular == stem + "er" else stem

    return stem


def main(data):
    stem_of = stemmer_of_engine()
    known, stop = data_words(data)
    known_stems = {stem_of(w) for w in known}
    synsets, index = read_wordnet()
    common = {}
    with open(os.path.join(data, "word-frequency.txt")) as f:
        for line in f:
            if not line.startswith("#"):
                word, zipf10 = line.split()
                common[word] = int(zipf10)
    known = {w: n for w, n in known.items() if common.get(w, 0) <= MAX_TARGET_ZIPF10}
    rows = {}
    for word, zipf10 in common.items():
        if zipf10 < MIN_ZIPF10 or word in known or word in stop:
            continue
        stem = stem_of(word)
        if stem in known_stems or stem in rows:
            continue
        found = nearest(word, synsets, index, known, stop)
        if found:
            rows[stem] = found
    print("# For English words the data never uses: the word's stem, the data's nearest word")
    print("# in WordNet 3.0, and how far it is (1 a synonym or derived form; more, a broader")
    print("# or looser link). Generated by scripts/related-words.py from the data and WordNet")
    print("# 3.0 (Princeton University; licence in CREDITS.md): do not edit by hand.")
    for stem in sorted(rows):
        word, cost = rows[stem]
        print(f"{stem} {word} {cost:g}")


if __name__ == "__main__":
    main(sys.argv[1])
