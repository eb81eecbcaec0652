"""PDF through LibreOffice (headless): the DOCX is the document; the PDF is a faithful print of it.

`docx_to_pdf` takes the DOCX bytes and returns the PDF bytes. Each call works in a private
temporary directory of its own (the input, the output and a LibreOffice user profile), so
concurrent calls, from threads of a service or from two processes, never share a file: a shared
profile would make the second soffice hand its job to the first, or fail on the profile lock.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ExportError

__all__ = ["TIMEOUT_SECONDS", "convert_to_pdf", "docx_to_pdf", "soffice"]

#: Long enough for a first start of LibreOffice on a slow machine, short enough not to hang a batch.
TIMEOUT_SECONDS = 180


def soffice() -> str | None:
    """The LibreOffice executable, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


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
        command = [executable, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                   "--outdir", str(folder), str(source)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ExportError(f"{label}: LibreOffice did not finish the PDF in {TIMEOUT_SECONDS} s") from None
        except OSError as exc:
            raise ExportError(f"{label}: cannot run LibreOffice ({executable}): {exc.strerror or exc}") from None
        pdf = folder / "document.pdf"
        if done.returncode != 0 or not pdf.is_file():
            detail = (done.stderr or done.stdout).strip().splitlines()
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
