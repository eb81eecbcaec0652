"""The claim and its contacts, and `FolderClaimSource`: reading them from a claim folder.

A case manager keeps one folder per claim. `claim.yaml` (a `ClaimRecord`) holds
what does not change from contact to contact: the claim, the worker, the case
manager, the referral date, the report cadence and recipients, the previous
report. Every other file is a contact:

- a visit-facts file (`.yaml`, `.yml`, `.json`), validated by the same loader as
  `noteassist draft`, so its errors read the same;
- a note that exists only as text (`.md`, `.txt`, `.docx`). Its date and type
  come from front matter (`date_of_service`, `note_type`) or from a file name
  that starts with `YYYY-MM-DD` (`2026-11-06-telephonic-worker.md`). It appears
  in the contact log only: no facts are read out of its prose. Who the contact
  was with and what it was for come from front matter (`contact`/`party`,
  `purpose`), else from the note's own labels, read by the linter's structure
  reader: a "Contact:" or "Party:" field, a "Purpose:" field or the first
  sentence under a "Purpose" heading.

Sub-folders, hidden files, Word lock files and other suffixes are ignored, and
so are notes whose type is a report (`progress-report`, `closure-report`): a
report written into the folder is not a contact. Every problem in the folder
(missing `claim.yaml`, an invalid contact, a contact filed under another
claim number, a note with no date) is collected and raised as one
`ReportError` with one line per problem naming the file and the field.

`FolderClaimSource(path)` is one `ClaimSource` (adjuster/source.py): `claim_record()` reads
claim.yaml, `contacts()` every contact file, each raising one ReportError for all its problems;
`load_claim` checks the two against each other. The models keep no paths: a contact has the file
name the report cites it by (`name`) and the path error messages name it by (`label`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator

from ..errors import NoteassistError, NoteInputError, ReportError
from ..facts.load import (  # same as `draft`
    _expected,
    _field_path,
    read_facts_data,
    validate_facts,
)
from ..facts.models import (
    SCHEMA_VERSION,
    SUPPORTED_VERSIONS,
    CaseManager,
    Claim,
    Claimant,
    Closure,
    Model,
    Text,
    VisitFacts,
)
from ..io.records import read_note
from ..notetypes import CONTACT_TYPES, NOTE_TYPES, REPORT_TYPES, resolve_note_type
from ..text.dates import parse_meta_date
from ..text.frontmatter import split_front_matter
from ..text.infer import infer_note_type
from ..text.sentences import split_sentences
from ..text.structure import parse_structure

CLAIM_FILES = ("claim.yaml", "claim.yml")
FACTS_SUFFIXES = (".yaml", ".yml", ".json")
NOTE_SUFFIXES = (".md", ".txt", ".docx")

_LEADING_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)
#: Labels (as `normalize_label` gives them) under which a note says who the contact was with, and why.
PARTY_LABELS = ("contact", "party", "contact with", "spoke with", "call with", "participants", "attendees")
PURPOSE_LABELS = ("purpose", "purpose of call", "purpose of the call", "purpose of contact", "purpose of visit",
                  "reason for call", "reason for contact", "reason for visit")


class Recipient(Model):
    name: Text
    role: Text = "adjuster"
    organization: str | None = None
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    delivery: str | None = Field(default=None, description="How reports reach them: email, fax, portal, mail")


class PreviousReport(Model):
    number: int = Field(strict=True, ge=1, le=100_000)
    date: date


class ClaimRecord(Model):
    """`claim.yaml`: the facts of a claim that every report needs and no single contact owns."""

    schema_version: int = Field(default=SCHEMA_VERSION, strict=True)  # `true` is not version 1
    claim: Claim
    claimant: Claimant
    case_manager: CaseManager
    referral_date: date | None = Field(default=None, description="When the payer referred the claim for case management")
    report_cadence_days: int = Field(default=30, ge=1, le=366, description="Days between update reports")
    report_recipients: list[Recipient] = Field(default_factory=list)
    previous_report: PreviousReport | None = None
    closure: Closure | None = Field(default=None, description="Closure reason and date, for a closure report")

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value not in SUPPORTED_VERSIONS:
            raise ValueError(f"this noteassist reads schema_version {' or '.join(map(str, SUPPORTED_VERSIONS))}")
        return value


@dataclass(frozen=True)
class Contact:
    """One contact of the claim. `facts` is None for a contact known only from its note text.

    `name` is how the report cites the contact (a file name in a folder, a record key in a database);
    `label` says where it came from in error messages (the file's path).
    """

    name: str
    label: str
    date: date
    note_type: str | None
    facts: VisitFacts | None = None
    start_time: time | None = None
    title: str | None = None
    party: str | None = None
    purpose: str | None = None
    claim_number: str | None = None  # as the file states it; None when a note does not say

    @property
    def source(self) -> str:
        return "facts" if self.facts is not None else "note"

    @property
    def sort_key(self) -> tuple:
        return (self.date, self.start_time or time.min, self.name)


class FolderClaimSource:
    """A claim kept as a folder: `claim.yaml` and one file per contact (see the module's docstring).

    Raises ReportError at once when `path` is not a folder. Each call reads the files again, so a
    long-lived source sees contacts added since the last report.
    """

    def __init__(self, path: str | Path) -> None:
        folder = Path(path)
        if not folder.is_dir():
            raise ReportError(f"{folder}: no such claim folder" if not folder.exists() else f"{folder}: not a folder")
        self.folder = folder
        self.label = str(folder)
        #: Files of the folder that are not contacts (a report, a scan), as of the last `contacts()` call.
        self.ignored: list[str] = []

    def claim_record(self) -> ClaimRecord:
        problems: list[str] = []
        record = _load_record(self.folder, problems)
        if record is None:
            raise ReportError(problems[0], details=problems)
        return record

    def contacts(self) -> list[Contact]:
        """Every contact file, in file-name order; one ReportError listing every broken one."""
        problems: list[str] = []
        contacts: list[Contact] = []
        ignored: list[str] = []
        for path in sorted(self.folder.iterdir()):
            if path.name in CLAIM_FILES or not path.is_file() or path.name.startswith((".", "~$")):
                continue
            suffix = path.suffix.lower()
            try:
                if suffix in FACTS_SUFFIXES:
                    contact = _facts_contact(path)
                elif suffix in NOTE_SUFFIXES:
                    contact = _note_contact(path)
                else:
                    contact = None
            except NoteassistError as exc:
                problems.extend(exc.lines())
                continue
            if contact is None:
                ignored.append(path.name)
            else:
                contacts.append(contact)
        if problems:
            raise ReportError(problems[0], details=problems)
        self.ignored = ignored
        return contacts


def _load_record(folder: Path, problems: list[str]) -> ClaimRecord | None:
    path = next((folder / name for name in CLAIM_FILES if (folder / name).is_file()), None)
    if path is None:
        problems.append(f"{folder / CLAIM_FILES[0]}: no such file; a claim folder needs claim.yaml "
                        "(claim, claimant, case_manager, report cadence)")
        return None
    try:
        name, data = _read_data(path)
    except NoteassistError as exc:
        problems.extend(exc.lines())
        return None
    try:
        return ClaimRecord.model_validate(data)
    except ValidationError as exc:
        problems.extend(f"{name}: {_field_path(err['loc'])}: {_expected(err)}" for err in exc.errors())
        return None


def _read_data(path: Path) -> tuple[str, Any]:
    """Parse a facts file with `draft`'s loader (libyaml events, bounded), confined to its claim folder:
    a symlink to a file outside the folder is refused, never read and echoed back in error messages."""
    return read_facts_data(path, root=path.parent)


def _facts_contact(path: Path) -> Contact:
    name, data = _read_data(path)
    facts = validate_facts(data, name)
    if not isinstance(facts, VisitFacts):  # a client's contact (schema 3) belongs to no claim
        raise ReportError(f"{name}: client: human-services facts are not a contact of a claim; a claim folder "
                          "holds facts with 'claim'")
    return facts_contact(facts, path.name, str(path))


def facts_contact(facts: VisitFacts, name: str, label: str) -> Contact:
    """The contact a visit-facts document describes, cited as `name` and named `label` in messages
    (a folder's file, or a database's contact record: storage sources build theirs with this too)."""
    call = facts.call
    party = None
    if call is not None:
        party = ", ".join(p for p in (call.party.name, call.party.role, call.party.organization) if p)
    elif facts.providers and facts.note_type == "physician-visit":
        p = facts.providers[0]
        party = ", ".join(x for x in (p.name + (f", {p.credentials}" if p.credentials else ""), p.specialty) if x)
    elif facts.participants:
        # Any other contact is with the people who took part; the treating provider listed in its facts was
        # not there (an initial assessment at the worker's home is not a visit with the surgeon).
        party = "; ".join(", ".join(x for x in (p.name, p.role, p.organization) if x) for p in facts.participants)
    return Contact(name=name, label=label, date=facts.encounter.date, note_type=facts.note_type, facts=facts,
                   start_time=facts.encounter.start_time, party=party, purpose=facts.encounter.purpose,
                   claim_number=facts.claim.claim_number)


def _note_contact(path: Path) -> Contact | None:
    text = read_note(path, root=path.parent, error=ReportError)
    meta, offset = split_front_matter(text, str(path))  # as `lint` reads it: the same note, the same metadata
    note_type = _note_type(meta.get("note_type"), path) if meta.get("note_type") else _type_from_name(path)
    if note_type in REPORT_TYPES or (note_type is None and _reads_as_report(text[offset:])):
        return None  # a report saved into the folder (`report -o CLAIM/report.docx`) is not a contact
    when, start = _service_date(meta.get("date_of_service"), path)
    if when is None:
        raise ReportError(f"{path}: date_of_service: no date of service; add it to the front matter "
                          "or start the file name with YYYY-MM-DD")
    if start is None and meta.get("start_time") is not None:
        start = _time(meta["start_time"])
    heading = _HEADING.search(text)
    stated = meta.get("claim_number")
    party, purpose = _party_and_purpose(text[offset:])
    return Contact(name=path.name, label=str(path), date=when, note_type=note_type, start_time=start,
                   title=heading.group(1).strip("* ") if heading else None,
                   party=_text(meta.get("contact") or meta.get("party")) or party,
                   purpose=_text(meta.get("purpose")) or purpose,
                   claim_number=str(stated).strip() if stated is not None else None)


def _party_and_purpose(body: str) -> tuple[str | None, str | None]:
    """Who a note's contact was with and what it was for, from its labelled fields or its Purpose section.

    "Contact: Maria Diaz, injured worker; Jordan Patel called Ms. Diaz." gives "Maria Diaz, injured worker"
    (the clause before the semicolon says who; the rest says how). Only the first sentence of a purpose
    is taken: the contact log gives one line per contact."""
    structure = parse_structure(body)
    party = purpose = None
    for block in structure.fields():
        value = body[block.value_start:block.end].strip()
        if party is None and block.label in PARTY_LABELS:
            party = value.split(";")[0]
        elif purpose is None and block.label in PURPOSE_LABELS:
            purpose = value
    if purpose is None:
        section = next((s for s in structure.sections if s.label in PURPOSE_LABELS), None)
        block = section and next((b for b in structure.blocks if section.start <= b.start < section.end
                                  and b.kind in ("paragraph", "list_item")), None)
        if block:
            purpose = body[block.value_start or block.start:block.end].strip()
    return _first_sentence(party), _first_sentence(purpose)


def _first_sentence(text: str | None) -> str | None:
    if not text:
        return None
    spans = split_sentences(text)
    first = text[spans[0][0]:spans[0][1]] if spans else text
    return first.strip().rstrip(".").strip() or None


def _note_type(value: Any, path: Path) -> str:
    found = resolve_note_type(value)
    if found is None:
        raise ReportError(f"{path}: note_type: unknown note type {value!r}; expected one of {', '.join(NOTE_TYPES)}")
    return found


def _reads_as_report(body: str) -> bool:
    """A note with no stated type whose text the linter's note-type reader takes for a report."""
    return infer_note_type(body, parse_structure(body)) in REPORT_TYPES


def _type_from_name(path: Path) -> str | None:
    """`2026-11-06-telephonic-worker.md` -> telephonic; `2026-11-06 phone call.txt` -> telephonic."""
    stem = _LEADING_DATE.sub("", path.stem).lower()
    for name in CONTACT_TYPES + REPORT_TYPES:
        if name in stem:
            return name
    for word in re.split(r"[^a-z]+", stem):
        if word and (found := resolve_note_type(word)):
            return found
    return None


def _service_date(value: Any, path: Path) -> tuple[date | None, time | None]:
    """The contact's date (and time) from front matter, read by the linter's date parser, else from a
    `YYYY-MM-DD` file name."""
    if value is None:
        match = _LEADING_DATE.match(path.name)
        if not match:
            return None, None
        try:
            return parse_meta_date(match.group(1), str(path), "file name").date, None
        except NoteInputError:
            raise ReportError(f"{path}: file name: {match.group(1)!r} is not a real date (YYYY-MM-DD)") from None
    try:
        when = parse_meta_date(value, str(path), "date_of_service")
    except NoteInputError:
        raise ReportError(f"{path}: date_of_service: expected a date as YYYY-MM-DD, got {value!r}") from None
    return when.date, when.time


def _time(value: Any) -> time | None:
    if isinstance(value, time):
        return value
    if isinstance(value, int):  # YAML 1.1 reads an unquoted 14:30 as base-60 minutes
        return time(value // 60 % 24, value % 60)
    try:
        return time.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None
