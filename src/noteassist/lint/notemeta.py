"""What is known about a note besides its prose: claim number, carrier, and its dates.

The claim-number, date-logic, timeliness and copy-forward rules all need the
note's claim number and its dates of service, writing and injury. `note_meta`
gathers them once per note (`NoteContext.meta_info` caches it), taking each
key from the first source that has it:

1. `ctx.meta`: front matter merged with `NoteInput.meta` (CSV/JSONL export
   columns). Canonical keys: `id`, `author`, `claim_number`, `carrier`,
   `note_type`, `date_of_service`, `date_written`, `date_of_injury`.
2. `ctx.facts`: the visit facts the note was drafted from, if any.
3. Labelled fields in the note text: "Claim #: WC-2231-0457", "Claim number:",
   "DOI: 03/02/2026", "Date of injury:", "Date of service:", "DOS:", a bare
   "Date:" in the first lines, and the note's written/signed stamps (below).

The claimant's name and date of birth, which the claim-consistency rules compare
between notes of one claim, come the same way: the `claimant` and `date_of_birth`
keys (front matter of a drafted note, export columns), the visit facts, or a label
where a label stands ("Claimant: Maria Diaz", "Worker: Ms. Diaz", "IW: ...",
"Patient name: ...", "DOB: 03/22/1984", "Date of birth:"). A labelled name is the
capitalised words after the label (initials and a title allowed); a lower-case word,
a pronoun or a separator ends it, and a single word with no title is not a name.

The date written is the latest stamp of the note's own authentication (`written_stamps`):
a signature or e-signature line ("Signed: J. Ortiz RN 11/01/2026", "e-signed 09/21/2026
08:05", "Electronically signed by J. Ortiz, RN on 11/25/2026 16:02", "J. Ortiz, RN - signed
11/20/2026", "Signed 11/1/26 @ 0805"), an EHR stamp ("Entered 2026-11-03T08:12", "[11/03/2026
08:12] Note entered by ...", "[2026-09-30 16:45] Signed: ..."), or a "Date written" / "Date
signed" / "Entered" / "Documented" / "Written" field. A stamp's verb stands where a stamp
stands: at the start of a line (after markup, a bullet or a bracketed timestamp), after a field
separator ("|", "·", a run of spaces), after a short signer name ("Dana Lee, RN, signed ..."), or
starts a sentence and is followed by its date; "e-signed" and "electronically signed" count
anywhere. Its date follows the verb ("Signed 11/01/2026"), or follows a colon or "by" later on
the line ("Signed: J. Ortiz RN 11/01/2026"), or is the bracketed timestamp the line starts with.
Narrative ("He signed the release on 11/02", "releases signed") is no stamp. Stamps after an
addendum's own heading ("ADDENDUM 11/05/2026 ...") are the addendum's: the note's date written
is its latest stamp before the first addendum, when it has one.

Dates are read by text/dates.py, the one date parser: metadata dates in ISO
(`2026-11-20`, `2026-11-20T21:40`, `2026-11-20 21:40`) or numeric (`11/20/2026`,
`11/20/2026 9:40 PM`) form, or a date/datetime from YAML; anything else is a
`NoteInputError` naming the file and the key. Numeric dates are month first unless
the configuration sets `day_first` (`NoteContext.day_first`). Dates found in the
text that cannot be read are simply not used.
"""

from __future__ import annotations

import re
from datetime import time
from typing import TYPE_CHECKING, Any

from ..text.dates import When, date_at, find_dates, parse_meta_date
from .model import NoteMeta

if TYPE_CHECKING:
    from .model import NoteContext

META_KEYS = ("id", "author", "claim_number", "carrier", "note_type", "date_of_service", "date_written",
             "date_of_injury", "case_number")
DATE_KEYS = ("date_of_service", "date_written", "date_of_injury")
#: Metadata keys for the claimant, read besides META_KEYS (the front matter of a drafted note writes them).
CLAIMANT_KEY, DOB_KEY = "claimant", "date_of_birth"

_CLAIM_ID = r"(?P<id>[A-Za-z0-9](?:[A-Za-z0-9]|[-/](?=[A-Za-z0-9])){3,29})(?![\w-])"
# "Claim #: X", "Claim No. X", "Claim number: X", "Claim: X" -- a label, not "on claim X" in prose.
# Also a pipe table's "Claim | X" and a header field "... | CLAIM X" (after a separator or at a line start).
_CLAIM_LABEL = re.compile(
    r"(?i)(?:\b(?:claim|clm)(?:[ \t_]*(?:number|num\.?|no\.?|id|ref\.?)[ \t]*(?:#[ \t]*)?[:|=;]?|[ \t]*#[ \t]*[:|]?|[ \t]*[:|=;])[ \t]*"
    r"|(?m:(?:^|[|\u00b7])[ \t]*(?:\*\*)?claim(?:\*\*)?[ \t]+))" + _CLAIM_ID
)
# "Case #: CF-26-30918", "CASE ID: HSG-55102", "Case number: MH-2026-3317", "| Case MH-2026-3317 |".
_CASE_LABEL = re.compile(
    r"(?i)\b(?:case|client)[ \t]*(?:number|no\.?|id|#)[ \t]*[:|#]?[ \t]*" + _CLAIM_ID
    + r"|(?i:(?:^|[|\u00b7])[ \t]*case[ \t]*:?[ \t]+)" + _CLAIM_ID.replace("?P<id>", "?P<id2>")
)
_DOS_LABEL = re.compile(
    r"(?i)\b(?:date(?:/time)?[ \t]+of[ \t]+(?:service|visit|contact|encounter|call|assessment|appointment|session)"
    r"|(?:service|visit|contact|call|assessment|appointment|session|encounter)[ \t]+date|(?-i:DOS)|dos(?=[ \t]*[=;]))(?:[ \t_]*dt)?(?:\*\*)?[ \t]*[:|=;\-]?(?:\*\*)?[ \t]*(?:on[ \t]+)?(?=\S)"
)
_DOI_LABEL = re.compile(
    r"(?i)\b(?:date[ \t]+of[ \t]+injury|injury[ \t]+date|(?-i:DOI|D/I)|doi(?=[ \t]*[=;]))(?:\*\*)?[ \t]*[:|=;\-]?(?:\*\*)?[ \t]*"
    r"(?:(?:of|on|was|is)[ \t]+)?(?=\S)"
)
# "DOB: 03/22/1984", "D.O.B. 3/22/84", "Date of birth: March 22, 1984", "Birth date |".
_DOB_LABEL = re.compile(
    r"(?i)(?:(?<![\w.])(?-i:DOB|D\.O\.B\.?)(?![\w])|\b(?:date[ \t]+of[ \t]+birth|birth[ \t]*date))(?:\*\*)?[ \t]*"
    r"[:|=;\-]?(?:\*\*)?[ \t]*(?=\S)"
)
# "Claimant: Maria Diaz", "Worker: Ms. Diaz", "IW: ...", "Patient name: ...": a label where a label stands (a line
# start, a separator, a run of spaces, or after a sentence's full stop), never "the worker: she ...".
_CLAIMANT_LABEL = re.compile(
    r"(?im)(?:^|[|\u00b7;]|[ \t]{2}|(?<=\.)[ \t])[ \t>*_#\u2022-]*(?:\*\*)?"
    r"(?:claimant|injured[ \t]+worker|worker|(?-i:IW)|patient|client)(?:[ \t]+name)?"
    r"(?:\*\*)?[ \t]*[:|][ \t]*(?:\*\*)?[ \t]*(?=\S)"
)
# One word of a name: capitalised letters with inner ' or - ("O'Neil", "Diaz-Lopez", "DIAZ", "María"), or an
# initial ("J."); a title ("Ms.") may come first. Words are separated by one space or tab.
_NAME_WORD = re.compile(r"(?:[^\W\d_](?:[^\W\d_]|['\u2019-](?=[^\W\d_]))*)\.?")
NAME_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sr", "sra", "srta", "mme", "mlle", "prof"})
# Words that start a sentence, not a name: "Worker: He said ...", "Patient: Not seen".
_NOT_NAME = frozenset({"he", "she", "they", "the", "this", "that", "his", "her", "their", "not", "none", "no", "n",
                       "unknown", "same", "see", "called", "seen", "spoke", "left", "reports", "states", "said",
                       "injured", "worker", "claimant", "patient", "client", "name"})
# Words that end a name: the next field of a header line run together with it ("Marco Ibarra DOB 04/02/1979").
_AFTER_NAME = frozenset({"dob", "doi", "dos", "ssn", "mrn", "id", "claim", "clm", "date", "age", "sex", "phone", "tel",
                         "employer", "carrier", "adjuster", "case", "member", "record", "policy", "file", "re"})
_NAME_WORDS = 5


# --- written/signed stamps (see the module docstring) ---
_STAMP_CUE = re.compile(
    r"(?i)(?<![\w-])(?:(?P<esign>(?:e-?|electronically[ \t]+|digitally[ \t]+)signed|e-?sig(?:nature)?(?![\w-]))"
    r"|date(?:/time)?[ \t]+(?:written|signed|entered|documented)|signature(?:[ \t]+date)?"
    r"|(?P<signer>signed|entered)|written|documented|authenticated)(?![\w-])"
)
# What may stand before a stamp's verb at the start of a line: markup, a bullet, a bracketed timestamp, "Note".
_LINE_LEAD = re.compile(r"[ \t>*_#\u2022-]*(?P<stamp>\[[^\]\n]{4,40}\][ \t]*)?(?:(?:progress[ \t]+)?note[ \t]+)?",
                        re.IGNORECASE)
_FIELD_SEPARATOR = re.compile(r"(?:[|\u00b7\u2022]|[ \t]{2,}|\t)[ \t*_]*$")
_AFTER_SIGNER = re.compile(r"[,;\u2013\u2014-][ \t]*$")
_SENTENCE_START = re.compile(r"[.!?][*_]*[ \t]+$")
_SIGNER_WORDS = 8
# After the verb: a colon or "by" (the date comes later on the line), or the date itself, maybe after on/at/@.
_THEN_FIELD = re.compile(r"[*_ \t]*(?:(?:on|at)[ \t]*)?[:|]|[ \t]+by\b[ \t]*:?", re.IGNORECASE)
_THEN_DATE = re.compile(r"[*_ \t]*(?::|=|;|on\b|at\b|@)?[*_ \t]*", re.IGNORECASE)
_STAMP_REACH = 100  # characters after "Signed:" or "signed by" within which its date must start
# An addendum's own heading: "ADDENDUM 11/05/2026", "**Addendum (11/05/2026)**", "Addendum to note of ...".
_ADDENDUM_HEAD = re.compile(r"(?im)^[ \t>*_#\u2022-]*(?:\[[^\]\n]{4,40}\][ \t]*)?(?:addendum|amendment)\b")
# "Phone call 09/02/2026 10:10-10:25, claim ...", "Home visit 10/02/2026", "... - visit 10/06/2026 15:00 with Dr. X":
# a note's opening line names the contact and its date, as call logs and one-paragraph exports do. Only in the
# first lines, and never a next, follow-up or return visit (that is the next appointment).
_CONTACT_DATE = re.compile(
    r"(?i)(?<![\w/-])(?<!next )(?<!follow-up )(?<!follow up )(?<!return )(?<!f/u )"
    r"(?:(?:home|office|clinic|field|site|worksite|phone|telephone|telephonic|video|in-person|outbound|inbound)[ \t]+)?"
    r"(?:visit|call|contact|session|appointment|meeting)"
    # "outbound call to IW on 10/05/2026", "visit with Dr. Lee on 11/20/2026"
    r"(?:[ \t]*(?:on[ \t]+|[:\-][ \t]*)?(?=\d)|[ \t]+(?:to|with|from)[ \t]+[^.\n\d]{1,40}?[ \t]+on[ \t]+(?=\d))"
)
_CONTACT_DATE_LINES = 3
# A call log or EHR export whose first entry opens with the contact's date and time: "10/02/2026 0915 TC to IW",
# "[10/07/2026 14:00] Contact: telephonic intake"; not a signature or entry stamp ("[10/12 09:15] Signed").
_LOG_ENTRY = re.compile(r"(?m)^[ \t>*_\u2022-]*\[?(?=\d)")
_LOG_ENTRY_LINES = 6
_BARE_DATE_LABEL = re.compile(r"(?im)^[ \t]*(?:\*\*)?date(?:\*\*)?[ \t]*:(?:\*\*)?[ \t]*(?=\S)")
_BARE_DATE_LINES = 10
#: Public names for the label patterns the date rules reuse.
DOS_LABEL, DOI_LABEL = _DOS_LABEL, _DOI_LABEL


# --- the note's metadata -------------------------------------------------------------------------

def _labelled_date(pattern: re.Pattern[str], body: str, day_first: bool, limit: int | None = None) -> When | None:
    for m in pattern.finditer(body, 0, limit if limit is not None else len(body)):
        found = date_at(body, m.end(), day_first=day_first)
        if found is not None:
            return found
    return None


def _text_of(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def note_meta(ctx: NoteContext) -> NoteMeta:
    """Gather the note's metadata: `ctx.meta`, then `ctx.facts`, then labelled fields in the text."""
    meta, facts, path = ctx.meta or {}, ctx.facts, ctx.path
    body = ctx.text[ctx.body_offset:]
    day_first = getattr(ctx, "day_first", False)  # a context made for a previous note may not say
    info = NoteMeta()

    for key in ("id", "author", "carrier", "note_type", "claim_number"):
        setattr(info, key, _text_of(meta.get(key)))
    if info.claim_number:
        info.claim_number_source = "meta"
    for key in DATE_KEYS:
        value = meta.get(key)
        if value is not None and str(value).strip():
            setattr(info, key, parse_meta_date(value, path, key, day_first=day_first))

    if facts is not None:
        claim = getattr(facts, "claim", None)  # human-services facts have a client and no claim
        if claim is not None:
            if info.claim_number is None and claim.claim_number:
                info.claim_number, info.claim_number_source = claim.claim_number, "facts"
            info.carrier = info.carrier or claim.carrier or claim.tpa
            if info.date_of_injury is None:
                info.date_of_injury = When(claim.date_of_injury, source="facts")
        info.note_type = info.note_type or facts.note_type
        info.author = info.author or facts.case_manager.name
        if info.date_of_service is None:
            enc = facts.encounter
            info.date_of_service = When(enc.date, enc.start_time, enc.end_time, "facts")

    info.labelled_claims = [(m.start("id"), m.end("id"), m.group("id"))
                            for m in _CLAIM_LABEL.finditer(body) if any(c.isdigit() for c in m.group("id"))]
    if info.claim_number is None and info.labelled_claims:
        start, end, value = info.labelled_claims[0]
        info.claim_number, info.claim_number_source, info.claim_number_span = value, "text", (start, end)
    elif info.claim_number is not None:
        for start, end, value in info.labelled_claims:
            if value.upper() == info.claim_number.upper():
                info.claim_number_span = (start, end)
                break

    info.case_number = _text_of(meta.get("case_number"))
    if info.case_number is None and getattr(facts, "client", None) is not None:
        info.case_number = _text_of(facts.client.client_id)  # a human-services client's record id
    if info.claim_number is None and info.case_number is None:
        for m in _CASE_LABEL.finditer(body):
            value = m.group("id") or m.group("id2")
            if any(c.isdigit() for c in value):
                info.case_number = value
                break

    if info.date_of_service is None:
        info.date_of_service = _labelled_date(_DOS_LABEL, body, day_first)
        if info.date_of_service is None:
            lines_end = _nth_line_end(body, _BARE_DATE_LINES)
            info.date_of_service = _labelled_date(_BARE_DATE_LABEL, body, day_first, limit=lines_end)
        if info.date_of_service is None:
            lines_end = _nth_line_end(body, _CONTACT_DATE_LINES)
            info.date_of_service = _labelled_date(_CONTACT_DATE, body, day_first, limit=lines_end)
        if info.date_of_service is None:
            info.date_of_service = _log_entry_date(body, day_first)
        if info.date_of_service is None:
            info.date_of_service = _first_line_contact(body, day_first)
    # Year-less dates are not trusted here: "DOI: March 2" could be either year.
    if info.date_of_injury is None:
        info.date_of_injury = _labelled_date(_DOI_LABEL, body, day_first)
    _read_claimant(info, meta, facts, body, path, day_first)
    if info.date_written is None:
        info.date_written = date_written_in(body, day_first)
    return info


def _read_claimant(info: NoteMeta, meta: dict, facts: Any, body: str, path: str, day_first: bool) -> None:
    """The claimant's name and date of birth: metadata, then facts, then the first label in the text."""
    info.claimant = _text_of(meta.get(CLAIMANT_KEY))
    value = meta.get(DOB_KEY)
    if value is not None and str(value).strip():
        info.date_of_birth = parse_meta_date(value, path, DOB_KEY, day_first=day_first)
    person = getattr(facts, "claimant", None) or getattr(facts, "client", None)
    if person is not None:
        info.claimant = info.claimant or _text_of(person.name)
        if info.date_of_birth is None and person.date_of_birth:
            info.date_of_birth = When(person.date_of_birth, source="facts")
    if info.claimant is None:
        for m in _CLAIMANT_LABEL.finditer(body):
            found = labelled_name(body, m.end())
            if found is not None:
                info.claimant, info.claimant_span = found[2], found[:2]
                break
    elif (at := body.find(info.claimant)) >= 0:  # a drafted note prints the name its front matter gives
        info.claimant_span = (at, at + len(info.claimant))
    if info.date_of_birth is None:
        info.date_of_birth = _labelled_date(_DOB_LABEL, body, day_first)


def labelled_name(text: str, pos: int) -> tuple[int, int, str] | None:
    """(start, end, name) of the person's name starting at `pos`, after a label; None when what follows is no
    name (a lower-case word, a pronoun, a single word with no title)."""
    words: list[str] = []
    end = pos
    while len(words) < _NAME_WORDS:
        m = _NAME_WORD.match(text, end)
        if m is None or not m.group()[0].isupper():
            break
        word = m.group()
        bare = word.rstrip(".").lower()
        if not words and bare in _NOT_NAME:
            return None
        if words and bare in _AFTER_NAME:
            break
        words.append(word)
        end = m.end()
        # A full stop ends the name unless the word is an initial or a title ("J.", "Ms.").
        if word.endswith(".") and len(bare) > 1 and bare not in NAME_TITLES:
            end -= 1
            words[-1] = word[:-1]
            break
        gap = re.match(r"[ \t](?=\S)", text[end:end + 2])
        if gap is None:
            break
        end += 1
    end = pos + len(text[pos:end].rstrip())
    names = [w for w in words if w.rstrip(".").lower() not in NAME_TITLES]
    if not names or (len(names) == 1 and len(names) == len(words)):
        return None
    return pos, end, text[pos:end].rstrip()


# Words that make a date on a call note's first line something else than the call's date.
_NOT_CONTACT = re.compile(r"(?i)\b(?:DOB|D\.O\.B|DOI|birth|born|injur\w*|referr\w*|next|follow|f/u|signed|entered|"
                          r"written|due|until|through|thru|expires?)\b[^\n]{0,12}$")


def _first_line_contact(body: str, day_first: bool) -> When | None:
    """A telegraphic call note's first line (or the line after a header) with a date and a time ("TC to employer ..., Claim # X. 10/05/2026
    11:20, outbound"): the call's date, unless a word before it names it as another date."""
    for first in list(re.finditer(r"[^\n]*\S[^\n]*", body))[:2]:  # a header line may come first
        if not re.search(r"(?i)\b(?:TC|call(?:ed)?|phone|spoke|contact|visit|attended|accompanied|met)\b",
                         first.group()):
            continue
        for start, _, _ in find_dates(first.group(), day_first=day_first):
            if _NOT_CONTACT.search(first.group()[:start]):
                continue
            when = date_at(body, first.start() + start, day_first=day_first)
            if when is not None and when.time is not None:
                return when
    return None


def _log_entry_date(body: str, day_first: bool) -> When | None:
    """The date and time the first entry of a log opens with, in the first lines (see `_LOG_ENTRY`)."""
    for m in _LOG_ENTRY.finditer(body, 0, _nth_line_end(body, _LOG_ENTRY_LINES)):
        when = date_at(body, m.end(), day_first=day_first)
        if when is None or when.time is None:
            continue
        line_end = body.find("\n", m.end())
        rest = body[when.end:line_end if line_end >= 0 else len(body)]
        rest = re.sub(r"^[^A-Za-z\n]*", "", rest)  # the time, a closing bracket
        if _STAMP_CUE.match(rest):
            continue
        return when
    return None


def written_stamps(body: str, day_first: bool = False) -> list[When]:
    """Every written/signed stamp in `body`, in order (see the module docstring); spans are body offsets."""
    stamps = []
    pos = 0
    for line in body.splitlines(keepends=True):
        stamps.extend(_line_stamps(body, pos, pos + len(line.rstrip("\r\n")), day_first))
        pos += len(line)
    return stamps


def date_written_in(body: str, day_first: bool = False) -> When | None:
    """The note's own date written: its latest stamp, before the first addendum heading when there are some."""
    stamps = written_stamps(body, day_first)
    addendum = _ADDENDUM_HEAD.search(body)
    if addendum is not None:
        stamps = [w for w in stamps if w.start < addendum.start()] or stamps
    if not stamps:
        return None
    return max(stamps, key=lambda w: (w.date, w.time or time(0, 0)))


def _line_stamps(body: str, start: int, end: int, day_first: bool) -> list[When]:
    line = body[start:end]
    lead = _LINE_LEAD.match(line)
    found = []
    for cue in _STAMP_CUE.finditer(line):
        before = line[:cue.start()]
        at_start = cue.start() == lead.end()
        direct_only = False
        if at_start or cue.group("esign") or _FIELD_SEPARATOR.search(before):
            pass
        elif cue.group("signer") and _AFTER_SIGNER.search(before) and len(before.split()) <= _SIGNER_WORDS:
            pass
        elif _SENTENCE_START.search(before):
            direct_only = True
        else:
            continue
        when = _stamp_date(body, start + cue.end(), end, day_first, direct_only)
        if when is None and at_start and lead.group("stamp"):
            # "[2026-09-30 16:45] Signed: M. Okafor RN": the line's own timestamp.
            bracket = start + lead.start("stamp") + 1
            when = date_at(body, bracket, day_first=day_first)
        if when is not None:
            found.append(when)
    return found


# "Signed L. Hart 10/16/2026 23:48": the signer's name (capitalised words, initials) and then the date.
_THEN_NAME = re.compile(r"[ \t]+(?:[A-Z][A-Za-z.'-]*,?[ \t]+){1,5}(?:[A-Z]{2,6},?[ \t]+){0,3}(?=\d)")


def _stamp_date(body: str, pos: int, end: int, day_first: bool, direct_only: bool) -> When | None:
    """The date of the stamp whose verb ends at `pos`: right after it, after the signer's name, or after its
    colon or "by" on the line."""
    direct = _THEN_DATE.match(body, pos, end)
    when = date_at(body, direct.end(), day_first=day_first) if direct else None
    if when is None and not direct_only and (name := _THEN_NAME.match(body, pos, end)):
        when = date_at(body, name.end(), day_first=day_first)
    if when is not None or direct_only:
        return when
    field = _THEN_FIELD.match(body, pos, end)
    if field is None:
        return None
    reach = min(end, field.end() + _STAMP_REACH)
    for first, _, _ in find_dates(body[field.end():reach], day_first=day_first):
        when = date_at(body, field.end() + first, day_first=day_first)
        if when is not None:
            return when
    return None


def _nth_line_end(text: str, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = text.find("\n", pos + 1)
        if pos == -1:
            return len(text)
    return pos
