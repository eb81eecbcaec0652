"""Agency history exports (.csv, .jsonl) read into `HistoryRecord`s, one per event.

The format (docs/history.md): one row per event with the columns

    agency, client_id, first_name, last_name, dob, event, date, text
    (referral rows also) referred_to, referral_status, outcome
    (goal rows also) goal, progress
    part2 (optional): true when the agency is a 42 CFR Part 2 substance-use program

A JSONL export may give the agency once, on a first line `{"export": {"agency": "...", "part2": true}}`.
Dates are YYYY-MM-DD (MM/DD/YYYY is accepted, as US systems export it). Column names are matched
case-insensitively, with spaces and hyphens read as underscores.

Batches behave as `lint` and `qa responses` do: a row that cannot be read is one line `FILE:LINE: problem`
and the other rows and files are still read; a file with a missing column is one line and is skipped.
A CSV whose columns are those of a consents file (scope, expires, no event) is handed back as such, so
`noteassist history examples/agencies/*` can take the consents with the exports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import HistoryError
from ..io.records import RecordError, iter_rows

EXPECTED = "a CSV or JSONL agency export"
SUFFIXES = (".csv", ".jsonl", ".ndjson")
KINDS = ("contact", "service", "referral", "goal")
REQUIRED = ("agency", "client_id", "first_name", "last_name", "dob", "event", "date", "text")
OPTIONAL = ("referred_to", "referral_status", "outcome", "goal", "progress", "part2")
CONSENT_COLUMNS = frozenset({"agency", "client_id", "scope", "expires"})
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}


@dataclass(frozen=True)
class HistoryRecord:
    source: str
    line: int
    agency: str
    client_id: str
    first_name: str
    last_name: str
    dob: dt.date | None
    kind: str
    date: dt.date
    text: str
    part2: bool = False
    details: dict[str, str] = field(default_factory=dict)  # referred_to, referral_status, outcome, goal, progress

    @property
    def key(self) -> str:
        """`FILE:LINE`, the record's name in messages and in a truth file."""
        return f"{Path(self.source).name}:{self.line}"

    @property
    def profile(self) -> tuple[str, str]:
        """(agency, client id): the records one agency keeps about one client."""
        return (agency_key(self.agency), self.client_id.strip().lower())


@dataclass
class Loaded:
    records: list[HistoryRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    consent_files: list[str] = field(default_factory=list)


def agency_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def column_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def parse_date(value: Any) -> dt.date | None:
    """A date from YYYY-MM-DD or MM/DD/YYYY; None for empty; ValueError otherwise."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date; expected YYYY-MM-DD or MM/DD/YYYY")


def load_exports(paths: list[str]) -> Loaded:
    loaded = Loaded()
    for path in paths:
        if Path(path).suffix.lower() not in SUFFIXES:
            loaded.errors.append(f"{path}: not a .csv or .jsonl export; skipped")
            continue
        try:
            _load_file(path, loaded)
        except HistoryError as exc:
            loaded.errors.extend(exc.lines())
    return loaded


def _load_file(path: str, loaded: Loaded) -> None:
    meta: dict[str, Any] = {}
    checked = Path(path).suffix.lower() != ".csv"  # JSONL rows are checked one by one
    count = 0
    for item in iter_rows(path, expected=EXPECTED, error=HistoryError):
        if isinstance(item, RecordError):
            loaded.errors.append(str(item))
            continue
        line, raw = item
        row = {column_key(k): v for k, v in raw.items() if isinstance(k, str) and k.strip()}
        if not checked:
            # CSV: every row has the header's columns, so the first row decides for the file.
            if CONSENT_COLUMNS <= row.keys() and "event" not in row:
                loaded.consent_files.append(path)
                return
            missing = [c for c in REQUIRED if c not in row]
            if missing:
                raise HistoryError(f"{path}:1: missing column{'s' if len(missing) > 1 else ''} "
                                   f"{', '.join(missing)}; expected columns {', '.join(REQUIRED)}")
        checked = True
        if count == 0 and set(row) == {"export"} and isinstance(row["export"], dict):
            meta = {column_key(k): v for k, v in row["export"].items()}
            continue
        count += 1
        try:
            loaded.records.append(_record(path, line, {**meta, **{k: v for k, v in row.items() if v not in (None, "")}}))
        except ValueError as exc:
            loaded.errors.append(f"{path}:{line}: {exc}")
    if not count:
        loaded.errors.append(f"{path}: no records in the export")


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ValueError(f"field {key}: expected text, got a JSON {type(value).__name__}")
    return str(value).strip()


def _record(path: str, line: int, row: dict[str, Any]) -> HistoryRecord:
    for key in ("agency", "client_id", "event", "date"):
        if not _text(row, key):
            raise ValueError(f"field {key}: missing or empty; every record needs {', '.join(REQUIRED[:2])}, "
                             "event and date")
    if not (_text(row, "first_name") or _text(row, "last_name")):
        raise ValueError("fields first_name and last_name: both empty; a record needs the client's name")
    kind = _text(row, "event").lower()
    if kind not in KINDS:
        raise ValueError(f"field event: {kind!r} is not an event; expected one of {', '.join(KINDS)}")
    try:
        date = parse_date(row["date"])
    except ValueError as exc:
        raise ValueError(f"field date: {exc}") from None
    try:
        dob = parse_date(row.get("dob"))
    except ValueError as exc:
        raise ValueError(f"field dob: {exc}") from None
    part2 = _text(row, "part2").lower()
    if part2 not in _TRUE | _FALSE:
        raise ValueError(f"field part2: {part2!r}; expected true or false")
    details = {key: _text(row, key) for key in OPTIONAL[:-1] if _text(row, key)}
    if kind == "referral" and "referred_to" not in details:
        raise ValueError("field referred_to: a referral needs the receiving agency")
    if kind == "goal" and "goal" not in details:
        raise ValueError("field goal: a goal-progress record needs the goal")
    return HistoryRecord(source=path, line=line, agency=_text(row, "agency"), client_id=_text(row, "client_id"),
                         first_name=_text(row, "first_name"), last_name=_text(row, "last_name"), dob=dob,
                         kind=kind, date=date, text=_text(row, "text"), part2=part2 in _TRUE, details=details)
