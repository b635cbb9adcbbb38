"""The one policy for an index on disk: use it when it is fresh, rebuild it when it is missing or stale.

Used by `planqa index build`, by ``PlanQA.load`` and by the UI's library actions, so that "fresh or
rebuild" is decided in one place. A damaged index is rebuilt only when asked (``rebuild="force"``):
a silent rebuild would hide that something broke.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from corpus import PlanDocument
from corpus.library import LibraryEntry
from index.embedders import Embedder
from index.store import (
    IndexError_,
    IndexNotBuilt,
    IndexSpec,
    IndexStale,
    StoredIndex,
    build_index,
    load_index,
    read_manifest,
)

Rebuild = Literal["auto", "never", "force"]


@dataclass(frozen=True)
class Opened:
    """A loaded index, and why it was (re)built, if it was ("" when the stored one was fresh)."""

    index: StoredIndex
    rebuilt: str = ""


def library_lag(manifest: dict, entries: Sequence[LibraryEntry | PlanDocument]) -> dict[str, list[str]]:
    """How the index (its manifest) lags behind the library's ``entries`` (or the documents given): the
    documents it has not indexed yet, those whose bytes changed since, and those it holds that the
    library no longer has (all empty when it is current)."""
    indexed = {doc_id: info.get("sha256") for doc_id, info in manifest.get("documents", {}).items()}
    listed = {entry.meta.doc_id: entry.sha256 for entry in entries}
    return {
        "not_indexed": [doc_id for doc_id in listed if doc_id not in indexed],
        "changed": [doc_id for doc_id, sha in listed.items() if doc_id in indexed and indexed[doc_id] != sha],
        "not_in_library": [doc_id for doc_id in indexed if doc_id not in listed],
    }


def describe_lag(lag: dict[str, list[str]]) -> str:
    """One line for a lag that is not empty; "" when the index is current."""
    labels = {"not_indexed": "not indexed yet", "changed": "changed since indexed",
              "not_in_library": "indexed but no longer in the library"}
    parts = [f"{labels[kind]}: {', '.join(ids)}" for kind, ids in lag.items() if ids]
    if not parts:
        return ""
    return ("索引落后于文档库 / the index is behind the library (" + "; ".join(parts) + "): `planqa index build`, "
            "or the next `planqa ask`/`serve`, brings it up to date")


def staleness(root: Path, docs: Sequence[PlanDocument], embedder: Embedder) -> tuple[StoredIndex | None, str]:
    """The stored index when it is fresh, else (None, why it must be built). IndexCorrupt propagates."""
    try:
        stored = load_index(root)
    except IndexNotBuilt:
        return None, "索引不存在 / no index yet"
    except IndexStale as exc:
        return None, str(exc)
    if diffs := IndexSpec.for_documents(docs, embedder).differences(stored.spec):
        return None, "索引已过期 / the index is stale: " + "; ".join(diffs)
    return stored, ""


def _dropped_documents(root: Path, docs: Sequence[PlanDocument]) -> list[str]:
    """The documents the stored index holds that ``docs`` do not (empty when there is no readable index)."""
    try:
        return library_lag(read_manifest(root), docs)["not_in_library"]
    except IndexError_:
        return []


def open_index(root: Path, docs: Sequence[PlanDocument], embedder: Embedder, rebuild: Rebuild = "auto",
               progress: bool = True) -> Opened:
    """The index of ``docs`` under ``root``, built first when missing, stale or ``rebuild="force"``.

    ``rebuild="never"`` raises IndexError_ instead of building. A rebuild embeds only passages whose
    text is new (vectors of the previous build are reused); ``"force"`` embeds everything again.
    """
    reason = "重建 / rebuild forced" if rebuild == "force" else ""
    if not reason:
        stored, reason = staleness(root, docs, embedder)
        if stored is not None:
            return Opened(stored)
    if rebuild == "never":
        raise IndexError_(f"{reason}; build it with `planqa index build`")
    if dropped := _dropped_documents(root, docs):
        shown = ", ".join(dropped[:5]) + (f" … (+{len(dropped) - 5})" if len(dropped) > 5 else "")
        reason += (f"; 将移除 {len(dropped)} 份已索引文档 / drops {len(dropped)} indexed document(s) not given now "
                   f"({shown}): the build it replaces is kept, and its vectors are reused if they are given again")
    if progress:
        print(f"planqa: {reason}: building {root}", file=sys.stderr)
    build_index(root, docs, embedder, progress=progress, reuse_vectors=rebuild != "force")
    return Opened(load_index(root), reason)
