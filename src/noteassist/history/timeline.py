"""The merged, dated timeline: entries with their agency and match score, and gaps in service.

Withholding happens here, once: an entry made from a withheld record is built without its text or
details, so nothing later (the DOCX or HTML writer) can print them by mistake.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .consent import Release
from .link import Linked, Profile

DEFAULT_GAP_DAYS = 30
WITHHELD_AGENCY = "withheld agency"

PART2_NOTICE = (
    "This information has been disclosed to you from records protected by federal confidentiality rules "
    "(42 CFR part 2). The federal rules prohibit you from making any further disclosure of information in this "
    "record that identifies a patient as having or having had a substance use disorder either directly, by "
    "reference to publicly available information, or through verification of such identification by another "
    "person unless further disclosure is expressly permitted by the written consent of the individual whose "
    "information is being disclosed or as otherwise permitted by 42 CFR part 2. A general authorization for the "
    "release of medical or other information is NOT sufficient for this purpose (see § 2.31). The federal rules "
    "restrict any use of the information to investigate or prosecute with regard to a crime any patient with a "
    "substance use disorder, except as provided at §§ 2.12(c)(5) and 2.65."
)
PART2_SHORT = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."

KIND_LABELS = {"contact": "Contact", "service": "Service", "referral": "Referral", "goal": "Goal progress"}


@dataclass(frozen=True)
class Entry:
    date: dt.date
    agency: str
    score: float
    kind: str = ""              # empty when withheld
    text: str = ""
    details: tuple[tuple[str, str], ...] = ()
    withheld: str = ""          # the reason line, when withheld
    part2: bool = False


@dataclass(frozen=True)
class Gap:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass
class Timeline:
    client: str
    dob: dt.date
    as_of: dt.date
    threshold: float
    gap_days: int
    entries: list[Entry] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)     # "Agency (client id X, score 0.98)"
    withheld: list[str] = field(default_factory=list)   # "Agency: reason"
    possible: list[str] = field(default_factory=list)   # "possible match, not merged (score 0.62): ..."
    unreadable: int = 0
    withheld_count: int = 0  # merged agency clients whose records are withheld

    @property
    def start(self) -> dt.date | None:
        return self.entries[0].date if self.entries else None

    @property
    def end(self) -> dt.date | None:
        return self.entries[-1].date if self.entries else None

    @property
    def has_part2(self) -> bool:
        return any(e.part2 for e in self.entries)


def _details(kind: str, details: dict[str, str]) -> tuple[tuple[str, str], ...]:
    labels = {"referral": (("referred_to", "Referred to"), ("referral_status", "Status"), ("outcome", "Outcome")),
              "goal": (("goal", "Goal"), ("progress", "Progress"))}.get(kind, (("outcome", "Outcome"),))
    return tuple((label, details[key]) for key, label in labels if details.get(key))


def _label(profile: Profile, release: Release) -> str:
    return profile.agency if release.name_agency else WITHHELD_AGENCY


def build(linked: Linked, releases: dict[tuple[str, str], Release], *, as_of: dt.date,
          gap_days: int = DEFAULT_GAP_DAYS, unreadable: int = 0) -> Timeline:
    timeline = Timeline(linked.probe.display, linked.probe.dob, as_of, linked.threshold, gap_days,
                        unreadable=unreadable)
    hidden = 0
    for profile in sorted(linked.merged, key=lambda p: (p.agency.casefold(), p.client_id)):
        release = releases[profile.key]
        agency = _label(profile, release)
        how = "client id given" if profile.by_id else f"score {profile.score:.2f}"
        if release.shown:
            timeline.linked.append(f"{agency} (client id {profile.client_id}, {how})")
        elif release.name_agency:
            timeline.withheld.append(f"{agency} ({how}): {release.reason}")
        else:
            hidden += 1
        timeline.withheld_count += not release.shown
        for record in profile.records:
            if release.shown:
                timeline.entries.append(Entry(record.date, agency, profile.score, record.kind, record.text,
                                              _details(record.kind, record.details), part2=release.part2))
            else:
                timeline.entries.append(Entry(record.date, agency, profile.score, withheld=release.reason))
    if hidden:
        timeline.withheld.append(f"{hidden} agenc{'y' if hidden == 1 else 'ies'} not named: {releases_reason()}")
    for profile in linked.possible:
        release = releases[profile.key]
        agency = _label(profile, release)
        ident = f", client id {profile.client_id}" if release.name_agency else ""
        count = len(profile.records)
        timeline.possible.append(f"possible match, not merged (score {profile.score:.2f}): {agency}{ident}, "
                                 f"{count} record{'s' if count != 1 else ''}")
    timeline.entries.sort(key=lambda e: (e.date, e.agency.casefold()))
    timeline.gaps = gaps([e.date for e in timeline.entries], gap_days)
    return timeline


def releases_reason() -> str:
    return "no consent on file that allows naming the agency"


def gaps(dates: list[dt.date], gap_days: int) -> list[Gap]:
    """Each stretch of more than `gap_days` days between two consecutive dated entries (any agency)."""
    ordered = sorted(set(dates))
    return [Gap(a, b) for a, b in zip(ordered, ordered[1:]) if (b - a).days > gap_days]
