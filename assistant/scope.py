"""Scoping: which documents may answer a question, from the regions, time and kind of document it asks about.

A region the question is about and the library holds: answer only from its documents. A region
it is about that the library does not hold: nothing may answer (「文档库中没有澳门特别行政区的规划或
报告」). Time as people mean it: 今年 is the year the question is asked (the clock, or
``PLANQA_TODAY``), 去年/明年 relative to it. A year: an annual report answers for its own year (its
targets) and for the year before (its review), and where a report covers the year it answers
before a plan does; with no report for 今年/去年, the latest report answers and the answer says so
(「库中最新的是2025年的报告：」), never a plan's end year. A plan answers for the years around its
period; a five-year period (「十五五」「到2030年」「年均」) is asked of the plans of that period first. A
kind of document named (规划, 报告, 建议) narrows to that kind when the region has it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from assistant.query import Query
from corpus import DocumentMeta
from corpus.metadata import period_ending, period_years
from corpus.regions import NATIONAL, same_region

# a question about "the" government work report, the 两会 or the State Council, naming no region,
# is about the national one
_NATIONAL_HINT = re.compile(
    r"政府工作报告|年报告|的报告|两会|国务院|全国人大|中央政府|state council|government work report|npc"
)
_RELATIVE_WORD = re.compile(r"前年|去年|上年|明年")
_TOPICAL = ("list", "definition", "fact")  # what a region can be the topic of, not the owner
PLAN_LOOKBACK = 1  # a plan reviews the year before its period
PLAN_LOOKAHEAD = 10  # and sets long-range goals (2035) a decade past its end


@dataclass(frozen=True)
class DocInfo:
    """A document as scoping sees it: metadata and the years it covers (None when unknown)."""

    meta: DocumentMeta
    years: tuple[int, int] | None

    @property
    def kind(self) -> str:
        """plan, report or proposal (corpus.records.DocumentMeta.kind)."""
        return self.meta.kind

    @property
    def annual(self) -> bool:
        """A one-year document (a work report): it answers for its year and reviews the year before."""
        return self.years is not None and self.years[0] == self.years[1]

    def covers(self, year: int, target: bool, actual: bool) -> bool:
        if self.years is None:
            return True
        start, end = self.years
        if self.annual:
            if target and not actual:
                return year == start
            if actual and not target:
                return year == start - 1
            return year in (start, start - 1)
        # a plan sets targets for its period and beyond, and reviews the year before it
        first = start if target and not actual else start - PLAN_LOOKBACK
        last = end if actual and not target else end + PLAN_LOOKAHEAD
        return first <= year <= last


@dataclass(frozen=True)
class Scope:
    """Where to look: ``doc_ids`` (empty: every document), or ``missing``, why nothing in the library can answer.

    ``label`` names a row of a comparison (四川省, 2019年); ``year`` is the year asked, resolved.
    """

    doc_ids: tuple[str, ...] = ()
    missing: str = ""
    label: str = ""
    year: int | None = None
    note: str = ""  # what the answer must say first (「库中最新的是2025年的报告：」)


class Catalog:
    """The library's documents, by region and years, and the year questions are asked in."""

    def __init__(self, documents: Sequence[DocumentMeta], today: date | None = None) -> None:
        self.docs = [DocInfo(meta, period_years(meta.period)) for meta in documents]
        self.year = (today or date.today()).year

    def only(self, doc_ids: Sequence[str] = (), regions: Sequence[str] = ()) -> Catalog:
        """The documents a caller's filter allows (its ids, its regions), with the same year."""
        kept = [d.meta for d in self.docs if (not doc_ids or d.meta.doc_id in doc_ids)
                and (not regions or any(same_region(r, d.meta.region) for r in regions))]
        view = Catalog(kept)
        view.year = self.year
        return view

    def regions(self) -> list[str]:
        return list(dict.fromkeys(d.meta.region for d in self.docs if d.meta.region))

    def of_region(self, region: str) -> list[DocInfo]:
        return [d for d in self.docs if same_region(region, d.meta.region)]

    def period_end(self, docs: Sequence[DocInfo]) -> int | None:
        """The last year of the plans among ``docs`` (what 五年后/规划末 means for them)."""
        ends = [d.years[1] for d in docs if d.years and not d.annual]
        return max(ends) if ends else None


def resolve(query: Query, catalog: Catalog, explicit: bool = False) -> list[Scope]:
    """The scopes to answer ``query`` in: one, or one per region or year of a comparison.

    ``explicit``: the caller already filtered by document or region; only time narrows further.
    """
    year = catalog.year
    if explicit:
        return [_by_time(query, catalog.docs, "", year)]
    regions = list(query.regions)
    # 「十五五建议里澳门要怎么发展」: a region named inside the national document asked of, with no document of
    # its own, is what the question asks that document about (not a library that lacks the region) — but
    # not a figure (「2024年政府工作报告中上海市的GDP增长目标」 asks 上海's own, which the library lacks)
    if query.doc_kind and query.answer_type in _TOPICAL and query.indicator is None and any(
            d.kind == query.doc_kind for d in catalog.of_region(NATIONAL)):
        regions = [r for r in regions if r not in query.in_document or catalog.of_region(r)]
    if not regions and _NATIONAL_HINT.search(query.text) and catalog.of_region(NATIONAL):
        regions = [NATIONAL]
    # 「十五五规划」 naming no region is the national plan, as 「政府工作报告」 is the national report
    if not regions and query.doc_kind in ("plan", "proposal") and any(
            d.kind == query.doc_kind for d in catalog.of_region(NATIONAL)):
        regions = [NATIONAL]
    if not regions:
        if query.comparison:
            return _time_rows(query, catalog.docs, "", year)
        return [_by_time(query, catalog.docs, "", year)]
    rows = [(region, catalog.of_region(region)) for region in regions]
    if query.comparison and len(regions) >= 2:
        return [_by_time(query, docs, region, year, placed=True) if docs else _missing(region)
                for region, docs in rows]
    held = [(region, docs) for region, docs in rows if docs]
    if not held:
        return [_missing(regions[0] if len(regions) == 1 else "、".join(regions))]
    docs = [d for _, docs in held for d in docs]
    if query.comparison:
        return _time_rows(query, docs, "、".join(r for r, _ in held), year)
    return [_by_time(query, docs, "、".join(r for r, _ in held), year, placed=True)]


def _missing(region: str) -> Scope:
    return Scope(missing=f"文档库中没有{region}的规划或报告", label=region)


def _asked_year(query: Query, docs: Sequence[DocInfo], this_year: int) -> int | None:
    """The one year asked: named (2019年), relative to the year of asking (今年, 去年) or to the report
    named (「2019年报告里说去年…」), or the end of the asked period or of the plans' period (五年后)."""
    if query.report_year is not None:
        others = [y for y in query.years if y != query.report_year]
        if others:
            return others[0]
        if query.five_year and not query.period_end:
            return None  # 「2021年报告里的“十四五”目标」: the period, not the report's own year
        after = query.text.split(str(query.report_year % 100) + "年", 1)[-1]
        if query.relative is None and not query.target and query.answer_type not in ("number", "date"):
            return None  # the report answers whatever year it speaks of (a 1964 report sets 1965's tasks)
        relative = query.relative if _RELATIVE_WORD.search(after) else 0
        return query.report_year + relative
    if query.years:
        return query.years[-1] if query.period_end or "到" in query.text else query.years[0]
    if query.relative is not None:
        return this_year + query.relative
    if query.five_year and query.period_end:
        return query.five_year[1]
    if query.period_end and (plans := [d.years[1] for d in docs if d.years and not d.annual]):
        return max(plans)
    return None


def _by_time(query: Query, docs: Sequence[DocInfo], label: str, this_year: int, year: int | None = None,
             placed: bool = False) -> Scope:
    """The documents of ``docs`` that answer ``query`` for its year. ``placed``: the question names its
    region (or country)."""
    year = year if year is not None else _asked_year(query, docs, this_year)
    where = label or "、".join(dict.fromkeys(d.meta.region for d in docs if d.meta.region))
    if query.report_year is not None:  # the report named answers, whatever year it speaks of
        named = [d for d in docs if d.annual and d.years and d.years[0] == query.report_year]
        if not named:
            return Scope(missing=f"文档库中没有{where}{query.report_year}年的报告", label=label, year=year)
        return Scope(_ids(named), label=label, year=year)
    if year is None:
        kept = _of_period(query, docs) if query.five_year else list(docs)
        return Scope(_ids(_of_kind(query, kept)), label=label)
    # 「到2030年…目标」 asks the target of the period that year ends: its plan's, else the report of the
    # period's first year that presents the plan. Beside a report of that year itself, only a question
    # that names its place and says 到 looks for the period's target too (the plan, or the report that
    # presents it): one naming no place would reach any region's plan
    own_report = any(d.annual and d.years and d.years[0] == year for d in docs)
    ending = period_ending(year) if query.target and not query.actual else None
    if ending and own_report and not (placed and "到" in query.text):
        ending = None
    period = query.five_year or ending
    kept = [d for d in docs if d.covers(year, query.target, query.actual)
            or _sets_period(d, period, year, first_only=own_report and not query.five_year)]
    reports = [d for d in kept if d.annual]
    plans = [d for d in kept if not d.annual]
    # a five-year period's figures are its plans' before they are a report's (a 建议 states few figures:
    # the report that presents the plan comes before it)
    if period and plans and query.doc_kind != "report" and (
            not reports or query.doc_kind == "proposal" or any(d.kind != "proposal" for d in plans)):
        kept = plans
    elif reports and query.doc_kind in ("", "report") and not query.five_year:
        # a year's figures and targets are its reports' before they are a plan's; a year the reports only
        # review is also the base year of the plan that follows it (its table's 2025 column)
        reviewed = all(d.years and d.years[0] > year for d in reports)
        kept = reports + [d for d in plans if reviewed and d.years and d.years[0] == year + PLAN_LOOKBACK]
    elif query.relative is not None and query.relative <= 0 and not reports and query.doc_kind != "plan":
        own = max((d.years[0] for d in docs if d.annual and d.years and d.years[0] <= year), default=None)
        if own is not None:
            latest = tuple(d.meta.doc_id for d in docs if d.annual and d.years and d.years[0] == own)
            note = f"The latest report in the library is {own}'s: " if query.english else f"库中最新的是{own}年的报告："
            return Scope(latest, label=label, year=own - (1 if query.relative < 0 else 0), note=note)
    if query.relative is not None and not reports:
        kept = [d for d in kept if d.years and d.years[0] <= year <= d.years[1]]  # never a plan's years beyond
    kept = _of_kind(query, kept)
    if not kept:
        what = "报告" if query.relative is not None else "规划或报告"
        return Scope(missing=f"文档库中没有{where}{year}年的{what}", label=label or f"{year}年", year=year)
    return Scope(_ids(kept), label=label, year=year)


def _ids(docs: Sequence[DocInfo]) -> tuple[str, ...]:
    return tuple(d.meta.doc_id for d in docs)


def _of_kind(query: Query, docs: Sequence[DocInfo]) -> list[DocInfo]:
    """The documents of the kind the question names (规划, 报告, 建议), when there are any."""
    named = [d for d in docs if query.doc_kind and d.kind == query.doc_kind]
    return named or list(docs)


def _of_period(query: Query, docs: Sequence[DocInfo]) -> list[DocInfo]:
    """For a five-year period asked (「十五五期间」): the plans and proposals of that period, else the
    reports of its years (the first presents the plan, the one after it reviews it), else every
    document; the reports first when the question names a report."""
    start, end = query.five_year or (0, 0)
    reports = [d for d in docs if d.annual and d.years and start <= d.years[0] <= end + 1]
    if query.doc_kind == "report" and reports:
        return reports  # 「政府工作报告里十五五…」: the reports of the period's years
    plans = [d for d in docs if not d.annual and d.years and d.years[0] <= end and start <= d.years[1]]
    if query.doc_kind and not any(d.kind == query.doc_kind for d in plans):
        # 「合肥市委建议说十四五…」: the next period's 建议 or plan reviews this one
        plans += [d for d in docs if d.kind == query.doc_kind and d.years and d.years[0] == end + 1]
    if plans and query.answer_type == "number" and all(d.kind == "proposal" for d in plans):
        # a 建议 states few figures: the report of the period's first year presents the plan's
        return plans + [d for d in reports if d.years and d.years[0] == start]
    if plans:
        return plans
    return reports or list(docs)


def _sets_period(doc: DocInfo, period: tuple[int, int] | None, year: int, first_only: bool = False) -> bool:
    """Whether ``doc`` may state a five-year period's targets for ``year`` within it (「“十三五”…到2020年」):
    a report of one of the period's years (``first_only``: of its first, which presents the plan), a plan
    of the period."""
    if period is None or doc.years is None or not period[0] <= year <= period[1]:
        return False
    if first_only and doc.annual:
        return doc.years[0] == period[0]
    return period[0] <= doc.years[0] <= period[1]


def _time_rows(query: Query, docs: Sequence[DocInfo], label: str, this_year: int) -> list[Scope]:
    """One row per asked year (2019年和2023年), or for a series (2019年到2025年…) per year the documents cover
    in that range."""
    if len(query.years) < 2:
        return [_by_time(query, docs, label, this_year)]
    first, last = min(query.years), max(query.years)
    covered = sorted({d.years[0] for d in docs if d.annual and d.years and first <= d.years[0] <= last})
    years = covered if query.series and len(covered) > len(query.years) else sorted(query.years)
    if query.report_year in query.years:  # 「2019年和2024年政府工作报告…分别」: each year names its own report
        return [_by_time(replace(query, report_year=y), docs, f"{label}{y}年", this_year, y) for y in years]
    return [_by_time(query, docs, f"{label}{y}年", this_year, y) for y in years]
