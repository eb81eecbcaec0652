"""PDF through LibreOffice (headless): the DOCX is the document; the PDF is a faithful print of it."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ExportError

#: Long enough for a first start of LibreOffice on a slow machine, short enough not to hang a batch.
TIMEOUT_SECONDS = 180


def soffice() -> str | None:
    """The LibreOffice executable, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx: Path, out_dir: Path | None = None) -> Path:
    """Write DOCX's PDF beside it (or in `out_dir`) and return its path; ExportError when that is impossible."""
    executable = soffice()
    if executable is None:
        raise ExportError(f"{docx}: --pdf needs LibreOffice (soffice), which is not installed; "
                          "install libreoffice-writer (Debian: apt-get install libreoffice-writer-nogui) "
                          "or open the .docx in Word and save as PDF")
    out_dir = out_dir or docx.parent
    with tempfile.TemporaryDirectory(prefix="noteassist-lo-") as profile:
        # A private profile: a LibreOffice already open on the desktop would otherwise swallow the job.
        command = [executable, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                   "--outdir", str(out_dir), str(docx)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise ExportError(f"{docx}: LibreOffice did not finish the PDF in {TIMEOUT_SECONDS} s") from None
    pdf = out_dir / (docx.stem + ".pdf")
    if done.returncode != 0 or not pdf.exists():
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise ExportError(f"{docx}: LibreOffice could not convert it to PDF"
                          + (f" ({detail[-1]})" if detail else ""))
    return pdf
