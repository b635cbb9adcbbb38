"""Query and text normalization shared by indexing and querying."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from corpus.numerals import years_to_digits

_TRAILING_PARTICLES = re.compile(r"[\s?？!！。.,，~～]*(?:[吗嘛呢吧啊呀哈]+[\s?？!！。.,，~～]*)*$")


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
    """Canonical form for matching: NFC, half-width alphanumerics, Simplified, lower-case ASCII."""
    text = to_halfwidth(unicodedata.normalize("NFC", text))
    return _t2s().convert(text).lower()


# Relative time in questions, anchored to a five-year plan's period: 「五年后」 is its end year.
_RELATIVE_TIME = (
    (re.compile(r"(?:“?十四五”?|规划)(?:期末|末期|末)|五年(?:以)?后|五年之后|到时候|届时"), "2025年"),
    (re.compile(r"“?十三五”?(?:期末|末期|末)"), "2020年"),
)


def normalize_query(query: str) -> str:
    """A user's question in canonical form, without trailing particles and punctuation.

    >>> normalize_query("到二〇二五年鄂州要建多少個５Ｇ基站嗎？")
    '到2025年鄂州要建多少个5g基站'
    """
    text = years_to_digits(normalize_text(query.strip()))
    for pattern, replacement in _RELATIVE_TIME:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\s+", " ", text)
    return _TRAILING_PARTICLES.sub("", text).strip() or text.strip()
