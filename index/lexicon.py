"""Names a plan uses, found in the plan itself, for jieba's user dictionary.

葛店开发区, 花湖机场, 三江港, 红莲湖 and the like should be single tokens (plus their parts,
which jieba's search mode adds), whatever plan is indexed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from corpus import Chunk

_QUOTED = re.compile(r"[“「]([^”」“「，。；：、\s]{2,12})[”」]")
_LEAD_IN = re.compile(r"^([\u4e00-\u9fff（）]{2,12})[：。]")
_PLACE = re.compile(
    r"[\u4e00-\u9fff]{2,4}?(?:开发区|经济区|新区|度假区|机场|港区|港|湖(?![北南])|山|大道|高速|产业园|小镇)"
)
# A name rarely starts with a preposition or a verb; the regex's leftmost match often does
# (「以三江港」, 「围绕梁子湖」), so such candidates are dropped.
_NOT_A_NAME_START = set("以与和及在向对把将为从于发加围保推利充坚努做分打建提完优依全重积形实强健促深至经")


def _place_names(text: str) -> set[str]:
    found = [m for m in _PLACE.findall(text) if m[0] not in _NOT_A_NAME_START and not set(m) & set("与至及和")]
    return {name for name in found if text.count(name) >= 2}


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
