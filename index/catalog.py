"""SQLite catalog: documents, chunks and their vectors. The source of truth of the store.

Each document is written in one transaction, and every write bumps ``generation``; the FAISS
and lexical files are caches stamped with the generation they were built from, so a crash
between the commit and the cache save is repaired on the next open by rebuilding the caches.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePath
from typing import NamedTuple

import numpy as np

from index.database import connect
from index.dates import period_end
from ingest.models import ParsedDocument
from ingest.versions import SAME_DOCUMENT, band_keys, numbered_apart, signature, similarity, version_role
from ingest.vietnamese import fold


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error.

    SQLite may already have rolled back by itself (a full disk fails the COMMIT); a second ROLLBACK
    would then raise and hide the real error, so it is only issued while a transaction is open.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    media_type TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    doc_type TEXT NOT NULL DEFAULT '',
    number TEXT NOT NULL DEFAULT '',
    issuer TEXT NOT NULL DEFAULT '',
    province TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    signer TEXT NOT NULL DEFAULT '',
    recipients TEXT NOT NULL DEFAULT '[]',
    page_count INTEGER NOT NULL DEFAULT 0,
    size_bytes INTEGER NOT NULL DEFAULT 0,
    warnings TEXT NOT NULL DEFAULT '[]',
    footnotes TEXT NOT NULL DEFAULT '[]',
    sections TEXT NOT NULL DEFAULT '[]',
    text TEXT NOT NULL DEFAULT '',
    chunk_count INTEGER NOT NULL DEFAULT 0,
    ingested_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    section TEXT NOT NULL,
    section_title TEXT NOT NULL,
    section_titles TEXT NOT NULL,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    lead_in TEXT NOT NULL,
    text TEXT NOT NULL,
    embed_text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    vector BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE INDEX IF NOT EXISTS chunks_hash ON chunks(content_hash);
-- The bands of each document's MinHash signature (ingest.versions): documents sharing one are compared.
CREATE TABLE IF NOT EXISTS doc_bands (
    key TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS doc_bands_key ON doc_bands(key);
CREATE INDEX IF NOT EXISTS doc_bands_doc ON doc_bands(doc_id);
"""
# Columns added after the first release: (table, column, declaration). Older files gain them at open.
MIGRATIONS = (
    ("documents", "fingerprint", "TEXT NOT NULL DEFAULT ''"),
    ("chunks", "kind", "TEXT NOT NULL DEFAULT 'text'"),
    ("documents", "version_group", "TEXT NOT NULL DEFAULT ''"),
    ("documents", "version_role", "TEXT NOT NULL DEFAULT ''"),
    ("documents", "signature", "BLOB"),
    ("documents", "parsed_with", "TEXT NOT NULL DEFAULT ''"),  # the parser stamp (DocumentParser.stamp)
    ("documents", "origin", "TEXT NOT NULL DEFAULT ''"),  # the file it was read from ('' for uploads)
)

DOC_FIELDS = ("doc_type", "number", "issuer", "province", "place", "date", "title", "signer")


@dataclass
class DocumentRecord:
    """A stored document's metadata (without its chunks)."""

    doc_id: str
    source: str
    media_type: str
    content_hash: str
    status: str
    doc_type: str = ""
    number: str = ""
    issuer: str = ""
    province: str = ""
    place: str = ""
    date: str = ""
    title: str = ""
    signer: str = ""
    recipients: list[str] = field(default_factory=list)
    page_count: int = 0
    size_bytes: int = 0
    warnings: list[str] = field(default_factory=list)
    chunk_count: int = 0
    ingested_at: float = 0.0
    version_group: str = ""  # the doc_id of the first stored version of the same text (see ingest.versions)
    version_role: str = ""  # draft | issued | "" (unknown)
    origin: str = ""  # the path of the file it was read from ('' for uploads)

    @property
    def folder(self) -> str:
        """The name of the folder (an archive's dossier) the file was read from."""
        return folder_of(self.origin)

    def to_dict(self) -> dict:
        return {**asdict(self), "folder": self.folder}


def folder_of(origin: str) -> str:
    """The name of the folder a file path lies in ("" for a bare name or no path)."""
    return PurePath(origin).parent.name if origin else ""


class ParsedAs(NamedTuple):
    content_hash: str
    stamp: str  # DocumentParser.stamp of the parse that stored it ("" before stamps were kept)
    chunks: int
    pages: int
    origin: str  # the path of the file it was read from ('' for uploads and stores older than origins)


@dataclass
class Versioning:
    """Where a stored document stands among the versions of its text."""

    group: str
    role: str
    closest: str = ""  # the most similar other stored document, when it is a version of the same text
    similarity: float = 0.0
    duplicate_of: str = ""  # another stored document with the same file bytes


@dataclass
class ChunkRecord:
    """A stored chunk with its document's citation facts, as retrieval returns it."""

    chunk_id: int
    doc_id: str
    source: str
    title: str
    doc_type: str
    number: str
    date: str
    section: str
    section_title: str
    section_titles: list[str]
    page_start: int
    page_end: int
    char_start: int
    char_end: int
    lead_in: str
    text: str
    embed_text: str
    kind: str = "text"  # text | table | footnote
    version_group: str = ""
    version_role: str = ""


_LIST_COLUMNS = ("recipients", "warnings")


# Listing columns only: the text, sections and footnotes stay on disk until a detail view asks.
DOCUMENT_SELECT = f"SELECT {', '.join(DocumentRecord.__dataclass_fields__)} FROM documents"


def _row_to_document(row: sqlite3.Row) -> DocumentRecord:
    data = {k: row[k] for k in row.keys() if k in DocumentRecord.__dataclass_fields__}
    for key in _LIST_COLUMNS:
        data[key] = json.loads(data[key])
    return DocumentRecord(**data)


CHUNK_SELECT = """
SELECT c.chunk_id, c.doc_id, d.source, d.title, d.doc_type, d.number, d.date, c.section, c.section_title,
       c.section_titles, c.page_start, c.page_end, c.char_start, c.char_end, c.lead_in, c.text, c.embed_text,
       c.kind, d.version_group, d.version_role
FROM chunks c JOIN documents d ON d.doc_id = c.doc_id
"""


def _row_to_chunk(row: sqlite3.Row) -> ChunkRecord:
    data = dict(row)
    data["section_titles"] = json.loads(data["section_titles"])
    return ChunkRecord(**data)


DOC_COLUMNS = ("doc_id", "source", "media_type", "content_hash", "status", *DOC_FIELDS, "recipients", "page_count",
               "size_bytes", "warnings", "footnotes", "sections", "text", "chunk_count")
CHUNK_COLUMNS = ("doc_id", "ordinal", "section", "section_title", "section_titles", "page_start", "page_end",
                 "char_start", "char_end", "lead_in", "text", "embed_text", "content_hash", "kind")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _document_row(doc: ParsedDocument) -> tuple:
    meta = doc.meta
    return (doc.doc_id, doc.source, doc.media_type, doc.content_hash, doc.status,
            *(getattr(meta, f) for f in DOC_FIELDS), _dumps(meta.recipients), doc.page_count, doc.size_bytes,
            _dumps(doc.warnings), _dumps(doc.footnotes), _dumps([asdict(s) for s in doc.sections]), doc.text,
            len(doc.chunks))


def _chunk_rows(doc: ParsedDocument) -> list[tuple]:
    return [(doc.doc_id, c.ordinal, c.section, c.section_title, _dumps(c.section_titles), c.page_start, c.page_end,
             c.char_start, c.char_end, c.lead_in, c.text, c.embed_text, c.content_hash, c.kind)
            for c in doc.chunks]


def _fingerprint(document: tuple, chunks: list[tuple]) -> str:
    digest = hashlib.sha256(_dumps([document, chunks]).encode("utf-8"))
    return digest.hexdigest()[:32]


def document_fingerprint(doc: ParsedDocument) -> str:
    """A hash of everything the catalog stores for ``doc`` (file hash, metadata, sections, chunks).

    Re-ingesting a file whose fingerprint is unchanged is a no-op; a parser upgrade that changes the
    sections or chunks of an unchanged file changes the fingerprint, so the document is replaced.
    """
    return _fingerprint(_document_row(doc), _chunk_rows(doc))


class Catalog:
    """Thread-safe access to the SQLite file; one connection per thread, WAL for concurrent readers.

    ``read_only`` opens the file without ever writing it (see :mod:`index.database`); the schema must
    then be current already (:attr:`outdated` names what a writable open would add).
    """

    def __init__(self, path: Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._local = threading.local()
        conn = self._conn()
        self.outdated: list[str] = []
        if not read_only:
            conn.executescript(SCHEMA)
        for table, column, declaration in MIGRATIONS:
            if column not in {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}:
                if read_only:
                    self.outdated.append(f"{table}.{column}")
                else:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # Filters compare tone-folded, lower-cased text: "lam dong" finds "LÂM ĐỒNG".
            conn = connect(self.path, self.read_only, {
                "folded": lambda v: fold(v or "").lower(),
                "period_end": lambda v: period_end(v or ""),
                "folder_of": lambda v: " ".join(fold(folder_of(v or "")).lower().split()),
            })
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self._conn().execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    @property
    def generation(self) -> int:
        return int(self.get_meta("generation", "0"))

    # -- documents -------------------------------------------------------------------------
    def document(self, doc_id: str) -> DocumentRecord | None:
        row = self._conn().execute(f"{DOCUMENT_SELECT} WHERE doc_id = ?", (doc_id,)).fetchone()
        return _row_to_document(row) if row else None

    def parsed_as(self, doc_id: str) -> ParsedAs | None:
        """How the stored version of ``doc_id`` was read: file hash, parser stamp, passages, pages, file path."""
        row = self._conn().execute("SELECT content_hash, parsed_with, chunk_count, page_count, origin FROM documents "
                                   "WHERE doc_id = ?", (doc_id,)).fetchone()
        return ParsedAs(*row) if row else None

    def mark_parsed(self, doc_id: str, content_hash: str, stamp: str, origin: str) -> None:
        """Record that the stored version of ``doc_id`` (when it has these bytes) is what ``stamp`` parses of the
        file at ``origin``."""
        self._conn().execute("UPDATE documents SET parsed_with = ?, origin = ? WHERE doc_id = ? AND content_hash = ?",
                             (stamp, origin, doc_id, content_hash))

    def document_detail(self, doc_id: str) -> dict | None:
        """Metadata plus section tree, footnotes and normalised text."""
        row = self._conn().execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        detail = _row_to_document(row).to_dict()
        detail["sections"] = json.loads(row["sections"])
        detail["footnotes"] = json.loads(row["footnotes"])
        detail["text"] = row["text"]
        return detail

    def documents(self) -> list[DocumentRecord]:
        rows = self._conn().execute(f"{DOCUMENT_SELECT} ORDER BY source").fetchall()
        return [_row_to_document(r) for r in rows]

    def vectors_of(self, chunk_ids) -> tuple[np.ndarray, np.ndarray]:
        """The stored vectors of these chunks (ids found, vectors in that order): the exact vectors behind a
        compressed dense index, to re-rank its candidates. A chunk removed since is left out."""
        rows = self._vectors_where("chunk_id", [int(i) for i in chunk_ids])
        if not rows:
            return np.zeros(0, np.int64), np.zeros((0, 0), np.float32)
        return (np.array([r[0] for r in rows], dtype=np.int64),
                np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows]))

    def vectors_by_hash(self, hashes: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of any document whose chunk has one of these content hashes (a hash of the text
        embedded), to skip re-embedding: a draft and its signed version share most passages."""
        rows = self._vectors_where("content_hash", list(dict.fromkeys(hashes)))
        return {h: np.frombuffer(v, dtype=np.float32) for h, v in rows}

    def _vectors_where(self, column: str, keys: list) -> list[tuple]:
        """(key, vector) rows of the chunks whose ``column`` is one of ``keys``."""
        rows: list[tuple] = []
        for i in range(0, len(keys), 500):  # under SQLite's limit on bound parameters
            batch = keys[i:i + 500]
            rows += self._conn().execute(f"SELECT {column}, vector FROM chunks WHERE {column} IN "
                                         f"({','.join('?' * len(batch))})", batch).fetchall()
        return rows

    def fingerprint(self, doc_id: str) -> str | None:
        """The stored :func:`document_fingerprint` of a document (None when absent)."""
        row = self._conn().execute("SELECT fingerprint FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def replace_document(self, doc: ParsedDocument, vectors: np.ndarray,
                         also: Callable[[sqlite3.Connection], None] | None = None
                         ) -> tuple[list[int], list[int], Versioning]:
        """Atomically replace a document and its chunks, and place it among the versions of its text.

        ``also`` writes what belongs with the document (its task and indicator rows) in the same transaction,
        so a kill never leaves a stored document without them. Returns (removed chunk ids, new chunk ids,
        its versioning)."""
        document, chunks = _document_row(doc), _chunk_rows(doc)
        with write_transaction(self._conn()) as conn:
            removed = [r[0] for r in conn.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc.doc_id,))]
            conn.execute("DELETE FROM chunks WHERE doc_id = ?", (doc.doc_id,))
            conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc.doc_id,))
            conn.execute(
                f"INSERT INTO documents({', '.join(DOC_COLUMNS)}, fingerprint, ingested_at)"
                f" VALUES ({', '.join('?' * (len(DOC_COLUMNS) + 2))})",
                (*document, _fingerprint(document, chunks), time.time()),
            )
            added = []
            for row, vector in zip(chunks, vectors):
                cur = conn.execute(
                    f"INSERT INTO chunks({', '.join(CHUNK_COLUMNS)}, vector) VALUES ({', '.join('?' * (len(row) + 1))})",
                    (*row, np.asarray(vector, dtype=np.float32).tobytes()),
                )
                added.append(cur.lastrowid)
            versioning = self._place_version(conn, doc.doc_id, doc.source, doc.text, doc.meta.number,
                                             doc.content_hash)
            if also is not None:
                also(conn)
            self._bump(conn)
        return removed, added, versioning

    def _place_version(self, conn: sqlite3.Connection, doc_id: str, source: str, text: str, number: str,
                       content_hash: str) -> Versioning:
        """Store the document's signature, bands, version group and role (inside the caller's transaction)."""
        sig = signature(text)
        keys = band_keys(sig) if sig is not None else []
        conn.execute("DELETE FROM doc_bands WHERE doc_id = ?", (doc_id,))
        conn.executemany("INSERT INTO doc_bands(key, doc_id) VALUES (?, ?)", [(k, doc_id) for k in keys])
        best, best_sim, best_group = "", 0.0, ""
        if keys:
            rows = conn.execute(
                f"SELECT doc_id, version_group, signature, number FROM documents WHERE doc_id IN (SELECT DISTINCT doc_id "
                f"FROM doc_bands WHERE key IN ({','.join('?' * len(keys))})) AND doc_id != ? AND length(signature) > 0",
                (*keys, doc_id)).fetchall()
            for other, group, blob, other_number in sorted(tuple(r) for r in rows):
                if numbered_apart(number, other_number):
                    continue
                sim = similarity(sig, np.frombuffer(blob, dtype=np.uint32))
                if sim > best_sim:
                    best, best_sim, best_group = other, sim, group or other
        same = best_sim >= SAME_DOCUMENT
        twin = conn.execute("SELECT doc_id, version_group FROM documents WHERE content_hash = ? AND doc_id != ? "
                            "AND content_hash != '' ORDER BY doc_id LIMIT 1", (content_hash, doc_id)).fetchone()
        # The same bytes are the same document, even a scan without words to compare.
        group = best_group if same else (twin[1] or twin[0]) if twin else doc_id
        versioning = Versioning(group, version_role(source, text, number), best if same else "",
                                round(best_sim, 3) if same else 0.0, twin[0] if twin else "")
        conn.execute("UPDATE documents SET version_group = ?, version_role = ?, signature = ? WHERE doc_id = ?",
                     (versioning.group, versioning.role, b"" if sig is None else sig.tobytes(), doc_id))
        return versioning

    def place_unversioned(self) -> int:
        """Give the documents stored before versions were tracked their signature and group; how many."""
        pending = [r[0] for r in self._conn().execute(
            "SELECT doc_id FROM documents WHERE signature IS NULL ORDER BY ingested_at, doc_id")]
        for doc_id in pending:
            with write_transaction(self._conn()) as conn:
                row = conn.execute("SELECT source, text, number, content_hash FROM documents WHERE doc_id = ?",
                                   (doc_id,)).fetchone()
                if row is not None:
                    self._place_version(conn, doc_id, *row)
        return len(pending)

    def remove_document(self, doc_id: str) -> list[int]:
        with write_transaction(self._conn()) as conn:
            removed = [r[0] for r in conn.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,))]
            deleted = conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,)).rowcount
            conn.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
            if deleted:
                self._bump(conn)
        return removed if deleted else []

    def _bump(self, conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE"
            " SET value = CAST(value AS INTEGER) + 1"
        )

    # -- chunks ----------------------------------------------------------------------------
    def chunks(self, chunk_ids: list[int]) -> dict[int, ChunkRecord]:
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        rows = self._conn().execute(f"{CHUNK_SELECT} WHERE c.chunk_id IN ({marks})", list(chunk_ids)).fetchall()
        return {r["chunk_id"]: _row_to_chunk(r) for r in rows}

    def doc_ids_of(self, chunk_ids: list[int]) -> dict[int, str]:
        """The document of each chunk id (ids no longer stored are left out)."""
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        rows = self._conn().execute(f"SELECT chunk_id, doc_id FROM chunks WHERE chunk_id IN ({marks})",
                                    [int(i) for i in chunk_ids]).fetchall()
        return {r[0]: r[1] for r in rows}

    def document_texts(self, doc_ids: list[str]) -> dict[str, tuple[str, str]]:
        """(header date, whole text) of each document."""
        if not doc_ids:
            return {}
        marks = ",".join("?" * len(doc_ids))
        rows = self._conn().execute(f"SELECT doc_id, date, text FROM documents WHERE doc_id IN ({marks})",
                                    list(doc_ids)).fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    def iter_vectors(self, batch: int = 4096):
        """(chunk ids, vectors) in batches, for rebuilding the dense cache without re-embedding."""
        last = 0
        while True:
            rows = self._conn().execute(
                "SELECT chunk_id, vector FROM chunks WHERE chunk_id > ? ORDER BY chunk_id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield np.array([r[0] for r in rows], dtype=np.int64), np.vstack(
                [np.frombuffer(r[1], dtype=np.float32) for r in rows]
            )

    def iter_texts(self, batch: int = 4096):
        """(chunk id, embed_text) pairs, for rebuilding the lexical cache."""
        last = 0
        while True:
            rows = self._conn().execute(
                "SELECT chunk_id, embed_text FROM chunks WHERE chunk_id > ? ORDER BY chunk_id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield from ((r[0], r[1]) for r in rows)

    def chunk_ids_where(self, where: str, params: list) -> np.ndarray:
        rows = self._conn().execute(
            f"SELECT c.chunk_id FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE {where}", params
        ).fetchall()
        return np.array([r[0] for r in rows], dtype=np.int64)

    def count_chunks(self) -> int:
        return self._conn().execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
