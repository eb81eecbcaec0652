"""`report --pdf` harms and exposes nothing (issue 10, item 8, the PDF and letterhead bullets).

- A letterhead that links outside content (a linked logo, INCLUDEPICTURE fields, a hyperlink, an
  attached template) is used without its links, and stderr says what was removed; LibreOffice runs with
  no network. A loopback HTTP listener started here, which the letterhead points at, receives nothing;
  the same document converted by a bare LibreOffice does reach it, so the listener would have heard.
- A converter that times out is killed with its whole process group.
- An existing PDF is replaced only with --force (or a yes at the prompt), like every other output.
"""

from __future__ import annotations

import http.server
import os
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, require_libreoffice
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from noteassist.cli import main
from noteassist.errors import ExportError
from noteassist.export import docx_to_pdf
from noteassist.export import pdf as pdf_module
from noteassist.export.letterhead import clean_letterhead

CLAIM = EXAMPLES / "claims" / "WC-2231-0457"
PERIOD = ["--from", "2026-11-01", "--to", "2026-11-30"]
ATTACHED_TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"


class Listener:
    """An HTTP server on 127.0.0.1 that records every request path."""

    def __init__(self) -> None:
        requests = self.requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                self.send_response(404)
                self.end_headers()

            do_HEAD = do_GET
            do_PROPFIND = do_GET
            do_OPTIONS = do_GET

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def beacon_document(url: str, path: Path) -> Path:
    """A letterhead whose header links an image, twice by INCLUDEPICTURE, a hyperlink and an attached
    template at `url`, with its agency name as plain text."""
    document = Document()
    header = document.sections[0].header
    part = header.part
    image = part.relate_to(f"{url}/linked-logo.png", RT.IMAGE, is_external=True)
    link = part.relate_to(f"{url}/website", RT.HYPERLINK, is_external=True)
    paragraph = header.paragraphs[0]
    paragraph.text = "Harbor Case Management"
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w", "wp", "a", "pic", "r")}><w:drawing><wp:inline><wp:extent cx="914400" cy="457200"/>'
        '<wp:docPr id="1" name="Logo"/><a:graphic><a:graphicData '
        'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>'
        '<pic:cNvPr id="1" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:link="{image}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="457200"/></a:xfrm>'
        '<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'))
    fields = header.add_paragraph()
    fields._p.append(parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=\' INCLUDEPICTURE "{url}/simple-field.png" \\* MERGEFORMATINET \'>'
        '<w:r><w:t>logo</w:t></w:r></w:fldSimple>'))
    for xml in (f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
                (f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> INCLUDEPICTURE "{url}/complex-field.png" '
                 '\\d </w:instrText></w:r>'),
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
                f'<w:r {nsdecls("w")}><w:t>cached logo</w:t></w:r>',
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
                f'<w:hyperlink {nsdecls("w", "r")} r:id="{link}"><w:r><w:t>harbor.example</w:t></w:r></w:hyperlink>'):
        fields._p.append(parse_xml(xml))
    settings = document.part._settings_part
    template = settings.relate_to(f"{url}/template.dotx", ATTACHED_TEMPLATE, is_external=True)
    settings.element.append(parse_xml(f'<w:attachedTemplate {nsdecls("w", "r")} r:id="{template}"/>'))
    document.save(str(path))
    return path


def external_references(docx: Path | bytes) -> list[str]:
    import io

    source = io.BytesIO(docx) if isinstance(docx, bytes) else docx
    with zipfile.ZipFile(source) as archive:
        return [name for name in archive.namelist()
                if "127.0.0.1" in archive.read(name).decode("utf-8", "replace")
                or 'TargetMode="External"' in archive.read(name).decode("utf-8", "replace")]


def wait_for_requests(server: Listener, seconds: float = 2.0) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not server.requests:
        time.sleep(0.1)
    return server.requests


# -- letterhead links -------------------------------------------------------------------------------


def test_letterhead_links_are_removed_and_named(tmp_path: Path) -> None:
    letterhead = beacon_document("http://127.0.0.1:9", tmp_path / "letterhead.docx")
    assert external_references(letterhead)
    data, removed = clean_letterhead(letterhead.read_bytes(), str(letterhead))
    assert external_references(data) == []
    assert "linked image http://127.0.0.1:9/linked-logo.png" in removed
    assert "hyperlink http://127.0.0.1:9/website" in removed
    assert "INCLUDEPICTURE field" in removed
    assert "external link http://127.0.0.1:9/template.dotx" in removed
    header = Document(__import__("io").BytesIO(data)).sections[0].header
    texts = [p.text for p in header.paragraphs]
    assert texts[0] == "Harbor Case Management" and "harbor.example" in texts[1]  # text kept, link gone
    assert "cached logo" not in texts[1]


def test_an_embedded_logo_stays(tmp_path: Path) -> None:
    import base64
    import io

    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
    path = beacon_document("http://127.0.0.1:9", tmp_path / "base.docx")
    beacon = Document(str(path))
    beacon.sections[0].header.paragraphs[0].add_run().add_picture(io.BytesIO(png))
    beacon.save(str(path))
    data, removed = clean_letterhead(path.read_bytes())
    assert removed and external_references(data) == []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        header = archive.read("word/header1.xml").decode("utf-8")
        assert "r:embed=" in header and any(name.startswith("word/media/") for name in archive.namelist())


def test_a_clean_letterhead_is_used_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "plain.docx"
    Document().save(str(path))
    data = path.read_bytes()
    assert clean_letterhead(data) == (data, [])


def test_report_pdf_with_a_beacon_letterhead_requests_nothing(listener: Listener, tmp_path: Path) -> None:
    require_libreoffice()
    letterhead = beacon_document(listener.url, tmp_path / "letterhead.docx")
    out = tmp_path / "report.docx"
    result = CliRunner().invoke(main, ["report", str(CLAIM), *PERIOD, "-o", str(out), "--letterhead",
                                       str(letterhead), "--pdf"], catch_exceptions=False)
    assert out.with_suffix(".pdf").is_file(), result.output
    assert f"removed linked image {listener.url}/linked-logo.png" in result.output
    assert external_references(out) == []
    assert wait_for_requests(listener) == []


def test_the_converter_has_no_network_even_for_a_document_that_links_out(listener: Listener,
                                                                        tmp_path: Path) -> None:
    """docx_to_pdf prints any DOCX given to it: links left in, LibreOffice still reaches nothing."""
    require_libreoffice()
    document = beacon_document(listener.url, tmp_path / "beacon.docx").read_bytes()
    assert docx_to_pdf(document).startswith(b"%PDF")
    assert wait_for_requests(listener) == []


def test_a_bare_libreoffice_does_fetch_the_beacon(listener: Listener, tmp_path: Path) -> None:
    """The control for the two tests above: without noteassist's precautions the listener is reached."""
    import subprocess

    require_libreoffice()
    beacon = beacon_document(listener.url, tmp_path / "beacon.docx")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([pdf_module.soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(beacon)], capture_output=True, timeout=180,
                   stdin=subprocess.DEVNULL, check=False)
    assert wait_for_requests(listener, 5.0), "LibreOffice did not fetch the linked image: the tests above prove nothing"


# -- a converter that hangs -------------------------------------------------------------------------


def test_a_converter_that_times_out_is_killed_with_its_process_group(tmp_path: Path, monkeypatch) -> None:
    pid_file = tmp_path / "child.pid"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pid_file}\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf_module, "soffice", lambda: str(fake))
    monkeypatch.setattr(pdf_module, "TIMEOUT_SECONDS", 2)
    with pytest.raises(ExportError) as info:
        docx_to_pdf(b"PK", label="report.docx")
    assert str(info.value).startswith("report.docx: LibreOffice did not finish the PDF in 2 s")
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _running(child):
        time.sleep(0.1)
    assert not _running(child), "the converter's child process was left running"


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state != "Z"


# -- an existing PDF --------------------------------------------------------------------------------


def test_report_pdf_does_not_replace_an_existing_pdf_without_force(tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    pdf = out.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF the user's own")
    result = CliRunner().invoke(main, ["report", str(CLAIM), *PERIOD, "-o", str(out), "--pdf"])
    assert result.exit_code == 2
    assert f"{pdf}: already exists; use --force to overwrite" in result.output
    assert pdf.read_bytes() == b"%PDF the user's own" and not out.exists()


def test_report_pdf_replaces_it_with_force(tmp_path: Path) -> None:
    require_libreoffice()
    out = tmp_path / "report.docx"
    pdf = out.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF the user's own")
    result = CliRunner().invoke(main, ["report", str(CLAIM), *PERIOD, "-o", str(out), "--pdf", "--force"])
    assert pdf.read_bytes().startswith(b"%PDF-"), result.output


def test_report_into_a_relative_folder(tmp_path: Path, monkeypatch) -> None:
    """`make report-images` writes out/report/report.docx: an output path with a relative folder (written
    through an unnamed temporary file linked in by its directory) lands where it says."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    for _ in range(2):  # new, then replaced with --force
        result = CliRunner().invoke(main, ["report", str(CLAIM), *PERIOD, "-o", "out/report.docx", "--force"])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "report.docx").read_bytes().startswith(b"PK")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["report.docx"]
