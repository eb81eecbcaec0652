"""The README is the first thing a new user reads: its two set-up commands come first, sections appear once."""

from __future__ import annotations

import collections

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_starts_with_make_demo_and_make_test():
    opening = README.split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split()[:2] for line in opening.strip().splitlines()] == [["make", "demo"], ["make", "test"]]


def test_every_section_appears_once():
    headings = collections.Counter(line for line in README.splitlines() if line.startswith("## "))
    assert [h for h, n in headings.items() if n > 1] == []


def test_pictures_it_shows_exist():
    import re

    for path in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README):
        assert (ROOT / path).is_file(), path
