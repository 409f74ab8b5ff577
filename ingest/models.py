"""Data passed between the ingestion steps: file -> RawDocument -> ParsedDocument (sections, chunks).

Everything here is plain data so that the index and the service can store and
return it without knowing how it was produced.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class IngestError(Exception):
    """A file that cannot be turned into a document; the message is shown to the user as is."""


@dataclass(frozen=True)
class Block:
    """A paragraph whose extent the file states (a Word paragraph), a table row or a footnote.

    Loaders that know paragraph boundaries pass blocks, so normalisation does not have to guess
    them from line lengths. ``table`` numbers the table a row belongs to (-1 outside tables).
    """

    text: str
    kind: str = "paragraph"  # paragraph | table_header | table_row | footnote
    table: int = -1


@dataclass(frozen=True)
class Page:
    """The text of one printed page (1-based), as extracted or OCR'd.

    ``blocks`` is set by loaders that know paragraph boundaries (Word); ``text`` then holds the
    same paragraphs one per line. Without blocks, ``text`` holds printed lines to be rejoined.
    """

    number: int
    text: str
    ocr: bool = False
    blocks: tuple[Block, ...] = ()
    # A page with images but no text layer, or whose text layer is garbage: a candidate for OCR.
    needs_ocr: bool = False
    # The lines at the foot of a printed page set in smaller type (footnotes), kept apart from ``text``.
    notes: str = ""


@dataclass
class RawDocument:
    """What a loader read from one file, before any cleaning."""

    source: str  # file name as ingested; the document's identity in the store
    media_type: str  # "text/plain", "application/pdf", "application/vnd...docx"
    pages: list[Page]
    content_hash: str  # sha256 of the file bytes
    size_bytes: int = 0
    warnings: list[str] = field(default_factory=list)
    # A document that cannot be read without OCR that is not available: stored, flagged, not indexed.
    needs_ocr: bool = False


@dataclass
class DocumentMeta:
    """Header facts of an administrative document (Decree 30/2020/NĐ-CP layout); empty when not stated."""

    doc_type: str = ""  # THÔNG BÁO, KẾ HOẠCH, QUYẾT ĐỊNH, BÁO CÁO, CÔNG VĂN, CÔNG ĐIỆN, ...
    number: str = ""  # "05/TB-UBND"
    issuer: str = ""  # "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"
    place: str = ""
    date: str = ""  # ISO yyyy-mm-dd
    title: str = ""  # the abstract ("trích yếu") or the first heading
    signer: str = ""
    recipients: list[str] = field(default_factory=list)
    province: str = ""


@dataclass
class Section:
    """A node of the document's section tree, flattened in reading order.

    ``label`` is the full path ("II.2.4", "Điều 3.2.a", "Phụ lục I.2"); ``start``/``end``
    are character offsets into the normalised text, covering the section's heading and body
    including its subsections.
    """

    label: str
    title: str
    level: int
    start: int
    end: int
    parent: str | None = None
    # "region" for header/intro/closing/recipients/signature; otherwise the numbering that opened it:
    # part (Phần/Chương/Mục), article, appendix, form, roman, number, letter.
    kind: str = ""


@dataclass
class Chunk:
    """A retrievable passage: one item or a small run of items inside one section."""

    ordinal: int
    text: str  # the document's own words, cited as is
    embed_text: str  # text plus title and heading context, for embedding and lexical matching
    section: str  # label path, "" for text before the first section
    section_title: str
    section_titles: list[str]  # titles from the root down to ``section``
    page_start: int
    page_end: int
    char_start: int
    char_end: int
    lead_in: str = ""  # the sentence introducing the list this chunk is an item of
    content_hash: str = ""
    kind: str = "text"  # text | table (rows of a table) | footnote


@dataclass
class ParsedDocument:
    """A document ready for the index."""

    doc_id: str
    source: str
    media_type: str
    content_hash: str
    meta: DocumentMeta
    text: str  # normalised full text; chunk offsets point into it
    page_starts: list[int]  # page_starts[i] = offset where page i+1 begins in ``text``
    sections: list[Section]
    chunks: list[Chunk]
    footnotes: list[str] = field(default_factory=list)
    status: str = "ok"  # "ok" | "needs_ocr" (nothing readable, no chunks) | "partial" (some pages unreadable)
    warnings: list[str] = field(default_factory=list)
    size_bytes: int = 0
    page_count: int = 0
    ocr_pages: list[int] = field(default_factory=list)  # pages whose text came from OCR
