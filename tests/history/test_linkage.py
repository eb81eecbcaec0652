"""Linkage on the example exports against the hand-labelled truth file (truth.csv)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from helpers import AS_OF, EXPORTS, QUERIES, run

from noteassist.history.link import DEFAULT_THRESHOLD, link, make_probe, profiles
from noteassist.history.load import load_exports

TRUTH = Path(__file__).with_name("truth.csv")


def _truth() -> dict[str, set[str]]:
    truth: dict[str, set[str]] = {}
    with TRUTH.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["same_client"] == "1":
                truth.setdefault(row["query"], set()).add(row["record"])
    return truth


def _merged(client: str, dob: str, threshold: float = DEFAULT_THRESHOLD) -> set[str]:
    loaded = load_exports(EXPORTS)
    assert loaded.errors == []
    found = profiles(loaded.records)
    linked = link(found, make_probe(client, dt.date.fromisoformat(dob), found), threshold=threshold)
    return {record.key for profile in linked.merged for record in profile.records}


def test_precision_and_recall_on_the_example_exports():
    truth = _truth()
    true_positive = predicted = actual = 0
    for query, (client, dob) in QUERIES.items():
        merged = _merged(client, dob)
        assert merged <= truth[query], f"{query}: merged records of someone else: {merged - truth[query]}"
        true_positive += len(merged & truth[query])
        predicted += len(merged)
        actual += len(truth[query])
    assert true_positive / predicted == 1.0
    assert true_positive / actual >= 0.9


@pytest.mark.parametrize("query, record", [
    ("robert", "harbor-housing.jsonl:6"),   # "Bob Thomson", no dob: nickname and a typo
    ("robert", "new-dawn-recovery.csv:5"),  # dob 1972-11-20 for 1972-11-02: two digits swapped
    ("maria", "new-dawn-recovery.csv:2"),   # first and last names swapped
    ("maria", "harbor-housing.jsonl:2"),    # "Garcia" for "Garcia-Lopez": one part of the surname
])
def test_name_variations_are_linked(query, record):
    assert record in _merged(*QUERIES[query])


def test_below_threshold_is_not_merged_and_is_reported(tmp_path):
    # Mary Garcia-Lopez at Riverside, no dob, scores about 0.81: close, but another person (truth.csv).
    out = tmp_path / "h.html"
    result = run(*EXPORTS, "--client", "Maria Garcia-Lopez", "--dob", "1985-03-14", "--as-of", AS_OF, "-o", out)
    assert result.exit_code == 0, result.output
    assert "possible match, not merged (score 0.81): Riverside Community Mental Health Center, client id RC-1033" \
        in result.stderr
    page = out.read_text()
    assert "possible match, not merged (score 0.81)" in page
    assert "grief counselling" not in page  # a possible match's records are never shown


def test_the_threshold_is_configurable_and_said(tmp_path):
    assert "riverside-cmhc.csv:8" in _merged(*QUERIES["maria"], threshold=0.8)
    out = tmp_path / "h.html"
    result = run(*EXPORTS, "--client", "Maria Garcia-Lopez", "--dob", "1985-03-14", "--as-of", AS_OF,
                 "--threshold", "0.8", "-o", out)
    assert result.exit_code == 0
    assert "Merge threshold</th><td>0.80" in out.read_text()


def test_client_by_id_with_another_dob_is_refused(tmp_path):
    result = run(*EXPORTS, "--client", "RC-1017", "--dob", "1980-01-01", "-o", tmp_path / "h.docx")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "noteassist: --client RC-1017: Riverside Community Mental Health Center records give date of birth "
        "1972-11-02, not --dob 1980-01-01"]
    assert not (tmp_path / "h.docx").exists()


def test_client_by_id_links_the_other_agencies(tmp_path):
    out = tmp_path / "h.html"
    result = run(*EXPORTS, "--client", "Riverside Community Mental Health Center:RC-1017", "--dob", "1972-11-02",
                 "--as-of", AS_OF, "-o", out)
    assert result.exit_code == 0, result.output
    assert "client id RC-1017, client id given" in out.read_text()
