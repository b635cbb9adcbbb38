"""Load and check evaluation Q&A sets stored as JSON Lines (one question per line).

Each line is an object with exactly the fields of :class:`QAItem`.  ``load_qa`` checks the
format and raises :class:`QASetError` naming the file and line; ``validate_against_text``
checks the answerable items against the clean plan text and returns the problems it finds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

QA_TYPES: tuple[str, ...] = ("number", "list", "fact", "table", "footnote", "unanswerable")
DIFFICULTIES: tuple[str, ...] = ("easy", "hard")
UNANSWERABLE = "unanswerable"
MAX_MUST_CONTAIN = 4
EVIDENCE_MIN_CHARS = 20
EVIDENCE_MAX_CHARS = 120

_STRING_FIELDS = ("id", "question", "answer", "evidence", "section", "type", "difficulty")
_FIELDS = frozenset((*_STRING_FIELDS, "must_contain"))
# multi-document sets also say which document answers (or is asked about) and which region is meant
_OPTIONAL_FIELDS = ("doc", "region", "doc_kind")
DOC_KINDS: tuple[str, ...] = ("", "plan", "report", "proposal")  # 规划纲要, 政府工作报告, 建议
_NON_EMPTY_FIELDS = ("id", "question", "answer")


class QASetError(ValueError):
    """A Q&A file that does not follow the format; the message names the file and line."""


@dataclass(frozen=True)
class QAItem:
    """One evaluation question with its gold answer and the plan passage that supports it."""

    id: str
    question: str
    answer: str
    must_contain: tuple[str, ...]
    evidence: str
    section: str
    type: str
    difficulty: str
    doc: str = ""
    region: str = ""
    doc_kind: str = ""  # the kind of document asked about: plan, report or proposal (建议)

    @property
    def answerable(self) -> bool:
        """False for questions the plan does not answer."""
        return self.type != UNANSWERABLE


def default_qa_path() -> Path:
    """The Q&A set shipped with planqa: ``eval/data/qa.jsonl``."""
    return Path(__file__).resolve().parent / "data" / "qa.jsonl"


def _parse_item(record: object, warn: Callable[[str], None] = lambda _: None) -> QAItem:
    """Build a QAItem from one decoded JSON value; raises TypeError/ValueError naming the fault.

    Fields beyond the format are reported to ``warn`` and ignored, not refused.
    """
    if not isinstance(record, dict):
        raise TypeError(f"expected a JSON object, got {type(record).__name__}")
    missing = sorted(_FIELDS - record.keys())
    if missing:
        raise ValueError(f"missing field(s): {', '.join(missing)}")
    unknown = sorted(record.keys() - _FIELDS - set(_OPTIONAL_FIELDS))
    if unknown:
        warn(f"extra field(s) ignored: {', '.join(unknown)}")
    for name in _OPTIONAL_FIELDS:
        if not isinstance(record.get(name, ""), str):
            raise TypeError(f"field {name!r} must be a string")
    for name in _STRING_FIELDS:
        if not isinstance(record[name], str):
            raise TypeError(f"field {name!r} must be a string")
    for name in _NON_EMPTY_FIELDS:
        if not record[name].strip():
            raise ValueError(f"field {name!r} must not be empty")
    must_contain = record["must_contain"]
    if not isinstance(must_contain, list) or not all(isinstance(s, str) and s.strip() for s in must_contain):
        raise ValueError("field 'must_contain' must be a list of non-empty strings")
    if len(must_contain) > MAX_MUST_CONTAIN:
        raise ValueError(f"field 'must_contain' has more than {MAX_MUST_CONTAIN} strings")
    if record["type"] not in QA_TYPES:
        raise ValueError(f"unknown type {record['type']!r} (expected one of {', '.join(QA_TYPES)})")
    if record.get("doc_kind", "") not in DOC_KINDS:
        raise ValueError(f"unknown doc_kind {record['doc_kind']!r} (expected one of {', '.join(DOC_KINDS[1:])})")
    if record["difficulty"] not in DIFFICULTIES:
        raise ValueError(f"unknown difficulty {record['difficulty']!r} (expected one of {', '.join(DIFFICULTIES)})")
    item = QAItem(
        id=record["id"],
        question=record["question"],
        answer=record["answer"],
        must_contain=tuple(must_contain),
        evidence=record["evidence"],
        section=record["section"],
        type=record["type"],
        difficulty=record["difficulty"],
        doc=record.get("doc", ""),
        region=record.get("region", ""),
        doc_kind=record.get("doc_kind", ""),
    )
    if item.answerable:
        if not item.must_contain:
            raise ValueError(f"answerable item {item.id!r} has an empty 'must_contain'")
        if not item.evidence.strip():
            raise ValueError(f"answerable item {item.id!r} has an empty 'evidence'")
    else:
        if item.must_contain:
            raise ValueError(f"unanswerable item {item.id!r} must have an empty 'must_contain'")
        if item.evidence:
            raise ValueError(f"unanswerable item {item.id!r} must have an empty 'evidence'")
    return item


def load_qa(path: str | Path, warnings: list[str] | None = None) -> list[QAItem]:
    """Read a UTF-8 Q&A JSONL file; blank lines are skipped, any fault raises QASetError.

    Extra fields are not faults: a line per item goes to ``warnings`` (when given).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QASetError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise QASetError(f"{path}: cannot read the Q&A file ({exc.strerror or exc})") from exc
    items: list[QAItem] = []
    notes = warnings if warnings is not None else []
    first_seen: dict[str, int] = {}
    # split on "\n" only: JSON strings may hold U+2028 and the like, which splitlines() would cut
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QASetError(f"{path}:{lineno}: invalid JSON: {exc.msg}") from exc
        try:
            item = _parse_item(record, lambda message, n=lineno: notes.append(f"{path}:{n}: {message}"))
        except (TypeError, ValueError) as exc:
            raise QASetError(f"{path}:{lineno}: {exc}") from exc
        if item.id in first_seen:
            raise QASetError(f"{path}:{lineno}: duplicate id {item.id!r} (first used on line {first_seen[item.id]})")
        first_seen[item.id] = lineno
        items.append(item)
    return items


def validate_against_text(items: list[QAItem], plan_text: str) -> list[str]:
    """Problems of the answerable items against the clean plan text (empty when all is well).

    Evidence must be 20–120 characters and occur verbatim in the text, within one line
    except for ``table`` items (a table row is one cell per line); every ``must_contain``
    string must occur in the text.
    """
    problems: list[str] = []
    for item in items:
        if not item.answerable:
            continue
        size = len(item.evidence)
        if not EVIDENCE_MIN_CHARS <= size <= EVIDENCE_MAX_CHARS:
            problems.append(
                f"{item.id}: evidence has {size} characters (expected {EVIDENCE_MIN_CHARS}–{EVIDENCE_MAX_CHARS})"
            )
        if item.evidence not in plan_text:
            problems.append(f"{item.id}: evidence not found in the plan text: {item.evidence!r}")
        elif "\n" in item.evidence and item.type != "table":
            problems.append(f"{item.id}: evidence spans several lines (only table rows may)")
        for needle in item.must_contain:
            if needle not in plan_text:
                problems.append(f"{item.id}: must_contain {needle!r} not found in the plan text")
    return problems
