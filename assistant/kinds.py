"""Kinds of quantity: what a question asks for (money, an area, a count, a rate…) and what a figure
states, from the data of assistant/data/kinds.json.

>>> asked_kind("生物医药产业规模目标多少亿"), figure_kind("4个"), figure_kind("200亿元")
('money', 'count', 'money')
>>> asked_kind("鄂州人口多少"), figure_kind("70%"), asked_kind("城镇调查失业率是多少")
('persons', 'rate', 'rate')
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from corpus.text import MAGNITUDE_VALUES, normalize_text

KINDS_FILE = Path(__file__).resolve().parent / "data" / "kinds.json"
_ASKING = re.compile(r"多少|几|多大|多长|多久|how many|how much|how long")  # a cue that asks, with its measure


@lru_cache(maxsize=1)
def _data() -> tuple[list[tuple[str, str]], list[tuple[str, str]], frozenset[frozenset[str]]]:
    data = json.loads(KINDS_FILE.read_text(encoding="utf-8"))
    units = sorted(((normalize_text(u), k) for k, us in data["units"].items() for u in us), key=lambda uk: -len(uk[0]))
    asked = [(normalize_text(c), k) for k, cues in data["asked"].items() for c in cues]
    compatible = frozenset(frozenset(pair) for pair in data.get("compatible", []))
    return units, asked, compatible


def asked_kind(question: str, units: tuple[str, ...] = ()) -> str:
    """The kind of quantity a question asks for ("" when it names none): a cue asking with its measure
    (多少个, 多少亿, 增长多少) before a noun's (「建多少个大功率充换电站」: a count, not the 率 of 功率),
    then the cue that ends last (「城镇调查失业率是多少」: 率, not 就业), the longer on a tie. With no cue,
    the kind of the asked indicator's ``units`` (「打多少粮食」: 斤, a weight), else a count of things
    (「多少5G基站」; not 「突破多少了」 or 「多少分钟」).

    >>> asked_kind("深圳打算建多少个大功率充换电站"), asked_kind("北京去年一般公共预算收入涨了多少")
    ('count', 'change')
    >>> asked_kind("全市贷款余额突破多少了？"), asked_kind("深圳机场旅客吞吐量十五五末要到多少")
    ('', 'persons')
    """
    text = normalize_text(question)
    best: tuple[bool, int, int, str] | None = None
    for cue, kind in _data()[1]:
        pattern = rf"(?<![a-z]){re.escape(cue)}(?![a-z])" if cue[:1].isascii() and cue[:1].isalpha() else re.escape(cue)
        for match in re.finditer(pattern, text):
            key = (_ASKING.search(cue) is not None, match.end(), len(cue), kind)
            if best is None or key[:3] > best[:3]:
                best = key
    if best is None and (kinds := [k for unit in units if (k := unit_kind(unit))]):
        return kinds[0]
    if best is None and re.search(r"(?:多少|几)(?![年岁月天号时点分秒周了呢啊吗呀吧的])[\u4e00-\u9fffA-Za-z0-9]", text):
        return "count"  # 「多少5G基站」「几座桥」: a count of things
    return best[3] if best else ""


def unit_kind(unit: str) -> str:
    """The kind of quantity a unit measures (斤 → the kind of 亿斤), "" for an unknown one."""
    unit = normalize_text(unit)
    return next((kind for u, kind in _data()[0] if u == unit or u.endswith(unit)), "")


def figure_kind(figure: str) -> str:
    """The kind of quantity a quoted figure states, from its unit ("" for a bare number or an unknown unit)."""
    text = normalize_text(figure)
    if stated := _figure_unit(text):
        return stated[1]
    if re.search(r"[百千]分之", text):
        return "rate"
    return ""  # a bare number (its unit may be in a table row's name) or a year


def _figure_unit(text: str) -> tuple[str, str] | None:
    """The unit of a (normalized) figure and its kind: 「1600万辆」 → (万辆, count)."""
    text = re.sub(r"(?:左右|以上|以内|以下|上下|多|余|[∗*])+$", "", text.strip())
    for unit, kind in _data()[0]:
        if re.search(rf"[\d〇零一二两三四五六七八九十百千万亿](?:万亿|亿|万|千)?{re.escape(unit)}", text):
            return unit, kind
    return None


@lru_cache(maxsize=1)
def _measures() -> dict[str, str]:
    groups = json.loads(KINDS_FILE.read_text(encoding="utf-8"))["measures"]
    return {normalize_text(u): name for name, units in groups.items() if not name.startswith("_") for u in units}


def other_measure(asked_unit: str, figure: str) -> bool:
    """Whether ``figure`` is in a unit of the kind asked that measures something else than the unit
    asked: 「多少台」 (machines) is not answered in 辆 (vehicles), 「多少亿吨」 not in 标箱 (containers).
    A unit of no measure group (个, the generic count) measures anything of its kind.

    >>> other_measure("台", "1600万辆"), other_measure("亿吨", "4387万标箱"), other_measure("辆", "2000个")
    (True, True, False)
    """
    measures = _measures()
    stated = _figure_unit(normalize_text(figure))
    asked = measures.get(normalize_text(asked_unit))
    theirs = measures.get(stated[0]) if stated else None
    return asked is not None and theirs is not None and asked != theirs


def compatible(asked: str, stated: str) -> bool:
    """Whether a figure of kind ``stated`` can answer a question asking for ``asked``."""
    return asked == stated or frozenset((asked, stated)) in _data()[2]


_FIGURE_PARTS = re.compile(
    r"^([<>≥≤＞＜]?)(\d+(?:\.\d+)?)(多|余)?(万亿|亿|万|千)?(.*?)(左右|以上|以内|以下|上下|多|余)?[∗*]?$"
)
_MAGNITUDE: dict[str | None, float] = {**MAGNITUDE_VALUES, None: 1.0}


@lru_cache(maxsize=1)
def _english() -> tuple[dict[str, str], dict[str, str]]:
    data = json.loads(KINDS_FILE.read_text(encoding="utf-8"))["english"]
    return data["units"], data["qualifiers"]


def english_figure(figure: str) -> str:
    """A short answer's figure in English: magnitudes multiplied out, the unit and qualifier translated;
    the figure as it is when it is not one number with a known unit (a range, words).

    >>> english_figure("5000个"), english_figure("1.2万亿元"), english_figure("5%左右"), english_figure("≤2300万人")
    ('5,000', '1.2 trillion yuan', 'about 5%', '≤23 million people')
    >>> english_figure("825亿斤以上"), english_figure("2024年"), english_figure("1200多万人")
    ('82.5 billion jin or more', '2024年', 'more than 12 million people')
    """
    match = _FIGURE_PARTS.match(figure.strip())
    units, qualifiers = _english()
    if not match or match.group(5) not in units or re.fullmatch(r"(?:19|20)\d{2}年.*", figure.strip()):
        return figure  # not one number with a known unit, or a date
    sign, number, inner, magnitude, unit, qualifier = match.groups()
    qualifier = qualifier or inner  # 「1200多万人」: more than 12 million
    value = float(number) * _MAGNITUDE[magnitude]
    text = sign + (_large(value) if magnitude else _plain(number))
    english = units[unit]
    text = f"{text}{english}" if english in ("%", "‰") else f"{text} {english}".rstrip()
    if not qualifier:
        return text
    english = qualifiers[qualifier]
    return f"{english} {text}" if english in ("about", "more than") else f"{text} {english}"


def _plain(number: str) -> str:
    whole, _, fraction = number.partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


def _large(value: float) -> str:
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= size:
            return f"{value / size:.4g} {word}"
    return f"{value:,.6g}"
