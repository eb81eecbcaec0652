"""What one worker process holds: its settings, the database engine, and the linters (the spaCy model).

Nothing else lives in the process: every draft, note, token and audit event is in the database, so any
number of workers on any number of hosts behind a load balancer serve the same data (issue 11, item 10).
The model loads once per process in a background thread at start-up: `/healthz` answers at once, `/readyz`
and the lint endpoints wait for `ready`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import anyio.to_thread

from ..errors import NoteassistError
from ..settings import Settings

if TYPE_CHECKING:
    from ..lint import Linter

log = logging.getLogger("noteassist.service")

T = TypeVar("T")

#: Threads database calls may use at once, per worker process (they mostly wait on the disk or the server).
WORK_THREADS = 16
#: Lint, render and document jobs running at once per worker process. They are CPU work under one GIL:
#: more threads do not finish sooner, they only share the core, so twenty notes at once all finish late
#: together and some much later (the GIL favours no one). Two at a time in arrival order keeps the wait
#: fair and predictable, and a hostile note past its deadline can hold at most one of the two.
COMPUTE_THREADS = 2


class Overloaded(Exception):
    """More CPU jobs are waiting than `Settings.max_queued_work` allows: the request is refused at once (503)
    rather than queued behind them, as LanguageTool's server does past its work-queue size."""


@dataclass
class Models:
    """The linters of this process, built once: notes with the configured rules, reports with the report's
    configuration (completeness judged on the data, app/report.py `report_config`). Both share one model."""

    notes: Linter
    reports: Linter


@dataclass
class Runtime:
    settings: Settings
    engine: Any = None
    sessions: Callable[[], Any] | None = None
    #: Sessions for transactions that write nothing (authentication).
    readers: Callable[[], Any] | None = None
    models: Models | None = None
    load_error: str | None = None
    ready: threading.Event = field(default_factory=threading.Event)
    limiter: anyio.CapacityLimiter | None = None
    compute_limiter: anyio.CapacityLimiter | None = None

    def load_models(self) -> None:
        """Build the linters (loads the spaCy model); run in a thread at start-up."""
        from ..app.report import report_config
        from ..lint import Linter

        try:
            notes = Linter(self.settings.lint, model=self.settings.model)
            reports = Linter(report_config(self.settings.lint), model=self.settings.model)
            self.models = Models(notes, reports)
            log.info("model loaded: %s", notes.pipeline.nlp.meta.get("name", "?"))
        except Exception as exc:
            self.load_error = (exc.message if isinstance(exc, NoteassistError)
                               else f"the spaCy model could not be loaded ({type(exc).__name__})")
            log.error("%s", self.load_error)
        finally:
            self.ready.set()

    def start_loading(self) -> threading.Thread:
        thread = threading.Thread(target=self.load_models, name="noteassist-model", daemon=True)
        thread.start()
        return thread

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """`func(*args)` in a worker thread, so the event loop (and every other request) goes on meanwhile.

        Abandoned when the request's time limit cancels it (middleware.RequestGuard): the thread finishes
        on its own and its result is dropped. The Linter is shared between threads by design (lint/engine.py).
        """
        if self.limiter is None:
            self.limiter = anyio.CapacityLimiter(WORK_THREADS)
        return await anyio.to_thread.run_sync(func, *args, abandon_on_cancel=True, limiter=self.limiter)

    async def compute(self, func: Callable[..., T], *args: Any) -> T:
        """CPU work (lint, render, a document) in a worker thread, queued in arrival order behind at most
        COMPUTE_THREADS others of this process; abandoned on the time limit as `run` is."""
        if self.compute_limiter is None:
            self.compute_limiter = anyio.CapacityLimiter(COMPUTE_THREADS)
        limit = self.settings.max_queued_work
        if limit and self.compute_limiter.statistics().tasks_waiting >= limit:
            raise Overloaded
        return await anyio.to_thread.run_sync(func, *args, abandon_on_cancel=True, limiter=self.compute_limiter)
