"""Benchmark `noteassist qa` (issue 13): notes/s and words/s with 1 and 2 jobs against the bare parse.

    .venv/bin/python bench/qa.py --notes 10000

Generates N synthetic case notes (a CSV export: authors, claims, dates, a share copied forward), then measures
on the same texts: the bare `Pipeline.pipe` parse with the components the enabled rules read (the ceiling for
today's engine), and `noteassist qa` (run_qa) with --jobs 1 and --jobs 2. Peak RSS is this process's and its
children's (ru_maxrss). Figures go to stdout, one line each.
"""

from __future__ import annotations

import argparse
import csv
import random
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)

    from noteassist.lint import Linter
    from noteassist.review.batch import BatchConfig
    from noteassist.review.run import QAOptions, run_qa

    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "notes.csv"
        texts = generate(export, args.notes)
        words = sum(len(t.split()) for t in texts)
        linter = Linter()
        start = time.perf_counter()
        for _ in linter.pipeline.pipe(texts, batch_size=64):
            pass
        bare = time.perf_counter() - start
        print(f"qa bench: {args.notes} notes, {words} words")
        print(f"bare nlp.pipe ({', '.join(linter.components)}): {args.notes / bare:.1f} notes/s, "
              f"{words / bare:.0f} words/s")
        one = None
        for jobs in args.jobs:
            out = Path(tmp) / f"out{jobs}"
            start = time.perf_counter()
            run_qa(QAOptions(files=[str(export)], out=out, config=BatchConfig(), jobs=jobs, progress=False))
            took = time.perf_counter() - start
            rate = words / took
            one = one or (rate if jobs == 1 else None)
            ratio = f", {rate / (words / bare) * 100:.0f} % of bare" + (f", {rate / one:.2f}x 1 job" if one and
                                                                         jobs != 1 else "")
            print(f"qa --jobs {jobs}: {args.notes / took:.1f} notes/s, {rate:.0f} words/s{ratio}")
        print(f"peak RSS: {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
