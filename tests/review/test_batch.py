"""The QA worker: `lint_batch` in spaCy memory zones gives the rows it gives without them (issue 13 item 1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

# A fresh process, so that the first Linter is built by lint_batch itself: if a rule compiled its matchers on
# the first note, inside the first batch's zone, their strings would be freed and later batches would fail.
SCRIPT = """
import json, sys
from noteassist.review import batch
from noteassist.review.inputs import iter_qa_records

records = list(iter_qa_records(sys.argv[1:]))
config = batch.BatchConfig()
def rows():
    return [row for i in range(0, len(records), 16) for row in batch.lint_batch(records[i:i + 16], config)]
zoned = rows()
assert batch._has_memory_zone(batch._linter(config))
batch._has_memory_zone = lambda linter: False
print(json.dumps({"zoned": zoned, "plain": rows()}))
"""


def test_batches_in_memory_zones_lint_as_without_them():
    files = sorted(str(p) for p in CORPUS.rglob("*.md"))[:48]
    assert len(files) == 48
    done = subprocess.run([sys.executable, "-c", SCRIPT, *files], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert [r for r in result["zoned"] if r["kind"] == "error"] == []
    assert result["zoned"] == result["plain"]
    assert sum(r["kind"] == "finding" for r in result["zoned"]) > 0
