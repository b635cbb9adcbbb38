"""The library actions behind the page's 文档库 tab (LiveQA), with a fast fake embedder."""

from __future__ import annotations

import pytest

from assistant import PlanQA
from corpus.library import Library
from tests.samples import PROVINCE_PLAN, write
from ui import render
from ui.live import LiveQA


@pytest.fixture
def live(tmp_path, fake_model) -> LiveQA:
    library = Library(tmp_path / "library")

    def reload() -> PlanQA:
        return PlanQA.load(index_dir=tmp_path / "index", model=fake_model, library=library, progress=False)

    return LiveQA(reload(), reload=reload, library=library)


def test_upload_indexes_the_file_and_the_page_answers_from_it(live, tmp_path):
    before = live.qa
    report = live.add([write(tmp_path / "in", "hubei.txt")], region="湖北省")
    assert not report.failed
    assert report.lines[0].startswith("✔ 已添加《湖北省国民经济") and "索引已更新：2 份文档" in report.lines[-1]
    assert live.qa is not before
    answer = live.qa.ask("湖北省到2025年建多少5G基站")
    assert "15万个" in answer.text and answer.citations[0].doc_id == "hubei"
    rows = {row["doc_id"]: row for row in live.rows()}
    assert rows["hubei"]["region"] == "湖北省" and int(rows["hubei"]["passages"]) >= 2
    assert rows["ezhou-14th-five-year-plan"]["origin"] == "内置"
    table = render.render_library(live.rows())
    assert table.count("<tr>") == 3 and "湖北省" in table


def test_bad_and_duplicate_uploads_are_reported_and_lose_nothing(live, tmp_path):
    live.add([write(tmp_path / "in", "hubei.txt")])
    current = live.qa
    bad = tmp_path / "in" / "broken.docx"
    bad.write_bytes(b"not a zip")
    report = live.add([bad, write(tmp_path / "in", "again.txt", PROVINCE_PLAN)])
    assert report.failed and "nothing added" in report.lines[0]
    assert "broken.docx" in report.lines[1] and "duplicate" in report.lines[2]
    assert live.qa is current  # nothing changed: no rebuild
    assert [e.meta.doc_id for e in live.library.entries()] == ["ezhou-14th-five-year-plan", "hubei"]


def test_remove_and_read_only_pages(live, tmp_path, fake_model):
    live.add([write(tmp_path / "in", "hubei.txt")])
    report = live.remove("hubei")
    assert not report.failed and set(live.qa.catalog().passages) == {"ezhou-14th-five-year-plan"}
    assert live.remove("hubei").failed
    read_only = LiveQA(live.qa)
    assert not read_only.editable and read_only.add([tmp_path / "x.txt"]).failed
