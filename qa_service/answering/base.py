"""The interface every answerer implements, and the values answerers exchange with the service."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from index.retriever import ScoredChunk, SearchFilters

if TYPE_CHECKING:
    from qa_service.answering.question import QuestionAnalysis

NOT_FOUND_VI = "Không tìm thấy thông tin trả lời câu hỏi này trong các văn bản đã lưu."
QUOTE_JOINER = " … "  # between the pieces of one passage that a quote joins


@dataclass
class CitedQuote:
    """Marker ``n`` in the answer refers to ``quote``, words taken from ``hit``'s passage.

    ``quote`` is the document's own text: one unit, or several units of the same passage joined
    with :data:`QUOTE_JOINER` (an assignment's introducing sentence and the item, for instance).
    """

    marker: int
    hit: ScoredChunk
    quote: str


@dataclass
class Answer:
    """An answer with ``[n]`` markers, or an abstention (``abstained``) with the reason it was withheld."""

    text: str
    abstained: bool
    citations: list[CitedQuote] = field(default_factory=list)
    reason: str = ""  # why the answer was withheld (abstentions) or how it was produced (e.g. a fallback)
    confidence: float | None = None  # calibrated probability that the answer is right, when a model estimated it


@dataclass
class Token:
    """A piece of answer text produced while streaming; the final :class:`Answer` follows the tokens."""

    text: str


@dataclass
class Statement:
    """A candidate answer sentence contributed by a component other than passage splitting.

    Structured evidence (for instance a task row: lead agency, coordinators, deadline) enters the
    extractive answerer as statements. ``text`` must be words of ``hit``'s passage so that the
    citation quotes the document; ``lead`` is the sentence that introduces it, when there is one
    (by default the one introducing the passage's words there). ``deadlines`` are the ISO dates the
    statement is due by, when the source knows them: only such statements answer a question that
    filters by deadline ("what is due before 31/01/2024?").
    """

    hit: ScoredChunk
    text: str
    lead: str = ""
    deadlines: tuple[str, ...] = ()
    deadline_text: str = ""  # the deadline as written, kept visible when the answer shortens the statement


class StatementSource(Protocol):
    """Something that proposes statements for a question, beside the retrieved passages.

    ``hits`` are the retrieved passages, best first; a source may also cite passages that retrieval
    did not return, from the documents ``filters`` allows (all when None).
    """

    def statements(self, analysis: QuestionAnalysis, hits: list[ScoredChunk],
                   filters: SearchFilters | None = None) -> list[Statement]: ...


class Answerer(ABC):
    """Turns a question and its ranked passages into an :class:`Answer`.

    Implementations answer only from ``hits`` and cite them with ``[n]`` markers whose numbers
    match ``Answer.citations``; they abstain (``abstained=True``, ``NOT_FOUND_VI``) when the
    passages do not answer the question.
    """

    @abstractmethod
    def answer(self, question: str, hits: list[ScoredChunk], filters: SearchFilters | None = None) -> Answer:
        """The answer to ``question`` from ``hits`` (best first), retrieved within ``filters``."""

    def stream(self, question: str, hits: list[ScoredChunk],
               filters: SearchFilters | None = None) -> Iterator[Token | Answer]:
        """Answer text as it is produced, then the final :class:`Answer` (which is authoritative).

        The default produces the whole answer at once; answerers that generate text override it.
        """
        answer = self.answer(question, hits, filters)
        yield Token(answer.text)
        yield answer
