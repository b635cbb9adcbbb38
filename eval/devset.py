"""The development set: real documents other than the shipped plan, questions over them, and which
documents are held out from fitting.

- ``eval/data/dev-corpus/``: 52 national government work reports (1954–2025, .txt) and 16
  provincial 2025 reports (.docx), public documents copied into the project;
- ``eval/data/dev/*.jsonl`` (but conversations.jsonl): questions over them (Q&A format plus ``doc``,
  ``region`` and ``doc_kind``): ``qa.jsonl`` over the reports, ``ezhou.jsonl`` over the shipped plan,
  ``plans-2026.jsonl`` over the 2026 outlines and reports;
- ``split.json`` and ``<name>.split.json`` beside them: the documents held out from ``planqa fit``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from corpus import SUPPORTED_SUFFIXES, PlanDocument, PlanqaError, load_shipped_plan
from corpus.documents import read_document

DATA = Path(__file__).resolve().parent / "data"
DEV_QA = DATA / "dev" / "qa.jsonl"
DEV_CORPUS = DATA / "dev-corpus"
SPLIT_SUFFIX = ".split.json"


def corpus_files(directory: Path) -> list[Path]:
    """Every supported document file under ``directory`` (sorted; README.md files are the corpus's own notes)."""
    files = sorted(p for p in Path(directory).rglob("*")
                   if p.suffix.lower() in SUPPORTED_SUFFIXES and p.name.lower() != "readme.md")
    if not files:
        raise PlanqaError(f"语料为空 / no documents ({', '.join(SUPPORTED_SUFFIXES)}) under {directory}")
    return files


def corpus_documents(directory: Path, with_shipped: bool = True) -> list[PlanDocument]:
    """The shipped plan and every document file under ``directory``, with the metadata `planqa add` guesses."""
    return [*([load_shipped_plan()] if with_shipped else []), *(read_document(p) for p in corpus_files(directory))]


def split_path(qa_path: Path) -> Path:
    """Where a Q&A file's held-out split lives: ``split.json`` beside ``qa.jsonl``."""
    return qa_path.with_name("split.json") if qa_path.name == "qa.jsonl" else qa_path.with_suffix(SPLIT_SUFFIX)


def dev_sets(directory: Path = DEV_QA.parent) -> list[Path]:
    """The development Q&A files (every .jsonl of the folder but the conversation set), sorted."""
    return sorted(p for p in directory.glob("*.jsonl") if p.name != "conversations.jsonl")


Library = Literal["shipped", "dev-corpus"]


def library_of(qa_path: Path) -> Library:
    """The library a development Q&A file is asked over (eval/data/dev/sets.json): the shipped plan alone
    or the development corpus."""
    sets = Path(qa_path).with_name("sets.json")
    libraries = json.loads(sets.read_text(encoding="utf-8"))["libraries"] if sets.exists() else {}
    return "shipped" if libraries.get(Path(qa_path).name) == "shipped" else "dev-corpus"


def dev_held_out(directory: Path = DEV_QA.parent) -> frozenset[str]:
    """The documents held out from fitting by any development set."""
    return frozenset().union(*(held_out(p) for p in dev_sets(directory)))


def held_out(qa_path: Path) -> frozenset[str]:
    """The documents held out from fitting for ``qa_path`` (empty when it has no split file)."""
    path = split_path(Path(qa_path))
    if not path.exists():
        return frozenset()
    return frozenset(json.loads(path.read_text(encoding="utf-8"))["held_out"])
