"""axe-core on the idle warning (session.js's dialog a minute before idle logoff), at both widths. Its own
module: the server runs with a short idle limit, which would sign the other accessibility tests out."""

from __future__ import annotations

import pytest

from .live import check_axe, sign_in

IDLE_MINUTES = 0.3  # 18 s; the warning opens when a minute or less is left, so at once here
pytestmark = [pytest.mark.browser, pytest.mark.server_env(NOTEASSIST_IDLE_MINUTES=str(IDLE_MINUTES))]


@pytest.mark.parametrize("which", ["page", "phone_page"])
def test_the_idle_warning_passes_axe(request, live_server, which):
    page = request.getfixturevalue(which)
    sign_in(page, live_server, "alice")
    page.goto("/")
    page.locator("#idle-dialog").wait_for(state="visible", timeout=IDLE_MINUTES * 60_000)
    assert page.get_by_role("button", name="Stay signed in").is_visible()
    check_axe(page)
