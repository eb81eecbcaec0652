"""The day at a glance: tasks due today or overdue (done ones closed by a later contact), contacts without a
signed note with hours since (warning/error from the settings), drafts not signed, reports due from the
claim's cadence, authorizations pending or awaiting appeal; each item links to where it is done; roles."""

from __future__ import annotations

import copy
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from service.service_api import CLAIM, claim_json, facts_json

from .web_client import start_web

TODAY = date.today()


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    yield from start_web(tmp_path_factory.mktemp("web-day"))


def call(on: date, follow_up: list[dict], referrals: list[dict] | None = None, start: str = "09:00") -> dict:
    facts = copy.deepcopy(facts_json(CLAIM / "2026-11-30-telephonic-adjuster.yaml"))
    facts["encounter"]["date"] = on.isoformat()
    facts["encounter"]["start_time"], facts["encounter"]["end_time"] = start, None
    facts["follow_up"] = follow_up
    facts["referrals"] = referrals if referrals is not None else []
    facts["decisions_requested"] = []
    return facts


@pytest.fixture(scope="module")
def claim(web):
    record = claim_json()
    record["previous_report"] = {"number": 1, "date": (TODAY - timedelta(days=33)).isoformat()}
    created = web.api.post("alice", "/v1/claims", json={"record": record})
    assert created.status_code == 201, created.text
    claim_id = created.json()["id"]

    def contact(facts):
        response = web.api.post("alice", f"/v1/claims/{claim_id}/contacts", json={"facts": facts})
        assert response.status_code == 201, response.text
        return response.json()["id"]

    yesterday, last_week = TODAY - timedelta(days=1), TODAY - timedelta(days=7)
    ids = {
        "old": contact(call(last_week, [
            {"task": "fax the work status form to the employer", "owner": "Jordan Patel",
             "due": (TODAY - timedelta(days=3)).isoformat()},
            {"task": "confirm tomorrow's appointment with Dr. Lee", "owner": "Jordan Patel", "due": TODAY.isoformat()},
            {"task": "book the FCE", "owner": "Karen Whitfield", "due": (TODAY + timedelta(days=5)).isoformat()},
        ], referrals=[{"service": "MRI, right shoulder", "status": "non-certified", "reference": "UR-1",
                       "requested": last_week.isoformat(), "decided": last_week.isoformat(),
                       "appeal_deadline": (TODAY - timedelta(days=1)).isoformat()},
                      {"service": "surgery consult", "status": "pending", "reference": "UR-2",
                       "requested": last_week.isoformat()}])),
        # A later call closes the fax task; the appointment task stays open.
        "later": contact(call(yesterday, [
            {"task": "fax the work status form to the employer", "owner": "Jordan Patel",
             "due": (TODAY - timedelta(days=3)).isoformat(), "done": True},
            {"task": "call the pharmacy about the refill", "owner": "Jordan Patel", "due": yesterday.isoformat()},
        ])),
    }
    draft = web.api.post("alice", f"/v1/claims/{claim_id}/drafts", json={"contact_id": ids["later"]})
    assert draft.status_code == 201, draft.text
    ids["draft"] = draft.json()["id"]
    ids["claim"] = claim_id
    return ids


def section(html: str, name: str) -> str:
    match = re.search(rf'<section id="{name}".*?</section>', html, re.DOTALL)
    assert match, f"no section #{name}"
    return match.group(0)


def items(html: str, name: str) -> list[str]:
    return re.findall(r"<li[^>]*>.*?</li>", section(html, name), re.DOTALL)


def test_due_and_overdue_tasks_with_owner_and_link(web, claim):
    html = web.signed_in("alice").get("/").text
    tasks = items(html, "due-tasks")
    text = " ".join(tasks)
    assert "call the pharmacy about the refill" in text and "confirm tomorrow&#39;s appointment with Dr. Lee" in text
    assert "fax the work status form" not in text  # done in a later contact
    assert "book the FCE" not in text  # due in five days
    overdue = next(li for li in tasks if "pharmacy" in li)
    assert 'class="overdue"' in overdue and "Overdue" in overdue and "Owner: Jordan Patel" in overdue
    assert f'href="/claims/{claim["claim"]}#contact-{claim["later"]}"' in overdue
    assert f'href="/capture?claim={claim["claim"]}"' in overdue  # log the follow-up contact from there
    today = next(li for li in tasks if "appointment" in li)
    assert "overdue" not in today and "Due today" in today


def test_contacts_without_a_signed_note_with_hours_and_levels(web, claim):
    html = web.signed_in("alice").get("/").text
    waiting = items(html, "unsigned-contacts")
    old = next(li for li in waiting if f"#contact-{claim['old']}" in li)
    assert "Overdue" in old and "level-error" in old  # 7 days: past the 72-hour error threshold
    last_week = (TODAY - timedelta(days=7)).strftime("%b %-d, %Y")
    assert f"Write the note: Telephonic Contact of {last_week}" in old
    hours = int(re.search(r"(\d+) hours since the contact", old).group(1))
    assert 7 * 24 - 30 <= hours <= 7 * 24 + 30
    later = next(li for li in waiting if f"/drafts/{claim['draft']}" in li)  # a draft was started: go there
    assert "Finish the note" in later
    assert "Warning after 24 hours, error after 72 hours." in section(html, "unsigned-contacts")


def test_open_drafts_reports_due_and_authorizations(web, claim):
    html = web.signed_in("alice").get("/").text
    drafts = " ".join(items(html, "open-drafts"))
    assert f'href="/drafts/{claim["draft"]}"' in drafts
    (report,) = [li for li in items(html, "reports-due") if f"/claims/{claim['claim']}?" in li]
    due = TODAY - timedelta(days=3)  # the previous report 33 days ago, every 30 days
    assert "Overdue" in report and due.isoformat() in report
    auth = items(html, "authorizations")
    mri = next(li for li in auth if "MRI, right shoulder" in li)
    assert "awaiting appeal" in mri and "Overdue" in mri and "UR-1" in mri
    consult = next(li for li in auth if "surgery consult" in li)
    assert "pending" in consult and "Overdue" not in consult


def test_a_case_manager_sees_only_their_caseload_and_a_supervisor_sees_all(web, claim):
    bob = web.signed_in("bob").get("/").text
    assert "call the pharmacy" not in bob and f"/drafts/{claim['draft']}" not in bob
    sue = web.signed_in("sue").get("/").text
    assert "call the pharmacy about the refill" in sue and f"/drafts/{claim['draft']}" in sue
    root = web.signed_in("root").get("/")
    assert root.status_code == 200 and "carries no caseload" in root.text


def test_the_use_case_takes_its_thresholds_and_clock(web, claim):
    from sqlalchemy import select

    from noteassist.app.day import day_at_a_glance
    from noteassist.storage import User, make_engine, session_factory

    engine = make_engine(web.api.url)
    try:
        with session_factory(engine)() as session, session.begin():
            alice = session.scalar(select(User).where(User.username == "alice"))
            later = datetime.now(UTC)
            day = day_at_a_glance(session, alice, today=TODAY, now=later, warn_hours=1000, error_hours=2000)
            assert all(u.level is None for u in day.unsigned_contacts)
            day = day_at_a_glance(session, alice, today=TODAY + timedelta(days=10), now=later)
            assert any(t.task == "book the FCE" and t.overdue for t in day.due_tasks)
    finally:
        engine.dispose()
