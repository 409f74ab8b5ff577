"""Dense vector index: FAISS with stable int64 ids (the catalog's chunk ids), persisted explicitly.

Two kinds, chosen by size (:meth:`DenseIndex.kind_for`) and recorded with the saved index:

- ``flat``: exact inner product (``IndexIDMap2`` over ``IndexFlatIP``); fast enough on 2 cores up to
  a few hundred thousand chunks.
- ``ivfpq``: an inverted file of product-quantised vectors (``IndexIVFPQ``, about 4 * sqrt(n) lists,
  96 one-byte codes a vector: 96 bytes instead of 1,536 for 384 dimensions), probing ``nprobe`` lists
  per query. Its best ``rerank`` candidates are scored again exactly from the vectors the catalog stores
  (``vectors``), so the compression costs memory, not ranking. It supports removal by id, so replacing
  a document stays incremental at any size.

A filtered search (``allowed`` ids) is exact on both kinds: the flat index applies the selector
during its scan; the IVF-PQ index scores a small allowed set exactly from the stored vectors (a
selector inside probed lists could return fewer than ``k`` allowed chunks), a large one by probing.

Example:
    >>> dense = DenseIndex.build(384, catalog.iter_vectors(), catalog.count_chunks(),
    ...                          vectors=catalog.vectors_of)  # doctest: +SKIP
    >>> dense.search(query_vector, k=10)  # doctest: +SKIP
    [(1042, 0.87), ...]
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

from index.atomic import atomic_write, file_sha256

# Exact search stays under ~20 ms per query on one core below this size; an IVF-PQ index beyond it.
IVF_THRESHOLD = 200_000
# Filtered IVF searches over at most this many allowed chunks are scored exactly.
EXACT_FILTER_MAX = 50_000
KINDS = ("flat", "ivfpq")
PQ_CODE_BYTES = 96  # sub-quantisers of 8 bits, one byte each: 48 lost recall (eval/bench_retrieval.py speed)
# Candidates of the compressed index scored again exactly (eval/bench_retrieval.py speed measures recall).
DEFAULT_RERANK = 200
TRAIN_POINTS_PER_LIST = 40  # k-means wants at least 39; more only slows the build

VectorSource = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
"""Chunk ids -> (ids found, their exact vectors): :meth:`index.catalog.Catalog.vectors_of`."""


def _lists_for(count: int) -> int:
    return max(1, int(4 * math.sqrt(max(count, 1))))


def _code_bytes(dim: int) -> int:
    """Sub-quantisers for ``dim``: the most up to :data:`PQ_CODE_BYTES` that divide it."""
    return max(m for m in range(1, min(PQ_CODE_BYTES, dim) + 1) if dim % m == 0)


@contextmanager
def _threads(count: int):
    """Run FAISS calls of this thread on ``count`` OpenMP threads (0: unchanged).

    One query gains nothing from threads, and on a busy 2-core machine FAISS's spinning workers made
    an exact search over 100k vectors take 126 ms instead of 36 ms single-threaded. OpenMP's thread
    count is per calling thread, so index builds elsewhere keep every core.
    """
    if not count:
        yield
        return
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(count)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)


class DenseIndex:
    """Cosine similarity over L2-normalised vectors, keyed by chunk id.

    Args:
        dim: vector dimension.
        kind: ``"flat"`` or ``"ivfpq"``; an IVF-PQ index must be :meth:`train`-ed before vectors are added
            (:meth:`build` does both).
        nprobe: IVF lists probed per query (ignored by the flat kind).
        search_threads: OpenMP threads for one search (0: FAISS's default, all cores).
        vectors: where the exact vectors of chunks are read (the catalog); the IVF-PQ kind re-ranks its
            candidates with them and scores small filtered searches with them. Without it, IVF-PQ ranks by
            its compressed codes alone.
        rerank: IVF-PQ candidates re-ranked exactly (at least ``k``).
    """

    def __init__(self, dim: int, kind: str = "flat", nprobe: int = 64, search_threads: int = 1,
                 vectors: VectorSource | None = None, rerank: int = DEFAULT_RERANK):
        if kind not in KINDS:
            raise ValueError(f"unknown dense index kind {kind!r}; expected one of {KINDS}")
        self.dim = dim
        self.kind = kind
        self.nprobe = nprobe
        self.search_threads = search_threads
        self.vectors = vectors
        self.rerank = rerank
        self.generation = -1
        self.index: faiss.Index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim)) if kind == "flat" else None

    @classmethod
    def kind_for(cls, count: int) -> str:
        """The kind an index of ``count`` vectors should be."""
        return "ivfpq" if count >= IVF_THRESHOLD else "flat"

    @classmethod
    def build(cls, dim: int, batches, count: int, kind: str | None = None, nprobe: int = 64,
              vectors: VectorSource | None = None, rerank: int = DEFAULT_RERANK) -> DenseIndex:
        """An index over ``batches`` of (ids, vectors) holding ``count`` vectors in all.

        The kind follows :meth:`kind_for` unless given. An IVF-PQ index is trained on the first batches
        (40 vectors a list, in chunk order) before any vector is added, then filled batch by batch, so a
        build never holds every vector in memory.
        """
        kind = kind or cls.kind_for(count)
        dense = cls(dim, kind, nprobe, vectors=vectors, rerank=rerank)
        if kind == "flat":
            for ids, batch in batches:
                dense.add(ids, batch)
            return dense
        parts = iter(batches)
        # The first batches up to the training sample's size train; they are added with the rest.
        head, held = [], 0
        wanted = TRAIN_POINTS_PER_LIST * _lists_for(count)
        for ids, batch in parts:
            head.append((ids, batch))
            held += len(ids)
            if held >= wanted:
                break
        sample = np.vstack([b for _, b in head]) if head else np.zeros((0, dim), np.float32)
        dense.train(sample, count)
        for ids, batch in head:
            dense.add(ids, batch)
        for ids, batch in parts:
            dense.add(ids, batch)
        return dense

    def train(self, sample: np.ndarray, count: int | None = None) -> None:
        """Create the IVF lists and PQ codebooks from ``sample`` for an index of ``count`` vectors (default: the
        sample's size); a no-op for the flat kind."""
        if self.kind == "flat":
            return
        sample = np.ascontiguousarray(sample, dtype=np.float32)
        # k-means wants >= 39 points per list, and the PQ codebooks 256 points per code.
        nlist = max(1, min(_lists_for(count or len(sample)), len(sample) // TRAIN_POINTS_PER_LIST))
        bits = 8 if len(sample) >= 39 * 256 else max(1, min(8, int(math.log2(max(len(sample) // 39, 2)))))
        index = faiss.IndexIVFPQ(faiss.IndexFlatIP(self.dim), self.dim, nlist, _code_bytes(self.dim), bits,
                                 faiss.METRIC_INNER_PRODUCT)
        index.train(sample)
        index.set_direct_map_type(faiss.DirectMap.Hashtable)  # remove by chunk id
        self.index = index

    @property
    def size(self) -> int:
        return int(self.index.ntotal) if self.index is not None else 0

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))

    def remove(self, ids) -> None:
        ids = np.ascontiguousarray(np.asarray(list(ids), dtype=np.int64))
        if len(ids) == 0:
            return
        if self.kind == "ivfpq":
            # The hashtable direct map only removes ids given as an array selector.
            self.index.remove_ids(faiss.IDSelectorArray(len(ids), faiss.swig_ptr(ids)))
        else:
            self.index.remove_ids(faiss.IDSelectorBatch(ids))

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top ``k`` (chunk id, cosine) pairs; ``allowed`` restricts the search itself, not its output."""
        if self.size == 0 or k <= 0:
            return []
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if allowed is not None:
            if len(allowed) == 0:
                return []
            if self.kind == "ivfpq" and self.vectors is not None and len(allowed) <= EXACT_FILTER_MAX:
                return self._exact(query[0], np.asarray(allowed, dtype=np.int64), k)
        params = self._params(allowed)
        reranked = self.kind == "ivfpq" and self.vectors is not None
        with _threads(self.search_threads):
            scores, ids = self.index.search(query, min(max(k, self.rerank) if reranked else k, self.size),
                                            params=params)
        found = ids[0][ids[0] >= 0]
        if reranked:
            return self._exact(query[0], found, k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def _params(self, allowed: np.ndarray | None):
        sel = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)) if allowed is not None else None
        if self.kind == "ivfpq":
            return faiss.SearchParametersIVF(nprobe=self.nprobe, sel=sel)
        return faiss.SearchParameters(sel=sel) if sel is not None else None

    def _exact(self, query: np.ndarray, candidates: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The top ``k`` of ``candidates`` by their exact vectors."""
        ids, vectors = self.vectors(candidates)
        if len(ids) == 0:
            return []
        scores = vectors @ query
        top = np.argsort(-scores, kind="stable")[:k]
        return [(int(ids[i]), float(scores[i])) for i in top]

    # -- persistence -------------------------------------------------------------------------
    def save(self, path: Path, generation: int) -> None:
        """Write the index, then its description with the file's checksum; a crash between the two leaves a
        stale (rebuilt) cache."""
        atomic_write(path, lambda tmp: faiss.write_index(self.index, tmp))
        info = {"generation": generation, "kind": self.kind, "dim": self.dim, "count": self.size,
                "nprobe": self.nprobe, "sha256": file_sha256(path)}
        atomic_write(path.with_suffix(".json"), lambda tmp: Path(tmp).write_text(json.dumps(info)))
        self.generation = generation

    @classmethod
    def load(cls, path: Path, vectors: VectorSource | None = None,
             rerank: int = DEFAULT_RERANK) -> DenseIndex | None:
        """The saved index, or None when absent, unreadable or inconsistent (the caller rebuilds it)."""
        info_path = path.with_suffix(".json")
        if not path.exists() or not info_path.exists():
            return None
        try:
            info = json.loads(info_path.read_text())
            # Flipped bytes can leave a file FAISS reads without complaint, with other vectors in it.
            if info.get("kind") not in KINDS or info.get("sha256") != file_sha256(path):
                return None
            index = faiss.read_index(str(path))
        except (OSError, ValueError, RuntimeError):
            return None
        if int(index.ntotal) != int(info.get("count", -1)) or int(index.d) != int(info["dim"]):
            return None
        dense = cls(info["dim"], info["kind"], int(info.get("nprobe", 64)), vectors=vectors, rerank=rerank)
        dense.index = index
        dense.generation = int(info["generation"])
        return dense
