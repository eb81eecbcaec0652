"""report.html: a QA run's results as one self-contained page for a reviewer (issue 13, item 4).

The page needs no network and can reach none: its styles, its script and its charts (SVG drawn here) are
inline, and a Content-Security-Policy allows only those two inline blocks, by hash, and nothing else (no
fetch, no image, no font, no form), so even text that slipped past escaping could neither run nor load.
Every piece of data is HTML-escaped text in the DOM; none is put inside the script.

It holds: the headline figures, tables per author, rule and note type that sort (a button in each header;
aria-sort says the order) and filter (a text box above each), the score distribution and the weekly trend as
charts with their numbers in a table beside them, the worst notes, the run's unreadable notes, and the text of
the notes it shows with each finding highlighted and its message and suggestion shown on hover and on focus.

Note text is the run's inputs' own text (PHI), so the page carries it only for the notes it shows: those with
findings, lowest score first (the worst notes come first that way), up to `max_notes`; the page says how many
of how many notes it holds. Severity is a word in every table and tooltip, and an underline style in the text
(solid for error, dashed for warning, dotted for info), never colour alone.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import html
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import NoteInputError
from ..export.docx import clean_text
from ..io.write import write_atomic
from . import outputs

__all__ = ["DEFAULT_MAX_NOTES", "REPORT", "render_report", "write_report_html"]

REPORT = "report.html"
#: Notes whose text the page carries by default: enough for a month's worst notes, small enough (a few MB).
DEFAULT_MAX_NOTES = 200
#: Findings kept per shown note: a pathological note with thousands must not swell the page.
MAX_FINDINGS_PER_NOTE = 300
SEVERITIES = ("error", "warning", "info")
_SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
UNKNOWN = "(unknown)"


def write_report_html(out_dir: Path, *, max_notes: int = DEFAULT_MAX_NOTES) -> Path:
    """Write DIR/report.html from DIR's summary.json, notes.csv and findings.jsonl; return its path.

    The page carries the text of at most `max_notes` notes (those with findings, lowest score first)."""
    out_dir = Path(out_dir)
    summary = _read(out_dir, outputs.SUMMARY, lambda: outputs.read_summary(out_dir))
    shown = _read(out_dir, outputs.NOTES, lambda: _select_notes(outputs.read_notes_csv(out_dir), max_notes))
    positions = {row["position"] for row in shown}
    findings = _read(out_dir, outputs.FINDINGS, lambda: _findings_of(outputs.read_findings(out_dir), positions))
    texts = _texts_of(out_dir, positions)
    page = render_report(summary, shown, findings, texts, max_notes=max_notes)
    return write_atomic(out_dir / REPORT, page, overwrite=True)


def _read(out_dir: Path, name: str, reader):
    """Run `reader`; a missing or malformed DIR file is one line naming it, not a traceback."""
    try:
        return reader()
    except FileNotFoundError:
        raise NoteInputError(f"{out_dir / name}: missing; run `noteassist qa ... -o {out_dir}` first") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise NoteInputError(f"{out_dir / name}: not a QA output file ({type(exc).__name__}: {exc})") from None


def _select_notes(rows: Iterable[dict], max_notes: int) -> list[dict]:
    """The notes with findings, lowest score first then position, at most `max_notes` (one pass, bounded heap)."""
    candidates = ((row["score"], row["position"], row) for row in rows
                  if row.get("status") == "ok" and (row.get("findings") or 0) > 0 and row.get("score") is not None)
    return [row for _, _, row in heapq.nsmallest(max(0, max_notes), candidates, key=lambda item: item[:2])]


def _findings_of(findings: Iterable[dict], positions: set[int]) -> dict[int, list[dict]]:
    kept: dict[int, list[dict]] = {}
    for finding in findings:
        position = finding.get("position")
        if position in positions:
            bucket = kept.setdefault(position, [])
            if len(bucket) < MAX_FINDINGS_PER_NOTE:
                bucket.append(finding)
    return kept


def _texts_of(out_dir: Path, positions: set[int]) -> dict[int, str]:
    """The shown notes' text, re-read from the run's inputs by outputs.note_texts (same readers, same positions).
    Without it (an older core, inputs moved) the page shows the findings without the text."""
    note_texts = getattr(outputs, "note_texts", None)
    if note_texts is None or not positions:
        return {}
    texts: dict[int, str] = {}
    try:
        for item in note_texts(out_dir, sorted(positions)):
            texts[item[0]] = item[1]
    except (OSError, ValueError, NoteInputError):
        return texts
    return texts


# -- the page ----------------------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    """Text as HTML: escaped (quotes too, so it is safe in attributes), characters HTML cannot hold removed."""
    return html.escape(clean_text(value), quote=True)


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "\u2014"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else _e(value)


def _key(value: Any) -> str:
    return UNKNOWN if value is None or value == "" else str(value)


def render_report(summary: Mapping[str, Any], shown: Sequence[dict], findings: Mapping[int, list[dict]],
                  texts: Mapping[int, str], *, max_notes: int = DEFAULT_MAX_NOTES) -> str:
    """The whole page as a string."""
    totals = summary.get("totals") or {}
    style, script = _asset("report.css"), _asset("report.js")
    csp = (f"default-src 'none'; style-src '{_sha256(style)}'; script-src '{_sha256(script)}'; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    body = [
        _header(summary),
        _headline(summary, totals),
        _charts(summary),
        _group_table("authors", "Authors", "Per-author scores and findings, worst mean score first.",
                     "Author", summary.get("by_author") or []),
        _rule_table(summary.get("by_rule") or []),
        _group_table("note-types", "Note types", "Per-note-type scores and findings, worst mean score first.",
                     "Note type", summary.get("by_note_type") or []),
        _worst_table(summary.get("worst_notes") or [], {row["position"] for row in shown}),
        _notes_section(shown, findings, texts, totals, max_notes),
        _errors_section(summary.get("errors") or {}),
    ]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        f"<title>QA review: {_num(totals.get('notes', 0))} notes</title>\n"
        f"<style>{style}</style>\n</head>\n<body>\n"
        "<a class=\"skip\" href=\"#main\">Skip to the results</a>\n"
        + body[0] + "<main id=\"main\">\n" + "\n".join(body[1:]) + "\n</main>\n"
        f"<script>{script}</script>\n</body>\n</html>\n"
    )


def _asset(name: str) -> str:
    return (Path(__file__).with_name("assets") / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _header(summary: Mapping[str, Any]) -> str:
    inputs = ", ".join(str(name) for name in summary.get("inputs") or []) or UNKNOWN
    state = "" if summary.get("complete", True) else (
        "<p class=\"warning\" role=\"note\"><strong>Incomplete run:</strong> it was interrupted; "
        "<code>noteassist qa --resume</code> completes it.</p>")
    return (
        "<header>\n<h1>QA review of case notes</h1>\n"
        f"<p>Run generated {_e(summary.get('generated') or UNKNOWN)} from {_e(inputs)}.</p>\n"
        "<p class=\"phi\" role=\"note\">Contains health information from the notes: share it as you would the notes."
        "</p>\n" + state +
        "<nav aria-label=\"Sections\"><ul>"
        "<li><a href=\"#headline\">Headline figures</a></li><li><a href=\"#distribution\">Score distribution</a></li>"
        "<li><a href=\"#trend\">Weekly trend</a></li><li><a href=\"#authors\">Authors</a></li>"
        "<li><a href=\"#rules\">Rules</a></li><li><a href=\"#note-types\">Note types</a></li>"
        "<li><a href=\"#worst\">Worst notes</a></li><li><a href=\"#notes\">Notes</a></li>"
        "<li><a href=\"#errors\">Unreadable notes</a></li></ul></nav>\n</header>\n"
    )


def _headline(summary: Mapping[str, Any], totals: Mapping[str, Any]) -> str:
    severity = totals.get("by_severity") or {}
    notes = totals.get("notes") or 0
    linted = totals.get("linted") or 0
    with_findings = totals.get("notes_with_findings")
    per_note = (totals.get("findings") or 0) / linted if linted else None
    figures = [
        ("Notes", _num(notes)), ("Linted", _num(linted)), ("Unreadable", _num(totals.get("errors", 0))),
        ("Mean score", _num(totals.get("mean_score"))), ("Median score", _num(totals.get("median_score"))),
        ("Findings", _num(totals.get("findings", 0))), ("Findings per note", _num(per_note, 2)),
        ("Notes with findings", _num(with_findings)),
        ("Errors", _num(severity.get("error", 0))), ("Warnings", _num(severity.get("warning", 0))),
        ("Infos", _num(severity.get("info", 0))), ("Words", _num(totals.get("words"))),
    ]
    items = "".join(f"<div class=\"figure\"><dt>{label}</dt><dd>{value}</dd></div>" for label, value in figures)
    extra = [_baseline(summary.get("baseline")), _sample(summary.get("sample"))]
    return ("<section id=\"headline\" aria-labelledby=\"headline-h\">\n<h2 id=\"headline-h\">Headline figures</h2>\n"
            f"<dl class=\"figures\">{items}</dl>\n" + "".join(part for part in extra if part) + "</section>\n")


def _baseline(baseline: Mapping[str, Any] | None) -> str:
    if not baseline:
        return ""
    rows = []
    labels = {"notes": "Notes", "mean_score": "Mean score", "findings_per_note": "Findings per note",
              "errors": "Unreadable"}
    for key, triple in (baseline.get("totals") or {}).items():
        now, then, delta = (list(triple) + [None, None, None])[:3]
        signed = "\u2014" if delta is None else (f"{delta:+,.2f}" if isinstance(delta, float) else f"{delta:+,}")
        rows.append(f"<tr><th scope=\"row\">{_e(labels.get(key, key))}</th><td>{_num(now, 2)}</td>"
                    f"<td>{_num(then, 2)}</td><td>{signed}</td></tr>")
    return ("<table class=\"plain\"><caption>Against the baseline run of "
            f"{_e(baseline.get('generated') or UNKNOWN)} ({_e(baseline.get('dir') or '')})</caption>"
            "<thead><tr><th scope=\"col\">Figure</th><th scope=\"col\">This run</th><th scope=\"col\">Baseline</th>"
            f"<th scope=\"col\">Change</th></tr></thead><tbody>{''.join(rows)}</tbody></table>\n")


def _sample(sample: Mapping[str, Any] | None) -> str:
    if not sample:
        return ""
    return (f"<p>An audit sample: {_num(sample.get('size'))} of {_num(sample.get('population'))} notes "
            f"(seed {_e(sample.get('seed'))}), stratified by author.</p>\n")


# -- charts ------------------------------------------------------------------------------------------------------

_W, _H, _LEFT, _RIGHT, _TOP, _BOTTOM = 640, 260, 48, 16, 16, 44


def _charts(summary: Mapping[str, Any]) -> str:
    histogram = (summary.get("score") or {}).get("histogram") or []
    weeks = [group for group in summary.get("by_week") or [] if group.get("key") is not None]
    return _distribution(histogram) + _trend(weeks)


def _distribution(histogram: Sequence[Mapping[str, Any]]) -> str:
    counts = [int(bin_.get("notes") or 0) for bin_ in histogram]
    labels = [f"{_num(bin_.get('from'), 0)}\u2013{_num(bin_.get('to'), 0)}" for bin_ in histogram]
    peak = max(counts, default=0) or 1
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    slot = plot_w / max(1, len(counts))
    parts = _axes(peak, plot_w, plot_h, "Notes")
    for index, (count, label) in enumerate(zip(counts, labels, strict=True)):
        height = plot_h * count / peak
        x = _LEFT + index * slot + slot * 0.12
        y = _TOP + plot_h - height
        parts.append(f"<rect class=\"bar\" x=\"{x:.1f}\" y=\"{y:.1f}\" width=\"{slot * 0.76:.1f}\" "
                     f"height=\"{height:.1f}\"><title>{label}: {count} notes</title></rect>")
        parts.append(f"<text class=\"value\" x=\"{x + slot * 0.38:.1f}\" y=\"{y - 3:.1f}\">{count}</text>")
        parts.append(f"<text class=\"tick\" x=\"{x + slot * 0.38:.1f}\" y=\"{_TOP + plot_h + 16}\">{label}</text>")
    parts.append(f"<text class=\"axis-label\" x=\"{_LEFT + plot_w / 2:.0f}\" y=\"{_H - 6}\">Score</text>")
    rows = "".join(f"<tr><th scope=\"row\">{label}</th><td>{count:,}</td></tr>"
                   for label, count in zip(labels, counts, strict=True))
    return _chart_section("distribution", "Score distribution",
                          "Notes per score band, 0 (worst) to 100 (no findings).", parts,
                          "<thead><tr><th scope=\"col\">Score</th><th scope=\"col\">Notes</th></tr></thead>", rows)


def _trend(weeks: Sequence[Mapping[str, Any]]) -> str:
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    parts = _axes(100, plot_w, plot_h, "Mean score")
    points = []
    step = plot_w / max(1, len(weeks))
    label_every = max(1, len(weeks) // 12)
    for index, group in enumerate(weeks):
        score = group.get("mean_score")
        x = _LEFT + step * (index + 0.5)
        if index % label_every == 0:
            parts.append(f"<text class=\"tick\" x=\"{x:.1f}\" y=\"{_TOP + plot_h + 16}\">{_e(group['key'])}</text>")
        if score is None:
            continue
        y = _TOP + plot_h * (1 - float(score) / 100)
        points.append(f"{x:.1f},{y:.1f}")
        parts.append(f"<circle class=\"point\" cx=\"{x:.1f}\" cy=\"{y:.1f}\" r=\"4\"><title>{_e(group['key'])}: "
                     f"mean score {_num(score)} over {group.get('notes', 0)} notes</title></circle>")
    if len(points) > 1:
        parts.insert(len(parts) - len(points), f"<polyline class=\"line\" points=\"{' '.join(points)}\"/>")
    parts.append(f"<text class=\"axis-label\" x=\"{_LEFT + plot_w / 2:.0f}\" y=\"{_H - 6}\">ISO week</text>")
    rows = "".join(
        f"<tr><th scope=\"row\">{_e(group['key'])}</th><td>{_num(group.get('notes'))}</td>"
        f"<td>{_num(group.get('mean_score'))}</td><td>{_num(group.get('findings'))}</td></tr>" for group in weeks)
    empty = "" if weeks else "<p>No note in the run has a date, so there is no weekly trend.</p>"
    return _chart_section("trend", "Weekly trend", "Mean note score per ISO week of the date of service.", parts,
                          "<thead><tr><th scope=\"col\">Week</th><th scope=\"col\">Notes</th>"
                          "<th scope=\"col\">Mean score</th><th scope=\"col\">Findings</th></tr></thead>", rows, empty)


def _axes(peak: float, plot_w: float, plot_h: float, label: str) -> list[str]:
    parts = [f"<line class=\"axis\" x1=\"{_LEFT}\" y1=\"{_TOP + plot_h}\" x2=\"{_LEFT + plot_w}\" "
             f"y2=\"{_TOP + plot_h}\"/>", f"<line class=\"axis\" x1=\"{_LEFT}\" y1=\"{_TOP}\" x2=\"{_LEFT}\" "
             f"y2=\"{_TOP + plot_h}\"/>"]
    for fraction in (0, 0.5, 1):
        y = _TOP + plot_h * (1 - fraction)
        value = peak * fraction
        text = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
        parts.append(f"<line class=\"grid\" x1=\"{_LEFT}\" y1=\"{y:.1f}\" x2=\"{_LEFT + plot_w}\" y2=\"{y:.1f}\"/>")
        parts.append(f"<text class=\"ytick\" x=\"{_LEFT - 6}\" y=\"{y + 4:.1f}\">{text}</text>")
    parts.append(f"<text class=\"axis-label\" transform=\"rotate(-90)\" x=\"{-(_TOP + plot_h / 2):.0f}\" "
                 f"y=\"12\">{label}</text>")
    return parts


def _chart_section(ident: str, title: str, description: str, parts: list[str], head: str, rows: str,
                   empty: str = "") -> str:
    svg = (f"<svg class=\"chart\" id=\"{ident}-chart\" role=\"img\" viewBox=\"0 0 {_W} {_H}\" "
           f"aria-labelledby=\"{ident}-title {ident}-desc\" xmlns=\"http://www.w3.org/2000/svg\">"
           f"<title id=\"{ident}-title\">{title}</title><desc id=\"{ident}-desc\">{description}</desc>"
           + "".join(parts) + "</svg>")
    return (f"<section id=\"{ident}\" aria-labelledby=\"{ident}-h\">\n<h2 id=\"{ident}-h\">{title}</h2>\n"
            f"<p>{description}</p>\n{empty}<figure>{svg}<figcaption>{title}; the numbers are in the table below."
            f"</figcaption></figure>\n<table class=\"plain\"><caption>{title}: the chart's numbers</caption>{head}"
            f"<tbody>{rows}</tbody></table>\n</section>\n")


# -- tables ------------------------------------------------------------------------------------------------------


def _sortable(ident: str, caption: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[tuple]]) -> str:
    """A table that sorts (a button in each header) and filters (the box above it). `columns`: (label, 'text' or
    'num'); each cell: (html, sort value or None) — the first cell of a row is its header."""
    heads = "".join(
        f"<th scope=\"col\" data-type=\"{kind}\" aria-sort=\"none\"><button type=\"button\">{label}"
        "<span class=\"arrow\" aria-hidden=\"true\"></span></button></th>" for label, kind in columns)
    body = []
    count = 0
    for row in rows:
        count += 1
        cells = []
        for index, (content, value) in enumerate(row):
            tag, scope = ("th", " scope=\"row\"") if index == 0 else ("td", "")
            data = "" if value is None else f" data-v=\"{_e(value)}\""
            cells.append(f"<{tag}{scope}{data}>{content}</{tag}>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<div class=\"filter\"><label for=\"{ident}-filter\">Filter {caption.lower()}</label> "
            f"<input type=\"search\" id=\"{ident}-filter\" data-filter=\"{ident}-table\" autocomplete=\"off\"> "
            f"<output id=\"{ident}-table-count\" aria-live=\"polite\">{count} of {count} shown</output></div>\n"
            f"<table class=\"sortable\" id=\"{ident}-table\"><caption>{caption} (select a column header to sort)"
            f"</caption><thead><tr>{heads}</tr></thead><tbody>{''.join(body)}</tbody></table>\n")


def _n(value: Any, digits: int = 1) -> tuple[str, Any]:
    return _num(value, digits), value


def _group_table(ident: str, title: str, description: str, label: str, groups: Sequence[Mapping[str, Any]]) -> str:
    columns = [(label, "text"), ("Notes", "num"), ("Unreadable", "num"), ("Mean score", "num"),
               ("Lowest score", "num"), ("Findings", "num"), ("Errors", "num"), ("Warnings", "num"), ("Infos", "num")]

    def rows():
        for group in groups:
            severity = group.get("by_severity") or {}
            key = _key(group.get("key"))
            yield [(_e(key), key), _n(group.get("notes")), _n(group.get("errors")), _n(group.get("mean_score")),
                   _n(group.get("min_score")), _n(group.get("findings")),
                   *(_n(severity.get(name, 0)) for name in SEVERITIES)]

    return (f"<section id=\"{ident}\" aria-labelledby=\"{ident}-h\">\n<h2 id=\"{ident}-h\">{title}</h2>\n"
            f"<p>{description}</p>\n" + _sortable(ident, title, columns, rows()) + "</section>\n")


def _rule_table(rules: Sequence[Mapping[str, Any]]) -> str:
    columns = [("Rule", "text"), ("Category", "text"), ("Severity", "text"), ("Findings", "num"), ("Notes", "num")]

    def rows():
        for rule in rules:
            severity = str(rule.get("severity") or "")
            yield [(_e(rule.get("rule")), rule.get("rule")), (_e(rule.get("category")), rule.get("category")),
                   (_severity_label(severity), _SEVERITY_RANK.get(severity, 9)), _n(rule.get("findings")),
                   _n(rule.get("notes"))]

    return ("<section id=\"rules\" aria-labelledby=\"rules-h\">\n<h2 id=\"rules-h\">Rules</h2>\n"
            "<p>Findings per rule, most first.</p>\n" + _sortable("rules", "Rules", columns, rows()) + "</section>\n")


def _severity_label(severity: str) -> str:
    known = severity if severity in _SEVERITY_RANK else "info"
    return f"<span class=\"sev sev-{known}\">{_e(severity.capitalize() or UNKNOWN)}</span>"


def _worst_table(worst: Sequence[Mapping[str, Any]], shown: set[int]) -> str:
    columns = [("Note", "num"), ("Author", "text"), ("Claim", "text"), ("Type", "text"), ("Date", "text"),
               ("Score", "num"), ("Findings", "num"), ("Errors", "num")]

    def rows():
        for note in worst:
            position = note.get("position")
            name = _e(note.get("note_id") or note.get("path") or position)
            link = f"<a href=\"#note-{int(position)}\">{name}</a>" if position in shown else name
            yield [(link, position), (_e(_key(note.get("author"))), _key(note.get("author"))),
                   (_e(_key(note.get("claim_number"))), None), (_e(_key(note.get("note_type"))), None),
                   (_e(_key(note.get("date"))), note.get("date") or ""), _n(note.get("score")),
                   _n(note.get("findings")), _n((note.get("by_severity") or {}).get("error", 0))]

    return ("<section id=\"worst\" aria-labelledby=\"worst-h\">\n<h2 id=\"worst-h\">Worst notes</h2>\n"
            "<p>The lowest-scoring notes; each links to its text below.</p>\n"
            + _sortable("worst", "Worst notes", columns, rows()) + "</section>\n")


def _errors_section(errors: Mapping[str, Any]) -> str:
    examples = errors.get("examples") or []
    items = "".join(f"<li><code>{_e(example.get('path'))}</code>: {_e(example.get('error'))}</li>"
                    for example in examples)
    listing = f"<ul>{items}</ul>" if items else ""
    return ("<section id=\"errors\" aria-labelledby=\"errors-h\">\n<h2 id=\"errors-h\">Unreadable notes</h2>\n"
            f"<p>{_num(errors.get('count', 0))} notes could not be read or linted; each is a row with status "
            f"<code>error</code> in notes.csv.</p>{listing}\n</section>\n")


# -- notes with their findings highlighted ----------------------------------------------------------------------


def _notes_section(shown: Sequence[dict], findings: Mapping[int, list[dict]], texts: Mapping[int, str],
                   totals: Mapping[str, Any], max_notes: int) -> str:
    with_findings = totals.get("notes_with_findings")
    held = (f"This report holds the text of {len(shown):,} of the run's {_num(totals.get('notes', 0))} notes: "
            f"the notes with findings, lowest score first, up to {max_notes:,} "
            f"({_num(with_findings)} notes have findings). Every note's score is in notes.csv and every finding "
            "in findings.jsonl.")
    legend = ("<p class=\"legend\">In the text, findings are highlighted and underlined by severity: "
              "<mark class=\"f sev-error\">solid: error</mark> <mark class=\"f sev-warning\">dashed: warning</mark> "
              "<mark class=\"f sev-info\">dotted: info</mark>. Point at a highlight or move to it with the Tab key "
              "to see the rule, its message and the suggestion.</p>")
    articles = [_note_article(row, findings.get(row["position"], []), texts.get(row["position"])) for row in shown]
    return ("<section id=\"notes\" aria-labelledby=\"notes-h\">\n<h2 id=\"notes-h\">Notes</h2>\n"
            f"<p id=\"notes-held\">{held}</p>\n{legend}\n" + "\n".join(articles) + "</section>\n")


def _note_article(row: Mapping[str, Any], findings: list[dict], text: str | None) -> str:
    position = int(row["position"])
    name = row.get("note_id") or row.get("path") or str(position)
    facts = " \u00b7 ".join(_e(part) for part in (
        f"author {_key(row.get('author'))}", f"claim {_key(row.get('claim_number'))}",
        f"type {_key(row.get('note_type'))}", f"date {_key(row.get('date'))}",
        f"{row.get('words') or 0} words"))
    if text is None:
        body = "<p class=\"unavailable\">Text unavailable: the run's input could not be read again.</p>"
        placed: set[int] = set()
    else:
        body, placed = _highlighted(position, clean_text(text), findings)
    listing = "".join(_finding_item(finding, index in placed) for index, finding in enumerate(findings))
    return (f"<article class=\"note\" id=\"note-{position}\" aria-labelledby=\"note-{position}-h\">"
            f"<h3 id=\"note-{position}-h\">Note {_e(name)}: score {_num(row.get('score'))}, "
            f"{_num(row.get('findings'))} findings</h3>\n<p class=\"facts\">{facts}</p>\n{body}\n"
            f"<details><summary>All findings of this note</summary><ul class=\"findings\">{listing}</ul></details>"
            "</article>")


def _finding_item(finding: Mapping[str, Any], placed: bool) -> str:
    where = f"line {finding.get('line')}, column {finding.get('column')}" if finding.get("line") else "the note"
    return (f"<li>{_severity_label(str(finding.get('severity') or ''))} <strong>{_e(finding.get('rule'))}</strong> "
            f"({_e(where)}{'' if placed else ', not highlighted'}): {_e(finding.get('message'))}"
            f"{_suggestion(finding)}</li>")


def _suggestion(finding: Mapping[str, Any]) -> str:
    suggestions = [str(s) for s in finding.get("suggestions") or [] if str(s).strip()]
    return f" <em>Suggestion: {_e('; '.join(suggestions[:5]))}</em>" if suggestions else ""


def _placeable(text: str, finding: Mapping[str, Any]) -> bool:
    """A finding is highlighted only where its offsets still point at its text (the input may have changed)."""
    start, end = finding.get("start"), finding.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
        return False
    quoted = finding.get("text")
    return not quoted or text[start:end] == quoted


def _highlighted(position: int, text: str, findings: list[dict]) -> tuple[str, set[int]]:
    """The note's text as HTML with each finding's span in a <mark>; overlapping findings split the text into
    segments, each marked with every finding over it. Returns the HTML and the indexes of highlighted findings."""
    spans = [(index, finding) for index, finding in enumerate(findings) if _placeable(text, finding)]
    cuts = sorted({0, len(text), *(f["start"] for _, f in spans), *(f["end"] for _, f in spans)})
    out = []
    for segment, (start, end) in enumerate(zip(cuts, cuts[1:], strict=False)):
        over = [(index, f) for index, f in spans if f["start"] <= start and end <= f["end"]]
        piece = _e(text[start:end])
        if not over:
            out.append(piece)
            continue
        worst = min((_SEVERITY_RANK.get(str(f.get("severity")), 2) for _, f in over))
        tip_id = f"tip-{position}-{segment}"
        tip = "<br>".join(
            f"<strong>{_e(str(f.get('severity') or '').capitalize())} {_e(f.get('rule'))}</strong>: "
            f"{_e(f.get('message'))}{_suggestion(f)}" for _, f in over)
        out.append(f"<mark class=\"f sev-{SEVERITIES[worst]}\" tabindex=\"0\" data-rules=\""
                   f"{_e(' '.join(str(f.get('rule')) for _, f in over))}\" aria-describedby=\"{tip_id}\">{piece}"
                   f"<span class=\"tip\" role=\"tooltip\" id=\"{tip_id}\">{tip}</span></mark>")
    return f"<div class=\"note-text\">{''.join(out)}</div>", {index for index, _ in spans}
