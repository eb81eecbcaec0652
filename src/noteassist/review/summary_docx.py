"""summary.docx: the QA run for a supervisor (issue 13 item 4). Headline figures, the score distribution and
the weekly trend as chart images, the top issues with one example each, and the authors' figures.

It is a document that travels (by mail, into a meeting), so its examples are masked: full SSNs, claim
numbers and record ids, and names (the note's author and claimant from the export, and any titled or
initialled name in the quote) never appear in it. It reads only DIR's summary.json and findings.jsonl, and
the example notes' metadata through `outputs.note_texts`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..io.write import write_atomic
from ..text.identifiers import mask_ssns
from . import outputs

SUMMARY_DOCX = "summary.docx"
TOP_ISSUES = 10

#: A claim number or record id: a run of letters and digits with at least four digits ("WC-2026-1000",
#: "44-8804", "HMIS 77348" keeps its word and masks the number); a date (12/04/2026) or a time is not one.
_IDENTIFIER = re.compile(r"(?<![\w/.:-])(?=[\w-]*\d{4})[A-Za-z]{0,6}[-#]?\d[\w-]*\d(?![\w/:-])")
#: A titled name ("Ms. Bahati", "Dr. Osei") or initials ("M.F.", "W. J.").
_TITLED = re.compile(r"\b(?:Mr|Ms|Mrs|Mx|Dr|Miss)\.?\s+[A-Z][A-Za-z'-]+(?:\s+[A-Z][A-Za-z'-]+)?")
_INITIALS = re.compile(r"\b[A-Z]\.\s?[A-Z]\.(?:\s?[A-Z]\.)?")


def mask_example(text: str, names: Iterable[str] = ()) -> str:
    """`text` with SSNs, claim numbers and ids, and names masked (see the module docstring)."""
    masked = mask_ssns(text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) > 2}, key=len, reverse=True):
        for part in {name, *name.replace(",", " ").split()}:
            if len(part) > 2 and part[:1].isupper():
                masked = re.sub(rf"\b{re.escape(part)}\b", "[name]", masked)
    masked = _TITLED.sub("[name]", masked)
    masked = _INITIALS.sub("[name]", masked)
    return _IDENTIFIER.sub("[id]", masked)


def _chart_png(kind: str, labels: Sequence[str], values: Sequence[float], title: str, ylabel: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")  # no display: a server or CI has none
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(6.4, 2.8), dpi=150)
    try:
        if kind == "bar":
            axes.bar(range(len(values)), values, color="#3b6ea5")
        else:
            axes.plot(range(len(values)), values, marker="o", color="#3b6ea5")
        axes.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 6 else 0, ha="right", fontsize=7)
        axes.set_title(title, fontsize=10)
        axes.set_ylabel(ylabel, fontsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        buffer = io.BytesIO()
        # Fixed metadata: the same run gives the same image bytes.
        figure.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()
    finally:
        plt.close(figure)


def _examples(out_dir: Path, rules: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The first finding of each rule, with its quote masked by the names in its note's metadata."""
    first: dict[str, dict[str, Any]] = {}
    wanted = set(rules)
    for finding in outputs.read_findings(out_dir):
        if finding["rule"] in wanted and finding["rule"] not in first:
            first[finding["rule"]] = finding
            if len(first) == len(wanted):
                break
    metas = {position: meta for position, _, meta in outputs.note_texts(out_dir, {f["position"] for f in first.values()})}
    examples = {}
    for rule, finding in first.items():
        meta = metas.get(finding["position"], {})
        names = [str(v) for k, v in meta.items() if v and any(w in str(k).lower() for w in
                 ("author", "claimant", "client", "name", "worker", "patient"))]
        quote = " ".join(str(finding.get("text") or "").split())
        examples[rule] = {"quote": mask_example(quote, names)[:240], "message": mask_example(finding["message"], names)}
    return examples


def _table(document, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = str(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = "" if value is None else str(value)


def render_summary_docx(summary: Mapping[str, Any], examples: Mapping[str, Mapping[str, Any]]) -> bytes:
    from docx import Document
    from docx.shared import Inches, Pt

    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading("Documentation quality review", level=0)
    totals = summary.get("totals") or {}
    inputs = [Path(str(i)).name for i in summary.get("inputs") or []]
    named = ", ".join(inputs[:3]) + (f" and {len(inputs) - 3} more" if len(inputs) > 3 else "")
    document.add_paragraph(f"Generated {summary.get('generated', '')}; inputs: {named}."
                           + ("" if summary.get("complete", True) else " The run was interrupted: partial figures."))

    document.add_heading("Headline figures", level=1)
    linted = totals.get("linted") or 0
    with_findings = totals.get("notes_with_findings") or 0
    severity = totals.get("by_severity") or {}
    _table(document, ("Measure", "Value"), [
        ("Notes reviewed", linted),
        ("Notes that could not be read", totals.get("errors", 0)),
        ("Mean score (0-100)", totals.get("mean_score")),
        ("Median score", totals.get("median_score")),
        ("Notes with findings", f"{with_findings} ({with_findings / linted:.0%})" if linted else with_findings),
        ("Errors / warnings / infos", f"{severity.get('error', 0)} / {severity.get('warning', 0)} / {severity.get('info', 0)}"),
    ])

    histogram = (summary.get("score") or {}).get("histogram") or []
    if histogram:
        document.add_heading("Score distribution", level=1)
        png = _chart_png("bar", [f"{int(b['from'])}-{int(b['to'])}" for b in histogram],
                         [b.get("notes") or 0 for b in histogram], "Notes by score", "notes")
        document.add_picture(io.BytesIO(png), width=Inches(6.0))
    weeks = [w for w in summary.get("by_week") or [] if w.get("key") and w.get("mean_score") is not None]
    if len(weeks) >= 2:
        document.add_heading("Weekly trend", level=1)
        png = _chart_png("line", [w["key"] for w in weeks], [w["mean_score"] for w in weeks],
                         "Mean score by week of service", "mean score")
        document.add_picture(io.BytesIO(png), width=Inches(6.0))

    rules = list(summary.get("by_rule") or [])[:TOP_ISSUES]
    document.add_heading("Top issues", level=1)
    if not rules:
        document.add_paragraph("No findings.")
    for rule in rules:
        example = examples.get(rule["rule"], {})
        document.add_heading(f"{rule['rule']} ({rule['category']}, {rule['severity']}): {rule['findings']} "
                             f"finding{'s' if rule['findings'] != 1 else ''} in {rule['notes']} "
                             f"note{'s' if rule['notes'] != 1 else ''}", level=2)
        if example.get("message"):
            document.add_paragraph(example["message"])
        if example.get("quote"):
            document.add_paragraph(f"Example: \u201c{example['quote']}\u201d")

    authors = [a for a in summary.get("by_author") or [] if a.get("notes")]
    if authors:
        document.add_heading("By author", level=1)
        _table(document, ("Author", "Notes", "Mean score", "Errors", "Findings"),
               [(a.get("key") or "(no author)", a.get("notes"), a.get("mean_score"),
                 (a.get("by_severity") or {}).get("error", 0), a.get("findings")) for a in authors])
    queries = summary.get("queries")
    if queries:
        document.add_heading("Queries to authors", level=1)
        _table(document, ("Measure", "Value"), [
            ("Queries issued", queries.get("issued")), ("Answered", queries.get("answered")),
            ("Response rate", f"{queries['response_rate']:.0%}" if queries.get("response_rate") is not None else "-"),
            ("Agreement rate", f"{queries['agreement_rate']:.0%}" if queries.get("agreement_rate") is not None else "-"),
            ("Median days to answer", queries.get("median_days_to_answer")),
        ])
    document.core_properties.title = "Documentation quality review"
    document.core_properties.author = "noteassist"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_summary_docx(out_dir: Path) -> Path:
    """Write DIR/summary.docx from DIR's outputs; return its path."""
    out_dir = Path(out_dir)
    summary = outputs.read_summary(out_dir)
    rules = [r["rule"] for r in (summary.get("by_rule") or [])[:TOP_ISSUES]]
    return write_atomic(out_dir / SUMMARY_DOCX, render_summary_docx(summary, _examples(out_dir, rules)),
                        overwrite=True)
