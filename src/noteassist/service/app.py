"""The FastAPI application: `create_app(settings)` builds one, with nothing in it but its settings.

At start-up (the lifespan) it opens the database, upgrades a new or older schema (storage.ensure_schema)
and starts loading the spaCy model in a thread; `/healthz` answers from the first moment, `/readyz` once
the model is in. Middleware, outermost first: CORS (browser clients, the LanguageTool endpoint), the
request guard (time limit, access log, last-resort 500), the body limit.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .. import __version__
from ..settings import Settings
from . import errors
from .middleware import BodyLimit, RequestGuard
from .runtime import Runtime
from .schemas import ErrorResponse

log = logging.getLogger("noteassist.service")

DESCRIPTION = """Draft, lint and export case-management notes; keep drafts, signed notes, addenda and an audit
trail. Every `/v1` endpoint takes `Authorization: Bearer <token>` (make one with `noteassist tokens create`), or
the web page's session cookie, with the page's CSRF token in `X-CSRF-Token` (or `?csrf=`) on POST, PUT and DELETE.
Errors are `{"error": {"code", "message", "field"}}` with a stable `code`."""

#: Error answers every authenticated endpoint may give, for the OpenAPI document.
COMMON_ERRORS = {status: {"model": ErrorResponse, "description": text} for status, text in (
    (400, "Malformed request (a body that cannot be read)"),
    (401, "No valid API token or web session (`session_expired`: signed out when idle)"),
    (403, "Outside the caller's role, or `csrf`: a cookie request without the page's CSRF token"),
    (404, "No such item, or not the caller's"),
    (413, "Body over max_body_bytes"), (422, "Invalid request; `field` names the path"),
    (503, "The model is still loading"), (504, "Over request_timeout_seconds"))}


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new application for `settings` (default: from the environment). Each call is independent: two apps
    on one database see each other's writes, as two worker processes do."""
    settings = settings or Settings()
    runtime = Runtime(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from ..storage import (
            default_database_url,
            ensure_schema,
            make_engine,
            session_factory,
        )

        runtime.start_loading()
        url = settings.database_url or default_database_url()
        runtime.engine = await anyio.to_thread.run_sync(make_engine, url)
        await anyio.to_thread.run_sync(ensure_schema, runtime.engine)
        runtime.sessions = session_factory(runtime.engine)
        runtime.readers = session_factory(runtime.engine, read_only=True)
        try:
            yield
        finally:
            runtime.engine.dispose()

    app = FastAPI(title="noteassist", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.runtime = runtime
    errors.install(app)

    from .routes import (
        accounts,
        audit,
        caseload,
        dismissals,
        documents,
        health,
        notes,
        qa_jobs,
        rules,
        text,
    )

    app.include_router(health.router)
    for module in (text, rules, documents, caseload, dismissals, notes, accounts, audit, qa_jobs):
        app.include_router(module.router, prefix="/v1", responses=COMMON_ERRORS)
    if importlib.util.find_spec("noteassist.service.languagetool") is not None:
        from .languagetool import router as lt_router

        app.include_router(lt_router)
    from .web import install as install_web

    install_web(app)  # the web page: its routes, /static, HTML errors on page paths (after the API's handlers)

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes,
                       uploads={"/v1/qa-jobs": (settings.qa_upload_max_bytes, "qa_upload_max_bytes")})
    app.add_middleware(RequestGuard, timeout=settings.request_timeout_seconds)
    if settings.allowed_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.allowed_origins),
                           allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
                           allow_headers=["Authorization", "Content-Type"], max_age=600)
    return app
