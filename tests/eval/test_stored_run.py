"""`make eval` gives the same findings, note for note, as the stored run (tests/eval/stored_run.json).

The stored run was taken before the engine was reshaped (one text layer, declared needs, an immutable
engine): any change to what the rules find on the labelled corpus shows up here as a named difference.
Regenerate it deliberately, with a reason in the commit, by `python tests/eval/test_stored_run.py --write`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STORED = HERE / "stored_run.json"
CORPUS = HERE.parent / "corpus"


def current_run(linter=None) -> dict:
    from noteassist.eval.evaluate import load_corpus, lint_corpus

    notes = load_corpus(CORPUS)
    results = lint_corpus(notes, linter)
    run = {note.path.name: {"note_type": result.note_type, "note_type_source": result.note_type_source,
                            "metrics": result.metrics, "findings": [f.to_dict() for f in result.findings]}
           for note, result in zip(notes, results)}
    # Copy-forward names the earlier note by its path: keep the run independent of where the clone is.
    return json.loads(json.dumps(run).replace(json.dumps(str(CORPUS) + "/")[1:-1], ""))


def test_findings_match_the_stored_run_note_for_note(linter):
    stored = json.loads(STORED.read_text(encoding="utf-8"))
    current = current_run(linter)
    assert sorted(current) == sorted(stored)
    differences = []
    for name in sorted(stored):
        before, after = stored[name], current[name]
        for key in ("note_type", "note_type_source", "metrics"):
            if before[key] != after[key]:
                differences.append(f"{name}: {key} {before[key]!r} -> {after[key]!r}")
        old = {json.dumps(f, sort_keys=True) for f in before["findings"]}
        new = {json.dumps(f, sort_keys=True) for f in after["findings"]}
        differences += [f"{name}: lost {f}" for f in sorted(old - new)]
        differences += [f"{name}: new {f}" for f in sorted(new - old)]
    assert not differences, "\n".join(differences)


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    STORED.write_text(json.dumps(current_run(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
