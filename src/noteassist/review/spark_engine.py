"""`qa --engine spark`: the QA run's batches linted on Spark (a cluster, or `local[*]`) instead of a process pool.

The driver is run.py's, unchanged: it reads the inputs in bounded batches, writes the rows in input order
through outputs.py and commits each batch to the manifest, so findings.jsonl, notes.csv and summary.json are
the pool's, byte for byte, and `--resume` works the same (a run started on Spark may even be resumed locally).
Only where the two batch.py functions run changes: here each *wave* of batches (twice the cluster's
parallelism, so the records held on the driver stay bounded) is two Spark jobs, one partition per batch:

1. `fingerprint_batch` over the wave; the driver adds the fingerprints to its index in batch order and gives
   each batch the fingerprints of earlier batches on its claims (`prior`), as the pool driver does;
2. `lint_batch(records, config, prior)` over the wave's batches not already written; `collect()` returns the
   partitions in order, so the rows are written in note order whichever executor finished first.

The workers import noteassist (see README "QA past one machine"). The spaCy model loads once per Python worker
process: batch.py's `_linter` keeps it in a module global, and Spark reuses its Python workers between tasks
(spark.python.worker.reuse, on by default), so later partitions on that worker find it loaded.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from ..errors import NoteassistError
from .batch import BatchConfig, QARecord, fingerprint_batch, lint_batch

if TYPE_CHECKING:
    from .run import QAOptions, _Batch

MASTER_ENV = "NOTEASSIST_SPARK_MASTER"
DEFAULT_MASTER = "local[*]"
#: Batches per wave, per unit of the cluster's parallelism: enough to keep every core busy while the driver
#: takes the previous results, few enough that the driver holds a bounded number of records.
WAVE_PER_CORE = 2


def resolve_master(master: str | None) -> str | None:
    """--spark-master, else $NOTEASSIST_SPARK_MASTER, else spark-submit's --master (None: leave it to Spark's
    configuration), else local[*]."""
    if master:
        return master
    if os.environ.get(MASTER_ENV):
        return os.environ[MASTER_ENV]
    if os.environ.get("PYSPARK_GATEWAY_PORT"):  # started by spark-submit: its --master is in the JVM's conf
        return None
    return DEFAULT_MASTER


def require_spark() -> None:
    """One line (exit 2) when pyspark or Java is missing, before any output is written."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise NoteassistError("--engine spark: pyspark is not installed; pip install 'noteassist[spark]' "
                              "(or 'pyspark==3.5.3'), or use --engine local") from None
    if os.environ.get("PYSPARK_GATEWAY_PORT"):  # spark-submit started the JVM already
        return
    java_home = os.environ.get("JAVA_HOME")
    if java_home and os.access(os.path.join(java_home, "bin", "java"), os.X_OK):
        return
    if java_home:
        raise NoteassistError(f"--engine spark: JAVA_HOME={java_home} has no bin/java; point it at a Java 17 "
                              "runtime, or use --engine local")
    if shutil.which("java") is None:
        raise NoteassistError("--engine spark: Spark needs Java (17) and no `java` is on PATH; install it (Debian: "
                              "apt-get install openjdk-17-jre-headless, or `make system-deps`) or set JAVA_HOME, "
                              "or use --engine local")


class SparkEngine:
    """A started SparkContext and the drive function run.py iterates; stops the context it started."""

    def __init__(self, master: str | None, app_name: str = "noteassist qa"):
        require_spark()
        from pyspark import SparkConf, SparkContext

        # A context already running (a notebook, a test, spark-submit's driver after a first run) is used as it
        # is, and left running.
        active = SparkContext._active_spark_context
        self._owned = active is None
        if active is not None:
            self.context = active
            return
        conf = SparkConf().setAppName(app_name).set("spark.ui.showConsoleProgress", "false")
        master = resolve_master(master)
        if master is not None:
            conf.setMaster(master)
        if master is not None and master.startswith("local") and not os.environ.get("PYSPARK_PYTHON"):
            os.environ["PYSPARK_PYTHON"] = sys.executable  # local workers run this venv's Python, not PATH's
        # SparkContext installs a SIGINT handler that cancels its jobs; it calls into the JVM, so once the
        # context is stopped a Ctrl-C would raise AttributeError instead of KeyboardInterrupt. close() puts the
        # handler that was there before back.
        self._sigint = signal.getsignal(signal.SIGINT)
        try:
            self.context = SparkContext(conf=conf)
        except Exception as exc:  # noqa: BLE001 - Spark's own errors span several lines and types
            raise NoteassistError(f"--engine spark: Spark did not start (master {master or 'from spark-submit'}): "
                                  f"{_last_line(exc)}") from None
        # A failed task is reported in one line (`_run`); Spark's own multi-page log of it would bury that line.
        self.context.setLogLevel("FATAL")
        atexit.register(self.close)

    def close(self) -> None:
        if self._owned and self.context is not None:
            self.context.stop()
            self.context = None
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, self._sigint)

    def __call__(self, options: QAOptions, batches: Iterator[tuple[int, list[QARecord]]], start: int,
                 warn: Callable[[str], None]) -> Iterator[tuple[_Batch, list[dict]]]:
        """(batch, rows) for every batch from `start` on, in order; batches before `start` are fingerprinted
        only (run.py's `_drive` contract)."""
        from ..lint.engine import COPY_FORWARD_WINDOW
        from ..lint.fingerprints import CompactIndex
        from .run import _Batch

        config = options.config
        wave_size = max(1, WAVE_PER_CORE * self.context.defaultParallelism)
        index = CompactIndex(per_claim=COPY_FORWARD_WINDOW)
        try:
            while wave := [_Batch(number, records, done=number < start)
                           for number, records in _take(batches, wave_size)]:
                fps = self._run(partial(_fingerprint_partition, config), [b.records for b in wave])
                for batch, found in zip(wave, fps, strict=True):
                    batch.fps = found
                    claims = dict.fromkeys(fp.claim for fp in found)
                    batch.prior = [fp for claim in claims for fp in index.on_claim(claim)]
                    for fp in found:
                        index.add(fp)
                todo = [b for b in wave if not b.done]
                if not todo:
                    continue
                rows = self._run(partial(_lint_partition, config), [(b.records, b.prior) for b in todo])
                for batch, batch_rows in zip(todo, rows, strict=True):
                    yield batch, batch_rows
        finally:
            self.close()

    def _run(self, fn: Callable, items: Sequence[Any]) -> list:
        """`fn` over one partition per item; the results in item order."""
        try:
            return self.context.parallelize(list(items), len(items)).mapPartitions(fn).collect()
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # noqa: BLE001 - a failed task reaches the driver as a Py4JJavaError
            raise NoteassistError(f"--engine spark: a Spark task failed: {_last_line(exc)}") from None


def _take(batches: Iterator[tuple[int, list[QARecord]]], size: int) -> list[tuple[int, list[QARecord]]]:
    taken = []
    for item in batches:
        taken.append(item)
        if len(taken) >= size:
            break
    return taken


# -- what the executors run (module functions: pickled by reference, so the workers import noteassist) ----------

def _fingerprint_partition(config: BatchConfig, items: Iterator[list[QARecord]]) -> Iterator[list]:
    for records in items:
        yield fingerprint_batch(records, config)


def _lint_partition(config: BatchConfig, items: Iterator[tuple[list[QARecord], list]]) -> Iterator[list[dict]]:
    for records, prior in items:
        yield lint_batch(records, config, prior)


def _last_line(exc: BaseException) -> str:
    """The line that says what went wrong: a Python worker's exception is the last non-blank line of the Java
    error's text that is not part of a stack trace."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    python = [line for line in lines if not line.startswith(("at ", "File ", "...")) and ": " in line
              and "Traceback" not in line and not line.startswith(("org.apache", "py4j", "Caused by"))]
    line = python[-1] if python else lines[0] if lines else type(exc).__name__
    return line.removeprefix("noteassist.errors.NoteassistError: ")[:300]  # our own message, said as it is
