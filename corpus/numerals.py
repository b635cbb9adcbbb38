"""Chinese numerals: 第十四章 ↔ 14, 二〇三五 → 2035, used by the parser and by query normalization."""

from __future__ import annotations

import re

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS)
_CN_DIGIT_STRING = re.compile(r"[〇零一二三四五六七八九]{4}")


def cn_to_int(text: str) -> int:
    """Parse a Chinese numeral (or ASCII digits) into an int.

    >>> cn_to_int("十四"), cn_to_int("二十一"), cn_to_int("二〇三五"), cn_to_int("14")
    (14, 21, 2035, 14)

    Raises ValueError when ``text`` is not a numeral.
    """
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(ch in _DIGITS for ch in text):  # digit-by-digit form: 二〇三五
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
            continue
        unit = _UNITS[ch]
        if unit >= 10_000:
            total += (section + digit) * unit
            section = 0
        else:
            section += (digit or 1) * unit
        digit = 0
    return total + section + digit


def int_to_cn(number: int) -> str:
    """Render 0 ≤ number < 100 000 the way headings do: 14 → 十四, 21 → 二十一, 105 → 一百零五."""
    if not 0 <= number < 100_000:
        raise ValueError(f"out of range for headings: {number}")
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    out, zero = [], False
    for value, unit in ((10_000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = number // value % 10
        if d:
            if zero:
                out.append("零")
            out.append(digits[d] + unit)
            zero = False
        elif out:
            zero = True
    return "".join(out)


def years_to_digits(text: str) -> str:
    """Rewrite digit-by-digit Chinese years in ``text``: 二〇三五年 → 2035年."""
    return _CN_DIGIT_STRING.sub(lambda m: str(cn_to_int(m.group())), text)
