"""Regions named in text: China's province-level divisions, their cities, and English names.

The knowledge is data (``corpus/data/regions.json``); this module only reads it. A region has one
canonical name (湖北省, 鄂州市, 广西壮族自治区, 全国) and the forms people write (湖北, 鄂州, 广西,
Hubei, Ezhou). Cities are matched by their short name only where it cannot be an ordinary word
(「长治久安」 is not 长治市): such names must be written with 市. A name that only begins another name is no
region either: 「中国人民大学」「中国科学院」「中国（上海）自由贸易试验区」 are not 全国 (the data file's
'proper_names').
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DATA_FILE = Path(__file__).resolve().parent / "data" / "regions.json"
NATIONAL = "全国"
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "省", "市", "地区", "盟")

RegionLevel = Literal["national", "province", "city"]


@dataclass(frozen=True)
class Region:
    """A region: canonical ``name``, the Chinese ``forms`` matched in text, ``english`` names (lower case)."""

    name: str
    level: RegionLevel
    forms: tuple[str, ...]
    english: tuple[str, ...] = ()
    province: str = ""  # the province a city lies in


def core_name(name: str) -> str:
    """The name without its administrative suffix: 湖北省 → 湖北, 广西壮族自治区 → 广西, 鄂州市 → 鄂州."""
    name = name.strip()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def same_region(a: str, b: str) -> bool:
    """鄂州 = 鄂州市, 广西 = 广西壮族自治区: equal up to the administrative suffix."""
    return bool(a.strip()) and bool(b.strip()) and core_name(a) == core_name(b)


class Gazetteer:
    """All known regions, and lookups by name and in running text."""

    def __init__(
        self, regions: list[Region], abbreviations: dict[str, str] | None = None,
        proper_names: dict[str, list[str]] | None = None,
    ) -> None:
        self.regions = regions
        self._by_core: dict[str, Region] = {}
        for region in regions:  # the first region of a name wins: provinces come before their cities
            for form in (region.name, *region.forms):
                self._by_core.setdefault(core_name(form), region)
        self._abbreviations = abbreviations or {}
        for abbreviation, name in self._abbreviations.items():
            self._by_core.setdefault(abbreviation, self._by_core[core_name(name)])
        self._abbreviation = re.compile(
            f"^([{''.join(self._abbreviations)}])(?=今年|去年|明年|前年|\\d{{2,4}}年|的)"
        ) if self._abbreviations else None
        forms = sorted({(f, r.name) for r in regions for f in r.forms}, key=lambda fr: (-len(fr[0]), fr[0]))
        self._form_of = dict(forms)
        self._pattern = re.compile("|".join(re.escape(f) for f, _ in forms))
        english = sorted({(e, r.name) for r in regions for e in r.english}, key=lambda er: -len(er[0]))
        self._english_of = dict(english)
        self._english = re.compile(r"(?<![a-z])(" + "|".join(re.escape(e) for e, _ in english) + r")(?![a-z])")
        self._inside_name = _proper_name_pattern(proper_names or {})

    @classmethod
    def from_file(cls, path: Path = DATA_FILE) -> Gazetteer:
        data = json.loads(path.read_text(encoding="utf-8"))
        national = data["national"]
        regions = [Region(NATIONAL, "national", tuple(national["aliases"]), tuple(national["english"]))]
        english_of = {zh: en for en, zh in data["english_cities"].items()}
        prefectures, ambiguous = data["autonomous_prefectures"], set(data["ambiguous_city_names"])
        provinces = [Region(p["name"], "province", (p["name"], *p["aliases"]), tuple(p["english"]))
                     for p in data["provinces"]]
        abbreviations = {a: p["name"] for p in data["provinces"] for a in p["abbreviations"]}
        proper_names = data.get("proper_names") or {}
        taken = {form for p in provinces for form in p.forms}  # 吉林 is the province; the city is 吉林市
        cities = []
        for prov in data["provinces"]:
            for city in prov["cities"]:
                full = prefectures.get(city) or (city if city.endswith("新区") else city + "市")
                short = () if city in ambiguous or city in taken else (city,)
                english = (english_of[city],) if city in english_of else ()
                cities.append(Region(full, "city", (full, *short), english, prov["name"]))
        return cls([*regions, *provinces, *cities], abbreviations, proper_names)

    def lookup(self, name: str) -> Region | None:
        """The region a name stands for (湖北, 湖北省, Hubei), or None."""
        name = name.strip()
        if name.lower() in self._english_of:
            name = self._english_of[name.lower()]
        return self._by_core.get(core_name(name))

    def canonical(self, name: str) -> str:
        """The canonical name of ``name`` (湖北 → 湖北省), or ``name`` itself when unknown."""
        region = self.lookup(name)
        return region.name if region else name.strip()

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Every region name in ``text``: (start, end, canonical name), in order (Chinese and English).

        A one-character abbreviation counts at the start of a question before a time word: 「皖今年…」.
        """
        found = [
            (m.start(), m.end(), self._form_of[m.group()]) for m in self._pattern.finditer(text)
            if not (self._inside_name and self._inside_name.match(text, m.start()))
        ]
        if self._abbreviation is not None and (m := self._abbreviation.match(text)):
            found.append((0, 1, self._abbreviations[m.group(1)]))
        found += [(m.start(1), m.end(1), self._english_of[m.group(1)]) for m in self._english.finditer(text.lower())]
        return sorted(found)

    def find(self, text: str) -> list[str]:
        """Canonical names of the regions ``text`` names, in order of first mention.

        >>> GAZETTEER.find("湖北和鄂州的5G基站目标，Shandong呢")
        ['湖北省', '鄂州市', '山东省']
        """
        return list(dict.fromkeys(name for _, _, name in self.spans(text)))

    def is_full_name(self, name: str) -> bool:
        """Whether ``name`` stands on its own in running text: a province's names (湖北, 广西), a city's full name
        (鄂州市) and English names do; a city's bare name (海口) may be part of a word (出海口)."""
        region = self.lookup(name)
        return name.isascii() or (region is not None and (region.level != "city" or name == region.name))

    def find_at_start(self, text: str) -> str:
        """The region a title starts with (after an optional year): 「2025年广西政府工作报告」 → 广西壮族自治区."""
        text = re.sub(r"^\s*(?:19|20)\d{2}\s*年", "", text)
        match = self._pattern.match(text)
        if not match or (self._inside_name and self._inside_name.match(text)):
            return ""
        return self._form_of[match.group()]


_NAME_GAP = 6  # at most this many characters between 中国 and an institution's ending (中国石油大学, 中国地质大学)


def _proper_name_pattern(proper_names: dict[str, list[str]]) -> re.Pattern[str] | None:
    """Where a region's form begins a longer proper name: one of the 'prefixes', or the form, a few
    characters (no punctuation) and one of the 'suffixes'."""
    forms, prefixes, suffixes = (proper_names.get(key) or [] for key in ("forms", "prefixes", "suffixes"))
    alternatives = [re.escape(p) for p in sorted(prefixes, key=len, reverse=True)]
    if forms and suffixes:
        head = "|".join(re.escape(f) for f in forms)
        tail = "|".join(re.escape(s) for s in sorted(suffixes, key=len, reverse=True))
        alternatives.append(f"(?:{head})[\u3400-\u9fff]{{0,{_NAME_GAP}}}?(?:{tail})")
    return re.compile("|".join(alternatives)) if alternatives else None


GAZETTEER = Gazetteer.from_file()
