"""Equivalent terms of plans and reports (「上大学」 = 「高等教育」, 「研发投入」 = 「研究与试验发展经费」), from the
data of assistant/data/synonyms.json. Used one way: a phrase of the question is covered by a passage
that uses one of its equivalents (never the other way round: the passage's words are not widened).

>>> synonyms = Synonyms([["上大学", "高等教育", "高校"]])
>>> synonyms.spans("上大学的比例要达到多少")
[(0, 3, ('高等教育', '高校'))]
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from corpus.text import normalize_text

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.json"


class Synonyms:
    """Groups of equivalent terms, found as phrases in a question's text."""

    def __init__(self, groups: Sequence[Sequence[str]]) -> None:
        self._of: dict[str, tuple[str, ...]] = {}
        for group in groups:
            terms = [normalize_text(t) for t in group if t.strip()]
            for term in terms:
                self._of[term] = tuple(t for t in terms if t != term)
        ordered = sorted(self._of, key=lambda t: (-len(t), t))
        self._pattern = re.compile("|".join(_term_pattern(t) for t in ordered)) if ordered else None

    @classmethod
    def load(cls, path: Path = SYNONYMS_FILE) -> Synonyms:
        """The shipped groups (none when the file is absent)."""
        if not path.exists():
            return cls([])
        return cls(json.loads(path.read_text(encoding="utf-8"))["groups"])

    def spans(self, text: str) -> list[tuple[int, int, tuple[str, ...]]]:
        """The phrases of (normalized) ``text`` that have equivalents, longest first where they overlap:
        (start, end, equivalents)."""
        if self._pattern is None:
            return []
        return [(m.start(), m.end(), self._of[m.group()]) for m in self._pattern.finditer(text)]


def _term_pattern(term: str) -> str:
    """A term as a pattern; a Latin abbreviation only as a whole word (「GDP」 is not inside 「GDPR」)."""
    escaped = re.escape(term)
    return rf"(?<![a-z]){escaped}(?![a-z])" if term[:1].isascii() and term[:1].isalpha() else escaped
