"""The output contract shared by the CLI (``--json``) and the HTTP API.

Later versions may add fields; existing fields keep their names and meaning.
"""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Passage(BaseModel):
    """A retrieved chunk with the facts needed to cite it."""

    doc_id: str
    source: str = Field(description="File name as ingested.")
    title: str
    section: str = Field(description='Section label path, e.g. "II.2.4"; "" before the first section.')
    section_title: str
    page_start: int
    page_end: int
    text: str
    score: float
    doc_type: str = ""
    number: str = ""
    date: str = ""
    chunk_id: int = 0
    char_start: int = Field(0, description="Where the passage starts in the document text (code points).")
    char_end: int = 0
    other_versions: list[str] = Field(default_factory=list, description="Files of other versions of the document "
                                      "(a draft, a copy) that hold the same passage.")


class Citation(BaseModel):
    marker: int = Field(description="The n of the [n] marker in the answer.")
    doc_id: str
    source: str
    title: str
    section: str
    section_title: str
    page_start: int
    page_end: int
    text: str = Field(description="The quoted words of the document.")
    doc_type: str = ""
    number: str = ""
    date: str = ""
    chunk_id: int = Field(0, description="The passage the quote was taken from.")
    char_start: int = Field(0, description="Where the quoted words start in the document text (code points); "
                                           "with char_end, what GET /v1/documents/{doc_id} text to highlight.")
    char_end: int = 0
    spans: list[tuple[int, int]] = Field(default_factory=list, description="Where each quoted piece stands in the "
                                         "document text ([start, end) code points): a lead-in and its item are two "
                                         "spans, without the lines between them.")
    other_versions: list[str] = Field(default_factory=list, description="Files of other versions of the document "
                                      "that hold the same passage.")


class DocumentFilters(BaseModel):
    """Restrictions on the documents searched or listed; empty fields do not filter.

    Type and issuer compare case- and tone-insensitively (``issuer=lam dong`` matches
    ``ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG``, ``doc_type=thong bao`` matches ``THÔNG BÁO``).
    """

    model_config = ConfigDict(extra="forbid")

    doc_type: str = Field("", max_length=100, description='Document type, e.g. "THÔNG BÁO" or "thong bao".')
    issuer: str = Field("", max_length=200, description="Part of the issuing body's name, or a province.")
    date_from: date | None = Field(None, description="Issued on or after (ISO date).")
    date_to: date | None = Field(None, description="Issued on or before (ISO date).")
    source: str = Field("", max_length=300, description="Exact file name as ingested.")
    folder: str = Field("", max_length=300, description="Part of the name of the folder (an archive's dossier) the "
                                                       "file was read from, tone-insensitive.")
    role: Literal["", "draft", "issued"] = Field("", description='Only drafts ("draft") or issued, signed versions '
                                                                '("issued").')

    @model_validator(mode="after")
    def _dates_in_order(self) -> DocumentFilters:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        return self


class SearchFilterFields(DocumentFilters):
    """Document filters plus a section prefix ("II.2" matches II.2 and II.2.4)."""

    section: str = Field("", max_length=100, pattern=r"^[^%_\\]*$",
                         description='Section label prefix, e.g. "II.2".')


def _non_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty or only whitespace")
    return value


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=2000)
    k: int = Field(10, ge=1, le=100, description="Passages to return.")
    filters: SearchFilterFields | None = Field(None, description="Answer only from the matching documents.")

    _question_not_blank = field_validator("question")(_non_blank)


class AskResponse(BaseModel):
    question: str
    answer: str
    abstained: bool
    confidence: float | None = Field(
        None, description="Estimated probability (calibrated on held-out questions) that the answer holds the "
                          "facts asked for; null where no model estimated it (true/false and choice questions, "
                          "the LLM answerer, answer_model=none).")
    abstain_reason: str = Field("", description="Why the answer was withheld (empty when it was given).")
    citations: list[Citation]
    passages: list[Passage]
    timings_ms: dict[str, float]


class SearchHit(Passage):
    """A passage in archive search results, with where the query's words occur in ``text``."""

    rank: int = Field(0, description="1-based rank in the whole result list.")
    highlights: list[tuple[int, int]] = Field(
        default_factory=list,
        description="[start, end) code-point offsets into text of the query's words, in order; render as text.")


class DocumentGroup(BaseModel):
    """One document's passages among the results (``group=true``)."""

    doc_id: str
    source: str
    title: str
    doc_type: str = ""
    number: str = ""
    date: str = ""
    best_rank: int
    hits: int = Field(description="How many of the results are from this document.")
    passages: list[SearchHit]


class SearchResponse(BaseModel):
    passages: list[SearchHit]
    query: str = ""
    terms: list[str] = Field(default_factory=list, description="The query's words that are marked.")
    total: int = Field(0, description="Ranked results available (passages, or documents when grouped); "
                                      "capped by the search window.")
    offset: int = 0
    limit: int = 0
    groups: list[DocumentGroup] | None = None


class PageParams(BaseModel):
    """Pagination by ``offset``/``limit``, or by 1-based ``page`` of ``limit`` items."""

    model_config = ConfigDict(extra="forbid")

    offset: int = Field(0, ge=0, le=100_000)
    limit: int = Field(50, ge=1, le=1000)
    page: int | None = Field(None, ge=1, le=10_000, description="1-based page; instead of offset.")
    format: Literal["json", "csv"] | None = Field(
        None, description="Export: csv, or json as a download; absent for the plain JSON response.")

    @model_validator(mode="after")
    def _page_or_offset(self) -> PageParams:
        if self.page is not None:
            if self.offset:
                raise ValueError("give page or offset, not both")
            self.offset = (self.page - 1) * self.limit
        return self


class SearchParams(PageParams, SearchFilterFields):
    q: str = Field(min_length=1, max_length=2000, description="The query.")
    limit: int = Field(10, ge=1, le=200, description="Results per page (documents when grouped).")
    k: int | None = Field(None, ge=1, le=200, description="Same as limit (kept from the first API version).")
    group: bool = Field(False, description="Group the results by document.")
    per_document: int = Field(3, ge=1, le=20, description="Passages shown per document when grouped.")

    _q_not_blank = field_validator("q")(_non_blank)

    @model_validator(mode="before")
    @classmethod
    def _k_is_limit(cls, data):
        if isinstance(data, dict) and data.get("k") is not None and data.get("limit") is None:
            data = {**data, "limit": data["k"]}
        return data


class DocumentListParams(PageParams, DocumentFilters):
    q: str = Field("", max_length=500, description="Words that must all occur in the title (abstract), number "
                                                   "or file name.")
    sort: Literal["date_desc", "date_asc", "source"] = "date_desc"


class DocumentSummary(BaseModel):
    doc_id: str
    source: str
    media_type: str
    status: str = Field(description='"ok", or "needs_ocr" for a stored scan that is not searchable.')
    doc_type: str = ""
    number: str = ""
    issuer: str = ""
    province: str = ""
    place: str = ""
    date: str = ""
    title: str = ""
    signer: str = ""
    page_count: int = 0
    size_bytes: int = 0
    chunk_count: int = 0
    ingested_at: float = 0.0
    warnings: list[str] = Field(default_factory=list)
    version_group: str = Field("", description="The doc_id of the first stored version of the same text; "
                                               "documents sharing it are versions (drafts, signed, copies).")
    version_role: str = Field("", description='"draft", "issued" or "" (not known).')
    folder: str = Field("", description="The folder (an archive's dossier) the file was read from; empty for uploads.")


class DocumentList(BaseModel):
    total: int
    offset: int
    limit: int
    documents: list[DocumentSummary]


class SectionNode(BaseModel):
    """A node of the section tree, flattened in reading order (``parent`` links the tree)."""

    label: str
    title: str
    level: int
    parent: str | None = None
    start: int = Field(description="Offset of the section (heading and body) in the document text.")
    end: int
    page_start: int | None = None
    page_end: int | None = None


class DocumentDetail(DocumentSummary):
    recipients: list[str] = Field(default_factory=list)
    footnotes: list[str] = Field(default_factory=list)
    sections: list[SectionNode]
    text: str | None = Field(None, description="The normalised text, with include_text=true.")


class Facets(BaseModel):
    """Values present in the store, for filter menus."""

    doc_types: list[str]
    issuers: list[str]
    provinces: list[str]
    date_min: str = ""
    date_max: str = ""


class UploadOutcome(BaseModel):
    source: str = Field(description="The (sanitised) file name the document is stored under.")
    status: Literal["added", "replaced", "duplicate", "unchanged", "flagged", "error"] = Field(
        description='"duplicate": stored, and the same file bytes are already stored under another name.')
    chunks: int = 0
    doc_id: str = ""
    message: str = ""
    version_of: str = Field("", description="The stored file this one is another version (or a copy) of.")
    version_role: str = Field("", description='"draft", "issued" or "" (not known).')


class UploadResponse(BaseModel):
    files: list[UploadOutcome]
    summary: str
    detail: str = ""


class DeleteResponse(BaseModel):
    doc_id: str
    source: str
    deleted: bool


class FieldError(BaseModel):
    field: str
    message: str


class ErrorResponse(BaseModel):
    detail: str
    errors: list[FieldError] = Field(default_factory=list)
