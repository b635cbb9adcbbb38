"""How much text one document may hold, counted while its file is read.

The library refuses a document of more than ``settings().max_passages`` passages
($PLANQA_MAX_PASSAGES, 3,000 by default), but passages are only known once the whole file has
been parsed and chunked, and parsing costs time and memory in proportion to the file: a 300 kB
.docx that unpacks to 95 MB of paragraphs took 67 s and 2.2 GB before that check refused it. So
reading stops as soon as a file holds far more than the limit allows, before any parser builds
something whose size grows with the input. Each bound is an allowance for any document (a title
page; a .docx's styles and theme, 18,600 elements in python-docx's own template) plus so much per
passage of the limit:

=========================================  =========  ===========  =================  ======================
counted                                    allowance  per passage  at 3,000 passages  real documents, at most
=========================================  =========  ===========  =================  ======================
lines (paragraphs, table cells, PDF lines)     1,000           20             61,000  2.7 per passage
characters of text                            50,000        1,000          3,050,000  304 per passage
XML elements of a .docx, tags of a page       50,000          300            950,000  74 per passage (.docx)
PDF pages                                        100            1              3,100  0.1 per passage
=========================================  =========  ===========  =================  ======================

"Real documents": the plans and reports under ``eval/data`` (62 .txt, 17 .docx, 1 .pdf) and the
shipped plan, per passage they parse into; each of them passes even at a limit of its own passage
count (tests/faults/test_size_limits.py). A document within these bounds is then checked against
the passage limit itself (corpus.library). Measured: docs/security.md.
"""

from __future__ import annotations

import io
import logging
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from config import settings
from corpus.errors import CorpusError


class Bound(NamedTuple):
    """``allowance + per_passage × the passage limit``."""

    allowance: int
    per_passage: int

    def at(self, passages: int) -> int:
        return self.allowance + self.per_passage * passages


LINES = Bound(1_000, 20)
CHARS = Bound(50_000, 1_000)
ELEMENTS = Bound(50_000, 300)
PAGES = Bound(100, 1)
PARTS = 10_000  # files in a .docx (a zip): real ones have 10–30 and their images


@dataclass(frozen=True)
class TextBudget:
    """The bounds for one file, from the passage limit; each check raises CorpusError when over."""

    name: str
    max_passages: int

    @classmethod
    def of(cls, name: str) -> TextBudget:
        """The budget of a file being added to the library (settings().max_passages)."""
        return cls(name, settings().max_passages)

    @classmethod
    def unlimited(cls, name: str) -> TextBudget:
        """No bound: for files already in the library, the shipped plan, explicit `index build` files."""
        return cls(name, 0)

    @property
    def lines(self) -> int:
        return LINES.at(self.max_passages)

    @property
    def chars(self) -> int:
        return CHARS.at(self.max_passages)

    @property
    def elements(self) -> int:
        return ELEMENTS.at(self.max_passages)

    @property
    def pages(self) -> int:
        return PAGES.at(self.max_passages)

    def refuse(self, what: str) -> CorpusError:
        return CorpusError(
            f"文档过长 / {self.name} has more than {what}, far more than the limit of {self.max_passages} passages "
            "allows ($PLANQA_MAX_PASSAGES); split it into several files"
        )

    def check_text(self, text: str) -> None:
        """A decoded text file, before it is split into lines."""
        if not self.max_passages:
            return
        if len(text) > self.chars:
            raise self.refuse(f"{self.chars:,} characters")
        if text.count("\n") >= self.lines:
            raise self.refuse(f"{self.lines:,} lines")

    def check_lines(self, lines: Sequence[str]) -> None:
        """Lines read from any format, before they are parsed."""
        if not self.max_passages:
            return
        if len(lines) > self.lines:
            raise self.refuse(f"{self.lines:,} lines")
        if sum(map(len, lines)) > self.chars:
            raise self.refuse(f"{self.chars:,} characters")

    def check_file(self, suffix: str, data: bytes) -> None:
        """A file of a format whose reader builds a tree or a page list, before that reader runs."""
        if not self.max_passages:
            return
        if suffix == ".docx":
            self.check_docx(data)
        elif suffix in (".html", ".htm"):
            self.check_markup(data)
        elif suffix == ".pdf":
            self.check_pages(_pdf_page_count(data))

    def check_markup(self, data: bytes) -> None:
        """An HTML page: its tags (every one starts with ``<``), before a tree of them is built."""
        if data.count(b"<") > 2 * self.elements:
            raise self.refuse(f"{self.elements:,} HTML elements")

    def check_pages(self, pages: int) -> None:
        if pages > self.pages:
            raise self.refuse(f"{self.pages:,} pages")

    def check_docx(self, data: bytes) -> None:
        """Stream every XML part of a .docx (a zip) and count its elements, paragraphs and text,
        stopping at the first bound passed; nothing of the document is kept in memory."""
        counts = _Counts()
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if len(archive.infolist()) > PARTS:
                    raise CorpusError(f"无法读取 Word 文件 / {self.name} holds more than {PARTS:,} files (a .docx "
                                      "has a few dozen); open and save it again in Word, or export it as .txt")
                for info in archive.infolist():
                    with archive.open(info) as member:
                        counts.add_xml(member, self)
        # a damaged zip or member; RuntimeError: an encrypted member, an unknown compression method
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, RuntimeError) as exc:
            raise CorpusError(f"无法读取 Word 文件 / not a valid .docx file: {self.name} ({exc})") from exc


def _pdf_page_count(data: bytes) -> int:
    """The pages of a PDF; 0 when it does not open (the PDF reader then says why)."""
    from pypdf import PdfReader

    logger = logging.getLogger("pypdf")  # "EOF marker not found" and the like: the reader reports them
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # damaged, truncated or encrypted: pypdf raises many types
        return 0
    finally:
        logger.setLevel(level)


class _Counts:
    """Running totals over the XML parts of one .docx."""

    def __init__(self) -> None:
        self.elements = self.paragraphs = self.chars = 0

    def add_xml(self, member: io.BufferedIOBase, budget: TextBudget) -> None:
        """Count one part as far as it parses: a part that is not XML (an image) stops at once, a
        broken one where it breaks (the .docx reader then refuses it with its own message)."""
        from lxml import etree  # installed with python-docx

        events = etree.iterparse(member, events=("end",), resolve_entities=False, no_network=True,
                                 remove_comments=True, remove_pis=True)
        try:
            self._count(events, budget)
        except etree.XMLSyntaxError:
            return

    def _count(self, events: Iterable[tuple[str, object]], budget: TextBudget) -> None:
        for _, element in events:
            self.elements += 1
            tag = element.tag  # type: ignore[attr-defined]
            local = tag.rpartition("}")[2] if isinstance(tag, str) else ""
            if local == "p":
                self.paragraphs += 1
            elif local == "t":
                self.chars += len(element.text or "")  # type: ignore[attr-defined]
            element.clear(keep_tail=True)  # type: ignore[attr-defined]
            parent = element.getparent()  # type: ignore[attr-defined]
            if parent is not None:  # drop the finished siblings: memory stays flat
                while element.getprevious() is not None:  # type: ignore[attr-defined]
                    del parent[0]
            if self.elements > budget.elements:
                raise budget.refuse(f"{budget.elements:,} XML elements")
            if self.paragraphs > budget.lines:
                raise budget.refuse(f"{budget.lines:,} paragraphs")
            if self.chars > budget.chars:
                raise budget.refuse(f"{budget.chars:,} characters")
