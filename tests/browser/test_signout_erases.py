"""Signing out leaves no note text in the browser: edits the server never acknowledged are erased from
IndexedDB, after the page says so (they exist nowhere else), and a draft that can still be saved is saved
first."""

from __future__ import annotations

import pytest

from .live import sign_in
from .test_saving import (
    SAVED_TIMEOUT,
    buffered_text,
    client,
    editor_text,
    new_draft,
    open_draft,
    server_text,
    type_at_end,
)

pytestmark = pytest.mark.browser

__all__ = ["client"]  # the fixture, imported for these tests


def go_offline(page, draft_id: int) -> None:
    """Saves of this draft fail as with no network; everything else (sign-out) still reaches the server."""
    page.route(f"**/v1/drafts/{draft_id}**", lambda route: route.abort("internetdisconnected"))


def test_sign_out_warns_of_unsent_edits_then_erases_them(page, live_server, client):
    draft_id = new_draft(client, live_server)
    sign_in(page, live_server, "alice")
    open_draft(page, draft_id)
    go_offline(page, draft_id)
    type_at_end(page, " Typed with no network.")
    page.wait_for_function("() => document.getElementById('save-status').textContent"
                           " === 'Offline: kept in this browser'", timeout=SAVED_TIMEOUT)
    assert buffered_text(page, draft_id) == editor_text(page)

    asked: list[str] = []

    def cancel(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", cancel)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_timeout(500)
    assert "one draft have not reached the server" in asked[0]
    assert page.url.endswith(f"/drafts/{draft_id}")  # cancelled: still signed in, the edits still kept
    assert buffered_text(page, draft_id) == editor_text(page)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signin**")
    assert buffered_text(page, draft_id) is None
    assert "Typed with no network" not in server_text(client, draft_id)


def test_sign_out_saves_a_draft_the_server_can_still_take(page, live_server, client):
    draft_id = new_draft(client, live_server)
    sign_in(page, live_server, "alice")
    open_draft(page, draft_id)
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    type_at_end(page, " Typed just before signing out.")
    page.get_by_role("button", name="Sign out").click()  # before the 2 s autosave timer
    page.wait_for_url("**/signin**")
    assert asked == []
    assert server_text(client, draft_id).endswith("Typed just before signing out.")
    assert buffered_text(page, draft_id) is None
