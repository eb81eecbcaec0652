"""Substance-use treatment information sent to another agency (NA904, privacy). Source: 42 CFR Part 2
(2.11, 2.31, 2.32) and ../shared/domain.md 6.3.

Records that identify a person as receiving substance-use disorder treatment from a federally assisted
program are protected by 42 CFR Part 2, more strictly than HIPAA: disclosing them to another agency needs
the person's written Part 2 consent naming that recipient (a general release is not enough, 2.31), and each
disclosure made with consent carries the redisclosure notice (2.32). A note bound for another agency is one
whose metadata names a `recipient` other than the note's own `agency` (front matter, an export column), or
whose header says so ("To: Harbor Housing", "Released to: ..."). Its Part 2 information is the note itself
when it comes from a Part 2 program (`part2: true` in metadata, or the visit facts' program), else the
wording in part2.yaml (medication for opioid use disorder by name, SUD treatment programs, withdrawal
management). A Part 2 consent on file comes from metadata (`part2_consent: true` or its expiry date, or a
`consents` entry for the recipient with `part2: true`, an `expires` date not passed and not `revoked`), the visit facts'
consents, or a sentence in the note ("42 CFR Part 2 consent for Harbor Housing signed 11/02/2026, on file").

Without a current Part 2 consent the finding is an error; with one but no redisclosure notice, a warning.
The suggestion is the notice (42 CFR 2.32(a), as amended 2020; set `notice` to your counsel's current text).
Internal notes, with no recipient, are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ...errors import NoteassistError
from ...text.dates import today
from ..registry import Rule, register, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Finding, NoteContext

REDISCLOSURE_NOTICE = (
    "This record which has been disclosed to you is protected by federal confidentiality rules (42 CFR part 2). "
    "The federal rules prohibit you from making any further disclosure of this record unless further disclosure "
    "is expressly permitted by the written consent of the individual whose information is being disclosed in "
    "this record or, is otherwise permitted by 42 CFR part 2. A general authorization for the release of medical "
    "or other information is NOT sufficient for this purpose (see \u00a72.31). The federal rules restrict any use "
    "of the information to investigate or prosecute with regard to a crime any patient with a substance use "
    "disorder, except as provided at \u00a7\u00a72.12(c)(5) and 2.65."
)

#: Header lines that name who the note goes to; only in the first lines, where a header stands.
_RECIPIENT_LABEL = re.compile(
    r"(?im)^[ \t>*_#\u2022-]*(?:to|recipient|released[ \t]+to|disclosed[ \t]+to|prepared[ \t]+for|sent[ \t]+to)"
    r"(?:\*\*)?[ \t]*:[ \t]*(?:\*\*)?[ \t]*(?P<name>[^\n|]{2,80}?)[ \t]*$")
_HEADER_LINES = 12
_TRUE = {"true", "yes", "y", "1", "on"}


@lru_cache(maxsize=1)
def part2_lexicon() -> dict[str, Any]:
    return yaml.safe_load(Path(__file__).with_name("part2.yaml").read_text(encoding="utf-8")) or {}


def _any_of(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("(?i)" + "|".join(f"(?:{p})" for p in patterns).replace(r"\s", r"[^\S\n]"))


def _same_agency(a: str, b: str) -> bool:
    """"Harbor Housing" and "harbor housing, inc." are one agency: one name contains the other, case aside."""
    a, b = " ".join(a.lower().split()), " ".join(b.lower().split())
    return bool(a and b) and (a in b or b in a)


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in _TRUE


def _as_date(value: Any, ctx: NoteContext, key: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    from ...text.dates import parse_meta_date

    return parse_meta_date(value, ctx.path, key, day_first=ctx.day_first).date


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


@register
class Part2Redisclosure(Rule):
    code = "NA904"
    name = "part2-without-consent"
    category = "privacy"
    severity = "error"
    reads = frozenset()
    scope = "note"
    defaults = {"notice": REDISCLOSURE_NOTICE}
    summary = "Substance-use treatment information (42 CFR Part 2) in a note for another agency without a Part 2 consent on file."
    explanation = (
        "42 CFR Part 2 protects records that identify a person as receiving substance-use disorder treatment from "
        "a federally assisted program. Sending them to another agency needs the person's written Part 2 consent "
        "for that recipient (a general release is not enough, 2.31), and each disclosure made with consent carries "
        "the redisclosure notice (2.32). The rule checks notes bound for another agency (a `recipient` in the "
        "metadata, or a \"To:\" / \"Released to:\" header): Part 2 information with no current Part 2 consent on "
        "file is an error; with a consent but without the notice, a warning. The suggestion is the notice; set "
        "`notice` to your counsel's current wording."
    )
    bad = "To: Harbor Housing\nClient attends the methadone clinic daily and is stable on 80 mg."
    good = ("To: Harbor Housing\nClient engaged in services this month and kept every appointment; the housing "
            "application is complete.")
    source = "42 CFR 2.11, 2.31, 2.32; domain.md 6.3 (substance-use treatment records)"

    def __init__(self, config):
        super().__init__(config)
        lexicon = part2_lexicon()
        self.markers = _any_of(lexicon["markers"])
        self.consent_text = _any_of(lexicon["consent"])
        self.notice_text = _any_of(lexicon["notice"])
        notice = self.options["notice"]
        if not isinstance(notice, str) or not notice.strip():
            raise NoteassistError(f"options for {self.code}: notice: expected the text of the redisclosure notice")
        self.notice = notice.strip()

    def recipient(self, ctx: NoteContext, body: str) -> str | None:
        """Who the note goes to, when that is another agency than the note's own."""
        meta = ctx.meta or {}
        recipient = next((str(meta[k]).strip() for k in ("recipient", "disclosed_to", "recipient_agency")
                          if meta.get(k) not in (None, "")), None)
        if recipient is None:
            header = "\n".join(body.splitlines()[:_HEADER_LINES])
            m = _RECIPIENT_LABEL.search(header)
            recipient = m.group("name").strip() if m else None
        own = meta.get("agency") or _field(_field(ctx.facts, "program"), "agency")
        if recipient and own and _same_agency(str(own), recipient):
            return None
        return recipient or None

    def from_part2_program(self, ctx: NoteContext) -> bool:
        meta = ctx.meta or {}
        if _truthy(meta.get("part2")):
            return True
        program = _field(ctx.facts, "program")
        return _truthy(_field(program, "part2")) if program is not None else False

    def consent_on_file(self, ctx: NoteContext, body: str, recipient: str) -> bool:
        meta = ctx.meta or {}
        service = ctx.meta_info.date_of_service
        on = service.date if service is not None else today()
        flag = meta.get("part2_consent")
        if flag not in (None, ""):
            if isinstance(flag, bool) or str(flag).strip().lower() in _TRUE | {"false", "no", "n", "0", "off"}:
                if _truthy(flag):
                    return True
            else:
                expires = _as_date(flag, ctx, "part2_consent")
                if expires is not None and expires >= on:
                    return True
        facts_consents = _field(ctx.facts, "consents") if ctx.facts is not None else None
        for entry in [*(meta.get("consents") or []), *(facts_consents or [])]:
            agency = _field(entry, "agency") or _field(entry, "recipient")
            if not (agency and _same_agency(str(agency), recipient) and _truthy(_field(entry, "part2"))):
                continue
            expires = _as_date(_field(entry, "expires"), ctx, "consents.expires")
            revoked = _as_date(_field(entry, "revoked"), ctx, "consents.revoked")
            if (expires is None or expires >= on) and (revoked is None or revoked > on):
                return True
        return bool(self.consent_text.search(body))

    def check(self, doc: Doc) -> Iterable[Finding]:
        ctx = doc._.note
        body = text_of(doc)
        recipient = self.recipient(ctx, body)
        if recipient is None:
            return
        marker = self.markers.search(body)
        if marker is None and not self.from_part2_program(ctx):
            return
        start, end = (marker.start(), marker.end()) if marker is not None else (0, 0)
        what = f'"{marker.group(0)}"' if marker is not None else "this note, from a Part 2 program,"
        if not self.consent_on_file(ctx, body, recipient):
            yield self.finding(
                doc, start, end,
                f"{what} is substance-use treatment information protected by 42 CFR Part 2, in a note for "
                f"{recipient} with no Part 2 consent on file for that recipient; obtain the client's written Part 2 "
                "consent before sending (a general release is not enough), and attach the redisclosure notice",
                [self.notice], recipient=recipient, consent=False,
            )
        elif not self.notice_text.search(body):
            yield self.finding(
                doc, start, end,
                f"{what} is 42 CFR Part 2 information going to {recipient}: a Part 2 consent is on file, but each "
                "disclosure must carry the redisclosure notice (42 CFR 2.32); add it to the note",
                [self.notice], severity="warning", recipient=recipient, consent=True,
            )
