"""`noteassist qa`: flags in, a QA run (run.py) out. The CLI block only forwards its flags here."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import NoteassistError
from .batch import BatchConfig
from .inputs import expand_sources
from .run import DEFAULT_BATCH_SIZE, QAOptions, run_qa
from .score import load_rubric


def qa(inputs: Sequence[str], *, out: str | None, jobs: int | None, batch_size: int | None, resume: bool,
       sample: int | None, seed: int, baseline: str | None, fail_on: str, select: list[str] | None,
       ignore: list[str] | None, columns: dict[str, str], note_type: str | None, config_path: str | None,
       explain_score: bool, explain_format: str = "text", progress: bool = True, engine: str = "local",
       spark_master: str | None = None) -> int:
    """Run `noteassist qa`; returns the exit code. Problems are NoteassistErrors (one line, exit 2)."""
    from ..notetypes import NOTE_TYPES, resolve_note_type
    from ..settings import load_settings

    near = inputs[0] if inputs else "."
    settings = load_settings(config_path, near, select=select, ignore=ignore, columns=columns)
    rubric = load_rubric(settings.config)
    if explain_score:
        print(rubric.explain_json() if explain_format == "json" else rubric.explain())
        return 0
    if not inputs:
        raise NoteassistError("qa: give the notes to review (files, folders, or .csv/.jsonl exports) and -o DIR")
    if out is None:
        raise NoteassistError("qa: -o DIR is required (the folder for findings.jsonl, notes.csv, summary.json)")
    if note_type is not None:
        if resolve_note_type(note_type) is None:
            raise NoteassistError(f"--type: unknown note type {note_type!r}; expected one of {', '.join(NOTE_TYPES)}")
        note_type = resolve_note_type(note_type)
    if sample is not None and sample < 1:
        raise NoteassistError(f"--sample: expected a number of notes of 1 or more, got {sample}")
    if jobs is not None and jobs < 1:
        raise NoteassistError(f"--jobs: expected 1 or more worker processes, got {jobs}")
    if baseline is not None and not (Path(baseline) / "summary.json").is_file() and not Path(baseline).is_file():
        raise NoteassistError(f"--baseline {baseline}: no summary.json there (give the folder of an earlier qa run)")
    files = expand_sources(inputs)
    config = BatchConfig(lint=settings.lint, model=settings.model, rubric=rubric, note_type=note_type,
                         config_path=str(settings.config) if settings.config else None)
    options = QAOptions(files=files, out=Path(out), config=config, jobs=jobs or os.cpu_count() or 1,
                        batch_size=batch_size or DEFAULT_BATCH_SIZE, resume=resume, sample_size=sample, seed=seed,
                        baseline=Path(baseline) if baseline else None, fail_on=fail_on,
                        columns=dict(settings.lint.columns), progress=progress, engine=engine,
                        spark_master=spark_master)
    outcome = run_qa(options)
    totals = outcome.summary["totals"]
    mean = totals["mean_score"]
    print(f"noteassist: qa: {totals['notes']} notes ({totals['linted']} linted, {totals['errors']} could not be "
          f"read), {totals['findings']} findings, mean score {mean if mean is not None else '-'}; wrote "
          f"{outcome.out}/findings.jsonl, notes.csv, summary.json", file=sys.stderr)
    return outcome.exit_code
