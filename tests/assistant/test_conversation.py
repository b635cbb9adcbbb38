"""Conversations: follow-ups resolved against the previous turn, topic changes left alone, comparisons
with one cited row per region or year (on the shipped plan and on real reports), exports opened and read."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from assistant import PlanQA
from assistant.conversation import Conversation, ConversationError, comparison_rows
from assistant.records import Answer
from corpus import chunk_document
from corpus.documents import read_document

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "eval" / "data" / "dev-corpus"
REPORTS = [DEV / "national-gwr" / f"{year}年国务院政府工作报告.txt" for year in (2019, 2022, 2023)]
PROVINCES = [DEV / "provincial-2025" / f"2025年{name}政府工作报告.docx" for name in ("山东省", "河南省")]
CONVERSATIONS = ROOT / "eval" / "data" / "dev" / "conversations.jsonl"


@pytest.fixture
def reports(tmp_path, fake_model) -> PlanQA:
    """Three national and two provincial reports (real texts), keyword retrieval with a stand-in embedder."""
    return PlanQA.load(index_dir=tmp_path / "index", model=fake_model, mode="bm25",
                       documents=[read_document(p) for p in (*REPORTS, *PROVINCES)], progress=False)


def resolved(qa: PlanQA, *questions: str) -> list[str]:
    return [turn.resolved for turn in Conversation(qa, questions).turns]


def test_follow_ups_carry_place_time_and_topic(qa):
    assert resolved(qa, "鄂州到2025年要建多少5G基站？", "那充电桩呢？", "湖北的呢？") == [
        "鄂州到2025年要建多少5G基站", "鄂州到2025年要建多少充电桩", "湖北到2025年要建多少充电桩"]
    national = "2025年政府工作报告提出的国内生产总值增长目标是多少？"
    assert resolved(qa, national, "那2023年的呢？", "城镇新增就业呢？")[1:] == [
        "2023年政府工作报告提出的国内生产总值增长目标是多少", "2023年政府工作报告提出的城镇新增就业目标是多少"]
    assert resolved(qa, "鄂州打算建多少5G基站", "那充电桩要建多少个？")[1] == "鄂州充电桩要建多少个"


def test_a_new_topic_is_not_polluted(qa):
    assert resolved(qa, "湖南2025年GDP增长目标是多少？", "另外，2024年政府工作报告提出开辟哪些未来产业新赛道？")[1] == (
        "另外,2024年政府工作报告提出开辟哪些未来产业新赛道")
    assert resolved(qa, "鄂州打算建多少5G基站？", "三区三线是什么？", "河南2025年粮食产量的目标是多少？")[1:] == [
        "三区三线是什么", "河南2025年粮食产量的目标是多少"]


def test_conversation_answers_a_follow_up_and_says_how_it_was_read(qa):
    conversation = qa.conversation()
    first = conversation.ask("鄂州到2025年要建多少5G基站？")
    assert first.found and first.resolved_question == "" and "5000个" in first.text
    second = conversation.ask("那充电桩呢？")
    assert second.question == "那充电桩呢？"
    assert second.resolved_question == "鄂州到2025年要建多少充电桩"
    assert second.found and "2000个" in second.text
    assert "充电桩" in second.citations[0].text
    third = conversation.ask("湖北的呢？")
    assert third.resolved_question == "湖北到2025年要建多少充电桩"
    assert not third.found and "文档库中没有湖北省" in third.text
    assert [t.question for t in conversation.turns] == ["鄂州到2025年要建多少5G基站？", "那充电桩呢？", "湖北的呢？"]
    assert second.to_dict()["resolved_question"] == "鄂州到2025年要建多少充电桩"


def test_history_of_earlier_questions_resolves_the_next(qa):
    answer = qa.conversation(["鄂州到2025年要建多少5G基站？"]).ask("那充电桩呢")
    assert answer.resolved_question == "鄂州到2025年要建多少充电桩" and "2000个" in answer.text


def test_comparison_on_the_shipped_plan_marks_the_missing_region(qa):
    answer = qa.ask("鄂州和湖北的5G基站目标")
    rows = comparison_rows(answer)
    assert [(r["label"], r["found"]) for r in rows] == [("鄂州市", True), ("湖北省", False)]
    assert rows[0]["value"] == "5000个" and "5000个" in rows[0]["quote"]
    assert rows[0]["reference"].endswith("专栏4-6 数字经济领域重点工程")
    assert rows[1]["value"] == "未找到" and "文档库中没有湖北省" in rows[1]["reason"]


def test_comparisons_and_series_on_real_reports_cite_each_row(reports):
    answer = reports.ask("山东和河南2025年城镇新增就业目标分别是多少？")
    rows = {r["label"]: r for r in comparison_rows(answer)}
    assert set(rows) == {"山东省", "河南省"}
    for label, title in (("山东省", "2025年山东省政府工作报告"), ("河南省", "2025年河南省政府工作报告")):
        assert "110万人以上" in rows[label]["value"], rows[label]
        assert rows[label]["reference"].startswith(f"《{title}》") and "110万人以上" in rows[label]["quote"]

    series = reports.ask("2019年到2023年的GDP增长目标怎么变化")
    rows = comparison_rows(series)
    assert [r["label"] for r in rows] == ["2019年", "2022年", "2023年"]  # the years the library holds
    expected = {"2019年": ("6%－6.5%", 2019), "2022年": ("5.5%左右", 2022), "2023年": ("5%左右", 2023)}
    for row in rows:
        value, year = expected[row["label"]]
        assert row["found"] and value in row["value"], row
        assert row["reference"].startswith(f"《{year}年") and "国务院政府工作报告》" in row["reference"]
        assert value in row["quote"]


def test_a_follow_up_on_a_comparison_keeps_both_regions(reports):
    conversation = reports.conversation()
    conversation.ask("山东和河南2025年城镇新增就业目标分别是多少？")
    answer = conversation.ask("那粮食产量呢")
    assert answer.resolved_question == "山东和河南2025年粮食产量目标分别是多少"
    values = {r["label"]: r["value"] for r in comparison_rows(answer)}
    assert "1100亿斤以上" in values["山东省"] and "1300亿斤以上" in values["河南省"]


def _conversation_for_export(qa: PlanQA) -> Conversation:
    conversation = qa.conversation()
    conversation.ask("鄂州到2025年要建多少5G基站？")
    conversation.ask("那充电桩呢？")
    conversation.ask("鄂州和湖北的5G基站目标")
    return conversation


def test_markdown_export_holds_questions_quotes_references_and_rows(qa, tmp_path):
    conversation = _conversation_for_export(qa)
    path = conversation.export(tmp_path / "会议材料.md")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 会议材料\n")
    assert "## 2. 那充电桩呢" in text and "理解为：鄂州到2025年要建多少充电桩" in text
    assert "**答：** 2000个以上" in text and "新能源汽车充电桩保有量达到2000个以上" in text
    reference = conversation.answers[0].citations[0].reference()
    assert f"> ——{reference}" in text
    assert "| 湖北省 | 未找到 | 文档库中没有湖北省的规划或报告 |" in text
    assert f"| 鄂州市 | 5000个 | {reference} |" in text


def test_docx_export_opens_in_word_format(qa, tmp_path):
    conversation = _conversation_for_export(qa)
    path = conversation.export(tmp_path / "会议材料.docx")
    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "会议材料"
    assert "2. 那充电桩呢" in paragraphs and "理解为：鄂州到2025年要建多少充电桩" in paragraphs
    assert "答：5000个" in paragraphs
    reference = conversation.answers[0].citations[0].reference()
    assert f"——{reference}" in paragraphs
    assert any(p.startswith("「数字基础设施工程：到2025年，全市建设5G基站5000个") for p in paragraphs)
    [table] = document.tables
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["对象", "数值", "出处"]
    assert cells[1] == ["鄂州市", "5000个", reference]
    assert cells[2][:2] == ["湖北省", "未找到"]


def test_export_refuses_an_unknown_format(qa, tmp_path):
    with pytest.raises(ConversationError, match=r"\.md or \.docx"):
        Conversation(qa).export(tmp_path / "notes.pdf")


def test_export_of_a_not_found_answer_gives_the_reason():
    from assistant.conversation import to_markdown

    text = "规划中未找到相关内容。以下是最接近的段落，供参考。"
    answer = Answer("鄂州市长是谁", text, False, (), "fact", "hybrid", "m")
    assert "**答：** 规划中未找到相关内容。" in to_markdown([answer])


def test_the_conversation_set_is_well_formed_and_its_answers_occur_in_the_documents(plan):
    """Every must_contain string is verbatim in the document its turn names (titles joined by | for a comparison)."""
    records = [json.loads(line) for line in CONVERSATIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(records) >= 40
    texts: dict[str, str] = {plan.meta.title: "\n".join(c.text for c in chunk_document(plan))}
    for path in sorted(DEV.rglob("*")):
        if path.suffix in (".txt", ".docx") and path.name != "README.md":
            texts[path.stem] = ""
    kinds = {"follow-up": 0, "topic change": 0}
    for record in records:
        for index, turn in enumerate(record["turns"]):
            if index:
                kinds["follow-up" if turn["carries"] != "none" else "topic change"] += 1
            for title in filter(None, turn["doc"].split("|")):
                assert title in texts, (record["id"], title)
                if not texts[title]:
                    path = next(p for p in DEV.rglob(f"{title}.*"))
                    texts[title] = "\n".join(c.text for c in chunk_document(read_document(path)))
            docs = "\n".join(texts[t] for t in turn["doc"].split("|") if t)
            for needle in turn["must_contain"]:
                assert needle in docs, (record["id"], index, needle)
    assert kinds["follow-up"] >= 40 and kinds["topic change"] >= 8


# --- what a follow-up names replaces the slot of the same kind --------------------------------------

PLANS_2026 = DEV / "plans-2026"


@pytest.fixture(scope="module")
def reports_2026(tmp_path_factory) -> PlanQA:
    """Real 2026 reports (北京, 深圳, 杭州, the national one) and the 2025 national report, keyword retrieval."""
    from index import embedders
    from tests.index.conftest import HashEmbedder

    embedders._cache["fake-2026"] = HashEmbedder()
    files = [PLANS_2026 / f"2026年{name}政府工作报告.txt" for name in ("北京市", "深圳市", "杭州市", "国务院")]
    files.append(DEV / "national-gwr" / "2025年国务院政府工作报告.txt")
    return PlanQA.load(index_dir=tmp_path_factory.mktemp("index-2026"), model="fake-2026", mode="bm25",
                       documents=[read_document(p) for p in files], progress=False)


@pytest.mark.xfail(
    strict=True,
    reason="known gap: the follow-up is read right, but the learned model quotes the sentence of "
           "incubators that names 临空经济区 over the zone's own paragraph",
)
def test_a_new_place_replaces_the_old_place(qa):
    assert resolved(qa, "葛店开发区重点发展哪些产业？", "那临空经济区呢？", "那梧桐湖新区呢？")[1:] == [
        "临空经济区重点发展哪些产业", "梧桐湖新区重点发展哪些产业"]
    # a district replaces the district the question is about, not the city it names in passing
    assert resolved(qa, "华容区在鄂州文旅产业布局中定位为什么片区？", "梁子湖区呢？")[1] == (
        "梁子湖区在鄂州文旅产业布局中定位为什么片区")
    conversation = qa.conversation()
    conversation.ask("葛店开发区重点发展哪些产业？")
    answer = conversation.ask("那临空经济区呢？")
    assert answer.found and "医疗健康" in answer.text and "智能制造" in answer.text


def test_an_indicator_after_a_question_about_a_zone_asks_the_region_it_lies_in(qa):
    assert resolved(qa, "葛店开发区重点发展哪些产业？", "森林覆盖率呢？")[1] == "鄂州市森林覆盖率是多少"
    assert resolved(qa, "葛店开发区在鄂州文旅产业布局中定位为什么片区？", "农业科技贡献率呢？")[1] == (
        "鄂州农业科技贡献率是多少")
    conversation = qa.conversation()
    conversation.ask("三江港新区重点发展什么产业？")
    assert "79" in conversation.ask("人均预期寿命呢？").text


def test_a_new_subject_replaces_the_whole_phrase_of_the_old_one(qa):
    assert resolved(qa, "杭州数字经济核心产业增加值占GDP比重2030年目标是多少？", "人均预期寿命呢？")[1] == (
        "杭州人均预期寿命2030年目标是多少")
    assert resolved(qa, "北京到2030年生活垃圾回收利用率要达到多少？", "外资研发中心数量呢？")[1] == (
        "北京到2030年外资研发中心数量要达到多少")
    assert resolved(qa, "北京每万人口高价值发明专利拥有量2025年和2030年分别是多少？", "常住人口规模呢？")[1] == (
        "北京常住人口规模2025年和2030年分别是多少")


def test_another_indicator_after_a_growth_question_asks_its_growth(reports_2026):
    assert resolved(reports_2026, "杭州今年地区生产总值增长目标是多少？", "规模以上工业增加值呢？",
                    "社会消费品零售总额呢？")[1:] == ["杭州今年规模以上工业增加值增长目标是多少",
                                                  "杭州今年社会消费品零售总额增长目标是多少"]
    # an indicator that is a count of new things or a share is asked as it is
    assert resolved(reports_2026, "杭州今年地区生产总值增长目标是多少？", "城镇新增就业呢？")[1] == (
        "杭州今年城镇新增就业目标是多少")


def test_an_earlier_year_asks_for_that_years_figure_not_a_target(qa):
    conversation = qa.conversation()
    conversation.ask("鄂州每千人口拥有执业（助理）医师数2025年目标是多少？")
    answer = conversation.ask("那2020年呢？")
    assert answer.resolved_question == "鄂州每千人口拥有执业(助理)医师数2020年是多少"
    assert "2.49" in answer.text


def test_a_follow_up_that_only_measures_takes_the_old_subject_and_the_librarys_years(reports_2026):
    assert resolved(reports_2026, "北京今年GDP增长目标是多少？", "去年实际增长多少？")[1] == "北京2025年GDP实际增长多少"
    assert resolved(reports_2026, "2026年政府工作报告提出城镇新增就业目标是多少？", "去年实际新增了多少？")[1] == (
        "全国2025年城镇新增就业实际多少")
    # a relative time with a topic of its own still speaks of the place before
    assert resolved(reports_2026, "深圳今年社会消费品零售总额增长目标是多少？", "去年地区生产总值增长了多少？")[1] == (
        "深圳2025年地区生产总值增长了多少")
    conversation = reports_2026.conversation()
    conversation.ask("北京今年GDP增长目标是多少？")
    assert "5.4%" in conversation.ask("去年实际增长多少？").text


def test_english_follow_ups_change_the_place_or_the_subject(reports_2026):
    assert resolved(reports_2026, "What is Hangzhou's GDP growth target for 2026?", "What about the whole country?",
                    "And what was its total GDP last year?")[1:] == [
        "What is China's GDP growth target for 2026", "what was China's total GDP last year"]
    assert resolved(reports_2026, "北京今年城镇调查失业率要控制在多少？", "What about Hangzhou?")[1] == (
        "杭州今年城镇调查失业率要控制在多少")
    assert resolved(reports_2026, "杭州常住人口城镇化率2025年预计和2030年目标分别是多少？",
                    "What about forest coverage?")[1] == "杭州森林覆盖率2025年预计和2030年目标分别是多少"


def test_a_follow_up_that_qualifies_the_old_subject_measures_it(qa):
    assert resolved(qa, "山东2025年粮食产量目标是多少？", "它的增速呢？")[1] == "山东2025年粮食产量增速是多少"
