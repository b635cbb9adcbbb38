"""The running server's APIs, called the way programs call them: Gradio's `/ask` with gradio_client, and
the plain JSON `POST /api/ask` with an HTTP client."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from ui.process import serve

PART_4 = "第四篇 加快建设科学城，引领高质量发展"


@pytest.fixture(scope="module")
def client(server_url) -> Client:
    return Client(server_url, verbose=False)


def test_ask_returns_the_answer_as_json(client):
    data = client.predict("鄂州打算建多少5G基站？", api_name="/ask")
    assert data["found"] is True
    assert "5000" in data["text"]
    assert any("专栏4-6" in c["path_text"] for c in data["citations"])
    box = next(c for c in data["citations"] if "专栏4-6" in c["path_text"])
    assert box["reference"].endswith("第四篇第十三章第三节 专栏4-6 数字经济领域重点工程")
    assert data["latency_ms"] > 0


def test_ask_takes_mode_k_and_part(client):
    data = client.predict("鄂州打算建多少5G基站？", "bm25", 2, PART_4, api_name="/ask")
    assert data["mode"] == "bm25"
    assert len(data["citations"]) in (1, 2)
    assert all(c["path"][0] == PART_4 for c in data["citations"])


def test_ask_reports_bad_input_as_a_message(client):
    with pytest.raises(AppError, match="问题为空"):
        client.predict("   ", api_name="/ask")
    with pytest.raises(AppError, match="unknown mode"):
        client.predict("5G基站", "fuzzy", api_name="/ask")


def test_only_ask_is_public(client):
    assert set(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == {"/ask"}


def test_ask_filters_by_document_and_region(client):
    doc = "ezhou-14th-five-year-plan"
    data = client.predict("鄂州打算建多少5G基站？", "hybrid", 3, "", doc, "鄂州", api_name="/ask")
    assert data["found"] and {c["doc_id"] for c in data["citations"]} == {doc}
    assert data["citations"][0]["doc_title"].startswith("鄂州市国民经济")
    with pytest.raises(AppError, match="unknown region"):
        client.predict("5G基站", "hybrid", 3, "", "", "上海", api_name="/ask")
    with pytest.raises(AppError, match="unknown document"):
        client.predict("5G基站", "hybrid", 3, "", "no-such-plan", "", api_name="/ask")


def test_ask_reads_a_follow_up_against_the_history(client):
    data = client.predict("那充电桩呢？", history=["鄂州到2025年要建多少5G基站？"], api_name="/ask")
    assert data["resolved_question"] == "鄂州到2025年要建多少充电桩"
    assert data["found"] is True and "2000个" in data["text"]
    alone = client.predict("那充电桩呢？", api_name="/ask")
    assert alone["resolved_question"] == ""
    with pytest.raises(AppError, match="history"):
        client.predict("那充电桩呢？", history="鄂州", api_name="/ask")


# --- the plain JSON API: POST /api/ask ----------------------------------------------------------


def post(url: str, body, auth: tuple[str, str] | None = None) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return httpx.post(url + "api/ask", content=content, headers={"Content-Type": "application/json"}, auth=auth,
                      timeout=120)


def test_json_api_answers_with_the_short_answer_and_its_citations(server_url):
    response = post(server_url, {"question": "鄂州打算建多少5G基站？"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    data = response.json()
    assert data["found"] is True and data["short_answer"] == "5000个" and data["level"] in ("answer", "tentative")
    assert "confidence" in data and data["text"].startswith("5000个")
    used = [c for c in data["citations"] if c["used"]]
    assert used and used[0]["path"][-1] == "专栏4-6 数字经济领域重点工程"
    assert used[0]["document"].startswith("鄂州市国民经济") and used[0]["quote"] in used[0]["passage"]
    assert "5000个" in used[0]["quote"] and used[0]["reference"].endswith(used[0]["path"][-1])
    assert all(c["quote"] == "" for c in data["citations"] if not c["used"])


def test_json_api_reads_a_follow_up_against_the_history_and_takes_filters(server_url):
    data = post(server_url, {"question": "那充电桩呢？", "history": ["鄂州到2025年要建多少5G基站？"]}).json()
    assert data["resolved_question"] == "鄂州到2025年要建多少充电桩" and "2000个" in data["short_answer"]
    data = post(server_url, {"question": "鄂州打算建多少5G基站？", "k": 2, "mode": "bm25", "region": "鄂州"}).json()
    assert len(data["citations"]) <= 2 and data["found"]


@pytest.mark.parametrize(("body", "message"), [
    ({"question": "   "}, "问题为空"),
    ({"question": "5G" * 1001}, "问题过长"),
    ({}, "give the question as a string"),
    ({"question": 5}, "give the question as a string"),
    (["鄂州打算建多少5G基站？"], "must be a JSON object"),
    (b'{"question": "5G', "not valid JSON"),
    (b"\xff\xfe", "not valid JSON"),
    ({"question": "5G基站", "k": 0}, "k must be a whole number"),
    ({"question": "5G基站", "history": "鄂州"}, "history must be a list"),
    ({"question": "5G基站", "region": "上海"}, "unknown region"),
    ({"question": "5G基站", "questions": []}, "unknown field"),
])
def test_json_api_refuses_bad_requests_with_a_message(server_url, body, message):
    response = post(server_url, body)
    assert response.status_code == 400 and message in response.json()["error"], response.text


def test_json_api_says_to_post_and_refuses_large_bodies(server_url):
    response = httpx.get(server_url + "api/ask", timeout=30)
    assert response.status_code == 405 and "curl -X POST" in response.json()["error"]
    too_big = post(server_url, b'{"question": "' + b"x" * (26 * 2**20) + b'"}')
    assert too_big.status_code == 413 and "PLANQA_MAX_REQUEST_MB" in too_big.json()["error"]


@pytest.fixture(scope="module")
def login_server(qa, index_dir) -> Iterator[str]:
    """A read-only server with a login, on the session index."""
    with serve(index_dir, args=["--auth", "reader:s3cret"]) as url:
        yield url


def test_json_api_needs_the_login_when_the_page_has_one(login_server):
    anonymous = post(login_server, {"question": "鄂州打算建多少5G基站？"})
    assert anonymous.status_code == 401 and "log in" in anonymous.json()["error"]
    assert anonymous.headers["www-authenticate"].startswith("Basic")
    assert post(login_server, {"question": "鄂州打算建多少5G基站？"}, auth=("reader", "guess")).status_code == 401
    answered = post(login_server, {"question": "鄂州打算建多少5G基站？"}, auth=("reader", "s3cret"))
    assert answered.status_code == 200 and answered.json()["short_answer"] == "5000个"
    browser = httpx.Client(timeout=60)  # the page's login cookie works too
    assert browser.post(login_server + "login", data={"username": "reader", "password": "s3cret"}).status_code == 200
    assert browser.post(login_server + "api/ask", json={"question": "三区三线是什么？"}).status_code == 200
