"""Quoted speech (text/quotes.py): a person's own words are found; scare quotes and short quotes are not."""

from __future__ import annotations

import pytest

from noteassist.text import quoted_speech


def quoted(text: str) -> list[str]:
    return [text[s:e] for s, e in quoted_speech(text)]


@pytest.mark.parametrize(("text", "quote"), [
    ('Today he said, "I\'m an addict and I own that now."', '"I\'m an addict and I own that now."'),
    ('She told me: "the landlord never fixes anything here."', '"the landlord never fixes anything here."'),
    ('Client stated \u201cmy back hurts when I sit\u201d.', '\u201cmy back hurts when I sit\u201d'),
])
def test_speech_is_found(text, quote):
    assert quoted(text) == [quote]


@pytest.mark.parametrize("text", [
    'Client was "non-compliant" with the plan.',          # scare quotes: the writer's word
    'The form is labelled "release of information".',      # no speaker, no first person
    'He called it "fine."',                                  # under three words
])
def test_scare_quotes_and_short_quotes_are_not_speech(text):
    assert quoted(text) == []


def test_a_quoted_self_label_is_not_flagged_but_the_writers_label_is():
    from noteassist.lint import Linter

    linter = Linter()
    own = linter.lint_text('D: Today he said, "I\'m an addict and I own that now, it doesn\'t scare me."')
    assert not [f for f in own.findings if f.rule == "NA401"]
    writer = linter.lint_text("D: Client is an addict who relapsed last week.")
    assert [f for f in writer.findings if f.rule == "NA401"]
