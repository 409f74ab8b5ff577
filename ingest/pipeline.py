"""DocumentParser: one file in, one :class:`ParsedDocument` (or an :class:`IngestError`) out.

Steps: load pages (:mod:`ingest.loaders`), OCR pages without a text layer or with a garbled one
(:mod:`ingest.ocr`, :mod:`ingest.quality`), normalise (:mod:`ingest.normalize`), find regions and
sections (:mod:`ingest.structure`), read header facts (:mod:`ingest.metadata`) and chunk
(:mod:`ingest.chunker`).

Unreadable pages are never indexed: when OCR is unavailable (or disabled, or the scan is too long)
they are left out with a warning, and the document's status says so: ``needs_ocr`` when nothing
readable remains (stored without chunks), ``partial`` when some pages were left out.
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from ingest.chunker import ChunkerConfig, chunk_document
from ingest.loaders import DEFAULT_MAX_PAGES, SUPPORTED_SUFFIXES, load_bytes, pdf_start
from ingest.metadata import extract_metadata
from ingest.models import DocumentMeta, IngestError, Page, ParsedDocument, RawDocument
from ingest.normalize import normalize_pages
from ingest.ocr import TesseractOcr
from ingest.quality import score_text
from ingest.sandbox import Limits, run_limited
from ingest.structure import parse_sections

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_OCR_PAGES = 60
DEFAULT_MAX_CHUNKS = 10_000


def doc_id_for(source: str) -> str:
    """Stable id of a document: its file name, so re-ingesting a file replaces it."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]


@functools.cache
def _code_hash() -> str:
    """A hash of the ingest package's code and word lists: files stored by another parser are parsed again."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".txt") and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _page_list(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:20])) + (f" and {len(numbers) - 20} more" if len(numbers) > 20 else "")


@dataclass
class DocumentParser:
    """Parses files into documents with sections and chunks. Stateless apart from its settings.

    Args:
        chunker: chunk sizes.
        max_bytes: larger files are refused.
        max_pages: PDFs with more pages are refused before any text is extracted.
        ocr_enabled: OCR scanned or garbled pages when Tesseract is available.
        ocr_cache_dir: folder where OCR results are kept by file hash and page (None: no cache).
        max_ocr_pages: a document needing OCR on more pages is flagged instead of read.
        ocr_workers: pages of one scan read by Tesseract at once (one core each).
        max_chunks: a document cut into more passages is refused: embedding runs at a few passages a
            second on two cores, so an oversized text would hold the store's writer for hours.
        pdf_limits: PDFs are read (and OCRed) in a child process with this memory and time limit
            (:mod:`ingest.sandbox`); None reads them in this process.
    """

    chunker: ChunkerConfig = field(default_factory=ChunkerConfig)
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pages: int = DEFAULT_MAX_PAGES
    ocr_enabled: bool = True
    ocr_cache_dir: Path | None = None
    max_ocr_pages: int = DEFAULT_MAX_OCR_PAGES
    ocr_workers: int = 2
    max_chunks: int = DEFAULT_MAX_CHUNKS
    pdf_limits: Limits | None = field(default_factory=Limits)

    def __post_init__(self) -> None:
        self._ocr = TesseractOcr(cache_dir=Path(self.ocr_cache_dir) if self.ocr_cache_dir else None,
                                 workers=self.ocr_workers)

    @functools.cached_property
    def stamp(self) -> str:
        """What the parse of a file depends on besides its bytes: this parser's code and settings, and whether
        OCR can run. A file stored with the same bytes and stamp would parse the same, so ingest skips it
        without parsing (installing Tesseract, changing a setting or upgrading notice-qa parses it again)."""
        ocr = self.ocr_enabled and self._ocr.unavailable_reason is None
        settings = [asdict(self.chunker), self.max_bytes, self.max_pages, ocr, self.max_ocr_pages, self.max_chunks]
        return hashlib.sha256(f"{_code_hash()}{json.dumps(settings)}".encode()).hexdigest()[:24]

    def parse_file(self, path: str | Path) -> ParsedDocument:
        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
        self.check_size(size)
        return self.parse_bytes(path.read_bytes(), path.name)

    def parse_bytes(self, data: bytes, source: str) -> ParsedDocument:
        self.check_size(len(data))
        if self.pdf_limits is not None and pdf_start(data) >= 0:
            # PDFium inflates content streams in C, beyond any check here: PDFs are read in a bounded child.
            return run_limited(self._parse_bytes, data, source, limits=self.pdf_limits)
        return self._parse_bytes(data, source)

    def _parse_bytes(self, data: bytes, source: str) -> ParsedDocument:
        raw = load_bytes(data, source, self.max_pages)
        if raw.media_type == "application/pdf":
            raw = self._recognize(raw, data[max(0, pdf_start(data)):])
        return self.parse_raw(raw)

    def _recognize(self, raw: RawDocument, data: bytes) -> RawDocument:
        """OCR the pages that need it; pages that stay unreadable keep ``needs_ocr``."""
        wanted: dict[int, str] = {}
        for page in raw.pages:
            if page.needs_ocr:
                wanted[page.number] = "no text layer"
            elif page.text.strip():
                score = score_text(page.text)
                if score.garbled:
                    wanted[page.number] = f"garbled text layer (syllable share {score.syllable_share:.2f})"
        if not wanted:
            return raw
        numbers = sorted(wanted)
        reason = None if self.ocr_enabled else "OCR is disabled"
        reason = reason or self._ocr.unavailable_reason
        if reason is None and len(numbers) > self.max_ocr_pages:
            reason = f"{len(numbers)} pages need OCR, over the {self.max_ocr_pages}-page limit"
        texts: dict[int, str] = {}
        if reason is None:
            try:
                texts = self._ocr.recognize(data, numbers, raw.content_hash)
            except RuntimeError as exc:
                reason = str(exc)
        pages = []
        for page in raw.pages:
            if page.number not in wanted:
                pages.append(page)
            elif page.number in texts and not score_text(texts[page.number]).garbled:
                pages.append(Page(page.number, texts[page.number], ocr=True))
            else:
                pages.append(replace(page, text="", needs_ocr=True))
        read = [n for n in numbers if n in texts and not pages[n - 1].needs_ocr]
        if read:
            raw.warnings.append(f"OCR read page(s) {_page_list(read)} ("
                                + "; ".join(sorted({wanted[n] for n in read})) + ")")
        unread = [n for n in numbers if pages[n - 1].needs_ocr]
        if unread:
            why = reason or "OCR gave no readable Vietnamese text"
            raw.warnings.append(f"page(s) {_page_list(unread)} not indexed ("
                                + "; ".join(sorted({wanted[n] for n in unread})) + f"): {why}")
        raw.pages = pages
        raw.needs_ocr = bool(unread)
        return raw

    def parse_raw(self, raw: RawDocument) -> ParsedDocument:
        """Parse a loaded document (no OCR: pages still marked ``needs_ocr`` are left out)."""
        warnings = list(raw.warnings)
        pages, dropped, foreign = [], [], False
        for page in raw.pages:
            garbled = not page.ocr and bool(page.text.strip()) and score_text(page.text).garbled
            if page.needs_ocr or (garbled and raw.media_type == "application/pdf"):
                dropped.append(page.number)
                pages.append(Page(page.number, ""))
            else:
                # Typed text (TXT, DOC, DOCX) is what its author wrote: English, markup or an unknown encoding
                # is kept as written and said, while a PDF's garbled layer is a broken rendering OCR can replace.
                foreign = foreign or garbled
                pages.append(page)
        if foreign:
            warnings.append("the text does not read as Vietnamese with tone marks (another language, Vietnamese "
                            "typed without tone marks, markup or an unknown encoding); stored as written")
        if dropped and not any("not indexed" in w for w in warnings):
            warnings.append(f"page(s) {_page_list(dropped)} not indexed: no readable text layer and no OCR")
        normalized = normalize_pages(pages)
        ocr_pages = [p.number for p in pages if p.ocr]
        if not normalized.text.strip():
            if not dropped:
                raise IngestError("no text found")
            return self._unreadable(raw, warnings)
        sections = parse_sections(normalized)
        meta = extract_metadata(normalized.text, sections)
        chunks = chunk_document(normalized, sections, meta, self.chunker)
        if len(chunks) > self.max_chunks:
            raise IngestError(f"document has {len(chunks)} passages, over the {self.max_chunks}-passage limit; "
                              "split it into smaller files")
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
            footnotes=normalized.footnotes,
            status="partial" if dropped else "ok",
            warnings=warnings,
            size_bytes=raw.size_bytes,
            page_count=len(raw.pages),
            ocr_pages=ocr_pages,
        )

    def _unreadable(self, raw: RawDocument, warnings: list[str]) -> ParsedDocument:
        """A scan that could not be read: stored and flagged, with nothing indexed."""
        return ParsedDocument(
            doc_id=doc_id_for(raw.source), source=raw.source, media_type=raw.media_type,
            content_hash=raw.content_hash, meta=DocumentMeta(), text="", page_starts=[0] * len(raw.pages),
            sections=[], chunks=[], status="needs_ocr", warnings=warnings, size_bytes=raw.size_bytes,
            page_count=len(raw.pages),
        )

    def check_size(self, size: int) -> None:
        if size > self.max_bytes:
            mib = 1024 * 1024
            raise IngestError(f"file is {size / mib:.1f} MiB, over the {self.max_bytes / mib:.3g} MiB limit")


def unsupported(paths: list[str | Path]) -> list[Path]:
    """Files under the given folders that :func:`discover` leaves out for their type (hidden files aside), so a
    report can account for every file."""
    return [p for entry in map(Path, paths) if entry.is_dir() for p in sorted(entry.rglob("*"))
            if p.is_file() and p.suffix.lower() not in SUPPORTED_SUFFIXES and not p.name.startswith(".")]


def discover(paths: list[str | Path]) -> list[Path]:
    """Files to ingest under the given files and folders, in a stable order."""
    found: list[Path] = []
    for entry in map(Path, paths):
        if entry.is_dir():
            found += sorted(p for p in entry.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            found.append(entry)
    return found
