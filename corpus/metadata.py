"""What a document is, read from its opening lines: title, region, period (years it covers).

A file 「hb.txt」 whose first line is 「湖北省国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要」
gets title = that line, region 湖北省 and period 2021–2025; a work report whose first line is just
「政府工作报告」 and whose next lines say 「2025年1月13日在广西壮族自治区第十四届人民代表大会…」 gets the
title 「2025年广西壮族自治区政府工作报告」, region 广西壮族自治区, period 2025. What the user gives wins.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path

from corpus.errors import CorpusError
from corpus.numerals import cn_to_int, years_to_digits
from corpus.records import DocumentMeta
from corpus.regions import GAZETTEER

_DOC_ID = re.compile(r"[^0-9A-Za-z\u3007\u3400-\u9fff_.-]+")  # 〇 (U+3007) is a Chinese digit: 二〇三五
MAX_DOC_ID_CHARS = 64  # a stored file name is the id plus 18 characters; names are at most 255 bytes
_TITLE_HINTS = ("规划", "纲要", "报告", "计划", "方案", "意见", "决定", "通知", "建议")
_HEAD_LINES = 12
_MAX_TITLE_PIECE = 40
_TITLE_BREAK = re.compile(r"[。，；：:！？、]|^[—-]{2}|\d{4}\s*年\s*\d{1,2}\s*月")  # a sentence, a byline, a date
# 「杭州市人民政府关于印发杭州市国民经济和社会发展第十五个五年规划纲要的通知」
_NOTICE = re.compile(r"关于印发(.+?)的通知")
_BOOK_TITLE = re.compile(r"《([^《》]{4,80})》")
# the line of a work report that says where and by whom it was given
_VENUE = re.compile(r"人民代表大会|会议上|[省市州区]长\s|主席\s|总理\s|\d{4}\s*年\s*\d{1,2}\s*月")
_REPORT = re.compile(r"(?:政府)?工作报告|年度计划")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE_LINE = re.compile(r"((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
# 「第十四个五年规划」「十四五规划」: the Nth five-year plan
_FIVE_YEAR = re.compile(r"第([一二三四五六七八九十]+)个五年|([一二三四五六七八九十]+)五[”\"']?(?:规划|计划|时期|期间)")
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*[-–—~至到]\s*((?:19|20)\d{2})")
# the first five-year plan began in 1953, the second in 1958; after three years of adjustment the
# third began in 1966, and every later one five years after the one before
_FIVE_YEAR_STARTS = {1: 1953, 2: 1958, 3: 1966}


def five_year_period(ordinal: int) -> tuple[int, int]:
    """The years of the Nth five-year plan: 14 → (2021, 2025), 1 → (1953, 1957)."""
    start = _FIVE_YEAR_STARTS.get(ordinal) or _FIVE_YEAR_STARTS[3] + 5 * (ordinal - 3)
    return start, start + 4


def five_year_mentions(text: str) -> list[tuple[int, tuple[int, int]]]:
    """Where ``text`` names a five-year period, with its years: 「“十三五”时期发展成就和“十四五”时期主要目标」 →
    [(1, (2016, 2020)), (12, (2021, 2025))]."""
    mentions = []
    for match in _FIVE_YEAR.finditer(text):
        ordinal = cn_to_int(match.group(1) or match.group(2))
        if 1 <= ordinal <= 30:
            mentions.append((match.start(), five_year_period(ordinal)))
    return mentions


def period_ending(year: int) -> tuple[int, int] | None:
    """The five-year plan period whose last year is ``year`` (2030 → (2026, 2030)), or None."""
    return next((span for n in range(1, 31) if (span := five_year_period(n))[1] == year), None)


def period_years(period: str) -> tuple[int, int] | None:
    """「2021–2025」 → (2021, 2025); 「2025」 → (2025, 2025); anything else → None."""
    if match := _PERIOD.search(period):
        return int(match.group(1)), int(match.group(2))
    if match := re.fullmatch(r"\s*((?:19|20)\d{2})\s*年?\s*", period):
        return int(match.group(1)), int(match.group(1))
    return None


def format_period(years: tuple[int, int]) -> str:
    return str(years[0]) if years[0] == years[1] else f"{years[0]}–{years[1]}"


def guess_title(lines: Sequence[str], name: str = "") -> str:
    """The document's title as its opening lines print it.

    An issuing notice 「某市人民政府 / 关于印发…的通知」 gives the document it issues (the 《…》 its text
    names); a title printed over two or three short lines (a cover page) is joined; a work report's
    bare 「政府工作报告」 is completed with the year and region of its date line, else of the file
    ``name`` (「2026年合肥市政府工作报告」).
    """
    head = [ln.strip() for ln in lines if ln.strip()][:_HEAD_LINES]
    if issued := _issued_title(head):
        return issued
    for k in range(min(5, len(head))):
        if title := _joined_title(head, k):
            return _complete_report_title(title, head[k + 1 :], name)
    return ""


def _is_title_piece(line: str) -> bool:
    """A short line with no sentence punctuation: a title or a piece of one."""
    return 0 < len(line) <= _MAX_TITLE_PIECE and not _TITLE_BREAK.search(line)


def _joined_title(head: Sequence[str], k: int) -> str:
    """The title starting at line ``k``: the line itself when it names a plan or report, or it joined with
    the next one or two short lines when together they do (「杭州市国民经济和社会发展」+「第十五个五年规划纲要」)."""
    line = head[k].strip("《》 \t")
    if len(line) <= 80 and any(h in line for h in _TITLE_HINTS) and not line.endswith(("。", "；")):
        return line
    joined = line
    for piece in head[k + 1 : k + 3]:
        if not (_is_title_piece(joined) and _is_title_piece(piece)):
            break
        joined += piece.strip("《》 ")
        if joined.endswith(_TITLE_HINTS):
            return joined
    return ""


def _issued_title(head: Sequence[str]) -> str:
    """「关于印发…的通知」 over the first lines → the 《…》 the notice issues (or the text between 印发 and 的通知)."""
    pieces = list(itertools.takewhile(_is_title_piece, head[:5]))
    match = _NOTICE.search("".join(pieces))
    if not match:
        return ""
    issued = match.group(1).strip("《》")
    named = [m.group(1) for line in head for m in _BOOK_TITLE.finditer(line)]
    return next((t for t in named if t.endswith(_TITLE_HINTS) and issued in t), issued)


def _complete_report_title(title: str, following: Sequence[str], name: str = "") -> str:
    """「政府工作报告」 + 「2025年1月13日在广西壮族自治区…会议上」 → 「2025年广西壮族自治区政府工作报告」;
    what the date line does not say comes from the file name (「2026年合肥市政府工作报告.txt」)."""
    if not _REPORT.search(title):
        return title
    venue = " ".join(line for line in following[:4] if _VENUE.search(line))
    region = ""
    if not GAZETTEER.find(title):
        region = next(iter(GAZETTEER.find(venue)), "") or guess_region(name)
    date = _DATE_LINE.search(years_to_digits(venue))
    year = ""
    if not _YEAR.search(title):
        year = f"{date.group(1)}年" if date else (f"{m.group(1)}年" if (m := _YEAR.search(name)) else "")
    return f"{year}{region}{title}" if (year or region) else title


def guess_region(title: str) -> str:
    """The region a title names: 「湖北省…」→ 湖北省, 「2025年广西政府工作报告」→ 广西壮族自治区,
    「2019年中华人民共和国国务院政府工作报告」→ 全国, 「中共中央关于…」→ 全国; else ''."""
    return GAZETTEER.find_at_start(title) or next(iter(GAZETTEER.find(title[:30])), "")


def guess_period(title: str) -> str:
    """「…第十四个五年规划…」→ 2021–2025, 「2024年政府工作报告」→ 2024, 「…2021—2025年…」→ 2021–2025; else ''."""
    title = years_to_digits(title)
    if mentions := five_year_mentions(title):
        return format_period(mentions[0][1])
    if match := _PERIOD.search(title):
        return f"{match.group(1)}–{match.group(2)}"
    if _REPORT.search(title) and (match := _YEAR.search(title)):
        return match.group(1)
    return ""


def make_doc_id(text: str) -> str:
    """A file-system-safe document id from a file stem or a user's --id; CorpusError when none results."""
    ident = _DOC_ID.sub("-", text.strip()).strip("-.")
    if not ident or len(ident) > MAX_DOC_ID_CHARS:
        raise CorpusError(
            f"无效的文档编号 / cannot make a document id from {text!r}: give a shorter one with --id "
            f"(1–{MAX_DOC_ID_CHARS} letters, digits, Chinese characters, '_', '.' or '-')"
        )
    return ident


def guess_meta(
    source: Path, lines: Sequence[str], *, title: str | None = None, region: str | None = None,
    period: str | None = None, doc_id: str | None = None,
) -> DocumentMeta:
    """Metadata for an added file: what the user gave, else what its opening lines say, else what its
    file name says (「杭州市…第十五个五年规划纲要.docx」 whose first line is only 「第十五个五年规划纲要」)."""
    title = (title or "").strip() or guess_title(lines, source.stem) or source.stem
    return DocumentMeta(
        doc_id=make_doc_id(doc_id or source.stem),
        title=title,
        region=(region if region is not None else guess_region(title) or guess_region(source.stem)).strip(),
        period=(period if period is not None else guess_period(title) or guess_period(source.stem)).strip(),
        source=source.name,
    )
