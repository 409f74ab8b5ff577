"""The interface every answerer implements."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from index.retriever import ScoredChunk

NOT_FOUND_VI = "Không tìm thấy thông tin trả lời câu hỏi này trong các văn bản đã lưu."


@dataclass
class CitedQuote:
    """Marker ``n`` in the answer refers to ``quote``, words taken from ``hit``'s passage."""

    marker: int
    hit: ScoredChunk
    quote: str


@dataclass
class Answer:
    text: str
    abstained: bool
    citations: list[CitedQuote] = field(default_factory=list)


class Answerer(Protocol):
    def answer(self, question: str, hits: list[ScoredChunk]) -> Answer: ...
