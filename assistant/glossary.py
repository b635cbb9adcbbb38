"""English questions over Chinese documents: English words are mapped to the documents' Chinese
terms before searching and judging (the multilingual embedder sees both).

The vocabulary is data: assistant/data/glossary.json (general planning vocabulary), the English
names of regions (corpus/data/regions.json) and each document's own ``english_names`` metadata; the
words none of these knows go to a fallback (assistant.lexicon: a general dictionary, read against the
library's own vocabulary).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from corpus import DocumentMeta
from corpus.regions import GAZETTEER, core_name

GLOSSARY_FILE = Path(__file__).resolve().parent / "data" / "glossary.json"
# what makes English text a question: a question word, an auxiliary that opens one, or its mark
_ASKS = re.compile(r"\?|\b(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|will|would|"
                   r"can|could|should|shall|has|have|had)\b", re.IGNORECASE)


class Glossary:
    """English phrase → Chinese terms, longest phrases first.

    >>> Glossary.load().chinese_terms("How many 5G base stations will Ezhou build?")
    ['基站', '鄂州', '5G 5G基站']
    """

    def __init__(self, entries: dict[str, str], fallback: Callable[[str], list[str]] | None = None,
                 places: frozenset[str] = frozenset()) -> None:
        ordered = sorted(entries.items(), key=lambda kv: -len(kv[0]))
        self._patterns = [(re.compile(rf"(?<![a-z]){re.escape(en)}(?![a-z])"), zh) for en, zh in ordered]
        self._fallback, self._places = fallback, places

    @classmethod
    def load(cls, documents: Iterable[DocumentMeta] = (), path: Path = GLOSSARY_FILE,
             fallback: Callable[[str], list[str]] | None = None) -> Glossary:
        """The general glossary plus region names and the given documents' own English names; ``fallback``
        maps the English text none of them knows when they name nothing but places."""
        entries: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["terms"]
        places: set[str] = set()
        for region in GAZETTEER.regions:
            for english in region.english:
                places.add(entries.setdefault(english, core_name(region.name)))
        for meta in documents:
            entries.update(meta.english_names)
        return cls(entries, fallback, frozenset(places))

    def chinese_terms(self, question: str) -> list[str]:
        """The Chinese terms for the English vocabulary in ``question`` (longest phrases first)."""
        text = question.lower()
        terms: list[str] = []
        for pattern, zh in self._patterns:
            if pattern.search(text):
                text = pattern.sub(" ", text)
                terms.append(zh)
        # the last resort, for a question whose content no curated entry names (only its places): the
        # glossary's terms are what the support model was fitted on, and a general dictionary's words
        # for every other English word would dilute them. Only a question is looked up: a dictionary
        # reads 「'; DROP TABLE chunks; --」 as 下降 and 表格
        if self._fallback is not None and all(term in self._places for term in terms) and _ASKS.search(question):
            terms += self._fallback(text)
        return terms
