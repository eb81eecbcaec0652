"""The resume manifest: which batches of a QA run are written, and where each output file ended after them.

DIR/manifest.jsonl holds a header line (the run's inputs and options) and one line per committed batch. The
driver writes a batch's lines to findings.jsonl and notes.csv, flushes and fsyncs them, and only then appends
the batch's manifest line (fsynced too). After a crash (Ctrl-C, `kill -9` of the parent, a power cut) the
manifest's last whole line says how far the outputs are good: `--resume` cuts both files back to the byte
offsets it records and starts at the next note, so no note is written twice and none is lost. A torn last
line (the crash came while appending it) does not count: that batch is done again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import NoteassistError
from .outputs import MANIFEST

VERSION = 1


@dataclass(frozen=True)
class Commit:
    batch: int
    #: Position of the first note after the batch.
    end: int
    findings_bytes: int
    notes_bytes: int


def read_manifest(directory: Path, *, repair: bool = True) -> tuple[dict[str, Any] | None, list[Commit]]:
    """(header, committed batches) of DIR's manifest; (None, []) when there is none. A torn tail is cut off
    the file, so that the next commit starts on a line of its own; `repair=False` only reads (a reader
    beside a run that is still appending, such as the service's job status)."""
    path = directory / MANIFEST
    if not path.is_file():
        return None, []
    header: dict[str, Any] | None = None
    commits: list[Commit] = []
    good = 0
    with open(path, "rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                break  # torn by a crash while being appended: not committed
            try:
                data = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                break
            good += len(raw)
            if header is None:
                header = data
                continue
            commits.append(Commit(data["batch"], data["end"], data["findings_bytes"], data["notes_bytes"]))
    if repair and good < path.stat().st_size:
        with open(path, "r+b") as handle:
            handle.truncate(good)
    if header is None or header.get("version") != VERSION:
        raise NoteassistError(f"{path}: not a noteassist qa manifest (or from another version); "
                              "start the run again in an empty folder")
    return header, commits


class ManifestWriter:
    """Appends committed batches to the manifest, each line fsynced before `commit` returns."""

    def __init__(self, directory: Path, header: dict[str, Any] | None = None):
        self.path = directory / MANIFEST
        if header is not None:  # a new run: a fresh manifest with its header
            self._write_new(header)
        self._handle = open(self.path, "a", encoding="utf-8")

    def _write_new(self, header: dict[str, Any]) -> None:
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(json.dumps({"version": VERSION, **header}, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def commit(self, commit: Commit) -> None:
        self._handle.write(json.dumps(commit.__dict__, sort_keys=True) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()

