"""Scoring sentences and clauses of retrieved chunks against a question.

A *unit* is a sentence of a chunk (split at 。！？；); its score combines how much of the
question's weighted vocabulary it covers (IDF weights from the BM25 index) with whether it
holds the kind of thing the question asks for (a figure with a unit, an enumeration, a date).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.question import QuestionType
from corpus import Chunk
from corpus.chunker import split_sentences

UNITS = (
    "个百分点|万亿元|亿元|万元|元|亿斤|万斤|万吨|吨|平方公里|公里|千米|延米|米|万亩|亩|万平方米|平方米|"
    "万人|人|家|个|座|所|条|项|套|户|岁|年|天|小时|分钟|兆瓦|千瓦|千伏|Gbps|G|倍|张|辆|艘|次|台|处|批|类|件|%|‰"
)
FIGURE = re.compile(rf"[<>≥≤＞＜]?\d+(?:[.,]\d+)*(?:\s*(?:{UNITS}))?")
_CLAUSE = re.compile(r"(?<=[，、：；,;:])")
_DATE = re.compile(r"(?:19|20)\d{2}\s*年(?:底|前|末)?|\d{1,2}月")


@dataclass(frozen=True)
class Unit:
    """A sentence of a chunk, by its character span in the chunk text."""

    chunk_id: str
    start: int
    end: int
    text: str
    coverage: float
    score: float


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for sentence in split_sentences(text):
        spans.append((start, start + len(sentence)))
        start += len(sentence)
    return spans


def has_figure(text: str) -> bool:
    return any(m.group().strip("<>≥≤＞＜").rstrip("年") for m in FIGURE.finditer(text) if not _is_year(m.group()))


def _is_year(token: str) -> bool:
    return bool(re.fullmatch(r"(19|20)\d{2}年?", token))


def figures(text: str) -> list[str]:
    """Figures with units in ``text``, years excluded: 「5000个」「1500G」「95%」."""
    return [m.group() for m in FIGURE.finditer(text) if not _is_year(m.group()) and not m.group().isdigit()]


def type_fit(text: str, question_type: QuestionType) -> float:
    """How well a span holds the kind of answer asked for, in [-1, 1]."""
    if question_type == "number":
        return 1.0 if figures(text) else (0.3 if has_figure(text) else -1.0)
    if question_type == "date":
        return 1.0 if _DATE.search(text) else -0.5
    if question_type == "list":
        items = text.count("、") + text.count("；")
        return min(1.0, items / 3) if items else -0.3
    return 0.0


class Coverage:
    """IDF-weighted share of the question's tokens found in a text."""

    def __init__(self, tokens: list[str], idf: list[float], tokenize: Callable[[str], list[str]]) -> None:
        weights: dict[str, float] = {}
        for token, weight in zip(tokens, idf, strict=True):
            if weight > 0:
                weights[token] = max(weights.get(token, 0.0), weight)
        self.weights = weights
        self.total = sum(weights.values())
        self._tokenize = tokenize

    def __call__(self, text: str) -> float:
        if not self.total:
            return 0.0
        present = set(self._tokenize(text))
        return sum(w for t, w in self.weights.items() if t in present) / self.total


def score_units(chunk: Chunk, coverage: Coverage, question_type: QuestionType) -> list[Unit]:
    """Every sentence of ``chunk`` with its coverage (in its chunk's context) and score."""
    context = coverage(chunk.search_text())
    units = []
    for start, end in sentence_spans(chunk.text):
        text = chunk.text[start:end]
        own = coverage(text)
        blended = 0.6 * own + 0.4 * context
        units.append(Unit(chunk.chunk_id, start, end, text, blended, blended + 0.15 * type_fit(text, question_type)))
    return units


def shortest_span(text: str, coverage: Coverage, question_type: QuestionType, max_chars: int = 90) -> tuple[int, int]:
    """The shortest run of clauses of ``text`` that covers as much as the whole and fits the type.

    Long sentences in plans chain many clauses; the answer is usually one or two of them.
    """
    if len(text) <= max_chars:
        return 0, len(text)
    bounds = [0] + [m.start() for m in _CLAUSE.finditer(text) if 0 < m.start() < len(text)] + [len(text)]
    target = coverage(text)
    best: tuple[float, int, int, int] | None = None
    for i in range(len(bounds) - 1):
        for j in range(i + 1, len(bounds)):
            start, end = bounds[i], bounds[j]
            if end - start > max_chars and j > i + 1:
                break
            piece = text[start:end]
            fit = coverage(piece) / target if target else 0.0
            fit += 0.3 * type_fit(piece, question_type)
            key = (round(fit, 3), -(end - start), -start, end)
            if best is None or key > best:
                best = key
    assert best is not None
    return -best[2], best[3]
