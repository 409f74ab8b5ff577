"""DocumentParser: one file in, one :class:`ParsedDocument` (or an :class:`IngestError`) out."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ingest.chunker import ChunkerConfig, chunk_document
from ingest.loaders import SUPPORTED_SUFFIXES, load_bytes
from ingest.metadata import extract_metadata
from ingest.models import IngestError, ParsedDocument, RawDocument
from ingest.normalize import normalize_pages
from ingest.structure import parse_sections

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def doc_id_for(source: str) -> str:
    """Stable id of a document: its file name, so re-ingesting a file replaces it."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]


@dataclass
class DocumentParser:
    """Parses files into documents with sections and chunks. Stateless apart from its settings."""

    chunker: ChunkerConfig = field(default_factory=ChunkerConfig)
    max_bytes: int = DEFAULT_MAX_BYTES

    def parse_file(self, path: str | Path) -> ParsedDocument:
        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
        self._check_size(size)
        return self.parse_bytes(path.read_bytes(), path.name)

    def parse_bytes(self, data: bytes, source: str) -> ParsedDocument:
        self._check_size(len(data))
        return self.parse_raw(load_bytes(data, source))

    def parse_raw(self, raw: RawDocument) -> ParsedDocument:
        normalized = normalize_pages(raw.pages)
        if not normalized.text.strip():
            raise IngestError("no text found (a scan without a text layer needs OCR)")
        meta = extract_metadata(normalized.text)
        sections = parse_sections(normalized.text)
        chunks = chunk_document(normalized.text, sections, normalized.page_starts, meta, self.chunker)
        return ParsedDocument(
            doc_id=doc_id_for(raw.source),
            source=raw.source,
            media_type=raw.media_type,
            content_hash=raw.content_hash,
            meta=meta,
            text=normalized.text,
            page_starts=normalized.page_starts,
            sections=sections,
            chunks=chunks,
            warnings=list(raw.warnings),
            size_bytes=raw.size_bytes,
            page_count=len(raw.pages),
        )

    def _check_size(self, size: int) -> None:
        if size > self.max_bytes:
            raise IngestError(f"file is {size / 1e6:.1f} MB, over the {self.max_bytes / 1e6:.0f} MB limit")


def discover(paths: list[str | Path]) -> list[Path]:
    """Files to ingest under the given files and folders, in a stable order."""
    found: list[Path] = []
    for entry in map(Path, paths):
        if entry.is_dir():
            found += sorted(p for p in entry.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            found.append(entry)
    return found
