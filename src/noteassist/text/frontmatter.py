"""Front matter: the YAML block between `---` lines at the top of a note, read one way everywhere.

The block is read with the bounded loader (`noteassist.io.data`): no alias bombs, no deep nesting,
dates kept as text for `parse_meta_date`. Front matter must not stop a lint, so a block that is not
valid YAML (other systems write "carrier: Acme (TPA: Sedgwick)"), or that the loader refuses, is read
line by line instead. Two things are errors all the same, because guessing would be worse:

- a key noteassist reads (claim number, note type, dates...) given twice with different values:
  YAML would silently keep the second claim number;
- such a key holding a list or a mapping (`note_type: [soap, dap]`): there is no one value to use.
"""

from __future__ import annotations

import re

from ..errors import NoteInputError
from ..io.data import load_yaml

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n?", re.S | re.M)
_LOOSE_FIELD = re.compile(r"(?m)^([A-Za-z_][\w \-]*?)[ \t]*:[ \t]*(.*?)[ \t]*$")
_FIRST_LINE = 2  # the block starts on the line after the opening `---`

#: Keys the linter, the exporter and the claim folder read from front matter: one value each.
READ_KEYS = frozenset({
    "id", "author", "claim_number", "carrier", "note_type", "date_of_service", "date_written", "date_of_injury",
    "template", "claimant", "date_of_birth", "employer", "jurisdiction", "adjuster", "case_manager",
    "start_time", "contact", "party", "purpose",
})


def split_front_matter(text: str, path: str | None = None) -> tuple[dict, int]:
    """Return (metadata, body offset). Metadata is {} when there is no front matter block.

    Raises NoteInputError (naming `path` when given, the line and the key) for a read key given twice
    with different values, or holding a list or mapping; any other problem falls back to the line reader.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, 0
    block = match.group(1)
    _refuse_conflicting_keys(block, path)
    try:
        meta = load_yaml(block, path or "front matter", first_line=_FIRST_LINE) or {}
    except NoteInputError:
        meta = _loose_fields(block)
    if not isinstance(meta, dict) or not meta:
        return {}, 0
    for key in READ_KEYS & {k for k in meta if isinstance(k, str)}:
        if isinstance(meta[key], (list, dict)):
            kind = "a list" if isinstance(meta[key], list) else "a mapping"
            raise NoteInputError(f"{_where(path, _line_of(block, key))}: {key}: expected one value, got {kind}")
    return meta, match.end()


def _loose_fields(block: str) -> dict[str, str]:
    """`key: value` lines, values as text (one pair of surrounding quotes removed)."""
    return {key: _unquote(value) for key, value in _LOOSE_FIELD.findall(block)}


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _refuse_conflicting_keys(block: str, path: str) -> None:
    """A read key on two top-level lines with different values is an error, whichever reader is used."""
    seen: dict[str, tuple[str, int]] = {}
    for m in _LOOSE_FIELD.finditer(block):
        key = m.group(1)
        if key not in READ_KEYS:
            continue
        value, line = _unquote(m.group(2)), block.count("\n", 0, m.start()) + _FIRST_LINE
        if key in seen and seen[key][0] != value:
            first, first_line = seen[key]
            raise NoteInputError(f"{_where(path, line)}: {key} is given twice ({first!r} on line {first_line}, "
                                 f"{value!r} on line {line}); keep the right one")
        seen.setdefault(key, (value, line))


def _where(path: str | None, line: int) -> str:
    return f"{path}:{line}: front matter" if path else f"front matter, line {line}"


def _line_of(block: str, key: str) -> int:
    m = re.search(rf"(?m)^{re.escape(key)}[ \t]*:", block)
    return block.count("\n", 0, m.start()) + _FIRST_LINE if m else _FIRST_LINE
