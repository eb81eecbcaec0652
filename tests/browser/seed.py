"""The browser tests' database: people of every role with one password, the example claim on alice's
caseload with its contacts stored, a claim of bob's she must not see, a contact whose follow-up task is
overdue today, a draft with flagged words, a signed note and a quick capture's draft to complete. Made through noteassist.app, like any client.

`seed(url)` migrates the database at `url`, fills it and returns the ids the tests navigate to."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLAIM_FOLDER = ROOT / "examples" / "claims" / "WC-2231-0457"

PASSWORD = "correct horse 12"
#: username -> role, in creation order.
PEOPLE = {"root": "admin", "sue": "supervisor", "alice": "case_manager", "bob": "case_manager",
          "audrey": "auditor"}

ALICE_CLAIM = "WC-2231-0457"
ALICE_CLAIMANT = "Maria Diaz"
BOB_CLAIM = "WC-3108-2214"
BOB_CLAIMANT = "Daniel Okafor"

#: The follow-up task left undone on a recent call: due yesterday, so the day view shows it overdue.
OVERDUE_TASK = "call Dr. Lee's office to confirm the pre-operative appointment time"
#: Appended to the drafted physician-visit note: words the linter flags (NA402, with suggestions).
FLAGGED_SENTENCE = "She c/o pain at night and was non-compliant with her home exercise program."


def _facts_data(name: str) -> dict:
    from noteassist.facts.load import read_facts_data

    return read_facts_data(CLAIM_FOLDER / name)[1]


def _as_other_claim(data: dict) -> dict:
    """A facts or claim mapping moved onto bob's claim (another number, another claimant)."""
    data = copy.deepcopy(data)
    data["claim"]["claim_number"] = BOB_CLAIM
    data["claimant"]["name"] = BOB_CLAIMANT
    return data


def overdue_call(today: date) -> dict:
    """A telephonic contact three days ago whose one follow-up task fell due yesterday."""
    data = _facts_data("2026-11-30-telephonic-adjuster.yaml")
    data["encounter"]["date"] = today - timedelta(days=3)
    data["follow_up"] = [{"task": OVERDUE_TASK, "owner": "Jordan Patel", "due": today - timedelta(days=1)}]
    data.pop("decisions_requested", None)
    return data


def seed(url: str, today: date | None = None) -> dict:
    """Migrate and fill the database at `url`; the ids of what was made (see the module docstring)."""
    from noteassist.app import accounts, capture, caseload
    from noteassist.app.draft import draft_rendered
    from noteassist.facts.load import read_facts_data, validate_facts
    from noteassist.render import provenance_map
    from noteassist.settings import Settings
    from noteassist.storage import make_engine, session_factory, upgrade

    today = today or date.today()
    time_format = Settings().lint.time_format
    upgrade(url)
    engine = make_engine(url)
    ids: dict = {"users": {}, "tokens": {}, "claims": {}, "contacts": {}, "drafts": {}, "notes": {}}
    try:
        with session_factory(engine)() as s, s.begin():
            people = {}
            for username, role in PEOPLE.items():
                people[username] = accounts.create_user(s, None, username, role, display_name=username.title(),
                                                        password=PASSWORD)
                ids["users"][username] = people[username].id
                ids["tokens"][username] = accounts.create_token(s, None, username, "browser tests")[1]
            alice, bob, sue = people["alice"], people["bob"], people["sue"]

            record = read_facts_data(CLAIM_FOLDER / "claim.yaml")[1]
            claim = caseload.create_claim(s, sue, ALICE_CLAIM, ALICE_CLAIMANT, record, ["alice"])
            ids["claims"]["alice"] = claim.id
            for path in sorted(CLAIM_FOLDER.glob("2026-*.yaml")):
                contact = caseload.add_contact(s, alice, claim.id, validate_facts(_facts_data(path.name), path.name))
                ids["contacts"][path.stem] = contact.id
            overdue = caseload.add_contact(s, alice, claim.id, validate_facts(overdue_call(today), "overdue call"))
            ids["contacts"]["overdue"] = overdue.id

            other = caseload.create_claim(s, sue, BOB_CLAIM, BOB_CLAIMANT, _as_other_claim(record), ["bob"])
            ids["claims"]["bob"] = other.id
            bob_facts = validate_facts(_as_other_claim(_facts_data("2026-10-16-physician-visit.yaml")), "bob")
            ids["contacts"]["bob"] = caseload.add_contact(s, bob, other.id, bob_facts).id

            def drafted(contact_id: int, extra: str = "") -> int:
                """A draft of the contact's note as POST /v1/claims/{id}/drafts makes it, plus `extra`."""
                facts = caseload.contact_facts(caseload.get_contact(s, alice, contact_id))
                note = draft_rendered(facts, None, time_format=time_format)
                text = note.text.rstrip("\n") + (f"\n\n{extra}\n" if extra else "\n")
                version = caseload.create_draft(s, alice, claim.id, contact_id, text,
                                                provenance_map(note)["sentences"], note.template)
                return version.draft_id

            ids["drafts"]["findings"] = drafted(ids["contacts"]["2026-11-20-physician-visit"], FLAGGED_SENTENCE)
            signed_draft = drafted(ids["contacts"]["2026-11-24-telephonic-surgery-coordinator"])
            ids["drafts"]["signed"] = signed_draft
            ids["notes"]["signed"] = caseload.sign_draft(s, alice, signed_draft, 1, late_entry_hours=24).id
            called = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=2)
            ids["drafts"]["capture"] = capture.quick_capture(
                s, alice, claim.id, "Dr. Lee's office", called, "surgery moved to December 17; pre-op visit Dec 11",
                time_format=time_format).id
    finally:
        engine.dispose()
    ids["overdue_task"] = OVERDUE_TASK
    ids["claim_numbers"] = {"alice": ALICE_CLAIM, "bob": BOB_CLAIM}
    #: Text that must never appear in the server's log: claimants' names, claim numbers, a date of birth,
    #: words of a note.
    ids["phi"] = [ALICE_CLAIMANT, BOB_CLAIMANT, "Diaz", "Okafor", ALICE_CLAIM, BOB_CLAIM,
                  str(record["claimant"]["date_of_birth"]), "non-compliant with her home exercise",
                  "surgery moved to December 17"]
    return ids
