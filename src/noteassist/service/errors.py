"""Every error the service answers with, as one JSON shape with a stable code:

    {"error": {"code": "not_found", "message": "claim 7 not found", "field": null}}

Domain errors from the application layer (noteassist.app: NotFound, Forbidden, Conflict, Invalid,
Unauthorized) and the user-fixable NoteassistErrors of drafting, linting and documents map to a status and a
code here, once; routes raise them and never build an error response themselves. Clients switch on `code`,
never on `message`. An unexpected exception is a 500 `internal` whose log line names its type and where it
was raised, never its message (which may quote a note).
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (
    ExportError,
    FactsError,
    NoteassistError,
    NoteInputError,
    ReportError,
    TemplateError,
)
from .runtime import Overloaded

log = logging.getLogger("noteassist.service")

#: Codes for statuses that Starlette itself answers (no route, wrong method...).
_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "payload_too_large",
                 415: "unsupported_media_type", 422: "invalid_request", 429: "too_many_requests",
                 503: "unavailable", 504: "timeout"}


class ApiError(Exception):
    """An error response: HTTP status, stable code, a message naming the field, optional extra members."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers
        self.extra = extra


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field, **extra}}


def error_response(error: ApiError) -> JSONResponse:
    return JSONResponse(error_body(error.code, error.message, error.field, **error.extra),
                        status_code=error.status, headers=error.headers)


#: The tags of facts/load.py's AnyFacts: a kind of facts, never a field of them.
_UNION_TAGS = ("workers-comp", "human-services")


def field_path(loc: tuple | list) -> str | None:
    """pydantic's location as the facts' own dotted path: ('body', 'facts', 'encounter', 'date') ->
    'encounter.date'; list indexes as [0]; the request part (body, query, path) and union tags left out."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith(("function-", "model-")) and part not in _UNION_TAGS:
            path += ("." if path else "") + str(part)
    return path or None


_NOT_AN_OBJECT = ("missing", "model_type", "model_attributes_type", "dict_type")


def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        if err.get("type") == "json_invalid":  # its location is a character position, not a field
            loc = loc[:1]
        errors.append({"field": field_path(loc), "message": err.get("msg", "invalid"), "location": loc[:1] and loc[0],
                       "type": err.get("type")})
    first = errors[0] if errors else {"field": None, "message": "invalid request"}
    # Visit facts (the body's `facts` member) are the common case: give their paths as the facts file has them.
    # The `facts` member itself missing or not an object keeps the name "facts"; a check of the facts as a
    # whole (a model validator) has no one field to name.
    facts = [e for e in errors if e["field"] and (e["field"] == "facts" or e["field"].startswith("facts."))]
    if facts:
        for e in facts:
            if e["field"] != "facts" or e["type"] not in _NOT_AN_OBJECT:
                e["field"] = e["field"].removeprefix("facts").removeprefix(".") or None
        first = facts[0]
    code = "invalid_facts" if facts else "invalid_request"
    message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    details = [{"field": e["field"], "message": e["message"]} for e in (facts or errors)]
    return JSONResponse(error_body(code, message, first["field"], errors=details), status_code=422)


def _noteassist_error(exc: NoteassistError) -> ApiError:
    """A user-fixable error of drafting, linting, reports or documents (its message is the CLI's line)."""
    message = exc.message
    if isinstance(exc, FactsError):
        return ApiError(422, "invalid_facts", message)
    if isinstance(exc, TemplateError):
        return ApiError(422, "template_error", message, "template")
    if isinstance(exc, NoteInputError):
        return ApiError(422, "invalid_note", message, "text")
    if isinstance(exc, ReportError):
        return ApiError(422, "invalid_report", message)
    if isinstance(exc, ExportError):
        return ApiError(422, "export_failed", message)
    return ApiError(400, "bad_request", message)


def domain_error(exc: Exception) -> ApiError | None:
    """The API error for an application-layer error (noteassist.app's NotFound, Forbidden...), or None."""
    name = type(exc).__name__
    message = getattr(exc, "message", None) or str(exc)
    if name == "NotFound":
        return ApiError(404, "not_found", message)
    if name == "Forbidden":
        return ApiError(403, "forbidden", message)
    if name == "Unauthorized":
        return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})
    if name == "Busy":  # app/qa_jobs.py: as many QA jobs run as the service allows
        return ApiError(429, "busy", message, headers={"Retry-After": "60"})
    if name == "Conflict":
        return ApiError(409, "conflict", message, current_version=getattr(exc, "current_version", None))
    if name == "Invalid":
        return ApiError(422, "invalid", message, getattr(exc, "field", None))
    if isinstance(exc, NoteassistError):
        return _noteassist_error(exc)
    return None


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the one JSON shape."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_error(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return JSONResponse(error_body(code, message), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Overloaded)
    async def _overloaded(request: Request, exc: Overloaded) -> JSONResponse:
        return error_response(ApiError(503, "overloaded", "the server is busy with other notes; retry shortly",
                                       headers={"Retry-After": "1"}))

    @app.exception_handler(NoteassistError)
    async def _domain(request: Request, exc: NoteassistError) -> JSONResponse:
        return error_response(domain_error(exc) or _noteassist_error(exc))


def internal_error(exc: BaseException, method: str, scope: dict) -> JSONResponse:
    """The 500 answer for a bug, logged by its type and the place it was raised only: an exception's message
    may quote a note, a name or a claim number."""
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {frame.filename}:{frame.lineno}" if frame else ""
    log.error("internal error %s%s on %s %s", type(exc).__name__, where, method, route_path(scope))
    return JSONResponse(error_body("internal", "internal error; the server log names its type"), status_code=500)


def route_path(scope: dict) -> str:
    """The matched route's template (/v1/claims/{claim_id}), never the concrete path: ids only, no query.

    A route of an included router may know only its own part (/claims/{claim_id}); the literal prefix in
    front of it (/v1) is taken from the concrete path, segment for segment."""
    template = getattr(scope.get("route"), "path", None)
    if not template:
        return "<unmatched>"
    concrete = scope.get("path", "").split("/")
    prefix = concrete[1:1 + max(len(concrete) - len(template.split("/")), 0)]
    return "".join(f"/{segment}" for segment in prefix) + template
