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


def test_chat_says_how_to_leave_and_ends_on_an_exit_word(index_dir, qa, monkeypatch, capsys):
    import io

    for word in ("exit", "quit", "退出", "Q", "exit。"):
        monkeypatch.setattr("sys.stdin", io.StringIO(f"鄂州打算建多少5G基站？\n{word}\n三区三线是什么？\n"))
        assert main(["chat", "--index-dir", str(index_dir)]) == 0
        out, err = capsys.readouterr()
        assert "exit、quit、退出、q 或 Ctrl-D" in err and "5000个" in out
        assert "三区三线" not in out and "理解为" not in out, word  # not asked as a question


def test_chat_at_a_terminal_leaves_on_ctrl_d_and_skips_empty_lines(index_dir, qa):
    import os
    import pty
    import subprocess
    import sys
    import time

    controller, terminal = pty.openpty()
    chat = subprocess.Popen([sys.executable, "-m", "planqa", "chat", "--index-dir", str(index_dir)],
                            stdin=terminal, stdout=terminal, stderr=terminal, close_fds=True)
    os.close(terminal)
    output = b""

    def read_until(text: str, seconds: float = 60) -> None:
        nonlocal output
        deadline = time.monotonic() + seconds
        while text.encode() not in output:
            assert time.monotonic() < deadline, output.decode(errors="replace")
            output += os.read(controller, 4096)

    try:
        read_until("问> ")
        assert "Ctrl-D" in output.decode()
        os.write(controller, "\n鄂州打算建多少5G基站？\n".encode())  # an empty line is skipped, not the end
        read_until("5000个")
        os.write(controller, b"\x04")  # Ctrl-D at the prompt: end of input
        assert chat.wait(timeout=30) == 0
    finally:
        chat.kill()
        os.close(controller)


def test_ask_lists_what_the_answer_quotes_then_the_other_passages(index_dir, qa, capsys):
    assert main(["ask", "到2025年常住人口城镇化率目标是多少？", "--index-dir", str(index_dir)]) == 0
    out = capsys.readouterr().out
    cited, others = out.split("其他相关段落：")
    assert "来源：\n  [1] " in cited and "  [1] " not in others
    assert "表：“十四五”时期鄂州市经济社会发展主要指标｜" in cited  # a table row as its table's row
    assert "指标名称：常住人口城镇化率（%）" in cited
