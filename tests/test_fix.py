"""Safe fixes: `lint --fix` (in place, with a backup), `--fix-to OUT` (a copy) and `--diff` (show only)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from noteassist.cli import main
from noteassist.lint.model import Finding
from noteassist.lint.fix import apply_edits, safe_edits

NOTE = """\
Medications: tramadol 50 mg QD and meloxicam 15.0 mg QOD per Dr. Lee.
Morphine MS 15 mg was stopped.
The worker was non-compliant with the home program.
"""
FIXED = """\
Medications: tramadol 50 mg daily and meloxicam 15 mg every other day per Dr. Lee.
Morphine MS 15 mg was stopped.
The worker was non-compliant with the home program.
"""


def finding(start, end, fix, rule="NA501"):
    return Finding(rule=rule, category="c", severity="error", message="m", start=start, end=end, text="", fix=fix)


def test_only_findings_with_a_fix_become_edits_and_overlaps_are_skipped():
    edits = safe_edits([finding(10, 12, "x"), finding(11, 14, "y"), finding(20, 22, None), finding(5, 7, "z")])
    assert [(e.start, e.end, e.replacement) for e in edits] == [(5, 7, "z"), (10, 12, "x")]
    assert apply_edits("0123456789ABCDEF", edits) == "01234z789xCDEF"


def run(*args):
    return CliRunner().invoke(main, ["lint", *args, "--select", "NA5,NA402"])


def test_fix_in_place_keeps_a_backup_and_reports_what_remains(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    result = run(str(note), "--fix")
    assert note.read_text() == FIXED
    assert (tmp_path / "note.txt.bak").read_text() == NOTE
    assert "fixed 3 problems in place" in result.stderr
    # MS (two readings) and the judgmental term stay as findings for the writer.
    assert "NA501" in result.stdout and '"MS"' in result.stdout and "NA402" in result.stdout
    assert "QD" not in result.stdout
    assert run(str(note.with_name("other.txt")), "--fix").exit_code == 2  # missing file: input error
    note.write_text(NOTE)
    run(str(note), "--fix")
    assert (tmp_path / "note.txt.bak1").read_text() == NOTE  # an earlier backup is never overwritten


def test_fix_to_writes_a_copy_and_leaves_the_original(tmp_path):
    note, out = tmp_path / "note.md", tmp_path / "fixed.md"
    note.write_text(NOTE)
    run(str(note), "--fix-to", str(out))
    assert note.read_text() == NOTE and out.read_text() == FIXED
    out.write_text("my edits")
    result = run(str(note), "--fix-to", str(out))
    assert result.exit_code == 2 and "already exists" in result.stderr and out.read_text() == "my edits"


def test_diff_shows_the_fixes_and_writes_nothing(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    result = run(str(note), "--diff")
    assert result.exit_code == 1
    assert f"--- a/{note}" in result.stdout
    assert "-Medications: tramadol 50 mg QD" in result.stdout
    assert "+Medications: tramadol 50 mg daily and meloxicam 15 mg every other day" in result.stdout
    assert note.read_text() == NOTE and not (tmp_path / "note.txt.bak").exists()
    clean = tmp_path / "clean.txt"
    clean.write_text("Tramadol 50 mg daily.\n")
    result = run(str(clean), "--diff")
    assert result.exit_code == 0 and result.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["--fix-to", "x.txt"], "--fix-to takes exactly one note"),
    (["--annotate", "x.docx"], "--annotate takes exactly one note"),
])
def test_single_note_options_refuse_many_notes(tmp_path, args, message):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(NOTE)
    b.write_text(NOTE)
    result = run(str(a), str(b), *args)
    assert result.exit_code == 2 and message in result.stderr


def test_exports_are_not_rewritten(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text('text\n"Tramadol 50 mg QD."\n')
    result = run(str(export), "--fix")
    assert result.exit_code == 2 and "fixes apply to .txt, .md and .docx" in result.stderr
    assert export.read_text() == 'text\n"Tramadol 50 mg QD."\n'


def test_ssn_is_masked_by_fix(tmp_path):
    note = tmp_path / "call.md"
    note.write_text("Verified identity with SSN 123-45-6789 and DOB.\n")
    result = CliRunner().invoke(main, ["lint", str(note), "--select", "NA901", "--fix"])
    assert result.exit_code == 0, result.output
    assert note.read_text() == "Verified identity with SSN XXX-XX-6789 and DOB.\n"
    assert "123-45-6789" in (tmp_path / "call.md.bak").read_text()


def test_previous_note_flags_a_cloned_note(tmp_path):
    body = ("Spoke with Dr. Lee's office to confirm the MRI authorization for the lumbar spine. The scheduler said the "
            "MRI is set at Valley Imaging and the worker was told the time by phone. I reviewed the restrictions with "
            "the worker: no lifting over 20 lb and no bending. NCM will call the worker after the MRI to review results.")
    earlier, later = tmp_path / "nov-02.md", tmp_path / "nov-09.md"
    earlier.write_text(f"---\nclaim_number: WC-2231-0457\ndate_of_service: 2026-11-02\n---\n{body}\n")
    later.write_text(f"---\nclaim_number: WC-2231-0457\ndate_of_service: 2026-11-09\n---\n{body}\n")
    result = CliRunner().invoke(main, ["lint", str(later), "--select", "NA821", "--previous", str(earlier),
                                       "--format", "json"])
    [finding] = json.loads(result.stdout)["files"][0]["findings"]
    assert finding["rule"] == "NA821" and finding["similar_to"] == str(earlier)
    alone = CliRunner().invoke(main, ["lint", str(later), "--select", "NA821"])
    assert alone.exit_code == 0


def _docx_note(tmp_path):
    from noteassist.export import export_docx

    path = tmp_path / "visit.docx"
    export_docx("# Medications\n\nTramadol 50 mg QD per Dr. Lee.\n\nThe worker was non-compliant with PT.\n", path)
    return path


def test_annotate_writes_comments_to_a_copy_and_leaves_the_original(tmp_path):
    from docx import Document

    note = _docx_note(tmp_path)
    before = note.read_bytes()
    out = tmp_path / "reviewed.docx"
    result = CliRunner().invoke(main, ["lint", str(note), "--select", "NA5,NA402", "--annotate", str(out)])
    assert result.exit_code == 1, result.output  # the findings are still reported
    assert note.read_bytes() == before
    comments = list(Document(str(out)).comments)
    assert {c.author for c in comments} == {"noteassist"}
    texts = [c.text for c in comments]
    assert any(t.startswith("NA501 [error]") and "Suggestion: daily" in t for t in texts)
    assert any(t.startswith("NA402") for t in texts)
    again = CliRunner().invoke(main, ["lint", str(note), "--annotate", str(out)])
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_annotate_needs_a_word_note(tmp_path):
    note = tmp_path / "note.md"
    note.write_text(NOTE)
    result = run(str(note), "--annotate", str(tmp_path / "x.docx"))
    assert result.exit_code == 2 and "--annotate needs a .docx note" in result.stderr


def test_fix_in_place_on_a_word_note(tmp_path):
    from noteassist.export import read_docx_text

    note = _docx_note(tmp_path)
    result = CliRunner().invoke(main, ["lint", str(note), "--select", "NA5", "--fix"])
    assert result.exit_code == 0, result.output
    assert "Tramadol 50 mg daily per Dr. Lee." in read_docx_text(note)
    assert "QD" in read_docx_text(tmp_path / "visit.docx.bak")
