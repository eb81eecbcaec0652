"""The signed note's page (/notes/{id}) and the DOCX downloads (/notes/{id}/document.docx,
/drafts/{id}/document.docx) with the session cookie; signing and addenda as the page's scripts make them
(the /v1 API with the cookie and the CSRF header)."""

from __future__ import annotations

import html
import io
import re
from datetime import datetime

import pytest
from service.service_api import CLAIM, claim_json, error_code, facts_json

from .web_client import meta_csrf, start_web

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "Called the adjuster <Ms. Lee> about the MRI & the work status.\n"
WITH_SSN = "Called the adjuster. The worker's SSN is 123-45-6789.\n"


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    yield from start_web(tmp_path_factory.mktemp("note-pages"))


@pytest.fixture(scope="module")
def claim(web):
    api = web.api
    claim = api.post("alice", "/v1/claims", json={"record": claim_json()}).json()
    facts = facts_json(CLAIM / "2026-11-20-physician-visit.yaml")
    claim["contact"] = api.post("alice", f"/v1/claims/{claim['id']}/contacts", json={"facts": facts}).json()
    return claim


@pytest.fixture(scope="module")
def alice(web):
    return web.signed_in("alice")


@pytest.fixture(scope="module")
def note(web, claim):
    """A late entry (the contact was 2026-11-20), signed over an open error with a reason, with an addendum
    by the supervisor."""
    api = web.api
    draft = api.post("alice", f"/v1/claims/{claim['id']}/drafts",
                     json={"contact_id": claim["contact"]["id"], "text": TEXT + WITH_SSN}).json()
    signed = api.post("alice", f"/v1/drafts/{draft['id']}/sign",
                      json={"version": 1, "override_reason": "number read out by the adjuster"})
    assert signed.status_code == 201, signed.text
    note = signed.json()
    added = api.post("sue", f"/v1/notes/{note['id']}/addenda",
                     json={"text": "Adjuster confirmed the MRI date.", "reason": "late information"})
    assert added.status_code == 201, added.text
    return note


def section(page: str, element_id: str) -> str:
    """The inner HTML of the element with `element_id` (one that holds no element of its own tag)."""
    match = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', page, re.DOTALL)
    assert match, f"no #{element_id}"
    return match.group(2)


def test_the_note_page_shows_the_signed_text_signer_late_entry_override_and_addenda(alice, note):
    response = alice.get(f"/notes/{note['id']}")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    page = response.text
    # The text as signed, escaped (never markup), and read-only: no editor, no form field holds it.
    assert html.unescape(section(page, "note-text")) == note["text"]
    assert "&lt;Ms. Lee&gt;" in page and "<Ms. Lee>" not in page
    assert 'contenteditable' not in page
    assert section(page, "note-signer").strip() == "Alice"
    late = section(page, "late-entry")
    assert "Late entry" in late and "2026-11-20" in late and note["signed_at"][:10] in late
    assert "number read out by the adjuster" in page and "NA901" in page
    # Times in the server's time zone, named, as on the day page (not UTC on one page and local on another).
    signed_at = datetime.fromisoformat(note["signed_at"].replace("Z", "+00:00")).astimezone()
    assert section(page, "note-signed-at") == signed_at.strftime("%b %-d, %Y %H:%M %Z")
    addenda = section(page, "addenda")
    assert "Sue" in addenda and "late information" in addenda and "Adjuster confirmed the MRI date." in addenda
    assert 'id="addendum-button"' in page and ">Add addendum<" in page
    assert f'href="/notes/{note["id"]}/document.docx"' in page and ">Download DOCX<" in page
    for label in ('for="addendum-text"', 'for="addendum-reason"'):
        assert label in page


def test_the_note_page_needs_a_session_and_the_claim(web, note):
    anonymous = web.browser()
    response = anonymous.get(f"/notes/{note['id']}")
    assert response.status_code == 303 and response.headers["location"] == f"/signin?next=/notes/{note['id']}"
    bob = web.signed_in("bob")
    for path in (f"/notes/{note['id']}", f"/notes/{note['id']}/document.docx",
                 f"/drafts/{note['draft_id']}/document.docx", "/notes/99999"):
        response = bob.get(path)
        assert response.status_code == 404, path
        assert "Ms. Lee" not in response.text and "123-45-6789" not in response.text
    assert web.signed_in("sue").get(f"/notes/{note['id']}").status_code == 200


def test_the_note_docx_is_the_signed_text_and_its_addenda_as_the_export_api_writes_it(web, alice, note):
    from noteassist.export import read_docx_text

    response = alice.get(f"/notes/{note['id']}/document.docx")
    assert response.status_code == 200 and response.headers["content-type"] == DOCX
    assert response.headers["content-disposition"] == f'attachment; filename="note-{note["id"]}.docx"'
    exported = web.api.post("alice", "/v1/export/docx", json={"note_id": note["id"]})
    assert read_docx_text(response.content) == read_docx_text(exported.content)
    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "Called the adjuster <Ms. Lee>" in text and "Adjuster confirmed the MRI date." in text
    assert "late information" in text


def test_the_draft_docx_is_a_version_of_the_draft(web, alice, claim):
    api = web.api
    draft = api.post("alice", f"/v1/claims/{claim['id']}/drafts", json={"text": "First version.\n"}).json()
    api.put("alice", f"/v1/drafts/{draft['id']}", json={"base_version": 1, "text": "Second version.\n"})
    from noteassist.export import read_docx_text

    newest = alice.get(f"/drafts/{draft['id']}/document.docx")
    assert newest.status_code == 200 and newest.headers["content-type"] == DOCX
    assert "Second version." in read_docx_text(newest.content)
    first = alice.get(f"/drafts/{draft['id']}/document.docx?version=1")
    assert "First version." in read_docx_text(first.content)
    assert alice.get(f"/drafts/{draft['id']}/document.docx?version=9").status_code == 404
    assert alice.get(f"/drafts/{draft['id']}/document.docx?version=0").status_code == 422


def test_signing_and_an_addendum_with_the_session_as_the_page_does(web, alice, claim, note):
    api = web.api
    draft = api.post("alice", f"/v1/claims/{claim['id']}/drafts", json={"text": WITH_SSN}).json()
    csrf = {"X-CSRF-Token": meta_csrf(alice.get(f"/notes/{note['id']}").text)}
    path = f"/v1/drafts/{draft['id']}/sign"
    assert error_code(alice.post(path, json={"version": 1})) == "csrf"
    refused = alice.post(path, json={"version": 1}, headers=csrf)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "unresolved_findings"
    signed = alice.post(path, json={"version": 1, "override_reason": "read out by the claimant"}, headers=csrf)
    assert signed.status_code == 201, signed.text
    note_id = signed.json()["id"]
    addenda = f"/v1/notes/{note_id}/addenda"
    assert error_code(alice.post(addenda, json={"text": "x", "reason": "y"})) == "csrf"
    bad = alice.post(addenda, json={"text": "More.", "reason": ""}, headers=csrf)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "reason"
    made = alice.post(addenda, json={"text": "The number was redacted at source.", "reason": "correction"},
                      headers=csrf)
    assert made.status_code == 201, made.text
    page = alice.get(f"/notes/{note_id}").text
    assert "The number was redacted at source." in section(page, "addenda")
    assert "No addenda." not in page


def test_a_signed_drafts_page_links_to_its_note(web, alice, note, claim):
    page = alice.get(f"/drafts/{note['draft_id']}")
    assert page.status_code == 200 and f'href="/drafts/{note["draft_id"]}/note"' in page.text
    assert 'id="sign-button"' not in page.text  # signed: nothing to sign, read-only
    response = alice.get(f"/drafts/{note['draft_id']}/note")
    assert response.status_code == 303 and response.headers["location"] == f"/notes/{note['id']}"
    unsigned = web.api.post("alice", f"/v1/claims/{claim['id']}/drafts", json={"text": "Open.\n"}).json()
    assert alice.get(f"/drafts/{unsigned['id']}/note").status_code == 404
    assert "Open the signed note" not in alice.get(f"/drafts/{unsigned['id']}").text
    assert 'id="sign-button"' in alice.get(f"/drafts/{unsigned['id']}").text
    assert web.signed_in("bob").get(f"/drafts/{note['draft_id']}/note").status_code == 404
