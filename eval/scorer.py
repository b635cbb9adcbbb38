"""Score PlanQA on a Q&A set: answer accuracy, retrieval, citation precision, abstention, latency.

An evaluator is a callable, in the manner of sentence-transformers' ``SentenceEvaluator``::

    evaluator = QAEvaluator(load_qa(default_qa_path()), k=5)
    metrics = evaluator(qa, "hybrid")            # {"answer_accuracy": 0.71, "recall@5": …}
    metrics[evaluator.primary_metric]
    evaluator.runs["hybrid"].failures()          # per-item detail of the last run per mode

Each question is asked once (``qa.ask``); its citations, in order, are the ranked passages
that the retrieval metrics score. The rules themselves are the pure functions of
:mod:`eval.metrics`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant import Answer, Citation
from eval.metrics import (
    area_under_risk_coverage,
    expected_calibration_error,
    figures_quoted,
    first_match_rank,
    mean_reciprocal_rank,
    missing_strings,
    percentile,
    precision_recall,
    quotable,
    recall_at,
    share,
)
from eval.qaset import DIFFICULTIES, QA_TYPES, QAItem

Metrics = dict[str, float | None]
RECALL_CUTOFFS = (1, 3, 5)
METRIC_NAMES: tuple[str, ...] = (
    "answer_accuracy",
    "strict_accuracy",
    "right_document",
    "citation_precision",
    "abstention_precision",
    "abstention_recall",
    "coverage",
    "answered_precision",
    "headline_figures_quoted",
    "aurc",
    "ece",
    *(f"recall@{n}" for n in RECALL_CUTOFFS),
    "mrr",
    "latency_p50_ms",
    "latency_p95_ms",
)


class Answerer(Protocol):
    """What the evaluator needs from PlanQA."""

    def ask(self, question: str, k: int = ..., mode: Any = ...) -> Answer: ...


def passage_text(citation: Citation) -> str:
    """What a citation shows the reader: its text and the footnotes it references."""
    return "\n".join((citation.text, *citation.footnotes))


@dataclass(frozen=True)
class ItemResult:
    """One question's outcome.

    ``correct``: an answerable item answered (found) with every expected string, or an
    unanswerable item declined (found=False). ``evidence_rank``: 1-based rank of the first
    citation holding the evidence (None when none of the top k does, or for unanswerable items).
    """

    item: QAItem
    found: bool
    text: str
    correct: bool
    missing: tuple[str, ...]
    evidence_rank: int | None
    first_citation_has_evidence: bool
    cited_path: str
    latency_ms: float
    cited_doc: str = ""
    confidence: float | None = None  # the answer's calibrated confidence (None: no candidate was judged)
    unsure_right: bool = False  # a declined question: whether the answer it did not give would have been right
    short_answer: str = ""
    headline_quoted: bool | None = None  # answered: whether the headline's figures are figures of its citations

    @property
    def strict(self) -> bool:
        """Correct, and for an answerable item in an answer short enough to quote (eval.metrics.quotable)."""
        return self.correct and (not self.item.answerable or quotable(self.text, self.short_answer,
                                                                      self.item.must_contain))

    @property
    def right_document(self) -> bool | None:
        """Whether an answered item's first citation comes from the document asked about (None: not applicable)."""
        if not self.item.answerable or not self.item.doc or not self.found:
            return None
        return self.cited_doc == self.item.doc

    @property
    def failure_reason(self) -> str:
        if self.correct:
            return ""
        if not self.item.answerable:
            return "answered an unanswerable question"
        if not self.found:
            return "declined an answerable question"
        return "missing " + "、".join(self.missing)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.item.id,
            "type": self.item.type,
            "difficulty": self.item.difficulty,
            "correct": self.correct,
            "strict": self.strict,
            "right_document": self.right_document,
            "found": self.found,
            "headline_quoted": self.headline_quoted,
            "evidence_rank": self.evidence_rank,
            "first_citation_has_evidence": self.first_citation_has_evidence,
            "latency_ms": round(self.latency_ms, 1),
        }


def score_item(item: QAItem, answer: Answer, k: int) -> ItemResult:
    """Judge one answer against its gold item (see :class:`ItemResult`)."""
    citations = answer.citations[:k]
    if item.answerable:
        missing = tuple(missing_strings(answer.text, item.must_contain)) if answer.found else item.must_contain
        correct = answer.found and not missing
        rank = first_match_rank(item.evidence, [passage_text(c) for c in citations])
    else:
        missing, correct, rank = (), not answer.found, None
    return ItemResult(
        item=item,
        found=answer.found,
        text=answer.text,
        correct=correct,
        missing=missing,
        evidence_rank=rank,
        first_citation_has_evidence=rank == 1,
        cited_path=citations[0].path_text if citations else "",
        latency_ms=answer.latency_ms,
        cited_doc=citations[0].doc_id if citations else "",
        confidence=answer.confidence,
        short_answer=answer.short_answer if answer.found else "",
        headline_quoted=figures_quoted(answer.short_answer, [passage_text(c) for c in answer.citations],
                                       item.question) if answer.found else None,
        unsure_right=bool(item.answerable and not answer.found and (unsure := answer.extras.get("unsure"))
                          and not missing_strings(unsure, item.must_contain)),
    )


def confidence_pairs(results: Sequence[ItemResult]) -> tuple[list[float], list[bool]]:
    """Per question: the confidence of its best answer (0 when none was judged) and whether giving that
    answer is right (answered: strict; declined: whether the answer it held back holds every expected
    string)."""
    return ([r.confidence or 0.0 for r in results], [r.strict if r.found else r.unsure_right for r in results])


def summarize(results: Sequence[ItemResult]) -> Metrics:
    """The aggregate metrics of a list of item results (None where undefined, e.g. no items)."""
    answerable = [r for r in results if r.item.answerable]
    ranks = [r.evidence_rank for r in answerable]
    answered = [r for r in answerable if r.found]
    abstain_precision, abstain_recall = precision_recall(
        [not r.found for r in results], [not r.item.answerable for r in results]
    )
    latencies = [r.latency_ms for r in results]
    documents = [r.right_document for r in results if r.right_document is not None]
    metrics: Metrics = {
        "answer_accuracy": share([r.correct for r in answerable]),
        "strict_accuracy": share([r.strict for r in answerable]),
        "right_document": share(documents),
        "citation_precision": share([r.first_citation_has_evidence for r in answered]),
        "abstention_precision": abstain_precision,
        "abstention_recall": abstain_recall,
    }
    found = [r for r in results if r.found]
    metrics["coverage"] = share([r.found for r in results])
    metrics["answered_precision"] = share([r.strict for r in found])
    metrics["headline_figures_quoted"] = share([r.headline_quoted for r in found if r.headline_quoted is not None])
    confidence, right = confidence_pairs(results)
    metrics["aurc"] = area_under_risk_coverage(confidence, right)
    metrics["ece"] = expected_calibration_error(confidence, right)
    metrics.update({f"recall@{n}": recall_at(ranks, n) for n in RECALL_CUTOFFS})
    metrics["mrr"] = mean_reciprocal_rank(ranks)
    metrics["latency_p50_ms"] = percentile(latencies, 50)
    metrics["latency_p95_ms"] = percentile(latencies, 95)
    return metrics


def _group_accuracy(results: Sequence[ItemResult], key: Callable[[QAItem], str], order: Sequence[str]) -> dict:
    """Per group: item count and accuracy (answered correctly, or rightly declined)."""
    groups: dict[str, list[ItemResult]] = {}
    for r in results:
        groups.setdefault(key(r.item), []).append(r)
    names = [g for g in order if g in groups] + sorted(set(groups) - set(order))
    return {
        name: {
            "count": len(groups[name]),
            "accuracy": share([r.correct for r in groups[name]]),
            "recall@5": recall_at([r.evidence_rank for r in groups[name] if r.item.answerable], 5),
        }
        for name in names
    }


@dataclass
class EvalRun:
    """One evaluation of one configuration (retrieval mode, answerer) over the whole set."""

    label: str
    mode: str
    model_id: str
    answerer: str
    k: int
    results: list[ItemResult] = field(default_factory=list)

    @property
    def metrics(self) -> Metrics:
        return summarize(self.results)

    def by_type(self) -> dict:
        """Accuracy per question type; for 「unanswerable」 accuracy is the share declined."""
        return _group_accuracy(self.results, lambda item: item.type, QA_TYPES)

    def by_difficulty(self) -> dict:
        return _group_accuracy(self.results, lambda item: item.difficulty, DIFFICULTIES)

    def by_split(self, held_out: frozenset[str]) -> dict[str, Metrics]:
        """The metrics on the items of documents held out from fitting, and on the rest."""
        if not held_out:
            return {}
        groups = {
            "held-out": [r for r in self.results if r.item.doc in held_out],
            "fit": [r for r in self.results if r.item.doc not in held_out],
        }
        return {name: summarize(results) for name, results in groups.items() if results}

    def failures(self) -> list[dict[str, Any]]:
        """The wrongly answered items: what was expected, what came back, where it was cited from."""
        return [
            {
                "id": r.item.id,
                "type": r.item.type,
                "difficulty": r.item.difficulty,
                "question": r.item.question,
                "expected": list(r.item.must_contain),
                "reason": r.failure_reason,
                "got": r.text,
                "cited_path": r.cited_path,
                "evidence_rank": r.evidence_rank,
            }
            for r in self.results
            if not r.correct
        ]

    def to_dict(self, with_items: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "label": self.label,
            "mode": self.mode,
            "model_id": self.model_id,
            "answerer": self.answerer,
            "k": self.k,
            "questions": len(self.results),
            "metrics": self.metrics,
            "by_type": self.by_type(),
            "by_difficulty": self.by_difficulty(),
            "failures": self.failures(),
        }
        if with_items:
            data["items"] = [r.to_dict() for r in self.results]
        return data


class QAEvaluator:
    """Evaluate a PlanQA on Q&A items; calling it returns the metrics, ``runs`` keeps the details."""

    primary_metric = "answer_accuracy"

    def __init__(self, items: Sequence[QAItem], k: int = 5, name: str = "qa") -> None:
        if not items:
            raise ValueError("no Q&A items to evaluate")
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        self.items = list(items)
        self.k = k
        self.name = name
        self.runs: dict[str, EvalRun] = {}

    def __call__(self, qa: Answerer, mode: str = "hybrid", label: str | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Metrics:
        return self.run(qa, mode, label, progress).metrics

    def run(self, qa: Answerer, mode: str = "hybrid", label: str | None = None,
            progress: Callable[[int, int], None] | None = None) -> EvalRun:
        """Ask every question in ``mode``; the run is stored under ``label`` (default: the mode)."""
        run: EvalRun | None = None
        for n, item in enumerate(self.items, start=1):
            answer = qa.ask(item.question, k=self.k, mode=mode)
            if run is None:
                run = EvalRun(label or mode, answer.mode, answer.model_id, answer.answerer, self.k)
            run.results.append(score_item(item, answer, self.k))
            if progress is not None:
                progress(n, len(self.items))
        assert run is not None  # items is not empty
        self.runs[run.label] = run
        return run

