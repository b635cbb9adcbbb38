"""The decision to answer, in one place: a learned model of whether a candidate carries the answer,
a learned model of whether the best candidate is right, calibrated, and thresholds chosen for a risk
target.

``assistant/data/support.json`` holds two logistic regressions over standardised, named features:
``candidates`` scores every candidate (assistant.features.FEATURES: does it carry the answer?);
``confidence`` scores the question's best candidate against the others (QUESTION_FEATURES: is
answering with it right?) — its output is the probability the answer is right, recalibrated (Platt
scaling, folded into its weights) and checked on cross-validated predictions over documents (planqa
fit reports the reliability table and the calibration error); and two thresholds on that
probability: ``answer`` (answered precision ≥ the target on documents the model did not see) and
``tentative`` (below ``answer`` the answer is only offered as 「可能的答案（请核对原文）」). ``planqa fit``
(eval/fit.py) writes it with its measured numbers; prediction needs only numpy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.candidates import AnswerCandidate
from assistant.features import (
    FEATURES,
    QUESTION_FEATURES,
    Context,
    Ranked,
    feature_rows,
    question_features,
)
from assistant.records import Level
from corpus.errors import PlanqaError

SUPPORT_FILE = Path(__file__).resolve().parent / "data" / "support.json"
# why a candidate was not good enough, by the feature that weighed most against it
REASONS: dict[str, str] = {
    "time_other_year": "该段落说的是另一年份 / the passage is about another year",
    "time_other_period": "该段落说的不是所问的时期 / the passage is not about the period asked",
    "time_whole_period": "该段落说的是整个时期，不是所问的一年 / the passage is about a whole period",
    "time_review_for_target": "该段落是回顾，不是目标 / the passage reviews the past; a target was asked",
    "time_review_of_year": "该段落是回顾，不是目标 / the passage reviews the year; a target was asked",
    "kind_conflict": "数字的种类与所问不符 / the figure is another kind of quantity than the one asked",
    "rate_for_amount": "所问是数量，段落给的是比率 / a quantity was asked, the passage gives a rate",
    "amount_for_rate": "所问是比率，段落给的是数量 / a rate was asked, the passage gives an amount",
    "ind_other": "数字属于另一个指标 / the figure is another indicator's",
    "derived_measure": "数字是另一种度量（比重、贡献率等） / the figure is a derived measure",
    "compared_gap": "数字是差距，不是指标本身 / the figure is a gap to another indicator",
    "specific_missing": "段落没有提到问题的关键词 / the passages do not name the question's key term",
    "doc_kind_conflict": "答案来自另一类文件 / the passage is from another kind of document than asked",
    "growth_missing": "所问是增速，段落没有给出 / a growth rate was asked, the passage gives none",
}
LOW_SUPPORT = "没有足够可信的答案 / no passage answers the question with enough confidence"


class SupportModelError(PlanqaError):
    """The support model file is missing or does not match the features of this version."""


@dataclass(frozen=True)
class Judged:
    """A candidate with the model's probability that it carries the answer, and the features behind it."""

    candidate: AnswerCandidate
    support: float
    features: Mapping[str, float]


@dataclass(frozen=True)
class Decision:
    """What to do with a question: the best candidate (None when there is none), the calibrated
    probability that it is right, how to show it, and, when it is not answered, why."""

    best: Judged | None
    confidence: float
    level: Level
    reason: str = ""


@dataclass(frozen=True)
class Linear:
    """A logistic regression over named, standardised features: p = σ(((x − mean) / scale) · coef + intercept)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    @classmethod
    def zero(cls, features: tuple[str, ...]) -> Linear:
        n = len(features)
        return cls(features, np.zeros(n), np.ones(n), np.zeros(n), 0.0)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], expected: tuple[str, ...], path: Path) -> Linear:
        names = tuple(data["features"])
        if set(names) != set(expected):
            raise SupportModelError(f"回答模型与特征不符 / the support model in {path} was fitted on other features "
                                    f"({len(names)} vs {len(expected)}); refit it with `planqa fit`")
        return cls(names, np.array(data["mean"]), np.array(data["scale"]), np.array(data["coef"]),
                   float(data["intercept"]))

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(self.features), "mean": _round(self.mean), "scale": _round(self.scale),
                "coef": _round(self.coef), "intercept": round(self.intercept, 6)}

    def matrix(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Feature rows as a matrix in the model's feature order."""
        values = [[row[name] for name in self.features] for row in rows]
        return np.array(values, dtype=float).reshape(-1, len(self.features))

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        """The probability of each row."""
        z = (matrix - self.mean) / self.scale
        return 1.0 / (1.0 + np.exp(-(z @ self.coef + self.intercept)))

    def contributions(self, row: Mapping[str, float]) -> dict[str, float]:
        """Each feature's share of the log-odds of one row (for explaining a decision)."""
        z = (self.matrix([row])[0] - self.mean) / self.scale
        return dict(zip(self.features, (z * self.coef).tolist(), strict=True))


@dataclass(frozen=True)
class SupportModel:
    """The candidate model, the confidence model with its calibration, and the thresholds (module docstring)."""

    candidates: Linear
    confidence: Linear
    answer_at: float
    tentative_at: float
    about: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def load(cls, path: Path = SUPPORT_FILE) -> SupportModel:
        """The fitted model; SupportModelError when the file is missing or names other features."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            models, confidence, thresholds = data["candidates"], data["confidence"], data["thresholds"]
        except (OSError, ValueError, KeyError) as exc:
            raise SupportModelError(f"找不到回答模型 / cannot read the support model {path}: {exc}; "
                                    "fit it with `planqa fit`") from exc
        return cls(Linear.from_dict(models, FEATURES, path), Linear.from_dict(confidence, QUESTION_FEATURES, path),
                   float(thresholds["answer"]), float(thresholds["tentative"]),
                   {k: v for k, v in data.items() if k not in ("candidates", "confidence", "thresholds")})

    @classmethod
    def untrained(cls) -> SupportModel:
        """A model that has learned nothing: every candidate gets 0.5 and nothing is answered (the
        starting point of ``planqa fit``)."""
        return cls(Linear.zero(FEATURES), Linear.zero(QUESTION_FEATURES), 1.0 + 1e-9, 1.0 + 1e-9, {"untrained": True})

    def to_dict(self) -> dict[str, Any]:
        """The JSON form ``load`` reads (the numbers rounded for a readable, stable file)."""
        return {**self.about, "candidates": self.candidates.to_dict(), "confidence": self.confidence.to_dict(),
                "thresholds": {"answer": round(self.answer_at, 4), "tentative": round(self.tentative_at, 4)}}

    def judge(self, candidates: Sequence[AnswerCandidate], ctx: Context) -> list[Judged]:
        """Every candidate with its support, best first (ties keep candidate order)."""
        rows = feature_rows(candidates, ctx)
        if not rows:
            return []
        support = self.candidates.predict(self.candidates.matrix(rows))
        order = sorted(range(len(candidates)), key=lambda i: (-support[i], i))
        return [Judged(candidates[i], float(support[i]), rows[i]) for i in order]

    def probability(self, judged: Sequence[Judged], ctx: Context) -> float:
        """The probability that answering with the best of ``judged`` is right."""
        row = question_features([Ranked(j.candidate.kind, j.candidate.short, j.candidate.chunk.chunk_id, j.support,
                                        j.features) for j in judged], ctx.query)
        return float(self.confidence.predict(self.confidence.matrix([row]))[0])

    def decide(self, judged: Sequence[Judged], ctx: Context) -> Decision:
        """Answer the best candidate when it is confident enough, offer it when it is likely, else decline."""
        if not judged:
            return Decision(None, 0.0, "none", "没有检索到可以回答的段落 / nothing retrieved could answer")
        best = judged[0]
        confidence = self.probability(judged, ctx)
        if confidence >= self.answer_at:
            return Decision(best, confidence, "answer")
        level = "tentative" if confidence >= self.tentative_at else "none"
        return Decision(best, confidence, level, self.why_not(best))

    def why_not(self, judged: Judged) -> str:
        """The reason a candidate falls short: the known feature that weighs most against it."""
        against = [(value, name) for name, value in self.candidates.contributions(judged.features).items()
                   if name in REASONS and value < 0 and judged.features[name]]
        return REASONS[min(against)[1]] if against else LOW_SUPPORT


def _round(values: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in values]
