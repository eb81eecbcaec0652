"""Gaps in service: more than --gap-days days with no record from any linked agency."""

from __future__ import annotations

import datetime as dt

from helpers import AS_OF, EXPORTS, run

from noteassist.history.timeline import gaps


def test_gaps_between_consecutive_dates():
    days = [dt.date(2026, 1, 1), dt.date(2026, 1, 31), dt.date(2026, 3, 5), dt.date(2026, 3, 5)]
    found = gaps(days, 30)
    assert [(g.start, g.end, g.days) for g in found] == [(dt.date(2026, 1, 31), dt.date(2026, 3, 5), 33)]
    assert gaps(days, 33) == []


def test_gap_is_in_the_timeline_and_configurable(tmp_path):
    out = tmp_path / "h.html"
    args = [*EXPORTS, "--client", "Maria Garcia-Lopez", "--dob", "1985-03-14", "--as-of", AS_OF, "-o", out]
    assert run(*args).exit_code == 0
    assert "Gap in service: no recorded contact for 49 days (2026-03-24 to 2026-05-12)" in out.read_text()
    assert run(*args, "--gap-days", "60", "--force").exit_code == 0
    assert "Gap in service" not in out.read_text()
