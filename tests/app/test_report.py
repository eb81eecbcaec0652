"""app.report: build a report from any claim source, decide whether it ships, and give its documents as bytes."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from pathlib import Path

import pytest
import yaml

from noteassist.adjuster import FolderClaimSource
from noteassist.app.report import ReportDecision, ReportRun, build_report, report_config, report_document
from noteassist.errors import ExportError, ReportError
from noteassist.export import read_docx_text
from noteassist.lint import Finding, LintConfig, Linter

from adjuster.helpers import EXAMPLE_CLAIM, contact, write_claim

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture(scope="module")
def report_linter():
    return Linter(report_config())


@pytest.fixture(scope="module")
def november(report_linter) -> ReportRun:
    return build_report(FolderClaimSource(EXAMPLE_CLAIM), *NOVEMBER, linter=report_linter)


@pytest.fixture
def incomplete(report_linter, tmp_path) -> ReportRun:
    """One visit in the month and nothing else: the report lacks required elements."""
    folder = write_claim(tmp_path / "claim")
    (folder / "2026-11-05-visit.yaml").write_text(yaml.safe_dump(contact("2026-11-05")), encoding="utf-8")
    return build_report(FolderClaimSource(folder), *NOVEMBER, linter=report_linter)


def _finding(severity: str) -> Finding:
    return Finding(rule="NA301", category="readability", severity=severity, message="Hard to read.", start=0,
                   end=4, text="Text", suggestions=[])


def _with_findings(run: ReportRun, *severities: str) -> ReportRun:
    return dataclasses.replace(run, lint=dataclasses.replace(run.lint, findings=[_finding(s) for s in severities]))


# -- report_config ----------------------------------------------------------------------------------


def test_report_config_returns_a_new_config_and_leaves_the_argument_alone():
    config = LintConfig(ignore=("NA304",), select=("NA1", "NA3", "privacy"))
    before = config.model_dump()
    made = report_config(config)
    assert made is not config
    assert made.ignore == ("NA304", "missing-element") and made.select == config.select
    assert config.model_dump() == before
    assert report_config(made).ignore == made.ignore  # applied once, however often it is asked
    assert report_config().ignore == ("missing-element",)


# -- build_report -----------------------------------------------------------------------------------


def test_the_example_month_builds_clean(november):
    assert november.report.report_number == 2 and len(november.report.contacts) == 7
    assert november.body.startswith("## Executive summary\n")
    assert november.findings == [] and november.missing == [] and november.contradictions == []
    assert november.decision(strict=True) == ReportDecision(write=True, exit_code=0, reasons=())


def test_build_report_takes_a_path_and_builds_its_own_linter():
    run = build_report(EXAMPLE_CLAIM, *NOVEMBER, config=LintConfig(), kind="closure")
    assert run.report.kind == "closure" and run.report.claim_label == str(EXAMPLE_CLAIM)
    assert run.lint.note_type == "closure-report"
    assert not any(f.category == "missing-element" for f in run.findings)


def test_a_bad_folder_is_a_report_error(tmp_path):
    with pytest.raises(ReportError, match="no such claim folder"):
        build_report(tmp_path / "nowhere", *NOVEMBER)


# -- decisions --------------------------------------------------------------------------------------


def test_strict_holds_a_report_with_missing_elements(incomplete):
    assert incomplete.missing
    held = incomplete.decision(strict=True)
    assert held.write is False and held.exit_code == 1
    assert held.reasons == ("0 finding(s)", f"{len(incomplete.missing)} missing element(s)", "0 contradiction(s)")


def test_without_strict_a_missing_element_is_written_and_fails_like_an_error(incomplete):
    relaxed = incomplete.decision(strict=False, fail_on="error")
    assert relaxed.write is True and relaxed.exit_code == 1
    assert any(reason.startswith("missing ") for reason in relaxed.reasons)


@pytest.mark.parametrize("severities, strict, fail_on, expected", [
    (("info",), True, "error", (True, 0)),  # an info finding never blocks
    (("warning",), True, "error", (False, 1)),  # --strict blocks at warning
    (("warning",), False, "error", (True, 0)),
    (("warning",), False, "warning", (True, 1)),
    (("info",), False, "info", (True, 1)),
    (("error",), False, "error", (True, 1)),
])
def test_findings_against_strict_and_fail_on(november, severities, strict, fail_on, expected):
    decision = _with_findings(november, *severities).decision(strict=strict, fail_on=fail_on)
    assert (decision.write, decision.exit_code) == expected
    if decision.write and decision.exit_code:
        assert decision.reasons == tuple(f"NA301 [{s}] Hard to read." for s in severities)


# -- documents --------------------------------------------------------------------------------------


def test_report_document_is_the_docx_bytes(november, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = report_document(november)
    text = read_docx_text(data)
    assert text.startswith("# Case Management Progress Report No. 2")
    assert "| Claim number | WC-2231-0457 |" in text
    assert list(tmp_path.iterdir()) == []


def test_report_on_a_letterhead_and_a_broken_letterhead(november):
    from docx import Document

    from noteassist.export import document_bytes

    letterhead = Document()
    letterhead.sections[0].header.paragraphs[0].text = "Acme Case Management, 1 Main St"
    on_letterhead = Document(io.BytesIO(report_document(november, document_bytes(letterhead))))
    assert on_letterhead.sections[0].header.paragraphs[0].text == "Acme Case Management, 1 Main St"
    assert on_letterhead.paragraphs[0].text == "Case Management Progress Report No. 2"
    with pytest.raises(ExportError) as info:
        report_document(november, b"not a docx", letterhead_label="agency.docx")
    assert str(info.value).startswith("agency.docx: not a readable Word document")


def test_ssn_in_the_data_is_masked_in_the_document(report_linter, tmp_path: Path):
    folder = write_claim(tmp_path / "claim")
    visit = contact("2026-11-05", recommendations=["confirm SSN 123-45-6789 with the employer's payroll"])
    (folder / "2026-11-05-visit.yaml").write_text(yaml.safe_dump(visit), encoding="utf-8")
    run = build_report(FolderClaimSource(folder), *NOVEMBER, linter=report_linter)
    assert any(f.rule == "NA901" for f in run.findings)
    text = read_docx_text(report_document(run))
    assert "123-45-6789" not in text and "XXX-XX-6789" in text
