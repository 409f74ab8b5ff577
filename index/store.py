"""NoticeStore: the on-disk store of one data directory (catalog + dense + lexical) behind one API.

Files in the data directory:
- ``catalog.sqlite3``: documents, chunks and vectors; the source of truth, written transactionally.
- ``dense.faiss`` / ``dense.json``: the FAISS index and the catalog generation it reflects.
- ``lexical.npz``: BM25 postings and the generation they reflect.
A cache whose generation differs from the catalog's is rebuilt from the catalog at open, so a
crash between a commit and a cache save loses nothing. Writers take an exclusive file lock.
"""
from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.catalog import Catalog, ChunkRecord, DocumentRecord
from index.dense import DenseIndex
from index.embedders import VectorEmbeddings
from index.lexical import LexicalIndex
from ingest.models import ParsedDocument


class StoreError(Exception):
    """The store cannot be used as configured (e.g. built with another embedding model)."""


@dataclass
class UpsertResult:
    doc_id: str
    status: str  # "added" | "replaced" | "unchanged"
    chunks: int
    embedded: int  # chunks that needed a new embedding


class NoticeStore:
    def __init__(self, data_dir: str | Path, embedder: VectorEmbeddings, check_embedder: bool = True):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder
        self.catalog = Catalog(self.data_dir / "catalog.sqlite3")
        self._dense_path = self.data_dir / "dense.faiss"
        self._lexical_path = self.data_dir / "lexical.npz"
        self._lock = threading.RLock()
        if check_embedder:
            self._check_embedder()
        self.dense: DenseIndex | None = None
        self.lexical: LexicalIndex | None = None
        self.refresh()

    # -- consistency -------------------------------------------------------------------------
    def _check_embedder(self) -> None:
        stored = self.catalog.get_meta("embedder")
        if stored is None:
            self.catalog.set_meta("embedder", self.embedder.model_id)
        elif stored != self.embedder.model_id:
            raise StoreError(
                f"the store in {self.data_dir} was built with embedder {stored!r}, not "
                f"{self.embedder.model_id!r}; use that embedder or run `notice-qa rebuild --reembed`"
            )

    def refresh(self) -> None:
        """Bring the in-memory caches up to the catalog's generation (another process may have written)."""
        with self._lock:
            generation = self.catalog.generation
            if self.dense is not None and self.dense.generation == generation and \
                    self.lexical is not None and self.lexical.generation == generation:
                return
            dense = DenseIndex.load(self._dense_path)
            if dense is None or dense.generation != generation:
                dense = self._rebuild_dense(generation)
            lexical = LexicalIndex.load(self._lexical_path)
            if lexical is None or lexical.generation != generation:
                lexical = self._rebuild_lexical(generation)
            self.dense, self.lexical = dense, lexical

    def _rebuild_dense(self, generation: int) -> DenseIndex:
        count = self.catalog.count_chunks()
        dense = DenseIndex(self._dim(), DenseIndex.kind_for(count))
        for ids, vectors in self.catalog.iter_vectors():
            dense.add(ids, vectors)
        dense.generation = generation
        return dense

    def _rebuild_lexical(self, generation: int) -> LexicalIndex:
        lexical = LexicalIndex()
        for chunk_id, text in self.catalog.iter_texts():
            lexical.add(chunk_id, text)
        lexical.generation = generation
        return lexical

    def _dim(self) -> int:
        stored = self.catalog.get_meta("dim")
        if stored is None:
            stored = str(self.embedder.dim)
            self.catalog.set_meta("dim", stored)
        return int(stored)

    def save(self) -> None:
        """Persist the caches (the catalog is already durable)."""
        with self._lock:
            generation = self.catalog.generation
            if self.dense.generation != generation or not self._dense_path.exists():
                self.dense.save(self._dense_path, generation)
            if self.lexical.generation != generation or not self._lexical_path.exists():
                self.lexical.save(self._lexical_path, generation)

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Exclusive across processes: one writer per data directory at a time."""
        with open(self.data_dir / ".write.lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                with self._lock:
                    self.refresh()
                    yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- writes ------------------------------------------------------------------------------
    def upsert(self, doc: ParsedDocument) -> UpsertResult:
        """Add or replace a document; an unchanged file (same content hash) is left as is."""
        with self.write_lock():
            existing = self.catalog.document(doc.doc_id)
            if existing is not None and existing.content_hash == doc.content_hash:
                return UpsertResult(doc.doc_id, "unchanged", existing.chunk_count, 0)
            known = self.catalog.vectors_by_hash(doc.doc_id) if existing else {}
            todo = [i for i, c in enumerate(doc.chunks) if c.content_hash not in known]
            fresh = self.embedder.encode_passages([doc.chunks[i].embed_text for i in todo]) if todo else None
            vectors = np.zeros((len(doc.chunks), self._dim()), dtype=np.float32)
            for i, chunk in enumerate(doc.chunks):
                if chunk.content_hash in known:
                    vectors[i] = known[chunk.content_hash]
            for row, i in enumerate(todo):
                vectors[i] = fresh[row]
            removed, added = self.catalog.replace_document(doc, vectors)
            generation = self.catalog.generation
            self.dense.remove(removed)
            self.dense.add(np.array(added, dtype=np.int64), vectors)
            self.lexical.remove(removed)
            for chunk_id, chunk in zip(added, doc.chunks):
                self.lexical.add(chunk_id, chunk.embed_text)
            self.dense.generation = self.lexical.generation = generation
            return UpsertResult(doc.doc_id, "replaced" if existing else "added", len(doc.chunks), len(todo))

    def remove(self, doc_id: str) -> bool:
        with self.write_lock():
            if self.catalog.document(doc_id) is None:
                return False
            removed = self.catalog.remove_document(doc_id)
            self.dense.remove(removed)
            self.lexical.remove(removed)
            self.dense.generation = self.lexical.generation = self.catalog.generation
            self.save()
            return True

    def rebuild(self, reembed: bool = False, progress=None) -> int:
        """Rebuild the caches from the catalog; with ``reembed`` recompute every vector first."""
        with self.write_lock():
            if reembed:
                self._reembed(progress)
            generation = self.catalog.generation
            self.dense = self._rebuild_dense(generation)
            self.lexical = self._rebuild_lexical(generation)
            for path in (self._dense_path, self._lexical_path):
                if path.exists():
                    os.unlink(path)
            self.save()
            return self.catalog.count_chunks()

    def _reembed(self, progress) -> None:
        conn = self.catalog._conn()
        rows = conn.execute("SELECT chunk_id, embed_text FROM chunks ORDER BY chunk_id").fetchall()
        batch = self.embedder.batch_size
        conn.execute("BEGIN IMMEDIATE")
        try:
            for start in range(0, len(rows), batch):
                part = rows[start:start + batch]
                vectors = self.embedder.encode_passages([r[1] for r in part])
                conn.executemany("UPDATE chunks SET vector = ? WHERE chunk_id = ?",
                                 [(v.tobytes(), r[0]) for v, r in zip(vectors, part)])
                if progress:
                    progress(len(part))
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('embedder', ?), ('dim', ?)",
                         (self.embedder.model_id, str(self.embedder.dim)))
            self.catalog._bump(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # -- reads -------------------------------------------------------------------------------
    def documents(self) -> list[DocumentRecord]:
        return self.catalog.documents()

    def document(self, doc_id: str) -> DocumentRecord | None:
        return self.catalog.document(doc_id)

    def chunks(self, chunk_ids: list[int]) -> dict[int, ChunkRecord]:
        return self.catalog.chunks(chunk_ids)

    def close(self) -> None:
        self.catalog.close()
