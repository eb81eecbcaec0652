"""The Jinja environment notes are drafted with: sandboxed, strict, with note-writing filters.

Templates live in `templates/notes/<name>.md.j2`. User directories (`--templates DIR`)
are searched first, so a user template overrides a built-in one of the same name.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, Template, TemplateNotFound, nodes
from jinja2.compiler import CodeGenerator
from jinja2.loaders import split_template_path
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import _PassArg

from ..errors import TemplateError
from ..io.files import MAX_DATA_BYTES, read_text
from . import limits

TEMPLATE_SUFFIX = ".md.j2"

_DOCTOR_CREDENTIALS = {"MD", "DO", "DC", "DPM", "DDS", "DMD", "PHD", "PSYD", "OD"}


class NoteUndefined(StrictUndefined):
    """Any use of an undefined variable is a TemplateError naming the variable.

    The template name is added by `render_note`, which knows which template failed.
    """

    __slots__ = ()

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        raise TemplateError(f"undefined variable '{self._undefined_name}'")

    __iter__ = __str__ = __len__ = __eq__ = __ne__ = __bool__ = __hash__ = __contains__ = _fail_with_undefined_error
    __add__ = __radd__ = __getitem__ = __lt__ = __le__ = __gt__ = __ge__ = __int__ = __float__ = _fail_with_undefined_error
    __call__ = _fail_with_undefined_error

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__":
            raise AttributeError(name)
        return self._fail_with_undefined_error()


def builtin_template_dir(kind: str = "notes") -> Path:
    """templates/<kind> (notes or reports) inside an installed wheel, else in the checkout's templates/."""
    try:
        packaged = resources.files("noteassist") / "templates" / kind
        if packaged.is_dir():
            return Path(str(packaged))
    except (ModuleNotFoundError, TypeError, OSError):  # pragma: no cover - exotic loaders
        pass
    return Path(__file__).resolve().parents[3] / "templates" / kind


def search_path(template_dirs: Iterable[str | Path] = (), kind: str = "notes") -> list[Path]:
    return [Path(d) for d in template_dirs] + [builtin_template_dir(kind)]


# ---------------------------------------------------------------- filters

def _as(value: Any, kind: type, parse: Any, filter_name: str) -> Any:
    """`value` as a date or time, or a TypeError a template author can act on (never a traceback)."""
    if isinstance(value, str):
        try:
            return parse(value)
        except ValueError:
            raise TypeError(f"{filter_name} expects {kind.__name__} or an ISO string, got {value!r}") from None
    if not isinstance(value, kind):
        raise TypeError(f"{filter_name} expects a {kind.__name__}, got {type(value).__name__} {value!r}")
    return value


def longdate(value: date | datetime | None) -> str:
    """2026-11-20 -> 'November 20, 2026'."""
    if value is None or value == "":
        return ""
    value = _as(value, date, date.fromisoformat, "longdate")
    return f"{value:%B} {value.day}, {value.year}"


#: Time styles a note is written in (`time_format` setting): one style per note.
TIME_FORMATS = ("12h", "24h")


def clock(value: time | datetime | None, style: str = "12h") -> str:
    """09:30 -> '9:30 AM' (12h) or '09:30' (24h)."""
    if value is None or value == "":
        return ""
    value = _as(value, time, time.fromisoformat, "clock")
    if style == "24h":
        return f"{value.hour:02d}:{value.minute:02d}"
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


_TWELVE_HOUR = re.compile(r"\b(1[0-2]|0?[1-9]):([0-5]\d)\s*([AaPp])\.?\s?[Mm]\b\.?")
# A clock time that can only be 24-hour: 13:00-23:59, 00:xx, or a leading zero (09:30); '10:00' is left alone.
_TWENTY_FOUR_HOUR = re.compile(r"(?<![\dT:.])(?:(1[3-9]|2[0-3]|00)|0([1-9])):([0-5]\d)(?![\d:]|\s*[AaPp]\.?[Mm]\b)")


def restyle_times(text: str, style: str = "12h") -> str:
    """Clock times in free text (a communication line: 'told him at 14:30') in the note's one style."""
    if style == "24h":
        def to_24(m: re.Match[str]) -> str:
            hour = int(m.group(1)) % 12 + (12 if m.group(3).lower() == "p" else 0)
            return f"{hour:02d}:{m.group(2)}"

        return _TWELVE_HOUR.sub(to_24, text)

    def to_12(m: re.Match[str]) -> str:
        return clock(time(int(m.group(1) or m.group(2)), int(m.group(3))))

    return _TWENTY_FOUR_HOUR.sub(to_12, text)


def number(value: Any) -> str:
    """A measured number as people write it: 42.0 -> '42', 18.50 -> '18.5'."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"number expects a number, got {type(value).__name__} {value!r}")
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def join_and(items: Iterable[Any] | None, conjunction: str = "and") -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    parts = [str(i) for i in (items or []) if i is not None and str(i) != ""]
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return f"{', '.join(parts[:-1])} {conjunction} {parts[-1]}"


_PRONOUNS = {
    "she": ("she", "her", "her"),
    "he": ("he", "him", "his"),
    "they": ("they", "them", "their"),
}


def pronoun(claimant: Any, form: str = "subject") -> str:
    """A pronoun from claimant.pronouns ('she/her' -> she / her / her); 'the worker' when none is recorded.

    form: 'subject', 'object' or 'possessive'. Never guesses Mr./Ms. from a name.
    """
    index = {"subject": 0, "object": 1, "possessive": 2}[form]
    given = (getattr(claimant, "pronouns", None) or "").strip().lower()
    first = re.split(r"[/,\s]+", given)[0] if given else ""
    if first in _PRONOUNS:
        return _PRONOUNS[first][index]
    if given:
        # A recorded form we don't know: use it as given for subject/object; fall back for possessive.
        parts = re.split(r"[/,\s]+", given)
        if index < len(parts) and index < 2:
            return parts[index]
    return "the worker's" if index == 2 else "the worker"


def short_name(person: Any) -> str:
    """'Alan Lee' + MD -> 'Dr. Lee'; other professionals keep the full name."""
    if person is None:
        return ""
    name = str(getattr(person, "name", person)).strip()
    credentials = str(getattr(person, "credentials", "") or "")
    if name.lower().startswith("dr. "):
        return "Dr. " + name.split()[-1]
    creds = {c.strip().upper().replace(".", "") for c in re.split(r"[,\s]+", credentials) if c.strip()}
    if creds & _DOCTOR_CREDENTIALS:
        return "Dr. " + name.split()[-1]
    return name


def full_name(person: Any) -> str:
    """Name with credentials: 'Alan Lee, MD'."""
    if person is None:
        return ""
    name = str(getattr(person, "name", person)).strip()
    credentials = getattr(person, "credentials", None)
    return f"{name}, {credentials}" if credentials else name


def sentence(text: Any) -> str:
    """Capitalize the first letter and end with a period, leaving the rest alone."""
    s = str(text or "").strip()
    if not s:
        return ""
    s = s[0].upper() + s[1:]
    return s if s[-1] in ".!?" else s + "."


def capfirst(text: Any) -> str:
    """First letter upper case, the rest untouched, no period added: for list items and table cells."""
    s = str(text or "").strip().rstrip(".")
    return s[:1].upper() + s[1:]


def lowerfirst(text: Any) -> str:
    s = str(text or "").strip()
    if len(s) > 1 and s[1].isupper():  # keep acronyms such as "MRI"
        return s
    return s[:1].lower() + s[1:]


def enum_text(value: Any) -> str:
    """An enum or hyphenated id as words: 'partially-certified' -> 'partially certified'."""
    raw = getattr(value, "value", value)
    return str(raw or "").replace("-", " ")


def usdate(value: date | datetime | None) -> str:
    """2026-11-20 -> '11/20/2026', the short form for table cells."""
    if value is None or value == "":
        return ""
    value = _as(value, date, date.fromisoformat, "usdate")
    return f"{value.month:02d}/{value.day:02d}/{value.year}"


def hours(value: Any) -> str:
    """Tenths of an hour as the time log prints them: Decimal('1.50') -> '1.5', 0 -> '-'."""
    if not value:
        return "-"
    return f"{value:.1f}"


def minutes(value: int | None) -> str:
    if not value:
        return ""
    return "1 minute" if value == 1 else f"{value} minutes"


FILTERS = {
    "longdate": longdate,
    "clock": clock,
    "join_and": join_and,
    "pronoun": pronoun,
    "short_name": short_name,
    "full_name": full_name,
    "sentence": sentence,
    "lowerfirst": lowerfirst,
    "capfirst": capfirst,
    "enum_text": enum_text,
    "minutes": minutes,
    "number": number,
    "usdate": usdate,
    "hours": hours,
}


class ContainedLoader(FileSystemLoader):
    """FileSystemLoader that reads a template only from inside its directory, through the bounded reader.

    Jinja already refuses `..` in a template name, but it follows symlinks: `base.md.j2 -> /etc/shadow`
    in a user's template directory would be rendered into a note. Here a template must resolve inside
    the directory it was found in, be a regular file and be under the data-file size limit; a hard link
    to a file of another user (`ln /etc/shadow`, where the system allows it) is refused too. This holds for
    the template rendered and for every include, import and extends.
    """

    def get_source(self, environment, template):
        pieces = split_template_path(template)
        for searchpath in self.searchpath:
            candidate = Path(searchpath, *pieces)
            if not candidate.is_file():
                continue
            text = read_text(candidate, expected="a Jinja template", error=TemplateError, limit=MAX_DATA_BYTES,
                             root=searchpath)
            info = candidate.stat()
            if info.st_nlink > 1 and hasattr(os, "geteuid") and info.st_uid != os.geteuid():
                # A hard link stays "inside" the folder; one to another user's file is a way out all the same.
                raise TemplateError(f"{candidate}: a hard link to a file another user owns; expected a Jinja "
                                    "template of your own in the folder")
            mtime = candidate.stat().st_mtime
            return text, str(candidate), lambda: candidate.is_file() and candidate.stat().st_mtime == mtime
        raise TemplateNotFound(template)


def _hook(name: str, *args: nodes.Expr, lineno: int) -> nodes.Call:
    """`environment.<name>(args...)`: render machinery the code generator calls directly, not through the
    sandbox's `call` (it is not a call the template made, and is not counted against its calls). Jinja
    allows no custom node types, so it is a Call of an `environment.noteassist_*` attribute."""
    return nodes.Call(nodes.EnvironmentAttribute(name), list(args), [], None, None, lineno=lineno)


class _LimitedCodeGenerator(CodeGenerator):
    """Compiles loops and `~` so the render's limits see them (render/limits.py).

    A `{% for %}` loops over `environment.noteassist_counted(ITER, N)`: each item counts as an iteration and
    charges N characters, the literal text of the loop's body written out again. `a ~ b` becomes
    `environment.noteassist_concat((a, b))`, which checks the joined size (and, when tracked, keeps the
    facts paths of its parts: Jinja's own str_join drops them).
    """

    def visit_For(self, node, frame):
        body_text = sum(len(data.data) for part in node.body for data in part.find_all(nodes.TemplateData))
        node = nodes.For(node.target, _hook("noteassist_counted", node.iter, nodes.Const(body_text),
                                            lineno=node.iter.lineno),
                         node.body, node.else_, node.test, node.recursive, lineno=node.lineno)
        node.set_environment(self.environment)
        super().visit_For(node, frame)

    def visit_Call(self, node, frame, forward_caller=False):
        if isinstance(node.node, nodes.EnvironmentAttribute) and node.node.name.startswith("noteassist_"):
            self.write(f"environment.{node.node.name}(")
            for i, arg in enumerate(node.args):
                self.write(", " if i else "")
                self.visit(arg, frame)
            self.write(")")
            return
        super().visit_Call(node, frame, forward_caller=forward_caller)

    def visit_If(self, node, frame):
        """In a tracked environment, the branch an enum or yes/no test chose is marked with the fields the
        tests read (render/provenance.py, `Provenance.test_begin`...), so its sentences name them."""
        if not getattr(self.environment, "noteassist_tracked", False):
            return super().visit_If(node, frame)
        line = node.lineno

        def test(expr: nodes.Expr, first: bool) -> nodes.Expr:
            # test_begin(first) runs before the test is evaluated: Python evaluates arguments in order.
            return _hook("noteassist_test_end", _hook("noteassist_test_begin", nodes.Const(first), lineno=line),
                         expr, lineno=expr.lineno)

        def branch(body: list[nodes.Node]) -> list[nodes.Node]:
            return [nodes.Output([_hook("noteassist_branch_open", lineno=line)], lineno=line), *body,
                    nodes.Output([_hook("noteassist_branch_close", lineno=line)], lineno=line)]

        marked = nodes.If(test(node.test, True), branch(node.body),
                          [nodes.If(test(e.test, False), branch(e.body), [], [], lineno=e.lineno) for e in node.elif_],
                          branch(node.else_) if node.else_ else [], lineno=line)
        marked.set_environment(self.environment)
        super().visit_If(marked, frame)
        self.visit(nodes.Output([_hook("noteassist_chain_end", lineno=line)], lineno=line), frame)
        return None

    def visit_Concat(self, node, frame):
        self.write("environment.noteassist_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class LimitedTemplate(Template):
    """A template whose `render` runs on a fresh budget and stops a note over the output limit as it is
    written, not after building it whole."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        with limits.budget():
            pieces: list[str] = []
            total = 0
            stream = self.generate(*args, **kwargs)
            for piece in stream:
                total += len(piece)
                if total > limits.MAX_OUTPUT:
                    # Thrown in at the template's `yield`, so the error names the line that wrote it.
                    stream.throw(limits.LimitError(f"the note is longer than {limits.MAX_OUTPUT:,} characters"))
                pieces.append(piece)
            return "".join(pieces)


def _limited_filter(name: str, func: Any) -> Any:
    """`func` (a filter) checked against the render's limits: arguments that would make its result too big
    are refused before it runs, the items it walks are counted, and its result is checked and charged."""
    value_at = 0 if _PassArg.from_obj(func) is None else 1  # after Jinja's context/environment argument

    @functools.wraps(func)  # keeps Jinja's pass_context / pass_eval_context marks
    def limited(*args: Any, **kwargs: Any) -> Any:
        limits.tick()
        if len(args) > value_at:
            value = args[value_at]
            limits.check_weight(value, f"the value given to the {name} filter")
            size = limits._filter_result(name, value, args[value_at + 1:], kwargs)
            if size is not None:
                limits.check_size(size, f"the result of the {name} filter")
            if name in limits.ITERATING_FILTERS:
                args = (*args[:value_at], limits.counted(value), *args[value_at + 1:])
        return limits.checked(func(*args, **kwargs), f"the result of the {name} filter")

    return limited


class LimitedSandbox(SandboxedEnvironment):
    """Jinja's sandbox with the render limits of render/limits.py on operators, calls, `str.format`,
    printed values and included templates."""

    intercepted_binops = frozenset({"+", "*", "**", "%"})
    code_generator_class = _LimitedCodeGenerator
    template_class = LimitedTemplate

    def call_binop(self, context, operator, left, right):
        limits.check_binop(operator, left, right)
        return limits.checked(super().call_binop(context, operator, left, right))

    def call(self, context, obj, /, *args, **kwargs):
        limits.call()
        if isinstance(obj, LoopContext) and args:  # loop(children) in a recursive loop
            args = (limits.counted(args[0]), *args[1:])
        limits.check_call(obj, args, kwargs)
        return limits.checked(super().call(context, obj, *args, **kwargs))

    def wrap_str_format(self, value):
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        template = value.__self__
        is_map = value.__name__ == "format_map"

        @functools.wraps(wrapper)
        def limited(*args: Any, **kwargs: Any) -> str:
            limits.check_format(template, () if is_map else args, args[0] if is_map and args else kwargs)
            return limits.checked(wrapper(*args, **kwargs), "a formatted string")

        return limited

    def _load_template(self, name, globals):
        # Compiling an imported or included file the first time is the loader's work, not the template's:
        # its CPU time is given back to the render (a big macro file took 0.3-1 s on a loaded machine).
        with limits.excused():
            template = super()._load_template(name, globals)
        # An include in a loop writes the included file's text out again each time.
        size = template.__dict__.get("_noteassist_size")
        if size is None:
            try:
                size = Path(template.filename).stat().st_size if template.filename else 0
            except OSError:
                size = 0
            template.__dict__["_noteassist_size"] = size
        limits.charge(size)
        return template


def _printed(value: Any) -> Any:
    """The finalize hook's limit: a printed value (a list is printed whole) is checked and charged."""
    limits.charge(limits.check_weight(value, "a printed value"))
    return value


def build_environment(template_dirs: Sequence[str | Path] = (), kind: str = "notes", *,
                      tracked: bool = False, time_format: str = "12h") -> SandboxedEnvironment:
    """The sandboxed environment for note templates (kind "notes") or report templates ("reports").

    `tracked`: every filter passes on the facts paths of what it was given and the finalize hook marks
    each printed value, for the render being recorded (see render/provenance.py).
    `time_format` ("12h" or "24h") is the one style the `clock` filter writes times in.
    """
    from . import provenance

    if time_format not in TIME_FORMATS:
        raise TemplateError(f"time_format {time_format!r}: expected one of {', '.join(TIME_FORMATS)}")
    finalize = (lambda value: provenance.finalize(_printed(value))) if tracked else _printed
    env = LimitedSandbox(
        loader=ContainedLoader([str(p) for p in search_path(template_dirs, kind)]),
        undefined=NoteUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=finalize,
    )
    env.globals.pop("lipsum", None)  # lipsum(n=10**9) writes paragraphs without end; no note needs it
    concat = limits_concat
    env.noteassist_counted = limits.counted
    env.filters.update(FILTERS)
    env.filters["clock"] = functools.partial(clock, style=time_format)
    env.filters = {name: _limited_filter(name, func) for name, func in env.filters.items()}
    if tracked:
        env.filters = {name: provenance.track(func) for name, func in env.filters.items()}
        concat = provenance.track(concat)
    env.noteassist_concat = concat
    env.noteassist_tracked = tracked
    if tracked:
        for hook in ("test_begin", "test_end", "branch_open", "branch_close", "chain_end"):
            setattr(env, f"noteassist_{hook}", provenance.branch_hook(hook))
    return env


def limits_concat(parts: tuple[Any, ...]) -> str:
    """`a ~ b ~ c`: the joined size is checked before joining."""
    limits.check_size(sum(limits.weight(part) for part in parts), "a joined string")
    return limits.checked("".join(str(part) for part in parts))
