"""Ingest a batch of files into the store with a per-file report; one bad file never stops the batch."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.store import NoticeStore
from ingest.models import IngestError
from ingest.pipeline import DocumentParser, discover


@dataclass
class FileOutcome:
    path: str
    source: str
    status: str  # added | replaced | unchanged | flagged | error
    chunks: int = 0
    doc_id: str = ""
    message: str = ""


@dataclass
class IngestReport:
    files: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def ok(self) -> bool:
        return self.count("error") == 0

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in ("added", "replaced", "unchanged", "flagged", "error") if self.count(s)]
        return f"{len(self.files)} files: " + (", ".join(parts) or "nothing to do")

    def to_dict(self) -> dict:
        return {"files": [asdict(f) for f in self.files], "summary": self.summary()}


class IngestRunner:
    def __init__(self, parser: DocumentParser, store: NoticeStore, save_every: int = 20):
        self.parser = parser
        self.store = store
        self.save_every = save_every

    def ingest_paths(self, paths: list[str | Path], on_file: Callable[[FileOutcome], None] | None = None
                     ) -> IngestReport:
        report = IngestReport()
        try:
            for i, path in enumerate(discover(paths), start=1):
                outcome = self._ingest_one(Path(path))
                report.files.append(outcome)
                if on_file:
                    on_file(outcome)
                if i % self.save_every == 0:
                    self.store.save()
        finally:
            self.store.save()
        return report

    def ingest_bytes(self, data: bytes, source: str) -> FileOutcome:
        try:
            doc = self.parser.parse_bytes(data, source)
        except IngestError as exc:
            return FileOutcome(path=source, source=source, status="error", message=str(exc))
        outcome = self._store(doc, source)
        self.store.save()
        return outcome

    def _ingest_one(self, path: Path) -> FileOutcome:
        try:
            doc = self.parser.parse_file(path)
        except IngestError as exc:
            return FileOutcome(path=str(path), source=path.name, status="error", message=str(exc))
        return self._store(doc, str(path))

    def _store(self, doc, path: str) -> FileOutcome:
        result = self.store.upsert(doc)
        status = "flagged" if doc.status != "ok" and result.status != "unchanged" else result.status
        return FileOutcome(path=path, source=doc.source, status=status, chunks=result.chunks, doc_id=doc.doc_id,
                           message="; ".join(doc.warnings))
