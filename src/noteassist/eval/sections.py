"""Replace one generated section of a Markdown file (BENCHMARKS.md), between its start and end markers."""

from __future__ import annotations

from pathlib import Path


def write_marked_section(path: Path, markers: tuple[str, str], body: str, heading: str) -> None:
    """Put `body` between the markers in `path`, adding `heading` and the markers at the end when absent."""
    start, end = markers
    content = path.read_text(encoding="utf-8")
    if start not in content:
        content = content.rstrip("\n") + f"\n\n{heading}\n\n{start}\n{end}\n"
    before, rest = content.split(start, 1)
    _, after = rest.split(end, 1)
    path.write_text(f"{before}{start}\n{body}\n{end}{after}", encoding="utf-8")
