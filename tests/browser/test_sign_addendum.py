"""Signing in a real browser: refused while an error finding is open unless a reason is given (kept with the
note), a clean draft signed at once, then an addendum on the signed note's page and its DOCX downloaded and
read back with python-docx."""

from __future__ import annotations

import re

import httpx
import pytest

from .live import check_axe, sign_in

pytestmark = pytest.mark.browser

#: A full SSN: an error-level privacy finding (NA901).
WITH_SSN = "Called the adjuster about the MRI. The worker's SSN is 123-45-6789.\n"
CLEAN = "Called the adjuster about the MRI.\n"


@pytest.fixture
def client(live_server, loopback_network):
    """alice's API client (bearer token), to make drafts and read back what the page did."""
    with httpx.Client(base_url=live_server.url, timeout=30,
                      headers={"Authorization": f"Bearer {live_server.seeded['tokens']['alice']}"}) as client:
        yield client


def new_draft(client, live_server, text: str) -> int:
    response = client.post(f"/v1/claims/{live_server.seeded['claims']['alice']}/drafts", json={"text": text})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def open_draft(page, live_server, draft_id: int) -> None:
    sign_in(page, live_server, "alice", next_path=f"/drafts/{draft_id}")
    page.wait_for_url(f"**/drafts/{draft_id}")
    page.locator("#save-status").wait_for(state="visible")


def test_signing_is_refused_with_an_error_finding_until_a_reason_is_given(page, live_server, client):
    draft_id = new_draft(client, live_server, WITH_SSN)
    open_draft(page, live_server, draft_id)
    page.get_by_role("button", name="Sign note").click()
    dialog = page.locator("#sign-dialog")
    dialog.wait_for(state="visible")
    assert "NA901" in page.locator("#sign-findings").inner_text()
    assert "1 error-level finding" in page.locator("#sign-dialog-help").inner_text()
    check_axe(page)
    # Nothing signed yet: the draft is still open.
    assert client.get(f"/v1/drafts/{draft_id}").json()["status"] == "open"

    # No reason: refused at the field, still open.
    page.get_by_role("button", name="Sign with this reason").click()
    assert page.locator("#override-reason-error").inner_text().strip()
    assert page.locator("#override-reason").get_attribute("aria-invalid") == "true"
    assert client.get(f"/v1/drafts/{draft_id}").json()["status"] == "open"

    page.get_by_label("Reason for signing with open findings").fill("the adjuster's reference, read out by them")
    page.get_by_role("button", name="Sign with this reason").click()
    page.wait_for_url(re.compile(r".*/notes/\d+$"))
    note_id = int(page.url.rsplit("/", 1)[1])
    note = client.get(f"/v1/notes/{note_id}").json()
    assert note["sign_override_reason"] == "the adjuster's reference, read out by them"
    assert [f["code"] for f in note["sign_findings"]] == ["NA901"]
    assert "the adjuster's reference, read out by them" in page.locator("#sign-override").inner_text()


def test_a_finding_dismissed_in_the_editor_with_a_reason_no_longer_blocks_signing(page, live_server, client):
    draft_id = new_draft(client, live_server, WITH_SSN)
    open_draft(page, live_server, draft_id)
    finding = page.locator('#note-editor .finding[data-code="NA901"]')
    finding.wait_for(state="visible")
    finding.focus()
    card = page.locator(f"#{finding.get_attribute('aria-describedby')}")
    card.get_by_role("button", name="Dismiss", exact=True).click()
    card.get_by_label("Reason for dismissing").fill("the adjuster's claim reference, not an SSN")
    card.get_by_role("button", name="Dismiss finding").click()
    finding.wait_for(state="detached")
    assert [d["code"] for d in client.get(f"/v1/drafts/{draft_id}/dismissals").json()] == ["NA901"]
    page.get_by_role("button", name="Sign note").click()
    page.wait_for_url(re.compile(r".*/notes/\d+$"))  # no reason asked: the only error finding was dismissed
    note = client.get(f"/v1/notes/{page.url.rsplit('/', 1)[1]}").json()
    assert note["sign_override_reason"] is None and note["sign_findings"] == []


def test_sign_then_add_an_addendum_and_download_the_docx(page, live_server, client, tmp_path):
    import docx

    draft_id = new_draft(client, live_server, CLEAN)
    open_draft(page, live_server, draft_id)
    # Signed at once after typing, before the autosave timer: the sign button saves first, then signs that.
    page.locator("#note-editor").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Typed just before signing.")
    signed = page.evaluate("() => window.naEditor.getText()")
    assert signed.endswith(" Typed just before signing.")
    page.get_by_role("button", name="Sign note").click()
    page.wait_for_url(re.compile(r".*/notes/\d+$"))
    note_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator("#note-text").inner_text().strip() == signed.strip()
    assert page.locator("#note-signer").inner_text().strip() == "Alice"
    assert client.get(f"/v1/drafts/{draft_id}").json()["status"] == "signed"
    check_axe(page)

    # The addendum form, from the keyboard: the button opens it and puts the cursor in the text.
    page.get_by_role("button", name="Add addendum").focus()
    page.keyboard.press("Enter")
    assert page.locator("#addendum-text").evaluate("el => el === document.activeElement")
    page.keyboard.type("The adjuster confirmed the MRI for Friday.")
    page.get_by_label("Reason for the addendum").fill("late information")
    check_axe(page)
    page.get_by_role("button", name="Save addendum").click()
    addenda = page.locator("#addenda .addendum")
    addenda.first.wait_for(state="visible")
    assert "The adjuster confirmed the MRI for Friday." in addenda.first.inner_text()
    assert "late information" in addenda.first.inner_text() and "Alice" in addenda.first.inner_text()
    stored = client.get(f"/v1/notes/{note_id}").json()
    assert [(a["text"], a["reason"]) for a in stored["addenda"]] == [
        ("The adjuster confirmed the MRI for Friday.", "late information")]
    assert stored["text"] == signed  # exactly what the editor held; the note itself never changes

    with page.expect_download() as info:
        page.get_by_role("link", name="Download DOCX").click()
    download = info.value
    assert download.suggested_filename == f"note-{note_id}.docx"
    path = tmp_path / "note.docx"
    download.save_as(path)
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "Called the adjuster about the MRI." in text and "Typed just before signing." in text
    assert "The adjuster confirmed the MRI for Friday." in text and "late information" in text


def test_an_empty_addendum_is_refused_at_its_field(page, live_server, client):
    note_id = live_server.seeded["notes"]["signed"]
    sign_in(page, live_server, "alice", next_path=f"/notes/{note_id}")
    before = len(client.get(f"/v1/notes/{note_id}").json()["addenda"])
    page.get_by_role("button", name="Add addendum").click()
    page.get_by_label("Reason for the addendum").fill("a reason")
    page.get_by_role("button", name="Save addendum").click()
    assert page.locator("#addendum-text-error").inner_text().strip()
    assert page.locator("#addendum-text").get_attribute("aria-invalid") == "true"
    assert len(client.get(f"/v1/notes/{note_id}").json()["addenda"]) == before


def test_the_sign_dialog_fits_a_phone(phone_page, live_server, client):
    draft_id = new_draft(client, live_server, WITH_SSN)
    open_draft(phone_page, live_server, draft_id)
    phone_page.get_by_role("button", name="Sign note").click()
    phone_page.locator("#sign-dialog").wait_for(state="visible")
    check_axe(phone_page)
    overflow = phone_page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"
    box = phone_page.locator("#sign-dialog").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    # Back to the draft from the keyboard: nothing signed.
    phone_page.get_by_role("button", name="Back to the draft").click()
    assert not phone_page.locator("#sign-dialog").is_visible()
    assert client.get(f"/v1/drafts/{draft_id}").json()["status"] == "open"
