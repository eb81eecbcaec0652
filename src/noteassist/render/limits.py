"""What one render of a (user's) template may cost: loop iterations, calls, value sizes, output, CPU time.

Jinja's sandbox stops a template from reaching Python's internals, but not from spending the machine:
`{{ 10**(10**9) }}`, `{{ "x" * 10**9 }}`, two nested `range(100000)` loops, a list that doubles itself in a
loop, or a macro that calls itself twice per level each run until the process is killed. Every render gets
a `Budget` (a context variable: the environment is shared by threads and compiled once), and the
environment's hooks (environment.py: binary operators, calls, filters, `~`, loop iterables, printed
values, included templates, the streamed output) check it *before* the work is done:

- a value a template builds (a string, a list, a dict) is at most `MAX_VALUE` characters or items, an
  integer at most `MAX_INT_BITS` bits, a format width at most `MAX_WIDTH`;
- a render iterates at most `MAX_ITERATIONS` times in all (every `{% for %}` item, nested or not, and every
  item a filter such as `map` or `join` walks) and makes at most `MAX_CALLS` calls (macros, methods);
- it produces at most `MAX_PRODUCED` characters in all, counting what is built and thrown away, and its
  note is at most `MAX_OUTPUT` characters;
- it uses at most `MAX_CPU_SECONDS` of its thread's CPU time, the backstop for work the counts do not
  see (a membership test on a long list in every iteration). The hooks check the clock as they run; a
  single long filter call (`urlize` of a megabyte) is stopped by a watchdog thread that raises the same
  error in the rendering thread once its CPU time is `WATCHDOG_GRACE` seconds past the limit.

Each limit is one `TemplateError`; the renderer adds the template's name and line. The hooks that read the
clock also check the deadline of the work in progress (deadline.py: a service request's time limit) and
raise DeadlineExceeded past it, which the renderer lets through.
"""

from __future__ import annotations

import ctypes
import math
import re
import string
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from .. import deadline as request_deadline
from ..errors import TemplateError

MAX_ITERATIONS = 100_000
MAX_CALLS = 100_000
MAX_VALUE = 1_000_000
MAX_INT_BITS = 4_096
MAX_WIDTH = 1_000
MAX_PRODUCED = 10_000_000
MAX_OUTPUT = 1_000_000
MAX_CPU_SECONDS = 1.0
WATCHDOG_GRACE = 0.25


class LimitError(TemplateError):
    """A template went over one of the render limits."""


_CPU_MESSAGE = f"the render used more than {MAX_CPU_SECONDS:g} s of CPU time (a loop doing too much work?)"


class CPUTimeExceeded(LimitError):
    """Over the CPU limit; raised by the hooks, or by the watchdog in the rendering thread (hence no
    arguments: an exception raised in another thread is given as its class)."""

    def __init__(self, message: str = _CPU_MESSAGE) -> None:
        super().__init__(message)


@dataclass
class Budget:
    """What is left of one render's allowance."""

    iterations: int = MAX_ITERATIONS
    calls: int = MAX_CALLS
    produced: int = MAX_PRODUCED
    deadline: float = field(default_factory=lambda: time.thread_time() + MAX_CPU_SECONDS)
    thread: int = field(default_factory=threading.get_ident)
    #: How many times the watchdog raised CPUTimeExceeded in the thread (see `_Watchdog.release`).
    fired: int = 0

    def clock(self) -> None:
        if time.thread_time() > self.deadline:
            raise CPUTimeExceeded
        request_deadline.check()  # the request's time limit, when it comes before the CPU limit


class _Watchdog:
    """One daemon thread for the process: while renders run, it reads each rendering thread's CPU clock
    and raises CPUTimeExceeded in a thread past its deadline plus the grace (CPython delivers it at the
    thread's next bytecode, so a long pure-Python filter stops; a single C call still runs to its end,
    which the size limits keep short). It raises again, up to MAX_FIRES times, while the render goes
    on, in case a broad `except` swallowed it."""

    INTERVAL = 0.05
    #: Raised at most this many times per render, each a grace period later than the one before.
    MAX_FIRES = 3

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._active: dict[int, tuple[Budget, int]] = {}
        self._thread: threading.Thread | None = None

    @staticmethod
    def available() -> bool:
        return hasattr(time, "pthread_getcpuclockid") and hasattr(ctypes, "pythonapi")

    def watch(self, current: Budget) -> None:
        with self._lock:
            self._active[id(current)] = (current, time.pthread_getcpuclockid(current.thread))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="noteassist-render-watchdog", daemon=True)
                self._thread.start()
            self._wake.notify()

    def release(self, current: Budget) -> None:
        with self._lock:
            self._active.pop(id(current), None)
        if current.fired:
            # An exception the watchdog raised may still be pending: CPython delivers it at the next check
            # of the thread's eval breaker, which a backward jump makes. Deliver it here, inside the
            # render, rather than in whatever the thread does next. (Clearing it with
            # PyThreadState_SetAsyncExc(id, NULL) instead leaves the interpreter's eval breaker set.)
            for _ in range(1000):
                pass

    def _run(self) -> None:
        with self._lock:
            while True:
                if not self._active:
                    self._wake.wait()
                    continue
                for current, clock_id in list(self._active.values()):
                    try:
                        used = time.clock_gettime(clock_id)
                    except OSError:  # the thread is gone
                        self._active.pop(id(current), None)
                        continue
                    if used > current.deadline + WATCHDOG_GRACE * (1 + current.fired):
                        current.fired += 1
                        _set_async_exc(current.thread, CPUTimeExceeded)
                        if current.fired >= self.MAX_FIRES:  # never raise into whatever the thread does next
                            self._active.pop(id(current), None)
                self._wake.wait(self.INTERVAL)


def _set_async_exc(thread: int, exc: type[BaseException]) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exc))


_WATCHDOG = _Watchdog()
_BUDGET: ContextVar[Budget | None] = ContextVar("noteassist_render_budget", default=None)


@contextmanager
def budget() -> Iterator[Budget]:
    """A fresh allowance for the render inside the block."""
    current = Budget()
    watched = _Watchdog.available()
    if watched:
        _WATCHDOG.watch(current)
    token = _BUDGET.set(current)
    try:
        yield current
    finally:
        try:
            _BUDGET.reset(token)
        finally:  # even when the watchdog's exception arrives just now
            if watched:
                _WATCHDOG.release(current)


def iteration(count: int = 1) -> None:
    current = _BUDGET.get()
    if current is None:  # compile-time constant folding, or a render outside `budget()`: sizes only
        return
    current.iterations -= count
    if current.iterations < 0:
        raise LimitError(f"more than {MAX_ITERATIONS:,} loop iterations in one render (a loop inside a loop?)")
    current.clock()


def call() -> None:
    current = _BUDGET.get()
    if current is None:
        return
    current.calls -= 1
    if current.calls < 0:
        raise LimitError(f"more than {MAX_CALLS:,} calls in one render (a macro calling itself?)")
    current.clock()


@contextmanager
def excused() -> Iterator[None]:
    """The CPU time of the block is given back to the render: work it did not ask for, such as compiling
    a template it includes. While the block runs there is no deadline, so that neither the hooks nor the
    watchdog stop it for the time it takes (compiling a big macro file took 0.3-1 s on a loaded machine,
    longer than the limit with the render's own time added); afterwards the deadline is the one before
    it, moved on by the block's CPU time."""
    current = _BUDGET.get()
    if current is None:
        yield
        return
    started = time.thread_time()
    before = current.deadline
    current.deadline = math.inf
    try:
        yield
    finally:
        current.deadline = before + max(0.0, time.thread_time() - started)


def tick() -> None:
    """A filter ran: only the CPU clock is checked (filters are bounded by the sizes of their inputs)."""
    current = _BUDGET.get()
    if current is not None:
        current.clock()


def charge(characters: int) -> None:
    """Count characters the render produced (printed, built, or a loop body's text written again)."""
    current = _BUDGET.get()
    if current is None or characters <= 0:
        return
    current.produced -= characters
    if current.produced < 0:
        raise LimitError(f"the render produced more than {MAX_PRODUCED:,} characters")


# ---------------------------------------------------------------- sizes

def weight(value: Any, cap: int = MAX_VALUE) -> int:
    """Characters and items in `value`, counted until `cap` is passed (a list holding itself stops too)."""
    if isinstance(value, str):  # nearly every value a note prints
        return len(value)
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, Mapping):
            total += len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += len(item)
            stack.extend(item)
        else:
            total += 1
        if total > cap:
            return total
    return total


def _too_big(what: str, size: int) -> LimitError:
    return LimitError(f"{what} of more than {MAX_VALUE:,} characters or items (about {size:,})")


def check_size(size: int, what: str = "a value") -> None:
    if size > MAX_VALUE:
        raise _too_big(what, size)


def check_weight(value: Any, what: str = "a value") -> int:
    size = weight(value)
    check_size(size, what)
    return size


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _sized(value: Any) -> int:
    try:
        return len(value)
    except TypeError:
        return 0


def checked(value: Any, what: str = "a value") -> Any:
    """A result a template gets back (from an operator, a call or a filter): refused when too big,
    otherwise charged to the render."""
    if isinstance(value, (str, list, tuple, dict, set, frozenset)):
        check_size(len(value), what)
        charge(len(value))
    elif _int(value) and value.bit_length() > MAX_INT_BITS:
        raise LimitError(f"a number of more than {MAX_INT_BITS:,} bits")
    return value


# ---------------------------------------------------------------- operators

_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


def check_printf(template: str, args: Any) -> None:
    """`"%5d" % x`, `"%s" | format(x)`: widths and precisions bounded before Python pads to them."""
    for match in _PRINTF.finditer(template):
        for number in match.groups():
            if number == "*":
                raise LimitError("a '*' width in a % format")
            if number is not None and int(number) > MAX_WIDTH:
                raise LimitError(f"a format width of {int(number):,} (at most {MAX_WIDTH:,})")
    check_size(len(template) + weight(args), "a formatted string")


def check_format(template: str, args: Iterable[Any], kwargs: Mapping[str, Any]) -> None:
    """`"{:>9}".format(x)`: the same bounds for str.format."""
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return  # str.format raises the same ValueError itself
    for _, _, spec, _ in fields:
        if not spec:
            continue
        if "{" in spec:
            raise LimitError("a nested {} inside a format spec")
        for number in re.findall(r"\d+", spec):
            if int(number) > MAX_WIDTH:
                raise LimitError(f"a format width of {int(number):,} (at most {MAX_WIDTH:,})")
    check_size(len(template) + weight(list(args)) + weight(dict(kwargs)), "a formatted string")


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse `**`, `*`, `+` and `%` whose result would be too big, before Python computes it."""
    if operator == "**":
        # At least (bits - 1) * exponent bits: refused before Python starts; the result is checked too.
        if _int(left) and _int(right) and right > 0 and abs(left) > 1 \
                and (abs(left).bit_length() - 1) * min(right, MAX_INT_BITS + 1) > MAX_INT_BITS:
            raise LimitError(f"a power of more than {MAX_INT_BITS:,} bits")
    elif operator == "*":
        if _int(left) and _int(right):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS + 1:
                raise LimitError(f"a product of more than {MAX_INT_BITS:,} bits")
        elif _int(left) or _int(right):
            times, sequence = (left, right) if _int(left) else (right, left)
            if isinstance(sequence, (str, bytes, list, tuple)) and times > 0:
                per_copy = weight(sequence)
                if per_copy * times > MAX_VALUE:
                    raise _too_big("a repeated string or list", per_copy * times)
    elif operator == "+":
        if not (_int(left) or _int(right)) and isinstance(left, (str, bytes, list, tuple)):
            check_size(weight(left) + weight(right), "a joined string or list")
    elif operator == "%" and isinstance(left, str):
        check_printf(left, right)


# ---------------------------------------------------------------- calls

def _width_result(self: str, args: tuple, kwargs: dict) -> int:
    width = args[0] if args else kwargs.get("width", 0)
    return max(len(self), width if _int(width) else 0)


def _replace_result(self: str, old: Any, new: Any, count: Any = -1) -> int:
    if not isinstance(old, str) or not isinstance(new, str):
        return len(self)
    found = len(self) + 1 if old == "" else self.count(old)
    if _int(count) and count >= 0:
        found = min(found, count)
    return len(self) + found * max(len(new) - len(old), 0)


def _join_result(separator: str, items: Any) -> int:
    return weight(items) + len(separator) * _sized(items)


def _method_result(owner: Any, name: str, args: tuple, kwargs: dict) -> int | None:
    """How big the result of a string method, or the container after a mutating method, would be."""
    if isinstance(owner, str):
        if name in ("ljust", "rjust", "center", "zfill"):
            return _width_result(owner, args, kwargs)
        if name == "expandtabs":
            size = args[0] if args else kwargs.get("tabsize", 8)
            return len(owner) + owner.count("\t") * (size if _int(size) else 8)
        if name == "replace" and len(args) >= 2:
            return _replace_result(owner, *args[:3])
        if name == "join" and args:
            return _join_result(owner, args[0])
        if name == "translate" and args and isinstance(args[0], Mapping):
            longest = max((len(v) for v in args[0].values() if isinstance(v, str)), default=1)
            return len(owner) * max(longest, 1)
        return None
    if isinstance(owner, (list, dict, set)):
        if name in ("append", "insert", "add", "setdefault"):
            return len(owner) + 1
        if name in ("extend", "update") and args:
            return len(owner) + _sized(args[0])
    return None


def check_call(function: Any, args: tuple, kwargs: dict) -> None:
    owner = getattr(function, "__self__", None)
    name = getattr(function, "__name__", "")
    if owner is None or not name:
        return
    size = _method_result(owner, name, args, kwargs)
    if size is not None:
        check_size(size, f"{'a string' if isinstance(owner, str) else 'a ' + type(owner).__name__} from .{name}()")


# ---------------------------------------------------------------- filters

#: Filters that walk their input item by item: each item counts as an iteration.
ITERATING_FILTERS = frozenset({"map", "select", "reject", "selectattr", "rejectattr", "join", "list", "sum",
                               "unique", "sort", "groupby", "batch", "slice", "min", "max", "join_and"})


def _filter_result(name: str, value: Any, args: tuple, kwargs: dict) -> int | None:
    """The size of a filter's result, for the filters whose arguments can make it large."""
    if name == "center":
        return _width_result(str(value), args, kwargs)
    if name == "indent":
        width = args[0] if args else kwargs.get("width", 4)
        per_line = len(width) if isinstance(width, str) else width if _int(width) else 4
        return len(str(value)) + (str(value).count("\n") + 1) * per_line
    if name == "wordwrap":
        wrap = args[2] if len(args) > 2 else kwargs.get("wrapstring")
        return len(str(value)) * (1 + len(wrap if isinstance(wrap, str) else "\n"))
    if name == "replace" and len(args) >= 2:
        return _replace_result(str(value), *args[:3])
    if name == "join":
        separator = args[0] if args else kwargs.get("d", "")
        return _join_result(str(separator), value)
    if name in ("batch", "slice"):
        count = args[0] if args else kwargs.get("linecount" if name == "batch" else "slices", 1)
        return count if _int(count) else None
    if name == "format":
        check_printf(str(value), kwargs or args)
    if name == "tojson":
        indent = args[0] if args else kwargs.get("indent")
        return weight(value) * (1 + (indent if _int(indent) else 0))
    if name == "sum":
        start = args[1] if len(args) > 1 else kwargs.get("start", 0)
        if not isinstance(start, (int, float)):
            raise LimitError("sum adds numbers; join lists with a loop instead")
    return None


class Counted:
    """An iterable whose every item counts against the render's iterations; `per_item` characters (the
    text of a loop's body, written out again each time) are charged with each."""

    __slots__ = ("_items", "_per_item")

    def __init__(self, items: Iterable[Any], per_item: int = 0) -> None:
        self._items = iter(items)
        self._per_item = per_item

    def __iter__(self) -> Counted:
        return self

    def __next__(self) -> Any:
        item = next(self._items)
        iteration()
        charge(self._per_item)
        return item


def counted(items: Any, per_item: int = 0) -> Any:
    """`items` to loop over, counted (an undefined value is handed on so its own error is raised)."""
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        return items
    if isinstance(items, Mapping):  # {% for key in mapping %}: iterating it gives its keys
        items = list(items.keys())
    try:
        return Counted(items, per_item)
    except TypeError:
        return items
