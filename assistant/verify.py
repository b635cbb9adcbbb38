"""Verification before answering: is the quoted figure the one that was asked for?

A sentence may hold several figures, each about its own indicator and time: 「城镇新增就业1100万人
以上，城镇调查失业率5.5%左右」. A figure's *label* is the text of its clause before it; the figure
answers a question only when its label names the asked indicator (or a synonym), it is a rate when a
growth rate was asked, and its time is the asked time. A figure for another indicator, year or
region is never an answer: the answerer abstains and says why.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from assistant.query import INDICATORS, Indicator, Query
from corpus import Chunk
from corpus.metadata import five_year_mentions
from corpus.numerals import years_to_digits
from corpus.text import CN_FIGURE, FIGURE, QUALIFIER, UNITS, is_year, normalize_text

_CLAUSE_END = re.compile(r"(?<=[，；;。！？：:,])")
_RATIO_OF = re.compile(r"占$")  # 「R&D支出占GDP比重」: GDP is the denominator, not the indicator
DERIVED = re.compile(r"贡献率|比重|占比|比例|份额|排名|位次|弹性|系数|中的|之比|高于|低于|快于|慢于|高出|超出")
# 「县域经济增速高于全省经济增速0.4个百分点」: the figure is the gap, not the indicator compared with
COMPARED = re.compile(r"(?<!不)(?:高于|低于|快于|慢于|高出|超出|超过)[^，；。]{0,4}$")  # 「不低于10%」 is a bound
_RESPECTIVELY = "分别"
_ITEM_SEPARATOR = re.compile(r"、|(?<=[^\W\d_]{2})[和及与](?=[^\W\d_]{2})")
GROWTH = re.compile(r"增长|增速|增幅|涨幅|提高|提升|上涨|下降|降低|回升|growth")
RATE = re.compile(r"%|％|个百分点|‰|[百千]分之|倍|翻一番|翻番")
# a year or 去年 after 比/较/同/与 is a baseline (「比2020年翻一番」「与去年大体持平」), not the time spoken of
_BASELINE = r"(?<![比较同与])"
_YEAR_IN = re.compile(_BASELINE + r"(?<!\d)((?:19|20)\d{2})(?=\s*年)")
_REVIEW = re.compile(_BASELINE + r"(?:回顾|过去一年|过去五年|去年|过去的一年)")
_REVIEW_HEADING = re.compile(r"回顾|成就|发展基础|基础条件|工作总结|过去")
_TARGET_HEADING = re.compile(r"目标|任务|安排|要求|重点工作")
_THIS_YEAR = re.compile(r"今年|本年")
_PERIOD_WORDS = re.compile(r"年均|期间|时期|五年|[一二三四五六七八九十]五”?(?:规划|计划|末|期)")
_LAST_YEAR = re.compile(_BASELINE + r"(?:去年|过去一年|过去的一年)")
_QUALIFIED = re.compile(
    rf"^(?:\s*(?:[-－—–~～至到]|以及)\s*[<>≥≤＞＜]?\d+(?:[.,．]\d+)*(?:%|％|‰|{UNITS})?)?(?:{QUALIFIER})?"
)


@dataclass(frozen=True)
class FigureClause:
    """A figure in a passage, with its clause and label (the clause text before it)."""

    figure: str
    start: int  # of the figure in the passage text
    end: int
    clause_start: int
    clause_end: int
    label: str
    item: str = ""  # its own item in a 「…分别…」 list: 「能耗下降」 for 15% in 「用水量、能耗…分别下降23%、15%…」

    def quoted(self, text: str) -> str:
        """The figure as quoted in a short answer, with its range and qualifier: 「6%-6.5%」「5%左右」."""
        tail = _QUALIFIED.match(text[self.end : self.end + 16])
        return text[self.start : self.end + (tail.end() if tail else 0)]


def figure_clauses(text: str) -> list[FigureClause]:
    """Every non-year figure of ``text`` with its label (its clause up to the figure) and, in a
    「A、B和C分别下降23%、15%、18%」 clause, its own item (「B下降」 for 15%)."""
    clauses, start = [], 0
    for piece in _CLAUSE_END.split(text):
        clauses.append((start, start + len(piece)))
        start += len(piece)
    out = []
    for c_start, c_end in clauses:
        matches = [m for m in FIGURE.finditer(text, c_start, c_end)
                   if not is_year(m.group()) and not _is_heading_number(text, m)]
        matches += list(CN_FIGURE.finditer(text, c_start, c_end))
        matches.sort(key=lambda m: m.start())
        respective = _respective_labels(text, c_start, matches)
        for match in matches:
            out.append(FigureClause(match.group(), match.start(), match.end(), c_start, c_end,
                                    text[c_start : match.start()], respective.get(match.start(), "")))
    return out


def _respective_labels(text: str, c_start: int, matches: list[re.Match[str]]) -> dict[int, str]:
    """「用水量、能耗、二氧化碳排放量分别下降23%、15%、18%」: each figure's item, by position."""
    at = text.find(_RESPECTIVELY, c_start, matches[-1].start() if matches else c_start)
    if at < 0:
        return {}
    figures = [m for m in matches if m.start() > at]
    items = [i for i in _ITEM_SEPARATOR.split(text[c_start:at]) if i.strip()]
    if len(figures) < 2 or len(items) != len(figures):
        return {}
    verb = text[at + len(_RESPECTIVELY) : figures[0].start()]
    return {m.start(): item + verb for item, m in zip(items, figures, strict=True)}


def _is_heading_number(text: str, match: re.Match[str]) -> bool:
    """「第3节」「5G」「30号线」: a number that is part of a name, not a quantity."""
    after = text[match.end() : match.end() + 1]
    return after in ("号", "期") or text[max(0, match.start() - 1) : match.start()] == "第"


def label_indicator(label: str) -> Indicator | None:
    """The indicator a figure's label names: the mention nearest the figure, 占…比重 denominators skipped.

    A derived measure between the mention and the figure makes the figure that measure's, not the
    indicator's: 「服务业对经济增长贡献率接近60%」 is a contribution rate, not growth.
    """
    text = normalize_text(label)
    mentions = [m for m in INDICATORS.mentions(text, compounds=True) if not _RATIO_OF.search(text[: m[0]])]
    if not mentions or DERIVED.search(text[mentions[-1][1] :]) or COMPARED.search(text[: mentions[-1][0]]):
        return None
    return mentions[-1][2]


@dataclass(frozen=True)
class PassageTime:
    """When a passage speaks of: years named in the sentence, else its heading's, else its document's."""

    years: frozenset[int]
    review: bool  # a review of a past year (去年, 工作回顾), not a target


def sentence_years(sentence: str) -> frozenset[int]:
    """The years a sentence names itself, in any script (「到2030年」, 「二〇三五年」), not the baselines it
    compares with (「比2020年」)."""
    return frozenset(int(y) for y in _YEAR_IN.findall(years_to_digits(unicodedata.normalize("NFKC", sentence))))


def passage_time(sentence: str, chunk: Chunk, doc_years: tuple[int, int] | None) -> PassageTime:
    """The time of ``sentence`` of ``chunk``: its explicit years; 今年/去年 against an annual document's
    year; else the years its headings name; else the document's period (an annual document's only
    for a passage its headings place). Years are read in any script: 2025年, ２００１年, 一九八五年."""
    sentence = years_to_digits(unicodedata.normalize("NFKC", sentence))
    heading = years_to_digits(unicodedata.normalize("NFKC", " ".join(chunk.path)))
    # a heading that also sets targets (「“十三五”时期发展成就和“十四五”时期主要目标任务」) is no review; a
    # passage without headings opens with what it reviews (「过去一年，…」)
    review = bool(_REVIEW.search(sentence) or (not chunk.path and _REVIEW.search(chunk.text.split("。", 1)[0]))
                  or (_REVIEW_HEADING.search(heading) and not _TARGET_HEADING.search(heading)))
    named = set(sentence_years(sentence))
    annual = doc_years is not None and doc_years[0] == doc_years[1]
    if annual and doc_years is not None:
        if _THIS_YEAR.search(sentence):
            named.add(doc_years[0])
        if _LAST_YEAR.search(sentence):
            named.add(doc_years[0] - 1)
    if named:
        return PassageTime(frozenset(named), review)
    from_heading = {int(y) for y in _YEAR_IN.findall(heading)}
    if from_heading:
        return PassageTime(frozenset(from_heading), review)
    if period := _heading_period(heading):
        (start, end), reviewed = period
        return PassageTime(frozenset(range(start, end + 1)), reviewed or bool(_REVIEW.search(sentence)))
    if doc_years is None or (annual and not chunk.path and not review):
        # an annual report reviews one year and plans the next in sections only its headings tell
        # apart: a passage outside them (a document whose headings were not found, a passage given
        # alone) speaks of no year its sentence does not name
        return PassageTime(frozenset(), review)
    if review:  # a report reviews the year before it, a plan the period before its own
        span = doc_years[1] - doc_years[0] + 1
        return PassageTime(frozenset(range(doc_years[0] - span, doc_years[0])), True)
    return PassageTime(frozenset(range(doc_years[0], doc_years[1] + 1)), review)


def _heading_period(heading: str) -> tuple[tuple[int, int], bool] | None:
    """The five-year period a heading names, and whether it reviews it: of 「“十三五”时期发展成就和“十四五”时期
    主要目标任务」, the period whose targets it sets (a report's years are not its sections' time)."""
    mentions = five_year_mentions(heading)
    if not mentions:
        return None
    parts = [(span, heading[at : nxt]) for (at, span), nxt in
             zip(mentions, [at for at, _ in mentions[1:]] + [len(heading)], strict=True)]
    for span, part in parts:
        if _TARGET_HEADING.search(part):
            return span, False
    span, part = parts[-1]
    return span, bool(_REVIEW_HEADING.search(part))


TimeFit = Literal["", "other_period", "review_for_target", "other_year", "whole_period", "review_of_year"]


def time_fit(query: Query, year: int | None, time: PassageTime, sentence: str = "", heading: str = ""
             ) -> tuple[TimeFit, str]:
    """How a passage's time misses the asked time: ("", "") when it fits or nothing was asked, else a
    code and the reason in words.

    A five-year period asked (「十四五期间」) wants a passage about that period, not one year's review.
    """
    if year is None and query.five_year and time.years and not query.period_end:
        start, end = query.five_year
        # 「今年…」 is not it; 「到2030年，…累计达100万人」 is the period's own target, set for its last year
        one_year = (len(time.years) == 1 and not _PERIOD_WORDS.search(sentence + heading)
                    and not re.search(rf"(?:到|至){end}年|{end}年(?:前|底)", sentence))
        if not any(start <= y <= end for y in time.years) or one_year:
            return "other_period", f"该段落说的不是{start}–{end}年 / the passage is not about the period asked"
        return "", ""
    if year is None and query.target and not query.actual and time.review:
        # 「空气优良天数比例要达到多少」 asks the plan's target, not what its review says was reached
        return "review_for_target", "该段落是回顾，不是目标 / the passage reviews the past; a target was asked"
    if year is None or not time.years:
        return "", ""
    if year not in time.years:
        return "other_year", f"该段落说的是{_years_text(time.years)}，不是{year}年 / the passage is about another year"
    if len(time.years) > 1 and _PERIOD_WORDS.search(sentence) and not _PERIOD_WORDS.search(query.text):
        # 「过去五年…年均增长5.2%」 does not say what one of those years did
        return "whole_period", (f"该段落说的是{_years_text(time.years)}整个时期，不是{year}年 / "
                                "the passage is about a whole period")
    if query.target and not query.actual and time.review and len(time.years) == 1:
        return "review_of_year", f"该段落是对{year}年的回顾，不是目标 / the passage reviews {year}; a target was asked"
    return "", ""


def _years_text(years: frozenset[int]) -> str:
    ordered = sorted(years)
    return f"{ordered[0]}–{ordered[-1]}年" if len(ordered) > 3 else "、".join(f"{y}年" for y in ordered)


def indicator_of(text: str, clause: FigureClause) -> Indicator | None:
    """The indicator a figure of ``text`` is about: named in its label, right after it, elliptically, or
    earlier in its sentence (None when none is)."""
    return (label_indicator(clause.label) or _trailing_indicator(text, clause)
            or _elliptical_indicator(text, clause) or _sentence_indicator(text, clause))


def _trailing_indicator(text: str, clause: FigureClause) -> Indicator | None:
    """A measure noun after the figure names it when nothing before does: 「全市5.2万贫困人口实现稳定脱贫」."""
    rest = _CLAUSE_END.split(text[clause.end :], maxsplit=1)[0]
    mentions = INDICATORS.mentions(normalize_text(rest))
    return mentions[0][2] if mentions and mentions[0][0] <= 2 else None


def _elliptical_indicator(text: str, clause: FigureClause) -> Indicator | None:
    """「全年粮食播种面积1.1亿亩、产量825亿斤」: a short name right before the figure stands for the indicator
    its context word (粮食) named earlier in the sentence."""
    before = normalize_text(text[max(0, clause.start - 4) : clause.start])
    earlier = normalize_text(text[: clause.start])
    for indicator in INDICATORS.indicators:
        for short, context in indicator.elliptical:
            if short in before and context in earlier[: earlier.rfind(short)]:
                return indicator
    return None


def _sentence_indicator(text: str, clause: FigureClause) -> Indicator | None:
    """A clause with no indicator of its own continues the last one named before it in the sentence
    (「地区生产总值年均增长7%左右，其中…」); a table row's name is its label."""
    return label_indicator(text[: clause.start])
