"""NoticeStore: the on-disk store of one data directory (catalog + dense + lexical) behind one API.

Files in the data directory:
- ``catalog.sqlite3``: documents, chunks and vectors; the source of truth, written transactionally.
- ``dense.faiss`` / ``dense.json``: the FAISS index and the catalog generation it reflects.
- ``lexical.npz``: BM25 postings and the generation they reflect.
A cache whose generation or size differs from the catalog's is rebuilt from the catalog at open
(vectors are stored in the catalog, so nothing is embedded again), so a crash between a commit and a
cache save loses nothing; temp files a crash left behind are removed. Writers take an exclusive
file lock. A directory that refuses writes (or ``read_only``) is opened read-only: searches and reads
work from caches rebuilt in memory, every write raises :class:`ReadOnlyStoreError`. The dense index
kind (exact or IVF-PQ) follows the chunk count and is recorded in ``dense.json`` and in the catalog's
meta table (``dense_kind``).
"""
from __future__ import annotations

import fcntl
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.catalog import (
    Catalog,
    ChunkRecord,
    DocumentRecord,
    Versioning,
    document_fingerprint,
    write_transaction,
)
from index.database import refuses_writes
from index.dates import iso_key, mentioned_keys
from index.dense import DenseIndex
from index.embedders import VectorEmbeddings
from index.lexical import LexicalIndex
from ingest.models import ParsedDocument

log = logging.getLogger(__name__)


class StoreError(Exception):
    """The store cannot be used as configured (e.g. built with another embedding model)."""


class ReadOnlyStoreError(StoreError):
    """A write to a store opened read-only."""


@dataclass
class UpsertResult:
    doc_id: str
    status: str  # "added" | "replaced" | "unchanged" | "kept" (an unreadable version did not replace a readable one)
    chunks: int
    embedded: int  # chunks that needed a new embedding
    versioning: Versioning | None = None  # where an added or replaced document stands among versions of its text


@dataclass
class StoreStats:
    documents: int
    chunks: int
    generation: int
    dense_kind: str
    dense_size: int
    lexical_size: int
    embedder: str


class NoticeStore:
    """The documents, chunks, vectors and postings of one data directory.

    Args:
        data_dir: the store directory (created when missing).
        embedder: embeds chunk texts on upsert; the store remembers its ``model_id`` and refuses another.
        check_embedder: set False only to re-embed with another model (:meth:`rebuild` ``reembed``).
        read_only: never write to the directory (a snapshot shared by serving replicas); a directory
            that refuses writes is opened read-only anyway.
    """

    def __init__(self, data_dir: str | Path, embedder: VectorEmbeddings, check_embedder: bool = True,
                 read_only: bool = False):
        self.data_dir = Path(data_dir)
        if not self.data_dir.is_dir():
            if read_only:
                raise StoreError(f"no store in {self.data_dir}: a read-only store must exist already")
            self.data_dir.mkdir(parents=True)
        self.read_only = read_only or refuses_writes(self.data_dir)
        self.embedder = embedder
        self.catalog = self._open_catalog()
        self._dense_path = self.data_dir / "dense.faiss"
        self._lexical_path = self.data_dir / "lexical.npz"
        self._lock = threading.RLock()  # held by searches and by the writer while it changes the caches
        self._writers = threading.Lock()  # one writing thread of this process at a time
        self._writer_thread: int | None = None
        self._lock_depth = 0  # write_lock nesting in the writing thread
        self._waiting_since: float | None = None  # monotonic time a writer started waiting for the file lock
        self._saved: dict[str, int] = {}  # generation of each cache file written or read by this process
        if check_embedder:
            self._check_embedder()
        self.dense: DenseIndex | None = None
        self.lexical: LexicalIndex | None = None
        self._date_keys: dict[str, set[str]] = {}
        self._date_keys_generation = -1
        if self.read_only:
            self.refresh()
            return
        with self.write_lock(refresh=False):
            self._remove_temp_files()
            self.catalog.place_unversioned()  # a store written before versions were tracked
            self.refresh()

    # -- consistency -------------------------------------------------------------------------
    def _open_catalog(self) -> Catalog:
        path = self.data_dir / "catalog.sqlite3"
        if not self.read_only:
            return Catalog(path)
        try:
            catalog = Catalog(path, read_only=True)
        except sqlite3.Error as exc:
            raise StoreError(f"no readable store in the read-only directory {self.data_dir} ({exc})") from None
        if catalog.outdated:
            raise StoreError(f"the store in {self.data_dir} was written by an older notice-qa and the directory is "
                             f"read-only: open it once with write access to upgrade it ({', '.join(catalog.outdated)})")
        return catalog

    def _check_embedder(self) -> None:
        stored = self.catalog.get_meta("embedder")
        if stored is None:
            if not self.read_only:
                self.catalog.set_meta("embedder", self.embedder.model_id)
        elif stored != self.embedder.model_id:
            raise StoreError(
                f"the store in {self.data_dir} was built with embedder {stored!r}, not "
                f"{self.embedder.model_id!r}; use that embedder or run `notice-qa rebuild --reembed`"
            )

    def _remove_temp_files(self) -> None:
        """Temp files of cache writes a crash interrupted (see ``index.atomic``); called under the write lock."""
        for path in self.data_dir.glob(".*.tmp"):
            path.unlink(missing_ok=True)

    def refresh(self) -> None:
        """Bring the in-memory caches up to the catalog's generation (another process may have written)."""
        with self._lock:
            generation = self.catalog.generation
            if self.dense is not None and self.dense.generation == generation and \
                    self.lexical is not None and self.lexical.generation == generation:
                return
            count = self.catalog.count_chunks()
            dense = DenseIndex.load(self._dense_path, vectors=self.catalog.vectors_of)
            if dense is None or dense.generation != generation or dense.size != count:
                dense = self._rebuild_dense(generation)
            else:
                self._saved["dense"] = generation
            lexical = LexicalIndex.load(self._lexical_path)
            if lexical is None or lexical.generation != generation or lexical.size != count:
                lexical = self._rebuild_lexical(generation)
            else:
                self._saved["lexical"] = generation
            self.dense, self.lexical = dense, lexical

    def _rebuild_dense(self, generation: int) -> DenseIndex:
        dense = DenseIndex.build(self._dim(), self.catalog.iter_vectors(), self.catalog.count_chunks(),
                                 vectors=self.catalog.vectors_of)
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
            if not self.read_only:
                self.catalog.set_meta("dim", stored)
        return int(stored)

    def save(self) -> None:
        """Persist the caches (the catalog is already durable), each stamped with the generation it reflects.

        Runs under the write lock after a refresh, so caches another process made stale are rebuilt
        rather than saved. An index that grew past (or shrank below) the size of its kind is rebuilt
        as the right kind first, so the kind always follows the chunk count.
        """
        with self.write_lock():
            if DenseIndex.kind_for(self.dense.size) != self.dense.kind:
                self.dense = self._rebuild_dense(self.dense.generation)
            if self.catalog.get_meta("dense_kind") != self.dense.kind:
                self.catalog.set_meta("dense_kind", self.dense.kind)
            if self._saved.get("dense") != self.dense.generation or not self._dense_path.exists():
                self.dense.save(self._dense_path, self.dense.generation)
                self._saved["dense"] = self.dense.generation
            if self._saved.get("lexical") != self.lexical.generation or not self._lexical_path.exists():
                self.lexical.save(self._lexical_path, self.lexical.generation)
                self._saved["lexical"] = self.lexical.generation

    def try_save(self) -> str:
        """:meth:`save`, but a failure (full disk, I/O error) is logged and returned as a warning.

        Nothing stored is lost when the caches cannot be written: the catalog is already committed and
        the caches are rebuilt from it at the next open.
        """
        try:
            self.save()
        except Exception as exc:  # faiss reports a full disk as RuntimeError, numpy as OSError
            log.exception("index caches not saved")
            return (f"index files not saved ({exc}); the documents are stored and the index is rebuilt "
                    "from the catalog at the next start")
        return ""

    @contextmanager
    def write_lock(self, refresh: bool = True) -> Iterator[None]:
        """Exclusive across processes: one writer per data directory at a time (re-entrant in a thread).

        The wait for another process's file lock happens before the in-memory lock is taken, so searches
        in this process go on while a writer waits (``writer_waiting_s`` tells how long it has been).
        A read-only store raises :class:`ReadOnlyStoreError`.
        """
        self.check_writable()
        if self._writer_thread == threading.get_ident():
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        with self._writers, open(self.data_dir / ".write.lock", "a+") as fh:
            self._waiting_since = time.monotonic()
            try:
                fcntl.flock(fh, fcntl.LOCK_EX)
            finally:
                self._waiting_since = None
            try:
                with self._lock:
                    self._writer_thread, self._lock_depth = threading.get_ident(), 1
                    try:
                        if refresh:
                            self.refresh()
                        yield
                    finally:
                        self._writer_thread, self._lock_depth = None, 0
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def check_writable(self) -> None:
        """Raise :class:`ReadOnlyStoreError` when the store is read-only, so a writer fails before its slow work."""
        if self.read_only:
            raise ReadOnlyStoreError(
                f"the store in {self.data_dir} is read-only: searching and reading work, adding, replacing or "
                "removing documents does not (give the server write access to the directory, or unset "
                "NOTICE_QA_READ_ONLY)")

    @property
    def writer_waiting_s(self) -> float:
        """How long a writer of this process has been waiting for another process's write lock (0 when none)."""
        since = self._waiting_since
        return 0.0 if since is None else time.monotonic() - since

    # -- writes ------------------------------------------------------------------------------
    def upsert(self, doc: ParsedDocument, also: Callable[[sqlite3.Connection], None] | None = None,
               computed: Mapping[str, np.ndarray] | None = None) -> UpsertResult:
        """Add or replace a document; one whose stored fingerprint is unchanged is left as is.

        The fingerprint covers the file hash and everything parsed from it, so an unchanged file adds
        nothing, while a changed file (or a parser upgrade that changes its chunks) replaces its chunks;
        chunks whose content hash is already stored (for this document or another version of it) reuse
        the stored vector. Embedding
        happens before the write lock is taken, so searches and other writers are not held up by it.
        ``also`` writes rows that belong with the document in its transaction (:meth:`Catalog.replace_document`).
        ``computed``: vectors embedded elsewhere (a Ray embedder actor), by content hash; used where the
        store has none.
        """
        fingerprint = document_fingerprint(doc)
        if self.catalog.fingerprint(doc.doc_id) == fingerprint:
            return UpsertResult(doc.doc_id, "unchanged", len(doc.chunks), 0)
        self.check_writable()  # before embedding, which is the slow part
        vectors, embedded = self._vectors(doc, computed or {})
        with self.write_lock():
            existing = self.catalog.document(doc.doc_id)
            if existing is not None and self.catalog.fingerprint(doc.doc_id) == fingerprint:
                return UpsertResult(doc.doc_id, "unchanged", existing.chunk_count, 0)
            if existing is not None and existing.chunk_count and not doc.chunks:
                # A scan without text (or a damaged copy) uploaded under a stored document's name must not
                # wipe the passages users search: the readable version stays until a readable one replaces it.
                return UpsertResult(doc.doc_id, "kept", existing.chunk_count, 0)
            removed, added, versioning = self.catalog.replace_document(doc, vectors, also)
            generation = self.catalog.generation
            self.dense.remove(removed)
            self.dense.add(np.array(added, dtype=np.int64), vectors)
            self.lexical.remove(removed)
            for chunk_id, chunk in zip(added, doc.chunks):
                self.lexical.add(chunk_id, chunk.embed_text)
            self.dense.generation = self.lexical.generation = generation
            return UpsertResult(doc.doc_id, "replaced" if existing else "added", len(doc.chunks), embedded,
                                versioning)

    def _vectors(self, doc: ParsedDocument, computed: Mapping[str, np.ndarray]) -> tuple[np.ndarray, int]:
        """Vectors of the document's chunks (stored ones reused by content hash, then ``computed`` ones) and
        how many were embedded for it."""
        known = self.catalog.vectors_by_hash([c.content_hash for c in doc.chunks])
        given = {c.content_hash for c in doc.chunks if c.content_hash not in known and c.content_hash in computed}
        known.update({h: computed[h] for h in given})
        todo = [i for i, c in enumerate(doc.chunks) if c.content_hash not in known]
        fresh = self.embedder.encode_passages([doc.chunks[i].embed_text for i in todo]) if todo else None
        vectors = np.zeros((len(doc.chunks), self._dim()), dtype=np.float32)
        for i, chunk in enumerate(doc.chunks):
            if chunk.content_hash in known:
                vectors[i] = known[chunk.content_hash]
        for row, i in enumerate(todo):
            vectors[i] = fresh[row]
        return vectors, len(todo) + len(given)

    @contextmanager
    def read_lock(self) -> Iterator[None]:
        """Held while searching the in-memory caches, so a write in another thread never changes them mid-search."""
        with self._lock:
            yield

    def remove(self, doc_id: str) -> bool:
        with self.write_lock():
            if self.catalog.document(doc_id) is None:
                return False
            removed = self.catalog.remove_document(doc_id)
            self.dense.remove(removed)
            self.lexical.remove(removed)
            self.dense.generation = self.lexical.generation = self.catalog.generation
            self.try_save()
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
                path.unlink(missing_ok=True)
            self.save()
            return self.catalog.count_chunks()

    def _reembed(self, progress) -> None:
        conn = self.catalog._conn()
        rows = conn.execute("SELECT chunk_id, embed_text FROM chunks ORDER BY chunk_id").fetchall()
        batch = self.embedder.batch_size
        with write_transaction(conn):
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

    # -- reads -------------------------------------------------------------------------------
    def documents(self) -> list[DocumentRecord]:
        return self.catalog.documents()

    def document(self, doc_id: str) -> DocumentRecord | None:
        return self.catalog.document(doc_id)

    def chunks(self, chunk_ids: list[int]) -> dict[int, ChunkRecord]:
        return self.catalog.chunks(chunk_ids)

    def date_keys(self, doc_ids: list[str]) -> dict[str, set[str]]:
        """The days and months each document mentions (see :mod:`index.dates`), cached per generation."""
        with self._lock:
            generation = self.dense.generation if self.dense is not None else -1
            if self._date_keys_generation != generation:
                self._date_keys, self._date_keys_generation = {}, generation
            missing = [d for d in doc_ids if d not in self._date_keys]
            for doc_id, (iso, text) in self.catalog.document_texts(missing).items():
                self._date_keys[doc_id] = mentioned_keys(text) | iso_key(iso)
            return {d: self._date_keys.get(d, set()) for d in doc_ids}

    def stats(self) -> StoreStats:
        """Counts and the index kind, as the caches reflect them now."""
        self.refresh()
        return StoreStats(documents=len(self.catalog.documents()), chunks=self.catalog.count_chunks(),
                          generation=self.catalog.generation, dense_kind=self.dense.kind,
                          dense_size=self.dense.size, lexical_size=self.lexical.size,
                          embedder=self.catalog.get_meta("embedder", "") or "")

    def close(self) -> None:
        self.catalog.close()
