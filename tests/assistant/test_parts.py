"""Questions that ask two or more figures (assistant.parts), split and answered part by part."""

from __future__ import annotations

import pytest

from assistant.parts import question_parts, with_context
from assistant.query import analyze
from index.tokenization import ZhTokenizer


@pytest.fixture(scope="module")
def split():
    words = ZhTokenizer().words
    return lambda question: question_parts(question, words)


@pytest.mark.parametrize(("question", "parts"), [
    ("2025年拟安排地方政府专项债券多少？超长期特别国债发多少？",
     ["2025年拟安排地方政府专项债券多少？", "超长期特别国债发多少？"]),
    ("十四五期间劳动年龄人口平均受教育年限要到多少年，人均寿命要再提高多少？",
     ["十四五期间劳动年龄人口平均受教育年限要到多少年", "人均寿命要再提高多少？"]),
    ("十三五那五年，用水量、能耗、碳排放强度分别打算降多少？",
     ["十三五那五年，用水量打算降多少？", "十三五那五年，能耗打算降多少？", "十三五那五年，碳排放强度打算降多少？"]),
    ("鄂州5G基站和新能源汽车充电桩分别要达到多少个？", ["鄂州5G基站要达到多少个？", "新能源汽车充电桩要达到多少个？"]),
    # a 分别 inside one of two questions is split too
    ("单位GDP能耗、碳排放分别降多少？非化石能源占比要到多少？",
     ["单位GDP能耗降多少？", "碳排放降多少？", "非化石能源占比要到多少？"]),
    # the items are years: what stands before the first year is said of each
    ("杭州常住人口城镇化率2025年预计和2030年目标分别是多少？",
     ["杭州常住人口城镇化率2025年预计是多少？", "杭州常住人口城镇化率2030年目标是多少？"]),
    ("杭州研发投入强度2025年预计多少，2030年目标多少？",  # the same, asked clause by clause
     ["杭州研发投入强度2025年预计多少", "杭州研发投入强度2030年目标多少？"]),
])
def test_each_figure_asked_is_a_part(split, question, parts):
    assert split(question) == parts


@pytest.mark.parametrize("question", [
    "到2025年鄂州要建多少个5G基站？",
    "中小学要新增多少个学位？大班额怎么处理？",  # not two figures: one passage's matter
    "宁夏今年民生实事投入多少钱、办几件？",  # 「办几件」 has nothing to look up on its own
    "鄂州和黄石的GDP分别是多少",  # a comparison: 「的GDP」 belongs to both, scoping answers it per region
    "“1+N”党建引领基层治理制度体系中的“1”和“N”分别指什么？",
    "湖南2024年经济总量和增速是多少？",
])
def test_one_thing_asked_stays_whole(split, question):
    assert split(question) == [question]


def test_a_part_takes_the_region_and_time_the_whole_question_names():
    whole = analyze("河南2025年粮食产量目标是多少？城镇新增就业多少？")
    part = with_context(analyze("城镇新增就业多少？"), whole)
    assert part.regions == whole.regions == ("河南省",) and part.years == (2025,) and part.target
    own = with_context(analyze("2024年城镇新增就业多少？"), whole)
    assert own.years == (2024,)  # a part's own time is kept
    # and so is its own sense: 「2025年预计」 is no target because the other part asks one
    whole = analyze("杭州常住人口城镇化率2025年预计和2030年目标分别是多少？")
    estimate = with_context(analyze("杭州常住人口城镇化率2025年预计是多少？"), whole)
    assert whole.target and not estimate.target


def test_figures_from_two_passages_are_answered_and_cited_each(qa):
    answer = qa.ask("到2025年鄂州要建多少个5G基站？充电桩保有量要达到多少个？")
    assert answer.found and answer.extras.get("parts")
    first, second = answer.text.splitlines()
    assert first.endswith("5000个[1]") and second.endswith("2000个以上[2]")
    assert "5G基站5000个" in answer.citations[0].text and "充电桩保有量达到2000个以上" in answer.citations[1].text
    assert answer.citations[0].chunk_id != answer.citations[1].chunk_id


def test_a_pasted_list_of_questions_is_answered_as_one(split):
    many = "".join(f"第{i}项指标是多少？" for i in range(1, 40))
    assert split(many) == [many]


@pytest.mark.parametrize(("question", "parts"), [
    ("How many 5G base stations will Ezhou build by 2025, and how many charging piles?",
     ["How many 5G base stations will Ezhou build by 2025?", "how many charging piles?"]),
    ("How many 5G base stations will Ezhou build? How much will GDP grow?",
     ["How many 5G base stations will Ezhou build?", "How much will GDP grow?"]),
])
def test_english_questions_are_split_where_a_new_figure_is_asked(split, question, parts):
    assert split(question) == parts


@pytest.mark.parametrize("question", [
    "How many base stations and charging piles will Ezhou build?",  # one clause: answered whole
    "What is the GDP target and how many jobs?",  # not every part asks a figure
    "How many jobs, and how much?",  # 「how much?」 has nothing to look up
])
def test_an_english_question_asking_one_thing_stays_whole(split, question):
    assert split(question) == [question]


def test_an_english_question_gets_each_figure_in_english_framing(qa):
    answer = qa.ask("How many 5G base stations will Ezhou build by 2025, and how many charging piles?")
    first, second = answer.text.splitlines()
    assert first == "How many 5G base stations will Ezhou build by 2025: 5,000[1]"  # figures in English
    assert second.startswith("how many charging piles: ") and "2,000" in second and second.endswith("[2]")
