"""The default answerer: quote the span of the plan that answers, cite where it stands.

No language model: the answer is verbatim plan text (a sentence or clauses of it, a table
row, a box entry or a footnote), so every figure in it can be checked against its citation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.evidence import Coverage, asked_unit, figures, type_fit
from assistant.question import QuestionAnalysis
from assistant.ranking import Candidate

NOT_FOUND = "规划中未找到相关内容"
MAX_QUOTE_CHARS = 160
_CLAUSE = re.compile(r"(?<=[，、：；,;:])")
_YEAR = re.compile(r"(?:19|20)\d{2}")


@dataclass(frozen=True)
class Draft:
    """What the extractive answerer decided, before citations are numbered."""

    found: bool
    parts: list[tuple[str, int]]  # (quoted text, index into the candidates list)
    highlights: dict[int, tuple[int, int]]  # candidate index → span of its text
    key_spans: tuple[str, ...]
    reason: str = ""  # why it abstained


@dataclass(frozen=True)
class Abstention:
    """When to say 「规划中未找到」.

    ``min_coverage``: the IDF-weighted share of the question's words (words the plan never
    uses included) that the chosen sentence, in its section's context, must contain.
    Calibrated on the project's Q&A set (see eval/ and the README).
    """

    min_coverage: float = 0.25

    def reason(self, question: QuestionAnalysis, candidate: Candidate) -> str:
        """Why ``candidate`` does not answer ``question`` ("" when it does)."""
        if candidate.coverage < self.min_coverage:
            return f"coverage {candidate.coverage:.2f} < {self.min_coverage}"
        if question.question_type == "number":
            table = candidate.chunk.kind == "table_row"
            found = figures(candidate.best.text, bare=table)
            if not found:
                return "no figure where a number was asked"
            unit = asked_unit(question.question)
            if unit and not any(f.endswith(unit) for f in found) and not (table and unit in candidate.chunk.text):
                return f"no figure in {unit}"
        asked = set(_YEAR.findall(question.question)) - {"2020", "2021", "2025"}
        if asked and not asked & set(_YEAR.findall(candidate.chunk.text)):
            return f"the plan gives no figure for {', '.join(sorted(asked))}"
        return ""


def _choose(question: QuestionAnalysis, candidates: list[Candidate], abstention: Abstention) -> int | None:
    """Index of the best candidate that passes abstention, looking a little past the first."""
    for index, candidate in enumerate(candidates[:3]):
        if not abstention.reason(question, candidate):
            return index
    return None


def _footnote(question: QuestionAnalysis, candidates: list[Candidate]) -> Draft | None:
    """A footnote that explains a term of the question (「三区三线是什么」「四办是哪四种」)."""
    for index, candidate in enumerate(candidates[:5]):
        for note in candidate.chunk.footnotes:
            term, _, body = note.partition("：")
            if body and len(term) >= 2 and term.lower() in question.question:
                start = candidate.chunk.text.find(term)
                span = (start, start + len(term)) if start >= 0 else (candidate.best.start, candidate.best.end)
                return Draft(True, [(note, index)], {index: span}, (term,))
    return None


def quote_span(candidate: Candidate, coverage: Coverage, question: QuestionAnalysis) -> tuple[int, int]:
    """The span of the chunk to quote: a whole entry or sentence when short, else its best clauses."""
    chunk, best = candidate.chunk, candidate.best
    if chunk.kind in ("table_row", "box_entry") and len(chunk.text) <= MAX_QUOTE_CHARS:
        return 0, len(chunk.text)
    if best.end - best.start <= MAX_QUOTE_CHARS:
        return best.start, best.end
    text = best.text
    bounds = [0] + [m.start() for m in _CLAUSE.finditer(text) if 0 < m.start() < len(text)] + [len(text)]
    chosen: tuple[float, int, int] | None = None
    for i in range(len(bounds) - 1):
        for j in range(i + 1, len(bounds)):
            if bounds[j] - bounds[i] > MAX_QUOTE_CHARS:
                break
            piece = text[bounds[i] : bounds[j]]
            value = coverage(piece) + 0.2 * type_fit(piece, question.question_type)
            if chosen is None or value > chosen[0] + 1e-9:
                chosen = (value, bounds[i], bounds[j])
    assert chosen is not None
    return best.start + chosen[1], best.start + chosen[2]


def draft_answer(
    question: QuestionAnalysis, candidates: list[Candidate], coverage: Coverage, abstention: Abstention
) -> Draft:
    """Choose what to quote from the ranked candidates, or abstain."""
    if not candidates:
        return Draft(False, [], {}, (), "nothing retrieved")
    if not coverage.has_content:
        return Draft(False, [], {}, (), "the question has no words to look up")
    if question.question_type in ("definition", "list", "fact") and (draft := _footnote(question, candidates)):
        return draft
    chosen = _choose(question, candidates, abstention)
    if chosen is None:
        return Draft(False, [], {}, (), abstention.reason(question, candidates[0]))
    best = candidates[chosen]
    start, end = quote_span(best, coverage, question)
    parts = [(best.chunk.text[start:end], chosen)]
    highlights = {chosen: (start, end)}
    if question.question_type == "list":
        # a list often continues in the neighbouring entries or paragraphs of the same section
        for index, other in enumerate(candidates[:4]):
            if index != chosen and other.chunk.path == best.chunk.path and other.coverage >= 0.9 * best.coverage:
                o_start, o_end = quote_span(other, coverage, question)
                parts.append((other.chunk.text[o_start:o_end], index))
                highlights[index] = (o_start, o_end)
    keys = tuple(dict.fromkeys(f for text, _ in parts for f in figures(text)))
    return Draft(True, parts, highlights, keys)
