"""What a newcomer typed into the page (issue #21), on the shipped plan: each is answered right or
declined, never a wrong figure or sentence as a confident answer."""

from __future__ import annotations

import pytest

from assistant.compose import NOT_FOUND


def _confident(answer) -> bool:
    return answer.found and answer.level == "answer"


@pytest.mark.parametrize(
    ("question", "right"),
    [
        ("十四五期间鄂州要新增多少产业用地？", ()),  # the plan gives no such figure (100% is a 达标率)
        ("生物医药产业规模目标多少亿", ("200亿元",)),  # 专栏4-3
        ("智能制造产值目标", ("300亿元",)),
        ("鄂州人口多少", ()),  # 70% is the urbanization rate
        ("2035年鄂州常住人口城镇化率要达到多少？", ()),  # the plan gives 2025's only
        ("鄂州市长是谁？", ()),
    ],
)
def test_a_figure_is_right_or_declined(qa, question, right):
    answer = qa.ask(question)
    if _confident(answer):
        assert right and any(r in answer.short_answer for r in right), answer.text
    else:
        assert not answer.found and answer.text.startswith(NOT_FOUND) and answer.short_answer == ""


@pytest.mark.parametrize("question", ["机场第三跑道什么时候建", "花湖机场什么时候投运"])
def test_a_date_the_plan_does_not_give_is_never_a_confident_headline(qa, question):
    answer = qa.ask(question)
    assert not (_confident(answer) and answer.short_answer.endswith("年")), answer.text


def test_a_definition_is_quoted_from_its_passage_or_declined(qa):
    sanjiang = qa.ask("三江港的功能定位是什么")
    assert not _confident(sanjiang) or "努力成为" in sanjiang.text


def test_the_flagship_questions_are_answered_with_confidence(qa):
    five_g = qa.ask("到2025年鄂州要建多少个5G基站？")
    assert _confident(five_g) and five_g.short_answer == "5000个" and five_g.confidence >= qa.support.answer_at
    assert "专栏4-6" in five_g.used_citations[0].path_text
    english = qa.ask("How many 5G base stations will Ezhou build by 2025?")
    assert _confident(english) and english.text.startswith("5,000\nAccording to 《")
    assert "规划" not in english.text.split("\n")[0]  # an English question is framed in English
    terms = qa.ask("三区三线是什么")
    assert _confident(terms) and "城市开发边界" in terms.text
