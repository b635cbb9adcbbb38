"""The one home of Chinese text conventions: character ranges, canonical form, figures and units.

Used by the parser's neighbours, the tokenizer (indexing and querying alike) and the answerer, so
that 「５Ｇ」 and 「5G」, 「％」 and 「%」, 「個」 and 「个」 are the same everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CJK_RANGE = "\u3400-\u9fff"  # CJK Unified Ideographs and Extension A: the characters of Chinese words
CJK = re.compile(f"[{CJK_RANGE}]")

UNITS = (  # a longer unit before the one it starts with: 吨标准煤 before 吨, 千瓦时 before 千瓦
    "个百分点|万亿元|亿元|万元|元|亿美元|万美元|美元|万亿斤|亿斤|万斤|斤|吨标准煤|亿吨|万吨|吨|万标箱|标箱|"
    "平方公里|公里|千米|延米|微克/立方米|立方米|米|万亩|亩|公顷|万平方米|平方米|"
    "万人次|万人|人次|人|家|个|座|所|条|项|套|户|岁|年|天|小时|分钟|兆瓦|千瓦时|千瓦|千伏|Gbps|倍|张|辆|艘|架|列|次|台|处|批|"
    "类|件|名|%|‰|％"
)
MAGNITUDE_VALUES: dict[str, float] = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}  # what each multiplies by
MAGNITUDES = "|".join(MAGNITUDE_VALUES)
# a quantity: digits (not glued to Latin letters as in 5G, IPv6, PM2.5) with an optional magnitude
# and unit: 「5000个」「15万个」「4万亿元」「15万」, and a 「多」 or 「余」 before them: 「1200多万人」 (not 「1200多」)
FIGURE = re.compile(
    rf"(?<![A-Za-z\d.])[<>≥≤＞＜]?\d+(?:[.,]\d+)*(?:\s*(?:多|余)?(?:(?:{MAGNITUDES})?(?:{UNITS})|{MAGNITUDES}))?"
    r"(?![A-Za-z\d])"
)
# a quantity written in Chinese numerals with a measure word: 「六家」「三十个」「一百四十一项」; a duration:
# 「延长三十年」「十五分钟」 (never a year: 「二〇三五年」 is four digits, no 十百千); a count by its magnitude
# alone: 「五千五百七十五万农村贫困人口」 (not 「千万」「亿万」, which lead with no digit); a share: 「百分之六」
# 「百分之七点五」 (older reports write figures so); never the magnitude of a figure in digits (「1.3万亿斤」
# holds no 「万亿斤」)
_CN_NUMERAL = "[〇零一二两兩三四五六七八九十百千万萬亿億]"
# not inside a longer numeral (「3000多万个」 holds no 「万个」), nor an ordinal
_CN_START = r"(?<![〇零一二两兩三四五六七八九十百千万萬亿億第\d.多余])"
CN_FIGURE = re.compile(  # Traditional forms too: the 1950s reports are written in them (一百四十一個項目)
    rf"{_CN_START}[一二两兩三四五六七八九十百千万萬]{_CN_NUMERAL}*"
    r"(?:个百分点|個百分點|万亿元|萬億元|亿元|億元|万元|萬元|家|个月|個月|个|個|项|項|座|所|条|條|件|名|批|万人|萬人"
    r"|亿斤|億斤|万吨|萬噸|公里|亩|倍|分钟|分鐘|小时|小時|天|(?<![〇一二三四五六七八九]{3})年)"
    rf"|{_CN_START}[一二两兩三四五六七八九]{_CN_NUMERAL}*[万萬亿億](?!{_CN_NUMERAL})"
    r"|[百千]分之[〇零一二两兩三四五六七八九十百点點]+"
)
# a figure as it is quoted in an answer: with a range and its qualifier, 「6%-6.5%」「5%左右」「1100万人以上」
QUALIFIER = "左右|以上|以内|以下|上下|多|余"


def is_year(token: str) -> bool:
    """「2025」「2025年」: a year, not a quantity."""
    return bool(re.fullmatch(r"(19|20)\d{2}年?", token))


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_halfwidth(text: str) -> str:
    """Full-width letters, digits and ASCII punctuation to half-width (ＡＢＣ１２３％ → ABC123%).

    Chinese punctuation such as ，。「」 is left alone: it carries sentence boundaries.
    """
    return "".join(
        chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" and ch not in "，：；！？（）" else
        (" " if ch == "\u3000" else ch)
        for ch in text
    )


def normalize_text(text: str) -> str:
    """Canonical form for matching: NFC, half-width alphanumerics, Simplified, lower-case ASCII.

    >>> normalize_text("５Ｇ基站５０００個")
    '5g基站5000个'
    """
    text = to_halfwidth(unicodedata.normalize("NFC", text))
    return _t2s().convert(text).lower()
