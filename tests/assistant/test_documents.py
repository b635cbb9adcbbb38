"""Several plans in one index: incremental builds, per-document manifest, filters, `planqa add`.

A fake embedder (hashed bigrams) keeps these fast; the shipped plan is always in the library.
"""

from __future__ import annotations

import json

import pytest

import planqa
from assistant import Filter, PlanQA
from corpus import chunk_document
from corpus.library import Library
from index.searcher import FilterError
from index.store import current_build, load_index, read_manifest
from tests.samples import PROVINCE_PLAN, write

EZHOU = "ezhou-14th-five-year-plan"


@pytest.fixture
def library(tmp_path) -> Library:
    return Library(tmp_path / "library")


@pytest.fixture
def two_plans(tmp_path, library, fake_model):
    """An index of the shipped plan, then the library with a provincial plan added (rebuilt)."""
    root = tmp_path / "index"
    PlanQA.load(index_dir=root, model=fake_model, library=library, progress=False)
    library.add(write(tmp_path / "in", "hubei.txt"))
    qa = PlanQA.load(index_dir=root, model=fake_model, library=library, progress=False)
    return root, qa


def test_adding_a_document_embeds_only_its_passages(two_plans, library):
    root, qa = two_plans
    manifest = read_manifest(root)
    hubei = next(d for d in library.load() if d.meta.doc_id == "hubei")
    assert manifest["changes"] == {"added": ["hubei"], "changed": [], "removed": [], "unchanged": [EZHOU]}
    assert manifest["embedded_chunks"] == len(chunk_document(hubei))
    assert manifest["documents"]["hubei"] == {"sha256": hubei.sha256, "chunks": len(chunk_document(hubei))}
    assert {d.doc_id for d in qa.searcher.documents()} == {EZHOU, "hubei"}
    assert {d.doc_id for d in qa.catalog().documents} == {EZHOU, "hubei"}


def test_citations_name_their_document_and_filters_hold(two_plans):
    _, qa = two_plans
    answer = qa.ask("到2025年建多少5G基站？", where=Filter.of(regions=["湖北"]))
    assert answer.found and "15万个" in answer.text
    assert {c.doc_id for c in answer.citations} == {"hubei"}
    assert answer.citations[0].doc_title.startswith("湖北省")
    assert answer.citations[0].reference().startswith("《湖北省国民经济")
    ezhou = qa.ask("到2025年建多少5G基站？", where=Filter.of(doc_ids=[EZHOU]))
    assert "5000个" in ezhou.text and {c.doc_id for c in ezhou.citations} == {EZHOU}
    with pytest.raises(FilterError, match=r"unknown region.*上海.*indexed: 鄂州市, 湖北省"):
        qa.ask("5G基站", where=Filter.of(regions=["上海"]))


def test_a_question_naming_a_region_searches_that_region(two_plans):
    _, qa = two_plans
    province = qa.ask("湖北省到2025年要建多少个5G基站？")
    assert "15万个" in province.text and {c.doc_id for c in province.citations} == {"hubei"}
    city = qa.ask("鄂州到2025年要建多少个5G基站？")
    assert "5000个" in city.text and {c.doc_id for c in city.citations} == {EZHOU}
    both = qa.ask("鄂州和湖北的5G基站建设目标")
    assert {c.doc_id for c in both.citations} == {EZHOU, "hubei"}


def test_a_changed_then_removed_document_updates_the_index(two_plans, tmp_path, library, fake_model):
    root, _ = two_plans
    library.add(write(tmp_path / "v2", "hubei.txt", PROVINCE_PLAN.replace("15万个", "16万个")))
    qa = PlanQA.load(index_dir=root, model=fake_model, library=library, progress=False)
    manifest = read_manifest(root)
    assert manifest["changes"]["changed"] == ["hubei"]
    assert manifest["embedded_chunks"] == 1  # only the passage whose text changed
    assert "16万个" in qa.ask("湖北省建多少5G基站").text

    library.remove("hubei")
    qa = PlanQA.load(index_dir=root, model=fake_model, library=library, progress=False)
    manifest = read_manifest(root)
    assert manifest["changes"]["removed"] == ["hubei"] and manifest["embedded_chunks"] == 0
    assert {c.doc_id for c in qa.searcher.chunks} == {EZHOU}
    assert load_index(root).dense.chunk_ids == [c.chunk_id for c in qa.searcher.chunks]


def test_add_remove_and_docs_commands(tmp_path, fake_model, capsys, monkeypatch):
    monkeypatch.setenv("PLANQA_HOME", str(tmp_path / "home"))
    index = ["--index-dir", str(tmp_path / "index"), "--model", fake_model]
    source = write(tmp_path / "in", "hubei.txt")
    assert planqa.main(["add", str(source), "--region", "湖北省", *index]) == 0
    out = capsys.readouterr().out
    assert "added hubei: 《湖北省国民经济和社会发展第十四个五年规划" in out and "region=湖北省" in out
    assert "added ezhou-14th-five-year-plan hubei" in out  # first build of this index: both are new

    copy = write(tmp_path / "in", "copy.txt")
    bad = tmp_path / "in" / "scan.txt"
    bad.write_bytes(b"\x00" * 100)
    assert planqa.main(["add", str(copy), str(bad), *index]) == 2
    err = capsys.readouterr().err
    assert "duplicate: copy.txt" in err and "binary" in err and "nothing added (2 problem(s))" in err

    assert planqa.main(["docs"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in listing] == [EZHOU, "hubei"]

    assert planqa.main(["ask", "5G基站建多少", "--region", "湖北", "--json", *index]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert {c["doc_id"] for c in answer["citations"]} == {"hubei"}

    assert planqa.main(["remove", "hubei", *index]) == 0
    assert "removed hubei" in capsys.readouterr().out
    manifest = json.loads((current_build(tmp_path / "index") / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["documents"]) == [EZHOU] and manifest["changes"]["removed"] == ["hubei"]
