"""The claims list and claim page (contacts, drafts, notes, New-contact links per template, the report form),
starting a contact's draft from the page, the supervisor's view (notes by author with findings and
dismissals), static files from the package, and roles."""

from __future__ import annotations

import re

import pytest
from service.service_api import CLAIM, claim_json, facts_json

from .web_client import form_csrf, start_web

SSN_TEXT = "Called the adjuster. The worker's SSN is 123-45-6789.\n"


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    yield from start_web(tmp_path_factory.mktemp("web-pages"))


@pytest.fixture(scope="module")
def seeded(web):
    claim = web.api.post("alice", "/v1/claims", json={"record": claim_json()}).json()
    facts = facts_json(CLAIM / "2026-11-20-physician-visit.yaml")
    contact = web.api.post("alice", f"/v1/claims/{claim['id']}/contacts", json={"facts": facts})
    assert contact.status_code == 201, contact.text
    draft = web.api.post("alice", f"/v1/claims/{claim['id']}/drafts", json={"text": SSN_TEXT}).json()
    start = SSN_TEXT.index("123-45-6789")
    lint = web.api.post("alice", "/v1/lint", json={"text": SSN_TEXT}).json()
    codes = {f["rule"] for f in lint["files"][0]["findings"]}
    dismissed = next(f for f in lint["files"][0]["findings"] if f["severity"] != "error")
    made = web.api.post("alice", f"/v1/drafts/{draft['id']}/dismissals", json={
        "version": 1, "code": dismissed["rule"], "quote": dismissed["text"], "start": dismissed["start"],
        "end": dismissed["end"], "reason": "the adjuster asked for the call to be noted this way"})
    assert made.status_code == 201, made.text
    signed = web.api.post("alice", f"/v1/drafts/{draft['id']}/sign",
                          json={"version": 1, "override_reason": "the SSN is needed by the pharmacy"})
    assert signed.status_code == 201, signed.text
    return {"claim": claim, "contact": contact.json(), "note": signed.json(), "codes": codes, "start": start,
            "dismissed": dismissed}


def test_the_claims_list_is_the_caseload(web, seeded):
    alice = web.signed_in("alice").get("/claims")
    assert alice.status_code == 200 and f'href="/claims/{seeded["claim"]["id"]}"' in alice.text
    assert 'aria-current="page"' in alice.text
    assert f'href="/claims/{seeded["claim"]["id"]}"' not in web.signed_in("bob").get("/claims").text
    assert web.signed_in("audrey").get("/claims").status_code == 403


def test_the_claim_page_lists_contacts_drafts_notes_templates_and_the_report_form(web, seeded):
    claim_id = seeded["claim"]["id"]
    html = web.signed_in("alice").get(f"/claims/{claim_id}").text
    assert f'id="contact-{seeded["contact"]["id"]}"' in html
    assert f'href="/notes/{seeded["note"]["id"]}"' in html
    for template in ("physician-visit", "telephonic", "soap", "initial-assessment"):
        assert f'href="/claims/{claim_id}/contacts/new?template={template}"' in html
    form = re.search(r'<form method="get" action="/v1/claims/\d+/report".*?</form>', html, re.DOTALL).group(0)
    for name in ('name="from"', 'name="to"', 'name="kind"', 'name="format"'):
        assert name in form
    # The report form's GET works with the cookie (no CSRF token for a GET).
    alice = web.signed_in("alice")
    report = alice.get(f"/v1/claims/{claim_id}/report?from=2026-11-01&to=2026-11-30&kind=progress&format=docx")
    assert report.status_code == 200 and report.content[:2] == b"PK"
    # The supervisor reads the claim but writes no contact: no New-contact links, no draft button.
    sue = web.signed_in("sue").get(f"/claims/{claim_id}").text
    assert "/contacts/new?template=" not in sue and "Draft the note" not in sue


def test_draft_the_note_of_a_contact_from_the_claim_page(web, seeded):
    claim_id, contact_id = seeded["claim"]["id"], seeded["contact"]["id"]
    alice = web.signed_in("alice")
    page = alice.get(f"/claims/{claim_id}")
    action = f"/claims/{claim_id}/contacts/{contact_id}/draft"
    assert f'action="{action}"' in page.text
    response = alice.post(action, data={"csrf": form_csrf(page.text)})
    assert response.status_code == 303
    draft_id = int(response.headers["location"].rsplit("/", 1)[1])
    draft = web.api.get("alice", f"/v1/drafts/{draft_id}").json()
    assert draft["contact_id"] == contact_id and draft["provenance"]
    again = alice.post(action, data={"csrf": form_csrf(page.text)})  # the open draft, not a second one
    assert again.headers["location"] == f"/drafts/{draft_id}"
    bob = web.signed_in("bob")
    assert bob.post(action, data={"csrf": form_csrf(bob.get("/").text)}).status_code == 404


def test_the_supervisor_sees_notes_by_author_with_findings_and_dismissals(web, seeded):
    sue = web.signed_in("sue")
    html = sue.get("/supervisor").text
    assert 'href="/supervisor" aria-current="page"' in html
    section = re.search(r'<section class="author" id="author-alice".*?</section>', html, re.DOTALL).group(0)
    note_id = seeded["note"]["id"]
    assert f'href="/notes/{note_id}"' in section
    for code in seeded["codes"]:
        assert f"<code>{code}</code>" in section
    assert "the SSN is needed by the pharmacy" in section  # the override reason signing kept
    assert "the adjuster asked for the call to be noted this way" in section  # the dismissal and its reason
    assert "dismissed by alice" in section
    only_bob = sue.get("/supervisor?author=bob").text
    assert 'id="author-alice"' not in only_bob and "No signed notes in this period." in only_bob


def test_a_case_manager_has_no_supervisor_view_or_link(web, seeded):
    alice = web.signed_in("alice")
    assert 'href="/supervisor"' not in alice.get("/").text
    response = alice.get("/supervisor")
    assert response.status_code == 403 and "text/html" in response.headers["content-type"]


def test_static_files_come_from_the_package_and_pages_are_not_cached(web):
    for name, kind in (("app.css", "text/css"), ("api.js", "javascript"), ("session.js", "javascript")):
        response = web.browser().get(f"/static/{name}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
    page = web.signed_in("alice").get("/")
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
    html = page.text
    assert html.index('class="skip-link" href="#main"') < html.index("<nav") < html.index('<main id="main"')
    assert "https://" not in html and "http://" not in html  # nothing from elsewhere


def test_an_unknown_page_is_an_html_404_and_the_api_keeps_json(web):
    page = web.signed_in("alice").get("/no-such-page")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    api = web.api.get("alice", "/v1/no-such-thing")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
