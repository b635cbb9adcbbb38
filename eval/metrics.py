"""Pure metric functions of the evaluation: answer normalization, evidence matching, ranks.

Nothing here touches an index or a model, so every rule is unit-tested on hand-made strings
(tests/eval/test_metrics.py).

- :func:`normalize_answer` / :func:`contains_all`: is every expected string in the answer?
  :func:`quotable`: and in one short enough to quote (strict accuracy).
  Width, whitespace, quotes, thousands separators and (well-formed) Chinese numerals are
  normalized, so 「５，０００」, 「5000」 and 「五千」 agree, and 「六家」 matches 「6家」; a number
  never matches inside a longer number (「6家」 is not in 「16家」). 「%」 and 「个百分点」 stay
  different: they are different claims.
- :func:`evidence_in_passage`: does a retrieved passage hold the gold evidence, allowing for
  chunk boundaries (60 % longest-common-substring overlap) and for table rows (every cell).
- :func:`first_match_rank`, :func:`recall_at`, :func:`mean_reciprocal_rank`,
  :func:`precision_recall`, :func:`percentile`: the aggregate numbers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

from corpus.numerals import int_to_cn
from corpus.text import MAGNITUDE_VALUES

EVIDENCE_OVERLAP = 0.6
STRICT_MAX_CHARS = 200  # strict accuracy: every expected string, in an answer short enough to quote

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_RUN = re.compile("[〇零一二三四五六七八九两十百千]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_WHITESPACE = re.compile(r"\s+")
_QUOTES = re.compile("[\"'“”‘’「」『』]")
_CITATION_MARK = re.compile(r"\[\d+\]")
_NUMBER_BEFORE = re.compile(r"\d(?:\.)?$")
_NUMBER_AFTER = re.compile(r"^(?:\.)?\d")
# a table cell's figure shown with its row's measure word: 「240件左右」 is the cell 「240左右」 (never a
# magnitude: 「240万人左右」 is not 「240左右」)
_UNIT_BEFORE_BOUND = re.compile(r"(\d)(?:件|个|家|人|项|所|座|张|条)(左右|以上|以内|以下)")


# --- answer normalization ----------------------------------------------------------------


# an upper bound in symbols or words is one bound: 「<5」 (a table's cell) is 「5以内」, as are 「低于5」「5以下」
_UPPER_BOUND = re.compile(r"(?:低于|不超过|不高于|<|≤)(\d+(?:\.\d+)?%?)|(\d+(?:\.\d+)?%?)以下")


def _upper_bounds(text: str) -> str:
    return _UPPER_BOUND.sub(lambda m: f"{m.group(1) or m.group(2)}以内", text)


def cn_numeral_value(run: str) -> int | None:
    """The value of a well-formed Chinese numeral below 10 000, else None.

    Well-formed means written the canonical way (二 may be 两): 「五千」 → 5000, 「六」 → 6,
    「十四」 → 14, 「一百零五」 → 105. Ambiguous runs stay None: 「十四五」 (the 14th Five-Year
    Plan), 「三四」 (three or four), 「八五」 (a plan name), a bare unit (「千张」, 「百里」), and
    「二〇三五」 (read as a year by normalize_answer).
    """
    if not any(ch in _DIGITS for ch in run) or any(ch not in _DIGITS and ch not in _SMALL_UNITS for ch in run):
        return None  # a bare unit is a word, not a number: 千张, 百里长港
    total, digit = 0, None
    for ch in run:
        if ch in "零〇" and total:
            continue  # the place-holding zero of 一百零五; its position is checked below
        if ch in _DIGITS:
            if digit is not None:
                return None  # two digits in a row: 三四, 八五
            digit = _DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
    total += digit or 0
    if total == 0:
        return None
    canonical = run.replace("两", "二")
    return total if int_to_cn(total) == canonical or canonical == "一" + int_to_cn(total) else None


def _year_value(run: str) -> int | None:
    """二〇三五 → 2035: four digit characters read one by one."""
    if len(run) == 4 and all(ch in _DIGITS and ch != "两" for ch in run):
        return int("".join(str(_DIGITS[ch]) for ch in run))
    return None


def _numerals_to_digits(text: str) -> str:
    def convert(match: re.Match[str]) -> str:
        run = match.group()
        value = _year_value(run)
        if value is None:
            value = cn_numeral_value(run)
        return run if value is None else str(value)

    return _CN_RUN.sub(convert, text)


def normalize_answer(text: str) -> str:
    """Canonical form for matching expected strings against an answer.

    NFKC (full-width → half-width: ５０００ → 5000, ７０％ → 70%, ， → ,), no whitespace, no
    quote marks, no [n] citation markers, ASCII lower case, no thousands separators
    (5,000 → 5000) and well-formed Chinese numerals as digits (五千 → 5000, 六家 → 6家).
    """
    text = unicodedata.normalize("NFKC", _CITATION_MARK.sub("", text))
    text = _QUOTES.sub("", _WHITESPACE.sub("", text)).lower()
    return _numerals_to_digits(_THOUSANDS.sub("", text))


def contains_normalized(text: str, needle: str) -> bool:
    """True when ``needle`` occurs in ``text`` after :func:`normalize_answer`.

    A needle that starts or ends with a digit must not be glued to a longer number:
    「6家」 is not in 「16家」, 「5」 is not in 「5.2万」, but 「70」 is in 「70%」.
    """
    hay, pin = normalize_answer(text), normalize_answer(needle)
    if not pin:
        return True
    return (_found(hay, pin) or _found(_UNIT_BEFORE_BOUND.sub(r"\1\2", hay), pin)
            or _found(_upper_bounds(hay), _upper_bounds(pin)))


_FIGURE = re.compile(r"(\d+(?:\.\d+)?)(?:多|余)?(万亿|亿|万)?")  # not 千: 「3千米」 is 3 km, not 3,000 米


def _found(hay: str, pin: str) -> bool:
    start = hay.find(pin)
    while start >= 0:
        end = start + len(pin)
        glued_before = pin[0].isdigit() and _NUMBER_BEFORE.search(hay[:start])
        glued_after = pin[-1].isdigit() and _NUMBER_AFTER.search(hay[end:])
        if not glued_before and not glued_after:
            return True
        start = hay.find(pin, start + 1)
    return False


def missing_strings(text: str, expected: Iterable[str]) -> list[str]:
    """The expected strings that ``text`` does not contain (see :func:`contains_normalized`)."""
    return [needle for needle in expected if not contains_normalized(text, needle)]


def figures_quoted(short: str, passages: Sequence[str], question: str = "") -> bool | None:
    """Whether every figure of a short answer (the headline) is a figure of a passage the answer cites,
    by value (「3万家」 is 30,000): 「22」 is not 「220千伏」's. Figures the question itself holds (its years)
    are not checked; None: nothing to check. No gold answer is needed."""
    asked = _figure_values(question)
    figures = [v for v in _figure_values(short, scaled=False) if v not in asked]
    if not figures:
        return None
    stated = set().union(*(_figure_values(p) for p in passages)) if passages else set()
    return all(v in stated for v in figures)


def _figure_values(text: str, scaled: bool = True) -> set[float]:
    """The values of the figures in ``text`` (normalized: 五千 → 5000), with 万/亿 applied when ``scaled``."""
    values: set[float] = set()
    for match in _FIGURE.finditer(normalize_answer(text)):
        value = float(match.group(1))
        values.add(round(value, 6))
        if scaled and match.group(2):
            values.add(round(value * MAGNITUDE_VALUES[match.group(2)], 6))
    return values


def contains_all(text: str, expected: Iterable[str]) -> bool:
    """True when ``text`` contains every expected string."""
    return not missing_strings(text, expected)


def quotable(text: str, short: str, expected: Sequence[str]) -> bool:
    """Whether an answer holds every expected string and is short enough to quote: the whole answer
    within STRICT_MAX_CHARS characters, or its short answer (the figure, the list's items) holding them
    all within that length. The quote after a short answer is its evidence, not a longer answer: a list
    of six long items is right although items and quote together run past the limit."""
    if missing_strings(text, expected):
        return False
    return len(text) <= STRICT_MAX_CHARS or (0 < len(short) <= STRICT_MAX_CHARS and contains_all(short, expected))


# --- evidence matching -------------------------------------------------------------------


def normalize_evidence(text: str) -> str:
    """NFKC with all whitespace removed: chunk text and gold evidence in one form."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def has_common_substring(a: str, b: str, length: int) -> bool:
    """True when ``a`` and ``b`` share a substring of ``length`` characters."""
    if length <= 0:
        return True
    return any(a[i : i + length] in b for i in range(len(a) - length + 1))


def longest_common_substring(a: str, b: str) -> int:
    """Length of the longest common substring of ``a`` and ``b`` (binary search on the length)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if has_common_substring(a, b, middle):
            low = middle
        else:
            high = middle - 1
    return low


def table_cells(evidence: str) -> list[str]:
    """The cells of a multi-line table evidence, without empty and 「-」 cells."""
    cells = (normalize_evidence(line) for line in evidence.split("\n"))
    return [cell for cell in cells if cell and cell != "-"]


def evidence_in_passage(evidence: str, passage: str, overlap: float = EVIDENCE_OVERLAP) -> bool:
    """Does ``passage`` (a chunk's text, plus its footnotes) hold the gold ``evidence``?

    Multi-line evidence is a table row: every cell other than 「-」 must occur in the passage
    (the indexed row reads 「指标——类别：…；2025年：70；…」). One-line evidence matches when it
    is a substring of the passage or shares a common substring of at least ``overlap`` of its
    length, which allows for a chunk boundary cutting it. Whitespace and width are ignored.
    """
    text = normalize_evidence(passage)
    if "\n" in evidence.strip():
        cells = table_cells(evidence)
        return bool(cells) and all(cell in text for cell in cells)
    gold = normalize_evidence(evidence)
    if not gold:
        return False
    return gold in text or has_common_substring(gold, text, math.ceil(overlap * len(gold)))


def first_match_rank(evidence: str, passages: Sequence[str], overlap: float = EVIDENCE_OVERLAP) -> int | None:
    """1-based rank of the first passage that holds the evidence, or None."""
    for rank, passage in enumerate(passages, start=1):
        if evidence_in_passage(evidence, passage, overlap):
            return rank
    return None


# --- aggregates --------------------------------------------------------------------------


def recall_at(ranks: Sequence[int | None], n: int) -> float | None:
    """Share of questions whose evidence is in the top ``n`` (None for no questions)."""
    if not ranks:
        return None
    return sum(1 for r in ranks if r is not None and r <= n) / len(ranks)


def mean_reciprocal_rank(ranks: Sequence[int | None]) -> float | None:
    """Mean of 1/rank, 0 for a miss (None for no questions)."""
    if not ranks:
        return None
    return sum(1 / r for r in ranks if r is not None) / len(ranks)


def precision_recall(predicted: Sequence[bool], actual: Sequence[bool]) -> tuple[float | None, float | None]:
    """Precision and recall of the positive class; None where the denominator is 0."""
    if len(predicted) != len(actual):
        raise ValueError(f"{len(predicted)} predictions for {len(actual)} labels")
    true_pos = sum(1 for p, a in zip(predicted, actual, strict=True) if p and a)
    predicted_pos = sum(predicted)
    actual_pos = sum(actual)
    precision = true_pos / predicted_pos if predicted_pos else None
    recall = true_pos / actual_pos if actual_pos else None
    return precision, recall


def share(flags: Sequence[bool]) -> float | None:
    """Share of True values (None for an empty sequence)."""
    return sum(flags) / len(flags) if flags else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0–100), linear interpolation as numpy's default; None if empty."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be in [0, 100], got {q}")
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --- confidence: risk–coverage and calibration -----------------------------------------------


def risk_coverage(confidences: Sequence[float], correct: Sequence[bool]) -> list[tuple[float, float, float]]:
    """(threshold, coverage, precision) for answering every question whose confidence is at least the
    threshold, one point per distinct confidence, most confident first.

    >>> risk_coverage([0.9, 0.8, 0.3], [True, False, True])
    [(0.9, 0.333, 1.0), (0.8, 0.667, 0.5), (0.3, 1.0, 0.667)]
    """
    pairs = sorted(zip(confidences, correct, strict=True), key=lambda p: -p[0])
    out, right = [], 0
    for n, (confidence, ok) in enumerate(pairs, start=1):
        right += ok
        if n == len(pairs) or pairs[n][0] != confidence:
            out.append((round(confidence, 4), round(n / len(pairs), 3), round(right / n, 3)))
    return out


def area_under_risk_coverage(confidences: Sequence[float], correct: Sequence[bool]) -> float | None:
    """The mean risk (1 − precision) over coverages, answering by decreasing confidence (AURC; lower is
    better; 0 when every answer ranked first is right). None for no questions.

    >>> area_under_risk_coverage([0.9, 0.8], [True, False])
    0.25
    """
    if not confidences:
        return None
    pairs = sorted(zip(confidences, correct, strict=True), key=lambda p: -p[0])
    risks, wrong = [], 0
    for n, (_, ok) in enumerate(pairs, start=1):
        wrong += not ok
        risks.append(wrong / n)
    return round(sum(risks) / len(risks), 4)


def reliability_table(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
                      ) -> list[tuple[float, float, int, float | None, float | None]]:
    """Per confidence bin [lo, hi): (lo, hi, count, mean confidence, share right); the last bin includes 1."""
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok in zip(confidences, correct, strict=True)
                  if lo <= c < hi or (b == bins - 1 and c == hi)]
        mean = round(sum(c for c, _ in inside) / len(inside), 3) if inside else None
        right = round(sum(ok for _, ok in inside) / len(inside), 3) if inside else None
        out.append((lo, hi, len(inside), mean, right))
    return out


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
                               ) -> float | None:
    """Σ over bins of (share of questions) × |mean confidence − share right| (None for no questions).

    >>> expected_calibration_error([0.9, 0.9, 0.1, 0.1], [True, True, False, False])
    0.1
    """
    if not confidences:
        return None
    total = len(confidences)
    return round(sum(count / total * abs(mean - right)
                     for _, _, count, mean, right in reliability_table(confidences, correct, bins)
                     if count and mean is not None and right is not None), 4)
