"""A rendered note's provenance as the API gives it: each sentence with the visit-fact paths it came from.

The paths come from the render itself (render/provenance.py marks every printed value while the template
runs); here they are only grouped by the one sentence segmentation the linter uses (text/sentences.py), so
"this sentence came from work_status.restrictions[0]" is what the template printed, never a guess.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..text.frontmatter import split_front_matter
from ..text.sentences import sentence_spans

if TYPE_CHECKING:
    from ..render import RenderedNote


def sentence_provenance(note: RenderedNote) -> list[dict[str, Any]]:
    """[{start, end, paths}] for every sentence of the note's body, in order; `paths` are the indexed fact
    paths (`follow_up[0].task`) of the values printed inside the sentence, in the order they were printed."""
    body = split_front_matter(note.text)[1]
    sentences = []
    for start, end in sentence_spans(note.text, body):
        paths: list[str] = []
        for span_start, span_end, span_paths in note.spans:
            if span_start < end and span_end > start:
                paths.extend(p for p in span_paths if p not in paths)
        sentences.append({"start": start, "end": end, "paths": paths})
    return sentences
