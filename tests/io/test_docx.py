"""Word notes: ZIP sizes and the paragraph count are checked before python-docx parses anything."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document

from noteassist.errors import NoteInputError
from noteassist.io import docx as word
from noteassist.io import read_note


def _docx_with_body(path: Path, body: bytes) -> Path:
    """A real DOCX (python-docx's default template) whose body XML is replaced by `body`."""
    Document().save(str(path))
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    head = parts["word/document.xml"].split(b"<w:body>")[0]
    parts["word/document.xml"] = head + b"<w:body>" + body + b"</w:body></w:document>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def _paragraph(text: str) -> bytes:
    return f'<w:p w:rsidR="00A1"><w:pPr><w:pStyle w:val="Normal"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'.encode()


def test_a_word_note_is_read(tmp_path: Path) -> None:
    path = _docx_with_body(tmp_path / "note.docx", _paragraph("Called the adjuster.") + _paragraph("Left a message."))
    assert read_note(path).split() == "Called the adjuster. Left a message.".split()


def test_300000_paragraphs_are_refused_before_parsing(tmp_path: Path) -> None:
    path = _docx_with_body(tmp_path / "huge.docx", b"<w:p/>" * 300_000)
    assert path.stat().st_size < 200_000  # small on disk: the cost is all in the parser
    with pytest.raises(NoteInputError) as exc:
        read_note(path)
    message = str(exc.value)
    assert message == f"{path}: more than 5,000 paragraphs, over the limit for one Word note; split the document"
    assert "\n" not in message


def test_paragraphs_are_counted_across_read_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The counter reads the body in chunks; a tag cut by a chunk boundary is counted once, not 0 or 2 times."""
    body = _paragraph("Seen by Dr. Lee.") * 300 + b"<w:p/>" * 200
    path = _docx_with_body(tmp_path / "long.docx", body)
    for chunk in (3, 7, 64, 1000, 1 << 20):  # 3 and 7 bytes cut almost every tag
        monkeypatch.setattr(word, "_READ_CHUNK", chunk)
        with zipfile.ZipFile(path) as archive:
            assert word._count_paragraphs(archive, archive.getinfo("word/document.xml"), "l", NoteInputError) == 500


def test_paragraph_properties_are_not_paragraphs(tmp_path: Path) -> None:
    path = _docx_with_body(tmp_path / "props.docx", b"<w:p><w:pPr/></w:p>" * 10 + b"<w:p/>")
    with zipfile.ZipFile(path) as archive:
        assert word._count_paragraphs(archive, archive.getinfo("word/document.xml"), "p", NoteInputError) == 11


def test_a_zip_bomb_is_refused_by_its_declared_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word, "MAX_DOCX_UNCOMPRESSED", 50_000)
    path = tmp_path / "bomb.docx"
    Document().save(str(path))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/zeros.bin", b"\0" * 200_000)  # compresses to a few hundred bytes
    with pytest.raises(NoteInputError, match=r"bytes uncompressed, over the 50,000-byte limit for a Word note$"):
        read_note(path)


def test_not_a_zip_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_text("I am not a Word file")
    with pytest.raises(NoteInputError, match=r"fake\.docx: not a readable Word document \(not a ZIP file\)$"):
        read_note(path)


def test_a_zip_without_a_body_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(NoteInputError, match=r"no word/document\.xml"):
        read_note(path)


def test_a_symlinked_word_note_out_of_a_folder_is_refused(tmp_path: Path) -> None:
    outside = _docx_with_body(tmp_path / "outside.docx", _paragraph("secret"))
    folder = tmp_path / "claim"
    folder.mkdir()
    (folder / "2026-11-06-visit.docx").symlink_to(outside)
    with pytest.raises(NoteInputError, match="links outside"):
        read_note(folder / "2026-11-06-visit.docx", root=folder)
