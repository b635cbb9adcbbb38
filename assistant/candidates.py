"""The candidates stage: every answer the retrieved passages could give, before any is judged.

A candidate is one way a passage could answer: a figure with its clause (「5000个」 in 「建成5G基站
5000个」), one value cell of a table row (the 2030 column of 「全员劳动生产率」), a date, a sentence,
a list (an enumeration, the headings or numbered paragraphs a sentence announces, a section's own
list), a footnote that explains a term. Which kinds are generated follows the kind of answer asked;
whether one answers is the support model's decision (assistant.support), never made here.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from assistant.passages import Passage
from assistant.query import Query
from assistant.quotes import (
    MAX_LIST_ITEMS,
    MAX_QUOTE_CHARS,
    enumeration,
    fit_items,
    heading_items,
    join_items,
    list_items,
    quote_span,
    row_unit,
    sentence_spans,
    table_row_sentence,
    unquoted,
    value_columns,
    with_unit,
)
from assistant.verify import FigureClause, figure_clauses
from corpus import Chunk

CandidateKind = Literal["figure", "row", "date", "sentence", "list", "outline", "footnote"]
DATE = re.compile(
    r"(?:(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?(?:底|前|末|内|以前|之前|上半年|下半年)?)"
    r"|(?:年底|年内|年末)"
)
MAX_OUTLINES = 3  # a section's own list is offered for the few sections whose headings fit best
LIST_NEIGHBOUR = 0.9  # a list continues in an entry of its section that fits the question nearly as well
NUMBER_TYPES = ("number",)
# the verbs a list question asks with, and the adverbs that mark what a passage puts first
_ASKED_VERBS = ("发展", "建设", "打造", "培育")
_EMPHASIS = "大力|重点|优先|突出|加快|积极|着力|聚焦|做大做强"


@dataclass(frozen=True)
class AnswerCandidate:
    """One possible answer: where it is (``sentence`` and the ``quote`` span of the passage text) and
    what it says in a few words (``short``; "" for a plain sentence).

    ``figure``: the answering figure and its clause (figures and table cells); ``column``: a table
    row's column; ``items``: a list's items; ``note``: a footnote's text; ``heading``: the section
    whose list an outline is; ``also``: the neighbouring passages a list continues in, with the span
    of each to quote.
    """

    passage: Passage
    kind: CandidateKind
    sentence: tuple[int, int]
    quote: tuple[int, int]
    short: str = ""
    figure: FigureClause | None = None
    column: str = ""
    items: tuple[str, ...] = ()
    note: str = ""
    heading: str = ""
    also: tuple[tuple[Passage, tuple[int, int]], ...] = field(default=())

    @property
    def chunk(self) -> Chunk:
        return self.passage.chunk

    @property
    def text(self) -> str:
        """The sentence (table row, entry, footnote) the candidate comes from."""
        return self.note or self.chunk.text[self.sentence[0] : self.sentence[1]]

    @property
    def quoted(self) -> str:
        """The verbatim text it quotes."""
        return self.note or self.chunk.text[self.quote[0] : self.quote[1]]

    @property
    def label(self) -> str:
        """What the answer is said of: a figure's clause before it, a row's name, else the sentence."""
        if self.kind == "row":
            return self.chunk.text.split("——", 1)[0]
        if self.figure is not None:
            return self.figure.item or self.figure.label
        return self.text


@dataclass(frozen=True)
class Outline:
    """A section with a list of its own (its headings or numbered paragraphs), as a passage to cite."""

    passage: Passage
    heading: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Reading:
    """What generation needs to know besides the passages.

    ``relevance``: how well a text covers the question (assistant.evidence.Coverage);
    ``subheadings``/``numbered``: a passage's section's headings and numbered paragraphs;
    ``announced``: the items a numbered paragraph announces (the leads of the paragraphs under it);
    ``outlines``: the sections of the scope with lists of their own, best fitting first.
    """

    relevance: Callable[[str], float]
    subheadings: Callable[[Chunk], list[str]] = lambda _: []
    numbered: Callable[[Chunk], list[str]] = lambda _: []
    outlines: Callable[[], Sequence[Outline]] = lambda: ()
    announced: Callable[[Chunk], list[str]] = lambda _: []
    limit: int = MAX_QUOTE_CHARS
    title: Callable[[str], str] = lambda _: ""  # a document's title, by id


def generate(query: Query, passages: Sequence[Passage], reading: Reading) -> list[AnswerCandidate]:
    """Every candidate of ``passages`` for ``query``, in passage order (see the module docstring)."""
    out: list[AnswerCandidate] = []
    kind = query.answer_type
    for passage in passages:
        chunk = passage.chunk
        if chunk.kind == "missing" or _is_title(chunk, reading.title(chunk.doc_id)):
            continue  # a table or box printed as an image, the document's own title line: nothing to quote
        if chunk.kind == "table_row" and chunk.fields:
            out += _row_candidates(query, passage, reading)
            continue
        for sentence in sentence_spans(chunk.text):
            out += _sentence_candidates(query, passage, sentence, reading)
        if kind in ("definition", "list", "fact"):
            out += _footnotes(query, passage, reading)
    if _asks_list(query):
        out += [c for passage in passages if (c := _object_candidate(query, passage, reading)) is not None]
        out = _with_neighbours(out, reading.relevance)
        out += [AnswerCandidate(o.passage, "outline", (0, len(o.passage.chunk.text)),
                                (0, min(len(o.passage.chunk.text), reading.limit)),
                                short=join_items(fit_items(list(o.items))), items=o.items, heading=o.heading)
                for o in list(reading.outlines())[:MAX_OUTLINES]]
        if kind != "list":  # a term asked by its count (「是哪三个」) is a list of exactly that many
            out = [c for c in out if c.kind not in ("list", "outline") or len(c.items) == query.item_count]
    return out


def _asks_list(query: Query) -> bool:
    """A list question, or one that counts what it asks (「三大攻坚战是哪三个」 may be a term or its list)."""
    return query.answer_type == "list" or (query.answer_type in ("definition", "fact") and query.item_count is not None)


def _is_title(chunk: Chunk, title: str) -> bool:
    """The document's title printed as its first line (「1964年…政府工作报告（摘要）」): it answers nothing."""
    text, name = (re.sub(r"[\s《》（）()]", "", t) for t in (chunk.text, title))
    return not chunk.path and bool(name) and len(text) <= len(name) + 8 and name in text


def _sentence_candidates(query: Query, passage: Passage, sentence: tuple[int, int],
                         reading: Reading) -> list[AnswerCandidate]:
    chunk, (start, end) = passage.chunk, sentence
    text = chunk.text[start:end]
    kind, out = query.answer_type, []
    figures = [_shifted(c, start) for c in figure_clauses(text)] if kind in NUMBER_TYPES else []
    for figure in figures:
        quote = quote_span(chunk, sentence, reading.relevance, kind, (figure.start, figure.end), reading.limit)
        out.append(AnswerCandidate(passage, "figure", sentence, quote, figure.quoted(chunk.text), figure=figure))
    if kind == "date":
        for match in DATE.finditer(text):
            at = (start + match.start(), start + match.end())
            quote = quote_span(chunk, sentence, reading.relevance, kind, at, reading.limit)
            clause = _clause_around(chunk.text, start, end, at)
            out.append(AnswerCandidate(passage, "date", sentence, quote, match.group().replace(" ", ""),
                                       figure=FigureClause(match.group(), at[0], at[1], clause[0], clause[1],
                                                           chunk.text[clause[0] : at[0]])))
    if _asks_list(query):
        out += _list_candidates(passage, sentence, reading)
    if not figures:  # a figure's sentence is offered through its figures
        quote = quote_span(chunk, sentence, reading.relevance, kind, None, reading.limit)
        out.append(AnswerCandidate(passage, "sentence", sentence, quote))
    return out


def _clause_around(text: str, start: int, end: int, at: tuple[int, int]) -> tuple[int, int]:
    """The clause of ``text[start:end]`` (between ，；：。) that holds the span ``at``, with the clause after it
    when the date opens its clause (「到2025年，基本形成…」: what happens by then is in the next clause)."""
    cuts = sorted({start, end, *(start + m.end() for m in re.finditer(r"[，；：,;:]", text[start:end]))})
    for a, b in itertools.pairwise(cuts):
        if a <= at[0] < b:
            following = cuts[cuts.index(b) + 1] if b != end and text[a:at[0]].strip("到至于在 ") == "" else b
            return a, following
    return start, end


def _shifted(clause: FigureClause, offset: int) -> FigureClause:
    return FigureClause(clause.figure, clause.start + offset, clause.end + offset, clause.clause_start + offset,
                        clause.clause_end + offset, clause.label, clause.item)


def _list_candidates(passage: Passage, sentence: tuple[int, int], reading: Reading) -> list[AnswerCandidate]:
    """The sentence's enumeration; or the headings it announces; or the numbered paragraphs its passage is
    one of (「一是…」「（一）…」)."""
    chunk, (start, end) = passage.chunk, sentence
    text = chunk.text[start:end]
    items = heading_items(text, reading.subheadings(chunk))
    must = None
    if not items:
        clause = enumeration(text, reading.relevance)
        items = list_items(text, reading.relevance)
        if clause and (at := chunk.text.find(clause, start)) >= 0:
            must = (at, at + len(clause))
        if len(items) < 3:
            items = reading.numbered(chunk) or items
    out = []
    if len(items) >= 2:
        quote = quote_span(chunk, sentence, reading.relevance, "list", must, reading.limit)
        out.append(AnswerCandidate(passage, "list", sentence, quote, join_items(fit_items(items)[:MAX_LIST_ITEMS]),
                                   items=tuple(items)))
    # a numbered paragraph's heading sentence (「（四）坚决打好三大攻坚战。」) is also the list of what follows it
    if start == 0 and len(announced := reading.announced(chunk)) >= 2:
        quote = quote_span(chunk, sentence, reading.relevance, "list", None, reading.limit)
        out.append(AnswerCandidate(passage, "list", sentence, quote, join_items(fit_items(announced)[:MAX_LIST_ITEMS]),
                                   items=tuple(announced)))
    return out


def _object_candidate(query: Query, passage: Passage, reading: Reading) -> AnswerCandidate | None:
    """What a passage says is developed, built or fostered with emphasis, when the question asks with that
    verb: 「三江港新区重点发展什么产业」 → 「…，大力发展现代物流业，…」 → 现代物流业 (one clause, no
    enumeration), 「突出发展医疗健康和智能制造产业」 → its object."""
    verbs = [v for v in _ASKED_VERBS if v in query.text]
    if not verbs:
        return None
    chunk = passage.chunk
    pattern = re.compile(rf"(?:{_EMPHASIS})(?:{'|'.join(verbs)})(?:了)?([^，。；：！？]{{2,40}})")
    found = list(pattern.finditer(chunk.text))
    if not found:
        return None
    items: list[str] = []
    for match in found:
        phrase = match.group(1)
        listed = list_items(phrase) if "、" in phrase else []
        items += listed or [unquoted(phrase)]
    items = list(dict.fromkeys(items))
    first = found[0]
    sentence = next(((a, b) for a, b in sentence_spans(chunk.text) if a <= first.start() < b), (0, len(chunk.text)))
    quote = quote_span(chunk, sentence, reading.relevance, "list", (first.start(), first.end()), reading.limit)
    return AnswerCandidate(passage, "list", sentence, quote, join_items(fit_items(items)[:MAX_LIST_ITEMS]),
                           items=tuple(items))


def _with_neighbours(candidates: list[AnswerCandidate], relevance: Callable[[str], float]) -> list[AnswerCandidate]:
    """A list often continues in the neighbouring entries or paragraphs of its section: each list
    candidate carries the best sentence of the others of its section that fit the question nearly as well."""
    best: dict[str, tuple[float, AnswerCandidate]] = {}
    for c in candidates:
        if c.kind in ("sentence", "list"):
            score = relevance(c.quoted)
            if c.chunk.chunk_id not in best or score > best[c.chunk.chunk_id][0]:
                best[c.chunk.chunk_id] = (score, c)
    out = []
    for c in candidates:
        if c.kind != "list":
            out.append(c)
            continue
        own = relevance(c.quoted)
        also = tuple((o.passage, o.quote) for cid, (score, o) in best.items()
                     if cid != c.chunk.chunk_id and o.chunk.doc_id == c.chunk.doc_id and o.chunk.path == c.chunk.path
                     and own > 0 and score >= LIST_NEIGHBOUR * own)[:3]
        out.append(AnswerCandidate(c.passage, c.kind, c.sentence, c.quote, c.short, c.figure, c.column, c.items,
                                   c.note, c.heading, also))
    return out


def _row_candidates(query: Query, passage: Passage, reading: Reading) -> list[AnswerCandidate]:
    """A table row: one candidate per value cell (for a figure), else the row as one candidate."""
    chunk = passage.chunk
    whole = (0, len(chunk.text))
    if query.answer_type not in NUMBER_TYPES:
        return [AnswerCandidate(passage, "sentence", whole, whole, table_row_sentence(chunk.fields))]
    unit = row_unit(chunk.fields)
    out = []
    for header, value in value_columns(chunk.fields):
        at = chunk.text.find(f"{header}：{value}")
        if at < 0:
            continue
        start = at + len(header) + 1
        figure = FigureClause(value, start, start + len(value), at, start + len(value), chunk.text[:at])
        out.append(AnswerCandidate(passage, "row", whole, whole, with_unit(value, unit), figure=figure, column=header))
    return out or [AnswerCandidate(passage, "sentence", whole, whole, table_row_sentence(chunk.fields))]


def _footnotes(query: Query, passage: Passage, reading: Reading) -> list[AnswerCandidate]:
    """Footnotes of the passage that explain a term the question names (「三区三线是什么」); a long one is
    quoted by the part that fits the question best (「五横六纵七联」 asked for its 六纵: that part)."""
    out = []
    for note in passage.chunk.footnotes:
        term, _, body = note.partition("：")
        if body and len(term) >= 2 and term.lower() in query.text:
            at = passage.chunk.text.find(term)
            span = (at, at + len(term)) if at >= 0 else (0, 0)
            if len(note) > reading.limit:
                parts = [p for p in re.split(r"(?<=[；;。])", body) if p.strip()]
                body = max(parts, key=lambda p: (reading.relevance(p), -len(p)))
                note = f"{term}：{body}"
            out.append(AnswerCandidate(passage, "footnote", span, span, body if len(body) <= 40 else "", note=note))
    return out
