"""Safe YAML and JSON for user data: facts, claim.yaml, front matter, export rows, label files.

`yaml.safe_load` and `json.loads` are safe from code execution but not from the rest of a hostile
or careless file. These loaders refuse, in one line naming the file, the line and what was expected:

- a key given twice in one mapping (YAML and JSON both keep the last value without a word, so a
  claim number could be replaced silently);
- nesting deeper than MAX_DEPTH (the parsers recurse: 100,000 `[` is a RecursionError);
- YAML aliases beyond MAX_ALIASES uses, or expanding to more than MAX_NODES nodes (an 8-level
  "billion laughs" of 1.3 KB expands to 43 million), and an alias inside the node it names;
- whole numbers longer than MAX_INT_DIGITS digits (a 5,000-digit integer is a ValueError in
  `int()`, and nothing a case manager types has 16 digits), NaN and infinity;
- lone surrogates (`"\\ud800"` in JSON) that no encoder can write back out.

YAML is read with YAML 1.2-like scalars: `10:30` stays the text "10:30" (not 630, YAML 1.1's base 60)
and dates stay text (`2026-02-30` is for the schema to refuse, not a ValueError in the parser).
libyaml produces the events when it is installed (about 3x faster); the checks run in Python either way.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import math
import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, SequenceNode
from yaml.resolver import Resolver

from ..errors import NoteassistError, NoteInputError

MAX_DEPTH = 32
MAX_ALIASES = 100
MAX_NODES = 100_000
MAX_INT_DIGITS = 15

_SURROGATE = re.compile("[\ud800-\udfff]")
_LONE_SURROGATE = "a lone surrogate (\\ud800-\\udfff) in a string; expected valid Unicode text"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Refused(Exception):
    """Raised inside a loader; `load_yaml`/`load_json` turn it into the caller's error with the line."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line  # 0-based, like yaml marks


class _DuplicateYamlKey(_Refused):
    def __init__(self, key: Any, line: int, first: int):
        super().__init__(f"duplicate key {_shown(key)}", line)
        self.first = first


# --- YAML -------------------------------------------------------------------------------------

class _DataResolver(Resolver):
    """Resolver without YAML 1.1 base-60 integers and without timestamps (both stay text)."""


_DataResolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}
_DataResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)


class _BoundedComposer(Composer):
    """Composer that tracks each node's height and expanded size, so aliases cannot multiply them."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._aliases = 0
        self._stats: dict[int, tuple[int, int]] = {}  # id(node) -> (height, expanded size)

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            mark = self.peek_event().start_mark
            node = super().compose_node(parent, index)
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Refused(f"more than {MAX_ALIASES} aliases (*name); write the values out", mark.line)
            stats = self._stats.get(id(node))
            if stats is None:
                raise _Refused("an alias refers to the node that contains it (a recursive structure)", mark.line)
            if self._depth + stats[0] > MAX_DEPTH:
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep (through an alias)", mark.line)
            return node
        mark = self.peek_event().start_mark
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} levels deep", mark.line)
        node = super().compose_node(parent, index)
        self._depth -= 1
        if isinstance(node, SequenceNode):
            children = node.value
        elif isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        stats = [self._stats[id(child)] for child in children]
        height = 1 + max((h for h, _ in stats), default=0)
        size = 1 + sum(s for _, s in stats)
        if size > MAX_NODES:
            raise _Refused(f"expands to more than {MAX_NODES:,} values (aliases repeated inside aliases)",
                           mark.line)
        self._stats[id(node)] = (height, size)
        return node


class _BoundedConstructor(SafeConstructor):
    """SafeConstructor refusing duplicate keys, huge or non-finite numbers and lone surrogates."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG:
                    continue  # `<<: *defaults` merges; an explicit key after it is meant to override
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:
                    continue  # an unhashable key: SafeConstructor reports it
                line = key_node.start_mark.line
                if first is not None:
                    raise _DuplicateYamlKey(key, line, first)
                seen[key] = line
        return super().construct_mapping(node, deep)

    def construct_scalar(self, node):
        value = super().construct_scalar(node)
        if isinstance(value, str) and _SURROGATE.search(value):
            raise _Refused(_LONE_SURROGATE, node.start_mark.line)
        return value

    def construct_yaml_int(self, node):
        text = str(self.construct_scalar(node)).replace("_", "")
        if len(text.lstrip("+-")) > MAX_INT_DIGITS + 2:  # refuse before int() does the work
            raise _Refused(_TOO_LONG, node.start_mark.line)
        value = super().construct_yaml_int(node)
        if abs(value) >= 10**MAX_INT_DIGITS:
            raise _Refused(_TOO_LONG, node.start_mark.line)
        return value

    def construct_yaml_float(self, node):
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise _Refused("NaN and infinity are not numbers noteassist can use; expected a finite number",
                           node.start_mark.line)
        return value


_TOO_LONG = f"a whole number of more than {MAX_INT_DIGITS} digits; quote it if it is an identifier"
_BoundedConstructor.add_constructor("tag:yaml.org,2002:int", _BoundedConstructor.construct_yaml_int)
_BoundedConstructor.add_constructor("tag:yaml.org,2002:float", _BoundedConstructor.construct_yaml_float)
_BoundedConstructor.add_constructor("tag:yaml.org,2002:map", SafeConstructor.construct_yaml_map)


class BoundedLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _BoundedComposer,
                    _BoundedConstructor, _DataResolver):
    """A SafeLoader with the bounds above, in pure Python."""

    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _BoundedComposer.__init__(self)
        _BoundedConstructor.__init__(self)
        _DataResolver.__init__(self)


if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _CBoundedLoader(_BoundedComposer, CParser, _BoundedConstructor, _DataResolver):  # type: ignore[misc]
        """libyaml parses the events; the bounded composer and constructor above build the data."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            _BoundedComposer.__init__(self)
            _BoundedConstructor.__init__(self)
            _DataResolver.__init__(self)

        # CParser defines its own composing entry points; the Python composer's must win.
        get_single_node = Composer.get_single_node
        get_node = Composer.get_node
        check_node = Composer.check_node

    _LOADER: type = _CBoundedLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADER = BoundedLoader


def load_yaml(text: str, name: str, *, error: type[NoteassistError] = NoteInputError, first_line: int = 1,
              what: str = "invalid YAML") -> Any:
    """Parse one YAML document from user data. `first_line` is the file line the text starts on."""
    found = _SURROGATE.search(text)  # a str from Python may hold one; libyaml would fail to encode it
    if found:
        raise error(f"{name}:{text.count(chr(10), 0, found.start()) + first_line}: {_LONE_SURROGATE}")
    loader = _LOADER(text)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        raise error(_refusal(name, exc, first_line)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + first_line}:{mark.column + 1}" if mark else name
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"{where}: {what}: {problem}") from None
    except RecursionError:  # pragma: no cover - the depth bound stops recursion long before this
        raise error(f"{name}: nested more than {MAX_DEPTH} levels deep") from None
    except (ValueError, OverflowError) as exc:  # a constructor's own parse (e.g. a bad binary scalar)
        raise error(f"{name}: {what}: {exc}") from None
    finally:
        loader.dispose()


def _refusal(name: str, exc: _Refused, first_line: int) -> str:
    message = exc.message
    if isinstance(exc, _DuplicateYamlKey):
        message += f" (first given on line {exc.first + first_line}); keep one"
    return f"{name}:{exc.line + first_line}: {message}" if exc.line is not None else f"{name}: {message}"


def _shown(key: Any) -> str:
    text = repr(key)
    return text if len(text) <= 60 else text[:57] + "..."


# --- JSON -------------------------------------------------------------------------------------

class _DuplicateKey(Exception):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key
        self.position: int | None = None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


class _NumberRefused(Exception):
    def __init__(self, literal: str, message: str):
        super().__init__(message)
        self.literal = literal
        self.message = message


def _parse_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_INT_DIGITS:
        raise _NumberRefused(literal, _TOO_LONG)
    return int(literal)


def _parse_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _NumberRefused(literal, f"{literal[:20]} is out of range; expected a finite number")
    return value


def _parse_constant(literal: str) -> float:
    raise _NumberRefused(literal, f"{literal} is not a number noteassist can use; expected a finite number")


_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_int=_parse_int, parse_float=_parse_float,
                            parse_constant=_parse_constant)


def _locating_decoder() -> json.JSONDecoder:
    """The pure-Python decoder, whose object parser knows where each object starts: used only to put a
    line number on a duplicate key the fast decoder found."""
    decoder = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_int=_parse_int,
                               parse_float=_parse_float, parse_constant=_parse_constant)

    def parse_object(s_and_end, *args):
        try:
            return json.decoder.JSONObject(s_and_end, *args)
        except _DuplicateKey as exc:
            if exc.position is None:
                exc.position = s_and_end[1] - 1
            raise

    decoder.parse_object = parse_object
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder


def load_json(text: str, name: str, *, error: type[NoteassistError] = NoteInputError, line: int | None = None,
              what: str = "invalid JSON") -> Any:
    """Parse JSON from user data. `line` is the file line of a one-line text (a JSONL row)."""
    def at(position: int | None) -> str:
        if line is not None:
            return f"{name}:{line}"
        if position is None:
            return name
        return f"{name}:{text.count(chr(10), 0, position) + 1}"

    try:
        data = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        where = f"{name}:{line}" if line is not None else f"{name}:{exc.lineno}:{exc.colno}"
        raise error(f"{where}: {what}: {exc.msg}" + (f" (column {exc.colno})" if line is not None else "")) from None
    except _DuplicateKey as exc:
        position = None
        if line is None:
            try:
                _locating_decoder().decode(text)
            except _DuplicateKey as located:
                position = located.position
            except (ValueError, RecursionError, _NumberRefused):  # pragma: no cover - the fast pass got this far
                pass
        raise error(f"{at(position)}: duplicate key {_shown(exc.key)} in one object; keep one") from None
    except _NumberRefused as exc:
        found = text.find(exc.literal)
        raise error(f"{at(found if found >= 0 else None)}: {exc.message}") from None
    except RecursionError:
        raise error(f"{at(None)}: nested more than {MAX_DEPTH} levels deep") from None
    problem = _check_tree(data)
    if problem:
        raise error(f"{at(None)}: {problem}")
    return data


def _check_tree(data: Any) -> str | None:
    """Depth and string checks on parsed JSON (a tree: JSON has no aliases), iteratively."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return _LONE_SURROGATE
            continue
        if isinstance(value, dict):
            children = [*value.keys(), *value.values()]
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            return f"nested more than {MAX_DEPTH} levels deep"
        stack.extend((child, depth + 1) for child in children)
    return None


def load_data(text: str, name: str, *, error: type[NoteassistError] = NoteInputError) -> Any:
    """A YAML or JSON data file (`.json`, or text starting with `{`, is JSON)."""
    if name.endswith(".json") or text.lstrip().startswith("{"):
        return load_json(text, name, error=error)
    return load_yaml(text, name, error=error)
