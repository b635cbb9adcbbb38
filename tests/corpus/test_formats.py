"""More document formats: PDF and HTML files, and plans numbered 「第一部分」「一、」「（一）」.

Every input is built here in tmp_path. The PDFs are written by reportlab (a test-only
dependency) with its built-in Adobe CID font STSong-Light, which needs no font file, and
read back by pypdf exactly as a user's file would be.
"""

from __future__ import annotations

import io

import pytest

from corpus import CorpusError, PlanDocument, chunk_document, load_document
from corpus.loaders import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, _drop_running_lines, _unwrap, pdf_lines
from corpus.navigation import find_section, render_toc

HEADER = "鄂州市人民政府工作报告"
REVIEW_1 = (
    "过去一年，面对复杂严峻的外部环境和艰巨繁重的改革发展稳定任务，全市上下坚持稳中求进工作总基调，"
    "全年地区生产总值增长6.5%，达到1250亿元；规模以上工业增加值增长8.2%，固定资产投资增长10.1%，"
    "社会消费品零售总额增长9.3%，城乡居民人均可支配收入分别增长6.1%和7.8%。"
)
# numbered like a heading, but its first wrapped line has no punctuation: only the page width says it goes on
NUMBERED = (
    "（三）坚持改革开放激发市场活力持续优化营商环境深入推进国资国企改革加快建设高标准市场体系"
    "，全年新增市场主体3.2万户，实际使用外资增长15.6%，外贸进出口总额达到210亿元。"
)
REVIEW_2 = (
    "高新技术企业达到420家，研发投入强度达到2.3%，新增国家级专精特新“小巨人”企业6家，"
    "技术合同成交额突破80亿元。光谷科技创新大走廊鄂州功能区加快建设，梧桐湖新区、红莲湖新区"
    "新引进科创企业120家。"
)
PLAN_2024 = (
    "今年经济社会发展的主要预期目标是：地区生产总值增长7%左右，一般公共预算收入增长6%，"
    "城镇新增就业3万人以上，城镇调查失业率控制在5.5%以内，居民消费价格涨幅3%左右，"
    "粮食产量稳定在40万吨以上，节能降耗和主要污染物减排完成省下达任务。"
)
REPORT = [
    ("h", "一、2023年工作回顾"),
    ("p", REVIEW_1),
    ("h", "（一）坚持稳中求进，经济运行持续向好"),
    ("p", REVIEW_1 * 2),
    ("p", NUMBERED),
    ("h", "（二）坚持创新驱动，发展动能加速集聚"),
    *[("p", REVIEW_2)] * 6,
    ("h", "二、2024年工作安排"),
    ("p", PLAN_2024),
    ("h", "（一）聚焦产业升级，加快构建现代化产业体系"),
    ("p", PLAN_2024 * 2),
]


def _pdf(blocks: list[tuple[str, str]], header: str = HEADER) -> bytes:
    """A Chinese PDF with a running header and 「— N —」 page numbers, wrapped the way a layout engine does."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=14, leading=24, wordWrap="CJK",
                          firstLineIndent=28)
    heading = ParagraphStyle("heading", parent=body, fontSize=16, leading=32, firstLineIndent=0)

    def furniture(canvas, doc) -> None:
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 40, header)
        canvas.drawCentredString(A4[0] / 2, 30, f"— {doc.page} —")

    out = io.BytesIO()
    story = [Paragraph(text, heading if kind == "h" else body) for kind, text in blocks]
    SimpleDocTemplate(out, pagesize=A4).build(story, onFirstPage=furniture, onLaterPages=furniture)
    return out.getvalue()


def _page_texts(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _paths(doc: PlanDocument) -> list[tuple[str, ...]]:
    return [s.path for s in doc.sections()]


def test_new_suffixes_are_supported_and_named_in_errors(tmp_path):
    assert {".pdf", ".html", ".htm"} <= set(SUPPORTED_SUFFIXES)
    with pytest.raises(CorpusError, match=r"supported: .*\.pdf.*\.html"):
        load_document(_write(tmp_path, "plan.odt", b"x"))


# --- PDF -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_pdf() -> bytes:
    data = _pdf(REPORT)
    pages = _page_texts(data)
    # the fixture is what the tests claim: several pages, a paragraph running over a page break
    assert len(pages) >= 2 and all(HEADER in page for page in pages)
    assert any(not page.rstrip().endswith("。") for page in pages[:-1])
    return data


def test_pdf_report_keeps_headings_paths_and_figures(tmp_path, report_pdf):
    doc = load_document(_write(tmp_path, "report-2024.pdf", report_pdf))
    assert _paths(doc) == [
        ("一、2023年工作回顾",),
        ("一、2023年工作回顾", "（一）坚持稳中求进，经济运行持续向好"),
        ("一、2023年工作回顾", "（二）坚持创新驱动，发展动能加速集聚"),
        ("二、2024年工作安排",),
        ("二、2024年工作安排", "（一）聚焦产业升级，加快构建现代化产业体系"),
    ]
    [gdp] = [c for c in chunk_document(doc) if "地区生产总值增长6.5%，达到1250亿元" in c.text
             and c.path[-1].startswith("一、")]
    assert gdp.path == ("一、2023年工作回顾",)
    assert {c.path for c in chunk_document(doc) if "地区生产总值增长7%左右" in c.text} == {
        ("二、2024年工作安排",), ("二、2024年工作安排", "（一）聚焦产业升级，加快构建现代化产业体系"),
    }


def test_pdf_paragraphs_are_rejoined_and_page_furniture_dropped(tmp_path, report_pdf):
    doc = load_document(_write(tmp_path, "report.pdf", report_pdf))
    texts = [b.text for b in doc.blocks()]
    # each source paragraph comes back whole, across line wraps and page breaks
    assert texts == [REVIEW_1, REVIEW_1 * 2, NUMBERED, *[REVIEW_2] * 6, PLAN_2024, PLAN_2024 * 2]
    body = "\n".join(texts)
    assert HEADER not in body and "—" not in body
    # the numbered paragraph did not become a heading
    assert not any("激发市场活力" in s.path[-1] for s in doc.sections())


def test_pdf_plan_with_parts_chapters_and_sections(tmp_path):
    target = "到2025年，全市建设5G基站5000个，实现城区和重点乡镇5G网络全覆盖，千兆光纤网络覆盖率达到95%以上。"
    blocks = [
        ("h", "第四篇 加快建设科学城，引领高质量发展"),
        ("h", "第十三章 加快建设数字鄂州"),
        ("h", "第一节 建设新型基础设施"),
        ("p", target),
        ("p", "加快推进数据中心、工业互联网等新型基础设施建设，" * 5 + "打造数字经济发展新高地。"),
        ("h", "第二节 发展数字经济"),
        ("p", "推动数字产业化和产业数字化，数字经济核心产业增加值占地区生产总值比重达到10%。"),
    ]
    doc = load_document(_write(tmp_path, "plan.pdf", _pdf(blocks, header="鄂州市国民经济和社会发展第十四个五年规划")))
    [chunk] = [c for c in chunk_document(doc) if "5G基站5000个" in c.text]
    assert chunk.path == (
        "第四篇 加快建设科学城，引领高质量发展", "第十三章 加快建设数字鄂州", "第一节 建设新型基础设施",
    )
    assert chunk.text == target
    assert find_section(doc, "第十三章 › 第二节").heading.title == "发展数字经济"


def test_running_headers_and_page_numbers_are_dropped():
    header = "鄂州市国民经济和社会发展第十四个五年规划纲要"
    footers = ["— 1 —", "第 2 页 共 5 页", "- 3 -", "4 / 5", "5"]
    bodies = [[f"{'甲乙丙丁戊'[n]}页正文第{'一二三四'[k]}行，" for k in range(4)] for n in range(5)]
    pages = [[header if n != 2 else f"{header} · 3", *body, footer]
             for n, (body, footer) in enumerate(zip(bodies, footers, strict=True))]
    pages[2].insert(3, "12")  # a number in the middle of a page is content, not a page number
    assert _drop_running_lines(pages) == [*bodies[0], *bodies[1], *bodies[2][:2], "12", *bodies[2][2:],
                                          *bodies[3], *bodies[4]]


def test_unwrap_joins_only_lines_that_fill_the_page():
    full = "一" * 30  # 60 display columns
    lines = ["二、总体要求", full, full, "结束。", "（一）指导思想", "短句，", full[:-2] + "。", full, "末行。"]
    assert _unwrap(lines) == ["二、总体要求", full * 2 + "结束。", "（一）指导思想", "短句，",
                              full[:-2] + "。", full + "末行。"]


def _image_only_pdf() -> bytes:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawImage(ImageReader(Image.new("L", (200, 280), 200)), 50, 50, width=400, height=560)
    page.showPage()
    page.save()
    return out.getvalue()


def _blank_pages_pdf() -> bytes:
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    for _ in range(3):
        writer.add_blank_page(595, 842)
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("make", [_image_only_pdf, _blank_pages_pdf], ids=["image-page", "blank-pages"])
def test_scanned_pdf_asks_for_ocr(tmp_path, make):
    assert not "".join(_page_texts(make())).strip()
    with pytest.raises(CorpusError, match=r"没有文字层.*OCR") as error:
        load_document(_write(tmp_path, "scan.pdf", make()))
    assert "run OCR" in str(error.value)


def _encrypted(data: bytes, user: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer, out = PdfWriter(clone_from=PdfReader(io.BytesIO(data))), io.BytesIO()
    writer.encrypt(user, owner_password="owner-secret")
    writer.write(out)
    return out.getvalue()


def test_password_protected_pdf_is_refused(tmp_path, report_pdf):
    with pytest.raises(CorpusError, match=r"需要密码.*password-protected"):
        load_document(_write(tmp_path, "locked.pdf", _encrypted(report_pdf, user="secret")))


def test_pdf_with_only_an_owner_password_opens(tmp_path, report_pdf):
    doc = load_document(_write(tmp_path, "restricted.pdf", _encrypted(report_pdf, user="")))
    assert any("1250亿元" in b.text for b in doc.blocks())


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_truncated_pdf_is_reported_not_raised(tmp_path, report_pdf, cut):
    with pytest.raises(CorpusError, match="damaged or truncated"):
        load_document(_write(tmp_path, "cut.pdf", report_pdf[: int(len(report_pdf) * cut)]))


def test_not_a_pdf_at_all(tmp_path):
    with pytest.raises(CorpusError, match="not a valid PDF"):
        pdf_lines(b"<html>saved with the wrong name</html>", "page.pdf")


def test_oversized_pdf_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.pdf"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(CorpusError, match=r"too large.*split it"):
        load_document(big)


# --- HTML ------------------------------------------------------------------------------------

GOV_PAGE = """<!DOCTYPE html>
<html><head>{meta}<title>鄂州市人民政府门户网站</title>
<script type="text/javascript">var tip = "脚本里的文字不应出现";</script>
<style>.article {{ font-size: 16px; }}</style></head>
<body>
<div class="top-nav"><ul><li><a href="/">首页</a></li><li>政务公开</li><li>政民互动</li></ul></div>
<div class="article">
<h1>2024年鄂州市人民政府工作报告</h1>
<p>各位代表：</p>
<p>　　现在，我代表市人民政府，
向大会报告工作，请予审议。</p>
<p><strong>一、2023年工作回顾</strong></p>
<p>　　全年地区生产总值增长6.5%，达到1250亿元。<br>城乡居民收入稳步增长，人均可支配收入增长7.2%。</p>
<p><strong>（一）坚持稳中求进，经济运行持续向好</strong></p>
<p>主要指标完成情况：</p>
<table border="1"><caption>2023年主要经济指标完成情况</caption>
<tr><th>类别</th><th>指标名称</th><th>2023年</th></tr>
<tr><td rowspan="2">经济发展</td><td>地区生产总值增速（%）</td><td>6.5</td></tr>
<tr><td>规上工业增加值增速（%）</td><td>8.2</td></tr>
<tr><td>民生福祉</td><td>城镇新增就业（万人）</td><td>3.1</td></tr>
</table>
<p><strong>（二）坚持创新驱动，发展动能加速集聚</strong></p>
<p>高新技术企业达到420家。<script>document.write("第二段脚本")</script></p>
<p><strong>二、2024年工作安排</strong></p>
<p>地区生产总值增长7%左右，实现李镕基们都认得的“堃”字。</p>
</div>
<div id="footer">主办：鄂州市人民政府办公室　网站标识码：4207000001</div>
</body></html>
"""


@pytest.mark.parametrize(
    ("meta", "encoding"),
    [
        ('<meta charset="gbk">', "gbk"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gbk"),  # labels lie: gbk bytes
        ("", "gb18030"),  # no label: the text-file fallback
        ('<meta charset="utf-8">', "utf-8"),
        ('<meta charset="gbk">', "utf-8"),  # re-saved as UTF-8, the old label left in
        ("", "utf-8-sig"),
    ],
    ids=["meta-gbk", "http-equiv-gb2312", "unlabelled-gb18030", "utf-8", "utf-8-labelled-gbk", "utf-8-bom"],
)
def test_gov_html_page(tmp_path, meta, encoding):
    path = _write(tmp_path, "report.htm", GOV_PAGE.format(meta=meta).encode(encoding))
    doc = load_document(path)
    body = "\n".join(b.text for b in doc.blocks())
    assert "脚本" not in body and "font-size" not in body
    assert "政民互动" not in body and "网站标识码" not in body  # navigation and footer
    assert _paths(doc) == [
        ("一、2023年工作回顾",),
        ("一、2023年工作回顾", "（一）坚持稳中求进，经济运行持续向好"),
        ("一、2023年工作回顾", "（一）坚持稳中求进，经济运行持续向好", "2023年主要经济指标完成情况"),
        ("一、2023年工作回顾", "（二）坚持创新驱动，发展动能加速集聚"),
        ("二、2024年工作安排",),
    ]
    # a line break of the page source inside a paragraph leaves no space between Chinese characters
    assert "现在，我代表市人民政府，向大会报告工作，请予审议。" in body
    assert "“堃”字" in body
    rows = [dict(b.fields) for b in doc.blocks() if b.kind == "table_row"]
    # the rowspan'd category is carried down to the row it covers
    assert [(r["类别"], r["指标名称"], r["2023年"]) for r in rows] == [
        ("经济发展", "地区生产总值增速（%）", "6.5"),
        ("经济发展", "规上工业增加值增速（%）", "8.2"),
        ("民生福祉", "城镇新增就业（万人）", "3.1"),
    ]
    [gdp] = [c for c in chunk_document(doc) if "增长6.5%，达到1250亿元" in c.text]
    assert gdp.path == ("一、2023年工作回顾",)


def test_layout_table_is_read_as_text(tmp_path):
    page = (
        "<html><body><table><tr><td>"
        "<p>一、总体要求</p><p>坚持稳中求进工作总基调。</p><p>二、主要任务</p><p>推动高质量发展。</p>"
        "</td></tr></table></body></html>"
    )
    doc = load_document(_write(tmp_path, "layout.html", page.encode()))
    assert _paths(doc) == [("一、总体要求",), ("二、主要任务",)]
    assert not any(b.kind == "table_row" for b in doc.blocks())


def test_html_without_text(tmp_path):
    with pytest.raises(CorpusError, match="no text"):
        load_document(_write(tmp_path, "empty.html", b"<html><head><script>x()</script></head><body></body></html>"))


# --- 一、/（一） headings --------------------------------------------------------------------

WORK_REPORT = """\
2024年鄂州市人民政府工作报告
——2024年1月15日在鄂州市第十届人民代表大会第四次会议上
各位代表：
现在，我代表市人民政府，向大会报告工作，请予审议。
一、2023年工作回顾
过去一年，全市上下坚持稳中求进工作总基调，全年地区生产总值增长6.5%，达到1250亿元。
（一）坚持稳中求进，经济运行持续向好
规模以上工业增加值增长8.2%，固定资产投资增长10.1%。
一、二、三产业结构调整为8.9:42.1:49.0。
（二）坚持创新驱动，发展动能加速集聚
高新技术企业达到420家，研发投入强度达到2.3%。
二、2024年工作安排
今年经济社会发展的主要预期目标是：地区生产总值增长7%左右。
（一）聚焦产业升级，全年新开工亿元以上项目200个。这是段落中编号的句子，不是标题。
（二）聚焦城乡融合，推进乡村全面振兴
新建高标准农田5万亩。
"""


def test_work_report_headings_become_chapters_and_sections(tmp_path):
    doc = load_document(_write(tmp_path, "report.txt", WORK_REPORT.encode()))
    levels = [(s.heading.level, s.heading.label) for s in doc.sections()]
    assert levels == [
        ("章", "一、2023年工作回顾"),
        ("节", "（一）坚持稳中求进，经济运行持续向好"),
        ("节", "（二）坚持创新驱动，发展动能加速集聚"),
        ("章", "二、2024年工作安排"),
        ("节", "（二）聚焦城乡融合，推进乡村全面振兴"),
    ]
    chunks = {c.text: c for c in chunk_document(doc)}
    assert chunks["规模以上工业增加值增长8.2%，固定资产投资增长10.1%。"].path == (
        "一、2023年工作回顾", "（一）坚持稳中求进，经济运行持续向好"
    )
    # 「一、二、三产业」 and a numbered sentence are body text
    assert chunks["一、二、三产业结构调整为8.9:42.1:49.0。"].path[-1].startswith("（一）")
    numbered = next(c for t, c in chunks.items() if t.startswith("（一）聚焦产业升级"))
    assert numbered.path == ("二、2024年工作安排",)
    # the preamble stays at the root, not in a made-up chapter
    assert chunks["各位代表："].path == ()
    assert find_section(doc, "二、2024年工作安排 › （二）").heading.title == "聚焦城乡融合，推进乡村全面振兴"
    assert "  （一）坚持稳中求进，经济运行持续向好" in render_toc(doc)


def test_parts_numbered_di_yi_bu_fen(tmp_path):
    text = (
        "第一部分 总体要求\n一、发展基础\n全市经济总量突破千亿元。\n二、发展目标\n到2025年，常住人口城镇化率达到70%。\n"
        "第二部分 重点任务\n一、建设科学城\n（一）集聚创新资源\n新建省级以上创新平台30个。\n"
        "（二）培育创新主体\n高新技术企业达到600家。\n"
    )
    doc = load_document(_write(tmp_path, "outline.md", text.encode()))
    [platform] = [b for b in doc.blocks() if "创新平台30个" in b.text]
    assert platform.path == ("第二部分 重点任务", "一、建设科学城", "（一）集聚创新资源")
    assert [s.heading.level for s in doc.sections()].count("篇") == 2


def test_generic_numbering_fills_the_level_below_native_chapters(tmp_path):
    text = (
        "第一章 发展环境\n一、发展基础\n地区生产总值年均增长7.5%。\n二、面临形势\n机遇与挑战并存。\n"
        "第二章 总体要求\n一、指导思想\n坚持稳中求进。\n"
    )
    doc = load_document(_write(tmp_path, "plan.txt", text.encode()))
    assert [(s.heading.level, s.path) for s in doc.sections()] == [
        ("章", ("第一章 发展环境",)),
        ("节", ("第一章 发展环境", "一、发展基础")),
        ("节", ("第一章 发展环境", "二、面临形势")),
        ("章", ("第二章 总体要求",)),
        ("节", ("第二章 总体要求", "一、指导思想")),
    ]


def test_a_single_numbered_line_is_not_a_scheme(tmp_path):
    text = "第一章 总则\n为推动高质量发展，制定本规划。\n一、适用范围\n本规划适用于全市。\n"
    doc = load_document(_write(tmp_path, "plan.txt", text.encode()))
    assert [s.path for s in doc.sections()] == [("第一章 总则",)]


def test_shipped_plan_keeps_its_own_numbering(plan):
    assert all(s.heading.label.startswith(("第", "专栏", "“")) for s in plan.sections())
    box = find_section(plan, "专栏3-1")
    assert box.blocks[0].text.startswith("（一）公路 高速公路：")
    assert box.blocks[-1].text.startswith("（四）航空 民用航空：")
