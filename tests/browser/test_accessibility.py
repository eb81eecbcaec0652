"""Accessibility in a real browser: axe-core (the npm package) on every page at laptop and phone widths, with
no serious or critical violation, no horizontal scrolling at 390 px, no script error; the draft page's sign
and comparison dialogs open, and a finding's popover card open; and the draft page worked from the keyboard
alone, in a sensible order (editor, a flagged span, its card's buttons)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from .live import LAPTOP, PHONE, check_axe, is_local, new_context, sign_in

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": LAPTOP, "phone": PHONE}


def _settled(page) -> None:
    page.wait_for_load_state("networkidle")


def _findings_shown(page) -> None:
    page.locator("#note-editor .finding").first.wait_for(state="visible")
    _settled(page)


def _card_open(page) -> None:
    """A flagged span focused, so its card (message, suggestions, Dismiss) is on screen in the side panel and
    as the popover beneath the span, with its dismiss form open."""
    _findings_shown(page)
    finding = page.locator("#note-editor .finding").first
    finding.focus()
    card = finding.get_attribute("aria-describedby")
    assert card, "a flagged span names its card with aria-describedby"
    page.locator(f"#{card}").wait_for(state="visible")
    popover = page.locator("#note-editor-popover")
    popover.wait_for(state="visible")
    page.keyboard.press("F2")  # into the card; its dismiss form open too
    popover.locator("button.dismiss-open").press("Enter")
    popover.locator("textarea").wait_for(state="visible")


def _addendum_form_open(page) -> None:
    _settled(page)
    page.get_by_role("button", name="Add addendum").click()
    page.locator("#main textarea").first.wait_for(state="visible")


def _signin_refused(page) -> None:
    page.fill("#username", "alice")
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    page.locator("#signin-error").wait_for(state="visible")


#: page name -> (who is signed in, path from the seeded ids, what to wait for / do before axe runs).
PAGES = {
    "signin": (None, lambda ids: "/signin", _settled),
    "signin-error": (None, lambda ids: "/signin", _signin_refused),
    "day": ("alice", lambda ids: "/", _settled),
    "claims": ("alice", lambda ids: "/claims", _settled),
    "claim": ("alice", lambda ids: f"/claims/{ids['claims']['alice']}", _settled),
    "contact-form": ("alice", lambda ids: f"/claims/{ids['claims']['alice']}/contacts/new?template=physician-visit",
                     _settled),
    "draft": ("alice", lambda ids: f"/drafts/{ids['drafts']['findings']}", _findings_shown),
    "draft-card": ("alice", lambda ids: f"/drafts/{ids['drafts']['findings']}", _card_open),
    "note": ("alice", lambda ids: f"/notes/{ids['notes']['signed']}", _settled),
    "note-addendum": ("alice", lambda ids: f"/notes/{ids['notes']['signed']}", _addendum_form_open),
    "capture": ("alice", lambda ids: "/capture", _settled),
    "capture-complete": ("alice", lambda ids: f"/drafts/{ids['drafts']['capture']}/complete", _settled),
    "supervisor": ("sue", lambda ids: "/supervisor", _settled),
}


@pytest.fixture(scope="module")
def contexts(browser, live_server):
    """One browser context per (width, user), signed in once: `contexts("phone", "alice")`."""
    made = {}

    def context_for(width: str, username: str | None):
        if (width, username) not in made:
            context = new_context(browser, live_server, VIEWPORTS[width], phone=width == "phone")
            made[(width, username)] = context
            if username:
                page = context.new_page()
                sign_in(page, live_server, username)
                page.close()
        return made[(width, username)]

    yield context_for
    off_host = [url for context in made.values() for url in context.requested_urls if not is_local(url)]
    for context in made.values():
        context.close()
    assert not off_host, f"a page tried to reach another host: {off_host}"


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_axe_violation(contexts, live_server, name, width):
    username, path_of, prepare = PAGES[name]
    path = path_of(live_server.seeded)
    page = contexts(width, username).new_page()
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    try:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        assert urlsplit(page.url).path == urlsplit(path).path, f"{path} went to {page.url}"
        prepare(page)
        check_axe(page)
        if width == "phone":
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow} px on a 390-px-wide screen"
        assert not script_errors, f"{path}: script errors {script_errors}"
    finally:
        page.close()


# -- the keyboard alone -------------------------------------------------------------------------------------

_FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const box = el.getBoundingClientRect();
    const card = el.closest('[id^="card-"]');
    return {tag: el.tagName.toLowerCase(), id: el.id, classes: el.className || '',
            text: (el.innerText || el.value || '').trim().slice(0, 60), href: el.getAttribute('href'),
            describedby: el.getAttribute('aria-describedby'), invalid: el.getAttribute('aria-invalid'),
            card: card ? card.id : null, in_editor: !!el.closest('#note-editor'),
            visible: box.width > 0 && box.height > 0};
}"""


#: Focus back to the top of the document, as on a fresh load without autofocus (a plain blur() would leave
#: the browser's Tab starting point where focus was).
_BLUR = """() => { const root = document.documentElement; root.tabIndex = -1; root.focus();
                   root.removeAttribute('tabindex'); window.scrollTo(0, 0); }"""


def _tab_through(page, limit: int = 250) -> list[dict]:
    """Press Tab from the top of the page until focus comes round again; what had focus, in order."""
    order: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None:  # past the last control: the browser's own UI would be next
            break
        if order and focused == order[0]:
            break
        order.append(focused)
    return order


def _index(order: list[dict], test, what: str, after: int = -1) -> int:
    for i, item in enumerate(order):
        if i > after and test(item):
            return i
    shown = "\n".join(f"  {i}: {o['tag']}#{o['id']}.{o['classes']} {o['text']!r}" for i, o in enumerate(order))
    raise AssertionError(f"Tab never reached {what}{f' after step {after}' if after >= 0 else ''}; order:\n{shown}")


def _new_draft(live_server, text: str | None = None) -> int:
    """A draft of alice's own (the seeded flagged draft's text unless `text`), so working it leaves the other
    tests' drafts alone. Needs the `loopback_network` fixture (the API is called from this process)."""
    from durability.harness import request

    ids = live_server.seeded
    token = ids["tokens"]["alice"]
    status, seeded = request(live_server.port, "GET", f"/v1/drafts/{ids['drafts']['findings']}", token=token)
    assert status == 200, seeded
    body = {"text": seeded["text"] if text is None else text, "contact_id": seeded["contact_id"],
            "template": seeded["template"]}
    status, made = request(live_server.port, "POST", f"/v1/claims/{ids['claims']['alice']}/drafts", body, token=token)
    assert status == 201, made
    return made["id"]


@pytest.fixture
def keyboard_draft(live_server, loopback_network):
    return _new_draft(live_server)


def test_the_draft_page_works_from_the_keyboard_in_order(page, live_server, keyboard_draft):
    sign_in(page, live_server, "alice")
    page.goto(f"/drafts/{keyboard_draft}")
    _findings_shown(page)
    flagged = page.locator("#note-editor .finding").count()
    page.evaluate(_BLUR)

    order = _tab_through(page)
    hidden = [o for o in order if not o["visible"]]
    assert not hidden, f"focus went to controls that are not on screen: {hidden}"
    skip = _index(order, lambda o: o["tag"] == "a" and (o["href"] or "").startswith("#"), "a skip link")
    assert skip == 0, f"the skip link is not the first stop: {order[:3]}"
    nav = _index(order, lambda o: o["tag"] == "a" and o["text"] == "Claims", "the header's Claims link")
    editor = _index(order, lambda o: o["id"] == "note-editor", "the editor #note-editor")
    assert nav < editor, "the header comes before the editor"
    finding = _index(order, lambda o: "finding" in o["classes"].split() and o["in_editor"], "a flagged span", editor)
    card = order[finding]["describedby"]
    assert order[finding]["invalid"] == "true" and card, order[finding]
    apply = _index(order, lambda o: o["card"] == card and o["tag"] == "button" and o["text"].startswith("Apply"),
                   f"the Apply button of {card}", finding)
    dismiss = _index(order, lambda o: o["card"] == card and o["tag"] == "button" and o["text"].startswith("Dismiss"),
                     f"the Dismiss button of {card}", apply)
    assert apply < dismiss
    _index(order, lambda o: o["id"] == "sign-button", "the Sign note button")

    # The skip link moves focus to the content.
    page.goto(f"/drafts/{keyboard_draft}")
    _findings_shown(page)
    page.evaluate(_BLUR)
    page.keyboard.press("Tab")
    target = page.evaluate("() => document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    assert page.evaluate("(target) => !!document.activeElement.closest(target)", target), \
        f"the skip link did not move focus into {target}"

    # Tab to the Apply button of the first card and press Enter: that finding leaves the text.
    page.locator("#note-editor .finding").first.focus()
    card = page.locator("#note-editor .finding").first.get_attribute("aria-describedby")
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused and focused["card"] == card and focused["text"].startswith("Apply"):
            break
    else:
        raise AssertionError(f"Tab from the flagged span never reached the Apply button of {card}")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelectorAll('#note-editor .finding').length < {flagged}")


# -- the draft page's dialogs --------------------------------------------------------------------------------

#: A full SSN is an error-level finding (NA901): signing asks for a reason.
SSN = "123-45-6789"


def _open_sign_dialog(page, live_server, draft_id: int) -> None:
    page.get_by_role("button", name="Sign note").click()
    page.locator("#sign-dialog[open]").wait_for(state="visible")


def _open_compare_dialog(page, live_server, draft_id: int) -> None:
    """Another tab saves a version first; this page's next autosave is then stale (409) and shows both texts."""
    from durability.harness import request

    token = live_server.seeded["tokens"]["alice"]
    status, draft = request(live_server.port, "GET", f"/v1/drafts/{draft_id}", token=token)
    assert status == 200, draft
    status, saved = request(live_server.port, "PUT", f"/v1/drafts/{draft_id}",
                            {"base_version": draft["version"], "text": draft["text"] + "\nSaved in another tab.\n"},
                            token=token)
    assert status == 200, saved
    page.locator("#note-editor").focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Typed here.")
    page.locator("#compare-dialog[open]").wait_for(state="visible", timeout=30_000)


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("dialog", ["sign", "compare"])
def test_the_draft_pages_dialogs_pass_axe(contexts, live_server, loopback_network, dialog, width):
    if SSN not in live_server.seeded["phi"]:
        live_server.seeded["phi"].append(SSN)  # the log check after the module looks for it too
    draft_id = _new_draft(live_server, f"Called the claimant. Her SSN is {SSN}. She c/o pain at night.\n")
    page = contexts(width, "alice").new_page()
    try:
        page.goto(f"/drafts/{draft_id}")
        _findings_shown(page)
        {"sign": _open_sign_dialog, "compare": _open_compare_dialog}[dialog](page, live_server, draft_id)
        check_axe(page)
    finally:
        page.close()
