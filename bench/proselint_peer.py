"""proselint 0.16 on the same texts as bench/qa.py, run in the benchmark's own environment (proselint is a peer
for comparison, never a dependency of noteassist): `PYTHON bench/proselint_peer.py TEXTS.json` prints
`seconds findings` for linting every text of the JSON list once with proselint's default checks."""

from __future__ import annotations

import json
import sys
import time


def main() -> int:
    from proselint.checks import __register__ as register
    from proselint.registry import CheckRegistry
    from proselint.tools import LintFile

    CheckRegistry().register_many(register)
    texts = json.loads(open(sys.argv[1], encoding="utf-8").read())
    start = time.perf_counter()
    found = sum(len(LintFile("<note>", text).lint()) for text in texts)
    print(f"{time.perf_counter() - start:.3f} {found}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
