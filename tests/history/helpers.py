"""Shared paths and a CLI runner for the history tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner

from noteassist.cli import main

ROOT = Path(__file__).resolve().parents[2]
AGENCIES = ROOT / "examples" / "agencies"
EXPORTS = sorted(str(p) for p in AGENCIES.iterdir())
AS_OF = "2026-12-01"
#: The three clients of the truth file, as `history` is asked for them.
QUERIES = {"maria": ("Maria Garcia-Lopez", "1985-03-14"), "robert": ("Robert Thompson", "1972-11-02"),
           "james": ("Okafor, James", "1968-01-25")}


def run(*args):
    result = CliRunner().invoke(main, ["history", *map(str, args)])
    assert "Traceback" not in result.output + (result.stderr or ""), result.output
    return result


def docx_xml(path: Path) -> str:
    """Every XML part of a .docx, joined: what a reader of the file could find in it."""
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist()
                         if name.endswith((".xml", ".rels")))
