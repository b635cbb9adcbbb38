"""The support model's features (assistant.features, assistant.evidence) as units, on the shipped plan's real text."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import PlanQA
from assistant.evidence import Coverage
from assistant.features import (
    FEATURES,
    QUESTION_FEATURES,
    Ranked,
    feature_rows,
    features,
    local_label,
    question_features,
    with_relative,
)
from assistant.query import analyze
from corpus.documents import read_document

DEV = Path(__file__).resolve().parents[2] / "eval" / "data" / "dev-corpus"


def _rows(qa, question: str):
    stages = qa.stages(question)
    rows = with_relative([features(c, stages.context) for c in stages.candidates], stages.query.answer_type)
    return list(zip(stages.candidates, rows, strict=True)), stages


def _one_document(tmp_path, fake_model, folder: str, name: str) -> PlanQA:
    """A library of one development document, searched by BM25 alone."""
    report = read_document(DEV / folder / name)
    return PlanQA.load(index_dir=tmp_path / "index", model=fake_model, mode="bm25", documents=[report], progress=False)


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
    # a second passage giving the same answer is no rival: the margin is over the best other answer
    assert f_alone["margin"] == pytest.approx(0.05) and f_agree["margin"] == pytest.approx(0.9)
    assert f_agree["close"] < f_alone["close"]
    assert f_same["second"] < f_alone["second"]  # the runner-up of the same passage is not a rival
    assert question_features([], query)["top"] < -10


def test_a_sentence_stating_no_figure_is_no_rival_to_a_figure(qa):
    # 「加快推进5G网络建设。扩大5G基站建站规模…」 names the base stations but gives no number: it is no
    # other answer to 「建多少个」, so the margin is over the best other figure
    stages = qa.stages("2025年鄂州5G基站建多少个")
    judged = qa.support.judge(stages.candidates, stages.context)
    best = judged[0]
    assert best.candidate.short == "5000个"
    ranked = [Ranked(j.candidate.kind, j.candidate.short, j.candidate.chunk.chunk_id, j.support, j.features)
              for j in judged]
    elsewhere = [r for r in ranked[1:] if r.passage != ranked[0].passage]
    assert elsewhere[0].kind == "sentence"  # what the margin was taken over
    figure = next(r for r in elsewhere if r.kind in ("figure", "row"))
    f = question_features(ranked, stages.query)
    assert f["margin"] == pytest.approx(best.support - figure.support)
    answer = qa.ask("2025年鄂州5G基站建多少个")
    assert answer.found and answer.short_answer.startswith("5000个")


def _named_rows(qa, question: str):
    stages = qa.stages(question)
    return list(zip(stages.candidates, feature_rows(stages.candidates, stages.context), strict=True)), stages


def test_a_figure_is_said_of_its_own_label_not_the_figure_before_it(qa):
    # 「化解钢铁产能406万吨、水泥产能500万吨」: 500万吨 is the cement capacity, 406万吨 the steel one
    pairs, _ = _named_rows(qa, "水泥产能十三五砍掉了多少")
    [(cement, c_row)] = [(c, row) for c, row in pairs if c.short.startswith("500万吨") and "水泥产能" in c.text]
    [(steel, s_row)] = [(c, row) for c, row in pairs if c.short.startswith("406万吨")]
    assert local_label(cement) == "水泥产能" and local_label(steel).endswith("化解钢铁产能")
    assert c_row["cov_local"] > s_row["cov_local"]
    assert c_row["local_best"] == 1.0 and c_row["local_margin"] > 0
    assert s_row["local_best"] == 0.0 and s_row["local_margin"] < 0
    # a range's end is said of what its start is: 「（每年50—60所）」
    pairs, _ = _named_rows(qa, "城乡学校现代化建设一共多少所")
    ends = [c for c, _ in pairs if c.short.startswith("60所")]
    assert ends and all(local_label(c).endswith("每年") for c in ends)


def test_a_label_naming_something_the_question_does_not_is_imprecise(qa):
    words = qa.searcher.words("新型建材产业2025年规模目标多少亿")
    cover = Coverage(words, qa.searcher.idf, qa._bigrams, qa.searcher.terms, frozenset({"目标", "多少"}))
    assert cover.precision("到2025年，产业规模达到") > cover.precision("到2025年，传统优势产业规模达到")
    assert cover.precision("到") == 0.5  # a label that names nothing: unknown


def test_a_result_asked_is_not_answered_by_a_target_and_the_other_way_round(qa):
    # 「现在」 asks what is (the table's 2020 estimate); 「目标」 the plan's 2025 target
    pairs, stages = _named_rows(qa, "鄂州人现在平均能活多少岁")
    assert stages.query.actual and not stages.query.target
    cells = {c.column: row for c, row in pairs if c.kind == "row" and c.chunk.text.startswith("人均预期寿命")}
    assert cells["2020年预计"]["actual_fit"] == 1.0 and cells["2020年预计"]["actual_conflict"] == 0.0
    assert cells["2025年"]["actual_conflict"] == 1.0
    pairs, stages = _named_rows(qa, "鄂州人均预期寿命目标是多少岁")
    cells = {c.column: row for c, row in pairs if c.kind == "row" and c.chunk.text.startswith("人均预期寿命")}
    assert cells["2025年"]["target_fit"] == 1.0 and cells["2020年预计"]["target_conflict"] == 1.0


def test_a_period_asked_is_answered_by_a_period_figure(qa):
    # the table's 年均增速 column answers 「年均」; a year's column (2020年预计, 2025年) does not
    pairs, _ = _named_rows(qa, "十四五期间鄂州地区生产总值年均增长多少")
    rows = [(c, row) for c, row in pairs if c.kind == "row"]
    gdp = [row for c, row in rows if c.chunk.text.startswith("地区生产总值") and c.column == "年均增速"]
    assert gdp and all(row["period_fit"] == 1.0 and row["stated_target"] == 1.0 for row in gdp)
    dated = [row for c, row in rows if c.column in ("2020年预计", "2025年")]
    assert dated and all(row["period_fit"] == 0.0 and row["period_missing"] == 1.0 for row in dated)


def test_a_change_is_not_a_level_and_a_lead_in_is_not_an_answer(qa):
    # 「争取新增3家国家级创新平台」 says how many more, not how many there will be
    pairs, _ = _named_rows(qa, "鄂州国家级创新平台要达到几家")
    added = [row for c, row in pairs if c.short.startswith("3家") and "新增3家" in c.text]
    assert added and all(row["change_stated"] == 1.0 and row["change_unasked"] == 1.0 for row in added)
    pairs, _ = _named_rows(qa, "鄂州要新增几家国家级创新平台")
    added = [row for c, row in pairs if c.short.startswith("3家") and "新增3家" in c.text]
    assert added and all(row["change_stated"] == 1.0 and row["change_unasked"] == 0.0 for row in added)
    # 「由114.6亿元增长到140亿元」: 140亿元 is where it got to
    pairs, _ = _named_rows(qa, "高新技术产业增加值十三五末是多少")
    reached = [row for c, row in pairs if c.short.startswith("140亿元")]
    assert reached and all(row["change_stated"] == 0.0 for row in reached)
    # 「…今后五年努力实现以下主要目标：」 only leads in to the goals
    pairs, _ = _named_rows(qa, "今后五年鄂州要实现哪些主要目标")
    lead = [row for c, row in pairs if c.kind in ("sentence", "list") and c.quoted.rstrip().endswith("以下主要目标：")]
    assert lead and all(row["lead_in_only"] == 1.0 for row in lead)


def test_a_year_asked_is_not_answered_by_a_five_year_average(qa):
    pairs, _ = _named_rows(qa, "2025年鄂州地区生产总值增长多少")
    averages = [row for c, row in pairs if c.kind == "row" and c.column == "年均增速"]
    assert averages and all(row["period_unasked"] == 1.0 for row in averages)


def test_a_figure_per_unit_is_not_a_total(qa):
    # 「（每年10所）」 and 「每个行政村重点培育1-2个…家庭农场」 are per year, per village
    pairs, _ = _named_rows(qa, "标准化幼儿园新建改扩建一共多少所")
    yearly = [row for c, row in pairs if c.short.startswith("10所") and "每年10所" in c.text]
    total = [row for c, row in pairs if c.short.startswith("50所") and "每年10所" in c.text]
    assert yearly and all(row["per_unit_unasked"] == 1.0 for row in yearly)
    assert total and all(row["per_unit_unasked"] == 0.0 for row in total)
    pairs, _ = _named_rows(qa, "标准化幼儿园每年建多少所")
    assert all(row["per_unit_unasked"] == 0.0 for _, row in pairs)


def test_a_row_in_percent_does_not_answer_an_amount(qa):
    # 「居民人均可支配收入增长（%）」 gives a rate in every cell, 「高于经济增长速度」 too: no amount in 元
    pairs, _ = _named_rows(qa, "到2025年鄂州居民人均可支配收入要达到多少元？")
    cells = [(c.short, row) for c, row in pairs if c.kind == "row" and c.label.startswith("居民人均可支配收入增长")]
    assert cells and all(row["rate_for_amount"] == 1.0 for _, row in cells)
    assert any(short == "高于经济增长速度" and row["in_words"] == 1.0 for short, row in cells)
    pairs, _ = _named_rows(qa, "鄂州打算建多少5G基站？")
    assert all(row["in_words"] == 0.0 for c, row in pairs if c.short == "5000个")


def test_the_frame_words_of_a_comparison_are_no_words_to_find(qa):
    # 「分别」 asks for one figure per row; a passage need not say it to answer a row
    sentence = "到2025年，全市建设5G基站5000个。"
    each = qa._coverage(qa.analyze("鄂州5G基站分别要建多少个"))
    one = qa._coverage(qa.analyze("鄂州5G基站要建多少个"))
    assert each(sentence) == pytest.approx(one(sentence))
    assert one(sentence) > 0.5


def test_a_plans_growth_to_its_end_year_is_its_period_figure(qa):
    # 「到2025年…增长目标」 of a 2021–2025 plan asks its 年均 figure; 「2025年…增长多少」 asks the one year
    pairs, _ = _named_rows(qa, "到2025年鄂州地区生产总值增长目标是多少")
    averages = [row for c, row in pairs if c.kind == "row" and c.column == "年均增速"]
    assert averages and all(row["period_fit"] == 1.0 and row["period_unasked"] == 0.0 for row in averages)


def test_a_list_of_the_kind_asked(qa):
    # 「三江港新区重点发展什么产业」: 「大力发展现代物流业」 names an industry (…业); the enumeration of
    # 「发挥…铁路物流基地等交通基础设施和区位优势」 names none
    pairs, _ = _named_rows(qa, "三江港新区重点发展什么产业？")
    lists = {c.short: row for c, row in pairs if c.kind == "list" and c.chunk.text.startswith("三江港新区。")}
    assert lists["现代物流业"]["category_asked"] == 1.0 and lists["现代物流业"]["category_match"] == 1.0
    [infrastructure] = [row for short, row in lists.items() if short.startswith("发挥三江港")]
    assert infrastructure["category_match"] == 0.0


def test_an_indicator_named_elliptically_covers_the_question(tmp_path, fake_model):
    # 「全年粮食播种面积1.1亿亩、产量825亿斤以上」: 产量 after 粮食 is the 粮食产量 asked as 粮食总产
    qa = _one_document(tmp_path, fake_model, "provincial-2025", "2025年安徽省政府工作报告.docx")
    stages = qa.stages("安徽2025年粮食总产要稳定在什么水平？")
    sentence = "全年粮食播种面积1.1亿亩、产量825亿斤以上。"
    assert stages.context.relevance(sentence) >= 0.9
    assert stages.context.relevance("全年粮食播种面积1.1亿亩。") < 0.6


def test_a_year_the_sentence_names_against_the_year_asked(qa):
    # 「到2025年，全市建设5G基站5000个」 names 2025 itself: asked for 2035 it speaks of another year
    pairs, _ = _named_rows(qa, "2035年鄂州要建多少5G基站")
    stations = [row for c, row in pairs if c.short == "5000个"]
    assert stations and all(row["year_named_other"] == 1.0 for row in stations)
    pairs, _ = _named_rows(qa, "到2025年鄂州要建多少个5G基站？")
    stations = [row for c, row in pairs if c.short == "5000个"]
    assert stations and all(row["year_named_other"] == 0.0 for row in stations)


def test_coverage_counts_for_less_on_a_mismatch(qa):
    # 「改造提升高标准农田3万亩」 covers 「高标准农田改造一共投多少钱」 well, but it is an area for money
    pairs, _ = _named_rows(qa, "高标准农田改造一共投多少钱")
    [area] = [row for c, row in pairs if c.short == "3万亩" and c.text.startswith("高标准农田建设项目")]
    assert area["kind_conflict"] == 1.0 and area["cov_clause_rel_x_mismatch"] == area["cov_clause_rel"] > 0.9
    pairs, _ = _named_rows(qa, "鄂州打算建多少5G基站？")
    [stations] = [row for c, row in pairs if c.short == "5000个"]
    assert stations["cov_clause_rel_x_mismatch"] == 0.0 and stations["cov_clause_rel"] > 0.9


def test_a_list_naming_the_zone_asked_among_its_items_is_not_the_zones_own(qa):
    # 「重点推进…、临空经济区产业孵化器、葛店双创谷等项目建设」 lists projects, one of them in the zone
    pairs, _ = _rows(qa, "临空经济区重点发展哪些产业")
    lists = {c.short: row["name_in_item"] for c, row in pairs if c.items}
    assert any(v == 1.0 and "临空经济区产业孵化器" in short for short, v in lists.items())
    own = [v for short, v in lists.items() if "航空物流" in short]  # 「构建智能制造、航空物流…四大产业园」
    assert own and all(v == 0.0 for v in own)
    # a project's name is no zone: the districts 万户电改 covers are its answer
    pairs, _ = _rows(qa, "万户电改工程覆盖哪些区？")
    assert all(row["name_in_item"] == 0.0 for c, row in pairs if c.items)


def test_a_figure_counting_the_items_among_which_the_subject_is_does_not_answer_for_it(qa):
    # 「推进新一代信息技术、智能制造、生物医药、新能源新材料等4个省级重点成长型产业集群」 counts clusters,
    # one of which is the industry asked about; its size is 专栏4-3's 200亿元
    for question in ("生物医药那块十四五末要做到多少", "How big should Ezhou's biomedicine industry be by 2025?"):
        pairs, _ = _rows(qa, question)
        [counted] = _with_short(pairs, "4个")
        assert counted["name_in_item"] == 1.0
        answer = qa.ask(question)
        assert not (answer.found and answer.short_answer.startswith("4个")), answer.short_answer
    # asked how many clusters there are, the count is the answer, even with an item named
    for question in ("鄂州有几个省级重点成长型产业集群", "生物医药等省级重点成长型产业集群有几个"):
        pairs, _ = _rows(qa, question)
        [counted] = _with_short(pairs, "4个")
        assert counted["name_in_item"] == 0.0


def test_a_change_asked_is_answered_by_a_change_stated_not_by_a_level(tmp_path, fake_model):
    qa = _one_document(tmp_path, fake_model, "plans-2026", "2026年国务院政府工作报告.txt")
    pairs, stages = _rows(qa, "今年全国居民医保财政补助每人提高多少")
    assert stages.query.answer_kind == "change"
    [raised] = _with_short(pairs, "24元")  # 「…财政补助每人提高24元」: an amount said as a change
    assert raised["kind_match"] == 1.0 and raised["kind_conflict"] == 0.0
    pairs, _ = _rows(qa, "2025年全国社会消费品零售总额比上年增长了多少？")
    levels = _with_short(pairs, "50万亿元")  # 「…总额突破50万亿元」: a level, not how much it grew
    assert levels and all(row["kind_conflict"] == 1.0 for row in levels)


def test_a_figure_in_another_measure_of_the_kind_asked_counts_something_else(tmp_path, fake_model):
    # 「工业机器人…产量分别增长28%…，新能源汽车年产量超过1600万辆」: robots are counted in 台, cars in 辆
    qa = _one_document(tmp_path, fake_model, "plans-2026", "2026年国务院政府工作报告.txt")
    pairs, _ = _rows(qa, "2025年全国工业机器人产量是多少台？")
    cars = _with_short(pairs, "1600万辆")
    assert cars and all(row["kind_conflict"] == 1.0 and row["kind_match"] == 0.0 for row in cars)
    pairs, _ = _rows(qa, "2025年新能源汽车年产量是多少辆？")
    cars = _with_short(pairs, "1600万辆")
    assert cars and all(row["kind_match"] == 1.0 for row in cars)


def test_a_figure_keeps_its_unit_and_a_port_in_containers_is_not_a_port_in_tonnes(tmp_path, fake_model):
    # 「宁波舟山港集装箱吞吐量4387万标箱」: the figure was cut to 「4387万」, a bare number of no kind
    qa = _one_document(tmp_path, fake_model, "plans-2026", "2026年浙江省政府工作报告.txt")
    pairs, _ = _rows(qa, "宁波舟山港去年集装箱吞吐量多少")
    assert _with_short(pairs, "4387万标箱") and not _with_short(pairs, "4387万")
    pairs, _ = _rows(qa, "宁波舟山港去年货物吞吐量多少亿吨")
    containers = _with_short(pairs, "4387万标箱")
    assert containers and all(row["kind_conflict"] == 1.0 for row in containers)


def test_a_rate_answers_how_much_an_amount_grew(tmp_path, fake_model):
    qa = _one_document(tmp_path, fake_model, "plans-2026", "2026年北京市政府工作报告.txt")
    pairs, stages = _rows(qa, "北京去年一般公共预算收入涨了多少")
    assert stages.query.answer_kind == "change"
    [grew] = _with_short(pairs, "4.8%")  # 「一般公共预算收入增长4.8%」
    assert grew["kind_match"] == 1.0 and grew["rate_for_amount"] == 0.0 and grew["kind_conflict"] == 0.0


def test_a_region_named_inside_the_plan_asked_of_is_its_topic_not_a_place_to_leave_out(qa):
    # the library holds no 武汉 document: in 「规划里武汉都市圈怎么建设」 武汉 is what the plan is asked about,
    # so a passage naming it covers the question better (a region the library holds is left to scoping)
    stages = qa.stages("规划里武汉都市圈怎么建设")
    assert stages.query.in_document == ("武汉市",)
    cover = stages.context.relevance
    assert cover("加快融入武汉都市圈建设") > cover("加快融入都市圈建设")
    held = qa.stages("规划里鄂州都市圈怎么建设").context.relevance
    assert held("加快融入鄂州都市圈建设") == held("加快融入都市圈建设")


def test_a_term_asked_to_spell_out_is_spelled_by_its_footnote_and_only_named_by_a_sentence(qa):
    pairs, stages = _rows(qa, "办事少跑腿，规划里的“四办”是哪四种办法？")
    assert stages.query.spelled_terms == ("四办",)
    spelled = [c for c, row in pairs if row["term_spelled"]]
    named = [c for c, row in pairs if row["term_named_only"]]
    assert any(c.kind == "footnote" and c.note.startswith("四办：") for c in spelled)
    assert any("持续推进“四办”" in c.text for c in named)
    assert all(row["term_asked"] == 1.0 for _, row in pairs)
    unasked, _ = _rows(qa, "鄂州打算建多少5G基站？")
    assert not any(row["term_asked"] or row["term_spelled"] or row["term_named_only"] for _, row in unasked)


def test_a_list_right_before_the_term_spells_it_out_and_its_sentence_only_names_it(qa):
    # 「发展产品定制型、休闲养生型、…、文化创意型等“共享农庄”模式」
    pairs, _ = _rows(qa, "“共享农庄”有哪些模式？")
    lists = [row for c, row in pairs if c.kind == "list" and "文化创意型" in c.short]
    sentences = [row for c, row in pairs if c.kind == "sentence" and "等“共享农庄”模式" in c.text]
    assert lists and all(row["term_spelled"] == 1.0 for row in lists)
    assert sentences and all(row["term_named_only"] == 1.0 for row in sentences)


def test_a_sentence_spelling_out_a_part_of_the_term_its_passage_names_spells_it_out(qa):
    # 「围绕“一体两翼两引擎”布局…。“一体”即以生产性服务业为主体，“两翼”即突出发展医疗健康和智能制造产业。」
    pairs, stages = _rows(qa, "临空经济区“一体两翼”分别指什么")
    assert stages.query.spelled_terms == ("一体两翼",)
    parts = [row for c, row in pairs if c.text.startswith("“一体”即")]
    assert parts and all(row["term_spelled"] == 1.0 for row in parts)
    naming = [row for c, row in pairs if "围绕“一体两翼两引擎”" in c.text]
    assert naming and all(row["term_named_only"] == 1.0 for row in naming)
