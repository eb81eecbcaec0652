"""Stigmatizing and judgmental language (NA4xx, stigmatizing-language). Source: ../shared/domain.md 2.4-2.6.

Lexicons live in stigma.yaml beside this module (term, surface phrases or lemma
sequences, preferred alternatives, source section). Each rule builds one
PhraseMatcher (attr LOWER) and one Matcher (LEMMA) per vocab, once, so adding a
term costs nothing per note. Context checks (dependency parse, POS) keep benign
clinical senses quiet: "child abuse", "lung compliance", "claims adjuster",
"the pharmacy refused", "diabetic foot ulcer".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..lexicon import LEXICON_OPTIONS, extra_terms, removed_terms
from ..registry import Rule, register
from ..tokens import TokenPatterns

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from ..model import Finding

#: Words that make a subject the client (the person the note is about).
_CLIENT = {
    "worker", "claimant", "client", "patient", "he", "she", "they", "iw", "employee", "ee", "member", "consumer",
    "participant", "resident", "mother", "father", "parent", "son", "daughter", "child", "youth", "man", "woman",
    "mr.", "ms.", "mrs.", "mr", "ms", "mrs", "pt",
}
_PROVIDER = {
    "dr", "dr.", "doctor", "physician", "surgeon", "provider", "ime", "examiner", "evaluator", "psychologist",
    "psychiatrist", "neurologist", "orthopedist", "physiatrist", "therapist", "md", "m.d.", "fce", "np", "pa",
}
_ATTRIBUTION = {
    "per", "according", "report", "reports", "states", "stated", "documented", "documents", "noted", "notes",
    "opined", "opines", "wrote", "writes", "indicates", "indicated", "impression", "concluded", "concludes",
    "diagnosed", "found", "findings", "assessed", "reported",
}
_NOT_PERSON = {"pharmacy", "carrier", "insurer", "adjuster", "employer", "company", "plan", "board", "court"}
#: Things a standard is met or missed by: "the unit was non-compliant with housing quality standards".
_THINGS = {"unit", "apartment", "building", "property", "house", "home", "dwelling", "room", "window", "detector",
           "device", "equipment", "facility", "site", "system", "structure", "vehicle", "car", "furnace", "heater",
           "form", "document", "application", "lease", "inspection", "landlord", "program", "agency", "shelter",
           "provider", "vendor", "contractor"}
_URINE = {"urine", "tox", "toxicology", "screen", "screens", "uds", "ua", "uas", "test", "tests", "panel", "drug"}
_BE = {"be", "stay", "remain", "keep", "get"}
_DETS = {"a", "an", "the", "this", "that", "these", "those"}
_THERAPY = {"treatment", "therapy", "therapies", "technique", "techniques", "medicine", "procedure", "osteopathic"}


@lru_cache(maxsize=1)
def lexicon() -> dict[str, list[dict[str, Any]]]:
    """Rule code -> list of term entries, from stigma.yaml."""
    data = yaml.safe_load(Path(__file__).with_name("stigma.yaml").read_text(encoding="utf-8")) or {}
    return {str(code): list(entries or []) for code, entries in data.items()}


@lru_cache(maxsize=1)
def _tokenizer():
    import spacy

    return spacy.blank("en").tokenizer


def _is_client(subject: Token | None) -> bool:
    """The subject is the client: a client word, a title, or a name. A name is a proper noun by the tagger
    (the rules run no entity recogniser, so an entity type would always be empty)."""
    if subject is None:
        return False
    words = {subject.lower_, *(t.lower_ for t in subject.lefts)}
    if words & _NOT_PERSON or words & _PROVIDER:
        return False
    if subject.lower_ in _CLIENT or words & {"mr.", "ms.", "mrs.", "mr", "ms", "mrs"}:
        return True
    return subject.pos_ == "PROPN"


def _subject(token: Token) -> Token | None:
    """nsubj (or nsubjpass) of a verb or of the verb it is conjoined with / the head of an acomp."""
    for _ in range(4):
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                if child.lower_ in ("who", "that") and token.dep_ == "relcl":
                    return token.head
                return child
        if token.dep_ in ("conj", "acomp", "xcomp", "advcl") and token.head is not token:
            token = token.head
            continue
        return None
    return None


def _check_noun(span: Span) -> bool:
    tok = span[-1]
    if tok.lower_.endswith("s") and tok.lower_ not in ("drunks",):
        return tok.dep_ not in ("amod", "compound")
    if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ not in ("compound", "amod"):
        return True
    return _bare_after_det(tok)


def _bare_after_det(tok: Token) -> bool:
    """An adjective used as a noun: "the diabetic", "an obese" with no noun after."""
    doc = tok.doc
    if tok.i == 0 or doc[tok.i - 1].lower_ not in _DETS:
        return False
    if tok.i + 1 < len(doc):
        nxt = doc[tok.i + 1]
        if nxt.pos_ in ("NOUN", "PROPN", "ADJ", "NUM") or nxt.text in ("-", "/"):
            return False
    return True


def _check_not_before_noun(span: Span) -> bool:
    """The phrase names people, not a service: "the homeless" but not "the homeless shelter", "an illegal"
    but not "an illegal U-turn", "homeless youth" but not "homeless youth program"."""
    doc = span.doc
    if span.end < len(doc):
        nxt = doc[span.end]
        if nxt.pos_ in ("NOUN", "PROPN") or (nxt.text in ("-", "/") and span.end + 1 < len(doc)):
            return False
    return True


def _check_of_a_person(span: Span) -> bool:
    """The term is said of a person, not of a thing: "the unit was non-compliant with HQS", "a non-compliant
    smoke detector" and "the landlord's non-compliance" are about property and its owner."""
    tok = span[0]
    candidates = [_subject(tok), _subject(tok.head) if tok.dep_ in ("acomp", "attr", "conj") else None]
    if tok.dep_ in ("amod", "compound"):
        candidates.append(tok.head)
    candidates += [c for c in tok.children if c.dep_ == "poss"]
    for word in candidates:
        if word is not None and (word.lemma_.lower() in _THINGS or word.lower_ in _THINGS | _NOT_PERSON):
            return False
    return True


def _check_condition_noun(span: Span) -> bool:
    tok = span[0]
    if tok.dep_ in ("amod", "compound"):
        return False
    if tok.lower_.endswith("s") and not tok.lower_.endswith("ss"):
        # plural: "diabetics", "schizophrenics" (always a noun) unless compounding ("diabetics clinic")
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        return not (nxt is not None and nxt.pos_ == "NOUN" and tok.dep_ == "compound")
    if tok.lower_ == "obese":
        return _bare_after_det(tok)
    if tok.pos_ == "NOUN":
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        return nxt is None or nxt.pos_ not in ("NOUN", "PROPN")
    return _bare_after_det(tok)


#: Things kept clean in wound care and hygiene: "keep the incision clean and dry", "clean, neat clothing".
_CARE = {"wound", "wounds", "incision", "incisions", "site", "sites", "dressing", "dressings", "bandage", "skin",
         "area", "graft", "cast", "splint", "hands", "hand", "field", "margins", "margin", "bed", "base", "edges",
         "clothes", "clothing", "home", "house", "room", "catheter", "stoma", "sutures", "staples", "ear", "eye"}
_HYGIENE = {"groomed", "dressed", "hygiene", "grooming", "kempt", "neat", "neatly", "appearance", "attire",
            "shaven", "casually", "appropriately", "clothing", "clothes"}
#: What makes a person "clean" mean abstinent: a substance, a duration, sobriety.
_SUBSTANCE = {"drug", "drugs", "alcohol", "sober", "sobriety", "using", "use", "heroin", "opioids", "opioid",
              "opiates", "meth", "methamphetamine", "cocaine", "fentanyl", "substances", "substance", "relapse",
              "relapsed", "recovery", "for", "since", "months", "weeks", "days", "years"}


def _per_sentence(sentence: Span, what: str, compute):
    """`compute(sentence)`, once per sentence of the doc. A lexicon check asks about the hit's sentence, and
    scanning the sentence again for every hit was quadratic in a long one ("denies" 3,000 times: 21 s)."""
    cache = sentence.doc.user_data.setdefault("noteassist.stigma.sentences", {})
    key = (what, sentence.start)
    if key not in cache:
        cache[key] = compute(sentence)
    return cache[key]


def _sentence(tok: Token) -> Span:
    """`tok.sent`, found by bisection over the doc's sentence bounds (read once): `tok.sent` walks the sentence."""
    bounds = tok.doc.user_data.get("noteassist.stigma.bounds")
    if bounds is None:
        sentences = list(tok.doc.sents)
        bounds = tok.doc.user_data["noteassist.stigma.bounds"] = ([s.start for s in sentences],
                                                                   [s.end for s in sentences])
    k = bisect.bisect_right(bounds[0], tok.i) - 1
    return tok.doc[bounds[0][k]:bounds[1][k]]


def _word_counts(sentence: Span) -> dict[str, int]:
    """How often each lower-cased word occurs in the sentence (cached)."""
    def count(span: Span) -> dict[str, int]:
        counts: dict[str, int] = {}
        for t in span:
            counts[t.lower_] = counts.get(t.lower_, 0) + 1
        return counts
    return _per_sentence(sentence, "words", count)


def _check_clean(span: Span) -> bool:
    tok = span[0]
    doc = tok.doc
    window = doc[max(0, tok.i - 4): min(len(doc), tok.i + 5)]
    if any(t.lower_ in _CARE for t in window if t.i != tok.i):
        return False  # wound care, hygiene, a clean home: not a urine screen and not the person
    if any(t.lower_ in _URINE and t.i != tok.i for t in window):
        return True  # "clean UDS", "urine was clean", "dirty tox screen"
    if tok.lower_ == "dirty":
        # "His urine drug screen from 09/29 came back dirty for fentanyl": the screen further back in the
        # sentence, or "dirty for" a substance.
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        return any(t.lower_ in _URINE for t in _sentence(tok) if t.i != tok.i) or (
            nxt is not None and nxt.lower_ == "for")
    if tok.lower_ != "clean":
        return False
    if tok.dep_ == "oprd" or (tok.head is not tok and any(c.dep_ == "dobj" for c in tok.head.children)):
        return False  # "keep it clean": the object is clean, whoever the subject is
    words = _word_counts(_sentence(tok))
    if any(word in words for word in _HYGIENE):
        return False  # "clean and well groomed": appearance
    if not any(words.get(word, 0) > (word == tok.lower_) for word in _SUBSTANCE):  # a substance word besides tok
        return False
    # person descriptor: "is clean", "has been clean", "stayed clean" with a client subject
    if tok.dep_ in ("acomp", "xcomp") and tok.head.lemma_ in _BE:
        return _is_client(_subject(tok.head))
    if tok.dep_ == "ROOT" or (tok.head.lemma_ in _BE):
        return _is_client(_subject(tok) or (_subject(tok.head) if tok.head is not tok else None))
    return False


_CONDITION_MARKS = {"if", "unless", "whether", "should", "once", "lest"}
_PERMISSION = {"may", "can", "could", "might", "would"}


def _conditional(tok: Token) -> bool:
    """A hypothetical, a rule or a right, not an event: "if the client refuses services", "the right to refuse",
    "she may refuse", "whenever he refuses" (the verb or the verb it is conjoined with)."""
    for _ in range(3):
        for child in tok.children:
            if child.dep_ == "mark" and child.lower_ in _CONDITION_MARKS:
                return True
            if child.dep_ == "mark" and child.lower_ in ("when", "whenever") and tok.tag_ in ("VBZ", "VBP"):
                return True
            if child.dep_ == "aux" and child.lower_ in _PERMISSION:
                return True
            if child.dep_ == "advmod" and child.lower_ in ("when", "whenever") and tok.tag_ in ("VBZ", "VBP"):
                return True
        if tok.dep_ == "acl" and tok.head.lower_ in ("right", "rights", "option", "choice", "freedom"):
            return True
        if tok.dep_ == "conj" and tok.head is not tok:
            tok = tok.head
            continue
        return False
    return False


def _check_verb_person(span: Span) -> bool:
    tok = span[0]
    if tok.pos_ not in ("VERB", "AUX"):
        return False
    subj = _subject(tok)
    return subj is None or _is_client(subj)


def _check_client_subject(span: Span) -> bool:
    tok = span[0]
    return tok.pos_ == "VERB" and _is_client(_subject(tok)) and not _conditional(tok)


def _check_person_subject(span: Span) -> bool:
    tok = span[0]
    if tok.dep_ in ("amod", "compound"):
        return False
    if tok.i > 0 and tok.doc[tok.i - 1].lower_ in ("physically", "mentally", "emotionally", "cognitively"):
        return False
    head = tok.head if tok.dep_ in ("acomp", "xcomp", "conj") else tok
    return _is_client(_subject(head)) or _is_client(_subject(tok))


#: Verbs of a person's own account of a feeling: "Client reports feeling resistant at first" is her word.
_SELF_REPORT = {"feel", "describe", "say", "report", "state", "express", "admit", "call"}


def _check_person_label(span: Span) -> bool:
    """The writer labels the person ("Client has been resistant"), not the person describing a feeling."""
    tok = span[0]
    head = tok.head if tok.dep_ in ("acomp", "xcomp", "conj", "oprd") else tok
    for _ in range(3):
        if head.lemma_.lower() in _SELF_REPORT:
            return False
        if head.head is head:
            break
        head = head.head
    return _check_person_subject(span)


def _check_person_subject_verb(span: Span) -> bool:
    tok = span[0]
    if _names_a_claim(tok):
        return False
    return (tok.pos_ == "VERB" and tok.tag_ != "VBN" and _states_something(tok) and _is_client(_subject(tok))
            and not _conditional(tok))


def _states_something(tok: Token) -> bool:
    """A verb of claiming says what is claimed; "Texas claim." at a sentence's end is a noun phrase the tagger
    read as a verb."""
    return any(c.dep_ in ("ccomp", "dobj", "xcomp", "prep", "attr", "acomp", "advcl", "conj", "npadvmod")
               for c in tok.children)


def _names_a_claim(tok: Token) -> bool:
    """"claim WC-1330-1902", "Claim #", "claim no." : the noun, whatever the tagger says in a header line."""
    doc = tok.doc
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    return tok.lower_ == "claim" and nxt is not None and (
        any(c.isdigit() for c in nxt.text) or nxt.lower_ in ("#", "no", "no.", "number", "num")
        or nxt.text.startswith(":"))


#: Words that make "relapse" a disease course, not a return to substance use.
_DISEASE_COURSE = {"remitting", "ms", "sclerosis", "polychondritis", "pancreatitis", "fever", "course", "form", "symptom", "symptoms", "pain", "cancer", "leukemia", "lymphoma",
                   "disease", "condition", "infection", "depression", "depressive", "flare", "tendinitis"}


def _check_substance_relapse(span: Span) -> bool:
    doc = span.doc
    window = doc[max(0, span.start - 6): min(len(doc), span.end + 6)]
    if any(t.lower_ in _DISEASE_COURSE for t in window):
        return False
    return _check_verb_person(span)


def _check_not_therapy(span: Span) -> bool:
    doc = span.doc
    nxt = doc[span.end] if span.end < len(doc) else None
    prev = doc[span.start - 1] if span.start > 0 else None
    return not ((nxt is not None and nxt.lower_ in _THERAPY) or (prev is not None and prev.lower_ in _THERAPY))


def _check_person_failed(span: Span) -> bool:
    """"She failed physical therapy" blames the person; "after failed conservative treatment" (the treatment did
    not work) and "failed back surgery syndrome" do not name anyone as failing."""
    tok = span[0]
    if tok.pos_ not in ("VERB", "AUX") or tok.dep_ in ("amod", "compound") or _conditional(tok):
        return False
    subject = _subject(tok)
    return subject is None or _is_client(subject)


#: Tests and records (the tagger often makes "MRI" or "CT" a proper noun, which would read as a name).
_RECORDS = _URINE | {"mri", "ct", "x-ray", "xray", "scan", "ultrasound", "ekg", "ecg", "eeg", "emg", "biopsy",
                     "culture", "report", "record", "records", "note", "chart", "study", "imaging", "labs", "film"}
#: What others do to the person: "apparently he was started on glipizide" doubts a clinician's record, not
#: the person's account.
_CARE_ACTIONS = {"start", "diagnose", "treat", "prescribe", "see", "admit", "refer", "evaluate", "examine", "give",
                 "place", "put", "schedule", "discharge", "send", "tell", "advise", "operate", "test", "transfer",
                 "switch", "change", "take", "follow", "manage", "instruct", "clear", "release", "restrict"}


def _check_adverb(span: Span) -> bool:
    """"supposedly", "apparently" that doubt the person's own account ("he apparently fell", "apparently she
    states..."), not a test, a record or another clinician ("apparently the MRI showed", "the endocrine team
    apparently felt", "apparently, he was started on insulin")."""
    tok = span[0]
    if tok.pos_ != "ADV":
        return False
    head = tok.head
    if head.pos_ == "ADJ" and head.dep_ in ("acomp", "xcomp", "conj"):
        head = head.head
    if head.pos_ not in ("VERB", "AUX") or head is tok:
        return False
    if any(c.dep_ == "expl" for c in head.children):
        return False  # "apparently there was a delay"
    if any(c.dep_ == "auxpass" for c in head.children) and head.lemma_.lower() in _CARE_ACTIONS:
        return False
    subject = _subject(head)
    if subject is not None and (subject.lower_ in _RECORDS or any(t.lower_ in _RECORDS for t in subject.lefts)):
        return False
    return subject is None or _is_client(subject)


#: Connectives that set two accounts against each other: "denies drinking, although he smelled of alcohol".
_CONTRAST = {"although", "though", "however", "yet", "despite", "whereas", "but"}
#: Signs from outside the person's own account.
_EVIDENCE = {"smell", "smelled", "smelt", "odor", "odour", "positive", "evidence", "surveillance", "video",
             "breathalyzer", "uds", "screen", "test", "tested", "per", "according", "collateral", "records"}
#: Verbs of someone else's observation: evidence only when the observer is not the person ("staff observed",
#: "a bottle was found"); "he denied a cough but did note back pain" is his own account going on.
_OBSERVER = {"observe", "note", "see", "find", "show", "reveal", "document", "record", "witness", "catch"}


def _evidence(tok: Token) -> bool:
    if tok.lower_ in _EVIDENCE or tok.lemma_.lower() in _EVIDENCE:
        return True
    if tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in _OBSERVER:
        subject = _subject(tok)
        return subject is None or not _is_client(subject)
    return False


def _check_disputed_denial(span: Span) -> bool:
    """"Denies" as disbelief: the person's denial set against evidence in the same sentence ("denies drinking,
    although he smelled of alcohol", "denied use but the UDS was positive"). A clinical negative ("denies chest
    pain", "denies fever but reports chills") is standard charting and is not flagged."""
    tok = span[0]
    if tok.pos_ != "VERB" or tok.tag_ == "VBN":
        return False
    subject = _subject(tok)
    if subject is not None and not _is_client(subject):
        return False
    if _conditional(tok):
        return False
    connectives, evidence = _per_sentence(_sentence(tok), "contrast", _contrast_index)
    # A connective after the denial with evidence anywhere after it ("denies X, although he smelled of
    # alcohol"), or one before it with evidence between the two ("UDS positive; however, he denies use").
    later = bisect.bisect_right(connectives, tok.i)
    if later < len(connectives) and evidence and evidence[-1] > connectives[later]:
        return True
    if later > 0 and connectives[0] < tok.i:
        first = bisect.bisect_right(evidence, connectives[0])
        return first < len(evidence) and evidence[first] < tok.i
    return False


def _contrast_index(sentence: Span) -> tuple[list[int], list[int]]:
    """(positions of contrast connectives, positions of evidence words) in the sentence, in order."""
    return ([t.i for t in sentence if t.lower_ in _CONTRAST], [t.i for t in sentence if _evidence(t)])


#: Words that give a diagnosis its classification: "Axis I: rule out substance abuse" cites DSM-IV terms.
_DIAGNOSTIC = {"axis", "dsm", "dsm-iv", "dsm-iv-tr", "icd", "icd-10", "icd-9"}
_CODE = re.compile(r"^(?:F1\d\.\d{1,2}|30[345]\.\d{1,2})$")


def _check_not_dsm(span: Span) -> bool:
    """"abuse" is the diagnosis's own name when the sentence cites the classification (DSM-IV/ICD codes)."""
    return not _per_sentence(_sentence(span[0]), "dsm", lambda sent: any(
        t.lower_ in _DIAGNOSTIC or _CODE.match(t.text) for t in sent))


_NEGATORS = {"without", "nor", "negative", "absent", "free"}


def _negated(span: Span) -> bool:
    """The term is denied or ruled out: "no evidence of malingering or symptom magnification", "is not
    malingering", "symptom magnification was not found", "negative for...", "ruled out"."""
    tok = span.root
    for _ in range(8):
        if tok.lower_ in _NEGATORS:
            return True
        if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in tok.children):
            return True
        if tok.pos_ in ("VERB", "AUX") and tok.i not in range(span.start, span.end):
            lemma = tok.lemma_.lower()
            if lemma in ("deny", "exclude") or (lemma == "rule" and tok.tag_ in ("VBN", "VBD")
                                                 and any(c.lower_ == "out" for c in tok.children)):
                return True
            return False
        if tok.head is tok:
            return False
        tok = tok.head
    return False


CHECKS = {
    "noun": _check_noun,
    "clean": _check_clean,
    "verb_person": _check_verb_person,
    "substance_relapse": _check_substance_relapse,
    "client_subject": _check_client_subject,
    "person_subject": _check_person_subject,
    "person_subject_verb": _check_person_subject_verb,
    "not_therapy": _check_not_therapy,
    "adverb": _check_adverb,
    "disputed_denial": _check_disputed_denial,
    "not_dsm": _check_not_dsm,
    "person_failed": _check_person_failed,
    "condition_noun": _check_condition_noun,
    "not_before_noun": _check_not_before_noun,
    "person_label": _check_person_label,
    "of_a_person": _check_of_a_person,
}


class _LexiconRule(Rule):
    """Shared machinery: matchers built once per vocab from the rule's yaml entries."""

    category = "stigmatizing-language"
    #: Each rule declares what its lexicon's lemma patterns and context checks (CHECKS) read.
    reads: frozenset[str] = frozenset()
    scope = "sentence"
    defaults = LEXICON_OPTIONS
    why = ""

    def __init__(self, config):
        super().__init__(config)
        self.entries = _adjusted(lexicon().get(self.code, []), extra_terms(self), removed_terms(self))
        self._matchers: dict[int, tuple[Any, Any]] = {}

    def bind(self, vocab) -> None:
        self._build(vocab)

    def _build(self, vocab):
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        key = id(vocab)
        if key in self._matchers:
            return self._matchers[key]
        phrase = PhraseMatcher(vocab, attr="LOWER")
        lemma = TokenPatterns(vocab)
        tok = _tokenizer()
        for n, entry in enumerate(self.entries):
            label = f"{self.code}:{n}"
            phrases = [str(p) for p in entry.get("phrases") or []]
            if phrases:
                phrase.add(label, [Doc(vocab, words=[t.text for t in tok(p.lower())]) for p in phrases])
            lemmas = [str(p) for p in entry.get("lemmas") or []]
            if lemmas:
                lemma.add(label, [[{"LEMMA": w} for w in p.lower().split()] for p in lemmas])
        self._matchers[key] = (phrase, lemma)
        return phrase, lemma

    def matches(self, doc: Doc) -> Iterator[tuple[dict[str, Any], Span]]:
        """(entry, span) for each lexicon hit that passes its context check, longest first, no overlaps."""
        phrase, lemma = self._build(doc.vocab)
        strings = doc.vocab.strings
        raw = [*((strings[m], s, e) for m, s, e in (phrase(doc) if len(phrase) else ())),
               *(lemma(doc) if len(lemma) else ())]
        raw.sort(key=lambda m: (m[1], -(m[2] - m[1])))
        # Headings and field labels ("Substance Abuse History:", "Claim #:") are the system's words, not the
        # writer's judgement of the client.
        labels = doc._.note.structure.label_zones() if doc._.note is not None else []
        # A person's own words, quoted ("I'm an addict and I own that now"), are theirs to choose.
        labels = labels + (doc._.note.quoted_speech if doc._.note is not None else [])
        taken: set[int] = set()
        for key, start, end in raw:
            if any(i in taken for i in range(start, end)):
                continue
            entry = self.entries[int(key.split(":")[1])]
            span = doc[start:end]
            if any(zs <= span.start_char < ze for zs, ze in labels):
                continue
            check = entry.get("check")
            if check and not CHECKS[check](span):
                continue
            taken.update(range(start, end))
            yield entry, span

    def message(self, entry: dict[str, Any], span: Span) -> str:
        return f'"{span.text}": {self.why}'

    def suggestions(self, entry: dict[str, Any], span: Span) -> list[str]:
        return [str(p) for p in entry.get("prefer") or []]

    def check(self, doc: Doc) -> Iterable[Finding]:
        for entry, span in self.matches(doc):
            yield self.finding(
                doc, span.start_char, span.end_char, self.message(entry, span), self.suggestions(entry, span),
                term=entry.get("term"), source=entry.get("source"),
            )


def _adjusted(entries: list[dict[str, Any]], extra: dict[str, list[str]], removed: set[str]) -> list[dict[str, Any]]:
    """The shipped entries without the removed terms or phrases, plus the agency's extra terms."""
    kept = []
    for entry in entries:
        if str(entry.get("term", "")).lower() in removed:
            continue
        phrases = [p for p in entry.get("phrases") or [] if str(p).lower() not in removed]
        lemmas = [p for p in entry.get("lemmas") or [] if str(p).lower() not in removed]
        if phrases or lemmas:
            kept.append({**entry, "phrases": phrases, "lemmas": lemmas})
    kept.extend({"term": term, "phrases": [term], "prefer": prefer, "source": "agency configuration"}
                for term, prefer in extra.items())
    return kept


@register
class SubstanceUseStigma(_LexiconRule):
    code = "NA401"
    name = "substance-use-stigma"
    severity = "warning"
    reads = frozenset({"token.pos", "token.lemma", "token.dep"})
    why = "stigmatizing substance-use term (NIDA Words Matter); use person-first, clinical language."
    summary = "Stigmatizing substance-use term (addict, substance abuse, clean/dirty screen, relapsed...)."
    explanation = (
        "Terms such as \"addict\", \"alcoholic\", \"abuser\", \"substance abuse\", \"drug habit\" and \"clean\" or "
        "\"dirty\" urine label the person and imply moral failure; readers given such notes judge the person more "
        "harshly and treat them less well. NIDA and ONDCP recommend person-first, clinical wording: a person with "
        "a substance use disorder, substance use, tested negative or positive, returned to use. Other kinds of "
        "abuse (child, elder, physical, sexual, domestic) are not flagged, and \"clean\" is flagged only next to a "
        "urine or tox screen or when it describes the person."
    )
    bad = "Client is a known addict; UDS was dirty for opioids. History of substance abuse."
    good = "Client has an opioid use disorder; UDS tested positive for opioids. History of substance use."
    source = "domain.md 2.5A NIDA Words Matter; ONDCP Changing the Language 2017"


@register
class JudgmentalLanguage(_LexiconRule):
    code = "NA402"
    name = "judgmental-language"
    severity = "warning"
    reads = frozenset({"token.pos", "token.lemma", "token.dep"})
    why = "judgmental or blaming term; describe what happened and what the person said instead."
    summary = "Judgmental term (non-compliant, refused, complains of, demanding, combative, poor historian...)."
    explanation = (
        "Labels like \"non-compliant\", \"refused\", \"complains of\", \"demanding\", \"combative\", \"poor historian\" "
        "or \"wheelchair-bound\" portray the person as difficult or blameworthy instead of recording what happened; "
        "human-services notes have their own (\"resistant to services\", \"broken home\", \"unfit mother\", "
        "\"illegal alien\", \"ex-offender\", \"committed suicide\"), each entry citing its source in stigma.yaml. "
        "A vignette study (Goddu 2018) found that such wording worsened readers' attitudes and even treatment "
        "decisions. Describe the behavior, the request, or the reason (\"declined the injection, stating fear of "
        "needles\"). \"Refused\" is flagged only when the client is its subject, so \"the pharmacy refused to fill "
        "it\" passes; clinical senses of \"compliance\" and \"resistance\" are not flagged."
    )
    bad = "Worker is non-compliant with PT and refused the injection. Complains of low back pain."
    good = "Worker attended 2 of 6 PT visits (transportation) and declined the injection. Reports low back pain."
    source = "domain.md 2.5B (Current Psychiatry 2011; Park 2021; Goddu 2018)"


@register
class DoubtMarker(_LexiconRule):
    code = "NA403"
    name = "doubt-marker"
    severity = "warning"
    reads = frozenset({"token.pos", "token.tag", "token.lemma", "token.dep"})
    why = "doubt marker that questions the person's credibility; report what they said neutrally."
    summary = "Doubt marker about the client's account (claims, alleges, insists, supposedly, apparently)."
    explanation = (
        "Words that question the person's credibility (\"claims\", \"alleges\", \"insists\", \"supposedly\", "
        "\"apparently\") were the most common implicit negative language in Park et al. 2021 and lowered readers' "
        "trust in the patient in Goddu 2018. Use \"reports\", \"states\" or \"describes\"; if there is a real "
        "inconsistency, state the two facts side by side. Only the verbs with a person as subject are flagged, so "
        "\"claims adjuster\", \"the claim\" and \"workers' compensation claims\" pass."
    )
    bad = "Worker claims her pain is still 10/10 and insists she cannot lift."
    good = "Worker reports 10/10 pain and states she cannot lift more than 5 lb."
    source = "domain.md 2.4 (Park 2021, Goddu 2018) and 2.5B"


@register
class WcJudgmentTerm(_LexiconRule):
    code = "NA404"
    name = "wc-judgment-term"
    severity = "error"
    reads = frozenset({"doc.sents"})
    why = "workers' comp judgment term; a case manager should not assert this."
    summary = "WC judgment term (malingering, symptom magnification, secondary gain, litigious, alleged injury)."
    explanation = (
        "\"Malingering\", \"symptom magnification\", \"secondary gain\", \"litigious\", \"lawyered up\" and "
        "\"so-called\" or \"alleged\" injury are findings or accusations a case manager is not positioned to make, "
        "and they follow the worker through the claim. When a physician or IME report documents such a finding, "
        "attribute it verbatim with source and date (\"Dr. X's IME report dated ... states ...\"): that sentence is "
        "reported at info level. Unattributed use is an error."
    )
    bad = "Worker appears to be malingering and has lawyered up."
    good = "Dr. Lee's IME report dated 3/4/2025 states 'findings consistent with symptom magnification.' Worker is represented by counsel."
    source = "domain.md 2.5C (WC-specific judgment terms)"

    def check(self, doc: Doc) -> Iterable[Finding]:
        for entry, span in self.matches(doc):
            if _negated(span):
                continue  # "no evidence of malingering" reports a finding against it, not the accusation
            words = _word_counts(_sentence(span[0]))
            attributed = bool(words.keys() & _PROVIDER) and bool(words.keys() & _ATTRIBUTION)
            if attributed:
                message = (
                    f'"{span.text}": attributed to a provider or IME report in this sentence; keep it verbatim '
                    "with source and date, and do not restate it as the case manager's own view."
                )
                severity = "info"
            else:
                message = f'"{span.text}": {self.why} Describe the facts, or quote the provider who documented it.'
                severity = None
            yield self.finding(
                doc, span.start_char, span.end_char, message, self.suggestions(entry, span), severity=severity,
                term=entry.get("term"), source=entry.get("source"), attributed=attributed,
            )


@register
class ConditionAsNoun(_LexiconRule):
    code = "NA405"
    name = "condition-as-noun"
    severity = "warning"
    reads = frozenset({"token.pos", "token.dep"})
    why = "names the person by a condition; use person-first language."
    summary = "Condition used as a noun for the person (a diabetic, the schizophrenic, epileptics)."
    explanation = (
        "Calling someone \"a diabetic\", \"the schizophrenic\" or \"an obese\" reduces the person to a condition. "
        "NIDA, ADA/ADCES and the sickle-cell community recommend person-first wording: person with diabetes, "
        "person with schizophrenia. The adjective describing a condition (\"diabetic foot ulcer\", \"diabetic "
        "neuropathy\") is not flagged. The same holds for circumstances: \"the homeless\" and \"the mentally ill\" "
        "become people experiencing homelessness and people with a mental illness, while \"the homeless shelter\" "
        "passes. Some communities prefer identity-first language; follow the person's "
        "preference."
    )
    bad = "The diabetic was seen in clinic; she is one of three epileptics on the unit."
    good = "The worker, who has diabetes, was seen in clinic; she has epilepsy."
    source = "domain.md 2.6 person-first language; 2.5B"

    def suggestions(self, entry: dict[str, Any], span: Span) -> list[str]:
        word = span.text.lower()
        conditions = entry.get("conditions") or {}
        stem = word[:-1] if word.endswith("s") and word[:-1] in conditions else word
        condition = conditions.get(stem)
        if condition:
            return [f"person with {condition}", f"people with {condition}" if word != stem else f"has {condition}"]
        return super().suggestions(entry, span)
