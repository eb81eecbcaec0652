"""The Joint Commission "Do Not Use" list (NA5xx, do-not-use-abbreviation). Source: ../shared/domain.md section 2.7.

The list applies to medication documentation only, so NA501 checks a form only in medication
context: its sentence has a dose ("10 mg", "2 tabs") or a route/frequency word ("PO", "by mouth",
"BID", "PRN", "nightly"), or it sits under a heading such as "Medications" or "Rx". Outside that
context "MS" is usually multiple sclerosis and "U" a university. Trailing zeros ("5.0 mg") are
flagged only before a medication dose unit, so "90.0 degrees", "2.0 cm" and "14.0 g/dL" pass. A
missing leading zero (a naked decimal) is flagged before a dose unit (".5 mg"), a dose rate or
concentration (".25 mg/mL", ".1 mcg/kg/min") and, in medication context, a percent strength (".1%
cream", ".5 %" in a sentence with a dose, route, frequency or dosage form); a naked decimal without
a unit ("p < .05") or before a lab or size unit (".9 mg/dL", ".5 cm") is no dose and passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ...text.sentences import split_sentences
from ..lexicon import LEXICON_OPTIONS, extra_terms, removed_terms
from ..registry import Rule, register, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Finding

_DOSE_UNIT = r"(?:mg|mcg|g|mL|ml|units?|IU|U|u|tablets?|tabs?|capsules?|caps?|puffs?|drops?|gtts?|mEq|meq)"
# Number + dose unit; a unit followed by "/" is a lab or rate unit ("g/dL", "mg/dL"), not a dose.
_DOSE = re.compile(r"(?<![\w.])\d*\.?\d+\s?" + _DOSE_UNIT + r"(?![\w/])")
_ROUTE = re.compile(
    r"\b(?:PO|po|p\.o\.|BID|bid|b\.i\.d\.|TID|tid|t\.i\.d\.|QID|qid|q\.i\.d\.|PRN|prn|p\.r\.n\.|QHS|qhs)(?!\w)"
    r"|(?i:\bby mouth\b|\bdaily\b|\bnightly\b|\bat bedtime\b|\btwice a day\b|\bas needed\b)"
)
_MED_SECTION = re.compile(r"medication|\bmeds\b|prescription|\brx\b")
_TRAILING_ZERO = re.compile(r"(?<![\w.])(\d+)\.0+(\s?" + _DOSE_UNIT + r")(?![\w/])")
_LEADING_ZERO = re.compile(r"(?<![\w.])\.(\d+)(\s?" + _DOSE_UNIT + r")(?![\w/])")
# A dose per volume, weight, area or time: mg/mL, mcg/kg/min, units/hr, mg/m2 (not a lab unit such as mg/dL).
_RATE_UNIT = (r"(?:mg|mcg|g|units?|mEq|meq|mL|ml)(?:/(?:mL|ml|kg|m2|hr?|min|day|dose))+")
_LEADING_ZERO_RATE = re.compile(r"(?<![\w.])\.(\d+)(\s?" + _RATE_UNIT + r")(?![\w/])")
_LEADING_ZERO_PERCENT = re.compile(r"(?<![\w.])\.(\d+)(\s?%)")
_TRAILING_ZERO_PERCENT = re.compile(r"(?<![\w.])(\d+)\.0+(\s?%)")
# Dosage forms: a percent strength in a sentence with one of these is a medication ("Triamcinolone .1% cream").
_DOSAGE_FORM = re.compile(
    r"(?i)\b(?:creams?|ointments?|gels?|lotions?|solutions?|suspensions?|patch(?:es)?|injections?|infus(?:ions?|ed)"
    r"|sprays?|drops|inhalers?|syrups?|elixirs?|topical(?:ly)?|appl(?:y|ies|ied)|inject(?:ed|s)?)\b"
)
# Brand names that contain a listed form and are not the ambiguous abbreviation.
_ALLOWED_AFTER = {"MS": re.compile(r"\s+Contin\b")}


@lru_cache(maxsize=1)
def do_not_use() -> dict[str, dict[str, Any]]:
    """Entry name -> {forms, problem, replacement, suggestions}, from abbreviations.yaml."""
    data = yaml.safe_load(Path(__file__).with_name("abbreviations.yaml").read_text(encoding="utf-8")) or {}
    table = {}
    for name, entry in data.items():
        replacement = str(entry["replacement"])
        table[str(name)] = {
            "forms": [str(f) for f in entry.get("forms") or ()],
            "problem": str(entry["problem"]),
            "replacement": replacement,
            "suggestions": [str(s) for s in entry.get("suggestions") or [replacement]],
        }
    return table


def _forms_pattern(table: dict[str, dict[str, Any]]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over every listed form (longest first), and form -> entry name."""
    by_form = {form: name for name, entry in table.items() for form in entry["forms"]}
    if not by_form:
        return re.compile(r"(?!x)x"), by_form
    alternatives = "|".join(re.escape(f) for f in sorted(by_form, key=len, reverse=True))
    # Whole tokens only: not part of a word, "U.S.", "U-100", "U/L" or "MS-DRG".
    return re.compile(rf"(?<![\w./-])(?:{alternatives})(?!\w|[./-]\w)"), by_form


@register
class DoNotUseAbbreviation(Rule):
    code = "NA501"
    name = "do-not-use-abbreviation"
    category = "do-not-use-abbreviation"
    severity = "error"
    reads: frozenset[str] = frozenset()  # regular expressions over the text layer's sentences
    scope = "sentence"
    defaults = LEXICON_OPTIONS
    summary = "An abbreviation or number format from The Joint Commission's Do Not Use list in medication text."
    explanation = (
        "The Joint Commission's Official \"Do Not Use\" list (IM.02.02.01) applies to all medication-related "
        "documentation: U and IU for units, Q.D. and Q.O.D., MS, MSO4 and MgSO4, trailing zeros (5.0 mg) and "
        "missing leading zeros (.5 mg), each of which has caused dosing errors. The rule checks these only in "
        "medication context (a sentence with a dose or a route or frequency word, or a Medications/Rx section), "
        "because elsewhere \"MS\" is usually multiple sclerosis and \"U\" a university, and a trailing zero is "
        "allowed for measurements such as range of motion, lesion size or lab values. A naked decimal is flagged "
        "before a dose unit, a dose rate or concentration (\".25 mg/mL\") and, in medication context (a dosage "
        "form such as a cream counts), a percent strength (\".1% cream\", \".5 %\"); \"p < .05\" has no unit "
        "and passes. `extra_terms` adds an agency's "
        "own forms (cc = \"mL\", SC = \"subcut\"); `remove_terms` drops a form or an entry (trailing_zero)."
    )
    bad = "Insulin glargine 10 U at bedtime; meloxicam 15.0 mg QD."
    good = "Insulin glargine 10 units at bedtime; meloxicam 15 mg daily."
    source = 'domain.md section 2.7 (The Joint Commission Official "Do Not Use" list)'

    def __init__(self, config):
        super().__init__(config)
        removed = removed_terms(self)
        self.table = {}
        for name, entry in do_not_use().items():
            forms = [f for f in entry["forms"] if f.lower() not in removed]
            if name.lower() not in removed and (forms or not entry["forms"]):
                self.table[name] = {**entry, "forms": forms}
        for form, suggestions in extra_terms(self).items():
            self.table[f"agency:{form}"] = {"forms": [form], "problem": "on the agency's Do Not Use list",
                                            "replacement": suggestions[0] if suggestions else "the full word",
                                            "suggestions": suggestions}
        self.pattern, self.by_form = _forms_pattern(self.table)

    def check(self, doc: Doc) -> Iterable[Finding]:
        text = text_of(doc)
        table = self.table
        note = doc._.note
        structure = note.structure if note is not None else None
        sentences = note.sentences if note is not None else split_sentences(text)
        context: dict[tuple[int, int], bool] = {}

        def in_medication_context(offset: int) -> bool:
            if structure is not None:
                section = structure.section_at(offset)
                if section is not None and _MED_SECTION.search(section.label):
                    return True
            span = sentences.around(offset, offset + 1)
            if span not in context:
                sentence = text[span[0]:span[1]]
                context[span] = bool(_DOSE.search(sentence) or _ROUTE.search(sentence))
            return context[span]

        pattern, by_form = self.pattern, self.by_form
        for m in pattern.finditer(text):
            form = m.group(0)
            allowed = _ALLOWED_AFTER.get(form)
            if allowed is not None and allowed.match(text, m.end()):
                continue
            if not in_medication_context(m.start()):
                continue
            entry = table[by_form[form]]
            message = (f'"{form}" is on The Joint Commission\'s Do Not Use list ({entry["problem"]}); '
                       f'write "{entry["replacement"]}"')
            # One replacement ("QD" -> "daily") is safe to apply; "MS" has two readings and stays a suggestion.
            fix = entry["suggestions"][0] if len(entry["suggestions"]) == 1 else None
            yield self.finding(doc, m.start(), m.end(), message, entry["suggestions"], fix=fix, form=form)

        def percent_in_medication_context(offset: int) -> bool:
            span = sentences.around(offset, offset + 1)
            return in_medication_context(offset) or bool(_DOSAGE_FORM.search(text, span[0], span[1]))

        for m, fixed, key, what in (
            *((m, m.group(1) + m.group(2), "trailing_zero", "trailing zero") for m in _TRAILING_ZERO.finditer(text)),
            # "voltaren gel 1.0 % four times a day": a strength, in a medication sentence ("1.0% of cases" is not)
            *((m, m.group(1) + m.group(2), "trailing_zero", "trailing zero")
              for m in _TRAILING_ZERO_PERCENT.finditer(text) if percent_in_medication_context(m.start())),
            *((m, "0." + m.group(1) + m.group(2), "leading_zero", "missing leading zero")
              for m in (*_LEADING_ZERO.finditer(text), *_LEADING_ZERO_RATE.finditer(text),
                        *(p for p in _LEADING_ZERO_PERCENT.finditer(text)
                          if percent_in_medication_context(p.start())))),
        ):
            if key not in table:
                continue
            entry = table[key]
            message = (f'"{m.group(0)}": a {what} is on The Joint Commission\'s Do Not Use list '
                       f'({entry["problem"]}); write "{fixed}"')
            yield self.finding(doc, m.start(), m.end(), message, [fixed], fix=fixed, form=what)
