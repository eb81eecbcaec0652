"""Direct speech: the spans of a note that quote a person's own words.

Quoting is how a note keeps the client's account apart from the writer's judgement (domain guide 2.6:
"quote the person; don't characterize"), so a word the client said about herself ("I'm an addict and I own
that now") is hers, not the writer's label. Scare quotes are not speech: a quoted word or two around the
writer's own term ('was "non-compliant"') stays the writer's. A quote is speech when it is at least three
words long and either speaks in the first person or follows a verb of saying ("he said, ...", "told me: ...").
"""

from __future__ import annotations

import re

#: A quotation in straight or curly double quotes, within a paragraph.
_QUOTE = re.compile(r'"(?P<a>[^"\n]{1,600})"|\u201c(?P<b>[^\u201d\n]{1,600})\u201d')
_FIRST_PERSON = re.compile(r"(?i)\b(?:I|I'm|I've|I'd|I'll|me|my|mine|myself|we|we're|us|our)\b|\bI\u2019[a-z]+")
_SAYING = re.compile(
    r"(?i)\b(?:said|says|say|stated|states|told\s+(?:me|us|\w+)|tells\s+\w+|reported|reports|explained|added|asked|"
    r"answered|replied|described|shared|wrote|writes|yelled|shouted|called\s+(?:him|her|them)self|in\s+(?:his|her|their)"
    r"\s+(?:own\s+)?words)[ \t]*[,:]?[ \t]*(?:that[ \t]+)?$")
_MIN_WORDS = 3


def quoted_speech(text: str) -> list[tuple[int, int]]:
    """[start, end) of every quotation in `text` that is a person's speech (see the module docstring),
    quote marks included."""
    spans = []
    for m in _QUOTE.finditer(text):
        inner = m.group("a") if m.group("a") is not None else m.group("b")
        if len(inner.split()) < _MIN_WORDS:
            continue
        if _FIRST_PERSON.search(inner) or _SAYING.search(text, max(0, m.start() - 40), m.start()):
            spans.append((m.start(), m.end()))
    return spans
