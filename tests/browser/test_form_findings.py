"""The contact form and the draft editor in chromium: fill the physician-visit form, see a finding appear in
the live preview, apply its suggestion and see it go; save and draft; in the editor a finding appears as the
note is typed, its card shows beneath it on focus and its suggestion applied from there makes it disappear, a
drafted sentence shows its source on focus and an edited one is marked, and a finding dismissed with a reason
stays dismissed after a reload."""

from __future__ import annotations

import re

import pytest

from .live import PHONE, check_axe, new_context, sign_in

pytestmark = pytest.mark.browser


def _form(page, live_server):
    sign_in(page, live_server, "alice")
    claim = live_server.seeded["claims"]["alice"]
    page.goto(f"/claims/{claim}/contacts/new?template=physician-visit")
    page.wait_for_load_state("networkidle")
    return claim


def _fill_physician_visit(page):
    """The facts a physician-visit note needs, with a Do Not Use abbreviation in the medication."""
    page.fill("#f-encounter-date", "2026-11-20")
    page.get_by_role("button", name="Add provider").click()
    page.fill("#f-providers-0--name", "Alan Lee")
    page.fill("#f-providers-0--credentials", "MD")
    page.fill("#f-subjective", "She rated her right shoulder pain 4/10 at rest.")
    page.select_option("#f-work-status-status", "modified-duty")
    page.get_by_role("button", name="Add restriction").click()
    page.fill("#f-work-status-restrictions-0-", "no lifting over 10 lb with the right arm")
    page.locator("details[data-section=medications] > summary").click()
    page.get_by_role("button", name="Add medication").click()
    page.fill("#f-medications-0--name", "meloxicam")
    page.fill("#f-medications-0--frequency", "QD")


def test_form_preview_shows_a_finding_and_applying_its_suggestion_removes_it(page, live_server):
    claim = _form(page, live_server)
    form_box = page.locator("#contact-form").bounding_box()
    assert page.locator(".preview-pane").bounding_box()["x"] >= form_box["x"] + form_box["width"], "side by side"
    # Required fields are marked, and the claim's record prefilled the claim.
    assert page.locator("#f-claim-claim-number").input_value() == live_server.seeded["claim_numbers"]["alice"]
    assert page.locator("#f-encounter-date").get_attribute("aria-required") == "true"
    _fill_physician_visit(page)
    preview = page.locator("#preview")
    flagged = preview.locator(".finding[data-code=NA501]")
    flagged.wait_for(state="visible")
    assert flagged.inner_text() == "QD"
    assert "Alan Lee" in preview.inner_text()
    card = page.locator("#" + flagged.get_attribute("aria-describedby"))
    assert "Do Not Use" in card.inner_text()
    card.get_by_role("button", name="Apply: daily").click()
    # The fact itself is corrected, the note drafted again, and the finding is gone.
    assert page.locator("#f-medications-0--frequency").input_value() == "daily"
    preview.locator(".finding[data-code=NA501]").wait_for(state="detached")
    page.wait_for_function("document.querySelector('#preview').innerText.includes('daily')")
    check_axe(page)

    # A message from the schema shows at its field: a restriction left empty is dropped, a bad ICD-10 is named.
    page.locator("details[data-section=diagnoses] > summary").click()
    page.get_by_role("button", name="Add diagnosis").click()
    page.fill("#f-diagnoses-0--description", "rotator cuff tear")
    page.fill("#f-diagnoses-0--icd10", "not a code")
    page.get_by_role("button", name="Save and draft").click()
    error = page.locator("#f-diagnoses-0--icd10-error")
    error.wait_for(state="visible")
    assert "pattern" in error.inner_text() or "match" in error.inner_text()
    icd = page.locator("#f-diagnoses-0--icd10")
    assert icd.get_attribute("aria-invalid") == "true"
    assert "f-diagnoses-0--icd10-error" in icd.get_attribute("aria-describedby")
    assert page.url.endswith(f"/claims/{claim}/contacts/new?template=physician-visit")

    page.get_by_role("button", name="Remove diagnosis 1").click()
    with page.expect_navigation(url=re.compile(r"/drafts/\d+$")):
        page.get_by_role("button", name="Save and draft").click()
    page.locator("#note-editor .sentence[data-fields]").first.wait_for()
    assert "Alan Lee" in page.locator("#note-editor").inner_text()


def _editor_text(page) -> str:
    return page.evaluate("window.naEditor.getText()")


def _caret_into(page, text: str, within: str = "#note-editor"):
    """Put the caret just inside the first `text` in `within` (so it is in that sentence), as a click would."""
    page.evaluate("""([needle, within]) => {
        const editor = document.getElementById('note-editor');
        const walker = document.createTreeWalker(document.querySelector(within), NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const at = n.data.indexOf(needle);
            if (at >= 0) { editor.focus(); window.getSelection().collapse(n, at + 1); return; }
        }
        throw new Error('not in the editor: ' + needle);
    }""", [text, within])


def test_editor_finding_as_typed_apply_provenance_and_dismiss(page, live_server):
    sign_in(page, live_server, "alice")
    draft = live_server.seeded["drafts"]["findings"]
    page.goto(f"/drafts/{draft}")
    editor = page.locator("#note-editor")
    editor.locator(".finding").first.wait_for()

    # Provenance: the caret in a drafted sentence shows the facts it came from.
    _caret_into(page, "No lifting over 10 lb")
    tip = page.locator("#provenance-tip")
    tip.wait_for(state="visible")
    assert "work_status.restrictions[0]" in tip.inner_text()
    assert "no lifting over 10 lb" in tip.inner_text().lower()

    # Typing a Do Not Use abbreviation at the end: a finding appears once the typing pauses.
    page.evaluate("""() => {
        const editor = document.getElementById('note-editor');
        editor.focus();
        const range = document.createRange();
        range.selectNodeContents(editor);
        range.collapse(false);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }""")
    page.keyboard.press("Enter")
    page.keyboard.type("Meloxicam 15 mg QD was continued.")
    flagged = editor.locator(".finding[data-code=NA501]")
    flagged.wait_for()
    assert flagged.get_attribute("aria-invalid") == "true"
    assert _editor_text(page).endswith("program.\n\nMeloxicam 15 mg QD was continued.")
    # The sentence typed by hand is marked edited.
    edited = editor.locator(".sentence.edited", has_text="Meloxicam 15 mg")
    assert edited.count() == 1
    _caret_into(page, "Meloxicam 15 mg", within="#note-editor .sentence.edited:last-child")
    page.wait_for_function("document.getElementById('provenance-tip').innerText.includes('Edited')")

    # Keyboard focus on the flagged span shows its card beneath it (the side panel's highlighted, the tip
    # hidden: the card's foot says the sentence was edited); applying the suggestion changes the text.
    flagged.focus()
    card = page.locator("#" + flagged.get_attribute("aria-describedby"))
    assert "active" in card.get_attribute("class")
    popover = page.locator("#note-editor-popover")
    popover.wait_for(state="visible")
    assert "NA501" in popover.locator(".card-title").inner_text()
    assert "Edited" in popover.locator(".popover-foot").inner_text()
    assert page.locator("#provenance-tip").is_hidden()
    page.keyboard.press("Alt+Enter")  # from the span into its card, on its first action
    assert page.evaluate("document.activeElement.innerText") == "Apply: daily"
    assert page.evaluate("!!document.activeElement.closest('#note-editor-popover')")
    page.keyboard.press("Enter")
    assert "Meloxicam 15 mg daily was continued." in _editor_text(page)
    editor.locator(".finding[data-code=NA501]").wait_for(state="detached")
    page.wait_for_function("document.getElementById('lint-status').innerText.includes('finding')")
    assert editor.locator(".finding[data-code=NA501]").count() == 0
    # The editor's own undo and redo (re-rendering spans empties the browser's).
    page.keyboard.press("Control+z")
    assert "Meloxicam 15 mg QD was continued." in _editor_text(page)
    page.keyboard.press("Control+Shift+z")
    assert "Meloxicam 15 mg daily was continued." in _editor_text(page)

    # Dismiss the seeded "non-compliant" finding with a reason: gone now and after a reload.
    judged = editor.locator(".finding[data-code=NA402]", has_text="non-compliant")
    judged.wait_for()
    card = page.locator("#" + judged.get_attribute("aria-describedby"))
    card.get_by_role("button", name="Dismiss").click()
    card.get_by_role("button", name="Dismiss finding").click()
    assert card.locator(".field-error").inner_text().startswith("Give the reason")
    card.get_by_label("Reason for dismissing").fill("quoted from Dr. Lee's report")
    card.get_by_role("button", name="Dismiss finding").click()
    judged.wait_for(state="detached")
    assert editor.locator(".finding[data-code=NA402]", has_text="c/o").count() == 1  # only the one dismissed
    check_axe(page)
    page.wait_for_timeout(2500)  # let autosave store the edits before reloading
    page.reload()
    editor.locator(".finding").first.wait_for()
    page.wait_for_function("document.getElementById('lint-status').innerText.includes('finding')")
    assert editor.locator(".finding[data-code=NA402]", has_text="non-compliant").count() == 0
    assert editor.locator(".finding[data-code=NA402]", has_text="c/o").count() == 1
    assert "Meloxicam 15 mg daily was continued." in _editor_text(page)


def test_form_and_editor_fit_a_phone(browser, live_server):
    context = new_context(browser, live_server, viewport=PHONE, phone=True)
    page = context.new_page()
    try:
        _form(page, live_server)
        form_box = page.locator("#contact-form").bounding_box()
        preview_box = page.locator(".preview-pane").bounding_box()
        assert preview_box["y"] >= form_box["y"] + form_box["height"] - 1, "the preview is below the form"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.goto(f"/drafts/{live_server.seeded['drafts']['findings']}")
        page.locator("#note-editor .finding").first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_a_quick_capture_completed_with_the_form_becomes_its_drafted_note(page, live_server):
    sign_in(page, live_server, "alice")
    draft = live_server.seeded["drafts"]["capture"]
    page.goto(f"/drafts/{draft}/complete")
    page.wait_for_load_state("networkidle")
    # Prefilled from the capture: the call's party, the line as its purpose, the real date.
    assert page.locator("#f-call-party-name").input_value()
    assert page.locator("#f-encounter-purpose").input_value()
    assert page.locator("#f-encounter-date").input_value()
    check_axe(page)
    page.fill("#f-call-party-role", "adjuster")
    with page.expect_navigation(url=re.compile(rf"/drafts/{draft}$")):
        page.get_by_role("button", name="Save and draft").click()
    editor = page.locator("#note-editor")
    editor.locator(".sentence[data-fields]").first.wait_for()
    assert page.evaluate("window.naEditor.getText()").startswith("---\nnote_type: telephonic")
    assert page.locator("main#draft").get_attribute("data-version") == "2"
