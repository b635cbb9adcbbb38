"""What answers quote and how they name the answer (assistant.quotes), on real passages, and quotes end to end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.browse import Browser
from assistant.quotes import (
    HEADLINE_CHARS,
    enumeration,
    fit_items,
    heading_items,
    list_items,
    quote_span,
    row_name,
    row_unit,
    sentence_spans,
    table_row_sentence,
    value_columns,
    with_unit,
)
from corpus import chunk_document
from corpus.documents import read_document

HENAN = Path(__file__).resolve().parents[2] / "eval/data/dev-corpus/provincial-2025/2025年河南省政府工作报告.docx"
REPORTS = Path(__file__).resolve().parents[2] / "eval/data/dev-corpus/national-gwr"
PLANS = Path(__file__).resolve().parents[2] / "eval/data/dev-corpus/plans-2026"
HAINAN = Path(__file__).resolve().parents[2] / "eval/data/dev-corpus/provincial-2025/2025年海南省政府工作报告.docx"
MARKS = {"“": "”", "「": "」", "『": "』", "《": "》", "（": "）", "(": ")", "‘": "’"}
GEDIAN = "优先发展光电子信息、智能制造、新能源新材料、生物医药、跨境电商等高端产业"


@pytest.fixture(scope="module")
def rows(chunks) -> dict[str, object]:
    """The shipped plan's indicator table rows, by indicator name."""
    return {dict(c.fields)["指标名称"]: c for c in chunks if c.kind == "table_row" and c.fields}


@pytest.fixture(scope="module")
def gedian(chunks):
    return next(c for c in chunks if GEDIAN in c.text)


def test_list_items_of_a_real_enumeration(gedian):
    assert enumeration(gedian.text) == GEDIAN
    assert list_items(gedian.text) == ["光电子信息", "智能制造", "新能源新材料", "生物医药", "跨境电商"]
    assert all(item in gedian.text for item in list_items(gedian.text))


@pytest.mark.parametrize(("marker", "expected"), [
    # a leading verb and a closing count-and-kind are not items: 「构建…四大产业园」
    ("四大产业园", ["智能制造", "航空物流", "医疗健康", "光电子"]),
    # the frame 以…为依托 closes on its noun, not on the last item
    ("为依托", ["葛店", "三江港"]),
])
def test_list_items_leave_out_what_frames_the_enumeration(chunks, marker, expected):
    chunk = next(c for c in chunks if marker in c.text and c.text.count("、") >= 1)
    sentence = next(s for s in re.split(r"(?<=[。；])", chunk.text) if marker in s)
    clause = next(c for c in re.split(r"[，。；]", sentence) if marker in c)
    assert list_items(clause) == expected
    assert all(item in chunk.text for item in expected)


@pytest.mark.parametrize("source", ["shipped plan", "2025年国务院政府工作报告.txt"])
def test_short_list_answers_never_cut_a_figure(chunks, source):
    """A list's short answer drops what all its items share only between words: 「220千伏输变电工程、
    110千伏输变电工程」 once became 「22、11」, and 「赤字规模5.66万亿元、比上年增加1.6万亿元」 became
    「赤字规模5.6、比上年增加1.」. Every list is shortened here as a long one is (verbatim=0): a list
    short enough stands as written."""
    texts = [c.text for c in chunks] if source == "shipped plan" else \
        [c.text for c in chunk_document(read_document(REPORTS / source))]
    figures = shortened = 0
    for text in texts:
        for sentence in re.split(r"(?<=[。；])", text):
            items = list_items(sentence)
            if len(items) < 2:
                continue
            assert fit_items(items) == items or sum(len(i) + 1 for i in items) > HEADLINE_CHARS
            short = fit_items(items, verbatim=0)
            shortened += short != items
            for item in short:
                assert item in sentence
                for figure in re.findall(r"\d+(?:\.\d+)?", item):
                    figures += 1
                    assert re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d.])", sentence), (item, sentence)
    assert figures >= 10 and shortened >= 1  # the check saw figures, and shortening still happens


def test_a_short_list_keeps_the_words_its_items_share(chunks):
    """「法治鄂州、法治政府、法治社会」 once showed as 「鄂州、政府、社会」: what the items of a short list
    share is part of each name."""
    text = next(c.text for c in chunks if "法治鄂州、法治政府" in c.text)
    sentence = next(s for s in re.split(r"(?<=[。；])", text) if "法治鄂州、法治政府" in s)
    items = fit_items(list_items(sentence))
    assert items[:2] == ["法治鄂州", "法治政府"]


def _paired(text: str) -> bool:
    """Whether every quotation mark and bracket of ``text`` has its partner (checked here, not by the code tested)."""
    expected: list[str] = []
    for ch in text:
        if ch in MARKS:
            expected.append(MARKS[ch])
        elif ch in MARKS.values() and (not expected or expected.pop() != ch):
            return False
    return not expected


def _unmarked(text: str) -> str:
    return "".join(ch for ch in text if ch not in MARKS and ch not in MARKS.values())


def test_a_list_keeps_the_quotation_marks_of_its_items():
    """「海口“国际演艺之都”、三亚“亚太游艇之都”…」 once became 「海口“国际演艺、三亚“亚太游艇…」: the closing
    marks were stripped as if they wrapped each item, then the 「之都」 all share was cut."""
    text = next(c.text for c in chunk_document(read_document(HAINAN)) if "国际演艺之都" in c.text)
    sentence = next(s for s in re.split(r"(?<=[。；])", text) if "国际演艺之都" in s)
    items = fit_items(list_items(sentence))
    assert items[:4] == ["海口“国际演艺之都”", "三亚“亚太游艇之都”", "文昌“航天旅游之都”", "乐城“医疗旅游之都”"]


def test_a_quoted_enumeration_is_the_list_not_the_phrase_around_it(chunks):
    """「服务全省“一主引领、两翼驱动、全域协同”区域发展布局」 lists the three parts of the layout; the 「、」
    inside quotation marks do not split the phrase around them into items."""
    text = next(c.text for c in chunks if "“一主引领、两翼驱动、全域协同”区域发展布局" in c.text)
    sentence = next(s for s in re.split(r"(?<=[。；])", text) if "“一主引领" in s)
    assert list_items(sentence) == ["一主引领", "两翼驱动", "全域协同"]


@pytest.mark.parametrize("source", ["shipped plan", "2025年国务院政府工作报告.txt"])
def test_short_list_answers_keep_quotation_marks_paired(chunks, source):
    """Every item of every list's short answer has its quotation marks and brackets in pairs, and is its
    sentence's text (marks aside: one cut off by a clause boundary is dropped)."""
    texts = [c.text for c in chunks] if source == "shipped plan" else \
        [c.text for c in chunk_document(read_document(REPORTS / source))]
    marked = 0
    for text in texts:
        for sentence in re.split(r"(?<=[。；])", text):
            items = list_items(sentence)
            if len(items) < 2:
                continue
            for item in fit_items(items):
                assert _paired(item), (item, sentence)
                assert _unmarked(item) in _unmarked(sentence), (item, sentence)
                marked += item != _unmarked(item)
    assert marked >= 3  # the check saw items that quote


def test_the_enumeration_most_relevant_to_the_question_wins(gedian):
    other = max((c for c in re.split(r"[，。；]", gedian.text) if c.count("、") and c != GEDIAN), key=len)
    assert enumeration(gedian.text, lambda clause: 1.0 if clause == other else 0.0) == other
    assert list_items("没有列举的句子。") == [] and enumeration("没有列举的句子。") == ""


def test_heading_items_are_the_sections_a_sentence_introduces():
    doc = read_document(HENAN)
    browser = Browser([doc])
    [intro] = [c for c in chunk_document(doc) if c.path == ("三、2025年重点工作",)]
    assert "十个方面" in intro.text
    items = heading_items(intro.text, browser.subheadings(intro))
    assert len(items) == 10 and items[0] == "更大力度推动全方位扩大内需"
    assert heading_items("加快建设花湖机场。", browser.subheadings(intro)) == []  # announces no list


def test_a_numbered_paragraph_announces_the_leads_of_the_paragraphs_under_it():
    # the 2018 report: 「（四）坚决打好三大攻坚战。…」, then three paragraphs each led by its item
    doc = read_document(REPORTS / "2018年国务院政府工作报告.txt")
    browser = Browser([doc])
    chunks = chunk_document(doc)
    [battles] = [c for c in chunks if c.text.startswith("（四）坚决打好三大攻坚战")]
    assert browser.announced_items(battles) == ["推动重大风险防范化解取得明显进展", "加大精准脱贫力度",
                                                "推进污染防治取得更大成效"]
    # the review's 「（一）坚持稳中求进工作总基调…」 is followed by a paragraph that opens with a statement
    review, tasks = [c for c in chunks if c.text.startswith("（一）")]
    assert browser.announced_items(review) == []
    assert browser.announced_items(tasks)[:2] == ["发展壮大新动能", "加快制造强国建设"]
    plain = next(c for c in chunks if c.text.startswith("推动重大风险防范化解"))
    assert browser.announced_items(plain) == []  # not numbered itself


def test_dashed_paragraphs_are_a_list_each_run_its_own():
    """The 十五五 建议: 「（5）…必须遵循的原则。」 then six 「——坚持…。」 paragraphs, 「（6）…主要目标。」 then its
    own run of dashed goals: the paragraph before a run is followed by that run's items, and a dashed
    paragraph's list is its run, not every dash of the section. Each item stands whole (「坚持人民至上」)."""
    doc = read_document(PLANS / "中共中央关于制定国民经济和社会发展第十五个五年规划的建议.txt")
    browser = Browser([doc])
    chunks = chunk_document(doc)
    principles = browser.numbered_items(next(c for c in chunks if c.text.startswith("（5）")))
    assert len(principles) == 6 and principles[1] == "坚持人民至上" and principles[-1] == "坚持统筹发展和安全"
    assert fit_items(principles) == principles
    goals = browser.numbered_items(next(c for c in chunks if c.text.startswith("（6）")))
    assert goals[0] == "高质量发展取得显著成效" and not set(goals) & set(principles)
    dashed = next(c for c in chunks if c.text.startswith("——坚持高质量发展"))
    assert browser.numbered_items(dashed) == principles


def test_a_cell_range_takes_its_unit_on_both_ends():
    assert with_unit("4.5-5,努力争取更好结果", "%") == "4.5%-5%,努力争取更好结果"
    assert with_unit(">5", "%") == ">5%" and with_unit("3-5左右", "%") == "3%-5%左右"
    assert with_unit("1.2万", "%") == "1.2万"  # a unit of its own


def test_table_row_sentence_leads_with_the_column_asked(rows):
    urban = rows["常住人口城镇化率（%）"]
    assert dict(urban.fields)["2025年"] == "70" and dict(urban.fields)["2020年预计"] == "66.8"
    assert row_name(urban.fields) == "常住人口城镇化率（%）" and row_unit(urban.fields) == "%"
    assert [h for h, _ in value_columns(urban.fields)] == ["2020年预计", "2025年"]  # 年均增速 is empty (-)
    assert table_row_sentence(urban.fields, "2025年") == "2025年：70%（2020年预计：66.8%），预期性"
    assert table_row_sentence(urban.fields, "2020年预计").startswith("2020年预计：66.8%")
    assert table_row_sentence(urban.fields) == table_row_sentence(urban.fields, "2025年")  # the last year's first


def test_table_row_sentence_leaves_out_empty_cells(rows):
    gdp = rows["地区生产总值（GDP）增长率（%）"]
    assert dict(gdp.fields)["年均增速"] == "7左右"
    sentence = table_row_sentence(gdp.fields, "年均增速")
    assert "7%左右" in sentence and "-" not in sentence and "预期性" in sentence  # the unit from the row name
    forest = rows["森林覆盖率（%）"]
    assert table_row_sentence(forest.fields).startswith("2025年：10.64")


def test_a_long_sentence_is_quoted_by_whole_clauses(gedian):
    start, end = next((s, e) for s, e in sentence_spans(gedian.text) if GEDIAN in gedian.text[s:e])
    must = (gedian.text.index(GEDIAN), gedian.text.index(GEDIAN) + len(GEDIAN))
    for limit in (50, 80, 160):
        q_start, q_end = quote_span(gedian, (start, end), lambda text: 0.0, "list", must, limit)
        quote = gedian.text[q_start:q_end]
        assert GEDIAN in quote and not quote.endswith("、")
        assert q_start == start or gedian.text[q_start - 1] in "，；：,;:"


QUESTIONS = [
    "葛店开发区重点发展哪些产业？",
    "临空经济区有哪些产业布局？",
    "鄂州重点发展哪些战略性新兴产业？",
    "花湖机场周边建设哪些配套设施？",
    "鄂州打算建多少5G基站？",
    "2025年常住人口城镇化率目标是多少？",
    "三江港新区怎么定位？",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_quotes_are_verbatim_and_never_end_inside_an_enumeration(qa, question):
    answer = qa.ask(question)
    quotes = re.findall(r"「(.*?)」\[(\d+)\]", answer.text, flags=re.S)
    if answer.level == "none":  # declined: the nearest passages are listed, nothing is quoted
        assert quotes == []
        return
    rows = [c for c in answer.used_citations if c.kind == "table_row"]
    assert quotes or rows, answer.text  # a table row is shown as its table's row, not as a quote
    for quote, number in quotes:
        cited = answer.citations[int(number) - 1]
        assert quote in cited.text or quote in cited.footnotes, (quote, cited.text[:80])
        assert not quote.endswith("、")
