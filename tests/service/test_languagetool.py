"""The LanguageTool-compatible endpoint (/v2) over HTTP, as LanguageTool clients call it.

The app here is the router alone, with the session's linter in `app.state.linter`: the service mounts the
same router (and sets the same state). Every answer is compared with the engine's own findings, so the
endpoint can only reshape findings, never invent or drop them unasked.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from noteassist.lint import LintConfig, Linter
from noteassist.service.languagetool import (
    ISSUE_TYPES,
    LtCheckResult,
    LtMatch,
    is_form_encoded,
    parse_body,
    router,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def make_app(linter, **state) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    app.state.linter = linter
    for name, value in state.items():
        setattr(app.state, name, value)
    return app


@pytest.fixture(scope="module")
def client(linter):
    return TestClient(make_app(linter))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def from_utf16(text: str, offset: int, length: int) -> str:
    """The substring a client holding `text` in UTF-16 (Java, LibreOffice) sees at offset/length."""
    units = text.encode("utf-16-le")
    return units[2 * offset:2 * (offset + length)].decode("utf-16-le")


def rules(answer: dict) -> list[str]:
    return [m["rule"]["id"] for m in answer["matches"]]


def post(client, body: str | bytes, headers=FORM, **kwargs):
    return client.post("/v2/check", content=body.encode() if isinstance(body, str) else body, headers=headers,
                       **kwargs)


# -- the match object --------------------------------------------------------------------------------------


def test_form_post_answers_the_whole_languagetool_match_object(client, linter):
    text = "Pt refused PT today. SSN 123-45-6789 on file."
    response = client.post("/v2/check", data={"language": "en-US", "text": text})
    assert response.status_code == 200
    answer = response.json()
    assert set(answer["software"]) >= {"name", "version", "buildDate", "apiVersion", "premium", "status"}
    assert answer["software"]["apiVersion"] == 1 and answer["software"]["premium"] is False
    assert answer["language"]["code"] == "en-US" and answer["language"]["name"] == "English (US)"
    assert set(answer["language"]["detectedLanguage"]) >= {"name", "code", "confidence"}
    # The same findings as the engine's, in its order: the endpoint reshapes, it does not re-lint.
    assert rules(answer) == [f.rule for f in linter.lint_text(text).findings] == ["NA402", "NA901"]
    # The answer is what /openapi.json declares, field for field.
    assert LtCheckResult.model_validate(answer).model_dump() == answer
    for match in answer["matches"]:
        assert set(match) == set(LtMatch.model_fields)
        assert set(match) >= {"message", "shortMessage", "replacements", "offset", "length", "context",
                              "sentence", "type", "rule"}
        assert set(match["context"]) == {"text", "offset", "length"}
        assert set(match["type"]) == {"typeName"}
        assert set(match["rule"]) >= {"id", "description", "issueType", "category"}
        assert set(match["rule"]["category"]) == {"id", "name"}
        assert all(set(r) == {"value"} for r in match["replacements"])
        assert match["rule"]["id"] in match["shortMessage"]  # LibreOffice shows no rule id otherwise
        context = match["context"]
        assert context["text"][context["offset"]:context["offset"] + context["length"]] == \
            text[match["offset"]:match["offset"] + match["length"]]
    refused, ssn = answer["matches"]
    assert text[refused["offset"]:refused["offset"] + refused["length"]] == "refused"
    assert refused["rule"] == {
        "id": "NA402", "description": refused["rule"]["description"], "issueType": "style",
        "category": {"id": "STIGMATIZING_LANGUAGE", "name": "Stigmatizing language"}}
    assert refused["sentence"] == "Pt refused PT today."
    assert refused["replacements"][0] == {"value": "declined"}
    # Advice that is not replacement text stays in the message, out of the one-click replacements.
    assert "(+ stated reason)" in refused["message"]
    assert all("(" not in r["value"] for r in refused["replacements"])
    # The safe fix comes first: a client's correct() applies it.
    assert ssn["replacements"][0] == {"value": "XXX-XX-6789"} and ssn["rule"]["issueType"] == "legal"


def test_do_not_use_abbreviation_is_terminology_with_its_fix(client):
    text = "Take 1 tab QD with food."
    answer = client.post("/v2/check", data={"language": "en-US", "text": text}).json()
    (match,) = [m for m in answer["matches"] if m["rule"]["id"] == "NA501"]
    assert text[match["offset"]:match["offset"] + match["length"]] == "QD"
    # Not "misspelling": clients offer "add to dictionary" there, which would silence it for good.
    assert match["rule"]["issueType"] == "terminology"
    assert match["replacements"][0] == {"value": "daily"}


def test_every_category_has_a_languagetool_issue_type():
    from noteassist.lint import CATEGORIES

    assert set(ISSUE_TYPES) == set(CATEGORIES)


def test_document_level_finding_is_anchored_on_the_first_line(client, linter):
    text = "\n\nCalled claimant about her knee.\nClaimant said she is doing ok."
    assert any(f.rule == "NA101" and f.start == f.end == 0 for f in linter.lint_text(text).findings)
    answer = client.post("/v2/check", data={"language": "en-US", "text": text}).json()
    missing = [m for m in answer["matches"] if m["rule"]["id"] == "NA101"]
    assert missing
    for match in missing:
        assert text[match["offset"]:match["offset"] + match["length"]] == "Called claimant about her knee."
        assert match["rule"]["issueType"] == "omission"
        assert match["sentence"] == "Called claimant about her knee."


def test_note_level_finding_after_front_matter_underlines_the_first_body_line(client):
    text = "---\nnote_type: telephonic\n---\n  Called claimant about her knee.  \nShe said it is better."
    answer = client.post("/v2/check", data={"language": "en-US", "text": text}).json()
    spans = {text[m["offset"]:m["offset"] + m["length"]] for m in answer["matches"] if m["rule"]["id"] == "NA101"}
    assert spans == {"Called claimant about her knee."}


def test_empty_text_has_no_matches(client):
    answer = client.post("/v2/check", data={"language": "en-US", "text": "  \n"}).json()
    assert answer["matches"] == []


# -- how the request arrives -------------------------------------------------------------------------------

PARAGRAPH = "Pt 50% better & walking + no pain; she was non-compliant with 100%+ of her home exercises."


def test_raw_libreoffice_body_keeps_ampersand_plus_and_percent(client):
    # LibreOffice 7.4 posts `"text=" + paragraph + "&language=" + locale` as UTF-8, never percent-encoded.
    body = "text=" + PARAGRAPH + "&language=en-US"
    assert parse_body(body) == {"text": PARAGRAPH, "language": "en-US"}
    answer = post(client, body).json()
    (match,) = answer["matches"]
    assert PARAGRAPH[match["offset"]:match["offset"] + match["length"]] == "non-compliant"
    assert match["sentence"] == PARAGRAPH
    start = match["offset"] - 40
    assert match["context"]["text"] == "..." + PARAGRAPH[start:]  # cut 40 characters before, "..." marks it


def test_raw_body_with_credentials_after_the_text(linter):
    seen = []
    app = make_app(linter, authenticate_token=lambda key: seen.append(key) or object())
    body = "text=A & B=C + 5% non-compliant&language=en-US&username=lena&apiKey=tok_abc"
    assert parse_body(body) == {"text": "A & B=C + 5% non-compliant", "language": "en-US", "username": "lena",
                                "apiKey": "tok_abc"}
    answer = post(TestClient(app), body).json()
    assert rules(answer) == ["NA402"] and seen == ["tok_abc"]


def test_text_that_looks_like_parameters_inside_a_raw_body():
    # "&language=" inside the paragraph is text when what follows is not parameters alone.
    body = "text=She said & language=poor, non-compliant.&language=en-US"
    assert parse_body(body)["text"] == "She said & language=poor, non-compliant."


def test_raw_body_parsing_is_linear():
    import time

    body = "text=She said " + "&language=x y" * 80_000 + "&language=en-US"  # about a megabyte
    started = time.perf_counter()
    params = parse_body(body)
    assert time.perf_counter() - started < 1.0
    assert params["language"] == "en-US" and params["text"].endswith("&language=x y")
    # A value with a blank is the paragraph's, not a parameter LibreOffice added.
    assert parse_body("text=Pt a b&language=poor, non-compliant.&language=en-US")["text"] == \
        "Pt a b&language=poor, non-compliant."


def test_properly_encoded_body_is_decoded():
    from urllib.parse import urlencode

    body = urlencode({"text": PARAGRAPH, "language": "en-US"})
    assert is_form_encoded(body)
    assert parse_body(body) == {"text": PARAGRAPH, "language": "en-US"}
    assert not is_form_encoded("text=" + PARAGRAPH + "&language=en-US")


def test_json_labelled_form_body_is_read_as_a_form(client):
    # LTeX sends a form-encoded body with Content-Type: application/json.
    from urllib.parse import urlencode

    body = urlencode({"language": "en-US", "text": PARAGRAPH, "disabledRules": "WHITESPACE_RULE"})
    answer = post(client, body, headers={"Content-Type": "application/json"}).json()
    assert rules(answer) == ["NA402"]


def test_get_with_query_parameters_and_query_merged_with_body(client):
    answer = client.get("/v2/check", params={"language": "en-US", "text": "Pt refused care."}).json()
    assert rules(answer) == ["NA402"]
    answer = client.post("/v2/check?language=en-GB", data={"text": "Pt refused care."}).json()
    assert rules(answer) == ["NA402"] and answer["language"]["code"] == "en-GB"


def test_data_annotation_offsets_point_into_the_text_with_markup(client):
    parts = [{"markup": "<p>"}, {"text": "Pt "}, {"markup": "<b>"}, {"text": "refused"}, {"markup": "</b>"},
             {"text": " care."}, {"markup": "</p><p>", "interpretAs": "\n\n"}, {"text": "SSN 123-45-6789."},
             {"markup": "</p>"}]
    original = "".join(p.get("text", p.get("markup")) for p in parts)
    answer = client.post("/v2/check", data={"language": "en-US", "data": json.dumps({"annotation": parts})}).json()
    spans = {m["rule"]["id"]: original[m["offset"]:m["offset"] + m["length"]] for m in answer["matches"]}
    assert spans == {"NA402": "refused", "NA901": "123-45-6789"}
    # The sentence is the text as linted (markup read as its interpretAs), as LanguageTool gives it.
    assert {m["sentence"] for m in answer["matches"]} == {"Pt refused care.", "SSN 123-45-6789."}
    answer = client.post("/v2/check", data={"language": "en-US", "data": json.dumps({"text": "Pt refused."})}).json()
    assert rules(answer) == ["NA402"]


def test_offsets_count_utf16_code_units(client):
    text = "Visit 😀 with 𝔸lex 🏥: she was non-compliant and refused PT."
    answer = client.post("/v2/check", data={"language": "en-US", "text": text}).json()
    assert rules(answer) == ["NA402", "NA402"]
    found = [from_utf16(text, m["offset"], m["length"]) for m in answer["matches"]]
    assert found == ["non-compliant", "refused"]
    first = answer["matches"][0]
    assert first["offset"] == utf16_len(text[:text.index("non-compliant")]) == text.index("non-compliant") + 3
    context = first["context"]
    assert from_utf16(context["text"], context["offset"], context["length"]) == "non-compliant"


# -- what the request selects ------------------------------------------------------------------------------

TEXT = "Pt refused PT. SSN 123-45-6789 on file."


@pytest.mark.parametrize("params, expected", [
    ({}, ["NA402", "NA901"]),
    ({"disabledRules": "NA402,UPPERCASE_SENTENCE_START"}, ["NA901"]),
    ({"disabledRules": "judgmental-language"}, ["NA901"]),
    ({"disabledCategories": "STIGMATIZING_LANGUAGE,TYPOS"}, ["NA901"]),
    ({"disabledCategories": "privacy"}, ["NA402"]),
    ({"enabledRules": "NA901", "enabledOnly": "true"}, ["NA901"]),
    ({"enabledCategories": "STIGMATIZING_LANGUAGE", "enabledOnly": "true"}, ["NA402"]),
    ({"enabledRules": "MORFOLOGIK_RULE_EN_US", "enabledOnly": "true"}, []),
    ({"enabledRules": "NA901"}, ["NA402", "NA901"]),  # without enabledOnly: in addition to the defaults
])
def test_rule_and_category_selection(client, params, expected):
    answer = client.post("/v2/check", data={"language": "en-US", "text": TEXT, **params}).json()
    assert rules(answer) == expected


def test_level_picky_adds_info_findings(linter):
    quiet = Linter(LintConfig(severity={"NA402": "info"}), nlp=linter.pipeline.nlp)
    client = TestClient(make_app(quiet))
    assert rules(client.post("/v2/check", data={"language": "en-US", "text": TEXT}).json()) == ["NA901"]
    picky = client.post("/v2/check", data={"language": "en-US", "text": TEXT, "level": "picky"}).json()
    assert rules(picky) == ["NA402", "NA901"]
    assert picky["matches"][0]["type"] == {"typeName": "Hint"}
    named = client.post("/v2/check", data={"language": "en-US", "text": TEXT, "enabledRules": "NA402"}).json()
    assert rules(named) == ["NA402", "NA901"]


def test_language_auto_and_preferred_variants(client):
    answer = client.post("/v2/check", data={"language": "auto", "text": "She said the pain is less than it was."})
    detected = answer.json()["language"]["detectedLanguage"]
    assert detected["code"] == "en-US" and detected["confidence"] >= 0.9
    answer = client.post("/v2/check", data={"language": "auto", "preferredVariants": "de-DE,en-GB",
                                            "text": "Pt refused."}).json()
    assert answer["language"]["code"] == "en-GB" and rules(answer) == ["NA402"]
    gibberish = client.post("/v2/check", data={"language": "auto", "text": "Xqzt vrrp klm."}).json()
    assert gibberish["language"]["detectedLanguage"]["confidence"] < 0.5


@pytest.mark.parametrize("given, answered", [("en-US", "en-US"), ("EN_gb", "en-GB"), ("en", "en"),
                                             ("en-", "en"), ("en-IN", "en-IN")])
def test_any_english_variant(client, given, answered):
    # LibreOffice sends "en-" for a paragraph in plain English (no country); en-IN is English too.
    answer = post(client, f"text=Pt refused care.&language={given}").json()
    assert answer["language"]["code"] == answered and rules(answer) == ["NA402"]


def test_languages_list(client):
    response = client.get("/v2/languages")
    assert response.status_code == 200
    entries = response.json()
    assert all(set(e) == {"name", "code", "longCode"} for e in entries)
    assert {"name": "English (US)", "code": "en", "longCode": "en-US"} in entries
    assert {e["longCode"] for e in entries} >= {"en", "en-US", "en-GB"}


# -- browsers and errors -----------------------------------------------------------------------------------


def test_cors_preflight_and_headers(client):
    response = client.options("/v2/check", headers={"Origin": "chrome-extension://abcdef",
                                                    "Access-Control-Request-Method": "POST",
                                                    "Access-Control-Request-Headers": "content-type"})
    assert response.status_code in (200, 204)
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "content-type" in response.headers["access-control-allow-headers"].lower()
    answer = client.post("/v2/check", data={"language": "en-US", "text": "Pt refused."},
                         headers={"Origin": "moz-extension://xyz"})
    assert answer.headers["access-control-allow-origin"] == "*"
    assert client.get("/v2/languages").headers["access-control-allow-origin"] == "*"


def test_inside_the_service_cors_follows_allowed_origins(tmp_path):
    # Without its lifespan the app has not started loading the model: /v2 answers 503, CORS headers or not.
    from noteassist.service.app import create_app
    from noteassist.settings import Settings

    def service(**settings) -> TestClient:
        return TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", **settings)))

    data = {"language": "en-US", "text": "Pt refused."}
    default = service().post("/v2/check", data=data, headers={"Origin": "moz-extension://abc"})
    assert default.status_code == 503 and default.text.startswith("Error: The server is starting")
    assert default.headers["access-control-allow-origin"] == "*"
    only_page = service(allowed_origins=("https://notes.example",))
    refused = only_page.post("/v2/check", data=data, headers={"Origin": "moz-extension://abc"})
    assert "access-control-allow-origin" not in refused.headers
    preflight = only_page.options("/v2/check", headers={"Origin": "https://notes.example",
                                                        "Access-Control-Request-Method": "POST"})
    assert preflight.headers["access-control-allow-origin"] == "https://notes.example"


@pytest.mark.parametrize("params, status, message", [
    ({"language": "en-US"}, 400, "Error: Missing 'text' or 'data' parameter"),
    ({"text": "Pt refused."}, 400, "Error: Missing 'language' parameter"),
    ({"text": "Pt refused.", "language": "de-DE"}, 400, "Error: 'de-DE' is not a language code known"),
    ({"data": "{not json", "language": "en-US"}, 400, "Error: Could not parse JSON from 'data' parameter"),
    ({"data": '{"annotation": [{"bold": "x"}]}', "language": "en-US"}, 400, "Error: annotation[0] needs"),
    ({"text": "x", "language": "en-US", "enabledOnly": "true"}, 400,
     "Error: You must specify enabled rules or categories"),
    ({"text": "x", "language": "en-US", "enabledOnly": "true", "enabledRules": "NA402",
      "disabledRules": "NA901"}, 400, "Error: You cannot specify disabled rules"),
])
def test_errors_are_plain_text_like_languagetool(client, params, status, message):
    response = client.post("/v2/check", data=params)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith(message)


def test_half_a_utf16_pair_is_no_server_error(client):
    # JSON escapes can carry a lone surrogate, which no UTF-8 answer can hold; it reads as U+FFFD.
    data = json.dumps({"annotation": [{"text": "Pt \ud800 refused care."}]}, ensure_ascii=True)
    answer = client.post("/v2/check", data={"language": "en-US", "data": data})
    assert answer.status_code == 200
    (match,) = answer.json()["matches"]
    assert match["offset"] == 5 and "\ufffd" in match["context"]["text"]
    wrong = post(client, '{"language": "\\udc00", "text": "x"}', headers={"Content-Type": "application/json"})
    assert wrong.status_code == 400 and wrong.text.startswith("Error: '\ufffd' is not a language code")


def test_text_over_the_note_limit_is_413(linter):
    small = Linter(LintConfig(max_note_chars=100), nlp=linter.pipeline.nlp)
    response = TestClient(make_app(small)).post("/v2/check", data={"language": "en-US", "text": "word " * 40})
    assert response.status_code == 413
    assert response.text == ("Error: Your text exceeds the limit of 100 characters (it's 200 characters). "
                             "Please submit a shorter text.")


# -- tokens ------------------------------------------------------------------------------------------------


def test_api_key_is_a_noteassist_token(linter):
    users = {"tok_good": SimpleNamespace(id=1)}
    app = make_app(linter, authenticate_token=users.get,
                   settings=SimpleNamespace(languagetool_requires_token=True))
    client = TestClient(app)
    data = {"language": "en-US", "text": "Pt refused."}
    response = client.post("/v2/check", data=data)
    assert response.status_code == 401 and response.text.startswith("Error: Authentication required")
    response = client.post("/v2/check", data={**data, "username": "lena", "apiKey": "tok_bad"})
    assert response.status_code == 401 and response.text.startswith("Error: Authentication failed")
    response = client.post("/v2/check", data={**data, "username": "lena", "apiKey": "tok_good"})
    assert response.status_code == 200 and rules(response.json()) == ["NA402"]


def test_anonymous_when_no_token_is_required(linter):
    app = make_app(linter, authenticate_token={}.get, settings=SimpleNamespace(languagetool_requires_token=False))
    client = TestClient(app)
    assert client.post("/v2/check", data={"language": "en-US", "text": "Pt refused."}).status_code == 200
    # A key that is given is still checked: a wrong one is not silently ignored.
    response = client.post("/v2/check", data={"language": "en-US", "text": "Pt refused.", "apiKey": "nope"})
    assert response.status_code == 401


# -- what each client sends ---------------------------------------------------------------------------------

MARKDOWN = [{"markup": "# "}, {"text": "Call with Ms. Brooks"}, {"markup": "\n\n- ", "interpretAs": "\n\n• "},
            {"text": "Pt refused PT."}, {"markup": "\n- ", "interpretAs": "\n• "}, {"text": "SSN 123-45-6789."}]


@pytest.mark.parametrize("client_name, params, headers", [
    # Obsidian's LanguageTool plugin: encodeURIComponent form, data from annotatedtext-remark, language auto.
    ("obsidian", {"data": json.dumps({"annotation": MARKDOWN}), "language": "auto", "enabledOnly": "false",
                  "level": "default", "disabledCategories": "TYPOS", "preferredVariants": "en-US,de-DE"}, FORM),
    # LTeX: a form body labelled JSON, LanguageTool rule ids of its own, a mother tongue.
    ("ltex", {"data": json.dumps({"annotation": MARKDOWN}), "language": "en-US", "motherTongue": "de-DE",
              "disabledRules": "MORFOLOGIK_RULE_EN_US,WHITESPACE_RULE", "enabledRules": ""},
     {"Content-Type": "application/json"}),
    # The browser extension: auto-detection with its mode and hidden-rule flags.
    ("browser", {"data": json.dumps({"annotation": MARKDOWN}), "language": "auto", "noopLanguages": "de,fr",
                 "mode": "allButTextLevelOnly", "enableHiddenRules": "true", "allowIncompleteResults": "true",
                 "textSessionId": "123:456", "preferredVariants": "en-GB"}, FORM),
])
def test_real_client_request_shapes(client, client_name, params, headers):
    from urllib.parse import urlencode

    response = post(client, urlencode(params), headers=headers)
    assert response.status_code == 200, response.text
    original = "".join(part.get("text", part.get("markup")) for part in MARKDOWN)
    spans = [(m["rule"]["id"], original[m["offset"]:m["offset"] + m["length"]]) for m in response.json()["matches"]]
    assert ("NA402", "refused") in spans and ("NA901", "123-45-6789") in spans


def test_annotation_offsets_map_every_text_character_back():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from noteassist.service.languagetool import Annotated

    part = st.one_of(
        st.builds(lambda t: {"text": t}, st.text("ab😀", max_size=4)),
        st.builds(lambda m: {"markup": m}, st.text("<>/", max_size=3)),
        st.builds(lambda m, i: {"markup": m, "interpretAs": i}, st.text("<>", min_size=1, max_size=3),
                  st.text("\n ", max_size=2)),
    )

    @settings(max_examples=300, deadline=None, database=None)
    @given(st.lists(part, max_size=10))
    def check(parts):
        text = Annotated.of_data(json.dumps({"annotation": parts}))
        starts = [text.to_original(pos, is_end=False) for pos in range(len(text.plain) + 1)]
        ends = [text.to_original(pos, is_end=True) for pos in range(len(text.plain) + 1)]
        assert starts == sorted(starts) and ends == sorted(ends)
        for p_start, p_end, _, _, is_text in text.segments:
            for pos in range(p_start, p_end):
                if is_text:  # a character of a text part is the same character in the original
                    assert text.original[starts[pos]] == text.plain[pos]
                    assert text.original[ends[pos + 1] - 1] == text.plain[pos]

    check()


def test_no_body_makes_a_server_error(linter):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    client = TestClient(make_app(linter), raise_server_exceptions=False)
    names = st.sampled_from(["text", "data", "language", "enabledRules", "disabledCategories", "enabledOnly",
                             "level", "apiKey", "preferredVariants"])
    values = st.one_of(st.text(max_size=40), st.sampled_from(["en-US", "auto", "true", "picky", "NA402", "{}",
                                                               '{"annotation": [{"markup": 1}]}']))
    bodies = st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                       st.dictionaries(names, values, max_size=5).map(
                           lambda d: "&".join(f"{k}={v}" for k, v in d.items()).encode()))

    @settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(bodies, st.sampled_from(["application/x-www-form-urlencoded", "application/json", "text/plain"]))
    def check(body, content_type):
        response = client.post("/v2/check", content=body, headers={"Content-Type": content_type})
        assert response.status_code < 500, (body, response.text)
        if response.status_code != 200:
            assert response.text.startswith("Error: ")

    check()


def test_a_bare_app_builds_its_linter_once_from_the_settings(monkeypatch):
    import noteassist.service.languagetool as lt

    monkeypatch.setattr(lt, "_process_linter", None)
    monkeypatch.setattr(lt, "_process_settings", None)
    app = FastAPI()
    app.include_router(router)  # no app.state: neither a linter, settings nor the service runtime
    client = TestClient(app)
    for _ in range(2):
        assert rules(client.post("/v2/check", data={"language": "en-US", "text": "Pt refused."}).json()) == ["NA402"]
    built = lt._process_linter
    assert built is not None and lt._process_settings is not None
    client.post("/v2/check", data={"language": "en-US", "text": "Pt refused."})
    assert lt._process_linter is built
