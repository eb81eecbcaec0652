"""Draft a note: visit facts + a Jinja template -> Markdown (with YAML front matter).

    from noteassist.render import render_note
    text = render_note(facts)                      # template = facts.note_type
    text = render_note(facts, "soap", template_dirs=["my-templates"])
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml

from ..errors import TemplateError
from ..io.data import load_yaml
from ..io.files import MAX_DATA_BYTES, read_text
from ..facts.models import VisitFacts
from .environment import TEMPLATE_SUFFIX, build_environment, pronoun, search_path, short_name

__all__ = ["TemplateInfo", "list_templates", "render_note", "template_info"]

_META = re.compile(r"\A\s*\{#---[ \t]*\r?\n(.*?)\r?\n---[ \t]*#\}", re.S)


@dataclass
class TemplateInfo:
    name: str
    note_type: str | None
    description: str
    requires: list[str] = field(default_factory=list)
    path: Path | None = None


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


def _missing(facts: VisitFacts, dotted: str) -> bool:
    value: Any = facts
    for part in dotted.split("."):
        value = getattr(value, part, None)
        if value is None:
            return True
    return value == "" or value == [] or value == {}


def _front_matter(facts: VisitFacts, name: str) -> str:
    header = {k: v for k, v in facts.header().items() if v is not None}
    header["template"] = name
    dumped = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return f"---\n{dumped}---\n\n"


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.splitlines()]
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"


def _context(facts: VisitFacts) -> dict[str, Any]:
    context: dict[str, Any] = {name: getattr(facts, name) for name in type(facts).model_fields}
    claimant = facts.claimant
    provider = facts.providers[0] if facts.providers else None
    context.update(
        facts=facts,
        header=facts.header(),
        note_type=facts.note_type,
        worker=claimant.name,
        they=pronoun(claimant, "subject"),
        them=pronoun(claimant, "object"),
        their=pronoun(claimant, "possessive"),
        provider=provider,
        doctor=short_name(provider) if provider else "the provider",
        cm=facts.case_manager,
    )
    return context


def render_note(
    facts: VisitFacts,
    template: str | None = None,
    template_dirs: Sequence[str | Path] = (),
    front_matter: bool = True,
) -> str:
    """Render `facts` with `template` (default: the facts' note type) to Markdown."""
    name = template or facts.note_type
    if name.endswith(TEMPLATE_SUFFIX):
        name = name[: -len(TEMPLATE_SUFFIX)]
    available = _templates(template_dirs)
    info = available.get(name)
    if info is None:
        raise TemplateError(f"unknown template '{name}'; available: {', '.join(sorted(available)) or 'none'}")
    missing = [path for path in info.requires if _missing(facts, path)]
    if missing:
        raise TemplateError(f"template {name} needs facts: {', '.join(missing)}")
    env = build_environment(template_dirs)
    try:
        body = env.get_template(name + TEMPLATE_SUFFIX).render(_context(facts))
    except TemplateError as exc:
        raise TemplateError(f"template {name}: {exc.message}") from None
    except jinja2.UndefinedError as exc:  # pragma: no cover - NoteUndefined raises TemplateError
        raise TemplateError(f"template {name}: {exc.message}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template {exc.name or name}:{exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template {name}: {exc.message or exc}") from None
    body = _tidy(body)
    return (_front_matter(facts, name) + body) if front_matter else body
