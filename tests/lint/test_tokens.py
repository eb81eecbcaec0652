"""The shared word index and TokenPatterns: the same matches as spaCy's Matcher, found from the opening words."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.matcher import Matcher

from noteassist import nlp
from noteassist.lint import Linter
from noteassist.lint.tokens import TokenPatterns, words

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def docs():
    pipeline = Linter().pipeline
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md"))]
    texts += ["Claimant reported pain. NCM will call Dr. Lee. Called the IW to discuss PT; she stated it helps.",
              "The worker was tolerating modified duty. I will plan to call. ncm to fax the form.", ""]
    return list(pipeline.pipe(texts))


def _spacy(vocab, patterns, docs):
    matcher = Matcher(vocab)
    for key, group in patterns.items():
        matcher.add(key, group)
    strings = vocab.strings
    return [sorted({(strings[m], s, e) for m, s, e in matcher(doc)}, key=lambda m: (m[1], m[2], m[0]))
            for doc in docs]


def _ours(vocab, patterns, docs):
    matcher = TokenPatterns(vocab)
    for key, group in patterns.items():
        matcher.add(key, group)
    return [matcher(doc) for doc in docs]


def test_element_cue_patterns_match_as_spacy_does(docs):
    rule = next(r for r in Linter().rules if r.code == "NA101")
    patterns = {f"{spec.id}#{i}": group.patterns for spec in rule.specs.values()
                for i, group in enumerate(spec.groups) if group.patterns}
    assert patterns
    vocab = docs[0].vocab
    theirs, ours = _spacy(vocab, patterns, docs), _ours(vocab, patterns, docs)
    assert sum(map(len, theirs)) > 50  # the corpus exercises the patterns
    assert ours == theirs


def test_optional_tokens_sets_and_refusals_match_as_spacy_does(docs):
    patterns = {
        "opt": [[{"LOWER": "the"}, {"POS": "ADJ", "OP": "?"}, {"POS": "NOUN"}]],
        "lemma": [[{"LEMMA": {"IN": ["report", "state"]}}, {"LOWER": "that", "OP": "?"}]],
        "not_in": [[{"LOWER": {"IN": ["she", "he"]}}, {"POS": {"NOT_IN": ["VERB", "AUX"]}}]],
        "tag": [[{"LEMMA": "be", "TAG": "VBD"}, {"TAG": "VBN"}]],
        # Not anchored on a word: runs in spaCy's Matcher beside the others, with the same result.
        "fallback": [[{"POS": "PROPN", "OP": "+"}, {"LOWER": "reported"}], [{"IS_DIGIT": True}, {"LOWER": "lb"}]],
    }
    vocab = docs[0].vocab
    assert _ours(vocab, patterns, docs) == _spacy(vocab, patterns, docs)
    assert len(TokenPatterns(vocab)) == 0


def test_word_index_finds_lemmas_and_forms():
    doc = nlp.load_model()("She stated that he Stated nothing. Noted.")
    index = words(doc)
    assert index.lemma(["state"]) == [1, 4]
    assert index.lower(["stated"]) == [1, 4]
    assert index.word(["stated", "note"]) == sorted({1, 4, 7})
    assert index.word(["absent"]) == []
    assert words(doc) is index  # built once per doc
