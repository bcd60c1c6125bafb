"""lint/source/envsubst.py: envsubst-style placeholders, left-alone syntaxes, unresolved names, column map."""

from __future__ import annotations

import pytest
from gie_lint.source.envsubst import substitute


@pytest.mark.parametrize(("text", "variables", "expected"), [
    ("ns: $NS", {"NS": "prod"}, "ns: prod"),
    ("ns: ${NS}", {"NS": "prod"}, "ns: prod"),
    ("ns: ${NS}-suffix", {"NS": "prod"}, "ns: prod-suffix"),
    ("ns: $NS-suffix", {"NS": "prod"}, "ns: prod-suffix"),
    ("ns: $NS_2x", {"NS": "prod", "NS_2x": "other"}, "ns: other"),  # the longest name is the variable
    ("ns: ${NS:-fallback}", {"NS": "prod"}, "ns: prod"),
    ("ns: ${NS-fallback}", {"NS": "prod"}, "ns: prod"),
    ("ns: ${NS}", {"NS": ""}, "ns: "),
    ("image: ${REG}/epp:${TAG}", {"REG": "r.io", "TAG": "v1"}, "image: r.io/epp:v1"),
    ("a: $_under_1", {"_under_1": "ok"}, "a: ok"),
])
def test_substitution(text: str, variables: dict[str, str], expected: str) -> None:
    result = substitute(text, variables)
    assert result.text == expected
    assert result.unresolved == {}


@pytest.mark.parametrize(("text", "variables", "expected"), [
    ("ns: ${NS:-dflt}", {}, "ns: dflt"),        # unset  -> default
    ("ns: ${NS:-dflt}", {"NS": ""}, "ns: dflt"),  # empty  -> default (`:-`)
    ("ns: ${NS-dflt}", {}, "ns: dflt"),         # unset  -> default
    ("ns: ${NS-dflt}", {"NS": ""}, "ns: "),       # empty  -> stays empty (`-`)
    ("ns: ${NS:-}", {}, "ns: "),
    ("ns: ${NS:-a b/c:d}", {}, "ns: a b/c:d"),
])
def test_defaults_unset_versus_empty(text: str, variables: dict[str, str], expected: str) -> None:
    result = substitute(text, variables)
    assert result.text == expected
    assert result.unresolved == {}


@pytest.mark.parametrize("text", [
    "args: [--ip=$(POD_IP)]",
    "value: $(NS)",
    "cmd: echo $$NS",
    "cmd: echo $${NS}",
    "price: 5$",
    "regex: ^a$",
    "x: $1 $- $@",
])
def test_left_alone(text: str) -> None:
    result = substitute(text, {"NS": "prod", "POD_IP": "1.2.3.4"})
    assert result.text == text
    assert result.unresolved == {}
    assert result.shifts == {}


def test_kubernetes_expansion_next_to_a_placeholder() -> None:
    result = substitute("args: $(POD_IP):$PORT", {"POD_IP": "x", "PORT": "9002"})
    assert result.text == "args: $(POD_IP):9002"


def test_unresolved_names_keep_their_first_line() -> None:
    text = "a: x\nb: $A\nc: ${B}\nd: $A ${C}\ne: ${B}\n"
    result = substitute(text, {})
    assert result.unresolved == {"A": (2, 4), "B": (3, 4), "C": (4, 7)}  # (line, column) of the first use
    assert result.text == text  # left as written


def test_unresolved_next_to_resolved_on_one_line() -> None:
    result = substitute("x: $MISSING/$KNOWN/${ALSO_MISSING}", {"KNOWN": "k"})
    assert result.text == "x: $MISSING/k/${ALSO_MISSING}"
    assert result.unresolved == {"MISSING": (1, 4), "ALSO_MISSING": (1, 20)}  # columns as written


def test_text_without_dollar_is_untouched() -> None:
    text = "a: 1\r\nb: 2\n"
    result = substitute(text, {"A": "x"})
    assert result.text == text
    assert result.shifts == {}


def test_values_cannot_add_lines() -> None:
    text = "a: $MULTI\nb: 2\n"
    result = substitute(text, {"MULTI": "one\ntwo\nthree"})
    assert result.text.count("\n") == text.count("\n")
    assert result.text.splitlines()[1] == "b: 2"
    assert "one" in result.text.splitlines()[0] and "three" in result.text.splitlines()[0]


def test_original_column_after_shorter_and_longer_values() -> None:
    # original: x: ${LONGNAME} y: $B  -> x: v y: bee
    #           123456789012345678901    12345678901
    result = substitute("x: ${LONGNAME} y: $B", {"LONGNAME": "v", "B": "bee"})
    assert result.text == "x: v y: bee"
    column = result.original_column
    assert column(1, 1) == 1   # before any placeholder: unchanged
    assert column(1, 4) == 4   # where the first value starts
    assert column(1, 6) == 16  # `y`
    assert column(1, 9) == 19  # where the second value starts (the `$` of `$B`)
    assert column(1, 12) == 21  # just past the end
    # other lines are not shifted
    assert column(2, 6) == 6


def test_original_column_when_value_is_longer() -> None:
    # original: a: $X, b: 1          new: a: a-very-long-value, b: 1
    result = substitute("a: [$X, b]", {"X": "a-very-long-value"})
    assert result.text == "a: [a-very-long-value, b]"
    new_b = result.text.index("b]") + 1
    assert result.original_column(1, new_b) == "a: [$X, b]".index("b]") + 1


def test_original_column_per_line_and_with_defaults() -> None:
    text = "plain: 1\nns: ${NS:-default-namespace} # tail\n"
    result = substitute(text, {})
    line2 = result.text.split("\n")[1]
    assert line2 == "ns: default-namespace # tail"
    new_hash = line2.index("#") + 1
    assert result.original_column(2, new_hash) == text.split("\n")[1].index("#") + 1
    assert result.original_column(1, 5) == 5


def test_original_column_is_never_below_one() -> None:
    result = substitute("$LONGER_NAME: 1", {"LONGER_NAME": "k"})
    assert result.text == "k: 1"
    assert result.original_column(1, 1) >= 1
    assert result.original_column(1, 2) == len("$LONGER_NAME") + 1
