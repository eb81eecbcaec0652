"""Audit sampling: `--sample N --seed S` picks N notes, stratified by author, the same N for the same inputs
and seed on every machine.

Allocation: when N is at least the number of authors, every author gets one note and the other N - authors are
shared in proportion to each author's remaining notes (largest remainder, ties to the author named first in
sorted order); with fewer than one note per author, N authors are drawn and give one note each. Within an
author, notes are drawn with `random.Random(f"{seed}:{author}")`, so one author's draw does not change when
another author's notes do. Notes without an author form one stratum of their own.

Only positions and authors are kept (a pass over the inputs before the run), never the texts.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .batch import QARecord

UNKNOWN = ""


@dataclass(frozen=True)
class Sample:
    positions: frozenset[int]
    seed: int
    population: int
    by_author: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"size": len(self.positions), "seed": self.seed, "population": self.population,
                "by_author": {(k or "(no author)"): v for k, v in sorted(self.by_author.items())}}


def record_author(record: QARecord) -> str:
    """The stratum of a note: its export's author column, else its front matter's `author`, else unknown."""
    author = record.meta.get("author")
    if not author and record.text:
        from ..errors import NoteassistError
        from ..text.frontmatter import split_front_matter

        try:
            author = split_front_matter(record.text, path=record.path)[0].get("author")
        except NoteassistError:
            author = None
    return str(author).strip() if author else UNKNOWN


def allocate(counts: dict[str, int], size: int, seed: int) -> dict[str, int]:
    """Notes to draw per author (see the module's docstring)."""
    authors = sorted(counts)
    total = sum(counts.values())
    if size >= total:
        return dict(counts)
    if size < len(authors):
        chosen = random.Random(f"{seed}:authors").sample(authors, size)
        return {a: 1 for a in sorted(chosen)}
    quota = {a: 1 for a in authors}
    rest = size - len(authors)
    spare = {a: counts[a] - 1 for a in authors}
    spare_total = sum(spare.values())
    if rest and spare_total:
        shares = {a: rest * spare[a] / spare_total for a in authors}
        for a in authors:
            quota[a] += math.floor(shares[a])
        left = size - sum(quota.values())
        by_remainder = sorted(authors, key=lambda a: (-(shares[a] - math.floor(shares[a])), a))
        for a in by_remainder:
            if left <= 0:
                break
            if quota[a] < counts[a]:
                quota[a] += 1
                left -= 1
    return quota


def draw_sample(records: Iterable[QARecord], size: int, seed: int) -> Sample:
    """The sample of `size` notes from `records` (streamed once; only positions are kept)."""
    by_author: dict[str, list[int]] = {}
    population = 0
    for record in records:
        by_author.setdefault(record_author(record), []).append(record.position)
        population += 1
    quota = allocate({a: len(p) for a, p in by_author.items()}, size, seed)
    chosen: set[int] = set()
    for author, count in quota.items():
        positions = by_author[author]
        chosen.update(random.Random(f"{seed}:{author}").sample(positions, count))
    return Sample(frozenset(chosen), seed, population, {a: n for a, n in quota.items() if n})
