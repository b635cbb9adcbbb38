"""Chunking the shipped plan: sizes, section boundaries, coverage, footnotes."""

from __future__ import annotations

from collections import defaultdict

import pytest

from corpus import chunk_document
from corpus.chunker import DEFAULT_MAX_CHARS, split_sentences


def test_split_sentences_keeps_every_character():
    text = "到2025年，建设5G基站5000个。实现全覆盖；“双千兆”。尾巴"
    assert split_sentences(text) == ["到2025年，建设5G基站5000个。", "实现全覆盖；", "“双千兆”。", "尾巴"]


def test_chunks_respect_size_and_kind(chunks):
    assert 300 < len(chunks) < 1500
    assert max(len(c.text) for c in chunks) <= DEFAULT_MAX_CHARS
    assert all(c.text.strip() for c in chunks)
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    rows = [c for c in chunks if c.kind == "table_row"]
    entries = [c for c in chunks if c.kind == "box_entry"]
    assert len(rows) == 19
    assert len(entries) >= 100


def test_no_chunk_crosses_a_section(plan, chunks):
    by_block = {b.block_id: b for b in plan.blocks()}
    for chunk in chunks:
        [block_id] = chunk.block_ids
        assert by_block[block_id].path == chunk.path


def test_every_character_of_body_text_in_exactly_one_chunk(plan, chunks):
    pieces = defaultdict(list)
    for chunk in chunks:
        pieces[chunk.block_ids[0]].append(chunk.text)
    for block in plan.blocks():
        assert "".join(pieces[block.block_id]) == block.text, block.block_id


def test_long_paragraphs_end_at_sentence_boundaries(chunks):
    split = [c for c in chunks if "#" in c.chunk_id]
    assert split, "the plan has paragraphs longer than the maximum"
    ends = sum(c.text.endswith(("。", "；", "！", "？", "”")) for c in split)
    assert ends / len(split) > 0.9


def test_footnote_text_travels_with_its_chunk(chunks):
    [chunk] = [c for c in chunks if "三区三线" in c.text and c.footnotes]
    assert "永久基本农田红线" in chunk.footnotes[0]
    assert "永久基本农田红线" in chunk.search_text()
    assert chunk.search_text().startswith("第二篇")


def test_target_size_is_configurable(plan):
    small = chunk_document(plan, target_chars=120, max_chars=200)
    assert max(len(c.text) for c in small) <= 200
    assert len(small) > len(chunk_document(plan))
    with pytest.raises(ValueError):
        chunk_document(plan, target_chars=300, max_chars=100)
