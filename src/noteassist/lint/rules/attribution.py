"""Attribution and objectivity (NA6xx, attribution). Source: ../shared/domain.md sections 2.3 and 3.

Case notes are reported speech: every statement needs a source. These rules catch the
constructions that hide one: agentless passives ("It was noted that..."), expert-opinion
verbs given to non-experts ("the adjuster opined"), "verbalized understanding" with no
content, and uncertainty words in the objective section.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..registry import Rule, register, text_of
from ..tokens import by_sentence, words
from .verbs import _PROVIDER, _subject, subject_type

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Finding

_SOURCE = "domain.md 2.3 (objectivity and attribution) and 3 (reporting verbs)"
_AGENTLESS_VERBS = {"note", "report", "state", "indicate", "relay", "discuss", "observe", "advise", "inform", "opine",
                    "say", "rumor", "rumour"}
# A sentence may open on a bare verb in telegraphic case-note style; for most verbs the elided subject is
# plain ("Discussed coping strategies" is the writer, "Reports stable housing" the client). For these,
# whose information could have come from anyone, it is not.
_BARE_START_VERBS = {"note", "state", "indicate", "relay", "opine"}
#: Verbs hidden behind an expletive "it" only: "It was determined that NCM is not needed" (by whom?), while "MMI
#: was determined on 10/05" names a finding.
_EXPLETIVE_VERBS = {"determine", "decide", "feel", "believe", "think", "agree", "conclude", "recommend"}
#: Adverbs that pass on hearsay without its source: "Reportedly, he had been horsing around".
_HEARSAY_ADVERBS = {"reportedly", "purportedly"}
#: Idioms that pass on hearsay: "Word is that the employer filled his position", "Rumor has it that ...".
_HEARSAY_IDIOM = re.compile(
    r"(?i)\b(?:(?:the\s+)?word\s+is|rumou?r\s+(?:has\s+it|is)|word\s+on\s+the\s+street\s+is)\b(?=\s+that\b|,)"
    # an unnamed crowd as the source: "Co-workers are saying he plans to quit", "someone said"
    r"|\b(?:co-?workers|people|someone|somebody|others)\s+(?:are\s+|were\s+|have\s+been\s+)?(?:saying|say|said)"
    r"\s+(?:that|he|she|they|the)\b"
    # "Per report, ..." with no report named
    r"|\bper\s+report\b(?!\s+(?:of|from|by|dated))")
#: Every idiom above holds one of these words; a note without any has no idiom to look for.
_IDIOM_WORDS = re.compile(r"(?i)\b(?:word|rumou?r|co-?workers|people|someone|somebody|others|per)\b")
#: Lemmas NA601 reads: its reporting verbs, and what `_participle_of` takes to an expletive verb ("determined"
#: tagged as an adjective keeps its -ed in the lemma).
_CANDIDATE_LEMMAS = frozenset(_AGENTLESS_VERBS | _EXPLETIVE_VERBS | {v + "d" for v in _EXPLETIVE_VERBS}
                              | {v + "ed" for v in _EXPLETIVE_VERBS} | {"felt", "thought", "believed"})
_OBJECTIVE_LABELS = ("objective", "data", "findings", "exam", "observation")
#: Short SOAP/DAP labels ("O:", "D:") compared whole, since as substrings they would match anything.
_OBJECTIVE_SHORT = {"o", "obj", "d", "pe"}


def _objective(label: str) -> bool:
    return label in _OBJECTIVE_SHORT or any(word in label for word in _OBJECTIVE_LABELS)


def _hypothetical(token) -> bool:
    """"if surgery is not advised", "unless it is reported": a condition or a negation reports nothing."""
    return any(c.dep_ == "neg" or (c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether")) for c in token.children)


def _sourced(sentence) -> bool:
    """The sentence names its source: "Per Dr. Ruiz's IME report, ...", "according to the PT note"."""
    words = [t.lower_ for t in sentence]
    return "per" in words or any(a == "according" and b == "to" for a, b in zip(words, words[1:]))


_PERSONS = {"worker", "claimant", "client", "patient", "employee", "iw", "employer", "adjuster", "supervisor",
            "mr.", "ms.", "mrs.", "mr", "ms", "mrs", "attorney", "manager", "i", "cm", "ncm"}
_PRONOUNS = {"he", "she", "they"}


def _expert(doc, subject, verb) -> bool:
    """Whether whoever opined is a physician, examiner or report: the subject itself; a title the parser left
    outside the subject ("CAUSATION.....Dr. Raman opined"); the physician named after a field label the parser
    took for the subject ("Causation and MMI: Dr. Carvalho opined"); or, for "he"/"she", the nearest person
    mentioned before it ("Gave Dr. Marsh the job description. She opined...")."""
    if subject_type(subject) in ("provider", "record"):
        return True
    if subject.i > 0 and doc[subject.i - 1].lower_.rstrip(".") in ("dr", "doctor"):
        return True
    structure = doc._.note.structure if doc._.note is not None else None
    zones = structure.label_zones() if structure is not None else []
    zone = next(((zs, ze) for zs, ze in zones if zs <= subject.idx < ze), None)
    if zone is not None:
        return any(t.lower_ in _PROVIDER for t in doc[subject.i:verb.i] if t.idx >= zone[1])
    if subject.lower_ in _PRONOUNS:
        return _antecedent_is_expert(doc, subject)
    return False


_OTHER_GENDER = {"he": {"ms.", "mrs.", "ms", "mrs", "she", "her", "woman", "mother"},
                 "she": {"mr.", "mr", "he", "him", "his", "man", "father"}}


def _antecedent_is_expert(doc, pronoun) -> bool:
    """"He"/"she": the subject of the sentence before, when it has one ("Dr. Whitcombe examined her. He
    opined..." / "The adjuster said UR received the RFA from Dr. Chukwu. He opined..."); else the nearest
    person mentioned before it, skipping the other gender's words."""
    start = pronoun.sent.start
    if start > 0:
        previous = doc[start - 1].sent
        subject = next((c for c in previous.root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.lower_ not in _PRONOUNS:
            # "Dr. Morrow's diagnosis is a sprain. He opined...": the possessor is who "he" is.
            owners = [c for c in subject.children if c.dep_ == "poss"]
            return any(subject_type(t) == "provider" or (t.i > 0 and doc[t.i - 1].lower_.rstrip(".") in ("dr", "doctor"))
                       for t in (subject, *owners))
    skip = _OTHER_GENDER.get(pronoun.lower_, set())
    for t in reversed(doc[max(0, pronoun.i - 80):pronoun.i]):
        if t.lower_ in skip:
            continue
        if t.lower_ in _PROVIDER:
            return True
        if t.lower_ in _PERSONS:
            return False
    return False


def _question(sentence) -> bool:
    # From the end, not `sentence.text`: building the text of a long sentence for each verb was quadratic.
    for i in range(len(sentence) - 1, -1, -1):
        if not sentence[i].is_space:
            return sentence[i].text.endswith("?")
    return False


#: Verbs of seeing: "wheezing is noted", "no leaks were observed" state a finding, like "is present".
_OBSERVATION_VERBS = {"note", "observe"}
#: Sections and fields whose findings are the examiner's or operator's own: an exam, the objective part of a
#: SOAP note, a procedure the writer performed, a test's findings.
_FINDINGS_LABELS = ("objective", "exam", "findings", "observation", "procedure", "operation", "operative",
                    "technique", "imaging", "radiograph", "x-ray", "ultrasound", "scan", "mri", "ct ", "laborator",
                    "vital", "mental status", "neurolog", "musculoskeletal", "extremit", "skin", "heent", "lungs",
                    "chest", "abdomen", "cardiovascular", "heart", "general", "system", "impression",
                    "respiratory", "cardiac", "pelvic", "rectal", "genitourinary", "psychiatric", "eyes", "ears",
                    "throat", "neck", "lymph", "breast", "thyroid", "vascular", "pulses", "ventriculogra",
                    "angiogra", "catheterization", "coronary", "artery", "echocardiogra", "results", "gross",
                    "microscopic", "specimen", "constitutional")
_PROCEDURE_LABELS = ("procedure", "operation", "operative", "technique")
#: Tests and records that name where a finding comes from when the sentence mentions them.
_TEST_WORDS = {"ct", "mri", "x-ray", "x-rays", "xray", "radiograph", "radiographs", "scan", "scans", "ultrasound",
               "ekg", "ecg", "eeg", "emg", "ncs", "echocardiogram", "biopsy", "culture", "cultures", "labs",
               "laboratory", "imaging", "study", "studies", "examination", "exam", "fluoroscopy", "arthroscopy",
               "laparoscopy", "endoscopy", "colonoscopy", "intraoperatively", "angiogram", "myelogram", "film",
               "films", "pathology", "egd", "palpation", "auscultation", "inspection", "angiography",
               "catheterization", "fluoroscopic"}
#: Modal auxiliaries: "It should be noted that..." is the writer drawing attention, not a report of who noted.
_MODALS = {"should", "must", "may", "might", "can", "could", "would", "will", "shall"}


def _findings_label(label: str) -> bool:
    label = f"{label} "
    return _objective(label.strip()) or any(word in label for word in _FINDINGS_LABELS)


def _topic(doc, offset: int) -> str:
    """The label the text at `offset` is written under: the nearest heading or "LABEL: value" field before it.
    Transcriptions and exports often open a section with a field ("PROCEDURE: The patient was...") and go on
    in paragraphs below it, which belong to that label until the next one."""
    structure = doc._.note.structure if doc._.note is not None else None
    return structure.label_at(offset) if structure is not None else ""


def _in_findings(doc, offset: int) -> bool:
    """The offset is under a findings heading or field ("PHYSICAL EXAMINATION:", "LUNGS: ...")."""
    return _findings_label(_topic(doc, offset))


def _in_procedure(doc, offset: int) -> bool:
    return any(word in _topic(doc, offset) for word in _PROCEDURE_LABELS)


def _finding_statement(token) -> bool:
    """"Expiratory wheezing is noted", "The retina was noted to be attached", "No leaks were observed": the
    passive subject is the finding itself, not an expletive "it" introducing someone's statement."""
    if token.lemma_.lower() not in _OBSERVATION_VERBS:
        return False
    subject = next((c for c in token.children if c.dep_ == "nsubjpass"), None)
    if subject is None or subject.lower_ in ("it", "this", "that"):
        return False
    return not any(c.dep_ in ("ccomp", "csubj") for c in token.children)


def _finding_subject(token) -> bool:
    subject = next((c for c in token.children if c.dep_ == "nsubjpass"), None)
    return subject is not None and subject.lower_ not in ("it", "this", "that") and not any(
        c.dep_ in ("ccomp", "csubj") for c in token.children)


#: Imaging and other read studies, where graded certainty ("appears stable") is the reading itself.
_IMAGING = {"ct", "mri", "x-ray", "x-rays", "xray", "radiograph", "radiographs", "scan", "scans", "ultrasound",
            "echocardiogram", "angiogram", "myelogram", "film", "films", "imaging", "mammogram", "fluoroscopy",
            "radiology", "pet", "pet/ct", "sonogram", "doppler", "venogram"}


def _imaging(doc, token) -> bool:
    """The word is in an imaging study's reading: under an imaging label, or in a sentence naming the study."""
    label = _topic(doc, token.idx)
    return any(word in _IMAGING for word in re.split(r"[\s/]+", label)) or any(
        t.lower_ in _IMAGING for t in token.sent)


def _clinical_sense(token) -> bool:
    """Senses of the reporting verbs that report nothing: "surgery is indicated" (warranted), "he was observed
    in the ICU" (monitored), and the writer's own present advice ("the patient is advised to...")."""
    lemma = token.lemma_.lower()
    children = {c.dep_ for c in token.children}
    if lemma == "indicate":
        return not children & {"ccomp", "xcomp", "csubj"}
    if lemma == "observe" and not children & {"ccomp", "xcomp", "csubj", "oprd"}:
        subject = next((c for c in token.children if c.dep_ == "nsubjpass"), None)
        return subject is not None and subject.lower_ in ("patient", "he", "she", "they", "worker", "client")
    if lemma in ("advise", "inform"):
        aux = [c for c in token.children if c.dep_ == "auxpass"]
        return bool(aux) and aux[0].tag_ in ("VBZ", "VBP")
    return False


def _with_counterpart(token, facts: _SentenceFacts) -> bool:
    """"The plan was discussed with the patient": the writer's own conversation, and it names the other side."""
    return token.lemma_.lower() == "discuss" and facts.governs_after(token, "with")


def _participle_of(token) -> str:
    """The verb a participle belongs to, also when the tagger read it as an adjective ("determined")."""
    lemma = token.lemma_.lower()
    if token.pos_ == "ADJ" and lemma.endswith("ed"):
        return {"felt": "feel", "thought": "think", "believed": "believe"}.get(lemma, lemma[:-1] if lemma[:-1] in _EXPLETIVE_VERBS else lemma[:-2])
    return lemma


def _expletive_passive(token) -> bool:
    """ "It was determined that ...": "it", a form of "be", the participle and a that-clause, no "by" agent (read
    from the words as well as the parse: the tagger often takes "determined" for an adjective)."""
    doc = token.doc
    if token.tag_ != "VBN" and token.pos_ != "ADJ":
        return False
    before = [t.lower_ for t in doc[max(0, token.i - 3):token.i]]
    if not before or before[-1] not in ("was", "is", "been", "were"):
        return False
    if "it" not in before[-3:]:
        return False
    deps = {c.dep_ for c in token.children}
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    return "agent" not in deps and ("ccomp" in deps or (nxt is not None and nxt.lower_ == "that"))


#: What an examiner sees as such: "appears normal", "appears his stated age", "appears well developed" ("appears
#: comfortable" is an impression the labelled notes want described).
_SEEN_AS_SUCH = {"normal", "unremarkable", "intact", "age", "stated", "symmetric", "symmetrical", "developed",
                 "nourished"}


def _observation_itself(token) -> bool:
    """ "Appears normal on inspection", "appears his stated age": the appearance is the finding, nothing to
    describe instead."""
    window = token.doc[token.i + 1:min(len(token.doc), token.i + 5)]
    return any(t.lower_ in _SEEN_AS_SUCH for t in window)


class _SentenceFacts:
    """What NA601 asks of a verb's sentence, worked out once per sentence instead of once per verb."""

    def __init__(self, sentence):
        self.sentence = sentence
        self._sourced: bool | None = None
        self._tests: list[int] | None = None
        self._words: dict[str, list[int]] = {}

    @property
    def sourced(self) -> bool:
        if self._sourced is None:
            self._sourced = _sourced(self.sentence)
        return self._sourced

    def governs_after(self, token, word: str) -> bool:
        """`word` (lower case) is in `token`'s subtree after it. From the sentence's few occurrences of the
        word, not by walking the subtree: a verb's subtree can be the rest of a long sentence, and walking it
        for every verb was quadratic ("it was noted " 1,500 times: 150 s)."""
        if word not in self._words:
            self._words[word] = [t.i for t in self.sentence if t.lower_ == word]
        doc = self.sentence.doc
        return any(token.i < i <= token.right_edge.i and token.is_ancestor(doc[i]) for i in self._words[word])

    def names_a_test(self, token) -> bool:
        """A finding statement in a sentence that names the test or study it comes from ("the CT ... cellulitis
        was noted"): a test word in the sentence other than `token`."""
        if self._tests is None:
            self._tests = [t.i for t in self.sentence if t.lower_ in _TEST_WORDS][:2]
        return any(i != token.i for i in self._tests)


@register
class AgentlessReporting(Rule):
    code = "NA601"
    name = "agentless-reporting"
    category = "attribution"
    severity = "warning"
    reads = frozenset({"token.pos", "token.tag", "token.lemma", "token.dep", "doc.sents"})
    scope = "sentence"
    summary = "A reporting verb with no one doing the reporting (\"It was noted that...\")."
    explanation = (
        "\"It was noted that the worker is improving\" does not say who noted it, or where: the case manager's "
        "own observation, the physician's exam, or a record. QA reviewers and adjusters weigh a statement by "
        "its source, so name it: \"Dr. Lee documented...\", \"I observed...\", \"The 11/02 PT note records...\". "
        "The rule flags passive reporting verbs (noted, reported, stated, indicated, relayed, discussed...) with "
        "no \"by\" agent, \"It was determined (decided, felt) that...\", hearsay passed on as \"Reportedly, ...\" with "
        "no source in the sentence, and sentences that start with a bare \"Noted\", \"Stated\", \"Indicated\" or \"Relayed\". "
        "A telegraphic \"Discussed coping strategies\" is left alone: its subject, the writer, is plain."
    )
    bad = "It was noted that the worker is tolerating modified duty."
    good = "The employer's supervisor reported that the worker is tolerating modified duty."
    source = _SOURCE

    def check(self, doc: Doc) -> Iterable[Finding]:
        # Sentence by sentence: `token.sent` and `_sourced` each scan the whole sentence, so calling them for
        # every verb was quadratic in a long sentence ("it was noted" 7,000 times: 30 s). Only the sentences
        # holding one of the rule's words (or, for the idioms, one of theirs) are read at all.
        known_type = doc._.note is not None and doc._.note.note_type is not None
        idioms = known_type and _IDIOM_WORDS.search(text_of(doc)) is not None
        index = words(doc)
        candidates = sorted({*index.lemma(_CANDIDATE_LEMMAS), *index.lower(_HEARSAY_ADVERBS)})
        if idioms:
            wanted = set(candidates)
            groups = ((sentence, [t for t in sentence if t.i in wanted]) for sentence in doc.sents)
        else:
            groups = by_sentence(doc, candidates)
        for sentence, tokens in groups:
            facts = _SentenceFacts(sentence)
            idiom = _HEARSAY_IDIOM.search(sentence.text) if idioms else None
            # "Per report" reads as a source to the sourcing check, and names none.
            if idiom and (not facts.sourced or idiom.group(0).lower().startswith("per")):
                start = sentence.start_char + idiom.start()
                yield self.finding(doc, start, sentence.start_char + idiom.end(),
                                   f'"{idiom.group(0)}" passes on hearsay without its source; say who said it',
                                   ["[name] told me that", "per [name]"])
            for token in tokens:
                # Hearsay markers are a case-management standard (domain guide 2.4); a clinician's history
                # ("reportedly caused shortness of breath") is the patient's account by convention.
                if token.lower_ in _HEARSAY_ADVERBS and not facts.sourced and known_type:
                    yield self.finding(
                        doc, token.idx, token.idx + len(token.text),
                        f'"{token.text}" passes on an account without its source; say who reported it',
                        ["per [name]", "[name] reported that", "according to [record, date]"])
                    continue
                # In a procedure the writer performed, "it was felt that another suture should be placed" is
                # the operator's own judgement.
                if token.pos_ in ("VERB", "AUX", "ADJ") and _participle_of(token) in _EXPLETIVE_VERBS and \
                        _expletive_passive(token) and not facts.sourced and not _in_procedure(doc, token.idx) \
                        and known_type:
                    yield self.finding(
                        doc, token.idx, token.idx + len(token.text),
                        f'"It was {token.text}" hides who {token.text} it; name the person or the record',
                        [f"Dr. [name] {token.text}", f"the adjuster and I {token.text}", "[record, date] documents"])
                    continue
                if token.pos_ not in ("VERB", "AUX") or token.lemma_.lower() not in _AGENTLESS_VERBS:
                    continue
                children = {c.dep_ for c in token.children}
                passive = ("auxpass" in children and "agent" not in children and not facts.sourced
                           and not _hypothetical(token) and not self._quiet_passive(doc, token, facts))
                # A field's value opens a sentence too: "other=Noted that he...", "Obs: Noted that...".
                opens = token.i == sentence.start or doc[token.i - 1].text in (":", "=")
                subjects = {c.dep_ for c in token.children if c.is_alpha}
                bare_start = (opens and token.tag_ in ("VBN", "VBD")
                              and token.lemma_.lower() in _BARE_START_VERBS and not subjects & {"nsubj", "nsubjpass"})
                if passive or bare_start:
                    yield self.finding(
                        doc, token.idx, token.idx + len(token.text),
                        f'"{token.text}" has no one doing it; name who {token.text.lower()} it or the record it is in',
                        [f"Dr. [name] {token.text}", "I observed", "[record, date] documents"],
                    )

    @staticmethod
    def _quiet_passive(doc: Doc, token, facts: _SentenceFacts) -> bool:
        """Passives whose source is plain, or that report nothing: a modal "it should be noted that" (the
        writer drawing attention), a finding stated in an exam, procedure or test context, the clinical senses
        ("surgery is indicated"), and a discussion with a named person."""
        if any(c.dep_ == "aux" and c.lower_ in _MODALS for c in token.children):
            return True
        if _clinical_sense(token) or _with_counterpart(token, facts):
            return True
        # In a clinician's own text (no case-management note type), "the patient was advised", "risks were
        # discussed" are the writer's own counselling, and "reported in the literature" names its source.
        if doc._.note is not None and doc._.note.note_type is None:
            if token.lemma_.lower() in ("advise", "discuss", "inform") or facts.governs_after(token, "literature"):
                return True
            # A clinician's passive findings ("atelectasis is noted", "counts were reported as correct") state
            # what was found; only "it was noted/stated that ..." hides whose statement it is.
            if not any(c.dep_ in ("nsubjpass", "expl") and c.lower_ == "it" for c in token.children):
                return True
        if _finding_statement(token):
            # "Good hemostasis was noted", "No effusion is noted": a finding, stated as found (like "there is");
            # the rule is about reported propositions ("It was noted that...") whose source is hidden.
            return True
        if token.lemma_.lower() == "report" and _finding_subject(token) and facts.names_a_test(token):
            return True  # "Cultures were reported positive", "the frozen section sent to pathology was reported"
        if token.lemma_.lower() in _OBSERVATION_VERBS:
            # In a procedure the writer performed, "it was noted that..." is the operator's own finding.
            return _in_procedure(doc, token.idx)
        return False


@register
class OpinedByNonExpert(Rule):
    code = "NA602"
    name = "opined-by-non-expert"
    category = "attribution"
    severity = "warning"
    reads = frozenset({"token.pos", "token.lemma", "token.dep"})
    scope = "sentence"
    summary = "\"Opined\" given to someone who is not a physician, examiner or expert report."
    explanation = (
        "\"Opined\" marks a formal expert opinion: a physician or IME on causation, MMI, impairment or work "
        "capacity. Written of the worker, the employer, the adjuster or the case manager it overstates what "
        "was said and blurs whose opinion counts. Use said, told, reported, or believes for them."
    )
    bad = "The employer opined that the worker could return to full duty next week."
    good = "The employer said the worker could return to full duty next week."
    source = _SOURCE

    def check(self, doc: Doc) -> Iterable[Finding]:
        # Sentence by sentence: `token.sent` scans the sentence, which per verb was quadratic in a long one.
        for sentence, tokens in by_sentence(doc, words(doc).lemma(["opine"])):
            for token in tokens:
                if token.pos_ != "VERB":
                    continue
                subject = _subject(token)
                if subject is None or _expert(doc, subject, token):
                    continue
                # A form's or a letter's question to the physician ("If you opine that...", "Did Dr. X opine...?")
                # and a condition or negation give no one's opinion.
                if subject.lower_ == "you" or _hypothetical(token) or _question(sentence):
                    continue
                # A subject on another line is the parser joining list items ("- Ibuprofen 600 mg" / "- Dr. X opined").
                if "\n" in text_of(doc)[min(subject.idx, token.idx):max(subject.idx, token.idx)]:
                    continue
                yield self.finding(doc, token.idx, token.idx + len(token.text),
                                   f'"{token.text}" is for a physician\'s or examiner\'s formal opinion, '
                                   f'not for "{subject.text}"', ["said", "reported", "believes"])


@register
class VerbalizedUnderstanding(Rule):
    code = "NA603"
    name = "verbalized-understanding"
    category = "attribution"
    severity = "warning"
    reads = frozenset({"token.lemma", "doc.sents"})
    scope = "sentence"
    summary = "\"Verbalized understanding\" without what was understood."
    explanation = (
        "\"Verbalized understanding\" records a yes to \"Do you understand?\", which is weak evidence. Teach-back "
        "(AHRQ, AAFP) asks the person to explain the instructions in their own words; document what was taught "
        "back. The rule stays quiet when the sentence says what was understood (\"verbalized understanding of "
        "the 10 lb lifting limit\") or how it was shown (\"by repeating...\")."
    )
    bad = "Reviewed restrictions with the worker, who verbalized understanding."
    good = "Reviewed restrictions with the worker, who repeated back the 10 lb lifting limit and no overhead reaching."
    source = _SOURCE

    def check(self, doc: Doc) -> Iterable[Finding]:
        # Sentence by sentence, and only the next word: reading the rest of the sentence for each
        # "verbalized understanding" was quadratic in a long sentence.
        for sentence, tokens in by_sentence(doc, words(doc).lemma(["verbalize", "verbalise"])):
            for token in tokens:
                if token.i + 1 >= len(doc):
                    continue
                following = doc[token.i + 1]
                if following.lower_ not in ("understanding", "understanding."):
                    continue
                content = next((t for t in doc[following.i + 1:sentence.end] if not t.is_punct), None)
                if content is not None and content.lower_ in ("of", "that", "about", "by", "regarding", "and", "when",
                                                              "how"):
                    continue
                yield self.finding(doc, token.idx, following.idx + len(following.text),
                                   "say what was understood and how it was shown (teach-back)",
                                   ["repeated back [what] correctly", "described [what] in own words"])


@register
class UncertaintyInObjective(Rule):
    code = "NA604"
    name = "uncertainty-in-objective"
    category = "attribution"
    severity = "warning"
    reads = frozenset({"token.lemma", "token.dep"})
    scope = "field"
    summary = "\"Seems\", \"appears\" or \"apparently\" in an objective section."
    explanation = (
        "The objective section holds what was observed or measured. \"Appears in pain\" or \"seems anxious\" "
        "adds an impression without the fact behind it; describe what was seen (\"grimaced when reaching "
        "overhead\", \"spoke quickly and paced\") or move the impression to the assessment. Checked in "
        "case-management notes; a clinician's own examination (text with no note type) is left alone."
    )
    bad = ("S: Client reports pain 6/10.\nO: Client appears to be in pain and seems anxious.\n"
           "A: Pain limits her shifts.\nP: NCM will call Dr. Lee on Friday.")
    good = ("S: Client reports pain 6/10.\nO: Client grimaced when lifting the right arm and paced during the visit.\n"
            "A: Pain limits her shifts.\nP: NCM will call Dr. Lee on Friday.")
    source = _SOURCE

    def check(self, doc: Doc) -> Iterable[Finding]:
        # The objective-section standard is the case manager's (domain guide 2.4); in a clinician's own text
        # (no case-management note type) "mood appeared euthymic" is how an examination is written.
        if doc._.note.note_type is None:
            return
        structure = doc._.note.structure
        fields = [b for b in structure.fields() if _objective(b.label)]
        index = words(doc)
        for i in sorted({*index.lemma(["appear", "seem"]), *index.lower(["apparently"])}):
            token = doc[i]
            lemma = token.lemma_.lower()
            if lemma == "appear":
                # "appeared for the appointment" attends; only the linking sense judges.
                if not any(c.dep_ in ("xcomp", "acomp", "attr", "oprd") for c in token.children):
                    continue
            elif lemma != "seem" and token.lower_ != "apparently":
                continue
            section = structure.section_at(token.idx)
            in_section = section is not None and _objective(section.label)
            in_field = any(b.value_start <= token.idx < b.end for b in fields)
            if (in_section or in_field) and not _imaging(doc, token) and not _observation_itself(token):
                yield self.finding(doc, token.idx, token.idx + len(token.text),
                                   f'"{token.text}" in an objective section; describe what was observed',
                                   ["describe the observed behaviour", "move the impression to the assessment"])
