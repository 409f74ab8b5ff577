"""Ingest a batch of files into the store with a per-file report; one bad file never stops the batch.

Saving the index caches (FAISS, BM25) is best effort: every stored document is already committed to the
catalog, and caches that could not be written (a full disk) are rebuilt from it at the next open, so
a failed save is reported as a warning instead of failing documents that are safely stored.
"""
from __future__ import annotations

import errno
import sqlite3
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from index.atomic import file_sha256
from index.facts_store import FactsStore
from index.store import NoticeStore
from ingest.facts import DocumentFacts, extract_facts
from ingest.models import IngestError
from ingest.pipeline import DocumentParser, discover, doc_id_for, unsupported

if TYPE_CHECKING:
    from qa_service.ray_engine import RayIngestEngine

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
    pages: int = 0
    ocr_pages: int = 0  # pages read by OCR (their text layer was missing or garbled)
    embedded: int = 0  # passages embedded now (the others reuse the stored vector of the same words)
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
        pages, ocr = sum(f.pages for f in self.files), sum(f.ocr_pages for f in self.files)
        size = f" ({pages} pages{f', {ocr} read by OCR' if ocr else ''}, {sum(f.chunks for f in self.files)} passages)"
        return f"{len(self.files)} files{size if self.files else ''}: " + (", ".join(parts) or "nothing to do") + \
            skipped + "".join(f"; {w}" for w in self.warnings)

    def to_dict(self) -> dict:
        return {"files": [asdict(f) for f in self.files], "skipped": self.skipped, "summary": self.summary(),
                "warnings": self.warnings}


@dataclass
class _Job:
    """A file the store lacks (or holds other bytes of): to be parsed and committed."""

    path: Path
    file_hash: str
    origin: str

    def failed(self, message: str) -> FileOutcome:
        return FileOutcome(path=str(self.path), source=self.path.name, status="error", message=message)


class IngestRunner:
    """Ingests files into ``store``, one document per transaction.

    Args:
        parse_ahead: files parsed in the background while the current one is embedded (0: one at a time).
    """

    def __init__(self, parser: DocumentParser, store: NoticeStore, save_every: int = 20,
                 facts: FactsStore | None = None, parse_ahead: int = 2):
        self.parser = parser
        self.store = store
        self.save_every = save_every
        self.facts = facts  # tasks and indicators, re-extracted when a document is added or changed
        self.parse_ahead = parse_ahead

    def ingest_paths(self, paths: list[str | Path], on_file: Callable[[FileOutcome], None] | None = None,
                     engine: RayIngestEngine | None = None) -> IngestReport:
        """Ingest every supported file under ``paths`` in the order found, each committed on its own.

        ``engine`` parses and embeds elsewhere (:class:`qa_service.ray_engine.RayIngestEngine`); this runner
        still commits every document, in the same order, so the store is the one a local ingest makes.
        """
        self.store.check_writable()
        report = IngestReport(skipped=[str(p) for p in unsupported(paths)])
        outcomes = self._local(discover(paths)) if engine is None else self._distributed(discover(paths), engine)
        try:
            for i, outcome in enumerate(outcomes, start=1):
                report.files.append(outcome)
                if on_file:
                    on_file(outcome)
                if i % self.save_every == 0:
                    self.store.try_save()
        finally:
            if warning := self.store.try_save():
                report.warnings.append(warning)
        return report

    def _local(self, files: list[Path]) -> Iterator[FileOutcome]:
        """Files parsed up to ``parse_ahead`` ahead of the one being embedded and committed, in order.

        A parse (and its OCR) runs in a child process (:mod:`ingest.sandbox`) or in Tesseract, so threads that
        wait for it overlap it with the embedding here: a scan's OCR costs no embedding time and the reverse."""
        steps = (self._job(Path(path)) for path in files)
        if self.parse_ahead < 1:
            for step in steps:
                yield step if isinstance(step, FileOutcome) else self._parsed(step, self._parse(step))
            return
        pool = ThreadPoolExecutor(max_workers=self.parse_ahead, thread_name_prefix="parse")
        try:
            ahead: deque[FileOutcome | tuple[_Job, Future]] = deque()
            for step in steps:
                ahead.append(step if isinstance(step, FileOutcome) else (step, pool.submit(self._parse, step)))
                while len(ahead) > self.parse_ahead or (ahead and isinstance(ahead[0], FileOutcome)):
                    yield self._next(ahead.popleft())
            while ahead:
                yield self._next(ahead.popleft())
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _parse(self, job: _Job):
        """The parsed document, or the reason it cannot be read."""
        try:
            return self.parser.parse_file(job.path)
        except IngestError as exc:
            return str(exc)

    def _parsed(self, job: _Job, doc) -> FileOutcome:
        return job.failed(doc) if isinstance(doc, str) else self._finish(job, doc)

    def _next(self, step: FileOutcome | tuple[_Job, Future]) -> FileOutcome:
        return step if isinstance(step, FileOutcome) else self._parsed(step[0], step[1].result())

    def _distributed(self, files: list[Path], engine: RayIngestEngine) -> Iterator[FileOutcome]:
        """Files the store lacks go to ``engine`` as bytes; results come back in order and are committed here."""
        steps: list[FileOutcome | _Job] = []
        for path in files:
            step = self._job(Path(path))
            why = self._unreadable(step.path) if isinstance(step, _Job) else ""
            steps.append(step.failed(why) if why else step)
        jobs = [s for s in steps if isinstance(s, _Job)]

        def read(job: _Job) -> tuple[bytes, str]:
            try:
                return job.path.read_bytes(), job.path.name
            except OSError:
                return b"", job.path.name  # gone since it was listed: reported as an empty file

        results = engine.run((read(j) for j in jobs),
                             known=lambda hashes: set(self.store.catalog.vectors_by_hash(hashes)))
        for step in steps:
            if isinstance(step, FileOutcome):
                yield step
                continue
            parsed = next(results)
            yield step.failed(parsed.error) if parsed.doc is None else self._finish(step, parsed.doc, parsed.vectors)

    def ingest_bytes(self, data: bytes, source: str) -> FileOutcome:
        self.store.check_writable()
        try:
            doc = self.parser.parse_bytes(data, source)
        except IngestError as exc:
            return FileOutcome(path=source, source=source, status="error", message=str(exc))
        outcome = self._store(doc, source)
        if warning := self.store.try_save():
            outcome.message = "; ".join(m for m in (outcome.message, warning) if m)
        return outcome

    def _job(self, path: Path) -> _Job | FileOutcome:
        """The file to parse, or its outcome when the store holds it as it is."""
        try:
            file_hash, origin = file_sha256(path), str(path.resolve())
        except OSError:
            file_hash, origin = "", str(path)  # parse_file reports why the file cannot be read
        doc_id, _ = self._identify(path.name, file_hash, origin)
        stored = self.store.catalog.parsed_as(doc_id)
        # A file stored with the same bytes by the same parser would parse the same: skip it unread, so a
        # second run over an archive takes seconds instead of parsing every file again.
        if stored is not None and stored.stamp == self.parser.stamp and stored.content_hash == file_hash:
            return FileOutcome(path=str(path), source=path.name, status="unchanged", chunks=stored.chunks,
                               doc_id=doc_id, pages=stored.pages)
        return _Job(path, file_hash, origin)

    def _unreadable(self, path: Path) -> str:
        """Why the file cannot be sent to be parsed (missing, too large), or ""."""
        try:
            self.parser.check_size(path.stat().st_size)
        except OSError as exc:
            return f"cannot read file: {exc.strerror or exc}"
        except IngestError as exc:
            return str(exc)
        return ""

    def _finish(self, job: _Job, doc, computed: dict | None = None) -> FileOutcome:
        # Identified again at commit time: a file of the same name stored since (earlier in this batch)
        # makes this one another document.
        doc_id, twin = self._identify(job.path.name, job.file_hash, job.origin)
        outcome = self._store(replace(doc, doc_id=doc_id), str(job.path), job.origin, computed)
        if twin:
            outcome.message = "; ".join(m for m in (f"another file of the same name is stored too ({twin}): both "
                                                    "are kept", outcome.message) if m)
        return outcome

    def _facts(self, doc, warnings: list[str]) -> DocumentFacts | None:
        """The document's task and indicator rows when they must be (re)written, else None."""
        if self.facts is None or doc.status != "ok" or self.facts.is_current(doc.doc_id, doc.content_hash):
            return None
        try:
            return extract_facts(doc, self.facts.table)
        except Exception as exc:  # noqa: BLE001  the document is still stored; only its task/indicator rows are missing
            warnings.append(f"facts not extracted: {exc}")
            return None

    def _identify(self, name: str, file_hash: str, origin: str) -> tuple[str, str]:
        """The document id of the file at ``origin``, and the path of a different stored file of the same name.

        A file is known by its name, so a new version under the same name replaces the stored one. Archives
        repeat names in every dossier ("GIẢI TRÌNH BỔ SUNG.docx"), though: when the stored file of that name
        has other bytes and still lies elsewhere on disk, this one is another document and gets an id of its
        own from its path (stable across runs)."""
        by_name = doc_id_for(name)
        stored = self.store.catalog.parsed_as(by_name)
        if (stored is None or stored.origin in ("", origin) or stored.content_hash == file_hash
                or not Path(stored.origin).is_file()):
            return by_name, ""
        return doc_id_for(f"{name}\n{origin}"), stored.origin

    def _store(self, doc, path: str, origin: str = "", computed: dict | None = None) -> FileOutcome:
        warnings = list(doc.warnings)
        facts = self._facts(doc, warnings)
        # The task and indicator rows commit with the document, so a kill never leaves one without the other.
        result = self.store.upsert(doc, also=facts and partial(FactsStore.write, doc_id=doc.doc_id,
                                                               content_hash=doc.content_hash, facts=facts),
                                   computed=computed)
        if facts is not None and result.status == "unchanged":  # the document was stored, its rows were stale
            self.facts.replace(doc.doc_id, doc.content_hash, facts)
        if result.status in ("added", "replaced", "unchanged"):
            self.store.catalog.mark_parsed(doc.doc_id, doc.content_hash, self.parser.stamp, origin)
        status = ("flagged" if result.status == "kept" or (doc.status != "ok" and result.status != "unchanged")
                  else result.status)
        if result.status == "kept":
            warnings.append("nothing readable in this version: the stored version was kept")
        outcome = FileOutcome(path=path, source=doc.source, status=status, chunks=result.chunks, doc_id=doc.doc_id,
                              pages=doc.page_count, ocr_pages=len(doc.ocr_pages), embedded=result.embedded)
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
