"""`planqa ask` from the command line: pretty, JSON, batch, and bad input."""

from __future__ import annotations

import json

from planqa import main


def test_ask_pretty(index_dir, qa, capsys):
    assert main(["ask", "鄂州打算建多少5G基站？", "--index-dir", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert "答：" in out and "5000个" in out
    assert "[1] 第四篇 加快建设科学城，引领高质量发展 › 第十三章 加快建设数字鄂州" in out


def test_ask_json(index_dir, qa, capsys):
    assert main(["ask", "三区三线是什么？", "--json", "--index-dir", str(index_dir)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["found"] and "生态保护红线" in data["text"]


def test_ask_batch_to_jsonl(index_dir, qa, tmp_path, capsys):
    questions = tmp_path / "q.txt"
    questions.write_text("鄂州打算建多少5G基站？\n\n鄂州市长是谁？\n", encoding="utf-8")
    out = tmp_path / "a.jsonl"
    assert main(["ask", "--file", str(questions), "--jsonl", str(out), "--index-dir", str(index_dir)]) == 0
    answers = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [a["found"] for a in answers] == [True, False]


def test_ask_errors_are_messages_not_tracebacks(index_dir, qa, tmp_path, capsys):
    assert main(["ask", "   ", "--index-dir", str(index_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("planqa: ") and "empty" in err and "Traceback" not in err
    assert main(["ask", "--file", str(tmp_path / "missing.txt"), "--index-dir", str(index_dir)]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["ask", "建多少5G基站", "--part", "第十一篇", "--index-dir", str(index_dir)]) == 2
    assert "unknown part" in capsys.readouterr().err


def test_search_and_index_info(index_dir, qa, capsys):
    assert main(["search", "三江港", "-k", "2", "--mode", "bm25", "--index-dir", str(index_dir)]) == 0
    assert "三江港" in capsys.readouterr().out
    assert main(["index", "info", "--index-dir", str(index_dir)]) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest["spec"]["dimension"] == 384 and manifest["chunk_count"] > 300


def test_chat_reads_follow_ups_and_exports(tmp_path, index_dir, qa, monkeypatch, capsys):
    import io

    import docx

    monkeypatch.setattr("sys.stdin", io.StringIO("鄂州到2025年要建多少5G基站？\n那充电桩呢？\n\n这一行不再读\n"))
    out = tmp_path / "会议材料.docx"
    assert main(["chat", "--index-dir", str(index_dir), "--export", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "理解为：鄂州到2025年要建多少充电桩" in printed and "2000个" in printed
    assert "这一行不再读" not in printed
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert paragraphs[0] == "会议材料" and "2. 那充电桩呢" in paragraphs
