"""Metadata guessed from a document's opening lines (corpus.metadata), on the real dev corpus files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus import CorpusError
from corpus.loaders import load_lines
from corpus.metadata import (
    five_year_period,
    guess_meta,
    guess_period,
    guess_region,
    guess_title,
    make_doc_id,
    period_years,
)
from corpus.regions import GAZETTEER

DEV_CORPUS = Path(__file__).resolve().parents[2] / "eval" / "data" / "dev-corpus"
FILES = sorted(p for p in DEV_CORPUS.rglob("*") if p.suffix in (".txt", ".docx"))
# the file names say what each file is: 「2019年国务院政府工作报告」「2025年广西政府工作报告」
_NAME = re.compile(r"^((?:19|20)\d{2})年(.+?)政府工作报告$")


def test_the_dev_corpus_is_there():
    assert len([p for p in FILES if p.suffix == ".txt"]) >= 50
    assert len([p for p in FILES if p.suffix == ".docx"]) >= 16


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_dev_corpus_titles_give_region_and_period(path):
    year, who = _NAME.match(path.stem).groups()
    lines, _ = load_lines(path)
    meta = guess_meta(path, lines[:8])
    expected_region = "全国" if who == "国务院" else GAZETTEER.canonical(who)
    assert meta.title.startswith(f"{year}年") and "政府工作报告" in meta.title  # 1964: 「…报告（摘要）」
    assert meta.region == expected_region
    assert meta.period == year and period_years(meta.period) == (int(year), int(year))
    assert meta.doc_id == path.stem and meta.source == path.name


def test_a_report_titled_only_政府工作报告_is_completed_from_the_next_lines():
    lines = ["政府工作报告", "——2025年1月13日在广西壮族自治区第十四届人民代表大会第四次会议上", "自治区主席"]
    title = guess_title(lines)
    assert title == "2025年广西壮族自治区政府工作报告"
    assert (guess_region(title), guess_period(title)) == ("广西壮族自治区", "2025")


@pytest.mark.parametrize(
    ("title", "region", "period"),
    [
        ("湖北省国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要", "湖北省", "2021–2025"),
        ("鄂州市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要", "鄂州市", "2021–2025"),
        ("2019年中华人民共和国国务院政府工作报告", "全国", "2019"),
        ("新疆维吾尔自治区“十四五”规划", "新疆维吾尔自治区", "2021–2025"),
        ("某市交通发展规划（2021—2035年）", "", "2021–2035"),
        ("中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要", "全国", "2021–2025"),
        ("2024年鄂州市政府工作报告", "鄂州市", "2024"),
        ("恩施土家族苗族自治州“十四五”规划纲要", "恩施土家族苗族自治州", "2021–2025"),
        ("关于加快发展数字经济的若干意见", "", ""),
    ],
)
def test_guess_region_and_period(title, region, period):
    assert (guess_region(title), guess_period(title)) == (region, period)


def test_five_year_periods_and_period_years():
    assert five_year_period(14) == (2021, 2025)
    assert five_year_period(1) == (1953, 1957) and five_year_period(3) == (1966, 1970)
    assert five_year_period(13) == (2016, 2020)
    assert period_years("2021–2025") == (2021, 2025) and period_years("2025年") == (2025, 2025)
    assert period_years("") is None and period_years("近期") is None


def test_doc_ids():
    assert make_doc_id(" 2025年广西 政府工作报告 ") == "2025年广西-政府工作报告"
    with pytest.raises(CorpusError, match="--id"):
        make_doc_id("///")
    with pytest.raises(CorpusError):
        make_doc_id("x" * 81)


def test_what_the_user_gives_wins(tmp_path):
    meta = guess_meta(tmp_path / "hb.txt", ["湖北省国民经济和社会发展第十四个五年规划纲要"],
                      title="我的规划", region="鄂州市", period="2021–2025", doc_id="mine")
    assert (meta.doc_id, meta.title, meta.region, meta.period) == ("mine", "我的规划", "鄂州市", "2021–2025")
    fallback = guess_meta(tmp_path / "notes.txt", ["会议记录", "今天讨论了三件事。"])
    assert (fallback.title, fallback.region, fallback.period) == ("notes", "", "")
