"""Autosave with two tabs of one draft in one browser (one context: they share IndexedDB): each tab keeps its
unsent edits in a record of its own, so neither overwrites the other's; a reload finds its own record; records
of closed tabs are replayed on the next load, and a second, different text goes through the comparison; a
pagehide beacon the server refused (409, the draft had changed) leaves its text for the next load to compare,
and the record goes only once the user chose."""

from __future__ import annotations

import time

import pytest

from .live import check_axe, sign_in
from .test_saving import (
    SAVED_TIMEOUT,
    buffered_records,
    buffered_text,
    client,
    editor_text,
    new_draft,
    open_draft,
    server_text,
    status,
    tab_id,
    type_at_end,
    wait_saved,
)

pytestmark = pytest.mark.browser

__all__ = ["client"]  # the fixture, imported for these tests

OFFLINE = "Offline: kept in this browser"


def block_saves(page, draft_id: int) -> None:
    """This tab's requests about the draft fail as with no network (other tabs are not affected)."""
    page.route(f"**/v1/drafts/{draft_id}**", lambda route: route.abort("internetdisconnected"))


def unblock_saves(page, draft_id: int) -> None:
    page.unroute(f"**/v1/drafts/{draft_id}**")


def wait_offline(page) -> None:
    page.wait_for_function(f"() => document.getElementById('save-status').textContent === {OFFLINE!r}",
                           timeout=SAVED_TIMEOUT)


def wait_records(page, draft_id: int, texts: set[str], timeout: float = 10) -> dict:
    """Wait until the draft's records hold exactly these texts; returns the records."""
    deadline = time.monotonic() + timeout
    records = buffered_records(page, draft_id)
    while {r["text"] for r in records.values()} != texts and time.monotonic() < deadline:
        time.sleep(0.2)
        records = buffered_records(page, draft_id)
    assert {r["text"] for r in records.values()} == texts, records
    return records


def wait_log(live_server, line: str, count: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while live_server.log_text().count(line) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    assert live_server.log_text().count(line) >= count, f"{line!r} not in the server's log"


def two_tabs_offline(page, live_server, client, draft_id: int):
    """Two tabs of the draft, each typing its own text while its saves fail; returns (other, text_a, text_b)."""
    sign_in(page, live_server, "alice")
    open_draft(page, draft_id)
    other = page.context.new_page()
    open_draft(other, draft_id)
    block_saves(page, draft_id)
    block_saves(other, draft_id)
    type_at_end(page, " Typed in tab A.")
    type_at_end(other, " Typed in tab B.")
    wait_offline(page)
    wait_offline(other)
    return other, editor_text(page), editor_text(other)


def test_two_tabs_offline_keep_a_record_each_and_the_second_to_save_compares(page, live_server, client):
    draft_id = new_draft(client, live_server)
    other, text_a, text_b = two_tabs_offline(page, live_server, client, draft_id)
    assert text_a != text_b
    # One record per tab, each with its own tab's text: neither overwrote the other.
    records = wait_records(page, draft_id, {text_a, text_b})
    assert tab_id(page) != tab_id(other)
    assert records[f"{draft_id}:{tab_id(page)}"]["text"] == text_a
    assert records[f"{draft_id}:{tab_id(other)}"]["text"] == text_b

    unblock_saves(page, draft_id)
    wait_saved(page)
    assert server_text(client, draft_id) == text_a
    unblock_saves(other, draft_id)
    # Tab B's save meets tab A's version: the comparison offers both, and nothing is overwritten meanwhile.
    other.locator("#compare-dialog").wait_for(state="visible", timeout=SAVED_TIMEOUT)
    assert other.locator("#compare-theirs").inner_text() == text_a
    assert other.locator("#compare-mine").inner_text() == text_b
    assert server_text(client, draft_id) == text_a
    assert buffered_text(other, draft_id) == text_b
    other.get_by_role("button", name="Keep mine").click()
    wait_saved(other)
    assert server_text(client, draft_id) == text_b == editor_text(other)
    wait_records(page, draft_id, set())


def test_a_reload_finds_its_own_record_and_leaves_the_other_tabs(page, live_server, client):
    draft_id = new_draft(client, live_server)
    other, text_a, text_b = two_tabs_offline(page, live_server, client, draft_id)
    own_tab = tab_id(page)
    page.reload()  # still offline: the tab's own record comes back into the editor, not tab B's
    page.locator("#note-editor").wait_for(state="visible")
    page.wait_for_function("() => window.naAutosave !== undefined")
    wait_offline(page)
    assert tab_id(page) == own_tab
    assert editor_text(page) == text_a
    assert not page.locator("#compare-dialog").is_visible()
    records = wait_records(page, draft_id, {text_a, text_b})
    assert records[f"{draft_id}:{tab_id(other)}"]["text"] == text_b  # an open tab's record is left to it

    unblock_saves(page, draft_id)
    wait_saved(page)
    assert server_text(client, draft_id) == text_a
    wait_records(page, draft_id, {text_b})
    unblock_saves(other, draft_id)
    other.locator("#compare-dialog").wait_for(state="visible", timeout=SAVED_TIMEOUT)
    assert other.locator("#compare-mine").inner_text() == text_b
    other.get_by_role("button", name="Use theirs").click()
    wait_saved(other)
    assert editor_text(other) == text_a == server_text(client, draft_id)
    wait_records(page, draft_id, set())


def test_records_of_closed_tabs_are_replayed_and_the_second_text_compared(page, live_server, client):
    draft_id = new_draft(client, live_server)
    sign_in(page, live_server, "alice")
    open_draft(page, draft_id)
    context = page.context
    other = context.new_page()
    open_draft(other, draft_id)
    live_server.stop()
    try:
        type_at_end(page, " Written in tab A, then closed.")
        type_at_end(other, " Written in tab B, then closed.")
        wait_offline(page)
        wait_offline(other)
        text_a, text_b = editor_text(page), editor_text(other)
        page.close(run_before_unload=True)  # their beacons find no server
        other.close(run_before_unload=True)
    finally:
        live_server.start()
    third = context.new_page()
    open_draft(third, draft_id)
    # One closed tab's text is replayed (it edits the version the server still has); the other's, a
    # different text on the same version, is offered next to it.
    dialog = third.locator("#compare-dialog")
    dialog.wait_for(state="visible", timeout=SAVED_TIMEOUT)
    saved = server_text(client, draft_id)
    assert saved in (text_a, text_b)
    kept = text_b if saved == text_a else text_a
    assert third.locator("#compare-theirs").inner_text() == saved
    assert third.locator("#compare-mine").inner_text() == kept
    assert third.locator("#compare-help-kept").is_visible()
    assert {r["text"] for r in buffered_records(third, draft_id).values()} == {kept}  # kept until chosen
    check_axe(third)
    third.get_by_role("button", name="Keep mine").click()
    wait_saved(third)
    assert server_text(client, draft_id) == kept == editor_text(third)
    wait_records(third, draft_id, set())


def test_a_beacon_refused_with_409_opens_the_comparison_on_the_next_load(page, live_server, client):
    draft_id = new_draft(client, live_server)
    sign_in(page, live_server, "alice")
    open_draft(page, draft_id)
    # The timer's saves fail; only the pagehide beacon (POST .../versions) reaches the server.
    page.route(f"**/v1/drafts/{draft_id}", lambda route: route.abort("internetdisconnected"))
    elsewhere = "Saved on another device.\n"
    response = client.put(f"/v1/drafts/{draft_id}", json={"base_version": 1, "text": elsewhere})
    assert response.status_code == 200, response.text
    type_at_end(page, " Typed here before the tab closed.")
    wait_offline(page)
    typed = editor_text(page)
    refused = "POST /v1/drafts/{draft_id}/versions 409"
    before = live_server.log_text().count(refused)
    context = page.context
    page.close(run_before_unload=True)
    wait_log(live_server, refused, before + 1)  # the beacon's base was stale: refused, nothing shown then
    assert server_text(client, draft_id) == elsewhere

    again = context.new_page()
    open_draft(again, draft_id)
    dialog = again.locator("#compare-dialog")
    dialog.wait_for(state="visible", timeout=SAVED_TIMEOUT)
    assert again.locator("#compare-theirs").inner_text() == elsewhere
    assert again.locator("#compare-mine").inner_text() == typed
    assert "kept edits" in status(again)
    # Escape leaves both: the record stays until a choice, and a reload compares again.
    again.keyboard.press("Escape")
    again.get_by_role("button", name="Compare versions").wait_for(state="visible")
    assert {r["text"] for r in buffered_records(again, draft_id).values()} == {typed}
    again.reload()
    dialog.wait_for(state="visible", timeout=SAVED_TIMEOUT)
    assert again.locator("#compare-mine").inner_text() == typed
    assert server_text(client, draft_id) == elsewhere
    again.get_by_role("button", name="Keep mine").click()
    wait_saved(again)
    assert server_text(client, draft_id) == typed == editor_text(again)
    wait_records(again, draft_id, set())


def test_use_theirs_on_a_kept_text_drops_it_only_then(page, live_server, client):
    draft_id = new_draft(client, live_server)
    sign_in(page, live_server, "alice")
    open_draft(page, draft_id)
    block_saves(page, draft_id)
    type_at_end(page, " Kept while offline.")
    wait_offline(page)
    typed = editor_text(page)
    elsewhere = "Saved elsewhere meanwhile.\n"
    assert client.put(f"/v1/drafts/{draft_id}", json={"base_version": 1, "text": elsewhere}).status_code == 200
    page.reload()  # saves still fail: the own record, on an older version than the server's, is compared
    dialog = page.locator("#compare-dialog")
    dialog.wait_for(state="visible", timeout=SAVED_TIMEOUT)
    assert page.locator("#compare-theirs").inner_text() == elsewhere
    assert page.locator("#compare-mine").inner_text() == typed
    unblock_saves(page, draft_id)
    page.get_by_role("button", name="Use theirs").click()
    wait_saved(page)
    assert editor_text(page) == elsewhere == server_text(client, draft_id)
    wait_records(page, draft_id, set())
