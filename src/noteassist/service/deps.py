"""Request dependencies as `Annotated` aliases (the FastAPI full-stack template's shape):

    async def route(user: CurrentUser, db: Database, models: ModelsDep): ...

`CurrentUser` is the user of the request's `Authorization: Bearer <token>` (401 without a valid one), or
of the web page's session cookie (then a POST, PUT or DELETE must carry its CSRF token: 403 `csrf`);
`Database.run(user, work)` runs `work(session, actor)` in a worker thread inside one transaction, so the
use case and its audit event commit together or not at all. Roles are enforced by the use cases in
noteassist.app (one place), which raise Forbidden or NotFound.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..settings import Settings
from ..storage import User
from .errors import ApiError
from .runtime import Models, Runtime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

T = TypeVar("T")

_bearer = HTTPBearer(auto_error=False, description="An API token from `noteassist tokens create`")


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_settings(runtime: RuntimeDep) -> Settings:
    return runtime.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


class DatabaseSession:
    """The request's way to the database: each `run` is one transaction in a worker thread."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime

    async def run(self, user: User | None, work: Callable[[Session, User | None], T]) -> T:
        return await self.runtime.run(self._transaction, self.runtime.sessions, user, work)

    async def read(self, work: Callable[[Session, None], T]) -> T:
        """`work` in a transaction that writes nothing (not even an audit event): on SQLite it never takes the
        write lock, on PostgreSQL it is READ ONLY."""
        return await self.runtime.run(self._transaction, self.runtime.readers, None, work)

    def _transaction(self, sessions: Callable[[], Session], user: User | None, work: Callable[[Session, Any], T]) -> T:
        with sessions() as session, session.begin():
            # The actor as the database has it now, in this session (a role changed since is seen).
            actor = session.get(User, user.id) if user is not None else None
            return work(session, actor)


def get_database(runtime: RuntimeDep) -> DatabaseSession:
    return DatabaseSession(runtime)


Database = Annotated[DatabaseSession, Depends(get_database)]


async def current_user(request: Request, db: Database, settings: SettingsDep,
                       credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> User:
    from ..app.accounts import authenticate

    token = credentials.credentials if credentials is not None else None
    if token is None:
        from .web.session import SESSION_COOKIE

        if SESSION_COOKIE in request.cookies:
            return await _session_user(request, db, settings)
        raise ApiError(401, "unauthorized", "an API token is required: Authorization: Bearer <token>",
                       headers={"WWW-Authenticate": "Bearer"})

    def check(session: Session, _: Any) -> User:
        user = authenticate(session, token)
        session.expunge(user)  # a plain snapshot for the route; each transaction re-reads the actor
        return user

    # Authentication writes nothing: every request checks its token without queueing behind writers.
    return await db.read(check)


async def _session_user(request: Request, db: DatabaseSession, settings: Settings) -> User:
    """The web page's user, by its session cookie; an unsafe method must carry the session's CSRF token."""
    from ..app.errors import Unauthorized
    from ..app.websessions import SessionExpired
    from .web.session import require_csrf, resolve

    try:
        signed_in = await resolve(request, db, settings)
    except SessionExpired as exc:
        raise ApiError(401, "session_expired", exc.message + " (sign in at /signin)") from None
    except Unauthorized:
        raise ApiError(401, "unauthorized", "the session is unknown; sign in at /signin") from None
    await require_csrf(request, signed_in)
    return signed_in.user


CurrentUser = Annotated[User, Depends(current_user)]


def get_models(runtime: RuntimeDep) -> Models:
    """The linters; 503 `not_ready` while the model is still loading at start-up."""
    if runtime.models is None:
        if runtime.load_error:
            raise ApiError(503, "model_unavailable", runtime.load_error)
        raise ApiError(503, "not_ready", "the language model is still loading; retry shortly (GET /readyz)",
                       headers={"Retry-After": "2"})
    return runtime.models


ModelsDep = Annotated[Models, Depends(get_models)]
