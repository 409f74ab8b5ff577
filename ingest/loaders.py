"""Loaders: read one file into a :class:`RawDocument` of pages, choosing the reader by content.

The reader is chosen from the file's first bytes, not only its extension, so a ``.pdf`` that is
really HTML is rejected with a clear message instead of being parsed as garbage.

PDF text comes from PDFium (``pypdfium2``), about twenty times faster than pypdf on the same
files (see ``docs/ingestion.md``); pypdf remains the reader where PDFium is not installed or
cannot open a file.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from ingest.docx_reader import read_docx_blocks
from ingest.encodings import decode_text, repair_legacy_text
from ingest.legacy_doc import OLE2_MAGIC, read_doc_blocks
from ingest.models import Block, IngestError, Page, RawDocument
from ingest.pdf_footnotes import footnote_lines
from ingest.pdf_stamps import page_text_with_stamps

SUPPORTED_SUFFIXES = (".txt", ".pdf", ".docx", ".doc")
DEFAULT_MAX_PAGES = 1500

MEDIA_TYPES = {
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Text shorter than this on a page with an image is a scan's stray marks, not a text layer.
MIN_PAGE_TEXT = 20


# Signing tools and mail gateways sometimes put bytes before a PDF's header; readers (Acrobat, PDFium) accept
# the header anywhere in the first 1024 bytes, and so does this one.
PDF_HEADER_WINDOW = 1024


def pdf_start(data: bytes) -> int:
    """Where the PDF header ``%PDF-`` starts within the first 1024 bytes, or -1."""
    return data.find(b"%PDF-", 0, PDF_HEADER_WINDOW)


def sniff_suffix(data: bytes, suffix: str) -> str:
    """The format the bytes really are in, or raise when they contradict the name."""
    if not data.strip():
        raise IngestError("empty file")
    if data.startswith(b"%PDF-") or (suffix == ".pdf" and pdf_start(data) > 0):
        kind = ".pdf"
    elif data.startswith(b"PK\x03\x04"):
        kind = ".docx"
    elif data.startswith(OLE2_MAGIC):
        kind = ".doc"
    elif b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("binary file of an unsupported format")
    else:
        kind = ".txt"
    if suffix == ".doc" and kind == ".docx":
        return kind  # a DOCX saved under the old name: read it as what it is
    if suffix in (".pdf", ".docx", ".doc") and kind != suffix:
        raise IngestError(f"file is named {suffix} but its content is not {suffix[1:].upper()}")
    if kind == ".doc" and suffix != ".doc":
        raise IngestError(f"file is named {suffix or '(no extension)'} but is a legacy Word (.doc) document")
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(f"unsupported file type {suffix or '(none)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}")
    return kind


def load_bytes(data: bytes, source: str, max_pages: int = DEFAULT_MAX_PAGES) -> RawDocument:
    """Read a document from bytes; ``source`` is the file name it is stored and cited under.

    Raises :class:`IngestError` for empty, mislabelled, damaged, encrypted or over-long files.
    """
    suffix = Path(source).suffix.lower()
    kind = sniff_suffix(data, suffix)
    if kind == ".pdf":
        raw = read_pdf(data[pdf_start(data):], source, max_pages)
    elif kind == ".docx":
        raw = _read_word(read_docx_blocks(data), source, MEDIA_TYPES[".docx"])
    elif kind == ".doc":
        raw = _read_word(read_doc_blocks(data), source, MEDIA_TYPES[".doc"])
    else:
        raw = _read_text(data, source)
    raw.content_hash = hashlib.sha256(data).hexdigest()
    raw.size_bytes = len(data)
    return raw


def load_file(path: str | Path, max_pages: int = DEFAULT_MAX_PAGES) -> RawDocument:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
    return load_bytes(data, path.name, max_pages)


def _read_text(data: bytes, source: str) -> RawDocument:
    text, encoding = decode_text(data)
    warnings = [] if encoding in ("UTF-8", "UTF-16") else [f"text converted from {encoding} to Unicode"]
    # A form feed is the only page break a plain text file can carry.
    pages = [Page(i + 1, part) for i, part in enumerate(text.split("\f"))]
    return RawDocument(source=source, media_type=MEDIA_TYPES[".txt"], pages=pages, content_hash="", warnings=warnings)


def _clean_pdf_text(text: str) -> str:
    # PDFium marks a word hyphenated across lines with U+FFFE and has already joined the halves.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe", "-").replace("\x02", "-")
    return CONTROL.sub("", text)


def _too_many_pages(count: int, max_pages: int) -> IngestError:
    return IngestError(f"PDF has {count} pages, over the {max_pages}-page limit; split it into parts")


def read_pdf(data: bytes, source: str, max_pages: int = DEFAULT_MAX_PAGES) -> RawDocument:
    """Pages of a PDF; pages with an image but (almost) no text are marked ``needs_ocr``."""
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c
    except ImportError:
        return _read_pdf_pypdf(data, source, max_pages)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise IngestError("PDF is encrypted with a password; upload an unprotected copy") from exc
        return _read_pdf_pypdf(data, source, max_pages)  # pypdf tolerates some damage PDFium does not
    try:
        count = len(pdf)
        if count == 0:
            raise IngestError("PDF has no pages")
        if count > max_pages:
            raise _too_many_pages(count, max_pages)
        pages = []
        for i in range(count):
            try:
                page = pdf[i]
            except pdfium.PdfiumError as exc:  # a page tree that loops or points nowhere
                raise IngestError(f"PDF is damaged or truncated: page {i + 1} cannot be read ({exc})") from exc
            textpage = page.get_textpage()
            content = textpage.get_text_range()
            # A scan is told by its content: a signature stamp's few words over the image do not make it text.
            scanned = False
            if len(_clean_pdf_text(content).strip()) < MIN_PAGE_TEXT:
                scanned = any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))
            notes = footnote_lines(textpage, content)
            # Stamps go inside lines (or after the last), so the footnote lines keep their places.
            lines = [line.rstrip("\r") for line in page_text_with_stamps(pdf, i, page, textpage, content).split("\n")]
            textpage.close()
            text = _clean_pdf_text("\n".join(line for k, line in enumerate(lines) if k not in notes))
            notes_text = _clean_pdf_text("\n".join(lines[k] for k in sorted(notes)))
            page.close()
            pages.append(Page(i + 1, text, needs_ocr=scanned, notes=notes_text))
    finally:
        pdf.close()
    return _with_legacy_repair(RawDocument(source=source, media_type=MEDIA_TYPES[".pdf"], pages=pages,
                                           content_hash=""))


def _read_pdf_pypdf(data: bytes, source: str, max_pages: int) -> RawDocument:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Many "encrypted" PDFs only restrict printing and open with an empty password.
            try:
                if not reader.decrypt(""):
                    raise IngestError("PDF is encrypted with a password; upload an unprotected copy")
            except (NotImplementedError, PdfReadError) as exc:
                raise IngestError(f"PDF is encrypted and cannot be opened: {exc}") from exc
        count = len(reader.pages)
        if count > max_pages:
            raise _too_many_pages(count, max_pages)
        pages = []
        for i, page in enumerate(reader.pages):
            text = _clean_pdf_text(page.extract_text() or "")
            scanned = len(text.strip()) < MIN_PAGE_TEXT and bool(page.images)
            pages.append(Page(i + 1, text, needs_ocr=scanned))
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise IngestError(f"PDF cannot be read (damaged or truncated): {exc}") from exc
    if not pages:
        raise IngestError("PDF has no pages")
    return _with_legacy_repair(RawDocument(source=source, media_type=MEDIA_TYPES[".pdf"], pages=pages,
                                           content_hash=""))


def _with_legacy_repair(raw: RawDocument) -> RawDocument:
    """PDFs typed in TCVN3/VNI fonts without a Unicode map extract as Western gibberish: convert them."""
    pages, converted = [], set()
    for page in raw.pages:
        text, encoding = repair_legacy_text(page.text) if page.text.strip() else (page.text, "")
        if encoding:
            converted.add(encoding)
        notes = repair_legacy_text(page.notes)[0] if encoding and page.notes.strip() else page.notes
        pages.append(replace(page, text=text, notes=notes))
    raw.pages = pages
    raw.warnings += [f"text layer converted from {name} to Unicode" for name in sorted(converted)]
    return raw


def _read_word(blocks: list[Block], source: str, media_type: str) -> RawDocument:
    """A Word body (DOCX, or .doc through its converter) as one page of blocks."""
    joined = "\n".join(block.text for block in blocks)
    repaired, encoding = repair_legacy_text(joined)
    warnings = []
    if encoding:
        warnings.append(f"text converted from {encoding} to Unicode")
        converted = repaired.split("\n")
        blocks = [Block(text, block.kind, block.table) for text, block in zip(converted, blocks)]
    # Word files have no fixed pages; the whole body is page 1.
    page = Page(1, "\n".join(block.text for block in blocks), blocks=tuple(blocks))
    return RawDocument(source=source, media_type=media_type, pages=[page], content_hash="", warnings=warnings)
