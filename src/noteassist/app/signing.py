"""Signing with the findings check: a draft whose text still has error-level lint findings is signed only
with a reason, which the note keeps (sign_override_reason) with the findings it overrode (sign_findings).

Three steps, so the lint (CPU, a second on a long note) never runs inside a write transaction:

    text = version_to_check(session, actor, draft_id, version)   # one audited read
    errors = error_findings(linter, text)                        # outside any transaction
    note = sign_checked(session, actor, draft_id, version, hours, errors, override_reason)

A version's text never changes once saved, so findings computed for it still hold when it is signed;
`sign_checked` signs through caseload.sign_draft, whose compare-and-set refuses a version that is no longer
the newest. Dismissals are read inside the signing transaction: one made meanwhile counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from ..storage.models import Note, User
from . import audit, caseload
from .errors import DomainError, Invalid

if TYPE_CHECKING:
    from ..lint import Linter

__all__ = ["ErrorFinding", "UnresolvedFindings", "error_findings", "open_findings", "sign_checked",
           "version_to_check"]

#: The longest override reason (an addendum's reason has the same bound).
MAX_REASON = 2000


@dataclass(frozen=True)
class ErrorFinding:
    """An error-level finding of the text being signed: its rule code, message and the flagged text."""

    code: str
    message: str
    quote: str
    start: int
    end: int

    def stored(self) -> dict[str, str]:
        """What the note keeps of it (notes.sign_findings)."""
        return {"code": self.code, "severity": "error", "quote": self.quote}


class UnresolvedFindings(DomainError):
    """Error-level findings are open and no override reason was given: nothing was signed."""

    code = "unresolved_findings"

    def __init__(self, findings: list[ErrorFinding]):
        codes = ", ".join(sorted({f.code for f in findings}))
        count = len(findings)
        super().__init__(f"{count} error-level finding{'s' if count != 1 else ''} open ({codes}): fix "
                         f"{'them' if count != 1 else 'it'}, dismiss {'each' if count != 1 else 'it'} with a "
                         "reason, or give override_reason to sign anyway")
        self.findings = findings


def version_to_check(session: Session, actor: User, draft_id: int, version: int) -> str | None:
    """The text of `version` when it is the open draft's newest, else None: signing it will be refused
    (Conflict) by caseload.sign_draft anyway, with the answer it has always given."""
    draft, newest = caseload.get_draft(session, actor, draft_id)
    if draft.status != "open" or newest.version != version:
        return None
    return newest.text


def error_findings(linter: Linter, text: str | None) -> list[ErrorFinding]:
    """The error-level findings of `text` as the editor's lint (POST /v1/lint) finds them: the same engine,
    the same path. A note the engine cannot lint at all (over the size limit) has none to report."""
    from ..lint.model import LintResult
    from .lint import lint_text

    if text is None:
        return []
    result = lint_text(linter, text)
    if not isinstance(result, LintResult):
        return []
    # A missing element flags no text: its quote is the element's id, as a dismissal of it records.
    return [ErrorFinding(f.rule, f.message, f.text or str(f.extra.get("element", "")), f.start, f.end)
            for f in result.findings if f.severity == "error"]


def open_findings(findings: list[ErrorFinding], dismissals: list[Any]) -> list[ErrorFinding]:
    """The findings no dismissal covers. A dismissal covers one finding with its code and quote (the flagged
    text), wherever that text has moved since; two dismissals of the same text cover two of them."""
    left = Counter((d.code, d.quote) for d in dismissals)
    remaining = []
    for finding in findings:
        key = (finding.code, finding.quote)
        if left[key] > 0:
            left[key] -= 1
        else:
            remaining.append(finding)
    return remaining


def _dismissals(session: Session, draft_id: int, version: int) -> list[Any]:
    from sqlalchemy import select

    from ..storage.models import FindingDismissal
    from .dismissals import active

    return list(session.scalars(active(select(FindingDismissal).where(FindingDismissal.draft_id == draft_id,
                                                                      FindingDismissal.version <= version))))


def sign_checked(session: Session, actor: User, draft_id: int, version: int, late_entry_hours: float,
                 findings: list[ErrorFinding], override_reason: str | None = None,
                 now: datetime | None = None) -> Note:
    """Sign `version` (caseload.sign_draft) unless error findings not dismissed remain and no reason is given
    (UnresolvedFindings). With a reason, the note stores it and the findings it overrode, and the override
    is an audit event of its own ("note.sign_override")."""
    reason = override_reason.strip() if isinstance(override_reason, str) else None
    if override_reason is not None and not reason:
        raise Invalid("override_reason", "expected non-empty text (or leave it out)")
    if reason is not None and len(reason) > MAX_REASON:
        raise Invalid("override_reason", f"expected at most {MAX_REASON} characters")
    remaining = open_findings(findings, _dismissals(session, draft_id, version))
    if remaining and reason is None:
        # Access first: a stranger's draft is 404 and a supervisor's attempt 403, never a findings list.
        draft = caseload.get_draft(session, actor, draft_id)[0]
        if draft.created_by == actor.id and draft.status == "open" and draft.current_version == version:
            raise UnresolvedFindings(remaining)
    note = caseload.sign_draft(session, actor, draft_id, version, late_entry_hours, now=now,
                               override_reason=reason if remaining else None,
                               sign_findings=[f.stored() for f in remaining])
    if remaining:
        audit.record(session, actor.id, "note.sign_override", "note", note.id)
    return note
