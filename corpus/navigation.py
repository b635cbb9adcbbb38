"""Finding and rendering parts of a parsed plan: the table of contents and one section."""

from __future__ import annotations

import re

from corpus.numerals import int_to_cn
from corpus.records import PATH_SEP, PlanDocument, Section

_INDENT = {"篇": 0, "章": 1, "节": 2, "专栏": 3, "表": 3}
_ARABIC_HEADING = re.compile(r"第\s*(\d+)\s*([篇章节])")


def block_count(section: Section) -> int:
    return sum(1 for _ in section.all_blocks())


def render_toc(doc: PlanDocument) -> str:
    """The recovered table of contents, one heading a line with its block count and id."""
    lines = [f"《{doc.meta.title}》"]
    for section in doc.sections():
        assert section.heading is not None
        indent = "  " * _INDENT[section.heading.level]
        lines.append(f"{indent}{section.heading.label}  ({block_count(section)}段) [{section.section_id}]")
    return "\n".join(lines)


def normalize_heading_query(query: str) -> str:
    """第13章 → 第十三章 and full-width spaces folded, so users may type either form."""
    query = query.replace("\u3000", " ").replace(">", PATH_SEP.strip())
    return _ARABIC_HEADING.sub(lambda m: f"第{int_to_cn(int(m.group(1)))}{m.group(2)}", query)


def find_section(doc: PlanDocument, query: str) -> Section | None:
    """A section by id (``c13.s1``, ``box4-6``), by block id, or by heading text.

    Heading text may be a path with ``›`` between levels (「第十三章 › 第一节」) or a
    fragment of one heading (「专栏4-6」, 「数字鄂州」); the shallowest match wins.
    """
    query = query.strip()
    if not query:
        return None
    sections = list(doc.root.walk())
    for section in sections:
        if section.section_id == query:
            return section
    block_id = query.split(":", 1)[-1].split("#", 1)[0]
    for section in sections:
        if any(b.block_id == block_id for b in section.blocks):
            return section
    parts = [p.strip() for p in normalize_heading_query(query).split(PATH_SEP.strip()) if p.strip()]
    matches = [s for s in sections if s.heading is not None and _path_matches(s.path, parts)]
    return min(matches, key=lambda s: len(s.path), default=None)


def _path_matches(path: tuple[str, ...], parts: list[str]) -> bool:
    """Every part matches a heading of ``path``, in order, the last part the last heading."""
    if not parts or parts[-1] not in path[-1]:
        return False
    k = 0
    for heading in path:
        if k < len(parts) and parts[k] in heading:
            k += 1
    return k == len(parts)


def render_section(section: Section) -> str:
    """A section and everything below it as plain text, headings included."""
    lines: list[str] = [PATH_SEP.join(section.path)] if section.path else []
    for node in section.walk():
        if node is not section and node.heading is not None:
            lines.append("")
            lines.append(node.heading.label)
        lines.extend(block.text for block in node.blocks)
    return "\n".join(lines)
