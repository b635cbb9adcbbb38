"""Reading plan files from disk into text lines, with clear errors for bad input.

Supported: ``.txt`` and ``.md`` (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GBK/GB18030);
``.docx`` (paragraphs in order, table cells as tab-indented lines, as the shipped plan's
conversion writes them, merged and empty cells marked, see corpus.tables); ``.pdf`` with a text
layer, read with pdfplumber (running headers, footers and page numbers dropped, lines that the page
width wrapped rejoined, ruled tables read as tables, a table continued over a page break joined);
``.html``/``.htm`` (charset from BOM or <meta>, navigation and scripts dropped, tables written like
.docx tables).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from config import settings
from corpus.errors import CorpusError
from corpus.limits import TextBudget
from corpus.tables import ABOVE, EMPTY, LEFT

if TYPE_CHECKING:
    from lxml.etree import _Element
    from lxml.html import HtmlElement
    from pdfplumber.page import Page
    from pdfplumber.table import Table
    from pypdf import PdfReader

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
MAX_FILE_BYTES = 20 * 1024 * 1024  # the default of settings().max_upload_bytes ($PLANQA_MAX_UPLOAD_MB)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_CJK = "\u2e80-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")  # spaces between Chinese characters mean nothing
_SPACES = re.compile(r"[\s\u00a0\u3000]+")
_MAX_SPAN = 50  # a table cell spans at most this many rows or columns


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
        raise CorpusError(f"文件为空 / empty file: {path.name}")
    limit = settings().max_upload_bytes
    if size > limit:
        raise CorpusError(
            f"文件过大 / file too large: {path.name} is {size / 2**20:.1f} MB, "
            f"the limit is {limit / 2**20:g} MB ($PLANQA_MAX_UPLOAD_MB); split it or convert it to .txt first"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"无法读取文件 / cannot read {path.name}: {exc.strerror or exc}") from exc


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_text(data: bytes, name: str = "<bytes>") -> str:
    """Decode a text file: BOMs first, then UTF-8, then GB18030 (a superset of GBK).

    Binary data (NUL bytes without a UTF-16 BOM, or bytes that no encoding explains)
    raises CorpusError.
    """
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:  # odd length, a lone surrogate, invalid bytes after the BOM
        encoding = "UTF-16" if exc.encoding.startswith("utf-16") else "UTF-8"
        raise CorpusError(
            f"文件编码损坏 / {name} starts with a {encoding} byte-order mark "
            f"but is not valid in that encoding ({exc.reason} at byte {exc.start}); save it again as UTF-8"
        ) from exc
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


def check_unpacked_size(data: bytes, name: str) -> None:
    """Refuse a zip (.docx) whose members unpack to more than settings().max_uncompressed_bytes."""
    limit = settings().max_uncompressed_bytes
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(max(0, info.file_size) for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise CorpusError(f"无法读取 Word 文件 / not a valid .docx file: {name} ({exc})") from exc
    if unpacked > limit:
        raise CorpusError(
            f"文件解压后过大 / {name} unpacks to {unpacked / 2**20:.0f} MB, the limit is {limit / 2**20:g} MB "
            "($PLANQA_MAX_UNCOMPRESSED_MB); save it without embedded media or export it as .txt"
        )


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _table_lines(rows: list[list[str]]) -> list[str]:
    """A table as the parser reads one: a blank line, then per row one tab line per cell and a blank."""
    lines = [""]
    for row in rows:
        lines += ["\t" + cell for cell in row]
        lines.append("")
    return lines


def _docx_int(element: _Element | None, default: int = 1) -> int:
    value = element.get(f"{_W}val", "") if element is not None else ""
    return min(int(value), _MAX_SPAN) if value.isdigit() and int(value) > 0 else default


def _docx_table_rows(table: _Element, cell_text: Callable[[_Element], str]) -> list[list[str]]:
    """A Word table's grid: a cell a vertical merge continues is ABOVE, the columns a cell spans after
    its first are LEFT, an empty cell is EMPTY (see corpus.tables)."""
    rows: list[list[str]] = []
    for tr in table.iterchildren(f"{_W}tr"):
        cells = [EMPTY] * _docx_int(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
        for tc in tr.iterchildren(f"{_W}tc"):
            span = _docx_int(tc.find(f"{_W}tcPr/{_W}gridSpan"))
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                cells += [ABOVE] * span
            else:
                cells += [cell_text(tc).replace("\n", "").strip() or EMPTY] + [LEFT] * (span - 1)
        rows.append(cells)
    return rows


def docx_lines(data: bytes, name: str = "<docx>") -> list[str]:
    """Paragraphs and tables of a .docx in document order; a table row's cells become tab lines."""
    import docx  # python-docx; imported here so plain-text users never pay for it
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    check_unpacked_size(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # a bad zip, a missing part, broken XML (lxml's XMLSyntaxError) …
        raise CorpusError(
            f"无法读取 Word 文件 / not a valid .docx file: {name} ({type(exc).__name__}: {exc}); "
            "open and save it again in Word, or export it as .txt"
        ) from exc
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(element, document).text)
        elif tag == "tbl":
            table = Table(element, document)
            lines += _table_lines(_docx_table_rows(element, lambda tc, table=table: _Cell(tc, table).text))
    return lines


# --- PDF -------------------------------------------------------------------------------------

# 「— 12 —」「- 3 -」「12」「第3页」「3 / 10」「第3页 共10页」
_PAGE_MARK = re.compile(r"^[-－—–~·\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-－—–~·\s]*$")
_PAGE_NUMBER_CHARS = "0123456789-－—–~·|/／第页共"
_EDGE_LINES = 2  # running headers and footers are among the first and last two lines of a page
_SENTENCE_FINAL = tuple("。！？；：”")
_MIN_LINE_WIDTH = 40  # display columns (a Chinese character is 2): shorter lines never set the page width
_HEADING_START = re.compile(r"^(?:第[0-9一二三四五六七八九十百]+[篇章节]|专栏\s*\d)")  # never the rest of a line


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence a library's log ("EOF marker not found", "Advanced encoding … not implemented") for one file."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _pdf_reader(data: bytes, name: str) -> PdfReader:
    """An open, decrypted pypdf reader; CorpusError for a damaged or password-protected file."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data))
        decrypted = not reader.is_encrypted or bool(reader.decrypt(""))  # owner-only passwords open with ""
    except DependencyError as exc:
        raise CorpusError(
            f"PDF 使用 AES 加密，需要安装 cryptography / {name} is AES-encrypted: "
            f"`pip install cryptography`, or save an unencrypted copy ({exc})"
        ) from exc
    except Exception as exc:  # pypdf raises many exception types on damaged files
        raise CorpusError(
            f"无法读取 PDF 文件（文件损坏或不完整）/ not a valid PDF, or damaged or truncated: {name} ({exc}); "
            "download or export it again"
        ) from exc
    if not decrypted:
        raise CorpusError(
            f"PDF 需要密码才能打开 / {name} is password-protected: remove the password "
            "(e.g. save an unprotected copy in a PDF reader) and load that file"
        )
    return reader


_TABLE_SLOT = "\ue013"  # a line standing for the table number that follows, until the tables go back in


def _pdf_cell(text: str | None) -> str:
    """A PDF table cell's text: its wrapped lines joined (a space only between two Latin words)."""
    if text is None:
        return ""
    joined = re.sub(r"(?<=[A-Za-z])\n(?=[A-Za-z])", " ", text).replace("\n", "")
    return _CJK_GAP.sub("", joined).strip(" \t\u00a0\u3000")


def _pdf_table_rows(table: Table) -> list[list[str]]:
    """A pdfplumber table's grid with the marks of corpus.tables: a position no cell starts at is LEFT
    when the cell to its left reaches over it, else ABOVE; an empty cell is EMPTY."""
    texts = table.extract()
    rows: list[list[str]] = []
    for row, cells in zip(table.rows, texts, strict=True):
        out: list[str] = []
        for k, (box, text) in enumerate(zip(row.cells, cells, strict=True)):
            if box is not None:
                out.append(_pdf_cell(text) or EMPTY)
                continue
            left = next((b for b in reversed(row.cells[:k]) if b is not None), None)
            column = table.columns[k].bbox if k < len(table.columns) else None
            reaches = left is not None and column is not None and left[2] > (column[0] + column[2]) / 2
            out.append(LEFT if reaches else ABOVE)
        rows.append(out)
    return rows


def _continue_table(rows: list[list[str]], more: list[list[str]]) -> None:
    """Append a table's part from the next page: a repeated header is dropped, and a first row that only
    holds the rest of wrapped cells (its first cell empty, few cells filled) is joined to the last row."""
    def text(cell: str) -> str:
        return "" if cell in (EMPTY, LEFT, ABOVE) else cell

    if more and rows and more[0] == rows[0]:
        more = more[1:]
    if more and rows:
        head, last = more[0], rows[-1]
        filled = sum(1 for c in head if text(c))
        if head[0] in (EMPTY, ABOVE) and 0 < 2 * filled <= sum(1 for c in last if text(c)):
            joined = [text(a) + text(b) or a for a, b in zip(last, head, strict=False)]
            rows[-1] = joined + last[len(joined):]
            more = more[1:]
    rows.extend(more)


def _page_lines(page: Page, found: list[list[list[str]]]) -> list[str]:
    """A page's text lines, top to bottom, with each ruled table replaced by a slot line (its rows go to
    ``found``); spaces between Chinese characters removed."""
    tables = [t for t in page.find_tables() if len(t.rows) >= 2 and len(t.columns) >= 2]

    def outside(obj: dict) -> bool:
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(t.bbox[0] <= x <= t.bbox[2] and t.bbox[1] <= y <= t.bbox[3] for t in tables)

    text = page.filter(outside) if tables else page
    items = [(line["top"], _CJK_GAP.sub("", line["text"]).strip(" \t\u00a0\u3000"))
             for line in text.extract_text_lines(strip=True, return_chars=False)]
    for table in tables:
        found.append(_pdf_table_rows(table))
        items.append((table.bbox[1], f"{_TABLE_SLOT}{len(found) - 1}"))
    return [line for _, line in sorted(items, key=lambda item: item[0]) if line]


def _pdf_pages(data: bytes, name: str) -> tuple[list[list[str]], list[list[list[str]]]]:
    """The non-blank text lines of each page (tables as slot lines) and the tables' grids."""
    import pdfplumber

    with _quiet("pypdf"):
        _pdf_reader(data, name)  # a damaged, truncated or password-protected file is refused here
    tables: list[list[list[str]]] = []
    try:
        with _quiet("pdfminer"), pdfplumber.open(io.BytesIO(data)) as document:
            pages = [_page_lines(page, tables) for page in document.pages]
    except Exception as exc:  # a damaged content stream
        raise CorpusError(
            f"无法提取 PDF 文字（文件损坏）/ cannot extract the text of {name} ({exc}); "
            "download or export it again, or convert it to .txt"
        ) from exc
    return pages, tables


def _put_tables_back(lines: list[str], tables: list[list[list[str]]]) -> list[str]:
    """Replace slot lines by their tables' lines; a table whose part on the next page follows it with
    nothing in between (page furniture is gone by now) and has as many columns is continued."""
    out: list[str] = []
    previous: list[list[str]] | None = None
    pending: list[list[list[str]]] = []
    for line in lines:
        if line.startswith(_TABLE_SLOT):
            rows = tables[int(line[len(_TABLE_SLOT):])]
            if previous is not None and rows and len(rows[0]) == len(previous[0]):
                _continue_table(previous, rows)
            else:
                previous = rows
                pending.append(rows)
                out.append(line)
            continue
        previous = None
        out.append(line)
    grids = iter(pending)
    result: list[str] = []
    for line in out:
        result += _table_lines(next(grids)) if line.startswith(_TABLE_SLOT) else [line]
    return result


def _drop_running_lines(pages: list[list[str]]) -> list[str]:
    """All pages' lines, minus page numbers and headers/footers repeated at the page edges."""
    def key(line: str) -> str:  # a header that carries the page number: 「规划纲要 · 12」
        return line.replace(" ", "").strip(_PAGE_NUMBER_CHARS)

    def edges(lines: list[str]) -> set[int]:
        return {*range(min(_EDGE_LINES, len(lines))), *range(max(0, len(lines) - _EDGE_LINES), len(lines))}

    seen = Counter(k for lines in pages for k in {key(lines[i]) for i in edges(lines)})
    repeated = 2 if len(pages) <= 4 else 3
    return [
        line
        for lines in pages
        for i, line in enumerate(lines)
        if i not in edges(lines) or line.startswith(_TABLE_SLOT)
        or not (_PAGE_MARK.match(line) or seen[key(line)] >= repeated)
    ]


def _display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _page_width(widths: list[int]) -> int:
    """The width of a full line: the commonest width of the long lines (0 if there is none)."""
    common = Counter(w for w in widths if w >= _MIN_LINE_WIDTH).most_common(1)
    return common[0][0] if common and common[0][1] >= 3 else 0


def _unwrap(lines: list[str]) -> list[str]:
    """Join a line that fills the page width and does not end a sentence to the line after it.

    A shorter line is left alone: a heading, or a paragraph's last line; the parser joins an
    unfinished paragraph with its continuation (see parser._Builder.add_paragraph).
    """
    widths = [_display_width(line) for line in lines]
    full = _page_width(widths)
    out: list[str] = []
    wrapped = False
    for line, width in zip(lines, widths, strict=True):
        if wrapped and not line.startswith(_TABLE_SLOT) and not _HEADING_START.match(line):
            space = " " if out[-1][-1:].isascii() and out[-1][-1:].isalpha() and line[:1].isascii() else ""
            out[-1] += space + line
        else:
            out.append(line)
        wrapped = bool(full) and width >= 0.9 * full and not line.endswith(_SENTENCE_FINAL) \
            and not line.startswith(_TABLE_SLOT)
    return out


def pdf_lines(data: bytes, name: str = "<pdf>") -> list[str]:
    """The text of a PDF as lines: page furniture dropped, wrapped paragraph lines rejoined, ruled
    tables as table lines (see docx_lines)."""
    pages, tables = _pdf_pages(data, name)
    blank = sum(1 for lines in pages if not lines)
    if blank * 2 > len(pages):
        raise CorpusError(
            f"扫描件/图片 PDF 没有文字层，请先做 OCR / {name}: {blank} of {len(pages)} pages have no text "
            "layer (a scanned or image-only PDF); run OCR on it first (e.g. `ocrmypdf`) or load a .docx/.txt"
        )
    return _put_tables_back(_unwrap(_drop_running_lines(pages)), tables)


# --- HTML ------------------------------------------------------------------------------------

_HTML_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_SKIP = frozenset(
    "script style noscript template head nav header footer aside form iframe svg button select textarea "
    "object canvas map".split()
)
_HTML_BLOCK = frozenset(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr td th table caption section article main body blockquote "
    "pre center figure figcaption address hr".split()
)
_HTML_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_NOISE_NAMES = frozenset("nav navbar menu breadcrumb crumb footer sidebar share toolbar".split())
_MAX_CELL_CHARS = 200  # a longer cell means a layout table, read as text


def _html_text(data: bytes, name: str) -> str:
    """Decode by BOM; valid UTF-8 as UTF-8 (whatever the label says); else by <meta charset> /
    http-equiv; else like a text file (GB18030)."""
    match = _HTML_CHARSET.search(data[:4096])
    if match and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-8")  # GBK bytes are almost never valid UTF-8; the reverse is common
        except UnicodeDecodeError:
            pass
        try:
            encoding = codecs.lookup(match.group(1).decode("ascii")).name
            # pages labelled gb2312/gbk routinely use characters only GB18030 has
            return data.decode("gb18030" if encoding in ("gb2312", "gbk") else encoding)
        except (LookupError, UnicodeDecodeError):
            pass  # an unknown or wrong label: guess as for a text file
    return decode_text(data, name)


def _squash(text: str) -> str:
    return _CJK_GAP.sub("", _SPACES.sub(" ", text)).strip()


def _is_noise(element: HtmlElement) -> bool:
    """Script, style, navigation, menus, footers and hidden elements."""
    if element.tag in _HTML_SKIP or element.get("role") == "navigation":
        return True
    names = re.split(r"[\s_-]+", f"{element.get('class', '')} {element.get('id', '')}".lower())
    style = element.get("style", "").replace(" ", "").lower()
    return bool(_NOISE_NAMES.intersection(names)) or "display:none" in style


def _rows(table: HtmlElement) -> list[HtmlElement]:
    return table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")


def _cells(row: HtmlElement) -> list[HtmlElement]:
    return row.xpath("./td|./th")


def _span(cell: HtmlElement, attribute: str) -> int:
    value = cell.get(attribute, "1").strip()
    return min(int(value), _MAX_SPAN) if value.isdigit() and int(value) > 0 else 1


def _is_data_table(table: HtmlElement) -> bool:
    """A grid of short cells; a table used for page layout is read as ordinary text instead."""
    rows = _rows(table)
    return (
        not table.xpath(".//table")
        and sum(1 for row in rows if len(_cells(row)) >= 2) >= 2
        and all(len(_squash(cell.text_content())) <= _MAX_CELL_CHARS for row in rows for cell in _cells(row))
    )


def _skip_covered(cells: list[str], below: dict[int, int]) -> None:
    """Mark the cells a rowspan from a row above covers in the next columns (ABOVE)."""
    while below.get(len(cells), 0) > 0:
        below[len(cells)] -= 1
        cells.append(ABOVE)


def _html_table_lines(table: HtmlElement) -> list[str]:
    """A table as docx_lines writes one (see corpus.tables for the marks): a cell a rowspan from above
    covers is ABOVE, the columns a colspan covers after the first are LEFT, an empty cell is EMPTY;
    a row of one cell (a title) is written as one cell."""
    rows: list[list[str]] = []
    caption = table.find("caption")
    if caption is not None and (title := _squash(caption.text_content())):
        rows.append([title])
    below: dict[int, int] = {}  # column -> rows still covered by a rowspan
    for row in _rows(table):
        cells: list[str] = []
        elements = _cells(row)
        for element in elements:
            _skip_covered(cells, below)
            text = _squash(element.text_content())
            for k in range(_span(element, "colspan") if len(elements) > 1 else 1):
                if (rows_spanned := _span(element, "rowspan")) > 1:
                    below[len(cells)] = rows_spanned - 1
                cells.append(LEFT if k else text or EMPTY)
        _skip_covered(cells, below)
        rows.append(cells)
    return _table_lines(rows)


class _HtmlLines:
    """Walks an lxml tree: block elements and <br> end a line, data tables become tab lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = _squash("".join(self.buffer))
        self.buffer.clear()
        if text:
            self.lines.append(text)

    def walk(self, element: HtmlElement) -> None:
        if isinstance(element.tag, str) and not _is_noise(element):  # comments have a callable tag
            if element.tag == "table" and _is_data_table(element):
                self.flush()
                self.lines += _html_table_lines(element)
            elif element.tag == "br":
                self.flush()
            else:
                self.walk_children(element)
        self.buffer.append(element.tail or "")

    def walk_children(self, element: HtmlElement) -> None:
        block, heading = element.tag in _HTML_BLOCK, element.tag in _HTML_HEADINGS
        if block:
            self.flush()
        if heading:  # blank lines around <hN> keep the parser from joining it to a neighbour
            self.lines.append("")
        self.buffer.append(element.text or "")
        for child in element:
            self.walk(child)
        if block:
            self.flush()
        if heading:
            self.lines.append("")



def html_lines(data: bytes, name: str = "<html>") -> list[str]:
    """The visible text of an HTML page, one line per block element, tables as tab-cell lines."""
    import lxml.html  # installed with python-docx
    from lxml.etree import ParserError

    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", _html_text(data, name)))
    except (ParserError, ValueError) as exc:
        raise CorpusError(f"无法解析网页文件 / cannot parse the HTML file {name} ({exc}); save the page again") from exc
    walker = _HtmlLines()
    walker.walk(root)
    walker.flush()
    return walker.lines


# --- dispatch --------------------------------------------------------------------------------

_FORMAT_LINES: dict[str, Callable[[bytes, str], list[str]]] = {
    ".docx": docx_lines, ".pdf": pdf_lines, ".html": html_lines, ".htm": html_lines,
}


def load_lines(path: str | Path, budget: TextBudget | None = None) -> tuple[list[str], str]:
    """The text lines of a plan file and the SHA-256 of its bytes; ``budget``: refuse a file that
    holds more text than it allows, counted before the file is parsed (see corpus.limits)."""
    path = Path(path)
    data = read_source(path)
    suffix = path.suffix.lower()
    budget = budget or TextBudget.unlimited(path.name)
    if suffix in _FORMAT_LINES:
        budget.check_file(suffix, data)
        lines = _FORMAT_LINES[suffix](data, path.name)
    else:
        text = decode_text(data, path.name)
        budget.check_text(text)
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if suffix == ".md":
            lines = [_MD_HEADING.sub("", line) for line in lines]
    budget.check_lines(lines)
    if not any(line.strip() for line in lines):
        raise CorpusError(f"文件没有文字内容 / no text in file: {path.name}")
    return lines, sha256_bytes(data)
