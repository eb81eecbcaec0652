"""The page routes: sign-in and sign-out, the session keep-alive, the day at a glance, quick capture, claims
and the supervisor's view. Each is a thin route: the use cases in noteassist.app check roles and audit."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ...adjuster.claim import facts_contact
from ...app import caseload, signin_guard, websessions
from ...app.errors import Invalid, NotFound, Unauthorized
from ...app.websessions import SessionExpired
from ...storage.models import utcnow
from ..deps import Database, ModelsDep, RuntimeDep, SettingsDep
from ..schemas import PathId
from .session import (
    PAGE_HEADERS,
    SESSION_COOKIE,
    WebUser,
    clear_session_cookie,
    cookie_secure,
    page,
    require_csrf,
    resolve,
    safe_next,
    set_session_cookie,
)

router = APIRouter()

#: The sign-in form's own CSRF token (there is no session yet): a cookie the form must echo.
SIGNIN_COOKIE = "na_signin"


# -- sign-in ----------------------------------------------------------------------------------------------------
def _signin_form(request: Request, settings: Any, *, next_path: str, status_code: int = 200, error: str | None = None,
                 field: str | None = None, username: str = "", notice: str | None = None) -> Response:
    form_token = secrets.token_urlsafe(32)
    response = page(request, "signin.html", status_code=status_code, user=None, csrf_token=form_token, nav=None,
                    next_path=next_path, error=error, error_field=field, username=username, notice=notice)
    response.set_cookie(SIGNIN_COOKIE, form_token, httponly=True, samesite="strict", path="/signin",
                        secure=cookie_secure(request, settings))
    return response


def _address_limiter(request: Request, settings: Any) -> signin_guard.AddressLimiter:
    limiter = getattr(request.app.state, "signin_limiter", None)
    if limiter is None:
        limiter = request.app.state.signin_limiter = signin_guard.AddressLimiter(
            settings.signin_address_failures, timedelta(minutes=settings.signin_window_minutes))
    return limiter


@router.get("/signin")
async def signin_page(request: Request, db: Database, settings: SettingsDep,
                      next: Annotated[str | None, Query(max_length=2000)] = None,
                      expired: Annotated[str | None, Query(max_length=10)] = None,
                      signed_out: Annotated[str | None, Query(max_length=10)] = None) -> Response:
    next_path = safe_next(next)
    token = request.cookies.get(SESSION_COOKIE)
    if expired and token:
        # The page's idle timer ran out: the session ends now, whatever the server's clock still allows.
        await db.run(None, lambda s, _: websessions.end_session(s, token))
    elif token:
        try:
            await resolve(request, db, settings)
            return RedirectResponse(next_path, status_code=303)
        except Unauthorized:
            pass
    notice = None
    if expired:
        notice = f"You were signed out after {settings.idle_minutes:g} minutes without activity. Sign in to go on."
    elif signed_out:
        notice = "You are signed out."
    response = _signin_form(request, settings, next_path=next_path, notice=notice)
    if token:
        clear_session_cookie(response, request, settings)
    return response


@router.post("/signin")
async def sign_in(request: Request, db: Database, settings: SettingsDep,
                  username: Annotated[str, Form(max_length=200)] = "",
                  password: Annotated[str, Form(max_length=1000)] = "",
                  token: Annotated[str, Form(max_length=300)] = "",
                  next: Annotated[str, Form(max_length=2000)] = "/",
                  csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    next_path = safe_next(next)
    expected = request.cookies.get(SIGNIN_COOKIE)
    if not expected or not websessions.csrf_matches(expected, csrf):
        return _signin_form(request, settings, next_path=next_path, status_code=400, username=username,
                            error="The sign-in form had expired. Please sign in again.")
    address = request.client.host if request.client else "unknown"
    limiter = _address_limiter(request, settings)
    window = timedelta(minutes=settings.signin_window_minutes)

    def guarded_sign_in(s, _):
        limiter.check(address)
        if username and not token:
            until = signin_guard.account_locked_until(s, username, max_failures=settings.signin_max_failures,
                                                      window=window)
            if until is not None:
                raise signin_guard.Locked(until, "account")
        return websessions.sign_in(s, username, password, token)

    try:
        _, plaintext = await db.run(None, guarded_sign_in)
    except signin_guard.Locked as exc:
        whose = "this account" if exc.scope == "account" else "this computer's address"
        response = _signin_form(request, settings, next_path=next_path, status_code=429, username=username,
                                error=f"Too many failed sign-ins for {whose}. Try again in "
                                      f"{exc.minutes_left(utcnow())} minutes, or ask an administrator.",
                                field="token" if token else "password")
        response.headers["Retry-After"] = str(max(1, int((exc.until - utcnow()).total_seconds())))
        return response
    except Invalid as exc:
        return _signin_form(request, settings, next_path=next_path, status_code=422, username=username,
                            error=exc.detail[:1].upper() + exc.detail[1:] + ".", field=exc.field)
    except Unauthorized:
        limiter.failed(address)
        if username and not token:
            await db.run(None, lambda s, _: signin_guard.record_failure(s, username))
        message = "That API token is unknown or revoked." if token else "Wrong username or password."
        return _signin_form(request, settings, next_path=next_path, status_code=401, username=username,
                            error=message, field="token" if token else "password")
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, request, settings, plaintext)
    response.delete_cookie(SIGNIN_COOKIE, path="/signin")
    return response


@router.post("/signout")
async def sign_out(request: Request, db: Database, settings: SettingsDep,
                   csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    try:
        signed_in = await resolve(request, db, settings)
    except Unauthorized:  # already ended or idle: nothing to end, just forget the cookie
        signed_in = None
    if signed_in is not None:
        if not websessions.csrf_matches(signed_in.csrf_token, csrf):
            return page(request, "error.html", status_code=403, title="Not signed out",
                        message="This sign-out form had expired; reload the page and press Sign out again.",
                        code="csrf")
        await db.run(None, lambda s, _: websessions.end_session(s, token))
    response = RedirectResponse("/signin?signed_out=1", status_code=303)
    clear_session_cookie(response, request, settings)
    return response


@router.post("/session/keepalive")
async def keepalive(request: Request, db: Database, settings: SettingsDep) -> Response:
    """"Stay signed in": the session's last use becomes now. JSON, for session.js; 401 once it has ended."""
    try:
        signed_in = await resolve(request, db, settings)
        await require_csrf(request, signed_in)
        await resolve(request, db, settings, force_touch=True)
    except SessionExpired as exc:
        return JSONResponse({"error": {"code": "session_expired", "message": exc.message, "field": None}}, 401)
    except Unauthorized as exc:
        return JSONResponse({"error": {"code": "unauthorized", "message": exc.message, "field": None}}, 401)
    return JSONResponse({"idle_minutes": settings.idle_minutes,
                         "touch_seconds": websessions.touch_interval(settings.idle_minutes)},
                        headers=PAGE_HEADERS)



# -- the day at a glance -----------------------------------------------------------------------------------------
@router.get("/")
async def day_page(request: Request, user: WebUser, db: Database, settings: SettingsDep) -> Response:
    from ...app.day import day_at_a_glance

    if user.role not in ("case_manager", "supervisor"):
        return page(request, "day.html", nav="today", day=None)
    day = await db.run(user, lambda s, actor: day_at_a_glance(
        s, actor, warn_hours=settings.unsigned_warn_hours, error_hours=settings.unsigned_error_hours))
    return page(request, "day.html", nav="today", day=day, warn_hours=settings.unsigned_warn_hours,
                error_hours=settings.unsigned_error_hours)


# -- claims ------------------------------------------------------------------------------------------------------
@router.get("/claims")
async def claims_page(request: Request, user: WebUser, db: Database) -> Response:
    claims = await db.run(user, lambda s, actor: [_claim_row(c) for c in caseload.list_claims(s, actor)])
    return page(request, "claims.html", nav="claims", claims=claims)


def _claim_row(claim: Any) -> dict[str, Any]:
    return {"id": claim.id, "number": claim.claim_number, "claimant": claim.claimant_name,
            "assigned": sorted(a.user.username for a in claim.assignments)}


@router.get("/claims/{claim_id}")
async def claim_page(request: Request, claim_id: PathId, user: WebUser, db: Database, runtime: RuntimeDep) -> Response:
    def work(s: Any, actor: Any) -> dict[str, Any]:
        claim = caseload.get_claim(s, actor, claim_id)
        contacts = caseload.list_contacts(s, actor, claim_id)
        drafts = caseload.list_drafts(s, actor, claim_id)
        notes = caseload.list_notes(s, actor, claim_id)
        record = caseload.claim_record(claim)
        return {"claim": _claim_row(claim), "record": record,
                "contacts": [_contact_row(c) for c in contacts],
                "drafts": drafts, "notes": notes,
                "draft_of_contact": {d.contact_id: d for d in drafts if d.contact_id is not None},
                "note_of_contact": {n.contact_id: n for n in notes if n.contact_id is not None}}

    data = await db.run(user, work)
    today = date.today()
    last = data["record"].previous_report.date if data["record"].previous_report else None
    report_from = (last + timedelta(days=1)) if last else (today - timedelta(days=data["record"].report_cadence_days))
    templates = await runtime.compute(note_templates, runtime.settings.template_dirs)
    return page(request, "claim.html", nav="claims", templates=templates, report_from=report_from,
                report_to=today, can_write=user.role == "case_manager", **data)


def _contact_row(contact: Any) -> dict[str, Any]:
    facts = caseload.contact_facts(contact)
    party = facts_contact(facts, "", "").party
    return {"id": contact.id, "at": contact.contact_at, "note_type": contact.note_type, "party": party,
            "purpose": facts.encounter.purpose}


def note_templates(template_dirs: Any = ()) -> list[str]:
    """The note templates a new contact can be drafted with: the agency's own and the shipped ones, by name."""
    from ...facts.models import VisitFacts
    from ...render import list_templates

    # A contact of a claim is workers' compensation facts: no template that needs a client (schema 3).
    return [t.name for t in list_templates(template_dirs) if t.drafts_from(VisitFacts)]


@router.post("/claims/{claim_id}/contacts/{contact_id}/draft")
async def draft_contact(request: Request, claim_id: PathId, contact_id: PathId, user: WebUser, db: Database,
                        runtime: RuntimeDep) -> Response:
    """Start the note of a stored contact: its draft from the facts (as POST /v1/claims/{id}/drafts makes
    it), then the draft's page. A contact that has an open draft goes to that one."""
    from ...app.draft import draft_rendered
    from ...render import provenance_map

    time_format, template_dirs = runtime.settings.lint.time_format, runtime.settings.template_dirs

    def work(s: Any, actor: Any) -> int:
        existing = next((d for d in caseload.list_drafts(s, actor, claim_id)
                         if d.contact_id == contact_id and d.status == "open"), None)
        if existing is not None:
            return existing.id
        contact = caseload.get_contact(s, actor, contact_id)
        if contact.claim_id != claim_id:
            raise NotFound("contact", contact_id)
        note = draft_rendered(caseload.contact_facts(contact), None, template_dirs, time_format=time_format)
        version = caseload.create_draft(s, actor, claim_id, contact_id, note.text,
                                        provenance_map(note)["sentences"], note.template)
        return version.draft_id

    draft_id = await db.run(user, work)
    return RedirectResponse(f"/drafts/{draft_id}", status_code=303)


# -- quick capture -----------------------------------------------------------------------------------------------
def _local_now_minute() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%dT%H:%M")


def _parse_when(value: str) -> datetime | None:
    """An <input type="datetime-local"> value ("2026-12-02T09:30"), in the server's zone as contacts are."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.astimezone()


async def _capture_form(request: Request, user: Any, db: Any, *, status_code: int = 200, errors: dict | None = None,
                        values: dict | None = None, captured: Any = None) -> Response:
    claims = await db.run(user, lambda s, actor: [_claim_row(c) for c in caseload.list_claims(s, actor)])
    values = {"claim": request.query_params.get("claim", ""), "when": _local_now_minute(), "who": "", "line": "",
              **(values or {})}
    return page(request, "capture.html", status_code=status_code, nav="capture", claims=claims, values=values,
                errors=errors or {}, captured=captured, can_write=user.role == "case_manager")


@router.get("/capture")
async def capture_page(request: Request, user: WebUser, db: Database,
                       captured: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Response:
    done = None
    if captured is not None:
        draft, _ = await db.run(user, lambda s, actor: caseload.get_draft(s, actor, captured))
        done = {"draft_id": draft.id, "claim_id": draft.claim_id}
    return await _capture_form(request, user, db, captured=done)


@router.post("/capture")
async def capture(request: Request, user: WebUser, db: Database, settings: SettingsDep,
                  claim: Annotated[str, Form(max_length=20)] = "",
                  who: Annotated[str, Form(max_length=1000)] = "",
                  when: Annotated[str, Form(max_length=40)] = "",
                  line: Annotated[str, Form(max_length=10000)] = "") -> Response:
    """Log a contact in three fields; it becomes a draft that keeps the contact's real time."""
    from ...app.capture import quick_capture

    values = {"claim": claim, "who": who, "when": when, "line": line}
    claim_id = int(claim) if claim.isdigit() and 0 < int(claim) < 2**31 else None
    if claim_id is None:
        return await _capture_form(request, user, db, status_code=422, values=values,
                                   errors={"claim": "choose the claim the contact was about"})
    contact_at = _parse_when(when) if when else None
    if when and contact_at is None:
        return await _capture_form(request, user, db, status_code=422, values=values,
                                   errors={"when": "expected a date and time, such as 2026-12-02 09:30"})
    time_format = settings.lint.time_format
    try:
        draft_id = await db.run(user, lambda s, actor: quick_capture(
            s, actor, claim_id, who, contact_at, line, time_format=time_format).id)
    except Invalid as exc:
        return await _capture_form(request, user, db, status_code=422, values=values,
                                   errors={exc.field: exc.detail})
    except NotFound:
        return await _capture_form(request, user, db, status_code=422, values=values,
                                   errors={"claim": "no such claim on your caseload"})
    return RedirectResponse(f"/capture?captured={draft_id}", status_code=303)


# -- the supervisor's review -------------------------------------------------------------------------------------
#: Findings of signed notes, by (sha256, note type): a signed note never changes, so neither do they (per process).
_NOTE_FINDINGS: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
_NOTE_FINDINGS_MAX = 2000


def _findings_of(linter: Any, text: str, sha256: str, note_type: str | None) -> list[dict[str, Any]]:
    from ...app.lint import lint_text

    key = (sha256, note_type)
    if key not in _NOTE_FINDINGS:
        result = lint_text(linter, text, path="note", note_type=note_type)
        found = [{"code": f.rule, "severity": f.severity, "category": f.category, "message": f.message,
                  "quote": f.text} for f in result.findings]
        if len(_NOTE_FINDINGS) >= _NOTE_FINDINGS_MAX:
            _NOTE_FINDINGS.pop(next(iter(_NOTE_FINDINGS)))
        _NOTE_FINDINGS[key] = found
    return _NOTE_FINDINGS[key]


@router.get("/supervisor")
async def supervisor_page(request: Request, user: WebUser, db: Database, runtime: RuntimeDep, models: ModelsDep,
                          author: Annotated[str | None, Query(max_length=64)] = None,
                          days: Annotated[int, Query(ge=1, le=3660)] = 30) -> Response:
    """Notes by author with their findings (linted now, by the editor's engine) and the dismissals made on
    their drafts; each note opens read-only."""
    from ...app.review import notes_by_author

    since = date.today() - timedelta(days=days)
    authors = await db.run(user, lambda s, actor: notes_by_author(s, actor, since=since, author=author or None))

    def lint_all() -> dict[int, list[dict[str, Any]]]:
        return {n.id: _findings_of(models.notes, n.text, n.sha256, n.note_type) for a in authors for n in a.notes}

    findings = await runtime.compute(lint_all)
    return page(request, "supervisor.html", nav="supervisor", authors=authors, findings=findings,
                author=author or "", days=days, since=since)
