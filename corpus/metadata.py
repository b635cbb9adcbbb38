"""What a document is, read from its opening lines: title, region, period (years it covers).

A file 「hb.txt」 whose first line is 「湖北省国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要」
gets title = that line, region 湖北省 and period 2021–2025; a work report whose first line is just
「政府工作报告」 and whose next lines say 「2025年1月13日在广西壮族自治区第十四届人民代表大会…」 gets the
title 「2025年广西壮族自治区政府工作报告」, region 广西壮族自治区, period 2025. What the user gives wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from corpus.errors import CorpusError
from corpus.numerals import cn_to_int, years_to_digits
from corpus.records import DocumentMeta
from corpus.regions import GAZETTEER

_DOC_ID = re.compile(r"[^0-9A-Za-z\u3400-\u9fff_.-]+")
MAX_DOC_ID_CHARS = 64  # a stored file name is the id plus 18 characters; names are at most 255 bytes
_TITLE_HINTS = ("规划", "纲要", "报告", "计划", "方案", "意见", "决定", "通知", "建议")
_REPORT = re.compile(r"(?:政府)?工作报告|年度计划")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE_LINE = re.compile(r"((?:19|20)\d{2})年\d{1,2}月\d{1,2}日")
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


def period_years(period: str) -> tuple[int, int] | None:
    """「2021–2025」 → (2021, 2025); 「2025」 → (2025, 2025); anything else → None."""
    if match := _PERIOD.search(period):
        return int(match.group(1)), int(match.group(2))
    if match := re.fullmatch(r"\s*((?:19|20)\d{2})\s*年?\s*", period):
        return int(match.group(1)), int(match.group(1))
    return None


def format_period(years: tuple[int, int]) -> str:
    return str(years[0]) if years[0] == years[1] else f"{years[0]}–{years[1]}"


def guess_title(lines: Sequence[str]) -> str:
    """The first short line among the first few that names a plan or report (「…规划纲要」「…工作报告」),
    completed with the year and region its next lines give when it lacks them."""
    head = [ln.strip() for ln in lines if ln.strip()][:8]
    for k, line in enumerate(head[:5]):
        line = line.strip("《》 \t")
        if len(line) <= 80 and any(h in line for h in _TITLE_HINTS) and not line.endswith(("。", "；")):
            return _complete_report_title(line, head[k + 1 :])
    return ""


def _complete_report_title(title: str, following: Sequence[str]) -> str:
    """「政府工作报告」 + 「2025年1月13日在广西壮族自治区…会议上」 → 「2025年广西壮族自治区政府工作报告」."""
    if not _REPORT.search(title):
        return title
    context = " ".join(following[:4])
    region = "" if GAZETTEER.find(title) else next(iter(GAZETTEER.find(context)), "")
    date = _DATE_LINE.search(context)
    year = "" if _YEAR.search(title) or not date else f"{date.group(1)}年"
    return f"{year}{region}{title}" if (year or region) else title


def guess_region(title: str) -> str:
    """The region a title names: 「湖北省…」→ 湖北省, 「2025年广西政府工作报告」→ 广西壮族自治区,
    「2019年中华人民共和国国务院政府工作报告」→ 全国; else ''."""
    return GAZETTEER.find_at_start(title) or next(iter(GAZETTEER.find(title[:30])), "")


def guess_period(title: str) -> str:
    """「…第十四个五年规划…」→ 2021–2025, 「2024年政府工作报告」→ 2024, 「…2021—2025年…」→ 2021–2025; else ''."""
    title = years_to_digits(title)
    if match := _FIVE_YEAR.search(title):
        return format_period(five_year_period(cn_to_int(match.group(1) or match.group(2))))
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
    """Metadata for an added file: what the user gave, else what its opening lines say."""
    title = (title or "").strip() or guess_title(lines) or source.stem
    return DocumentMeta(
        doc_id=make_doc_id(doc_id or source.stem),
        title=title,
        region=(region if region is not None else guess_region(title)).strip(),
        period=(period if period is not None else guess_period(title)).strip(),
        source=source.name,
    )
