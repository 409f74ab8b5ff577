"""Dense vector index: FAISS with stable int64 ids (the catalog's chunk ids), persisted explicitly."""
from __future__ import annotations

import json
from pathlib import Path

import faiss
import numpy as np

from index.atomic import atomic_write

# Exact inner-product search is fast enough below this size on 2 cores; HNSW beyond it.
HNSW_THRESHOLD = 200_000


def _new_index(dim: int, kind: str) -> faiss.Index:
    if kind == "hnsw":
        base = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        base.hnsw.efConstruction = 80
        base.hnsw.efSearch = 96
    else:
        base = faiss.IndexFlatIP(dim)
    return faiss.IndexIDMap2(base)


class DenseIndex:
    """Cosine similarity over L2-normalised vectors, keyed by chunk id."""

    def __init__(self, dim: int, kind: str = "flat"):
        self.dim = dim
        self.kind = kind
        self.index = _new_index(dim, kind)
        self.generation = -1

    @classmethod
    def kind_for(cls, count: int) -> str:
        return "hnsw" if count >= HNSW_THRESHOLD else "flat"

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))

    def remove(self, ids) -> None:
        ids = np.asarray(list(ids), dtype=np.int64)
        if len(ids) == 0:
            return
        if self.kind == "hnsw":
            # HNSW cannot delete; rebuild without the removed vectors.
            keep = np.setdiff1d(faiss.vector_to_array(self.index.id_map), ids)
            vectors = np.vstack([self.index.reconstruct(int(i)) for i in keep]) if len(keep) else None
            self.index = _new_index(self.dim, self.kind)
            if vectors is not None:
                self.add(keep, vectors)
        else:
            self.index.remove_ids(faiss.IDSelectorBatch(ids))

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top ``k`` (chunk id, cosine) pairs; ``allowed`` restricts the search itself, not its output."""
        if self.size == 0 or k <= 0:
            return []
        params = None
        if allowed is not None:
            if len(allowed) == 0:
                return []
            params = faiss.SearchParametersHNSW(sel=faiss.IDSelectorBatch(allowed)) if self.kind == "hnsw" \
                else faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))
        scores, ids = self.index.search(query.reshape(1, -1).astype(np.float32), min(k, self.size), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def save(self, path: Path, generation: int) -> None:
        atomic_write(path, lambda tmp: faiss.write_index(self.index, tmp))
        info = {"generation": generation, "kind": self.kind, "dim": self.dim, "count": self.size}
        atomic_write(path.with_suffix(".json"), lambda tmp: Path(tmp).write_text(json.dumps(info)))
        self.generation = generation

    @classmethod
    def load(cls, path: Path) -> "DenseIndex | None":
        """The saved index, or None when absent or unreadable (the caller rebuilds it)."""
        info_path = path.with_suffix(".json")
        if not path.exists() or not info_path.exists():
            return None
        try:
            info = json.loads(info_path.read_text())
            index = faiss.read_index(str(path))
        except (OSError, ValueError, RuntimeError):
            return None
        dense = cls(info["dim"], info["kind"])
        dense.index = index
        dense.generation = int(info["generation"])
        return dense
