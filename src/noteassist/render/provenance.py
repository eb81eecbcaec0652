"""Which facts a rendered note printed, and where: provenance taken from the render itself.

The facts are handed to the template as tracked proxies. Every leaf value (a string, date, time or
number) carries the dotted path it came from (`work_status.restrictions[1]`, `call.party.phone`); the
note filters pass those paths on to what they return (see `track_filters`), and the environment's
`finalize` hook brackets each printed value with private-use marker characters. After rendering, the
markers are stripped and their positions become spans: "characters 120-161 came from
`follow_up[0].task`". Nothing is listed by hand, so a template cannot print a field without it being
seen, or drop one without it being reported.

Two kinds of leaf count when the template *reads* them, not only when it prints them: enum values
(`work_status.status`, `call.direction`) and booleans (`modified_duty_available`). A template turns them
into wording ("placed her on modified duty", "The employer has modified duty available") rather than
printing them.
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, time
from enum import Enum
from typing import Any, Self

from pydantic import BaseModel

__all__ = ["Provenance", "RenderedNote", "SentenceSource", "carry_forward", "normalise", "provenance_map",
           "sentence_provenance", "set_leaves", "wrap"]

OPEN, MID, CLOSE = "\ue000", "\ue001", "\ue002"
_MARKERS = re.compile(f"{OPEN}(\\d+){MID}|{CLOSE}")
_MARKER_CHARS = re.compile(f"[{OPEN}{MID}{CLOSE}]")
_INDEX = re.compile(r"\[\d+\]")

#: Fields that describe the file or steer the wording rather than state a fact about the case: never
#: "unused". (The pronouns choose she/he/they; a template that never needs a pronoun has dropped nothing.)
METADATA = frozenset({"schema_version", "encounter.note_type", "claimant.pronouns", "client.pronouns"})


def normalise(path: str) -> str:
    """'follow_up[0].due' -> 'follow_up.due': the field, whatever the list item."""
    return _INDEX.sub("", path)


class Tracked:
    """Mixin of the tracked leaf types: `paths` are the facts paths the value was made from."""

    paths: frozenset[str] = frozenset()


class TStr(str, Tracked):
    def __new__(cls, value: str, paths: Iterable[str]) -> Self:
        obj = super().__new__(cls, value)
        obj.paths = frozenset(paths)
        return obj


def _keep_paths(name: str):
    method = getattr(str, name)

    def tracked(self: TStr, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        return TStr(result, self.paths) if isinstance(result, str) else result

    tracked.__name__ = name
    return tracked


# String methods a template may call on a value ('{{ med.name[:1] | upper }}', '.rstrip(".")'): the result
# still comes from the same fact.
for _name in ("__getitem__", "__add__", "__mod__", "strip", "lstrip", "rstrip", "lower", "upper", "title",
              "capitalize", "replace", "removeprefix", "removesuffix"):
    setattr(TStr, _name, _keep_paths(_name))
TStr.__radd__ = lambda self, other: TStr(str(other) + str(self), self.paths)  # type: ignore[method-assign]


class TDate(date, Tracked):
    def __new__(cls, value: date, paths: Iterable[str]) -> Self:
        obj = super().__new__(cls, value.year, value.month, value.day)
        obj.paths = frozenset(paths)
        return obj


class TTime(time, Tracked):
    def __new__(cls, value: time, paths: Iterable[str]) -> Self:
        obj = super().__new__(cls, value.hour, value.minute, value.second, value.microsecond, value.tzinfo)
        obj.paths = frozenset(paths)
        return obj


class TInt(int, Tracked):
    def __new__(cls, value: int, paths: Iterable[str]) -> Self:
        obj = super().__new__(cls, value)
        obj.paths = frozenset(paths)
        return obj


class TFloat(float, Tracked):
    def __new__(cls, value: float, paths: Iterable[str]) -> Self:
        obj = super().__new__(cls, value)
        obj.paths = frozenset(paths)
        return obj


class TList(list, Tracked):
    """A facts list whose items are tracked; `paths` is the list field itself."""

    def __init__(self, items: Iterable[Any], paths: Iterable[str]) -> None:
        super().__init__(items)
        self.paths = frozenset(paths)


class TEnum(Tracked):
    """An enum member: compares equal to the member or its value; `.value` is the tracked string."""

    def __init__(self, member: Enum, paths: Iterable[str]) -> None:
        self._member = member
        self.paths = frozenset(paths)

    @property
    def value(self) -> TStr:
        return TStr(str(self._member.value), self.paths)

    @property
    def name(self) -> str:
        return self._member.name

    def __eq__(self, other: object) -> bool:
        other = other._member if isinstance(other, TEnum) else other
        return self._member == other or self._member.value == other

    def __hash__(self) -> int:
        return hash(self._member)

    def __str__(self) -> str:
        return str(self._member.value)


def tag(value: Any, paths: Iterable[str]) -> Any:
    """`value` as a tracked value made from `paths` (str, date, time and numbers; anything else as is)."""
    paths = frozenset(paths)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return TStr(value, paths)
    if isinstance(value, int):
        return TInt(value, paths)
    if isinstance(value, float):
        return TFloat(value, paths)
    if isinstance(value, date):
        return TDate(value, paths) if type(value) in (date, TDate) else value
    if isinstance(value, time):
        return TTime(value, paths)
    return value


class ModelProxy:
    """A facts model as the template sees it: each field read returns a tracked value with its path."""

    def __init__(self, model: BaseModel, path: str, recorder: Provenance) -> None:
        self._model = model
        self._path = path
        self._recorder = recorder
        self._children: dict[str, Any] = {}

    def _child_path(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        model = self.__dict__["_model"]
        if name not in type(model).model_fields:
            # Properties (time_spent.total_minutes, facts.note_type) and methods (facts.header()).
            value = getattr(model, name)
            if callable(value):
                return value
            return tag(value, self._derived_from(name) or [self._child_path(name)])
        if name not in self._children:
            self._children[name] = wrap(getattr(model, name), self._child_path(name), self._recorder)
        child = self._children[name]
        self._recorder.read(self._child_path(name), child)
        return child

    def _derived_from(self, name: str) -> set[str]:
        """The fields a computed property reads (total_minutes: the minutes that are set), found by running
        it on this proxy: a sentence printing the total came from those fields, not from a name that is
        no field of the facts."""
        descriptor = getattr(type(self.__dict__["_model"]), name, None)
        if not isinstance(descriptor, property) or descriptor.fget is None:
            return set()
        collected: set[str] = set()
        self._recorder._collectors.append(collected)
        try:
            descriptor.fget(self)
        except Exception:
            return set()
        finally:
            self._recorder._collectors.pop()
        return collected

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return str(self._model)


def wrap(value: Any, path: str, recorder: Provenance) -> Any:
    """The tracked form of a facts value found at `path`."""
    if isinstance(value, BaseModel):
        return ModelProxy(value, path, recorder)
    if isinstance(value, list):
        return TList((wrap(item, f"{path}[{i}]", recorder) for i, item in enumerate(value)), [path])
    if isinstance(value, Enum):
        return TEnum(value, [path])
    if isinstance(value, str):  # the markers are ours: a fact cannot forge a span
        from .environment import restyle_times

        value = restyle_times(_MARKER_CHARS.sub("", value), recorder.time_format)
    return tag(value, [path])


def _paths_in(values: Iterable[Any]) -> set[str]:
    found: set[str] = set()
    for value in values:
        if isinstance(value, (list, tuple)):
            found |= _paths_in(value)
        elif isinstance(value, Tracked):
            found |= value.paths
    return found


#: The render in progress. The environment is built once (compiling the templates is most of a render's
#: time) and its finalize hook and filters find the current render's record here.
CURRENT: ContextVar[Provenance | None] = ContextVar("noteassist_provenance", default=None)


def finalize(value: Any) -> Any:
    """The environment's finalize hook: marks a printed fact when a render is being recorded."""
    recorder = CURRENT.get()
    return recorder.finalize(value) if recorder is not None else value


def branch_hook(name: str) -> Any:
    """`Provenance.<name>` for the render being recorded; outside one, the test value or "" as is."""

    def hook(*args: Any) -> Any:
        recorder = CURRENT.get()
        if recorder is not None:
            return getattr(recorder, name)(*args)
        return args[1] if name == "test_end" else None if name == "test_begin" else ""

    return hook


def track(func: Any) -> Any:
    """A filter that passes the facts paths of what it was given on to what it returns."""

    @functools.wraps(func)  # keeps Jinja's pass_context / pass_eval_context marks
    def tracked(*args: Any, **kwargs: Any) -> Any:
        recorder = CURRENT.get()
        return recorder.call_filter(func, args, kwargs) if recorder is not None else func(*args, **kwargs)

    return tracked


@dataclass
class Provenance:
    """What one render read and printed. One per render; `finalize` is the environment's hook."""

    #: The note's one time style ("12h"/"24h"): free-text times in the facts are written in it too.
    time_format: str = "12h"
    groups: list[frozenset[str]] = field(default_factory=list)
    reads: set[str] = field(default_factory=set)
    _collectors: list[set[str]] = field(default_factory=list)
    #: `{% if %}` chains being run: the enum and boolean fields their tests read so far, and whether the
    #: branch now running was marked (see `branch_open`).
    _chains: list[set[str]] = field(default_factory=list)
    _tests: list[set[str]] = field(default_factory=list)
    _marked: list[bool] = field(default_factory=list)

    def read(self, path: str, value: Any) -> None:
        """A template (or a filter) read a field: enums and booleans count as used when read."""
        if isinstance(value, (bool, TEnum)):
            self.reads.add(path)
            if path not in METADATA:
                for test in self._tests:
                    test.add(path)
        if isinstance(value, Tracked) and not isinstance(value, TList):
            for collector in self._collectors:
                collector |= value.paths
        elif isinstance(value, bool):
            for collector in self._collectors:
                collector.add(path)

    def finalize(self, value: Any) -> Any:
        """Bracket a printed tracked value with markers naming its paths; everything else as Jinja prints it."""
        if isinstance(value, Tracked) and value.paths:
            text = str(value) if not isinstance(value, str) else str.__str__(value)
            if text.strip():
                self.groups.append(value.paths)
                return f"{OPEN}{len(self.groups) - 1}{MID}{text}{CLOSE}"
        return value

    def call_filter(self, func: Any, args: tuple, kwargs: dict) -> Any:
        """Run a filter; its result carries the paths of its arguments and of every field it read."""
        collected: set[str] = set()
        self._collectors.append(collected)
        try:
            # A generator argument ('x | select | join') is read here, so its items' paths are seen.
            args = tuple(list(a) if isinstance(a, types.GeneratorType) else a for a in args)
            result = func(*args, **kwargs)
        finally:
            self._collectors.pop()
        if isinstance(result, (str, int, float)) and not isinstance(result, bool):
            paths = collected | _paths_in(args) | _paths_in(kwargs.values())
            if paths:
                return tag(result, paths)
        return result

    # An `{% if %}` whose test reads an enum or a yes/no field writes wording chosen by that field ("placed
    # her on modified duty"): the branch that runs is bracketed with markers naming the fields every test
    # of the chain read so far (an `else` was chosen by all of them). The code generator calls these.

    def test_begin(self, first: bool) -> None:
        if first:
            self._chains.append(set())
        self._tests.append(set())

    def test_end(self, _begun: None, value: Any) -> Any:
        self._chains[-1] |= self._tests.pop()
        return value

    def branch_open(self) -> str:
        paths = frozenset(self._chains[-1]) if self._chains else frozenset()
        self._marked.append(bool(paths))
        if not paths:
            return ""
        self.groups.append(paths)
        return f"{OPEN}{len(self.groups) - 1}{MID}"

    def branch_close(self) -> str:
        return CLOSE if self._marked and self._marked.pop() else ""

    def chain_end(self) -> str:
        if self._chains:
            self._chains.pop()
        return ""

    def strip(self, text: str) -> tuple[str, list[tuple[int, int, tuple[str, ...]]]]:
        """The text without markers, and the spans (start, end, paths) the markers bracketed."""
        out: list[str] = []
        spans: list[tuple[int, int, tuple[str, ...]]] = []
        stack: list[tuple[int, int]] = []
        length = last = 0
        for match in _MARKERS.finditer(text):
            piece = text[last:match.start()]
            out.append(piece)
            length += len(piece)
            last = match.end()
            if match.group(1) is not None:
                stack.append((length, int(match.group(1))))
            elif stack:
                start, group = stack.pop()
                if length > start and self.groups[group]:
                    spans.append((start, length, tuple(sorted(self.groups[group]))))
        out.append(text[last:])
        spans.sort()
        return "".join(out), spans

    def used(self, spans: Iterable[tuple[int, int, tuple[str, ...]]]) -> set[str]:
        """Indexed paths printed in `spans` or read as enum/boolean."""
        printed = {path for _, _, paths in spans for path in paths}
        return printed | self.reads


#: Where a zero is "none": 0 minutes of travel is no travel, which a note leaves out (0 therapy visits used
#: of 8, on the other hand, is a fact to print).
_ZERO_IS_NONE = ("time_spent.",)


def set_leaves(model: BaseModel, path: str = "") -> list[str]:
    """Indexed paths of every leaf field given a value: not None, not empty and not a default left unsaid.

    A field equal to its default counts only when the facts wrote it (`outcome: reached` given explicitly).
    """
    leaves: list[str] = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        here = f"{path}.{name}" if path else name
        if value is None or value == "" or value == []:
            continue
        if value == 0 and not isinstance(value, bool) and here.startswith(_ZERO_IS_NONE):
            continue
        if name not in model.model_fields_set and not info.is_required() and value == info.get_default(
                call_default_factory=True):
            continue
        if isinstance(value, BaseModel):
            leaves += set_leaves(value, here)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                leaves += set_leaves(item, f"{here}[{i}]") if isinstance(item, BaseModel) else [f"{here}[{i}]"]
        else:
            leaves.append(here)
    return leaves


@dataclass
class RenderedNote:
    """A drafted note with its provenance.

    `used`: facts fields (normalised: `follow_up.due`) the note's body printed; `unused`: fields set in the
    facts that the body never printed, in the order of the schema; `spans`: (start, end, indexed paths) of
    `text`, the characters each fact became.
    """

    text: str
    template: str
    used: set[str]
    unused: list[str]
    spans: list[tuple[int, int, tuple[str, ...]]]

    def paths_at(self, offset: int) -> tuple[str, ...]:
        """The facts paths of the innermost span holding character `offset` ('this sentence came from ...')."""
        best: tuple[int, int, tuple[str, ...]] | None = None
        for span in self.spans:
            if span[0] <= offset < span[1] and (best is None or span[1] - span[0] < best[1] - best[0]):
                best = span
        return best[2] if best else ()


@dataclass(frozen=True)
class SentenceSource:
    """One sentence of a note: its offsets into the note's text, its text, and the facts fields (indexed
    paths, `work_status.restrictions[0]`) the template printed in it, in the order they appear. `edited`:
    a person wrote or changed it since it was drafted (its fields are then empty)."""

    start: int
    end: int
    text: str
    fields: tuple[str, ...]
    edited: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "fields": list(self.fields),
                "edited": self.edited}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SentenceSource:
        """A sentence as `as_json` (or the service's stored provenance) has it."""
        return cls(int(data["start"]), int(data["end"]), str(data["text"]), tuple(data.get("fields") or ()),
                   bool(data.get("edited", False)))


def _drafted_sentences(note: RenderedNote) -> list[SentenceSource]:
    from ..text.frontmatter import split_front_matter
    from ..text.sentences import sentence_spans

    _, body = split_front_matter(note.text)
    sentences = []
    for start, end in sentence_spans(note.text, body):
        # A span is in the sentence when they overlap: a fact of two sentences belongs to both.
        inside = sorted((s for s in note.spans if s[0] < end and s[1] > start), key=lambda s: (s[0], -s[1]))
        fields: dict[str, None] = {}
        for _, _, paths in inside:
            fields.update(dict.fromkeys(paths))
        sentences.append(SentenceSource(start, end, note.text[start:end], tuple(fields)))
    return sentences


def sentence_provenance(note: RenderedNote, text: str | None = None) -> list[SentenceSource]:
    """Each sentence of the drafted note's body (the project's one splitter, text/sentences.py) with the
    facts fields it came from, taken from the render's own spans.

    With `text` (the note as a person edited it), the sentences are those of `text`: one the person left
    exactly as drafted keeps its fields, one they wrote or changed has none (the facts no longer vouch for
    it) and is `edited`. A note whose every sentence was edited has no fields at all.
    """
    drafted = _drafted_sentences(note)
    if text is None or text == note.text:
        return drafted
    return carry_forward(drafted, text)


def _readable(stored: SentenceSource | Mapping[str, Any]) -> SentenceSource | None:
    """A stored sentence, or None when it is not in the shape `as_json` writes (the application layer stores
    what it is given): such an entry vouches for no sentence."""
    if isinstance(stored, SentenceSource):
        return stored
    try:
        return SentenceSource.from_json(stored)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def carry_forward(previous: Sequence[SentenceSource | Mapping[str, Any]], text: str) -> list[SentenceSource]:
    """The sentences of `text`, a later version of the note whose sentences were `previous` (SentenceSource or
    their JSON, as a draft version stores them): a sentence left exactly as it was keeps its fields and
    its `edited` mark; a new or changed one has no fields and is `edited`. Sentences are matched in order
    by their text (difflib), so one moved past others counts as changed."""
    import difflib

    from ..errors import NoteInputError
    from ..text.frontmatter import split_front_matter
    from ..text.sentences import sentence_spans

    before = [s for s in map(_readable, previous) if s is not None]
    try:
        _, body = split_front_matter(text)
    except NoteInputError:
        body = 0
    after = [(start, end, text[start:end]) for start, end in sentence_spans(text, body)]
    kept: dict[int, SentenceSource] = {}
    matcher = difflib.SequenceMatcher(None, [s.text for s in before], [t for _, _, t in after], autojunk=False)
    for block in matcher.get_matching_blocks():
        for i in range(block.size):
            kept[block.b + i] = before[block.a + i]
    return [SentenceSource(start, end, sentence, kept[i].fields, kept[i].edited) if i in kept
            else SentenceSource(start, end, sentence, (), True)
            for i, (start, end, sentence) in enumerate(after)]


def provenance_map(note: RenderedNote, text: str | None = None) -> dict[str, Any]:
    """The provenance of a draft as JSON (docs/provenance.md): what `noteassist draft --provenance` prints
    and what the service returns and stores with a draft."""
    return {
        "template": note.template,
        "text": note.text if text is None else text,
        "sentences": [s.as_json() for s in sentence_provenance(note, text)],
        "unused": list(note.unused),
    }
