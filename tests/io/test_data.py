"""Safe YAML and JSON: duplicate keys, alias bombs, depth, huge numbers, NaN and lone surrogates refused."""

from __future__ import annotations

import pytest

from noteassist.errors import FactsError, NoteInputError
from noteassist.io.data import MAX_DEPTH, load_data, load_json, load_yaml


def _error(func, text: str, **kwargs) -> str:
    with pytest.raises(NoteInputError) as exc:
        func(text, "f.yaml", **kwargs)
    message = str(exc.value)
    assert "\n" not in message
    return message


# --- YAML ------------------------------------------------------------------------------------------

def test_plain_yaml_loads_with_times_and_dates_kept_as_text() -> None:
    assert load_yaml("start_time: 10:30\ndate: 2026-11-20\nn: 12\nf: 1.5\nok: true\n", "f.yaml") == {
        "start_time": "10:30", "date": "2026-11-20", "n": 12, "f": 1.5, "ok": True}


def test_an_impossible_date_stays_text_for_the_schema_to_refuse() -> None:
    assert load_yaml("date_of_service: 2026-02-30\n", "f.yaml") == {"date_of_service": "2026-02-30"}


def test_a_key_given_twice_names_the_key_and_both_lines() -> None:
    text = "claim:\n  claim_number: WC-1\n  carrier: Acme\n  claim_number: WC-2\n"
    assert _error(load_yaml, text) == "f.yaml:4: duplicate key 'claim_number' (first given on line 2); keep one"


def test_lines_are_shifted_by_first_line() -> None:
    assert _error(load_yaml, "a: 1\na: 2\n", first_line=2).startswith("f.yaml:3: duplicate key 'a' (first given on line 2)")


def test_a_merge_key_may_be_overridden() -> None:
    text = "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  x: 3\n"
    assert load_yaml(text, "f.yaml")["other"] == {"x": 3, "y": 2}


def test_an_alias_bomb_is_refused_at_its_line() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(8):
        name, prev = chr(98 + level), chr(97 + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    message = _error(load_yaml, "\n".join(lines))
    assert message.startswith("f.yaml:")
    assert "expands to more than 100,000 values" in message


def test_too_many_aliases_are_refused() -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 101) + "]\n"
    assert "more than 100 aliases" in _error(load_yaml, text)


def test_a_few_aliases_are_fine() -> None:
    assert load_yaml("a: &a {n: 1}\nb: *a\nc: *a\n", "f.yaml")["c"] == {"n": 1}


def test_a_recursive_alias_is_refused() -> None:
    assert "refers to the node that contains it" in _error(load_yaml, "a: &a [1, *a]\n")


@pytest.mark.parametrize("text", ["[" * 100_000, "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)) + "  " * 60 + "v\n",
                                  "- " * 5_000 + "x\n"])
def test_deep_nesting_is_one_line_not_a_recursion_error(text: str) -> None:
    message = _error(load_yaml, text)
    assert "nested more than" in message or "nesting depth" in message


def test_nesting_through_aliases_counts_too() -> None:
    deep = "[" * 20 + "1" + "]" * 20
    text = f"a: &a {deep}\nb: {'[' * 20}*a{']' * 20}\n"
    assert f"nested more than {MAX_DEPTH} levels deep (through an alias)" in _error(load_yaml, text)


def test_nesting_to_the_limit_is_fine() -> None:
    text = "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1)
    assert load_yaml(text, "f.yaml") is not None


def test_a_5000_digit_integer_is_refused_not_a_value_error() -> None:
    assert _error(load_yaml, "n: " + "9" * 5000) == (
        "f.yaml:1: a whole number of more than 15 digits; quote it if it is an identifier")


def test_sixteen_digits_are_refused_fifteen_are_not() -> None:
    assert load_yaml("n: 999999999999999", "f.yaml") == {"n": 999_999_999_999_999}
    assert "more than 15 digits" in _error(load_yaml, "n: 1000000000000000")


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1.0e+400"])
def test_nan_and_infinity_are_refused(value: str) -> None:
    assert "finite number" in _error(load_yaml, f"mileage: {value}")


def test_a_lone_surrogate_escape_is_one_line() -> None:
    assert _error(load_yaml, 's: "\\ud800"').startswith("f.yaml:1:")


def test_syntax_errors_keep_the_invalid_yaml_form() -> None:
    assert _error(load_yaml, "a: [1, 2\n") == "f.yaml:2:1: invalid YAML: did not find expected ',' or ']'"


def test_the_callers_error_class_is_used() -> None:
    with pytest.raises(FactsError):
        load_yaml("a: 1\na: 2\n", "f.yaml", error=FactsError)


# --- JSON ------------------------------------------------------------------------------------------

def test_plain_json_loads() -> None:
    assert load_json('{"a": [1, 2.5, "x", null, true]}', "f.json") == {"a": [1, 2.5, "x", None, True]}


def test_a_duplicate_json_key_names_the_line_of_its_object() -> None:
    text = '{\n  "claim": {"claim_number": "WC-1",\n    "claim_number": "WC-2"},\n  "x": 1\n}'
    assert _error(load_json, text) == "f.yaml:2: duplicate key 'claim_number' in one object; keep one"


def test_a_duplicate_key_in_a_jsonl_row_names_the_row() -> None:
    assert _error(load_json, '{"text": "a", "text": "b"}', line=7) == (
        "f.yaml:7: duplicate key 'text' in one object; keep one")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_json_nan_and_infinity_are_refused(literal: str) -> None:
    assert "finite number" in _error(load_json, '{"mileage": %s}' % literal)


def test_a_huge_json_integer_is_refused_with_its_line() -> None:
    assert _error(load_json, '{\n"n": ' + "9" * 5000 + "}") == (
        "f.yaml:2: a whole number of more than 15 digits; quote it if it is an identifier")


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a":' * 40 + "1" + "}" * 40])
def test_deep_json_is_one_line(text: str) -> None:
    assert "nested more than 32 levels deep" in _error(load_json, text)


def test_a_lone_surrogate_in_json_is_refused() -> None:
    assert _error(load_json, '{"text": "a\\udc00b"}', line=3) == (
        "f.yaml:3: a lone surrogate (\\ud800-\\udfff) in a string; expected valid Unicode text")


def test_a_surrogate_pair_is_fine() -> None:
    assert load_json('{"t": "\\ud83d\\ude00"}', "f.json") == {"t": "\U0001F600"}


def test_json_syntax_error_keeps_line_and_column() -> None:
    assert _error(load_json, '{"a": 1,\n}') == "f.yaml:2:1: invalid JSON: Expecting property name enclosed in double quotes"


def test_load_data_picks_json_by_name_or_brace() -> None:
    assert load_data('{"a": 1}', "facts.yaml") == {"a": 1}
    assert load_data("a: 1", "facts.yaml") == {"a": 1}
    with pytest.raises(NoteInputError, match="invalid JSON"):
        load_data("a: 1", "facts.json")
