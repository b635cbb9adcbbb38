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

from corpus import tables
from corpus.numerals import cn_to_int
from corpus.records import Block, BlockKind, DocumentMeta, Footnote, Heading, Level, PlanDocument, Section

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
_PAGE_NUMBER = re.compile(r"^[\s\-－—–]*\d{1,4}[\s\-－—–]*$")  # 「134」「— 1 —」
# a table of contents: 「目录」, then entries (with leader dots and page numbers, or without) up to the body
_TOC_TITLE = re.compile(r"^目\s*录$")
_TOC_PAGE = re.compile(r"\s*(?:[.．。…·⋯]{2,}|…+)\s*\d{0,4}\s*$|(?<=\S)\s+\d{1,4}$")
_TOC_LEADER = re.compile(r"\s*(?:[.．。…·⋯]{2,}|…+)\s*")
_MAX_TOC_LINES = 600
# a table or box that was an image in the source: 「［图片：原网页此处为图片…］」「[图片]」「（此处为图片）」
_IMAGE = re.compile(
    r"^[\[［【〔]\s*(?:图片|图表|图)\s*(?:[：:].{0,80})?[\]］】〕]$"
    r"|^[(（]\s*(?:此处为)?(?:图片|图表)(?!来源)[^()（）]{0,30}[)）]$"
)
# an appendix of definitions: 「名词解释」「附录：指标解释」「附件2 名词解释」
_GLOSSARY = re.compile(
    r"^(?:附\s*[录件]\s*[0-9一二三四五六七八九十]*\s*[：:、.．]?\s*)?(名词解释|指标解释|名词说明|术语解释)$"
)
# 「1. 新质生产力：…」「（2）两重：…」「③ 术语：…」 → the term and its explanation
_GLOSSARY_ENTRY = re.compile(
    r"^\s*(?:\d{1,3}\s*[.．、]|[（(]\s*\d{1,3}\s*[)）]|[①-⑳])?\s*([^：:，。；]{1,30}?)\s*[：:]\s*(\S.*)$"
)
_MAX_CAPTION = 40
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
    which would misread a document numbered the generic way or one that prints its 第X章.
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
    caption: bool = False  # the last block is a short line that may name the table after it
    toc: tuple[str, ...] = ()  # the table of contents' entries (keys, see _toc_key)

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
            self.caption = False
        else:
            block_id = f"{target.section_id}.p{len(target.blocks) + 1}"
            target.blocks.append(Block(block_id, "paragraph", target.path, text))
            self.caption = len(text) <= _MAX_CAPTION and not _is_prose(text)
        # a wrapped line without punctuation keeps the paragraph open (PDF line wrapping)
        self.open_paragraph = not text.endswith(_CLOSING) and _is_prose(target.blocks[-1].text)

    def add_block(self, kind: BlockKind, text: str) -> None:
        """A block that stands alone (a missing table's placeholder): never joined to a paragraph."""
        target = self.current()
        target.blocks.append(Block(f"{target.section_id}.p{len(target.blocks) + 1}", kind, target.path, text))
        self.open_paragraph = self.caption = False

    def take_caption(self) -> str:
        """The short line just before a table (「“十五五”时期经济社会发展主要指标」), taken out of the text."""
        target = self.current()
        if not (self.caption and target.blocks and target.blocks[-1].kind == "paragraph"):
            return ""
        self.caption = False
        return target.blocks.pop().text


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
    # the repairs are for a plan whose chapters all lost their 「第X章」 (the shipped one): a plan that
    # prints its chapters keeps its short unnumbered lines (a table's title, a box's line) as text
    return _Scheme(tuple(generic), recover=not generic and _LEVELS.index("章") not in native)


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


def _row_text(header: tuple[str, ...], cells: tuple[str, ...]) -> str:
    name_col = next((k for k, h in enumerate(header) if "名称" in h or "指标" in h), 0)
    pairs = [
        f"{h}：{v}"
        for k, (h, v) in enumerate(zip(header, cells, strict=True))
        if k != name_col and v and v not in "-－—" and h != "序号"
    ]
    return f"{cells[name_col]}——{'；'.join(pairs)}"


def _add_table(b: _Builder, table: tables.Table) -> None:
    """A table section under the current one, one table_row block per body row."""
    title = table.title or b.take_caption()
    b.table_count += 1
    parent = b.current()
    section = b.open_section(
        parent, Heading("表", str(b.table_count), title or f"表{b.table_count}"),
        f"table{b.table_count}",
    )
    for n, cells in enumerate(table.rows, start=1):
        section.blocks.append(
            Block(f"{section.section_id}.r{n}", "table_row", section.path, _row_text(table.columns, cells),
                  fields=tuple(zip(table.columns, cells, strict=True)))
        )
    b.open_paragraph = b.caption = False


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
    b.open_paragraph = b.caption = False
    return i


def _add_glossary(b: _Builder, lines: list[str], i: int, title: str) -> int:
    """An appendix of definitions from ``lines[i]`` on: each 「术语：解释」 its own entry, led by the term."""
    if b.part is not None:
        b.add_part(int(b.part.heading.number) + 1 if b.part.heading else 0, title, title)
        section = b.part
    else:
        b.add_chapter(None, title, title)
        section = b.chapter
    assert section is not None
    while i < len(lines):
        text = lines[i].strip()
        if text and (_is_structural(text, b.scheme) or _GLOSSARY.match(text)):
            break
        i += 1
        if not text or _PAGE_NUMBER.match(text):
            continue
        if match := _GLOSSARY_ENTRY.match(text):
            entry = f"{match.group(1)}：{match.group(2)}"
            section.blocks.append(Block(f"{section.section_id}.e{len(section.blocks) + 1}", "box_entry",
                                        section.path, entry))
        elif section.blocks:
            last = section.blocks[-1]
            section.blocks[-1] = Block(last.block_id, last.kind, last.path, last.text + text)
        else:
            b.add_paragraph(text, joins=False)
    b.open_paragraph = b.caption = False
    return i


def _toc_key(line: str) -> str:
    """A heading as a table of contents and the body both print it: no leader dots, page number or spaces."""
    return re.sub(r"\s+", "", _TOC_PAGE.sub("", line))


def _is_toc_heading(text: str) -> bool:
    return bool(_native_heading(text) or _BOX.match(text) or re.match(rf"^(?:{_CN}、|[（(]{_CN}[)）])", text))


def _skip_toc(lines: list[str], i: int) -> tuple[int, tuple[str, ...]]:
    """The index where the body starts after a 目录 line at ``i - 1``, and the entries' keys.

    The contents end where an entry is printed again (the body's first heading) or at the first
    sentence; an entry wrapped over two lines (its page number on the second) is one entry.
    """
    keys: list[str] = []
    start, previous_paged = i, True
    while i < len(lines) and i - start < _MAX_TOC_LINES:
        text = lines[i].strip()
        if not text or _PAGE_NUMBER.match(text):
            i += 1
            continue
        key = _toc_key(text)
        paged = bool(_TOC_LEADER.search(text)) or key != re.sub(r"\s+", "", text)
        if key in keys or "。" in text or len(key) > 80:
            break
        if not previous_paged and paged and not _is_toc_heading(text):
            keys[-1] += key  # the rest of an entry wrapped before its page number
        else:
            keys.append(key)
        previous_paged = paged
        i += 1
    return i, tuple(keys)


def _toc_title(b: _Builder, lines: list[str], i: int, found: _Found) -> tuple[_Found, int]:
    """A heading printed over two or three lines, completed as the table of contents prints it."""
    text = lines[i].strip()
    key = _toc_key(text)
    if not b.toc or key in b.toc or not any(k.startswith(key) for k in b.toc):
        return found, i + 1
    joined, j = text, i + 1
    while j < len(lines) and j <= i + 2 and lines[j].strip():
        joined += lines[j].strip()
        if _toc_key(joined) in b.toc:
            title = found.title + "".join(line.strip() for line in lines[i + 1 : j + 1])
            return found._replace(title=title, printed=found.printed and found.printed + joined[len(text):]), j + 1
        if not any(k.startswith(_toc_key(joined)) for k in b.toc):
            break
        j += 1
    return found, i + 1


def _add_heading(b: _Builder, found: _Found) -> None:
    if found.level == "篇":
        b.add_part(found.number or 0, found.title, found.printed)
    elif found.level == "章":
        b.add_chapter(found.number, found.title, found.printed)
    else:
        b.add_section(found.number or 0, found.title, found.printed)
    b.open_paragraph = b.caption = False


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
        if _TOC_TITLE.match(text) and not b.toc:
            i, b.toc = _skip_toc(texts, i + 1)
            previous_blank, b.open_paragraph = True, False
            continue
        if match := _BOX.match(text):
            i = _add_box(b, texts, i + 1, match.group(1), match.group(2).strip())
            previous_blank = True
            continue
        if raw.startswith("\t") and _is_table_start(texts, i, b.scheme):
            rows, i = _table_rows(texts, i, b.scheme)
            _add_table(b, tables.build_table(rows))
            previous_blank = True
            continue
        if (columns := tables.text_header(text)) is not None:
            rows, end = tables.read_text_rows(texts, i + 1, columns)
            if rows:
                _add_table(b, tables.Table("", tuple(columns), tuple(tuple(r) for r in rows)))
                i, previous_blank = end, True
                continue
        if _IMAGE.match(text):
            b.add_block("missing", text)
            previous_blank = True
            i += 1
            continue
        if match := _GLOSSARY.match(text):
            i = _add_glossary(b, texts, i + 1, text)
            previous_blank = True
            continue
        heading = _heading(text, b.scheme)
        if heading is None and b.scheme.recover and b.part is not None and _is_bare_title(text):
            heading = _Found("章", None, text)
        if heading is None:
            b.add_paragraph(text, joins=not previous_blank)
            i += 1
        else:
            heading, i = _toc_title(b, texts, i, heading)
            _add_heading(b, heading)
        previous_blank = False
    _resolve_footnotes(b.root, footnote_texts)
    return PlanDocument(meta, b.root, sha256)
