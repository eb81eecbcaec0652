"""A user's files are never harmed or exposed (issue 10, item 8), tried with every writing verb.

Outputs that exist, read-only folders, symlinks, hard links, 0600 records, BOM and CRLF notes, a user's
own `.NAME.tmp`, crashes and kills mid-write, and outputs that are one of the inputs. The suite runs
as root in CI, so a read-only folder is /proc/self (which refuses new files even to root) where
directory permission bits would be ignored.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from noteassist.cli import main
from noteassist.errors import ExportError
from noteassist.io import write as write_module
from noteassist.io.write import write_atomic, write_backup

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "examples" / "soap-telephonic-follow-up.yaml"
CLAIM = ROOT / "examples" / "claims" / "WC-2231-0457"
NOTE = "Medications: tramadol 50 mg QD per Dr. Lee.\nThe SSN 123-45-6789 was given.\n"
FIXED = "Medications: tramadol 50 mg daily per Dr. Lee.\nThe SSN XXX-XX-6789 was given.\n"
BOM = b"\xef\xbb\xbf"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
READ_ONLY_DIR = Path("/proc/self")  # no new file here, not even for root
needs_read_only_dir = pytest.mark.skipif(not READ_ONLY_DIR.is_dir(), reason="needs Linux /proc")
needs_unnamed_temporaries = pytest.mark.skipif(not write_module._TMPFILE, reason="no O_TMPFILE here")


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def lint_fix(*args: str):
    return cli("lint", *args, "--select", "NA501,NA901")


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def private_note(tmp_path: Path) -> Path:
    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    note.chmod(0o600)
    return note


# --- write_atomic and write_backup ------------------------------------------------------------------


def test_a_symlink_stays_a_link_and_its_real_file_is_written(tmp_path: Path) -> None:
    real_dir = tmp_path / "records"
    real_dir.mkdir()
    real = real_dir / "note.md"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_atomic(link, "new", overwrite=True)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new" and mode_of(real) == 0o600
    assert names(tmp_path) == ["link.md", "records"] and names(real_dir) == ["note.md"]


def test_a_link_to_nothing_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "gone" / "note.md")
    with pytest.raises(ExportError) as info:
        write_atomic(link, "new", overwrite=True)
    assert str(info.value).startswith(f"{link}: is a link to ") and "\n" not in str(info.value)
    with pytest.raises(ExportError, match="already exists"):
        write_atomic(link, "new", overwrite=False)  # never written through a link without --force
    assert names(tmp_path) == ["link.md"]


def test_a_hard_linked_file_is_written_in_place_and_keeps_its_links(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("old text")
    note.chmod(0o600)
    other = tmp_path / "copy-in-claim-folder.md"
    os.link(note, other)
    inode = note.stat().st_ino
    write_atomic(note, "new", overwrite=True)
    assert note.stat().st_ino == inode and note.stat().st_nlink == 2
    assert other.read_text() == "new" and mode_of(other) == 0o600  # shorter text: the old tail is gone
    write_atomic(other, "a much longer text than before\n" * 100, overwrite=True)
    assert note.read_text() == "a much longer text than before\n" * 100
    assert names(tmp_path) == ["copy-in-claim-folder.md", "note.md"]


def test_a_failed_in_place_write_puts_the_old_text_back(tmp_path: Path, monkeypatch) -> None:
    note = tmp_path / "note.md"
    note.write_text("the original note")
    os.link(note, tmp_path / "other.md")
    real_pwrite, calls = os.pwrite, []

    def failing_pwrite(fd, data, offset):
        calls.append(bytes(data))
        if len(calls) == 1:  # half the new text goes in, then the disk fails
            real_pwrite(fd, bytes(data)[: len(data) // 2], offset)
            raise OSError(5, "Input/output error")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(write_module.os, "pwrite", failing_pwrite)
    with pytest.raises(ExportError) as info:
        write_atomic(note, "NEW NEW NEW NEW NEW NEW", overwrite=True)
    assert str(info.value) == f"{note}: cannot write: Input/output error"
    assert note.read_text() == "the original note" == (tmp_path / "other.md").read_text()


def test_a_full_disk_is_found_before_a_hard_linked_file_changes(tmp_path: Path, monkeypatch) -> None:
    note = tmp_path / "note.md"
    note.write_text("short")
    os.link(note, tmp_path / "other.md")

    def full(fd, offset, length):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write_module.os, "posix_fallocate", full, raising=False)
    with pytest.raises(ExportError, match="No space left on device"):
        write_atomic(note, "much longer than before", overwrite=True)
    assert note.read_text() == "short"


def test_mode_and_owner_are_kept_when_a_file_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "record.docx"
    out.write_bytes(b"old")
    out.chmod(0o600)
    if IS_ROOT:  # only root can keep another user's ownership; others keep their own
        os.chown(out, 4321, 4321)
    before = out.stat()
    write_atomic(out, b"new", overwrite=True)
    after = out.stat()
    assert mode_of(out) == 0o600 and (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert after.st_ino != before.st_ino  # replaced by rename, as a single-link file should be


def test_extended_attributes_are_kept_when_a_file_is_replaced_or_backed_up(tmp_path: Path) -> None:
    out = tmp_path / "note.md"
    out.write_text("old")
    try:
        os.setxattr(out, "user.claim", b"WC-2231-0457")
    except (AttributeError, OSError):
        pytest.skip("no user extended attributes on this file system")
    backup = write_backup(out, out.read_bytes())
    write_atomic(out, "new", overwrite=True)
    assert os.getxattr(out, "user.claim") == b"WC-2231-0457" == os.getxattr(backup, "user.claim")


def test_a_new_file_made_from_a_private_file_is_private(tmp_path: Path) -> None:
    source = tmp_path / "visit.yaml"
    source.write_text("x")
    source.chmod(0o600)
    previous = os.umask(0o022)
    try:
        write_atomic(tmp_path / "note.md", "x", overwrite=False, source=source)
        write_atomic(tmp_path / "other.md", "x", overwrite=False)
    finally:
        os.umask(previous)
    assert mode_of(tmp_path / "note.md") == 0o600
    assert mode_of(tmp_path / "other.md") == 0o644


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "named-temporary"])
def test_a_users_dot_tmp_file_is_never_touched(tmp_path: Path, monkeypatch, unnamed: bool) -> None:
    if unnamed and not write_module._TMPFILE:
        pytest.skip("no O_TMPFILE here")
    if not unnamed:
        monkeypatch.setattr(write_module, "_TMPFILE", 0)
    mine = tmp_path / ".note.md.tmp"
    mine.write_text("the user's own scratch file")
    (tmp_path / "note.md").write_text("old")
    write_atomic(tmp_path / "note.md", "new", overwrite=True)
    write_atomic(tmp_path / "new.md", "new", overwrite=False)
    assert mine.read_text() == "the user's own scratch file"
    assert names(tmp_path) == [".note.md.tmp", "new.md", "note.md"]


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "named-temporary"])
@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "ctrl-c"])
@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_crash_mid_write_leaves_the_old_file_and_no_copy(tmp_path: Path, monkeypatch, unnamed, failure,
                                                           step) -> None:
    if unnamed and not write_module._TMPFILE:
        pytest.skip("no O_TMPFILE here")
    if not unnamed:
        monkeypatch.setattr(write_module, "_TMPFILE", 0)
    out = tmp_path / "note.md"
    out.write_text("original")

    def crash(*args, **kwargs):
        raise failure

    monkeypatch.setattr(write_module.os, step, crash)
    with pytest.raises(ExportError if isinstance(failure, OSError) else KeyboardInterrupt):
        write_atomic(out, "the full new note with a health record", overwrite=True)
    assert out.read_text() == "original"
    assert names(tmp_path) == ["note.md"]


@needs_unnamed_temporaries
def test_while_the_data_is_written_no_named_copy_exists(tmp_path: Path, monkeypatch) -> None:
    """What a `kill -9` would leave: the directory as it is while the data is being flushed."""
    out = tmp_path / "note.md"
    out.write_text("original")
    seen, real_fsync = [], os.fsync

    def watching_fsync(fd):
        if stat.S_ISREG(os.fstat(fd).st_mode):
            seen.append(names(tmp_path))
        return real_fsync(fd)

    monkeypatch.setattr(write_module.os, "fsync", watching_fsync)
    write_atomic(out, "new", overwrite=True)
    write_atomic(tmp_path / "fresh.md", "new", overwrite=False)
    assert seen == [["note.md"], ["note.md"]]


@pytest.mark.parametrize("links", [1, 2], ids=["replaced-by-rename", "hard-linked-in-place"])
def test_ctrl_c_while_a_file_is_moved_or_overwritten_waits_for_the_write(tmp_path: Path, monkeypatch, links) -> None:
    out = tmp_path / "note.md"
    out.write_text("original")
    if links == 2:
        os.link(out, tmp_path / "other.md")
    step = "replace" if links == 1 else "pwrite"
    real_step = getattr(os, step)

    def pressed_ctrl_c_now(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the signal is delivered to this process meanwhile, and held
        return real_step(*args, **kwargs)

    monkeypatch.setattr(write_module.os, step, pressed_ctrl_c_now)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(out, "the whole new note", overwrite=True)
    assert out.read_text() == "the whole new note"  # done first, then the interrupt
    assert names(tmp_path) == (["note.md"] if links == 1 else ["note.md", "other.md"])


def test_the_backup_is_complete_private_and_never_replaces_another(private_note: Path) -> None:
    folder = private_note.parent
    (folder / "note.txt.bak").symlink_to(folder / "elsewhere")  # a name in use, even by a dangling link
    backup = write_backup(private_note, private_note.read_bytes())
    assert backup == folder / "note.txt.bak1"
    assert backup.read_text() == NOTE and mode_of(backup) == 0o600
    assert write_backup(private_note, b"second") == folder / "note.txt.bak2"
    assert backup.read_text() == NOTE


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "named-temporary"])
def test_a_crash_during_the_backup_leaves_no_bak_at_all(private_note: Path, monkeypatch, unnamed) -> None:
    if unnamed and not write_module._TMPFILE:
        pytest.skip("no O_TMPFILE here")
    if not unnamed:
        monkeypatch.setattr(write_module, "_TMPFILE", 0)

    def crash(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(write_module.os, "fsync", crash)
    with pytest.raises(ExportError, match="note.txt.bak: cannot write: Input/output error"):
        write_backup(private_note, private_note.read_bytes())
    assert names(private_note.parent) == ["note.txt"]


def test_a_pipe_or_device_is_never_replaced_by_a_file(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(ExportError, match="is not a regular file"):
        write_atomic(pipe, "x", overwrite=True)
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


@needs_read_only_dir
def test_a_folder_nobody_may_write_is_one_line_and_leaves_nothing() -> None:
    before = set(os.listdir(READ_ONLY_DIR))
    with pytest.raises(ExportError) as info:
        write_atomic(READ_ONLY_DIR / "note.md", "x", overwrite=True)
    assert str(info.value).startswith(f"{READ_ONLY_DIR / 'note.md'}: cannot write: ")
    assert "\n" not in str(info.value)
    assert set(os.listdir(READ_ONLY_DIR)) == before


def test_a_folder_that_is_a_file_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "notes"
    blocker.write_text("x")
    with pytest.raises(ExportError) as info:
        write_atomic(blocker / "x.md", "x", overwrite=True)
    assert str(info.value) == f"{blocker / 'x.md'}: cannot write: {blocker} is not a directory"


# --- lint --fix, --fix-to, --annotate ---------------------------------------------------------------


def test_fix_through_a_symlink_fixes_the_real_note(tmp_path: Path, private_note: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(private_note.name)
    result = lint_fix(str(link), "--fix")
    assert "fixed 2 problems in place" in result.stderr, result.output
    assert link.is_symlink() and private_note.read_text() == FIXED
    assert (tmp_path / "link.txt.bak").read_text() == NOTE
    assert mode_of(private_note) == 0o600 and mode_of(tmp_path / "link.txt.bak") == 0o600


def test_fix_keeps_hard_links_mode_bom_and_crlf(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_bytes(BOM + NOTE.replace("\n", "\r\n").encode())
    note.chmod(0o600)
    other = tmp_path / "claim-copy.txt"
    os.link(note, other)
    result = lint_fix(str(note), "--fix")
    assert "fixed 2 problems" in result.stderr, result.output
    assert note.read_bytes() == BOM + FIXED.replace("\n", "\r\n").encode()
    assert other.read_bytes() == note.read_bytes() and note.stat().st_nlink == 2
    assert mode_of(note) == 0o600
    assert (tmp_path / "note.txt.bak").read_bytes() == BOM + NOTE.replace("\n", "\r\n").encode()


@pytest.mark.skipif(IS_ROOT, reason="root may write any file")
def test_fix_leaves_a_read_only_note_alone(private_note: Path) -> None:
    private_note.chmod(0o400)
    result = lint_fix(str(private_note), "--fix")
    assert result.exit_code == 2 and "is read-only; make it writable, or write a fixed copy with --fix-to" in result.stderr
    assert private_note.read_text() == NOTE and names(private_note.parent) == ["note.txt"]


def test_fix_to_keeps_the_bom_and_is_no_more_readable_than_the_note(tmp_path: Path) -> None:
    note, out = tmp_path / "note.txt", tmp_path / "fixed.txt"
    note.write_bytes(BOM + NOTE.encode())
    note.chmod(0o600)
    lint_fix(str(note), "--fix-to", str(out))
    assert out.read_bytes() == BOM + FIXED.encode() and mode_of(out) == 0o600


@pytest.mark.parametrize("spelling", ["hard link", "symlink", "dot path"])
def test_fix_to_and_annotate_refuse_the_note_itself_however_spelled(tmp_path: Path, spelling: str) -> None:
    from noteassist.export import export_docx

    for note in (tmp_path / "note.txt", tmp_path / "note.docx"):
        if note.suffix == ".docx":
            export_docx(NOTE, note)
        else:
            note.write_text(NOTE)
        before = note.read_bytes()
        alias = tmp_path / f"alias{note.suffix}"
        alias.unlink(missing_ok=True)
        if spelling == "hard link":
            os.link(note, alias)
        elif spelling == "symlink":
            alias.symlink_to(note)
        else:
            alias = Path(f"{tmp_path}/./{note.name}")
        option = "--annotate" if note.suffix == ".docx" else "--fix-to"
        result = lint_fix(str(note), option, str(alias), "--force")
        assert result.exit_code == 2 and "must" in result.stderr and "new file" in result.stderr, result.output
        assert len(result.stderr.strip().splitlines()) == 1
        assert note.read_bytes() == before


# --- draft, export, report ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".md", ".txt", ".docx"])
def test_draft_refuses_an_existing_note_without_force_and_keeps_its_mode_with_it(tmp_path: Path, suffix) -> None:
    out = tmp_path / f"note{suffix}"
    out.write_text("my edits")
    out.chmod(0o600)
    refused = cli("draft", str(FACTS), "-o", str(out))
    assert refused.exit_code == 2 and refused.stderr.endswith(f"noteassist: {out}: already exists; use --force to overwrite\n")
    assert out.read_text() == "my edits"
    replaced = cli("draft", str(FACTS), "-o", str(out), "--force")
    assert replaced.exit_code == 0, replaced.output
    assert out.read_bytes() != b"my edits" and mode_of(out) == 0o600
    assert names(tmp_path) == [out.name]


@pytest.mark.parametrize("suffix", [".md", ".docx"])
def test_draft_never_replaces_its_own_facts(tmp_path: Path, suffix: str) -> None:
    facts = tmp_path / f"visit{suffix}"  # facts are read whatever the file is called
    facts.write_bytes(FACTS.read_bytes())
    link = tmp_path / f"link{suffix}"
    link.symlink_to(facts)
    for out in (facts, link, Path(f"{tmp_path}/../{tmp_path.name}/{facts.name}")):
        result = cli("draft", str(facts), "-o", str(out), "--force")
        assert result.exit_code == 2 and result.stderr == \
            f"noteassist: {out}: is the input {facts}; write the output to a new file\n", result.output
    assert facts.read_bytes() == FACTS.read_bytes()


def test_export_never_replaces_its_own_input(tmp_path: Path) -> None:
    source = tmp_path / "visit.docx"
    assert cli("export", str(FACTS), "-o", str(source)).exit_code == 0
    before = source.read_bytes()
    os.link(source, tmp_path / "hard.docx")
    (tmp_path / "soft.docx").symlink_to(source)
    for out in (source, tmp_path / "hard.docx", tmp_path / "soft.docx"):
        result = cli("export", str(source), "-o", str(out), "--force")
        assert result.exit_code == 2 and "is the input" in result.stderr, result.output
    assert source.read_bytes() == before


def test_export_force_keeps_a_private_documents_mode_and_links(tmp_path: Path) -> None:
    out = tmp_path / "note.docx"
    out.write_bytes(b"old")
    out.chmod(0o600)
    (tmp_path / "link.docx").symlink_to(out)
    assert cli("export", str(FACTS), "-o", str(tmp_path / "link.docx")).exit_code == 2
    result = cli("export", str(FACTS), "-o", str(tmp_path / "link.docx"), "--force")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "link.docx").is_symlink() and out.read_bytes()[:2] == b"PK" and mode_of(out) == 0o600


@pytest.fixture
def claim_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "claim"
    shutil.copytree(CLAIM, folder)
    return folder


def test_report_never_replaces_a_contact_or_the_letterhead(tmp_path: Path, claim_copy: Path) -> None:
    period = ["--from", "2026-11-01", "--to", "2026-11-30"]
    letterhead = tmp_path / "agency.docx"
    result = cli("report", str(claim_copy), *period, "-o", str(letterhead))
    assert result.exit_code in (0, 1), result.output
    head = letterhead.read_bytes()
    same = cli("report", str(claim_copy), *period, "-o", str(letterhead), "--letterhead", str(letterhead), "--force")
    assert same.exit_code == 2 and same.stderr == \
        f"noteassist: {letterhead}: is the input {letterhead}; write the output to a new file\n"
    assert letterhead.read_bytes() == head
    # A contact kept as a Word note, and an output name outside the folder that links to it.
    markdown = claim_copy / "2026-11-06-telephonic-worker.md"
    contact = markdown.with_suffix(".docx")
    assert cli("export", str(markdown), "-o", str(contact)).exit_code == 0
    markdown.unlink()
    before = contact.read_bytes()
    (tmp_path / "out.docx").symlink_to(contact)
    for out in (contact, tmp_path / "out.docx"):
        into = cli("report", str(claim_copy), *period, "-o", str(out), "--force")
        assert into.exit_code == 2, into.output
        assert into.stderr.splitlines()[-1] == f"noteassist: {out}: is the input {contact}; write the output to a new file"
    assert contact.read_bytes() == before


@needs_read_only_dir
@pytest.mark.parametrize("verb", ["draft", "export"])
def test_a_read_only_folder_is_one_line_exit_2(verb: str) -> None:
    before = set(os.listdir(READ_ONLY_DIR))
    result = cli(verb, str(FACTS), "-o", str(READ_ONLY_DIR / "note.docx"), "--force")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"noteassist: {READ_ONLY_DIR / 'note.docx'}: cannot write: ")
    assert len(result.stderr.splitlines()) == 1
    assert set(os.listdir(READ_ONLY_DIR)) == before


# --- Ctrl-C -----------------------------------------------------------------------------------------


def test_ctrl_c_inside_a_write_is_one_line_exit_130_and_no_output(tmp_path: Path, monkeypatch) -> None:
    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(write_module.os, "fsync", interrupted)
    out = tmp_path / "note.docx"
    result = cli("export", str(FACTS), "-o", str(out))
    assert result.exit_code == 130 and result.stderr == "noteassist: interrupted\n"
    assert names(tmp_path) == []
    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    result = lint_fix(str(note), "--fix")
    assert result.exit_code == 130 and result.stderr.endswith("noteassist: interrupted\n")
    assert names(tmp_path) == ["note.txt"] and note.read_text() == NOTE  # not even a backup


@pytest.mark.parametrize(("signum", "code", "line"), [(signal.SIGINT, 130, "noteassist: interrupted"),
                                                     (signal.SIGTERM, 143, "noteassist: terminated")],
                         ids=["ctrl-c", "kill"])
def test_a_signal_during_a_long_fix_run_leaves_every_note_whole(tmp_path: Path, signum, code, line) -> None:
    notes = []
    for number in range(400):
        note = tmp_path / f"note-{number:03}.txt"
        note.write_text(NOTE)
        notes.append(str(note))
    command = [sys.executable, "-c", "from noteassist.cli import main; main()", "lint", *notes, "--fix",
               "--select", "NA501,NA901"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while sum(name.endswith(".bak") for name in os.listdir(tmp_path)) < 3:  # in the middle of the fixes
        if process.poll() is not None or time.monotonic() > deadline:
            break
        time.sleep(0.001)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    if process.returncode in (0, 1):
        pytest.skip(f"the run ended before the signal arrived (exit {process.returncode})")
    assert process.returncode == code and stderr.splitlines()[-1] == line
    assert "Traceback" not in stderr
    leftovers = [n for n in os.listdir(tmp_path) if not n.endswith((".txt", ".txt.bak"))]
    assert leftovers == []
    fixed = 0
    for note in map(Path, notes):
        backup = note.with_name(note.name + ".bak")
        assert note.read_text() in (NOTE, FIXED)
        if note.read_text() == FIXED:
            fixed += 1
            assert backup.read_text() == NOTE
        elif backup.exists():  # interrupted between the backup and the fix: the note is untouched
            assert backup.read_text() == NOTE
    assert fixed < len(notes)


# --- asking on a terminal -----------------------------------------------------------------------------


def _on_a_terminal(args: list[str], keys: bytes | None) -> tuple[int, str]:
    """Run noteassist with a pseudo-terminal as stdin and stderr; type `keys` at the prompt (None:
    press Ctrl-C, i.e. send SIGINT, as the terminal would to its foreground process)."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", "from noteassist.cli import main; main()", *args],
                               stdin=follower, stdout=subprocess.DEVNULL, stderr=follower, start_new_session=True)
    os.close(follower)
    seen = b""
    try:
        while b"Overwrite?" not in seen:
            seen += os.read(leader, 1024)
        if keys is None:
            time.sleep(0.5)  # as a person would: the prompt is waiting for a key (readline is set up)
            process.send_signal(signal.SIGINT)
        else:
            os.write(leader, keys)
        process.wait(timeout=60)
        try:
            while chunk := os.read(leader, 1024):
                seen += chunk
        except OSError:  # the terminal closes when the process ends
            pass
    finally:
        os.close(leader)
        if process.poll() is None:
            process.kill()
    return process.returncode, seen.decode(errors="replace")


@pytest.mark.parametrize(("keys", "code", "replaced"), [(b"n\r", 2, False), (b"y\r", 0, True), (None, 130, False)],
                         ids=["no", "yes", "ctrl-c"])
def test_an_existing_output_is_asked_about_on_a_terminal(tmp_path: Path, keys: bytes, code: int, replaced: bool) -> None:
    out = tmp_path / "note.md"
    out.write_text("my edits")
    returncode, screen = _on_a_terminal(["draft", str(FACTS), "-o", str(out)], keys)
    assert returncode == code, screen
    assert (out.read_text() != "my edits") is replaced
    if code == 130:
        assert screen.rstrip().endswith("noteassist: interrupted")
    assert names(tmp_path) == ["note.md"]


def test_a_report_of_a_private_claim_is_private(tmp_path: Path, claim_copy: Path) -> None:
    (claim_copy / "claim.yaml").chmod(0o600)
    out = tmp_path / "report.docx"
    previous = os.umask(0o022)
    try:
        result = cli("report", str(claim_copy), "--from", "2026-11-01", "--to", "2026-11-30", "-o", str(out))
    finally:
        os.umask(previous)
    assert result.exit_code in (0, 1), result.output
    assert mode_of(out) == 0o600


def test_report_pdf_asks_like_every_output_and_force_keeps_a_linked_private_pdf(tmp_path: Path) -> None:
    from conftest import require_libreoffice

    require_libreoffice()
    period = ["--from", "2026-11-01", "--to", "2026-11-30"]
    out = tmp_path / "report.docx"
    kept = tmp_path / "archive" / "report.pdf"
    kept.parent.mkdir()
    kept.write_bytes(b"%PDF-1.4 last month's report")
    kept.chmod(0o600)
    (tmp_path / "report.pdf").symlink_to(kept)
    refused = cli("report", str(CLAIM), *period, "-o", str(out), "--pdf")
    assert refused.exit_code == 2 and f"{tmp_path / 'report.pdf'}: already exists" in refused.stderr
    assert kept.read_bytes() == b"%PDF-1.4 last month's report" and not out.exists()
    replaced = cli("report", str(CLAIM), *period, "-o", str(out), "--pdf", "--force")
    assert replaced.exit_code in (0, 1), replaced.output
    assert (tmp_path / "report.pdf").is_symlink() and kept.read_bytes().startswith(b"%PDF")
    assert kept.read_bytes() != b"%PDF-1.4 last month's report" and mode_of(kept) == 0o600
    assert names(tmp_path) == ["archive", "report.docx", "report.pdf"]


@pytest.mark.parametrize("failing_call", [1, 2], ids=["backup-fails", "note-write-fails"])
def test_fix_on_a_failing_disk_is_one_line_and_the_note_is_whole(private_note: Path, monkeypatch, failing_call) -> None:
    real_fsync, calls = os.fsync, []

    def failing_fsync(fd):
        if stat.S_ISREG(os.fstat(fd).st_mode):
            calls.append(fd)
            if len(calls) == failing_call:
                raise OSError(28, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(write_module.os, "fsync", failing_fsync)
    result = lint_fix(str(private_note), "--fix")
    assert result.exit_code == 2 and result.stderr.endswith(": cannot write: No space left on device\n")
    assert len(result.stderr.splitlines()) == 1
    assert private_note.read_text() == NOTE
    backup = private_note.with_name("note.txt.bak")
    if failing_call == 1:  # the backup failed: it is not there at all, and the note was never touched
        assert names(private_note.parent) == ["note.txt"]
    else:  # the backup was complete before the note was written
        assert names(private_note.parent) == ["note.txt", "note.txt.bak"] and backup.read_text() == NOTE


def test_a_note_that_cannot_be_fixed_never_stops_the_others(tmp_path: Path, monkeypatch) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(NOTE)
    second.write_text(NOTE)
    real_backup = write_module.write_backup

    def failing_backup(path, data):
        if Path(path).name == "a.txt":
            raise ExportError(f"{path}: cannot write the backup: No space left on device")
        return real_backup(path, data)

    monkeypatch.setattr(write_module, "write_backup", failing_backup)
    result = lint_fix(str(first), str(second), "--fix")
    assert result.exit_code == 2
    assert "a.txt: cannot write the backup" in result.stderr
    assert first.read_text() == NOTE  # untouched, and no backup half-written
    assert second.read_text() == FIXED and (tmp_path / "b.txt.bak").read_text() == NOTE
