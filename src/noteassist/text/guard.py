"""Keep spaCy's tokenizer linear: break up very long runs of non-white-space before parsing.

spaCy splits each white-space-delimited chunk by repeatedly matching prefixes, suffixes and infixes, which
is quadratic in the chunk's length: 20,000 apostrophes take over 30 s. No word, URL or code in a note is
anywhere near `MAX_RUN` characters, so such runs are noise (pasted dividers, a stuck key, hostile input).
The guard replaces one character in every `MAX_RUN` of such a run with a space. The text keeps its length,
so every offset a rule reports still points into the note as written.
"""

from __future__ import annotations

import re

MAX_RUN = 100
_LONG_RUN = re.compile(r"\S{%d,}" % (MAX_RUN + 1))


def guard_for_tokenizer(text: str) -> str:
    """`text` with a space in every MAX_RUN characters of any longer run of non-white-space; same length."""
    if not _LONG_RUN.search(text):
        return text
    return _LONG_RUN.sub(lambda m: _break(m.group()), text)


def _break(run: str) -> str:
    chars = list(run)
    for i in range(MAX_RUN, len(chars), MAX_RUN + 1):
        chars[i] = " "
    return "".join(chars)
