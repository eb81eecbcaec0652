"""Draft a note: visit facts + a Jinja template -> Markdown (with YAML front matter).

    from noteassist.render import render_note
    text = render_note(facts)                      # template = facts.note_type
    text = render_note(facts, "soap", template_dirs=["my-templates"])
    note = render_with_provenance(facts)           # note.text, note.used, note.unused, note.spans
    sentence_provenance(note)                      # each sentence with the facts fields it came from
    provenance_map(note)                           # the same as JSON (docs/provenance.md)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml

from ..errors import TemplateError
from ..facts.load import Facts  # either kind: workers' compensation (a claim) or human services (a client)
from ..io.data import load_yaml
from ..io.files import MAX_DATA_BYTES, read_text
from .environment import (
    TEMPLATE_SUFFIX,
    build_environment,
    pronoun,
    search_path,
    short_name,
)
from .provenance import (
    CURRENT,
    METADATA,
    Provenance,
    RenderedNote,
    SentenceSource,
    carry_forward,
    normalise,
    provenance_map,
    sentence_provenance,
    set_leaves,
    tag,
    wrap,
)

__all__ = ["RenderedNote", "SentenceSource", "TemplateInfo", "carry_forward", "list_templates", "provenance_map",
           "render_note",
           "render_with_provenance", "sentence_provenance", "template_fields", "template_info"]

_META = re.compile(r"\A\s*\{#---[ \t]*\r?\n(.*?)\r?\n---[ \t]*#\}", re.DOTALL)


@dataclass
class TemplateInfo:
    name: str
    note_type: str | None
    description: str
    requires: list[str] = field(default_factory=list)
    path: Path | None = None

    def drafts_from(self, model: type) -> bool:
        """Whether facts of `model` (VisitFacts, HumanServicesFacts) can have what the template requires: a
        claim contact's form offers no template that needs a `client`."""
        return all(path.split(".", 1)[0] in model.model_fields for path in self.requires)


def template_info(path: Path, root: Path | None = None) -> TemplateInfo:
    """Read a template's metadata comment block ({#--- yaml ---#}) at the top of the file.

    With `root` (its template directory), the file must resolve inside it: a symlink out is refused.
    """
    name = path.name[: -len(TEMPLATE_SUFFIX)]
    text = read_text(path, expected="a Jinja template", error=TemplateError, limit=MAX_DATA_BYTES, root=root)
    meta: dict[str, Any] = {}
    match = _META.match(text)
    if match:
        first_line = text.count("\n", 0, match.start(1)) + 1
        loaded = load_yaml(match.group(1), f"template {name} ({path})", error=TemplateError, first_line=first_line,
                           what="invalid metadata block")
        if isinstance(loaded, dict):
            meta = loaded
    requires = meta.get("requires") or []
    if isinstance(requires, str):
        requires = [requires]
    return TemplateInfo(
        name=name,
        note_type=meta.get("note_type"),
        description=str(meta.get("description") or ""),
        requires=[str(r) for r in requires],
        path=path,
    )


def _templates(template_dirs: Sequence[str | Path]) -> dict[str, TemplateInfo]:
    found: dict[str, TemplateInfo] = {}
    for directory in search_path(template_dirs):
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob(f"*{TEMPLATE_SUFFIX}")):
            name = path.name[: -len(TEMPLATE_SUFFIX)]
            if name.startswith("_"):  # shared macros and partials, not note templates
                continue
            if name not in found:  # earlier directories (user templates) win
                found[name] = template_info(path, root=directory)
    return found


def list_templates(template_dirs: Sequence[str | Path] = ()) -> list[TemplateInfo]:
    """All templates, user directories first: a user template overrides a built-in of the same name."""
    return sorted(_templates(template_dirs).values(), key=lambda t: t.name)


def _missing(facts: Facts, dotted: str) -> bool:
    value: Any = facts
    for part in dotted.split("."):
        value = getattr(value, part, None)
        if value is None:
            return True
    return value == "" or value == [] or value == {}


def _front_matter(facts: Facts, name: str) -> str:
    header = {k: v for k, v in facts.header().items() if v is not None}
    header["template"] = name
    dumped = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return f"---\n{dumped}---\n\n"


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.splitlines()]
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"


def _realign(raw: str, tidied: str, spans: list[tuple[int, int, tuple[str, ...]]]
             ) -> list[tuple[int, int, tuple[str, ...]]]:
    """`spans` of `raw` as offsets into `tidied`, which `_tidy` made from it by dropping white space and
    turning line breaks into "\n": each character of `raw` maps to the next character of `tidied` (runs of
    equal text are stepped over whole)."""
    offsets = sorted({offset for start, end, _ in spans for offset in (start, end)})
    where: dict[int, int] = {}
    k = i = j = 0
    while i < len(raw):
        run = 0
        for size in (4096, 256, 16, 1):
            while len(piece := tidied[j + run:j + run + size]) == size and raw.startswith(piece, i + run):
                run += size
        while k < len(offsets) and offsets[k] <= i + run:
            where[offsets[k]] = j + offsets[k] - i
            k += 1
        i, j = i + run, j + run
        if i >= len(raw):
            break
        if j < len(tidied) and tidied[j] == "\n" and raw[i] in _LINE_BREAKS:
            j += 1
        i += 1
    for offset in offsets[k:]:
        where[offset] = j
    moved = []
    for start, end, paths in spans:
        start, end = where[start], where[end]
        # A span never starts or ends on the line break or spaces the tidying kept at its edge.
        while start < end and tidied[start] in " \n":
            start += 1
        while end > start and tidied[end - 1] in " \n":
            end -= 1
        if end > start:
            moved.append((start, end, paths))
    return moved


#: What str.splitlines() splits at (and _tidy writes as "\n").
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _context(facts: Facts, recorder: Provenance) -> dict[str, Any]:
    root = wrap(facts, "", recorder)
    context: dict[str, Any] = {name: getattr(root, name) for name in type(facts).model_fields}
    recorder.reads.clear()  # building the context is not the template reading a field
    # The person the note is about: a claim's claimant, or a human-services client (schema 3).
    subject = "client" if "client" in type(facts).model_fields else "claimant"
    person = getattr(facts, subject)
    providers = getattr(facts, "providers", [])
    provider = root.providers[0] if providers else None
    pronoun_paths = [f"{subject}.pronouns"] if person.pronouns else []
    context.update(
        facts=root,
        header=facts.header(),
        note_type=facts.note_type,
        worker=getattr(root, subject).name,
        they=pronoun(person, "subject"),
        them=pronoun(person, "object"),
        their=pronoun(person, "possessive"),
        provider=provider,
        doctor=tag(short_name(providers[0]), ["providers[0].name"]) if provider else "the provider",
        cm=root.case_manager,
        said_none=lambda name: _said_none(facts, name),
    )
    if pronoun_paths:
        for form in ("they", "them", "their"):
            context[form] = tag(context[form], pronoun_paths)
    return context


def _said_none(facts: Facts, name: str) -> bool:
    """True when the facts wrote the field and left it empty (`barriers: []`, `next_appointment: null`):
    the case manager recorded that there is none, which a note may say. An absent key says nothing."""
    return name in facts.model_fields_set and getattr(facts, name, None) in (None, [], "")


def _template_line(exc: BaseException) -> tuple[str | None, int | None]:
    """The template file and line an exception was raised at: Jinja rewrites the traceback so a
    template's frame carries the template's own file name and line number."""
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(TEMPLATE_SUFFIX):
            found = (Path(filename).name[: -len(TEMPLATE_SUFFIX)], tb.tb_lineno)
        tb = tb.tb_next
    return found


def _problem(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "recursion too deep (a macro that calls itself?)"
    message = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


#: Words Jinja's syntax errors quote that are its own (token kinds, tag names), not text from the file.
_JINJA_WORDS = frozenset({
    "end of statement block", "begin of statement block", "end of print statement", "begin of print statement",
    "end of template", "end of comment", "begin of comment", "name", "integer", "float", "string", "operator",
    "if", "elif", "else", "endif", "for", "endfor", "block", "endblock", "macro", "endmacro", "call", "endcall",
    "filter", "endfilter", "set", "endset", "with", "endwith", "raw", "endraw", "autoescape", "endautoescape",
    "include", "import", "from", "extends", "recursive", "in", "not", "and", "or", "is", "as",
})
_QUOTED = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"")


def _without_quotes(message: str) -> str:
    """A syntax error's message without the text it quotes from the file ("unknown tag 'root:x:0:0'"):
    a file that is not a template is named with its line, never echoed. Jinja's own words stay."""
    def keep(match: re.Match[str]) -> str:
        text = match.group(1) if match.group(1) is not None else match.group(2)
        return match.group() if text in _JINJA_WORDS or len(text) <= 2 else "'...'"

    return _QUOTED.sub(keep, message.splitlines()[0] if message else "syntax error")


@functools.lru_cache(maxsize=16)
def _environment(template_dirs: tuple[str, ...], time_format: str) -> jinja2.Environment:
    """One environment per template search path and time style: templates compile once per process (the
    loader still notices a template file that changed)."""
    return build_environment(template_dirs, tracked=True, time_format=time_format)


def _render_body(facts: Facts, name: str, template_dirs: Sequence[str | Path], time_format: str,
                 recorder: Provenance) -> str:
    env = _environment(tuple(str(Path(d).resolve()) for d in template_dirs), time_format)
    token = CURRENT.set(recorder)
    try:
        return env.get_template(name + TEMPLATE_SUFFIX).render(_context(facts, recorder))
    except TemplateError as exc:
        where, line = _template_line(exc)
        at = f"{where or name}, line {line}" if line else name
        raise TemplateError(f"template {at}: {exc.message}") from None
    except jinja2.TemplateSyntaxError as exc:
        where = (exc.name or name).removesuffix(TEMPLATE_SUFFIX)
        raise TemplateError(f"template {where}, line {exc.lineno}: {_without_quotes(exc.message or '')}") from None
    except jinja2.TemplateNotFound as exc:
        where, line = _template_line(exc)
        at = f"{where or name}, line {line}" if line else name
        raise TemplateError(f"template {at}: no template {exc.name!r} in the template directories (a name is "
                            "relative to its directory, without '..')") from None
    except (jinja2.TemplateError, ArithmeticError, TypeError, ValueError, AttributeError, LookupError,
            RecursionError, MemoryError) as exc:
        # A template's own mistake ({{ 1/0 }}, {{ 5 | longdate }}, a macro calling itself, range(10**9)):
        # one line naming the template, its line and the problem.
        where, line = _template_line(exc)
        at = f"{where or name}, line {line}" if line else name
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else _problem(exc)
        raise TemplateError(f"template {at}: {message}") from None
    finally:
        CURRENT.reset(token)


def _resolve(facts: Facts, template: str | None, template_dirs: Sequence[str | Path]) -> str:
    name = template or facts.note_type
    name = name.removesuffix(TEMPLATE_SUFFIX)
    available = _templates(template_dirs)
    info = available.get(name)
    if info is None:
        raise TemplateError(f"unknown template '{name}'; available: {', '.join(sorted(available)) or 'none'}")
    missing = [path for path in info.requires if _missing(facts, path)]
    if missing:
        raise TemplateError(f"template {name} needs facts: {', '.join(missing)}")
    return name


def render_with_provenance(
    facts: Facts,
    template: str | None = None,
    template_dirs: Sequence[str | Path] = (),
    front_matter: bool = True,
    time_format: str = "12h",
) -> RenderedNote:
    """Render `facts` and say which facts the note printed, where, and which set fields it left out.

    Only the body counts: the front matter repeats header fields for `lint` and `export` to read back, but
    a reader reads the body, so a field printed only in the front matter is reported unused.
    """
    name = _resolve(facts, template, template_dirs)
    recorder = Provenance(time_format=time_format)
    # The markers come out before the tidying, which then sees the note as a reader will (a line holding
    # only the markers of an `{% if %}` is blank); the spans are carried over to the tidied text.
    raw, spans = recorder.strip(_render_body(facts, name, template_dirs, time_format, recorder))
    body = _tidy(raw)
    spans = _realign(raw, body, spans)
    used_indexed = recorder.used(spans)
    unused: list[str] = []
    for path in set_leaves(facts):
        field = normalise(path)
        if field in METADATA or path in used_indexed or field in unused:
            continue
        unused.append(field)
    head = _front_matter(facts, name) if front_matter else ""
    spans = [(start + len(head), end + len(head), paths) for start, end, paths in spans]
    return RenderedNote(head + body, name, {normalise(p) for p in used_indexed}, unused, spans)


def render_note(
    facts: Facts,
    template: str | None = None,
    template_dirs: Sequence[str | Path] = (),
    front_matter: bool = True,
    time_format: str = "12h",
) -> str:
    """Render `facts` with `template` (default: the facts' note type) to Markdown."""
    return render_with_provenance(facts, template, template_dirs, front_matter, time_format).text


def template_fields(template: str, template_dirs: Sequence[str | Path] = ()) -> tuple[list[str], list[str]]:
    """(fields `template` prints, fields it leaves out), found by rendering facts with every field set
    (render/sample.py), so the list cannot drift from the template. Metadata fields are in neither."""
    from ..facts.models import NOTE_TYPES
    from .sample import full_facts

    name = template.removesuffix(TEMPLATE_SUFFIX)
    info = _templates(template_dirs).get(name)
    if info is None:
        _resolve(full_facts(NOTE_TYPES[0]), name, template_dirs)  # the unknown-template error
    note_type = next((t for t in (info.note_type, name) if t in NOTE_TYPES), NOTE_TYPES[0])
    facts = full_facts(note_type)
    note = render_with_provenance(facts, name, template_dirs)
    fields: list[str] = []
    for path in set_leaves(facts):
        field = normalise(path)
        if field not in METADATA and field not in fields:
            fields.append(field)
    return [f for f in fields if f not in note.unused], note.unused
