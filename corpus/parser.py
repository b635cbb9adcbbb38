"""Recover a plan's structure (篇 › 章 › 节 › 专栏, tables, footnotes) from its text lines.

The input is what a .docx → text conversion leaves: ``[bookmark: …]`` markers, footnote
marks ``[footnoteRef:N]`` with the footnote texts ``[N: …]`` inline at a paragraph's end,
chapter numbers turned into ``1. 标题`` or lost entirely (a bare short title line), and
tables written one cell per tab-indented line with merged cells left empty.

Documents numbered 「第一部分」「一、」「（一）」 instead (work reports, many plans) get those
headings mapped onto the 篇/章/节 levels that the document does not use itself (see
``_scheme``); their labels stay as printed, so a path reads ('一、…', '（一）…').
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from corpus.numerals import cn_to_int
from corpus.records import Block, DocumentMeta, Footnote, Heading, Level, PlanDocument, Section

_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
_FOOTNOTE_REF = re.compile(r"\[footnoteRef:(\d+)\]")
_FOOTNOTE_TEXT = re.compile(r"\s*\[(\d+):\s*([^\[\]]*?)\s*\]")
_MARK = re.compile("\ue000(\\d+)\ue001")  # a footnote mark kept in text until the tree is built
_NUM = r"[0-9０-９〇零一二三四五六七八九十百两]+"
_PART = re.compile(rf"^第\s*({_NUM})\s*篇\s*(.*)$")
_CHAPTER = re.compile(rf"^第\s*({_NUM})\s*章\s*(.*)$")
_LIST_CHAPTER = re.compile(r"^\d{1,3}[.．、]\s*(\S.{0,38})$")
_SECTION = re.compile(rf"^第\s*({_NUM})\s*节\s*(.*)$")
_BOX = re.compile(r"^专栏\s*(\d+(?:\s*[-－—–]\s*\d+)?)\s*(.*)$")
_BOX_GROUP = re.compile(r"^[（(][一二三四五六七八九十]+[)）]\s*\S{1,15}$")
_ENTRY_TITLE = re.compile(r"^([^，。：:；,;]{2,24})[：:。]")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
_SENTENCE_PUNCT = set("。，；：！？、,;:!?")
_CLOSING = tuple("。！？；：”’」』）)…—")
_CN = "[一二三四五六七八九十]+"
# 「第一部分 …」, 「一、…」 (not 「一、二、三产业…」), 「（一）…」, with the depth each prefers (篇, 章, 节)
_GENERIC_STYLES: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(rf"^(第\s*({_CN})\s*部分)\s*(.*)$"), 0),
    (re.compile(rf"^(({_CN})\s*、)\s*(?!{_CN}、)(\S.*)$"), 1),
    (re.compile(rf"^([（(]\s*({_CN})\s*[)）])\s*(\S.*)$"), 2),
)
_LEVELS: tuple[Level, ...] = ("篇", "章", "节")
_MAX_GENERIC_HEADING = 40
_NOT_HEADING_END = tuple("；;，,")


class _Found(NamedTuple):
    """A classified heading line."""

    level: Level
    number: int | None
    title: str
    printed: str = ""  # set for 第一部分/一、/（一） headings


@dataclass(frozen=True)
class _Scheme:
    """How this document numbers its headings.

    ``generic`` maps an index into _GENERIC_STYLES to the level it stands for; ``recover``
    turns on the repairs for a converted 第X章 plan (``1. 标题`` and bare-title chapters),
    which would misread a document numbered the generic way.
    """

    generic: tuple[tuple[int, Level], ...]
    recover: bool



@dataclass
class _Builder:
    """Mutable state while walking the lines; produces the Section tree."""

    root: Section
    scheme: _Scheme
    part: Section | None = None
    chapter: Section | None = None
    section: Section | None = None
    chapter_count: int = 0
    table_count: int = 0
    used_ids: set[str] = field(default_factory=set)
    open_paragraph: bool = False  # the last block is a paragraph cut mid-sentence

    def current(self) -> Section:
        return self.section or self.chapter or self.part or self.root

    def unique(self, section_id: str) -> str:
        candidate, n = section_id, 1
        while candidate in self.used_ids:
            n += 1
            candidate = f"{section_id}-{n}"
        self.used_ids.add(candidate)
        return candidate

    def open_section(self, parent: Section, heading: Heading, section_id: str) -> Section:
        node = Section(heading, (*parent.path, heading.label), self.unique(section_id))
        parent.children.append(node)
        return node

    def add_part(self, number: int, title: str, printed: str = "") -> None:
        heading = Heading("篇", str(number), title, printed)
        self.part = self.open_section(self.root, heading, f"p{number}")
        self.chapter = self.section = None

    def add_chapter(self, number: int | None, title: str, printed: str = "") -> None:
        self.chapter_count = number if number is not None else self.chapter_count + 1
        parent = self.part or self.root
        heading = Heading("章", str(self.chapter_count), title, printed)
        self.chapter = self.open_section(parent, heading, f"c{self.chapter_count}")
        self.section = None

    def add_section(self, number: int, title: str, printed: str = "") -> None:
        parent = self.chapter or self.part or self.root
        self.section = self.open_section(
            parent, Heading("节", str(number), title, printed), f"{parent.section_id}.s{number}"
        )

    def add_paragraph(self, text: str, joins: bool) -> None:
        """Append a paragraph; ``joins`` continues a paragraph the conversion cut in two."""
        target = self.current()
        if joins and self.open_paragraph and target.blocks:
            last = target.blocks[-1]
            target.blocks[-1] = Block(last.block_id, last.kind, last.path, last.text + text)
        else:
            block_id = f"{target.section_id}.p{len(target.blocks) + 1}"
            target.blocks.append(Block(block_id, "paragraph", target.path, text))
        # a wrapped line without punctuation keeps the paragraph open (PDF line wrapping)
        self.open_paragraph = not text.endswith(_CLOSING) and _is_prose(target.blocks[-1].text)


def _is_prose(text: str) -> bool:
    return any(ch in _SENTENCE_PUNCT for ch in text)


def _clean(line: str, footnote_texts: dict[int, str]) -> str:
    """Strip residue from one line; footnote marks become private-use markers (see _MARK)."""
    line = _BOOKMARK.sub("", line)
    for match in _FOOTNOTE_TEXT.finditer(line):
        footnote_texts[int(match.group(1))] = match.group(2).strip()
    line = _FOOTNOTE_TEXT.sub("", line)
    # keep a lone tab: in a table it is an empty (merged) cell
    return _FOOTNOTE_REF.sub(lambda m: f"\ue000{m.group(1)}\ue001", line).rstrip(" \r\n\u3000")


def _resolve_footnotes(root: Section, footnote_texts: dict[int, str]) -> None:
    """Replace footnote markers in paragraphs by Footnote records (text + offset)."""
    for section in root.walk():
        for k, block in enumerate(section.blocks):
            if "\ue000" not in block.text:
                continue
            text, notes = block.text, []
            while match := _MARK.search(text):
                number = int(match.group(1))
                notes.append(Footnote(number, footnote_texts.get(number, ""), match.start()))
                text = text[: match.start()] + text[match.end() :]
            section.blocks[k] = Block(block.block_id, block.kind, block.path, text, tuple(notes),
                                      block.fields)


def _is_bare_title(text: str) -> bool:
    """A lost chapter heading: a short line with no sentence punctuation (「推进平安鄂州建设」)."""
    return (
        4 <= len(text) <= 30
        and not any(ch in _SENTENCE_PUNCT for ch in text)
        and not text[0].isdigit()
    )


def _parse_number(raw: str) -> int:
    raw = raw.translate(str.maketrans("０１２３４５６７８９", "0123456789")).strip()
    return cn_to_int(raw)


def _native_heading(text: str) -> _Found | None:
    """A 第X篇 / 第X章 / 第X节 line."""
    for level, pattern in (("篇", _PART), ("章", _CHAPTER), ("节", _SECTION)):
        if match := pattern.match(text):
            return _Found(level, _parse_number(match.group(1)), match.group(2).strip())
    return None


def _is_heading_line(text: str) -> bool:
    """Short and not a sentence: a numbered sentence in a paragraph is not a heading."""
    return len(text) <= _MAX_GENERIC_HEADING and "。" not in text and not text.endswith(_NOT_HEADING_END)


def _generic_match(text: str, style: int) -> re.Match[str] | None:
    return _GENERIC_STYLES[style][0].match(text) if _is_heading_line(text) else None


def _heading(text: str, scheme: _Scheme) -> _Found | None:
    """Classify a numbered heading line under the document's numbering scheme."""
    if found := _native_heading(text):
        return found
    for style, level in scheme.generic:
        if match := _generic_match(text, style):
            marker, title = re.sub(r"\s+", "", match.group(1)), match.group(3).strip()
            printed = f"{marker} {title}".strip() if style == 0 else marker + title
            return _Found(level, _parse_number(match.group(2)), title, printed)
    if scheme.recover and (match := _LIST_CHAPTER.match(text)) and "。" not in text:
        return _Found("章", None, match.group(1).strip())
    return None


def _scheme(texts: list[str]) -> _Scheme:
    """Map the generic heading styles a document uses (twice or more) onto the levels it leaves free.

    Each style takes the first free level at or below the one it prefers and below the style
    above it: with no 第X章/第X节 of its own, 一、 is a 章 and （一） a 节; a plan that has
    第X篇, 第X章 and 第X节 (the shipped one) keeps its parse unchanged.
    """
    lines = [t.strip() for t in texts if t.strip() and not t.startswith("\t")]
    native = {_LEVELS.index(found.level) for t in lines if (found := _native_heading(t))}
    free = [depth for depth in range(len(_LEVELS)) if depth not in native]
    generic: list[tuple[int, Level]] = []
    floor = 0
    for style, (_, preferred) in enumerate(_GENERIC_STYLES):
        depth = next((d for d in free if d >= max(preferred, floor)), None)
        if depth is None or sum(1 for t in lines if _generic_match(t, style)) < 2:
            continue
        generic.append((style, _LEVELS[depth]))
        floor = depth + 1
    return _Scheme(tuple(generic), recover=not generic)


def _is_structural(line: str, scheme: _Scheme) -> bool:
    text = line.strip()
    return bool(text) and (_heading(text, scheme) is not None or _BOX.match(text) is not None)


def _table_rows(lines: list[str], start: int, scheme: _Scheme) -> tuple[list[list[str]], int]:
    """Rows of tab-cells from ``start``; a non-tab line inside a row continues the cell above.

    Returns the rows and the index of the first line after the table.
    """
    rows: list[list[str]] = []
    row: list[str] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t"):
            row.append(line.strip())
        elif not line.strip():
            if row:
                rows.append(row)
                row = []
            elif i + 1 < len(lines) and lines[i + 1].strip() and not lines[i + 1].startswith("\t"):
                break
        elif row and not _is_structural(line, scheme):
            row[-1] += line.strip()
        else:
            break
        i += 1
    if row:
        rows.append(row)
    return rows, i


def _is_table_start(lines: list[str], i: int, scheme: _Scheme) -> bool:
    rows, _ = _table_rows(lines, i, scheme)
    multi = [r for r in rows if len(r) >= 3]
    return len(multi) >= 2 and all(len(c) <= 40 for r in multi for c in r)


def _row_text(header: list[str], cells: list[str]) -> str:
    name_col = next((k for k, h in enumerate(header) if "名称" in h or "指标" in h), 0)
    pairs = [
        f"{h}：{v}"
        for k, (h, v) in enumerate(zip(header, cells, strict=True))
        if k != name_col and v and v not in "-－—" and h != "序号"
    ]
    return f"{cells[name_col]}——{'；'.join(pairs)}"


def _add_table(b: _Builder, rows: list[list[str]]) -> None:
    title = rows[0][0] if len(rows[0]) == 1 else ""
    body = rows[1:] if title else rows
    header, data = body[0], body[1:]
    b.table_count += 1
    parent = b.current()
    table = b.open_section(
        parent, Heading("表", str(b.table_count), title or f"表{b.table_count}"),
        f"table{b.table_count}",
    )
    previous: list[str] = [""] * len(header)
    for n, raw in enumerate(data, start=1):
        cells = (raw + [""] * len(header))[: len(header)]
        # merged cells come out empty: they carry the value of the row above
        cells = [c or previous[k] for k, c in enumerate(cells)]
        previous = cells
        table.blocks.append(
            Block(f"{table.section_id}.r{n}", "table_row", table.path, _row_text(header, cells),
                  fields=tuple(zip(header, cells, strict=True)))
        )
    b.open_paragraph = False


def _add_box(b: _Builder, lines: list[str], i: int, number: str, title: str) -> int:
    """Parse a 专栏 starting after its title line; returns the index after the box."""
    number = re.sub(r"\s*[-－—–]\s*", "-", number)
    parent = b.section or b.chapter or b.part or b.root
    box = b.open_section(parent, Heading("专栏", number, title), f"box{number}")
    while i < len(lines) and not lines[i].strip():
        i += 1
    group = ""
    while i < len(lines) and lines[i].strip():
        text = lines[i].strip()
        if _BOX_GROUP.match(text):  # 「（一）公路」 inside a box groups entries, even where （一） is a 节
            group = text
            i += 1
            continue
        if _is_structural(text, b.scheme):
            break
        i += 1
        if _ENTRY_TITLE.match(text) or not box.blocks:
            label = f"{group} " if group else ""
            box.blocks.append(Block(f"{box.section_id}.e{len(box.blocks) + 1}", "box_entry",
                                    box.path, label + text))
        else:  # a paragraph of the entry above
            last = box.blocks[-1]
            box.blocks[-1] = Block(last.block_id, last.kind, last.path, last.text + text)
    b.open_paragraph = False
    return i


def _add_heading(b: _Builder, found: _Found) -> None:
    if found.level == "篇":
        b.add_part(found.number or 0, found.title, found.printed)
    elif found.level == "章":
        b.add_chapter(found.number, found.title, found.printed)
    else:
        b.add_section(found.number or 0, found.title, found.printed)
    b.open_paragraph = False


def parse_lines(lines: list[str], meta: DocumentMeta, sha256: str) -> PlanDocument:
    """Build the plan tree from raw text lines (see the module docstring for what is undone)."""
    footnote_texts: dict[int, str] = {}
    texts = [_clean(line, footnote_texts) for line in lines]
    b = _Builder(Section(None, (), "root"), _scheme(texts))
    i, previous_blank = 0, True
    while i < len(texts):
        raw = texts[i]
        text = raw.strip()
        if not text or (_PAGE_NUMBER.match(raw) and not raw.startswith("\t")):
            previous_blank, b.open_paragraph = True, False
            i += 1
            continue
        if match := _BOX.match(text):
            i = _add_box(b, texts, i + 1, match.group(1), match.group(2).strip())
            previous_blank = True
            continue
        if raw.startswith("\t") and _is_table_start(texts, i, b.scheme):
            rows, i = _table_rows(texts, i, b.scheme)
            _add_table(b, rows)
            previous_blank = True
            continue
        heading = _heading(text, b.scheme)
        if heading is None and b.scheme.recover and b.part is not None and _is_bare_title(text):
            heading = _Found("章", None, text)
        if heading is None:
            b.add_paragraph(text, joins=not previous_blank)
        else:
            _add_heading(b, heading)
        previous_blank = False
        i += 1
    _resolve_footnotes(b.root, footnote_texts)
    return PlanDocument(meta, b.root, sha256)
