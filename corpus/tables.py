"""Tables as published: column names over several header rows, merged cells, and indicator tables whose
rows came apart (cells wrapped into extra columns, rows wrapped over text lines) put back together.

Two inputs reach this module:

* a **grid**: the rows of cells the loaders write for a Word, PDF or HTML table (see
  ``corpus.loaders.docx_lines``), where a cell may be one of three marks: ``EMPTY`` (the source cell is
  empty, and stays empty), ``ABOVE`` (covered by a vertically merged cell: it carries the value above)
  and ``LEFT`` (covered by a horizontally merged cell: in a header it repeats the group's name, in the
  body it is empty). A plain ``""`` is a plain-text table's empty cell, which by that format's
  convention (the shipped plan's) stands for a merged cell and carries the value above.
* **text rows**: an indicator table extracted from a PDF as lines, one wrapped cell piece per line
  (「全社会研究与试验发展经费支出占地区生」/「产总值比重(%)」/「6左右∗ >6 预期性」), read from a header line
  such as 「类别 序号 指标 2025年 2030年目标 属性」 (see ``text_header`` and ``read_text_rows``).

An *indicator table* is one whose header names a 序号 and a 属性 column (「类别 序号 指标名称 2025年
2030年 年均 属性」). Its rows are rebuilt indicator by indicator: the 序号 starts one, the 属性
(预期性/约束性) ends it, the cells before the 序号 are its category, the first cell after it its name and
the rest its values; cells a wrap split in two are joined back, and an indicator printed as a main row
with sub-rows (「每千人口拥有医护人员数」: 执业医师数, 注册护士数) becomes one row. Values keep their marks
(∗, >, ≤, 左右, 【】) as printed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

EMPTY = "\ue010"  # the source's cell is empty
LEFT = "\ue011"  # covered by the cell to its left (a horizontal merge)
ABOVE = "\ue012"  # covered by the cell above (a vertical merge)
MARKS = (EMPTY, LEFT, ABOVE)

HEADER_JOIN = "·"  # 「“十五五”·2030年」: a column group's name and the column's own
ATTRIBUTE = re.compile(r"^(预期性|约束性|指导性)$")
_SEQUENCE = re.compile(r"^\d{1,3}$")
_YEAR_COLUMN = re.compile(r"(?:19|20)\d{2}\s*年")
# a figure as a cell holds it: 「>46.5∗」「6左右∗」「【350左右】」「[125]」「4.5-5,」「—」
_VALUE = re.compile(r"^(?:[<>≤≥＜＞~≈约]?\s*[\[【]?\s*[<>≤≥＜＞]?\s*\d|[—–\-－]+$)")
_QUALIFIER = re.compile(r"^(?:左右|以上|以下|以内|上下)[∗*]?$")
_OPEN_END = tuple(",，、")
_MAX_CATEGORY_PIECE = 8  # 「创新」「发展」「(5项)」: a category printed over several lines
_MAX_HEADER_TOKEN = 12


@dataclass(frozen=True)
class Table:
    """A table ready for the parser: its title (or ''), column names and rows of cells (one per column)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class _Token:
    """A cell's text, and whether it may continue the cell before it (a wrap, not a column break)."""

    text: str
    joinable: bool = True


@dataclass
class _Indicator:
    """One indicator's cells while it is being rebuilt."""

    category: list[str] = field(default_factory=list)
    sequence: str = ""
    middle: list[_Token] = field(default_factory=list)  # name, values (and sub-rows' names and values)
    attribute: str = ""
    ended: bool = False


def _is_value(text: str) -> bool:
    return bool(_VALUE.match(text))


def _plain(cell: str) -> str:
    return "" if cell in MARKS else cell


# --- grids -----------------------------------------------------------------------------------


def build_table(raw_rows: Sequence[Sequence[str]]) -> Table:
    """The title, column names and body rows of a grid (see the module docstring for the marks)."""
    rows = [list(r) for r in raw_rows if any(_plain(c) for c in r)]
    title = ""
    if rows and len([c for c in rows[0] if _plain(c)]) == 1 and (len(rows[0]) == 1 or _spans_row(rows[0])):
        title = next(c for c in rows[0] if _plain(c))
        rows = rows[1:]
    if not rows:
        return Table(title, (), ())
    width = max(len(r) for r in rows)
    padding = EMPTY if any(c in MARKS for r in rows for c in r) else ""  # a plain-text table pads as before
    rows = [r + [padding] * (width - len(r)) for r in rows]
    depth = _header_depth(rows)
    header = _resolve(rows[:depth], header=True)
    columns = [_column_name([row[c] for row in header]) for c in range(width)]
    body = _resolve(rows[depth:], header=False)
    if _indicator_columns(columns) is not None:
        body = _indicator_rows(columns, [[_Token(c) for c in row] for row in body])
    columns, body = _drop_unnamed_empty_columns(columns, body)
    return Table(title, tuple(columns), tuple(tuple(r) for r in body))


def _spans_row(row: Sequence[str]) -> bool:
    """A title row: one cell, the rest of the row covered by it."""
    return all(c == LEFT for c in row[1:])


def _header_depth(rows: list[list[str]]) -> int:
    """How many rows the header takes: the first, and each next one that holds no figures while the row
    above it groups columns (a cell spanning several) or it sits under merged header cells."""
    depth = 1
    while depth < len(rows) - 1:
        row, above = rows[depth], rows[depth - 1]
        grouped = LEFT in above or ABOVE in row
        figures = any(_is_value(c) and not _YEAR_COLUMN.match(c) for c in row if _plain(c))
        if not grouped or figures:
            break
        depth += 1
    return depth


def _resolve(rows: list[list[str]], header: bool) -> list[list[str]]:
    """Replace the marks by values: ABOVE by the value above, LEFT by the value to the left in a header
    (empty in the body), EMPTY by ''; a plain '' (a plain-text table) carries the value above."""
    out: list[list[str]] = []
    previous: list[str] | None = None
    for row in rows:
        cells: list[str] = []
        for k, cell in enumerate(row):
            if cell == ABOVE or (cell == "" and not header):
                value = previous[k] if previous is not None and k < len(previous) else ""
            elif cell == LEFT:
                value = cells[-1] if header and cells else ""
            else:
                value = _plain(cell)
            cells.append(value)
        out.append(cells)
        previous = cells
    return out


def _column_name(parts: list[str]) -> str:
    """「“十五五”」 over 「2030年」 → 「“十五五”·2030年」; a merged header cell is named once."""
    names: list[str] = []
    for part in parts:
        if part and (not names or names[-1] != part):
            names.append(part)
    return HEADER_JOIN.join(names)


def _drop_unnamed_empty_columns(columns: list[str], body: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    keep = [k for k, name in enumerate(columns) if name or any(row[k] for row in body if k < len(row))]
    return [columns[k] for k in keep], [[row[k] if k < len(row) else "" for k in keep] for row in body]


# --- indicator tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """Where an indicator table keeps what: category columns, 序号, name, values, 属性."""

    categories: tuple[int, ...]
    sequence: int
    name: int
    values: tuple[int, ...]
    attribute: int
    width: int


def _indicator_columns(columns: Sequence[str]) -> _Layout | None:
    """The layout of a header with a 序号 and a 属性 column (and the name right after 序号), else None."""
    names = [c.split(HEADER_JOIN)[-1] for c in columns]
    sequence = next((k for k, c in enumerate(names) if c == "序号"), None)
    attribute = next((k for k, c in enumerate(names) if c == "属性"), None)
    if sequence is None or attribute is None or attribute <= sequence + 1:
        return None
    name = sequence + 1
    return _Layout(tuple(range(sequence)), sequence, name, tuple(range(name + 1, attribute)), attribute,
                   len(columns))


def _is_aligned(row: Sequence[_Token], layout: _Layout) -> bool:
    """A row already in its columns: its 序号 and 属性 where the header has them, nothing after."""
    texts = [t.text for t in row]
    return (
        len(texts) > layout.attribute
        and bool(_SEQUENCE.match(texts[layout.sequence]))
        and bool(ATTRIBUTE.match(texts[layout.attribute]))
        and not any(texts[layout.attribute + 1 :])
    )


def _indicator_rows(columns: Sequence[str], rows: list[list[_Token]]) -> list[list[str]]:
    """Rebuild an indicator table's body: aligned rows are kept; rows that came apart are put back."""
    layout = _indicator_columns(columns)
    if layout is None:
        return [[t.text for t in row] for row in rows]
    out: list[list[str]] = []
    pending: _Indicator | None = None
    category = ""

    def flush() -> None:
        nonlocal pending, category
        if pending is not None:
            category = "".join(pending.category) or category
            out.append(_place(pending, category, layout))
            pending = None

    for row in rows:
        if _is_aligned(row, layout):
            flush()
            out.append([t.text for t in row][: layout.width])
            category = "".join(out[-1][k] for k in layout.categories) or category
            continue
        tokens = [t for t in row if t.text]
        start = _sequence_index(tokens)
        if start is None and pending is not None:  # a sub-row: 「注册护士数（人） 5.92 6.02 — 预期性」
            _take(pending, tokens)
            continue
        flush()
        if start is None:  # a row the table's layout does not explain: kept as it is
            out.append([t.text for t in row][: layout.width])
            continue
        pending = _Indicator([t.text for t in tokens[:start]], tokens[start].text)
        _take(pending, tokens[start + 1 :])
    flush()
    return out


def _sequence_index(tokens: Sequence[_Token]) -> int | None:
    """Where the 序号 is: the first whole number, after at most a few category pieces."""
    for k, token in enumerate(tokens[:4]):
        if _SEQUENCE.match(token.text):
            return k
        if _is_value(token.text):
            return None
    return None


def _take(indicator: _Indicator, tokens: Sequence[_Token]) -> None:
    """Add a row's (or a line's) tokens to an indicator; a 属性 ends it."""
    for token in tokens:
        if ATTRIBUTE.match(token.text):
            indicator.attribute = indicator.attribute or token.text
            indicator.ended = True
        else:
            indicator.middle.append(token)


def _place(indicator: _Indicator, category: str, layout: _Layout) -> list[str]:
    """The indicator's cells in the header's columns."""
    name, values = _name_and_values(indicator.middle, len(layout.values))
    cells = [""] * layout.width
    for k in layout.categories:
        cells[k] = category if k == layout.categories[-1] else ""
    cells[layout.sequence] = indicator.sequence
    cells[layout.name] = name
    for k, value in zip(layout.values, values, strict=True):
        cells[k] = value
    cells[layout.attribute] = indicator.attribute
    return cells


def _name_and_values(middle: list[_Token], count: int) -> tuple[str, list[str]]:
    """Split an indicator's cells into its name and ``count`` values."""
    if not middle:
        return "", [""] * count
    if items := _sub_items(middle, count):
        main = middle[0].text
        names = "、".join(name for name, _ in items)
        values = ["，".join(f"{name}{vals[k]}" for name, vals in items) for k in range(count)]
        return f"{main}：{names}", values
    name = middle[0].text
    rest = list(middle[1:])
    while len(rest) > count and rest and not _is_value(rest[0].text):  # a name wrapped onto the next line
        name += rest.pop(0).text
    return name, _join_wrapped(rest, count)


def _sub_items(middle: list[_Token], count: int) -> list[tuple[str, list[str]]]:
    """An indicator printed as a name over sub-rows, each a name and ``count`` values; [] if it is not."""
    rest = middle[1:]
    size = count + 1
    if count == 0 or len(rest) < 2 * size or len(rest) % size:
        return []
    groups = [rest[k : k + size] for k in range(0, len(rest), size)]
    if not all(not _is_value(g[0].text) and any(_is_value(t.text) for t in g[1:]) for g in groups):
        return []
    return [(g[0].text, [t.text for t in g[1:]]) for g in groups]


def _join_score(before: _Token, token: _Token) -> int:
    """How sure it is that ``token`` is the wrapped rest of the cell ``before``."""
    if not token.joinable:
        return -1
    text, prev = token.text, before.text
    open_range = prev.endswith(("-", "–", "~")) and any(ch.isdigit() for ch in prev)  # 「4.5-」「5」
    if text.startswith(("（", "(")) or _QUALIFIER.match(text) or prev.endswith(_OPEN_END) or open_range:
        return 3
    if not _is_value(prev) and not _is_value(text):
        return 2
    return 1 if _is_value(prev) and not _is_value(text) and prev.strip("—–-－") else 0


def _join_wrapped(tokens: list[_Token], count: int) -> list[str]:
    """Join wrapped pieces, surest first, until ``count`` values remain (missing ones are empty)."""
    tokens = list(tokens)
    while len(tokens) > count:
        scores = [_join_score(tokens[k - 1], tokens[k]) for k in range(1, len(tokens))]
        best = max(range(len(scores)), key=lambda k: (scores[k], -k))
        joined = _Token(tokens[best].text + tokens[best + 1].text, tokens[best].joinable)
        tokens[best : best + 2] = [joined]
    return [t.text for t in tokens] + [""] * (count - len(tokens))


# --- text rows -------------------------------------------------------------------------------


def text_header(line: str) -> list[str] | None:
    """The columns of an indicator table's header line 「类别 序号 指标 2025年 2030年目标 属性」, else None."""
    tokens = line.split()
    if (
        4 <= len(tokens) <= 12
        and all(len(t) <= _MAX_HEADER_TOKEN for t in tokens)
        and _indicator_columns(tokens) is not None
        and any(_YEAR_COLUMN.search(t) for t in tokens)
    ):
        return tokens
    return None


def read_text_rows(lines: Sequence[str], start: int, columns: Sequence[str]) -> tuple[list[list[str]], int]:
    """The indicator rows that follow a header line (``lines[start]`` is the first line after it).

    A row starts at a line whose first word is the next 序号 and ends with its 属性; short lines
    between rows are the next row's category (「创新」「发展」「(5项)」); a repeated header (a page break)
    is skipped. Returns the rows (one cell per column) and the index of the first line after the table.
    """
    layout = _indicator_columns(columns)
    if layout is None:
        return [], start
    indicators: list[_Indicator] = []
    category: list[str] = []
    i, end = start, start
    while i < len(lines):
        line = lines[i].strip()
        words = line.split()
        current = indicators[-1] if indicators else None
        if not line or line.split() == list(columns):
            i += 1
            continue
        expected = str(int(current.sequence) + 1) if current else "1"
        if words[0] == expected and (current is None or current.ended or len(current.middle) > len(layout.values)):
            current = _Indicator(category, words[0])
            category = []
            indicators.append(current)
            _take(current, [_Token(w, joinable=(k == 0)) for k, w in enumerate(words[1:])])
        elif current is not None and not current.ended:
            _take(current, [_Token(w, joinable=(k == 0)) for k, w in enumerate(words)])
        elif len(line) <= _MAX_CATEGORY_PIECE and len(words) == 1 and not _is_value(line):
            category.append(line)
        else:
            break
        i += 1
        if not category:
            end = i
    rows: list[list[str]] = []
    carried = ""
    for indicator in indicators:
        carried = "".join(indicator.category) or carried
        rows.append(_place(indicator, carried, layout))
    return rows, end
