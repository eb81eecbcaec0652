"""The web page, served by the same app as the API: server-rendered Jinja pages, plain JavaScript and CSS
from this package's static/ folder (no CDN, no build step), signed in with a session cookie.

    install(app)    # create_app does it: the page routes, /static, and HTML error pages for page paths

`router` holds every page route: pages.py (sign-in, the day, quick capture, claims, supervisor), editor.py
(the contact form and the draft editor) and notes.py (signed notes and their documents).
"""

from __future__ import annotations

import importlib
import importlib.util

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ...errors import NoteassistError
from ..errors import ApiError, domain_error
from .session import HERE, SignInRequired, page, signin_url

__all__ = ["install", "router"]

router = APIRouter(include_in_schema=False)
for _name in ("pages", "editor", "notes"):
    # editor.py and notes.py are written alongside this package; each is included once it exists.
    if importlib.util.find_spec(f"{__name__}.{_name}") is not None:
        router.include_router(importlib.import_module(f"{__name__}.{_name}").router)

#: Paths that answer JSON (the API, health, OpenAPI) or files: everything else is a page.
NOT_PAGES = ("/v1/", "/v2/", "/static/", "/healthz", "/readyz", "/docs", "/redoc", "/openapi.json")


def is_page(request: Request) -> bool:
    path = request.url.path
    return not any(path == p.rstrip("/") or path.startswith(p) for p in NOT_PAGES)


def install(app: FastAPI) -> None:
    """Mount the pages and /static on `app`; errors on page paths become HTML pages with the same status,
    while the API keeps its JSON errors (the handlers errors.install registered answer those)."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    json_handlers = dict(app.exception_handlers)

    async def sign_in_required(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(signin_url(exc.next_path, exc.expired), status_code=303)

    def html_or_json(exc_class: type) -> None:
        json_handler = json_handlers.get(exc_class)

        async def handler(request: Request, exc: Exception) -> Response:
            if json_handler is not None and not is_page(request):
                return await json_handler(request, exc)
            return error_page(request, exc)

        app.add_exception_handler(exc_class, handler)

    app.add_exception_handler(SignInRequired, sign_in_required)
    for exc_class in (ApiError, RequestValidationError, StarletteHTTPException, NoteassistError):
        html_or_json(exc_class)


def error_page(request: Request, exc: Exception) -> Response:
    """A page for an error: its status and one line saying what to do, never a traceback."""
    if isinstance(exc, NoteassistError) and not isinstance(exc, ApiError):
        exc = domain_error(exc) or ApiError(400, "bad_request", exc.message)
    if isinstance(exc, ApiError):
        status, code, message = exc.status, exc.code, exc.message
    elif isinstance(exc, StarletteHTTPException):
        status, code = exc.status_code, "http"
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
    else:  # a RequestValidationError: a page's path or query was not what it takes
        status, code, message = 422, "invalid_request", "this address is not one the page understands"
    titles = {403: "Not allowed", 404: "Not found", 405: "Not allowed here", 422: "Cannot use this request"}
    if status == 404:
        message = "Nothing here, or nothing you have access to."
    return page(request, "error.html", status_code=status, title=titles.get(status, "Something went wrong"),
                message=message, code=code)
