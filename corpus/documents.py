"""Loading a plan file (and its metadata sidecar) into a parsed PlanDocument."""

from __future__ import annotations

import json
from pathlib import Path

from corpus.errors import CorpusError
from corpus.limits import TextBudget
from corpus.loaders import load_lines
from corpus.metadata import guess_meta
from corpus.parser import parse_lines
from corpus.records import DocumentMeta, PlanDocument

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_PLAN = DATA_DIR / "ezhou-14th-five-year-plan.txt"


def read_meta(path: Path) -> DocumentMeta:
    """Metadata from ``<stem>.meta.json`` beside the file, else the file name as title."""
    sidecar = path.with_name(path.stem + ".meta.json")
    fields: dict[str, str] = {}
    if sidecar.exists():
        try:
            fields = json.loads(sidecar.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CorpusError(f"元数据文件损坏 / bad metadata file {sidecar}: {exc}") from exc
    return DocumentMeta(
        doc_id=path.stem,
        title=str(fields.get("title") or path.stem),
        region=str(fields.get("region", "")),
        period=str(fields.get("period", "")),
        source=path.name,
        english_names=tuple(sorted(dict(fields.get("english_names") or {}).items())),
    )


def load_document(path: str | Path, meta: DocumentMeta | None = None) -> PlanDocument:
    """Read and parse one plan file.

    >>> doc = load_document(SHIPPED_PLAN)
    >>> doc.meta.region, len([s for s in doc.sections() if s.heading.level == "篇"])
    ('鄂州市', 10)

    Raises CorpusError with a readable message for a missing, empty, binary or
    unsupported file.
    """
    path = Path(path)
    lines, sha256 = load_lines(path)
    return parse_lines(lines, meta or read_meta(path), sha256)


def read_document(
    path: str | Path, *, title: str | None = None, region: str | None = None, period: str | None = None,
    doc_id: str | None = None, budget: TextBudget | None = None,
) -> PlanDocument:
    """Read and parse a file someone brings: its metadata as given, else as its opening lines say
    (see corpus.metadata); the file is read once. ``budget``: see corpus.limits."""
    path = Path(path)
    lines, sha256 = load_lines(path, budget)
    meta = guess_meta(path, lines, title=title, region=region, period=period, doc_id=doc_id)
    return parse_lines(lines, meta, sha256)


def load_shipped_plan() -> PlanDocument:
    """The Ezhou 14th Five-Year Plan outline that ships with planqa."""
    if not SHIPPED_PLAN.exists():
        raise CorpusError(f"内置规划文件缺失 / the shipped plan is missing: {SHIPPED_PLAN}")
    return load_document(SHIPPED_PLAN)
