"""The features of a candidate answer: everything the support model knows about whether it answers.

Each feature is a named, interpretable number (mostly in [0, 1]): how well the candidate's sentence,
label, passage and headings cover the question; whether the question's most specific word is
there, verbatim or abbreviated; the kind of quantity asked against the one stated; the indicator of
the figure against the one asked; the time of the passage against the time asked; the document's
kind against the one asked; the retrieval ranks; what kind of candidate it is. Facts (a year, a unit,
an indicator's name) enter here as features; the weights are learned (assistant.support), never set
by hand.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.candidates import AnswerCandidate
from assistant.evidence import Coverage, type_fit
from assistant.kinds import compatible, figure_kind, other_measure
from assistant.passages import rank_signal
from assistant.query import Query
from assistant.quotes import row_name, split_enumeration, value_columns
from assistant.verify import (
    COMPARED,
    DERIVED,
    GROWTH,
    RATE,
    FigureClause,
    indicator_of,
    passage_time,
    sentence_years,
    time_fit,
)
from corpus.numerals import years_to_digits
from corpus.text import FIGURE, is_year, normalize_text

_LEAD_IN = re.compile(r"^(?:（[一二三四五六七八九十]+）\s*)?([^，。：；]{2,16})[。：]")
_FROM = re.compile(r"(?:由|从|比)[^，；。]{0,6}$")
_CHANGE = re.compile(r"^[^，；。]{0,4}(?:提高|提升|增加|增长|下降|降低|减少|扩大|上升|降|增)")
_TO = re.compile(r"(?:到|至|达到|提高到|提升至|降到|降至)$")
_PERIOD_ASKED = re.compile(r"年均|期间|累计|五年|时期|每年平均")
_ESTIMATE = re.compile(r"预计|基期|现状|基数")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NEXT_CLAUSE = re.compile(r"[^，；。！？]*")
_COLON_END = re.compile(r"[：:]\s*$")
_BESIDE = 8  # characters between a term and the list that spells it out (「“三大枢纽”：」「等“三大枢纽”」)
_SPELLED_AFTER = re.compile(r"[”」\"’]?\s*[，,]?\s*(?:即|：|:|是指|指|包括|分别|就是|（|\()")
_QUOTED = re.compile(r"[“「\"]([^”」\"]{2,10})[”」\"]")
_CATEGORY = re.compile(r"(?:哪些|哪几[个类项种]|什么|啥)([\u4e00-\u9fff]{2})")
# a figure stated as a change (「增加211.9公里」) rather than a level, and a question asking a change
_CHANGE_STATED = re.compile(r"^(?:新增|增加)|(?:增加|新增|增长|提高|提升|减少|下降|降低|扩大|缩小|上升)了?$")
_CHANGE_ASKED = re.compile(
    r"增|涨|提高|提升|降|减|扩大|缩小|上升|多了|少了|变化|幅度|\bgrow|\brise|\bincrease|\bdecrease|\bfall|\bcut"
)
_PER_UNIT = re.compile(r"每(?:[个家户人所年村镇乡]|万人|千人|百人|平方公里)|人均|户均|平均每")
_PER_UNIT_ASKED = re.compile(r"每|人均|户均|平均|\bper\b|\beach\b|\bevery\b")
_PLACE_PHRASE = re.compile(
    r"[\u4e00-\u9fff]{2,8}?(?:特别合作区|合作区|高新区|开发区|经济区|新区|片区|园区|示范区|自贸区|试验区|保税区|机场|港区|新城)"
)
_PERCENT_ROW = re.compile(r"[（(]\s*[%％‰]\s*[)）]")
_RANGE = re.compile(r"\s*[－\-—~～至到]\s*")
_AFTER_FIGURE = re.compile(r"^[^、，,；]{0,4}?[、，,；和及与]")
# a figure stated as a target (its qualifier, or what the clause before it says) or as a result
_TARGET_FIGURE = re.compile(r"左右|以上|以内|以下|不低于|不超过")
_TARGET_LABEL = re.compile(r"目标|预期|力争|确保|计划|将|要|到(?:19|20)\d{2}年|(?:19|20)\d{2}年(?:底|末)?(?:前|达到)")
_PERIOD_STATED = re.compile(r"年均|期间|累计|五年|每年|平均")
_PERIOD_ROW = re.compile(r"年均|期间|累计|五年")  # a row's name (平均受教育年限 is an average over people)
_ACTUAL_LABEL = re.compile(r"完成|全年|上年|去年|过去|同比|年末|已|实际|初步核算|比\d{4}年|累计")
TIME_CODES = ("other_period", "review_for_target", "other_year", "whole_period", "review_of_year")
RELATIVE = ("cov_quote", "cov_sentence", "cov_label", "cov_clause", "cov_passage", "overlap_quote", "bm25", "dense")
MISMATCHES = ("kind_conflict", *(f"time_{code}" for code in TIME_CODES), "year_named_other", "ind_other",
              "target_conflict", "actual_conflict", "rate_for_amount", "col_other_year", "per_unit_unasked",
              "other_place", "name_in_item")
MISMATCH_SCALED = ("cov_quote", "cov_clause_rel", "best_quote", "rank_fused")
FAMILIES = {"figure": ("number", "date"), "list": ("list",), "text": ("definition", "fact")}
INTERACTING = ("cov_quote_rel", "cov_label_rel", "cov_clause", "rank_fused", "specific_missing", "type_fit")
CANDIDATE_KINDS = ("figure", "row", "date", "sentence", "list", "outline", "footnote")
QUESTION_TYPES = ("number", "date", "list", "definition", "fact")

FEATURES: tuple[str, ...] = (
    # retrieval
    "rank_fused", "rank_bm25", "rank_dense", "bm25", "dense",
    # coverage of the question
    "cov_sentence", "cov_quote", "cov_label", "cov_clause", "cov_passage", "cov_heading", "cov_topic",
    "cov_best_in_passage",
    # the same, against the question's other candidates (1 for the best of them)
    *(f"{name}_rel" for name in RELATIVE), "best_quote", "best_label",
    "specific_missing", "abbreviated", "overlap_sentence", "overlap_quote", "english", "english_cov",
    # the kind of quantity
    "kind_asked", "kind_match", "kind_conflict", "kind_bare", "unit_asked_match", "rate_for_amount", "amount_for_rate",
    "in_words",
    # the indicator (when the question names a known one)
    "ind_asked", "ind_match", "ind_other", "ind_unnamed", "ind_units_ok", "derived_measure", "compared_gap",
    "growth_fit", "growth_missing", "figure_from", "figure_to",
    # time
    "time_asked", *(f"time_{code}" for code in TIME_CODES), "time_named", "year_named_other",
    # the document
    "doc_kind_asked", "doc_kind_match", "doc_kind_conflict",
    # table rows
    "col_year", "col_other_year", "period_asked",
    # structure
    *(f"cand_{kind}" for kind in CANDIDATE_KINDS),
    *(f"q_{kind}" for kind in QUESTION_TYPES),
    "q_number_sentence", "q_list_list", "q_list_outline", "q_list_sentence", "q_date_date", "q_date_sentence",
    "q_definition_footnote", "q_list_footnote", "q_fact_footnote", "q_definition_sentence", "q_fact_sentence",
    "footnote_term", "box_entry", "type_fit",
    # what matters differs by the kind of answer asked: a figure's label, a list's coverage
    *(f"{name}_x_{family}" for family in FAMILIES for name in INTERACTING),
    *(f"{name}_x_mismatch" for name in MISMATCH_SCALED),
    "n_figures", "figure_position", "list_items", "list_neighbours", "count_asked", "count_match", "names_subject",
    "name_in_item",
    "category_asked", "category_match",
    "sentence_chars", "quote_cut",
    # a figure's own label (after the figure before it), against the question and its sentence's other figures
    "cov_local", "local_precision", "local_best", "local_margin",
    # a target asked, a result stated (and the other way round)
    "target_asked", "actual_asked", "stated_target", "stated_actual", "target_fit", "target_conflict",
    "actual_fit", "actual_conflict", "period_fit", "period_missing", "period_unasked",
    # a change stated where a level is asked; a sentence that only leads in to what follows (「…以下工作：」)
    "change_stated", "change_unasked", "lead_in_only",
    # what the figure is said of names a place the question does not (深汕特别合作区 for 深圳); a figure
    # per unit (「每个行政村…1-2个」「每年10所」) where no rate per unit is asked
    "other_place", "per_unit_unasked",
    # a term the question asks to spell out (「“五张清单”指哪五张」): spelled out by the candidate (a list, a
    # footnote, 「即…」), or only named (「“五张清单”项目库滚动实施」)
    "term_asked", "term_spelled", "term_named_only",
)


@dataclass(frozen=True)
class Context:
    """What judging a candidate needs besides the candidate.

    ``year``: the one year asked, resolved by scoping (None when none); ``doc_years``/``doc_kinds``:
    each document's years and kind (plan, report, proposal); ``names``: the documents' own names the
    question asks about (a place or project: 临空经济区).
    """

    query: Query
    relevance: Coverage
    year: int | None = None
    doc_years: Mapping[str, tuple[int, int] | None] | None = None
    doc_kinds: Mapping[str, str] | None = None
    names: frozenset[str] = frozenset()

    @property
    def kind_asked(self) -> str:
        return self.query.answer_kind


def features(candidate: AnswerCandidate, ctx: Context, passage_best: float = 0.0) -> dict[str, float]:
    """The named features of ``candidate`` (see FEATURES). ``passage_best``: the best sentence coverage
    among the candidates of its passage."""
    query, cover = ctx.query, ctx.relevance
    chunk, passage = candidate.chunk, candidate.passage
    heading = " ".join(chunk.path)
    sentence, quoted, label = candidate.text, candidate.quoted, candidate.label
    f: dict[str, float] = dict.fromkeys(FEATURES, 0.0)
    f.update(rank_fused=rank_signal(passage.rank), rank_bm25=rank_signal(passage.bm25_rank),
             rank_dense=rank_signal(passage.dense_rank), bm25=passage.bm25, dense=passage.dense)
    # coverage: of the sentence, the quote, what the answer is said of, the passage and its headings
    lead = _LEAD_IN.match(chunk.text)
    topic = " ".join(p for p in (lead.group(1) if lead else "", chunk.path[-1] if chunk.path else "") if p)
    # a figure's (or date's) own clause; a table cell's row name; nothing for a plain sentence or a list
    clause = "" if candidate.figure is None else label if candidate.kind == "row" else \
        candidate.chunk.text[candidate.figure.clause_start : candidate.figure.clause_end]
    lead_in = lead.group(1) if lead else ""
    f.update(cov_sentence=cover(sentence), cov_quote=cover(quoted), cov_label=cover(f"{lead_in} {label} {heading}"),
             cov_clause=cover(clause) if clause else 0.0,
             cov_passage=cover(chunk.search_text()), cov_heading=cover(heading), cov_topic=cover(topic),
             cov_best_in_passage=passage_best)
    local = local_label(candidate)
    # a date is said of its clause: 「力争2021年大飞机起飞，推进早日投入运营」 does not date the 投运
    context = f"{heading} {local if candidate.kind == 'date' else sentence}"
    f.update(specific_missing=cover.specific_missing(context), abbreviated=cover.abbreviated(context),
             overlap_sentence=cover.overlap(sentence), overlap_quote=cover.overlap(quoted),
             english=float(query.english), english_cov=float(query.english) * f["cov_sentence"])
    _kind_features(f, candidate, ctx, local)
    _indicator_features(f, candidate, ctx)
    _time_features(f, candidate, ctx, heading)
    _document_features(f, candidate, ctx)
    _structure_features(f, candidate, ctx)
    _local_features(f, candidate, ctx, local)
    _target_features(f, candidate, ctx, local)
    _term_features(f, candidate, ctx)
    return f


def _term_features(f: dict[str, float], candidate: AnswerCandidate, ctx: Context) -> None:
    """Whether the candidate spells out a term the question asks to (Query.spelled_terms): a footnote on
    it, the term followed by 「即」「：」「（」「包括」, or a list right after or right before it (「建设A、B、C
    “三大枢纽”」); or only names it."""
    terms = ctx.query.spelled_terms
    if not terms:
        return
    f["term_asked"] = 1.0
    text = (candidate.note if candidate.kind == "footnote" else candidate.text).lower()
    named = [m for term in terms for m in re.finditer(re.escape(term), text)]
    if not named:
        if _spells_part(text, candidate.chunk.text.lower(), terms):
            f["term_spelled"] = 1.0
        return
    spelled = candidate.kind == "footnote" or any(
        _SPELLED_AFTER.match(text, m.end()) or _list_beside(candidate.items, text, m.start(), m.end()) for m in named)
    f["term_spelled" if spelled else "term_named_only"] = 1.0


def _spells_part(text: str, passage: str, terms: Sequence[str]) -> bool:
    """Whether ``text`` spells out a quoted part of a term its passage names (「“一体”即以生产性服务业为
    主体」 after 「围绕“一体两翼两引擎”布局」)."""
    return any(m.group(1) in term and m.group(1) != term and term in passage and _SPELLED_AFTER.match(text, m.end())
               for m in _QUOTED.finditer(text) for term in terms)


def _list_beside(items: Sequence[str], text: str, start: int, end: int) -> bool:
    """Whether a list of two or more items stands right after the term at text[start:end], or ends right
    before it."""
    if len(items) < 2:
        return False
    first, last = text.find(items[0].lower(), end), text.rfind(items[-1].lower(), 0, start)
    return 0 <= first - end <= _BESIDE or (last >= 0 and 0 <= start - (last + len(items[-1])) <= _BESIDE)


def local_label(candidate: AnswerCandidate) -> str:
    """What a figure is said of, nearest first: its own item in a 「分别」 list, a row's name, else its
    clause after the figure before it (「化解钢铁产能406万吨、水泥产能500万吨」: 「水泥产能」 for 500万吨); a
    date is said of its own clause, or of the next when its own says nothing else (「到2025年，实现…」)."""
    figure = candidate.figure
    if figure is None or candidate.kind == "row":
        return candidate.label
    if candidate.kind == "date":
        text = candidate.chunk.text
        own = text[figure.clause_start : figure.start] + text[figure.end : figure.clause_end]
        if len(_CJK.findall(own)) < 3:
            after = _NEXT_CLAUSE.match(text, figure.clause_end)
            own += after.group() if after else ""
        return own
    if figure.item:
        return figure.item
    label = figure.label
    while True:
        last = None
        for match in FIGURE.finditer(label):
            if not is_year(match.group()):
                last = match
        if last is None:
            return label
        rest = label[last.end() :]
        if _RANGE.fullmatch(rest):  # 「6%－6.5%」: the range's end is said of what its start is
            label = label[: last.start()]
            continue
        cut = _AFTER_FIGURE.match(rest)
        own = rest[cut.end() :] if cut and rest[cut.end() :] else rest
        if len(_CJK.findall(own)) < 2:  # 「地铁运营里程增加211.9公里、达634.5公里」: 达 says of what the clause does
            return FIGURE.sub("", label)
        return own


def _local_features(f: dict[str, float], candidate: AnswerCandidate, ctx: Context, local: str) -> None:
    if candidate.figure is None:
        return
    f["cov_local"] = ctx.relevance(local)
    f["local_precision"] = ctx.relevance.precision(local)
    said_of = candidate.label if candidate.kind == "row" else candidate.figure.label
    f["other_place"] = float(_names_other_place(said_of, normalize_text(ctx.query.text)))
    f["per_unit_unasked"] = float(bool(_PER_UNIT.search(local))
                                  and not _PER_UNIT_ASKED.search(ctx.query.text))


def _names_other_place(text: str, question: str) -> bool:
    """Whether ``text`` names a zone, port or district (「深汕特别合作区」) the question does not name."""
    for match in _PLACE_PHRASE.finditer(text):
        phrase = match.group()
        if not any(phrase[k:] in question for k in range(len(phrase) - 2)):
            return True
    return False


def _target_features(f: dict[str, float], candidate: AnswerCandidate, ctx: Context, local: str) -> None:
    query, figure = ctx.query, candidate.figure
    f["target_asked"] = float(query.target and not query.actual)
    f["actual_asked"] = float(query.actual and not query.target)
    if figure is None or candidate.kind == "date":
        return
    period_column = False
    if candidate.kind == "row":
        column = candidate.column
        period_column = _period_column(column)
        last = bool(candidate.chunk.fields) and column == _last_value_column(candidate)
        target = "目标" in column or period_column or (last and not _ESTIMATE.search(column))
        actual = bool(_ESTIMATE.search(column)) or (bool(_YEAR.search(column)) and not target)
    else:
        quoted = figure.quoted(candidate.chunk.text)
        target = bool(_TARGET_FIGURE.search(quoted) or _TARGET_LABEL.search(figure.label))
        actual = bool(_ACTUAL_LABEL.search(figure.label)) and not _TARGET_FIGURE.search(quoted)
    f["stated_target"], f["stated_actual"] = float(target), float(actual)
    # 「年均」「期间」「累计」 asked: a period's figure (its table column or row, or a clause that says so); a
    # plan's growth to its end year (「到2030年GDP增长目标」, not 「2030年GDP增长多少」) is its period's too
    if candidate.kind == "row":
        period = period_column or bool(_PERIOD_ROW.search(row_name(candidate.chunk.fields)))
    else:
        period = bool(_PERIOD_STATED.search(figure.label[-12:]))
    years = (ctx.doc_years or {}).get(candidate.chunk.doc_id)
    ends_plan = (years is not None and years[0] != years[1] and ctx.year == years[1] and query.growth
                 and ("到" in query.text or query.period_end))
    wanted = max(f["period_asked"], float(ends_plan))
    f["period_fit"] = wanted * float(period)
    f["period_missing"] = f["period_asked"] * float(not period)
    f["period_unasked"] = (1.0 - wanted) * float(period)  # a year asked, a five-year average given
    if candidate.kind != "row":
        change = _stated_as_change(candidate, local)
        f["change_stated"] = float(change)
        f["change_unasked"] = float(change and not _CHANGE_ASKED.search(query.text))
    f["target_fit"] = f["target_asked"] * f["stated_target"]
    f["target_conflict"] = f["target_asked"] * f["stated_actual"] * (1.0 - f["stated_target"])
    f["actual_fit"] = f["actual_asked"] * f["stated_actual"]
    f["actual_conflict"] = f["actual_asked"] * f["stated_target"] * (1.0 - f["stated_actual"])


def feature_rows(candidates: Sequence[AnswerCandidate], ctx: Context) -> list[dict[str, float]]:
    """The features of every candidate of one question: each on its own, then against the others (the
    best sentence coverage of its passage, the RELATIVE and INTERACTING features)."""
    best_in: dict[str, float] = {}
    for c in candidates:
        best_in[c.chunk.chunk_id] = max(best_in.get(c.chunk.chunk_id, 0.0), ctx.relevance(c.text))
    rows = [features(c, ctx, best_in[c.chunk.chunk_id]) for c in candidates]
    _against_sentence(candidates, rows)
    return with_relative(rows, ctx.query.answer_type)


def _against_sentence(candidates: Sequence[AnswerCandidate], rows: list[dict[str, float]]) -> None:
    """Each figure's own label against those of the other figures of its sentence: whether it covers
    the question best among them, and by how much (「新增运营里程30公里，总里程达909公里」 asked 总里程)."""
    groups: dict[tuple[str, tuple[int, int]], list[int]] = {}
    for i, c in enumerate(candidates):
        if c.figure is not None and c.kind in ("figure", "date"):
            groups.setdefault((c.chunk.chunk_id, c.sentence), []).append(i)
    for members in groups.values():
        for i in members:
            others = [rows[j]["cov_local"] for j in members if j != i]
            best_other = max(others, default=0.0)
            rows[i]["local_best"] = float(rows[i]["cov_local"] >= best_other)
            rows[i]["local_margin"] = rows[i]["cov_local"] - best_other if others else 0.0


def with_relative(rows: list[dict[str, float]], question_type: str) -> list[dict[str, float]]:
    """Add to each row of one question's candidates its RELATIVE features as a share of the best among
    them, and whether its quote and label cover the question best (a question's wording sets how
    high coverage can go, so a candidate is judged against the others of its question too); then the
    INTERACTING features for the family of answer asked."""
    for name in RELATIVE:
        top = max((row[name] for row in rows), default=0.0)
        for row in rows:
            row[f"{name}_rel"] = row[name] / top if top > 0 else 0.0
    for name, flag in (("cov_quote", "best_quote"), ("cov_label", "best_label")):
        top = max((row[name] for row in rows), default=0.0)
        for row in rows:
            row[flag] = float(top > 0 and row[name] >= top - 1e-9)
    family = next(f for f, types in FAMILIES.items() if question_type in types)
    for row in rows:
        for name in INTERACTING:
            row[f"{name}_x_{family}"] = row[name]
        # how well a candidate covers the question counts for less when it answers another kind of
        # quantity, year, indicator or place, or per unit (「高标准农田改造一共投多少钱」 → 「改造提升高标准农田3万亩」)
        mismatch = max(row[name] for name in MISMATCHES)
        for name in MISMATCH_SCALED:
            row[f"{name}_x_mismatch"] = row[name] * mismatch
    return rows


def _kind_features(f: dict[str, float], candidate: AnswerCandidate, ctx: Context, local: str) -> None:
    asked = ctx.kind_asked
    f["kind_asked"] = float(bool(asked))
    if candidate.figure is None:
        return
    stated = "date" if candidate.kind == "date" else figure_kind(candidate.short)
    f["kind_bare"] = float(not stated)
    # a table cell in words (「高于经济增长速度」「完成省下达目标」): no figure, whatever the question asks
    f["in_words"] = float(not any(ch.isdigit() for ch in candidate.short))
    unit = ctx.query.asked_unit
    if asked and stated:
        fits = compatible(asked, stated)
        if asked == "change" and stated != "rate":  # an amount answers a change only as one: 「每人提高24元」,
            fits = fits and _stated_as_change(candidate, local)
        # 「多少台」 is not answered in 辆: a count of other things
        fits = fits and not (unit and other_measure(unit, candidate.short))
        f["kind_match" if fits else "kind_conflict"] = 1.0  # not the level 「突破50万亿元」
    if unit:
        bare = re.sub(r"(?:左右|以上|以内|以下|多|余|[∗*])+$", "", candidate.short)
        f["unit_asked_match"] = float(bare.endswith(unit)
                                      or (candidate.kind == "row" and unit in candidate.label))
    rate = stated == "rate" or bool(RATE.search(candidate.short)) or _row_in_percent(candidate)
    # an amount asked: by its kind (多少亿元), or as an indicator's level (「GDP总量」「去年地区生产总值是多少」)
    amount = asked not in ("", "rate", "change") or (ctx.query.level and not ctx.query.asks_rate)
    f["rate_for_amount"] = float(rate and amount)
    f["amount_for_rate"] = float(ctx.query.asks_rate and not rate and candidate.kind != "row")


def _stated_as_change(candidate: AnswerCandidate, local: str) -> bool:
    """Whether a figure is said as a change (「增加211.9公里」「每人提高24元」) by its own label ``local``; a
    table cell never is (its row states levels)."""
    return candidate.kind != "row" and bool(_CHANGE_STATED.search(local))


def _row_in_percent(candidate: AnswerCandidate) -> bool:
    """A table row whose name gives its unit as a percentage (「居民人均可支配收入增长（%）」): each of its
    cells is a rate, in words (「高于经济增长速度」) as well as in figures."""
    return candidate.kind == "row" and bool(_PERCENT_ROW.search(candidate.label))


def _indicator_features(f: dict[str, float], candidate: AnswerCandidate, ctx: Context) -> None:
    query, figure = ctx.query, candidate.figure
    if figure is None or candidate.kind == "date":
        return
    text = candidate.chunk.text
    label = figure.label
    f["derived_measure"] = float(bool(DERIVED.search(label[-12:])) and not DERIVED.search(query.text))
    f["compared_gap"] = float(bool(COMPARED.search(label)))
    # a table cell's unit is in its row's name: the short answer (「5.4%」) carries it
    cell = candidate.short if candidate.kind == "row" else ""
    rate = bool(RATE.search(text[figure.start : figure.end + 3]) or RATE.search(cell)) or _row_in_percent(candidate)
    if query.growth:
        f["growth_fit"] = float(bool(GROWTH.search(label + candidate.column)) or rate)
        f["growth_missing"] = 1.0 - f["growth_fit"]
    # 「由53家提升至133家」「从去年的2.1%提高到2.3%」: the first is where it starts, the second where it goes
    before = label[-8:]
    f["figure_from"] = float(bool(_FROM.search(before)) and bool(_CHANGE.search(text[figure.end : figure.end + 12])))
    f["figure_to"] = float(bool(_TO.search(before)))
    if query.indicator is None:
        return
    f["ind_asked"] = 1.0
    named = indicator_of(text, figure) if candidate.kind != "row" else indicator_of(label, figure)
    if named is None:
        f["ind_unnamed"] = 1.0
    elif query.indicator.answered_by(named):
        f["ind_match"] = 1.0
        f["ind_units_ok"] = float(not named.units or any(u in figure.quoted(text) for u in named.units))
    else:
        f["ind_other"] = 1.0


def _time_features(f: dict[str, float], candidate: AnswerCandidate, ctx: Context, heading: str) -> None:
    query = ctx.query
    asked = ctx.year is not None or bool(query.five_year) or query.period_end or query.relative is not None
    f["time_asked"] = float(asked)
    f["period_asked"] = float(bool(_PERIOD_ASKED.search(query.text)))
    chunk = candidate.chunk
    years = (ctx.doc_years or {}).get(chunk.doc_id)
    sentence = candidate.text if candidate.kind != "row" else f"{candidate.column} {candidate.label}"
    time = passage_time(sentence, chunk, years)
    if candidate.kind == "row" and (column_years := {int(y) for y in _YEAR.findall(candidate.column)}):
        time = type(time)(frozenset(column_years), time.review)  # a table cell speaks of its column's year
    code, _ = time_fit(query, ctx.year, time, sentence, heading)
    if code:
        f[f"time_{code}"] = 1.0
    said = candidate.column if candidate.kind == "row" else candidate.text
    named = years_to_digits(unicodedata.normalize("NFKC", said))
    f["time_named"] = float(ctx.year is not None and str(ctx.year) in named)
    # a year the question names, another the candidate's own sentence names (「到2030年…营收超6000亿元」 for
    # 「2025年大概有多少」): the most certain of the time checks
    own = sentence_years(said) if candidate.kind != "row" else frozenset()
    f["year_named_other"] = float(bool(query.years) and ctx.year is not None and bool(own) and ctx.year not in own
                                  and not _PERIOD_STATED.search(candidate.text))


def _document_features(f: dict[str, float], candidate: AnswerCandidate, ctx: Context) -> None:
    asked = ctx.query.doc_kind
    if not asked:
        return
    f["doc_kind_asked"] = 1.0
    kind = (ctx.doc_kinds or {}).get(candidate.chunk.doc_id, "")
    if kind:
        f["doc_kind_match" if kind == asked else "doc_kind_conflict"] = 1.0


def _structure_features(f: dict[str, float], candidate: AnswerCandidate, ctx: Context) -> None:
    query, kind = ctx.query, candidate.kind
    qtype = query.answer_type
    f[f"cand_{kind}"] = 1.0
    f[f"q_{qtype}"] = 1.0
    pair = f"q_{qtype}_{kind}"
    if pair in f:
        f[pair] = 1.0
    f["box_entry"] = float(candidate.chunk.kind == "box_entry")
    if kind == "footnote":  # how much of the question the explained term is (「三区三线是什么」: all of it)
        f["footnote_term"] = ctx.relevance(candidate.note.partition("：")[0])
    f["type_fit"] = type_fit(candidate.quoted, qtype)
    f["sentence_chars"] = min(len(candidate.text), 400) / 400
    f["quote_cut"] = float(candidate.quote != candidate.sentence and candidate.kind not in ("row", "footnote"))
    f["lead_in_only"] = float(kind in ("sentence", "list") and bool(_COLON_END.search(candidate.quoted)))
    if candidate.figure is not None:
        f["n_figures"] = math.log1p(len(re.findall(r"\d+(?:\.\d+)?", candidate.text))) / 3
        span = max(candidate.sentence[1] - candidate.sentence[0], 1)
        f["figure_position"] = (candidate.figure.start - candidate.sentence[0]) / span
    if candidate.items:
        f["list_items"] = min(len(candidate.items), 8) / 8
        f["list_neighbours"] = min(len(candidate.also), 3) / 3
        if category := _category(query.text):
            f["category_asked"] = 1.0
            f["category_match"] = float(_names_category(candidate, category))
    if query.item_count is not None:  # 「哪十个方面」 is answered by a list of ten
        f["count_asked"] = 1.0
        f["count_match"] = float(len(candidate.items) == query.item_count)
    if kind == "row":
        _column_features(f, candidate, ctx)
    if ctx.names:
        lead = _LEAD_IN.match(candidate.chunk.text)
        own = candidate.chunk.path[-1] if candidate.chunk.path else ""
        where = f"{lead.group(1) if lead else ''} {candidate.heading} {own}"
        f["names_subject"] = float(any(name in where for name in ctx.names))
        # a list one of whose items names the zone asked of is a list of things among which that zone
        # is one (「…临空经济区产业孵化器、葛店双创谷等项目」), not what the zone has
        places = [name for name in ctx.names if _PLACE_PHRASE.fullmatch(name)]
        f["name_in_item"] = float(any(name in item for item in candidate.items for name in places))
    if candidate.figure is not None and _counts_the_subject(candidate.figure, query):
        f["name_in_item"] = 1.0


def _counts_the_subject(clause: FigureClause, query: Query) -> bool:
    """Whether the figure counts an enumeration one of whose items the question asks about: 「生物医药那块
    要做到多少」 is not answered by 「新一代信息技术、智能制造、生物医药、新能源新材料等4个…产业集群」 — unless
    the question asks a count (「生物医药等重点产业集群有几个」). An English question asks by its Chinese terms."""
    label = clause.label
    if query.answer_kind == "count" or not label.endswith("等") or "、" not in label:
        return False
    question = normalize_text(" ".join((query.text, *query.expansions)))
    items = [item.strip() for item in split_enumeration(label[:-1])]
    return any(len(item) >= 2 and normalize_text(item) in question for item in items)


def _column_features(f: dict[str, float], candidate: AnswerCandidate, ctx: Context) -> None:
    """Whether a table cell's column is the year asked. What kind of column it is (a target, an
    estimate, a period's figure) counts only against what the question asks (_target_features): on
    its own it would teach the model how often each kind was asked, not whether it answers."""
    years = {int(y) for y in _YEAR.findall(candidate.column)}
    if ctx.year is not None:
        f["col_year"] = float(ctx.year in years)
        f["col_other_year"] = float(bool(years) and ctx.year not in years)


def _category(question: str) -> str:
    """The kind of thing a list question asks for: 「重点发展哪些产业」 → 产业, 「有什么项目」 → 项目."""
    match = _CATEGORY.search(question)
    return match.group(1) if match else ""


def _names_category(candidate: AnswerCandidate, category: str) -> bool:
    """Whether a list is of the kind asked: its closing noun says so (「…等高端产业」), or its items end in
    the kind's head character (「现代物流业」 is an 产业, 「XX工程」 a 工程)."""
    items, text = candidate.items, candidate.quoted
    at = text.rfind(items[-1]) if items else -1
    tail = _NEXT_CLAUSE.match(text, at + len(items[-1])).group() if at >= 0 else ""
    return category in tail or any(category in item or item.endswith(category[-1]) for item in items)


def _period_column(column: str) -> bool:
    """A column of a five-year period's figures (年均, 累计, 增速)."""
    return bool(_PERIOD_ASKED.search(column)) or "增速" in column or "增长" in column


def _last_value_column(candidate: AnswerCandidate) -> str:
    values = value_columns(candidate.chunk.fields)
    dated = [h for h, _ in values if _YEAR.search(h)]
    return (dated or [h for h, _ in values])[-1] if values else ""


# --- the question's features: how its best candidate stands among the others ----------------------

QUESTION_FEATURES: tuple[str, ...] = (
    "top", "second", "margin", "agreement", "close", "candidates",
    *(f"q_{kind}" for kind in QUESTION_TYPES), *(f"top_{kind}" for kind in CANDIDATE_KINDS),
    "english", "kind_asked", "time_asked", "top_cov_quote", "top_cov_label", "top_specific_missing",
    "top_rank_fused", "top_kind_conflict", "top_time_mismatch",
    "top_kind_match", "top_ind_match", "top_ind_other", "top_cov_clause", "top_abbreviated", "top_count_match",
    "top_rank_bm25", "top_rank_dense", "top_overlap_quote", "top_time_named", "top_col_year", "passages_close",
    "top_local_margin", "top_local_precision", "top_target_conflict", "top_target_fit", "top_col_other_year",
    "top_year_named_other", "top_mismatch", "top_cov_clause_x_mismatch", "top_term_spelled", "top_term_named_only",
)


@dataclass(frozen=True)
class Ranked:
    """A candidate as the question's decision sees it: its kind, short answer, passage, support and features."""

    kind: str
    short: str
    passage: str
    support: float
    row: Mapping[str, float]


def question_features(ranked: Sequence[Ranked], query: Query) -> dict[str, float]:
    """The features of a question's decision, from its candidates ranked by support: the best support
    and the best rival's, from a passage that does not give the same answer (as log-odds), how many
    rivals come close, whether another passage gives the same short answer, and a few features of the
    best."""
    f = dict.fromkeys(QUESTION_FEATURES, 0.0)
    f[f"q_{query.answer_type}"] = 1.0
    f["english"] = float(query.english)
    if not ranked:
        f["top"] = f["second"] = _logit(0.0)
        return f
    best = ranked[0]
    p1, row = best.support, best.row
    mismatch = max(row[name] for name in MISMATCHES)
    others = [r for r in ranked[1:] if r.passage != best.passage]
    # a rival gives another answer: a second passage that says the same (「6.5%－7%」 in the report's
    # targets and again in its explanation) or a range's end in the best's own passage is no rival
    agreeing = {r.passage for r in others if best.short and r.short == best.short}
    # a rival gives another answer of the kind asked: a sentence that states no figure is none to 「多少」
    rivals = [r for r in others if r.passage not in agreeing and _answers(r, query)]
    p2 = rivals[0].support if rivals else 0.0
    competing = [r for r in ranked
                 if r is best or (r.passage not in agreeing and not _within(r, best) and _answers(r, query))]
    f.update(top=_logit(p1), second=_logit(p2), margin=p1 - p2,
             agreement=float(bool(best.short) and any(r.short == best.short for r in others[:5])),
             close=math.log1p(sum(1 for r in competing if r.support >= 0.5 * p1)) / 3,
             candidates=math.log1p(len(ranked)) / 6, kind_asked=row["kind_asked"], time_asked=row["time_asked"],
             top_cov_quote=row["cov_quote"], top_cov_label=row["cov_label"],
             top_specific_missing=row["specific_missing"], top_rank_fused=row["rank_fused"],
             top_kind_conflict=row["kind_conflict"],
             top_time_mismatch=max(row[f"time_{code}"] for code in TIME_CODES),
             **{f"top_{name}": row[name] for name in ("kind_match", "ind_match", "ind_other", "cov_clause",
                                                       "abbreviated", "count_match", "rank_bm25", "rank_dense",
                                                       "overlap_quote", "time_named", "col_year",
                                                       "local_margin", "local_precision", "target_conflict",
                                                       "target_fit", "col_other_year", "year_named_other")},
             top_mismatch=mismatch, top_cov_clause_x_mismatch=row["cov_clause"] * mismatch,
             top_term_spelled=row["term_spelled"], top_term_named_only=row["term_named_only"],
             passages_close=math.log1p(len({r.passage for r in competing if r.support >= 0.5 * p1})) / 3)
    f[f"top_{best.kind}"] = 1.0
    return f


def _answers(candidate: Ranked, query: Query) -> bool:
    """Whether a candidate gives an answer of the kind asked: a number question's figure or table row."""
    return query.answer_type != "number" or candidate.kind in ("figure", "row")


def _within(candidate: Ranked, best: Ranked) -> bool:
    """Part of the best answer: a figure of its own passage inside its short answer (a range's end)."""
    return candidate.passage == best.passage and bool(candidate.short) and candidate.short in best.short


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
