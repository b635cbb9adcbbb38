"""Vector stores on this machine: build, load and query times of FAISS flat, FAISS HNSW and Qdrant local.

How to run (about 5 minutes on 2 cores, most of it Qdrant local writing 44,100 points)::

    python -m eval.vector_store_bench --index-dir /tmp/idx/vstore

Datasets: the live build's vectors (``embeddings.npy``: the shipped plan, 441 chunks) and a synthetic
corpus of ``--copies`` noisy copies of them (Gaussian noise ``--noise`` per dimension, renormalized:
44,100 vectors by default). Queries: normalized mixes of two stored vectors plus noise.

Columns: build s (index and write into a fresh build directory through ``index.vector_store``),
load s (open it again), warm query p50/p95 ms (top 10, one query at a time; the stores take turns
query by query, so outside load slows them alike), the same with a 篇 filter (the row mask of
``--part``), and recall@10 against FAISS flat (exact). A Qdrant server is not measured here.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from eval.bench import machine
from eval.metrics import percentile
from index.store import current_build
from index.vector_store import StoreSpec, VectorStore, build_store, load_store

K = 10
STORES = {  # name: (spec, hnsw_threshold)
    "faiss flat": (StoreSpec("faiss"), 1 << 62),
    "faiss hnsw": (StoreSpec("faiss"), 0),
    "qdrant local": (StoreSpec("qdrant"), 0),
}


def unit_rows(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def bench_dataset(
    vectors: np.ndarray, ids: list[str], mask: np.ndarray, queries: np.ndarray, filtered: int
) -> dict[str, dict[str, float]]:
    """Every store over ``vectors``: build/load seconds, latencies (ms), recall@K against FAISS flat."""
    rows: dict[str, dict[str, float]] = {}
    stores: dict[str, VectorStore] = {}
    with tempfile.TemporaryDirectory(prefix="planqa-vsbench-") as scratch:
        for name, (spec, threshold) in STORES.items():
            directory = Path(scratch) / name.replace(" ", "-")
            directory.mkdir()
            started = time.perf_counter()
            build_store(spec, vectors, ids, directory, "bench", threshold).close()
            built = time.perf_counter()
            stores[name] = load_store(spec, directory, ids)
            rows[name] = {"build_s": built - started, "load_s": time.perf_counter() - built}
        latencies: dict[tuple[str, bool], list[float]] = {(n, f): [] for n in STORES for f in (False, True)}
        results: dict[str, list[list[str]]] = {n: [] for n in STORES}
        for i, query in enumerate(queries):
            for use_mask in (False, True) if i < filtered else (False,):
                for name, store in stores.items():
                    started = time.perf_counter()
                    hits = store.search(query, K, mask if use_mask else None)
                    latencies[name, use_mask].append((time.perf_counter() - started) * 1000)
                    if not use_mask:
                        results[name].append([h.chunk_id for h in hits])
        for store in stores.values():
            store.close()
    for name in STORES:
        rows[name].update({
            "p50_ms": percentile(latencies[name, False], 50), "p95_ms": percentile(latencies[name, False], 95),
            "filtered_p50_ms": percentile(latencies[name, True], 50),
            "filtered_p95_ms": percentile(latencies[name, True], 95),
            "recall_at_10": float(np.mean([
                len(set(got) & set(exact)) / len(exact)
                for got, exact in zip(results[name], results["faiss flat"], strict=True)
            ])),
        })
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eval.vector_store_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--index-dir", required=True, help="a planqa index root (its live build's vectors)")
    parser.add_argument("--copies", type=int, default=100, help="noisy copies in the synthetic corpus")
    parser.add_argument("--noise", type=float, default=0.01, help="Gaussian noise per dimension of a copy")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--filtered-queries", type=int, default=20, help="how many queries also run filtered")
    parser.add_argument("--part", default="第四篇", help="the 篇 of the filtered queries")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="Local mode is not recommended")  # said in the footer below

    build = current_build(Path(args.index_dir))
    if build is None:
        parser.error(f"no index in {args.index_dir}")
    vectors = np.load(build / "embeddings.npy")
    chunks = [json.loads(line) for line in (build / "chunks.jsonl").open(encoding="utf-8")]
    ids = [c["chunk_id"] for c in chunks]
    mask = np.array([bool(c["path"]) and c["path"][0].startswith(args.part) for c in chunks])
    rng = np.random.default_rng(0)
    pairs = rng.integers(0, len(vectors), size=(args.queries, 2))
    queries = unit_rows(vectors[pairs[:, 0]] + 0.5 * vectors[pairs[:, 1]]
                        + rng.normal(scale=args.noise, size=(args.queries, vectors.shape[1])))
    synthetic = unit_rows(np.tile(vectors, (args.copies, 1)) + rng.normal(scale=args.noise, size=(
        args.copies * len(vectors), vectors.shape[1])))
    synthetic_ids = [f"{cid}~{copy}" for copy in range(args.copies) for cid in ids]

    load = os.getloadavg()[0]
    datasets = {
        f"real ({len(vectors)})": bench_dataset(vectors, ids, mask, queries, args.filtered_queries),
        f"synthetic ({len(synthetic)})": bench_dataset(
            synthetic, synthetic_ids, np.tile(mask, args.copies), queries, args.filtered_queries),
    }
    print(f"machine: {machine()} · load average {load:.1f} at start")
    print(f"queries: {args.queries} (top {K}), {args.filtered_queries} of them also filtered to {args.part} "
          f"({mask.mean():.0%} of rows); dimension {vectors.shape[1]}\n")
    print("| vectors | store | build s | load s | p50 ms | p95 ms | filtered p50 ms | filtered p95 ms | recall@10 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for dataset, rows in datasets.items():
        for name, row in rows.items():
            print(f"| {dataset} | {name} | {row['build_s']:.2f} | {row['load_s']:.2f} | {row['p50_ms']:.2f} | "
                  f"{row['p95_ms']:.2f} | {row['filtered_p50_ms']:.2f} | {row['filtered_p95_ms']:.2f} | "
                  f"{row['recall_at_10']:.3f} |")
    print("\nQdrant local mode is exact brute force in Python/numpy and persists point by point to SQLite; "
          "qdrant-client itself warns against it above 20,000 points. A Qdrant server is not measured here.")


if __name__ == "__main__":
    main()
