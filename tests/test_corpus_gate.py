"""The CI gate on the labelled corpus (issue 3): precision >= 0.90 and recall >= 0.80 in every category.

`make eval` prints the same figures with every false positive and negative.
"""

from __future__ import annotations

from conftest import ROOT

from noteassist.lint.registry import CATEGORIES
from noteassist.eval.evaluate import evaluate, load_corpus

CORPUS = ROOT / "tests" / "corpus"


def test_labelled_corpus_meets_precision_and_recall(linter):
    notes = load_corpus(CORPUS)
    assert len(notes) >= 60
    evaluation = evaluate(notes, linter)
    # Every contract category is exercised, so no threshold passes for want of examples.
    thin = {c: evaluation.categories[c].expected for c in CATEGORIES if evaluation.categories[c].expected < 3}
    assert thin == {}
    assert evaluation.failures(min_precision=0.90, min_recall=0.80) == []
