"""Visit facts: examples validate, errors name file + field + expectation, schema export can't drift."""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path

import pytest
import yaml

from noteassist.errors import FactsError
from noteassist.facts import load_facts
from noteassist.facts.schema import json_schema

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

MINIMAL = """\
claim:
  claim_number: WC-2231-0457
  date_of_injury: 2026-09-14
claimant:
  name: Maria Diaz
case_manager:
  name: Jordan Patel
encounter:
  note_type: physician-visit
  date: 2026-11-20
"""


def test_there_are_examples():
    names = {p.name for p in EXAMPLES}
    assert {"physician-visit-modified-duty.yaml", "telephonic-pharmacy-rejected-rx.yaml",
            "telephonic-surgery-coordinator.yaml", "initial-assessment.yaml"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_validate(path):
    facts = load_facts(path)
    assert facts.claim.claim_number.startswith("WC-")
    assert facts.encounter.date.year >= 2026


def test_minimal_loads():
    facts = load_facts("x.yaml", MINIMAL)
    assert facts.note_type == "physician-visit"


def _error(tmp_path, text, name="bad.yaml") -> FactsError:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactsError) as info:
        load_facts(path)
    return info.value


def test_bad_date_names_file_field_and_expectation(tmp_path):
    err = _error(tmp_path, MINIMAL.replace("date_of_injury: 2026-09-14", "date_of_injury: 2026-13-45"))
    line = err.lines()[0]
    assert "bad.yaml" in line and "claim.date_of_injury" in line and "YYYY-MM-DD" in line


def test_unknown_field(tmp_path):
    err = _error(tmp_path, MINIMAL + "subjectve: typo\n")
    assert any("subjectve" in line and "unknown field" in line for line in err.lines())


def test_missing_claim(tmp_path):
    text = MINIMAL.split("claimant:")[1]
    err = _error(tmp_path, "claimant:" + text)
    assert any("claim:" in line or ": claim:" in line for line in err.lines())
    assert any("required field is missing" in line for line in err.lines())


def test_wrong_type_list_vs_str(tmp_path):
    err = _error(tmp_path, MINIMAL + "treatment_plan: physical therapy\n")
    assert any("treatment_plan" in line and "expected a list" in line for line in err.lines())


def test_none_written_for_a_list_is_an_explicit_empty_list():
    # `barriers: none` is the case manager recording that there are none; a key left out records nothing.
    facts = load_facts("x.yaml", MINIMAL + "barriers: none\nrecommendations: N/A\n")
    assert facts.barriers == [] and facts.recommendations == []
    assert {"barriers", "recommendations"} <= facts.model_fields_set
    assert "goals" not in facts.model_fields_set


def test_a_word_other_than_none_is_still_not_a_list(tmp_path):
    err = _error(tmp_path, MINIMAL + "barriers: stairs at home\n")
    assert any("barriers" in line and "expected a list" in line for line in err.lines())


def test_every_problem_is_one_line(tmp_path):
    err = _error(tmp_path, MINIMAL + "treatment_plan: x\nfoo: 1\n")
    assert len(err.lines()) >= 2
    assert all(line.startswith(str(tmp_path / "bad.yaml")) for line in err.lines())


def test_malformed_yaml_gives_line_and_column(tmp_path):
    err = _error(tmp_path, "claim:\n  claim_number: [unclosed\nclaimant: x\n")
    assert "invalid YAML" in err.message
    assert "bad.yaml:" in err.message
    location = err.message.split(": invalid YAML")[0]
    line, col = location.rsplit(":", 2)[-2:]
    assert line.isdigit() and col.isdigit()


def test_empty_file(tmp_path):
    err = _error(tmp_path, "")
    assert "empty file" in err.message


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINIMAL.replace("Maria", "Mar\xeda").encode("latin-1"))
    with pytest.raises(FactsError, match="not UTF-8"):
        load_facts(path)


def test_binary_file(tmp_path):
    path = tmp_path / "image.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(FactsError, match="binary"):
        load_facts(path)


def test_missing_file(tmp_path):
    with pytest.raises(FactsError, match="no such file"):
        load_facts(tmp_path / "nope.yaml")


def test_unquoted_time_is_a_time_not_base60():
    facts = load_facts("t.yaml", MINIMAL + "  start_time: 10:30\n  end_time: 11:15\n")
    assert facts.encounter.start_time == time(10, 30)
    assert facts.encounter.end_time == time(11, 15)


def test_end_before_start_is_an_error():
    with pytest.raises(FactsError, match="end_time must be after start_time"):
        load_facts("t.yaml", MINIMAL + "  start_time: 10:30\n  end_time: 09:15\n")


def test_ssn_shaped_claim_number_rejected():
    with pytest.raises(FactsError, match="claim.claim_number"):
        load_facts("t.yaml", MINIMAL.replace("WC-2231-0457", "123-45-6789"))


def test_json_facts_load():
    data = yaml.safe_load(MINIMAL)
    text = json.dumps(data, default=str)
    assert load_facts("facts.json", text).claimant.name == "Maria Diaz"


def test_committed_schema_matches_models():
    committed = json.loads((ROOT / "schema" / "visit-facts.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "regenerate: python -m noteassist.facts.schema > schema/visit-facts.schema.json"


@pytest.mark.parametrize(("typed", "expected"), [("9:30", "09:30"), ("2:15 PM", "14:15"), ("12:05 a.m.", "00:05"),
                                                 ("12:00 pm", "12:00")])
def test_times_accept_what_people_type(typed, expected):
    from noteassist.facts.models import Appointment

    assert Appointment(date="2026-12-04", time=typed).time.strftime("%H:%M") == expected


def test_impossible_time_is_rejected():
    from pydantic import ValidationError

    from noteassist.facts.models import Appointment

    with pytest.raises(ValidationError):
        Appointment(date="2026-12-04", time="13:00 PM")


# --- Schema version 2: what adjuster reports need ---------------------------------------------

V2_FIELDS = """\
decisions_requested:
  - decision: authorize transportation on December 17, 2026
    rationale: no driver after anesthesia
    due: 2026-12-10
recommendations: [keep modified duty until surgery]
appointments:
  - date: 2026-12-17
    provider: Dr. Lee
    purpose: surgery
return_to_work:
  full_duty_target: 2027-04-15
  returned_on: 2026-11-23
referrals:
  - service: physical therapy
    status: overturned
    visits_authorized: 8
    visits_used: 5
    appealed: 2026-10-28
    appeal_deadline: 2026-11-20
goals:
  - goal: return to full duty
    status: partially-met
follow_up:
  - task: call the adjuster
    owner: Jordan Patel
    done: true
closure:
  reason: rtw-full-duty
  date: 2026-12-31
"""


def test_schema_version_2_fields_load():
    facts = load_facts("v2.yaml", "schema_version: 2\n" + MINIMAL + V2_FIELDS)
    assert facts.schema_version == 2
    assert facts.decisions_requested[0].requested_from == "adjuster"
    assert facts.referrals[0].visits_authorized == 8 and facts.referrals[0].status.value == "overturned"
    assert facts.goals[0].status.value == "partially-met" and facts.follow_up[0].done is True
    assert facts.closure.reason.value == "rtw-full-duty"
    assert facts.return_to_work.returned_on.isoformat() == "2026-11-23"


def test_new_files_default_to_version_3_and_version_1_files_load_unchanged():
    from noteassist.facts import SCHEMA_VERSION

    # Version 3 adds human-services facts (tests/test_facts_human_services.py); a claim file gains nothing.
    assert SCHEMA_VERSION == 3 and load_facts("x.yaml", MINIMAL).schema_version == 3
    for path in EXAMPLES:
        facts = load_facts(path)
        assert facts.schema_version == 1
        assert (facts.decisions_requested, facts.recommendations, facts.appointments, facts.closure) == ([], [], [], None)
    # a version-1 file may already use version-2 fields: reading is additive, never stricter
    assert load_facts("x.yaml", "schema_version: 1\n" + MINIMAL + V2_FIELDS).closure is not None


def test_unknown_schema_version_is_rejected():
    with pytest.raises(FactsError, match="schema_version: this noteassist reads schema_version 1, 2 or 3"):
        load_facts("x.yaml", "schema_version: 4\n" + MINIMAL)


def test_schema_versions_1_2_and_3_load_a_claim_file():
    for version in (1, 2, 3):
        assert load_facts("x.yaml", f"schema_version: {version}\n" + MINIMAL).schema_version == version


def test_bad_closure_reason_lists_the_vocabulary():
    with pytest.raises(FactsError, match="closure.reason: expected one of .*'rtw-full-duty'"):
        load_facts("x.yaml", MINIMAL + "closure:\n  reason: fired\n")


def test_schema_id_names_the_version():
    assert json_schema()["$id"].endswith("/visit-facts/v3.json")
