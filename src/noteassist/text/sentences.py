"""Sentences: the one segmentation every rule, metric and the spaCy pipeline use.

Rule-based, no model, a few microseconds a line. A sentence ends

- at every line break: case-management exports and drafted notes put one statement, heading, field or
  list item a line, so a line never continues a sentence (a hard-wrapped paragraph splits at its wraps);
- after `.`, `!` or `?` (and any closing quote or bracket) followed by white space, except after
  - a title or a word that always leads into more: Dr., Mr., Mrs., Ms., St., Prof., vs., e.g., i.e.,
    approx., cf. ("Dr. Lena Ortiz", "vs. last week");
  - an initial: "J. Patel", "Lena M. Ortiz";
  - an enumerator at the start of a line or after a colon: "1. Call Lisa", "Plan: 2. PT";
  - a numbering or month abbreviation before a number or an identifier: "No. 4", "Nov. 20", "Rm. 210",
    "Claim No. WC-1402-3387";
  - a common abbreviation followed by a lower-case word: "approx. 3 wk. of PT", "9 a.m. on Monday",
    "Smith Jr. said", "M.D. reports".

A field separator ends a sentence too: " | " or " · " between the fields of a one-line record
("10/06/2026 09:12 | Outbound call to ... | Purpose: ... | Outcome: ..."); the separator closes the sentence
before it, as a period does (sentences cover the line, as spaCy's do). A one-letter word before a period
is an initial ("J. Patel") unless a word that only starts sentences follows it ("the letter W. These
are ...", "in bed C. She ...").

Credentials end a sentence like any other word ("... with Dr. Lena Ortiz, PhD. Dr. Ortiz reports ...",
"... by J. Patel, M.D. She ..."), and so does "a.m."/"p.m." before a capitalised word ("at 9 a.m. The
worker ..."). Decimals (7.5 mg), dates (11/20/2026, Nov. 20) and times (9:30) have no white space after
their periods and never split. A semicolon joins clauses of one sentence; `clause_around` narrows a
sentence to its clause for rules that judge one clause.

Spans are (start, end) character offsets into the text given, without the white space around a sentence;
a sentence keeps a list item's bullet or number ("- Ibuprofen 600 mg").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from functools import cached_property

__all__ = ["Sentences", "clause_around", "sentence_around", "sentence_spans", "split_sentences"]

# A sentence-final mark and the closing quotes or brackets after it, then white space on the same line;
# or a field separator between white space ("... TPA | Purpose: ...", "Claim WC-1 \u00b7 Worker: ...").
_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=[ \t]+\S)|(?<=[ \t])[|\u00b7](?=[ \t]+\S)")
# Words that start a sentence and are never a surname after an initial: "the letter W. These ...".
_SENTENCE_STARTERS = frozenset({
    "the", "this", "these", "those", "that", "he", "she", "it", "they", "we", "there", "his", "her", "their",
    "its", "our", "my", "your", "i", "you",
})
# The word just before a period: letters, digits, inner periods ("e.g", "a.m", "M.D"), apostrophes, hyphens.
_WORD_BEFORE = re.compile(r"([A-Za-z0-9][A-Za-z0-9.'\-]*)")
_LINE = re.compile(r"[^\r\n]+")
# What stands before "2." when it numbers an item: the line start (or a bullet), a colon, or the end of the
# item before ("Plan: 1. PT. 2. Follow up.").
_ENUMERATOR_LEAD = re.compile(r"^[ \t]*(?:[-*+\u2022][ \t]+)?$|[.!?:;][ \t]*$")

#: Never end a sentence: titles before a name, and words that always lead into more.
_NEVER_END = frozenset({
    "dr", "drs", "mr", "mrs", "ms", "mx", "prof", "rev", "hon", "st", "sgt", "capt", "lt", "col", "gen",
    "vs", "v", "e.g", "i.e", "eg", "ie", "approx", "cf", "viz", "ca",
})
#: Do not end a sentence before a number or an identifier: "No. 4", "Nov. 20", "Rm. 210", "Policy No. WCP-77".
_BEFORE_NUMBER = frozenset({
    "no", "nos", "num", "rm", "ste", "apt", "ext", "vol", "pg", "pp", "p", "fig", "tel", "ph", "ref", "dept",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
})
#: Do not end a sentence before a lower-case word; before a capital they usually do ("... 6 wks. She").
_ABBREVIATIONS = frozenset({
    "etc", "pt", "pts", "appt", "appts", "wk", "wks", "hr", "hrs", "min", "mins", "mo", "mos", "yr", "yrs", "yo",
    "lb", "lbs", "oz", "ft", "sq", "est", "hx", "dx", "tx", "rx", "sx", "fx", "bx", "inc", "co", "corp", "ltd",
    "jr", "sr", "misc", "avg", "max", "temp", "cont", "ea", "qty", "tab", "tabs", "cap", "caps", "amt", "ave",
    "blvd", "rd", "dept", "govt", "univ", "wt", "ht", "meds", "med", "prn", "bid", "tid", "qid", "qd", "qhs",
})


def _ends_sentence(line: str, mark: re.Match[str]) -> bool:
    """Whether the punctuation `mark` in `line` closes a sentence, judged by the word before and after it."""
    if "?" in mark.group() or "!" in mark.group() or mark.group() in ("|", "\u00b7"):
        return True
    following = line[mark.end():].lstrip()
    # The first character of the next word, past any opening bracket or quote: "Co. (policy no. ...)".
    nxt = (following.lstrip("(\"'[\u201c\u2018") or following)[0]
    token_start = max(line.rfind(" ", 0, mark.start()), line.rfind("\t", 0, mark.start())) + 1
    before = _WORD_BEFORE.fullmatch(line, token_start + _opening(line, token_start, mark.start()), mark.start())
    if before is None:  # not a word: a time, a score or a closing bracket ("22:30.", "6/10.", "(see above).")
        return True
    word = before.group(1).rstrip(".")
    low = word.lower()
    if mark.group().startswith("..") and not nxt.isupper():  # an ellipsis inside a sentence
        return False
    if low in _NEVER_END:
        return False
    if len(word) == 1 and word.isalpha():  # an initial, "J. Patel"; or "a." in "a. call the adjuster"
        # ... unless a sentence starts after it: "the letter W. These are", "room C. She left".
        next_word = re.match(r"[A-Za-z]+(?=[ \t,])", following)
        return bool(next_word and next_word.group()[0].isupper() and next_word.group().lower() in _SENTENCE_STARTERS)
    if word.isdigit() and len(word) <= 3 and _ENUMERATOR_LEAD.search(line, 0, before.start()):
        return False  # "1. Call Lisa", "Plan: 1. PT. 2. Follow up."
    if low in _BEFORE_NUMBER and any(c.isdigit() for c in following.split(None, 1)[0]):
        return False  # "No. 4", "Nov. 20", "Claim No. WC-1402-3387", "ref. WH-2026-04471"
    if nxt.islower() and (low in _ABBREVIATIONS or low in _BEFORE_NUMBER or "." in word):
        return False  # "approx. 3 wk. of PT", "9 a.m. on", "M.D. reports"
    if "." in word and not _capitalised_word(following):
        # After a dotted abbreviation ("p.o.", "U.S."), only an ordinary capitalised word starts a sentence:
        # "p.o. BID" stays one sentence, "9 a.m. The worker" is two.
        return False
    return True


def _opening(line: str, start: int, end: int) -> int:
    """How many opening quotes or brackets a token starts with: '("approx.' -> 2."""
    count = 0
    while start + count < end and line[start + count] in "(\"'[\u201c\u2018":
        count += 1
    return count


def _capitalised_word(text: str) -> bool:
    """'The', 'She', 'Dr.': a capital then a lower-case letter (not an all-capitals abbreviation)."""
    return len(text) >= 2 and text[0].isupper() and text[1].islower()


def _line_sentences(line: str, offset: int) -> Iterator[tuple[int, int]]:
    start = 0
    for mark in _END.finditer(line):
        if _ends_sentence(line, mark):
            yield _trimmed(line, start, mark.end(), offset)
            start = mark.end()
    if line[start:].strip():
        yield _trimmed(line, start, len(line), offset)


def _trimmed(line: str, start: int, end: int, offset: int) -> tuple[int, int]:
    piece = line[start:end]
    left = len(piece) - len(piece.lstrip())
    right = len(piece.rstrip())
    return offset + start + left, offset + start + right


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of every sentence of `text[start:end]`, as offsets into `text`, in order."""
    end = len(text) if end is None else end
    spans = []
    for line in _LINE.finditer(text, start, end):
        spans.extend(_line_sentences(line.group(), line.start()))
    return [span for span in spans if span[1] > span[0]]


class Sentences(Sequence[tuple[int, int]]):
    """The sentences of one text, split once, with look-ups by offset. `NoteContext.sentences` caches one."""

    def __init__(self, text: str, spans: list[tuple[int, int]] | None = None):
        self.text = text
        self.spans = spans if spans is not None else sentence_spans(text)
        self._starts = [s for s, _ in self.spans]

    def __getitem__(self, index):  # type: ignore[override]
        return self.spans[index]

    def __len__(self) -> int:
        return len(self.spans)

    def __repr__(self) -> str:
        return f"Sentences({len(self.spans)} sentences)"

    @cached_property
    def starts(self) -> frozenset[int]:
        """Offsets where a sentence starts, for the spaCy component that presets sentence boundaries."""
        return frozenset(self._starts)

    def index_at(self, offset: int) -> int:
        """Index of the sentence holding `offset` (or the one before it, between sentences); -1 before all."""
        return bisect.bisect_right(self._starts, offset) - 1

    def around(self, start: int, end: int | None = None) -> tuple[int, int]:
        """(start, end) of the sentence holding `text[start:end]`, or of the sentences it runs across."""
        end = start if end is None else end
        if not self.spans:
            return start, end
        first = max(self.index_at(start), 0)
        last = max(self.index_at(max(end - 1, start)), first)
        return self.spans[first][0], self.spans[last][1]

    def following(self, offset: int, same_line: bool = False) -> tuple[int, int] | None:
        """The sentence after the one holding `offset`; with `same_line`, None when a line break comes first."""
        index = self.index_at(offset) + 1
        if index >= len(self.spans):
            return None
        nxt = self.spans[index]
        if same_line and "\n" in self.text[offset:nxt[0]]:
            return None
        return nxt

    def clause_around(self, start: int, end: int | None = None) -> tuple[int, int]:
        """The part of the sentence around `text[start:end]` between the semicolons either side of it."""
        end = start if end is None else end
        s_start, s_end = self.around(start, end)
        left = self.text.rfind(";", s_start, start)
        right = self.text.find(";", end, s_end)
        return (left + 1 if left != -1 else s_start), (right if right != -1 else s_end)


def split_sentences(text: str) -> Sentences:
    return Sentences(text)


def _lines_of(text: str, start: int, end: int) -> Sentences:
    """The sentences of the lines holding `text[start:end]` only: a sentence never crosses a line break."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", max(end, start))
    return Sentences(text, sentence_spans(text, first, len(text) if last == -1 else last))


def sentence_around(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """(start, end) of the sentence of `text` holding `text[start:end]` (or of the sentences it runs across).
    For many look-ups in one text, split it once with `split_sentences`."""
    end = start if end is None else end
    return _lines_of(text, start, end).around(start, end)


def clause_around(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """(start, end) of the clause (sentence part between semicolons) of `text` holding `text[start:end]`."""
    end = start if end is None else end
    return _lines_of(text, start, end).clause_around(start, end)
