"""Dense vector index: FAISS with stable int64 ids (the catalog's chunk ids), persisted explicitly.

Two kinds, chosen by size (:meth:`DenseIndex.kind_for`) and recorded with the saved index:

- ``flat``: exact inner product (``IndexIDMap2`` over ``IndexFlatIP``); fast enough on 2 cores up to
  a few hundred thousand chunks.
- ``ivf``: an inverted file (``IndexIVFFlat``, about 4 * sqrt(n) lists, trained on the vectors it is
  built from), probing ``nprobe`` lists per query. It supports removal by id, so replacing a
  document stays incremental at any size.

A filtered search (``allowed`` ids) is exact on both kinds: the flat index applies the selector
during its scan; the IVF index scores a small allowed set exactly from reconstructed vectors (a
selector inside probed lists could return fewer than ``k`` allowed chunks), a large one by probing.
"""
from __future__ import annotations

import json
import math
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

from index.atomic import atomic_write, file_sha256

# Exact search stays under ~20 ms per query on one core below this size; an IVF index beyond it.
IVF_THRESHOLD = 200_000
# Filtered IVF searches over at most this many allowed chunks are scored exactly.
EXACT_FILTER_MAX = 50_000
KINDS = ("flat", "ivf")


def _lists_for(count: int) -> int:
    return max(1, int(4 * math.sqrt(max(count, 1))))


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
        kind: ``"flat"`` or ``"ivf"``; an IVF index must be :meth:`train`-ed before vectors are added
            (:meth:`build` does both).
        nprobe: IVF lists probed per query (ignored by the flat kind).
        search_threads: OpenMP threads for one search (0: FAISS's default, all cores).
    """

    def __init__(self, dim: int, kind: str = "flat", nprobe: int = 64, search_threads: int = 1):
        if kind not in KINDS:
            raise ValueError(f"unknown dense index kind {kind!r}; expected one of {KINDS}")
        self.dim = dim
        self.kind = kind
        self.nprobe = nprobe
        self.search_threads = search_threads
        self.generation = -1
        self.index: faiss.Index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim)) if kind == "flat" else None

    @classmethod
    def kind_for(cls, count: int) -> str:
        """The kind an index of ``count`` vectors should be."""
        return "ivf" if count >= IVF_THRESHOLD else "flat"

    @classmethod
    def build(cls, dim: int, batches, count: int, kind: str | None = None, nprobe: int = 64) -> DenseIndex:
        """An index over ``batches`` of (ids, vectors) holding ``count`` vectors in all.

        The kind follows :meth:`kind_for` unless given. An IVF index is trained on an even sample of
        the vectors, so ``batches`` is consumed into memory first in that case.
        """
        kind = kind or cls.kind_for(count)
        dense = cls(dim, kind, nprobe)
        if kind == "flat":
            for ids, vectors in batches:
                dense.add(ids, vectors)
            return dense
        parts = list(batches)
        ids = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
        vectors = np.vstack([p[1] for p in parts]) if parts else np.zeros((0, dim), np.float32)
        dense.train(vectors)
        dense.add(ids, vectors)
        return dense

    def train(self, vectors: np.ndarray) -> None:
        """Create the IVF lists from (a sample of) ``vectors``; a no-op for the flat kind."""
        if self.kind == "flat":
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        nlist = min(_lists_for(len(vectors)), max(1, len(vectors) // 39))  # faiss wants >= 39 points per list
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(self.dim), self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = vectors[:: max(1, len(vectors) // (nlist * 64))]
        index.train(sample)
        index.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct and remove by chunk id
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
        if self.kind == "ivf":
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
            if self.kind == "ivf" and len(allowed) <= EXACT_FILTER_MAX:
                return self._exact(query[0], np.asarray(allowed, dtype=np.int64), k)
        params = self._params(allowed)
        with _threads(self.search_threads):
            scores, ids = self.index.search(query, min(k, self.size), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def _params(self, allowed: np.ndarray | None):
        sel = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)) if allowed is not None else None
        if self.kind == "ivf":
            return faiss.SearchParametersIVF(nprobe=self.nprobe, sel=sel)
        return faiss.SearchParameters(sel=sel) if sel is not None else None

    def _exact(self, query: np.ndarray, allowed: np.ndarray, k: int) -> list[tuple[int, float]]:
        with _threads(self.search_threads):
            vectors = self.index.reconstruct_batch(allowed)
        scores = vectors @ query
        top = np.argsort(-scores, kind="stable")[:k]
        return [(int(allowed[i]), float(scores[i])) for i in top]

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
    def load(cls, path: Path) -> DenseIndex | None:
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
        dense = cls(info["dim"], info["kind"], int(info.get("nprobe", 64)))
        dense.index = index
        dense.generation = int(info["generation"])
        return dense
