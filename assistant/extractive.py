"""The default answerer: quote the span of a document that answers, after checking it does.

No language model: the answer is verbatim document text (a sentence or whole clauses of it, a table
row, a box entry or a footnote), led by a short answer taken from it (the figure with its unit, the
list items, the term). Before anything is quoted it is verified (assistant.verify): a sentence that
gives a figure for another indicator, year or region is not an answer, and the answerer abstains.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from assistant.evidence import Coverage, Unit, asked_unit, figures, sentence_spans, type_fit
from assistant.query import Query
from assistant.ranking import Candidate
from assistant.scoring import Weights
from assistant.verify import (
    FigureClause,
    figure_clauses,
    figure_for,
    label_indicator,
    passage_time,
    time_mismatch,
)
from corpus import Chunk
from corpus.text import QUALIFIER, UNITS, normalize_text

NOT_FOUND = "规划中未找到相关内容"
MAX_QUOTE_CHARS = 160
MAX_LIST_ITEMS = 8
# a quote may end after a clause (，；：) or a sentence, never inside an enumeration (、)
_CLAUSE = re.compile(r"(?<=[，；：,;:])")
# what leads an enumeration (「优先发展」「重点建设」「包括」) and what closes it (「等高端产业」「等」)
_LEADING_VERB = re.compile(
    r"^.*?(?:(?:优先|重点|大力|加快|积极|着力|主要|全面)?(?:发展|建设|打造|培育|推进|布局|包括|包含|形成|实施|壮大|聚焦|引进|以)"
    r"(?:了|以)?)(?=[^、]{2,})"
)
_TRAILING_ETC = re.compile(r"等[^、]{0,12}$")
_DATE_IN = re.compile(r"(?:19|20)\d{2}\s*年|[０-９\d]{1,2}\s*月|[一二三四五六七八九十]{1,3}月|年底|年内|年前|年末")
# a sentence that announces a list: 「重点抓好以下十个方面工作：」「主要做了以下7方面工作」
_INTRODUCES = re.compile(r"以下|如下|[:：]\s*$|(?:几|[一二三四五六七八九十两\d]+)个?(?:方面|项|条|件)")


@dataclass(frozen=True)
class Draft:
    """What the extractive answerer decided, before citations are numbered."""

    found: bool
    parts: list[tuple[str, int]]  # (quoted text, index into the candidates list)
    highlights: dict[int, tuple[int, int]]  # candidate index → span of its text
    key_spans: tuple[str, ...]
    short: str = ""  # the answer in a few words
    reason: str = ""  # why it abstained
    checked: dict[int, str] = field(default_factory=dict)  # candidate index → why it was passed over
    footnote: bool = False  # the answer is a footnote explaining a term of the question


@dataclass(frozen=True)
class Context:
    """What the answerer needs besides the candidates: the asked year (resolved by scoping) and each
    document's years (for 今年/去年 in a passage)."""

    year: int | None = None
    doc_years: Mapping[str, tuple[int, int] | None] = field(default_factory=dict)
    subheadings: Callable[[Chunk], list[str]] = lambda _: []  # the headings below a passage's section
    numbered: Callable[[Chunk], list[str]] = lambda _: []  # the numbered paragraphs a passage belongs to


def check(query: Query, candidate: Candidate, coverage: Coverage, weights: Weights, context: Context) -> str:
    """Why ``candidate`` does not answer ``query`` ("" when it does)."""
    if candidate.coverage < weights.min_coverage:
        return f"覆盖不足 / coverage {candidate.coverage:.2f} < {weights.min_coverage}"
    chunk, sentence = candidate.chunk, candidate.best.text
    time = passage_time(sentence, chunk, context.doc_years.get(chunk.doc_id))
    if reason := time_mismatch(query, context.year, time, sentence, " ".join(chunk.path)):
        return reason
    if query.answer_type == "date" and not _DATE_IN.search(sentence):
        return "没有日期 / no date where a date was asked"
    if query.answer_type != "number":
        return ""
    clause, reason = answer_figure(query, candidate, coverage)
    if clause is None and not _qualitative_row(query, candidate):
        return reason
    if clause is None:
        return ""
    unit = asked_unit(query.text)
    quoted = re.sub(f"(?:{QUALIFIER})$", "", normalize_text(clause.quoted(chunk.text)))  # 一百四十一個: 个
    # a table row's unit sits in its name: 「城镇调查失业率（%）」
    if unit and not quoted.endswith(unit) and not (chunk.kind == "table_row" and unit in chunk.text):
        return f"没有以{unit}计的数字 / no figure in {unit}"
    if query.indicator is None and chunk.kind != "table_row":  # a row's name is its figures' topic
        context_text = chunk.text[clause.clause_start : clause.clause_end]
        if coverage(context_text) < weights.min_clause_coverage:
            return "数字所在分句与问题无关 / the figure's clause is about something else"
    return ""


def _qualitative_row(query: Query, candidate: Candidate) -> bool:
    """A table row of the asked indicator whose target is words, not a figure (「控制在省下达指标内」)."""
    chunk = candidate.chunk
    if chunk.kind != "table_row" or not chunk.fields or query.indicator is None:
        return False
    named = label_indicator(chunk.fields[0][1]) or label_indicator(chunk.text.split("——")[0])
    return named is not None and query.indicator.answered_by(named)


def _row_figure(query: Query, text: str, relevance: Coverage) -> tuple[FigureClause | None, str]:
    """A table row's figure in the asked year's column, else in its last column (the target)."""
    first, reason = figure_for(query, text, relevance)
    if first is None:
        return None, reason
    columns = [c for c in figure_clauses(text) if c.start >= first.start]
    asked = [c for c in columns if any(str(y) in c.label or str(y) in text[max(0, c.clause_start - 12) : c.start]
                                       for y in query.years)]
    targets = [c for c in columns if "预计" not in text[max(0, c.start - 12) : c.start]]
    return (asked or targets[-1:] or [first])[0], ""


def answer_figure(query: Query, candidate: Candidate, relevance: Coverage) -> tuple[FigureClause | None, str]:
    """The figure of the candidate's best sentence (or of its whole table row) that answers."""
    chunk = candidate.chunk
    if chunk.kind == "table_row":
        return _row_figure(query, chunk.text, relevance)
    clause, reason = figure_for(query, candidate.best.text, relevance)
    offset = candidate.best.start
    if clause is None and query.indicator is not None:
        # 「主要预期目标是：」 leads a list whose items are sentences of their own (split at ；)
        for start, end in sentence_spans(chunk.text):
            if start != offset and (found := figure_for(query, chunk.text[start:end])[0]) is not None:
                clause, offset = found, start
                break
    if clause is None:
        return None, reason
    return FigureClause(clause.figure, clause.start + offset, clause.end + offset, clause.clause_start + offset,
                        clause.clause_end + offset, clause.label), ""


def _footnote(query: Query, candidates: list[Candidate]) -> Draft | None:
    """A footnote that explains a term of the question (「三区三线是什么」「四办是哪四种」)."""
    for index, candidate in enumerate(candidates[:5]):
        for note in candidate.chunk.footnotes:
            term, _, body = note.partition("：")
            if body and len(term) >= 2 and term.lower() in query.text:
                start = candidate.chunk.text.find(term)
                span = (start, start + len(term)) if start >= 0 else (candidate.best.start, candidate.best.end)
                return Draft(True, [(note, index)], {index: span}, (term,), short=body if len(body) <= 40 else "",
                             footnote=True)
    return None


def quote_span(candidate: Candidate, coverage: Coverage, query: Query, must: tuple[int, int] | None = None,
               limit: int = MAX_QUOTE_CHARS) -> tuple[int, int]:
    """The span of the passage to quote: a whole entry or sentence when short, else its best run of
    whole clauses (containing ``must``, the answering figure, when given), at most ``limit`` characters
    where whole clauses allow. The sentence is the candidate's best one, or the one holding ``must``."""
    chunk = candidate.chunk
    if chunk.kind in ("table_row", "box_entry") and len(chunk.text) <= limit:
        return 0, len(chunk.text)
    start0, end0 = candidate.best.start, candidate.best.end
    if must is not None and not (start0 <= must[0] < end0):
        start0, end0 = next((s, e) for s, e in sentence_spans(chunk.text) if s <= must[0] < e)
    if end0 - start0 <= limit:
        return start0, end0
    best = Unit(chunk.chunk_id, start0, end0, chunk.text[start0:end0], 0.0, 0.0)
    text = best.text
    bounds = [0] + [m.start() for m in _CLAUSE.finditer(text) if 0 < m.start() < len(text)] + [len(text)]
    chosen: tuple[float, int, int] | None = None
    for i in range(len(bounds) - 1):
        for j in range(i + 1, len(bounds)):
            if bounds[j] - bounds[i] > limit and j > i + 1:
                break
            start, end = best.start + bounds[i], best.start + bounds[j]
            if must is not None and not (start <= must[0] and must[1] <= end):
                continue
            piece = text[bounds[i] : bounds[j]]
            value = coverage(piece) + 0.2 * type_fit(piece, query.answer_type)
            if chosen is None or value > chosen[0] + 1e-9:
                chosen = (value, start, end)
    return (chosen[1], chosen[2]) if chosen else (best.start, best.end)


def short_answer(query: Query, candidate: Candidate, quote: str, figure: FigureClause | None,
                 relevance: Coverage) -> str:
    """The answer in a few words: the figure with its unit, a table row as a sentence, the list items."""
    chunk = candidate.chunk
    if chunk.kind == "table_row" and chunk.fields:
        return table_row_sentence(chunk.fields, query, figure.quoted(chunk.text) if figure else "")
    if figure is not None:
        return figure.quoted(chunk.text)
    if query.answer_type == "list":
        items = list_items(quote, relevance)
        if len(items) >= 3:  # two quoted terms are more often a phrase than the list asked for
            return "、".join(items[:MAX_LIST_ITEMS])
    if query.answer_type == "date":
        found = re.search(r"(?:19|20)\d{2}\s*年(?:\d{1,2}月)?(?:底|前|末|内)?", quote)
        if found:
            return found.group()
    return ""


def list_items(quote: str, relevance: Callable[[str], float] = lambda _: 0.0) -> list[str]:
    """The items of the longest enumeration in ``quote``: 「优先发展光电子信息、智能制造、生物医药等高端产业」 →
    光电子信息, 智能制造, 生物医药.

    >>> list_items("培育新兴产业，优先发展光电子信息、智能制造、生物医药等高端产业，建设产业基地。")
    ['光电子信息', '智能制造', '生物医药']

    Of several enumerations, the one most ``relevance``-ant to the question wins.
    """
    clause = enumeration(quote, relevance)
    if clause.count("、") < 1:
        return []
    items = clause.split("、")
    items[0] = _LEADING_VERB.sub("", items[0])
    items[-1] = _TRAILING_ETC.sub("", items[-1])
    return [item.strip("“”「」 ") for item in items if 1 < len(item.strip("“”「」 ")) <= 30]


def heading_items(sentence: str, headings: list[str]) -> list[str]:
    """The items a sentence introduces when they are the headings below it: 「重点做好以下八个方面工作：」
    followed by 「（一）…」「（二）…」."""
    if len(headings) < 2 or not _INTRODUCES.search(sentence):
        return []
    return [h.strip("。 ") for h in headings]


def fit_items(items: list[str], budget: int = 160) -> list[str]:
    """Items short enough for a short answer: the words every item shares dropped (「在…上下功夫、求实效」),
    and, when they still do not fit, each item's first clause, which names it (「大力推进现代化产业体系建设，
    加快发展新质生产力」 → 大力推进现代化产业体系建设; 「奋力拼经济，稳住经济基本盘」 → 奋力拼经济).

    >>> fit_items(["在扩大内需上下功夫、求实效", "在发展新质生产力上下功夫、求实效"])
    ['在扩大内需', '在发展新质生产力']
    """
    items = _without_shared_affixes(items)
    if sum(len(i) + 1 for i in items) <= budget:
        return items
    return [re.split(r"[，,；;]", item)[0] for item in items]


def _shared_start(texts: list[str]) -> str:
    shortest = min(texts, key=len)
    n = next((k for k, ch in enumerate(shortest) if any(t[k] != ch for t in texts)), len(shortest))
    return shortest[:n]


def _without_shared_affixes(items: list[str]) -> list[str]:
    if len(items) < 2:
        return items
    prefix = _shared_start(items)
    suffix = _shared_start([i[::-1] for i in items])[::-1]
    if len(prefix) < 2 or any(len(i) - len(prefix) < 2 for i in items):
        prefix = ""
    if len(suffix) < 2 or any(len(i) - len(prefix) - len(suffix) < 2 for i in items):
        suffix = ""
    return [i[len(prefix) : len(i) - len(suffix)] for i in items]


def enumeration(text: str, relevance: Callable[[str], float] = lambda _: 0.0) -> str:
    """The clause of ``text`` that enumerates (「、」-separated items) and best fits the question."""
    clauses = [c for c in re.split(r"[，。；！？：,;:]", text) if c.count("、")]
    return max(clauses, key=lambda c: (round(relevance(c), 2), c.count("、"), -len(c)), default="")


def table_row_sentence(fields: tuple[tuple[str, str], ...], query: Query, figure: str = "") -> str:
    """A table row as a sentence: 「2025年：70%（2020年预计：66.8%），预期性」 — the column holding the
    answering ``figure`` (else the asked year's, else the last year's) first, the other value columns in
    brackets, then the row's remaining short values. Empty cells (「-」) are left out; the unit the row's
    name gives (「常住人口城镇化率（%）」) follows each figure."""
    filled = [(h, v) for h, v in fields if v and v.strip("-－— ") and "名称" not in h]
    value_cols = [(h, v) for h, v in filled if re.search(r"(?:19|20)\d{2}|增速|目标值", h)]
    others = [v for h, v in filled if (h, v) not in value_cols and len(v) <= 8]
    if not value_cols:
        return "；".join(f"{h}：{v}" for h, v in filled)
    holding = [(h, v) for h, v in value_cols if figure and figure in v]
    asked = [(h, v) for h, v in value_cols if any(str(y) in h for y in query.years)]
    main = (holding or asked or value_cols[-1:])[0]
    year_cols = value_cols
    unit = _row_unit(fields)
    rest = [f"{h}：{_with_unit(v, unit)}" for h, v in year_cols if (h, v) != main]
    text = f"{main[0]}：{_with_unit(main[1], unit)}" + (f"（{'；'.join(rest)}）" if rest else "")
    return text + (f"，{others[-1]}" if others else "")


def _row_unit(fields: tuple[tuple[str, str], ...]) -> str:
    """The unit in brackets at the end of a row's name: 「常住人口城镇化率（%）」 → %."""
    for header, value in fields:
        if "名称" in header and (match := re.search(r"[（(]([^（）()]{1,6})[）)]\s*$", value)):
            return match.group(1) if re.fullmatch(UNITS, match.group(1)) else ""
    return ""


def _with_unit(value: str, unit: str) -> str:
    """「70」 → 70%, 「7左右」 → 7%左右; a value with a unit or no figure (「达标」) is left as it is."""
    if not unit:
        return value
    return re.sub(rf"^([<>≥≤]?\d+(?:\.\d+)?)(?=$|{QUALIFIER})", rf"\g<1>{unit}", value.strip())


def draft_answer(query: Query, candidates: list[Candidate], coverage: Coverage, weights: Weights,
                 context: Context, limit: int = MAX_QUOTE_CHARS) -> Draft:
    """Choose what to quote from the ranked candidates, or abstain."""
    if not candidates:
        return Draft(False, [], {}, (), reason="没有检索到段落 / nothing retrieved")
    if not coverage.has_content:
        return Draft(False, [], {}, (), reason="问题中没有可查的词 / the question has no words to look up")
    if query.answer_type in ("definition", "list", "fact") and (draft := _footnote(query, candidates)):
        return draft
    checked: dict[int, str] = {}
    chosen = None
    for index, candidate in enumerate(candidates[: weights.choose_among]):
        reason = check(query, candidate, coverage, weights, context)
        if not reason:
            chosen = index
            break
        checked[index] = reason
    if chosen is None:
        return Draft(False, [], {}, (), reason=checked.get(0, ""), checked=checked)
    best = candidates[chosen]
    figure = answer_figure(query, best, coverage)[0] if query.answer_type == "number" else None
    must = (figure.start, figure.end) if figure is not None else None
    if query.answer_type == "list" and (items := enumeration(best.best.text, coverage)):
        at = best.chunk.text.find(items, best.best.start)
        must = (at, at + len(items)) if at >= 0 else None
    start, end = quote_span(best, coverage, query, must, limit)
    quote = best.chunk.text[start:end]
    parts = [(quote, chosen)]
    highlights = {chosen: (start, end)}
    if query.answer_type == "list":
        # a list often continues in the neighbouring entries or paragraphs of the same section
        for index, other in enumerate(candidates[:4]):
            if (index != chosen and other.chunk.path == best.chunk.path and other.chunk.doc_id == best.chunk.doc_id
                    and other.coverage >= weights.list_neighbour * best.coverage):
                o_start, o_end = quote_span(other, coverage, query, limit=limit)
                parts.append((other.chunk.text[o_start:o_end], index))
                highlights[index] = (o_start, o_end)
    short = short_answer(query, best, quote, figure, coverage)
    if query.answer_type == "list":
        # a sentence announcing the headings below it; else the quote's own enumeration when it is a
        # real list; else the numbered paragraphs (「一是…」「二是…」) the passage is one of
        items = heading_items(quote, context.subheadings(best.chunk))
        if not items and len(list_items(quote, coverage)) < 3:
            items = context.numbered(best.chunk)
        if len(items) >= 2:
            short = "、".join(fit_items(items))
    keys = (short,) if figure is not None else tuple(dict.fromkeys(f for text, _ in parts for f in figures(text)))
    return Draft(True, parts, highlights, keys, short=short, checked=checked)
