"""`noteassist lint` ignores nothing silently (issue 10, item 6; and item 8's duplicate paths).

Unknown rule selectors are errors; export columns are found however they are spelled, and a column that
looks useful but is not read is named once; a bad row is an error row and the rest are linted; a visit-facts
file lints the note it drafts; an inferred note type is said, with its reason; a file given twice is linted
and fixed once.
"""

from __future__ import annotations

import csv
import json
import os

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from noteassist.cli import main
from noteassist.io.records import read_records
from noteassist.text.infer import explain_note_type, infer_note_type
from noteassist.text.structure import parse_structure

VISIT = EXAMPLES / "physician-visit-modified-duty.yaml"
CLAIM = EXAMPLES / "claims" / "WC-2231-0457" / "claim.yaml"

CALL = """\
Claim number: WC-2231-0457
Date of service: November 20, 2026
Purpose: follow up on the refill.
The case manager called the adjuster about the injured worker's refill; she takes ibuprofen 600 mg QD.
Outcome: the adjuster approved the refill.
Plan: I will call the worker on 11/23/2026 to confirm she picked it up.
"""
TEXT = ("Telephonic contact with the injured worker. Purpose: follow-up after the MRI. Outcome: she confirmed "
        "the appointment with Dr. Lee. Plan: I will call her on 12/03/2026.")


@pytest.fixture()
def runner():
    return CliRunner()


def run(runner, *args, input=None):
    result = runner.invoke(main, [str(a) for a in args], input=input)
    assert "Traceback" not in (result.output + (result.stderr or "")), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def err_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# --- rule selectors -------------------------------------------------------------------------------------

@pytest.mark.parametrize("option, value", [("--select", "NA999"), ("--ignore", "NA999"), ("--select", "NA5,XY"),
                                           ("--ignore", "no-such-category"), ("--select", " , ")])
def test_an_unknown_or_empty_selector_is_one_line_and_exit_2(runner, tmp_path, option, value):
    note = tmp_path / "n.txt"
    note.write_text(CALL, encoding="utf-8")
    result = run(runner, "lint", note, option, value)
    assert result.exit_code == 2
    [line] = err_lines(result)
    assert line.startswith(f"noteassist: {option}: ") and "noteassist rules" in line
    assert value.split(",")[-1].strip() in line
    assert result.stdout == ""


def test_a_category_and_a_prefix_are_selectors(runner, tmp_path):
    note = tmp_path / "n.txt"
    note.write_text(CALL, encoding="utf-8")
    result = run(runner, "lint", note, "--select", "do-not-use-abbreviation,NA9", "--type", "telephonic")
    assert result.exit_code == 1, result.output
    assert "NA501" in result.stdout and "NA101" not in result.stdout


def test_an_unknown_selector_in_the_config_is_refused_the_same_way(runner, tmp_path):
    note = tmp_path / "n.txt"
    note.write_text(CALL, encoding="utf-8")
    (tmp_path / "noteassist.toml").write_text('select = ["NA999"]\n', encoding="utf-8")
    result = run(runner, "lint", note)
    assert result.exit_code == 2
    [line] = err_lines(result)
    assert "'NA999' matches no rule" in line and "noteassist rules" in line


# --- export columns --------------------------------------------------------------------------------------

@pytest.mark.parametrize("header, key", [
    ("Date Signed", "date_written"), ("date_signed", "date_written"), ("DateSigned", "date_written"),
    ("Signed On", "date_written"), ("Signed Date", "date_written"), ("Entry Date", "date_written"),
    ("Entered On", "date_written"), ("DATE-ENTERED", "date_written"), ("Created At", "date_written"),
    ("Date of Service", "date_of_service"), ("DOS", "date_of_service"), ("Service Date", "date_of_service"),
    ("Note Date", "date_of_service"), ("Visit Date", "date_of_service"), ("date_of_contact", "date_of_service"),
    ("Date of Injury", "date_of_injury"), ("DOI", "date_of_injury"), ("InjuryDate", "date_of_injury"),
    ("Claim #", "claim_number"), ("Claim No.", "claim_number"), ("ClaimNumber", "claim_number"),
    ("Entered By", "author"), ("Case Manager", "author"), ("Note ID", "id"), ("Contact Type", "note_type"),
])
def test_export_columns_are_matched_however_they_are_spelled(tmp_path, header, key):
    value = {"claim_number": "WC-2231-0457", "author": "R. Diaz", "id": "N-1", "note_type": "Phone Call"}.get(
        key, "11/20/2026")
    path = write_csv(tmp_path / "x.csv", ["Note Text", header], [["Called the adjuster.", value]])
    [record] = read_records(path)
    assert record.text == "Called the adjuster."
    assert record.meta[key] == (value if key != "note_type" else "telephonic")


@pytest.mark.parametrize("header", ["Note Text", "note_text", "Narrative", "Body", "NOTES", "Case Note"])
def test_the_note_text_column_is_matched_however_it_is_spelled(tmp_path, header):
    path = write_csv(tmp_path / "x.csv", ["id", header], [["1", "Called the adjuster."]])
    assert read_records(path)[0].text == "Called the adjuster."


def test_a_date_signed_column_feeds_the_late_entry_check(runner, tmp_path):
    path = write_csv(tmp_path / "x.csv", ["Note ID", "Note Text", "Date of Service", "Date Signed"],
                     [["N-1", TEXT, "11/20/2026", "11/27/2026"]])
    result = run(runner, "lint", path, "--format", "json", "--type", "telephonic")
    [entry] = json.loads(result.stdout)["files"]
    assert entry["record"]["date_written"] == "11/27/2026"
    assert "NA811" in {f["rule"] for f in entry["findings"]}
    assert err_lines(result) == []


def test_an_unread_date_column_is_named_once_with_the_column_option_that_reads_it(runner, tmp_path):
    rows = [[f"N-{n}", TEXT, "11/20/2026", "11/27/2026"] for n in range(1, 6)]
    path = write_csv(tmp_path / "x.csv", ["Note ID", "Note Text", "Date of Service", "Finalised"], rows)
    result = run(runner, "lint", path, "--type", "telephonic")
    [line] = err_lines(result)  # once for the file, not once per row
    assert "'Finalised' looks like a date but is not read" in line
    assert '--column date_written="Finalised"' in line
    assert "NA811" not in result.stdout
    # The option it names reads the column: the late-entry check now runs.
    fixed = run(runner, "lint", path, "--type", "telephonic", "--column", "date_written=Finalised")
    assert err_lines(fixed) == []
    assert fixed.stdout.count("NA811") == 5


def test_a_date_named_column_with_no_values_is_named_too(tmp_path, runner):
    path = write_csv(tmp_path / "x.csv", ["Body", "Completed On", "Time Signed"], [[TEXT, "", ""]])
    lines = err_lines(run(runner, "lint", path, "--type", "telephonic"))
    assert len(lines) == 1 and "'Time Signed'" in lines[0] and "date_written" in lines[0]


def test_columns_about_people_or_durations_are_not_called_dates(tmp_path, runner):
    path = write_csv(tmp_path / "x.csv", ["Body", "Date Signed", "Signed By", "Time Spent", "Date of Birth"],
                     [[TEXT, "11/20/2026", "R. Diaz", "15", "03/22/1984"]])
    assert err_lines(run(runner, "lint", path, "--type", "telephonic")) == []


def test_an_unread_long_text_column_is_named(tmp_path, runner):
    addendum = "Addendum: the adjuster called back after the visit and asked for the therapy notes by Friday."
    path = write_csv(tmp_path / "x.csv", ["id", "Note Text", "Addendum"], [["1", TEXT, addendum], ["2", TEXT, addendum]])
    [line] = err_lines(run(runner, "lint", path, "--type", "telephonic"))
    assert "'Addendum' holds long text but is not read" in line and "'Note Text'" in line
    assert '--column text="Addendum"' in line


def test_a_jsonl_column_is_named_once_too(tmp_path, runner):
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(json.dumps({"note": TEXT, "dos": "2026-11-20", "Approved": "2026-11-27"})
                              for _ in range(3)) + "\n", encoding="utf-8")
    [line] = err_lines(run(runner, "lint", path, "--type", "telephonic"))
    assert "'Approved' looks like a date" in line


def test_a_bad_row_is_an_error_row_and_the_rest_are_linted(runner, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,Note Text,Date Signed\n"
                    f'1,"{TEXT}",11/20/2026\n'
                    '2,"",11/20/2026\n'
                    f'3,"{TEXT}",not a date\n'
                    f'4,"{TEXT}",11/20/2026,extra\n'
                    f'5,"{TEXT}",11/21/2026\n', encoding="utf-8")
    result = run(runner, "lint", path, "--format", "json", "--type", "telephonic")
    assert result.exit_code == 2
    files = json.loads(result.stdout)["files"]
    assert [("error" in f) for f in files] == [False, True, True, True, False]
    assert files[-1]["path"] == f"{path}#5"
    assert "x.csv:5: more fields than the header" in files[3]["error"]
    text = run(runner, "lint", path, "--type", "telephonic")
    assert len(err_lines(text)) == 3 and "2 notes checked" in text.stdout


# --- visit facts -----------------------------------------------------------------------------------------

def test_linting_visit_facts_lints_the_note_they_draft(runner, tmp_path):
    from noteassist.app.draft import draft_note
    from noteassist.facts import load_facts

    source = VISIT.read_text(encoding="utf-8")
    assert "\nsubjective: >-\n" in source
    facts = tmp_path / "visit.yaml"
    facts.write_text(source.replace("\nsubjective: >-\n", "\nsubjective: >-\n  She takes ibuprofen 600 mg QD.\n"),
                     encoding="utf-8")
    result = run(runner, "lint", facts, "--format", "json")
    [entry] = json.loads(result.stdout)["files"]
    assert entry["path"] == str(facts)
    assert entry["note_type"] == "physician-visit" and entry["note_type_source"] == "facts"
    assert entry["note_type_reason"].startswith("drafted from visit facts with template physician-visit")
    [qd] = [f for f in entry["findings"] if f["rule"] == "NA501"]
    # Offsets are the drafted note's, as `noteassist draft` prints it; the YAML itself is never linted as prose.
    drafted = draft_note(load_facts(facts))
    assert drafted[qd["start"]:qd["end"]] == "QD"
    assert not any(f["text"] in ("schema_version", "claim_number:") for f in entry["findings"])

    text = run(runner, "lint", facts)
    first = text.stdout.splitlines()[0]
    assert first.startswith(f"{facts}: linted the physician-visit note drafted from visit facts")
    assert f"{facts}:" in text.stdout and "NA501" in text.stdout


def test_a_shipped_example_lints_clean_as_facts(runner):
    result = run(runner, "lint", VISIT)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "1 note checked: no findings"


@pytest.mark.parametrize("content, expected", [
    (None, "a claim file, not visit facts"),
    ('select = "NA1"\n', None),  # TOML is no YAML mapping: the YAML reader's own one-line error
    ("select: [NA1]\nignore: [NA2]\n", "a noteassist configuration, not visit facts"),
    ("services:\n  web:\n    image: nginx\n", "not visit facts: no encounter"),
    ("encounter:\n  note_type: telephonic\n", "claim: required field is missing"),
    ("- a\n- b\n", "expected a mapping of visit facts"),
])
def test_a_yaml_that_is_not_visit_facts_is_one_line_and_the_other_inputs_are_linted(runner, tmp_path, content,
                                                                                  expected):
    source = CLAIM if content is None else tmp_path / "other.yaml"
    if content is not None:
        source.write_text(content, encoding="utf-8")
    note = tmp_path / "n.txt"
    note.write_text(CALL, encoding="utf-8")
    result = run(runner, "lint", source, note, "--type", "telephonic")
    assert result.exit_code == 2
    [line] = err_lines(result)
    assert line.startswith(f"noteassist: {source}")
    if expected:
        assert expected in line
    assert f"{note}:" in result.stdout and "1 note checked" in result.stdout


def test_fixing_a_facts_file_is_refused_and_the_file_is_untouched(runner, tmp_path):
    facts = tmp_path / "visit.yaml"
    facts.write_text(VISIT.read_text(encoding="utf-8"), encoding="utf-8")
    before = facts.read_bytes()
    for flag in ("--fix", "--diff"):
        result = run(runner, "lint", facts, flag)
        assert result.exit_code == 2
        assert "not to the visit facts" in err_lines(result)[0]
    assert facts.read_bytes() == before and not list(tmp_path.glob("*.bak*"))


# --- an inferred note type is said, with its reason ---------------------------------------------------------

def test_the_text_output_names_an_inferred_type_and_why(runner, tmp_path):
    note = tmp_path / "call.txt"
    note.write_text(CALL, encoding="utf-8")
    result = run(runner, "lint", note)
    first = result.stdout.splitlines()[0]
    assert first == (f'{note}: note type telephonic inferred from "called the adjuster" (line 4); '
                     "give --type to change it")
    data = json.loads(run(runner, "lint", note, "--format", "json").stdout)["files"][0]
    assert data["note_type_source"] == "inferred" and data["note_type"] == "telephonic"
    assert data["note_type_reason"] == '"called the adjuster" (line 4)'


def test_a_given_type_has_no_inference_line_or_reason(runner, tmp_path):
    note = tmp_path / "call.txt"
    note.write_text(CALL, encoding="utf-8")
    assert "inferred" not in run(runner, "lint", note, "--type", "telephonic").stdout
    data = json.loads(run(runner, "lint", note, "--type", "telephonic", "--format", "json").stdout)["files"][0]
    assert data["note_type_source"] == "given" and "note_type_reason" not in data


def test_a_guessed_report_type_says_which_words_it_was_guessed_from(runner, tmp_path):
    note = tmp_path / "adjuster-call.txt"
    note.write_text("Claim number: WC-2231-0457\nSpoke with the adjuster; she asked when progress report #2 "
                    "will be sent.\nPlan: I will send it by 11/30/2026.\n", encoding="utf-8")
    data = json.loads(run(runner, "lint", note, "--format", "json").stdout)["files"][0]
    assert data["note_type_source"] == "inferred"
    assert data["note_type_reason"] == '"progress report" (line 2)'


@pytest.mark.parametrize("text", [
    CALL,
    "Claim WC-1. Injured worker seen by Dr. Lee.\nHe examined the shoulder.\nThe case manager attended.",
    "Claim #: WC-1\nSubjective: pain 4/10.\nObjective: ROM 140.\nAssessment: improving.\nPlan: PT.\nCase manager: JP",
    "Discharge summary. The patient was examined by Dr. Lee.",
])
def test_the_explanation_is_of_the_type_the_linter_infers(text):
    structure = parse_structure(text)
    note_type, cue = explain_note_type(text, structure)
    assert note_type == infer_note_type(text, structure)
    assert bool(cue) == (note_type is not None)


# --- the same file given twice -----------------------------------------------------------------------------

NOTE_TO_FIX = "Telephonic contact with the injured worker.\nShe takes ibuprofen 5 mg QD.\n"


@pytest.mark.parametrize("spellings", [("n.txt", "n.txt"), ("n.txt", "./n.txt"), ("n.txt", "link.txt"),
                                       ("./sub/../n.txt", "n.txt", "hard.txt")])
def test_a_note_given_twice_is_fixed_once(runner, tmp_path, monkeypatch, spellings):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    note = tmp_path / "n.txt"
    note.write_text(NOTE_TO_FIX, encoding="utf-8")
    os.symlink("n.txt", tmp_path / "link.txt")
    os.link(note, tmp_path / "hard.txt")
    result = run(runner, "lint", *spellings, "--fix", "--type", "telephonic")
    assert note.read_text(encoding="utf-8") == NOTE_TO_FIX.replace("QD", "daily")
    assert sorted(p.name for p in tmp_path.glob("n.txt.bak*")) == ["n.txt.bak"]
    assert (tmp_path / "n.txt.bak").read_text(encoding="utf-8") == NOTE_TO_FIX
    repeats = [line for line in err_lines(result) if "the same file as" in line]
    assert len(repeats) == len(spellings) - 1
    assert result.stderr.count("fixed 1 problem") == 1


def test_a_note_given_twice_is_one_entry_in_the_output(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "n.txt").write_text(CALL, encoding="utf-8")
    result = run(runner, "lint", "n.txt", "./n.txt", "--format", "json")
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == ["n.txt"]
    assert err_lines(result) == ["noteassist: ./n.txt: the same file as n.txt; linted once"]
    text = run(runner, "lint", "n.txt", "n.txt")
    assert "1 note checked" in text.stdout


def test_a_note_given_twice_with_fix_to_is_one_note(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "n.txt").write_text(NOTE_TO_FIX, encoding="utf-8")
    result = run(runner, "lint", "n.txt", "./n.txt", "--fix-to", "fixed.txt", "--type", "telephonic")
    assert (tmp_path / "fixed.txt").read_text(encoding="utf-8") == NOTE_TO_FIX.replace("QD", "daily")
    assert (tmp_path / "n.txt").read_text(encoding="utf-8") == NOTE_TO_FIX
    assert "takes exactly one note" not in result.stderr


def test_a_facts_file_linted_with_a_given_type_still_says_it_was_drafted(runner):
    result = run(runner, "lint", VISIT, "--type", "soap", "--format", "json")
    [entry] = json.loads(result.stdout)["files"]
    assert entry["note_type"] == "soap" and entry["note_type_source"] == "given"
    assert entry["note_type_reason"].startswith("drafted from visit facts with template physician-visit")
    assert "drafted from visit facts" in run(runner, "lint", VISIT, "--type", "soap").stdout.splitlines()[0]


def test_a_time_column_of_clock_times_is_not_called_a_date(runner, tmp_path):
    path = write_csv(tmp_path / "x.csv", ["Body", "Date of Service", "Entry Time"], [[TEXT, "11/20/2026", "14:30"]])
    assert err_lines(run(runner, "lint", path, "--type", "telephonic")) == []
