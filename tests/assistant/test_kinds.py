"""Kinds of quantity (assistant.kinds) and equivalent terms (assistant.synonyms), on fixed sentences."""

from __future__ import annotations

import pytest

from assistant.kinds import asked_kind, compatible, english_figure, figure_kind, other_measure
from assistant.query import analyze
from assistant.synonyms import Synonyms


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("生物医药产业规模目标多少亿", "money"),
        ("智能制造产值目标", "money"),
        ("十四五期间鄂州要新增多少产业用地？", "area"),
        ("机场第三跑道什么时候建", "date"),
        ("鄂州人口多少", "persons"),
        ("城镇调查失业率是多少", "rate"),  # the cue that ends last: 率, not 就业
        ("鄂州打算建多少5G基站", "count"),  # 多少 of a thing
        ("高速公路通车里程多少公里", "length"),
        ("粮食产量要稳定在多少", "weight"),
        ("How many 5G base stations", "count"),
        ("三区三线是什么", ""),
        # a cue asking with its measure outweighs a noun's: 大功率 is no rate
        ("深圳打算建多少个大功率充换电站？", "count"),
        ("城镇化率提高了多少个百分点", "rate"),
        # how much something changed: a rate, or an amount said as a change
        ("北京去年一般公共预算收入涨了多少", "change"),
        ("今年全国居民医保财政补助每人提高多少", "change"),
        ("深圳机场旅客吞吐量十五五末要到多少", "persons"),
        # 多少 followed by a particle or a unit of time asks no count of things
        ("全市贷款余额突破多少了？", ""),
        ("国家纲要说城市里要完善多少分钟的健身圈", ""),
        ("合肥今年新能源汽车产量要到多少", ""),  # 产量 alone: tonnes or vehicles
        # capacity alone is a plant's, a port's or a mill's: only installed or generating capacity is power
        ("How much steel production capacity did Ezhou eliminate?", ""),
        ("What installed capacity of offshore wind power does Shenzhen target?", "energy"),
    ],
)
def test_the_kind_a_question_asks(question, kind):
    assert asked_kind(question) == kind


@pytest.mark.parametrize(
    ("figure", "kind"),
    [("5000个", "count"), ("1.2万亿元", "money"), ("≤2300万人", "persons"), ("5%左右", "rate"),
     ("百分之六", "rate"), ("120公里", "length"), ("15万吨", "weight"), ("70", ""), ("高于经济增长速度", "")],
)
def test_the_kind_a_figure_states(figure, kind):
    assert figure_kind(figure) == kind


def test_a_change_is_answered_by_a_rate_or_an_amount_but_not_by_a_date():
    assert compatible("change", "rate") and compatible("change", "money") and compatible("change", "count")
    assert not compatible("change", "date") and not compatible("change", "duration")


def test_compatible_kinds():
    assert compatible("count", "count") and compatible("persons", "count")
    assert not compatible("area", "rate") and not compatible("money", "count")


def test_english_figures():
    assert english_figure("5000个") == "5,000"
    assert english_figure("1.2万亿元") == "1.2 trillion yuan"
    assert english_figure("5%左右") == "about 5%"
    assert english_figure("≤2300万人") == "≤23 million people"
    assert english_figure("350亿元") == "35 billion yuan"
    assert english_figure("4.5-5,努力争取更好结果") == "4.5-5,努力争取更好结果"  # not one number: as printed


def test_synonyms_are_phrases_of_the_question_and_latin_words_are_whole():
    synonyms = Synonyms([["上大学", "高等教育"], ["GDP", "地区生产总值"]])
    assert synonyms.spans("上大学的比例") == [(0, 3, ("高等教育",))]
    assert synonyms.spans("gdp增速") == [(0, 3, ("地区生产总值",))]
    assert synonyms.spans("gdpr合规") == []  # not inside another Latin word
    assert Synonyms.load().spans("研发投入")  # the shipped table knows the everyday form


def test_with_no_cue_the_asked_indicator_says_the_kind():
    # 「打多少粮食」: grain is weighed; an indicator's units decide when no word does, a count otherwise
    assert asked_kind("吉林今年打算打多少粮食") == "weight"
    assert asked_kind("棉花今年能收多少包", ("吨",)) == "weight" and asked_kind("棉花今年能收多少包") == "count"
    assert asked_kind("鄂州打算建多少5G基站") == "count"
    assert analyze("粮食总产要稳定在什么水平").answer_kind == "weight"


@pytest.mark.parametrize(
    ("unit", "figure", "other"),
    [
        ("台", "1600万辆", True),  # machines are not vehicles
        ("亿吨", "4387万标箱", True),  # a port's cargo in tonnes, not its containers
        ("万吨", "1146.1万吨", False),
        ("吨", "615.6亿斤", False),  # one measure, two units
        ("家", "10所", False),  # hospitals come in 家 and in 所
        ("辆", "2000万个以上", False),  # 个 counts anything
        ("个", "1600万辆", False),
        ("亿元", "200亿元", False),  # a unit of no group
    ],
)
def test_a_figure_in_another_measure_of_the_same_kind(unit, figure, other):
    assert other_measure(unit, figure) is other
