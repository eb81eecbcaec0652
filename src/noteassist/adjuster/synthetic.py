"""Write a realistic, deterministic claim folder of any size: the benchmark's 200-contact claim.

`synthetic_claim(tmp_path, contacts=200, months=12)` writes `claim.yaml` and one contact file per
contact (visit facts as YAML, about one in ten as note text only), spread evenly over `months`
months from the date of injury: monthly physician visits, calls with the worker, adjuster,
employer, pharmacy and therapy clinic, a work status that moves from off work to modified duty to
full duty, therapy authorizations with utilization review, barriers, tasks and time. The same
arguments always write the same files, so timings compare across runs.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

CLAIM_NUMBER = "WC-2290-1187"
INJURY = date(2025, 12, 1)

_CLAIM = {
    "claim_number": CLAIM_NUMBER,
    "carrier": "Lone Star Mutual Insurance",
    "adjuster": {"name": "Karen Whitfield", "email": "kwhitfield@lonestarmutual.example", "phone": "512-555-0148"},
    "date_of_injury": INJURY,
    "employer": "Hill Country Builders",
    "jurisdiction": "TX",
    "body_parts": ["lumbar spine"],
    "mechanism_of_injury": "he was carrying a bundle of shingles up a ladder when he slipped and fell about six feet",
}
_CLAIMANT = {"name": "Robert Okafor", "date_of_birth": date(1978, 5, 9), "pronouns": "he/him"}
_CM = {"name": "Jordan Patel", "credentials": "RN, CCM", "organization": "Harbor Case Management"}
_PARTIES = [
    ("Karen Whitfield", "adjuster", "Lone Star Mutual Insurance"),
    ("Lena Brooks", "HR manager", "Hill Country Builders"),
    ("Evan Brooks", "pharmacist", "Northside Community Pharmacy"),
    ("Tamara Ruiz", "medical assistant", "Austin Spine Associates"),
    ("Omar Haddad", "physical therapist", "Capital Rehab Partners"),
    ("Robert Okafor", "injured worker", None),
]
_BARRIERS = [
    ("Mr. Okafor has no car while his truck is being repaired", "logistical",
     "arranged rides to appointments through the transportation vendor"),
    ("the employer has no light work on the roofing crew", "workplace",
     "asked the HR manager about warehouse inventory tasks"),
    ("Mr. Okafor said he is afraid of falling from a ladder again", "psychosocial",
     "asked Dr. Shah about a graded return to ladder work"),
]


def synthetic_claim(tmp_path: Path, contacts: int = 200, months: int = 12, seed: int = 2026) -> Path:
    """Write a claim folder with `contacts` contacts over `months` months under `tmp_path`; return the folder."""
    rng = random.Random(seed)
    folder = Path(tmp_path) / CLAIM_NUMBER
    folder.mkdir(parents=True, exist_ok=True)
    first = INJURY + timedelta(days=7)
    span = max(months * 30, contacts)
    _dump(folder / "claim.yaml", {
        "schema_version": 2, "claim": _CLAIM, "claimant": _CLAIMANT, "case_manager": _CM,
        "referral_date": first - timedelta(days=2), "report_cadence_days": 30,
        "report_recipients": [{"name": "Karen Whitfield", "role": "adjuster",
                               "organization": "Lone Star Mutual Insurance", "delivery": "email"}],
    })
    for n in range(contacts):
        day = first + timedelta(days=n * span // contacts)
        progress = n / max(contacts - 1, 1)
        if n % 10 == 9:
            _note(folder, n, day)
            continue
        kind = "physician-visit" if n % 8 == 0 else "telephonic"
        _dump(folder / f"{day.isoformat()}-{n:03d}-{kind}.yaml", _facts(rng, n, day, kind, progress))
    return folder


def _facts(rng: random.Random, n: int, day: date, kind: str, progress: float) -> dict[str, Any]:
    start_minutes = rng.randrange(8 * 60, 16 * 60, 5)
    length = rng.choice((10, 12, 15, 20, 25)) if kind == "telephonic" else rng.choice((30, 40, 45))
    facts: dict[str, Any] = {
        "schema_version": 2, "claim": _CLAIM, "claimant": _CLAIMANT, "case_manager": _CM,
        "encounter": {
            "note_type": kind, "date": day,
            "start_time": f"{start_minutes // 60:02d}:{start_minutes % 60:02d}",
            "end_time": f"{(start_minutes + length) // 60:02d}:{(start_minutes + length) % 60:02d}",
            "modality": "telephonic" if kind == "telephonic" else "in-person",
        },
    }
    therapy = {"service": "physical therapy, lumbar spine", "quantity": "12 visits",
               "provider": "Capital Rehab Partners", "status": "certified", "reference": f"WCA-26-{5100 + n // 40}",
               "decided": day - timedelta(days=3), "visits_authorized": 12, "visits_used": min(12, (n % 40) // 3)}
    if kind == "telephonic":
        name, role, org = _PARTIES[n % len(_PARTIES)]
        party = {"name": name, "role": role, **({"organization": org} if org else {})}
        facts["encounter"]["purpose"] = f"review progress in therapy and the plan with the {role}"
        facts["call"] = {"direction": "outbound", "party": party, "outcome": "reached"}
        facts["discussion"] = [f"{name} said the therapy visits are on schedule and pain is {rng.randint(2, 6)}/10"]
        if role in ("adjuster", "physical therapist"):
            facts["referrals"] = [therapy]
        facts["time_spent"] = {"telephonic": length, "documentation": rng.choice((5, 8, 10))}
    else:
        status = "off-work" if progress < 0.3 else "modified-duty" if progress < 0.8 else "full-duty"
        facts["providers"] = [{"name": "Nina Shah", "credentials": "MD", "specialty": "physical medicine",
                               "role": "PTP", "facility": "Austin Spine Associates"}]
        facts["subjective"] = f"He rated his low back pain {rng.randint(2, 7)}/10 and said he walks 20 minutes a day."
        facts["objective"] = ["lumbar flexion measured 60 degrees on Dr. Shah's examination"]
        facts["diagnoses"] = [{"description": "strain of the muscle and tendon of the lower back",
                               "icd10": "S39.012A", "per": "Dr. Shah"}]
        facts["treatment_plan"] = ["physical therapy 2 times a week", "home exercise program daily"]
        facts["work_status"] = {
            "status": status, "effective": day, "expires": day + timedelta(days=28), "set_by": "Dr. Shah",
            **({"restrictions": ["no lifting over 20 lb", "no ladder climbing"]} if status == "modified-duty" else {}),
        }
        facts["mmi"] = {"status": "not-at-mmi", "anticipated_date": INJURY + timedelta(days=420)}
        facts["next_appointment"] = {"date": day + timedelta(days=28), "provider": "Dr. Shah",
                                     "purpose": "re-check of the low back and work status"}
        facts["referrals"] = [therapy]
        facts["return_to_work"] = {"full_duty_target": INJURY + timedelta(days=330), "basis": "Dr. Shah"}
        facts["time_spent"] = {"face_to_face": length, "travel": 30, "wait": rng.choice((0, 10, 20)),
                               "documentation": 20, "mileage": 22.5}
    text, kind_of, action = _BARRIERS[n % len(_BARRIERS)]
    facts["barriers"] = [{"description": text, "kind": kind_of, "action": action}]
    facts["recommendations"] = ["continue physical therapy through the certified visits"]
    if n % 15 == 1:
        facts["decisions_requested"] = [{"decision": f"authorize a functional capacity evaluation (request {n})",
                                         "rationale": "Dr. Shah asked for it before full duty",
                                         "due": day + timedelta(days=14)}]
    facts["follow_up"] = [{"task": f"call Mr. Okafor after the next therapy visit ({n})", "owner": "Jordan Patel",
                           "due": day + timedelta(days=7)}]
    return facts


def _note(folder: Path, n: int, day: date) -> None:
    (folder / f"{day.isoformat()}-{n:03d}-telephonic-worker.md").write_text(
        "---\nnote_type: telephonic\n"
        f"claim_number: {CLAIM_NUMBER}\ndate_of_service: {day.isoformat()}\n---\n"
        "# Telephonic Contact Note\n\nCalled Mr. Okafor to review the home exercise program. He said he does "
        "the exercises daily.\n\nPlan: call again after the next therapy visit.\n",
        encoding="utf-8",
    )


def _dump(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
