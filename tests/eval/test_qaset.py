"""The shipped Q&A set is valid against the plan text, and the loader rejects bad files clearly."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from eval.qaset import (
    QA_TYPES,
    QAItem,
    QASetError,
    default_qa_path,
    load_qa,
    validate_against_text,
)

PLAN_PATH = Path(__file__).resolve().parents[2] / "corpus" / "data" / "ezhou-14th-five-year-plan.txt"
PARTS = [f"第{n}篇" for n in "一二三四五六七八九十"]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def plan_text() -> str:
    """The plan with conversion residue removed; footnote texts ``[N: …]`` stay."""
    raw = PLAN_PATH.read_text(encoding="utf-8")
    return re.sub(r"\[footnoteRef:\d+\]", "", re.sub(r"\[bookmark: [^\]]*\]", "", raw))


@pytest.fixture(scope="module")
def items() -> list[QAItem]:
    return load_qa(default_qa_path())


def _is_english(question: str) -> bool:
    ascii_share = sum(c.isascii() for c in question) / len(question)
    return not CJK.search(question[:10]) or ascii_share > 0.5


# --- the shipped set -------------------------------------------------------------------------


def test_default_path_is_the_shipped_file():
    path = default_qa_path()
    assert path.parts[-3:] == ("eval", "data", "qa.jsonl")
    assert path.is_file()


def test_shipped_set_is_large_with_unique_ids(items):
    assert len(items) >= 170
    ids = [item.id for item in items]
    assert len(set(ids)) == len(ids)


def test_evidence_and_must_contain_occur_in_the_plan(items, plan_text):
    assert validate_against_text(items, plan_text) == []


def test_gold_answers_contain_their_must_contain(items):
    missing = [(i.id, s) for i in items for s in i.must_contain if s not in i.answer]
    assert missing == []


def test_unanswerable_items_are_empty_and_frequent(items):
    unanswerable = [i for i in items if not i.answerable]
    assert len(unanswerable) / len(items) >= 0.12
    assert all(not i.must_contain and not i.evidence and not i.section for i in unanswerable)


def test_answerable_items_carry_a_section_path(items):
    for item in (i for i in items if i.answerable):
        levels = item.section.split(" › ")
        assert re.fullmatch(r"第[一二三四五六七八九十]+篇 .+", levels[0]), item.id
        assert re.fullmatch(r"第[一二三四五六七八九十]+章 .+", levels[1]), item.id


def test_difficulty_and_language_mix(items):
    assert sum(i.difficulty == "hard" for i in items) * 2 >= len(items)
    assert sum(_is_english(i.question) for i in items) >= 8


def test_every_part_of_the_plan_is_covered(items):
    per_part = Counter(i.section.split(" ")[0] for i in items if i.section)
    assert {part: per_part[part] for part in PARTS if per_part[part] < 8} == {}


def test_type_counts(items):
    counts = Counter(i.type for i in items)
    assert set(counts) <= set(QA_TYPES)
    assert counts["table"] >= 12
    assert counts["footnote"] >= 8
    assert all(counts[t] >= 15 for t in ("number", "list", "fact"))
    assert sum("专栏" in i.section for i in items) >= 25


def test_table_items_come_from_the_indicator_table(items):
    table = [i for i in items if i.type == "table"]
    assert all(i.section.endswith("第四节 主要指标 › “十四五”时期鄂州市经济社会发展主要指标") for i in table)


# --- the loader on bad input -----------------------------------------------------------------


def _record(**overrides) -> dict:
    record = {
        "id": "q1",
        "question": "鄂州打算建多少5G基站？",
        "answer": "到2025年建设5G基站5000个。",
        "must_contain": ["5000个"],
        "evidence": "到2025年，全市建设5G基站5000个，实现全域连续覆盖",
        "section": "第四篇 加快建设科学城，引领高质量发展 › 第十三章 加快建设数字鄂州",
        "type": "number",
        "difficulty": "hard",
    }
    record.update(overrides)
    return record


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "qa.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _dump(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)


def test_blank_lines_are_skipped(tmp_path):
    path = _write(tmp_path, [_dump(_record()), "", "   ", _dump(_record(id="q2"))])
    assert [item.id for item in load_qa(path)] == ["q1", "q2"]
    assert load_qa(path)[0].must_contain == ("5000个",)


def test_non_utf8_file_is_rejected_and_bom_tolerated(tmp_path):
    path = tmp_path / "qa.jsonl"
    path.write_bytes(_dump(_record()).encode("utf-16"))
    with pytest.raises(QASetError, match="not UTF-8"):
        load_qa(path)
    path.write_bytes(_dump(_record()).encode("utf-8-sig"))
    assert [item.id for item in load_qa(path)] == ["q1"]


def test_bad_json_names_file_and_line(tmp_path):
    path = _write(tmp_path, [_dump(_record()), "", '{"id": "q2", "question": '])
    with pytest.raises(QASetError, match=r"qa\.jsonl:3: invalid JSON"):
        load_qa(path)


def test_unknown_type_is_rejected(tmp_path):
    path = _write(tmp_path, [_dump(_record(type="opinion"))])
    with pytest.raises(QASetError, match=r":1: unknown type 'opinion'"):
        load_qa(path)


def test_unknown_difficulty_is_rejected(tmp_path):
    path = _write(tmp_path, [_dump(_record(difficulty="medium"))])
    with pytest.raises(QASetError, match="unknown difficulty 'medium'"):
        load_qa(path)


def test_duplicate_id_is_rejected(tmp_path):
    path = _write(tmp_path, [_dump(_record()), _dump(_record())])
    with pytest.raises(QASetError, match=r":2: duplicate id 'q1' \(first used on line 1\)"):
        load_qa(path)


def test_answerable_item_needs_must_contain_and_evidence(tmp_path):
    path = _write(tmp_path, [_dump(_record(must_contain=[]))])
    with pytest.raises(QASetError, match=r":1: .*empty 'must_contain'"):
        load_qa(path)
    path = _write(tmp_path, [_dump(_record(evidence=""))])
    with pytest.raises(QASetError, match="empty 'evidence'"):
        load_qa(path)


def test_unanswerable_item_must_not_have_must_contain(tmp_path):
    path = _write(tmp_path, [_dump(_record(type="unanswerable", evidence="", section=""))])
    with pytest.raises(QASetError, match="unanswerable item 'q1' must have an empty 'must_contain'"):
        load_qa(path)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({k: v for k, v in _record().items() if k != "answer"}, "missing field"),
        (_record(must_contain="5000个"), "must be a list"),
        (_record(must_contain=["a", "b", "c", "d", "e"]), "more than 4"),
        (_record(question=7), "'question' must be a string"),
        (["not", "an", "object"], "expected a JSON object"),
    ],
)
def test_malformed_records_are_rejected(tmp_path, record, message):
    path = _write(tmp_path, [_dump(record)])
    with pytest.raises(QASetError, match=message):
        load_qa(path)


def test_extra_fields_are_warned_about_not_refused(tmp_path):
    path = _write(tmp_path, [_dump(_record(notes="x"))])
    warnings: list[str] = []
    [item] = load_qa(path, warnings)
    assert item.id == "q1"
    assert len(warnings) == 1 and ":1: extra field(s) ignored: notes" in warnings[0]
    assert load_qa(path)  # without a list the warning is dropped, the item still loads


def test_optional_doc_and_region_fields(tmp_path):
    path = _write(tmp_path, [_dump(_record(doc="national-2019", region="全国"))])
    [item] = load_qa(path)
    assert (item.doc, item.region) == ("national-2019", "全国")
    with pytest.raises(QASetError, match="'region' must be a string"):
        load_qa(_write(tmp_path, [_dump(_record(region=3))]))


def test_validate_reports_problems_against_the_text():
    text = "到2025年，全市建设5G基站5000个，实现全域连续覆盖。\n下一行。"
    good = QAItem(**{**_record(), "must_contain": ("5000个",)})
    assert validate_against_text([good], text) == []
    bad = QAItem(**{**_record(), "must_contain": ("6000个",), "evidence": "建设5G基站"})
    problems = validate_against_text([bad], text)
    assert any("evidence has 6 characters" in p for p in problems)
    assert any("'6000个' not found" in p for p in problems)
    split = QAItem(**{**_record(), "evidence": "实现全域连续覆盖。\n下一行。并且更多的文字"})
    assert any("evidence not found" in p for p in validate_against_text([split], text))
    across = QAItem(**{**_record(), "evidence": "5000个，实现全域连续覆盖。\n下一行。"})
    assert any("several lines" in p for p in validate_against_text([across], text))
