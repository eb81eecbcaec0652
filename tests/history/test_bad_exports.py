"""A bad export is one line naming the file, the line and what was expected; the other files are still used."""

from __future__ import annotations

import shutil

import pytest

from helpers import AGENCIES, AS_OF, run

HEADER = "agency,client_id,first_name,last_name,dob,event,date,text\n"


@pytest.fixture()
def folder(tmp_path):
    for name in ("riverside-cmhc.csv", "consents.csv"):
        shutil.copy(AGENCIES / name, tmp_path / name)
    return tmp_path


def _history(folder, bad_name, content):
    bad = folder / bad_name
    bad.write_text(content, encoding="utf-8")
    out = folder / "out.html"
    result = run(folder / "riverside-cmhc.csv", bad, "--consents", folder / "consents.csv", "--client",
                 "Maria Garcia-Lopez", "--dob", "1985-03-14", "--as-of", AS_OF, "-o", out)
    return result, bad, out


@pytest.mark.parametrize("name, content, message", [
    ("missing.csv", "agency,client_id,first_name,last_name,event,date,text\nA,1,Maria,Garcia,contact,2026-01-01,x\n",
     ":1: missing column dob; expected columns agency, client_id, first_name, last_name, dob, event, date, text"),
    ("date.csv", HEADER + "A,1,Maria,Garcia,1985-03-14,contact,2026-13-01,x\n",
     ":2: field date: '2026-13-01' is not a date; expected YYYY-MM-DD or MM/DD/YYYY"),
    ("dob.csv", HEADER + "A,1,Maria,Garcia,14.3.1985,contact,2026-01-01,x\n",
     ":2: field dob: '14.3.1985' is not a date"),
    ("event.csv", HEADER + "A,1,Maria,Garcia,1985-03-14,visit,2026-01-01,x\n",
     ":2: field event: 'visit' is not an event; expected one of contact, service, referral, goal"),
    ("line.jsonl", '{"agency": "A", "client_id": "1", "first_name": "M", "last_name": "G", "event": "contact", '
     '"date": "2026-01-01"}\n{"agency": "A", "client_id": \n', ":2: not valid JSON"),
    ("referral.jsonl", '{"agency": "A", "client_id": "1", "first_name": "M", "last_name": "G", "event": "referral", '
     '"date": "2026-01-01", "text": "x"}\n', ":1: field referred_to: a referral needs the receiving agency"),
])
def test_bad_export_is_one_line_and_exit_2(folder, name, content, message):
    result, bad, out = _history(folder, name, content)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if not line.startswith(("wrote ", "noteassist: history:"))]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"noteassist: {bad}")
    assert message in errors[0]
    # The other export was still read: the timeline is written, and says a record was left out.
    page = out.read_text()
    assert "Intake assessment completed in office" in page
    assert "could not be read and are not in this timeline" in page


def test_no_readable_export_writes_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,when\nx,y\n", encoding="utf-8")
    result = run(bad, "--client", "A B", "--dob", "1980-01-01", "-o", tmp_path / "out.docx")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(f"noteassist: {bad}:1: missing columns agency, client_id")
    assert not (tmp_path / "out.docx").exists()


def test_bad_consents_row_is_refused_whole(folder):
    (folder / "consents.csv").write_text("agency,client_id,scope,expires\nA,1,everything,2030-01-01\n")
    out = folder / "out.html"
    result = run(folder / "riverside-cmhc.csv", "--consents", folder / "consents.csv", "--client", "RC-1001",
                 "--dob", "1985-03-14", "-o", out)
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"noteassist: {folder / 'consents.csv'}:2: field scope: 'everything'; "
                                     "expected general or part2")
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--dob", "03/14/85"], "noteassist: --dob: '03/14/85' is not a date; expected YYYY-MM-DD or MM/DD/YYYY"),
    (["--dob", "1985-03-14", "-o", "x.pdf"], "noteassist: x.pdf: the history must be a .docx or .html file"),
])
def test_bad_options(folder, args, message):
    argv = [folder / "riverside-cmhc.csv", "--client", "RC-1001", *args]
    if "-o" not in args:
        argv += ["-o", folder / "out.docx"]
    result = run(*argv)
    assert result.exit_code == 2
    assert result.stderr.strip() == message
