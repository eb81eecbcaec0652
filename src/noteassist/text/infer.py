"""Infer a note's type from its headings and wording, for notes noteassist did not write.

A type is inferred only when the text is recognisably a case-management note: it must carry enough of the
vocabulary of workers' compensation or human-services case management (case manager/NCM/CM, a claim number,
the injured worker, claimant or client, the adjuster, a work status, a DAP or BIRP section set...). Clinical
text that is not case management (a discharge summary, a well-child visit, an operative note, a hospital
event such as "a code blue was called") gets no type: then no required elements are checked, and the output
says the type is unknown.
"""

from __future__ import annotations

import re

from ..notetypes import NOTE_TYPES, resolve_note_type
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
    "progress-report": re.compile(r"\b(progress|status|update) report\b|\breport period\b"
                                 r"|\b(?:progress|status|monthly|case management) update\b", re.I),
    "closure-report": re.compile(r"\bclosure (report|reason|date|summary)\b|\bcase closure\b"
                                r"|\bclosure of (?:nurse |field |telephonic |medical )?case management\b", re.I),
    "initial-assessment": re.compile(
        r"\binitial (case management |nurse case management |cm |ncm )?(assessment|evaluation)\b"
        r"|\bintake assessment\b", re.I),
    "telephonic": re.compile(r"\btele(phonic|phone)\b|\bphone (call|contact)\b|\bcall (note|summary|log)\b", re.I),
    "physician-visit": re.compile(
        r"\b(physician|medical|doctor|provider|md|office|clinic) (visit|appointment|appt)\b", re.I),
}
# A call the writer made or took, not a hospital event ("a code blue was called").
_CALL_WORDS = re.compile(
    r"(?i:\b(?:outbound|inbound|incoming|outgoing|returned|phone|telephone)\s+call\b)"
    r"|(?i:\b(?:left|leave|leaving)\s+(?:a\s+)?(?:detailed\s+)?(?:voicemail|voice\s*mail|message|vm)\b)|\bLVM\b"
    r"|(?<!was )(?<!were )(?<!been )\b(?i:called|phoned|telephoned)\s+(?i:the\s+|her\s+|his\s+)?"
    r"(?:(?i:IW|worker|claimant|client|adjuster|employer|pharmacy|pharmacist|office|provider|dr\b|nurse|attorney|"
    r"supervisor|HR|scheduler|clinic)|[A-Z][a-z]+)"
    r"|(?i:\bby\s+(?:phone|telephone)\b)|\bTC\s+(?:to|from|with|w/)|(?i:\breturned\s+(?:my|the|a|her|his)\s+call\b)",
)
_INTERPRETER = re.compile(r"(?i)\binterpret(?:er|ers|ing|ation)?\b|\blanguage\s+line\b")
_VISIT_WORDS = re.compile(
    r"(\bDr\.|\bM\.D\.|\b(MD|physician|PA-C|NP)\b).*\b(exam|examined|evaluat\w+|work status|follow-up visit|appointment|visit)\b",
    re.I | re.S)

# Case-management vocabulary (domain guide 1.0-1.6, 5.1), each with its weight: a word that belongs to case
# management alone weighs 2; one that clinical text also uses weighs 1. A note needs `_NEED` in all.
_CM_VOCABULARY: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"\bcase\s*manag(?:er|ement)\b|\bcare\s+manager\b|\bcaseworker\b|\bcase\s+worker\b", re.I), 2),
    (re.compile(r"\b(?:N?CM|RN\s+CCM|CCM|CRC|CDMS|COHN(?:-S)?)\b"), 2),
    (re.compile(r"\bclaim(?:ant)?s?\s*(?:no\.?|number|#|:)|\bclaimant\b|\bWC-\d|\bworkers'?\s+comp(?:ensation)?\b", re.I), 2),
    (re.compile(r"\binjured\s+worker\b|\bIW\b|\badjuster\b|\bclaims?\s+examiner\b|\bTPA\b|\bcarrier\b", re.I), 2),
    (re.compile(r"\b(?:service|case|safety|treatment)\s+plan\s+goals?\b|\bservice\s+plan\b|\bcase\s*(?:#|no\.?|number)"
                r"|\bcase[ \t]+(?-i:[A-Z]{1,4}-\d{2,})", re.I), 2),
    (re.compile(r"\bwork\s+status\b|\b(?:modified|light|full|regular|transitional)\s+duty\b|\bRTW\b|\breturn\s+to\s+work\b"
                r"|\boff\s+work\b", re.I), 1),
    (re.compile(r"\b(?:date\s+of\s+injury|DOI|MMI|maximum\s+medical\s+improvement)\b", re.I), 1),
    (re.compile(r"\bthe\s+worker\b|\bemployer\b|\bjob\s+description\b", re.I), 1),
    (re.compile(r"\bclients?\b|\bresident\b|\bfamily\s+services\b|\bhome\s+visit\b|\bface-to-face\b", re.I), 1),
    # Human-services roles that only community and case-management programmes have (a peer recovery coach,
    # a community health worker, a service coordinator), and the programme's word for the person served.
    (re.compile(r"\bpeer\s+(?:recovery|support)\s+(?:coach\w*|specialist|worker|advocate)\b|\brecovery\s+coach\w*\b"
                r"|\bcommunity\s+health\s+worker\b|\b(?:care|service)\s+coordinator\b|\bcase\s+aide\b", re.I), 2),
    (re.compile(r"\bparticipants?\b", re.I), 1),
)
_NEED = 2
#: Workers' compensation words: a physician visit is a workers' comp note type (the nurse case manager at the
#: injured worker's appointment). A human-services note that says "Office visit" means the client came to the
#: agency's office, and "a visit with Dr. Osei" there is a goal's progress, not the note's type: a physician
#: visit is inferred only for a note with some of these words.
_WORKERS_COMP = re.compile(
    r"(?i:\bclaim(?:ant)?s?\s*(?:no\.?|number|#|:)|\bclaimant\b|\bworkers'?\s+comp(?:ensation)?\b|\binjured\s+worker\b"
    r"|\badjuster\b|\bclaims?\s+examiner\b|\bwork\s+status\b|\b(?:modified|light|full|regular|transitional)\s+duty\b"
    r"|\breturn\s+to\s+work\b|\boff\s+work\b|\bdate\s+of\s+injury\b|\bemployer\b)"
    r"|\bWC-\d|\b(?:IW|TPA|RTW|DOI|MMI|NCM|CCM)\b")


def _workers_comp(text: str) -> bool:
    """Whether the note speaks workers' comp anywhere in its first pages (see `_WORKERS_COMP`)."""
    return bool(_WORKERS_COMP.search(text[:6000]))


# Case-sensitive abbreviations: "2 cm" is a length.
_CASE_MANAGER = re.compile(r"(?i:\bcase\s*manag(?:er|ement)\b|\bcare\s+manager\b|\bcaseworker\b|\binjured\s+worker\b"
                           r"|\b(?:went|met)\s+with\s+the\s+(?:injured\s+)?worker\b|\baccompanied\s+(?:the\s+)?(?:worker|claimant|IW)\b"
                           r"|\bI\s+(?:attended|accompanied|went\s+to)\b)"
                           r"|\b(?:N?CM|CCM|IW)\b")
#: A DAP or BIRP section set (or title) is a human-services format: it counts as case-management vocabulary
#: once; a SOAP section set is clinical text's layout too and does not count.
_FORMAT_WEIGHT = {"dap": 1, "birp": 1, "soap": 0}


def case_management_score(text: str, structure: NoteStructure | None = None) -> int:
    """How much case-management vocabulary the text carries (each kind counted once)."""
    sample = text[:6000]
    score = sum(weight for pattern, weight in _CM_VOCABULARY if pattern.search(sample))
    head = sample[:300].lower()
    for note_type in NOTE_TYPES.values():
        # The title of a case-management note type ("Telephonic Contact Note", "Closure Report").
        if note_type.id not in ("soap", "dap", "birp") and note_type.title.lower() in head:
            score += 2
            break
    # A titled phone contact ("TELEPHONE CONTACT", "Phone call note"): the case manager's call log.
    if _TITLES["telephonic"].search(sample[:120]):
        score += 1
    # A DAP or BIRP format, by its section set or named in the title (once).
    formats = {t for t, pattern in _TITLES.items() if t in _FORMAT_WEIGHT and pattern.search(sample[:300])}
    if structure is not None:
        labels = _labels(structure)
        formats |= {t for t, cues, need in _FORMATS if len(labels & cues) >= need}
    return score + max((_FORMAT_WEIGHT[t] for t in formats), default=0)


def is_case_management(text: str, structure: NoteStructure | None = None) -> bool:
    """Whether the text is recognisably a case-management note."""
    return case_management_score(text, structure) >= _NEED


def _labels(structure: NoteStructure) -> set[str]:
    """Heading and field labels, without a letter or number before them ("B - Behavior", "2. Plan")."""
    return {_LEAD.sub("", b.label) for b in structure.blocks if b.kind in ("heading", "field")}


_LEAD = re.compile(r"^(?:\d{1,2}[.)]|[a-z][.)]|[a-z]\s*[\u2014\u2013-])\s+")


def infer_note_type(text: str, structure: NoteStructure) -> str | None:
    """The most likely note type, or None when the text is not recognisably a case-management note of a type."""
    return explain_note_type(text, structure)[0]


def explain_note_type(text: str, structure: NoteStructure) -> tuple[str | None, str]:
    """(the inferred note type, the cue that decided it), e.g. ("telephonic", '"called the adjuster" (line 4)'),
    for telling the user why a type was guessed; (None, "") when no type is inferred. `infer_note_type` is
    this function's first half, so the explanation is always the reason the linter used."""
    if not is_case_management(text, structure):
        return None, ""
    labels = _labels(structure)
    for note_type, cues, need in _FORMATS:
        # A SOAP or DAP note has its Assessment; Subjective/Objective/Plan alone is how physician-visit notes
        # are laid out too.
        if note_type in ("soap", "dap") and not labels & {"assessment", "a"}:
            continue
        if len(labels & cues) >= need:
            return note_type, f"its {note_type.upper()} section labels ({', '.join(sorted(labels & cues))})"
    head = "\n".join(b.text for b in structure.blocks[:4])
    workers_comp = _workers_comp(text)
    for candidate in (head, text[:2000]):
        for note_type, pattern in _TITLES.items():
            if note_type == "physician-visit" and not workers_comp:
                continue
            title = NOTE_TYPES[note_type].title
            if m := pattern.search(candidate):
                return note_type, _quoted(text, m.group(0))
            if title.lower() in candidate.lower():
                return note_type, _quoted(text, title)
    for m in _CALL_WORDS.finditer(text[:3000]):
        line = text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.end()) % (len(text) + 1)]
        if _INTERPRETER.search(line):
            continue  # "Interpreter: Swahili, by phone": the interpreter was on the phone, the visit was not
        return "telephonic", _quoted(text, m.group(0), m.start())
    # A physician's own report (an ER note, an IME) talks of exams and work status too; a case manager's note
    # of a visit names the case manager.
    if workers_comp and (m := _VISIT_WORDS.search(text[:5000])) and _CASE_MANAGER.search(text):
        return "physician-visit", (f"{_quoted(text, m.group(1), m.start(1))} and "
                                   f"{_quoted(text, m.group(3), m.start(3))}")
    return None, ""


def _quoted(text: str, words: str, at: int | None = None) -> str:
    """'"progress report" (line 3)': the words as the note has them, and the line they are on."""
    words = " ".join(words.split())
    if at is None:
        at = text.lower().find(words.lower())
        if at >= 0:  # as the note spells it, not as the pattern or the type's title does
            words = text[at:at + len(words)]
    return f'"{words}"' + (f" (line {text.count(chr(10), 0, at) + 1})" if at >= 0 else "")


# An export's own note-type field in its first lines: "Note Type: Telephonic", "note_type=closure-report",
# "NOTE_TYPE;initial-assessment", "Note Type | Telephonic", "RPT_TYPE=CLOSURE", "Report type: Progress Report".
_TYPE_FIELD = re.compile(
    r"(?im)(?:^|[|;\u00b7\]]|[ \t]{2,})[ \t*_]*(?:note|report|rpt|document|doc)[ \t_-]?type(?:\*\*)?[ \t]*[:=;|][ \t*_]*"
    r"(?P<value>[^|;\n]{2,60})"
)
_TYPE_FIELD_LINES = 12


def stated_note_type(text: str) -> str | None:
    """The note type an export states in a field of its first lines, or None (see `_TYPE_FIELD`)."""
    head = "\n".join(text.splitlines()[:_TYPE_FIELD_LINES])
    for m in _TYPE_FIELD.finditer(head):
        value = re.split(r"[ \t]{2,}", m.group("value").strip(" \t*_"))[0]
        words = value.split()
        for k in range(min(len(words), 4), 0, -1):
            found = resolve_note_type(" ".join(words[:k]))
            if found is not None:
                return found
    return None
