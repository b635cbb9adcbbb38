"""The default answerer: quote the span of the plan that answers, cite where it stands.

No language model: the answer is verbatim plan text (a clause, a sentence, a table row, a
box entry or a footnote), so every figure in it can be checked against its citation.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.evidence import Coverage, figures, shortest_span
from assistant.question import QuestionAnalysis
from assistant.ranking import Candidate

NOT_FOUND = "规划中未找到相关内容"


@dataclass(frozen=True)
class Draft:
    """What the extractive answerer decided, before citations are numbered."""

    found: bool
    parts: list[tuple[str, int]]  # (quoted text, index into the candidates list)
    highlights: dict[int, tuple[int, int]]  # candidate index → span of its text
    key_spans: tuple[str, ...]


@dataclass(frozen=True)
class Abstention:
    """Answer only when the best sentence covers enough of the question.

    ``min_coverage`` is the IDF-weighted share of question tokens that the best sentence
    (in its section's context) must contain; calibrated on the project's Q&A set.
    """

    min_coverage: float = 0.55
    min_dense: float = 0.80

    def answers(self, best: Candidate) -> bool:
        return best.coverage >= self.min_coverage and (best.dense == 0.0 or best.dense >= self.min_dense)


def _definition(question: QuestionAnalysis, candidates: list[Candidate], coverage: Coverage) -> Draft | None:
    """A footnote that explains a term of the question (「三区三线是什么」)."""
    for index, candidate in enumerate(candidates[:5]):
        for note in candidate.chunk.footnotes:
            term, _, body = note.partition("：")
            if body and term and term.lower() in question.question:
                return Draft(True, [(note, index)], {index: _term_span(candidate, term)}, (term,))
    return None


def _term_span(candidate: Candidate, term: str) -> tuple[int, int]:
    start = candidate.chunk.text.find(term)
    return (start, start + len(term)) if start >= 0 else (candidate.best.start, candidate.best.end)


def draft_answer(
    question: QuestionAnalysis, candidates: list[Candidate], coverage: Coverage, abstention: Abstention
) -> Draft:
    """Choose what to quote from the ranked candidates, or abstain."""
    if not candidates or not abstention.answers(candidates[0]):
        return Draft(False, [], {}, ())
    if question.question_type == "definition" and (draft := _definition(question, candidates, coverage)):
        return draft
    best = candidates[0]
    chunk = best.chunk
    if chunk.kind in ("table_row", "box_entry") and len(chunk.text) <= 160:
        start, end = 0, len(chunk.text)
    else:
        offset, stop = shortest_span(best.best.text, coverage, question.question_type)
        start, end = best.best.start + offset, best.best.start + stop
    quote = chunk.text[start:end]
    parts = [(quote, 0)]
    highlights = {0: (start, end)}
    if question.question_type == "list":
        # a list often continues in the next entry or paragraph of the same section
        for index, other in enumerate(candidates[1:4], start=1):
            if other.chunk.path == chunk.path and other.coverage >= 0.9 * best.coverage:
                parts.append((other.best.text, index))
                highlights[index] = (other.best.start, other.best.end)
    keys = tuple(dict.fromkeys(f for text, _ in parts for f in figures(text)))
    return Draft(True, parts, highlights, keys)
