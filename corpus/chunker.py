"""Section-aware chunking: a chunk never crosses a block (so never a 节 or 章), and long
paragraphs are cut at sentence boundaries (。！？；), then at clause boundaries (，、：)."""

from __future__ import annotations

import re

from corpus.records import Block, Chunk, Footnote, PlanDocument

CHUNKER_VERSION = "5"  # 4: table rows carry their cells; 5: tables as published, "missing" blocks
DEFAULT_TARGET_CHARS = 300
DEFAULT_MAX_CHARS = 500

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])[”’」』）)]*")
_CLAUSE_END = re.compile(r"(?<=[，、：,:])")


def split_sentences(text: str) -> list[str]:
    """Split after 。！？； keeping punctuation and closing quotes; pieces join back to ``text``.

    >>> split_sentences("到2025年，建设5G基站5000个。实现全覆盖；“双千兆”。")
    ['到2025年，建设5G基站5000个。', '实现全覆盖；', '“双千兆”。']
    """
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if end > start:
            pieces.append(text[start:end])
            start = end
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _split_long(sentence: str, max_chars: int) -> list[str]:
    if len(sentence) <= max_chars:
        return [sentence]
    clauses = [c for c in _CLAUSE_END.split(sentence) if c]
    out: list[str] = []
    for clause in clauses:
        if out and len(out[-1]) + len(clause) <= max_chars:
            out[-1] += clause
        else:
            out.extend(clause[k : k + max_chars] for k in range(0, len(clause), max_chars))
    return out


def split_block_text(text: str, target_chars: int, max_chars: int) -> list[tuple[int, int]]:
    """Character spans covering ``text`` exactly, each at most ``max_chars`` long."""
    if len(text) <= max_chars:
        return [(0, len(text))]
    units = [u for s in split_sentences(text) for u in _split_long(s, max_chars)]
    spans: list[tuple[int, int]] = []
    start = end = 0
    for unit in units:
        if end > start and (end - start >= target_chars or end - start + len(unit) > max_chars):
            spans.append((start, end))
            start = end
        end += len(unit)
    spans.append((start, end))
    return spans


_QUOTED_TERM = re.compile(r"[“「]([^“”「」]{1,15})$")
_BARE_TERM = re.compile(r"[\u4e00-\u9fff0-9+]{2,4}$")  # 「…有序实施城市双修[注]」: the last few characters


def footnote_text(block: Block, footnote: Footnote) -> str:
    """「三区三线：三区为主体功能区……」: the footnote led by the term it explains."""
    before = block.text[: footnote.offset]
    match = _QUOTED_TERM.search(before) or _BARE_TERM.search(before)
    return f"{match.group(1) if match.groups() else match.group()}：{footnote.text}" if match else footnote.text


def chunk_block(block: Block, doc_id: str, target_chars: int, max_chars: int) -> list[Chunk]:
    """One chunk per span of a block; footnotes go to the chunk holding their reference mark."""
    spans = split_block_text(block.text, target_chars, max_chars)
    chunks = []
    for k, (start, end) in enumerate(spans):
        notes = tuple(
            footnote_text(block, f) for f in block.footnotes
            if start <= f.offset < end or (f.offset == end and end == len(block.text))
        )
        suffix = f"#{k + 1}" if len(spans) > 1 else ""
        chunks.append(Chunk(f"{doc_id}:{block.block_id}{suffix}", doc_id, block.path,
                            block.text[start:end], block.kind, (block.block_id,), notes, block.fields))
    return chunks


def chunk_document(
    doc: PlanDocument,
    target_chars: int = DEFAULT_TARGET_CHARS,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> list[Chunk]:
    """All chunks of a document in reading order.

    Paragraphs up to ``max_chars`` stay whole; longer ones are cut into pieces of about
    ``target_chars``. Every box entry, table row and missing table (an image's placeholder) is its own chunk.
    """
    if not 0 < target_chars <= max_chars:
        raise ValueError(f"need 0 < target_chars <= max_chars, got {target_chars}, {max_chars}")
    return [
        chunk
        for block in doc.blocks()
        for chunk in chunk_block(block, doc.meta.doc_id, target_chars, max_chars)
    ]
