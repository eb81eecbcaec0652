"""Releases of information: which agencies' records may appear in a client's history.

A consents file is a CSV (or JSONL) with one release a row: `agency, client_id, scope, expires`.
`scope` is `general` (the agency's records) or `part2` (a consent meeting 42 CFR 2.31, which also covers
the general records); `expires` is the last day the release is in force. The release covers the records
that agency keeps under that client id.

Every failure is on the side of withholding: no release, an expired one, or a general release for a
Part 2 program all withhold the agency's records. A consents file with a bad row is refused as a whole
(exit 2, nothing written) rather than read in part, so a typo never silently withholds or releases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..errors import HistoryError
from ..io.records import RecordError, iter_rows
from .load import agency_key, column_key, parse_date

SCOPES = ("general", "part2")
COLUMNS = ("agency", "client_id", "scope", "expires")

NO_CONSENT = "record withheld: no consent on file"


@dataclass(frozen=True)
class Consent:
    agency: str
    client_id: str
    scope: str
    expires: dt.date
    where: str

    @property
    def key(self) -> tuple[str, str]:
        return (agency_key(self.agency), self.client_id.strip().lower())


@dataclass(frozen=True)
class Release:
    """What may be shown of one agency's records about the client."""

    shown: bool
    reason: str = ""         # why withheld, for the entry and the header
    part2: bool = False      # shown under a Part 2 consent: each entry carries the redisclosure notice
    name_agency: bool = True  # False for a withheld Part 2 program (see `decide`)


def load_consents(paths: list[str]) -> list[Consent]:
    consents = []
    for path in paths:
        for item in iter_rows(path, expected="a CSV or JSONL consents file", error=HistoryError):
            if isinstance(item, RecordError):
                raise HistoryError(str(item))
            line, raw = item
            row = {column_key(k): ("" if v is None else str(v).strip()) for k, v in raw.items() if k}
            missing = [c for c in COLUMNS if c not in row]
            if missing:
                raise HistoryError(f"{path}:{line}: missing {', '.join(missing)}; a consents file has columns "
                                   f"{', '.join(COLUMNS)}")
            empty = [c for c in COLUMNS if not row[c]]
            if empty:
                raise HistoryError(f"{path}:{line}: field {empty[0]}: empty; every release names the agency, "
                                   "client id, scope and expiry date")
            scope = row["scope"].lower().replace(" ", "")
            if scope not in SCOPES:
                raise HistoryError(f"{path}:{line}: field scope: {row['scope']!r}; expected general or part2")
            try:
                expires = parse_date(row["expires"])
            except ValueError as exc:
                raise HistoryError(f"{path}:{line}: field expires: {exc}") from None
            consents.append(Consent(row["agency"], row["client_id"], scope, expires, f"{path}:{line}"))
    return consents


def decide(key: tuple[str, str], part2_program: bool, consents: list[Consent], as_of: dt.date) -> Release:
    """The release in force on `as_of` for the records an agency keeps under one client id.

    A withheld Part 2 program is not named: 42 CFR Part 2 protects the fact that someone is a patient
    of a substance-use program as much as the records (2.13(c)), and the program's name says it.
    """
    mine = [c for c in consents if c.key == key]
    current = [c for c in mine if c.expires >= as_of]
    if part2_program:
        if any(c.scope == "part2" for c in current):
            return Release(True, part2=True)
        return Release(False, NO_CONSENT, name_agency=False)
    if current:
        return Release(True)
    if mine:
        latest = max(c.expires for c in mine)
        return Release(False, f"record withheld: consent expired {latest.isoformat()}")
    return Release(False, NO_CONSENT)
