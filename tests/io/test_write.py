"""write_atomic: whole files or nothing, permissions kept, no clobbering, safe under concurrent writers."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from noteassist.errors import ExportError
from noteassist.io import write_atomic
from noteassist.io import write as write_module


def test_writes_bytes_and_text_and_returns_the_path(tmp_path: Path) -> None:
    out = tmp_path / "note.docx"
    assert write_atomic(out, b"PK\x03\x04 binary", overwrite=False) == out
    assert out.read_bytes() == b"PK\x03\x04 binary"
    text = tmp_path / "note.md"
    write_atomic(str(text), "Caf\u00e9 note\n", overwrite=False)
    assert text.read_bytes() == "Caf\u00e9 note\n".encode()


def test_refuses_an_existing_file_unless_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "note.md"
    out.write_text("original")
    with pytest.raises(ExportError) as info:
        write_atomic(out, "new", overwrite=False)
    assert str(info.value) == f"{out}: already exists; use --force to overwrite"
    assert out.read_text() == "original"
    write_atomic(out, "new", overwrite=True)
    assert out.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["note.md"]  # no temporary file left behind


def test_a_file_that_appears_during_a_no_overwrite_write_is_not_replaced(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "note.md"
    real_link = os.link

    def racing_link(src, dst, *args, **kwargs):
        Path(dst).write_text("written by someone else meanwhile")
        return real_link(src, dst, *args, **kwargs)

    monkeypatch.setattr(write_module.os, "link", racing_link)
    with pytest.raises(ExportError, match="already exists"):
        write_atomic(out, "mine", overwrite=False)
    assert out.read_text() == "written by someone else meanwhile"
    assert [p.name for p in tmp_path.iterdir()] == ["note.md"]


def test_keeps_the_mode_of_an_existing_file(tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    out.write_bytes(b"old")
    out.chmod(0o640)
    write_atomic(out, b"new", overwrite=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.read_bytes() == b"new"


def test_a_new_file_gets_0666_less_the_umask_and_the_umask_is_unchanged(tmp_path: Path) -> None:
    previous = os.umask(0o027)  # the test may set it; write_atomic must only read it
    try:
        write_atomic(tmp_path / "a.md", "x", overwrite=False)
        assert stat.S_IMODE((tmp_path / "a.md").stat().st_mode) == 0o640
        assert os.umask(0o027) == 0o027
    finally:
        os.umask(previous)


def test_umask_probe_without_proc(tmp_path: Path, monkeypatch) -> None:
    previous = os.umask(0o077)
    try:
        assert write_module._probed_umask(tmp_path) == 0o066
        assert list(tmp_path.iterdir()) == []  # the probe file is gone
    finally:
        os.umask(previous)


def test_two_threads_writing_one_target_both_succeed_with_one_whole_content(tmp_path: Path) -> None:
    out = tmp_path / "shared.docx"
    contents = [bytes([65 + n]) * 2_000_000 for n in range(2)]  # big enough for the writes to overlap
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(data: bytes) -> None:
        start.wait()
        try:
            for _ in range(5):
                write_atomic(out, data, overwrite=True)
        except BaseException as exc:  # noqa: BLE001 - the test reports any failure of either thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(data,)) for data in contents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert out.read_bytes() in contents
    assert [p.name for p in tmp_path.iterdir()] == ["shared.docx"]


def test_unwritable_targets_are_one_line_export_errors(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as info:
        write_atomic(tmp_path / "missing" / "x.md", "x", overwrite=True)
    assert str(info.value) == f"{tmp_path / 'missing' / 'x.md'}: cannot write: directory {tmp_path / 'missing'} " \
                              "does not exist"
    with pytest.raises(ExportError, match="is a directory"):
        write_atomic(tmp_path, "x", overwrite=True)
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(ExportError):
        write_atomic(blocker / "x.md", "x", overwrite=True)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(ExportError) as info:
            write_atomic(locked / "x.md", "x", overwrite=True)
        assert str(info.value).startswith(f"{locked / 'x.md'}: cannot write: ")
        assert "\n" not in str(info.value)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "note.md"
    out.write_text("original")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write_module.os, "fsync", full_disk)
    with pytest.raises(ExportError) as info:
        write_atomic(out, "new", overwrite=True)
    assert str(info.value) == f"{out}: cannot write: No space left on device"
    assert out.read_text() == "original"
    assert [p.name for p in tmp_path.iterdir()] == ["note.md"]
