"""Fit the answerer's thresholds on development questions, by cross-validation over documents.

Only questions about documents *not* held out (eval/data/dev/split.json) are used. They are grouped
by document into folds; for each fold, the grid point that scores best on the other folds is scored
on this one (the cross-validated estimate); the final values are the grid point that scores best on
all fitting documents. The held-out documents are then measured once with the final values.

The score is the product's own priority: +1 for a right answer, 0 for declining, −2 for a wrong
answer (a wrong figure under a real citation is worse than 「未找到」); per question.

    planqa fit --dev            # writes assistant/data/weights.json with the numbers beside the values
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant import PlanQA
from assistant.scoring import WEIGHTS_FILE, Weights
from eval.qaset import QAItem
from eval.scorer import ItemResult, score_item, summarize

WRONG_COST = 1.0
FOLDS = 3
# the thresholds that decide between answering and declining; ranking weights stay as they are
GRID: dict[str, tuple[float | int, ...]] = {
    "min_coverage": (0.25, 0.3, 0.35, 0.4),
    "min_clause_coverage": (0.05, 0.15),
    "choose_among": (3, 5),
}


def utility(results: Sequence[ItemResult]) -> float:
    """Mean over questions of +1 for a right answer, −WRONG_COST for a wrong one, 0 for declining."""
    total = 0.0
    for r in results:
        if r.found:
            total += 1.0 if r.strict else -WRONG_COST
    return total / len(results) if results else 0.0


@dataclass(frozen=True)
class FitResult:
    weights: Weights
    cv_utility: float
    fit_utility: float
    held_out_metrics: dict[str, Any]
    fit_metrics: dict[str, Any]


def fold_of(doc: str, folds: int = FOLDS) -> int:
    """A document's fold, by a hash of its id (stable across runs)."""
    return int(hashlib.sha1(doc.encode("utf-8")).hexdigest()[:8], 16) % folds


def _results(qa: PlanQA, items: Sequence[QAItem], weights: Weights, mode: str) -> list[ItemResult]:
    qa.weights = weights
    return [score_item(item, qa.ask(item.question, mode=mode), 5) for item in items]


def fit(qa: PlanQA, items: Sequence[QAItem], held_out: frozenset[str], mode: str = "hybrid",
        grid: dict[str, tuple[float | int, ...]] = GRID, progress: bool = True) -> FitResult:
    """Choose the grid point with the best utility on the fitting documents (see the module docstring)."""
    base = qa.weights
    fitting = [i for i in items if i.doc not in held_out]
    testing = [i for i in items if i.doc in held_out]
    points = [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]
    by_point: list[list[ItemResult]] = []
    for n, point in enumerate(points, start=1):
        by_point.append(_results(qa, fitting, replace(base, **point), mode))
        if progress:
            print(f"planqa fit: {n}/{len(points)} {point} utility {utility(by_point[-1]):.3f}", file=sys.stderr)
    folds = [fold_of(i.doc or i.id) for i in fitting]
    cv_scores: list[float] = []
    for fold in range(FOLDS):
        inside = [k for k, f in enumerate(folds) if f != fold]
        outside = [k for k, f in enumerate(folds) if f == fold]
        best = max(range(len(points)), key=lambda p: utility([by_point[p][k] for k in inside]))
        cv_scores.append(utility([by_point[best][k] for k in outside]) * len(outside))
    cv = sum(cv_scores) / len(fitting)
    best = max(range(len(points)), key=lambda p: utility(by_point[p]))
    weights = replace(base, **points[best])
    tested = _results(qa, testing, weights, mode) if testing else []
    qa.weights = weights
    return FitResult(weights, cv, utility(by_point[best]), _metrics(tested), _metrics(by_point[best]))


def _metrics(results: Sequence[ItemResult]) -> dict[str, Any]:
    if not results:
        return {}
    return {"questions": len(results), "utility": round(utility(results), 4),
            **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in summarize(results).items()
               if not k.startswith("latency")}}


def save(result: FitResult, source: str, mode: str, model_id: str, path: Path = WEIGHTS_FILE) -> None:
    """Write the fitted values with how they were fitted and what they scored."""
    document = {
        "_about": "Fitted by `planqa fit` (eval/fit.py): thresholds chosen by cross-validation over documents "
                  "on the development questions of documents not held out; the held-out documents' numbers "
                  "are measured once, with the final values.",
        "weights": asdict(result.weights),
        "fitted": {
            "qa_file": source, "mode": mode, "model": model_id, "grid": {k: list(v) for k, v in GRID.items()},
            "score": f"+1 right answer, 0 declined, -{WRONG_COST:g} wrong answer (per question)",
            "folds": FOLDS, "cv_utility": round(result.cv_utility, 4), "fit_utility": round(result.fit_utility, 4),
            "fit_metrics": result.fit_metrics, "held_out_metrics": result.held_out_metrics,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
