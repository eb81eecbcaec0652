"""Where a claim comes from: the `ClaimSource` protocol, and `load_claim`, which checks what a source gives.

A source knows how to read one claim's record and its contacts: `FolderClaimSource` reads a claim
folder (adjuster/claim.py); a case-management database is another. `load_claim(source)` asks for both,
collects every problem into one ReportError (one line each), checks each contact is filed under the
claim's number, and orders the contacts. Nothing downstream (assembly, templates, documents) knows
which kind of source it was: the models carry a `label` for messages, never a path to open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..errors import NoteassistError, ReportError
from .claim import ClaimRecord, Contact, FolderClaimSource

__all__ = ["ClaimData", "ClaimSource", "load_claim"]


@runtime_checkable
class ClaimSource(Protocol):
    """One claim's data, wherever it is kept.

    `label` names the claim in messages (a folder's path, a database and claim key). `claim_record()`
    and `contacts()` raise a NoteassistError (usually ReportError) whose `lines()` name every problem
    they found; contacts may come in any order.
    """

    label: str

    def claim_record(self) -> ClaimRecord: ...

    def contacts(self) -> list[Contact]: ...


@dataclass
class ClaimData:
    """A claim as a report needs it: the record and every contact, by date, then time, then name."""

    label: str
    record: ClaimRecord
    contacts: list[Contact] = field(default_factory=list)

    @property
    def claim_number(self) -> str:
        return self.record.claim.claim_number


def load_claim(source: ClaimSource | str | Path) -> ClaimData:
    """Read a claim from `source` (a path means a claim folder). Raises ReportError listing every problem."""
    if isinstance(source, (str, Path)):
        source = FolderClaimSource(source)
    problems: list[str] = []
    record: ClaimRecord | None = None
    contacts: list[Contact] = []
    try:
        record = source.claim_record()
    except NoteassistError as exc:
        problems.extend(exc.lines())
    try:
        contacts = source.contacts()
    except NoteassistError as exc:
        problems.extend(exc.lines())
    if record is not None:
        problems.extend(line for c in contacts for line in _claim_mismatch(c, record))
    if problems:
        raise ReportError(problems[0], details=problems)
    assert record is not None
    return ClaimData(source.label, record, sorted(contacts, key=lambda c: c.sort_key))


def _claim_mismatch(contact: Contact, record: ClaimRecord) -> list[str]:
    expected = record.claim.claim_number
    if contact.claim_number is None or contact.claim_number == expected:
        return []
    where = "claim.claim_number" if contact.facts else "claim_number"
    return [f"{contact.label}: {where}: {contact.claim_number!r} is another claim; this folder is {expected!r} "
            "(claim.yaml)"]
