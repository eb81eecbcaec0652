"""From an assembled `Report` to the text and the Word document the adjuster receives.

`render_report` fills the report template (templates/reports/<note type>.md.j2, overridable with
`--templates DIR` like note templates) in the same sandboxed Jinja environment notes use;
`report_header` and `signature` give the claim header rows and the closing block; `report_docx`
puts them on the base document (the shipped one or an agency letterhead) and returns the DOCX
bytes. The report's text is Markdown; `lint_text` is the part of it the linter checks before the
document ships (noteassist.app.report runs the whole pipeline and decides whether it ships).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from ..errors import TemplateError
from ..render.environment import TEMPLATE_SUFFIX, build_environment, longdate
from .assemble import CLOSURE_WORDS, WORK_STATUS_WORDS, ur_phrase
from .model import ACTIVITIES, ACTIVITY_WORDS, Report

TITLES = {"progress": "Case Management Progress Report", "closure": "Case Management Closure Report"}


def render_report(report: Report, template_dirs: Sequence[str | Path] = (), *, time_format: str = "12h") -> str:
    """The report body as Markdown, from the template named after the report's note type; times in
    `time_format` ("12h" or "24h"), the agency's one style, as in drafted notes."""
    name = report.note_type
    env = build_environment(template_dirs, kind="reports", time_format=time_format)
    try:
        template = env.get_template(name + TEMPLATE_SUFFIX)
        text = template.render(report=report, activities=ACTIVITIES, activity_words=ACTIVITY_WORDS,
                               ur_phrase=ur_phrase, work_status_words=WORK_STATUS_WORDS,
                               closure_words=CLOSURE_WORDS)
    except jinja2.TemplateNotFound:
        raise TemplateError(f"no report template '{name}' in {', '.join(map(str, template_dirs)) or 'the defaults'}"
                            ) from None
    except TemplateError as exc:
        raise TemplateError(f"template {name}: {exc.message}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template {exc.name or name}:{exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template {name}: {exc.message or exc}") from None
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines).strip("\n")) + "\n"


def report_title(report: Report) -> str:
    title = TITLES[report.kind]
    return f"{title} No. {report.report_number}" if report.kind == "progress" else title


def report_header(report: Report) -> list[tuple[str, Any]]:
    """The claim header rows (domain guide 1.4, row 1): who, which claim, which period."""
    claim = report.claim
    adjuster = claim.adjuster
    return [
        ("Claimant", report.claimant.name),
        ("Claim number", claim.claim_number),
        ("Date of injury", claim.date_of_injury.isoformat()),
        ("Jurisdiction", claim.jurisdiction),
        ("Employer", claim.employer),
        ("Carrier", claim.carrier or claim.tpa),
        ("Adjuster", adjuster.name if adjuster else None),
        ("Report period", f"{longdate(report.period_start)} to {longdate(report.period_end)}"),
        ("Report", f"No. {report.report_number}, {'closure' if report.kind == 'closure' else 'monthly progress'}"),
        ("Report date", report.report_date.isoformat()),
        ("Next report due", report.next_report_due.isoformat() if report.next_report_due else None),
    ]


def signature(report: Report) -> list[str]:
    """The closing block: who wrote the report and how to reach them."""
    manager = report.case_manager
    lines = [f"Report date: {longdate(report.report_date)}",
             ", ".join(part for part in (manager.name, manager.credentials) if part)]
    lines += [part for part in (manager.organization, manager.phone) if part]
    if report.recipients:
        lines.append("To: " + "; ".join(report.recipients))
    return lines


def report_docx(report: Report, body: str, letterhead: bytes | None = None, *,
                letterhead_label: str = "letterhead") -> bytes:
    """The rendered report as DOCX bytes on the letterhead's bytes (or the shipped base document).

    No full SSN reaches the adjuster: any in the body, header or signature is masked to its last four
    digits. Raises ExportError naming `letterhead_label` when the letterhead is not a Word document.
    """
    from ..export.report import report_docx_bytes
    from ..text.identifiers import mask_ssns

    header = [(label, mask_ssns(value) if isinstance(value, str) else value) for label, value in report_header(report)]
    return report_docx_bytes(mask_ssns(body), header=header, title=report_title(report),
                             signature=[mask_ssns(line) for line in signature(report)], base=letterhead,
                             base_label=letterhead_label)


def lint_text(report: Report, body: str) -> str:
    """What the linter reads: the header as "Label: value" fields, then the report's prose and lists. The
    tables (work status history, authorizations, contact log, time log) are records, not prose: every
    contact's own note was linted when it was written, and a year of contacts would otherwise dominate
    the parse."""
    fields = "\n".join(f"{label}: {value}" for label, value in report_header(report) if value)
    prose = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith("|"))
    return f"{fields}\n\n{prose}"
