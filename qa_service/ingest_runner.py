"""Ingest a batch of files into the store with a per-file report; one bad file never stops the batch.

Saving the index caches (FAISS, BM25) is best effort: every stored document is already committed to the
catalog, and caches that could not be written (a full disk) are rebuilt from it at the next open, so
a failed save is reported as a warning instead of failing documents that are safely stored.
"""
from __future__ import annotations

import errno
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.facts_store import FactsStore
from index.store import NoticeStore
from ingest.models import IngestError
from ingest.pipeline import DocumentParser, discover, unsupported


_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DISK_MESSAGES = ("disk is full", "disk I/O error")  # SQLite's SQLITE_FULL and SQLITE_IOERR


def store_write_failure(exc: BaseException) -> tuple[bool, str]:
    """Whether a failed store write (``sqlite3.Error`` or ``OSError``) means a full or failing disk, and
    the original error's message. The original may sit in the exception chain: after SQLite rolls back a
    failed commit by itself, a second rollback raises "no transaction is active" over it."""
    root = exc
    while root.__context__ is not None and isinstance(root.__context__, (sqlite3.Error, OSError)):
        root = root.__context__
    disk = (isinstance(root, OSError) and root.errno in _DISK_ERRNOS) or any(m in str(root) for m in _DISK_MESSAGES)
    return disk, str(root)


@dataclass
class FileOutcome:
    path: str
    source: str
    status: str  # added | replaced | duplicate (added; the same bytes are stored as another file) | unchanged
    #              | flagged | error
    chunks: int = 0
    doc_id: str = ""
    message: str = ""
    version_of: str = ""  # the stored file it is another version (or a copy) of
    version_role: str = ""  # draft | issued | "" (unknown)


@dataclass
class IngestReport:
    files: list[FileOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the batch, e.g. index caches not saved
    skipped: list[str] = field(default_factory=list)  # files under the folders of a type no reader takes

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def ok(self) -> bool:
        return self.count("error") == 0 and not self.warnings

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in ("added", "replaced", "duplicate", "unchanged", "flagged", "error")
                 if self.count(s)]
        versions = sum(1 for f in self.files if f.version_of and f.status != "duplicate")
        parts += [f"{versions} of them versions of a stored file"] if versions else []
        types = Counter(Path(p).suffix.lower() or "(no extension)" for p in self.skipped)
        skipped = (f"; {len(self.skipped)} skipped, of a type not read (" +
                   ", ".join(f"{t} {n}" for t, n in types.most_common()) + ")") if self.skipped else ""
        return f"{len(self.files)} files: " + (", ".join(parts) or "nothing to do") + skipped + \
            "".join(f"; {w}" for w in self.warnings)

    def to_dict(self) -> dict:
        return {"files": [asdict(f) for f in self.files], "skipped": self.skipped, "summary": self.summary(),
                "warnings": self.warnings}


class IngestRunner:
    def __init__(self, parser: DocumentParser, store: NoticeStore, save_every: int = 20,
                 facts: FactsStore | None = None):
        self.parser = parser
        self.store = store
        self.save_every = save_every
        self.facts = facts  # tasks and indicators, re-extracted when a document is added or changed

    def ingest_paths(self, paths: list[str | Path], on_file: Callable[[FileOutcome], None] | None = None
                     ) -> IngestReport:
        report = IngestReport(skipped=[str(p) for p in unsupported(paths)])
        try:
            for i, path in enumerate(discover(paths), start=1):
                outcome = self._ingest_one(Path(path))
                report.files.append(outcome)
                if on_file:
                    on_file(outcome)
                if i % self.save_every == 0:
                    self.store.try_save()
        finally:
            if warning := self.store.try_save():
                report.warnings.append(warning)
        return report

    def ingest_bytes(self, data: bytes, source: str) -> FileOutcome:
        try:
            doc = self.parser.parse_bytes(data, source)
        except IngestError as exc:
            return FileOutcome(path=source, source=source, status="error", message=str(exc))
        outcome = self._store(doc, source)
        if warning := self.store.try_save():
            outcome.message = "; ".join(m for m in (outcome.message, warning) if m)
        return outcome

    def _ingest_one(self, path: Path) -> FileOutcome:
        try:
            doc = self.parser.parse_file(path)
        except IngestError as exc:
            return FileOutcome(path=str(path), source=path.name, status="error", message=str(exc))
        return self._store(doc, str(path))

    def _store(self, doc, path: str) -> FileOutcome:
        result = self.store.upsert(doc)
        status = ("flagged" if result.status == "kept" or (doc.status != "ok" and result.status != "unchanged")
                  else result.status)
        warnings = list(doc.warnings)
        if result.status == "kept":
            warnings.append("nothing readable in this version: the stored version was kept")
        if self.facts is not None and doc.status == "ok":
            try:
                self.facts.sync(doc)  # no-op when the document's facts are current
            except Exception as exc:  # noqa: BLE001  the document is stored; only its task/indicator rows are missing
                warnings.append(f"facts not extracted: {exc}")
        outcome = FileOutcome(path=path, source=doc.source, status=status, chunks=result.chunks, doc_id=doc.doc_id)
        if (v := result.versioning) is not None:
            outcome.version_role = v.role
            other = self.store.catalog.document(v.duplicate_of or v.closest) if v.duplicate_of or v.closest else None
            outcome.version_of = other.source if other else ""
            if v.duplicate_of and other and status == "added":
                outcome.status = "duplicate"
                warnings.append(f"the same file as {other.source}: stored and linked as a copy")
            elif other:
                warnings.append(f"a version of {other.source} (similarity {v.similarity:.2f})")
        outcome.message = "; ".join(warnings)
        return outcome
