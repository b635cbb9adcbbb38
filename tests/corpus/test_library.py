"""The document library: adding, replacing, refusing and removing plan files."""

from __future__ import annotations

import json
import threading

import pytest

from corpus import SHIPPED_PLAN, CorpusError, chunk_document
from corpus.library import Library, planqa_home
from tests.samples import PROVINCE_PLAN, assert_refused_unchanged, write


@pytest.fixture
def library(tmp_path) -> Library:
    return Library(tmp_path / "library")


def added_ids(library: Library) -> list[str]:
    return [e.meta.doc_id for e in library.entries() if not e.builtin]


def test_default_library_lives_under_planqa_home(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANQA_HOME", str(tmp_path))
    assert planqa_home() == tmp_path
    assert Library().root == tmp_path / "library"


def test_a_fresh_library_holds_the_shipped_plan(library):
    [entry] = library.entries()
    assert entry.builtin and entry.meta.region == "鄂州市"
    assert library.path_of(entry) == SHIPPED_PLAN
    [doc] = library.load()
    assert doc.sha256 == entry.sha256


def test_add_copies_the_file_and_guesses_its_metadata(library, tmp_path):
    source = write(tmp_path / "in", "hubei-14th.txt", encoding="gb18030")
    change = library.add(source)
    assert change.action == "added"
    meta = change.entry.meta
    assert (meta.doc_id, meta.region, meta.period, meta.source) == ("hubei-14th", "湖北省", "2021–2025", source.name)
    assert meta.title.startswith("湖北省国民经济和社会发展第十四个五年规划")
    stored = library.path_of(change.entry)
    assert stored.read_bytes() == source.read_bytes()
    source.unlink()  # the library keeps its own copy
    docs = {d.meta.doc_id: d for d in library.load()}
    assert set(docs) == {"ezhou-14th-five-year-plan", "hubei-14th"}
    assert any("15万个" in c.text for c in chunk_document(docs["hubei-14th"]))


def test_given_metadata_wins_over_guesses(library, tmp_path):
    change = library.add(write(tmp_path, "a.txt"), title="湖北规划", region="湖北", period="2021-2025", doc_id="hb")
    assert change.entry.meta.title == "湖北规划"
    assert (change.entry.meta.doc_id, change.entry.meta.region, change.entry.meta.period) == ("hb", "湖北", "2021-2025")


def test_same_content_is_refused_as_a_duplicate(library, tmp_path):
    library.add(write(tmp_path, "hubei.txt"))
    with pytest.raises(CorpusError, match=r"duplicate: copy\.txt .*hubei"):
        library.add(write(tmp_path, "copy.txt"))
    with pytest.raises(CorpusError, match=r"duplicate.*ezhou-14th-five-year-plan"):
        library.add(write(tmp_path, "ezhou-again.txt", SHIPPED_PLAN.read_text(encoding="utf-8")))
    assert added_ids(library) == ["hubei"]


def test_a_changed_file_replaces_the_document_with_its_id(library, tmp_path):
    library.add(write(tmp_path / "v1", "hubei.txt"))
    changed = write(tmp_path / "v2", "hubei.txt", PROVINCE_PLAN.replace("15万个", "16万个"))
    change = library.add(changed)
    assert change.action == "replaced" and change.previous is not None
    assert added_ids(library) == ["hubei"]
    [doc] = [d for d in library.load() if d.meta.doc_id == "hubei"]
    assert doc.sha256 == change.entry.sha256 != change.previous.sha256
    assert [p.name for p in library.files_dir.iterdir()] == [change.entry.file]  # the old bytes are gone


def test_the_shipped_plan_cannot_be_replaced_or_removed(library, tmp_path):
    with pytest.raises(CorpusError, match=r"shipped plan.*--id"):
        library.add(write(tmp_path, "x.txt"), doc_id="ezhou-14th-five-year-plan")
    with pytest.raises(CorpusError, match="cannot be removed"):
        library.remove("ezhou-14th-five-year-plan")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("binary.txt", b"\x00\x01\x02PK\x03\x04" * 50, "binary"),
        ("empty.txt", b"", "empty"),
        ("slides.pptx", b"PK\x03\x04", "unsupported"),
    ],
)
def test_a_bad_file_is_refused_and_changes_nothing(library, tmp_path, name, content, message):
    assert_refused_unchanged(library, tmp_path, name, content, message)


def test_remove_drops_the_entry_and_its_file(library, tmp_path):
    change = library.add(write(tmp_path, "hubei.txt"))
    assert library.remove("hubei").meta.doc_id == "hubei"
    assert added_ids(library) == [] and not library.path_of(change.entry).exists()
    with pytest.raises(CorpusError, match="no added document 'hubei'"):
        library.remove("hubei")


def test_a_damaged_library_file_is_a_clear_error(library, tmp_path):
    library.add(write(tmp_path, "hubei.txt"))
    (library.root / "library.json").write_text('{"format": 1, "documents": [', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"library file .*library\.json is unreadable"):
        library.entries()


def test_concurrent_adds_keep_every_document(library, tmp_path):
    paths = [write(tmp_path, f"plan{i}.txt", PROVINCE_PLAN.replace("15万个", f"{i}万个")) for i in range(6)]
    threads = [threading.Thread(target=library.add, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(added_ids(library)) == [f"plan{i}" for i in range(6)]
    assert len(json.loads((library.root / "library.json").read_text(encoding="utf-8"))["documents"]) == 6
