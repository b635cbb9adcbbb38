"""The small typed records that flow from the corpus layer to the rest of planqa."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from corpus.numerals import int_to_cn

Level = Literal["篇", "章", "节", "专栏", "表"]
# "missing": where the source had an image (a table or box the text does not contain), its placeholder line
BlockKind = Literal["paragraph", "box_entry", "table_row", "missing"]
DocumentKind = Literal["plan", "report", "proposal", ""]
PATH_SEP = " › "


@dataclass(frozen=True)
class Heading:
    """One heading of the plan: 第四篇 …, 第十三章 …, 第一节 …, 专栏4-6 …."""

    level: Level
    number: str  # "4" for 篇/章/节, "4-6" for a box
    title: str
    printed: str = ""  # the source's own label when it numbers differently: 「一、总体要求」

    @property
    def label(self) -> str:
        """The heading as printed: 「第十三章 加快建设数字鄂州」, 「专栏4-6 数字经济领域重点工程」, 「一、总体要求」."""
        if self.printed:
            return self.printed
        if self.level == "专栏":
            return f"专栏{self.number} {self.title}".strip()
        if self.level == "表":
            return self.title
        return f"第{int_to_cn(int(self.number))}{self.level} {self.title}".strip()


@dataclass(frozen=True)
class Footnote:
    """A footnote's text, attached to the paragraph that references it."""

    number: int
    text: str
    offset: int  # where the reference mark stood in the paragraph text


@dataclass(frozen=True)
class Block:
    """A paragraph, a box entry, a table row or a missing table's placeholder: the smallest addressable
    piece of a plan.

    ``text`` is the clean body text (no conversion residue, footnote marks removed);
    ``fields`` holds a table row's cells as (column, value) pairs.
    """

    block_id: str
    kind: BlockKind
    path: tuple[str, ...]
    text: str
    footnotes: tuple[Footnote, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()


@dataclass
class Section:
    """A node of the plan tree: the document root, a 篇, 章, 节 or 专栏."""

    heading: Heading | None
    path: tuple[str, ...]
    section_id: str
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def walk(self) -> Iterator[Section]:
        """This section and every section below it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def all_blocks(self) -> Iterator[Block]:
        """Every block in this section and below, in document order."""
        for section in self.walk():
            yield from section.blocks


@dataclass(frozen=True)
class DocumentMeta:
    """What a plan is: shown in citations and used to filter."""

    doc_id: str
    title: str
    region: str = ""
    period: str = ""
    source: str = ""
    english_names: tuple[tuple[str, str], ...] = ()  # ("gedian", "葛店 葛店开发区"): names in English questions

    @property
    def kind(self) -> DocumentKind:
        """What the title says the document is: 「…规划纲要」→ plan, 「…政府工作报告」→ report,
        「…规划的建议」→ proposal; '' when it says none of these (derived, never stored)."""
        return document_kind(self.title)

    @classmethod
    def from_dict(cls, data: dict) -> DocumentMeta:
        """The inverse of ``dataclasses.asdict`` (JSON turns the name pairs into lists)."""
        names = tuple((str(en), str(zh)) for en, zh in data.get("english_names") or ())
        known = {"doc_id", "title", "region", "period", "source"}
        return cls(**{k: str(v) for k, v in data.items() if k in known}, english_names=names)


_PROPOSAL = re.compile(r"建议(?:[（(][^）)]*[）)])?$")
_REPORT = re.compile(r"工作报告")
_PLAN = re.compile(r"规划|纲要")


def document_kind(title: str) -> DocumentKind:
    """plan / report / proposal from a title; a 建议 names a plan it proposes, so it is looked at first.

    >>> document_kind("中共中央关于制定国民经济和社会发展第十五个五年规划的建议"), document_kind("2026年政府工作报告")
    ('proposal', 'report')
    """
    title = title.strip(" 《》")
    if _PROPOSAL.search(title):
        return "proposal"
    if _REPORT.search(title):
        return "report"
    return "plan" if _PLAN.search(title) else ""


@dataclass
class PlanDocument:
    """A parsed plan: its metadata, its tree and the SHA-256 of its source bytes."""

    meta: DocumentMeta
    root: Section
    sha256: str

    def sections(self) -> Iterator[Section]:
        """Every heading section (the root excluded), in document order."""
        return (s for s in self.root.walk() if s.heading is not None)

    def blocks(self) -> Iterator[Block]:
        return self.root.all_blocks()


@dataclass(frozen=True)
class Chunk:
    """The unit that is indexed and cited.

    ``text`` is verbatim body text; ``footnotes`` are the texts of the footnotes it references.
    """

    chunk_id: str
    doc_id: str
    path: tuple[str, ...]
    text: str
    kind: BlockKind
    block_ids: tuple[str, ...]
    footnotes: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()  # a table row's cells as (column, value)

    @classmethod
    def from_dict(cls, data: dict) -> Chunk:
        """The inverse of ``dataclasses.asdict`` (JSON turns tuples into lists)."""
        return cls(
            data["chunk_id"], data["doc_id"], tuple(data["path"]), data["text"], data["kind"],
            tuple(data["block_ids"]), tuple(data.get("footnotes", ())),
            tuple((str(h), str(v)) for h, v in data.get("fields", ())),
        )

    @property
    def path_text(self) -> str:
        return PATH_SEP.join(self.path)

    def search_text(self) -> str:
        """Headings + body + footnotes: what the indexes see."""
        parts = [self.path_text, self.text, *self.footnotes]
        return "\n".join(p for p in parts if p)
