"""Browser fixtures: a real, seeded `noteassist serve` per test module and Debian's chromium (Playwright).

    pytestmark = [pytest.mark.browser, pytest.mark.server_env(NOTEASSIST_IDLE_MINUTES="1")]

    def test_day_view(page, live_server):
        sign_in(page, live_server, "alice")          # from browser.live (or the `sign_in` fixture)
        page.goto("/")
        check_axe(page)

- `live_server` (module scope): .url, .db_url, .seeded (seed.py's ids: users, tokens, claims, contacts,
  drafts, notes, overdue_task, phi), .stop() (SIGTERM, wait), .kill() (SIGKILL), .start() (same port and
  database, waits for /readyz). Environment from the module's `server_env` marker. When the module is done
  the server's log is searched for the seeded PHI; any found fails the module.
- `browser` (session), `page` (fresh context per test, 1280x900, relative URLs go to live_server),
  `phone_page` (390x844, touch). Every request a page makes must go to loopback: checked after each test.
- `sign_in(page, live_server, username)` and `check_axe(page)` (no serious or critical axe-core violation)
  are fixtures returning the functions; or import them: `from .live import check_axe, sign_in`.
Missing chromium or axe-core skips, saying what installs it; under CI ($CI set) it fails instead.
"""

from __future__ import annotations

import os

import pytest

from .live import (
    LAPTOP,
    PHONE,
    BrowserMissing,
    LiveServer,
    axe_source,
    check_axe,
    chromium_path,
    is_local,
    launch,
    new_context,
)
from .live import sign_in as _sign_in


def _missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} in CI: `make test` should have installed it")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright_instance():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright (Python) not installed (pip install -e '.[test]')")
    try:
        chromium_path()
    except BrowserMissing as error:
        _missing(str(error))
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = launch(playwright_instance)
    yield browser
    browser.close()


def _server_env(request) -> dict[str, str]:
    env: dict[str, str] = {}
    for marker in reversed(list(request.node.iter_markers("server_env"))):
        env.update({name: str(value) for name, value in marker.kwargs.items()})
    return env


@pytest.fixture(scope="module")
def live_server(request, tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("web"), env=_server_env(request))
    try:
        server.start()
        yield server
    finally:
        server.stop()
    leaked = server.phi_in_log()
    log = server.log_text()
    server.log_path.unlink(missing_ok=True)
    if leaked:
        pytest.fail(f"the server's log holds seeded PHI {leaked!r}:\n{log[-3000:]}")


def _context_page(browser, live_server, viewport, phone=False):
    context = new_context(browser, live_server, viewport, phone=phone)
    page = context.new_page()
    yield page
    off_host = [url for url in context.requested_urls if not is_local(url)]
    context.close()
    assert not off_host, f"the page tried to reach another host: {off_host}"


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh context at laptop size (1280x900); page.goto('/claims') goes to live_server."""
    yield from _context_page(browser, live_server, LAPTOP)


@pytest.fixture
def phone_page(browser, live_server):
    """A page in a fresh touch context 390 px wide (844 high)."""
    yield from _context_page(browser, live_server, PHONE, phone=True)


@pytest.fixture(name="check_axe")
def check_axe_fixture():
    try:
        axe_source()
    except BrowserMissing as error:
        _missing(str(error))
    return check_axe


@pytest.fixture(name="sign_in")
def sign_in_fixture():
    return _sign_in

