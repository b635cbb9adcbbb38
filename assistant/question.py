"""Question understanding: what kind of answer is wanted, and whether the question is English."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

QuestionType = Literal["number", "list", "definition", "date", "fact"]

_PATTERNS: tuple[tuple[QuestionType, re.Pattern[str]], ...] = (
    ("definition", re.compile(
        r"(是什么意思|什么意思|指什么|指的是|是指|含义|定义|具体指|具体是|是哪(三|四|五|六|几)|分别是|包括什么|"
        r"^what (is|are|does) .{1,40}( mean| stand for| refer to)|\bmeaning of\b|\bdefin)"
    )),
    ("date", re.compile(r"(什么时候|何时|哪一?年|哪个时间|几月|时间节点|\bwhen\b|\bwhat year\b|\bby when\b)")),
    ("number", re.compile(
        r"(多少|几个|几家|几条|几所|几座|几万|几成|比例|比重|占比|百分之|增速|增长率|率.{0,4}(目标|达到|要到|提高到)|"
        r"目标值|达到.{0,6}(多少|几)|规模多大|多大|多长|多高|多少钱|\bhow (many|much|long|large|big|high)\b|"
        r"\bpercent|\brate\b|\bratio\b|\bshare\b|\bnumber of\b|\bhow far\b)"
    )),
    ("list", re.compile(
        r"(哪些|哪几|有什么|有啥|包括|包含|主要(做|搞|发展|建设|有)|重点(发展|建设|培育|打造|推进|实施)|布局|"
        r"列举|都有|分别|什么产业|什么项目|什么工程|\bwhich\b|\bwhat (industries|projects|sectors|areas|measures)\b|"
        r"\blist\b|\bmain\b|\bkey\b)"
    )),
    ("definition", re.compile(r"(是什么|是啥|\bwhat is\b|\bwhat are\b)")),
)

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class QuestionAnalysis:
    question: str
    question_type: QuestionType
    english: bool


def is_english(text: str) -> bool:
    """Mostly Latin letters and no more than a few Chinese characters (names may be quoted)."""
    latin, cjk = len(_LATIN.findall(text)), len(_CJK.findall(text))
    return latin > 3 * max(cjk, 1)


def analyze(question: str) -> QuestionAnalysis:
    """Classify a (normalized) question by the kind of answer it wants.

    >>> analyze("鄂州打算建多少5g基站").question_type
    'number'
    >>> analyze("葛店开发区重点发展哪些产业").question_type
    'list'
    >>> analyze("三区三线是什么").question_type
    'definition'
    """
    lowered = question.lower()
    kind: QuestionType = "fact"
    for candidate, pattern in _PATTERNS:
        if pattern.search(lowered):
            kind = candidate
            break
    return QuestionAnalysis(question, kind, is_english(question))
