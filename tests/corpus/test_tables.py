"""Plans as published (corpus.tables and the parser): indicator tables from text rows (北京 .txt), Word
(杭州 .docx) and PDF (杭州 .pdf), tables of contents, headings over two lines, tables that were images
(深圳), and Word/HTML tables with multi-row headers, merged and empty cells built here."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from corpus import PlanDocument, chunk_document, load_document
from corpus.documents import read_document
from corpus.tables import ABOVE, EMPTY, LEFT, build_table, read_text_rows, text_header

DATA = Path(__file__).resolve().parents[2] / "eval" / "data"
PLANS = DATA / "dev-corpus" / "plans-2026"
OUTLINE = "国民经济和社会发展第十五个五年规划纲要"
BEIJING, SHENZHEN, NATIONAL = (PLANS / f"{who}{OUTLINE}.txt" for who in ("北京市", "深圳市", "中华人民共和国"))
HANGZHOU_DOCX = PLANS / f"杭州市{OUTLINE}.docx"
HANGZHOU_PDF = DATA / "formats" / f"杭州市{OUTLINE}.pdf"


def _rows(doc: PlanDocument) -> list[dict[str, str]]:
    return [dict(b.fields) for b in doc.blocks() if b.kind == "table_row"]


def _row(rows: list[dict[str, str]], name: str) -> dict[str, str]:
    [row] = [r for r in rows if r.get("指标", r.get("指标名称", "")).startswith(name)]
    return row


@pytest.fixture(scope="module")
def beijing() -> PlanDocument:
    return read_document(BEIJING)


@pytest.fixture(scope="module")
def hangzhou_docx() -> PlanDocument:
    return read_document(HANGZHOU_DOCX)


@pytest.fixture(scope="module")
def hangzhou_pdf() -> tuple[PlanDocument, float]:
    start = time.perf_counter()
    doc = read_document(HANGZHOU_PDF)
    return doc, time.perf_counter() - start


# --- 北京: rows wrapped over text lines ---------------------------------------------------------


def test_beijing_indicator_table_has_its_29_indicators(beijing):
    rows = _rows(beijing)
    assert len(rows) == 29
    assert [r["序号"] for r in rows] == [str(n) for n in range(1, 30)]
    assert list(rows[0]) == ["类别", "序号", "指标", "2025年", "2030年目标", "属性"]
    [table] = [s for s in beijing.sections() if s.heading.level == "表"]
    assert table.heading.title == "“十五五”时期经济社会发展主要指标"  # the line above the table names it
    assert table.path[-2] == "二、主要目标"


def test_beijing_rows_keep_units_marks_and_wrapped_names(beijing):
    rows = _rows(beijing)
    productivity = _row(rows, "全员劳动生产率")
    assert productivity == {"类别": "创新发展(5项)", "序号": "4", "指标": "全员劳动生产率(万元/人)",
                            "2025年": ">46.5∗", "2030年目标": "58左右", "属性": "预期性"}
    gdp = _row(rows, "地区生产总值年均增速")
    assert (gdp["2025年"], gdp["2030年目标"]) == ("5.4", "4.5-5,努力争取更好结果")
    population = _row(rows, "常住人口规模")
    assert (population["2030年目标"], population["属性"], population["类别"]) == ("≤2300", "约束性", "协调发展(5项)")
    # a name wrapped over two lines comes back whole, and the row text (what the index sees) has it
    research = _row(rows, "全社会研究与试验发展经费支出占地区生产总值比重")
    assert research["指标"] == "全社会研究与试验发展经费支出占地区生产总值比重(%)"
    assert (research["2025年"], research["2030年目标"]) == ("6左右∗", ">6")
    [block] = [b for b in beijing.blocks() if b.kind == "table_row" and b.fields[1] == ("序号", "1")]
    assert block.text.startswith("全社会研究与试验发展经费支出占地区生产总值比重(%)——")
    # a value over three lines; an empty 2025 cell (—) stays as printed; 【】 marks a five-year total
    assert _row(rows, "单位地区生产总值二氧化碳排放降幅")["2030年目标"] == "完成经国家审核衔接后确定的目标"
    assert _row(rows, "优良水体比例")["2025年"] == "—"
    assert _row(rows, "实际利用外资规模")["2030年目标"] == "【350左右】"
    assert _row(rows, "单位地区生产总值生产安全事故死亡率")["指标"] == "单位地区生产总值生产安全事故死亡率(人/百亿元)"
    assert [r["类别"] for r in rows].count("安全稳定(3项)") == 3
    # one indicator over two sub-rows stays one row
    food = _row(rows, "食品药品安全")
    assert food["2030年目标"] == "食品安全抽检合格率(%)>98.7，药品抽检合格率(%)>99" and food["属性"] == "约束性"


def test_beijing_table_notes_stay_text(beijing):
    assert any(b.kind == "paragraph" and b.text.startswith("注:1.【 】为5年累计数") for b in beijing.blocks())


# --- 杭州: Word table with cells split into extra columns, and the same printed to PDF ------------


def test_hangzhou_docx_indicator_table(hangzhou_docx):
    rows = _rows(hangzhou_docx)
    assert len(rows) == 29 and [r["序号"] for r in rows] == [str(n) for n in range(1, 30)]
    assert list(rows[0]) == ["类别", "序号", "指标名称", "2025年预计", "2030年目标", "年均/累计", "属性"]
    assert _row(rows, "全员劳动生产率") == {
        "类别": "经济发展（7项）", "序号": "2", "指标名称": "全员劳动生产率（万元/人）", "2025年预计": "29.6",
        "2030年目标": "35", "年均/累计": "—", "属性": "预期性"}
    gdp = _row(rows, "地区生产总值（GDP）增长")
    assert (gdp["2025年预计"], gdp["2030年目标"], gdp["年均/累计"]) == ("5.2左右", "—", "5以上")
    # cells the source split into two columns are one again: 「21.5」「（2024年）」, 「稳步」「提高」, 「1.58」「左右」
    assert _row(rows, "货物和服务贸易进出口总额占全省份额")["2025年预计"] == "21.5（2024年）"
    assert _row(rows, "家庭可支配收入")["2030年目标"] == "稳步提高"
    assert _row(rows, "城乡居民收入倍差")["2030年目标"] == "1.58左右"
    assert _row(rows, "城镇新增就业人数")["年均/累计"] == "[125]"
    assert _row(rows, "森林覆盖率")["类别"] == "绿色低碳（6项）"
    doctors = _row(rows, "每千人口拥有医护人员数")
    assert doctors["2030年目标"] == "执业医师数（人）5.0，注册护士数（人）6.02"


@pytest.mark.parametrize("name", ["地区生产总值（GDP）增长", "全员劳动生产率", "研究与试验发展（R&D）经费支出",
                                  "劳动年龄人口平均受教育年限", "单位GDP用水量下降率", "每千人口拥有医护人员数",
                                  "城市细颗粒物（PM2.5）平均浓度", "能源综合生产能力"])
def test_hangzhou_pdf_rows_equal_the_docx_rows(hangzhou_docx, hangzhou_pdf, name):
    """pdfplumber reads the ruled table; rows cut by a page break (14, 23) are joined again."""
    assert _row(_rows(hangzhou_pdf[0]), name) == _row(_rows(hangzhou_docx), name)


def test_hangzhou_pdf_has_the_29_indicators_and_the_docx_tree(hangzhou_docx, hangzhou_pdf):
    doc, seconds = hangzhou_pdf
    assert _rows(doc) == _rows(hangzhou_docx)
    assert [s.path for s in doc.sections()] == [s.path for s in hangzhou_docx.sections()]
    assert seconds < 30  # 47 pages; about 4 s on the 2-core development machine


# --- structure of the outlines -----------------------------------------------------------------


def test_tables_of_contents_are_skipped_and_headings_kept_once():
    national = read_document(NATIONAL)
    levels = [s.heading.level for s in national.sections()]
    assert (levels.count("篇"), levels.count("章")) == (18, 62)  # as the README counts them
    assert len({s.path for s in national.sections()}) == len(levels)
    beijing = read_document(BEIJING)
    assert not any("……" in s.heading.label for s in beijing.sections())


def test_a_heading_printed_over_two_lines_is_completed_from_the_contents(hangzhou_docx):
    parts = [s.heading.label for s in hangzhou_docx.sections() if s.heading.level == "篇"]
    assert len(parts) == 17
    assert parts[0] == "第一篇 立足“后亚运、两万亿、超大城市”新起点，建设世界一流的社会主义现代化国际大都市"
    assert parts[2] == "第三篇 坚持做深做透“两篇大文章”，打造更高水平创新活力之城"


def test_hangzhou_boxes(hangzhou_docx):
    boxes = [s for s in hangzhou_docx.sections() if s.heading.level == "专栏"]
    assert [int(s.heading.number) for s in boxes] == list(range(1, 35))
    first = boxes[0]
    assert first.heading.label == "专栏1 “人工智能+”行动" and len(first.blocks) == 6
    assert first.blocks[0].text.startswith("1.人工智能+科学研究。")


def test_shenzhen_images_are_missing_blocks_in_their_sections():
    doc = read_document(SHENZHEN)
    missing = [b for b in doc.blocks() if b.kind == "missing"]
    assert len(missing) == SHENZHEN.read_text(encoding="utf-8").count("［图片：")
    assert missing[0].text == "［图片：原网页此处为图片（主要指标表或专栏），文字版未收录］"
    assert missing[0].path == ("第二章 “十五五”时期指导方针和主要目标", "第三节 主要目标")
    assert not any(b.kind == "table_row" for b in doc.blocks())
    chunks = [c for c in chunk_document(doc) if c.kind == "missing"]
    assert len(chunks) == len(missing) and "第三节 主要目标" in chunks[0].search_text()


# --- grids built here ----------------------------------------------------------------------------


def test_a_two_row_header_joins_group_and_column_names():
    raw = [
        ["类别", "序号", "指标", "“十四五”", "“十五五”", LEFT, "属性"],
        [ABOVE, ABOVE, ABOVE, "2025年", "2030年", "年均", ABOVE],
        ["经济发展", "1", "地区生产总值增长（%）", "6.1", EMPTY, "5以上", "预期性"],
        [ABOVE, "2", "常住人口（万人）", "1260", "1300", EMPTY, "预期性"],
    ]
    table = build_table(raw)
    assert table.columns == ("类别", "序号", "指标", "“十四五”·2025年", "“十五五”·2030年", "“十五五”·年均", "属性")
    assert table.rows == (
        ("经济发展", "1", "地区生产总值增长（%）", "6.1", "", "5以上", "预期性"),  # an empty cell stays empty
        ("经济发展", "2", "常住人口（万人）", "1260", "1300", "", "预期性"),  # a merged cell carries down
    )


def test_a_plain_text_table_carries_empty_cells_down_as_before():
    table = build_table([["主要指标"], ["类别", "序号", "指标名称", "2025年", "属性"],
                         ["经济", "1", "增速（%）", "6", "预期性"], ["", "2", "城镇化率（%）", "70", "预期性"]])
    assert table.title == "主要指标" and table.rows[1][0] == "经济"


def test_word_table_with_merged_and_empty_cells(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("第一章 主要目标")
    document.add_paragraph("“十五五”时期主要指标")
    grid = document.add_table(rows=4, cols=7)
    header = ["类别", "序号", "指标", "“十四五”", "“十五五”", "", "属性"]
    for c, value in enumerate(header):
        grid.cell(0, c).text = value
    grid.cell(0, 4).merge(grid.cell(0, 5))  # 「“十五五”」 over 2030年 and 年均
    for c in (0, 1, 2, 6):
        grid.cell(0, c).merge(grid.cell(1, c))
    for c, value in zip((3, 4, 5), ("2025年", "2030年", "年均"), strict=True):
        grid.cell(1, c).text = value
    body = [["经济", "1", "地区生产总值增长（%）", "6.1", "", "5以上", "预期性"],
            ["", "2", "全员劳动生产率（万元/人）", "29.6", "35", "", "预期性"]]
    for r, row in enumerate(body, start=2):
        for c, value in enumerate(row):
            if value:
                grid.cell(r, c).text = value
    grid.cell(2, 0).merge(grid.cell(3, 0))
    path = tmp_path / "plan.docx"
    document.save(path)
    rows = _rows(load_document(path))
    assert rows == [
        {"类别": "经济", "序号": "1", "指标": "地区生产总值增长（%）", "“十四五”·2025年": "6.1",
         "“十五五”·2030年": "", "“十五五”·年均": "5以上", "属性": "预期性"},
        {"类别": "经济", "序号": "2", "指标": "全员劳动生产率（万元/人）", "“十四五”·2025年": "29.6",
         "“十五五”·2030年": "35", "“十五五”·年均": "", "属性": "预期性"},
    ]
    [table] = [s for s in load_document(path).sections() if s.heading.level == "表"]
    assert table.heading.title == "“十五五”时期主要指标"


def test_html_empty_cells_stay_empty(tmp_path):
    page = ("<html><body><h1>第一章 目标</h1><table>"
            "<tr><th>类别</th><th>指标名称</th><th>2025年</th><th>2030年</th></tr>"
            "<tr><td rowspan='2'>经济</td><td>增速（%）</td><td>6</td><td></td></tr>"
            "<tr><td>城镇化率（%）</td><td></td><td>72</td></tr></table></body></html>")
    path = tmp_path / "plan.html"
    path.write_text(page, encoding="utf-8")
    assert [(r["类别"], r["2025年"], r["2030年"]) for r in _rows(load_document(path))] == [
        ("经济", "6", ""), ("经济", "", "72")]


def test_text_rows_need_a_header_with_years_and_属性():
    assert text_header("类别 序号 指标 2025年 2030年目标 属性") is not None
    assert text_header("序号 领域 重大工程") is None and text_header("全年地区生产总值增长 5.2% 属性") is None
    lines = ["经济", "1 地区生产总值增长(%) 6", "5左右", "预期性", "2 常住人口(万人) 1260 ≤1300 约束性", "注:说明。"]
    rows, end = read_text_rows(lines, 0, ["类别", "序号", "指标", "2025年", "2030年", "属性"])
    assert rows == [["经济", "1", "地区生产总值增长(%)", "6", "5左右", "预期性"],
                    ["经济", "2", "常住人口(万人)", "1260", "≤1300", "约束性"]]
    assert lines[end] == "注:说明。"


def test_glossary_entries_start_with_their_term(tmp_path):
    text = ("一、总体要求\n坚持稳中求进。\n二、主要任务\n推动高质量发展。\n名词解释\n"
            "1.新质生产力：由技术革命性突破催生的先进生产力。\n2.两重：国家重大战略实施和重点领域安全能力建设。\n"
            "它包括多个方面。\n")
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    doc = load_document(path)
    [glossary] = [s for s in doc.sections() if s.heading.label == "名词解释"]
    assert [b.text for b in glossary.blocks] == [
        "新质生产力：由技术革命性突破催生的先进生产力。",
        "两重：国家重大战略实施和重点领域安全能力建设。它包括多个方面。",
    ]
    assert all(b.kind == "box_entry" for b in glossary.blocks)


def test_pdf_table_with_a_two_row_header_and_merged_cells(tmp_path):
    """A ruled table in a PDF (written by reportlab): pdfplumber's grid, merged cells told apart by geometry."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, TableStyle
    from reportlab.platypus import Table as PdfTable

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20)
    grid = PdfTable([
        ["类别", "序号", "指标", "“十四五”", "“十五五”", "", "属性"],
        ["", "", "", "2025年", "2030年", "年均", ""],
        ["经济", "1", "地区生产总值增长（%）", "6.1", "", "5以上", "预期性"],
        ["", "2", "全员劳动生产率（万元/人）", "29.6", "35", "", "预期性"],
    ])
    spans = [((4, 0), (5, 0)), *[((c, 0), (c, 1)) for c in (0, 1, 2, 6)], ((0, 2), (0, 3))]
    grid.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 10),
                              ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                              *[("SPAN", a, b) for a, b in spans]]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(
        [Paragraph("第一章 主要目标", style), Paragraph("“十五五”时期主要指标", style), grid,
         Paragraph("注：指标为预期性。", style)])
    path = tmp_path / "plan.pdf"
    path.write_bytes(out.getvalue())
    doc = load_document(path)
    assert _rows(doc) == [
        {"类别": "经济", "序号": "1", "指标": "地区生产总值增长（%）", "“十四五”·2025年": "6.1",
         "“十五五”·2030年": "", "“十五五”·年均": "5以上", "属性": "预期性"},
        {"类别": "经济", "序号": "2", "指标": "全员劳动生产率（万元/人）", "“十四五”·2025年": "29.6",
         "“十五五”·2030年": "35", "“十五五”·年均": "", "属性": "预期性"},
    ]
    [table] = [s for s in doc.sections() if s.heading.level == "表"]
    assert table.heading.title == "“十五五”时期主要指标"
    assert any(b.text == "注：指标为预期性。" for b in doc.blocks())
