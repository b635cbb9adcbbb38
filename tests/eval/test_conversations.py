"""The conversation set format (eval/conversations.py) and its scoring on the shipped plan."""

from __future__ import annotations

import json

import pytest

from eval.conversations import (
    DEV_CONVERSATIONS,
    ConversationSetError,
    load_conversations,
    render_run,
    run_conversations,
)


def test_the_development_set_loads():
    items = load_conversations(DEV_CONVERSATIONS)
    assert len(items) >= 40
    assert all(2 <= len(i.turns) <= 3 and not i.turns[0].carries for i in items)


@pytest.mark.parametrize(("turns", "message"), [
    ([{"question": "a", "type": "number", "carries": "none", "must_contain": ["1"]}], "2–3 turns"),
    ([{"question": "a", "type": "number", "carries": "region", "must_contain": ["1"], "standalone": "b"},
      {"question": "b", "type": "number", "carries": "none", "must_contain": ["1"]}], "first turn"),
    ([{"question": "a", "type": "number", "carries": "none", "must_contain": ["1"]},
      {"question": "b", "type": "number", "carries": "region", "must_contain": ["1"]}], "standalone"),
    ([{"question": "a", "type": "number", "carries": "none", "must_contain": ["1"]},
      {"question": "b", "type": "number", "carries": "place", "must_contain": ["1"], "standalone": "c"}], "carries"),
])
def test_malformed_sets_name_the_line(tmp_path, turns, message):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "x", "turns": turns}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ConversationSetError, match=f"c.jsonl:1: .*{message}"):
        load_conversations(path)


def test_scoring_follow_ups_and_topic_changes(qa, tmp_path):
    lines = [
        {"id": "a", "turns": [
            {"question": "鄂州到2025年要建多少5G基站？", "must_contain": ["5000个"], "type": "number",
             "carries": "none"},
            {"question": "那充电桩呢？", "must_contain": ["2000个"], "type": "number", "carries": "region+time",
             "standalone": "鄂州到2025年新能源汽车充电桩保有量要达到多少？"},
            {"question": "三区三线是什么？", "must_contain": ["永久基本农田"], "type": "fact", "carries": "none"}]},
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    run = run_conversations(qa, load_conversations(path))
    metrics = run.metrics()
    assert metrics["first_turn_accuracy"] == 1.0 and metrics["follow_up_accuracy"] == 1.0
    assert metrics["follow_up_standalone_accuracy"] == 1.0
    assert metrics["topic_change_turns"] == 1 and metrics["topic_change_inherited_region"] == 0
    assert "follow-up accuracy             100.0%" in render_run(run, str(path))
