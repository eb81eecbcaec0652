"""report.html of `noteassist qa` (issue 13 item 9) in Debian's chromium: opened from disk with every request
recorded, its tables sort and filter, its charts draw, the notes' findings are highlighted in their text with
the suggestion on hover, and the console shows no error."""

from __future__ import annotations

from pathlib import Path

import pytest

from noteassist.review.run import QAOptions, run_qa

BODY = ("Telephonic contact with the claimant about her recovery. Purpose: follow up on physical therapy. The "
        "claimant reported that her shoulder pain is improving. Outcome: therapy continues. Plan: call again "
        "next week and request the therapy notes from the provider.")


def _export(path: Path, n: int) -> Path:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "author", "claim number", "date of service", "note type", "note text"])
        for i in range(n):
            text = BODY if i % 3 else BODY.replace("reported", "relayed") + " The claimant is non-compliant with PT. Takes ibuprofen 600 mg qd. Pt is lazy."
            if i == 0:
                text += ' Client said "<script>alert(1)</script> is my word".'
            writer.writerow([i + 1, ["A. Lee", "B. Kim", "C. Diaz"][i % 3], f"WC-2026-{1000 + i % 4}",
                             f"2026-0{3 + i % 3}-1{i % 9}", "telephonic", text])
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    export = _export(tmp / "export.csv", 12)
    run_qa(QAOptions(files=[str(export)], out=tmp / "out", progress=False, batch_size=4))
    return tmp / "out" / "report.html"


@pytest.fixture
def report_page(browser, report):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: problems.append(f"dialog: {dialog.message}"))
    page.goto(report.as_uri())
    yield page
    context.close()
    assert problems == [], problems
    assert [url for url in requested if not url.startswith("file:")] == []


def test_tables_charts_and_highlights_render(report_page):
    page = report_page
    assert page.locator("#rules-table tbody tr").count() >= 2
    assert page.locator("#authors-table tbody tr").count() == 3
    assert page.locator("#distribution-chart .bar").count() >= 1
    assert page.locator("#trend-chart .point").count() >= 2
    marks = page.locator(".note-text mark")
    assert marks.count() >= 1
    # the note's own text is text, never markup: the script in it did not run (no dialog) and is shown
    assert page.locator(".note-text", has_text="<script>alert(1)</script>").count() == 1


def test_a_finding_shows_its_message_on_hover(report_page):
    mark = report_page.locator(".note-text mark").first
    tip = report_page.locator(f'#{mark.get_attribute("aria-describedby")}')
    mark.hover()
    assert tip.is_visible()
    assert tip.inner_text().strip()


def test_tables_sort_and_filter(report_page):
    page = report_page
    table = page.locator("#rules-table")
    heads = table.locator("thead th")
    numeric = table.locator('thead th[data-type="num"]').first
    index = [heads.nth(i).get_attribute("data-type") for i in range(heads.count())].index("num")
    numeric.locator("button").click()
    values = [float(v) for v in table.locator(f"tbody tr td:nth-child({index + 1})").evaluate_all(
        "cells => cells.map(c => c.getAttribute('data-v') ?? c.textContent)")]
    assert values == sorted(values)
    numeric.locator("button").click()
    again = [float(v) for v in table.locator(f"tbody tr td:nth-child({index + 1})").evaluate_all(
        "cells => cells.map(c => c.getAttribute('data-v') ?? c.textContent)")]
    assert again == sorted(values, reverse=True)
    first_rule = table.locator("tbody tr").first.locator("td").first.inner_text().strip()
    page.fill("#rules-filter", first_rule)
    assert table.locator("tbody tr:not([hidden])").count() >= 1
    assert all(first_rule.lower() in table.locator("tbody tr:not([hidden])").nth(i).inner_text().lower()
               for i in range(table.locator("tbody tr:not([hidden])").count()))
    assert "shown" in page.locator("#rules-table-count").inner_text()
