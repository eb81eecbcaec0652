"""The corpus evaluator: label validation, one-to-one matching, the table and exit codes.

Uses a fake linter, so nothing here depends on the rules or on the corpus's current scores."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from noteassist.errors import NoteassistError
from noteassist.lint.model import Finding
from noteassist.eval import evaluate as qa
from noteassist.eval.evaluate import Expected, LabelledNote, evaluate, load_corpus

NOTE = "Worker is non-compliant with PT. Worker is non-compliant with the HEP. It was noted that pain is 6/10.\n"


def finding(category, start=0, end=0, rule="NA999", text="", element=None):
    extra = {"element": element} if element else {}
    return Finding(rule, category, "warning", "m", start, end, text, extra=extra)


def span(text, needle, category, rule="NA999", nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return finding(category, start, start + len(needle), rule, needle)


@dataclass
class FakeResult:
    findings: list


@dataclass
class FakeLinter:
    by_path: dict
    calls: list = field(default_factory=list)

    def lint_many(self, notes):
        notes = list(notes)
        self.calls.append([n.path for n in notes])
        return [FakeResult(self.by_path.get(n.path, [])) for n in notes]


def note(expected, text=NOTE, path="001-a.md"):
    return LabelledNote(Path(path), text, expected)


def test_all_notes_are_linted_in_one_batch():
    linter = FakeLinter({})
    evaluate([note([], path="001-a.md"), note([], path="002-b.md")], linter)
    assert linter.calls == [["001-a.md", "002-b.md"]]


def test_text_entry_matches_an_overlapping_finding_of_any_occurrence():
    pred = [span(NOTE, "compliant", "stigmatizing-language", nth=1)]  # inside the 2nd "non-compliant"
    ev = evaluate([note([Expected("stigmatizing-language", text="non-compliant")])], FakeLinter({"001-a.md": pred}))
    c = ev.categories["stigmatizing-language"]
    assert (c.expected, c.predicted, c.tp) == (1, 1, 1)
    assert ev.false_positives == [] and ev.false_negatives == []


def test_matching_is_one_to_one():
    pred = [span(NOTE, "non-compliant", "stigmatizing-language", nth=0),
            span(NOTE, "non-compliant", "stigmatizing-language", nth=1)]
    ev = evaluate([note([Expected("stigmatizing-language", text="non-compliant")])], FakeLinter({"001-a.md": pred}))
    c = ev.categories["stigmatizing-language"]
    assert (c.tp, c.precision, c.recall) == (1, 0.5, 1.0)
    assert len(ev.false_positives) == 1 and ev.false_positives[0].code == "NA999"


def test_text_entry_does_not_match_a_finding_elsewhere():
    pred = [span(NOTE, "It was noted", "attribution")]
    ev = evaluate([note([Expected("attribution", text="HEP")])], FakeLinter({"001-a.md": pred}))
    c = ev.categories["attribution"]
    assert (c.tp, c.expected, c.predicted) == (0, 1, 1)
    assert [m.text for m in ev.false_negatives] == ["HEP"]
    assert ev.false_negatives[0].line == 1


def test_missing_element_matches_by_element_and_counts_per_element():
    pred = [finding("missing-element", element="work_status"), finding("missing-element", element="plan")]
    expected = [Expected("missing-element", element="work_status"),
                Expected("missing-element", element="next_appointment")]
    ev = evaluate([note(expected)], FakeLinter({"001-a.md": pred}))
    assert ev.categories["missing-element"].tp == 1
    assert ev.elements["work_status"].tp == 1
    assert (ev.elements["plan"].predicted, ev.elements["plan"].tp) == (1, 0)
    assert (ev.elements["next_appointment"].expected, ev.elements["next_appointment"].tp) == (1, 0)
    assert [m.element for m in ev.false_negatives] == ["next_appointment"]


def test_textless_entries_take_what_specific_entries_leave():
    # a readability entry with text and one without; two predicted findings in any order
    long_ = span(NOTE, "Worker is non-compliant with the HEP", "readability", rule="NA303")
    grade = finding("readability", rule="NA301")
    expected = [Expected("readability"), Expected("readability", text="Worker is non-compliant with the")]
    ev = evaluate([note(expected)], FakeLinter({"001-a.md": [grade, long_]}))
    assert ev.categories["readability"].tp == 2


def test_note_level_entry_matches_any_finding_of_its_category():
    ev = evaluate([note([Expected("timeliness")])], FakeLinter({"001-a.md": [finding("timeliness", rule="NA811")]}))
    assert ev.categories["timeliness"].tp == 1


def test_unexpected_category_is_a_false_positive_and_info_counts():
    info = Finding("NA304", "readability", "info", "m", 0, 5, "Worke")
    ev = evaluate([note([])], FakeLinter({"001-a.md": [info]}))
    assert ev.categories["readability"].predicted == 1
    assert ev.false_positives[0].format() == "001-a.md:1: NA304 Worke"
    assert ev.failures(0.9, 0.8) == ["readability: precision 0.00 < 0.90"]


def test_failures_skip_categories_with_nothing_expected_or_predicted():
    ev = evaluate([note([Expected("timeliness")])], FakeLinter({"001-a.md": [finding("timeliness")]}))
    assert ev.failures(0.9, 0.8) == []
    assert "timeliness" in qa.format_table(ev)


# --- label files ---------------------------------------------------------------------------------

def write(tmp_path, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")


def corpus(tmp_path, label, text=NOTE, stem="001-a"):
    write(tmp_path, f"{stem}.md", text)
    write(tmp_path, f"{stem}.expected.yaml", label)
    return tmp_path


def test_load_corpus_reads_notes_and_labels(tmp_path):
    corpus(tmp_path, "about: x\nfindings:\n  - category: stigmatizing-language\n    text: non-compliant\n"
                     "  - category: missing-element\n    element: work_status\n  - category: timeliness\n")
    write(tmp_path, "002-b.txt", "Clean note.\n")
    write(tmp_path, "002-b.expected.yaml", "about: clean\nfindings: []\n")
    write(tmp_path, "README.md", "# not a note\n")
    notes = load_corpus(tmp_path)
    assert [n.path.name for n in notes] == ["001-a.md", "002-b.txt"]
    assert notes[0].expected == [Expected("stigmatizing-language", text="non-compliant"),
                                 Expected("missing-element", element="work_status"), Expected("timeliness")]
    assert notes[1].expected == []


@pytest.mark.parametrize(("label", "message"), [
    ("findings:\n  - category: spelling\n", "findings[0].category: unknown category 'spelling'"),
    ("findings:\n  - category: missing-element\n    element: shoe_size\n", "findings[0].element: 'shoe_size'"),
    ("findings:\n  - category: attribution\n    text: not in the note\n", "findings[0].text: 'not in the note' not found"),
    ("findings:\n  - category: attribution\n", "findings[0].text: required for attribution"),
    ("findings:\n  - category: timeliness\n    text: HEP\n", "findings[0].text: timeliness is about the whole note"),
    ("findings:\n  - category: attribution\n    txt: HEP\n", "findings[0].txt: unknown key"),
    ("about: x\n", "findings: missing"),
    ("findings: [\n", "not valid YAML"),
])
def test_bad_label_file_is_one_line_naming_file_and_field(tmp_path, label, message):
    corpus(tmp_path, label)
    with pytest.raises(NoteassistError) as info:
        load_corpus(tmp_path)
    text = str(info.value)
    assert "001-a.expected.yaml" in text and message in text and "\n" not in text


def test_label_without_note_and_note_without_label(tmp_path):
    write(tmp_path, "001-a.expected.yaml", "findings: []\n")
    with pytest.raises(NoteassistError, match=r"001-a.expected.yaml: no note 001-a.md"):
        load_corpus(tmp_path)
    (tmp_path / "001-a.expected.yaml").unlink()
    write(tmp_path, "002-b.md", "text\n")
    with pytest.raises(NoteassistError, match=r"002-b.md: no label file 002-b.expected.yaml"):
        load_corpus(tmp_path)


# --- command line ----------------------------------------------------------------------------------

@pytest.fixture
def fake_linter(monkeypatch):
    """Replace the real linter: `set(findings)` decides what it returns for every note."""
    state = {"findings": []}

    class Linter(FakeLinter):
        def __init__(self):
            super().__init__({})

        def lint_many(self, notes):
            return [FakeResult(list(state["findings"])) for _ in notes]

    monkeypatch.setattr("noteassist.lint.engine.Linter", Linter)
    return state


def test_exit_0_when_all_categories_pass(tmp_path, fake_linter, capsys):
    corpus(tmp_path, "findings:\n  - category: timeliness\n")
    fake_linter["findings"] = [finding("timeliness", rule="NA811")]
    assert qa.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "timeliness" in out and "PASS" in out


def test_exit_1_below_threshold_and_verbose_lists_misses(tmp_path, fake_linter, capsys):
    corpus(tmp_path, "findings:\n  - category: stigmatizing-language\n    text: non-compliant\n")
    fake_linter["findings"] = [span(NOTE, "It was noted", "attribution", rule="NA601")]
    assert qa.main([str(tmp_path), "--verbose"]) == 1
    out = capsys.readouterr().out
    assert "001-a.md:1: NA601 It was noted" in out
    assert "001-a.md:1: stigmatizing-language non-compliant" in out
    assert "FAIL" in out


def test_thresholds_are_options(tmp_path, fake_linter):
    corpus(tmp_path, "findings:\n  - category: timeliness\n  - category: timeliness\n")
    fake_linter["findings"] = [finding("timeliness")]
    assert qa.main([str(tmp_path)]) == 1  # recall 0.5
    assert qa.main([str(tmp_path), "--min-recall", "0.5"]) == 0


def test_exit_2_on_bad_input(tmp_path, fake_linter, capsys):
    corpus(tmp_path, "findings:\n  - category: nonsense\n")
    assert qa.main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "001-a.expected.yaml" in err
    assert qa.main([str(tmp_path / "missing")]) == 2


# --- error-level precision and several corpora ---------------------------------------------------------

def test_error_level_precision_counts_only_error_findings():
    right = Finding("NA404", "stigmatizing-language", "error", "m", NOTE.index("non-compliant"),
                    NOTE.index("non-compliant") + 13, "non-compliant")
    wrong = Finding("NA101", "missing-element", "error", "m", 0, 0, "", extra={"element": "plan"})
    warning = span(NOTE, "It was noted", "attribution", rule="NA601")  # a wrong warning: not an error
    ev = evaluate([note([Expected("stigmatizing-language", text="non-compliant")])],
                  FakeLinter({"001-a.md": [right, wrong, warning]}))
    assert (ev.errors_overall.predicted, ev.errors_overall.tp) == (2, 1)
    assert ev.errors_overall.precision == 0.5
    assert (ev.errors["stigmatizing-language"].predicted, ev.errors["stigmatizing-language"].tp) == (1, 1)
    assert ev.errors["missing-element"].precision == 0.0
    table = qa.format_table(ev)
    assert "err prec" in table
    assert "error-level findings: 2 predicted, 1 expected by a reviewer, precision 0.50 (target 0.97)" in table
    assert sorted(m.severity for m in ev.false_positives) == ["error", "warning"]


def test_several_corpus_folders_are_each_one_batch_and_added_up(tmp_path, monkeypatch, capsys):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    corpus(first, "findings:\n  - category: timeliness\n")
    corpus(second, "findings: []\n", stem="002-b")
    batches = []

    class Linter(FakeLinter):
        def __init__(self):
            super().__init__({})

        def lint_many(self, notes):
            notes = list(notes)
            batches.append([Path(n.path).name for n in notes])
            return [FakeResult([Finding("NA811", "timeliness", "error", "m", 0, 0, "")]) for _ in notes]

    monkeypatch.setattr("noteassist.lint.engine.Linter", Linter)
    assert qa.main([str(first), str(second), "--verbose"]) == 1  # the second note's finding is a false positive
    out = capsys.readouterr().out
    assert batches == [["001-a.md"], ["002-b.md"]]
    assert f"{first}: 1 notes" in out and f"{second}: 1 notes" in out and "all corpora: 2 notes" in out
    combined = out.split("all corpora")[1]
    assert "error-level findings: 2 predicted, 1 expected by a reviewer, precision 0.50" in combined
    assert "error-level false positives (1 of 2 error-level findings" in out
    assert "002-b.md:1: NA811" in out.split("error-level false positives")[1]


def test_combine_adds_counts_and_misses():
    a = evaluate([note([Expected("timeliness")])], FakeLinter({"001-a.md": [finding("timeliness")]}))
    b = evaluate([note([], path="002-b.md")], FakeLinter({"002-b.md": [finding("timeliness")]}))
    total = qa.combine([a, b])
    c = total.categories["timeliness"]
    assert (total.notes, c.expected, c.predicted, c.tp) == (2, 1, 2, 1)
    assert (total.overall.predicted, total.overall.tp) == (2, 1)
    assert [m.path for m in total.false_positives] == ["002-b.md"]


def test_a_corpus_written_as_of_a_date_judges_the_future_from_that_date(tmp_path):
    from noteassist.eval.evaluate import LabelError
    from noteassist.lint.config import LintConfig
    from noteassist.lint.engine import Linter

    note = "---\ndate_of_service: 2031-01-05\n---\nCalled the client about the lease; next call 01/12/2031.\n"
    (tmp_path / "001-future.md").write_text(note, encoding="utf-8")
    (tmp_path / "001-future.expected.yaml").write_text("about: dated in 2031\nfindings: []\n", encoding="utf-8")
    linter = Linter(LintConfig(select=["NA803"]))
    assert evaluate(load_corpus(tmp_path), linter).categories["date-logic"].predicted == 1  # the machine's today
    (tmp_path / "corpus.yaml").write_text("as_of: 2031-01-06\n", encoding="utf-8")
    assert evaluate(load_corpus(tmp_path), linter).categories["date-logic"].predicted == 0
    (tmp_path / "corpus.yaml").write_text("as_of: next week\n", encoding="utf-8")
    with pytest.raises(LabelError, match="corpus.yaml: as_of: expected a date"):
        load_corpus(tmp_path)
