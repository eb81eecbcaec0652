"""The QA worker: one pure function from a batch of records to plain rows.

`lint_batch(records, config, prior)` is what every engine runs: the in-process path (--jobs 1), the process
pool (--jobs N) and a distributed engine's partitions. Its inputs and outputs are plain picklable values
(dataclasses of str/int/dict, Fingerprints), and its output depends only on them, never on which process runs it
or what ran before there, so every engine writes the same bytes.

Copy-forward and the claim-consistency rules compare a note with earlier notes on its claim. A batch gets those
as `prior`: the fingerprints of earlier batches' notes on the claims it holds, which the driver keeps (bounded
per claim) from `fingerprint_batch`, a cheap first pass over each batch (no parse). Positions are global (the
note's place in the run), so "earlier" means the same thing in every batch.

The model loads once per process: `_linter(config)` caches one Linter per (model, lint config). So that a long
run's vocabulary does not grow without end, each batch runs in spaCy's `nlp.memory_zone()`, which frees the
strings the batch added; without it (spaCy before 3.8) the model and Linter are rebuilt every RELOAD_EVERY
batches.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import NoteassistError
from ..lint.config import LintConfig
from ..lint.model import LintError, LintResult, NoteInput
from ..lint.registry import CATEGORIES
from .score import Rubric

if TYPE_CHECKING:
    from ..lint.engine import Linter
    from ..lint.fingerprints import Fingerprint

#: Batches a Linter serves before it is rebuilt, when spaCy has no memory_zone.
RELOAD_EVERY = 50
#: Test hook: a path; the first worker process (not the main one) that finds no file there creates it and exits
#: at once, as a worker killed by the OOM killer would. The driver must notice and redo the batch.
CRASH_ENV = "NOTEASSIST_QA_TEST_CRASH_ONCE"


@dataclass(frozen=True)
class QARecord:
    """One note of the run as the reader saw it: its text, or the reason it could not be read."""

    #: 0-based place in the run's input order; the note's key in every output.
    position: int
    #: The label in messages: a file path, or `export.csv#17`.
    path: str
    text: str | None
    #: Metadata from outside the text (an export's columns) for the rules.
    meta: dict[str, Any] = field(default_factory=dict)
    #: Where the note came from: source file, export line, and the row's id/author/claim when present.
    record: dict[str, Any] = field(default_factory=dict)
    #: Why the note could not be read (one line naming file and line); None when it was read.
    error: str | None = None
    #: False for a note outside an audit sample: fingerprinted (later notes are compared with it), not reported.
    sampled: bool = True


@dataclass(frozen=True)
class BatchConfig:
    """What a worker needs besides the records; small and picklable."""

    lint: LintConfig = field(default_factory=LintConfig)
    #: spaCy model name or path; None: the default (nlp.model_name()).
    model: str | None = None
    rubric: Rubric = field(default_factory=Rubric)
    #: `--type`: the note type of every note.
    note_type: str | None = None
    #: The config file the settings came from, for messages only.
    config_path: str | None = None


# -- the per-process linter -------------------------------------------------------------------------------------

_linters: dict[tuple, list] = {}


def _linter(config: BatchConfig) -> Linter:
    from ..lint.engine import Linter

    key = (config.model, config.lint.model_dump_json())
    entry = _linters.get(key)
    if entry is None or (not _has_memory_zone(entry[0]) and entry[1] >= RELOAD_EVERY):
        if entry is not None:
            from .. import nlp

            nlp._models.pop(config.model or nlp.model_name(), None)  # a fresh vocabulary, not the grown one
        entry = _linters[key] = [Linter(config.lint, model=config.model), 0]
    entry[1] += 1
    return entry[0]


def _has_memory_zone(linter: Linter) -> bool:
    """Whether spaCy can free a batch's strings after it (`nlp.memory_zone()`, spaCy 3.8+). Rules compile
    their matchers when the Linter is built (`Rule.bind`), outside any zone, so nothing a rule keeps across
    batches refers to a freed string; older spaCy versions get the periodic rebuild instead."""
    return hasattr(linter.pipeline.nlp, "memory_zone")


def _maybe_crash() -> None:
    marker = os.environ.get(CRASH_ENV)
    if not marker:
        return
    import multiprocessing

    if multiprocessing.parent_process() is None:
        return
    try:
        with open(marker, "x"):
            pass
    except FileExistsError:
        return
    os._exit(70)


# -- the two passes ------------------------------------------------------------------------------------------------

def fingerprint_batch(records: Sequence[QARecord], config: BatchConfig) -> list[Fingerprint]:
    """The copy-forward fingerprints of the batch's notes that have a claim (no parse), in position order."""
    linter = _linter(config)
    if not linter._fingerprints:
        return []
    found = []
    for record in records:
        if record.error is not None:
            continue
        try:
            ctx = linter.prepare(_note_input(record, config))
        except NoteassistError:
            continue
        fp = linter._fingerprint(ctx, record.position)
        if fp.claim is not None:
            found.append(fp)
    return found


def lint_batch(records: Sequence[QARecord], config: BatchConfig, prior: Iterable[Fingerprint] = ()) -> list[dict]:
    """Rows for a batch, in position order: for each sampled record its `note` row (or `error` row), then its
    `finding` rows. Rows are plain dicts (see outputs.py for their fields)."""
    from ..lint.engine import COPY_FORWARD_WINDOW
    from ..lint.fingerprints import MemoryIndex

    _maybe_crash()
    linter = _linter(config)
    if _has_memory_zone(linter):
        with linter.pipeline.nlp.memory_zone():
            return _lint(linter, records, config, MemoryIndex(prior, per_claim=COPY_FORWARD_WINDOW))
    return _lint(linter, records, config, MemoryIndex(prior, per_claim=COPY_FORWARD_WINDOW))


def _lint(linter: Linter, records: Sequence[QARecord], config: BatchConfig, index) -> list[dict]:
    items: list = []
    infos: list[dict[str, Any]] = []
    for record in records:
        info = _info_from_record(record)
        if record.error is not None:
            items.append(LintError(record.path, record.error, record.record))
        else:
            try:
                ctx = linter.prepare(_note_input(record, config))
            except NoteassistError as exc:
                items.append(LintError(record.path, exc.message, record.record))
            else:
                info = _info_from_context(ctx, info)
                if linter._fingerprints:
                    ctx.fingerprint = linter._fingerprint(ctx, record.position)
                    ctx.index = index
                    index.add(ctx.fingerprint)
                # A note outside the sample is in the index (later notes are compared with it) but not linted.
                items.append(ctx if record.sampled else LintError(record.path, "not sampled"))
        infos.append(info)
    rows: list[dict] = []
    results = linter.lint_records(items, index=index, batch_size=max(1, len(items)))
    for record, info, result in zip(records, infos, results, strict=True):
        if not record.sampled:
            continue
        rows.extend(_rows(record, info, result, config.rubric))
    return rows


def _note_input(record: QARecord, config: BatchConfig) -> NoteInput:
    return NoteInput(text=record.text or "", path=record.path, note_type=config.note_type, meta=dict(record.meta))


def _info_from_record(record: QARecord) -> dict[str, Any]:
    meta = record.meta
    date = meta.get("date_of_service") or meta.get("date_written")
    return {"author": _plain(meta.get("author")), "claim_number": _plain(meta.get("claim_number")),
            "note_type": _plain(meta.get("note_type")), "note_type_source": None,
            "date": str(date)[:10] if date else None}


def _info_from_context(ctx, info: dict[str, Any]) -> dict[str, Any]:
    meta = ctx.meta_info
    when = meta.date_of_service or meta.date_written
    return {"author": _plain(meta.author) or info["author"], "claim_number": meta.record_key or info["claim_number"],
            "note_type": ctx.note_type, "note_type_source": ctx.note_type_source,
            "date": when.date.isoformat() if when else None}


def _plain(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _rows(record: QARecord, info: dict[str, Any], result: LintResult | LintError, rubric: Rubric) -> list[dict]:
    note_id = str(record.record["id"]) if record.record.get("id") not in (None, "") else record.path
    base = {"position": record.position, "note_id": note_id, "path": record.path,
            "source": record.record.get("source"), "record_line": record.record.get("line"), **info}
    if isinstance(result, LintError):
        message = result.message
        return [{"kind": "error", **base, "error": message}]
    findings = [f.to_dict() for f in result.findings]
    by_severity = {s: 0 for s in ("error", "warning", "info")}
    by_category = {c: 0 for c in CATEGORIES}
    for finding in findings:
        by_severity[finding["severity"]] += 1
        by_category[finding["category"]] = by_category.get(finding["category"], 0) + 1
    metrics = result.metrics
    rows = [{"kind": "note", **base, "error": None, "score": rubric.score(findings), "findings": len(findings),
             "by_severity": by_severity, "by_category": by_category,
             "words": metrics.get("words"), "sentences": metrics.get("sentences"),
             "flesch_kincaid_grade": metrics.get("flesch_kincaid_grade"),
             "flesch_reading_ease": metrics.get("flesch_reading_ease")}]
    record_json = dict(record.record)
    for finding in findings:
        rows.append({"kind": "finding", "position": record.position, "note_id": note_id, "path": record.path,
                     "record": record_json, **finding})
    return rows
