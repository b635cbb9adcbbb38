"""The parse tree of the shipped plan: counts, paths, footnotes, the indicator table."""

from __future__ import annotations

import re

from corpus import PATH_SEP, SHIPPED_PLAN
from corpus.navigation import find_section, render_toc


def _levels(plan, level):
    return [s for s in plan.sections() if s.heading.level == level]


def test_ten_parts_in_order(plan):
    parts = _levels(plan, "篇")
    assert [p.heading.number for p in parts] == [str(n) for n in range(1, 11)]
    assert parts[3].heading.label == "第四篇 加快建设科学城，引领高质量发展"


def test_chapters_recovered_and_numbered_continuously(plan):
    chapters = _levels(plan, "章")
    assert len(chapters) == 37
    assert [int(c.heading.number) for c in chapters] == list(range(1, 38))
    labels = {c.heading.label for c in chapters}
    assert {"第一章 历史方位", "第二章 指导思想和发展目标", "第十三章 加快建设数字鄂州"} <= labels
    # chapters whose number the conversion lost entirely come back as bare titles
    assert "第三十二章 加强和创新市域社会治理" in labels
    assert "第三十三章 推进平安鄂州建设" in labels
    assert "第十四章 坚决落实长江大保护要求" in labels


def test_sections_in_both_numeral_forms(plan):
    sections = _levels(plan, "节")
    assert len(sections) == 130  # every 第X节 / 第N节 line of the source
    # 「第1节」 in the source is rendered 「第一节」 and numbered per chapter
    culture = find_section(plan, "第二十五章 › 第一节")
    assert culture.heading.label == "第一节 巩固提升文明城市创建成果"


def test_every_box_found_with_its_id(plan):
    boxes = [b.heading.number for b in _levels(plan, "专栏")]
    assert boxes == [
        "2-1", "2-2", "2-3", "2-4", "3-1", "3-2", "4-1", "4-2", "4-3", "4-4", "4-5", "4-6",
        "5-1", "6-1", "6-2", "6-3", "6-4", "8-1", "9-1", "9-2", "9-3", "9-4", "9-5",
    ]


def test_box_entries_are_addressable(plan):
    box = find_section(plan, "专栏4-6")
    assert box.heading.label == "专栏4-6 数字经济领域重点工程"
    assert len(box.blocks) == 15
    first = box.blocks[0]
    assert first.block_id == "box4-6.e1" and first.kind == "box_entry"
    assert first.text.startswith("数字基础设施工程：到2025年，全市建设5G基站5000个")
    # a box entry split over two source lines stays one entry (专栏9-4, 中医药)
    assert "葛洪中医文化" in find_section(plan, "专栏9-4").blocks[-1].text


def test_5g_target_lands_in_box_4_6_under_part_four(plan):
    [block] = [b for b in plan.blocks() if "全市建设5G基站5000个" in b.text]
    assert block.path[0] == "第四篇 加快建设科学城，引领高质量发展"
    assert block.path[1] == "第十三章 加快建设数字鄂州"
    assert block.path[-1] == "专栏4-6 数字经济领域重点工程"
    assert PATH_SEP.join(block.path).count(PATH_SEP) == 3


def test_indicator_table_has_19_structured_rows(plan):
    [table] = _levels(plan, "表")
    assert table.heading.title == "“十四五”时期鄂州市经济社会发展主要指标"
    assert table.path[-2] == "第四节 主要指标"
    rows = [dict(b.fields) for b in table.blocks]
    assert len(rows) == 19
    assert [r["序号"] for r in rows] == [str(n) for n in range(1, 20)]
    urban = rows[2]
    assert urban["指标名称"] == "常住人口城镇化率（%）"
    assert (urban["2020年预计"], urban["2025年"], urban["属性"]) == ("66.8", "70", "预期性")
    # merged category cells are carried down
    assert urban["类别"] == "经济发展"
    assert [r["类别"] for r in rows].count("民生福祉") == 7
    assert rows[17]["指标名称"] == "森林覆盖率（%）" and rows[17]["2025年"] == "10.64"
    assert rows[0]["年均增速"] == "7左右"
    assert table.blocks[2].text.startswith("常住人口城镇化率（%）——")


def test_footnotes_attached_to_their_paragraph(plan):
    blocks = {b.block_id: b for b in plan.blocks()}
    notes = {f.text: b for b in blocks.values() for f in b.footnotes}
    assert len(notes) == 18
    [three_zones] = [b for text, b in notes.items() if text.startswith("三区为主体功能区")]
    assert "三区三线" in three_zones.text
    [ref] = three_zones.footnotes
    assert three_zones.text[ref.offset - 4 : ref.offset] == "三区三线"
    assert "城市双修" in notes["指生态修复、城市修补"].text


def test_no_conversion_residue(plan):
    for block in plan.blocks():
        assert "[bookmark" not in block.text and "[footnoteRef" not in block.text
        assert not re.search(r"\[\d+:", block.text), block.block_id
        assert "\ue000" not in block.text
    assert not any(b.text.strip() == "134" for b in plan.blocks())


def test_paragraph_cut_by_the_conversion_is_rejoined(plan):
    intro = find_section(plan, "第六篇").blocks[0].text
    assert "以畅通城乡要素循环为重点" in intro


def test_every_body_line_lands_in_a_block(plan):
    """Each prose line of the source (residue stripped) is inside some block's text."""
    raw = SHIPPED_PLAN.read_text(encoding="utf-8").split("\n")
    body = "\n".join(b.text for b in plan.blocks())
    for line in raw:
        line = re.sub(r"\[bookmark: [^\]]*\]|\[footnoteRef:\d+\]", "", line)
        line = re.sub(r"\s*\[\d+:[^\]]*\]", "", line).strip()
        if len(line) > 40 and not line.startswith(("第", "专栏")):
            assert line[:40] in body, line[:40]


def test_toc_lists_every_level(plan):
    toc = render_toc(plan)
    assert "第十三章 加快建设数字鄂州" in toc
    assert "专栏4-6 数字经济领域重点工程" in toc
    assert toc.count("篇 ") >= 10
