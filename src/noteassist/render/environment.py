"""The Jinja environment notes are drafted with: sandboxed, strict, with note-writing filters.

Templates live in `templates/notes/<name>.md.j2`. User directories (`--templates DIR`)
are searched first, so a user template overrides a built-in one of the same name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.compiler import CodeGenerator
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from ..errors import TemplateError
from ..io.files import MAX_DATA_BYTES, read_text

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
    the directory it was found in, be a regular file and be under the data-file size limit.
    """

    def get_source(self, environment, template):  # noqa: ANN001 - Jinja's signature
        pieces = split_template_path(template)
        for searchpath in self.searchpath:
            candidate = Path(searchpath, *pieces)
            if not candidate.is_file():
                continue
            text = read_text(candidate, expected="a Jinja template", error=TemplateError, limit=MAX_DATA_BYTES,
                             root=searchpath)
            mtime = candidate.stat().st_mtime
            return text, str(candidate), lambda: candidate.is_file() and candidate.stat().st_mtime == mtime
        raise TemplateNotFound(template)


class _TrackingCodeGenerator(CodeGenerator):
    """Compiles `a ~ b` to a join that keeps the facts paths of its parts (Jinja's own str_join drops them)."""

    def visit_Concat(self, node, frame):  # noqa: ANN001 - Jinja's signature
        self.write("environment.tracked_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


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
    env = SandboxedEnvironment(
        loader=ContainedLoader([str(p) for p in search_path(template_dirs, kind)]),
        undefined=NoteUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        **({"finalize": provenance.finalize} if tracked else {}),
    )
    if tracked:
        env.code_generator_class = _TrackingCodeGenerator
        env.tracked_concat = provenance.track(lambda parts: "".join(str(part) for part in parts))
    env.filters.update(FILTERS)
    env.filters["clock"] = functools.partial(clock, style=time_format)
    if tracked:
        env.filters = {name: provenance.track(func) for name, func in env.filters.items()}
    return env
