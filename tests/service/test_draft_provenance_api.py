"""Through the API: a draft's every saved version carries its provenance forward (GET /v1/drafts/{id})."""

from __future__ import annotations

from .service_api import BACKENDS, CLAIM, claim_json, facts_json

pytestmark = BACKENDS


def test_an_autosave_without_provenance_keeps_the_fields_of_unchanged_sentences(api):
    claim = api.post("alice", "/v1/claims", json={"record": claim_json()}).json()
    contact = api.post("alice", f"/v1/claims/{claim['id']}/contacts",
                       json={"facts": facts_json(CLAIM / "2026-10-16-physician-visit.yaml")}).json()
    draft = api.post("alice", f"/v1/claims/{claim['id']}/drafts", json={"contact_id": contact["id"]}).json()
    drafted = {s["text"]: s for s in draft["provenance"]}
    assert all(s["edited"] is False for s in draft["provenance"])
    changed = next(s["text"] for s in draft["provenance"] if s["fields"] and s["text"].startswith("- "))
    text = draft["text"].replace(changed, "- Light duty only.")
    saved = api.put("alice", f"/v1/drafts/{draft['id']}", json={"base_version": 1, "text": text})
    assert saved.status_code == 200, saved.text

    read = api.get("alice", f"/v1/drafts/{draft['id']}").json()
    assert read["version"] == 2 and read["provenance"] == saved.json()["provenance"]
    by_text = {s["text"]: s for s in read["provenance"]}
    assert by_text["- Light duty only."]["fields"] == [] and by_text["- Light duty only."]["edited"] is True
    assert changed not in by_text
    kept = [s for t, s in by_text.items() if t != "- Light duty only."]
    assert kept and all(s["fields"] == drafted[s["text"]]["fields"] and not s["edited"] for s in kept)
    assert sum(bool(s["fields"]) for s in kept) == sum(bool(s["fields"]) for s in drafted.values()) - 1
    # The version the save edited is unchanged.
    assert api.get("alice", f"/v1/drafts/{draft['id']}?version=1").json()["provenance"] == draft["provenance"]
