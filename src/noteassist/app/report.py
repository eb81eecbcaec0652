"""The adjuster report as an application step: build it, judge it, and give its documents as bytes.

    run = build_report(FolderClaimSource(folder), start, end, kind="progress", config=config)
    decision = run.decision(strict=True, fail_on="error")   # ReportDecision(write, exit_code, reasons)
    if decision.write:
        docx = report_document(run, letterhead=None)        # bytes; the caller writes them
        pdf = report_pdf(docx)                              # bytes, through LibreOffice

The policy lives here, not in a command line: the report's lint leaves completeness to the data
(`report_config`), a required element the data lacks counts as an error for the exit code (as NA101
does on a note), and `--strict` means nothing ships while a finding at warning or above, a missing
element or a contradiction between contacts remains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..adjuster.document import lint_text, render_report, report_docx
from ..adjuster.model import MissingElement, Report, ReportKind
from ..adjuster.source import ClaimSource, load_claim
from ..lint.config import LintConfig
from ..lint.model import Finding, LintResult, NoteInput, severity_rank

if TYPE_CHECKING:
    from ..lint.engine import Linter

__all__ = ["STRICT_SEVERITY", "ReportDecision", "ReportRun", "build_report", "report_config", "report_document",
           "report_pdf"]

#: Under --strict, a lint finding at or above this severity keeps the report from being written.
STRICT_SEVERITY = "warning"


@dataclass(frozen=True)
class ReportDecision:
    """What to do with a built report: write it or not, the exit code, and why (one sentence each)."""

    write: bool
    exit_code: int
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportRun:
    """A report ready to judge and write: the assembled data, its Markdown body, and what the linter found."""

    report: Report
    body: str
    lint: LintResult

    @property
    def findings(self) -> list[Finding]:
        return list(self.lint.findings)

    @property
    def missing(self) -> list[MissingElement]:
        return self.report.missing

    @property
    def contradictions(self) -> list[str]:
        return self.report.contradictions

    def blocking_findings(self) -> list[Finding]:
        """The findings that stop a --strict report."""
        return [f for f in self.lint.findings if severity_rank(f.severity) >= severity_rank(STRICT_SEVERITY)]

    def decision(self, strict: bool = False, fail_on: str = "error") -> ReportDecision:
        """Write or hold the report, and the exit code (CONTRACT.md: 1 when something is at or above `fail_on`).

        With `strict`, the report is held (exit 1) while it has a finding at warning or above, a missing
        required element or a contradiction. Otherwise it is written, and the exit code is 1 when a
        finding is at or above `fail_on` or a required element is missing (an error, like NA101).
        """
        blocking = self.blocking_findings()
        if strict and (blocking or self.missing or self.contradictions):
            reasons = [f"{len(blocking)} finding(s)", f"{len(self.missing)} missing element(s)",
                       f"{len(self.contradictions)} contradiction(s)"]
            return ReportDecision(write=False, exit_code=1, reasons=tuple(reasons))
        threshold = severity_rank(fail_on)
        reasons = [f"{f.rule} [{f.severity}] {f.message}" for f in self.lint.findings
                   if severity_rank(f.severity) >= threshold]
        reasons += [f"missing {m.element}: {m.reason}" for m in self.missing
                    if severity_rank("error") >= threshold]
        return ReportDecision(write=True, exit_code=1 if reasons else 0, reasons=tuple(reasons))


def report_config(config: LintConfig | None = None) -> LintConfig:
    """The lint configuration for report text: `config` (default: the defaults) without missing-element, as a
    new configuration; `config` itself is left as it is. Completeness is judged on the data
    (`Report.missing`), which is exact; a check of the generated text would only repeat it."""
    config = config if config is not None else LintConfig()
    if "missing-element" in config.ignore:
        return config
    return config.with_changes(ignore=(*config.ignore, "missing-element"))


def build_report(source: ClaimSource | str | Path, start: date, end: date, kind: ReportKind = "progress",
                 config: LintConfig | None = None, template_dirs: Sequence[str | Path] = (),
                 linter: Linter | None = None, *, label: str = "report") -> ReportRun:
    """Load the claim, assemble the period, render the template and lint the text for an adjuster.

    `linter` is reused when given (a service or a benchmark keeps one; build it on `report_config`);
    otherwise one is built on `report_config(config)`. `label` names the report in lint results. Raises
    ReportError for a claim or period that cannot become a report and TemplateError for a bad template.
    """
    from ..adjuster.assemble import assemble_report

    if linter is None:
        from ..lint.engine import Linter

        linter = Linter(report_config(config))
    built = assemble_report(load_claim(source), start, end, kind=kind)
    body = render_report(built, template_dirs, time_format=config.time_format if config else "12h")
    result = linter.lint(NoteInput(text=lint_text(built, body), path=label, note_type=built.note_type))
    return ReportRun(built, body, result)


def report_document(run: ReportRun, letterhead: bytes | None = None, *, letterhead_label: str = "letterhead") -> bytes:
    """The report's DOCX bytes on the letterhead (a .docx's bytes) or the shipped base document; full SSNs
    masked. Raises ExportError naming `letterhead_label` when the letterhead is not a Word document."""
    return report_docx(run.report, run.body, letterhead, letterhead_label=letterhead_label)


def report_pdf(document: bytes, *, label: str = "report") -> bytes:
    """The PDF print of a report's DOCX bytes, through LibreOffice; ExportError (one line) when it cannot."""
    from ..export.pdf import docx_to_pdf

    return docx_to_pdf(document, label=label)
