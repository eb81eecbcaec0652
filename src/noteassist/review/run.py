"""The QA driver: read the inputs in bounded batches, lint them in this process or a pool of worker processes,
and write the outputs incrementally, in input order, so that memory stays flat whatever the corpus size.

Each batch goes through two steps, both `batch.py` functions run wherever the work runs:

1. `fingerprint_batch` (no parse): the copy-forward fingerprints of its notes. The driver takes them in batch
   order into its index (bounded per claim) and gives each batch the fingerprints of earlier batches on its
   claims, so the result never depends on which worker finished first;
2. `lint_batch`: the batch's rows. The driver writes them when every earlier batch is written.

At most `2 * jobs + 1` batches are in flight, so the records held are bounded by that times --batch-size.

After a batch's lines are written and fsynced, its entry is appended to the manifest (manifest.py). Ctrl-C or
SIGTERM cut the outputs back to the last committed batch and write a summary marked incomplete; `--resume`
(also after `kill -9`) continues after the last committed batch, re-fingerprinting the batches already written
so that copy-forward still sees them. A worker process that dies (the OOM killer, a crash) breaks the pool: a
new pool is started and every batch not yet returned is submitted again.
"""

from __future__ import annotations

import json
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from ..errors import NoteassistError
from ..lint.model import severity_rank
from .aggregate import summarise, write_summary
from .batch import BatchConfig, QARecord, fingerprint_batch, lint_batch
from .inputs import iter_qa_records
from .manifest import Commit, ManifestWriter, read_manifest
from .outputs import FINDINGS, MANIFEST, NOTES, finding_line, header_line, note_columns, note_line
from .progress import Progress
from .sample import Sample, draw_sample

DEFAULT_BATCH_SIZE = 64
#: Times a dead worker's pool is replaced in one run before the run gives up.
MAX_POOL_RESTARTS = 3
#: Test hook: stop (as Ctrl-C would) after this many batches are committed in this process.
STOP_AFTER_ENV = "NOTEASSIST_QA_TEST_STOP_AFTER"


@dataclass(frozen=True)
class QAOptions:
    files: Sequence[str]
    out: Path
    config: BatchConfig = field(default_factory=BatchConfig)
    jobs: int = 1
    batch_size: int = DEFAULT_BATCH_SIZE
    resume: bool = False
    sample_size: int | None = None
    seed: int = 0
    baseline: Path | None = None
    fail_on: str = "error"
    columns: dict[str, str] = field(default_factory=dict)
    progress: bool = True
    #: Where the batches are linted: "local" (this process or a pool of --jobs) or "spark" (spark_engine.py).
    engine: str = "local"
    #: --spark-master; None: $NOTEASSIST_SPARK_MASTER, spark-submit's, or local[*].
    spark_master: str | None = None


@dataclass
class QAOutcome:
    exit_code: int
    summary: dict[str, Any]
    out: Path


@dataclass
class _Batch:
    index: int
    records: list[QARecord]
    #: Written by the run being resumed: fingerprinted again, not linted.
    done: bool
    fp: Future | None = None
    fps: list | None = None
    prior: list = field(default_factory=list)
    lint: Future | None = None


class _Inline:
    """An executor that runs each call at submission, in this process (--jobs 1): the same driver, no pool."""

    def submit(self, fn: Callable, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:  # noqa: BLE001 - handed to whoever reads the future, as a pool would
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def _worker_init(config: BatchConfig) -> None:
    """A worker ignores Ctrl-C (the driver handles it and stops the pool) and loads the model at once."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .batch import _linter

    _linter(config)


def _pool(jobs: int, config: BatchConfig) -> ProcessPoolExecutor:
    import multiprocessing

    # fork where there is one: the workers start at once, sharing the parent's imported modules and its loaded
    # model (loaded here first, once, instead of by every worker at the same time on the same cores).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    if "fork" in methods:
        from .batch import _linter

        _linter(config)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_init, initargs=(config,))


def _run_header(options: QAOptions, sample: Sample | None) -> dict[str, Any]:
    """What makes two runs the same run: a resumed run must have it unchanged."""
    config = options.config
    return {"inputs": [str(f) for f in options.files], "batch_size": options.batch_size,
            "sample": [options.sample_size, options.seed] if options.sample_size is not None else None,
            "note_type": config.note_type, "model": config.model, "lint": json.loads(config.lint.model_dump_json()),
            "rubric": config.rubric.to_dict(), "columns": dict(sorted(options.columns.items()))}


def _batches(records: Iterator[QARecord], size: int) -> Iterator[tuple[int, list[QARecord]]]:
    index = 0
    while chunk := list(islice(records, size)):
        yield index, chunk
        index += 1


def run_qa(options: QAOptions, *, warn: Callable[[str], None] | None = None) -> QAOutcome:
    warn = warn or (lambda line: print(f"noteassist: {line}", file=sys.stderr))
    out = options.out
    drive = _engine(options)  # first: an engine that cannot start leaves nothing behind
    if out.exists() and not out.is_dir():
        raise NoteassistError(f"{out}: not a folder (qa writes findings.jsonl, notes.csv and summary.json there)")
    out.mkdir(parents=True, exist_ok=True)

    def read() -> Iterator[QARecord]:
        return iter_qa_records(options.files, options.columns, on_warning=warn)

    sample = draw_sample(read(), options.sample_size, options.seed) if options.sample_size is not None else None
    header = _run_header(options, sample)
    columns = note_columns()
    old_header, commits = read_manifest(out)
    if old_header is not None and options.resume:
        if {k: v for k, v in old_header.items() if k != "version"} != header:
            raise NoteassistError(f"{out}: --resume: the run there had other inputs or options; give the same "
                                  "ones, or start again in an empty folder")
        last = commits[-1] if commits else None
        state = {"findings": last.findings_bytes if last else 0,
                 "notes": last.notes_bytes if last else len(header_line(columns)), "end": last.end if last else 0}
        _cut_back(out, state, columns)
        start = last.batch + 1 if last else 0
        manifest = ManifestWriter(out)
    else:
        if old_header is not None or (out / NOTES).exists() or (out / FINDINGS).exists():
            raise NoteassistError(f"{out}: holds a previous qa run; give --resume to continue it, or choose an empty "
                                  "folder")
        (out / FINDINGS).write_bytes(b"")
        (out / NOTES).write_bytes(header_line(columns))
        state = {"findings": 0, "notes": len(header_line(columns)), "end": 0}
        start = 0
        manifest = ManifestWriter(out, header)

    total = sample.population if sample else None
    progress = Progress(total, enabled=options.progress)
    if options.progress and progress.tty and total is None:
        total = progress.total = sum(1 for _ in read())
    progress.resumed(state["end"])

    def records() -> Iterator[QARecord]:
        for record in read():
            if sample is not None and record.position not in sample.positions:
                record = QARecord(record.position, record.path, record.text, record.meta, record.record,
                                  record.error, sampled=False)
            yield record

    stop_after = int(os.environ.get(STOP_AFTER_ENV, "0") or 0)
    committed_here = 0
    complete = False
    findings = open(out / FINDINGS, "ab")
    notes = open(out / NOTES, "ab")
    try:
        for batch, rows in drive(options, _batches(records(), options.batch_size), start, warn):
            for row in rows:
                if row["kind"] == "finding":
                    findings.write(finding_line(row))
                else:
                    notes.write(note_line(row, columns))
            for handle in (findings, notes):
                handle.flush()
                os.fsync(handle.fileno())
            end = batch.records[-1].position + 1
            state = {"findings": findings.tell(), "notes": notes.tell(), "end": end}
            manifest.commit(Commit(batch.index, end, state["findings"], state["notes"]))
            progress.update(end)
            committed_here += 1
            if stop_after and committed_here >= stop_after:
                raise KeyboardInterrupt
        complete = True
    finally:
        findings.close()
        notes.close()
        manifest.close()
        if not complete:  # interrupted: leave the outputs as the last committed batch left them
            _cut_back(out, state, columns)
            write_summary(out, _summary(options, sample, complete=False))
    progress.finish()
    summary = _summary(options, sample, complete=True)
    write_summary(out, summary)
    # The readers' documents, from the files just written: the reviewer's page and the supervisor's summary.
    from .report_html import write_report_html
    from .summary_docx import write_summary_docx

    write_report_html(out)
    write_summary_docx(out)
    return QAOutcome(summary["exit_code"], summary, out)


def _engine(options: QAOptions) -> Callable:
    if options.engine == "spark":
        from .spark_engine import SparkEngine

        return SparkEngine(options.spark_master)
    if options.engine != "local":
        raise NoteassistError(f"--engine: expected local or spark, got {options.engine!r}")
    return _drive


def _summary(options: QAOptions, sample: Sample | None, *, complete: bool) -> dict[str, Any]:
    summary = summarise(options.out, rubric=options.config.rubric.to_dict(), inputs=options.files,
                        fail_on=options.fail_on, complete=complete, sample=sample.to_dict() if sample else None,
                        baseline=options.baseline)
    summary["exit_code"] = exit_code(summary, options.fail_on)
    return summary


def exit_code(summary: dict[str, Any], fail_on: str) -> int:
    """CONTRACT.md: 2 if any note could not be read, else 1 if a finding reached --fail-on, else 0."""
    totals = summary["totals"]
    if totals["errors"]:
        return 2
    gate = severity_rank(fail_on)
    return 1 if any(n and severity_rank(s) >= gate for s, n in totals["by_severity"].items()) else 0


def _cut_back(out: Path, state: dict[str, int], columns: tuple[str, ...]) -> None:
    """Cut findings.jsonl and notes.csv back to the committed offsets (a file missing is recreated)."""
    for name, size in ((FINDINGS, state["findings"]), (NOTES, state["notes"])):
        path = out / name
        if not path.exists():
            path.write_bytes(b"" if name == FINDINGS else header_line(columns))
        if path.stat().st_size < size:
            raise NoteassistError(f"{path}: shorter than the manifest says ({MANIFEST}); the outputs were changed "
                                  "after the run: start again in an empty folder")
        with open(path, "r+b") as handle:
            handle.truncate(size)


def _drive(options: QAOptions, batches: Iterator[tuple[int, list[QARecord]]], start: int,
           warn: Callable[[str], None]) -> Iterator[tuple[_Batch, list[dict]]]:
    """(batch, rows) for every batch from `start` on, in order; batches before `start` are fingerprinted only."""
    from ..lint.engine import COPY_FORWARD_WINDOW
    from ..lint.fingerprints import CompactIndex

    config = options.config
    jobs = max(1, options.jobs)
    executor: Any = _Inline() if jobs == 1 else _pool(jobs, config)
    in_flight = 1 if jobs == 1 else 2 * jobs + 1
    index = CompactIndex(per_claim=COPY_FORWARD_WINDOW)
    pending: deque[_Batch] = deque()
    restarts = 0
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < in_flight:
                try:
                    number, records = next(batches)
                except StopIteration:
                    exhausted = True
                    break
                batch = _Batch(number, records, done=number < start)
                batch.fp = executor.submit(fingerprint_batch, records, config)
                pending.append(batch)
            if not pending:
                return
            try:
                # Fingerprints join the index in batch order, whatever order the workers finish in.
                for batch in pending:
                    if batch.fps is not None:
                        continue
                    if not batch.fp.done():
                        break
                    batch.fps = batch.fp.result()
                    claims = dict.fromkeys(fp.claim for fp in batch.fps)
                    batch.prior = [fp for claim in claims for fp in index.on_claim(claim)]
                    for fp in batch.fps:
                        index.add(fp)
                    if not batch.done:
                        batch.lint = executor.submit(lint_batch, batch.records, config, batch.prior)
                head = pending[0]
                if head.fps is not None and (head.done or head.lint.done()):
                    if not head.done:
                        yield head, head.lint.result()
                    pending.popleft()
                    continue
            except BrokenProcessPool:
                restarts += 1
                first, last = pending[0].records[0].position, pending[-1].records[-1].position
                if restarts > MAX_POOL_RESTARTS:
                    raise NoteassistError(f"qa: worker processes died {restarts} times (notes {first}-{last}); "
                                          "giving up (is the machine out of memory? try fewer --jobs)") from None
                warn(f"qa: a worker process died; redoing notes {first}-{last} in a new pool")
                executor.shutdown(wait=False, cancel_futures=True)
                executor = _pool(jobs, config)
                for batch in pending:
                    if batch.fps is None and not _ok(batch.fp):
                        batch.fp = executor.submit(fingerprint_batch, batch.records, config)
                    if batch.lint is not None and not _ok(batch.lint):
                        batch.lint = executor.submit(lint_batch, batch.records, config, batch.prior)
                continue
            waiting = [f for b in pending for f in (b.fp, b.lint) if f is not None and not f.done()]
            if waiting:
                wait(waiting, return_when=FIRST_COMPLETED)
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def _ok(future: Future | None) -> bool:
    return future is not None and future.done() and not future.cancelled() and future.exception() is None
