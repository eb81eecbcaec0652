"""The timeline as a Word document (python-docx, as the other reports) or one self-contained HTML page.

Both writers print only what `timeline.build` put in the entries: a withheld entry has no text to print.
The HTML has its style inline and links to nothing, so it opens the same offline and leaks no request.
"""

from __future__ import annotations

import html
import io
import re

from .timeline import KIND_LABELS, PART2_NOTICE, PART2_SHORT, Entry, Timeline

# XML 1.0 cannot hold most control characters; python-docx raises on them, a browser shows garbage.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def _title(entry: Entry) -> str:
    what = KIND_LABELS.get(entry.kind, "Record")
    return f"{entry.date.isoformat()}  {what}  {entry.agency} (match {entry.score:.2f})"


def _header_lines(timeline: Timeline) -> list[tuple[str, str]]:
    span = (f"{timeline.start.isoformat()} to {timeline.end.isoformat()}" if timeline.entries else "no records")
    rows = [("Client", f"{timeline.client}, date of birth {timeline.dob.isoformat()}"),
            ("Date range", span),
            ("Consents as of", timeline.as_of.isoformat()),
            ("Merge threshold", f"{timeline.threshold:.2f} (records scoring lower are not merged)"),
            ("Agencies linked", "; ".join(timeline.linked) or "none"),
            ("Agencies withheld", "; ".join(timeline.withheld) or "none")]
    if timeline.unreadable:
        rows.append(("Not read", f"{timeline.unreadable} record{'s' if timeline.unreadable != 1 else ''} or file"
                     f"{'s' if timeline.unreadable != 1 else ''} could not be read and are not in this timeline"))
    return rows


def _timeline_items(timeline: Timeline):
    """Entries and gaps in date order: ("entry", Entry) or ("gap", Gap)."""
    gaps = {gap.start: gap for gap in timeline.gaps}
    shown = set()
    for entry in timeline.entries:
        yield "entry", entry
        gap = gaps.get(entry.date)
        if gap is not None and gap.start not in shown and entry is _last_on(timeline, entry.date):
            shown.add(gap.start)
            yield "gap", gap


def _last_on(timeline: Timeline, day) -> Entry:
    return [e for e in timeline.entries if e.date == day][-1]


def _gap_text(gap) -> str:
    return f"Gap in service: no recorded contact for {gap.days} days ({gap.start.isoformat()} to {gap.end.isoformat()})"


def timeline_docx(timeline: Timeline) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    document.core_properties.author = "noteassist"
    document.add_heading("Cross-agency client history", level=0)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in _header_lines(timeline):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, _clean(value)
    if timeline.has_part2:
        document.add_heading("Notice: 42 CFR Part 2", level=1)
        document.add_paragraph(PART2_NOTICE)
    if timeline.possible:
        document.add_heading("Possible matches, not merged", level=1)
        for line in timeline.possible:
            document.add_paragraph(line, style="List Bullet")
    document.add_heading("Timeline", level=1)
    for kind, item in _timeline_items(timeline):
        if kind == "gap":
            document.add_paragraph().add_run(_gap_text(item)).italic = True
            continue
        document.add_paragraph().add_run(_clean(_title(item))).bold = True
        if item.withheld:
            document.add_paragraph(item.withheld)
            continue
        if item.text:
            document.add_paragraph(_clean(item.text))
        for label, value in item.details:
            document.add_paragraph(_clean(f"{label}: {value}"), style="List Bullet")
        if item.part2:
            document.add_paragraph().add_run(PART2_SHORT + " See the notice above.").italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_STYLE = """body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.3rem .6rem;text-align:left;vertical-align:top}
.entry{border-left:3px solid #468;padding:.2rem .8rem;margin:.8rem 0}.withheld{border-color:#999;color:#555}
.gap{color:#a40;font-style:italic;margin:.8rem 0}.part2{font-style:italic;font-size:.9em}h3{margin:.2rem 0;font-size:1rem}"""


def timeline_html(timeline: Timeline) -> str:
    e = lambda text: html.escape(_clean(str(text)), quote=True)  # noqa: E731
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             # No request may leave the page: no script, no image, no font, no link.
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
             "<title>Cross-agency client history</title>", f"<style>{_STYLE}</style></head><body>",
             "<h1>Cross-agency client history</h1>", "<table>"]
    parts += [f"<tr><th>{e(label)}</th><td>{e(value)}</td></tr>" for label, value in _header_lines(timeline)]
    parts.append("</table>")
    if timeline.has_part2:
        parts += ["<h2>Notice: 42 CFR Part 2</h2>", f"<p>{e(PART2_NOTICE)}</p>"]
    if timeline.possible:
        parts += ["<h2>Possible matches, not merged</h2>", "<ul>"]
        parts += [f"<li>{e(line)}</li>" for line in timeline.possible]
        parts.append("</ul>")
    parts.append("<h2>Timeline</h2>")
    for kind, item in _timeline_items(timeline):
        if kind == "gap":
            parts.append(f'<p class="gap">{e(_gap_text(item))}</p>')
            continue
        css = "entry withheld" if item.withheld else "entry"
        parts.append(f'<div class="{css}"><h3>{e(_title(item))}</h3>')
        if item.withheld:
            parts.append(f"<p>{e(item.withheld)}</p>")
        else:
            if item.text:
                parts.append(f"<p>{e(item.text)}</p>")
            if item.details:
                parts.append("<ul>" + "".join(f"<li>{e(label)}: {e(value)}</li>" for label, value in item.details)
                             + "</ul>")
            if item.part2:
                parts.append(f'<p class="part2">{e(PART2_SHORT)} See the notice above.</p>')
        parts.append("</div>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
