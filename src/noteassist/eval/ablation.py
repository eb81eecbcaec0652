"""Ablation of complete notes: delete one element's text at a time and check that exactly it is reported missing.

The notes are ones known to be complete: the labelled notes of tests/corpus and tests/blind/* that carry no
missing-element label, and the notes drafted from examples/*.yaml (Markdown, and the plain text a case
manager pastes into a case-management system). Each is first linted whole with NA101 only, under the note
type the linter resolves for it; that type is then given explicitly, so a deletion tests the element check,
not note-type inference.

Which text states an element comes from an independent source, not from NA101's cues: the note's own
labelled sections and fields, read with the text layer's structure parser and mapped to elements by the
hand-made table `LABELS` below (written from the contract's element list and the domain guide's section
names, sections 1.1-1.6). A drafted note's labels are its template's section headings.

Three deletions per labelled element, when the note has them:
- `section`: the heading and everything under it, up to the next heading of the same or a higher level;
- `field`: a "Label: value" line, with the lines that continue it;
- `value`: the words after the label (the heading or the "Label:" stays, empty).

A front-matter key naming the same element ("date_of_service: ...") is removed with it.

For each ablation: `reported` when NA101 reports that element (with the whole note not reporting it),
`missed` when it does not, and `others` when NA101 reports any other element the whole note did not. An
element can also be stated in prose outside its section ("returns to Dr. Lee in two weeks" in the plan),
in which case NA101 is right not to report it: a `missed` count is an upper bound on NA101's misses.

Run: `python -m noteassist.eval.ablation [DIR...] [--write BENCHMARKS.md]`.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .sections import write_marked_section

ROOT = Path(__file__).resolve().parents[3]
MARKERS = ("<!-- ablation:start -->", "<!-- ablation:end -->")
HEADING = "## Ablation of complete notes"
VARIANTS = ("section", "field", "value")

#: Section or field label (normalised: lower case, markup removed) -> the element it states. Written from
#: CONTRACT.md's element list and domain.md 1.1-1.6 (the headings templates, agency manuals and EHR exports
#: use); a label that names two elements ("Diagnosis and treatment plan") is left out on purpose.
LABELS: dict[str, str] = {
    # universal header
    "date of service": "date_of_service", "dos": "date_of_service", "service date": "date_of_service",
    "date of visit": "date_of_service", "visit date": "date_of_service", "date of contact": "date_of_service",
    "contact date": "date_of_service", "date of call": "date_of_service", "call date": "date_of_service",
    "date of session": "date_of_service", "session date": "date_of_service", "date of assessment": "date_of_service",
    "assessment date": "date_of_service", "date/time": "date_of_service", "date and time": "date_of_service",
    # physician visit (1.1)
    "provider": "provider", "physician": "provider", "treating physician": "provider", "doctor": "provider",
    "treating provider": "provider", "attending physician": "provider", "providers": "provider",
    "subjective": "subjective", "worker report": "subjective", "claimant report": "subjective",
    "injured worker report": "subjective", "iw report": "subjective", "client report": "subjective",
    "objective": "objective", "objective findings": "objective", "exam": "objective", "examination": "objective",
    "physical exam": "objective", "physical examination": "objective", "exam findings": "objective",
    "diagnosis": "diagnosis", "diagnoses": "diagnosis", "dx": "diagnosis",
    "treatment plan": "treatment_plan", "treatment": "treatment_plan", "plan of care": "treatment_plan",
    "medical plan": "treatment_plan", "treatment recommendations": "treatment_plan",
    "work status": "work_status", "work status and restrictions": "work_status", "duty status": "work_status",
    "return to work": "work_status", "rtw status": "work_status", "work": "work_status",
    "restrictions": "restrictions", "work restrictions": "restrictions",
    "next appointment": "next_appointment", "next appt": "next_appointment", "next visit": "next_appointment",
    "follow-up appointment": "next_appointment", "follow up appointment": "next_appointment",
    "return visit": "next_appointment", "next scheduled appointment": "next_appointment",
    "upcoming appointments": "next_appointment",
    "case manager plan": "case_manager_plan", "cm plan": "case_manager_plan", "ncm plan": "case_manager_plan",
    "case management plan": "case_manager_plan", "rn case manager plan": "case_manager_plan",
    "nurse case manager plan": "case_manager_plan", "cm actions and plan": "case_manager_plan",
    "next steps": "case_manager_plan", "action plan": "case_manager_plan",
    # telephonic (1.2)
    "contact": "contact", "spoke with": "contact", "call with": "contact", "caller": "contact",
    "person contacted": "contact", "party contacted": "contact", "called": "contact",
    "purpose": "purpose", "purpose of call": "purpose", "purpose of contact": "purpose", "reason for call": "purpose",
    "reason for contact": "purpose", "reason": "purpose", "re": "purpose",
    "outcome": "outcome", "call outcome": "outcome", "result": "outcome", "results": "outcome",
    "disposition": "outcome", "outcome of call": "outcome",
    # initial assessment (1.3)
    "date of injury": "date_of_injury", "doi": "date_of_injury", "injury date": "date_of_injury",
    "mechanism of injury": "mechanism_of_injury", "mechanism": "mechanism_of_injury", "moi": "mechanism_of_injury",
    "how the injury occurred": "mechanism_of_injury",
    "barriers": "barriers", "barriers to recovery": "barriers", "barriers to return to work": "barriers",
    "barriers to rtw": "barriers", "barrier": "barriers", "barriers and actions": "barriers",
    "goals": "goals", "goal": "goals", "case management goals": "goals", "cm goals": "goals",
    # SOAP / DAP / BIRP (1.6), the plan of every format
    "assessment": "assessment", "data": "data", "behavior": "behavior", "behaviour": "behavior",
    "intervention": "intervention", "interventions": "intervention", "response": "response",
    "plan": "plan",
    # progress and closure reports (1.4, 1.5)
    "report period": "report_period", "reporting period": "report_period", "period": "report_period",
    "recommendations": "recommendations", "recommendations and decisions needed": "recommendations",
    "closure date": "closure_date", "date of closure": "closure_date", "date closed": "closure_date",
    "closure reason": "closure_reason", "reason for closure": "closure_reason",
    "outcomes": "outcome", "outcome vs goals": "outcome", "goal outcomes": "outcome",
}
#: The section letters of SOAP, DAP and BIRP notes, which mean an element only in their own format.
LETTERS: dict[str, dict[str, str]] = {
    "soap": {"s": "subjective", "o": "objective", "a": "assessment", "p": "plan"},
    "dap": {"d": "data", "a": "assessment", "p": "plan"},
    "birp": {"b": "behavior", "i": "intervention", "r": "response", "p": "plan"},
}
#: "Plan" is the format's own plan in SOAP/DAP/BIRP, and the case manager's plan in the other contact notes.
_PLAN_FOR = {"case_manager_plan"}


def element_of(label: str, note_type: str, required: Sequence[str]) -> str | None:
    """The element a label names in a note of this type, or None (not an element, or not one this type needs)."""
    label = re.sub(r"\s+", " ", label.strip(" .:-|*#\t")).lower()
    element = LETTERS.get(note_type, {}).get(label) or LABELS.get(label)
    if element == "plan" and "plan" not in required and "case_manager_plan" in required:
        element = "case_manager_plan"
    if element in ("outcome",) and "outcome" not in required:
        return None
    if element == "restrictions" or element in required:
        return element
    return None


@dataclass(frozen=True)
class Note:
    name: str
    text: str
    note_type: str | None = None


@dataclass(frozen=True)
class Ablation:
    note: str
    note_type: str
    element: str
    variant: str
    label: str
    text: str


def _span_ends(text: str, blocks, index: int) -> int:
    """A field's end, with the lines that continue it (no blank line between, not a heading or field)."""
    end = blocks[index].end
    for nxt in blocks[index + 1:]:
        if nxt.kind in ("heading", "field") or text[end:nxt.start].count("\n") > 1:
            break
        end = nxt.end
    return end


def _cut(text: str, start: int, end: int) -> str:
    """Remove [start, end) and the line break that ends it."""
    if text[end:end + 1] == "\n":
        end += 1
    return text[:start] + text[end:]


def ablations_of(note: Note, required: Sequence[str]) -> list[Ablation]:
    """Every deletion of one labelled element's text in a note, by variant."""
    from ..text.frontmatter import split_front_matter
    from ..text.structure import parse_structure

    _, offset = split_front_matter(note.text)
    body = note.text[offset:]
    structure = parse_structure(body)
    blocks = structure.blocks
    labelled = collections.Counter()
    spans: list[tuple[str, str, str, int, int]] = []  # element, variant, label, start, end (in body)
    for section in structure.sections:
        element = element_of(section.label, note.note_type, required)
        if element is None:
            continue
        labelled[element] += 1
        inner = [b for b in blocks if section.start <= b.start < section.end and b.kind in ("heading", "field")
                 and element_of(b.label, note.note_type, required) not in (None, element)]
        if inner:
            continue  # the section also labels another element: deleting it would test two at once
        spans.append((element, "section", section.label, section.heading_start, section.end))
        spans.append((element, "value", section.label, section.heading_end, section.end))
    for i, block in enumerate(blocks):
        if block.kind != "field":
            continue
        element = element_of(block.label, note.note_type, required)
        if element is None:
            continue
        labelled[element] += 1
        end = _span_ends(body, blocks, i)
        spans.append((element, "field", block.label, block.start, end))
        spans.append((element, "value", block.label, block.value_start, end))
    out = []
    for element, variant, label, start, end in spans:
        if labelled[element] > 1:
            continue  # two labelled statements of one element: deleting one leaves the other
        if variant == "value":
            # The label stays on its own line: "WORK STATUS:" must not run into the next heading.
            joint = "" if body[start - 1:start] == "\n" or body[end:end + 1] in ("\n", "") else "\n"
            new_body = body[:start] + joint + body[end:]
        else:
            new_body = _cut(body, start, end)
        head = _without_meta(note.text[:offset], element, note.note_type, required)
        out.append(Ablation(note.name, note.note_type, element, variant, label, head + new_body))
    return out


def _without_meta(front_matter: str, element: str, note_type: str, required: Sequence[str]) -> str:
    """The front matter without the keys that state the element ("date_of_service: 2026-08-14"): metadata
    states an element as much as the body does, so an ablation removes both."""
    lines = front_matter.splitlines(keepends=True)
    kept = [line for line in lines
            if not (m := re.match(r"^([A-Za-z_]+)\s*:", line)) or element_of(m.group(1).replace("_", " "), note_type,
                                                                            required) != element]
    return "".join(kept)


# --- the notes -------------------------------------------------------------------------------------------

def labelled_complete_notes(directories: Iterable[str | Path]) -> list[Note]:
    """The labelled notes with no missing-element label, from each corpus directory."""
    from .evaluate import load_corpus

    notes = []
    for directory in directories:
        for labelled in load_corpus(directory):
            if not any(e.category == "missing-element" for e in labelled.expected):
                notes.append(Note(str(labelled.path), labelled.text))
    return notes


def drafted_notes(examples: Iterable[str | Path]) -> list[Note]:
    """Each example's drafted note, as Markdown and as the plain text pasted into a case-management system."""
    from ..app.draft import draft_note
    from ..facts import load_facts

    notes = []
    for path in examples:
        facts = load_facts(path)
        name = Path(path).name
        notes.append(Note(f"{name} (draft, Markdown)", draft_note(facts)))
        notes.append(Note(f"{name} (draft, plain text)", draft_note(facts, plain=True)))
    return notes


def default_sources() -> tuple[list[Path], list[Path]]:
    corpora = [ROOT / "tests" / "corpus", *sorted(p for p in (ROOT / "tests" / "blind").glob("*") if p.is_dir())]
    return [p for p in corpora if p.is_dir()], sorted((ROOT / "examples").glob("*.yaml"))


# --- running ---------------------------------------------------------------------------------------------

@dataclass
class Tally:
    ablations: int = 0
    reported: int = 0
    missed: int = 0
    others: int = 0
    #: Misses where NA101 found the element under another label, or in a prose sentence, after the deletion.
    missed_label: int = 0
    missed_prose: int = 0
    #: Prose misses with a hand verdict, and those judged "not-stated" (a real miss).
    judged: int = 0
    judged_wrong: int = 0


@dataclass
class Result:
    by_element: dict[str, Tally] = field(default_factory=dict)
    by_variant: dict[str, Tally] = field(default_factory=dict)
    notes: int = 0
    whole_clean: int = 0
    #: Whole notes NA101 already reports something on: (note, elements); they are not ablated.
    whole_reported: list[tuple[str, list[str]]] = field(default_factory=list)
    untyped: int = 0
    #: (ablation, what was reported) for each ablation that was missed or reported another element.
    failures: list[tuple[Ablation, list[str]]] = field(default_factory=list)
    #: For each missed ablation (by `_key`), the evidence NA101 accepted instead.
    evidence: dict[str, Found | None] = field(default_factory=dict)
    review: dict[str, str] = field(default_factory=lambda: load_review())

    @property
    def total(self) -> Tally:
        t = Tally()
        for v in self.by_element.values():
            for name in vars(t):
                setattr(t, name, getattr(t, name) + getattr(v, name))
        return t


def _linter():
    from ..lint import LintConfig, Linter

    return Linter(LintConfig(select=["NA101"]))


def _missing(result) -> list[str]:
    return sorted(f.extra.get("element") for f in result.findings if f.rule == "NA101")


def run(notes: Sequence[Note], linter=None, limit: int | None = None) -> Result:
    """Lint each note whole, then every ablation of each clean one; count per element and variant."""
    from ..lint import NoteInput
    from ..notetypes import NOTE_TYPES

    linter = linter or _linter()
    out = Result(notes=len(notes))
    whole = list(linter.lint_many(NoteInput(text=n.text, path=n.name, note_type=n.note_type) for n in notes))
    planned: list[tuple[Ablation, list[str]]] = []
    for note, result in zip(notes, whole):
        if result.note_type not in NOTE_TYPES:
            out.untyped += 1
            continue
        baseline = _missing(result)
        if baseline:
            out.whole_reported.append((note.name, baseline))
            continue
        out.whole_clean += 1
        typed = Note(note.name, note.text, result.note_type)
        planned += [(a, baseline) for a in ablations_of(typed, NOTE_TYPES[result.note_type].required)]
    if limit is not None:
        planned = planned[:limit]
    inputs = (NoteInput(text=a.text, path=f"{a.note}#{a.element}-{a.variant}", note_type=a.note_type)
              for a, _ in planned)
    for (ablation, baseline), result in zip(planned, linter.lint_many(inputs)):
        reported = [e for e in _missing(result) if e not in baseline]
        hit = ablation.element in reported
        others = [e for e in reported if e != ablation.element]
        for table, key in ((out.by_element, ablation.element), (out.by_variant, ablation.variant)):
            tally = table.setdefault(key, Tally())
            tally.ablations += 1
            tally.reported += hit
            tally.missed += not hit
            tally.others += bool(others)
        if not hit or others:
            out.failures.append((ablation, reported))
    missed = [a for a, reported in out.failures if a.element not in reported]
    for ablation, found in zip(missed, evidence_of(linter, missed)):
        out.evidence[_key(ablation)] = found
        if found is not None:
            tally = out.by_element[ablation.element]
            if found.kind == "label":
                tally.missed_label += 1
            elif found.kind == "prose":
                tally.missed_prose += 1
            verdict = out.review.get(found.key)
            if verdict is not None:
                tally.judged += 1
                tally.judged_wrong += verdict == "not-stated"
    return out


@dataclass(frozen=True)
class Found:
    """Where NA101 found an ablated element stated after all: under a label or in a prose sentence."""

    kind: str
    line: str
    #: Verdict key: the note, the element, the deletion and the evidence line (a new line, a new verdict).
    key: str


def _key(ablation: Ablation) -> str:
    return f"{Path(ablation.note).name}#{ablation.element}-{ablation.variant}-{ablation.label}"


def evidence_of(linter, ablations: Sequence[Ablation]) -> list[Found | None]:
    """For each ablation NA101 did not report, the evidence it accepted for the element instead."""
    import hashlib

    from ..lint import NoteInput

    rule = next((r for r in getattr(linter, "rules", ()) if r.code == "NA101"), None)
    if rule is None:  # a linter without NA101 has no evidence to show
        return [None] * len(ablations)
    contexts = [linter.prepare(NoteInput(text=a.text, path=a.note, note_type=a.note_type)) for a in ablations]
    out: list[Found | None] = []
    for ablation, ctx, doc in zip(ablations, contexts, linter.pipeline.pipe(c.body for c in contexts)):
        doc._.note = ctx
        _, _, metadata, evidence = rule.explain(doc)
        where = evidence.where.get(ablation.element)
        if where is None:
            out.append(Found("metadata", "", "") if ablation.element in metadata else None)
            continue
        start, end, kind = where
        body = ctx.body
        line_start = body.rfind("\n", 0, start) + 1
        line_end = body.find("\n", min(end, start + 300))
        line = " ".join(body[line_start:line_end if line_end >= 0 else len(body)].split())[:400]
        digest = hashlib.sha256(f"{_key(ablation)}\n{line}".encode()).hexdigest()[:16]
        out.append(Found(kind, line, digest))
    return out


REVIEW = ROOT / "bench" / "ablation_review.yaml"


def load_review(path: Path = REVIEW) -> dict[str, str]:
    """Hand verdicts on ablations NA101 did not report because it found the element elsewhere: key ->
    "stated" (the rest of the note does state it, so NA101 is right) or "not-stated" (a real miss)."""
    import yaml

    if not path.is_file():
        return {}
    return {row["key"]: row["verdict"] for row in yaml.safe_load(path.read_text(encoding="utf-8")) or []}


def _estimate(tally: Tally) -> str:
    """Recall with the misses corrected by the hand-judged share of real misses, when any were judged."""
    if not tally.ablations:
        return "-"
    if tally.missed and not tally.judged:
        return "-"
    real = tally.missed * (tally.judged_wrong / tally.judged) if tally.judged else 0.0
    unexplained = tally.missed - tally.missed_label - tally.missed_prose  # no evidence found: cannot happen
    return f"{tally.reported / (tally.reported + real + unexplained):.2f}"


def format_report(result: Result, sources: str = "") -> str:
    t = result.total
    lines = [
        f"{result.notes} notes known to be complete{sources}: {result.whole_clean} linted whole with no "
        f"missing element reported, {len(result.whole_reported)} with one reported anyway (not ablated"
        + (": " + "; ".join(f"{Path(n).name} {', '.join(e)}" for n, e in result.whole_reported) if result.whole_reported
           else "") + f"), {result.untyped} with no note type. "
        f"{t.ablations} ablations: one labelled element's section, field or field value deleted at a time "
        "(`python -m noteassist.eval.ablation`).",
        "",
        "When NA101 does not report a deleted element, it found the element stated elsewhere: under another "
        "label or in a sentence (\"returns to Dr. Lee on 12/18\" after the Next appointment field is gone). "
        "Whether that text really states it is a reviewer's call, so a random sample of those misses is judged by "
        "hand against the CONTRACT and the domain guide (`bench/ablation_review.yaml`, judged by a reader who "
        "has not seen the rules); *estimated recall* counts the judged share of real misses.",
        "",
        "| element | ablations | reported missing | missed | found under another label | found in prose "
        "| judged | real misses | estimated recall | other elements reported |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(name: str, tally: Tally) -> str:
        return (f"| {name} | {tally.ablations} | {tally.reported} | {tally.missed} | {tally.missed_label} | "
                f"{tally.missed_prose} | {tally.judged} | {tally.judged_wrong} | {_estimate(tally)} | {tally.others} |")

    for element, tally in sorted(result.by_element.items()):
        lines.append(row(element, tally))
    lines.append(row("**all**", t))
    lines += ["", "| deleted | ablations | reported missing | missed | other elements reported |",
              "| --- | ---: | ---: | ---: | ---: |"]
    for variant in VARIANTS:
        tally = result.by_variant.get(variant, Tally())
        lines.append(f"| {variant} | {tally.ablations} | {tally.reported} | {tally.missed} | {tally.others} |")
    lines += ["", "*Other elements reported* counts ablations where NA101 also reported an element the whole note "
              "did not."]
    return "\n".join(lines)


def unjudged(result: Result, per_element: int = 6, seed: int = 20261201) -> list[dict]:
    """A fixed-seed random sample, per element, of misses with no verdict yet, to be judged by hand."""
    import hashlib

    by_element: dict[str, list[dict]] = {}
    for ablation, reported in result.failures:
        found = result.evidence.get(_key(ablation))
        if ablation.element in reported or found is None or not found.key:
            continue
        by_element.setdefault(ablation.element, []).append({
            "key": found.key, "note": Path(ablation.note).name, "note_type": ablation.note_type,
            "element": ablation.element,
            "deleted": f"{ablation.variant} {ablation.label!r}", "evidence": found.line})
    out = []
    for element, rows in sorted(by_element.items()):
        judged = sum(row["key"] in result.review for row in rows)
        rows = sorted((r for r in rows if r["key"] not in result.review),
                      key=lambda r: hashlib.sha256(f"{seed}:{r['key']}".encode()).hexdigest())
        out += rows[:max(0, per_element - judged)]
    return out


def write_section(path: Path, text: str) -> None:
    write_marked_section(path, MARKERS, text, HEADING)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m noteassist.eval.ablation", description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="*", help="labelled corpus directories (default tests/corpus, tests/blind/*)")
    parser.add_argument("--examples", nargs="*", help="visit-facts files to draft (default examples/*.yaml)")
    parser.add_argument("--write", type=Path, help="replace the ablation section of this Markdown file")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every missed or over-reported ablation")
    parser.add_argument("--to-judge", type=Path, help="write a sample of unjudged misses (YAML) to this file")
    args = parser.parse_args(argv)
    from ..errors import NoteassistError

    corpora, examples = default_sources()
    directories = args.directories or corpora
    examples = examples if args.examples is None else args.examples
    try:
        notes = labelled_complete_notes(directories) + drafted_notes(examples)
        result = run(notes)
    except NoteassistError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return 2
    names = [Path(d).as_posix().split("tests/", 1)[-1] for d in directories]
    sources = f" ({', '.join(names)} with no missing-element label; {len(examples)} drafted examples, Markdown and plain)"
    text = format_report(result, sources)
    print(text)
    if args.verbose:
        print("\nmissed or over-reported:")
        for ablation, reported in result.failures:
            found = result.evidence.get(_key(ablation))
            where = f"; found ({found.kind}): {found.line[:120]}" if found is not None and found.line else ""
            print(f"  {ablation.note}: {ablation.variant} {ablation.label!r} -> {ablation.element}: "
                  f"reported {reported or 'nothing'}{where}")
    if args.to_judge:
        import yaml

        args.to_judge.write_text(yaml.safe_dump(unjudged(result), sort_keys=False, allow_unicode=True, width=110),
                                 encoding="utf-8")
    if args.write:
        write_section(args.write, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
