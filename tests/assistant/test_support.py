"""The decision to answer (assistant.support) as a unit: scores, levels, reasons, the model file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.candidates import AnswerCandidate
from assistant.features import FEATURES, QUESTION_FEATURES, Context
from assistant.passages import Passage
from assistant.support import REASONS, Judged, Linear, SupportModel, SupportModelError
from corpus import Chunk


def _judged(support: float, short: str = "5000个", passage: str = "a", **values: float) -> Judged:
    chunk = Chunk(passage, "doc", (), f"建设5G基站{short}。", "paragraph", (passage,))
    candidate = AnswerCandidate(Passage(chunk, 0), "figure", (0, len(chunk.text)), (0, len(chunk.text)), short)
    return Judged(candidate, support, dict.fromkeys(FEATURES, 0.0) | values)


def _model(answer_at: float = 0.8, tentative_at: float = 0.5) -> SupportModel:
    """A confidence model that reads only the best support's log-odds."""
    confidence = Linear.zero(QUESTION_FEATURES)
    coef = np.array([1.0 if name == "top" else 0.0 for name in QUESTION_FEATURES])
    confidence = Linear(QUESTION_FEATURES, confidence.mean, confidence.scale, coef, 0.0)
    candidates = Linear(FEATURES, np.zeros(len(FEATURES)), np.ones(len(FEATURES)),
                        np.array([-2.0 if name == "kind_conflict" else 0.0 for name in FEATURES]), 0.0)
    return SupportModel(candidates, confidence, answer_at, tentative_at)


@pytest.fixture
def ctx(qa) -> Context:
    return qa.stages("鄂州打算建多少5G基站？").context


def test_linear_scores_are_a_logistic_of_standardised_features():
    model = Linear(("a", "b"), np.array([1.0, 0.0]), np.array([2.0, 1.0]), np.array([1.0, -1.0]), 0.5)
    [p] = model.predict(model.matrix([{"a": 3.0, "b": 1.0}]))
    assert p == pytest.approx(1 / (1 + np.exp(-(1.0 - 1.0 + 0.5))))
    assert model.contributions({"a": 3.0, "b": 1.0}) == {"a": 1.0, "b": -1.0}


def test_levels_follow_the_thresholds(ctx):
    model = _model()
    assert model.decide([_judged(0.9)], ctx).level == "answer"
    middle = model.decide([_judged(0.6)], ctx)
    assert middle.level == "tentative" and middle.best is not None and middle.reason
    assert model.decide([_judged(0.2)], ctx).level == "none"
    nothing = model.decide([], ctx)
    assert nothing.level == "none" and nothing.best is None and nothing.confidence == 0.0


def test_a_decline_names_the_feature_that_weighed_most_against(ctx):
    decision = _model().decide([_judged(0.3, kind_conflict=1.0)], ctx)
    assert decision.reason == REASONS["kind_conflict"]


def test_candidates_are_judged_best_first_and_the_untrained_model_never_answers(qa):
    stages = qa.stages("鄂州打算建多少5G基站？")
    judged = qa.support.judge(stages.candidates, stages.context)
    assert len(judged) == len(stages.candidates)
    assert [j.support for j in judged] == sorted((j.support for j in judged), reverse=True)
    untrained = SupportModel.untrained()
    assert untrained.decide(untrained.judge(stages.candidates, stages.context), stages.context).level == "none"


def test_the_model_file_is_checked(tmp_path):
    with pytest.raises(SupportModelError, match="planqa fit"):
        SupportModel.load(tmp_path / "missing.json")
    shipped = SupportModel.load()
    assert 0 < shipped.tentative_at <= shipped.answer_at <= 1.0 + 1e-6
    data = shipped.to_dict()
    data["candidates"]["features"] = data["candidates"]["features"][:-1]
    (tmp_path / "other.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SupportModelError, match="other features"):
        SupportModel.load(tmp_path / "other.json")
    (tmp_path / "same.json").write_text(json.dumps(shipped.to_dict()), encoding="utf-8")
    again = SupportModel.load(tmp_path / "same.json")
    assert again.answer_at == shipped.answer_at and again.candidates.features == shipped.candidates.features
