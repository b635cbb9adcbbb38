"""Conversation sets: two- and three-turn conversations, scored turn by turn (`planqa eval --conversations`).

One conversation per line (JSON Lines)::

    {"id": "c001", "turns": [
      {"question": "鄂州到2025年要建多少5G基站？", "must_contain": ["5000个"], "type": "number",
       "doc": "鄂州市国民经济…纲要", "region": "鄂州市", "carries": "none"},
      {"question": "那充电桩呢？", "must_contain": ["2000个"], "type": "number", "doc": "…", "region": "鄂州市",
       "carries": "region+time", "standalone": "鄂州到2025年新能源汽车充电桩保有量要达到多少？"}]}

- ``must_contain``: strings the answer must hold (verbatim in ``doc``); empty for ``type`` ``unanswerable``,
  which the answer must decline;
- ``doc``: the document that answers (titles joined by ``|`` for a comparison), ``region``: the region
  meant (``、`` between the regions of a comparison);
- ``carries``: what a follow-up takes from the turns before — ``region``, ``time``, ``indicator`` joined
  by ``+`` — or ``none`` for a first turn and for a *topic change*, a question that must stand alone;
- ``standalone``: for a follow-up, the same question asked in full, as one would ask it alone: the
  single-turn accuracy the follow-ups are measured against.

Reported: first-turn accuracy, follow-up accuracy, the follow-ups' standalone accuracy (single-turn),
topic-change accuracy and the topic-change turns that inherited a region they do not name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant import Answer, PlanQA
from assistant.conversation import Conversation
from corpus import PlanqaError
from eval.metrics import missing_strings, share
from eval.qaset import UNANSWERABLE

CARRIES = ("region", "time", "indicator")
TURN_TYPES = ("number", "list", "fact", "table", "unanswerable")
MIN_TURNS, MAX_TURNS = 2, 3
DEV_CONVERSATIONS = Path(__file__).resolve().parent / "data" / "dev" / "conversations.jsonl"


class ConversationSetError(PlanqaError):
    """A conversation file that does not follow the format; the message names the file and line."""


@dataclass(frozen=True)
class TurnItem:
    question: str
    must_contain: tuple[str, ...]
    type: str
    doc: str
    region: str
    carries: tuple[str, ...]  # empty: the turn must stand alone
    standalone: str = ""

    @property
    def answerable(self) -> bool:
        return self.type != UNANSWERABLE

    @property
    def docs(self) -> tuple[str, ...]:
        return tuple(d for d in self.doc.split("|") if d)


@dataclass(frozen=True)
class ConversationItem:
    id: str
    turns: tuple[TurnItem, ...]


def _turn(record: Any, first: bool) -> TurnItem:
    if not isinstance(record, dict):
        raise ValueError("a turn must be a JSON object")
    for name in ("question", "type", "carries"):
        if not isinstance(record.get(name), str) or not record[name].strip():
            raise ValueError(f"a turn needs a non-empty string {name!r}")
    must = record.get("must_contain", [])
    if not isinstance(must, list) or not all(isinstance(s, str) and s for s in must):
        raise ValueError("'must_contain' must be a list of non-empty strings")
    if record["type"] not in TURN_TYPES:
        raise ValueError(f"unknown type {record['type']!r} (expected one of {', '.join(TURN_TYPES)})")
    if (record["type"] == UNANSWERABLE) == bool(must):
        raise ValueError("an answerable turn needs 'must_contain'; an unanswerable one must leave it empty")
    carries = () if record["carries"] == "none" else tuple(record["carries"].split("+"))
    if any(c not in CARRIES for c in carries):
        raise ValueError(f"'carries' is 'none' or {'+'.join(CARRIES)} (some of them), not {record['carries']!r}")
    if first and carries:
        raise ValueError("a first turn carries nothing ('carries': 'none')")
    if carries and not str(record.get("standalone", "")).strip():
        raise ValueError("a follow-up needs 'standalone', the question asked in full")
    return TurnItem(record["question"], tuple(must), record["type"], str(record.get("doc", "")),
                    str(record.get("region", "")), carries, str(record.get("standalone", "")))


def load_conversations(path: str | Path) -> list[ConversationItem]:
    """Read a conversation set; any fault raises ConversationSetError naming file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError) as exc:
        raise ConversationSetError(f"{path}: cannot read the conversation file ({exc})") from exc
    items: list[ConversationItem] = []
    seen: set[str] = set()
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not record["id"]:
                raise ValueError("each line is an object with a string 'id' and a list 'turns'")
            turns = record.get("turns")
            if not isinstance(turns, list) or not MIN_TURNS <= len(turns) <= MAX_TURNS:
                raise ValueError(f"'turns' must be a list of {MIN_TURNS}–{MAX_TURNS} turns")
            item = ConversationItem(record["id"], tuple(_turn(t, n == 0) for n, t in enumerate(turns)))
        except (json.JSONDecodeError, ValueError, TypeError) as exc:
            raise ConversationSetError(f"{path}:{lineno}: {exc}") from exc
        if item.id in seen:
            raise ConversationSetError(f"{path}:{lineno}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise ConversationSetError(f"{path}: no conversations")
    return items


@dataclass(frozen=True)
class TurnResult:
    conversation: str
    index: int
    item: TurnItem
    resolved: str
    correct: bool
    standalone_correct: bool | None  # follow-ups only
    inherited: tuple[str, ...]  # regions the resolved question names that the question itself does not
    text: str

    @property
    def kind(self) -> str:
        return "first" if self.index == 0 else ("follow-up" if self.item.carries else "topic change")


def judge(item: TurnItem, answer: Answer) -> bool:
    if not item.answerable:
        return not answer.found
    return answer.found and not missing_strings(answer.text, item.must_contain)


@dataclass
class ConversationRun:
    results: list[TurnResult] = field(default_factory=list)

    def metrics(self) -> dict[str, float | int | None]:
        first = [r for r in self.results if r.kind == "first"]
        follow = [r for r in self.results if r.kind == "follow-up"]
        change = [r for r in self.results if r.kind == "topic change"]
        return {
            "conversations": len({r.conversation for r in self.results}),
            "turns": len(self.results),
            "first_turn_accuracy": share([r.correct for r in first]),
            "follow_up_turns": len(follow),
            "follow_up_accuracy": share([r.correct for r in follow]),
            "follow_up_standalone_accuracy": share([bool(r.standalone_correct) for r in follow]),
            "single_turn_accuracy": share([r.correct for r in (*first, *change)]
                                          + [bool(r.standalone_correct) for r in follow]),
            "topic_change_turns": len(change),
            "topic_change_accuracy": share([r.correct for r in change]),
            "topic_change_inherited_region": sum(bool(r.inherited) for r in change),
        }

    def failures(self) -> list[TurnResult]:
        return [r for r in self.results if not r.correct or (r.inherited and r.kind == "topic change")]


def run_conversations(qa: PlanQA, items: Sequence[ConversationItem], k: int = 5, mode: str | None = None,
                      progress: Callable[[int, int], None] | None = None) -> ConversationRun:
    """Ask every conversation turn by turn (and each follow-up's standalone question on its own)."""
    run = ConversationRun()
    for done, item in enumerate(items, start=1):
        conversation: Conversation = qa.conversation()
        for index, turn in enumerate(item.turns):
            answer = conversation.ask(turn.question, k=k, mode=mode)
            resolved = answer.resolved_question or turn.question
            own = set(qa.analyze(turn.question).regions)
            inherited = tuple(r for r in qa.analyze(resolved).regions if r not in own)
            alone = judge(turn, qa.ask(turn.standalone, k=k, mode=mode)) if turn.carries else None
            run.results.append(TurnResult(item.id, index, turn, resolved, judge(turn, answer), alone, inherited,
                                          answer.text))
        if progress is not None:
            progress(done, len(items))
    return run


def render_run(run: ConversationRun, source: str) -> str:
    """The terminal report: the measures, then each turn that failed."""
    m = run.metrics()

    def pct(value: float | int | None) -> str:
        return "—" if value is None else f"{value:.1%}"

    lines = [
        f"Conversations: {source} ({m['conversations']} conversations, {m['turns']} turns)",
        f"  first-turn accuracy            {pct(m['first_turn_accuracy'])}",
        f"  follow-up accuracy             {pct(m['follow_up_accuracy'])}  ({m['follow_up_turns']} turns)",
        f"  same turns asked in full       {pct(m['follow_up_standalone_accuracy'])}",
        f"  single-turn accuracy (all)     {pct(m['single_turn_accuracy'])}",
        f"  topic-change accuracy          {pct(m['topic_change_accuracy'])}  ({m['topic_change_turns']} turns)",
        f"  topic changes that inherited a region: {m['topic_change_inherited_region']}",
    ]
    failures = run.failures()
    if failures:
        lines.append("Failed turns:")
        for r in failures:
            missing = "missing " + "、".join(r.item.must_contain)
            why = f"inherited {'、'.join(r.inherited)}" if r.inherited and r.kind == "topic change" else (
                missing if r.item.answerable else "answered an unanswerable turn")
            lines.append(f"  {r.conversation}#{r.index + 1} [{r.kind}] {r.item.question} "
                         f"→ 理解为：{r.resolved} — {why}")
    return "\n".join(lines)
