"""Second-stage ranking: retrieval score blended with how well a chunk's best sentence answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.evidence import Coverage, Unit, score_units, type_fit
from assistant.query import QuestionType
from assistant.scoring import Weights
from corpus import Chunk
from index.hits import Hit
from index.searcher import Retrieval

# 「葛店开发区。全面承接……」「数字基础设施工程：到2025年……」: what a paragraph or entry is about
_LEAD_IN = re.compile(r"^(?:（[一二三四五六七八九十]+）\s*)?([^，。：；]{2,16})[。：]")


@dataclass(frozen=True)
class Candidate:
    """A retrieved chunk with its best sentence and the signals used to rank it."""

    chunk: Chunk
    score: float
    best: Unit
    topic: float  # coverage of the chunk's own topic: its lead-in and nearest heading
    dense: float  # cosine similarity of question and chunk (0 when not computed)
    retrieval_rank: int

    @property
    def coverage(self) -> float:
        """Coverage of the question by the best sentence, in its context, in [0, 1]."""
        return self.best.coverage


def topic_of(chunk: Chunk) -> str:
    """The lead-in of a paragraph or box entry plus its nearest heading."""
    match = _LEAD_IN.match(chunk.text)
    return " ".join(p for p in (match.group(1) if match else "", chunk.path[-1] if chunk.path else "") if p)


def candidate_pool(retrieval: Retrieval, depth: int, each: int) -> list[tuple[int, Hit]]:
    """The fused list's first ``depth`` hits, plus any hit among either retriever's own first
    ``each`` that fusion ranked lower, as (fused rank, hit).

    Reciprocal-rank fusion is flat: within one document nearly every passage is in both lists, so
    a passage that BM25 ranks first and the dense model ranks last (an English question, a rare
    term) can fall below passages both rank middling. The reranker still gets to see it.
    """
    heads = set()
    for scores in (retrieval.bm25_scores, retrieval.dense_scores):
        heads.update(sorted(scores, key=lambda cid: (-scores[cid], cid))[:each])
    return [(rank, hit) for rank, hit in enumerate(retrieval.hits) if rank < depth or hit.chunk_id in heads]


def rank_candidates(
    retrieval: Retrieval, chunk: Callable[[str], Chunk], coverage: Coverage, question_type: QuestionType,
    weights: Weights, subject: frozenset[str] = frozenset(),
) -> list[Candidate]:
    """Rerank the pool of :func:`candidate_pool`; ties keep retrieval order.

    ``subject``: the documents' own names the question asks about (临空经济区): a passage whose
    lead-in or heading names one is about it; one that lists it among others only mentions it.
    """
    pool = candidate_pool(retrieval, weights.rerank_depth, weights.retriever_depth)
    if not pool:
        return []
    top = retrieval.hits[0].score or 1.0
    dense_values = list(retrieval.dense_scores.values())
    lo, hi = (min(dense_values), max(dense_values)) if dense_values else (0.0, 0.0)
    out = []
    for rank, hit in pool:
        passage = chunk(hit.chunk_id)
        units = score_units(passage, coverage, question_type, weights)
        best = max(units, key=lambda u: (u.score, -u.start))
        lead = topic_of(passage)
        topic = coverage(lead)
        dense = retrieval.dense_scores.get(hit.chunk_id, lo)
        dense_norm = (dense - lo) / (hi - lo) if hi > lo else 0.0
        score = (weights.sentence * best.score + weights.topic * topic + weights.retrieval * (hit.score / top)
                 + weights.dense * dense_norm)
        if any(name in lead for name in subject):
            score += weights.subject
        if question_type in ("number", "date"):
            # a question for a figure or a date is answered by a passage that has one
            score += weights.figure * type_fit(best.text, question_type)
        out.append(Candidate(passage, score, best, topic, dense, rank))
    out.sort(key=lambda c: (-c.score, c.retrieval_rank))
    return out
