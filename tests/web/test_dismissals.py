"""Dismissing a finding with a reason: POST/GET /v1/drafts/{id}/dismissals, per role, audited with ids only,
refused on a signed draft, and GET /v1/rules giving the explanation the editor's card shows."""

from __future__ import annotations

import pytest
from service.service_api import CLAIM, claim_json, error_code, facts_json, start_api


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    yield from start_api(tmp_path_factory.mktemp("dismissals"))


@pytest.fixture(scope="module")
def draft(api):
    """A draft of the example claim's physician visit, on alice's caseload."""
    claim = api.post("alice", "/v1/claims", json={"record": claim_json()}).json()
    facts = facts_json(CLAIM / "2026-11-20-physician-visit.yaml")
    contact = api.post("alice", f"/v1/claims/{claim['id']}/contacts", json={"facts": facts}).json()
    response = api.post("alice", f"/v1/claims/{claim['id']}/drafts", json={"contact_id": contact["id"]})
    assert response.status_code == 201, response.text
    return response.json()


def dismissal(**changes):
    return {"version": 1, "code": "NA201", "quote": "relayed", "start": 10, "end": 17,
            "reason": "each 'relayed' names who said it", **changes}


def test_the_case_manager_dismisses_a_finding_and_everyone_who_reads_the_draft_sees_it(api, draft):
    response = api.post("alice", f"/v1/drafts/{draft['id']}/dismissals", json=dismissal())
    assert response.status_code == 201, response.text
    made = response.json()
    assert {k: made[k] for k in ("draft_id", "version", "code", "quote", "start", "end", "reason")} == {
        "draft_id": draft["id"], **dismissal()}
    second = api.post("alice", f"/v1/drafts/{draft['id']}/dismissals",
                      json=dismissal(code="na101", quote="restrictions", start=0, end=0, reason="stated above"))
    assert second.status_code == 201 and second.json()["code"] == "NA101"
    for who in ("alice", "sue"):
        listed = api.get(who, f"/v1/drafts/{draft['id']}/dismissals")
        assert listed.status_code == 200
        assert [d["id"] for d in listed.json()] == [made["id"], second.json()["id"]]


def test_the_dismissal_is_audited_with_ids_only(api, draft):
    api.post("alice", f"/v1/drafts/{draft['id']}/dismissals", json=dismissal(reason="a private reason 4711"))
    events = api.get("audrey", "/v1/audit?limit=1000").json()
    mine = [e for e in events if e["action"] == "finding.dismiss"]
    assert mine and all(e["entity"] == "draft" and e["entity_id"] == str(draft["id"]) for e in mine)
    assert "4711" not in str(events) and "relayed" not in str(events)


@pytest.mark.parametrize("who, status", [("bob", 404), ("sue", 403), ("root", 403), ("audrey", 403)])
def test_only_the_claims_case_manager_dismisses(api, draft, who, status):
    response = api.post(who, f"/v1/drafts/{draft['id']}/dismissals", json=dismissal())
    assert response.status_code == status, response.text


def test_another_case_manager_cannot_list_them(api, draft):
    assert api.get("bob", f"/v1/drafts/{draft['id']}/dismissals").status_code == 404
    assert api.get("audrey", f"/v1/drafts/{draft['id']}/dismissals").status_code == 403


@pytest.mark.parametrize("body, field", [
    (dismissal(reason=""), "reason"), (dismissal(reason="   "), "reason"), (dismissal(version=0), "version"),
    (dismissal(start=-1), "start"), (dismissal(start=9, end=3), "end"), (dismissal(version=99), None),
    (dismissal(code=""), "code"), (dismissal(quote="x" * 2001), "quote")])
def test_a_bad_dismissal_names_the_field(api, draft, body, field):
    response = api.post("alice", f"/v1/drafts/{draft['id']}/dismissals", json=body)
    if field is None:  # a version the draft does not have
        assert response.status_code == 404 and error_code(response) == "not_found"
    else:
        assert response.status_code == 422, response.text
        assert response.json()["error"]["field"] == field


def test_a_signed_drafts_findings_cannot_be_dismissed(api, tmp_path_factory):
    claim = api.post("alice", "/v1/claims", json={"record": {**claim_json(), "claim": {
        **claim_json()["claim"], "claim_number": "WC-7777-0001"}}})
    assert claim.status_code == 201, claim.text
    made = api.post("alice", f"/v1/claims/{claim.json()['id']}/drafts", json={"text": "Called the adjuster."}).json()
    signed = api.post("alice", f"/v1/drafts/{made['id']}/sign", json={"version": 1, "override_reason": "test"})
    assert signed.status_code in (200, 201), signed.text
    response = api.post("alice", f"/v1/drafts/{made['id']}/dismissals", json=dismissal())
    assert response.status_code == 409 and error_code(response) == "conflict"


def test_rules_give_the_explanation_the_card_shows(api):
    response = api.get("alice", "/v1/rules")
    assert response.status_code == 200
    rules = {r["code"]: r for r in response.json()}
    assert rules["NA501"]["category"] == "do-not-use-abbreviation"
    assert "Do Not Use" in rules["NA501"]["summary"] and rules["NA501"]["explanation"]
    assert rules["NA501"]["bad"] and rules["NA501"]["good"] and rules["NA501"]["enabled"] is True
    assert api.get(None, "/v1/rules").status_code == 401


def test_undoing_a_dismissal_shows_the_finding_again_and_keeps_both_on_record(api, draft):
    made = api.post("alice", f"/v1/drafts/{draft['id']}/dismissals",
                    json=dismissal(code="NA402", quote="complains of", reason="quoting the form")).json()
    assert made["id"] in [d["id"] for d in api.get("alice", f"/v1/drafts/{draft['id']}/dismissals").json()]
    for who, status in (("bob", 404), ("sue", 403), ("audrey", 403)):
        assert api.delete(who, f"/v1/drafts/{draft['id']}/dismissals/{made['id']}").status_code == status
    response = api.delete("alice", f"/v1/drafts/{draft['id']}/dismissals/{made['id']}")
    assert response.status_code == 204, response.text
    assert made["id"] not in [d["id"] for d in api.get("sue", f"/v1/drafts/{draft['id']}/dismissals").json()]
    again = api.delete("alice", f"/v1/drafts/{draft['id']}/dismissals/{made['id']}")
    assert again.status_code == 409 and error_code(again) == "conflict"
    assert api.delete("alice", f"/v1/drafts/{draft['id']}/dismissals/999999").status_code == 404
    events = [e["action"] for e in api.get("audrey", "/v1/audit?limit=1000").json()]
    assert "finding.undismiss" in events and "finding.dismiss" in events
