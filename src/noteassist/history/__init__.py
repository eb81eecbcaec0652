"""`noteassist history`: one client's dated history across several agencies' exports (docs/history.md).

load (exports and consents) -> link (Splink scores each agency's client against the client asked for)
-> consent (what each agency's release allows) -> timeline (entries, withheld ones without content,
gaps) -> write (DOCX or HTML). The CLI is a thin shell over `build_history` and `render`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..errors import HistoryError
from .consent import decide, load_consents
from .link import DEFAULT_POSSIBLE_FROM, DEFAULT_THRESHOLD, link, make_probe, profiles
from .load import load_exports
from .timeline import DEFAULT_GAP_DAYS, Timeline, build

__all__ = ["DEFAULT_GAP_DAYS", "DEFAULT_POSSIBLE_FROM", "DEFAULT_THRESHOLD", "History", "build_history", "render"]

OUTPUT_SUFFIXES = (".docx", ".html", ".htm")


@dataclass
class History:
    timeline: Timeline
    errors: list[str] = field(default_factory=list)  # one line per unreadable record or file


def build_history(exports: list[str], *, client: str, dob: dt.date, consents: list[str] = (),
                  threshold: float = DEFAULT_THRESHOLD, possible_from: float = DEFAULT_POSSIBLE_FROM,
                  gap_days: int = DEFAULT_GAP_DAYS, as_of: dt.date | None = None) -> History:
    as_of = as_of or dt.date.today()
    loaded = load_exports(list(exports))
    releases = load_consents([*consents, *loaded.consent_files])
    if not loaded.records:
        summary = f"history: no readable records in {len(exports)} file{'s' if len(exports) != 1 else ''}; nothing written"
        raise HistoryError(summary, details=[*loaded.errors, summary])
    found = profiles(loaded.records)
    linked = link(found, make_probe(client, dob, found), threshold=threshold, possible_from=possible_from)
    # An agency is a Part 2 program when any of its records says so: one flag protects them all.
    part2 = {p.key[0] for p in found if p.part2}
    decisions = {p.key: decide(p.key, p.key[0] in part2, releases, as_of) for p in found}
    timeline = build(linked, decisions, as_of=as_of, gap_days=gap_days, unreadable=len(loaded.errors))
    return History(timeline, loaded.errors)


def render(timeline: Timeline, out: str) -> bytes:
    from .write import timeline_docx, timeline_html

    if out.lower().endswith(".docx"):
        return timeline_docx(timeline)
    return timeline_html(timeline).encode("utf-8")
