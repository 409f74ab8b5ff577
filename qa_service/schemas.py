"""The output contract shared by the CLI (``--json``) and the HTTP API.

Later versions may add fields; existing fields keep their names and meaning.
"""
from __future__ import annotations

from pydantic import BaseModel, Field


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


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    k: int = Field(10, ge=1, le=100, description="Passages to return.")


class AskResponse(BaseModel):
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    passages: list[Passage]
    timings_ms: dict[str, float]


class SearchResponse(BaseModel):
    passages: list[Passage]
