"""Copy-forward fingerprints: what a note is compared with later notes by, without its text.

A fingerprint is a note's set of 5-word shingles (lower-cased, every date and number replaced by a
placeholder, so a clone with only its dates changed still matches), each hashed with blake2b to 64 bits:
the same note gives the same fingerprint in every process, so fingerprints can be stored (a batch
worker's checkpoint, the service's database) and compared later. The note's text is never kept.

A fingerprint also carries the claim facts the note states (date of injury, date of birth, claimant's name,
from notemeta.py), which the claim-consistency rules compare between notes of one claim: the values only.

`FingerprintIndex` holds the fingerprints of notes seen so far, by claim. The engine adds each note's
fingerprint before the rules run, so notes in the same batch see each other; a caller that has earlier
notes elsewhere (a database, a previous run) supplies its own index with the same methods.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from ..text.dates import DATE_RE

SHINGLE_WORDS = 5
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|#")


_MASK = (1 << 64) - 1
_MIX = 0x100000001B3  # the 64-bit FNV prime: an odd multiplier keeps word order in the combined hash


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def shingles(body: str) -> tuple[int, frozenset[int]]:
    """(word count, hashed 5-word shingles) of a note body, with dates and numbers normalised.

    Each distinct word is hashed once with blake2b and a shingle's hash combines its five word hashes in
    order, which costs a fraction of hashing every shingle's text and is as stable across processes."""
    text = _NUMBER.sub(" # ", DATE_RE.sub(" # ", body)).lower()
    words = _WORD.findall(text)
    known: dict[str, int] = {}
    hashes = [known.get(w) or known.setdefault(w, _word_hash(w)) for w in words]
    found = set()
    for i in range(len(hashes) - SHINGLE_WORDS + 1):
        value = 0
        for h in hashes[i:i + SHINGLE_WORDS]:
            value = ((value ^ h) * _MIX) & _MASK
        found.add(value)
    return len(words), frozenset(found)


def claim_key(claim_number: str | None) -> str | None:
    """WC-2231-0457, wc 2231 0457 and WC22310457 are one claim."""
    if not claim_number:
        return None
    key = re.sub(r"[^0-9A-Za-z]", "", claim_number).upper()
    return key or None


@dataclass(frozen=True)
class Fingerprint:
    """What copy-forward knows of a note: never its text."""

    #: The note's label in messages (a file, `export.csv#17`).
    path: str
    claim: str | None
    date_of_service: date | None
    words: int
    shingles: frozenset[int]
    #: blake2b of the stripped body: the same note given twice is a duplicate, not a clone.
    digest: str
    #: Order in the stream of notes (earlier notes have smaller numbers); -1 for notes given as earlier.
    position: int = -1
    #: Given by the caller as an earlier note (`--previous`), rather than seen in the stream.
    given: bool = False
    #: The claim facts the note states, for the claim-consistency rules (NA703, NA808).
    date_of_injury: date | None = None
    date_of_birth: date | None = None
    claimant: str | None = None


def fingerprint(body: str, *, path: str, claim_number: str | None, date_of_service: date | None,
                position: int = -1, given: bool = False, date_of_injury: date | None = None,
                date_of_birth: date | None = None, claimant: str | None = None) -> Fingerprint:
    words, hashed = shingles(body)
    digest = hashlib.blake2b(body.strip().encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return Fingerprint(path, claim_key(claim_number), date_of_service, words, hashed, digest, position, given,
                       date_of_injury, date_of_birth, claimant)


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


class FingerprintIndex(Protocol):
    """Where earlier notes' fingerprints come from: in memory here, a database or a worker's store later."""

    def add(self, item: Fingerprint) -> None: ...

    def on_claim(self, claim: str) -> Iterable[Fingerprint]: ...


class MemoryIndex:
    """Fingerprints by claim, in memory, for one run. Adding the same note (path and position) twice keeps one.

    With `per_claim`, only that many of the latest fingerprints on each claim are kept (the oldest are
    dropped first): a stream of any length then needs bounded memory, and each note is compared with at
    most that many earlier notes on its claim, so the cost stays linear in the number of notes. A clone is
    copied from a recent note on the claim, which the window keeps.
    """

    def __init__(self, items: Iterable[Fingerprint] = (), *, per_claim: int | None = None):
        self.per_claim = per_claim
        self._by_claim: dict[str, dict[tuple[str, int], Fingerprint]] = {}
        for item in items:
            self.add(item)

    def add(self, item: Fingerprint) -> None:
        if item.claim is None:
            return
        entries = self._by_claim.setdefault(item.claim, {})
        entries[(item.path, item.position)] = item
        if self.per_claim is not None and len(entries) > self.per_claim:
            del entries[next(iter(entries))]  # dicts keep insertion order: the oldest goes

    def on_claim(self, claim: str) -> Iterator[Fingerprint]:
        return iter(tuple(self._by_claim.get(claim, {}).values()))

    def __len__(self) -> int:
        return sum(len(items) for items in self._by_claim.values())


class CompactIndex(MemoryIndex):
    """A MemoryIndex for a run's driver, which keeps every claim's latest notes for the whole run: each
    fingerprint's shingles are kept as 8 bytes apiece (a set of Python ints takes about 60), and made a set
    again when the claim's fingerprints are asked for, once per batch. 100,000 notes' fingerprints took
    about 770 MB as sets."""

    def add(self, item: Fingerprint) -> None:
        super().add(replace(item, shingles=_pack(item.shingles)))  # type: ignore[arg-type]

    def on_claim(self, claim: str) -> Iterator[Fingerprint]:
        return iter(tuple(replace(item, shingles=_unpack(item.shingles)) for item in super().on_claim(claim)))


def _pack(shingles: frozenset[int]) -> bytes:
    return array("Q", shingles).tobytes()


def _unpack(packed) -> frozenset[int]:
    values = array("Q")
    values.frombytes(packed)
    return frozenset(values)
