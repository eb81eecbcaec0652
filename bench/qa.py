"""Benchmark `noteassist qa` (issue 13): notes/s and words/s with 1 and 2 jobs against the bare parse and a peer.

    .venv/bin/python bench/qa.py --notes 10000 --rss-at 10000 100000 [--proselint PYTHON] [--write BENCHMARKS.md]

On N generated case notes (a CSV export: authors, claims, dates, a share copied forward) and on the public corpus
(../shared/corpora), all in one run, it measures on the same texts: the bare `Pipeline.pipe` parse with the
components the enabled rules read (the ceiling for today's engine), `noteassist qa` (run_qa, the CLI's path,
model load included) with --jobs 1 and --jobs 2, and proselint 0.16 (a peer, run by bench/proselint_peer.py in
the interpreter given with --proselint: `make bench` installs it in a venv of its own, never in noteassist's).
Peak RSS at each --rss-at size is measured in a fresh process running `--jobs 2` (ru_maxrss: the largest of the
process and its workers), so one size's memory does not hide another's.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import subprocess
import resource
import sys
import tempfile
import time
from pathlib import Path

SENTENCES = (
    "Telephonic contact with the claimant regarding the status of her recovery.",
    "Purpose: follow up on physical therapy attendance and work restrictions.",
    "The claimant reported that her shoulder pain is improving with therapy.",
    "She stated she attended all sessions this week and can lift light objects.",
    "The adjuster was updated on the plan of care by email.",
    "Dr. Patel's office confirmed the next appointment for the end of the month.",
    "The employer relayed that modified duty remains available at the front desk.",
    "Outcome: therapy continues as planned and the claimant agrees with the plan.",
    "Plan: call again next week and request the therapy notes from the provider.",
    "The claimant relayed concerns about transportation to the clinic.",
    "Work status: modified duty with no lifting over ten pounds.",
    "The nurse case manager reviewed the medication list with the claimant.",
)


def generate(path: Path, count: int, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    texts = []
    previous: dict[str, str] = {}
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "author", "claim number", "date of service", "note type", "note text"])
        for i in range(count):
            claim = f"WC-2026-{10000 + rng.randrange(max(1, count // 8))}"
            if claim in previous and rng.random() < 0.1:
                text = previous[claim]  # copied forward
            else:
                text = " ".join(rng.sample(SENTENCES, rng.randint(5, 10)))
            previous[claim] = text
            texts.append(text)
            writer.writerow([i + 1, f"Author {i % 12}", claim, f"2026-03-{1 + i % 28:02d}", "telephonic", text])
    return texts


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


ROOT = Path(__file__).resolve().parents[1]
PUBLIC = ROOT.parent / "shared" / "corpora" / "case-note-simulator" / "synthetic-case-notes.csv"
PUBLIC_COLUMNS = {"text": "case_note", "id": "person_oid"}
MARKERS = ("<!-- qa-bench:start -->", "<!-- qa-bench:end -->")
TARGETS = "1 job at least 90 % of the bare parse's words/s; 2 jobs at least 1.7x one job; peak RSS under " \
          "1.5 GB at 100,000 notes and not growing with the corpus"


def measure(export: Path, texts: list[str], jobs_list: list[int], columns: dict[str, str], proselint: str | None,
            tmp: Path) -> dict:
    from noteassist.lint import Linter
    from noteassist.review.batch import BatchConfig
    from noteassist.review.run import QAOptions, run_qa

    words = sum(len(t.split()) for t in texts)
    linter = Linter()
    start = time.perf_counter()
    for _ in linter.pipeline.pipe(texts, batch_size=64):
        pass
    bare = time.perf_counter() - start
    figures = {"notes": len(texts), "words": words, "components": list(linter.components), "bare": bare, "qa": {}}
    for jobs in jobs_list:
        out = tmp / f"out-{export.stem}-{jobs}"
        start = time.perf_counter()
        outcome = run_qa(QAOptions(files=[str(export)], out=out, config=BatchConfig(), jobs=jobs, progress=False,
                                   columns=columns))
        figures["qa"][jobs] = time.perf_counter() - start
        linted(outcome, len(texts))
    if proselint:
        listing = tmp / f"{export.stem}-texts.json"
        listing.write_text(json.dumps(texts), encoding="utf-8")
        done = subprocess.run([proselint, str(Path(__file__).with_name("proselint_peer.py")), str(listing)],
                              capture_output=True, text=True, check=True)
        seconds, found = done.stdout.split()
        figures["proselint"] = (float(seconds), int(found))
    return figures


def linted(outcome, notes: int) -> None:
    """A run that refused its input (a size limit, a bad row) would be fast and measure nothing: every note
    must have been linted."""
    totals = outcome.summary["totals"]
    if totals["linted"] != notes or totals["errors"]:
        examples = outcome.summary.get("errors", {}).get("examples", [])
        raise SystemExit(f"bench/qa.py: {totals['linted']:,} of {notes:,} notes linted, {totals['errors']:,} "
                         f"errors ({examples[0]['error'] if examples else 'no example'}); nothing measured")


def rows(label: str, f: dict) -> list[str]:
    words, bare = f["words"], f["bare"]
    lines = [f"| {label}: bare `nlp.pipe` | {f['notes'] / bare:.1f} | {words / bare:,.0f} | 100 % | |"]
    one = None
    for jobs, took in sorted(f["qa"].items()):
        rate = words / took
        one = one or (rate if jobs == 1 else None)
        versus = f"{rate / one:.2f}x" if one and jobs != 1 else ""
        lines.append(f"| {label}: `noteassist qa --jobs {jobs}` | {f['notes'] / took:.1f} | {rate:,.0f} | "
                     f"{rate / (words / bare) * 100:.0f} % | {versus} |")
    if "proselint" in f:
        seconds, found = f["proselint"]
        lines.append(f"| {label}: proselint 0.16 (peer; {found} findings) | {f['notes'] / seconds:.1f} | "
                     f"{words / seconds:,.0f} | {words / seconds / (words / bare) * 100:.0f} % | |")
    return lines


def rss_of(notes: int) -> float:
    """Peak RSS of `qa --jobs 2` on `notes` generated notes, in a process of its own."""
    done = subprocess.run([sys.executable, __file__, "--notes", str(notes), "--jobs", "2", "--rss-only"],
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rss-at", type=int, nargs="*", default=[], help="notes at which to measure peak RSS")
    parser.add_argument("--proselint", help="a Python with proselint 0.16 installed (the peer)")
    parser.add_argument("--rss-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--write", type=Path, help="replace the QA benchmark section of this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        export = tmp / "notes.csv"
        texts = generate(export, args.notes)
        if args.rss_only:
            from noteassist.review.batch import BatchConfig
            from noteassist.review.run import QAOptions, run_qa

            outcome = run_qa(QAOptions(files=[str(export)], out=tmp / "out", config=BatchConfig(),
                                       jobs=args.jobs[0], progress=False))
            linted(outcome, args.notes)
            print(f"{peak_rss_mb():.1f}")
            return 0
        generated = measure(export, texts, args.jobs, {}, args.proselint, tmp)
        public = None
        if PUBLIC.exists():
            from noteassist.io.records import read_records

            public_texts = [r.text for r in read_records(PUBLIC, PUBLIC_COLUMNS)]
            public = measure(PUBLIC, public_texts, args.jobs, PUBLIC_COLUMNS, args.proselint, tmp)
    rss = {notes: rss_of(notes) for notes in args.rss_at}

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [f"Run {time.strftime('%Y-%m-%d')} (`bench/qa.py`, part of `make bench`) on {platform.machine()}, "
             f"CPython {platform.python_version()}, {os.cpu_count()} cores (1-minute load average {load:.1f} at "
             f"the end); parse components: {', '.join(generated['components'])}. Times include each run's start "
             "(model load, worker start-up) and writing its outputs.", "",
             "| run | notes/s | words/s | of the bare parse | vs 1 job |", "| --- | --- | --- | --- | --- |"]
    lines += rows(f"{generated['notes']:,} generated notes ({generated['words']:,} words)", generated)
    if public:
        lines += rows(f"public corpus, {public['notes']} notes ({public['words']:,} words)", public)
    if rss:
        lines += ["", "| notes | peak RSS of the largest process of `qa --jobs 2` (driver or worker) |", "| --- | --- |"]
        lines += [f"| {notes:,} | {mb:,.0f} MB |" for notes, mb in rss.items()]
    qa = generated["qa"]
    verdicts = []
    if 1 in qa:
        share = (generated["words"] / qa[1]) / (generated["words"] / generated["bare"])
        verdicts.append(f"1 job at {share * 100:.0f} % of the bare parse (target 90 %): "
                        + ("met" if share >= 0.9 else "**not met**"))
    if 1 in qa and 2 in qa:
        speedup = qa[1] / qa[2]
        verdicts.append(f"2 jobs {speedup:.2f}x one job (target 1.7x): " + ("met" if speedup >= 1.7 else "**not met**"))
    if 100_000 in rss:
        verdicts.append(f"peak RSS {rss[100_000]:,.0f} MB at 100,000 notes (target under 1,536 MB): "
                        + ("met" if rss[100_000] < 1536 else "**not met**"))
    lines += ["", f"Targets ({TARGETS}):", ""] + [f"- {v}" for v in verdicts]
    text = "\n".join(lines)
    print(text)
    if args.write:
        from noteassist.eval.sections import write_marked_section

        write_marked_section(args.write, MARKERS, text, "## QA at scale: `noteassist qa`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
