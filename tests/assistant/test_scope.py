"""Scoping (assistant.scope): which documents may answer, from the regions and time a question asks.

The catalog is modelled on the dev corpus (eval/data/dev-corpus): national work reports by year,
provincial 2025 reports, and a city plan for 2021–2025.
"""

from __future__ import annotations

from datetime import date

import pytest

from assistant.query import analyze
from assistant.scope import Catalog, Scope, resolve
from corpus import DocumentMeta
from index.tokenization import ZhTokenizer

NATIONAL_YEARS = (2018, 2019, 2021, 2024, 2025)
PROVINCES = ("河南省", "山东省", "广西壮族自治区")
EZHOU = "ezhou-14th-five-year-plan"
TODAY = date(2026, 12, 6)  # 今年 is 2026: the library's latest national report is 2025's


def _national(year: int) -> DocumentMeta:
    return DocumentMeta(f"{year}年国务院政府工作报告", f"{year}年中华人民共和国国务院政府工作报告", "全国", str(year))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    metas = [_national(y) for y in NATIONAL_YEARS]
    metas += [DocumentMeta(f"2025年{p}政府工作报告", f"2025年{p}政府工作报告", p, "2025") for p in PROVINCES]
    metas.append(DocumentMeta(EZHOU, "鄂州市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要",
                              "鄂州市", "2021–2025"))
    return Catalog(metas, TODAY)


@pytest.fixture(scope="module")
def scopes(catalog):
    words = ZhTokenizer().words
    return lambda question: resolve(analyze(question, words=words), catalog)


def one(scopes, question) -> Scope:
    [scope] = scopes(question)
    return scope


@pytest.mark.parametrize(
    ("question", "region"), [("上海的GDP目标是多少", "上海市"), ("澳门今年GDP增长目标", "澳门特别行政区")]
)
def test_a_region_the_library_lacks_is_missing(scopes, question, region):
    scope = one(scopes, question)
    assert scope.doc_ids == () and scope.missing == f"文档库中没有{region}的规划或报告"


def test_a_named_region_gets_its_documents_only(scopes):
    assert one(scopes, "河南今年GDP增长目标").doc_ids == ("2025年河南省政府工作报告",)
    assert one(scopes, "广西今年的经济增长目标").doc_ids == ("2025年广西壮族自治区政府工作报告",)
    assert one(scopes, "鄂州5G基站建多少").doc_ids == (EZHOU,)


def test_a_year_asks_that_year_report_for_a_target(scopes):
    scope = one(scopes, "2019年GDP增长目标是多少")
    assert scope.doc_ids == ("2019年国务院政府工作报告",) and scope.year == 2019


def test_a_past_figure_is_in_the_next_year_report(scopes):
    # the 2019 report reviews 2018: 「2018年GDP实际增长了多少」 is answered there
    scope = one(scopes, "2018年GDP实际增长了多少")
    assert scope.doc_ids == ("2019年国务院政府工作报告",) and scope.year == 2018
    # the review of 2019 would be in the 2020 report, which the library lacks
    assert one(scopes, "2019年GDP实际增长了多少").missing.endswith("2019年的规划或报告")


def test_a_named_report_year_restricts_to_that_report(scopes):
    scope = one(scopes, "2019年的政府工作报告提出GDP增长目标是多少")
    assert scope.doc_ids == ("2019年国务院政府工作报告",) and scope.year == 2019
    review = one(scopes, "2021年报告里说去年GDP增长多少")
    assert review.doc_ids == ("2021年国务院政府工作报告",) and review.year == 2020
    assert one(scopes, "2020年的政府工作报告提出了什么").missing == "文档库中没有全国2020年的报告"
    # neither a figure, a target nor a relative time: the report answers whatever year it speaks of
    topic = one(scopes, "2019年报告中说过去一年着力做好的“六稳”是哪六个")
    assert topic.doc_ids == ("2019年国务院政府工作报告",) and topic.year is None


def test_this_year_is_the_year_of_asking_and_the_latest_report_answers_saying_so(scopes):
    latest = max(NATIONAL_YEARS)  # 2025: the library has no report of 2026
    this_year = one(scopes, "今年全国GDP增长目标")
    assert this_year.doc_ids == (f"{latest}年国务院政府工作报告",) and this_year.year == latest
    assert this_year.note == f"库中最新的是{latest}年的报告："
    national = one(scopes, "今年政府工作报告GDP增长目标")  # 「政府工作报告」 without a region is the national one
    assert national.doc_ids == (f"{latest}年国务院政府工作报告",) and national.note


def test_a_plan_never_answers_this_year_beyond_its_period(scopes):
    # the 2021–2025 plan sets no target for 2026, and the library has no 鄂州 report
    assert one(scopes, "鄂州今年GDP增长目标是多少").missing == "文档库中没有鄂州市2026年的报告"
    assert one(scopes, "鄂州去年5G基站要建多少").doc_ids == (EZHOU,)  # 2025: the plan's last year


def test_the_end_of_the_plan_is_its_period_end(scopes):
    scope = one(scopes, "五年后鄂州常住人口城镇化率要达到多少")
    assert scope.doc_ids == (EZHOU,) and scope.year == 2025


def test_comparison_rows_one_per_region(scopes):
    rows = scopes("河南和山东今年GDP增长目标分别是多少")
    assert [(r.label, r.doc_ids, r.year) for r in rows] == [
        ("河南省", ("2025年河南省政府工作报告",), 2025),
        ("山东省", ("2025年山东省政府工作报告",), 2025),
    ]
    rows = scopes("河南和上海今年GDP增长目标分别是多少")
    assert [r.label for r in rows] == ["河南省", "上海市"]
    assert rows[0].doc_ids and rows[1].missing == "文档库中没有上海市的规划或报告"


def test_comparison_rows_one_per_year_of_a_series(scopes):
    rows = scopes("2019年到2025年GDP增长目标的变化")
    assert [r.year for r in rows] == [2019, 2021, 2024, 2025]  # the years the reports cover
    assert all(f"{r.year}年国务院政府工作报告" in r.doc_ids for r in rows)


def test_explicit_filters_are_narrowed_by_time_only(catalog):
    [scope] = resolve(analyze("上海的GDP目标是多少"), catalog, explicit=True)
    assert not scope.missing  # the caller chose the documents; the region named is not scoped again


def test_a_plan_sets_targets_for_its_own_period_and_reviews_the_year_before(scopes):
    # the 2021–2025 plan reviews 2020 but sets no 2020 target; the reports of 2016–2020 state the 十三五 ones
    period = one(scopes, "“十三五”规划目标中，到2020年常住人口城镇化率达到多少")
    assert period.year == 2020 and set(period.doc_ids) == {"2018年国务院政府工作报告", "2019年国务院政府工作报告"}
    assert EZHOU in one(scopes, "2020年鄂州常住人口城镇化率实际达到多少").doc_ids


def test_the_report_naming_no_region_is_the_national_one(scopes):
    assert one(scopes, "今年的报告在鼓励生育上有啥新招？").doc_ids == (f"{max(NATIONAL_YEARS)}年国务院政府工作报告",)


# --- a city's plan beside its report (the 2026 documents) -------------------------------------------

BEIJING_PLAN = "北京市国民经济和社会发展第十五个五年规划纲要"
BEIJING_REPORT = "2026年北京市政府工作报告"


def _with(catalog: Catalog, *added: tuple[str, str, str]):
    """One question's single scope in the catalog with documents (title, region, period) added."""
    metas = [d.meta for d in catalog.docs] + [DocumentMeta(t, t, region, period) for t, region, period in added]
    words = ZhTokenizer().words
    view = Catalog(metas, TODAY)
    return lambda question: one(lambda q: resolve(analyze(q, words=words), view), question)


@pytest.fixture(scope="module")
def with_2026(catalog):
    return _with(catalog, (BEIJING_PLAN, "北京市", "2026–2030"), (BEIJING_REPORT, "北京市", "2026"),
                 ("2026年国务院政府工作报告", "全国", "2026"))


@pytest.mark.parametrize(
    ("question", "docs", "year"),
    [
        ("北京今年GDP增长目标是多少？", (BEIJING_REPORT,), 2026),  # this year: the report's target
        # last year: the report's review, and the plan's table, whose 2025 column is its base year
        ("北京去年地区生产总值是多少？", (BEIJING_REPORT, BEIJING_PLAN), 2025),
        ("北京常住人口规模2025年是多少", (BEIJING_REPORT, BEIJING_PLAN), 2025),
        ("北京2026年常住人口规模目标", (BEIJING_REPORT,), 2026),
        ("北京到2030年全员劳动生产率要达到多少？", (BEIJING_PLAN,), 2030),  # the plan's end year
        ("北京十五五末常住人口规模", (BEIJING_PLAN,), 2030),
        ("北京十五五期间研发经费支出占GDP比重目标是多少？", (BEIJING_PLAN,), None),  # the period
        ("北京十五五规划里今年的目标是什么", (BEIJING_PLAN,), 2026),  # the kind named wins
        ("北京政府工作报告里十五五重大工程要完成多少投资？", (BEIJING_REPORT,), None),  # a report named
    ],
)
def test_a_city_plan_beside_its_report(with_2026, question, docs, year):
    scope = with_2026(question)
    assert (scope.doc_ids, scope.year, scope.missing) == (docs, year, "")


def test_each_year_of_a_comparison_of_reports_is_its_own_report(scopes):
    rows = scopes("2019年和2024年政府工作报告提出的城镇新增就业目标分别是多少？")
    assert [(r.label, r.doc_ids) for r in rows] == [("全国2019年", ("2019年国务院政府工作报告",)),
                                                    ("全国2024年", ("2024年国务院政府工作报告",))]


def test_a_period_end_target_is_in_the_report_that_presents_the_plan(catalog):
    # no plan of 浙江 is held: its 2026 report, the first of the period, states the 2030 targets
    ask = _with(catalog, ("2026年浙江省政府工作报告", "浙江省", "2026"))
    scope = ask("浙江到2030年常住人口城镇化率目标是多少？")
    assert (scope.doc_ids, scope.year, scope.missing) == (("2026年浙江省政府工作报告",), 2030, "")
    assert ask("浙江2030年常住人口城镇化率实际是多少").missing  # a result of 2030 is in no report


def test_a_period_end_target_beside_that_year_report(scopes):
    # 「到2025年…目标」 naming its place: the 2025 report, and the 2021 report that presents the 2021–2025
    # plan (not the reports between); naming no place, only the year's reports
    scope = one(scopes, "全国到2025年常住人口城镇化率目标是多少")
    assert scope.doc_ids == ("2021年国务院政府工作报告", "2025年国务院政府工作报告") and scope.year == 2025
    assert one(scopes, "2025年常住人口城镇化率目标是多少").doc_ids == (
        "2025年国务院政府工作报告", *(f"2025年{p}政府工作报告" for p in PROVINCES))


def test_a_period_figure_beside_a_proposal_is_also_in_the_report_presenting_the_plan(catalog):
    # the 建议 for 2021–2025 states few figures: a figure of the period is also sought in the 2021 report
    proposal = "中共中央关于制定国民经济和社会发展第十四个五年规划和二〇三五年远景目标的建议"
    ask = _with(catalog, (proposal, "全国", "2021–2025"))
    assert ask("“十四五”时期全国常住人口城镇化率目标是多少").doc_ids == (proposal, "2021年国务院政府工作报告")
    assert ask("“十四五”时期全国有哪些主要目标任务").doc_ids == (proposal,)  # not a figure: the 建议
    assert ask("全国到2025年常住人口城镇化率目标是多少").doc_ids == (
        "2021年国务院政府工作报告", "2025年国务院政府工作报告")


def test_the_year_of_asking_is_a_setting(catalog):
    metas = [d.meta for d in catalog.docs]
    words = ZhTokenizer().words
    earlier = Catalog(metas, date(2025, 3, 10))
    [scope] = resolve(analyze("今年政府工作报告GDP增长目标", words=words), earlier)
    assert scope.doc_ids == ("2025年国务院政府工作报告",) and scope.year == 2025 and scope.note == ""


def test_a_filtered_catalog_holds_only_what_the_filter_allows(catalog):
    only = catalog.only(doc_ids=["2019年国务院政府工作报告", EZHOU])
    assert [d.meta.doc_id for d in only.docs] == ["2019年国务院政府工作报告", EZHOU] and only.year == TODAY.year
    assert [d.meta.region for d in catalog.only(regions=["河南"]).docs] == ["河南省"]
    # the year is worked out over the filtered documents: 今年 with only the 2019 report is that report
    [scope] = resolve(analyze("今年GDP增长目标"), catalog.only(doc_ids=["2019年国务院政府工作报告"]), explicit=True)
    assert scope.doc_ids == ("2019年国务院政府工作报告",) and scope.note


NATIONAL_PLAN = "中华人民共和国国民经济和社会发展第十五个五年规划纲要"
HEFEI_PROPOSAL = "中共合肥市委关于制定合肥市国民经济和社会发展第十五个五年规划的建议"
HEFEI_REPORT = "2026年合肥市政府工作报告"


@pytest.fixture(scope="module")
def with_national_plan(catalog):
    return _with(catalog, (BEIJING_PLAN, "北京市", "2026–2030"), (NATIONAL_PLAN, "全国", "2026–2030"),
                 (HEFEI_PROPOSAL, "合肥市", "2026–2030"), (HEFEI_REPORT, "合肥市", "2026"))


@pytest.mark.parametrize(
    ("question", "docs"),
    [
        # 国家 naming the country's own plan; a plan named with no region is the national one
        ("国家十五五纲要里常住人口城镇化率2030年目标是多少？", (NATIONAL_PLAN,)),
        ("十五五规划中期评估结果要向谁报告", (NATIONAL_PLAN,)),
        ("十五五期间全国城镇新增就业目标一共多少万人", (NATIONAL_PLAN,)),  # 全国 after the period asked
        ("北京十五五规划里常住人口规模目标", (BEIJING_PLAN,)),
        # the next period's 建议 reviews this one: 「建议」 named wins over the report of the same city
        ("合肥市委建议说十四五GDP突破了多少", (HEFEI_PROPOSAL,)),
        # a region named inside the national plan, with no document of its own, is what the plan is asked about
        ("十五五规划里澳门要怎么发展", (NATIONAL_PLAN,)),
        ("十五五规划中对西藏有什么支持", (NATIONAL_PLAN,)),
        # a region with its own documents keeps them; one that owns the plan asked of is still missing
        ("十五五规划里北京常住人口规模目标", (BEIJING_PLAN,)),
    ],
)
def test_the_national_plan_and_a_named_kind_of_document(with_national_plan, question, docs):
    scope = with_national_plan(question)
    assert (scope.doc_ids, scope.missing) == (docs, "")


def test_national_level_names_are_not_the_country():
    words = ZhTokenizer().words
    for question in ("鄂州有哪些国家级平台", "国家实验室建设进展如何", "国家级开发区有哪些",
                     "国家规划的重大项目在鄂州有哪些"):
        assert analyze(question, words=words).regions in ((), ("鄂州市",)), question
    assert analyze("国家的十四五规划GDP目标", words=words).regions == ("全国",)


@pytest.mark.parametrize("question", [
    "上海十五五规划GDP增长目标是多少",  # 上海's own plan, which the library lacks
    "十五五规划里上海的GDP增长目标是多少",  # a figure of 上海's, inside the national plan: still 上海's
])
def test_a_region_owning_the_plan_or_the_figure_asked_is_missing_even_beside_the_national_plan(
        with_national_plan, question):
    scope = with_national_plan(question)
    assert scope.doc_ids == () and scope.missing == "文档库中没有上海市的规划或报告"
