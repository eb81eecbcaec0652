"""A finding's card as a popover under its flagged span, in chromium: on hover it shows the message, the
suggestions to apply and the rule's explanation, with the sentence's source at its foot (and the provenance
tip not over it); Apply replaces the text and the finding goes; from the keyboard Tab reaches the span and
shows the card, F2 or Alt+Enter moves into it, Tab and Shift+Tab move in a sensible order, Escape goes back;
a reason typed in it survives a new lint, and dismissing from it stores the dismissal; on a phone a tap shows
it inside the screen; the contact form's preview has the same card; axe-core stays clean with it open."""

from __future__ import annotations

import pytest

from .live import PHONE, check_axe, new_context, sign_in
from .seed import FLAGGED_SENTENCE

pytestmark = pytest.mark.browser

POPOVER = "#note-editor-popover"


@pytest.fixture
def draft_id(live_server, loopback_network):
    """A fresh draft of alice's (the physician visit drafted with its provenance, plus the flagged sentence),
    so what one test applies or dismisses leaves the others' drafts alone."""
    from durability.harness import request

    ids = live_server.seeded
    token = ids["tokens"]["alice"]
    body = {"contact_id": ids["contacts"]["2026-11-20-physician-visit"]}
    status, made = request(live_server.port, "POST", f"/v1/claims/{ids['claims']['alice']}/drafts", body, token=token)
    assert status == 201, made
    text = made["text"].rstrip("\n") + f"\n\n{FLAGGED_SENTENCE}\n"
    status, saved = request(live_server.port, "PUT", f"/v1/drafts/{made['id']}",
                            {"base_version": made["version"], "text": text}, token=token)
    assert status == 200, saved
    return made["id"]


def _open_draft(page, live_server, draft: int):
    sign_in(page, live_server, "alice")
    page.goto(f"/drafts/{draft}")
    page.locator("#note-editor .finding").first.wait_for()
    page.wait_for_function("document.getElementById('lint-status').innerText.includes('finding')")


def _text(page) -> str:
    return page.evaluate("window.naEditor.getText()")


def _active(page) -> dict:
    return page.evaluate("""() => { const el = document.activeElement;
        return {id: el.id, tag: el.tagName.toLowerCase(), text: (el.innerText || '').trim(),
                card: el.closest('.finding')?.dataset.card || null,
                inPopover: !!el.closest('.finding-popover')}; }""")


def _tab_to(page, words: str) -> None:
    """From the editor, Tab from flagged span to flagged span until the one with these words has focus."""
    page.locator("#note-editor").focus()
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == words:
            return
    raise AssertionError(f"Tab never reached the flagged {words!r}")


def _side_card(page, span):
    return page.locator("#" + span.get_attribute("aria-describedby"))


def test_hover_shows_the_card_and_its_apply_replaces_the_text(page, live_server, draft_id):
    _open_draft(page, live_server, draft_id)
    flagged = page.locator("#note-editor .finding[data-code=NA402]", has_text="non-compliant")
    popover = page.locator(POPOVER)
    assert popover.is_hidden()
    side = _side_card(page, flagged)
    suggestions = side.locator("button.apply").all_inner_texts()
    assert suggestions, "the seeded finding has a suggestion to apply"

    flagged.hover()
    popover.wait_for(state="visible")
    assert popover.get_attribute("role") == "dialog"
    title = popover.get_attribute("aria-labelledby")
    assert page.locator(f"#{title}").inner_text() == side.locator(".card-title").inner_text()
    assert popover.locator(".message").inner_text() == side.locator(".message").inner_text()
    assert popover.locator("button.apply").all_inner_texts() == suggestions
    # The sentence's source at the card's foot (this one was typed, not drafted), the tip not beside it.
    assert "Edited" in popover.locator(".popover-foot").inner_text()
    assert page.locator("#provenance-tip").is_hidden()
    # Under the span, inside the window.
    span_box, card_box = flagged.bounding_box(), popover.bounding_box()
    assert card_box["y"] >= span_box["y"] + span_box["height"] - 1 or card_box["y"] + card_box["height"] <= span_box["y"]
    assert card_box["x"] >= 0 and card_box["x"] + card_box["width"] <= page.viewport_size["width"]

    # The pointer leaving both the span and the card closes it.
    page.mouse.move(5, 5)
    popover.wait_for(state="hidden")

    # The rule's explanation, folded as on the side card. Once used, the card stays when the pointer leaves
    # (focus is in it) until a click elsewhere.
    flagged.hover()
    popover.wait_for(state="visible")
    why = popover.locator("details.why")
    why.locator("summary").click()
    assert why.locator("p").first.inner_text() == side.locator("details.why p").first.text_content()
    assert why.locator("p").first.is_visible()
    page.mouse.move(5, 5)
    page.wait_for_timeout(600)  # longer than the hide delay
    assert popover.is_visible()
    page.locator("h1").click()
    popover.wait_for(state="hidden")

    # The pointer back, onto the card itself: it stays; Apply replaces the flagged words.
    flagged.hover()
    popover.wait_for(state="visible")
    apply = popover.locator("button.apply").first
    replacement = apply.inner_text().removeprefix("Apply: ")
    apply.hover()
    page.wait_for_timeout(600)  # longer than the hide delay: the card must still be there
    assert popover.is_visible()
    apply.click()
    assert f"was {replacement} with her home exercise program." in _text(page)
    page.locator("#note-editor .finding", has_text="non-compliant").wait_for(state="detached")
    popover.wait_for(state="hidden")
    # Focus back in the editor, the caret just after the replaced words.
    caret = page.evaluate("""() => { const s = window.getSelection(); const r = document.createRange();
        const editor = document.getElementById('note-editor'); r.setStart(editor, 0); r.setEnd(s.focusNode, s.focusOffset);
        return {inEditor: editor.contains(document.activeElement) || document.activeElement === editor,
                before: r.toString()}; }""")
    assert caret["inEditor"]
    assert caret["before"].endswith(f"was {replacement}")


def test_keyboard_tab_shows_the_card_f2_goes_in_escape_comes_back(page, live_server, draft_id):
    _open_draft(page, live_server, draft_id)
    popover = page.locator(POPOVER)
    page.locator("#note-editor").focus()
    page.keyboard.press("Tab")
    first = _active(page)
    assert first["card"], f"Tab from the editor went to {first}, not a flagged span"
    span = page.locator(f"#note-editor .finding[data-card={first['card']}]:not(.continued)")
    assert span.get_attribute("aria-invalid") == "true"
    assert span.get_attribute("aria-describedby") == first["card"]  # the side card, which is in the page
    popover.wait_for(state="visible")
    assert popover.locator("article").get_attribute("id") == f"pop-{first['card']}"

    # F2 moves into the card, onto its first action; Tab goes on through it in its order.
    page.keyboard.press("F2")
    inside = _active(page)
    assert inside["inPopover"] and inside["tag"] == "button" and inside["text"].startswith("Apply"), inside
    stops = [inside["text"]]
    for _ in range(10):
        page.keyboard.press("Tab")
        now = _active(page)
        if not now["inPopover"]:
            break
        stops.append(now["text"])
    assert stops[-2:] == ["Why this rule", "Dismiss"], stops
    # Past the card's last control, Tab goes on to the next flagged span (as if the card followed its span).
    assert now["card"] and now["card"] != first["card"], now
    popover.wait_for(state="visible")
    assert popover.locator("article").get_attribute("id") == f"pop-{now['card']}"

    # Shift+Tab back to the first span: its card; Alt+Enter into it, Shift+Tab from its first action to the span.
    page.keyboard.press("Shift+Tab")
    assert _active(page)["card"] == first["card"]
    page.keyboard.press("Alt+Enter")
    assert _active(page)["inPopover"]
    page.keyboard.press("Shift+Tab")
    assert _active(page)["card"] == first["card"]
    assert popover.is_visible()

    # Escape from inside the card: it closes and focus is on the span again; Tab still moves span to span.
    page.keyboard.press("F2")
    assert _active(page)["inPopover"]
    page.keyboard.press("Escape")
    popover.wait_for(state="hidden")
    assert _active(page)["card"] == first["card"]
    assert "\n\n\n" not in _text(page)  # none of those keys typed a line break
    page.keyboard.press("Tab")
    assert _active(page)["card"] == now["card"]
    popover.wait_for(state="visible")

    # With the caret in a flagged word (typing, not tabbing), Alt+Enter goes into its card too.
    page.evaluate("""(id) => { const editor = document.getElementById('note-editor');
        const span = editor.querySelector(`.finding[data-card="${id}"]`); editor.focus();
        window.getSelection().collapse(span.firstChild, 1); }""", first["card"])
    popover.wait_for(state="hidden")
    page.keyboard.press("Alt+Enter")
    active = _active(page)
    assert active["inPopover"], active
    assert popover.locator("article").get_attribute("id") == f"pop-{first['card']}"


def test_dismiss_from_the_card_keeps_the_reason_across_a_lint_and_stores_it(page, live_server, draft_id):
    _open_draft(page, live_server, draft_id)
    popover = page.locator(POPOVER)
    flagged = page.locator("#note-editor .finding[data-code=NA402]", has_text="non-compliant")
    _tab_to(page, "non-compliant")
    popover.wait_for(state="visible")
    popover.get_by_role("button", name="Dismiss", exact=True).click()
    reason = popover.get_by_label("Reason for dismissing")
    assert _active(page)["inPopover"]
    reason.type("quoted from Dr. Lee")

    # A new lint answer while the reason is typed (an edit elsewhere): the card, the reason and focus stay.
    linted = page.evaluate("document.getElementById('lint-status').innerText")
    page.evaluate("""() => { const editor = document.getElementById('note-editor');
        editor.appendChild(document.createTextNode(' Seen again in two weeks.'));
        editor.dispatchEvent(new InputEvent('input', {bubbles: true})); }""")
    page.wait_for_function("(before) => window.naEditor.getText().includes('two weeks')", arg=linted)
    page.wait_for_function("document.getElementById('lint-status').innerText.includes('finding')")
    assert popover.is_visible()
    assert reason.input_value() == "quoted from Dr. Lee"
    assert page.evaluate("document.activeElement.name") == "reason"
    reason.type("'s report")

    popover.get_by_role("button", name="Dismiss finding").click()
    flagged.wait_for(state="detached")
    popover.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "lint-status"
    assert "Dismissed NA402" in page.locator("#lint-status").inner_text()
    assert page.locator("#note-editor .finding[data-code=NA402]", has_text="c/o").count() == 1
    stored = page.evaluate(f"""() => fetch('/v1/drafts/{draft_id}/dismissals', {{headers: {{Accept: 'application/json'}}}})
        .then((r) => r.json())""")
    assert [(d["code"], d["quote"], d["reason"]) for d in stored] == \
        [("NA402", "non-compliant", "quoted from Dr. Lee's report")]
    check_axe(page)


def test_a_dismissal_is_listed_and_undo_brings_the_finding_back(page, live_server, draft_id):
    _open_draft(page, live_server, draft_id)
    popover = page.locator(POPOVER)
    flagged = page.locator("#note-editor .finding[data-code=NA402]", has_text="non-compliant")
    assert page.locator("#dismissed").is_hidden()
    _tab_to(page, "non-compliant")
    popover.wait_for(state="visible")
    popover.get_by_role("button", name="Dismiss", exact=True).click()
    popover.get_by_label("Reason for dismissing").type("quoted from the IME")
    popover.get_by_role("button", name="Dismiss finding").click()
    flagged.wait_for(state="detached")
    listed = page.locator("#dismissed-list li")
    assert page.locator("#dismissed").is_visible() and listed.count() == 1
    assert "NA402" in listed.first.inner_text() and "quoted from the IME" in listed.first.inner_text()
    assert page.locator("#dismissed-count").inner_text() == "1"
    check_axe(page)

    undo = listed.first.get_by_role("button", name="Undo the dismissal of NA402")
    undo.focus()
    page.keyboard.press("Enter")  # reachable by keyboard
    flagged.wait_for()
    page.locator("#dismissed").wait_for(state="hidden")
    assert "NA402 shows again" in page.locator("#lint-status").inner_text()
    stored = page.evaluate(f"""() => fetch('/v1/drafts/{draft_id}/dismissals', {{headers: {{Accept: 'application/json'}}}})
        .then((r) => r.json())""")
    assert stored == []
    # after a reload the finding is still back, and a later lint does not hide it again
    page.reload()
    page.locator("#note-editor .finding[data-code=NA402]", has_text="non-compliant").wait_for()
    assert page.locator("#dismissed").is_hidden()


def test_a_tap_on_a_phone_shows_the_card_inside_the_screen(browser, live_server, draft_id):
    context = new_context(browser, live_server, viewport=PHONE, phone=True)
    page = context.new_page()
    try:
        _open_draft(page, live_server, draft_id)
        popover = page.locator(POPOVER)
        flagged = page.locator("#note-editor .finding[data-code=NA402]", has_text="non-compliant")
        flagged.scroll_into_view_if_needed()
        flagged.tap()
        popover.wait_for(state="visible")
        box = popover.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        popover.get_by_role("button", name="Dismiss", exact=True).tap()
        popover.get_by_label("Reason for dismissing").wait_for(state="visible")
        check_axe(page)
        # A tap elsewhere closes it.
        page.locator("h1").tap()
        popover.wait_for(state="hidden")
    finally:
        context.close()


def test_the_form_previews_card_applies_to_the_fact(page, live_server):
    from .test_form_findings import _fill_physician_visit, _form

    _form(page, live_server)
    _fill_physician_visit(page)
    flagged = page.locator("#preview .finding[data-code=NA501]")
    flagged.wait_for(state="visible")
    popover = page.locator("#preview-popover")

    # From the keyboard: focus shows the card, Enter goes into it (the preview is not typed in), Escape back.
    flagged.focus()
    popover.wait_for(state="visible")
    assert "Do Not Use" in popover.inner_text()
    assert "medications" in popover.locator(".popover-foot").inner_text()
    page.keyboard.press("Enter")
    assert _active(page)["inPopover"] and _active(page)["text"] == "Apply: daily"
    check_axe(page)
    page.keyboard.press("Escape")
    popover.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.dataset.code") == "NA501", _active(page)

    # With the pointer: hover, Apply; the fact is corrected and the preview drafted again without the finding.
    flagged.hover()
    popover.wait_for(state="visible")
    popover.get_by_role("button", name="Apply: daily").click()
    assert page.locator("#f-medications-0--frequency").input_value() == "daily"
    page.locator("#preview .finding[data-code=NA501]").wait_for(state="detached")
    page.wait_for_function("document.querySelector('#preview').innerText.includes('daily')")
    popover.wait_for(state="hidden")
