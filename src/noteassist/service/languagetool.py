"""A LanguageTool-compatible check endpoint, so the editors people already type in show noteassist's findings.

LibreOffice Writer's "LanguageTool Remote" checker, Collabora Online, the LanguageTool browser extension's
custom server, LTeX, the Obsidian and VS Code plugins and `language_tool_python` all speak LanguageTool's
HTTP API v2: `POST /v2/check` and `GET /v2/languages`. This router answers them from the same `Linter` the
CLI uses (never a second rule implementation) and shapes each finding as a LanguageTool match.

What real clients need, learned the hard way:

- The body is form-encoded whatever the Content-Type says (LTeX labels it JSON), and parameters may come in
  the query string too. LibreOffice 7.4 posts `text=<paragraph>&language=en-US` without percent-encoding,
  so a note's "&", "+" and "%" must survive a body that is not really form-encoded (`parse_body`).
- LibreOffice reads `message`, `shortMessage`, `offset`, `length`, `replacements[].value` and
  `rule.category.id` with boost's throwing getters: one missing field and the whole paragraph shows nothing.
  Every match carries LanguageTool's full shape every time.
- Offsets count UTF-16 code units (Java and LibreOffice strings); Python counts code points, so a note with
  an emoji before a finding must be converted.
- Errors are plain text "Error: ..." with a 4xx status, as LanguageTool's server gives them.
"""

from __future__ import annotations

import bisect
import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..lint.model import Finding, LintError, LintResult, NoteInput
from ..lint.registry import all_rules
from ..text.sentences import sentence_spans
from .runtime import Overloaded

if TYPE_CHECKING:
    from ..lint import Linter

router = APIRouter(prefix="/v2", tags=["LanguageTool"])
T = TypeVar("T")

# -- languages ------------------------------------------------------------------------------------------------

#: The English variants noteassist checks (its rules are English; the variants differ only in spelling, which
#: noteassist does not judge). LibreOffice enables the checker for exactly the `longCode`s listed here.
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("en-US", "English (US)"),
    ("en-GB", "English (GB)"),
    ("en-AU", "English (Australian)"),
    ("en-CA", "English (Canadian)"),
    ("en-NZ", "English (New Zealand)"),
    ("en-ZA", "English (South African)"),
)
_LANGUAGE_NAMES = {code.lower(): (code, name) for code, name in LANGUAGES}
#: What `language=auto` reports when no preferred variant is given (LanguageTool does the same for English).
_AUTO_DEFAULT = "en-US"

#: Every parameter LanguageTool's /v2/check knows; used to find where a LibreOffice-style unencoded `text`
#: ends. text, data, language, preferredVariants (with auto), the rule and category lists, enabledOnly, level,
#: username and apiKey change the answer; the rest are accepted and ignored.
KNOWN_PARAMS = frozenset({
    "text", "data", "language", "username", "apiKey", "tokenV2", "level", "enabledRules", "disabledRules",
    "enabledCategories", "disabledCategories", "enabledOnly", "motherTongue", "preferredVariants",
    "altLanguages", "noopLanguages", "useragent", "mode", "allowIncompleteResults", "textSessionId",
    "ruleValues", "instanceId", "clientVersion", "enableHiddenRules", "sourceText", "sourceLanguage",
    "premium", "callback", "enableTempOffRules",
})

# -- rule and category mapping --------------------------------------------------------------------------------

#: noteassist category -> LanguageTool issueType (the W3C ITS 2.0 localization-quality-issue types that
#: LanguageTool uses; clients colour and group by it, e.g. "misspelling" red, "style" blue).
#: - missing-element -> "omission": something the note must say is absent; ITS's word for exactly that.
#: - repeated-verb, readability, attribution -> "style": the text is correct but reads badly or hides who
#:   said what; style is how LanguageTool files passive voice and repetition too.
#: - stigmatizing-language -> "style": a wording choice to replace, not an error of form (ITS "register" is
#:   closer in theory, but clients show "style" as a suggestion to rephrase, which is the right nudge).
#: - do-not-use-abbreviation -> "terminology" (ITS: a term wrong for the domain): the Joint Commission's
#:   list forbids the form ("QD" -> "daily"). Not "misspelling", although it would be underlined more
#:   boldly: clients offer "add to dictionary" on misspellings, one click that would silence a
#:   patient-safety finding for good.
#: - claim-number, date-logic -> "inconsistency": the note contradicts itself or its claim.
#: - timeliness -> "non-conformance": a documentation standard (the late-entry label) is not followed.
#: - privacy -> "legal": a Social Security number or therapy content must not be disclosed.
#: - copy-forward -> "duplication": the note repeats an earlier one.
#: - safety -> "omission": a positive risk screen or a disclosure of harm with no safety plan or response
#:   documented; what is wrong is what the note leaves out.
#: - service-plan -> "inconsistency": progress is reported on a goal the client's service plan does not have.
ISSUE_TYPES: dict[str, str] = {
    "missing-element": "omission",
    "repeated-verb": "style",
    "readability": "style",
    "stigmatizing-language": "style",
    "do-not-use-abbreviation": "terminology",
    "claim-number": "inconsistency",
    "date-logic": "inconsistency",
    "timeliness": "non-conformance",
    "attribution": "style",
    "privacy": "legal",
    "copy-forward": "duplication",
    "safety": "omission",
    "service-plan": "inconsistency",
}
#: Characters around a match in `context.text`, each side (LanguageTool's server default).
CONTEXT_CHARS = 40


def category_id(category: str) -> str:
    """'stigmatizing-language' -> 'STIGMATIZING_LANGUAGE': LanguageTool's category ids are upper snake case."""
    return category.upper().replace("-", "_")


def category_name(category: str) -> str:
    return category.replace("-", " ").capitalize()


# -- errors ---------------------------------------------------------------------------------------------------


class CheckError(Exception):
    """A request LanguageTool would refuse: answered as plain text "Error: ..." with `status`."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self, request: Request) -> Response:
        return PlainTextResponse(f"Error: {self.message}", status_code=self.status, headers=cors_headers(request))


# -- CORS -----------------------------------------------------------------------------------------------------

#: LanguageTool's server answers every origin: browser extensions call from chrome-extension:// and
#: moz-extension:// origins nobody can list in advance. Safe because /v2 reads no cookie: a client proves
#: who it is with `apiKey` in the request itself.
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept, Authorization",
    "Access-Control-Max-Age": "86400",
}




def cors_headers(request: Request) -> dict[str, str]:
    """LanguageTool's open CORS headers for a bare app. Inside the service they are left to its CORS
    middleware, so the one setting (`allowed_origins`, any origin by default) governs /v2 as well."""
    return {} if _runtime(request) is not None else CORS_HEADERS


@router.options("/check", include_in_schema=False)
@router.options("/languages", include_in_schema=False)
async def preflight(request: Request) -> Response:
    """The CORS preflight of a browser client, when no CORS middleware in front has answered it."""
    return Response(status_code=204, headers={**cors_headers(request), "Allow": "GET, POST, OPTIONS"})


# -- the app's state ----------------------------------------------------------------------------------------
# The service (app.py) keeps its settings, linters and database sessions in `app.state.runtime`; a bare app
# (tests, an embedding) may give `app.state.linter`, `app.state.settings` and `app.state.authenticate_token`
# instead. Without either, the linter is built once per process from the environment's settings.

_linter_lock = threading.RLock()  # get_linter reads the settings while holding it
_process_linter: Linter | None = None
_process_settings: Any = None


def _runtime(request: Request):
    return getattr(request.app.state, "runtime", None)


def get_linter(request: Request) -> Linter:
    """The app's linter: `app.state.linter`, else the service runtime's (503 while its model loads), else
    one built once per process from the settings."""
    linter = getattr(request.app.state, "linter", None)
    if linter is not None:
        return linter
    runtime = _runtime(request)
    if runtime is not None:
        if runtime.models is None:
            raise CheckError(503, runtime.load_error or "The server is starting: its language model is still "
                                                        "loading; retry in a few seconds")
        return runtime.models.notes
    global _process_linter
    with _linter_lock:
        if _process_linter is None:
            from ..lint import Linter

            settings = _settings(request)
            _process_linter = Linter(settings.lint, model=settings.model)
        return _process_linter


def _settings(request: Request):
    """`app.state.settings`, else the service runtime's, else the environment's, read once per process."""
    settings = getattr(request.app.state, "settings", None)
    if settings is None and _runtime(request) is not None:
        settings = _runtime(request).settings
    if settings is not None:
        return settings
    global _process_settings
    with _linter_lock:
        if _process_settings is None:
            from ..settings import load_settings

            _process_settings = load_settings()
        return _process_settings


def _token_check(request: Request) -> Callable[[str], object | None] | None:
    """A function from an API token to its user (None: not a valid token), or None when the app has no
    accounts."""
    given = getattr(request.app.state, "authenticate_token", None)
    if given is not None:
        return given
    runtime = _runtime(request)
    if runtime is None or runtime.sessions is None:
        return None

    def authenticate(token: str) -> object | None:
        from ..app.accounts import authenticate
        from ..app.errors import Unauthorized

        with runtime.sessions() as session:
            try:
                return authenticate(session, token)
            except Unauthorized:
                return None

    return authenticate


async def _in_thread(request: Request, func: Callable[..., T], *args: Any, compute: bool = False) -> T:
    """Database work (or, with `compute`, CPU work in the runtime's fair queue) off the event loop, abandoned
    at the request's time limit; Starlette's thread pool when the router runs without the service runtime."""
    runtime = _runtime(request)
    if runtime is not None:
        return await (runtime.compute if compute else runtime.run)(func, *args)
    return await run_in_threadpool(func, *args)


# -- parameters -----------------------------------------------------------------------------------------------

# What a properly form-encoded body may contain: unreserved characters, percent escapes, "+" for spaces, and
# the characters JavaScript's encodeURIComponent leaves alone.
_FORM_CHARS = re.compile(r"[A-Za-z0-9\-._~!*'()%+=&]*")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PAIR = re.compile(r"[A-Za-z][A-Za-z0-9_]*=[^=]*")
_RAW_TAIL_PIECE = re.compile(r"(?:" + "|".join(sorted(map(re.escape, KNOWN_PARAMS))) + r")=[^\s&]*")


def is_form_encoded(body: str) -> bool:
    """True when `body` reads as real application/x-www-form-urlencoded: only characters an encoder emits,
    every "%" an escape, every "&"-separated piece one name=value. A paragraph LibreOffice posted raw has a
    space, a non-ASCII letter, a stray "&" or "%", or a second "=" somewhere, and fails this."""
    if not _FORM_CHARS.fullmatch(body) or _BAD_ESCAPE.search(body):
        return False
    return all(_PAIR.fullmatch(piece) for piece in body.split("&") if piece)


def parse_body(body: str) -> dict[str, str]:
    """The parameters of a request body: form-encoded, or raw LibreOffice style, or (leniently) a JSON object."""
    if not body:
        return {}
    if is_form_encoded(body):
        return dict(parse_qsl(body, keep_blank_values=True))
    stripped = body.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return {str(k): _json_param(v) for k, v in data.items()}
    return _parse_raw(body)


def _json_param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def _parse_raw(body: str) -> dict[str, str]:
    """A body with an unencoded `text`: the text runs from `text=` to the trailing run of `&<known param>=value`
    pieces whose values hold no blank (LibreOffice: `text=<paragraph>&language=en-US[&username=..&apiKey=..]`).
    The text is taken literally: it was never encoded, so it is not decoded either. One pass from the end, so
    a body full of "&language=" costs no more than any other."""
    start = re.search(r"(?:^|&)text=", body)
    if start is None:
        return dict(parse_qsl(body, keep_blank_values=True))
    head, rest = body[:start.start()], body[start.end():]
    params = dict(parse_qsl(head, keep_blank_values=True))
    pieces = rest.split("&")
    first_param = len(pieces)
    while first_param > 1 and (not pieces[first_param - 1] or _RAW_TAIL_PIECE.fullmatch(pieces[first_param - 1])):
        first_param -= 1
    params.update(parse_qsl("&".join(pieces[first_param:]), keep_blank_values=True))
    params["text"] = "&".join(pieces[:first_param])
    return params


async def request_params(request: Request) -> dict[str, str]:
    """Query parameters merged with the body's (the body wins), whatever the Content-Type."""
    params = dict(request.query_params)
    raw = await request.body()
    params.update(parse_body(raw.decode("utf-8", errors="replace")))
    return {name: without_lone_surrogates(value) for name, value in params.items()}


_LONE_SURROGATE = re.compile(r"(?<![\ud800-\udbff])[\udc00-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])")


def without_lone_surrogates(text: str) -> str:
    """JSON's "\\ud800" escapes can put half a UTF-16 pair in a string, which no UTF-8 answer can hold: each
    half becomes U+FFFD, one UTF-16 unit like the half it replaces, so offsets stay the client's."""
    text = _LONE_SURROGATE.sub("\ufffd", text)
    # Whole pairs (a JSON escape of an emoji not joined by the parser) become the one character they encode.
    return text.encode("utf-16", "surrogatepass").decode("utf-16") if re.search("[\ud800-\udfff]", text) else text


# -- annotated text (`data`) ----------------------------------------------------------------------------------


@dataclass
class Annotated:
    """The text linted (`plain`: text parts and markup read as its `interpretAs`) and the text the client
    holds (`original`: text and markup as sent), with the segments that map one onto the other; LanguageTool
    answers offsets into the original."""

    plain: str
    original: str
    #: (plain start, plain end, original start, original end, is text) per part, in order.
    segments: list[tuple[int, int, int, int, bool]] = field(default_factory=list)
    _starts: list[int] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of_text(cls, text: str) -> Annotated:
        text = without_lone_surrogates(text)
        return cls(text, text, [(0, len(text), 0, len(text), True)])

    @classmethod
    def of_data(cls, data: str) -> Annotated:
        try:
            parsed = json.loads(data, object_hook=_clean_strings)
        except ValueError as exc:
            raise CheckError(400, f"Could not parse JSON from 'data' parameter: {exc}") from None
        if not isinstance(parsed, dict):
            raise CheckError(400, "'data' must be a JSON object with 'text' or 'annotation'")
        if isinstance(parsed.get("text"), str):
            return cls.of_text(parsed["text"])
        parts = parsed.get("annotation")
        if not isinstance(parts, list):
            raise CheckError(400, "'data' must be a JSON object with 'text' or 'annotation'")
        plain: list[str] = []
        original: list[str] = []
        segments = []
        p = o = 0
        for index, part in enumerate(parts):
            if not isinstance(part, dict):
                raise CheckError(400, f"annotation[{index}] must be an object with 'text' or 'markup'")
            if isinstance(part.get("text"), str):
                shown = written = part["text"]
                is_text = True
            elif isinstance(part.get("markup"), str):
                written = part["markup"]
                shown = part.get("interpretAs") or ""
                if not isinstance(shown, str):
                    raise CheckError(400, f"annotation[{index}].interpretAs must be a string")
                is_text = False
            else:
                raise CheckError(400, f"annotation[{index}] needs 'text' or 'markup'")
            segments.append((p, p + len(shown), o, o + len(written), is_text))
            plain.append(shown)
            original.append(written)
            p += len(shown)
            o += len(written)
        return cls("".join(plain), "".join(original), segments)

    def to_original(self, pos: int, *, is_end: bool) -> int:
        """The original offset of plain offset `pos`: linear inside text, a markup's edge inside its
        interpretAs (its start for a match's start, its end for a match's end). Parts are found by
        bisection: a client may send thousands."""
        if pos <= 0 and is_end:  # the end of an empty match at the start is its start
            return self.to_original(0, is_end=False)
        if self._starts is None:
            self._starts = [segment[0] for segment in self.segments]
        # The part holding `pos`: for a start, the last part starting at or before it (an empty markup
        # before text at the same place comes first); for an end, the last part starting before it.
        index = (bisect.bisect_left if is_end else bisect.bisect_right)(self._starts, pos) - 1
        if index >= 0:
            p_start, p_end, o_start, o_end, is_text = self.segments[index]
            if (p_start < pos <= p_end) if is_end else (p_start <= pos < p_end):
                if is_text:
                    return o_start + (pos - p_start)
                return o_end if is_end else o_start
        return len(self.original)


def _clean_strings(obj: dict) -> dict:
    return {k: without_lone_surrogates(v) if isinstance(v, str) else v for k, v in obj.items()}


class Utf16:
    """Code-point offsets of a string -> UTF-16 code units (a character past U+FFFF is two)."""

    def __init__(self, text: str):
        self._wide = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]

    def __call__(self, pos: int) -> int:
        return pos + bisect.bisect_left(self._wide, pos)


# -- the check ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """Which findings a request wants: LanguageTool's enabledRules/disabledRules/... and level."""

    enabled_rules: frozenset[str] = frozenset()
    disabled_rules: frozenset[str] = frozenset()
    enabled_categories: frozenset[str] = frozenset()
    disabled_categories: frozenset[str] = frozenset()
    enabled_only: bool = False
    picky: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Selection:
        def items(name: str, normalise) -> frozenset[str]:
            return frozenset(normalise(s) for s in params.get(name, "").split(",") if s.strip())

        selection = cls(
            enabled_rules=items("enabledRules", _rule_key),
            disabled_rules=items("disabledRules", _rule_key),
            enabled_categories=items("enabledCategories", _category_key),
            disabled_categories=items("disabledCategories", _category_key),
            enabled_only=params.get("enabledOnly", "").strip().lower() in ("true", "yes", "1"),
            picky=params.get("level", "").strip().lower() == "picky",
        )
        if selection.enabled_only and not (selection.enabled_rules or selection.enabled_categories):
            raise CheckError(400, "You must specify enabled rules or categories when using enabledOnly=true")
        if selection.enabled_only and (selection.disabled_rules or selection.disabled_categories):
            raise CheckError(400, "You cannot specify disabled rules or categories using enabledOnly=true")
        return selection

    def wants(self, finding: Finding, rule_names: Mapping[str, str]) -> bool:
        """Rules are named by NA code or rule name, categories by LanguageTool-style id or noteassist name.
        Ids noteassist does not have (LanguageTool's own, which clients send) match nothing. The server's
        configuration decides which rules run at all; a request only narrows it.

        `level`: LanguageTool's "picky" adds pedantic rules; noteassist's pedantic findings are the
        info-level ones (a hard sentence), shown only at level=picky or when their rule is enabled by name."""
        names = {finding.rule.upper(), rule_names.get(finding.rule, "").upper()} - {""}
        category = _category_key(finding.category)
        named = bool(names & self.enabled_rules)
        if self.enabled_only:
            return named or category in self.enabled_categories
        if names & self.disabled_rules or category in self.disabled_categories:
            return False
        return finding.severity != "info" or self.picky or named or category in self.enabled_categories


def _rule_key(name: str) -> str:
    return name.strip().upper()


def _category_key(name: str) -> str:
    return category_id(name.strip())


def resolve_language(params: Mapping[str, str]) -> tuple[str, str, bool]:
    """(the language code answered, its name, whether it was `auto`); LanguageTool's 400s for a missing or
    unknown code. Any English variant is accepted (noteassist's rules do not depend on it); LibreOffice
    sends "en-" for a paragraph whose locale has no country."""
    given = params.get("language", "").strip()
    if not given:
        raise CheckError(400, "Missing 'language' parameter, e.g. 'language=en-US' for American English "
                              "or 'language=auto' to have it detected")
    if given.lower() == "auto":
        for variant in params.get("preferredVariants", "").split(","):
            found = _english(variant)
            if found:
                return (*found, True)
        return (*_LANGUAGE_NAMES[_AUTO_DEFAULT.lower()], True)
    found = _english(given)
    if found is None:
        codes = ", ".join(code for code, _ in LANGUAGES)
        raise CheckError(400, f"'{given}' is not a language code known to noteassist, which checks English "
                              f"notes only. Supported language codes are: {codes}, auto")
    return (*found, False)


def _english(code: str) -> tuple[str, str] | None:
    """(code, name) of an English language code: a listed one, or any other en-XX as plain 'English'."""
    code = code.strip().replace("_", "-").rstrip("-")
    if code.lower() in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[code.lower()]
    if re.fullmatch(r"en-[A-Za-z0-9]{2,8}", code):
        return f"en-{code[3:].upper()}", "English"
    return None


#: Common English function words: their share of a text's words says how English it reads. English prose
#: runs at 40-50 %; a text at 25 % or more is reported as English with full confidence.
_FUNCTION_WORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with", "from",
    "as", "is", "are", "was", "were", "be", "been", "has", "have", "had", "do", "does", "did", "not", "no",
    "will", "would", "can", "could", "should", "may", "might", "must", "she", "he", "they", "it", "we", "you",
    "i", "her", "his", "their", "its", "our", "your", "this", "that", "these", "those", "there", "here", "who",
    "which", "what", "when", "where", "why", "how", "than", "then", "so", "also",
))


def english_confidence(text: str) -> float:
    words = re.findall(r"[A-Za-z']+", text.lower())
    if not words:
        return 0.0
    share = sum(word in _FUNCTION_WORDS for word in words) / len(words)
    return round(min(1.0, share / 0.25), 2)


def _literal_replacements(finding: Finding) -> list[str]:
    """Suggestions a client may put in place of the flagged text with one click (`correct()` applies the
    first): the safe fix, then suggestions that are words. Advice such as "did not take / attend X (+ reason)"
    or "[medication]" is not replacement text; it stays in the message."""
    values = [finding.fix] if finding.fix is not None else []
    for suggestion in finding.suggestions:
        if suggestion not in values and not _ADVICE.search(suggestion):
            values.append(suggestion)
    return values


_ADVICE = re.compile(r"[\[\]()/+]|\.\.\.|\u2026|\bX\b")


def _advice(finding: Finding, replacements: list[str]) -> list[str]:
    return [s for s in finding.suggestions if s not in replacements]


@dataclass
class Checked:
    """One check's findings, placed on the text the client sent."""

    text: Annotated
    findings: list[Finding]
    language: str
    language_name: str
    auto: bool


def run_check(linter: Linter, text: Annotated, selection: Selection) -> list[Finding]:
    """Lint the plain text through the engine and keep the findings the request selected."""
    if not text.plain.strip():
        return []  # LanguageTool answers an empty text with no matches
    limit = linter.config.max_note_chars
    if len(text.plain) > limit:
        raise CheckError(413, f"Your text exceeds the limit of {limit} characters (it's {len(text.plain)} "
                              "characters). Please submit a shorter text.")
    result = next(iter(linter.lint_records([NoteInput(text=text.plain, path="<text>")])))
    if isinstance(result, LintError):
        raise CheckError(400, result.message.removeprefix("<text>: "))
    assert isinstance(result, LintResult)
    names = {code: rule.name for code, rule in all_rules().items()}
    return [f for f in result.findings if selection.wants(f, names)]


def _anchor(text: str, start: int, end: int) -> tuple[int, int]:
    """A finding with no extent (a missing element, judged on the whole note) is anchored on a line a
    client can underline, without its surrounding blanks: its own line, or the first non-blank line for a
    finding at the note's very start."""
    if end > start:
        return start, end
    lines = [(m.start(), m.end()) for m in re.finditer(r"\S(?:[^\r\n]*\S)?", text)]
    if not lines:
        return start, end
    if start > 0:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = len(text) if text.find("\n", start) < 0 else text.find("\n", start)
        for found in lines:
            if line_start <= found[0] < line_end:
                return found
    return lines[0]


def _context(original: str, start: int, end: int) -> dict[str, Any]:
    """LanguageTool's `context`: the match with up to CONTEXT_CHARS around it, "..." where cut, line breaks
    as spaces; `offset` and `length` in UTF-16 units within that string."""
    left = max(0, start - CONTEXT_CHARS)
    right = min(len(original), end + CONTEXT_CHARS)
    prefix = "..." if left > 0 else ""
    suffix = "..." if right < len(original) else ""
    snippet = prefix + original[left:right] + suffix
    snippet = re.sub(r"[\r\n]", " ", snippet)
    at = Utf16(snippet)
    offset = len(prefix) + (start - left)
    return {"text": snippet, "offset": at(offset), "length": at(offset + (end - start)) - at(offset)}


def match_of(finding: Finding, text: Annotated, utf16_of: Utf16, sentences: list[tuple[int, int]],
             rule_summaries: Mapping[str, str]) -> dict[str, Any]:
    """One finding as LanguageTool's match object, every field LanguageTool writes present."""
    start, end = _anchor(text.plain, finding.start, finding.end)
    o_start = text.to_original(start, is_end=False)
    o_end = max(o_start, text.to_original(end, is_end=True))
    offset = utf16_of(o_start)
    length = utf16_of(o_end) - offset
    replacements = _literal_replacements(finding)
    advice = _advice(finding, replacements)
    message = finding.message
    if advice:
        message += f" (try: {'; '.join(advice)})"
    at = bisect.bisect_right(sentences, (start, len(text.plain) + 1)) - 1
    s_start, s_end = sentences[at] if at >= 0 else (start, end)
    sentence = text.plain[s_start:s_end] if s_start <= start < max(s_end, s_start + 1) else text.plain[start:end]
    summary = rule_summaries.get(finding.rule, "")
    return {
        "message": message,
        # LibreOffice shows shortMessage as the error's full comment: the code there lets the writer look
        # the rule up (`noteassist rule NA402`) and disable it by id.
        "shortMessage": f"{category_name(finding.category)} ({finding.rule})",
        "replacements": [{"value": value} for value in replacements],
        "offset": offset,
        "length": length,
        "context": _context(text.original, o_start, o_end),
        "sentence": sentence.strip(),
        "type": {"typeName": "Hint" if finding.severity == "info" else "Other"},
        "rule": {
            "id": finding.rule,
            "description": summary or category_name(finding.category),
            "issueType": ISSUE_TYPES.get(finding.category, "uncategorized"),
            "category": {"id": category_id(finding.category), "name": category_name(finding.category)},
        },
        "ignoreForIncompleteSentence": False,
        "contextForSureMatch": 0,
    }


def check_response(checked: Checked) -> dict[str, Any]:
    text = checked.text
    utf16_of = Utf16(text.original)
    sentences = sentence_spans(text.plain)
    summaries = {code: rule.summary for code, rule in all_rules().items()}
    code, name = checked.language, checked.language_name
    confidence = english_confidence(text.plain) if checked.auto else 1.0
    return {
        "software": {
            "name": "noteassist",
            "version": __version__,
            "buildDate": "",
            "apiVersion": 1,
            "premium": False,
            "premiumHint": "",
            "status": "",
        },
        "warnings": {"incompleteResults": False},
        "language": {
            "name": name,
            "code": code,
            "detectedLanguage": {"name": name, "code": code, "confidence": confidence, "source": "noteassist"},
        },
        "matches": [match_of(f, text, utf16_of, sentences, summaries) for f in checked.findings],
        "sentenceRanges": [
            [utf16_of(text.to_original(s, is_end=False)), utf16_of(text.to_original(e, is_end=True))]
            for s, e in sentences
        ],
    }


# -- access ---------------------------------------------------------------------------------------------------


def check_access(request: Request, params: Mapping[str, str]) -> None:
    """`apiKey` (with any `username`: LibreOffice sends the key only when both are filled) is a noteassist API
    token. It is required when the settings say `languagetool_requires_token`; a given key is always checked
    when the app has accounts. Without either, the endpoint is anonymous (loopback use on one's own machine)."""
    key = params.get("apiKey", "").strip()
    required = bool(getattr(_settings(request), "languagetool_requires_token", False))
    authenticate = _token_check(request)
    if not key:
        if required:
            raise CheckError(401, "Authentication required: give your noteassist API token as 'apiKey' "
                                  "(and your user name as 'username')")
        return
    if authenticate is None:
        if required:
            raise CheckError(503, "This server requires a token but has no accounts configured")
        return
    if authenticate(key) is None:
        raise CheckError(401, "Authentication failed: 'apiKey' is not a valid noteassist API token")


# -- the API description (/openapi.json, /docs) ------------------------------------------------------------
# The handlers read the raw body (see `request_params`), so the shapes are declared here for the document.


class LtReplacement(BaseModel):
    value: str


class LtContext(BaseModel):
    text: str = Field(description="The match with up to 40 characters around it, '...' where cut")
    offset: int = Field(description="Where the match starts in `text`, in UTF-16 code units")
    length: int


class LtType(BaseModel):
    typeName: str = Field(description="'Hint' for info-level findings, else 'Other'")


class LtCategory(BaseModel):
    id: str = Field(description="The noteassist category in upper snake case: STIGMATIZING_LANGUAGE")
    name: str


class LtRule(BaseModel):
    id: str = Field(description="The noteassist rule code: NA402")
    description: str
    issueType: str = Field(description="ITS 2.0 issue type: style, terminology, omission, legal, ...")
    category: LtCategory


class LtMatch(BaseModel):
    message: str
    shortMessage: str = Field(description="The category and the rule code: 'Stigmatizing language (NA402)'")
    replacements: list[LtReplacement]
    offset: int = Field(description="Start in the text sent (with markup, for `data`), in UTF-16 code units")
    length: int
    context: LtContext
    sentence: str
    type: LtType
    rule: LtRule
    ignoreForIncompleteSentence: bool
    contextForSureMatch: int


class LtSoftware(BaseModel):
    name: str
    version: str
    buildDate: str
    apiVersion: int
    premium: bool
    premiumHint: str
    status: str


class LtWarnings(BaseModel):
    incompleteResults: bool


class LtDetectedLanguage(BaseModel):
    name: str
    code: str
    confidence: float
    source: str


class LtLanguage(BaseModel):
    name: str
    code: str
    detectedLanguage: LtDetectedLanguage


class LtCheckResult(BaseModel):
    software: LtSoftware
    warnings: LtWarnings
    language: LtLanguage
    matches: list[LtMatch]
    sentenceRanges: list[list[int]]


class LtLanguageEntry(BaseModel):
    name: str
    code: str
    longCode: str


_PARAMETERS = {
    "text": "The text to check (or `data`)",
    "data": 'JSON: {"text": ...} or {"annotation": [{"text": ...}, {"markup": ..., "interpretAs": ...}]}',
    "language": "en, en-US, en-GB, ... or auto",
    "username": "With `apiKey`: the noteassist user name",
    "apiKey": "A noteassist API token (required when the server sets languagetool_requires_token)",
    "level": "default, or picky (adds info-level findings)",
    "enabledRules": "Comma-separated rule codes or names",
    "disabledRules": "Comma-separated rule codes or names",
    "enabledCategories": "Comma-separated categories",
    "disabledCategories": "Comma-separated categories",
    "enabledOnly": "true: only the enabled rules and categories",
    "preferredVariants": "With language=auto: the variant to answer (en-GB)",
    "motherTongue": "Accepted and ignored",
}
_PLAIN_ERROR = {"content": {"text/plain": {"schema": {"type": "string"}}}}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": LtCheckResult, "description": "LanguageTool's answer: every finding as a match"},
    400: {**_PLAIN_ERROR, "description": "'Error: ...': a missing or invalid parameter"},
    401: {**_PLAIN_ERROR, "description": "'Error: ...': no valid noteassist token as apiKey"},
    413: {**_PLAIN_ERROR, "description": "'Error: ...': the text is over the note size limit"},
    503: {**_PLAIN_ERROR, "description": "'Error: ...': the model is still loading, or no accounts"},
}
_FORM_BODY = {"requestBody": {"required": False, "content": {"application/x-www-form-urlencoded": {"schema": {
    "type": "object", "properties": {name: {"type": "string", "description": text}
                                     for name, text in _PARAMETERS.items()}}}}}}
_QUERY = {"parameters": [{"name": name, "in": "query", "required": False, "description": text,
                          "schema": {"type": "string"}} for name, text in _PARAMETERS.items()]}


# -- routes ---------------------------------------------------------------------------------------------------


@router.get("/languages", summary="The languages the check endpoint accepts (LanguageTool API)",
            responses={200: {"model": list[LtLanguageEntry], "description": "name, code and longCode of each"}},
            response_class=JSONResponse)
async def languages(request: Request) -> JSONResponse:
    return JSONResponse([{"name": name, "code": code.split("-")[0], "longCode": code} for code, name in LANGUAGES],
                        headers=cors_headers(request))


@router.get("/check", summary="Check a text given in the query (LanguageTool API v2)", responses=_RESPONSES,
            openapi_extra=_QUERY, response_class=JSONResponse)
async def check_get(request: Request) -> Response:
    return await check(request)


@router.post("/check", summary="Check a text and answer LanguageTool matches (LanguageTool API v2)",
             description="The body is read as application/x-www-form-urlencoded whatever its Content-Type, merged "
                         "with the query; LibreOffice's unencoded `text=...&language=...` is read too.",
             responses=_RESPONSES, openapi_extra=_FORM_BODY, response_class=JSONResponse)
async def check_post(request: Request) -> Response:
    return await check(request)


async def check(request: Request) -> Response:
    try:
        params = await request_params(request)
        if "text" in params:
            text = Annotated.of_text(params["text"])
        elif "data" in params:
            text = Annotated.of_data(params["data"])
        else:
            raise CheckError(400, "Missing 'text' or 'data' parameter")
        language, language_name, auto = resolve_language(params)
        selection = Selection.from_params(params)
        await _in_thread(request, check_access, request, params)
        linter = await _in_thread(request, get_linter, request)
        findings = await _in_thread(request, run_check, linter, text, selection, compute=True)
    except CheckError as exc:
        return exc.response(request)
    except Overloaded:
        return CheckError(503, "Server overloaded, please try again later").response(request)
    return JSONResponse(check_response(Checked(text, findings, language, language_name, auto)), headers=cors_headers(request))
