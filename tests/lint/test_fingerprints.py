"""Copy-forward fingerprints are the same in every process, so they can be stored and compared later."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from noteassist.lint.fingerprints import MemoryIndex, claim_key, fingerprint, similarity

BODY = ("Date of service: 11/20/2026. Worker seen by Dr. Lee for the right knee. Pain 4/10 with stairs. "
        "Modified duty with no kneeling continues through 12/18/2026. Next appointment 12/18/2026 at 9:00 AM.")

_CODE = ("from noteassist.lint.fingerprints import fingerprint; import sys; "
         "f = fingerprint(sys.argv[1], path='a', claim_number='WC-1', date_of_service=None); "
         "print(f.digest, sorted(f.shingles)[:5], len(f.shingles))")


def test_fingerprints_do_not_depend_on_the_process_hash_seed():
    outputs = {subprocess.run([sys.executable, "-c", _CODE, BODY], capture_output=True, text=True, check=True,
                              env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout for seed in ("1", "2")}
    assert len(outputs) == 1
    here = fingerprint(BODY, path="a", claim_number="WC-1", date_of_service=None)
    assert outputs.pop().split()[0] == here.digest


def test_dates_and_numbers_do_not_change_the_fingerprint_but_words_do():
    later = BODY.replace("11/20/2026", "11/27/2026").replace("4/10", "3/10")
    a = fingerprint(BODY, path="a", claim_number="WC-1", date_of_service=date(2026, 11, 20))
    b = fingerprint(later, path="b", claim_number="wc 1", date_of_service=date(2026, 11, 27))
    assert a.shingles == b.shingles and a.digest != b.digest and a.claim == b.claim == claim_key("WC1")
    c = fingerprint(BODY.replace("right knee", "left shoulder"), path="c", claim_number="WC-1",
                    date_of_service=None)
    assert 0 < similarity(a.shingles, c.shingles) < 1


def test_the_index_keeps_no_text_and_finds_notes_by_claim():
    index = MemoryIndex()
    first = fingerprint(BODY, path="a", claim_number="WC-1", date_of_service=None, position=0)
    index.add(first)
    index.add(first)  # the same note twice is kept once
    index.add(fingerprint(BODY, path="b", claim_number="WC-2", date_of_service=None, position=1))
    index.add(fingerprint(BODY, path="c", claim_number=None, date_of_service=None, position=2))
    assert [f.path for f in index.on_claim("WC1")] == ["a"] and len(index) == 2
    assert not any(isinstance(value, str) and "Dr. Lee" in value for value in vars(first).values())


def test_a_bounded_index_keeps_the_latest_notes_per_claim():
    index = MemoryIndex(per_claim=3)
    for n in range(10):
        index.add(fingerprint(BODY, path=f"n{n}", claim_number="WC-1", date_of_service=None, position=n))
    index.add(fingerprint(BODY, path="other", claim_number="WC-2", date_of_service=None, position=10))
    assert [f.path for f in index.on_claim("WC1")] == ["n7", "n8", "n9"]
    assert len(index) == 4


def test_the_compact_index_gives_back_what_it_was_given():
    from noteassist.lint.fingerprints import CompactIndex, MemoryIndex, fingerprint

    notes = [fingerprint(f"Called the claimant on 03/0{i}/2026 about therapy; she reported less pain, {i} visits left.",
                         path=f"e.csv#{i}", claim_number="WC-1" if i % 2 else "WC-2", date_of_service=None,
                         position=i) for i in range(1, 8)]
    plain, compact = MemoryIndex(per_claim=3), CompactIndex(per_claim=3)
    for fp in notes:
        plain.add(fp)
        compact.add(fp)
    for claim in ("WC1", "WC2", "WC3"):
        assert list(compact.on_claim(claim)) == list(plain.on_claim(claim))
    assert len(compact) == len(plain) == 6
    assert all(isinstance(fp.shingles, frozenset) and fp.shingles for fp in compact.on_claim("WC1"))
