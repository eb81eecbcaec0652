"""One engine per configuration, shared between threads: no per-call toggling of the shared model."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from noteassist.eval.evaluate import lint_corpus, load_corpus
from noteassist.lint import LintConfig, Linter

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _findings(results) -> list[str]:
    return [json.dumps([r.path, [f.to_dict() for f in r.findings]], sort_keys=True) for r in results]


def test_corpus_from_four_threads_with_two_configurations_matches_single_threaded(linter):
    notes = load_corpus(CORPUS)[:40]  # every note type and layout; the whole corpus only takes longer
    # Two configurations whose pipelines differ (every rule; readability and the regex rules, which need
    # fewer components), sharing the process's one model.
    narrow = Linter(LintConfig(select=("NA3", "NA5", "NA7", "NA8", "NA9"), severity={"NA303": "error"}))
    assert narrow.components != linter.components and narrow.pipeline.nlp is linter.pipeline.nlp
    expected = {id(linter): _findings(lint_corpus(notes, linter)), id(narrow): _findings(lint_corpus(notes, narrow))}
    jobs = [linter, narrow, linter, narrow]
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(lambda engine: (engine, _findings(lint_corpus(notes, engine))), jobs))
    for engine, found in runs:
        assert found == expected[id(engine)]


def test_the_configuration_is_frozen_and_variants_are_new_objects():
    import pytest
    from pydantic import ValidationError

    config = LintConfig(ignore=("NA3",))
    with pytest.raises(ValidationError):
        config.ignore = ()
    variant = config.with_changes(ignore=(*config.ignore, "missing-element"))
    assert config.ignore == ("NA3",) and variant.ignore == ("NA3", "missing-element")
