"""Infer a note's type from its headings and wording, for notes noteassist did not write."""

from __future__ import annotations

import re

from ..notetypes import NOTE_TYPES
from .structure import NoteStructure

# Section labels that identify a format: at least `need` of them must be present.
_FORMATS: tuple[tuple[str, set[str], int], ...] = (
    ("soap", {"subjective", "objective", "assessment", "plan", "s", "o", "a", "p"}, 3),
    ("birp", {"behavior", "behaviour", "intervention", "response", "plan", "b", "i", "r", "p"}, 3),
    ("dap", {"data", "assessment", "plan", "d", "a", "p"}, 3),
)
_TITLES = {
    # A format named in the title ("DAP Note") wins over words about calls or visits in the body.
    "soap": re.compile(r"\bSOAP\b"),
    "dap": re.compile(r"\bDAP\b"),
    "birp": re.compile(r"\bBIRP\b"),
    "progress-report": re.compile(r"\b(progress|status|update) report\b|\breport period\b", re.I),
    "closure-report": re.compile(r"\bclosure (report|reason|date)\b|\bcase closure\b", re.I),
    "initial-assessment": re.compile(r"\binitial (case management )?assessment\b|\bintake assessment\b", re.I),
    "telephonic": re.compile(r"\btele(phonic|phone)\b|\bphone (call|contact)\b|\bcall (note|summary)\b", re.I),
    "physician-visit": re.compile(r"\b(physician|medical|doctor|provider) (visit|appointment)\b", re.I),
}
_CALL_WORDS = re.compile(r"\b(called|phoned|voicemail|voice mail|returned (my|the) call|by phone|telephone)\b", re.I)
_VISIT_WORDS = re.compile(r"(\bDr\.|\bM\.D\.|\b(MD|physician|PA-C|NP)\b).*\b(exam|examined|evaluat\w+|work status)\b", re.I | re.S)


def infer_note_type(text: str, structure: NoteStructure) -> str | None:
    """The most likely note type, or None when nothing identifies one."""
    labels = {b.label for b in structure.blocks if b.kind in ("heading", "field")}
    for note_type, cues, need in _FORMATS:
        # A SOAP or DAP note has its Assessment; Subjective/Objective/Plan alone is how physician-visit notes
        # are laid out too.
        if note_type in ("soap", "dap") and not labels & {"assessment", "a"}:
            continue
        if len(labels & cues) >= need:
            return note_type
    head = "\n".join(b.text for b in structure.blocks[:4])
    for candidate in (head, text[:2000]):
        for note_type, pattern in _TITLES.items():
            if pattern.search(candidate) or NOTE_TYPES[note_type].title.lower() in candidate.lower():
                return note_type
    if _CALL_WORDS.search(text[:3000]):
        return "telephonic"
    if _VISIT_WORDS.search(text[:5000]):
        return "physician-visit"
    return None
