"""Build small claim folders in tmp_path: claim.yaml plus contacts written from dicts."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CLAIM = ROOT / "examples" / "claims" / "WC-2231-0457"

CLAIM = {"claim_number": "WC-7001-0042", "date_of_injury": "2026-03-02", "carrier": "Lone Star Mutual Insurance"}
CLAIMANT = {"name": "Ana Lopez", "date_of_birth": "1990-07-04"}
CM = {"name": "Jordan Patel", "credentials": "RN, CCM"}


def write_claim(folder: Path, **extra: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = {"schema_version": 2, "claim": CLAIM, "claimant": CLAIMANT, "case_manager": CM, **extra}
    (folder / "claim.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def contact(day: str, note_type: str = "physician-visit", **facts: Any) -> dict[str, Any]:
    """A valid visit-facts mapping for the test claim; keyword arguments add or replace top-level keys."""
    data: dict[str, Any] = {
        "schema_version": 2,
        "claim": copy.deepcopy(CLAIM),
        "claimant": copy.deepcopy(CLAIMANT),
        "case_manager": copy.deepcopy(CM),
        "encounter": {"note_type": note_type, "date": day,
                      "modality": "telephonic" if note_type == "telephonic" else "in-person"},
    }
    if note_type == "telephonic":
        data["encounter"]["purpose"] = "check on progress"
        data["call"] = {"direction": "outbound", "party": {"name": "Karen Whitfield", "role": "adjuster"}}
    data.update(facts)
    return data


def write_contact(folder: Path, name: str, data: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path
