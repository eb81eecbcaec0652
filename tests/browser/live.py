"""A seeded `noteassist serve` on loopback and Debian's chromium under Playwright, shared by the browser
tests (conftest.py), `make screenshots` (bench/screenshots.py) and `make bench` (bench/web.py).

The browser is the system's chromium (`make system-deps` installs it), never one Playwright downloads; its
flags keep it off Google's hosts, and every host name but localhost fails to resolve, so the page can only
reach the server on 127.0.0.1. axe-core comes from the npm package `make web-deps` put in .cache/npm."""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from durability.harness import ServerProcess

from .seed import PASSWORD, seed

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in a container: chromium refuses to start sandboxed
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class BrowserMissing(RuntimeError):
    pass


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise BrowserMissing("Debian's chromium is not installed (`make system-deps` installs it)")
    return path


def axe_source() -> str:
    if not AXE_JS.is_file():
        raise BrowserMissing(f"{AXE_JS.relative_to(ROOT)} missing (`make web-deps` installs axe-core from npm)")
    return AXE_JS.read_text(encoding="utf-8")


@contextmanager
def loopback_allowed():
    """Let this process connect to 127.0.0.1/::1 for the block (the suite's network guard stays on for every
    other address); outside pytest, where nothing guards, it changes nothing."""
    guarded = socket.socket.connect
    unguarded = socket.socket.__mro__[1].connect

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                if ipaddress.ip_address(address[0]).is_loopback:
                    return unguarded(sock, address)
            except ValueError:
                pass
        return guarded(sock, address)

    socket.socket.connect = connect
    try:
        yield
    finally:
        socket.socket.connect = guarded


class LiveServer(ServerProcess):
    """`noteassist serve` on 127.0.0.1:<free port> over a seeded SQLite database in `folder`.

    .url, .db_url, .seeded (seed.py's ids), .log_path; .stop() sends SIGTERM and waits (a clean shutdown),
    .kill() SIGKILLs the process group, .start() starts it again on the same port and database and waits for
    /readyz. `env` (NOTEASSIST_IDLE_MINUTES=...) is added to the server's environment; start(env=...)
    changes it for this and later starts."""

    def __init__(self, folder: Path, env: dict[str, str] | None = None):
        self.folder = Path(folder)
        db_url = f"sqlite:///{self.folder / 'web.db'}"
        self.seeded = seed(db_url)
        super().__init__(db_url, env=env)
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self, ready_timeout: float = 180.0, ready_path: str = "/readyz", env: dict | None = None):
        if env:
            self.env.update({name: str(value) for name, value in env.items()})
        with loopback_allowed():
            return super().start(ready_timeout, ready_path)

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM (uvicorn finishes requests in flight and shuts the app down), then wait; SIGKILL if it hangs."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.signal_kill()
        self.reap()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def phi_in_log(self) -> list[str]:
        """The seeded names, claim numbers and note words found in the server's log (there must be none)."""
        text = self.log_text()
        return [item for item in self.seeded["phi"] if item in text]

    def close(self) -> None:
        self.stop()
        self.log_path.unlink(missing_ok=True)


def launch(playwright, headless: bool = True):
    """Debian's chromium under Playwright, with the flags that keep it on loopback."""
    return playwright.chromium.launch(executable_path=chromium_path(), headless=headless, args=CHROMIUM_ARGS)


def is_local(url: str) -> bool:
    """A request the page may make: the server on loopback, or data/blob/about URLs that leave nothing."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-error"):
        return True
    return parts.hostname in ("127.0.0.1", "localhost", "::1")


def new_context(browser, server: LiveServer, viewport: dict = LAPTOP, phone: bool = False):
    """A fresh browser context (no cookies, no storage) whose relative URLs go to `server`; every request
    it makes is recorded in `context.requested_urls` (tests assert each stayed on loopback)."""
    options = {"viewport": viewport, "base_url": server.url, "locale": "en-US"}
    if phone:
        options.update(is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    context.requested_urls = []
    context.on("request", lambda request: context.requested_urls.append(request.url))
    context.set_default_timeout(15_000)
    return context


def sign_in(page, server: LiveServer, username: str, password: str = PASSWORD, next_path: str | None = None):
    """Sign in through the /signin form; returns the page, on `next_path` (or the day view)."""
    page.goto("/signin" + (f"?next={next_path}" if next_path else ""))
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    path = urlsplit(page.url).path
    if path == "/signin":
        error = page.locator("#signin-error")
        raise AssertionError(f"sign-in as {username} failed: {error.inner_text() if error.count() else page.url}")
    return page


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's violations on the page as it is now, of the given impacts. axe is evaluated through the
    DevTools protocol, not a <script> tag, so the page's Content-Security-Policy need not allow it."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source() + "\n;undefined")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


def check_axe(page, impacts=("serious", "critical")) -> None:
    """Fail when axe-core finds a violation of these impacts on the page as it is now."""
    violations = axe_violations(page, impacts)
    assert not violations, f"axe-core on {page.url}:\n{describe_violations(violations)}"


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {(node['summary'] or '').splitlines()[-1:]}")
    return "\n".join(lines)


def temporary_folder(prefix: str = "na-web-") -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
