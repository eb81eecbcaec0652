"""`doc.sents` is the text layer's segmentation: the segmenter sets every token's sentence start before the
parser, and the parser keeps those boundaries, so rules that read `doc.sents`, rules that read the
context's sentences and the metrics all see the same sentences, whichever components run."""

from __future__ import annotations

from pathlib import Path

import pytest

from noteassist.eval.evaluate import load_corpus
from noteassist.nlp import SEGMENTER, Pipeline, components_for, load_model
from noteassist.text.frontmatter import split_front_matter
from noteassist.text.sentences import sentence_spans

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

TEXT = ("Met with Dr. Lena Ortiz, PhD. Dr. Ortiz reports the worker is better and she said the plan is fine and "
        "he agreed\n- Ibuprofen 600 mg. Take with food.\nShe asked why? No answer.")


def _doc_sentences(doc) -> list[tuple[int, int]]:
    spans = []
    for sent in doc.sents:
        text = sent.text
        start = sent.start_char + len(text) - len(text.lstrip())
        spans.append((start, sent.start_char + len(text.rstrip())))
    return [span for span in spans if span[1] > span[0]]


@pytest.mark.parametrize("reads", [{"doc.sents"}, {"token.dep"}, {"doc.sents", "token.dep", "token.lemma"}])
def test_doc_sents_are_the_text_layers_sentences_with_or_without_the_parser(reads):
    pipeline = Pipeline(load_model(), components_for(reads))
    assert pipeline.components[0] == SEGMENTER
    assert _doc_sentences(pipeline(TEXT)) == sentence_spans(TEXT)


def test_the_parser_keeps_every_preset_boundary_on_the_corpus():
    pipeline = Pipeline(load_model(), components_for({"token.dep", "doc.sents"}))
    bodies = [note.text[split_front_matter(note.text)[1]:] for note in load_corpus(CORPUS)]
    for body, doc in zip(bodies, pipeline.pipe(bodies)):
        assert _doc_sentences(doc) == sentence_spans(body)


def test_sentences_need_no_model_component():
    import spacy

    pipeline = Pipeline(spacy.blank("en"), components_for({"doc.sents"}))
    assert pipeline.components == (SEGMENTER,)
    doc = pipeline("Seen by Dr. Lee. She is better.")
    assert [s.text.strip() for s in doc.sents] == ["Seen by Dr. Lee.", "She is better."]
    assert not doc.has_annotation("DEP")
