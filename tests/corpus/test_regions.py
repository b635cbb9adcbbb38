"""Regions named in text (corpus.regions): every province-level name of corpus/data/regions.json."""

from __future__ import annotations

import json

import pytest

from corpus.regions import DATA_FILE, GAZETTEER, NATIONAL, core_name, same_region

PROVINCES = json.loads(DATA_FILE.read_text(encoding="utf-8"))["provinces"]


def test_there_are_34_province_level_divisions():
    assert len(PROVINCES) == 34


@pytest.mark.parametrize("province", PROVINCES, ids=[p["name"] for p in PROVINCES])
def test_every_name_of_a_province_maps_to_it(province):
    name = province["name"]
    for form in (name, *province["aliases"], *province["english"]):
        assert GAZETTEER.canonical(form) == name, form
        assert GAZETTEER.find(f"{form}的规划") == [name], form
    for abbreviation in province["abbreviations"]:
        assert GAZETTEER.find(f"{abbreviation}今年的目标") == [name], abbreviation
    assert same_region(name, core_name(name)) and GAZETTEER.find_at_start(f"2025年{name}政府工作报告") == name


@pytest.mark.parametrize(
    ("name", "core"),
    [("湖北省", "湖北"), ("广西壮族自治区", "广西"), ("新疆维吾尔自治区", "新疆"), ("宁夏回族自治区", "宁夏"),
     ("鄂州市", "鄂州"), ("香港特别行政区", "香港"), ("内蒙古自治区", "内蒙古")],
)
def test_core_names(name, core):
    assert core_name(name) == core and same_region(name, core)


def test_cities_and_the_country():
    assert GAZETTEER.canonical("鄂州") == "鄂州市" and GAZETTEER.canonical("ezhou") == "鄂州市"
    assert GAZETTEER.lookup("鄂州").province == "湖北省"
    assert GAZETTEER.canonical("国务院") == NATIONAL and GAZETTEER.canonical("中国") == NATIONAL
    assert GAZETTEER.find("湖北和鄂州的5G基站目标，Shandong呢") == ["湖北省", "鄂州市", "山东省"]
    assert GAZETTEER.canonical("吉林") == "吉林省"  # the province, not the city 吉林市
    assert GAZETTEER.canonical("没有这个地方") == "没有这个地方"
    assert not same_region("", "") and not same_region("湖北", "湖南")


def test_ambiguous_city_names_need_their_suffix():
    assert GAZETTEER.find("长治久安") == []
    assert GAZETTEER.find("长治市的规划") == ["长治市"]
    assert GAZETTEER.is_full_name("湖北") and GAZETTEER.is_full_name("鄂州市") and not GAZETTEER.is_full_name("鄂州")


def test_an_abbreviation_counts_only_at_the_start_before_a_time_word():
    assert GAZETTEER.find("皖今年GDP增长目标") == ["安徽省"]
    assert GAZETTEER.find("港口建设") == [] and GAZETTEER.find("新建铁路") == []


@pytest.mark.parametrize(
    "text",
    ["中国人民大学的学科建设目标", "中国科学院在京院所", "中国（上海）自由贸易试验区的制度创新", "中国式现代化深圳实践",
     "中国石油大学", "中国特色社会主义"],
)
def test_中国_inside_a_proper_name_is_not_the_country(text):
    assert NATIONAL not in GAZETTEER.find(text)
    assert GAZETTEER.find_at_start(text) != NATIONAL


def test_中国_on_its_own_and_the_central_committee_are_the_country():
    assert GAZETTEER.find("中国今年的经济增长目标") == [NATIONAL]
    assert GAZETTEER.find_at_start("中共中央关于制定国民经济和社会发展第十五个五年规划的建议") == NATIONAL
    assert GAZETTEER.find("中国（上海）自由贸易试验区") == ["上海市"]  # the region it names is still found
