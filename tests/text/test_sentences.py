"""The one sentence segmentation (noteassist.text.sentences): what ends a sentence and what does not."""

from __future__ import annotations

import pytest

from noteassist.text.sentences import Sentences, clause_around, sentence_around, sentence_spans, split_sentences


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


@pytest.mark.parametrize("text", [
    "Seen by Dr. Lena Ortiz today.",
    "Mr. Haddad and Mrs. Jones met Ms. Lee at St. Luke's.",
    "Compared with last week vs. today the pain is less.",
    "Use heat, e.g. a heating pad, or ice, i.e. a cold pack.",
    "PT approx. 3 more weeks.",
    "Call back at 9 a.m. on Monday.",
    "Bed No. 4 in Rm. 210, seen Nov. 20, 2026.",
    "Claim No. WC-1402-3387 (Policy No. WCP-7781-20455) is open.",
    "Smith Jr. said he would call.",
    "Employer: Pine Hollow Lumber Co. (policy no. 88-4102) called.",
    "Report by J. Patel on the knee.",
    "Lena M. Ortiz, PhD, reviewed it.",
    "Meloxicam 7.5 mg daily and 0.5 mL drops.",
    "Next visit 11/20/2026 at 9:30 with Dr. Lee.",
    "Pain 6/10 at 14:05 and 3.5 hours of sleep.",
])
def test_abbreviations_initials_decimals_dates_and_times_do_not_end_a_sentence(text):
    assert sentences(text) == [text]


def test_a_credential_ends_a_sentence_before_the_next_one():
    text = "Met with Dr. Lena Ortiz, PhD. Dr. Ortiz reports improvement."
    assert sentences(text) == ["Met with Dr. Lena Ortiz, PhD.", "Dr. Ortiz reports improvement."]
    assert sentences("Seen by Ann Lee, M.D. She cleared him.") == ["Seen by Ann Lee, M.D.", "She cleared him."]
    assert sentences("Ann Lee, M.D. reviewed it.") == ["Ann Lee, M.D. reviewed it."]


def test_ordinary_sentence_ends():
    text = 'Worker said "no." She left. Why? Unknown! she will call back by Friday. 3 visits remain.'
    assert sentences(text) == ['Worker said "no."', "She left.", "Why?", "Unknown!", "she will call back by Friday.",
                               "3 visits remain."]


def test_a_time_or_a_score_before_the_period_ends_the_sentence():
    assert sentences("Asleep around 22:30. She woke at 6.") == ["Asleep around 22:30.", "She woke at 6."]
    assert sentences("Pain 6/10. Next visit soon.") == ["Pain 6/10.", "Next visit soon."]
    assert sentences("Call ended at 10:15 a.m. The worker will call back.") == [
        "Call ended at 10:15 a.m.", "The worker will call back."]


def test_an_abbreviation_before_a_capital_ends_a_sentence_unless_it_is_a_title():
    assert sentences("PT for 6 wks. She improved.") == ["PT for 6 wks.", "She improved."]
    assert sentences("PT for 6 wks. of care.") == ["PT for 6 wks. of care."]
    assert sentences("Back in Dec. She returns.") == ["Back in Dec.", "She returns."]
    assert sentences("Meloxicam 15 mg p.o. BID.") == ["Meloxicam 15 mg p.o. BID."]


def test_list_items_and_enumerators():
    assert sentences("1. Call Lisa back. 2. Update the adjuster.") == ["1. Call Lisa back.", "2. Update the adjuster."]
    assert sentences("Plan: 1. PT 2x/week. 2. Follow up.") == ["Plan: 1. PT 2x/week.", "2. Follow up."]
    text = "- Ibuprofen 600 mg. Take with food.\n* Ice 20 min"
    assert sentences(text) == ["- Ibuprofen 600 mg.", "Take with food.", "* Ice 20 min"]
    assert sentences("Pain was 6. 3 visits left.") == ["Pain was 6.", "3 visits left."]


def test_every_line_break_ends_a_sentence():
    text = "WORK STATUS\nModified duty\nPlan: call the adjuster\r\n\nNext visit in two weeks"
    assert sentences(text) == ["WORK STATUS", "Modified duty", "Plan: call the adjuster", "Next visit in two weeks"]


def test_spans_are_offsets_into_the_text_without_surrounding_space():
    text = "  Seen today.   She is better.  \n"
    spans = sentence_spans(text)
    assert spans == [(2, 13), (16, 30)]
    assert sentence_spans(text, 14) == [(16, 30)]
    assert sentence_spans("") == [] and sentence_spans(" \n\t") == []


def test_sentence_around_and_clause_around():
    text = "Seen by Dr. Lee today. Modified duty; plan to recheck in June.\nNext line."
    start = text.index("plan")
    assert text[slice(*sentence_around(text, start))] == "Modified duty; plan to recheck in June."
    assert text[slice(*clause_around(text, start, start + 4))] == " plan to recheck in June."
    duty = text.index("Modified")
    assert text[slice(*clause_around(text, duty))] == "Modified duty"
    # A span across two sentences gives both.
    assert text[slice(*sentence_around(text, text.index("today"), text.index("duty")))] == (
        "Seen by Dr. Lee today. Modified duty; plan to recheck in June.")


def test_sentences_look_ups():
    text = "She called. He said no.\nThird line here."
    split = split_sentences(text)
    assert isinstance(split, Sentences) and len(split) == 3 and list(split) == sentence_spans(text)
    assert split.index_at(0) == 0 and split.index_at(text.index("He")) == 1
    assert split.following(text.index("called"), same_line=True) == split[1]
    assert split.following(text.index("no"), same_line=True) is None  # a line break comes first
    assert split.following(text.index("no")) == split[2]
    assert split.following(text.index("Third")) is None
    assert split.starts == {0, text.index("He"), text.index("Third")}


def test_a_field_separator_ends_a_sentence_like_a_period():
    text = "12/02/2026 14:30 | Call to the employer re: light duty | Outcome: job offer by Friday."
    assert sentences(text) == ["12/02/2026 14:30 |", "Call to the employer re: light duty |",
                               "Outcome: job offer by Friday."]
    assert sentences("Claim WC-5 \u00b7 Worker: Ana Ruiz \u00b7 Adjuster: Lee") == [
        "Claim WC-5 \u00b7", "Worker: Ana Ruiz \u00b7", "Adjuster: Lee"]
    assert sentences("Strength 4|5 on the left.") == ["Strength 4|5 on the left."]


def test_an_initial_before_a_word_that_only_starts_sentences_ends_the_sentence():
    assert sentences("The form is marked with a large X. It was signed.") == [
        "The form is marked with a large X.", "It was signed."]
    assert sentences("He was moved to bed C. The nurse agreed.") == ["He was moved to bed C.", "The nurse agreed."]
    assert sentences("Seen with K. Ruiz and J. Oduya today.") == ["Seen with K. Ruiz and J. Oduya today."]
    assert sentences("Signed by A. B. Castro.") == ["Signed by A. B. Castro."]
