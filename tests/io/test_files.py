"""The bounded file reader: regular files only, a size limit before reading, no symlink out of a folder."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from noteassist.errors import FactsError, NoteInputError
from noteassist.io import files
from noteassist.io.files import contained_path, read_bytes, read_text


def _one_line(exc: pytest.ExceptionInfo) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_reads_a_regular_file_and_drops_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes("\ufeffCalled the adjuster.".encode())
    assert read_text(path, expected="a note") == "Called the adjuster."


def test_a_directory_is_named_with_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(NoteInputError) as exc:
        read_text(tmp_path, expected="a .txt, .md or .docx note")
    assert _one_line(exc) == f"{tmp_path}: is a directory, expected a .txt, .md or .docx note (a regular file)"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(NoteInputError) as exc:
        read_text(fifo, expected="a note")
    assert _one_line(exc) == f"{fifo}: is a named pipe (FIFO), expected a note (a regular file)"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_devices_are_refused_before_reading(device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device}")
    with pytest.raises(NoteInputError) as exc:
        read_text(device, expected="a note")
    assert _one_line(exc) == f"{device}: is a device, expected a note (a regular file)"


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 101)
    with pytest.raises(FactsError) as exc:
        read_bytes(path, expected="a CSV export", error=FactsError, limit=100)
    assert _one_line(exc) == f"{path}: 101 bytes is over the 100-byte limit for a CSV export"
    assert read_bytes(path, expected="a CSV export", limit=101) == b"x" * 101


def test_default_limit_is_generous_for_notes_and_exports() -> None:
    assert files.MAX_FILE_BYTES == 16 * 1024 * 1024
    assert files.MAX_DATA_BYTES <= files.MAX_FILE_BYTES


def test_stdin_is_read_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"y" * 50)))
    with pytest.raises(NoteInputError) as exc:
        read_bytes("-", expected="a note", limit=10)
    assert _one_line(exc) == "<stdin>: more than 10 bytes, over the limit for a note"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"short")))
    assert read_bytes("-", expected="a note", limit=10) == b"short"


def test_binary_and_other_encodings_are_one_line_each(tmp_path: Path) -> None:
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"%PDF\x00\x01")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\u00e9".encode("latin-1"))
    with pytest.raises(NoteInputError, match="binary file, expected a note$"):
        read_text(binary, expected="a note")
    with pytest.raises(NoteInputError, match=r"not UTF-8 text \(invalid byte at offset 3\)"):
        read_text(latin, expected="a note")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(NoteInputError, match=r"nope\.md: no such file$"):
        read_text(tmp_path / "nope.md", expected="a note")


def test_a_symlink_out_of_the_folder_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("root:$6$hash:19000:0:99999:7:::\n")
    folder = tmp_path / "claim"
    folder.mkdir()
    link = folder / "contact.yaml"
    link.symlink_to(secret)
    with pytest.raises(NoteInputError) as exc:
        read_text(link, expected="a facts file", root=folder)
    message = _one_line(exc)
    assert message.startswith(f"{link}: links outside {folder}")
    assert "root:" not in message and "$6$" not in message


def test_a_symlink_inside_the_folder_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real.md").write_text("Seen by Dr. Lee.")
    (tmp_path / "alias.md").symlink_to(tmp_path / "real.md")
    assert read_text(tmp_path / "alias.md", expected="a note", root=tmp_path) == "Seen by Dr. Lee."


def test_dot_dot_cannot_leave_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "claim"
    folder.mkdir()
    (tmp_path / "outside.md").write_text("x")
    with pytest.raises(NoteInputError, match="links outside"):
        contained_path(folder / ".." / "outside.md", folder, expected="a note")


def test_a_symlinked_folder_is_its_own_root(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "claim.yaml").write_text("a: 1\n")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    assert read_text(link / "claim.yaml", expected="claim.yaml", root=link) == "a: 1\n"
