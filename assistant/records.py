"""What the assistant returns: an Answer with numbered Citations. Other tools depend on it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from corpus import PATH_SEP


@dataclass(frozen=True)
class Citation:
    """A passage the answer comes from, shown as [number].

    ``highlight`` is the (start, end) span of ``text`` that answers the question, if any;
    ``section_id`` opens the whole section in the plan. ``used``: the answer quotes this passage (the
    others are nearby passages listed for reference). ``kind`` is the passage's kind (paragraph,
    box_entry, table_row, missing: a table or box printed as an image, not in the text); a table row
    carries its cells as ``fields`` (column, value) and its table's name is the last element of ``path``.
    """

    number: int
    chunk_id: str
    doc_id: str
    doc_title: str
    path: tuple[str, ...]
    text: str
    score: float
    section_id: str
    highlight: tuple[int, int] | None = None
    footnotes: tuple[str, ...] = ()
    used: bool = True
    kind: str = "paragraph"
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def path_text(self) -> str:
        """「第四篇 … › 第十三章 … › 专栏4-6 …」."""
        return PATH_SEP.join(self.path)

    def reference(self) -> str:
        """A quotable reference that names its section: 《…纲要》第四篇第十三章第三节 专栏4-6 数字经济领域重点工程,
        《…纲要》第四篇第十三章第三节 加快数字化社会建设步伐, and for a table row 《…》第一篇第二章第四节 表：…."""
        numbered = [p for p in self.path if p.startswith("第")]
        tail = [p for p in self.path if not p.startswith("第")]
        name = tail[-1] if tail else numbered[-1].split(" ", 1)[1] if numbered and " " in numbered[-1] else ""
        if name and self.kind == "table_row":
            name = f"表：{name}"
        numbers = "".join(p.split(" ", 1)[0] for p in numbered)
        return f"《{self.doc_title}》{numbers}" + (f" {name}" if name else "")


Level = Literal["answer", "tentative", "none"]


@dataclass(frozen=True)
class Answer:
    """The answer to one question.

    ``text`` is what the user sees, with [n] markers into ``citations``; ``found`` is False
    when the plan does not answer the question (``text`` then says 「规划中未找到……」 and
    ``citations`` lists the nearest passages). ``key_spans`` are the figures or list items
    to emphasise. ``short_answer`` is the answer in a few words (the figure with its unit, the
    list items, the term) that ``text`` begins with; empty when nothing was found.
    ``resolved_question`` is the question as answered when a conversation completed a follow-up
    (「那充电桩呢」 → 「武汉到2030年要建多少充电桩」); empty when the question was answered as asked.
    ``confidence`` is the probability that the answer is right (None when no model judged it);
    ``level`` says how to show it: ``answer`` (confident: the short answer as a headline),
    ``tentative`` (「可能的答案（请核对原文）」: shown with its quote, not as a headline) or ``none``
    (not found: ``text`` says so and the citations are the nearest passages).
    """

    question: str
    text: str
    found: bool
    citations: tuple[Citation, ...]
    question_type: str
    mode: str
    model_id: str
    answerer: str = "extractive"
    latency_ms: float = 0.0
    key_spans: tuple[str, ...] = ()
    notice: str = ""
    short_answer: str = ""
    extras: dict[str, Any] = field(default_factory=dict)
    resolved_question: str = ""
    confidence: float | None = None
    level: Level = "answer"

    def __post_init__(self) -> None:
        if not self.found and self.level == "answer":
            object.__setattr__(self, "level", "none")

    @property
    def used_citations(self) -> tuple[Citation, ...]:
        """The passages the answer quotes (the rest are listed as 其他相关段落)."""
        return tuple(c for c in self.citations if c.used)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (citations with their path text and quotable reference)."""
        data = asdict(self)
        data["citations"] = [
            {**asdict(c), "path_text": c.path_text, "reference": c.reference()} for c in self.citations
        ]
        return data
