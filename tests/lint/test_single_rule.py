"""Every rule declares what it reads from the parse (`Rule.reads`), and the engine runs only the components
that assign those reads. Run alone (`--select CODE`), a rule must therefore find exactly what it finds in a
full run on the labelled corpus: a rule that reads something it did not declare (a lemma, a dependency,
`token.sent`) gets no such annotation when alone, so its findings change or spaCy raises (E030 for
sentences), and this test names it.

One legitimate difference, by design: NA304 (hard sentence) stays quiet on a sentence NA303 (long sentence)
already flags, when NA303 is enabled; alone, it may also flag those sentences.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import pytest

from noteassist.errors import NoteassistError
from noteassist.eval.evaluate import lint_corpus, load_corpus
from noteassist.lint import Linter
from noteassist.lint.config import LintConfig
from noteassist.lint.registry import all_rules

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _by_rule(results) -> dict[str, dict[str, set[str]]]:
    """rule -> note path -> findings (as sorted JSON, so they compare whole)."""
    found: dict[str, dict[str, set[str]]] = {}
    for result in results:
        for finding in result.findings:
            found.setdefault(finding.rule, {}).setdefault(result.path, set()).add(
                json.dumps(finding.to_dict(), sort_keys=True))
    return found


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def full_run(corpus, linter):
    return _by_rule(lint_corpus(corpus, linter))


class _ParseOnce:
    """A linter's pipeline that parses each text once per set of components and hands the same Docs to the
    next linter with the same components: a parse depends on its components only, never on the rules, and
    the rules need only a few sets, so the corpus is parsed a few times instead of once per rule."""

    docs: ClassVar[dict[tuple[tuple[str, ...], str], object]] = {}

    def __init__(self, pipeline):
        self.pipeline, self.components = pipeline, pipeline.components

    def pipe(self, texts, batch_size: int = 32):
        texts = list(texts)
        new = [text for text in dict.fromkeys(texts) if (self.components, text) not in self.docs]
        for text, doc in zip(new, self.pipeline.pipe(new, batch_size=batch_size)):
            self.docs[(self.components, text)] = doc
        return iter([self.docs[(self.components, text)] for text in texts])


def _alone(corpus, code: str) -> tuple[Linter, dict[str, set[str]]]:
    alone = Linter(LintConfig(select=[code]))
    assert [rule.code for rule in alone.rules] == [code]
    alone.pipeline = _ParseOnce(alone.pipeline)
    return alone, _by_rule(lint_corpus(corpus, alone)).get(code, {})


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_a_rule_alone_finds_what_it_finds_in_the_full_run(code, corpus, full_run):
    alone, found = _alone(corpus, code)
    expected = full_run.get(code, {})
    if code == "NA304":
        # Alone, NA304 may also flag a sentence NA303 flags in the full run; nothing else may differ.
        long_sentences = {(f["start"], f["end"]) for path in full_run.get("NA303", {}) for f in map(json.loads, full_run["NA303"][path])}
        for path in set(found) | set(expected):
            extra = found.get(path, set()) - expected.get(path, set())
            assert expected.get(path, set()) <= found.get(path, set()), path
            assert all((json.loads(f)["start"], json.loads(f)["end"]) in long_sentences for f in extra), path
        return
    differences = [f"{path}: {'only alone' if f in found.get(path, ()) else 'only in the full run'} {f}"
                   for path in sorted(set(found) | set(expected))
                   for f in sorted(found.get(path, set()) ^ expected.get(path, set()))]
    assert not differences, f"{code} with components {alone.components}:\n" + "\n".join(differences)


def test_the_check_catches_a_rule_that_reads_more_than_it_declares(corpus, full_run, monkeypatch):
    """NA603 reads `token.sent`; declared without "doc.sents", run alone it has no sentence boundaries."""
    rule = all_rules()["NA603"]
    monkeypatch.setattr(rule, "reads", frozenset({"token.lemma"}))
    with pytest.raises(NoteassistError, match="E030"):  # the engine reports the rule's ValueError for the note
        _alone(corpus, "NA603")


def test_the_check_catches_a_rule_that_misses_an_attribute_it_reads(corpus, full_run, monkeypatch):
    """NA201 counts verbs by lemma; without "token.lemma" no lemmatizer runs and its findings change.

    (Lemmas, not the parse: a Doc read for dependencies it was never parsed for can crash spaCy itself, which
    is why a rule's reads are declared and the engine builds the pipeline from them.)"""
    rule = all_rules()["NA201"]
    monkeypatch.setattr(rule, "reads", rule.reads - {"token.lemma"})
    alone, found = _alone(corpus, "NA201")
    assert "lemmatizer" not in alone.components
    assert found != full_run["NA201"]


def test_rules_that_judge_text_alone_run_without_a_model_component(corpus):
    """Readability, dates, claim numbers, privacy and abbreviations read the text layer only."""
    for code in ("NA301", "NA302", "NA303", "NA304", "NA501", "NA701", "NA801", "NA901", "NA902"):
        assert Linter(LintConfig(select=[code])).components == (), code
