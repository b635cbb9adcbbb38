"""Loading files: encodings, formats and bad input give a clear CorpusError, never a traceback."""

from __future__ import annotations

import pytest

from corpus import CorpusError, load_document
from corpus.loaders import MAX_FILE_BYTES
from planqa import main

PLAN_SNIPPET = (
    "第一篇 总体要求\n"
    "第一章 发展基础\n"
    "第1节 发展成就\n"
    "全市地区生产总值达到1000亿元。\n"
    "第二章 重点任务\n"
    "第一节 产业\n"
    "\t专栏1-1 重点工程\n\n"
    "\t数字工程：建设5G基站100个。\n"
    "交通工程：新建公路20公里。\n\n"
    "正文继续。\n"
)


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_encodings_decode_to_the_same_tree(tmp_path, encoding):
    doc = load_document(_write(tmp_path, f"plan-{encoding}.txt", PLAN_SNIPPET.encode(encoding)))
    labels = [s.heading.label for s in doc.sections()]
    assert labels == [
        "第一篇 总体要求", "第一章 发展基础", "第一节 发展成就", "第二章 重点任务", "第一节 产业",
        "专栏1-1 重点工程",
    ]
    box = next(s for s in doc.sections() if s.heading.level == "专栏")
    assert [b.text for b in box.blocks] == ["数字工程：建设5G基站100个。", "交通工程：新建公路20公里。"]
    # the paragraph after the box goes back to the section
    assert doc.root.children[0].children[1].children[0].blocks[-1].text == "正文继续。"


def test_markdown_headings(tmp_path):
    doc = load_document(_write(tmp_path, "plan.md", "# 第一篇 总体要求\n\n## 第一章 基础\n\n正文。\n".encode()))
    assert [s.heading.label for s in doc.sections()] == ["第一篇 总体要求", "第一章 基础"]


def test_docx_paragraphs_and_tables(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("第一篇 总体要求", level=1)
    document.add_heading("第一章 发展目标", level=2)
    document.add_paragraph("到2025年，全市建设5G基站5000个。")
    document.add_paragraph("主要指标")
    table = document.add_table(rows=3, cols=3)
    cells = [["序号", "指标名称", "2025年"], ["1", "城镇化率（%）", "70"], ["2", "森林覆盖率（%）", "10.64"]]
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    path = tmp_path / "plan.docx"
    document.save(path)
    doc = load_document(path)
    rows = [b for b in doc.blocks() if b.kind == "table_row"]
    assert [dict(r.fields)["2025年"] for r in rows] == ["70", "10.64"]
    assert any("5000个" in b.text for b in doc.blocks())


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"\n \n\t\n", "no text"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("undecodable.txt", b"plan \xff\xff text \x80", "cannot decode"),
        ("plan.odt", b"PK\x03\x04", "unsupported file type"),
        ("broken.pdf", b"%PDF-1.4", "not a valid PDF"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "not a valid .docx"),
    ],
)
def test_bad_files_raise_clear_errors(tmp_path, name, data, message):
    path = _write(tmp_path, name, data)
    with pytest.raises(CorpusError, match=message):
        load_document(path)


def test_missing_and_oversized_files(tmp_path):
    with pytest.raises(CorpusError, match="file not found"):
        load_document(tmp_path / "missing.txt")
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(CorpusError, match="too large"):
        load_document(big)


def test_cli_reports_errors_without_traceback(tmp_path, capsys):
    assert main(["corpus", "toc", "--file", str(_write(tmp_path, "x.bin.txt", b"\x00\x01\x02"))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("planqa: ") and "Traceback" not in err


def test_cli_toc_and_show(capsys):
    assert main(["corpus", "toc"]) == 0
    out = capsys.readouterr().out
    assert "第十三章 加快建设数字鄂州" in out and "专栏4-6 数字经济领域重点工程" in out
    assert main(["corpus", "show", "专栏4-6"]) == 0
    assert "全市建设5G基站5000个" in capsys.readouterr().out
