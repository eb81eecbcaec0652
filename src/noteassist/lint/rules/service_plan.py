"""Progress on a goal the service plan does not have (NA132, service-plan). Source: ../shared/domain.md 1.6
(GIRP and BIRP interventions cite a service-plan goal or objective).

A human-services note reports progress against the client's service plan ("Goal 2: progressing",
"Objective 1.3 met"). A goal or objective the plan does not have is a copied-forward number from another
client, an old plan, or a typo; either way the progress is recorded against nothing. The plan comes from the
visit facts (their service plan's goals), the metadata (`service_plan_goals`: a list of ids, or of mappings
with an `id`), or the note itself: a section headed "Service plan", "Treatment plan", "ISP", "Goals" or
"Plan goals" whose lines number or name the goals ("Goal 1: Stable housing", "1. Stable housing", "G2 -
employment"). Without a plan the rule cannot know and says nothing; the lines of the plan section are the
plan, not progress on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..registry import Rule, register, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Finding, NoteContext

_ID = r"(?P<id>\d{1,2}(?:\.\d{1,2})?[a-z]?|[A-H](?:\.?\d{1,2})?)"
#: "Goal 2", "Goal #3", "goal 1.2", "Objective 2b", "Obj. 3", "G2" (capital G), "Goal B".
_MENTION = re.compile(r"(?:\b(?i:goal|objective|obj\.?)[ \t]*#?[ \t]*|\b(?-i:G)(?=\d))" + _ID + r"(?!\w)")
#: "goal 3 of the lease agreement": a numbered item of some other document, not of the service plan.
_OTHER_DOCUMENT = re.compile(r"[ \t]+of[ \t]+(?:the|a|an|his|her|their|this|that)\b", re.IGNORECASE)
#: Headings of the section that lists the plan.
_PLAN_HEADING = re.compile(r"(?i)\b(?:service[ \t]+plan|treatment[ \t]+plan|care[ \t]+plan|case[ \t]+plan|isp|itp|"
                           r"plan[ \t]+goals|goals?(?:[ \t]+and[ \t]+objectives)?)\b")
#: A line of that section that defines a goal: "Goal 1: ...", "1. ...", "1) ...", "G2 - ...", "- Goal B: ..."
#: (a bare letter is a goal only after "Goal": "A: Client worked on ..." is a DAP section).
_PLAN_LINE = re.compile(
    r"(?m)^[ \t>*_\u2022-]*(?:(?i:goal|objective|obj\.?)[ \t]*#?[ \t]*" + _ID + r"|(?-i:G)" + _ID.replace("?P<id>", "?P<gid>")
    + r"|(?P<num>\d{1,2}(?:\.\d{1,2})?[a-z]?))[ \t]*[.):\-\u2013\u2014][ \t]*\S")


def _plan_lines(body: str, start: int, end: int) -> tuple[set[str], tuple[int, int]]:
    """The goal ids the lines right under a plan heading define, and the span of those lines. The plan ends
    at the first line that neither defines a goal nor is indented under one ("Target: 03/01/2027"), so a
    later "Goal 3: progressing" in the assessment is progress, not plan."""
    ids: set[str] = set()
    plan_end = start
    for line in re.finditer(r"[^\n]*\n?", body[start:end]):
        text = line.group(0)
        if not text:
            break
        if not text.strip():
            continue
        m = _PLAN_LINE.match(text)
        if m:
            ids.add((m.group("id") or m.group("gid") or m.group("num")).upper())
        elif not (ids and text[:1] in " \t"):
            break
        plan_end = start + line.end()
    return ids, (start, plan_end)


def _goal_of(ident: str) -> str:
    """The goal an id belongs to: "1.2" -> "1", "2b" -> "2", "B3" -> "B"."""
    m = re.match(r"\d+|[A-H]", ident)
    return m.group(0) if m else ident


def _ids_from(values: Iterable[Any]) -> set[str]:
    """Goal and objective ids of a plan given as data: an item's `id`, or its place in the list ("Goal 2" is
    the second goal, "Objective 2.1" its first objective), as the drafted note numbers them."""
    ids: set[str] = set()
    for n, value in enumerate(values or (), start=1):
        ident = _field(value, "id") if isinstance(value, dict) or hasattr(value, "id") else value
        if isinstance(value, dict) or hasattr(value, "goal"):
            ident = ident if ident not in (None, "") else n
        goal = str(ident).strip().upper() if ident not in (None, "") else str(n)
        ids.add(goal)
        for m, objective in enumerate(_field(value, "objectives") or (), start=1):
            oid = _field(objective, "id")
            ids.add(str(oid).strip().upper() if oid not in (None, "") else f"{goal}.{m}")
    return ids


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


@register
class GoalNotInServicePlan(Rule):
    code = "NA132"
    name = "goal-not-in-service-plan"
    category = "service-plan"
    severity = "warning"
    reads = frozenset()
    scope = "note"
    summary = "Progress reported on a goal or objective the client's service plan does not have."
    explanation = (
        "Progress in a DAP, BIRP or service-plan note is recorded against the client's service plan. A goal "
        "or objective number the plan does not have (\"Goal 4: progressing\" when the plan has goals 1 to 3) is "
        "progress recorded against nothing: usually a number copied from another client's note or an old plan. "
        "The plan comes from the visit facts, the `service_plan_goals` metadata, or the note's own \"Service "
        "plan\" / \"Goals\" section. With no plan known the rule is quiet."
    )
    bad = "Service plan goals:\nGoal 1: Stable housing\nGoal 2: Income\n\nAssessment: Goal 3 progressing; client applied for SNAP."
    good = "Service plan goals:\nGoal 1: Stable housing\nGoal 2: Income\n\nAssessment: Goal 2 progressing; client applied for SNAP."
    source = "domain.md 1.6 (interventions reference a service-plan goal or objective)"

    def plan(self, ctx: NoteContext, body: str) -> tuple[set[str], list[tuple[int, int]]]:
        """The plan's goal and objective ids (upper case), and the spans of the note's plan sections."""
        ids: set[str] = set()
        facts_plan = _field(ctx.facts, "service_plan") if ctx.facts is not None else None
        if facts_plan is not None:
            ids |= _ids_from(_field(facts_plan, "goals") or ())
        meta_goals = (ctx.meta or {}).get("service_plan_goals")
        if isinstance(meta_goals, (list, tuple)):
            ids |= _ids_from(meta_goals)
        sections: list[tuple[int, int]] = []
        for section in ctx.structure.sections:
            if _PLAN_HEADING.search(section.label):
                defined, span = _plan_lines(body, section.start, section.end)
                if defined:
                    ids |= defined
                    sections.append(span)
        return ids, sections

    def check(self, doc: Doc) -> Iterable[Finding]:
        ctx = doc._.note
        body = text_of(doc)
        if not _MENTION.search(body):
            return
        ids, plan_sections = self.plan(ctx, body)
        if not ids:
            return
        goals = {_goal_of(i) for i in ids}
        for m in _MENTION.finditer(body):
            if any(s <= m.start() < e for s, e in plan_sections):
                continue
            ident = m.group("id").upper()
            known = ident in ids if "." in ident or ident[-1:].isalpha() and ident[:-1].isdigit() else None
            if known is None:
                known = _goal_of(ident) in goals
            elif not known:
                # An objective the plan does not list, under a goal it has: only wrong when the plan lists objectives.
                listed = {i for i in ids if _goal_of(i) == _goal_of(ident) and i != _goal_of(ident)}
                known = not listed and _goal_of(ident) in goals
            if known:
                continue
            # Any mention counts, not only one with progress words beside it: "Goal 4: attended the budgeting
            # class" is progress by where it stands (blind round 7: 8 of 8 such notes named no progress word).
            if _OTHER_DOCUMENT.match(body, m.end()):
                continue
            plan_list = ", ".join(sorted(goals, key=lambda g: (len(g), g)))
            yield self.finding(
                doc, m.start(), m.end(),
                f'progress on "{m.group(0)}", which is not in the service plan (goals {plan_list}); record it '
                "against the plan's goal, or update the plan first",
                [f"Goal {g}" for g in sorted(goals, key=lambda g: (len(g), g))][:5],
                goal=ident,
            )
