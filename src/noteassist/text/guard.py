"""Keep spaCy linear in the note: break up long runs of non-white-space, blank long runs of symbols.

spaCy splits each white-space-delimited chunk by repeatedly matching prefixes, suffixes and infixes, which
is quadratic in the chunk's length: 20,000 apostrophes take over 30 s. And every punctuation mark or emoji
becomes a token, each costing the tagger and parser as much as a word and about 15 KB of memory while the
note is parsed: 100 KB of quotes is 100,000 tokens, five times a normal note of that size. Neither kind of
run carries anything a rule reads (no word, URL or code is anywhere near `MAX_RUN` characters; no divider
needs more than `MAX_SYMBOL_RUN` characters), so the guard changes them before parsing:

- a run of more than `MAX_SYMBOL_RUN` punctuation or symbol characters (no letter, digit or `_`) keeps its
  first `MAX_SYMBOL_RUN` characters; the rest become spaces, which spaCy folds into one token;
- a run of more than `MAX_RUN` non-white-space characters gets a space after every `MAX_RUN` characters;
- a lone surrogate (possible in a str from Python, never in a file noteassist read) becomes U+FFFD: spaCy
  hashes every token as UTF-8 and would raise UnicodeEncodeError.

The text keeps its length and every character that is not replaced stays where it was, so the offsets a
rule reports still point into the note as written. Rules read the original text (`text_of`), not this one.
"""

from __future__ import annotations

import re

#: Longest run of non-white-space characters spaCy is given.
MAX_RUN = 100
#: Longest run of punctuation and symbols (`"`, `(`, `*`, `#`, emoji...) kept; dividers are shorter.
MAX_SYMBOL_RUN = 16

_SYMBOL_RUN = re.compile(r"[^\w\s]{%d,}" % (MAX_SYMBOL_RUN + 1))
_LONG_RUN = re.compile(r"\S{%d,}" % (MAX_RUN + 1))
_SURROGATE = re.compile("[\ud800-\udfff]")


def guard_for_tokenizer(text: str) -> str:
    """`text` as spaCy should see it: the same length, long symbol runs blanked, long runs broken up."""
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    if _SYMBOL_RUN.search(text):
        text = _SYMBOL_RUN.sub(_blank_tail, text)
    if _LONG_RUN.search(text):
        text = _LONG_RUN.sub(_break, text)
    return text


def _blank_tail(match: re.Match[str]) -> str:
    run = match.group()
    return run[:MAX_SYMBOL_RUN] + " " * (len(run) - MAX_SYMBOL_RUN)


def _break(match: re.Match[str]) -> str:
    chars = list(match.group())
    for i in range(MAX_RUN, len(chars), MAX_RUN + 1):
        chars[i] = " "
    return "".join(chars)
