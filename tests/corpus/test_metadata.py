"""Metadata guessed from a document's opening lines (corpus.metadata), on the real dev corpus files."""

from __future__ import annotations

import json
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

DATA = Path(__file__).resolve().parents[2] / "eval" / "data"
DEV_CORPUS = DATA / "dev-corpus"
REPORT_FOLDERS = ("national-gwr", "provincial-2025")  # files named 「YYYY年<who>政府工作报告」
FILES = sorted(p for folder in REPORT_FOLDERS for p in (DEV_CORPUS / folder).iterdir() if p.suffix in (".txt", ".docx"))
BEFORE = json.loads((Path(__file__).parent / "data" / "dev_metadata.json").read_text(encoding="utf-8"))["documents"]
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


def test_no_earlier_document_changed_its_metadata():
    """The 68 report files keep the title, region and period they had before the 2026 documents came."""
    assert len(BEFORE) == len(FILES) == 68
    for name, expected in BEFORE.items():
        path = DEV_CORPUS / name
        meta = guess_meta(path, load_lines(path)[0])
        assert [meta.title, meta.region, meta.period] == expected, name


PLANS_2026 = DEV_CORPUS / "plans-2026"
OUTLINE = "国民经济和社会发展第十五个五年规划纲要"
# file → title, region, period, kind: every file of plans-2026 and the 杭州 outline printed to PDF
EXPECTED_2026 = {
    "2026年北京市政府工作报告.txt": ("2026年北京市政府工作报告", "北京市", "2026", "report"),
    "2026年合肥市政府工作报告.txt": ("2026年合肥市政府工作报告", "合肥市", "2026", "report"),  # no date line
    "2026年国务院政府工作报告.txt": ("2026年全国政府工作报告", "全国", "2026", "report"),
    "2026年杭州市政府工作报告.txt": ("2026年杭州市政府工作报告", "杭州市", "2026", "report"),  # no date line
    "2026年浙江省政府工作报告.txt": ("2026年浙江省政府工作报告", "浙江省", "2026", "report"),
    "2026年深圳市政府工作报告.txt": ("2026年深圳市政府工作报告", "深圳市", "2026", "report"),
    "中共中央关于制定国民经济和社会发展第十五个五年规划的建议.txt": (
        "中共中央关于制定国民经济和社会发展第十五个五年规划的建议", "全国", "2026–2030", "proposal"),
    "中共中央关于制定国民经济和社会发展第十四个五年规划和二〇三五年远景目标的建议.txt": (
        "中共中央关于制定国民经济和社会发展第十四个五年规划和二〇三五年远景目标的建议", "全国", "2021–2025",
        "proposal"),
    "中共合肥市委关于制定合肥市国民经济和社会发展第十五个五年规划的建议.txt": (
        "中共合肥市委关于制定合肥市国民经济和社会发展第十五个五年规划的建议", "合肥市", "2026–2030", "proposal"),
    f"中华人民共和国{OUTLINE}.txt": (f"中华人民共和国{OUTLINE}", "全国", "2026–2030", "plan"),
    f"北京市{OUTLINE}.txt": (f"北京市{OUTLINE}", "北京市", "2026–2030", "plan"),
    # an issuing notice 「杭州市人民政府 / 关于印发… / …的通知」: the title is the outline it issues
    f"杭州市{OUTLINE}.docx": (f"杭州市{OUTLINE}", "杭州市", "2026–2030", "plan"),
    f"深圳市{OUTLINE}.txt": (f"深圳市{OUTLINE}", "深圳市", "2026–2030", "plan"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_2026))
def test_2026_documents_title_region_period_kind(name):
    path = PLANS_2026 / name
    meta = guess_meta(path, load_lines(path)[0])
    assert (meta.title, meta.region, meta.period, meta.kind) == EXPECTED_2026[name]


def test_every_2026_file_is_listed():
    assert {p.name for p in PLANS_2026.iterdir() if p.suffix != ".md"} == set(EXPECTED_2026)


def test_the_hangzhou_outline_as_pdf_reads_like_the_docx():
    path = DATA / "formats" / f"杭州市{OUTLINE}.pdf"
    meta = guess_meta(path, load_lines(path)[0])
    assert (meta.title, meta.region, meta.period, meta.kind) == EXPECTED_2026[f"杭州市{OUTLINE}.docx"]


@pytest.mark.parametrize(
    ("lines", "name", "title", "region", "period"),
    [
        # a title over two lines (a cover page), then the file name gives nothing more
        (["杭州市国民经济和社会发展", "第十五个五年规划纲要", "目 录"], "x", f"杭州市{OUTLINE}", "杭州市", "2026–2030"),
        # a first line that is only the plan's name: the city comes from the file name
        (["第十五个五年规划纲要", "第一章 总体要求"], f"杭州市{OUTLINE}", "第十五个五年规划纲要", "杭州市",
         "2026–2030"),
        # a notice whose text does not name the plan in 《》: the words between 印发 and 的通知
        (["某某市人民政府", "关于印发某某市数字经济发展规划的通知", "各区人民政府："], "notice",
         "某某市数字经济发展规划", "", ""),
        # a report without date line: year and region from the file name, not from 「中国特色社会主义」 in its text
        (["政府工作报告", "各位代表：", "坚持以习近平新时代中国特色社会主义思想为指导，全面落实安徽工作要求。"],
         "2026年合肥市政府工作报告", "2026年合肥市政府工作报告", "合肥市", "2026"),
    ],
)
def test_titles_from_notices_covers_and_file_names(tmp_path, lines, name, title, region, period):
    meta = guess_meta(tmp_path / f"{name}.txt", lines)
    assert (meta.title, meta.region, meta.period) == (title, region, period)


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
        ("中共中央关于制定国民经济和社会发展第十五个五年规划的建议", "全国", "2026–2030"),
        ("中共合肥市委关于制定合肥市国民经济和社会发展第十五个五年规划的建议", "合肥市", "2026–2030"),
        ("中国人民大学“十四五”规划", "", "2021–2025"),  # 中国 inside a proper name is not 全国
        ("中国科学院关于加快科技成果转化的意见", "", ""),
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
    # 〇 is a Chinese digit (U+3007, outside the ideograph blocks): the id keeps the title's year
    title = "湖北省国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"
    assert make_doc_id(title) == title
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


def test_document_kind_is_derived_not_stored():
    from dataclasses import asdict

    from corpus.records import DocumentMeta

    meta = DocumentMeta("d", "2026年北京市政府工作报告")
    assert meta.kind == "report" and "kind" not in asdict(meta)
    assert DocumentMeta.from_dict(asdict(meta)).kind == "report"
    assert [DocumentMeta("d", t).kind for t in ("深圳市“十五五”规划纲要", "关于制定…规划的建议", "会议记录")] == [
        "plan", "proposal", ""]
