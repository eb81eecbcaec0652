"""Signing with the findings check (app/signing.py through POST /v1/drafts/{id}/sign): error-level findings
block signing unless dismissed with a reason or overridden with one, which the note keeps and the audit
trail records (ids only); a note with no error findings signs as it always did."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from service.service_api import claim_json, error_code, start_api
from sqlalchemy import select, update

from noteassist.storage import (
    Draft,
    FindingDismissal,
    User,
    make_engine,
    session_factory,
)

CLEAN = "Called the adjuster.\n"
#: A full SSN is an error-level privacy finding (NA901).
WITH_SSN = "Called the adjuster. The worker's SSN is 123-45-6789.\n"
SSN = "123-45-6789"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    yield from start_api(tmp_path_factory.mktemp("signing"))


@pytest.fixture(scope="module")
def claim(api):
    response = api.post("alice", "/v1/claims", json={"record": claim_json()})
    assert response.status_code == 201, response.text
    return response.json()


def new_draft(api, claim, text: str) -> dict:
    response = api.post("alice", f"/v1/claims/{claim['id']}/drafts", json={"text": text})
    assert response.status_code == 201, response.text
    return response.json()


def sign(api, draft_id: int, who: str = "alice", **body):
    return api.post(who, f"/v1/drafts/{draft_id}/sign", json={"version": 1, **body})


def dismiss(api, draft_id: int, code: str, quote: str, start: int, reason: str) -> None:
    """A finding_dismissals row as POST /v1/drafts/{id}/dismissals stores it (written directly: this test
    is about what signing makes of one)."""
    with database(api) as session:
        alice = session.scalar(select(User).where(User.username == "alice"))
        session.add(FindingDismissal(draft_id=draft_id, version=1, code=code, quote=quote, start=start,
                                     end=start + len(quote), reason=reason, user_id=alice.id))


@contextmanager
def database(api):
    engine = make_engine(api.url)
    try:
        with session_factory(engine)() as session, session.begin():
            yield session
    finally:
        engine.dispose()


def test_a_note_without_error_findings_signs_as_before(api, claim):
    draft = new_draft(api, claim, CLEAN)
    response = sign(api, draft["id"])
    assert response.status_code == 201, response.text
    note = response.json()
    assert note["text"] == CLEAN and note["sign_override_reason"] is None and note["sign_findings"] == []


def test_an_error_finding_refuses_signing_and_names_its_code_and_the_field(api, claim):
    draft = new_draft(api, claim, WITH_SSN)
    response = sign(api, draft["id"])
    assert response.status_code == 422 and error_code(response) == "unresolved_findings"
    error = response.json()["error"]
    assert error["field"] == "override_reason"
    assert "1 error-level finding" in error["message"] and "NA901" in error["message"]
    assert [(f["code"], f["quote"]) for f in error["findings"]] == [("NA901", SSN)]
    assert WITH_SSN[error["findings"][0]["start"]:error["findings"][0]["end"]] == SSN
    # Nothing was signed: the draft still takes saves.
    assert api.get("alice", f"/v1/drafts/{draft['id']}").json()["status"] == "open"
    saved = api.put("alice", f"/v1/drafts/{draft['id']}", json={"base_version": 1, "text": CLEAN})
    assert saved.status_code == 200, saved.text
    # Fixed in version 2: it signs without a reason.
    fixed = api.post("alice", f"/v1/drafts/{draft['id']}/sign", json={"version": 2})
    assert fixed.status_code == 201 and fixed.json()["sign_findings"] == []


def test_an_override_reason_signs_and_the_note_keeps_it_with_the_findings_and_the_audit_has_ids_only(api, claim):
    draft = new_draft(api, claim, WITH_SSN)
    reason = "claimant asked that it be recorded 8812"
    response = sign(api, draft["id"], override_reason=f"  {reason}  ")
    assert response.status_code == 201, response.text
    note = response.json()
    assert note["sign_override_reason"] == reason
    assert note["sign_findings"] == [{"code": "NA901", "severity": "error", "quote": SSN}]
    read = api.get("sue", f"/v1/notes/{note['id']}").json()
    assert read["sign_override_reason"] == reason and read["sign_findings"] == note["sign_findings"]
    events = api.get("audrey", "/v1/audit?limit=1000").json()
    override = [e for e in events if e["action"] == "note.sign_override"]
    assert [(e["entity"], e["entity_id"]) for e in override] == [("note", str(note["id"]))]
    assert "8812" not in str(events) and SSN not in str(events)


def test_a_finding_dismissed_with_a_reason_does_not_block(api, claim):
    draft = new_draft(api, claim, WITH_SSN)
    start = WITH_SSN.index(SSN)
    dismiss(api, draft["id"], "NA901", SSN, start, "a claim reference, not an SSN")
    response = sign(api, draft["id"])
    assert response.status_code == 201, response.text
    assert response.json()["sign_override_reason"] is None and response.json()["sign_findings"] == []


def test_a_dismissal_of_other_text_does_not_cover_the_finding(api, claim):
    draft = new_draft(api, claim, WITH_SSN)
    dismiss(api, draft["id"], "NA901", "987-65-4321", 0, "another number")
    assert error_code(sign(api, draft["id"])) == "unresolved_findings"


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_an_empty_or_overlong_override_reason_is_refused_at_its_field(api, claim, reason):
    draft = new_draft(api, claim, WITH_SSN)
    response = sign(api, draft["id"], override_reason=reason)
    assert response.status_code == 422 and response.json()["error"]["field"] == "override_reason"
    assert api.get("alice", f"/v1/drafts/{draft['id']}").json()["status"] == "open"


def test_roles_and_stale_versions_answer_as_before_even_with_error_findings(api, claim):
    draft = new_draft(api, claim, WITH_SSN)
    assert sign(api, draft["id"], who="bob").status_code == 404
    assert sign(api, draft["id"], who="sue").status_code == 403
    assert sign(api, draft["id"], who="audrey").status_code == 403
    stale = api.post("alice", f"/v1/drafts/{draft['id']}/sign", json={"version": 2})
    assert stale.status_code == 409 and error_code(stale) == "conflict"
    assert sign(api, draft["id"], override_reason="ok").status_code == 201
    again = sign(api, draft["id"], override_reason="ok")
    assert again.status_code == 409 and error_code(again) == "conflict"


def test_a_quick_capture_draft_is_a_late_entry_by_its_own_contact_time(api, claim):
    """A draft with no stored contact keeps the real contact time in drafts.contact_at (quick capture)."""
    draft = new_draft(api, claim, CLEAN)
    contact_at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    with database(api) as session:
        session.execute(update(Draft).where(Draft.id == draft["id"]).values(contact_at=contact_at))
    note = sign(api, draft["id"]).json()
    assert note["late_entry"] is True
    assert datetime.fromisoformat(note["contact_at"]) == contact_at
