"""The CLI contract: verbs, exit codes 0/1/2, stdin/stdout, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from noteassist.cli import main

VISIT = EXAMPLES / "physician-visit-modified-duty.yaml"

NOTE_WITHOUT_WORK_STATUS = """\
Physician Visit Note

Date of service: November 20, 2026
Provider: Dr. Ana Lee, orthopedic surgeon

Subjective: Ms. Diaz described right shoulder pain at 5/10, worse with reaching overhead.
Objective: Per Dr. Lee's examination, forward flexion was 140 degrees with tenderness over the rotator cuff.
Diagnosis: Right rotator cuff strain, per Dr. Lee.
Treatment plan: Physical therapy twice a week for four weeks.
Next appointment: December 4, 2026 at 9:00 AM with Dr. Lee.
Case manager plan: I will send the visit summary to the adjuster by November 23, 2026.
"""


@pytest.fixture()
def runner():
    return CliRunner()


def run(runner, *args, input=None):
    result = runner.invoke(main, [str(a) for a in args], input=input)
    assert "Traceback" not in (result.output + (result.stderr or ""))
    return result


def test_draft_prints_a_note_to_stdout(runner):
    result = run(runner, "draft", VISIT)
    assert result.exit_code == 0, result.output
    assert "## Work Status" in result.stdout
    assert result.stdout.startswith("---\n")


def test_draft_reads_facts_from_stdin(runner):
    result = run(runner, "draft", "-", input=VISIT.read_text())
    assert result.exit_code == 0, result.output
    assert "## Work Status" in result.stdout


def test_draft_never_overwrites_without_force(runner, tmp_path):
    out = tmp_path / "note.md"
    out.write_text("my own edits")
    result = run(runner, "draft", VISIT, "-o", out)
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert out.read_text() == "my own edits"
    assert run(runner, "draft", VISIT, "-o", out, "--force").exit_code == 0
    assert "## Work Status" in out.read_text()


def test_draft_txt_output_is_plain_text(runner, tmp_path):
    out = tmp_path / "note.txt"
    assert run(runner, "draft", VISIT, "-o", out).exit_code == 0
    text = out.read_text()
    assert "WORK STATUS" in text and "##" not in text and not text.startswith("---")


def test_drafted_note_lints_without_errors(runner, tmp_path):
    out = tmp_path / "note.md"
    run(runner, "draft", VISIT, "-o", out)
    result = run(runner, "lint", out, "--format", "json")
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout)
    file = data["files"][0]
    assert file["note_type"] == "physician-visit" and file["note_type_source"] == "facts"
    assert not [f for f in file["findings"] if f["severity"] == "error"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("claim: [unclosed", "invalid YAML"),
        ("claim:\n  claim_number: WC-2231-0457\n  date_of_injury: yesterday\n", "claim.date_of_injury"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
)
def test_draft_bad_facts_exit_2_with_one_line_per_problem(runner, tmp_path, content, expected):
    facts = tmp_path / "visit.yaml"
    facts.write_text(content)
    result = run(runner, "draft", facts)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert all(line.startswith("noteassist: ") for line in result.stderr.splitlines())
    assert str(facts) in result.stderr


def test_draft_unknown_template_exits_2(runner):
    result = run(runner, "draft", VISIT, "-t", "no-such-template")
    assert result.exit_code == 2
    assert "unknown template" in result.stderr


def test_lint_missing_work_status_exits_1_with_element(runner, tmp_path):
    note = tmp_path / "visit.txt"
    note.write_text(NOTE_WITHOUT_WORK_STATUS)
    result = run(runner, "lint", note, "--type", "physician-visit", "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["files"][0]["findings"]
    missing = [f for f in findings if f["rule"] == "NA101"]
    assert [f["element"] for f in missing] == ["work_status"]
    for finding in findings:
        assert {"rule", "category", "severity", "message", "line", "column", "start", "end", "text",
                "suggestions"} <= finding.keys()


def test_lint_text_format_and_fail_on(runner, tmp_path):
    note = tmp_path / "visit.txt"
    note.write_text(NOTE_WITHOUT_WORK_STATUS)
    result = run(runner, "lint", note, "--type", "physician-visit", "--ignore", "NA101")
    assert result.exit_code == 0
    assert result.stdout.strip().splitlines()[-1].startswith("1 note checked")
    result = run(runner, "lint", note, "--type", "physician-visit")
    assert f"{note}:1:1: NA101 [error] no work status" in result.stdout


def test_lint_reads_stdin(runner):
    result = run(runner, "lint", "-", "--type", "physician-visit", "--format", "json", input=NOTE_WITHOUT_WORK_STATUS)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["files"][0]["path"] == "<stdin>"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"", "empty note"),
        (b"   \n\n", "empty note"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("Arbeitsunf\u00e4higkeit best\u00e4tigt".encode("latin-1"), "not UTF-8"),
    ],
)
def test_lint_unusable_input_exits_2(runner, tmp_path, payload, expected):
    note = tmp_path / "note.txt"
    note.write_bytes(payload)
    result = run(runner, "lint", note)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_lint_five_megabyte_note_is_refused_clearly(runner, tmp_path):
    note = tmp_path / "huge.txt"
    note.write_text("Worker reported pain at 4/10 after therapy. " * 120_000)
    result = run(runner, "lint", note)
    assert result.exit_code == 2
    assert "character limit for one note" in result.stderr


def test_lint_missing_file_and_unknown_type(runner, tmp_path):
    assert "no such file" in run(runner, "lint", tmp_path / "nope.txt").stderr
    note = tmp_path / "n.txt"
    note.write_text(NOTE_WITHOUT_WORK_STATUS)
    result = run(runner, "lint", note, "--type", "letter")
    assert result.exit_code == 2 and "unknown note type" in result.stderr


def test_export_from_facts_and_from_note(runner, tmp_path):
    from docx import Document

    docx_path = tmp_path / "note.docx"
    assert run(runner, "export", VISIT, "-o", docx_path).exit_code == 0
    text = "\n".join(p.text for p in Document(docx_path).paragraphs)
    assert "Work Status" in text

    note = tmp_path / "edited.md"
    run(runner, "draft", VISIT, "-o", note)
    note.write_text(note.read_text() + "\nAddendum: the adjuster approved therapy on November 21, 2026.\n")
    second = tmp_path / "edited.docx"
    assert run(runner, "export", note, "-o", second).exit_code == 0
    assert "approved therapy" in "\n".join(p.text for p in Document(second).paragraphs)


def test_export_refuses_to_overwrite_and_non_docx(runner, tmp_path):
    out = tmp_path / "note.docx"
    out.write_bytes(b"keep me")
    result = run(runner, "export", VISIT, "-o", out)
    assert result.exit_code == 2 and out.read_bytes() == b"keep me"
    assert run(runner, "export", VISIT, "-o", tmp_path / "note.pdf").exit_code == 2


def test_export_survives_characters_illegal_in_xml(runner, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Telephonic Contact Note\n\nCalled the pharmacy\x07 about the\x0b refill\x1b.\n")
    out = tmp_path / "note.docx"
    assert run(runner, "export", note, "-o", out).exit_code == 0
    from docx import Document

    assert "Called the pharmacy about the refill." in "\n".join(p.text for p in Document(out).paragraphs)


def test_templates_rules_and_rule(runner):
    listed = run(runner, "templates").stdout
    for name in ("physician-visit", "telephonic", "initial-assessment", "soap"):
        assert name in listed
    rules = run(runner, "rules").stdout
    assert "NA101" in rules and "NA201" in rules and "NA301" in rules
    explained = run(runner, "rule", "na201")
    assert explained.exit_code == 0 and "Bad:" in explained.stdout and "Good:" in explained.stdout
    assert run(runner, "rule", "XX999").exit_code == 2


def test_help_and_templates_do_not_import_spacy():
    code = (
        "import sys\n"
        "from noteassist.cli import main\n"
        "for args in (['--help'], ['templates']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('spacy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "noteassist", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and "noteassist" in out.stdout


def test_draft_to_docx_writes_a_word_document(tmp_path):
    import zipfile

    out = tmp_path / "note.docx"
    result = CliRunner().invoke(main, ["draft", str(VISIT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(out)  # a real .docx, not Markdown under a .docx name
    with zipfile.ZipFile(out) as docx:
        assert "Dr. Lee" in docx.read("word/document.xml").decode("utf-8")


def test_draft_to_an_unknown_output_type_is_a_usage_error(tmp_path):
    out = tmp_path / "note.pdf"
    result = CliRunner().invoke(main, ["draft", str(VISIT), "-o", str(out)])
    assert result.exit_code == 2 and "expected .md, .txt or .docx" in result.output and not out.exists()
