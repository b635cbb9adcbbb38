"""The document library under crashes, bad input, crafted library.json values and a full disk:
every failure is a CorpusError with a message, and none leaves the library inconsistent."""

from __future__ import annotations

import errno
import io
import json
import os
import zipfile

import pytest

import planqa
from corpus import CorpusError
from corpus import library as library_module
from corpus.library import Library
from tests.faults.conftest import Crash, fill, needs_root
from tests.samples import PROVINCE_PLAN, assert_refused_unchanged, write

CHANGED_PLAN = PROVINCE_PLAN.replace("15万个", "16万个")


@pytest.fixture
def library(tmp_path) -> Library:
    return Library(tmp_path / "library")


def consistent(library: Library) -> dict[str, str]:
    """Load the library (which checks every stored file's SHA-256); doc_id → text of its 5G passage."""
    return {d.meta.doc_id: next(b.text for s in d.root.walk() for b in s.blocks if "5G基站" in b.text)
            for d in library.load()[1:]}


# --- crashes at every write of a replacing add -------------------------------------------------


@pytest.mark.parametrize("crash_at", ["new bytes written", "library.json written", "old bytes removed"])
def test_a_crash_while_replacing_leaves_old_or_new_never_a_mix(library, tmp_path, monkeypatch, crash_at):
    library.add(write(tmp_path / "v1", "hubei.txt"))
    writes = []
    real_write, real_unlink = library_module._write_atomic, os.unlink

    def write_then_maybe_crash(path, data):
        real_write(path, data)
        writes.append(path.name)
        first = crash_at == "new bytes written" and len(writes) == 1
        if first or (crash_at == "library.json written" and path.name == "library.json"):
            raise Crash

    def unlink_and_crash(path, *args, **kwargs):
        real_unlink(path, *args, **kwargs)
        raise Crash

    monkeypatch.setattr(library_module, "_write_atomic", write_then_maybe_crash)
    if crash_at == "old bytes removed":
        monkeypatch.setattr(os, "unlink", unlink_and_crash)
    with pytest.raises(Crash):
        library.add(write(tmp_path / "v2", "hubei.txt", CHANGED_PLAN))
    monkeypatch.undo()

    reopened = Library(library.root)
    text = consistent(reopened)["hubei"]  # loads, and every stored file matches its hash
    expected = "15万个" if crash_at == "new bytes written" else "16万个"
    assert expected in text
    # the next write clears what the crash left behind
    reopened.add(write(tmp_path / "v3", "other.txt", PROVINCE_PLAN.replace("15万个", "17万个")), doc_id="other")
    listed = {e.file for e in reopened.entries() if not e.builtin}
    assert {p.name for p in reopened.files_dir.iterdir()} == listed


def test_stored_bytes_are_checked_against_their_hash(library, tmp_path):
    change = library.add(write(tmp_path, "hubei.txt"))
    library.path_of(change.entry).write_text(CHANGED_PLAN, encoding="utf-8")
    with pytest.raises(CorpusError, match="no longer matches its SHA-256"):
        library.load()


@pytest.mark.parametrize("crafted", ["../../victim.txt", "/tmp/victim.txt", "sub/victim.txt", "..", ".lock"])
def test_a_crafted_file_field_never_reaches_outside_the_library(library, tmp_path, crafted):
    library.add(write(tmp_path, "hubei.txt"))
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    path = library.root / "library.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["documents"][0]["file"] = crafted
    path.write_text(json.dumps(data), encoding="utf-8")
    for action in (lambda: library.remove("hubei"), library.load, library.entries):
        with pytest.raises(CorpusError, match="not a file name inside the library"):
            action()
    assert victim.read_text(encoding="utf-8") == "keep me"


# --- a batch is all or nothing ------------------------------------------------------------------


def test_a_batch_with_one_bad_file_adds_nothing(library, tmp_path, fake_model, capsys, monkeypatch):
    monkeypatch.setenv("PLANQA_HOME", str(tmp_path / "home"))
    good = write(tmp_path / "in", "good.txt")
    bad = tmp_path / "in" / "bad.txt"
    bad.write_bytes(b"\x00\x01" * 100)
    index = ["--index-dir", str(tmp_path / "index"), "--model", fake_model]
    assert planqa.main(["add", str(good), str(bad), *index]) == 2
    err = capsys.readouterr().err
    assert "nothing added" in err and "bad.txt" in err and "Traceback" not in err
    assert [e.meta.doc_id for e in Library().entries()] == ["ezhou-14th-five-year-plan"]
    assert not (tmp_path / "index").exists()


# --- limits and bad input: messages, no state change -----------------------------------------------


def _docx_bytes(document_xml: bytes, padding: int = 0) -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = document_xml if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item, data)
        if padding:
            target.writestr("word/media/padding.bin", b"\0" * padding)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("odd.txt", b"\xff\xfe" + "规划".encode("utf-16-le") + b"A", "UTF-16 byte-order mark"),
        ("surrogate.txt", b"\xff\xfe" + b"\x00\xd8" + "规划".encode("utf-16-le"), "UTF-16 byte-order mark"),
        ("bom.txt", b"\xef\xbb\xbf" + "规划".encode() + b"\xff\xfe", "UTF-8 byte-order mark"),
        ("broken.docx", _docx_bytes(b"<w:document><w:body><w:p>"), "not a valid .docx"),
        ("bomb.docx", _docx_bytes(b"", padding=120 * 2**20), "unpacks to"),
    ],
)
def test_bad_files_are_messages_and_change_nothing(library, tmp_path, name, content, message):
    assert_refused_unchanged(library, tmp_path, name, content, message)


def test_limits_come_from_the_settings(library, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANQA_MAX_PASSAGES", "2")
    with pytest.raises(CorpusError, match=r"passages, the limit is 2 \(\$PLANQA_MAX_PASSAGES\)"):
        library.add(write(tmp_path, "hubei.txt"))
    monkeypatch.setenv("PLANQA_MAX_PASSAGES", "3000")
    monkeypatch.setenv("PLANQA_MAX_UPLOAD_MB", "0.0001")
    with pytest.raises(CorpusError, match=r"PLANQA_MAX_UPLOAD_MB"):
        library.add(write(tmp_path, "hubei.txt"))
    monkeypatch.setenv("PLANQA_MAX_UPLOAD_MB", "lots")
    with pytest.raises(Exception, match="PLANQA_MAX_UPLOAD_MB must be a positive number"):
        library.add(write(tmp_path, "hubei.txt"))
    assert not (library.root / "library.json").exists()


def test_a_long_id_is_a_message(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PLANQA_HOME", str(tmp_path / "home"))
    source = write(tmp_path, "hubei.txt")
    assert planqa.main(["add", str(source), "--id", "x" * 100, "--no-index"]) == 2
    assert "give a shorter one with --id" in capsys.readouterr().err


# --- a full disk --------------------------------------------------------------------------------


def test_injected_enospc_is_a_message_and_adds_nothing(library, tmp_path, monkeypatch):
    library.add(write(tmp_path, "hubei.txt"))
    before = (library.root / "library.json").read_bytes()

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(CorpusError, match="the disk is full"):
        library.add(write(tmp_path, "other.txt", CHANGED_PLAN))
    monkeypatch.undo()
    assert (library.root / "library.json").read_bytes() == before
    assert len(list(library.files_dir.iterdir())) == 1


@needs_root
def test_a_real_full_disk_is_a_message_and_adds_nothing(small_disk, tmp_path):
    library = Library(small_disk / "library")
    library.add(write(tmp_path, "hubei.txt"))
    before = (library.root / "library.json").read_bytes()
    fill(small_disk)
    with pytest.raises(CorpusError, match="the disk is full"):
        library.add(write(tmp_path, "other.txt", CHANGED_PLAN))
    assert (library.root / "library.json").read_bytes() == before
    assert not list(library.files_dir.glob("*.tmp"))
    assert consistent(library)["hubei"]
