"""Question understanding (assistant.query): canonical text, answer type, regions, time, indicator.

Region spotting is checked with the index's own tokenizer (a short name counts only on word
boundaries), as PlanQA.analyze passes it.
"""

from __future__ import annotations

import pytest

from assistant.query import MAX_QUESTION_CHARS, QueryError, analyze, canonical_text
from index.tokenization import ZhTokenizer


@pytest.fixture(scope="module")
def ask():
    words = ZhTokenizer().words
    return lambda question: analyze(question, words=words)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("鄂州打算建多少５Ｇ基站？？", "鄂州打算建多少5g基站"),  # full-width letters and digits
        ("２０２５年發展目標是什麼呢？", "2025年发展目标是什么"),  # 繁体 → 简体
        ("二〇二五年全市GDP要达到多少吧", "2025年全市gdp要达到多少"),  # Chinese year digits
        ("请问三区三线是什么意思啊！", "三区三线是什么意思"),  # leading 请问, trailing particles
        ("  到2025年  建多少基站 吗? ", "到2025年 建多少基站"),
    ],
)
def test_canonical_text(raw, canonical):
    assert canonical_text(raw) == canonical


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("鄂州打算建多少5G基站？", "number"),
        ("葛店开发区重点发展哪些产业？", "list"),
        ("三区三线是什么？", "definition"),
        ("什么时候建成花湖机场？", "date"),
        ("顺丰机场啥时候通航", "date"),  # colloquial 啥时候
        ("“两型社会”啥意思", "definition"),
        ("鄂州市长是谁？", "fact"),
        ("山东GDP增长目标", "number"),  # an indicator asked without 多少 still wants the figure
        ("How many 5G base stations will Ezhou build by 2025?", "number"),
    ],
)
def test_answer_types(ask, question, kind):
    assert ask(question).answer_type == kind


@pytest.mark.parametrize(
    ("question", "regions"),
    [
        ("上海的GDP目标是多少", ("上海市",)),
        ("湖北今年GDP增长目标", ("湖北省",)),
        ("湖北省今年GDP增长目标", ("湖北省",)),
        ("广西今年的经济增长目标", ("广西壮族自治区",)),
        ("广西壮族自治区今年GDP增长目标", ("广西壮族自治区",)),
        ("新疆2025年GDP增长目标", ("新疆维吾尔自治区",)),
        ("宁夏今年的GDP目标", ("宁夏回族自治区",)),
        ("内蒙今年GDP", ("内蒙古自治区",)),
        ("What is Guangxi's GDP growth target this year?", ("广西壮族自治区",)),
        ("How many 5G base stations will Ezhou build?", ("鄂州市",)),
        ("皖今年GDP增长目标是多少", ("安徽省",)),  # a one-character abbreviation at the start
        ("豫2025年GDP目标", ("河南省",)),
        ("全国今年的赤字率", ("全国",)),
        ("光明区在深圳十五五纲要里要发挥什么功能？", ("深圳市",)),  # the region whose document is named
        ("河套在深圳“十五五”规划中怎么定位", ("深圳市",)),
    ],
)
def test_the_region_a_question_is_about(ask, question, regions):
    query = ask(question)
    assert query.regions == regions and query.mentioned == regions


@pytest.mark.parametrize(
    ("question", "mentioned"),
    [
        ("长江武汉至宜昌段航道整治", ("武汉市", "宜昌市")),  # a route names places in passing
        ("加快融入武汉", ("武汉市",)),
        ("港口建设", ()),  # 港 is Hong Kong's abbreviation only at the start before a time word
        ("鄂州建设出海口的规划", ("鄂州市",)),  # 出海口 is no 海口
    ],
)
def test_places_named_in_passing_are_not_the_question_region(ask, question, mentioned):
    query = ask(question)
    assert query.mentioned == mentioned
    assert not set(query.regions) - {"鄂州市"}


def test_a_route_from_a_region_is_about_that_region(ask):
    # the module's own example: 「鄂州到武汉…」 is about 鄂州 and mentions 武汉 too
    query = ask("鄂州到武汉的轨道交通怎么建")
    assert query.mentioned == ("鄂州市", "武汉市")
    assert query.regions == ("鄂州市",)


@pytest.mark.parametrize(
    ("question", "years", "report_year", "relative"),
    [
        ("2019年的政府工作报告提出GDP增长目标是多少", (2019,), 2019, None),
        ("19年两会定的GDP增速", (2019,), 2019, None),
        ("2021年报告里说去年GDP增长多少", (2021,), 2021, -1),
        ("去年GDP增长了多少", (), None, -1),
        ("今年GDP增长目标", (), None, 0),
        ("明年的目标", (), None, 1),
        ("前年GDP", (), None, -2),
        ("2019年到2023年GDP增长目标的变化", (2019, 2023), None, None),
    ],
)
def test_years(ask, question, years, report_year, relative):
    query = ask(question)
    assert (query.years, query.report_year, query.relative) == (years, report_year, relative)


def test_period_end_five_year_target_and_actual(ask):
    later = ask("五年后鄂州常住人口城镇化率要达到多少")
    assert later.period_end and later.target and not later.actual and later.years == ()
    assert ask("规划末5G基站多少个").period_end
    period = ask("十四五期间鄂州GDP年均增长多少")
    assert period.five_year == (2021, 2025) and not period.period_end
    assert ask("“十三五”时期GDP增长了多少").five_year == (2016, 2020)
    review = ask("去年GDP实际增长了多少")
    assert review.actual and not review.target
    assert "五年后" not in later.topic and "2019" not in ask("2019年GDP增长目标").topic


@pytest.mark.parametrize(("question", "terms"), [
    ("海南报告提到的“五张清单”项目库指哪五张清单？", ("五张清单",)),
    ("323攻坚行动是哪些内容", ("323",)),
    ("深圳“20+8”产业集群具体是哪些？", ("20+8",)),
    ("临空经济区“一体两翼”分别指什么", ("一体两翼",)),
    ("2025年GDP增长多少", ()),  # a year is no code
    ("到2025年鄂州要建多少个5G基站？", ()),
    ("“十四五”时期鄂州GDP年均增长多少", ()),  # quoted, but nothing asked to be spelled out
    ("“十四五”时期的主要目标是什么", ()),  # a period, not a term
])
def test_the_terms_a_question_asks_to_spell_out(ask, question, terms):
    assert ask(question).spelled_terms == terms


@pytest.mark.parametrize(
    ("question", "indicator", "growth", "level"),
    [
        ("GDP增长目标", "地区生产总值", True, False),
        ("湖北今年GDP增长目标", "地区生产总值", True, False),
        ("广西今年的经济增长目标", "地区生产总值", True, False),
        ("宁夏今年的GDP目标", "地区生产总值", False, False),
        ("GDP总量多少亿元", "地区生产总值", False, True),
        ("赤字率提高到多少", "赤字率", True, False),
        # 「赤字…赤字率提高到多少」 asks the deficit as an amount, the rate is not its growth
        ("今年全国财政赤字规模多大，赤字率提高到多少", "财政赤字", False, True),
        ("五年后鄂州常住人口城镇化率要达到多少", "常住人口城镇化率", False, False),  # not 户籍人口
        ("城镇化率到时候多少", "城镇化率", False, False),  # the generic name, answered by either
        # an amount's indicator asked with no growth or target word: its level
        ("北京去年地区生产总值是多少？", "地区生产总值", False, True),
        ("What was China's total GDP last year?", "地区生产总值", False, True),
        ("安徽2025年粮食总产要稳定在什么水平", "粮食产量", False, False),  # a target: its level or its rise
    ],
)
def test_indicator_and_growth(ask, question, indicator, growth, level):
    query = ask(question)
    assert query.indicator is not None and query.indicator.name == indicator
    assert (query.growth, query.level) == (growth, level)
    assert indicator in query.search_text  # retrieval also looks for the indicator's table name


def test_the_indicator_term_is_the_question_own_word(ask):
    assert ask("湖北今年GDP增长目标").indicator_term == "gdp"
    assert ask("How many 5G base stations will Ezhou build?").english


@pytest.mark.parametrize(
    ("question", "comparison"),
    [
        ("河南和山东今年GDP增长目标分别是多少", True),
        ("湖北和湖南的GDP增长目标", True),
        ("鄂州与武汉的GDP目标比较", True),
        ("2019年到2023年GDP增长目标的变化", True),  # a series of years
        ("鄂州和武汉之间的轨道交通", False),  # relates two places, compares nothing
        ("湖北今年GDP增长目标", False),
    ],
)
def test_comparison(ask, question, comparison):
    assert ask(question).comparison is comparison


def test_two_years_side_by_side_are_a_comparison(ask):
    # the module docstring: ``comparison``: two regions or years to answer side by side
    assert ask("2019年和2023年的GDP增长目标分别是多少").comparison


@pytest.mark.parametrize("question", ["", "   ", "🚀🎉", "？！……"])
def test_questions_without_words_are_refused(question):
    with pytest.raises(QueryError, match="empty"):
        analyze(question)


def test_a_long_question_is_cut_not_refused():
    query = analyze("鄂州打算建多少5G基站？" + "请详细说明。" * 400)
    assert query.truncated and len(query.raw) == MAX_QUESTION_CHARS
    assert not analyze("鄂州打算建多少5G基站？").truncated


def test_english_questions_search_with_chinese_terms():
    query = analyze("How many 5G base stations will Ezhou build?", glossary=lambda text: ["基站", "鄂州"])
    assert query.english and query.expansions[:2] == ("基站", "鄂州")
    assert query.search_text.startswith(query.text) and "基站" in query.search_text


def test_a_level_asked_in_other_words_is_a_figure(ask):
    query = ask("安徽2025年粮食总产要稳定在什么水平")
    assert query.answer_type == "number" and "水平" not in query.topic


@pytest.mark.parametrize(
    ("question", "kind", "asked"),
    [
        ("What life expectancy does Beijing's 15th FYP aim for?", "number", "duration"),
        ("What R&D intensity does Hefei aim for by 2030?", "number", "rate"),
        ("China's 15th FYP: what forest stock volume should be reached?", "number", "volume"),
        ("What is Hangzhou's 2030 revenue target for its core integrated-circuit industry?", "number", "money"),
        ("What is Henan's 2025 target for technology contract turnover?", "number", "money"),
        # a meaning, kinds of a thing, or a quantity word inside a name ask no figure
        ("What does the '1+N' in Ezhou's grassroots governance system refer to?", "fact", ""),
        ("What kinds of investment should long-term capital make?", "fact", "money"),
        ("What role does Shenzhen's 15th Five-Year Plan assign to Dapeng New Area?", "fact", "area"),
    ],
)
def test_an_english_question_asking_a_quantity_wants_a_figure(ask, question, kind, asked):
    # 「What … does … aim for」 and 「What is …'s target for …」 ask no 「how many」 but want a number
    query = ask(question)
    assert (query.answer_type, query.answer_kind) == (kind, asked)


def test_an_indicator_asked_for_its_level_is_a_figure_and_its_meaning_a_definition(ask):
    assert ask("What was China's total GDP last year?").answer_type == "number"
    meaning = ask("GDP是什么意思")
    assert meaning.answer_type == "definition" and not meaning.level
