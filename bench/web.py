"""The web page's editor, for `make bench`: time from the last keystroke to the finding's underline.

A real `noteassist serve` on loopback (seeded as for the browser tests), Debian's chromium under Playwright,
alice signed in, a draft of about 400 words (paragraphs of the rendered examples) open at /drafts/{id}. Each
of 50 edits types a sentence holding a flagged term at the end of the text, as a person types (a key every
40 ms); the page's own clock records the last keydown and the moment a `.finding` span over that term appears
in #note-editor (a MutationObserver). The sentence is then deleted with Backspace and the underline waited
away before the next edit. Reports p50 and p95 (target p95 under 500 ms), and where the time goes: the editor's debounce
(last key to the /v1/lint request), the request, and drawing (response to underline).

`--write BENCHMARKS.md` replaces the web section of that file.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]

from browser.live import (
    LAPTOP,
    LiveServer,
    launch,
    new_context,
    sign_in,
    temporary_folder,
)
from durability.harness import request
from run import note_of_about, rendered_notes

START, END = "<!-- web:start -->", "<!-- web:end -->"
HEADING = """## The web page: keystroke to underline

`bench/web.py`: chromium (Playwright) typing into the draft page of a real `noteassist serve` on loopback."""

TERM = "non-compliant"
SENTENCE = f" She was {TERM} with the plan, item"
TARGET_P95_MS = 500.0

INSTRUMENT = """(term) => {
    const bench = window.__bench = {lastKey: 0, seen: null, term};
    document.addEventListener('keydown', () => { bench.lastKey = performance.now(); }, true);
    const flagged = () => [...document.querySelectorAll('#note-editor .finding')]
        .some(span => span.textContent.includes(bench.term));
    bench.flagged = flagged;
    new MutationObserver(() => {
        if (bench.seen === null && bench.armed && flagged()) bench.seen = performance.now();
    }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}"""

#: The timings of the edit just made, on the page's clock: the last /v1/lint request sent after the last key.
TIMINGS = """() => {
    const bench = window.__bench;
    const lints = performance.getEntriesByType('resource')
        .filter(e => e.name.includes('/v1/lint') && e.startTime >= bench.lastKey && e.responseEnd <= bench.seen);
    const lint = lints[lints.length - 1] || null;
    const busy = performance.getEntriesByType('resource')
        .some(e => e.name.includes('/v1/lint') && e.startTime < bench.lastKey && e.responseEnd > bench.lastKey);
    return {lastKey: bench.lastKey, seen: bench.seen, lintStart: lint && lint.startTime,
            lintEnd: lint && lint.responseEnd, busy};
}"""


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def make_draft(server: LiveServer, text: str) -> int:
    ids = server.seeded
    status, body = request(server.port, "POST", f"/v1/claims/{ids['claims']['alice']}/drafts", {"text": text},
                           token=ids["tokens"]["alice"])
    assert status == 201, (status, body)
    return body["id"]


def restore(page, typed: str) -> None:
    """Delete the typed sentence with Backspace, as a person would, and wait until its underline has gone."""
    page.evaluate("() => { window.__bench.armed = false; }")
    page.keyboard.press("Control+End")
    for _ in typed:
        page.keyboard.press("Backspace")
    page.wait_for_function("() => !window.__bench.flagged()", timeout=15_000)
    page.wait_for_load_state("networkidle")


def measure(edits: int) -> dict:
    from playwright.sync_api import sync_playwright

    base = note_of_about(400, rendered_notes())
    assert TERM not in base
    server = LiveServer(temporary_folder("na-bench-web-"))
    server.start()
    samples: list[dict] = []
    try:
        draft_id = make_draft(server, base)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            context = new_context(browser, server, LAPTOP)
            page = context.new_page()
            sign_in(page, server, "alice")
            page.goto(f"/drafts/{draft_id}")
            page.locator("#note-editor").wait_for(state="visible")
            page.wait_for_load_state("networkidle")
            page.evaluate(INSTRUMENT, TERM)
            for edit in range(edits + 2):  # the first two warm the page and the server up, and are not counted
                typed = f"{SENTENCE} {edit + 1}."  # never a text linted before: each edit is new to the editor
                page.evaluate("() => { window.__bench.seen = null; window.__bench.armed = true; }")
                page.locator("#note-editor").focus()
                page.keyboard.press("Control+End")
                page.keyboard.type(typed, delay=40)
                page.wait_for_function("() => window.__bench.seen !== null", timeout=30_000)
                samples.append(page.evaluate(TIMINGS))
                restore(page, typed)
            browser.close()
    finally:
        server.stop()
        server.log_path.unlink(missing_ok=True)
    samples = samples[2:]
    latency = [s["seen"] - s["lastKey"] for s in samples]
    with_lint = [s for s in samples if s["lintStart"] is not None]
    return {
        "edits": len(samples),
        "words": len(base.split()),
        "p50": percentile(latency, 50),
        "p95": percentile(latency, 95),
        "max": max(latency),
        "debounce": statistics.median([s["lintStart"] - s["lastKey"] for s in with_lint]) if with_lint else None,
        "request": statistics.median([s["lintEnd"] - s["lintStart"] for s in with_lint]) if with_lint else None,
        "draw": statistics.median([s["seen"] - s["lintEnd"] for s in with_lint]) if with_lint else None,
        "timed_requests": len(with_lint),
        "request_p95": percentile([s["lintEnd"] - s["lintStart"] for s in with_lint], 95) if with_lint else None,
        "busy": sum(1 for s in samples if s["busy"]),
    }


def report(result: dict, load: float) -> str:
    met = result["p95"] < TARGET_P95_MS
    when = time.strftime("%Y-%m-%d")
    lines = [
        (f"Run {when} (`bench/web.py`, part of `make bench`) on {platform.machine()}, CPython {platform.python_version()}, "
        f"{os.cpu_count()} cores shared by the server and chromium (1-minute load average {load:.1f} at the start); "
        "one server worker."),
        "",
        "| measure | figure |",
        "| --- | --- |",
        (f"| last keystroke to the finding's underline, {result['edits']} edits of a {result['words']}-word note: "
        f"p50 / p95 (target p95 under {TARGET_P95_MS:.0f} ms) | {result['p50']:.0f} ms / **{result['p95']:.0f} ms** |"),
        f"| the slowest edit | {result['max']:.0f} ms |",
    ]
    if result["debounce"] is not None:
        lines += [
            (f"| of which (medians of {result['timed_requests']} edits): last key to the /v1/lint request "
            f"(the editor's debounce) | {result['debounce']:.0f} ms |"),
            f"| the /v1/lint request, sent to answered (p95 {result['request_p95']:.0f} ms) | {result['request']:.0f} ms |",
            (f"| edits whose last key came while a lint of the text before was still out (the editor then waits "
            f"for it, one request at a time) | {result['busy']} of {result['edits']} |"),
            f"| answer to underline drawn | {result['draw']:.0f} ms |",
        ]
    lines += ["", f"- p95 {result['p95']:.0f} ms, target under {TARGET_P95_MS:.0f} ms: " + ("met." if met else "**not met**.")]
    if result["debounce"] is not None:
        left = TARGET_P95_MS - result["debounce"]
        lines.append(
            f"- The editor asks for a lint {result['debounce']:.0f} ms after the last key (its debounce: one request "
            f"per pause in typing), which leaves {left:.0f} ms of the target for the request and the drawing. The "
            f"request is the server linting the whole note ({result['request']:.0f} ms median here, with "
            f"{os.cpu_count()} cores shared by the server, chromium and whatever else runs; `bench/service.py` times "
            f"the same lint alone); drawing the underlines takes {result['draw']:.0f} ms.")
        return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", type=Path, help="replace the web section of this Markdown file")
    parser.add_argument("--edits", type=int, default=50)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    result = measure(args.edits)
    text = report(result, load)
    print(text)
    if args.write:
        from noteassist.eval.sections import write_marked_section

        write_marked_section(args.write, (START, END), text, HEADING)


if __name__ == "__main__":
    main()
