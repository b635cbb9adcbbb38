"""The `/ask` endpoint of the running server, called the way programs call it: gradio_client."""

from __future__ import annotations

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

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
