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
