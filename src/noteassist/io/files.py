"""The one bounded way noteassist reads a user's file.

Every input (a note, an export, visit facts, claim.yaml, a template, a label file) comes through
`read_bytes`/`read_text`, which refuse what would hang, exhaust memory or leak another file before a
byte is read:

- only regular files: a FIFO would block forever, `/dev/zero` never ends, a directory is a mistake;
- a size limit checked on the open file (fstat) and enforced while reading, so a file that grows or
  lies about its size still stops at the limit (stdin, which has no size, is read up to the limit);
- with `root`, the file must resolve inside that folder: a symlink in a claim folder or a template
  directory that points at `/etc/shadow` is refused instead of echoed back in error messages.

Each refusal is one line naming the file and what was expected, raised as the caller's
`NoteassistError` subclass.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from ..errors import NoteassistError, NoteInputError

#: Largest note or export file read (bytes). A 1,000,000-character note is at most about 4 MiB of UTF-8,
#: and a CSV export of a few thousand notes fits comfortably; anything bigger is refused before reading.
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Largest YAML/JSON data file (visit facts, claim.yaml, label files, templates): these are hand-written.
MAX_DATA_BYTES = 4 * 1024 * 1024

STDIN = "-"
_CHUNK = 1 << 20
# O_NONBLOCK keeps open() from blocking on a FIFO with no writer; the fstat check then refuses it.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def display_name(source: str | Path) -> str:
    return "<stdin>" if str(source) == STDIN else str(source)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def contained_path(path: str | Path, root: str | Path, *, expected: str,
                   error: type[NoteassistError] = NoteInputError) -> Path:
    """`path` resolved, after checking it stays inside `root` (symlinks followed, `..` removed).

    Raises `error` naming the file when it resolves outside `root`, e.g. a symlink in a claim folder
    pointing at a file elsewhere on the machine.
    """
    base = Path(root).resolve()
    try:
        real = Path(path).resolve(strict=False)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop on older Pythons
        raise error(f"{path}: cannot resolve the path (symlink loop?), expected {expected}") from None
    if real != base and base not in real.parents:
        raise error(f"{path}: links outside {root}; expected {expected} inside the folder, not a link to "
                    "a file elsewhere")
    return real


def read_bytes(source: str | Path, *, expected: str, error: type[NoteassistError] = NoteInputError,
               limit: int = MAX_FILE_BYTES, root: str | Path | None = None) -> bytes:
    """The bytes of a regular file (or stdin for `-`), at most `limit` of them.

    `expected` says what the file should have been ("a .txt, .md or .docx note") for the error line.
    With `root`, the file must lie inside that folder once symlinks are resolved.
    """
    name = display_name(source)
    if name == "<stdin>":
        return _read_limited(sys.stdin.buffer, name, limit, expected, error)
    handle, _ = _open_regular(source, name, expected=expected, error=error, limit=limit, root=root)
    with handle:
        return _read_limited(handle, name, limit, expected, error)


class TextLines:
    """The lines of a UTF-8 text file, read as they are iterated: an export of any size in bounded memory.

    The same checks as `read_text` (a regular file, inside `root`, no NUL byte in its first 8 KiB, UTF-8; a
    BOM is dropped), made as the bytes arrive; a problem found mid-file raises `error` naming the file and
    the byte offset, after the lines before it were given. `limit` bounds the whole file (None: no bound);
    one line is at most MAX_FILE_BYTES whatever the limit. `universal` splits as text files do (on \n, \r\n
    and a lone \r, ends kept: what the csv module needs); otherwise only on \n (JSONL, whose strings may hold
    U+2028 or a form feed). `size` is the file's size when it was opened.
    """

    def __init__(self, source: str | Path, *, expected: str, error: type[NoteassistError] = NoteInputError,
                 limit: int | None = MAX_FILE_BYTES, root: str | Path | None = None, universal: bool = True):
        self.name = display_name(source)
        self.expected, self.error, self.limit, self.universal = expected, error, limit, universal
        if self.name == "<stdin>":
            self._handle, self.size = sys.stdin.buffer, None
        else:
            raw, self.size = _open_regular(source, self.name, expected=expected, error=error, limit=limit,
                                           root=root)
            self._handle = io.BufferedReader(raw, 1 << 16)

    def __iter__(self) -> Iterator[str]:
        name, error, expected = self.name, self.error, self.expected
        read = 0
        first = True
        try:
            while True:
                try:
                    raw = self._handle.readline(MAX_FILE_BYTES + 1)
                except OSError as exc:
                    raise error(f"{name}: cannot read: {exc.strerror or exc}") from None
                if not raw:
                    return
                if len(raw) > MAX_FILE_BYTES and not raw.endswith(b"\n"):
                    raise error(f"{name}: a line of more than {MAX_FILE_BYTES:,} bytes at byte {read:,}; "
                                f"expected {expected} with one row per line")
                if read < 8192 and b"\x00" in raw[:8192 - read]:
                    raise error(f"{name}: binary file, expected {expected}")
                if self.limit is not None and read + len(raw) > self.limit:
                    raise error(f"{name}: more than {self.limit:,} bytes, over the limit for {expected}")
                try:
                    # A multi-byte UTF-8 character never holds the byte \n, so each line decodes alone.
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise error(f"{name}: not UTF-8 text (invalid byte at offset {read + exc.start}); "
                                "save it as UTF-8") from None
                read += len(raw)
                if first:
                    text, first = text.removeprefix("\ufeff"), False
                if self.universal and "\r" in text:
                    yield from io.StringIO(text, newline="")  # a lone \r ends a line too
                else:
                    yield text
        finally:
            if self._handle is not sys.stdin.buffer:
                self._handle.close()

    def close(self) -> None:
        if self._handle is not sys.stdin.buffer:
            self._handle.close()


def _open_regular(source: str | Path, name: str, *, expected: str, error: type[NoteassistError],
                  limit: int | None, root: str | Path | None):
    """(unbuffered binary handle, size) of a regular file within `limit` bytes, checked on the open file."""
    path = Path(source)
    if root is not None:
        path = contained_path(path, root, expected=expected, error=error)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise error(f"{name}: no such file") from None
    except IsADirectoryError:
        raise error(f"{name}: is a directory, expected {expected}") from None
    except OSError as exc:
        if exc.errno is not None and os.path.isdir(path):
            raise error(f"{name}: is a directory, expected {expected}") from None
        raise error(f"{name}: cannot read: {exc.strerror or exc}") from None
    try:
        # The checks are on the opened descriptor, so the file cannot be swapped between check and read.
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{name}: is {_kind(info.st_mode)}, expected {expected} (a regular file)")
        if limit is not None and info.st_size > limit:
            raise error(f"{name}: {info.st_size:,} bytes is over the {limit:,}-byte limit for {expected}")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb", buffering=0)
    except BaseException:
        os.close(fd)
        raise
    return handle, info.st_size


def _read_limited(handle, name: str, limit: int, expected: str, error: type[NoteassistError]) -> bytes:
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            chunk = handle.read(min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise error(f"{name}: more than {limit:,} bytes, over the limit for {expected}")
    except OSError as exc:
        raise error(f"{name}: cannot read: {exc.strerror or exc}") from None
    return b"".join(chunks)


def decode_text(raw: bytes, name: str, *, expected: str, error: type[NoteassistError] = NoteInputError) -> str:
    """UTF-8 text (a BOM is dropped), refusing binary data and other encodings in one line each."""
    if b"\x00" in raw[:8192]:
        raise error(f"{name}: binary file, expected {expected}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{name}: not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8") from None


def read_text(source: str | Path, *, expected: str, error: type[NoteassistError] = NoteInputError,
              limit: int = MAX_FILE_BYTES, root: str | Path | None = None) -> str:
    """A UTF-8 text file (or `-` for stdin) through `read_bytes`, decoded by `decode_text`."""
    raw = read_bytes(source, expected=expected, error=error, limit=limit, root=root)
    return decode_text(raw, display_name(source), expected=expected, error=error)
