"""The checks of an HTTP question's arguments (ui.arguments), shared by Gradio's /ask and the JSON
/api/ask: what they accept, and that a refusal quotes a submitted value only cut short."""

from __future__ import annotations

import pytest

from ui.arguments import MAX_HISTORY, MAX_K, ArgumentError, check_arguments, check_history, check_question
from ui.rejections import MESSAGE_CHARS

QUESTION = "鄂州打算建多少5G基站？"


def test_arguments_are_converted_and_blank_filters_are_empty():
    assert check_arguments(QUESTION, "bm25", " 3 ", None, None, None) == (QUESTION, "bm25", 3, "", "", "")
    assert check_arguments(QUESTION, "dense", 2.0, "第四篇", "doc", "鄂州")[2:] == (2, "第四篇", "doc", "鄂州")
    assert check_history(["鄂州打算建多少5G基站？", " ", *map(str, range(30))]) == [str(i) for i in range(10, 30)]
    assert len(check_history([str(i) for i in range(100)])) == MAX_HISTORY


@pytest.mark.parametrize(("arguments", "message"), [
    ((5, "hybrid", 3), "question must be a string"),
    ((QUESTION, "fuzzy", 3), "unknown mode 'fuzzy'"),
    ((QUESTION, "hybrid", 0), "k must be a whole number"),
    ((QUESTION, "hybrid", MAX_K + 1), "k must be a whole number"),
    ((QUESTION, "hybrid", 2.5), "k must be a whole number"),
    ((QUESTION, "hybrid", True), "k must be a whole number"),
])
def test_bad_arguments_say_what_is_wrong(arguments, message):
    with pytest.raises(ArgumentError, match=message):
        check_arguments(*arguments, None, None, None)


@pytest.mark.parametrize("value", ["9" * 18_900_000, "x" * 18_900_000, list(range(1_000_000))])
def test_a_huge_value_is_quoted_cut(value):
    region = value if not isinstance(value, str) else [value]  # a region that is not text
    for arguments, quoted in (((QUESTION, value, 3, None, None, None), value),
                              ((QUESTION, "hybrid", value, None, None, None), value),  # no int() of 18.9M digits
                              ((QUESTION, "hybrid", 3, None, None, region), region)):
        with pytest.raises(ArgumentError) as refused:
            check_arguments(*arguments)
        message = str(refused.value)
        assert len(message) < MESSAGE_CHARS and f"共 {len(repr(quoted)):,} 字符" in message


def test_a_question_for_the_json_api_is_text_not_blank_nor_too_long():
    assert check_question(QUESTION) == QUESTION
    for question, message in ((None, "give the question as a string"), ("  ", "问题为空"),
                              ("5G" * 1_000_000, "2,000,000 characters")):
        with pytest.raises(ArgumentError, match=message):
            check_question(question)
    with pytest.raises(ArgumentError, match="history must be a list"):
        check_history("鄂州")
