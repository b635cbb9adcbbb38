"""Corpus layer: load plan documents, parse them into a 篇/章/节/专栏 tree, and chunk them."""

from corpus.chunker import CHUNKER_VERSION, chunk_document
from corpus.documents import SHIPPED_PLAN, load_document, load_shipped_plan
from corpus.errors import CorpusError, PlanqaError
from corpus.loaders import SUPPORTED_SUFFIXES
from corpus.records import PATH_SEP, Block, Chunk, DocumentMeta, Heading, PlanDocument, Section

__all__ = [
    "CHUNKER_VERSION",
    "PATH_SEP",
    "SHIPPED_PLAN",
    "SUPPORTED_SUFFIXES",
    "Block",
    "Chunk",
    "CorpusError",
    "DocumentMeta",
    "Heading",
    "PlanDocument",
    "PlanqaError",
    "Section",
    "chunk_document",
    "load_document",
    "load_shipped_plan",
]
