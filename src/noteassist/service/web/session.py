"""The web page's sessions: the `na_session` cookie, CSRF, the `WebUser` dependency and page rendering.

    @router.get("/claims/{claim_id}")
    async def claim_page(request: Request, claim_id: int, user: WebUser, db: Database):
        claim = await db.run(user, lambda s, actor: caseload.get_claim(s, actor, claim_id))
        return page(request, "claim.html", claim=claim)

`WebUser` is the signed-in user (a detached storage.User, as CurrentUser gives); without a live session the
browser is sent to /signin?next=<this page> (&expired=1 when it went idle). For a POST, PUT or DELETE it also
checks the session's CSRF token (header X-CSRF-Token, query `csrf`, or the form field `csrf`). The /v1 API
accepts the same cookie through deps.current_user, which calls `resolve` and `require_csrf` here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import Depends, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from ...app import websessions
from ...app.errors import Unauthorized
from ...app.websessions import SessionExpired, SignedIn
from ...settings import Settings
from ...storage import User
from ...storage.models import utcnow
from ..deps import Database, DatabaseSession, SettingsDep
from ..errors import ApiError

__all__ = [
    "SAFE_METHODS",
    "SESSION_COOKIE",
    "SignInRequired",
    "WebUser",
    "page",
    "require_csrf",
    "resolve",
    "safe_next",
    "set_session_cookie",
    "templates",
]

SESSION_COOKIE = "na_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HERE = Path(__file__).parent

templates = Jinja2Templates(env=jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                                                   autoescape=True, trim_blocks=True, lstrip_blocks=True))

#: Headers on every page: never cached (pages show PHI), never framed, no referrer carried off the site.
PAGE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                "Content-Security-Policy": "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
                "Referrer-Policy": "same-origin"}


class SignInRequired(Exception):
    """No live session on a page request: web.install answers with a redirect to /signin."""

    def __init__(self, next_path: str, expired: bool):
        super().__init__("sign in required")
        self.next_path, self.expired = next_path, expired


def safe_next(value: str | None) -> str:
    """`value` if it is a path on this site ("/claims/3"), else "/": never a way to send a user elsewhere."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or any(
            ord(c) < 32 for c in value):
        return "/"
    return value


def _cookie_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


async def resolve(request: Request, db: DatabaseSession, settings: Settings, *, force_touch: bool = False
                  ) -> SignedIn:
    """The request's live session; Unauthorized without one, SessionExpired when it went idle (then it is
    ended for good). Touches `last_seen_at` when it is older than the touch interval (or `force_touch`)."""
    cached = getattr(request.state, "web_session", None)
    if cached is not None and not force_touch:
        return cached
    token = _cookie_token(request)
    idle = settings.idle_minutes
    try:
        signed_in = await db.read(lambda s, _: websessions.lookup(s, token, idle))
    except SessionExpired:
        await db.run(None, lambda s, _: websessions.expire(s, token, idle))
        raise
    if force_touch or websessions.needs_touch(signed_in, idle):
        now = utcnow()
        alive = await db.run(None, lambda s, _: websessions.touch(s, signed_in.session_id, idle, now))
        if not alive:
            raise SessionExpired("the session has ended; sign in again")
        signed_in = replace(signed_in, last_seen_at=now)
    request.state.web_session = signed_in
    return signed_in


async def _form_csrf(request: Request) -> str | None:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    form = await request.form()  # Starlette keeps the parsed form: a route's Form() fields still read it
    value = form.get("csrf")
    return value if isinstance(value, str) else None


async def require_csrf(request: Request, signed_in: SignedIn, *, forms: bool = False) -> None:
    """403 `csrf` unless an unsafe request carries the session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    given = request.headers.get("x-csrf-token") or request.query_params.get("csrf")
    if given is None and forms:
        given = await _form_csrf(request)
    if not websessions.csrf_matches(signed_in.csrf_token, given):
        raise ApiError(403, "csrf", "this request needs the page's CSRF token (header X-CSRF-Token, query csrf "
                                    "or form field csrf); reload the page", "csrf")


async def web_user(request: Request, db: Database, settings: SettingsDep) -> User:
    try:
        signed_in = await resolve(request, db, settings)
    except SessionExpired:
        raise SignInRequired(_this_page(request), expired=True) from None
    except Unauthorized:
        raise SignInRequired(_this_page(request), expired=False) from None
    await require_csrf(request, signed_in, forms=True)
    return signed_in.user


WebUser = Annotated[User, Depends(web_user)]


def _this_page(request: Request) -> str:
    # After a POST the page to come back to is the one the form was on, not the form's action.
    if request.method not in SAFE_METHODS:
        return "/"
    path = request.url.path
    return path + (f"?{request.url.query}" if request.url.query else "")


def signin_url(next_path: str, expired: bool) -> str:
    query = f"next={quote(safe_next(next_path), safe='/')}" if safe_next(next_path) != "/" else ""
    if expired:
        query = "expired=1" + (f"&{query}" if query else "")
    return "/signin" + (f"?{query}" if query else "")


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """Render templates/<name> with the signed-in user, the CSRF token and the idle limit for base.html."""
    signed_in: SignedIn | None = getattr(request.state, "web_session", None)
    settings: Settings = request.app.state.runtime.settings
    context.setdefault("user", signed_in.user if signed_in else None)
    context.setdefault("csrf_token", signed_in.csrf_token if signed_in else "")
    context.setdefault("idle_minutes", settings.idle_minutes)
    context.setdefault("touch_seconds", websessions.touch_interval(settings.idle_minutes))
    # How long ago the server last counted this session as used, for the page's idle timer (an age, not a
    # time of day, so a browser clock that is off does not matter).
    seen_ms = (utcnow() - signed_in.last_seen_at).total_seconds() * 1000 if signed_in else 0
    context.setdefault("session_age_ms", max(0, round(seen_ms)))
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers.update(PAGE_HEADERS)
    return response


def cookie_secure(request: Request, settings: Settings) -> bool:
    if settings.secure_cookies is not None:
        return settings.secure_cookies
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"


def set_session_cookie(response: Response, request: Request, settings: Settings, token: str) -> None:
    # No max_age: a browser session cookie; the server ends it after the idle minutes anyway.
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", path="/",
                        secure=cookie_secure(request, settings))


def clear_session_cookie(response: Response, request: Request, settings: Settings) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=cookie_secure(request, settings))
