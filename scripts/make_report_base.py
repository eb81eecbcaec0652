"""Regenerate templates/reports/base.docx, the default base document for adjuster reports.

An agency replaces it with its own letterhead (`noteassist report --letterhead agency.docx`);
this one only sets a readable page: Letter size, 1-inch margins, Calibri 11 at single spacing with
8 pt above each paragraph (export.docx.set_page_spacing: the spacing LibreOffice keeps headings with
their paragraph at), dark-blue headings, and a small right-aligned running header.
Run: `.venv/bin/python scripts/make_report_base.py`.
"""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Inches, Pt, RGBColor

from noteassist.export.docx import set_page_spacing

OUT = Path(__file__).resolve().parents[1] / "templates" / "reports" / "base.docx"


def main() -> None:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Calibri", Pt(11)
    set_page_spacing(document)
    for level, size in ((1, 14), (2, 12), (3, 11)):
        heading = document.styles[f"Heading {level}"]
        heading.font.name, heading.font.size = "Calibri", Pt(size)
        heading.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    title = document.styles["Title"]
    title.font.name, title.font.size = "Calibri", Pt(20)
    running = section.header.paragraphs[0]
    running.text = "Nurse Case Management Report"
    running.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    running.runs[0].font.size = Pt(8)
    running.runs[0].font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    document.core_properties.author = "noteassist"
    document.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
