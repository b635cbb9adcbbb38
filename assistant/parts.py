"""A question that asks for two or more figures at once, split into one question per figure.

「2025年拟安排地方政府专项债券多少？超长期特别国债发多少？」 asks two figures, and so do
「…平均受教育年限要到多少年，人均寿命要再提高多少？」 and 「常住人口城镇化率和户籍人口城镇化率分别达到多少？」.
Each part is answered and verified on its own (one figure, one indicator, one citation); the region
and time the whole question names carry over to the parts that do not name their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from assistant.query import Query, is_english

# what makes a clause a question of its own
_ASKS = re.compile(r"多少|几[个项件年岁天家所条座]?|哪[些个里年]|什么|何时|谁|如何|怎么|怎样|是否|吗")
_ASKS_FIGURE = re.compile(r"多少|几[个项件年岁天家所条座]?")
_SENTENCES = re.compile(r"[^？?；;!！]+[？?；;!！]?")
_CLAUSES = re.compile(r"[^，,、]+[，,、]?")
_SEPARATELY = "分别"
_YEAR_ITEM = re.compile(r"(?:19|20)?\d{2}年")
_AND_WORDS = frozenset({"和", "与", "及", "以及"})
_MIN_CONTENT = 4  # characters besides the question words: 「办几件」 is no question of its own
# English: 「How many 5G base stations will Ezhou build by 2025, and how many charging piles?」
_EN_FIGURE = re.compile(r"\bhow (?:many|much)\b|\bwhat (?:percentage|share|proportion)\b", re.IGNORECASE)
_EN_SPLIT = re.compile(r"\?\s*|[,;]?\s+and\s+(?=how\b|what\b)", re.IGNORECASE)
_EN_MIN_WORDS = 2  # words besides the question words: 「and how many?」 is no question of its own
MAX_PARTS = 6  # more figures than this in one question is a pasted list, answered as one question


def question_parts(text: str, words: Callable[[str], Sequence[str]]) -> list[str]:
    """The questions ``text`` asks, one per thing asked (the text alone when it asks one thing).

    ``words``: the tokenizer's words (the jieba segmentation with the documents' own names), so that
    「和」 inside a word (和谐) never splits an enumeration.
    """
    parts = _parts(text, words)
    return parts if len(parts) <= MAX_PARTS else [text]


def _parts(text: str, words: Callable[[str], Sequence[str]]) -> list[str]:
    if is_english(text):
        return _english_parts(text)
    sentences = [s.strip() for s in _SENTENCES.findall(text) if s.strip()]
    asking = [s for s in sentences if _ASKS.search(s)]
    if len(asking) >= 2:
        # figures are split; 「…新增多少个学位？大班额怎么处理？」 is one passage's matter, answered whole
        figures = all(_ASKS_FIGURE.search(s) for s in asking)
        if not figures or not all(_content(s) for s in asking):
            return [text]
        return [part for s in asking for part in _one_sentence(s, words)]
    return _one_sentence(asking[0], words) if len(asking) == 1 else [text]


def _one_sentence(sentence: str, words: Callable[[str], Sequence[str]]) -> list[str]:
    """The figures one sentence asks: 「A、B分别…多少」, or clauses that each ask one."""
    text = sentence
    if _SEPARATELY in sentence:
        return _separately(sentence, words) or [text]
    clauses = [c for c in _CLAUSES.findall(sentence) if c.strip()]
    figures = [i for i, c in enumerate(clauses) if _ASKS_FIGURE.search(c)]
    if len(figures) < 2:
        return [text]
    # every clause up to one that asks a figure is one part (its context clauses lead it)
    parts, start = [], 0
    for i in figures:
        parts.append("".join(clauses[start : i + 1]).rstrip("，,、"))
        start = i + 1
    parts[-1] += "".join(clauses[start:])
    return _with_subject(parts) if all(_content(p) for p in parts) else [text]


def _separately(sentence: str, words: Callable[[str], Sequence[str]]) -> list[str]:
    """「A、B和C分别…多少」 → 「A…多少」「B…多少」「C…多少」, each with the words before the list."""
    before, after = sentence.split(_SEPARATELY, 1)
    head, _, listed = before.rpartition("，") if "，" in before else ("", "", before)
    items = []
    for piece in re.split(r"[、，,]", listed):
        current, at = "", 0
        for word in words(piece):
            own = piece[at : at + len(word)]  # the question's own characters (the tokenizer lowercases)
            at += len(word)
            if word in _AND_WORDS:
                items.append(current)
                current = ""
            else:
                current += own if own.lower() == word.lower() else word
        items.append(current)
    items = [i.strip() for i in items if i.strip()]
    # 「鄂州和黄石的GDP分别…」: the words after the last item belong to every item, which is a comparison
    if len(items) < 2 or not _ASKS_FIGURE.search(after) or "的" in items[-1]:
        return []
    items = _with_subject(items)
    lead = head + "，" if head else ""
    return [f"{lead}{item}{after}" for item in items]


def _with_subject(items: list[str]) -> list[str]:
    """Parts that are years share what comes before the first one's year: 「城镇化率2025年预计和2030年目标分别…」,
    「研发投入强度2025年预计多少，2030年目标多少」 → the second asks 「研发投入强度2030年目标多少」."""
    first_year = _YEAR_ITEM.search(items[0])
    if first_year and first_year.start() > 0 and all(_YEAR_ITEM.match(i) for i in items[1:]):
        subject = items[0][: first_year.start()]
        return items[:1] + [subject + i for i in items[1:]]
    return items


def _english_parts(text: str) -> list[str]:
    """English questions are split where a new 「how many/how much」 begins, each part asking a figure."""
    parts = [p.strip(" ,;") for p in _EN_SPLIT.split(text) if p and p.strip(" ,;")]
    figures = [p for p in parts if _EN_FIGURE.search(p)]
    content = all(len(_EN_FIGURE.sub("", p).split()) >= _EN_MIN_WORDS for p in figures)
    return [f"{p}?" for p in figures] if len(figures) >= 2 and len(figures) == len(parts) and content else [text]


def _content(text: str) -> bool:
    return len(re.sub(r"[\W_]", "", _ASKS.sub("", text))) >= _MIN_CONTENT


def with_context(part: Query, whole: Query) -> Query:
    """``part`` with the regions, time and target/actual sense of ``whole`` where it names none of its own
    (a part that names its own year keeps its own sense: 「2025年预计和2030年目标」)."""
    own_time = part.asks_time
    if not part.regions and whole.regions:
        part = replace(part, regions=whole.regions)
    if not part.asks_time and whole.asks_time:
        part = replace(part, years=whole.years, relative=whole.relative, period_end=whole.period_end,
                       five_year=whole.five_year)
    if part.report_year is None and whole.report_year is not None:
        part = replace(part, report_year=whole.report_year)
    if not (part.target or part.actual or own_time):  # a part naming its own year has its own sense
        part = replace(part, target=whole.target, actual=whole.actual)
    return part
