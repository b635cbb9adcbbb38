"""Fit the support model (assistant/support.py) on the development questions, cross-validated over documents.

1. Every question of the development sets about a document *not* held out is run through the answer
   path up to its candidates; each candidate gets its features and a label: does the answer built
   from it hold every expected string (a right answer, as ``planqa eval`` judges it)? Unanswerable
   questions give only negatives. Questions split into parts or rows are left out (their parts are
   what is answered).
2. The candidate model, a logistic regression (scikit-learn), is cross-validated with GroupKFold over
   documents: each question's candidates are scored by a model that never saw its document.
3. From those out-of-fold scores each question gets its decision features (the best candidate among
   the others) and a label (is answering with the best right?); the confidence model, a second
   logistic regression, is cross-validated the same way. The regularisation of both models is chosen
   by the cross-validated area under the risk–coverage curve; strong regularisation shrinks the
   probabilities towards the mean, so the out-of-fold ones are recalibrated by Platt scaling (a
   logistic regression of the outcome on their log-odds, folded into the confidence model's weights:
   an isotonic map measured worse), checked for calibration (reliability table, expected calibration
   error) and choose the thresholds: ``answer`` at the lowest probability whose answered precision is
   at least ``PRECISION_TARGET``; ``tentative`` is TENTATIVE_CONFIDENCE. How much that threshold
   depends on the documents fitted is reported (``threshold_spread``: over bootstrap resamples of them).
4. The final models are fitted on every fitting question; the held-out documents are measured once.
   Every question is also judged again with its passages' headings taken away (Sample.headingless:
   an outside suite hands a reader bare passages, and a report's section without its heading no
   longer dates its figures) by the same models, and measured beside it (``headingless``).
5. What retrieval missing the answer looks like: each question whose answer a candidate carries is
   judged again with every passage holding it taken away (Sample.without_answer; the other passages
   keep their ranks) — the share of those declined is reported, cross-validated and held out (the
   product must decline when no passage it found holds the answer).

    planqa fit            # writes assistant/data/support.json with the numbers beside the values
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from assistant import PlanQA
from assistant.candidates import AnswerCandidate
from assistant.compose import compose
from assistant.features import FEATURES, QUESTION_FEATURES, Ranked, feature_rows, question_features, with_relative
from assistant.parts import question_parts
from assistant.passages import Passage
from assistant.query import Query
from assistant.support import SUPPORT_FILE, Decision, Judged, Linear, SupportModel
from eval.metrics import (
    area_under_risk_coverage,
    expected_calibration_error,
    missing_strings,
    quotable,
    reliability_table,
    risk_coverage,
)
from eval.qaset import QAItem

# the precision of the answered on documents the model never saw (cross-validated over documents, where
# each plan's questions are predicted by a model that saw none of that plan): 0.95 there answered under
# 5% of the questions with this model, and the cross-validation is harsher than new documents turned
# out to be (docs/answering.md: 0.85 here gave 0.94 on the held-out documents); below it, the answer is
# offered as 「可能的答案（请核对原文）」, never as a headline
PRECISION_TARGET = 0.85
HEADLINED = ("figure", "row", "date")  # candidate kinds whose short answer is shown as the headline
TENTATIVE_CONFIDENCE = 0.5  # offered as 「可能的答案」 when more likely right than wrong
FOLDS = 5
BOOTSTRAP_RESAMPLES = 200
C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


@dataclass
class Sample:
    """One question's candidates: their feature matrix, labels and what the decision reads of each."""

    item: QAItem
    group: str
    query: Query | None
    x: np.ndarray
    y: np.ndarray
    texts: list[str]
    ranked: list[Ranked]  # kind, short answer and passage of each candidate (support and row filled in later)
    x_bare: np.ndarray  # the features with every passage's headings taken away (Sample.headingless)

    def question_row(self, scores: np.ndarray) -> dict[str, float]:
        """The decision features of this question when its candidates have ``scores``."""
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
        ranked = [replace(self.ranked[i], support=float(scores[i]),
                          row=dict(zip(FEATURES, self.x[i].tolist(), strict=True))) for i in order]
        if self.query is None:
            return {name: 0.0 for name in QUESTION_FEATURES} | {"top": -13.8, "second": -13.8}
        return question_features(ranked, self.query)

    def headingless(self) -> Sample:
        """This question with its passages' headings taken away: the same candidates and labels, the
        features a reader given bare passages sees."""
        return replace(self, x=self.x_bare)

    def without_answer(self) -> Sample | None:
        """This question with every passage holding its answer taken away: what the decision sees when
        retrieval misses the answer (None when no candidate carries it, or nothing is left)."""
        if self.query is None or not self.y.any():
            return None
        holding = {self.ranked[i].passage for i in np.flatnonzero(self.y)}
        keep = [i for i, r in enumerate(self.ranked) if r.passage not in holding]
        if not keep:
            return None
        answer_type = self.query.answer_type
        return Sample(self.item, self.group, self.query, _relative(self.x[keep], answer_type), np.zeros(len(keep)),
                      [self.texts[i] for i in keep], [self.ranked[i] for i in keep],
                      _relative(self.x_bare[keep], answer_type))

    def right(self, scores: np.ndarray) -> bool:
        """Whether answering with the best-scored candidate is right."""
        return bool(len(scores) and self.y[int(np.argmax(scores))])


def _relative(x: np.ndarray, answer_type: str) -> np.ndarray:
    """Candidate features with those measured against the other candidates measured again (against
    the candidates of ``x``)."""
    rows = with_relative([dict(zip(FEATURES, row.tolist(), strict=True)) for row in x], answer_type)
    return _matrix(rows)


def group_of(item: QAItem) -> str:
    """The cross-validation group of a question: its document (or, for one asked of no document, the
    region it names)."""
    return item.doc or f"region:{item.region or item.id}"


def collect(answerers: Mapping[str, PlanQA], items: Sequence[tuple[QAItem, str]], mode: str = "hybrid",
            progress: bool = True) -> list[Sample]:
    """Candidates, features and labels of every question answered in one scope, in one part, each asked
    of its own library (``answerers`` by library name)."""
    samples = []
    for n, (item, library) in enumerate(items, start=1):
        qa = answerers[library]
        if progress and n % 50 == 0:
            print(f"planqa fit: candidates {n}/{len(items)}", file=sys.stderr, flush=True)
        if len(question_parts(item.question, qa.searcher.words)) > 1:
            continue
        stages = qa.stages(item.question, mode)
        if stages is None:
            empty = np.zeros((0, len(FEATURES)))
            samples.append(Sample(item, group_of(item), None, empty, np.zeros(0), [], [], empty))
            continue
        frame = qa.framing(stages.query, stages.scope, mode)
        ctx = stages.context
        named = feature_rows(stages.candidates, ctx)
        labels, texts = [], []
        for c, row in zip(stages.candidates, named, strict=True):
            text = compose(frame, Decision(Judged(c, 1.0, row), 1.0, "answer"), [], [c.passage], 1, qa._cite,
                           qa.title).text
            labels.append(carries(item, c.kind, c.short, text))
            texts.append(text)
        ranked = [Ranked(c.kind, c.short, c.chunk.chunk_id, 0.0, {}) for c in stages.candidates]
        bare = feature_rows([without_headings(c) for c in stages.candidates], ctx)
        samples.append(Sample(item, group_of(item), stages.query, _matrix(named), np.array(labels, dtype=float),
                              texts, ranked, _matrix(bare)))
    return samples


def _matrix(rows: Sequence[Mapping[str, float]]) -> np.ndarray:
    """Named candidate features as a matrix, one row per candidate, columns in FEATURES order."""
    return np.array([[row[name] for name in FEATURES] for row in rows], dtype=float).reshape(-1, len(FEATURES))


def without_headings(candidate: AnswerCandidate) -> AnswerCandidate:
    """``candidate`` as read from its passages without their heading paths."""
    def bare(passage: Passage) -> Passage:
        return replace(passage, chunk=replace(passage.chunk, path=()))

    return replace(candidate, passage=bare(candidate.passage),
                   also=tuple((bare(passage), span) for passage, span in candidate.also))


def carries(item: QAItem, kind: str, short: str, text: str) -> bool:
    """Whether the answer built from a candidate is right: it holds every expected string within the
    strict length (eval.metrics.quotable), and a figure, cell or date it leads with is one of them (a
    sentence holding the answer does not make another figure of it right: that figure would be the
    headline)."""
    if not item.answerable or not quotable(text, short, item.must_contain):
        return False
    return kind not in HEADLINED or any(not missing_strings(short, [key]) or not missing_strings(key, [short])
                                        for key in item.must_contain)


def _stack(samples: Sequence[Sample]) -> tuple[np.ndarray, np.ndarray]:
    return np.vstack([s.x for s in samples]), np.concatenate([s.y for s in samples])


def _fit_lr(names: tuple[str, ...], x: np.ndarray, y: np.ndarray, c: float) -> Linear:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit((x - mean) / scale, y)
    return Linear(names, mean, scale, model.coef_[0], float(model.intercept_[0]))


def _fit_decision(q: Questions, c: float, rows: np.ndarray | slice = slice(None)) -> Linear:
    return _fit_lr(QUESTION_FEATURES, q.x[rows], q.right[rows], c)


def _score(params: Linear, x: np.ndarray) -> np.ndarray:
    return params.predict(x) if len(x) else np.zeros(0)


def _folds(groups: Sequence[str], folds: int = FOLDS) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import GroupKFold

    return list(GroupKFold(n_splits=min(folds, len(set(groups)))).split(np.zeros(len(groups)), groups=groups))


def _fit_candidates(samples: Sequence[Sample], c: float) -> Linear:
    return _fit_lr(FEATURES, *_stack(samples), c)


@dataclass(frozen=True)
class Questions:
    """Each question's decision features and whether answering with its best candidate is right, as
    it is and with its passages' headings taken away (``*_bare``)."""

    x: np.ndarray
    right: np.ndarray
    x_bare: np.ndarray
    right_bare: np.ndarray


def out_of_fold(samples: Sequence[Sample], c: float) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Every question's candidate scores, and its headingless copy's, from a candidate model fitted on
    the other documents."""
    scores: list[np.ndarray] = [np.zeros(0)] * len(samples)
    bare = list(scores)
    for inside, outside in _folds([s.group for s in samples]):
        model = _fit_candidates([samples[i] for i in inside], c)
        for i in outside:
            scores[i], bare[i] = _score(model, samples[i].x), _score(model, samples[i].x_bare)
    return scores, bare


def _decision_rows(samples: Sequence[Sample], scores: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    rows = [s.question_row(sc) for s, sc in zip(samples, scores, strict=True)]
    x = np.array([[row[name] for name in QUESTION_FEATURES] for row in rows], dtype=float)
    return x, np.array([s.right(sc) for s, sc in zip(samples, scores, strict=True)])


def _questions(samples: Sequence[Sample], scores: Sequence[np.ndarray], bare: Sequence[np.ndarray]) -> Questions:
    """The decision's view of ``samples`` whose candidates have ``scores`` (their copies ``bare``)."""
    return Questions(*_decision_rows(samples, scores), *_decision_rows([s.headingless() for s in samples], bare))


def _confidence_oof(groups: Sequence[str], q: Questions, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold confidence of each question and of its headingless copy."""
    out, bare = np.zeros(len(q.right)), np.zeros(len(q.right))
    for inside, outside in _folds(groups):
        if len(set(q.right[inside])) < 2:
            out[outside] = bare[outside] = q.right[inside].mean()
            continue
        model = _fit_decision(q, c, inside)
        out[outside], bare[outside] = model.predict(q.x[outside]), model.predict(q.x_bare[outside])
    return out, bare


def _without_answer_oof(samples: Sequence[Sample], q: Questions, c: float, c2: float,
                        platt_map: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """The calibrated confidence of each question with its answer's passages taken away
    (Sample.without_answer), as it is and headingless, judged by the candidate and decision models of
    the fold that never saw its document."""
    out: list[float] = []
    bare: list[float] = []
    for inside, outside in _folds([s.group for s in samples]):
        missed = [m for i in outside if (m := samples[i].without_answer()) is not None]
        if not missed or len(set(q.right[inside])) < 2:
            continue
        candidates = _fit_candidates([samples[i] for i in inside], c)
        decision = calibrated(_fit_decision(q, c2, inside), *platt_map)
        out += _missed_confidence(missed, candidates, decision).tolist()
        bare += _missed_confidence([m.headingless() for m in missed], candidates, decision).tolist()
    return np.array(out), np.array(bare)


def _missed_confidence(missed: Sequence[Sample], candidates: Linear, decision: Linear) -> np.ndarray:
    """The decision's confidence in each question of ``missed`` (Sample.without_answer)."""
    rows = [m.question_row(_score(candidates, m.x)) for m in missed]
    return decision.predict(decision.matrix(rows)) if rows else np.zeros(0)


def _declined(confidence: np.ndarray, answer_at: float) -> float | None:
    """The share of ``confidence`` below the answer threshold (None for none)."""
    return round(float((confidence < answer_at).mean()), 4) if len(confidence) else None


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def platt(confidence: np.ndarray, right: np.ndarray) -> tuple[float, float]:
    """(slope, intercept) of the Platt map σ(slope · logit(p) + intercept) fitted on out-of-fold
    probabilities and outcomes; (1, 0) when the outcomes are all alike."""
    from sklearn.linear_model import LogisticRegression

    if len(set(right.tolist())) < 2:
        return 1.0, 0.0
    model = LogisticRegression(C=1e6, max_iter=1000).fit(_logit(confidence)[:, None], right)
    return float(model.coef_[0][0]), float(model.intercept_[0])


def calibrated(model: Linear, slope: float, intercept: float) -> Linear:
    """``model`` with the Platt map folded into its weights (its log-odds scaled and shifted)."""
    return replace(model, coef=model.coef * slope, intercept=model.intercept * slope + intercept)


def thresholds(confidence: np.ndarray, right: np.ndarray) -> tuple[float, float]:
    """(answer, tentative): the lowest calibrated confidence whose answered precision reaches
    PRECISION_TARGET (the most answered), and TENTATIVE_CONFIDENCE below it (a calibrated probability)."""
    points = risk_coverage(confidence.tolist(), right.tolist())
    reached = [t for t, _, precision in points if precision >= PRECISION_TARGET]
    answer = min(reached) if reached else 1.0 + 1e-9
    return answer, min(answer, TENTATIVE_CONFIDENCE)


def threshold_spread(confidence: np.ndarray, right: np.ndarray, groups: Sequence[str],
                     resamples: int = BOOTSTRAP_RESAMPLES) -> list[float]:
    """How much the answer threshold depends on which documents were fitted: the 5th, 50th and 95th
    percentile of ``thresholds``' answer threshold over bootstrap resamples of the documents (each drawn
    with replacement, all its questions with it; a fixed seed, so the same data give the same spread)."""
    rng = np.random.default_rng(0)
    names = sorted(set(groups))
    labels = np.array(groups)
    members = {name: np.flatnonzero(labels == name) for name in names}
    found = []
    for _ in range(resamples):
        rows = np.concatenate([members[names[i]] for i in rng.integers(len(names), size=len(names))])
        found.append(thresholds(confidence[rows], right[rows])[0])
    return [round(float(v), 4) for v in np.percentile(found, [5, 50, 95])]


def measure(confidence: np.ndarray, right: np.ndarray, answerable: np.ndarray, answer_at: float) -> dict[str, Any]:
    """Question-level numbers of a decision rule: coverage, precision of the answered, accuracy on the
    answerable, abstention recall, calibration and the risk–coverage area."""
    answered = confidence >= answer_at
    declined_unanswerable = (~answered & ~answerable).sum()
    return {
        "questions": len(confidence),
        "coverage": round(float(answered.mean()), 4) if len(confidence) else None,
        "answered_precision": round(float(right[answered].mean()), 4) if answered.any() else None,
        "answered_wrong": int((answered & ~right).sum()),
        "accuracy_answerable": round(float((answered & right)[answerable].mean()), 4) if answerable.any() else None,
        "abstention_recall": round(float(declined_unanswerable / max((~answerable).sum(), 1)), 4),
        "ece": expected_calibration_error(confidence.tolist(), right.tolist()),
        "aurc": area_under_risk_coverage(confidence.tolist(), right.tolist()),
        "reliability": [list(row) for row in reliability_table(confidence.tolist(), right.tolist())],
    }


def _measure_headingless(confidence: np.ndarray, right: np.ndarray, answerable: np.ndarray, answer_at: float,
                         missed: np.ndarray) -> dict[str, Any]:
    """The headline numbers of the questions judged with their passages' headings taken away."""
    numbers = measure(confidence, right, answerable, answer_at)
    keep = ("coverage", "answered_precision", "answered_wrong", "abstention_recall", "ece", "aurc")
    return {k: numbers[k] for k in keep} | {"declined_without_answer": _declined(missed, answer_at)}


@dataclass(frozen=True)
class FitResult:
    model: SupportModel
    cv: dict[str, Any]
    held_out: dict[str, Any]


def fit(answerers: Mapping[str, PlanQA], items: Sequence[tuple[QAItem, str]], held_out: frozenset[str],
        mode: str = "hybrid", progress: bool = True) -> FitResult:
    """Fit, calibrate and measure the support model (see the module docstring); ``items`` pairs each
    question with the library (a key of ``answerers``) it is asked of."""
    fitting = [(i, lib) for i, lib in items if i.doc not in held_out]
    testing = [(i, lib) for i, lib in items if i.doc in held_out]
    samples = collect(answerers, fitting, mode, progress)
    tests = collect(answerers, testing, mode, progress)
    return fit_collected(samples, tests, next(iter(answerers.values())).model_id, mode, progress)


def fit_collected(samples: Sequence[Sample], tests: Sequence[Sample], model_id: str, mode: str = "hybrid",
                  progress: bool = True) -> FitResult:
    """Fit, calibrate and measure the support model on collected candidates: ``samples`` of the fitting
    documents, ``tests`` of the held-out ones (asked with ``model_id`` in retrieval ``mode``)."""
    groups = [s.group for s in samples]
    answerable = np.array([s.item.answerable for s in samples])
    tried = {}
    for c in C_GRID:
        q = _questions(samples, *out_of_fold(samples, c))
        for c2 in C_GRID:
            raw, raw_bare = _confidence_oof(groups, q, c2)
            tried[(c, c2)] = (area_under_risk_coverage(raw.tolist(), q.right.tolist()) or 1.0, q, raw, raw_bare)
        if progress:
            print(f"planqa fit: C={c} best AURC {min(v[0] for k, v in tried.items() if k[0] == c):.4f}",
                  file=sys.stderr, flush=True)
    c, c2 = min(tried, key=lambda k: (tried[k][0], k))
    _, q, raw, raw_bare = tried[(c, c2)]  # out of fold: each question judged by models that never saw its document
    slope, shift = platt(raw, q.right)
    confidence, confidence_bare = (1.0 / (1.0 + np.exp(-(slope * _logit(r) + shift))) for r in (raw, raw_bare))
    answer_at, tentative_at = thresholds(confidence, q.right)
    candidates = _fit_candidates(samples, c)
    decision = calibrated(_fit_decision(q, c2), slope, shift)
    missed, missed_bare = _without_answer_oof(samples, q, c, c2, (slope, shift))
    cv = {"C": [c, c2], "platt": [round(slope, 4), round(shift, 4)],
          "threshold_spread": threshold_spread(confidence, q.right, groups),
          **measure(confidence, q.right, answerable, answer_at),
          "declined_without_answer": _declined(missed, answer_at),
          "headingless": _measure_headingless(confidence_bare, q.right_bare, answerable, answer_at, missed_bare),
          "curve": risk_coverage(confidence.tolist(), q.right.tolist())}
    held = {}
    if tests:
        t_answerable = np.array([s.item.answerable for s in tests])
        t_q = _questions(tests, [_score(candidates, s.x) for s in tests], [_score(candidates, s.x_bare) for s in tests])
        t_conf, t_conf_bare = decision.predict(t_q.x), decision.predict(t_q.x_bare)
        t_missed = [m for s in tests if (m := s.without_answer()) is not None]
        held = {**measure(t_conf, t_q.right, t_answerable, answer_at),
                "declined_without_answer": _declined(_missed_confidence(t_missed, candidates, decision), answer_at),
                "headingless": _measure_headingless(
                    t_conf_bare, t_q.right_bare, t_answerable, answer_at,
                    _missed_confidence([m.headingless() for m in t_missed], candidates, decision)),
                "curve": risk_coverage(t_conf.tolist(), t_q.right.tolist())}
    about = {
        "_about": "Fitted by `planqa fit` (eval/fit.py): logistic regressions over the features of "
                  "assistant/features.py (candidates, then the question's decision), cross-validated over "
                  "documents (GroupKFold), the decision recalibrated (Platt) on out-of-fold predictions; "
                  f"thresholds for answered precision >= {PRECISION_TARGET} on unseen documents (answer) and a "
                  f"calibrated confidence >= {TENTATIVE_CONFIDENCE} (tentative).",
        "fitted": {"questions": len(samples), "candidates": sum(len(s.y) for s in samples),
                   "positives": int(sum(s.y.sum() for s in samples)),
                   "held_out_questions": len(tests), "mode": mode,
                   "model": model_id,
                   "cross_validated": {k: v for k, v in cv.items() if k != "curve"},
                   "held_out": {k: v for k, v in held.items() if k != "curve"},
                   "at": datetime.now(UTC).isoformat(timespec="seconds")},
    }
    model = SupportModel(candidates, decision, answer_at, tentative_at, about)
    return FitResult(model, cv, held)


def save(result: FitResult, path: Path = SUPPORT_FILE) -> None:
    """Write the fitted model as data (JSON), with how it was fitted and what it scored."""
    import json

    path.write_text(json.dumps(result.model.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
