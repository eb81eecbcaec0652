"""The time limit of the work in progress: a request's deadline, seen by the loops that can run long.

The service gives each request `request_timeout_seconds` and answers 504 when they are up, but work handed
to a thread cannot be stopped from outside: without help, a hostile note's lint would run to its end after
the 504, holding a core and a place in the compute queue. So the deadline travels with the work in a
context variable (set by the service's RequestGuard; anyio copies the request's context into the worker
thread), and the long loops check it cooperatively: the linter before each pipeline component and each
rule, for every note; the template renderer at every loop iteration, call and filter (render/limits.py).
Past the deadline they raise DeadlineExceeded, which the linter and the renderer let through, so the
thread is free again within one step. Outside a request (the CLI, batch jobs) there is no deadline, and a
check costs one context-variable read.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

__all__ = ["DeadlineExceeded", "check", "current", "on_time", "until"]

T = TypeVar("T")

#: time.monotonic() by which the work must be done; None: no limit.
_DEADLINE: ContextVar[float | None] = ContextVar("noteassist_deadline", default=None)


class DeadlineExceeded(Exception):
    """The work's deadline passed. Not a NoteassistError: no handler may turn it into a finding or a 422; it
    reaches the request (already answered 504) or the caller that set the deadline."""

    def __init__(self, message: str = "the time limit for this work passed") -> None:
        super().__init__(message)


def current() -> float | None:
    return _DEADLINE.get()


def check() -> None:
    """Raise DeadlineExceeded when the deadline of the work in progress has passed."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise DeadlineExceeded


@contextmanager
def until(deadline: float | None) -> Iterator[None]:
    """Work inside the block must end by `deadline` (a time.monotonic() value; None: no limit). An earlier
    deadline already in force stays in force."""
    outer = _DEADLINE.get()
    if deadline is not None and outer is not None:
        deadline = min(deadline, outer)
    token = _DEADLINE.set(deadline if deadline is not None else outer)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def on_time(items: Iterable[T]) -> Iterator[T]:
    """`items`, checking the deadline before each is handed on (between the stages of a pipeline)."""
    for item in items:
        check()
        yield item
