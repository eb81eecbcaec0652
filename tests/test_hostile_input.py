"""Hostile and careless input, end to end: each item of the robustness review gives one line or the right result.

The reader-level details are tested in tests/io/; here every finding of the review is replayed through the
public entry points (load_facts, read_records, load_claim, render_note, the linter, the CLI), and a
property-based test feeds random and adversarial text to the reader and the linter: nothing but a
`NoteassistError` may escape.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noteassist.errors import FactsError, NoteassistError, NoteInputError, ReportError, TemplateError
from noteassist.facts import load_facts, validate_facts
from noteassist.io import iter_records, read_note, read_records
from noteassist.text.frontmatter import split_front_matter
from noteassist.text.guard import MAX_RUN, guard_for_tokenizer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_FACTS = ROOT / "examples" / "physician-visit-modified-duty.yaml"
EXAMPLE_CLAIM = ROOT / "examples" / "claims" / "WC-2231-0457"


def _one_line(exc: pytest.ExceptionInfo) -> str:
    message = str(exc.value)
    assert message and "\n" not in message and "Traceback" not in message
    return message


def _facts_text(**replace: str) -> str:
    text = EXAMPLE_FACTS.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def _example_data() -> dict:
    from noteassist.io import load_yaml

    return load_yaml(EXAMPLE_FACTS.read_text(encoding="utf-8"), str(EXAMPLE_FACTS))


# --- silent data loss --------------------------------------------------------------------------------

def test_csv_quote_that_never_closes_loses_one_row_not_98(tmp_path: Path) -> None:
    rows = [f'"N-{i}","Called the adjuster about item {i}."\n' for i in range(1, 101)]
    rows[1] = '"N-2","Called the adjuster about item 2.\n'
    path = tmp_path / "export.csv"
    path.write_text("id,text\n" + "".join(rows), encoding="utf-8")
    items = list(iter_records(path))
    notes = [i for i in items if not hasattr(i, "message")]
    errors = [i for i in items if hasattr(i, "message")]
    assert len(notes) == 99 and [str(e).split(": ")[0] for e in errors] == [f"{path}:3"]


def test_a_yaml_key_given_twice_is_an_error_naming_the_key_and_line(tmp_path: Path) -> None:
    text = _facts_text(**{"claim_number: WC-2231-0457": "claim_number: WC-2231-0457\n  claim_number: WC-9999-0001"})
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactsError) as exc:
        load_facts(path)
    line = text.splitlines().index("  claim_number: WC-9999-0001") + 1
    assert _one_line(exc) == (f"{path}:{line}: duplicate key 'claim_number' (first given on line {line - 1}); "
                              "keep one")


def test_two_text_columns_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("text,id,text\nfirst,1,second\n", encoding="utf-8")
    with pytest.raises(NoteInputError) as exc:
        read_records(path)
    assert "columns 1 and 3 are both named 'text'" in _one_line(exc)


@pytest.mark.parametrize("separator", ["\u2028", "\u0085"])
def test_valid_jsonl_with_unicode_line_separators_is_read(tmp_path: Path, separator: str) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"text": f"Line one.{separator}Line two."}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert read_records(path)[0].text == f"Line one.{separator}Line two."


def test_a_200_kb_note_in_a_csv_cell_reads_like_the_same_note_in_jsonl(tmp_path: Path) -> None:
    note = "Called the adjuster about the claim and left a message. " * 3_600  # about 200 KB
    assert len(note) > 131_072  # the csv module's default field limit
    csv_path, jsonl_path = tmp_path / "e.csv", tmp_path / "e.jsonl"
    csv_path.write_text(f'text\n"{note}"\n', encoding="utf-8")
    jsonl_path.write_text(json.dumps({"text": note}) + "\n", encoding="utf-8")
    [from_csv], [from_jsonl] = read_records(csv_path), read_records(jsonl_path)
    assert from_csv.text == from_jsonl.text == note


@pytest.mark.parametrize("value", [630, 630.0, "10:30+05:00"])
def test_a_start_time_given_as_a_number_or_with_a_zone_is_one_line(value) -> None:
    data = _example_data()
    data["encounter"]["start_time"] = value  # pydantic reads 630 as seconds in UTC: not comparable with end_time
    with pytest.raises(FactsError) as exc:
        validate_facts(data, "facts.json")
    assert _one_line(exc).startswith("facts.json: encounter.start_time: expected a time")


@pytest.mark.parametrize("value", ["true", "false", "2.0", '"2"'])
def test_schema_version_must_be_a_whole_number_not_a_bool(tmp_path: Path, value: str) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(_facts_text(**{"schema_version: 1": f"schema_version: {value}"}), encoding="utf-8")
    with pytest.raises(FactsError) as exc:
        load_facts(path)
    assert _one_line(exc).startswith(f"{path}: schema_version: expected a whole number")


@pytest.mark.parametrize("patch, field", [
    ({"face_to_face": 10**30}, "time_spent.face_to_face"),
    ({"travel": 10_000}, "time_spent.travel"),
    ({"mileage": float("inf")}, "time_spent.mileage"),
    ({"mileage": float("nan")}, "time_spent.mileage"),
    ({"mileage": 1e12}, "time_spent.mileage"),
    ({"documentation": True}, "time_spent.documentation"),
])
def test_absurd_minutes_and_mileage_never_reach_the_time_log(patch: dict, field: str) -> None:
    data = _example_data()
    data["time_spent"] = {**(data.get("time_spent") or {}), **patch}
    with pytest.raises(FactsError) as exc:
        validate_facts(data, "facts.yaml")
    assert _one_line(exc).startswith(f"facts.yaml: {field}: ")


def test_sane_time_and_mileage_still_load() -> None:
    data = _example_data()
    data["time_spent"] = {"face_to_face": 45, "travel": 90, "mileage": 37.5}
    assert validate_facts(data).time_spent.total_minutes == 135


@pytest.mark.parametrize("literal", ["1e400", "Infinity", "NaN"])
def test_infinite_numbers_in_json_facts_are_refused_by_the_reader(tmp_path: Path, literal: str) -> None:
    data = _example_data()
    data["time_spent"] = {"mileage": 1.5}
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data, default=str).replace("1.5", literal), encoding="utf-8")
    with pytest.raises(FactsError) as exc:
        load_facts(path)
    assert "finite number" in _one_line(exc)


# --- nothing leaves the folder it was given ----------------------------------------------------------

def _copy_claim(tmp_path: Path) -> Path:
    folder = tmp_path / "claim"
    folder.mkdir()
    for path in EXAMPLE_CLAIM.iterdir():
        if path.is_file():
            (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.mark.parametrize("name", ["2026-11-30-extra.yaml", "2026-11-30-extra.md", "claim-notes.txt"])
def test_a_symlink_in_a_claim_folder_to_a_file_outside_is_refused_and_not_echoed(tmp_path: Path, name: str) -> None:
    from noteassist.adjuster import load_claim

    secret = tmp_path / "shadow"
    secret.write_text("root:$6$saltsalt$secrethash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n")
    folder = _copy_claim(tmp_path)
    (folder / name).symlink_to(secret)
    with pytest.raises(ReportError) as exc:
        load_claim(folder)
    lines = exc.value.lines()
    assert lines == [f"{folder / name}: links outside {folder}; expected "
                     f"{'a YAML or JSON facts file' if name.endswith('.yaml') else 'a .txt, .md or .docx note'} "
                     "inside the folder, not a link to a file elsewhere"]
    assert not any("daemon:" in line or "secrethash" in line or "$6$" in line for line in lines)


def test_a_symlinked_claim_yaml_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    from noteassist.adjuster import load_claim

    folder = _copy_claim(tmp_path)
    (tmp_path / "elsewhere.yaml").write_bytes((folder / "claim.yaml").read_bytes())
    (folder / "claim.yaml").unlink()
    (folder / "claim.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    with pytest.raises(ReportError, match="claim.yaml: links outside"):
        load_claim(folder)


def test_a_fifo_in_a_claim_folder_does_not_hang_the_report(tmp_path: Path) -> None:
    from noteassist.adjuster import load_claim

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    folder = _copy_claim(tmp_path)
    os.mkfifo(folder / "2026-11-30-pipe.md")
    assert load_claim(folder).contacts  # the FIFO is not a regular file: not a contact, never opened


def test_a_symlinked_template_out_of_its_directory_is_refused(tmp_path: Path) -> None:
    from noteassist.render import render_note

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CONTENT")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "leak.md.j2").symlink_to(secret)
    with pytest.raises(TemplateError) as exc:
        render_note(load_facts(EXAMPLE_FACTS), "leak", template_dirs=[templates])
    assert "links outside" in _one_line(exc) and "TOP SECRET" not in str(exc.value)


def test_an_include_of_a_symlink_out_of_the_template_directory_is_refused(tmp_path: Path) -> None:
    from noteassist.render import render_note

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CONTENT")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "_part.md.j2").symlink_to(secret)
    (templates / "mine.md.j2").write_text("Note.\n{% include '_part.md.j2' %}\n")
    with pytest.raises(TemplateError) as exc:
        render_note(load_facts(EXAMPLE_FACTS), "mine", template_dirs=[templates])
    assert "links outside" in _one_line(exc) and "TOP SECRET" not in str(exc.value)


# --- one line, never a traceback ---------------------------------------------------------------------

@pytest.mark.parametrize("nested", ["[" * 100_000, "{a: " * 5_000 + "1" + "}" * 5_000, "- " * 3_000 + "x"])
def test_deeply_nested_yaml_facts_are_one_line(tmp_path: Path, nested: str) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(_facts_text() + f"\nextra: {nested}\n", encoding="utf-8")
    with pytest.raises(FactsError) as exc:
        load_facts(path)
    assert "nest" in _one_line(exc)


def test_deeply_nested_json_facts_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text('{"claim": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(FactsError) as exc:
        load_facts(path)
    assert _one_line(exc) == f"{path}: nested more than 32 levels deep"


def test_a_5000_digit_integer_in_facts_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(_facts_text(**{"schema_version: 1": "schema_version: " + "7" * 5_000}), encoding="utf-8")
    with pytest.raises(FactsError) as exc:
        load_facts(path)
    assert _one_line(exc) == f"{path}:2: a whole number of more than 15 digits; quote it if it is an identifier"


def test_deep_nesting_in_front_matter_falls_back_to_the_line_reader() -> None:
    text = "---\nnote_type: telephonic\nextra: " + "[" * 50_000 + "\n---\nCalled the adjuster.\n"
    meta, offset = split_front_matter(text)
    assert meta["note_type"] == "telephonic" and text[offset:] == "Called the adjuster.\n"


def test_an_alias_bomb_in_front_matter_is_read_as_plain_lines(linter) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    text = "---\n" + "\n".join(lines) + "\nnote_type: telephonic\n---\nCalled the adjuster; left a message.\n"
    meta, _ = split_front_matter(text)
    assert meta["note_type"] == "telephonic" and len(meta["i"]) < 100  # text, not 43 million strings
    assert linter.lint_text(text).note_type == "telephonic"


@pytest.mark.parametrize("front, message", [
    ("date_of_service: 2026-02-30", "date_of_service: expected a date such as 2026-11-20"),
    ("note_type: [soap, dap]", "note_type: expected one value, got a list"),
    ("note_type: {kind: soap}", "note_type: expected one value, got a mapping"),
    ("claim_number: WC-1001-0001\nclaim_number: WC-1001-0002", "claim_number is given twice"),
])
def test_bad_front_matter_values_are_one_line_note_input_errors(linter, front: str, message: str) -> None:
    text = f"---\n{front}\n---\nCalled the adjuster; left a message.\n"
    with pytest.raises(NoteInputError) as exc:
        linter.lint_text(text, path="note.md")
    assert message in _one_line(exc)


def test_a_duplicated_claim_number_names_both_lines() -> None:
    with pytest.raises(NoteInputError) as exc:
        split_front_matter("---\nclaim_number: WC-1\nnote_type: soap\nclaim_number: WC-2\n---\nBody\n", path="n.md")
    assert str(exc.value) == ("n.md:4: front matter: claim_number is given twice ('WC-1' on line 2, 'WC-2' on "
                              "line 4); keep the right one")


def test_a_key_repeated_with_the_same_value_is_harmless() -> None:
    meta, _ = split_front_matter("---\nclaim_number: WC-1\nclaim_number: 'WC-1'\n---\nBody\n")
    assert meta["claim_number"] == "WC-1"


def test_a_lone_surrogate_in_jsonl_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text('{"text": "ok"}\n{"text": "\\udfff"}\n', encoding="utf-8")
    with pytest.raises(NoteInputError) as exc:
        read_records(path)
    assert _one_line(exc).startswith(f"{path}:2: a lone surrogate")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_devices_as_input_are_one_line(device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device}")
    with pytest.raises(NoteInputError):
        read_note(device)
    with pytest.raises(FactsError) as exc:
        load_facts(device)
    assert _one_line(exc) == f"{device}: is a device, expected a YAML or JSON facts file (a regular file)"


def test_a_fifo_as_input_is_refused_at_once(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    fifo = tmp_path / "note.md"
    os.mkfifo(fifo)
    with pytest.raises(NoteInputError) as exc:
        read_note(fifo)
    assert _one_line(exc) == f"{fifo}: is a named pipe (FIFO), expected a .txt, .md or .docx note (a regular file)"


def test_a_docx_of_300000_paragraphs_is_refused_before_parsing(tmp_path: Path) -> None:
    import zipfile

    from docx import Document

    path = tmp_path / "note.docx"
    Document().save(str(path))
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    head = parts["word/document.xml"].split(b"<w:body>")[0]
    parts["word/document.xml"] = head + b"<w:body>" + b"<w:p/>" * 300_000 + b"</w:body></w:document>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    with pytest.raises(NoteInputError) as exc:
        read_note(path)
    assert _one_line(exc) == f"{path}: more than 5,000 paragraphs, over the limit for one Word note; split the document"


# --- the report period ------------------------------------------------------------------------------

def test_a_report_period_ending_9999_12_31_is_one_line() -> None:
    from noteassist.adjuster import assemble_report, load_claim

    with pytest.raises(ReportError) as exc:
        assemble_report(load_claim(EXAMPLE_CLAIM), date(2026, 11, 1), date(9999, 12, 31))
    assert _one_line(exc) == ("report period: 'to' 9999-12-31 is too far in the future; the next report would be "
                              "due after 9999-12-31")


def test_a_report_period_from_year_one_is_a_report() -> None:
    from noteassist.adjuster import assemble_report, load_claim

    report = assemble_report(load_claim(EXAMPLE_CLAIM), date(1, 1, 1), date(2026, 11, 30))
    assert report.period_start == date(1, 1, 1) and report.contacts


def test_report_cli_to_9999_12_31_exits_2_with_one_line(tmp_path: Path) -> None:
    from noteassist.cli import main

    result = CliRunner().invoke(main, ["report", str(EXAMPLE_CLAIM), "--from", "2026-11-01", "--to", "9999-12-31",
                                       "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 2, result.output
    assert "too far in the future" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "r.docx").exists()


# --- time that explodes with the input --------------------------------------------------------------

@pytest.mark.parametrize("char", ['"', "[", ":", "#", "*", "\U0001F600", "'", "("])
def test_long_runs_without_white_space_are_broken_for_the_tokenizer(char: str) -> None:
    text = "Seen. " + char * 5_000 + " Done."
    guarded = guard_for_tokenizer(text)
    assert len(guarded) == len(text)
    assert max(len(run) for run in guarded.split()) <= MAX_RUN
    assert guarded.startswith("Seen. ") and guarded.endswith(" Done.")
    assert all(g == c or g == " " for g, c in zip(guarded, text))


def test_ordinary_text_is_left_alone_by_the_guard() -> None:
    text = "Called https://portal.example.com/claims/WC-2231-0457?tab=notes about the refill.\n"
    assert guard_for_tokenizer(text) is text or guard_for_tokenizer(text) == text


def test_a_note_that_is_one_long_run_of_punctuation_lints(linter) -> None:
    text = "Called the adjuster.\n" + "'" * 20_000 + "\n"
    result = linter.lint_text(text)
    assert result.findings is not None  # it finished: spaCy saw runs of at most MAX_RUN characters


def test_na601_still_flags_every_agentless_it_was_noted(linter) -> None:
    text = " ".join(["It was noted that the worker is improving."] * 200)
    codes = [f.rule for f in linter.lint_text(text).findings]
    assert codes.count("NA601") == 200


def test_na601_leaves_a_sourced_sentence_alone(linter) -> None:
    text = "Per Dr. Lee, it was noted that the worker is improving. It was noted that he walks."
    found = [f for f in linter.lint_text(text).findings if f.rule == "NA601"]
    assert [text[f.start:f.end] for f in found] == ["noted"] and found[0].start > text.index("he walks") - 20


# --- property-based: nothing escapes but a NoteassistError ------------------------------------------

_NASTY = st.sampled_from(["\u2028", "\u0085", "\x00", "\ufeff", "\r", "\r\n", '"', "'", "---\n", ": ", "&a ", "*a",
                          "[", "{", "}", "]", "#", "- ", "\t", "\U0001F600", "9" * 30, ".inf", "2026-02-30", "<<: ",
                          "!!python/object:os.system ", "\\ud800", "\x0b", "é", "\u202e"])
# Lone surrogates too: a str from Python may hold them, although no file noteassist reads can.
_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
_TEXT = st.lists(st.one_of(st.text(max_size=30), _NASTY, _SURROGATES), max_size=40).map("".join)
_FIELDS = ("note_type", "claim_number", "date_of_service", "date_written", "date_of_injury", "template", "carrier")


@st.composite
def _front_matter_notes(draw) -> str:
    lines = [f"{draw(st.sampled_from(_FIELDS + ('x', 'a b')))}: {draw(_TEXT)}" for _ in range(draw(st.integers(0, 5)))]
    return "---\n" + "\n".join(lines) + "\n---\n" + draw(_TEXT)


_SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@_SETTINGS
@given(text=st.one_of(_TEXT, _front_matter_notes()))
def test_the_linter_raises_nothing_but_noteassist_errors(linter, text: str) -> None:
    try:
        result = linter.lint_text(text, path="note.md")
    except NoteassistError as exc:
        assert "\n" not in exc.message
        return
    assert all(0 <= f.start <= f.end <= len(text) for f in result.findings)


@_SETTINGS
@given(text=st.one_of(_TEXT, _front_matter_notes()))
def test_front_matter_raises_nothing_but_note_input_errors(text: str) -> None:
    try:
        meta, offset = split_front_matter(text)
    except NoteInputError as exc:
        assert "\n" not in exc.message
        return
    assert isinstance(meta, dict) and 0 <= offset <= len(text)


@_SETTINGS
@given(body=_TEXT, json_mode=st.booleans())
def test_facts_raise_nothing_but_facts_errors(tmp_path_factory, body: str, json_mode: bool) -> None:
    path = tmp_path_factory.mktemp("facts") / ("f.json" if json_mode else "f.yaml")
    path.write_bytes(body.encode("utf-8", "surrogatepass"))  # a surrogate becomes bytes that are not UTF-8
    try:
        load_facts(path)
    except FactsError as exc:
        assert "\n" not in exc.message


@_SETTINGS
@given(cells=st.lists(st.lists(_TEXT, min_size=1, max_size=4), min_size=1, max_size=6), jsonl=st.booleans())
def test_export_rows_raise_nothing_but_note_input_errors(tmp_path_factory, cells: list[list[str]], jsonl: bool) -> None:
    folder = tmp_path_factory.mktemp("export")
    if jsonl:
        path = folder / "e.jsonl"
        content = "\n".join(r[0] if len(r) == 1 else json.dumps({"text": r[0], "id": r[-1]}) for r in cells)
    else:
        path = folder / "e.csv"
        content = "id,text\n" + "\n".join(",".join(r) for r in cells)
    path.write_bytes(content.encode("utf-8", "surrogatepass"))
    try:
        for item in iter_records(path):
            assert "\n" not in str(item) if hasattr(item, "message") else isinstance(item.text, str)
    except NoteInputError as exc:
        assert "\n" not in exc.message
