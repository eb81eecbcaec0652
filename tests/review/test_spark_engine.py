"""qa --engine spark (issue 13 item 8): on a real local[2] Spark, the same outputs as the process pool, resume
after an interruption with no note counted twice, the model loaded once per Python worker, and one-line errors
when pyspark or Java is missing or a task fails.

Skipped only when there is no Java (`make system-deps` installs openjdk-17-jre-headless); pyspark is a test
dependency, so its absence is a failure here, not a skip."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sys
from pathlib import Path

import pytest

from noteassist.errors import NoteassistError
from noteassist.review.batch import BatchConfig
from noteassist.review.outputs import read_notes_csv, read_summary
from noteassist.review.run import STOP_AFTER_ENV, QAOptions, run_qa

from test_qa import BODY, _rows, write_csv


def _java() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(home and os.access(os.path.join(home, "bin", "java"), os.X_OK)) or shutil.which("java") is not None


pytestmark = pytest.mark.skipif(not _java(), reason="no Java: run `make system-deps` (openjdk-17-jre-headless)")

#: summary.json fields that legitimately differ between two runs of the same input: when it was written.
VOLATILE_SUMMARY_FIELDS = ("generated",)


@pytest.fixture(scope="module")
def spark():
    """One local[2] Spark for the module (a JVM start is the slow part); SparkEngine uses an active context as it
    is and leaves it running. py4j talks to the JVM over 127.0.0.1, so loopback (only) is let through the suite's
    network guard (tests/conftest.py) meanwhile, as tests/browser/live.py's `loopback_allowed` does."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark import SparkConf, SparkContext

    guarded = socket.socket.connect
    unguarded = socket.socket.__mro__[1].connect

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] in ("127.0.0.1", "::1", "localhost"):
            return unguarded(sock, address)
        return guarded(sock, address)

    socket.socket.connect = connect

    conf = (SparkConf().setMaster("local[2]").setAppName("noteassist-test")
            .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
            .set("spark.sql.shuffle.partitions", "2").set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1"))
    sigint = signal.getsignal(signal.SIGINT)  # SparkContext replaces it with one that needs the live JVM
    context = SparkContext(conf=conf)
    context.setLogLevel("FATAL")
    try:
        yield context
    finally:
        context.stop()
        signal.signal(signal.SIGINT, sigint)
        socket.socket.connect = guarded


def _inputs(tmp_path: Path) -> list[Path]:
    """A CSV export (copy-forward pairs on four claims, spread over several waves) and a JSONL export with an
    unreadable line, so that error rows go through the engine too."""
    export = write_csv(tmp_path / "export.csv", _rows(22))
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(json.dumps({"id": "j1", "author": "A. Lee", "claim number": "WC-2026-1000", "text": BODY})
                     + "\n{not json\n", encoding="utf-8")
    return [export, jsonl]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[list[Path], Path]:
    """The inputs, and what the process pool (--jobs 2) writes for them: what every Spark run must write."""
    where = tmp_path_factory.mktemp("reference")
    files = _inputs(where)
    run_qa(_options(files, where / "pool", jobs=2))
    return files, where / "pool"


def _options(files, out: Path, **kw) -> QAOptions:
    return QAOptions(files=[str(f) for f in files], out=out, progress=False, batch_size=3, **kw)


def _assert_same_outputs(a: Path, b: Path) -> None:
    for name in ("findings.jsonl", "notes.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    one, two = read_summary(a), read_summary(b)
    for field in VOLATILE_SUMMARY_FIELDS:
        one.pop(field), two.pop(field)
    assert one == two


def test_spark_writes_what_the_pool_writes(tmp_path, spark, reference):
    files, pool = reference
    on_spark = run_qa(_options(files, tmp_path / "spark", engine="spark"))
    _assert_same_outputs(pool, tmp_path / "spark")
    assert on_spark.exit_code == read_summary(pool)["exit_code"] == 2  # the unreadable JSONL line
    # 24 notes in batches of 3 over waves of 2 x 2 batches: copy-forward must have seen notes of earlier waves.
    findings = [json.loads(line) for line in (tmp_path / "spark" / "findings.jsonl").read_text().splitlines()]
    copied = [f["position"] for f in findings if f["category"] == "copy-forward"]
    assert any(position >= 12 for position in copied), copied
    assert read_summary(tmp_path / "spark")["totals"]["errors"] == 1


def test_resume_after_an_interruption_counts_each_note_once(tmp_path, spark, monkeypatch, reference):
    files, pool = reference
    monkeypatch.setenv(STOP_AFTER_ENV, "5")  # mid-way through the second wave
    with pytest.raises(KeyboardInterrupt):
        run_qa(_options(files, tmp_path / "cut", engine="spark"))
    assert [n["position"] for n in read_notes_csv(tmp_path / "cut")] == list(range(15))
    assert read_summary(tmp_path / "cut")["complete"] is False
    monkeypatch.delenv(STOP_AFTER_ENV)
    run_qa(_options(files, tmp_path / "cut", engine="spark", resume=True))
    positions = [n["position"] for n in read_notes_csv(tmp_path / "cut")]
    assert positions == list(range(24))
    _assert_same_outputs(pool, tmp_path / "cut")


def test_a_local_run_resumes_on_spark(tmp_path, spark, monkeypatch, reference):
    """The manifest does not name the engine: both write the same bytes, so either may finish the other's run."""
    files, pool = reference
    monkeypatch.setenv(STOP_AFTER_ENV, "2")
    with pytest.raises(KeyboardInterrupt):
        run_qa(_options(files, tmp_path / "cut", jobs=1))
    monkeypatch.delenv(STOP_AFTER_ENV)
    run_qa(_options(files, tmp_path / "cut", engine="spark", resume=True))
    assert [n["position"] for n in read_notes_csv(tmp_path / "cut")] == list(range(24))
    _assert_same_outputs(pool, tmp_path / "cut")


def test_cli_engine_spark(tmp_path, spark, reference):
    from click.testing import CliRunner

    from noteassist.cli import main

    files, pool = reference
    result = CliRunner().invoke(main, ["qa", *map(str, files), "-o", str(tmp_path / "cli"), "--batch-size", "3",
                                       "--no-progress", "--engine", "spark", "--spark-master", "local[2]"])
    assert result.exit_code == 2, result.output  # the unreadable line, as with the pool
    _assert_same_outputs(pool, tmp_path / "cli")


def test_the_model_loads_once_per_python_worker(spark):
    """Two jobs over several partitions: each worker process hands out the same Linter in both."""
    config = BatchConfig()

    def linters(_items):
        from noteassist.review.batch import _linter

        yield os.getpid(), id(_linter(config))

    seen: dict[int, set[int]] = {}
    for _ in range(2):
        for pid, linter in spark.parallelize(range(6), 6).mapPartitions(linters).collect():
            seen.setdefault(pid, set()).add(linter)
    assert seen and all(len(ids) == 1 for ids in seen.values()), seen
    assert sum(1 for _ in seen) <= 2 < 12  # reused workers (local[2]), not one process per partition


def test_a_failing_task_is_one_line(tmp_path, spark):
    export = write_csv(tmp_path / "export.csv", _rows(3))
    config = BatchConfig(model=str(tmp_path / "no-such-model"))
    with pytest.raises(NoteassistError) as caught:
        run_qa(_options([export], tmp_path / "out", engine="spark", config=config))
    message = caught.value.message
    assert message.startswith("--engine spark: a Spark task failed: ") and "\n" not in message
    assert "no-such-model" in message


def test_missing_pyspark_is_one_line_and_writes_nothing(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from noteassist.cli import main

    monkeypatch.setitem(sys.modules, "pyspark", None)  # `import pyspark` raises ImportError
    export = write_csv(tmp_path / "export.csv", _rows(2))
    result = CliRunner().invoke(main, ["qa", str(export), "-o", str(tmp_path / "out"), "--engine", "spark"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "pyspark is not installed" in lines[0] and "noteassist[spark]" in lines[0], lines
    assert not (tmp_path / "out").exists()


def test_missing_java_is_one_line(tmp_path, monkeypatch):
    from noteassist.review.spark_engine import require_spark

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(NoteassistError, match="no `java` is on PATH.*openjdk-17-jre-headless"):
        require_spark()
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(NoteassistError, match=f"JAVA_HOME={tmp_path} has no bin/java"):
        require_spark()


def test_master_comes_from_the_flag_the_environment_or_spark_submit(monkeypatch):
    from noteassist.review.spark_engine import DEFAULT_MASTER, MASTER_ENV, resolve_master

    monkeypatch.delenv(MASTER_ENV, raising=False)
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    assert resolve_master(None) == DEFAULT_MASTER == "local[*]"
    monkeypatch.setenv("PYSPARK_GATEWAY_PORT", "41000")  # under spark-submit: its --master stands
    assert resolve_master(None) is None
    monkeypatch.setenv(MASTER_ENV, "spark://head:7077")
    assert resolve_master(None) == "spark://head:7077"
    assert resolve_master("yarn") == "yarn"
