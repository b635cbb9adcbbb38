"""Reading plan files from disk into text lines, with clear errors for bad input.

Supported now: ``.txt`` and ``.md`` (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GBK/GB18030)
and ``.docx`` (paragraphs in order, table cells as tab-indented lines, as the shipped plan's
conversion writes them).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx")
MAX_FILE_BYTES = 20 * 1024 * 1024
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")


class PlanqaError(Exception):
    """A user-facing error: the message says what went wrong and what to do; no traceback."""


class CorpusError(PlanqaError):
    """A document could not be read or parsed."""


def read_source(path: str | Path) -> bytes:
    """The raw bytes of a plan file, after checking that it exists, is supported and is sane."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"文件不存在 / file not found: {path}")
    if not path.is_file():
        raise CorpusError(f"不是文件 / not a file: {path}")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise CorpusError(
            f"不支持的文件类型 {path.suffix or '(无扩展名)'} / unsupported file type: {path.name}; "
            f"supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    size = path.stat().st_size
    if size == 0:
        raise CorpusError(f"文件为空 / empty file: {path}")
    if size > MAX_FILE_BYTES:
        raise CorpusError(
            f"文件过大 / file too large: {path.name} is {size / 2**20:.1f} MB, "
            f"the limit is {MAX_FILE_BYTES // 2**20} MB"
        )
    return path.read_bytes()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_text(data: bytes, name: str = "<bytes>") -> str:
    """Decode a text file: BOMs first, then UTF-8, then GB18030 (a superset of GBK).

    Binary data (NUL bytes without a UTF-16 BOM, or bytes that no encoding explains)
    raises CorpusError.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if b"\x00" in data:
        raise CorpusError(f"不是文本文件 / looks like a binary file, not text: {name}")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise CorpusError(
        f"无法识别文件编码 / cannot decode {name}: not UTF-8, UTF-16 or GBK/GB18030 text"
    )


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls <= max(1, len(text) // 1000)


def docx_lines(data: bytes, name: str = "<docx>") -> list[str]:
    """Paragraphs and tables of a .docx in document order; a table row's cells become tab lines."""
    import docx  # python-docx; imported here so plain-text users never pay for it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CorpusError(f"无法读取 Word 文件 / not a valid .docx file: {name} ({exc})") from exc
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(element, document).text)
        elif tag == "tbl":
            lines.append("")
            for row in Table(element, document).rows:
                lines.extend("\t" + cell.text.replace("\n", "") for cell in row.cells)
                lines.append("")
    return lines


def load_lines(path: str | Path) -> tuple[list[str], str]:
    """The text lines of a plan file and the SHA-256 of its bytes."""
    path = Path(path)
    data = read_source(path)
    if path.suffix.lower() == ".docx":
        lines = docx_lines(data, path.name)
    else:
        text = decode_text(data, path.name)
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if path.suffix.lower() == ".md":
            lines = [_MD_HEADING.sub("", line) for line in lines]
    if not any(line.strip() for line in lines):
        raise CorpusError(f"文件没有文字内容 / no text in file: {path}")
    return lines, sha256_bytes(data)
