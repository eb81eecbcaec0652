"""Findings on public text nobody here wrote: `make bench` writes the result into BENCHMARKS.md.

Lints every note of the CSV corpora in ../shared/corpora/ through the same path as
`noteassist lint export.csv` (read_records -> Linter.lint_many, default configuration),
then reports findings per 1,000 words per category and every distinct hit. Each hit is
matched with a verdict from `public_corpus_review.yaml`, written by a person who read the
sentence: `right` (a careful QA reviewer would want it flagged) or `wrong` (a false alarm).
A hit with no verdict is listed as "not reviewed", so new hits after a rule change show up.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import yaml

from noteassist.eval.sections import write_marked_section

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
REVIEW = Path(__file__).with_name("public_corpus_review.yaml")
CORPUS_COLUMNS = {"case-note-simulator/synthetic-case-notes.csv": {"text": "case_note", "id": "person_oid"}}
MARKERS = ("<!-- public-corpus:start -->", "<!-- public-corpus:end -->")


#: How the notes are linted: as exported (no note type, so no required elements), and as DAP notes, the
#: social-services format they are closest to, to see how the required-element checks read free text.
PASSES = (("as exported", None), ("as DAP notes", "dap"))


def corpus_inputs(note_type: str | None):
    from noteassist.lint import NoteInput
    from noteassist.io.records import read_records

    inputs = []
    for relative, columns in CORPUS_COLUMNS.items():
        path = CORPORA / relative
        if not path.exists():
            sys.exit(f"public corpus missing: {path}")
        inputs += [NoteInput(text=r.text, path=f"{relative}#{r.meta.get('id', '')}", meta=r.meta, note_type=note_type)
                   for r in read_records(path, columns)]
    return inputs


def excerpt(text: str, start: int, end: int) -> str:
    """The sentence holding a span; for a note-level finding (start == end == 0), the note's opening."""
    if start == end == 0:
        return " ".join(text.split()[:12]) + " ..."
    left = text.rfind(". ", 0, start)
    left = left + 2 if left != -1 else 0
    right = text.find(". ", end)
    return " ".join(text[left:right + 1 if right != -1 else len(text)].split())


def report() -> str:
    from noteassist.lint import Linter
    from noteassist.lint.registry import CATEGORIES

    linter = Linter()
    verdicts = yaml.safe_load(REVIEW.read_text(encoding="utf-8")) if REVIEW.exists() else []
    verdict_of = {(v["pass"], v["rule"], v["text"], v["excerpt"]): v for v in verdicts or []}
    counts: dict[str, collections.Counter] = {}
    hits: dict[tuple[str, str, str, str], list[str]] = collections.defaultdict(list)
    words = notes = distinct = 0
    for label, note_type in PASSES:
        inputs = corpus_inputs(note_type)
        words, notes, distinct = sum(len(n.text.split()) for n in inputs), len(inputs), len({n.text for n in inputs})
        counts[label] = collections.Counter()
        for note, result in zip(inputs, linter.lint_many(inputs)):
            for f in result.findings:
                counts[label][f.category] += 1
                what = f.extra.get("element") or f.text
                hits[(label, f.rule, what, excerpt(note.text, f.start, f.end))].append(note.path.split("#")[1])
    lines = [
        f"{notes} notes ({distinct} distinct texts, {words:,} words) from ../shared/corpora/case-note-simulator, "
        "linted with every rule at default settings, once as exported (they carry no note type, so no "
        "required elements apply) and once as DAP notes.",
        "",
        "| category | " + " | ".join(f"findings {label} | per 1,000 words" for label, _ in PASSES) + " |",
        "| --- |" + " ---: | ---: |" * len(PASSES),
    ]
    for category in CATEGORIES:
        cells = " | ".join(f"{counts[label][category]} | {counts[label][category] * 1000 / words:.2f}"
                           for label, _ in PASSES)
        lines.append(f"| {category} | {cells} |")
    lines += ["", "Every distinct hit, with the verdict of a person who read it (`bench/public_corpus_review.yaml`; "
              "*right* = a careful QA reviewer would flag it, *wrong* = a false alarm):", "",
              "| pass | rule | element or text | sentence or note opening | notes | verdict |",
              "| --- | --- | --- | --- | ---: | --- |"]
    tally = collections.Counter()
    for (label, rule, what, context), ids in sorted(hits.items()):
        verdict = verdict_of.get((label, rule, what, context))
        tally[verdict["verdict"] if verdict else "not reviewed"] += len(ids)
        text = f"{verdict['verdict']}: {verdict['why']}" if verdict else "not reviewed"
        lines.append(f"| {label} | {rule} | {what} | {context.replace('|', '/')} | {len(ids)} | {text} |")
    if not hits:
        lines.append("| - | - | - | no findings | 0 | - |")
    lines += ["", "Findings by verdict (counting every note): " + ", ".join(
        f"{n} {v}" for v, n in sorted(tally.items())) + "." if tally else ""]
    return "\n".join(lines)


def write_section(path: Path, text: str) -> None:
    write_marked_section(path, MARKERS, text, "## Findings on public text")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="replace the public-corpus section of this file")
    args = parser.parse_args()
    text = report()
    print(text)
    if args.write:
        write_section(args.write, text)


if __name__ == "__main__":
    main()
