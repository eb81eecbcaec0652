"""NA703 / NA808 (domain guide 1.0, 5.2): notes of one claim that disagree on the claimant's name, the date
of injury or the date of birth; and the shipped examples, which must agree with each other."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from noteassist.cli import main
from noteassist.facts import load_facts
from noteassist.lint import LintConfig, Linter, NoteInput
from noteassist.lint.rules.claim_consistency import same_person
from noteassist.render import render_note

CODES = ("NA703", "NA808")


def note(claim="WC-2231-0457", name="Maria Diaz", dob="03/22/1984", doi="09/14/2026", dos="10/01/2026"):
    """A hand-written note with its claim facts in the header, as a case-management system prints them."""
    header = [f"Claim #: {claim}" if claim else "Claim #:", f"Claimant: {name}" if name else ""]
    fields = [f"DOB: {dob}" if dob else "", f"DOI: {doi}" if doi else ""]
    return ("TELEPHONIC CONTACT NOTE\n" + "    ".join(h for h in header if h) + "\n" + "    ".join(f for f in fields if f)
            + f"\nDate of service: {dos}\n\nCalled Ms. Diaz about her therapy schedule. She said the home exercises "
            "help. I will call her again on 12/01/2026.\n")


@pytest.fixture(scope="module")
def cc():
    return Linter(LintConfig(select=list(CODES)))


def found(linter, *texts):
    notes = [NoteInput(t, path=f"n{i}.txt") for i, t in enumerate(texts, 1)]
    return {r.path: [(f.rule, f.severity, f.text, f.message, f.extra) for f in r.findings]
            for r in linter.lint_many(notes)}


# --- contradictions are found ---

def test_a_different_injury_date_is_an_error_naming_the_first_note(cc):
    out = found(cc, note(), note(doi="08/10/2026", dos="11/17/2026"))
    assert out["n1.txt"] == []
    assert out["n2.txt"] == [(
        "NA808", "error", "08/10/2026",
        "date of injury 08/10/2026 differs from 09/14/2026 in n1.txt (same claim WC-2231-0457)",
        {"field": "date_of_injury", "value": "2026-08-10", "expected": "2026-09-14", "differs_from": "n1.txt"})]


def test_a_different_date_of_birth_is_an_error(cc):
    out = found(cc, note(), note(dob="03/23/1984"))
    [(rule, severity, text, message, extra)] = out["n2.txt"]
    assert (rule, severity, text) == ("NA808", "error", "03/23/1984")
    assert message == "date of birth 03/23/1984 differs from 03/22/1984 in n1.txt (same claim WC-2231-0457)"


def test_a_different_name_is_a_warning(cc):
    out = found(cc, note(), note(name="Mario Diaz"))
    assert out["n2.txt"] == [(
        "NA703", "warning", "Mario Diaz",
        "claimant name Mario Diaz differs from Maria Diaz in n1.txt (same claim WC-2231-0457)",
        {"field": "claimant", "value": "Mario Diaz", "expected": "Maria Diaz", "differs_from": "n1.txt"})]


def test_each_note_is_compared_with_the_first_that_states_the_value(cc):
    # The third note agrees with the first: only the second, the odd one out, is reported.
    out = found(cc, note(), note(doi="08/10/2026"), note(doi="9/14/2026"), note(doi=None))
    assert [r for r, *_ in out["n2.txt"]] == ["NA808"]
    assert out["n1.txt"] == out["n3.txt"] == out["n4.txt"] == []


def test_previous_notes_given_by_the_caller_count(cc):
    result = cc.lint(NoteInput(note(doi="08/10/2026"), path="now.txt", previous=[("old.txt", note())]))
    assert [(f.rule, f.extra["differs_from"]) for f in result.findings] == [("NA808", "old.txt")]


def test_a_csv_export_is_checked_across_its_rows(tmp_path):
    export = tmp_path / "export.csv"
    with export.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Note ID", "Claim Number", "Date of Injury", "Date of Service", "Note"])
        writer.writerow(["N-1", "WC-2231-0457", "2026-09-14", "2026-10-01", "Claimant: Maria Diaz  DOB: 03/22/1984\n"
                         "Called the worker about therapy. I will call her again on 10/08/2026."])
        writer.writerow(["N-2", "WC-2231-0457", "08/10/2026", "2026-10-08", "Claimant: Maria Diaz  DOB: 3/22/1984\n"
                         "Called the worker about therapy. I will call her again on 10/15/2026."])
        writer.writerow(["N-3", "WC-2231-0999", "2026-01-05", "2026-10-08", "Claimant: Mario Ortiz  DOB: 01/02/1970\n"
                         "Called the worker about therapy. I will call him again on 10/15/2026."])
    result = CliRunner().invoke(main, ["lint", str(export), "--select", "NA703,NA808", "--format", "json"])
    assert "Traceback" not in result.output
    rows = {r["path"]: r["findings"] for r in json.loads(result.stdout)["files"]}
    assert rows[f"{export}#N-1"] == rows[f"{export}#N-3"] == []
    [finding] = rows[f"{export}#N-2"]
    assert (finding["rule"], finding["category"], finding["severity"]) == ("NA808", "date-logic", "error")
    assert finding["message"] == f"date of injury 08/10/2026 differs from 09/14/2026 in {export}#N-1 (same claim WC-2231-0457)"


def test_claimant_and_birth_date_columns_of_an_export(tmp_path):
    export = tmp_path / "export.jsonl"
    rows = [{"id": "N-1", "claim_number": "WC-2231-0457", "Claimant Name": "Maria Diaz", "DOB": "03/22/1984",
             "text": "Called the worker about therapy."},
            {"id": "N-2", "claim_number": "WC-2231-0457", "Claimant Name": "María Díaz", "DOB": "1984-03-22",
             "text": "Called the worker again."},
            {"id": "N-3", "claim_number": "WC-2231-0457", "Claimant Name": "Mario Diaz", "DOB": "1984-03-23",
             "text": "Called the worker once more."}]
    export.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(export), "--select", "NA703,NA808", "--format", "json"])
    found = {r["path"]: [(f["rule"], f["differs_from"]) for f in r["findings"]]
             for r in json.loads(result.stdout)["files"]}
    assert found == {f"{export}#N-1": [], f"{export}#N-2": [],
                     f"{export}#N-3": [("NA703", f"{export}#N-1"), ("NA808", f"{export}#N-1")]}


# --- and nothing else ---

@pytest.mark.parametrize("same", ["9/14/2026", "September 14, 2026", "2026-09-14", "Sept. 14, 2026"])
def test_the_same_date_in_another_format_agrees(cc, same):
    assert found(cc, note(), note(doi=same, dob="March 22, 1984")) == {"n1.txt": [], "n2.txt": []}


def test_different_claims_are_not_compared(cc):
    other = note(claim="WC-2231-0999", name="Robert Okafor", dob="01/02/1970", doi="07/08/2026")
    assert found(cc, note(), other) == {"n1.txt": [], "n2.txt": []}


def test_one_claim_written_two_ways_is_one_claim(cc):
    out = found(cc, note(), note(claim="WC22310457", doi="08/10/2026"))
    assert [r for r, *_ in out["n2.txt"]] == ["NA808"]


def test_notes_with_no_claim_number_are_not_compared(cc):
    assert found(cc, note(claim=None), note(claim=None, doi="08/10/2026", name="Robert Okafor")) == {
        "n1.txt": [], "n2.txt": []}


def test_notes_of_an_agency_case_are_not_compared(cc):
    # A family's case number covers several clients, each with their own name and date of birth.
    mother = "DAP NOTE\nCase #: CF-26-30918    Client: Jane Smith    DOB: 04/02/1988\nDate of service: 10/01/2026\n\nSeen."
    child = mother.replace("Jane Smith", "Tommy Smith").replace("04/02/1988", "06/30/2019")
    assert found(cc, mother, child) == {"n1.txt": [], "n2.txt": []}


def test_a_note_is_not_compared_with_itself(cc):
    assert found(cc, note(doi="08/10/2026")) == {"n1.txt": []}
    # The same note twice in a run agrees with itself.
    assert found(cc, note(), note()) == {"n1.txt": [], "n2.txt": []}


@pytest.mark.parametrize("variant", ["María Díaz", "Ms. Diaz", "MARIA DIAZ", "Maria E. Diaz", "Diaz, Maria",
                                     "Mrs. Maria Diaz", "Maria Diaz-Lopez"])
def test_spelling_variants_of_one_name_are_one_person(cc, variant):
    assert found(cc, note(), note(name=variant)) == {"n1.txt": [], "n2.txt": []}


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Maria Diaz", "María Díaz", True), ("Maria Diaz", "Ms. Diaz", True), ("Robert Okafor Jr.", "Rob Okafor", True),
    ("Maria Elena Diaz", "Maria Diaz", True), ("Maria Diaz", "Mario Diaz", False), ("Maria Diaz", "Maria Ortiz", False),
    ("Maria Diaz", "Carlos Diaz", False), ("Ms. Diaz", "Mr. Ortiz", False),
])
def test_same_person(a, b, same):
    assert same_person(a, b) is same and same_person(b, a) is same


def test_a_pronoun_after_the_label_is_no_name(cc):
    text = note(name=None).replace("Claim #: WC-2231-0457", "Claim #: WC-2231-0457    Worker: She called")
    assert found(cc, note(), text) == {"n1.txt": [], "n2.txt": []}


# --- the shipped examples agree with each other ---

def _drafted_examples() -> list[NoteInput]:
    notes = []
    for path in sorted(EXAMPLES.glob("**/*.yaml")):
        if path.name == "claim.yaml":  # a claim record, not a visit
            continue
        facts = load_facts(path)
        notes.append(NoteInput(render_note(facts), path=str(path.relative_to(EXAMPLES)), facts=facts))
    for path in sorted([*EXAMPLES.glob("**/*.md"), *EXAMPLES.glob("**/*.txt")]):
        notes.append(NoteInput(path.read_text(encoding="utf-8"), path=str(path.relative_to(EXAMPLES))))
    return notes


def test_the_examples_agree_with_each_other(cc):
    notes = _drafted_examples()
    assert len(notes) >= 18
    assert {r.path: [f.message for f in r.findings] for r in cc.lint_many(notes) if r.findings} == {}


def test_an_example_changed_to_contradict_the_others_is_caught(cc):
    notes = _drafted_examples()
    facts = load_facts(EXAMPLES / "claims" / "WC-2231-0457" / "2026-11-24-telephonic-surgery-coordinator.yaml")
    facts.claim.date_of_injury = date(2026, 8, 10)
    facts.claimant.date_of_birth = date(1984, 3, 23)
    facts.claimant.name = "Mario Diaz"
    changed = NoteInput(render_note(facts), path="changed.md", facts=facts)
    [result] = [r for r in cc.lint_many([*notes, changed]) if r.path == "changed.md"]
    messages = sorted(f.message for f in result.findings)
    # Compared with the first note of the claim in the run: the folder's initial assessment.
    assert messages == [
        f"claimant name Mario Diaz differs from Maria Diaz in claims/WC-2231-0457/2026-10-01-initial-assessment.yaml "
        "(same claim WC-2231-0457)",
        "date of birth 03/23/1984 differs from 03/22/1984 in claims/WC-2231-0457/2026-10-01-initial-assessment.yaml "
        "(same claim WC-2231-0457)",
        "date of injury 08/10/2026 differs from 09/14/2026 in claims/WC-2231-0457/2026-10-01-initial-assessment.yaml "
        "(same claim WC-2231-0457)",
    ]


@pytest.mark.parametrize(("start", "end", "kind"), [
    (date(2026, 11, 1), date(2026, 11, 30), "progress"), (date(2026, 10, 1), date(2026, 11, 30), "progress"),
    (date(2026, 10, 1), date(2026, 11, 30), "closure")])
def test_the_claim_folder_report_finds_no_contradiction(start, end, kind):
    from noteassist.app.report import build_report

    run = build_report(EXAMPLES / "claims" / "WC-2231-0457", start, end, kind=kind)
    assert run.contradictions == []


def test_the_rules_are_documented():
    result = CliRunner().invoke(main, ["rule", "NA808"])
    assert result.exit_code == 0 and "conflicting-claim-dates" in result.stdout and "Bad:" in result.stdout
    listing = CliRunner().invoke(main, ["rules"]).stdout
    assert "NA703" in listing and "conflicting-claimant-name" in listing and "NA808" in listing


# --- what the note states: metadata, facts, labels ---

@pytest.mark.parametrize(("text", "name", "dob"), [
    ("Claimant: Maria Diaz    DOB: 03/22/1984\n", "Maria Diaz", date(1984, 3, 22)),
    ("Worker: Marco Antonio Ibarra DOB 04/02/1979\n", "Marco Antonio Ibarra", date(1979, 4, 2)),
    ("Claim: WC-2231-0457. Worker: Ms. Diaz. Date of birth: March 22, 1984.\n", "Ms. Diaz", date(1984, 3, 22)),
    ("| IW | J. Mercado | D.O.B. | 1984-03-22 |\n", "J. Mercado", date(1984, 3, 22)),
    ("Patient name: María Díaz-López, seen today.\n", "María Díaz-López", None),
    ("Called the worker: she said her DOB is on file.\n", None, None),
    ("Worker: Diaz\n", None, None),
])
def test_claimant_and_birth_date_read_from_labels(cc, text, name, dob):
    info = cc.prepare(NoteInput(text)).meta_info
    assert (info.claimant, info.date_of_birth.date if info.date_of_birth else None) == (name, dob)


def test_claimant_and_birth_date_from_front_matter_and_facts(cc):
    meta = cc.prepare(NoteInput("---\nclaimant: Maria Diaz\ndate_of_birth: 1984-03-22\n---\nSeen. Maria Diaz said ...\n"))
    assert (meta.meta_info.claimant, meta.meta_info.date_of_birth.date) == ("Maria Diaz", date(1984, 3, 22))
    assert meta.body[slice(*meta.meta_info.claimant_span)] == "Maria Diaz"
    facts = load_facts(EXAMPLES / "initial-assessment.yaml")
    drafted = cc.prepare(NoteInput("Seen.", facts=facts)).meta_info
    assert (drafted.claimant, drafted.date_of_birth.date) == ("Daniel Nguyen", date(1979, 6, 11))


def test_an_unreadable_birth_date_in_front_matter_is_an_input_error(cc):
    from noteassist.errors import NoteInputError

    with pytest.raises(NoteInputError, match=r"n\.md: date_of_birth: expected a date"):
        cc.lint(NoteInput("---\nclaim_number: WC-2231-0457\ndate_of_birth: sometime in 1984\n---\nSeen.\n", path="n.md"))


def test_lint_of_the_example_facts_files_together(tmp_path):
    """The user's path: `noteassist lint` on visit-facts files lints the notes they draft, in one run."""
    files = [*sorted(EXAMPLES.glob("*.yaml")), *sorted((EXAMPLES / "claims" / "WC-2231-0457").glob("2026-*"))]
    quiet = CliRunner().invoke(main, ["lint", *map(str, files), "--select", "NA703,NA808"])
    assert quiet.exit_code == 0 and "no findings" in quiet.output, quiet.output
    changed = tmp_path / "2026-11-17-telephonic-surgery-coordinator.yaml"
    original = (EXAMPLES / "claims" / "WC-2231-0457" / "2026-11-24-telephonic-surgery-coordinator.yaml").read_text()
    changed.write_text(original.replace("date_of_injury: 2026-09-14", "date_of_injury: 2026-08-10"))
    caught = CliRunner().invoke(main, ["lint", *map(str, files), str(changed), "--select", "NA703,NA808"])
    assert caught.exit_code == 1
    # Reported on the changed note, against the first note of the claim on the command line.
    [line] = [line for line in caught.output.splitlines() if "NA808" in line]
    assert line.startswith(f"{changed}:")
    assert (f"NA808 [error] date of injury 08/10/2026 differs from 09/14/2026 in "
            f"{EXAMPLES / 'physician-visit-modified-duty.yaml'} (same claim WC-2231-0457)") in line
