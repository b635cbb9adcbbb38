"""The metric rules on hand-made cases: normalization, evidence matching, ranks, aggregates.

Also the benchmark's pure helpers (the baseline's recursive splitter), which need no index.
"""

from __future__ import annotations

import pytest

from eval.baseline import split_text
from eval.metrics import (
    area_under_risk_coverage,
    cn_numeral_value,
    contains_all,
    contains_normalized,
    evidence_in_passage,
    expected_calibration_error,
    figures_quoted,
    first_match_rank,
    longest_common_substring,
    mean_reciprocal_rank,
    missing_strings,
    normalize_answer,
    percentile,
    precision_recall,
    quotable,
    recall_at,
    reliability_table,
    risk_coverage,
    table_cells,
)

# --- normalization -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("全市建设5G基站5,000个", "5000个"),
        ("全市建设5G基站5000个", "5,000个"),
        ("全市建设5G基站五千个", "5000个"),
        ("全市建设5G基站５０００个", "5000个"),
        ("全市建设5G基站５，０００个", "五千个"),
        ("城镇化率达到70％", "70%"),
        ("引进六家企业", "6家"),
        ("引进6家企业", "六家"),
        ("到二〇三五年基本实现", "2035年"),
        ("建设 5G 基站", "5g基站"),
        ("打造“三城一化”", "「三城一化」"),
        ("「到2025年，全市建设5G基站5000个」[1]", "5000个"),
        ("年均增长7%左右", "7"),
        ("2030年目标：240件左右", "240左右"),  # a table cell shown with its row's measure word
        ("城镇调查失业率：<5%", "5%以内"),  # an upper bound in symbols is the bound in words
        ("城镇调查失业率控制在5%以内", "低于5%"),
    ],
)
def test_equivalent_forms_match(answer, expected):
    assert contains_normalized(answer, expected)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("比重提高3个百分点", "3%"),  # percentage points are not percent
        ("比重提高到3%", "3个百分点"),
        ("引进十六家企业", "六家"),  # a number never matches inside a longer number
        ("引进16家企业", "6家"),
        ("达到18件", "8"),
        ("全市5.2万贫困人口", "5"),
        ("全市5.2万贫困人口", "2万"),
        ("建设基站50000个", "5000个"),
        ("建设基站5000个", "500个"),
        ("常住人口240万人左右", "240左右"),  # a magnitude is part of the figure
        ("失业率控制在5%以内", "5%以上"),  # an upper bound is not a lower one
        ("失业率低于15%", "5%以内"),
    ],
)
def test_different_claims_do_not_match(answer, expected):
    assert not contains_normalized(answer, expected)


def test_normalize_answer_canonical_form():
    assert normalize_answer("ＡＢＣ　５，０００ 个[2]") == "abc5000个"
    assert normalize_answer("两千") == "2000"
    # an ambiguous run stays as written on both sides, so it still matches itself
    assert normalize_answer("“十四五”时期") == "十四五时期"
    assert contains_normalized("编制“十四五”规划", "十四五")


@pytest.mark.parametrize(
    ("run", "value"),
    [("五千", 5000), ("六", 6), ("十四", 14), ("二十一", 21), ("一百零五", 105), ("两千", 2000),
     ("九千九百九十九", 9999), ("十四五", None), ("三四", None), ("八五", None), ("千", None),
     ("一百五", None), ("零", None), ("三百零", None)],
)
def test_chinese_numerals_only_when_unambiguous(run, value):
    assert cn_numeral_value(run) == value


def test_contains_all_and_missing_strings():
    answer = "空气优良天数提高到87.4%，PM2.5下降47.7%。"
    assert contains_all(answer, ["87.4%", "47.7%"])
    assert missing_strings(answer, ["87.4%", "47.7%", "90%"]) == ["90%"]
    assert contains_all(answer, [])


def test_a_short_answer_holding_every_string_is_quotable_whatever_its_quote():
    items = "科技金融、绿色金融、普惠金融、养老金融、数字金融"
    quote = "「" + "做好" + items + "五篇大文章，" + "健全多层次金融服务体系，" * 12 + "」[1]"
    answer = f"{items}。\n{quote}"
    assert len(answer) > 200
    assert quotable(answer, items, ["绿色金融", "养老金融"])
    assert not quotable(answer, "科技金融、绿色金融", ["绿色金融", "养老金融"])  # the quote alone holds one
    assert not quotable(answer, "", ["绿色金融"])  # a long sentence answer
    assert quotable(answer[:150], "", ["绿色金融"])
    assert not quotable(answer, items, ["保险"])


# --- evidence matching ---------------------------------------------------------------------

EVIDENCE = "全市5.2万贫困人口实现稳定脱贫，贫困村生产生活条件明显改善"


def test_evidence_substring_ignores_whitespace_and_width():
    passage = "“十三五”期间，全市５.２万贫困人口实现稳定脱贫，\n贫困村生产生活条件明显改善，人民生活水平提高。"
    assert evidence_in_passage(EVIDENCE, passage)


def test_evidence_cut_by_a_chunk_boundary_still_matches():
    # the chunk ends after 65% of the evidence
    cut = len(EVIDENCE) * 65 // 100
    assert evidence_in_passage(EVIDENCE, "上一段的结尾。" + EVIDENCE[:cut])
    assert evidence_in_passage(EVIDENCE, EVIDENCE[-cut:] + "下一段的开头")


def test_evidence_with_too_little_overlap_does_not_match():
    cut = len(EVIDENCE) * 45 // 100
    assert not evidence_in_passage(EVIDENCE, "上一段的结尾。" + EVIDENCE[:cut])
    assert not evidence_in_passage(EVIDENCE, "贫困人口与贫困村的其他段落")
    assert not evidence_in_passage("", "任何段落")


def test_table_evidence_matches_the_indexed_row():
    evidence = "常住人口城镇化率（%）\n\t66.8\n\t70\n\t-\n\t预期性"
    row = "常住人口城镇化率（%）——类别：经济发展；2020年预计：66.8；2025年：70；属性：预期性"
    assert table_cells(evidence) == ["常住人口城镇化率(%)", "66.8", "70", "预期性"]
    assert evidence_in_passage(evidence, row)
    assert evidence_in_passage(evidence, evidence)  # the raw cell lines (baseline chunks)
    other_row = "户籍人口城镇化率（%）——类别：经济发展；2020年预计：66.8；2025年：70；属性：预期性"
    assert not evidence_in_passage(evidence, other_row)
    assert not evidence_in_passage(evidence, "常住人口城镇化率（%）——2025年：72；属性：预期性")


def test_longest_common_substring():
    assert longest_common_substring("abcdef", "xxcdeyy") == 3
    assert longest_common_substring("abc", "xyz") == 0
    assert longest_common_substring("", "abc") == 0


def test_first_match_rank():
    passages = ["无关段落", "另一段", "……" + EVIDENCE + "……"]
    assert first_match_rank(EVIDENCE, passages) == 3
    assert first_match_rank(EVIDENCE, passages[:2]) is None


# --- aggregates ----------------------------------------------------------------------------


def test_recall_and_mrr():
    ranks = [1, 3, None, 2]
    assert recall_at(ranks, 1) == 0.25
    assert recall_at(ranks, 3) == 0.75
    assert mean_reciprocal_rank(ranks) == pytest.approx((1 + 1 / 3 + 0 + 1 / 2) / 4)
    assert recall_at([], 5) is None
    assert mean_reciprocal_rank([]) is None


def test_precision_recall():
    # positives: unanswerable questions; predictions: declined
    predicted = [True, True, False, False, True]
    actual = [True, False, True, False, True]
    assert precision_recall(predicted, actual) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert precision_recall([False, False], [True, False]) == (None, 0.0)
    assert precision_recall([True], [False]) == (0.0, None)
    with pytest.raises(ValueError):
        precision_recall([True], [True, False])


def test_percentile_interpolates_like_numpy():
    values = [10.0, 20.0, 30.0, 40.0]
    assert percentile(values, 50) == 25.0
    assert percentile(values, 95) == pytest.approx(38.5)
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 40.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile(values, 101)


# --- the baseline's recursive splitter -----------------------------------------------------


def test_splitter_prefers_coarse_separators_and_keeps_them():
    text = "第一句话。第二句话。\n第三句话，很长的从句，还有一个从句。"
    chunks = split_text(text, chunk_size=12, overlap=0)
    assert all(len(c) <= 12 for c in chunks)
    assert chunks[0] == "第一句话。第二句话。"  # split at 。 kept at the end, not mid-sentence
    assert "".join(chunks) == text.replace("\n", "")


def test_splitter_overlap_and_character_fallback():
    chunks = split_text("abcdefghij", chunk_size=4, overlap=1)
    assert chunks == ["abcd", "defg", "ghij"]
    with pytest.raises(ValueError):
        split_text("abc", chunk_size=4, overlap=4)


def test_splitter_on_the_default_sizes():
    sentence = "鄂州加快建设现代产业体系，推动高质量发展。"  # 21 characters
    chunks = split_text(sentence * 40)
    assert len(chunks) >= 4
    assert all(len(c) <= 250 for c in chunks)
    # consecutive chunks overlap by whole sentences of at most 50 characters
    assert chunks[1].startswith(chunks[0][-42:])


# --- confidence: risk–coverage and calibration -----------------------------------------------


def test_risk_coverage_answers_by_decreasing_confidence():
    points = risk_coverage([0.9, 0.8, 0.3, 0.8], [True, False, True, True])
    assert points == [(0.9, 0.25, 1.0), (0.8, 0.75, 0.667), (0.3, 1.0, 0.75)]  # ties enter together
    assert risk_coverage([], []) == []


def test_the_area_under_risk_coverage_rewards_confident_right_answers():
    good = area_under_risk_coverage([0.9, 0.1], [True, False])
    bad = area_under_risk_coverage([0.1, 0.9], [True, False])
    assert good == 0.25 and bad == 0.75 and area_under_risk_coverage([], []) is None


def test_calibration_error_and_reliability_bins():
    assert expected_calibration_error([0.9, 0.9, 0.1, 0.1], [True, True, False, False]) == 0.1
    assert expected_calibration_error([0.95] * 4, [True] * 4) == 0.05
    table = reliability_table([0.05, 0.95, 1.0], [False, True, True], bins=10)
    assert table[0] == (0.0, 0.1, 1, 0.05, 0.0) and table[-1] == (0.9, 1.0, 2, 0.975, 1.0)
    assert all(row[2] == 0 for row in table[1:-1]) and expected_calibration_error([], []) is None


def test_a_headline_figure_counts_as_quoted_only_when_it_stands_whole_in_a_cited_passage():
    passage = "电网工程：建设220千伏输变电工程、110千伏输变电工程。到2025年，全市建设5G基站5000个。"
    assert figures_quoted("220千伏输变电工程、110千伏输变电工程", [passage]) is True
    assert figures_quoted("22、11", [passage]) is False  # a cut figure is not the passage's
    assert figures_quoted("5000个", ["其他段落", passage]) is True  # any cited passage
    assert figures_quoted("５０００个", [passage]) is True  # full-width digits are the same figure
    assert figures_quoted("五千个", [passage]) is True  # and so is a Chinese numeral
    assert figures_quoted("500个", [passage]) is False
    assert figures_quoted("光电子信息、智能制造", [passage]) is None  # no figure: nothing to check
    assert figures_quoted("30,000", ["建设高新技术企业3万家"]) is True  # the same value, written out
    assert figures_quoted("2025年：5000个", [passage], "2025年呢？") is True  # the question's own figures
    assert figures_quoted("2025年", [passage], "哪一年？") is True
