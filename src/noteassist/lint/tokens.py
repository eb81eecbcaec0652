"""Finding a note's tokens by their words, once per note, for every rule.

Most rules look for a few dozen words (reporting verbs, "opined", "verbalized", a lexicon's lemmas) in notes of
hundreds of tokens. Walking every token in Python to compare its lemma made each rule cost a sizeable share of the
parse; `words(doc)` indexes the doc's tokens by lower-case form and by lemma once (from `Doc.to_array`, without
making a Token object per token), and the rules visit only the tokens that carry their words.

`TokenPatterns` is the token-pattern matcher built on that index. spaCy's Matcher tries every pattern at every
token, calling a Python predicate for each `IN` set; these patterns all open on a word (a LOWER or LEMMA value
or set), so matching starts only at the tokens that carry an opening word. It returns what spaCy's Matcher
returns for the same patterns: every (key, start, end), optional tokens both taken and skipped (a test compares
the two on the corpus). A pattern it cannot anchor or whose keys it does not know runs in a spaCy Matcher
beside it, so any spaCy pattern still works.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc

_CACHE_KEY = "noteassist.words"


class WordIndex:
    """Token indices by lower-case form, by lemma as the parser wrote it, and by lower-case lemma."""

    __slots__ = ("by_lower", "by_lemma", "by_lemma_lower", "length")

    def __init__(self, doc: Doc) -> None:
        from spacy.attrs import LEMMA, LOWER

        strings = doc.vocab.strings
        self.length = len(doc)
        lowers: dict[int, list[int]] = {}
        lemmas: dict[int, list[int]] = {}
        if len(doc):
            array = doc.to_array([LOWER, LEMMA])
            for i, lower in enumerate(array[:, 0].tolist()):
                if lower in lowers:
                    lowers[lower].append(i)
                else:
                    lowers[lower] = [i]
            for i, lemma in enumerate(array[:, 1].tolist()):
                if lemma in lemmas:
                    lemmas[lemma].append(i)
                elif lemma:
                    lemmas[lemma] = [i]
        self.by_lower: dict[str, list[int]] = {strings[h]: idx for h, idx in lowers.items()}
        self.by_lemma: dict[str, list[int]] = {strings[h]: idx for h, idx in lemmas.items()}
        lemma_lower: dict[str, list[int]] = {}
        for lemma, idx in self.by_lemma.items():
            key = lemma.lower()
            lemma_lower[key] = sorted(lemma_lower[key] + idx) if key in lemma_lower else idx
        self.by_lemma_lower = lemma_lower

    def lemma(self, words: Iterable[str]) -> list[int]:
        """Sorted indices of the tokens whose lower-case lemma is one of `words` (lower case)."""
        return _union((self.by_lemma_lower,), words)

    def lower(self, words: Iterable[str]) -> list[int]:
        """Sorted indices of the tokens whose lower-case form is one of `words`."""
        return _union((self.by_lower,), words)

    def word(self, words: Iterable[str]) -> list[int]:
        """Sorted indices of the tokens whose lower-case lemma or form is one of `words` (a parse cue or a
        lexicon names a word in lower case, meaning either)."""
        return _union((self.by_lemma_lower, self.by_lower), words)


def _union(tables, words: Iterable[str]) -> list[int]:
    found: set[int] = set()
    for w in words:
        for table in tables:
            if (idx := table.get(w)) is not None:
                found.update(idx)
    return sorted(found)


def words(doc: Doc) -> WordIndex:
    """The doc's WordIndex, built on first use and kept with the doc (`doc.user_data`)."""
    index = doc.user_data.get(_CACHE_KEY)
    if index is None or index.length != len(doc):
        index = doc.user_data[_CACHE_KEY] = WordIndex(doc)
    return index


# -- token patterns ------------------------------------------------------------------------------------------------

_GETTERS = {
    "LOWER": lambda t: t.lower_,
    "LEMMA": lambda t: t.lemma_,
    "POS": lambda t: t.pos_,
    "TAG": lambda t: t.tag_,
    "ORTH": lambda t: t.text,
    "TEXT": lambda t: t.text,
}
_ANCHORS = ("LOWER", "LEMMA")


class _Spec:
    """One token of a pattern: its tests (attribute, allowed values or None, refused values or None) and
    whether it may be skipped (OP "?")."""

    __slots__ = ("tests", "optional")

    def __init__(self, tests: list[tuple[Any, frozenset[str] | None, frozenset[str] | None]], optional: bool):
        self.tests = tests
        self.optional = optional

    def accepts(self, token) -> bool:
        for getter, allowed, refused in self.tests:
            value = getter(token)
            if allowed is not None and value not in allowed:
                return False
            if refused is not None and value in refused:
                return False
        return True


def _compile(pattern: Sequence[dict[str, Any]]) -> tuple[list[_Spec], list[tuple[str, str]]] | None:
    """(token specs, the opening token's anchors) for a pattern this matcher handles, else None."""
    specs: list[_Spec] = []
    opening: dict[str, frozenset[str]] = {}
    for position, token in enumerate(pattern):
        op = token.get("OP")
        if op not in (None, "1", "?"):
            return None
        tests = []
        for attr, value in token.items():
            if attr == "OP":
                continue
            if attr not in _GETTERS:
                return None
            if isinstance(value, str):
                allowed, refused = frozenset([value]), None
            elif isinstance(value, dict) and set(value) <= {"IN", "NOT_IN"} and all(
                    isinstance(v, list) and all(isinstance(w, str) for w in v) for v in value.values()):
                allowed = frozenset(value["IN"]) if "IN" in value else None
                refused = frozenset(value["NOT_IN"]) if "NOT_IN" in value else None
            else:
                return None
            tests.append((_GETTERS[attr], allowed, refused))
            if position == 0 and attr in _ANCHORS and allowed is not None:
                opening[attr] = allowed
        specs.append(_Spec(tests, op == "?"))
    if not specs or specs[0].optional or not opening:
        return None
    # Anchor on one attribute: every match's first token carries one of its values.
    attr = "LOWER" if "LOWER" in opening else "LEMMA"
    return specs, [(attr, w) for w in sorted(opening[attr])]


class TokenPatterns:
    """Token patterns by key, matched from their opening words (see the module docstring)."""

    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self._patterns: list[tuple[str, list[_Spec]]] = []
        #: (attribute, word) -> indices into _patterns of the patterns that open on it.
        self._anchors: dict[tuple[str, str], list[int]] = {}
        self._fallback = None
        self._count = 0

    def add(self, key: str, patterns: Iterable[Sequence[dict[str, Any]]]) -> None:
        for pattern in patterns:
            self._count += 1
            compiled = _compile(pattern)
            if compiled is None:
                if self._fallback is None:
                    from spacy.matcher import Matcher

                    self._fallback = Matcher(self.vocab)
                self._fallback.add(key, [list(pattern)])
                continue
            specs, anchors = compiled
            self._patterns.append((key, specs))
            for anchor in anchors:
                self._anchors.setdefault(anchor, []).append(len(self._patterns) - 1)

    def __len__(self) -> int:
        return self._count

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        """Every (key, start, end) the patterns match, sorted, each once."""
        found: set[tuple[str, int, int]] = set()
        if self._anchors:
            index = words(doc)
            tables = {"LOWER": index.by_lower, "LEMMA": index.by_lemma}
            starts: dict[int, set[int]] = {}
            for (attr, word), pattern_ids in self._anchors.items():
                for i in tables[attr].get(word, ()):
                    starts.setdefault(i, set()).update(pattern_ids)
            n = len(doc)
            for i in sorted(starts):
                for pid in starts[i]:
                    key, specs = self._patterns[pid]
                    for end in _ends(doc, specs, i, n):
                        found.add((key, i, end))
        if self._fallback is not None:
            strings = self.vocab.strings
            found.update((strings[m], s, e) for m, s, e in self._fallback(doc))
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))


def _ends(doc: Doc, specs: list[_Spec], start: int, n: int) -> set[int]:
    positions = {start}
    for spec in specs:
        following = set(positions) if spec.optional else set()
        for p in positions:
            if p < n and spec.accepts(doc[p]):
                following.add(p + 1)
        if not following:
            return set()
        positions = following
    positions.discard(start)
    return positions


def by_sentence(doc: Doc, indices: Sequence[int]):
    """(sentence, its tokens among `indices`) for each sentence holding one, in order; `indices` sorted. One
    pass over the sentences, where `token.sent` per token scans its sentence each time."""
    if not indices:
        return
    k = 0
    for sentence in doc.sents:
        if k >= len(indices):
            return
        if indices[k] >= sentence.end:
            continue
        taken = []
        while k < len(indices) and indices[k] < sentence.end:
            taken.append(doc[indices[k]])
            k += 1
        yield sentence, taken
