"""Consent filtering: withheld records' text never reaches the DOCX or HTML; Part 2 needs a Part 2 consent."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers import AGENCIES, AS_OF, EXPORTS, docx_xml, run

from noteassist.history.consent import Consent, decide

EXPORTS_ONLY = [p for p in EXPORTS if not p.endswith("consents.csv")]
CONSENTS = str(AGENCIES / "consents.csv")


def _output(tmp_path, suffix, *args):
    out = tmp_path / f"history{suffix}"
    result = run(*args, "--as-of", AS_OF, "-o", out)
    assert result.exit_code == 0, result.output
    return docx_xml(out) if suffix == ".docx" else out.read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", [".docx", ".html"])
def test_withheld_text_never_reaches_the_output(tmp_path, suffix):
    # Robert: Harbor's release expired in 2025; New Dawn (Part 2) has only a general release.
    text = _output(tmp_path, suffix, *EXPORTS, "--client", "Robert Thompson", "--dob", "1972-11-02")
    for secret in ("Outreach contact at the shelter", "housing voucher", "Voucher application",
                   "alcohol use disorder", "relapse prevention", "ND-322", "HH-0057"):
        assert secret not in text
    assert "record withheld: consent expired 2025-01-31" in text
    assert "record withheld: no consent on file" in text
    # A withheld Part 2 program is not named: its name alone says the client is in SUD treatment.
    assert "New Dawn" not in text
    assert "42 CFR part 2 prohibits" not in text
    assert "Telephone check-in; client asked about food assistance." in text  # Riverside: released


@pytest.mark.parametrize("suffix", [".docx", ".html"])
def test_part2_records_with_a_part2_consent_carry_the_notice(tmp_path, suffix):
    text = _output(tmp_path, suffix, *EXPORTS, "--client", "Maria Garcia-Lopez", "--dob", "1985-03-14")
    assert "Group counselling session" in text
    assert "New Dawn Recovery Services" in text
    assert "Notice: 42 CFR Part 2" in text
    assert text.count("42 CFR part 2 prohibits unauthorized use or disclosure of these records.") == 3


@pytest.mark.parametrize("suffix", [".docx", ".html"])
def test_no_consents_file_withholds_everything(tmp_path, suffix):
    text = _output(tmp_path, suffix, *EXPORTS_ONLY, "--client", "Maria Garcia-Lopez", "--dob", "1985-03-14")
    for secret in ("Intake assessment completed", "Rapid rehousing intake", "opioid", "buprenorphine", "Pine Street"):
        assert secret not in text
    assert text.count("record withheld: no consent on file") >= 11


def test_consents_may_come_from_the_option(tmp_path):
    text = _output(tmp_path, ".html", *EXPORTS_ONLY, "--consents", CONSENTS,
                   "--client", "Maria Garcia-Lopez", "--dob", "1985-03-14")
    assert "Rapid rehousing intake" in text


KEY = ("new dawn recovery services", "nd-1")


def _consent(scope, expires):
    return Consent("New Dawn Recovery Services", "ND-1", scope, dt.date.fromisoformat(expires), "c.csv:2")


@pytest.mark.parametrize("consents, part2, shown", [
    ([_consent("part2", "2027-01-01")], True, True),
    ([_consent("general", "2027-01-01")], True, False),     # a general release does not cover Part 2
    ([_consent("part2", "2026-05-31")], True, False),       # expired
    ([_consent("general", "2026-06-01")], False, True),     # in force through its last day
    ([_consent("general", "2026-05-31")], False, False),    # expired
    ([], False, False),
])
def test_decide(consents, part2, shown):
    release = decide(KEY, part2, consents, dt.date(2026, 6, 1))
    assert release.shown is shown
    assert release.part2 is (shown and part2)
    if not shown:
        assert release.reason.startswith("record withheld: ")
        assert release.name_agency is not part2


def test_expired_release_is_withheld_with_its_date():
    release = decide(KEY, False, [_consent("general", "2025-01-31")], dt.date(2026, 6, 1))
    assert release.reason == "record withheld: consent expired 2025-01-31"
