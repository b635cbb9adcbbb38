"""English questions over Chinese documents: English words are mapped to the documents' Chinese
terms before searching and judging (the multilingual embedder sees both).

The vocabulary is data: assistant/data/glossary.json (general planning vocabulary), the English
names of regions (corpus/data/regions.json) and each document's own ``english_names`` metadata.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from corpus import DocumentMeta
from corpus.regions import GAZETTEER, core_name

GLOSSARY_FILE = Path(__file__).resolve().parent / "data" / "glossary.json"


class Glossary:
    """English phrase → Chinese terms, longest phrases first.

    >>> Glossary.load().chinese_terms("How many 5G base stations will Ezhou build?")
    ['基站', '鄂州', '5G 5G基站']
    """

    def __init__(self, entries: dict[str, str]) -> None:
        ordered = sorted(entries.items(), key=lambda kv: -len(kv[0]))
        self._patterns = [(re.compile(rf"(?<![a-z]){re.escape(en)}(?![a-z])"), zh) for en, zh in ordered]

    @classmethod
    def load(cls, documents: Iterable[DocumentMeta] = (), path: Path = GLOSSARY_FILE) -> Glossary:
        """The general glossary plus region names and the given documents' own English names."""
        entries: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["terms"]
        for region in GAZETTEER.regions:
            for english in region.english:
                entries.setdefault(english, core_name(region.name))
        for meta in documents:
            entries.update(meta.english_names)
        return cls(entries)

    def chinese_terms(self, question: str) -> list[str]:
        """The Chinese terms for the English vocabulary in ``question`` (longest phrases first)."""
        text = question.lower()
        terms: list[str] = []
        for pattern, zh in self._patterns:
            if pattern.search(text):
                text = pattern.sub(" ", text)
                terms.append(zh)
        return terms
