"""Request and response bodies of the HTTP API (pydantic), so /openapi.json and /docs describe every field.

Visit facts are the project's own model (facts/models.py `VisitFacts`) and a claim record is the adjuster
report's (adjuster/claim.py `ClaimRecord`): the API validates them with the same schema as the command
line, and an error names the same field path (`encounter.date`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from ..adjuster.claim import ClaimRecord
from ..facts.load import AnyFacts
from ..facts.models import VisitFacts

#: The largest id or version number: a 64-bit signed integer, what both databases store.
MAX_ID = 2**63 - 1
#: An id or version number in a request body.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: An id or version number in the path.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


class Out(BaseModel):
    """A response read from a stored row."""

    model_config = ConfigDict(from_attributes=True)


# -- errors --------------------------------------------------------------------------------------------------
class ErrorDetail(BaseModel):
    code: str = Field(description="Stable code: not_found, forbidden, unauthorized, conflict, invalid_facts, "
                                  "invalid_request, payload_too_large, timeout, not_ready, pdf_unavailable, ...")
    message: str
    field: str | None = Field(None, description="Dotted path of the field at fault (encounter.date), if one is")
    current_version: int | None = Field(None, description="On a 409 for a stale draft save: the version to edit")
    errors: list[dict[str, Any]] | None = Field(None, description="On a 422: every field at fault")
    findings: list[dict[str, Any]] | None = Field(None, description="On a 422 `unresolved_findings`: the open "
                                                                    "error-level findings (code, message, quote)")


class ErrorResponse(BaseModel):
    error: ErrorDetail


# -- service ---------------------------------------------------------------------------------------------------
class Health(BaseModel):
    status: Literal["ok", "loading", "unavailable"]
    detail: str | None = None


class TemplateOut(BaseModel):
    name: str
    note_type: str | None
    description: str
    requires: list[str]


# -- drafting, linting, documents --------------------------------------------------------------------------------
class RenderRequest(BaseModel):
    facts: AnyFacts = Field(description="Visit facts: a claim's contact (workers' compensation) or, with a `client`, "
                                        "a human-services contact (schema 3)")
    template: str | None = Field(None, description="Template name; default: the facts' note type")
    time_format: Literal["12h", "24h"] | None = Field(None, description="Default: the server's configuration")


class Span(BaseModel):
    start: int
    end: int
    paths: list[str] = Field(description="Visit-fact paths printed in text[start:end], e.g. work_status.restrictions[0]")


class SentenceSource(BaseModel):
    """One sentence of a drafted note and the visit-fact fields it came from (docs/provenance.md)."""

    start: int
    end: int
    text: str
    fields: list[str] = Field(description="Indexed fact paths printed in the sentence, e.g. work_status.restrictions[0]")
    edited: bool = Field(False, description="Written or changed by a person since it was drafted (then `fields` is "
                                            "empty); carried from version to version")


class RenderResponse(BaseModel):
    """`noteassist draft --provenance`'s map (template, text, sentences, unused), plus each printed value's span."""

    text: str = Field(description="The note: Markdown with YAML front matter, as `noteassist draft` writes it")
    template: str
    sentences: list[SentenceSource] = Field(description="Each sentence of the note's body with the fields it came from")
    spans: list[Span] = Field(description="Each printed value's characters and its fact paths")
    used: list[str] = Field(description="Fact fields the note printed (list indexes dropped)")
    unused: list[str] = Field(description="Fact fields set in the facts that the template did not print")


class LintRequest(BaseModel):
    text: str = Field(description="The note's text (Markdown front matter is read as `lint` reads it)")
    note_type: str | None = Field(None, description="As `lint --type`; default: front matter, else inferred")
    path: str = Field("<text>", max_length=255, description="The name the result carries, as a file name would")


class LintDocument(BaseModel):
    """Exactly `noteassist lint --format json` for one note (docs/json-format.md)."""

    version: int
    files: list[dict[str, Any]]


class ExportRequest(BaseModel):
    """One source: visit facts (drafted first), a draft version, or a signed note (with its addenda)."""

    facts: AnyFacts | None = None
    template: str | None = Field(None, description="With facts: the template; default: the facts' note type")
    draft_id: Id | None = None
    version: Id | None = Field(None, description="With draft_id: the version; default: the newest")
    note_id: Id | None = None


# -- accounts ----------------------------------------------------------------------------------------------------
Role = Literal["case_manager", "supervisor", "admin", "auditor"]


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    role: Role
    display_name: str | None = Field(None, max_length=200)


class UserOut(Out):
    id: int
    username: str
    display_name: str | None
    role: str
    active: bool
    created_at: datetime


class TokenCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200, description="What the token is for")


class TokenOut(Out):
    id: int
    user_id: int
    name: str
    created_at: datetime
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The token itself: shown this once, only its SHA-256 is stored")


# -- caseload ----------------------------------------------------------------------------------------------------
class ClaimCreate(BaseModel):
    record: ClaimRecord = Field(description="The claim as a claim folder's claim.yaml holds it")
    assigned_to: list[str] = Field(default_factory=list, description="Usernames of the claim's case managers")


class Assignment(BaseModel):
    username: str = Field(min_length=1, max_length=64)


class ClaimOut(Out):
    id: int
    claim_number: str
    claimant_name: str
    data: dict[str, Any]
    assigned_to: list[str]
    created_at: datetime


class ContactCreate(BaseModel):
    facts: VisitFacts


class ContactOut(Out):
    id: int
    claim_id: int
    note_type: str
    schema_version: int
    contact_at: datetime
    facts: dict[str, Any]
    created_at: datetime


class DraftCreate(BaseModel):
    """A draft from a stored contact (rendered here, provenance kept) or from text the client wrote."""

    contact_id: Id | None = None
    text: str | None = Field(None, description="Omit with contact_id to draft the contact's note")
    template: str | None = None


class DraftSave(BaseModel):
    base_version: int = Field(ge=1, le=MAX_ID, description="The version this text edits; a stale one gets 409")
    text: str
    provenance: list[SentenceSource] | None = Field(None, description="Each sentence's fact fields, if the client "
                                                                      "keeps them (POST /render gives them); "
                                                                      "omitted: carried forward from base_version's")


class VersionOut(Out):
    draft_id: int
    version: int
    text: str
    provenance: list[SentenceSource] | None
    saved_at: datetime
    saved_by: int


class VersionSummary(Out):
    version: int
    saved_at: datetime
    saved_by: int


class DraftSummary(Out):
    id: int
    claim_id: int
    contact_id: int | None
    template: str | None
    status: str = Field(description="open (takes saves) or signed")
    current_version: int
    created_at: datetime
    created_by: int


class DraftOut(DraftSummary):
    """A draft with one version's text (default: the newest) and the list of every version."""

    version: int = Field(description="The version whose text this is")
    text: str
    provenance: list[SentenceSource] | None
    saved_at: datetime
    saved_by: int
    versions: list[VersionSummary]


class SignRequest(BaseModel):
    version: int = Field(ge=1, le=MAX_ID, description="The version signed: it must be the draft's newest")
    override_reason: str | None = Field(None, max_length=2000, description="Why the note is signed while "
                                        "error-level findings remain (without it: 422 `unresolved_findings`)")


class AddendumCreate(BaseModel):
    text: str = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=2000)


class AddendumOut(Out):
    id: int
    note_id: int
    author_id: int
    created_at: datetime
    reason: str
    text: str
    sha256: str


class NoteOut(Out):
    id: int
    claim_id: int
    contact_id: int | None
    draft_id: int
    draft_version: int
    text: str
    sha256: str
    signer_id: int
    signed_at: datetime
    contact_at: datetime | None
    late_entry: bool
    sign_override_reason: str | None = Field(None, description="Why it was signed with error findings open")
    sign_findings: list[dict[str, Any]] | None = Field(
        None, description="The error-level findings open when signed ({code, severity, quote}); null when the "
                          "note was signed before the check existed")
    addenda: list[AddendumOut]


class AuditEventOut(Out):
    id: int
    at: datetime
    actor_id: int | None
    action: str
    entity: str
    entity_id: str | None
    prev_hash: str
    hash: str


# -- finding dismissals and rules (issue 12) ---------------------------------------------------------------------
class DismissalCreate(BaseModel):
    """Dismiss one finding of a draft version with the reason; the finding is its rule code and its quote."""

    version: int = Field(ge=1, le=MAX_ID, description="The draft version the finding was shown on")
    code: str = Field(min_length=1, max_length=16, description="The finding's rule code, e.g. NA201")
    quote: str = Field(max_length=2000, description="The flagged text; for a missing element, the element's id")
    start: int = Field(ge=0, le=2**31 - 1, description="The finding's start offset in that version's text")
    end: int = Field(ge=0, le=2**31 - 1, description="The finding's end offset")
    reason: str = Field(min_length=1, max_length=2000, description="Why the finding does not apply")


class DismissalOut(Out):
    id: int
    draft_id: int
    version: int
    code: str
    quote: str
    start: int
    end: int
    reason: str
    user_id: int
    created_at: datetime


class RuleOut(BaseModel):
    """A lint rule as `noteassist rule CODE` explains it."""

    code: str
    name: str
    category: str
    severity: str = Field(description="Its severity under the server's configuration")
    enabled: bool
    summary: str
    explanation: str
    bad: str
    good: str
    source: str
