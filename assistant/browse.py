"""Browsing the documents: the table of contents, a section by id or heading, a passage's section."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus import Chunk, PlanDocument, Section
from corpus.navigation import find_section, render_section

_DEPTH = {"篇": 0, "章": 1, "节": 2, "专栏": 3, "表": 3}
# how a paragraph numbers itself as an item of a list
_MARKERS = (
    ("paren", re.compile(r"^[（(][一二三四五六七八九十]+[)）]")),
    ("shi", re.compile(r"^[一二三四五六七八九十]+是")),
    ("arabic", re.compile(r"^\d{1,2}[.、．]")),
    ("ordinal", re.compile(r"^第[一二三四五六七八九十]+[，、,]")),
    ("dash", re.compile(r"^\s*(?:[—―]{2,}|－{2,}|-{2,})")),  # 「——坚持人民至上。…」: the dashes of parallel items
)


_MAX_LEAD = 25  # a paragraph's lead sentence that names its item (「加大精准脱贫力度。」), not its first statement


def _marker_style(text: str) -> str:
    return next((name for name, pattern in _MARKERS if pattern.match(text)), "")


def _item_lead(text: str) -> str:
    """「（三）在全面推进乡村振兴上下功夫、求实效。全面落实…」 → 在全面推进乡村振兴上下功夫、求实效."""
    for _, pattern in _MARKERS:
        text = pattern.sub("", text, count=1)
    return re.split(r"[。；;：:！]", text, maxsplit=1)[0].strip()


@dataclass(frozen=True)
class Outline:
    """A section with a list below it: its child headings, or its numbered paragraphs (「一是…」「（一）…」)."""

    doc_id: str
    section: Section
    items: tuple[str, ...]
    first_block: str  # the id of the section's first block (a passage to cite)


@dataclass(frozen=True)
class TocEntry:
    """One heading of a document's table of contents."""

    doc_id: str
    section_id: str
    level: str
    label: str
    depth: int


class Browser:
    """The parsed documents, for reading rather than searching."""

    def __init__(self, documents: Sequence[PlanDocument]) -> None:
        self.documents = list(documents)
        self._docs = {d.meta.doc_id: d for d in self.documents}
        self._section_of = {
            (d.meta.doc_id, b.block_id): s.section_id for d in self.documents for s in d.root.walk() for b in s.blocks
        }
        self._sections = {(d.meta.doc_id, s.section_id): s for d in self.documents for s in d.root.walk()}

    def toc(self) -> list[TocEntry]:
        return [
            TocEntry(d.meta.doc_id, s.section_id, s.heading.level, s.heading.label, _DEPTH[s.heading.level])
            for d in self.documents for s in d.sections() if s.heading is not None
        ]

    def section_of(self, chunk: Chunk) -> str:
        """The id of the section a passage belongs to ("root" for text before the first heading)."""
        return self._section_of.get((chunk.doc_id, chunk.block_ids[0]), "root")

    def subheadings(self, chunk: Chunk) -> list[str]:
        """The titles of the sections directly below the one a passage belongs to (「（一）…」 without its number)."""
        section = self._sections.get((chunk.doc_id, self.section_of(chunk)))
        return [child.heading.title for child in section.children if child.heading] if section else []

    def numbered_items(self, chunk: Chunk) -> list[str]:
        """The numbered paragraphs (「（一）…」「一是…」「1.…」「——…」) of a passage's section that share the
        numbering of the passage's own paragraph, or that follow it: each item's lead, up to its first full
        stop. Dashed items are one paragraph each: a list of them ends at the first paragraph without a dash
        (a section states its principles, then its goals, each a run of 「——」 paragraphs)."""
        section = self._sections.get((chunk.doc_id, self.section_of(chunk)))
        if section is None:
            return []
        blocks = section.blocks
        at = next((k for k, b in enumerate(blocks) if b.block_id == chunk.block_ids[0]), 0)
        style = _marker_style(blocks[at].text)
        if style:
            start = at
            while style == "dash" and start > 0 and _marker_style(blocks[start - 1].text) == style:
                start -= 1
            candidates = blocks[start:] if style == "dash" else blocks
        else:
            candidates = blocks[at + 1 :]
            style = _marker_style(candidates[0].text) if candidates else ""
        if style == "dash":
            chosen = list(itertools.takewhile(lambda b: _marker_style(b.text) == style, candidates))
        else:
            chosen = [b for b in candidates if style and _marker_style(b.text) == style]
        return [_item_lead(b.text) for b in chosen] if len(chosen) >= 2 else []

    def announced_items(self, chunk: Chunk) -> list[str]:
        """The items a numbered paragraph announces: the leads of the unnumbered paragraphs after it
        (「（四）坚决打好三大攻坚战。…」, then 「推动重大风险防范化解取得明显进展。…」「加大精准脱贫力度。…」…, or
        dashed: 「——坚持人民至上。…」), each a short first sentence before the paragraph's own text, up to the
        next numbered paragraph."""
        section = self._sections.get((chunk.doc_id, self.section_of(chunk)))
        if section is None:
            return []
        blocks = section.blocks
        at = next((k for k, b in enumerate(blocks) if b.block_id == chunk.block_ids[0]), None)
        if at is None or _marker_style(blocks[at].text) in ("", "dash"):
            return []
        items = []
        for block in blocks[at + 1 :]:
            lead = _item_lead(block.text)
            if (_marker_style(block.text) not in ("", "dash") or not 2 <= len(lead) <= _MAX_LEAD
                    or len(lead) + 1 >= len(block.text)):
                break
            items.append(lead)
        return items if len(items) >= 2 else []

    def outlines(self, doc_ids: Iterable[str]) -> list[Outline]:
        """Every section of these documents with at least two items below it, in document order."""
        out = []
        for doc_id in doc_ids:
            doc = self._docs.get(doc_id)
            for section in doc.sections() if doc else ():
                items = [c.heading.title for c in section.children if c.heading]
                if len(items) < 2:
                    styles = [_marker_style(b.text) for b in section.blocks]
                    common = max(set(styles) - {""}, key=styles.count, default="")
                    items = [_item_lead(b.text) for b, style in zip(section.blocks, styles, strict=True)
                             if common and style == common]
                first = next(section.all_blocks(), None)
                if len(items) >= 2 and first is not None:
                    out.append(Outline(doc_id, section, tuple(items), first.block_id))
        return out

    def section(self, target: str, doc_id: str | None = None) -> Section | None:
        """A section by id, block id, chunk id or heading text (see corpus.navigation.find_section)."""
        if ":" in target and doc_id is None:
            doc_id = target.split(":", 1)[0]
        docs = [self._docs[doc_id]] if doc_id in self._docs else self.documents
        for doc in docs:
            if (section := find_section(doc, target)) is not None:
                return section
        return None

    def section_text(self, target: str, doc_id: str | None = None) -> str | None:
        section = self.section(target, doc_id)
        return render_section(section) if section is not None else None
