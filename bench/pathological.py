"""Pathological input: how lint time and memory grow on hostile or careless notes, next to a normal note.

Each input runs in its own subprocess (`--one KIND`), so its peak memory (ru_maxrss) is its own: the
child loads the linter, notes its peak RSS, builds the input, reads it the way `noteassist lint` does
(the bounded reader, front matter, DOCX limits) and lints it, then reports seconds and peak RSS. Time is
given per 100 KB of input so that inputs of different sizes compare; the target is each pathological
input within 3x of the normal note's time per 100 KB. An input the reader refuses is shown with the
time it took to refuse it and the one-line message.

    python bench/pathological.py                      # print the table
    python bench/pathological.py --write BENCHMARKS.md  # replace the pathological section of that file
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

from noteassist.eval.sections import write_marked_section

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
KB = 1000
START, END = "<!-- pathological:start -->", "<!-- pathological:end -->"


# --- inputs --------------------------------------------------------------------------------------------

def normal_text(size: int) -> str:
    """Bodies of the labelled corpus notes (front matter removed), repeated to `size` bytes of UTF-8."""
    from noteassist.text.frontmatter import split_front_matter

    bodies = []
    for path in sorted(CORPUS.glob("*.md")) + sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        bodies.append(text[split_front_matter(text)[1]:].strip())
    out, total, i = [], 0, 0
    while total < size:
        body = bodies[i % len(bodies)] + "\n\n"
        out.append(body)
        total += len(body.encode())
        i += 1
    return "".join(out)


def repeated(unit: str, size: int) -> str:
    """`unit` repeated to `size` bytes of UTF-8."""
    return unit * max(1, size // len(unit.encode()))


def alias_bomb_note() -> str:
    """A 1.3 KB note whose front matter is an 8-level "billion laughs": 9^8 = 43 million strings."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(8):
        name, prev = chr(98 + level), chr(97 + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    body = normal_text(1 * KB)[:900]
    return "---\n" + "\n".join(lines) + "\nnote_type: telephonic\n---\n" + body


def docx_of_paragraphs(path: Path, paragraphs: int, text: str = "") -> None:
    """A valid DOCX whose body is `paragraphs` paragraphs of `text` (written as XML: python-docx would take
    minutes to build 300,000)."""
    from docx import Document

    Document().save(str(path))
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    head = parts["word/document.xml"].split(b"<w:body>")[0]
    paragraph = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode() if text else b"<w:p/>"
    parts["word/document.xml"] = head + b"<w:body>" + paragraph * paragraphs + b"</w:body></w:document>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


#: kind -> (description, builder of a text note or None for a file-based input)
TEXT_INPUTS = {
    "normal": ("normal note (corpus notes repeated to 100 KB)", lambda: normal_text(100 * KB)),
    "quotes": ('100 KB of `"`', lambda: repeated('"', 100 * KB)),
    "brackets": ("100 KB of `[`", lambda: repeated("[", 100 * KB)),
    "colons": ("100 KB of `:`", lambda: repeated(":", 100 * KB)),
    "hashes": ("100 KB of `#`", lambda: repeated("#", 100 * KB)),
    "stars": ("100 KB of `*`", lambda: repeated("*", 100 * KB)),
    "emoji": ("100 KB of emoji", lambda: repeated("\U0001F600", 100 * KB)),
    "apostrophes": ("100 KB of `'`", lambda: repeated("'", 100 * KB)),
    "parentheses": ("100 KB of `(`", lambda: repeated("(", 100 * KB)),
    "mixed-punctuation": ("100 KB of `'\"()[]:#*` cycled", lambda: repeated("'\"()[]:#*", 100 * KB)),
    "it-was-noted": ('100 KB of "it was noted " (one sentence)', lambda: repeated("it was noted ", 100 * KB)),
    "it-was-noted-sentences": ('100 KB of "It was noted. "', lambda: repeated("It was noted. ", 100 * KB)),
    "headings": ("400 KB of `# Heading` lines", lambda: repeated("# Heading\n", 400 * KB)),
    "normal-300": ("300 KB normal note", lambda: normal_text(300 * KB)),
    "large": ("900 KB normal note", lambda: normal_text(900 * KB)),
    "alias-bomb": ("1.3 KB note, 8-level YAML alias bomb in front matter", alias_bomb_note),
}
FILE_INPUTS = {
    "docx-300k": ("DOCX of 300,000 empty paragraphs", 300_000, ""),
    "docx-3k": ("DOCX of 3,000 one-line paragraphs", 3_000, "Called the adjuster about the claim; left a message."),
}
KINDS = list(TEXT_INPUTS) + list(FILE_INPUTS)


# --- one input, in this process ------------------------------------------------------------------------

def peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def run_one(kind: str) -> dict:
    from noteassist.errors import NoteassistError
    from noteassist.io import read_note
    from noteassist.lint import Linter

    linter = Linter()
    linter.lint_text("Warm-up note. Called the adjuster about the claim.")
    baseline = peak_rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        if kind in FILE_INPUTS:
            path = Path(tmp) / "note.docx"
            docx_of_paragraphs(path, *FILE_INPUTS[kind][1:])
        else:
            path = Path(tmp) / "note.md"
            path.write_text(TEXT_INPUTS[kind][1](), encoding="utf-8")
        size = path.stat().st_size
        start = time.perf_counter()
        refused, text = None, ""
        try:
            text = read_note(path)
            result = linter.lint_text(text, path=str(path))
            findings = len(result.findings)
        except NoteassistError as exc:
            refused, findings = exc.message.replace(str(path), "note"), 0
        seconds = time.perf_counter() - start
    return {"kind": kind, "bytes": size, "text_bytes": len(text.encode("utf-8", "replace")), "seconds": seconds, "baseline_mb": baseline, "peak_mb": peak_rss_mb(),
            "refused": refused, "findings": findings}


# --- the table -----------------------------------------------------------------------------------------

def measure(kind: str, timeout: float) -> dict:
    try:
        done = subprocess.run([sys.executable, __file__, "--one", kind], capture_output=True, text=True,
                              timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"kind": kind, "timeout": timeout}
    if done.returncode != 0:
        return {"kind": kind, "failed": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def describe(kind: str) -> str:
    return (TEXT_INPUTS.get(kind) or FILE_INPUTS[kind])[0]


def table(results: list[dict]) -> str:
    normal = next((r for r in results if r["kind"] == "normal" and "seconds" in r), None)
    normal_rate = normal["seconds"] / ((normal.get("text_bytes") or normal["bytes"]) / (100 * KB)) if normal else None
    rows = ["| input | size | lint s per 100 KB | vs normal | peak RSS (model loaded) | growth over the loaded model | outcome |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in results:
        name = describe(r["kind"])
        if "timeout" in r:
            rows.append(f"| {name} | | > {r['timeout']:.0f} s | | | | did not finish |")
            continue
        if "failed" in r:
            rows.append(f"| {name} | | | | | | crashed: {r['failed']} |")
            continue
        # Per 100 KB of note text (a DOCX's text is larger than its compressed file).
        per = r["seconds"] / max((r.get("text_bytes") or r["bytes"]) / (100 * KB), 1e-9)
        ratio = f"{per / normal_rate:.2f}x" if normal_rate and not r["refused"] else ""
        size = f"{r['bytes'] / KB:,.1f} KB"
        if r.get("text_bytes") and abs(r["text_bytes"] - r["bytes"]) > r["bytes"] * 0.1:
            size += f" ({r['text_bytes'] / KB:,.0f} KB of text)"
        outcome = f"refused in {r['seconds'] * 1000:.0f} ms: {r['refused']}" if r["refused"] else \
            f"linted in {r['seconds']:.2f} s, {r['findings']} findings"
        per_text = "" if r["refused"] else f"{per:.2f}"
        rows.append(f"| {name} | {size} | {per_text} | {ratio} | {r['peak_mb']:,.0f} MB | "
                    f"{r['peak_mb'] - r['baseline_mb']:,.0f} MB | {outcome} |")
    return "\n".join(rows)


def write_section(path: Path, body: str) -> None:
    write_marked_section(path, (START, END), body, "## Pathological input")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="replace the pathological section of this Markdown file")
    parser.add_argument("--one", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", choices=KINDS, help="measure only these inputs")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before an input counts as hung")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    results = []
    for kind in args.only or KINDS:
        results.append(measure(kind, args.timeout))
        print(f"{kind}: {results[-1]}", file=sys.stderr)
    body = (f"Run {date.today().isoformat()} with `make bench` on {platform.machine()}, CPython "
            f"{platform.python_version()}; each input in its own process, all rules enabled.\n\n{table(results)}")
    print(body)
    if args.write:
        write_section(args.write, body)


if __name__ == "__main__":
    main()
