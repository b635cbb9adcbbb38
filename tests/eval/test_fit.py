"""Fitting the support model (eval/fit.py) as units: labels on the shipped plan's real candidates,
folds over documents, the Platt recalibration and the thresholds."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from assistant.features import FEATURES
from assistant.support import Linear
from eval.fit import _folds, calibrated, carries, collect, fit_collected, platt, threshold_spread, thresholds
from eval.qaset import QAItem


def _item(question: str, must: tuple[str, ...], kind: str = "number") -> QAItem:
    return QAItem("t", question, "", must, "", "", kind, "easy")


def test_a_candidate_carries_the_answer_when_its_answer_holds_it_and_leads_with_it():
    item = _item("鄂州到2025年要建多少5G基站", ("5000个",))
    quote = "「到2025年，全市建设5G基站5000个」"
    assert carries(item, "figure", "5000个", f"5000个。 {quote}")
    # the sentence holds 5000个 but the headline would be another figure
    assert not carries(item, "figure", "2025年", f"2025年。 {quote}")
    assert carries(item, "sentence", "", quote)  # a sentence has no headline of its own
    assert not carries(_item("鄂州人口多少", (), "unanswerable"), "figure", "70%", "70%。")


def test_collect_labels_the_shipped_plans_real_candidates(qa):
    [sample] = collect({"shipped": qa}, [(_item("鄂州到2025年要建多少5G基站？", ("5000个",)), "shipped")],
                       progress=False)
    assert sample.x.shape == (len(sample.y), sample.x.shape[1]) and len(sample.y) > 3
    right = {r.short for r, y in zip(sample.ranked, sample.y, strict=True) if y}
    assert right and all(short.startswith("5000") or not short for short in right)
    assert sample.y.sum() < len(sample.y)  # other figures of the passages are negatives


def test_a_question_without_its_answers_passages_is_judged_on_the_rest(qa):
    [sample] = collect({"shipped": qa}, [(_item("鄂州到2025年要建多少5G基站？", ("5000个",)), "shipped")],
                       progress=False)
    missed = sample.without_answer()
    assert missed is not None and not missed.y.any() and 0 < len(missed.y) < len(sample.y)
    holding = {r.passage for r, y in zip(sample.ranked, sample.y, strict=True) if y}
    assert not holding & {r.passage for r in missed.ranked}
    # the features against the other candidates are those of the candidates left: one of them is now the best quote
    assert missed.x[:, FEATURES.index("best_quote")].max() == 1.0
    assert missed.without_answer() is None  # nothing left carries the answer


def test_a_question_judged_without_its_headings_keeps_its_candidates_and_labels(qa):
    item = _item("临空经济区重点发展哪些产业", ("航空物流",), "list")
    [sample] = collect({"shipped": qa}, [(item, "shipped")], progress=False)
    bare = sample.headingless()
    assert bare.x.shape == sample.x.shape and (bare.y == sample.y).all() and bare.ranked == sample.ranked
    heading = FEATURES.index("cov_heading")
    # the 章/节 named 临空经济区 for some candidates; without headings they say nothing
    assert sample.x[:, heading].max() > 0 and not bare.x[:, heading].any()
    missed = sample.without_answer()
    assert missed is not None and not missed.headingless().x[:, heading].any()


def test_folds_never_split_a_document():
    groups = [f"doc{i % 7}" for i in range(70)]
    for inside, outside in _folds(groups):
        assert not {groups[i] for i in inside} & {groups[i] for i in outside}


def test_platt_recovers_an_overconfident_model_and_folds_into_its_weights():
    rng = np.random.default_rng(0)
    true = rng.uniform(0.05, 0.95, 4000)
    right = rng.uniform(size=true.size) < true
    logit = np.log(true / (1 - true))
    overconfident = 1 / (1 + np.exp(-2.0 * logit))  # log-odds twice what they should be
    slope, shift = platt(overconfident, right)
    assert 0.4 < slope < 0.6 and abs(shift) < 0.15
    model = Linear(("a",), np.zeros(1), np.ones(1), np.array([2.0]), 0.5)
    folded = calibrated(model, slope, shift)
    x = np.array([[0.3], [-1.2]])
    raw = model.predict(x)
    expected = 1 / (1 + np.exp(-(slope * np.log(raw / (1 - raw)) + shift)))
    assert np.allclose(folded.predict(x), expected)
    assert platt(np.array([0.2, 0.7]), np.array([True, True])) == (1.0, 0.0)


def test_the_answer_threshold_is_the_lowest_reaching_the_precision_target():
    confidence = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    right = np.array([True, True, True, True, False, False, True])
    answer, tentative = thresholds(confidence, right)
    assert answer == 0.7 and tentative == 0.5  # 4 of 4 answered at 0.7; at 0.6, 4 of 5 < 0.85
    never, _ = thresholds(np.array([0.9, 0.8]), np.array([False, False]))
    assert never > 1.0


def test_the_threshold_spread_shows_how_much_the_threshold_depends_on_the_documents_fitted():
    rng = np.random.default_rng(1)
    confidence = rng.uniform(size=2000)
    right = rng.uniform(size=2000) < confidence  # calibrated: precision ≥ 0.85 from about 0.7 up
    groups = [f"doc{i % 20}" for i in range(2000)]
    low, median, high = threshold_spread(confidence, right, groups)
    assert low <= median <= high and abs(median - thresholds(confidence, right)[0]) < 0.05
    assert threshold_spread(confidence, right, groups) == [low, median, high]  # a fixed seed
    # one document: every resample draws the same questions, so nothing varies
    one = thresholds(confidence, right)[0]
    assert threshold_spread(confidence, right, ["doc"] * 2000) == [round(one, 4)] * 3


def test_fit_collected_fits_calibrates_and_measures_on_real_candidates(qa):
    # facts the shipped plan states, and questions it does not answer, in five cross-validation groups
    asked = [("鄂州到2025年要建多少5G基站", ("5000个",), "number"), ("互联网出口带宽要达到多少", ("1500G",), "number"),
             ("IPv6活跃用户占比目标", ("95%",), "number"), ("区级三馆一场达标率要达到多少", ("100%",), "number"),
             ("华容区的文化旅游定位", ("休闲娱乐片区",), "fact"), ("梁子湖区的文化旅游定位", ("生态度假片区",), "fact"),
             ("葛店开发区优先发展哪些产业", ("光电子信息",), "list"),
             ("临空经济区构建哪四大产业园", ("航空物流",), "list"),
             ("鄂州市长是谁", (), "unanswerable"), ("花湖机场什么时候投运", (), "unanswerable")]
    items = [(replace(_item(q, must, kind), id=f"f{n}", doc=f"group{n % 5}"), "shipped")
             for n, (q, must, kind) in enumerate(asked)]
    samples = collect({"shipped": qa}, items[:9], progress=False)
    tests = collect({"shipped": qa}, items[9:], progress=False)
    result = fit_collected(samples, tests, qa.model_id, progress=False)
    model = result.model
    assert 0.0 < model.tentative_at <= model.answer_at <= 1.0 + 1e-9
    assert result.cv["questions"] == 9 and result.held_out["questions"] == 1
    assert {"aurc", "ece", "threshold_spread", "headingless", "declined_without_answer"} <= result.cv.keys()
    # fitted on every fitting question: it puts a candidate carrying the answer first for most of them
    first = [s.y[int(np.argmax(model.candidates.predict(s.x)))] for s in samples if s.y.any()]
    assert len(first) >= 6 and sum(first) >= len(first) - 2
    assert model.to_dict()["fitted"]["questions"] == 9
