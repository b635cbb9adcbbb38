"""Second-stage ranking: retrieval score blended with how well a chunk's best sentence answers."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.evidence import Coverage, Unit, score_units
from assistant.question import QuestionType
from corpus import Chunk
from index.searcher import Retrieval

RERANK_DEPTH = 30


@dataclass(frozen=True)
class Candidate:
    """A retrieved chunk with its best sentence and the signals used to rank it."""

    chunk: Chunk
    score: float
    best: Unit
    coverage: float  # of the best sentence, in context, in [0, 1]
    dense: float  # cosine similarity of question and chunk (0 when not computed)
    retrieval_rank: int


def rank_candidates(
    retrieval: Retrieval, chunks: dict[str, Chunk], coverage: Coverage, question_type: QuestionType,
    depth: int = RERANK_DEPTH,
) -> list[Candidate]:
    """Rerank the top ``depth`` hits; ties keep retrieval order."""
    hits = retrieval.hits[:depth]
    if not hits:
        return []
    top = hits[0].score or 1.0
    dense_values = list(retrieval.dense_scores.values())
    lo, hi = (min(dense_values), max(dense_values)) if dense_values else (0.0, 0.0)
    out = []
    for rank, hit in enumerate(hits):
        chunk = chunks[hit.chunk_id]
        units = score_units(chunk, coverage, question_type)
        best = max(units, key=lambda u: (u.score, -u.start))
        dense = retrieval.dense_scores.get(hit.chunk_id, lo)
        dense_norm = (dense - lo) / (hi - lo) if hi > lo else 0.0
        score = 0.5 * best.score + 0.3 * (hit.score / top) + 0.2 * dense_norm
        out.append(Candidate(chunk, score, best, best.coverage, dense, rank))
    out.sort(key=lambda c: (-c.score, c.retrieval_rank))
    return out
