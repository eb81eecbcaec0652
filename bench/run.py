"""Benchmarks for `make bench`: real code paths, medians over repeated runs.

Measures, on this machine:
- model load time (the whole model, once per process);
- lint of a ~400-word note vs the bare `nlp()` call with the same components (the ratio the issue bounds at 1.3x);
- corpus throughput: bare `nlp.pipe` vs `Linter.lint_many` on notes rendered from the examples;
- the same lint with 1,000 extra lexicon terms (matchers: no per-term cost);
- an adjuster report for a 200-contact claim (load, assemble, render, lint, DOCX), model loaded;
- cold start of `noteassist --help`, `noteassist templates` and `noteassist lint NOTE` as subprocesses.

`--write BENCHMARKS.md` replaces the figures section of that file.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CLI = str(Path(sys.executable).with_name("noteassist"))


def median_seconds(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_medians(first, second, repeat: int) -> tuple[float, float]:
    a, b = [], []
    for _ in range(repeat):
        for func, times in ((first, a), (second, b)):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def rendered_notes() -> list[str]:
    from noteassist.facts import load_facts
    from noteassist.render import render_note

    return [render_note(load_facts(path), front_matter=False) for path in EXAMPLES]


def note_of_about(words: int, notes: list[str]) -> str:
    """Paragraphs from the rendered examples until the note has about `words` words."""
    paragraphs = [p for note in notes for p in note.split("\n\n") if p.strip()]
    out, count, i = [], 0, 0
    while count < words:
        paragraph = paragraphs[i % len(paragraphs)]
        out.append(paragraph)
        count += len(paragraph.split())
        i += 1
    return "\n\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", type=Path, help="update this Markdown file's figures section")
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()

    from noteassist.lint import Linter, NoteInput
    from noteassist.nlp import load_model, model_name

    start = time.perf_counter()
    model = load_model()
    load = time.perf_counter() - start
    linter = Linter(nlp=model)
    # The bare parse runs the same components the rules read, through the same pipeline class.
    nlp = linter.pipeline
    components, rules = linter.components, linter.rules

    notes = rendered_notes()
    note = note_of_about(400, notes)
    words = len(note.split())
    for _ in range(3):  # warm caches (vectors, textstat's lru caches) before timing
        nlp(note)
        linter.lint_text(note, note_type="physician-visit")
    # Interleaved, so both see the same machine state (CPU frequency, other load).
    bare, lint = interleaved_medians(lambda: nlp(note),
                                     lambda: linter.lint_text(note, note_type="physician-visit"), args.repeat)

    # Lexicons are matchers, not loops over terms: 1,000 extra agency terms on NA402 should cost nothing visible.
    from noteassist.lint.config import config_from_mapping

    extra = {f"zqterm{n} judgment": ["describe the behaviour"] for n in range(1000)}
    big_lexicon = Linter(config_from_mapping({"options": {"NA402": {"extra_terms": extra}}}), nlp=model)
    for _ in range(3):
        big_lexicon.lint_text(note, note_type="physician-visit")
    default_lexicon, grown_lexicon = interleaved_medians(
        lambda: linter.lint_text(note, note_type="physician-visit"),
        lambda: big_lexicon.lint_text(note, note_type="physician-visit"), args.repeat)

    corpus = [note_of_about(400, notes[i:] + notes[:i]) for i in range(len(notes))] * 25
    corpus_words = sum(len(n.split()) for n in corpus)
    bare_pipe = median_seconds(lambda: list(nlp.pipe(corpus, batch_size=32)), 3)
    lint_pipe = median_seconds(lambda: list(linter.lint_many([NoteInput(t, note_type="physician-visit")
                                                               for t in corpus])), 3)

    # Adjuster report for a claim with 200 contacts over 12 months: load the folder, assemble, render,
    # lint the text and write the DOCX, with the model already loaded (the bound is 2 s).
    from datetime import date

    from noteassist.adjuster import FolderClaimSource, synthetic_claim
    from noteassist.app.report import build_report, report_config, report_document
    from noteassist.io import write_atomic

    report_linter = Linter(report_config(), nlp=model)
    with tempfile.TemporaryDirectory() as tmp:
        folder = synthetic_claim(Path(tmp), contacts=200, months=12)
        out = Path(tmp) / "report.docx"

        def full_year_report():
            run = build_report(FolderClaimSource(folder), date(2000, 1, 1), date(2100, 1, 1), linter=report_linter)
            write_atomic(out, report_document(run), overwrite=True)
            return run

        full_year_report()
        report_seconds = median_seconds(full_year_report, 5)
        contacts = len(full_year_report().report.contacts)

    with tempfile.TemporaryDirectory() as tmp:
        note_path = Path(tmp) / "note.md"
        note_path.write_text(note)
        cold = {
            "noteassist --help": median_seconds(lambda: subprocess.run([CLI, "--help"], capture_output=True), 5),
            "noteassist templates": median_seconds(lambda: subprocess.run([CLI, "templates"], capture_output=True), 5),
            "noteassist lint note.md (one 400-word note)": median_seconds(
                lambda: subprocess.run([CLI, "lint", str(note_path)], capture_output=True), 5),
        }

    lines = [
        f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"model `{model_name()}`, components {', '.join(components)}; {len(rules)} rules enabled.",
        "",
        "| measure | figure |",
        "| --- | --- |",
        f"| model load (once per process; linters run only the components their rules read) | {load * 1000:.0f} ms |",
        f"| bare `nlp()` on a {words}-word note (median of {args.repeat}) | {bare * 1000:.1f} ms |",
        f"| `Linter.lint_text` on the same note, all rules | {lint * 1000:.1f} ms |",
        f"| ratio lint / bare parse (target at most 1.3) | **{lint / bare:.2f}** |",
        f"| the same lint with 1,000 extra terms in NA402's lexicon | {grown_lexicon * 1000:.1f} ms vs "
        f"{default_lexicon * 1000:.1f} ms ({(grown_lexicon / default_lexicon - 1) * 100:+.0f} %) |",
        f"| bare `nlp.pipe` on {len(corpus)} notes ({corpus_words:,} words) | "
        f"{bare_pipe:.2f} s, {corpus_words / bare_pipe:,.0f} words/s |",
        f"| `Linter.lint_many` on the same notes | {lint_pipe:.2f} s, {corpus_words / lint_pipe:,.0f} words/s |",
        f"| rule overhead on the corpus | {(lint_pipe / bare_pipe - 1) * 100:.0f} % |",
        f"| adjuster report for a claim with {contacts} contacts over 12 months: load, assemble, render, lint, "
        f"write DOCX (median of 5; target under 2 s) | **{report_seconds:.2f} s** |",
    ]
    lines += [f"| cold start: `{cmd}` (median of 5) | {sec * 1000:.0f} ms |" for cmd, sec in cold.items()]
    report = "\n".join(lines)
    print(report)
    if args.write:
        write_section(args.write, report)


def write_section(path: Path, report: str) -> None:
    marker_start, marker_end = "<!-- bench:start -->", "<!-- bench:end -->"
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{marker_start}\n{marker_end}\n"
    before, rest = text.split(marker_start, 1)
    _, after = rest.split(marker_end, 1)
    stamp = time.strftime("%Y-%m-%d")
    path.write_text(f"{before}{marker_start}\nRun {stamp} with `make bench`.\n\n{report}\n{marker_end}{after}")


if __name__ == "__main__":
    main()
