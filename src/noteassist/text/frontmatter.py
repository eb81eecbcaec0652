"""Front matter: the YAML block between `---` lines at the top of a note, read one way everywhere."""

from __future__ import annotations

import re

import yaml

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n?", re.S | re.M)
_LOOSE_FIELD = re.compile(r"(?m)^([A-Za-z_][\w \-]*?)[ \t]*:[ \t]*(.*?)[ \t]*$")


def split_front_matter(text: str) -> tuple[dict, int]:
    """Return (metadata, body offset). Metadata is {} when there is no front matter block."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, 0
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        # Other systems write "key: value" headers that are not quite YAML ("carrier: Acme (TPA: Sedgwick)");
        # read them line by line rather than lose the note's metadata.
        meta = dict(_LOOSE_FIELD.findall(match.group(1)))
    if not isinstance(meta, dict) or not meta:
        return {}, 0
    return meta, match.end()
