"""Quick capture: who, when, one line from a phone -> an open draft that keeps the real contact time, so a
note signed later is a late entry measured from that time; field errors shown at the field."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from service.service_api import claim_json
from sqlalchemy import select

from noteassist.storage import Draft, Note, make_engine, session_factory

from .web_client import form_csrf, start_web


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    yield from start_web(tmp_path_factory.mktemp("web-capture"))


@pytest.fixture(scope="module")
def claim_id(web):
    response = web.api.post("alice", "/v1/claims", json={"record": claim_json()})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def capture(web, client, **fields):
    form = client.get("/capture")
    assert form.status_code == 200
    return client.post("/capture", data={"csrf": form_csrf(form.text), **fields})


def test_a_capture_becomes_a_draft_with_the_real_contact_time(web, claim_id):
    alice = web.signed_in("alice")
    when = (datetime.now() - timedelta(days=2)).replace(second=0, microsecond=0)
    response = capture(web, alice, claim=str(claim_id), who="Dr. Lee's office", when=when.strftime("%Y-%m-%dT%H:%M"),
                       line="left a message to confirm Tuesday's appointment")
    assert response.status_code == 303
    draft_id = int(re.search(r"captured=(\d+)", response.headers["location"]).group(1))
    done = alice.get(response.headers["location"])
    assert f'href="/drafts/{draft_id}"' in done.text and 'id="capture-done"' in done.text
    engine = make_engine(web.api.url)
    try:
        with session_factory(engine)() as session:
            draft = session.get(Draft, draft_id)
            assert draft.contact_id is None and draft.status == "open"
            assert draft.contact_at == when.astimezone(UTC)
            assert draft.capture == {"who": "Dr. Lee's office", "when": when.astimezone().isoformat(timespec="minutes"),
                                     "line": "left a message to confirm Tuesday's appointment"}
    finally:
        engine.dispose()
    draft = web.api.get("alice", f"/v1/drafts/{draft_id}").json()
    assert "Dr. Lee's office" in draft["text"] and "Left a message to confirm Tuesday's appointment." in draft["text"]
    # The day view lists it as a contact without a signed note, 48 hours old: a warning.
    day = alice.get("/").text
    item = re.search(rf'<li[^>]*>(?:(?!</li>).)*?/drafts/{draft_id}/complete.*?</li>', day, re.DOTALL).group(0)
    assert "level-warning" in item and re.search(r"\b4[78] hours since the contact", item)
    # Signed now, the note is a late entry against the captured time, not the draft's creation.
    signed = web.api.post("alice", f"/v1/drafts/{draft_id}/sign", json={"version": 1})
    assert signed.status_code in (200, 201), signed.text
    engine = make_engine(web.api.url)
    try:
        with session_factory(engine)() as session:
            note = session.scalar(select(Note).where(Note.draft_id == draft_id))
            assert note.late_entry is True and note.contact_at == when.astimezone(UTC)
    finally:
        engine.dispose()


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"who": "", "line": "x"}, "who", "say who the contact was with"),
    ({"who": "Dr. Lee", "line": " "}, "line", "write one line about the contact"),
    ({"who": "Dr. Lee", "line": "x", "when": "yesterday-ish"}, "when", "expected a date and time"),
    ({"who": "Dr. Lee", "line": "x", "when": "2999-01-01T10:00"}, "when", "is in the future"),
    ({"who": "Dr. Lee", "line": "x", "when": ""}, "when", "give the date and time of the contact"),
    ({"who": "Dr. Lee", "line": "x", "claim": ""}, "claim", "choose the claim"),
])
def test_bad_fields_are_shown_at_the_field_and_nothing_is_saved(web, claim_id, fields, field, message):
    alice = web.signed_in("alice")
    before = len(web.api.get("alice", f"/v1/claims/{claim_id}/drafts").json())
    data = {"claim": str(claim_id), "when": datetime.now().strftime("%Y-%m-%dT%H:%M"), **fields}
    response = capture(web, alice, **data)
    assert response.status_code == 422
    ids = {"who": "capture-who", "line": "capture-line", "when": "capture-when", "claim": "capture-claim"}
    assert re.search(rf'id="{ids[field]}"[^>]*aria-invalid="true" aria-describedby="{field}-error"', response.text)
    assert f'id="{field}-error"' in response.text and message in response.text
    assert len(web.api.get("alice", f"/v1/claims/{claim_id}/drafts").json()) == before


def test_only_the_claims_case_manager_captures(web, claim_id):
    bob = web.signed_in("bob")
    response = capture(web, bob, claim=str(claim_id), who="x", line="y", when=datetime.now().strftime("%Y-%m-%dT%H:%M"))
    assert response.status_code == 422 and "no such claim on your caseload" in response.text
    sue = web.signed_in("sue").get("/capture")
    assert "Only a claim's case manager logs contacts." in sue.text


def test_a_claim_in_the_address_is_chosen_in_the_form(web, claim_id):
    form = web.signed_in("alice").get(f"/capture?claim={claim_id}").text
    assert re.search(rf'<option value="{claim_id}" selected>', form)


def test_capture_needs_the_csrf_token(web, claim_id):
    alice = web.signed_in("alice")
    response = alice.post("/capture", data={"claim": str(claim_id), "who": "x", "line": "y",
                                            "when": datetime.now().strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 403


def test_attach_contact_makes_the_completed_contact_the_drafts_own(web, claim_id):
    from noteassist.app.capture import attach_contact, quick_capture
    from noteassist.app.errors import NotFound
    from noteassist.storage import Contact, User

    engine = make_engine(web.api.url)
    try:
        with session_factory(engine)() as session, session.begin():
            alice = session.scalar(select(User).where(User.username == "alice"))
            bob = session.scalar(select(User).where(User.username == "bob"))
            when = datetime.now(UTC) - timedelta(hours=3)
            draft = quick_capture(session, alice, claim_id, "the adjuster", when, "asked about the FCE")
            contact = Contact(claim_id=claim_id, facts={}, schema_version=2, note_type="telephonic", contact_at=when,
                              created_by=alice.id)
            session.add(contact)
            session.flush()
            with pytest.raises(NotFound):
                attach_contact(session, bob, draft.id, contact.id)
            attach_contact(session, alice, draft.id, contact.id)
            assert draft.contact_id == contact.id and draft.contact_at == when
    finally:
        engine.dispose()
