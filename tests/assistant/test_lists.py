"""List questions on real reports: a section's own list of tasks is the answer to 「…有哪几块」."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import PlanQA
from assistant.query import answer_type
from corpus.documents import read_document

DEV = Path(__file__).resolve().parents[2] / "eval" / "data" / "dev-corpus"
DOCUMENTS = [DEV / "national-gwr" / "2023年国务院政府工作报告.txt",  # another report to scope away
             DEV / "provincial-2025" / "2025年河南省政府工作报告.docx"]


@pytest.fixture
def reports(tmp_path, fake_model) -> PlanQA:
    return PlanQA.load(index_dir=tmp_path / "index", model=fake_model, mode="bm25",
                       documents=[read_document(p) for p in DOCUMENTS], progress=False)


def test_naming_a_few_is_a_list_question():
    assert answer_type("今年政府工作报告列了哪些重点任务？说几条主要的") == "list"
    assert answer_type("鄂州要建几个5g基站") == "number"


BROAD_LISTS = [
    ("河南今年的重点工作列了哪些？说几条主要的", ["全方位扩大内需", "现代化产业体系建设"]),
    ("河南2025年重点工作主要有哪几块？", ["全方位扩大内需", "乡村全面振兴", "民生持续改善"]),
]


@pytest.mark.parametrize(("question", "items"), BROAD_LISTS)
def test_the_sections_own_list_is_the_best_answer_to_a_broad_list_question(reports, question, items):
    stages = reports.stages(question)
    best = reports.support.judge(stages.candidates, stages.context)[0].candidate
    assert stages.query.answer_type == "list" and best.kind == "outline"
    assert all(item in best.short for item in items), best.short


@pytest.mark.parametrize(("question", "items"), BROAD_LISTS)
def test_the_sections_own_list_answers_a_broad_list_question(reports, question, items):
    answer = reports.ask(question)
    assert answer.found and answer.question_type == "list"
    assert all(item in answer.short_answer for item in items), answer.short_answer
    assert len(answer.text) <= 200


@pytest.mark.parametrize("question", [
    pytest.param("临空经济区重点发展哪些产业", marks=pytest.mark.xfail(
        strict=True, reason="known gap: the learned model quotes the sentence of incubators that names 临空经济区 "
                            "(their list now ranks low: the zone is one of its items)")),
    pytest.param("临空经济区有什么产业布局？", marks=pytest.mark.xfail(
        strict=True, reason="known gap: the learned model picks 「一心：以临空经济区为中心，以葛店、三江港为依托」 "
                            "(0.68) over the zone's own 「智能制造、航空物流、医疗健康、光电子」 (0.07)")),
    "葛店开发区重点发展哪些产业？",
])
def test_a_list_about_a_place_comes_from_that_places_own_paragraph(qa, question):
    # not from a list that merely names the place among others (「…临空经济区产业孵化器、葛店双创谷等项目」)
    place = question[:5]
    answer = qa.ask(question)
    assert answer.found and answer.citations[0].text.startswith(f"{place}。")
    assert "孵化器" not in answer.short_answer


def test_a_term_asked_by_its_count_is_answered_by_a_list_of_that_many(tmp_path, fake_model):
    # 「三大攻坚战是哪三个」 reads like a term to explain; the 2018 report lists the three as the leads of the
    # paragraphs under 「（四）坚决打好三大攻坚战。」
    report = read_document(DEV / "national-gwr" / "2018年国务院政府工作报告.txt")
    qa = PlanQA.load(index_dir=tmp_path / "index", model=fake_model, mode="bm25", documents=[report], progress=False)
    stages = qa.stages("2018年说要打好的三大攻坚战是哪三个？")
    assert stages.query.answer_type == "definition" and stages.query.item_count == 3
    lists = [c for c in stages.candidates if c.kind in ("list", "outline")]
    assert lists and all(len(c.items) == 3 for c in lists)  # a list of nine sections is no answer
    best = qa.support.judge(stages.candidates, stages.context)[0].candidate
    assert best.items == ("推动重大风险防范化解取得明显进展", "加大精准脱贫力度", "推进污染防治取得更大成效")
