"""Real LanguageTool clients against a running noteassist server on 127.0.0.1.

The server is the service's own app (`create_app`, with its middleware in front of the /v2 router) on
uvicorn, in a thread of this process, over a throwaway SQLite database. The clients are
`language_tool_python` (in this process; the network guard lets it reach loopback only) and LibreOffice
Writer's built-in LanguageTool remote checker, driven headless by a Python-UNO script under the system
Python (Debian's python3-uno), with a throwaway profile that points the checker at the server.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Self

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"

#: A paragraph with everything that broke real clients: a non-BMP character before the findings (UTF-16
#: offsets), and "&", "+" and "%" (LibreOffice posts the paragraph without percent-encoding).
PARAGRAPH = "Pt 😀 says pain is 50% better & walking + stretching; she was non-compliant. SSN 123-45-6789 on file."


class RunningServer:
    """`create_app(settings)` served by uvicorn on a free loopback port, in a thread of this process."""

    def __init__(self, database: Path, **settings):
        import uvicorn

        from noteassist.service.app import create_app
        from noteassist.settings import Settings

        self.app = create_app(Settings(database_url=f"sqlite:///{database}", **settings))
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.uvicorn = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.uvicorn.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        runtime = self.app.state.runtime
        deadline = time.monotonic() + 120
        while not (self.uvicorn.started and runtime.ready.is_set()):
            if time.monotonic() > deadline or not self.thread.is_alive():
                pytest.fail("the noteassist server did not start")
            time.sleep(0.05)
        assert runtime.models is not None, runtime.load_error
        return self

    def __exit__(self, *exc) -> None:
        self.uvicorn.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()

    def new_token(self, username: str) -> str:
        """A case manager's API token, made in the server's database as `noteassist tokens create` does."""
        from noteassist.app.accounts import create_token, create_user

        with self.app.state.runtime.sessions() as session, session.begin():
            create_user(session, None, username, "case_manager")
            return create_token(session, None, username, "LibreOffice")[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The base URL of a noteassist server (anonymous /v2, as on one's own machine), model loaded."""
    with RunningServer(tmp_path_factory.mktemp("lt-server") / "noteassist.db") as running:
        yield running.url


@pytest.fixture(scope="module")
def token_server(tmp_path_factory):
    """A server whose /v2/check requires a noteassist token as `apiKey`."""
    database = tmp_path_factory.mktemp("lt-token-server") / "noteassist.db"
    with RunningServer(database, languagetool_requires_token=True) as running:
        yield running


def utf16_slice(text: str, offset: int, length: int) -> str:
    units = text.encode("utf-16-le")
    return units[2 * offset:2 * (offset + length)].decode("utf-16-le")


# -- language_tool_python ----------------------------------------------------------------------------------


@pytest.fixture
def tool(server, loopback_network):
    language_tool_python = pytest.importorskip("language_tool_python")
    tool = language_tool_python.LanguageTool("en-US", remote_server=server)
    yield tool
    tool.close()


def test_language_tool_python_check(tool):
    matches = tool.check(PARAGRAPH)
    assert [m.rule_id for m in matches] == ["NA402", "NA901"]
    # language_tool_python turns LanguageTool's UTF-16 offsets back into Python's code points.
    spans = [PARAGRAPH[m.offset:m.offset + m.error_length] for m in matches]
    assert spans == ["non-compliant", "123-45-6789"]
    assert [m.category for m in matches] == ["STIGMATIZING_LANGUAGE", "PRIVACY"]
    assert [m.rule_issue_type for m in matches] == ["style", "legal"]
    assert matches[1].replacements[0] == "XXX-XX-6789"
    assert matches[0].sentence == PARAGRAPH[:PARAGRAPH.index(" SSN")]  # a semicolon does not end a sentence


def test_language_tool_python_correct(tool):
    corrected = tool.correct(PARAGRAPH)
    assert corrected == PARAGRAPH.replace("non-compliant", "not adhering to").replace("123-45-6789", "XXX-XX-6789")


def test_language_tool_python_rule_selection(tool):
    tool.disabled_rules.update({"NA402"})
    assert [m.rule_id for m in tool.check(PARAGRAPH)] == ["NA901"]
    tool.disabled_rules.clear()
    tool.enabled_rules.update({"NA402"})
    tool.enabled_rules_only = True
    assert [m.rule_id for m in tool.check(PARAGRAPH)] == ["NA402"]


# -- LibreOffice Writer ------------------------------------------------------------------------------------

PROOFREAD_SCRIPT = r'''
"""Proofread one paragraph of a Writer document with LibreOffice's LanguageTool remote checker (the
com.sun.star.linguistic2.Proofreader LanguageToolGrammarChecker); print what it found as JSON."""
import json, os, subprocess, sys, time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.lang import Locale

profile, pipe, paragraph, bridge, port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])

# This process runs in a network namespace of its own with loopback only (unshare -n): LibreOffice can reach
# nothing at all but this namespace's 127.0.0.1. The service lives outside it, so 127.0.0.1:port here is
# bridged to it through a Unix socket in the file system, which both namespaces see.
import socket, threading


def pump(source, sink):
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve_bridge(listener):
    while True:
        client, _ = listener.accept()
        upstream = socket.socket(socket.AF_UNIX)
        upstream.connect(bridge)
        threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
        threading.Thread(target=pump, args=(upstream, client), daemon=True).start()


try:  # proof that this namespace has no way out: a documentation-only address (RFC 5737) is unreachable
    socket.create_connection(("192.0.2.1", 80), timeout=3).close()
    isolated = False
except OSError:
    isolated = True
listener = socket.create_server(("127.0.0.1", port))
threading.Thread(target=serve_bridge, args=(listener,), daemon=True).start()
office = subprocess.Popen(
    ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
     "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
     "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 90
    while True:
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            if time.monotonic() > deadline or office.poll() is not None:
                sys.exit("soffice did not accept a connection")
            time.sleep(0.3)
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    hidden = PropertyValue()
    hidden.Name, hidden.Value = "Hidden", True
    document = desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, (hidden,))
    document.getText().setString(paragraph)
    locale = Locale("en", "US", "")
    # 1. The way Writer checks as one types: the document's paragraph, handed by LibreOffice's proofreading
    #    iterator to the grammar checker its configuration names for the paragraph's language.
    from com.sun.star.text.TextMarkupType import PROOFREADING

    flat = document.getFlatParagraphIterator(PROOFREADING, True).getFirstPara()
    text = flat.getText()
    linguistic = smgr.createInstanceWithContext("com.sun.star.linguistic2.LinguServiceManager", ctx)
    configured = list(linguistic.getConfiguredServices("com.sun.star.linguistic2.Proofreader", locale))
    iterator = smgr.createInstanceWithContext("com.sun.star.linguistic2.ProofreadingIterator", ctx)
    started = time.monotonic()
    in_document = iterator.checkSentenceAtPosition(document, flat, text, locale, 0, len(text), -1)
    seconds = time.monotonic() - started
    # 2. The LanguageTool checker's XProofreader interface, called directly.
    checker = smgr.createInstanceWithContext("org.openoffice.lingu.LanguageToolGrammarChecker", ctx)
    direct = checker.doProofreading("noteassist-test", text, locale, 0, len(text), ())

    def errors(result):
        return [{"start": e.nErrorStart, "length": e.nErrorLength, "short": e.aShortComment,
                 "full": e.aFullComment, "suggestions": list(e.aSuggestions)} for e in result.aErrors]

    print(json.dumps({
        "paragraph": text,
        "isolated": isolated,
        "configured": configured,
        "has_locale": bool(checker.hasLocale(locale)),
        "seconds": seconds,
        "errors": errors(direct),
        "in_document": errors(in_document),
    }))
    document.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass  # the bridge goes away as soffice exits
finally:
    try:
        office.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(office.pid, 9)
'''

REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Linguistic/GrammarChecking/LanguageTool"><prop oor:name="BaseURL" oor:op="fuse"><value>{base_url}</value></prop></item>
<item oor:path="/org.openoffice.Office.Linguistic/GrammarChecking/LanguageTool"><prop oor:name="IsEnabled" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Linguistic/GrammarChecking"><prop oor:name="IsAutoCheck" oor:op="fuse"><value>true</value></prop></item>
{credentials}</oor:items>
"""
CREDENTIALS = """<item oor:path="/org.openoffice.Office.Linguistic/GrammarChecking/LanguageTool"><prop oor:name="Username" oor:op="fuse"><value>{username}</value></prop></item>
<item oor:path="/org.openoffice.Office.Linguistic/GrammarChecking/LanguageTool"><prop oor:name="ApiKey" oor:op="fuse"><value>{api_key}</value></prop></item>
"""


def require_libreoffice_uno() -> None:
    """Skip without soffice or python3-uno, except in CI, where `make test` installs both."""
    missing = []
    if shutil.which("soffice") is None:
        missing.append("soffice (libreoffice-writer-nogui)")
    has_uno = Path(SYSTEM_PYTHON).exists() and subprocess.run(
        [SYSTEM_PYTHON, "-c", "import uno"], check=False, capture_output=True).returncode == 0
    if not has_uno:
        missing.append("python3-uno")
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} missing in CI: `make system-deps` should have installed it")
        pytest.skip(f"{', '.join(missing)} not installed; cannot drive LibreOffice's LanguageTool checker")


def proofread_in_libreoffice(base_url: str, paragraph: str, tmp_path: Path, username: str = "",
                             api_key: str = "") -> dict:
    """What LibreOffice's checker finds in `paragraph`, with a new profile pointing it at `base_url`
    (Tools > Options > Language Settings > LanguageTool Server: base URL, user name, API key)."""
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    credentials = CREDENTIALS.format(username=username, api_key=api_key) if api_key else ""
    (profile / "user" / "registrymodifications.xcu").write_text(
        REGISTRY.format(base_url=base_url, credentials=credentials), encoding="utf-8")
    script = tmp_path / "proofread.py"
    script.write_text(PROOFREAD_SCRIPT, encoding="utf-8")
    port = int(base_url.rsplit(":", 1)[1].split("/", 1)[0])
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    with UnixBridge(tmp_path / "bridge.sock", port) as bridge:
        # A new network namespace with its loopback up and nothing else: no route off this machine at all.
        command = [*isolated_network(), "sh", "-c", 'ip link set lo up && exec "$@"', "sh", SYSTEM_PYTHON,
                   str(script), str(profile), f"noteassist-lt-{os.getpid()}", paragraph, str(bridge.path), str(port)]
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=240, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def isolated_network() -> list[str]:
    """The command prefix that runs a program in a network namespace of its own (root: unshare -n; anyone
    else: with a user namespace too)."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.skip("unshare and ip (util-linux, iproute2) are needed to cut LibreOffice off the network")
    prefix = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-rn"]
    if subprocess.run([*prefix, "true"], check=False, capture_output=True).returncode != 0:
        pytest.skip("this machine does not allow a new network namespace")
    return prefix


class UnixBridge:
    """A Unix socket at `path` whose every connection is forwarded to the service at 127.0.0.1:`port`."""

    def __init__(self, path: Path, port: int):
        self.path, self.port = path, port
        self.listener = socket.socket(socket.AF_UNIX)

    def __enter__(self) -> Self:
        self.listener.bind(str(self.path))
        self.listener.listen(16)
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.port))
            except OSError:
                client.close()  # LibreOffice sees the connection refused, as it would with no server
                continue
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@pytest.mark.slow
def test_libreoffice_writer_shows_noteassist_findings(server, tmp_path, loopback_network):
    require_libreoffice_uno()
    result = proofread_in_libreoffice(f"{server}/v2", PARAGRAPH, tmp_path)
    assert result["paragraph"] == PARAGRAPH
    assert result["isolated"]  # LibreOffice ran where nothing but loopback exists
    # With the profile's BaseURL and IsEnabled, LibreOffice uses the LanguageTool checker for English, which
    # read en-US from /v2/languages; the document's paragraph and the direct call get the same answer.
    assert result["configured"] == ["org.openoffice.lingu.LanguageToolGrammarChecker"]
    assert result["has_locale"]
    assert result["in_document"] == result["errors"]
    errors = result["errors"]
    # LibreOffice's full comment is LanguageTool's shortMessage, which names the noteassist rule.
    assert [e["full"] for e in errors] == ["Stigmatizing language (NA402)", "Privacy (NA901)"]
    # The paragraph arrived whole despite "&", "+" and "%", and the offsets are LibreOffice's (UTF-16).
    assert [utf16_slice(PARAGRAPH, e["start"], e["length"]) for e in errors] == ["non-compliant", "123-45-6789"]
    assert errors[0]["short"].startswith('"non-compliant": judgmental or blaming term')
    assert errors[1]["suggestions"][0] == "XXX-XX-6789"
    assert result["seconds"] < 10  # LibreOffice gives up on a paragraph after 10 seconds


@pytest.mark.slow
def test_libreoffice_with_username_and_api_key(token_server, tmp_path, loopback_network):
    # LibreOffice appends "&username=...&apiKey=..." (unencoded, after the text) when both are set.
    require_libreoffice_uno()
    token = token_server.new_token("lena")
    result = proofread_in_libreoffice(f"{token_server.url}/v2", PARAGRAPH, tmp_path / "with", "lena", token)
    assert [e["full"] for e in result["errors"]] == ["Stigmatizing language (NA402)", "Privacy (NA901)"]
    # Without the key the server answers 401, and LibreOffice shows nothing.
    result = proofread_in_libreoffice(f"{token_server.url}/v2", PARAGRAPH, tmp_path / "without")
    assert result["errors"] == []


def test_no_note_text_in_the_server_logs(server, tool, caplog):
    import logging
    import urllib.parse
    import urllib.request

    with caplog.at_level(logging.DEBUG):
        assert tool.check(PARAGRAPH)
        # A GET carries the note in its query string: the access line must not.
        query = urllib.parse.urlencode({"language": "en-US", "text": PARAGRAPH})
        with urllib.request.urlopen(f"{server}/v2/check?{query}", timeout=30) as answer:
            assert json.load(answer)["matches"]
    server_side = [r for r in caplog.records if not r.name.startswith(("language_tool_python", "urllib3"))]
    assert any(r.name == "noteassist.access" for r in server_side)  # the server did log: its access line
    logged = "\n".join(r.getMessage() for r in server_side)
    for phi in ("non-compliant", "123-45-6789", "stretching"):
        assert phi not in logged
