"""The generative answerer against a real OpenAI-compatible HTTP server on 127.0.0.1 and a tiny local LM.

The server returns canned completions; the plan, its index and the passages sent are real.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import planqa
from assistant import Answer, Citation, PlanQA
from assistant.generative import (
    GenerativeError,
    GenerativeRefiner,
    LocalCausalLM,
    build_messages,
    completions_url,
    refiner_from_env,
    refiner_from_spec,
    verify,
)
from corpus import SHIPPED_PLAN, PlanqaError
from tests.assistant.tiny_models import save_tiny_llama

QUESTION = "鄂州打算建多少5G基站？"


class ChatServer(ThreadingHTTPServer):
    """Speaks POST /v1/chat/completions; answers with ``reply`` = (status, body, delay in seconds)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ChatHandler)
        self.requests: list[dict[str, Any]] = []
        self.reply: tuple[int, bytes, float] = (500, b"", 0.0)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def answer_with(self, content: Any, delay: float = 0.0) -> None:
        body = {"id": "c1", "object": "chat.completion", "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ]}
        self.reply = (200, json.dumps(body, ensure_ascii=False).encode(), delay)


class ChatHandler(BaseHTTPRequestHandler):
    server: ChatServer

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        status, payload, delay = self.server.reply
        time.sleep(delay)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the client gave up (timeout test)
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ChatServer]:
    chat = ChatServer()
    thread = threading.Thread(target=chat.serve_forever, daemon=True)
    thread.start()
    yield chat
    chat.shutdown()
    chat.server_close()


@pytest.fixture
def closed_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


@pytest.fixture(scope="module")
def extractive(qa) -> Answer:
    return qa.ask(QUESTION)


@pytest.fixture(scope="module")
def five_g(extractive) -> Citation:
    """The cited passage that holds the figure (专栏4-6: 全市建设5G基站5000个)."""
    matches = [c for c in extractive.citations if "5G基站5000个" in c.text]
    assert matches, [c.path_text for c in extractive.citations]
    return matches[0]


def ask_with(qa, spec: str) -> Answer:
    return PlanQA(qa.searcher, qa.documents, refiner=refiner_from_spec(spec)).ask(QUESTION)


def assert_extractive_fallback(answer: Answer, extractive: Answer, reason: str) -> None:
    assert answer.answerer == "extractive"
    assert answer.text == extractive.text
    assert answer.citations == extractive.citations
    assert "已改用摘录式回答" in answer.notice
    assert reason in answer.notice


def test_verified_answer_is_shown_and_prompt_holds_passages(qa, server, extractive, five_g, monkeypatch):
    monkeypatch.setenv("PLANQA_LLM_API_KEY", "sk-test")
    reply = f"到2025年，全市建设5G基站5000个[{five_g.number}]，实现全域连续覆盖。"
    server.answer_with(reply)
    answer = ask_with(qa, f"{server.url}#model=qwen2.5-7b")
    assert answer.answerer == "llm:qwen2.5-7b"
    assert answer.text == reply
    assert answer.found and answer.notice == ""
    assert answer.citations == extractive.citations
    assert answer.extras["extractive_text"] == extractive.text

    [request] = server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    body = request["body"]
    assert body["model"] == "qwen2.5-7b" and body["temperature"] == 0 and body["max_tokens"] > 0
    system, user = body["messages"]
    assert system["role"] == "system" and "[n]" in system["content"] and "规划中未找到相关内容" in system["content"]
    assert "鄂州" not in system["content"]  # the prompt serves any document library, it names no city
    assert user["role"] == "user" and f'\n"{QUESTION}"\n' in user["content"]
    for c in extractive.citations:
        assert f"[{c.number}] 出处：《{c.doc_title}》 {c.path_text}\n{c.text}" in user["content"]


def test_figure_not_in_the_passages_falls_back(qa, server, extractive, five_g):
    server.answer_with(f"到2025年，全市建设5G基站8000个[{five_g.number}]。")
    answer = ask_with(qa, server.url)
    assert_extractive_fallback(answer, extractive, "未通过核验")
    assert "8000个" in answer.notice


def test_figure_from_an_uncited_passage_falls_back(qa, server, extractive, five_g):
    other = next(c for c in extractive.citations if "5000个" not in c.text and "5G" in c.text)
    server.answer_with(f"全市建设5G基站5000个[{other.number}]。")
    assert_extractive_fallback(ask_with(qa, server.url), extractive, "5000个")


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("到2025年，全市建设5G基站5000个。", "[n]"),
        ("全市建设5G基站5000个[9]。", "[9]"),
        ("规划中未找到相关内容。", "不能回答"),
    ],
    ids=["no-marker", "unknown-passage", "model-says-not-found"],
)
def test_unverifiable_reply_falls_back(qa, server, extractive, reply, reason):
    server.answer_with(reply)
    assert_extractive_fallback(ask_with(qa, server.url), extractive, reason)


def test_full_width_figures_thinking_and_bracket_styles_are_normalized(qa, server, five_g):
    server.answer_with(f"<think>也许是8000个？</think>全市建设5G基站５，０００个【{five_g.number}】。")
    answer = ask_with(qa, server.url)
    assert answer.answerer == "llm:default"
    assert answer.text == f"全市建设5G基站５，０００个[{five_g.number}]。"


def test_timeout_falls_back_quickly(qa, server, extractive, five_g, monkeypatch):
    monkeypatch.setenv("PLANQA_LLM_TIMEOUT", "0.3")
    server.answer_with(f"全市建设5G基站5000个[{five_g.number}]。", delay=12.0)
    started = time.perf_counter()
    answer = ask_with(qa, server.url)
    # far less than the server's 12 s delay: the 0.3 s timeout cut the call (slack for a loaded CI machine)
    assert time.perf_counter() - started < 8.0
    assert_extractive_fallback(answer, extractive, "超时")


def test_connection_refused_falls_back(qa, closed_url, extractive):
    assert_extractive_fallback(ask_with(qa, closed_url), extractive, "无法连接")


@pytest.mark.parametrize(
    "reply",
    [(500, b'{"error": "overloaded"}', 0.0), (200, b"<html>not json</html>", 0.0), (200, b'{"choices": []}', 0.0)],
    ids=["http-500", "not-json", "no-choices"],
)
def test_garbage_reply_falls_back(qa, server, extractive, reply):
    server.reply = reply
    assert_extractive_fallback(ask_with(qa, server.url), extractive, "生成式回答不可用")


@pytest.mark.parametrize("content", ["", None, ["not", "text"]], ids=["empty", "null", "list"])
def test_empty_or_odd_content_falls_back(qa, server, extractive, content):
    server.answer_with(content)
    assert_extractive_fallback(ask_with(qa, server.url), extractive, "生成式回答不可用")


def test_cli_with_unreachable_endpoint_prints_extractive_answer(index_dir, closed_url, capsys):
    code = planqa.main(["ask", QUESTION, "--llm", closed_url, "--index-dir", str(index_dir)])
    out = capsys.readouterr().out
    assert code == 0
    # the extractive answer: the short answer first, then the verbatim quote
    assert "答：5000个。\n「" in out and "注：生成式回答不可用" in out and "已改用摘录式回答" in out


def test_cli_with_unknown_spec_is_a_clear_error(capsys):
    assert planqa.main(["ask", QUESTION, "--llm", "ftp://x"]) == 2
    assert "planqa: 不支持的 LLM 地址" in capsys.readouterr().err


# --- configuration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("ftp://x", "unsupported LLM spec"),
        ("/no/such/model/dir", "no such model directory"),
        ("", "--llm"),
        ("http://", "no host"),
        ("http://127.0.0.1:8000/v1#temperature=1", "#model=NAME"),
    ],
)
def test_bad_spec_is_a_clear_error(spec, message):
    with pytest.raises(GenerativeError, match=message) as raised:
        refiner_from_spec(spec)
    assert isinstance(raised.value, PlanqaError)


def test_directory_without_a_model_is_a_clear_error(tmp_path):
    with pytest.raises(GenerativeError, match=r"no config\.json"):
        refiner_from_spec(str(tmp_path))


@pytest.mark.parametrize("timeout", ["abc", "0", "-1"])
def test_bad_timeout_is_a_clear_error(monkeypatch, timeout):
    monkeypatch.setenv("PLANQA_LLM_TIMEOUT", timeout)
    with pytest.raises(PlanqaError, match="PLANQA_LLM_TIMEOUT"):  # a setting: config.py says what is wrong
        refiner_from_spec("http://127.0.0.1:8000/v1")


def test_env_configuration(monkeypatch):
    monkeypatch.delenv("PLANQA_LLM", raising=False)
    assert refiner_from_env() is None
    monkeypatch.setenv("PLANQA_LLM", "http://127.0.0.1:8000")
    monkeypatch.setenv("PLANQA_LLM_MODEL", "deepseek-chat")
    monkeypatch.delenv("PLANQA_LLM_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    refiner = refiner_from_env()
    assert refiner is not None and refiner.name == "llm:deepseek-chat"
    endpoint = refiner.generator
    assert endpoint.url == "http://127.0.0.1:8000/v1/chat/completions"
    assert endpoint.api_key == "sk-openai" and endpoint.timeout == 30.0
    assert refiner_from_spec("http://127.0.0.1:8000#model=qwen-plus").name == "llm:qwen-plus"


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("http://localhost:8000", "http://localhost:8000/v1/chat/completions"),
        ("http://localhost:11434/v1/", "http://localhost:11434/v1/chat/completions"),
        ("https://dashscope.aliyuncs.com/compatible-mode/v1",
         "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions"),
        ("https://api.deepseek.com/chat/completions", "https://api.deepseek.com/chat/completions"),
    ],
)
def test_completions_url(base, url):
    assert completions_url(base) == url


# --- verification on its own --------------------------------------------------------------------


def _citation(number: int, text: str, footnotes: tuple[str, ...] = ()) -> Citation:
    return Citation(number, f"d:c{number}", "d", "某规划", ("第一篇 总论", "专栏1-2 指标"), text, 1.0, "s1",
                    footnotes=footnotes)


CITATIONS = (
    _citation(1, "到2025年，互联网出口带宽达到1500G，覆盖率达到95％，投资12,500万元。"),
    _citation(2, "地区生产总值增长66.8%。", footnotes=("三区三线：城市开发边界、永久基本农田红线、生态保护红线。",)),
)


@pytest.mark.parametrize(
    "text",
    [
        "到2025年，出口带宽1500G[1]，覆盖率95%[1]。",
        "投资12500万元[1]；增长66.8%[2]。",
        "1. 带宽达到1500G[1]\n2. 见专栏1-2[1]",
        "三线指城市开发边界、永久基本农田红线、生态保护红线[2]。",
    ],
)
def test_grounded_texts_pass(text):
    assert verify(text, CITATIONS) is None


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("出口带宽150G[1]。", "150G"),
        ("覆盖率达到95%[2]。", "95%"),
        ("增长66.8%[1]。", "66.8%"),
        ("到2030年带宽1500G[1]。", "2030年"),
        ("带宽达到一千五百G[1]。", "一千五百"),
    ],
)
def test_ungrounded_figures_fail(text, figure):
    reason = verify(text, CITATIONS)
    assert reason is not None and figure in reason.chinese


def test_prompt_numbers_passages_with_their_notes():
    _system, user = build_messages("三区三线是什么？", CITATIONS)
    assert "[1] 出处：《某规划》 第一篇 总论 › 专栏1-2 指标\n到2025年" in user["content"]
    assert "[2] 出处：" in user["content"] and "注：三区三线：城市开发边界" in user["content"]
    assert user["content"].rstrip().endswith("请只依据以上段落回答这个问题，并用[n]标注出处。")
    assert '\n"三区三线是什么？"\n' in user["content"]


# --- a tiny local model -------------------------------------------------------------------------


@pytest.fixture(scope="module", params=[True, False], ids=["chat-template", "plain-prompt"])
def tiny_model(request, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("tiny-llama")
    return save_tiny_llama(directory, SHIPPED_PLAN.read_text(encoding="utf-8"), chat_template=request.param)


def test_local_model_spec_loads_lazily(tiny_model):
    refiner = refiner_from_spec(str(tiny_model))
    assert refiner.name == f"local:{tiny_model.name}"
    assert not refiner.generator.loaded


def test_local_model_generates_and_unverified_text_falls_back(qa, tiny_model, extractive):
    """The random model writes random characters: real loading and decoding, then the verifier says no."""
    local = LocalCausalLM(tiny_model, max_new_tokens=16)
    answer = PlanQA(qa.searcher, qa.documents, refiner=GenerativeRefiner(local)).ask(QUESTION)
    assert_extractive_fallback(answer, extractive, "未通过核验")
    assert "回答为空" not in answer.notice and local.loaded


def test_local_model_without_the_st_extra_says_how_to_install_it(monkeypatch, tmp_path):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)  # as if not installed
    with pytest.raises(GenerativeError, match=r"transformers.*\.\[st\]"):
        refiner_from_spec(str(tmp_path))
