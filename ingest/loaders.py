"""Loaders: read one file into a :class:`RawDocument` of pages, choosing the reader by content.

The reader is chosen from the file's first bytes, not only its extension, so a ``.pdf`` that is
really HTML is rejected with a clear message instead of being parsed as garbage.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ingest.models import IngestError, Page, RawDocument

SUPPORTED_SUFFIXES = (".txt", ".pdf", ".docx")

MEDIA_TYPES = {
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def sniff_suffix(data: bytes, suffix: str) -> str:
    """The format the bytes really are in, or raise when they contradict the name."""
    if not data.strip():
        raise IngestError("empty file")
    if data.startswith(b"%PDF-"):
        kind = ".pdf"
    elif data.startswith(b"PK\x03\x04"):
        kind = ".docx"
    elif b"\x00" in data[:4096]:
        raise IngestError("binary file of an unsupported format")
    else:
        kind = ".txt"
    if suffix in (".pdf", ".docx") and kind != suffix:
        raise IngestError(f"file is named {suffix} but its content is not {suffix[1:].upper()}")
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(f"unsupported file type {suffix or '(none)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}")
    return kind


def load_bytes(data: bytes, source: str) -> RawDocument:
    """Read a document from bytes; ``source`` is the file name it is stored and cited under."""
    suffix = Path(source).suffix.lower()
    kind = sniff_suffix(data, suffix)
    reader = {".txt": _read_text, ".pdf": _read_pdf, ".docx": _read_docx}[kind]
    raw = reader(data, source)
    raw.content_hash = hashlib.sha256(data).hexdigest()
    raw.size_bytes = len(data)
    return raw


def load_file(path: str | Path) -> RawDocument:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
    return load_bytes(data, path.name)


def _decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IngestError("text file is not UTF-8 or UTF-16; convert it to UTF-8")


def _read_text(data: bytes, source: str) -> RawDocument:
    text = _decode_text(data)
    # A form feed is the only page break a plain text file can carry.
    pages = [Page(i + 1, part) for i, part in enumerate(text.split("\f"))]
    return RawDocument(source=source, media_type=MEDIA_TYPES[".txt"], pages=pages, content_hash="")


def _read_pdf(data: bytes, source: str) -> RawDocument:
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
        pages = [Page(i + 1, page.extract_text() or "") for i, page in enumerate(reader.pages)]
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise IngestError(f"PDF cannot be read (damaged or truncated): {exc}") from exc
    if not pages:
        raise IngestError("PDF has no pages")
    return RawDocument(source=source, media_type=MEDIA_TYPES[".pdf"], pages=pages, content_hash="")


def _read_docx(data: bytes, source: str) -> RawDocument:
    import io
    import zipfile

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(f"DOCX cannot be read (damaged, or not a Word document): {exc}") from exc
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(element, document).text)
        elif tag == "tbl":
            for row in Table(element, document).rows:
                # Header tables put the issuer beside the motto and the number beside the date:
                # one cell per line keeps each fact on its own line.
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    lines.append(cell.text)
    # Word files have no fixed pages; the whole body is page 1.
    return RawDocument(
        source=source, media_type=MEDIA_TYPES[".docx"], pages=[Page(1, "\n".join(lines))], content_hash=""
    )
