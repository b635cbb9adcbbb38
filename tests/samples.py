"""Small plan texts the tests write to disk (test fixtures, not real plans)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

PROVINCE_PLAN = """\
湖北省国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要（测试样本）
第一篇 开启全面建设社会主义现代化新征程
第一章 发展环境
第一节 发展基础
“十三五”时期，全省地区生产总值迈上4万亿元台阶。
第二篇 建设数字湖北
第二章 加快新型基础设施建设
第一节 建设5G网络
到2025年，全省建成5G基站15万个，实现县城以上区域全覆盖。
"""


PARAGRAPH = "<w:p><w:r><w:t>到2025年，全市建成5G基站。</w:t></w:r></w:p>"


def long_docx(paragraphs: int, paragraph: str = PARAGRAPH) -> bytes:
    """A .docx of ``paragraphs`` copies of ``paragraph`` (XML) in its body, built in memory: a small zip
    of a big XML part."""
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    template = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    head, _, rest = template.read("word/document.xml").partition(b"<w:body>")
    tail = b"<w:sectPr" + rest.partition(b"<w:sectPr")[2]

    def body() -> Iterator[bytes]:
        yield head + b"<w:body>"
        block = (paragraph * 1000).encode()
        for _ in range(paragraphs // 1000):
            yield block
        yield tail

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in template.infolist():
            if item.filename == "word/document.xml":
                with target.open(item.filename, "w", force_zip64=True) as part:
                    for piece in body():
                        part.write(piece)
            else:
                target.writestr(item, template.read(item))
    return out.getvalue()


def near_limit_docx() -> bytes:
    """The adversarial probe's file: 95 MB of paragraphs (just under the 100 MB unpacked-size limit) in
    a .docx of a few hundred kB."""
    return long_docx(95 * 2**20 // len(PARAGRAPH.encode()) // 1000 * 1000)


def write(directory: Path, name: str, text: str = PROVINCE_PLAN, encoding: str = "utf-8") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(text.encode(encoding))
    return path


def assert_refused_unchanged(library, tmp_path: Path, name: str, content: bytes, message: str) -> None:
    """Adding a bad file ``name`` is a CorpusError matching ``message``; library.json and the stored
    files stay exactly as they were (one good document added first)."""
    import pytest

    from corpus import CorpusError

    change = library.add(write(tmp_path, "hubei.txt"))
    before = (library.root / "library.json").read_bytes()
    bad = tmp_path / name
    bad.write_bytes(content)
    with pytest.raises(CorpusError, match=message):
        library.add(bad)
    assert (library.root / "library.json").read_bytes() == before
    assert [p.name for p in library.files_dir.iterdir()] == [change.entry.file]

