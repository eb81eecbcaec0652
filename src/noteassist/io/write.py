"""Write a user's output file safely: all of it or none of it, never over a file unless asked.

`write_atomic` is the one place noteassist writes a document, a note or a fixed copy, and
`write_backup` the one place it keeps a note's original before `lint --fix` changes it.

- The data goes to a temporary file in the target's own directory (so the final rename never crosses
  a file system), is flushed to disk (fsync), gets the permission bits and owner the user expects, and
  is then renamed over the target in one step. A reader sees the old file or the new one, never half
  of either; two writers of one target each finish, and the file holds one of the two contents.
- On Linux the temporary file has no name at all until it is complete (O_TMPFILE, then linked in):
  a crash, an exception or even `kill -9` while the data is written leaves nothing behind. Elsewhere
  it gets a unique name (`.NAME.<random>.tmp`, created exclusively, so a user's own `.NAME.tmp` is
  never touched) and is removed on every failure.
- An existing file keeps its mode and, where the process may set them, its owner, group and extended
  attributes (ACLs, security labels): a 0600 health record stays 0600. A new file gets what `open()` would give it (0o666 less the umask), less
  any group/other bit the file it was made from (`source`) lacks: a copy of a private note is private.
- A symlink stays a link: the file it points to is written (in its own directory). A link to nothing
  is refused rather than guessed at.
- A file with more than one hard link is written in place (a rename would give this name a new file
  and leave the other names holding the old text). That cannot be atomic, so it is made as safe as the
  file system allows: the file is locked, space for the new text is reserved before a byte changes (a
  full disk fails with the file untouched), Ctrl-C and SIGTERM wait until the write is done, the old
  text is put back if the write fails, and the file is fsynced. `lint --fix` takes its complete,
  fsynced backup before this.

The process umask is read, never changed: changing it (the usual `os.umask` round trip) races with
every other thread creating files.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import tempfile
import threading
from pathlib import Path

from ..errors import ExportError

try:  # POSIX only; without it a hard-linked file is written in place without a lock
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["write_atomic", "write_backup"]

_PROC_UMASK = re.compile(r"^Umask:\s*([0-7]+)\s*$", re.MULTILINE)
#: O_TMPFILE files are linked into place through /proc; without /proc, named temporary files are used.
_TMPFILE = getattr(os, "O_TMPFILE", 0) if os.path.isdir("/proc/self/fd") else 0
_HELD_SIGNALS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)}


def write_atomic(path: str | Path, data: bytes | str, *, overwrite: bool, source: str | Path | None = None) -> Path:
    """Write `data` (str as UTF-8) to `path` atomically (in place for a hard-linked file) and return the path.

    `source` is the file the output was made from (a note, visit facts): a new output gets no
    group/other permission bit that file lacks. Raises ExportError, one line naming `path`, when the
    file exists and `overwrite` is false, when `path` is a directory, a link to nothing or in a missing
    directory, and on any OSError while writing.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if target.is_dir():
        raise ExportError(f"{target}: is a directory, not a file")
    if not overwrite and os.path.lexists(target):
        raise ExportError(_exists_message(target))
    real = _link_target(target)
    _check_directory(target, real.parent)
    existing = _stat_or_none(real)
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        # A device or a pipe would be replaced by a plain file (`-o /dev/null` as root): never.
        raise ExportError(f"{target}: is not a regular file (a device, pipe or socket); write to a file")
    try:
        if existing is not None and existing.st_nlink > 1:
            _write_in_place(real, payload)
            return target
        if existing is not None:
            _commit(real, payload, mode=stat.S_IMODE(existing.st_mode), like=real, replace=overwrite)
        else:
            _commit(real, payload, mode=_new_file_mode(real.parent, source), like=None, replace=overwrite)
    except FileExistsError:
        raise ExportError(_exists_message(target)) from None
    except OSError as exc:
        raise ExportError(_failure_message(target, exc)) from None
    return target


def write_backup(original: str | Path, data: bytes) -> Path:
    """Keep `data` (the original's bytes) as ORIGINAL.bak, or .bak1, .bak2... and return that path.

    An earlier backup, or anything else already using a name, is never replaced. The backup has the
    original's mode and owner, and is complete and on disk (fsynced, then linked in under its name)
    before this returns, so the caller may then change the original: there is never a 0-byte or
    half-written `.bak`.
    """
    original = Path(original)
    try:
        like = original.stat()
    except OSError as exc:
        raise ExportError(_failure_message(original, exc)) from None
    _check_directory(original, original.parent)
    for number in range(10_000):
        candidate = original.with_name(f"{original.name}.bak{number or ''}")
        if os.path.lexists(candidate):
            continue
        try:
            _commit(candidate, bytes(data), mode=stat.S_IMODE(like.st_mode), like=original, replace=False)
        except FileExistsError:  # taken meanwhile: try the next number
            continue
        except OSError as exc:
            raise ExportError(_failure_message(candidate, exc)) from None
        return candidate
    raise ExportError(f"{original}: cannot keep a backup: {original.name}.bak to .bak9999 all exist")


def _link_target(target: Path) -> Path:
    """The file a symlink points to (links followed to the end), or `target` itself when it is no link."""
    if not os.path.islink(target):
        return target
    real = Path(os.path.realpath(target))
    if not real.exists():
        raise ExportError(f"{target}: is a link to {os.readlink(target)}, which does not exist (or loops); "
                          "write to the real file or remove the link")
    return real


def _check_directory(target: Path, directory: Path) -> None:
    if directory.is_dir():
        return
    if os.path.lexists(directory):
        raise ExportError(f"{target}: cannot write: {directory} is not a directory")
    raise ExportError(f"{target}: cannot write: directory {directory} does not exist")


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _new_file_mode(directory: Path, source: str | Path | None) -> int:
    """What a plain `open()` would create the file with, less group/other bits `source` does not have."""
    mode = 0o666 & ~_current_umask(directory)
    if source is not None and str(source) != "-":
        try:
            mode &= stat.S_IMODE(os.stat(source).st_mode) | 0o700
        except OSError:
            pass
    return mode


def _commit(real: Path, payload: bytes, *, mode: int, like: Path | None, replace: bool) -> None:
    """Write `payload` to a temporary file beside `real`, fsync it, and move it into place.

    The new file gets `mode`, and the owner, group and extended attributes (ACLs, security labels) of
    `like`, the file it replaces or backs up, as far as this process may set them.
    With `replace` false the move is an atomic create-if-absent (FileExistsError when `real` exists).
    Raises OSError; leaves no temporary file behind on any failure or exception.
    """
    directory = real.parent
    dir_fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        handle, temp_name = _open_temporary(directory, real.name)
        try:
            _fill(handle, payload, mode, like)
            with _signals_held():  # SIGTERM between link and rename would leave a named copy
                if temp_name is None:
                    temp_name = _link_unnamed(handle, dir_fd, real, replace)
                if temp_name is not None:
                    _move_into_place(temp_name, real, replace)
                    temp_name = None
        except BaseException:
            if temp_name is not None:
                _unlink_quietly(temp_name)
            raise
        finally:
            os.close(handle)
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)  # flush the rename itself to disk
    finally:
        os.close(dir_fd)


def _open_temporary(directory: Path, name: str) -> tuple[int, str | None]:
    """An open file for the new content: unnamed (O_TMPFILE) where supported, else a unique name."""
    if _TMPFILE:
        try:
            return os.open(directory, _TMPFILE | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o600), None
        except OSError as exc:
            # Not supported by this file system or kernel: fall back to a named file. Other errors
            # (permission denied, read-only file system) are the user's answer.
            if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
                raise
    handle, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    return handle, temp_name


def _fill(handle: int, payload: bytes, mode: int, like: Path | None) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(handle, view):]
    if like is not None:
        info = like.stat()
        _chown_quietly(handle, info.st_uid, info.st_gid)
        _copy_attributes(like, handle)
    os.fchmod(handle, mode)  # after chown, which may clear set-id bits
    os.fsync(handle)


def _link_unnamed(handle: int, dir_fd: int, real: Path, replace: bool) -> str | None:
    """Give the complete O_TMPFILE file a name: `real` itself when creating, else a unique temporary
    name to rename over `real` (returned). linkat with AT_SYMLINK_FOLLOW, hence the `dst_dir_fd`."""
    proc = f"/proc/self/fd/{handle}"
    # Absolute names: a relative `real` ("out/report.docx") would be read relative to `dir_fd`.
    if not replace:
        os.link(proc, os.path.abspath(real), dst_dir_fd=dir_fd)
        return None
    for _ in range(100):
        temp_name = os.path.abspath(real.with_name(f".{real.name}.{os.urandom(6).hex()}.tmp"))
        try:
            os.link(proc, temp_name, dst_dir_fd=dir_fd)
        except FileExistsError:
            continue
        return temp_name
    raise FileExistsError(errno.EEXIST, f"no free temporary name beside {real}")


def _move_into_place(temp_name: str, target: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(temp_name, target)
        return
    # Without overwrite, a hard link is the atomic "create only if absent": between the check and now
    # another process may have written the target, and a rename would silently replace its file.
    try:
        os.link(temp_name, target)
    except FileExistsError:
        raise
    except OSError:
        # File systems without hard links (some network and FAT mounts): check, then rename.
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        os.replace(temp_name, target)
        return
    os.unlink(temp_name)


def _write_in_place(real: Path, payload: bytes) -> None:
    """Overwrite a hard-linked file through its own inode (see the module docstring for the safeguards)."""
    handle = os.open(real, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    try:
        with _signals_held():
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_EX)
            old = _read_all(handle)
            _reserve(handle, len(payload))
            try:
                _overwrite(handle, payload)
            except OSError:
                with contextlib.suppress(OSError):
                    _overwrite(handle, old)
                raise
    finally:
        os.close(handle)


def _read_all(handle: int) -> bytes:
    chunks, offset = [], 0
    while chunk := os.pread(handle, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _reserve(handle: int, size: int) -> None:
    """Allocate `size` bytes now, so a full disk is reported before the file is changed."""
    if not hasattr(os, "posix_fallocate") or size == 0:
        return
    try:
        os.posix_fallocate(handle, 0, size)
    except OSError as exc:
        if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
            raise


def _overwrite(handle: int, payload: bytes) -> None:
    offset = 0
    while offset < len(payload):
        offset += os.pwrite(handle, payload[offset:], offset)
    os.ftruncate(handle, len(payload))
    os.fsync(handle)


@contextlib.contextmanager
def _signals_held():
    """Hold Ctrl-C, SIGTERM and SIGHUP until the block is done, then deliver them as the program
    would have, so a kill cannot land between two steps that must both happen.

    Only the main thread can set signal handlers, and only it receives KeyboardInterrupt; a write in
    another thread (a service's worker) is not interrupted by Python and runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {}
    for number in _HELD_SIGNALS:
        handler = signal.getsignal(number)
        if handler is None:  # set outside Python: leave it alone
            continue
        previous[number] = handler
        signal.signal(number, lambda received, _frame: caught.append(received))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in caught:
            signal.raise_signal(number)


def _chown_quietly(handle: int, uid: int, gid: int) -> None:
    """Give the new file the old one's owner and group; a user may only keep a group they are in."""
    info = os.fstat(handle)
    if (info.st_uid, info.st_gid) == (uid, gid) or not hasattr(os, "fchown"):
        return
    try:
        os.fchown(handle, uid, gid)
    except OSError:
        with contextlib.suppress(OSError):
            os.fchown(handle, -1, gid)


def _copy_attributes(source: Path, handle: int) -> None:
    """The extended attributes of `source`: a POSIX ACL granting a colleague access, an SELinux label.
    Those this process may not set are left out, which can only narrow who may read the file."""
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(source)
    except OSError:
        return
    for name in names:
        with contextlib.suppress(OSError):
            os.setxattr(handle, name, os.getxattr(source, name))


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


def _exists_message(target: Path) -> str:
    return f"{target}: already exists; use --force to overwrite"


def _failure_message(target: Path, exc: OSError) -> str:
    return f"{target}: cannot write: {exc.strerror or exc}"


def _unlink_quietly(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass
