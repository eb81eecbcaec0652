"""Users, tokens and the audit trail through the API, per role, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from .service_api import BACKENDS, claim_json, error_code

pytestmark = BACKENDS


def test_admins_manage_users_and_no_one_else_does(api):
    response = api.post("root", "/v1/users", json={"username": "carol", "role": "case_manager",
                                                   "display_name": "Carol"})
    assert response.status_code == 201 and response.json()["role"] == "case_manager"
    assert "carol" in [u["username"] for u in api.get("root", "/v1/users").json()]
    for who in ("alice", "sue", "audrey"):
        assert api.get(who, "/v1/users").status_code == 403
        response = api.post(who, "/v1/users", json={"username": f"x{who}", "role": "admin"})
        assert response.status_code == 403 and error_code(response) == "forbidden"
    taken = api.post("root", "/v1/users", json={"username": "carol", "role": "auditor"})
    assert taken.status_code == 422 and taken.json()["error"]["field"] == "username"
    bad_role = api.post("root", "/v1/users", json={"username": "dave", "role": "superuser"})
    assert bad_role.status_code == 422 and bad_role.json()["error"]["field"] == "role"
    assert api.get("alice", "/v1/users/me").json()["username"] == "alice"


def test_a_token_is_shown_once_works_and_stops_working_when_revoked(api):
    response = api.post("root", "/v1/tokens", json={"username": "carol", "name": "laptop"})
    assert response.status_code == 201
    created = response.json()
    token = created["token"]
    assert token.startswith("na_")
    listed = api.get("root", "/v1/tokens").json()
    assert created["id"] in [t["id"] for t in listed] and all("token" not in t for t in listed)
    me = api.client.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["username"] == "carol"
    # A user lists and makes their own tokens, not another's.
    assert api.post("alice", "/v1/tokens", json={"username": "alice", "name": "second"}).status_code == 201
    assert api.post("alice", "/v1/tokens", json={"username": "carol", "name": "mine now"}).status_code == 403
    assert api.get("alice", "/v1/tokens?username=alice").status_code == 200
    assert api.get("alice", "/v1/tokens").status_code == 403
    assert api.delete("alice", f"/v1/tokens/{created['id']}").status_code == 403
    revoked = api.delete("root", f"/v1/tokens/{created['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    after = api.client.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert after.status_code == 401 and error_code(after) == "unauthorized"
    assert api.delete("root", "/v1/tokens/99999").status_code == 404


def test_the_audit_trail_is_read_by_auditors_and_admins_and_holds_ids_only(api):
    claim = api.post("alice", "/v1/claims", json={"record": claim_json()}).json()
    api.get("alice", f"/v1/claims/{claim['id']}")
    for who in ("alice", "sue"):
        response = api.get(who, "/v1/audit")
        assert response.status_code == 403 and error_code(response) == "forbidden"
    events = api.get("audrey", "/v1/audit?limit=1000").json()
    actions = [(e["action"], e["entity"], e["entity_id"]) for e in events]
    assert ("claim.create", "claim", str(claim["id"])) in actions and ("claim.read", "claim", str(claim["id"])) in actions
    # No claim number or name anywhere in the log.
    assert "WC-2231-0457" not in str(events) and "Maria" not in str(events)
    page = api.get("root", f"/v1/audit?after_id={events[0]['id']}&limit=2").json()
    assert [e["id"] for e in page] == [e["id"] for e in events[1:3]]
    assert api.get("audrey", "/v1/audit?limit=0").status_code == 422
    verified = api.get("audrey", "/v1/audit/verify").json()
    assert verified["ok"] is True and verified["checked"] >= len(events)
    assert api.get("alice", "/v1/audit/verify").status_code == 403


@pytest.mark.parametrize("who", ["root", "audrey"])
def test_admins_and_auditors_read_no_case_content(api, who):
    assert api.get(who, "/v1/claims").status_code == 403
