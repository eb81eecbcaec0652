"""`noteassist draft --provenance`: each sentence of the drafted note with the facts fields it came from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from noteassist.cli import main
from noteassist.facts import load_facts
from noteassist.render import (
    provenance_map,
    render_with_provenance,
    sentence_provenance,
)
from noteassist.text.frontmatter import split_front_matter
from noteassist.text.sentences import sentence_spans

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
MODIFIED_DUTY = ROOT / "examples" / "physician-visit-modified-duty.yaml"
_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)")


def _draft_json(*args: str) -> dict:
    result = CliRunner().invoke(main, ["draft", *args, "--provenance"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _value_at(facts, path: str):
    """The facts value at an indexed path ('work_status.restrictions[0]'); KeyError when there is none."""
    value = facts
    for part in path.split("."):
        match = _STEP.fullmatch(part)
        if not match or match.group(1) not in type(value).model_fields:
            raise KeyError(path)
        value = getattr(value, match.group(1))
        for index in re.findall(r"\d+", match.group(2)):
            value = value[int(index)]
    return value


def test_the_json_has_the_documented_shape() -> None:
    data = _draft_json(str(MODIFIED_DUTY))
    assert set(data) == {"template", "text", "sentences", "unused"}
    assert data["template"] == "physician-visit" and isinstance(data["unused"], list)
    assert data["sentences"] and all(set(s) == {"start", "end", "text", "fields", "edited"} for s in data["sentences"])
    # The text is the note `draft` prints without --provenance.
    plain = CliRunner().invoke(main, ["draft", str(MODIFIED_DUTY)])
    assert data["text"] == plain.stdout.removesuffix("\n") or data["text"] == plain.stdout


def test_offsets_are_into_the_text_and_sentences_come_from_the_one_splitter() -> None:
    data = _draft_json(str(MODIFIED_DUTY))
    text = data["text"]
    _, body = split_front_matter(text)
    assert [(s["start"], s["end"]) for s in data["sentences"]] == sentence_spans(text, body)
    for sentence in data["sentences"]:
        assert text[sentence["start"]:sentence["end"]] == sentence["text"]


def test_restrictions_are_named_with_their_index() -> None:
    data = _draft_json(str(MODIFIED_DUTY))
    facts = load_facts(MODIFIED_DUTY)
    for i, restriction in enumerate(facts.work_status.restrictions):
        holders = [s for s in data["sentences"] if f"work_status.restrictions[{i}]" in s["fields"]]
        assert holders, f"restriction {i} in no sentence"
        assert restriction.rstrip(".").lower()[:20] in holders[0]["text"].lower()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_sentences_fields_are_real_paths_of_the_facts(example: Path) -> None:
    data = _draft_json(str(example))
    facts = load_facts(example)
    named = [field for s in data["sentences"] for field in s["fields"]]
    assert named, "no sentence came from the facts"
    for field in named:
        value = _value_at(facts, field)
        assert value not in (None, "", []), field


def test_a_printed_fact_is_in_the_sentence_that_prints_it() -> None:
    facts = load_facts(MODIFIED_DUTY)
    data = _draft_json(str(MODIFIED_DUTY))
    number = facts.claim.claim_number
    holders = [s for s in data["sentences"] if number in s["text"]]
    assert holders and all("claim.claim_number" in s["fields"] for s in holders)


def test_unused_fields_are_normalised_while_sentence_fields_keep_indexes(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "short.md.j2").write_text("# Short\n\nRestriction: {{ work_status.restrictions[1] }}.\n")
    data = _draft_json(str(MODIFIED_DUTY), "-t", "short", "--templates", str(folder))
    assert [s["fields"] for s in data["sentences"]] == [[], ["work_status.restrictions[1]"]]
    assert "work_status.restrictions" in data["unused"]  # items 0, 2 and 3 were not printed
    assert not any("[" in field for field in data["unused"])


def test_with_an_output_file_the_note_is_written_and_the_json_printed(tmp_path: Path) -> None:
    out = tmp_path / "note.txt"
    data = _draft_json(str(MODIFIED_DUTY), "-o", str(out))
    assert out.read_text(encoding="utf-8").startswith("Physician Visit Note")
    assert data["text"].startswith("---\n") and any(s["fields"] for s in data["sentences"])


def test_strict_still_writes_nothing_when_a_field_is_left_out(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "short.md.j2").write_text("# Short\n\n{{ claimant.name }}.\n")
    result = CliRunner().invoke(main, ["draft", str(MODIFIED_DUTY), "-t", "short", "--templates", str(folder),
                                       "--strict", "--provenance"])
    assert result.exit_code == 1 and result.stdout == ""


# --- an edited note --------------------------------------------------------------------------------------

def test_an_edited_note_has_no_spans() -> None:
    note = render_with_provenance(load_facts(MODIFIED_DUTY))
    rewritten = "# Physician Visit Note\n\nMet the worker at the clinic. She is doing better.\n"
    sentences = sentence_provenance(note, rewritten)
    assert [s.text for s in sentences] == ["# Physician Visit Note", "Met the worker at the clinic.",
                                           "She is doing better."]
    assert all(s.fields == () for s in sentences)
    assert provenance_map(note, rewritten)["text"] == rewritten


def test_an_edited_sentence_loses_its_fields_and_the_rest_keep_theirs() -> None:
    note = render_with_provenance(load_facts(MODIFIED_DUTY))
    drafted = {s.text: s.fields for s in sentence_provenance(note)}
    original = "- No ladder climbing."
    assert drafted[original] == ("work_status.restrictions[2]",)
    edited_text = note.text.replace(original, "- No ladder climbing above two steps.")
    edited = sentence_provenance(note, edited_text)
    by_text = {s.text: s for s in edited}
    assert by_text["- No ladder climbing above two steps."].fields == ()
    assert by_text["- No lifting over 10 lb with the right arm."].fields == ("work_status.restrictions[0]",)
    for s in edited:
        assert edited_text[s.start:s.end] == s.text


def test_wording_chosen_by_an_enum_or_a_yes_no_field_names_it() -> None:
    data = _draft_json(str(MODIFIED_DUTY))
    by_text = {s["text"]: s["fields"] for s in data["sentences"]}
    assert by_text["The employer has modified duty available."] == ["work_status.modified_duty_available"]
    placed = next(fields for text, fields in by_text.items() if "placed Maria Diaz on modified duty" in text)
    assert "work_status.status" in placed and "work_status.effective" in placed
    # The restrictions under it keep only their own item: the innermost source of each line.
    assert by_text["- No ladder climbing."] == ["work_status.restrictions[2]"]


def test_a_branch_is_marked_only_with_the_fields_its_tests_read(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "cond.md.j2").write_text(
        "# C\n\n"
        "{% if claim.employer %}Employed.{% endif %}\n\n"
        "{% if work_status.status.value == 'full-duty' %}Full duty.{% elif work_status.modified_duty_available %}"
        "Modified duty offered.{% else %}Other.{% endif %}\n")
    data = _draft_json(str(MODIFIED_DUTY), "-t", "cond", "--templates", str(folder))
    by_text = {s["text"]: s["fields"] for s in data["sentences"]}
    assert by_text["Employed."] == []  # a string tested is not a source of the wording
    assert by_text["Modified duty offered."] == ["work_status.modified_duty_available", "work_status.status"]
