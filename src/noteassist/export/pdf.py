"""PDF through LibreOffice (headless): the DOCX is the document; the PDF is a faithful print of it.

`docx_to_pdf` takes the DOCX bytes and returns the PDF bytes. Each call works in a private
temporary directory of its own (the input, the output and a LibreOffice user profile), so
concurrent calls, from threads of a service or from two processes, never share a file: a shared
profile would make the second soffice hand its job to the first, or fail on the profile lock.

The converter cannot reach the network: a document that links an image or a file by address
(a tracking beacon in a letterhead) would make LibreOffice fetch it. Where the kernel allows an
unprivileged network namespace (`unshare -rn`, util-linux; Debian and most distributions allow
it), LibreOffice runs in one that has no interface up, not even loopback. Everywhere, its fresh
profile blocks links from documents (BlockUntrustedRefererLinks) and the proxy variables are
cleared. LibreOffice runs in a session of its own, so a timeout kills it with every process it
started (oosplash, soffice.bin), not only the launcher.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import ExportError

__all__ = ["TIMEOUT_SECONDS", "convert_to_pdf", "docx_to_pdf", "isolation_prefix", "soffice"]

#: Long enough for a first start of LibreOffice on a slow machine, short enough not to hang a batch.
TIMEOUT_SECONDS = 180

#: The profile settings every conversion starts with: no links followed out of the document, no update
#: check, no first-start wizard.
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks"
 oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value>
</prop></item>
<item oor:path="/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments">
<prop oor:name="AutoCheckEnabled" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "no_proxy")


def soffice() -> str | None:
    """The LibreOffice executable, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.lru_cache(maxsize=1)
def isolation_prefix() -> tuple[str, ...]:
    """The command that runs a program without network access (`unshare -rn`), when this system allows
    it; () when it does not (no util-linux, or unprivileged user namespaces disabled)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    try:
        probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=10, stdin=subprocess.DEVNULL,
                               check=False)
    except (OSError, subprocess.SubprocessError):
        return ()
    return (unshare, "-rn") if probe.returncode == 0 else ()


def _environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key.lower() not in _PROXY_VARIABLES}


def _run(command: list[str], timeout: float) -> tuple[int, str]:
    """Run `command` in a session of its own; on timeout kill the whole process group and raise
    subprocess.TimeoutExpired. Returns (exit status, its output)."""
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True, env=_environment())
    try:
        output, _ = process.communicate(timeout=timeout)
    except BaseException:  # a timeout, or Ctrl-C while waiting: leave nothing running
        _kill_group(process)
        raise
    return process.returncode, output or ""


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.kill()
    process.communicate()


def docx_to_pdf(docx: bytes, *, label: str = "document") -> bytes:
    """The PDF of a DOCX document. Raises ExportError (one line starting with `label`) when LibreOffice is
    missing, fails or takes longer than TIMEOUT_SECONDS."""
    executable = soffice()
    if executable is None:
        raise ExportError(f"{label}: a PDF needs LibreOffice (soffice), which is not installed; "
                          "install libreoffice-writer (Debian: apt-get install libreoffice-writer-nogui) "
                          "or open the .docx in Word and save as PDF")
    with tempfile.TemporaryDirectory(prefix="noteassist-pdf-") as work:
        folder = Path(work)
        source = folder / "document.docx"
        source.write_bytes(docx)
        profile = folder / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
        command = [*isolation_prefix(), executable, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                   "--convert-to", "pdf", "--outdir", str(folder), str(source)]
        try:
            status, output = _run(command, TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise ExportError(f"{label}: LibreOffice did not finish the PDF in {TIMEOUT_SECONDS} s "
                              "(stopped it and every process it started)") from None
        except OSError as exc:
            raise ExportError(f"{label}: cannot run LibreOffice ({executable}): {exc.strerror or exc}") from None
        pdf = folder / "document.pdf"
        if status != 0 or not pdf.is_file():
            detail = [line for line in output.strip().splitlines() if "javaldx" not in line]
            raise ExportError(f"{label}: LibreOffice could not convert it to PDF"
                              + (f" ({detail[-1]})" if detail else ""))
        return pdf.read_bytes()


def convert_to_pdf(docx: Path, out_dir: Path | None = None, *, overwrite: bool = True) -> Path:
    """Write DOCX's PDF beside it (or in `out_dir`) as STEM.pdf and return its path (the file-based API)."""
    from ..io.write import write_atomic

    docx = Path(docx)
    try:
        data = docx.read_bytes()
    except OSError as exc:
        raise ExportError(f"{docx}: cannot read: {exc.strerror or exc}") from None
    pdf = docx_to_pdf(data, label=str(docx))
    return write_atomic(Path(out_dir or docx.parent) / (docx.stem + ".pdf"), pdf, overwrite=overwrite)
