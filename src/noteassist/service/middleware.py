"""ASGI middleware: the request guard (time limit, access log, last-resort 500) and the body limit.

Both are plain ASGI callables rather than BaseHTTPMiddleware: they see the raw byte stream (so a body is
refused before it is read whole) and they never buffer a response.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import anyio
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import deadline as work_deadline
from ..deadline import DeadlineExceeded
from .errors import error_body, internal_error, route_path

access_log = logging.getLogger("noteassist.access")


class RequestGuard:
    """Give each request `timeout` seconds, log one access line, and answer a bug with a JSON 500.

    The access line is method, route template, status and milliseconds: never the concrete path (it may hold
    ids worth nothing, but a query string can hold a name), the query, a header or a body. At the time limit
    the request's task is cancelled; work it handed to a thread is abandoned, so the connection, the event
    loop and the other requests are free at once, and the thread stops at its next deadline check (lint and
    render check the request's deadline, deadline.py) rather than running on.
    """

    def __init__(self, app: ASGIApp, timeout: float):
        self.app = app
        self.timeout = timeout

    def _timeout(self) -> JSONResponse:
        return JSONResponse(error_body("timeout", f"the request took longer than {self.timeout:g} s "
                                       "(request_timeout_seconds)"), status_code=504)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state: dict[str, Any] = {"status": None}

        async def tracked_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
            await send(message)

        try:
            # The work's own deadline (deadline.py) is the same moment: the lint or render a worker thread is
            # left doing stops there too, instead of running on after the 504.
            with anyio.move_on_after(self.timeout) as limit, work_deadline.until(time.monotonic() + self.timeout):
                await self.app(scope, receive, tracked_send)
            if limit.cancelled_caught and state["status"] is None:
                await self._timeout()(scope, receive, tracked_send)
        except DeadlineExceeded:  # the work noticed the deadline a moment before the event loop did
            if state["status"] is None:
                await self._timeout()(scope, receive, tracked_send)
        except Exception as exc:
            if state["status"] is None:
                await internal_error(exc, scope["method"], scope)(scope, receive, tracked_send)
        finally:
            access_log.info("%s %s %s %.1fms", scope["method"], route_path(scope), state["status"] or "-",
                            (time.perf_counter() - started) * 1000)


class BodyLimit:
    """Refuse a request body over `max_bytes` with 413: at once when Content-Length says so, else as soon as
    the streamed body passes the limit (a chunked upload), before the application has it all."""

    def __init__(self, app: ASGIApp, max_bytes: int, uploads: dict[str, tuple[int, str]] | None = None):
        self.app = app
        self.max_bytes = max_bytes
        #: path -> (its own limit, the setting's name): an upload of notes is bigger than any other request.
        self.uploads = uploads or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes, setting = self.uploads.get(scope.get("path", ""), (self.max_bytes, "max_body_bytes"))

        def too_large() -> JSONResponse:
            return JSONResponse(error_body("payload_too_large", f"the request body is over {max_bytes} bytes "
                                           f"({setting})"), status_code=413)
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0:
                await JSONResponse(error_body("bad_request", "Content-Length is not a number"),
                                   status_code=400)(scope, receive, send)
                return
            if length > max_bytes:
                await too_large()(scope, receive, send)
                return
        state = {"received": 0, "over": False, "responded": False}

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > max_bytes:
                    state["over"] = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if state["over"]:  # whatever the application made of the cut body, the answer is 413
                return
            if message["type"] == "http.response.start":
                state["responded"] = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _BodyTooLarge:
            pass
        if state["over"] and not state["responded"]:
            await too_large()(scope, receive, send)


class _BodyTooLarge(Exception):
    """Raised from `receive` to stop reading a body past the limit."""
