"""Names a plan uses, found in the plan itself, for jieba's user dictionary.

葛店开发区, 花湖机场, 三江港, 红莲湖 and the like should be single tokens (plus their parts,
which jieba's search mode adds), whatever plan is indexed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from corpus import Chunk

_QUOTED = re.compile(r"[“「]([^”」“「，。；：、\s]{2,12})[”」]")
_LEAD_IN = re.compile(r"^([\u4e00-\u9fff（）]{2,12})[：。]")
_SUFFIX = re.compile(r"开发区|经济区|新区|度假区|机场|港区|港|湖(?![北南])|山|大道|高速|产业园|小镇")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_NOT_A_NAME = set("与至及和的在是为等")
# A name rarely starts with a preposition or a common verb (「以花湖」「推进机场」「加快机场」).
_NOT_A_NAME_START = set("以与和及在向对把将为从于发加围保推利充坚努做分打建提完优依全重积形实强健促深至经复美")


def _place_names(text: str, min_count: int = 2) -> set[str]:
    """Names ending in a place suffix (港, 湖, 机场, 开发区, …) whose left edge is a real boundary.

    For each suffix occurrence, the shortest 2–4 character prefix whose left neighbours vary
    (a word boundary, by accessor variety) is the name: 「推进三江港」「以三江港」 → 三江港,
    while 「江港」 is always preceded by 三 and so is not a name on its own.
    """
    occurrences: list[list[str]] = []
    left: dict[str, set[str]] = {}
    for match in _SUFFIX.finditer(text):
        start = match.start()
        options = []
        for length in (2, 3, 4):
            prefix = text[start - length : start]
            if start - length < 0 or not _CJK.fullmatch(prefix) or set(prefix) & _NOT_A_NAME:
                break
            if prefix[0] in _NOT_A_NAME_START:
                continue
            name = prefix + match.group()
            options.append(name)
            left.setdefault(name, set()).add(text[start - length - 1] if start - length > 0 else "^")
        occurrences.append(options)
    counts = Counter(name for options in occurrences for name in options)
    names = set()
    for options in occurrences:
        for name in options:
            if counts[name] >= min_count and len(left[name]) >= 2:
                names.add(name)
                break
    return names


def plan_terms(chunks: Iterable[Chunk]) -> set[str]:
    """Quoted terms, box-entry and paragraph lead-ins, and place/project names."""
    terms: set[str] = set()
    texts = [chunk.text for chunk in chunks]
    for text in texts:
        terms.update(_QUOTED.findall(text))
        if match := _LEAD_IN.match(text):
            terms.add(match.group(1))
    terms.update(_place_names("\n".join(texts)))
    return {t for t in terms if 2 < len(t) <= 12 and not t.isdigit()}
