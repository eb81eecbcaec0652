"""Write a user's output file safely: all of it or none of it, never over a file unless asked.

`write_atomic` is the one place noteassist writes a document, a note or a fixed copy. The data goes
to a temporary file with a unique name in the target's own directory (so the final rename never
crosses a file system), is flushed to disk, gets the permission bits the user expects, and is then
renamed over the target in one step. A reader sees the old file or the new one, never half of
either; two writers of the same target (threads of a service, two batch jobs) each finish, and the
file holds one of the two complete contents. The process umask is read, never changed: changing
it (the usual `os.umask` round trip) races with every other thread creating files.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from ..errors import ExportError

__all__ = ["write_atomic"]

_PROC_UMASK = re.compile(r"^Umask:\s*([0-7]+)\s*$", re.M)


def write_atomic(path: str | Path, data: bytes | str, *, overwrite: bool) -> Path:
    """Write `data` (str as UTF-8) to `path` atomically and return the path.

    An existing file keeps its permission bits; a new one gets what `open()` would give it (0o666 less
    the umask). Raises ExportError, one line naming `path`, when the file exists and `overwrite` is
    false, when `path` is a directory or its directory is missing, and on any OSError while writing.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if target.is_dir():
        raise ExportError(f"{target}: is a directory, not a file")
    directory = target.parent
    if not directory.is_dir():
        raise ExportError(f"{target}: cannot write: directory {directory} does not exist")
    if not overwrite and os.path.lexists(target):
        raise ExportError(_exists_message(target))
    try:
        mode = _mode_for(target)
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise ExportError(_failure_message(target, exc)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fchmod(stream.fileno(), mode)
            os.fsync(stream.fileno())
        _move_into_place(temp_name, target, overwrite)
    except ExportError:
        _unlink_quietly(temp_name)
        raise
    except OSError as exc:
        _unlink_quietly(temp_name)
        raise ExportError(_failure_message(target, exc)) from None
    except BaseException:
        _unlink_quietly(temp_name)
        raise
    _sync_directory(directory)
    return target


def _move_into_place(temp_name: str, target: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(temp_name, target)
        return
    # Without overwrite, a hard link is the atomic "create only if absent": between the check above and
    # now another process may have written the target, and a rename would silently replace its file.
    try:
        os.link(temp_name, target)
    except FileExistsError:
        raise ExportError(_exists_message(target)) from None
    except OSError:
        # File systems without hard links (some network and FAT mounts): check, then rename.
        if os.path.lexists(target):
            raise ExportError(_exists_message(target)) from None
        os.replace(temp_name, target)
        return
    os.unlink(temp_name)


def _mode_for(target: Path) -> int:
    """An existing file's permission bits, else those a plain `open()` would create the file with."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_current_umask(target.parent)


def _current_umask(directory: Path) -> int:
    """The process umask, read without changing it: /proc on Linux, else from a probe file's mode."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            match = _PROC_UMASK.search(status.read())
        if match:
            return int(match.group(1), 8)
    except OSError:
        pass
    return _probed_umask(directory)


def _probed_umask(directory: Path) -> int:
    """Create a file asking for 0o666 and see which bits the umask took away."""
    for _ in range(100):
        probe = directory / f".noteassist-umask-{os.getpid()}-{os.urandom(6).hex()}"
        try:
            handle = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            continue
        try:
            return 0o666 & ~os.fstat(handle).st_mode
        finally:
            os.close(handle)
            _unlink_quietly(str(probe))
    raise FileExistsError(f"no free probe file name in {directory}")


def _sync_directory(directory: Path) -> None:
    """Flush the rename itself to disk, where the platform allows opening a directory."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _exists_message(target: Path) -> str:
    return f"{target}: already exists; use --force to overwrite"


def _failure_message(target: Path, exc: OSError) -> str:
    return f"{target}: cannot write: {exc.strerror or exc}"


def _unlink_quietly(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass
