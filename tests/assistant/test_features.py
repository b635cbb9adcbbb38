"""The support model's features (assistant.features, assistant.evidence) as units, on the shipped plan's real text."""

from __future__ import annotations

import pytest

from assistant.evidence import Coverage
from assistant.features import FEATURES, QUESTION_FEATURES, Ranked, features, question_features, with_relative
from assistant.query import analyze


def _rows(qa, question: str):
    stages = qa.stages(question)
    rows = with_relative([features(c, stages.context) for c in stages.candidates], stages.query.answer_type)
    return list(zip(stages.candidates, rows, strict=True)), stages


def _with_short(pairs, short: str):
    return [row for c, row in pairs if c.short == short]


def test_every_feature_is_named_and_finite(qa):
    pairs, _ = _rows(qa, "鄂州打算建多少5G基站？")
    assert pairs and all(set(row) == set(FEATURES) for _, row in pairs)
    assert all(-100 < value < 100 for _, row in pairs for value in row.values())


def test_the_asked_figure_matches_the_kind_and_label_asked(qa):
    pairs, _ = _rows(qa, "鄂州打算建多少5G基站？")
    [row] = _with_short(pairs, "5000个")
    assert row["kind_match"] == 1.0 and row["kind_conflict"] == 0.0 and row["cov_label"] >= 0.8
    assert row["cand_figure"] == 1.0 and row["q_number"] == 1.0


def test_a_rate_does_not_answer_an_area(qa):
    # 「…区级三馆一场达标率100%」 is not an amount of land (the plan gives none)
    pairs, _ = _rows(qa, "十四五期间鄂州要新增多少产业用地？")
    rates = _with_short(pairs, "100%")
    assert rates and all(row["kind_conflict"] == 1.0 and row["kind_match"] == 0.0 for row in rates)


def test_a_table_cell_of_another_year_is_another_year(qa):
    pairs, stages = _rows(qa, "2035年鄂州森林覆盖率要到多少")
    assert stages.scope.year == 2035
    cells = [(c.column, row) for c, row in pairs if c.kind == "row" and c.chunk.text.startswith("森林覆盖率")]
    assert {column for column, _ in cells} == {"2020年预计", "2025年"}
    assert all(row["col_other_year"] == 1.0 and row["time_other_year"] == 1.0 for _, row in cells)
    pairs, _ = _rows(qa, "2025年鄂州森林覆盖率要到多少")
    [row] = [row for c, row in pairs if c.kind == "row" and c.column == "2025年" and c.chunk.text.startswith("森林")]
    assert row["col_year"] == 1.0 and row["time_other_year"] == 0.0 and row["time_named"] == 1.0


def test_equivalent_terms_and_abbreviations_cover_a_question(qa):
    query = analyze("上大学的比例要达到多少")
    with_synonyms = qa._coverage(query)
    plain = Coverage(qa.searcher.words(query.topic), qa.searcher.idf, qa._bigrams, qa.searcher.terms,
                     frozenset({"的", "要", "达到", "多少"}))
    sentence = "实现高等教育毛入学率达到60%以上"
    assert with_synonyms(sentence) > plain(sentence)
    assert with_synonyms("发展现代服务业") == 0.0
    # 战新 is in the synonym table; without it, it is still read as an abbreviation of 战略性新兴
    words = qa.searcher.words("战新产业规模")
    short = Coverage(words, qa.searcher.idf, qa._bigrams, qa.searcher.terms, frozenset())
    assert short.abbreviated("大力发展战略性新兴产业") > 0 and short.abbreviated("发展现代服务业") == 0
    assert short.specific_missing("发展现代服务业") > 0 and short.specific_missing("战略性新兴产业规模") == 0


def test_relative_features_compare_a_candidate_with_its_question_others():
    rows = [dict.fromkeys(FEATURES, 0.0) | {"cov_quote": c, "cov_label": c / 2} for c in (0.2, 0.8, 0.4)]
    with_relative(rows, "number")
    assert [r["cov_quote_rel"] for r in rows] == [0.25, 1.0, 0.5]
    assert [r["best_quote"] for r in rows] == [0.0, 1.0, 0.0]
    assert [r["cov_quote_rel_x_figure"] for r in rows] == [0.25, 1.0, 0.5]
    assert all(r["cov_quote_rel_x_list"] == 0.0 for r in rows)


def test_question_features_see_the_margin_and_agreement_between_passages():
    row = dict.fromkeys(FEATURES, 0.0)
    query = analyze("鄂州打算建多少5G基站")
    agree = [Ranked("figure", "5000个", "a", 0.9, row), Ranked("figure", "5000个", "b", 0.6, row)]
    alone = [Ranked("figure", "5000个", "a", 0.9, row), Ranked("figure", "2个", "b", 0.85, row)]
    same = [Ranked("figure", "5000个", "a", 0.9, row), Ranked("figure", "2个", "a", 0.85, row)]
    f_agree, f_alone, f_same = (question_features(r, query) for r in (agree, alone, same))
    assert set(f_agree) == set(QUESTION_FEATURES)
    assert f_agree["agreement"] == 1.0 and f_alone["agreement"] == 0.0
    assert f_alone["margin"] == pytest.approx(0.05) and f_agree["margin"] == pytest.approx(0.3)
    assert f_same["second"] < f_alone["second"]  # the runner-up of the same passage is not a rival
    assert question_features([], query)["top"] < -10
