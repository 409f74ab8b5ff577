"""QAService: retrieve passages and answer with citations, in the shared output contract."""
from __future__ import annotations

import time
from collections.abc import Iterator

from index.catalog import ChunkRecord
from index.retriever import HybridRetriever, ScoredChunk, SearchFilters
from qa_service.answering.base import QUOTE_JOINER, Answer, Answerer, CitedQuote, Token
from qa_service.answering.queries import lexical_gloss
from qa_service.schemas import AskResponse, Citation, Passage

MIN_PASSAGES = 10
STATEMENT_TITLE_CHARS = 120


def heading_title(chunk: ChunkRecord) -> str:
    """The title shown over a passage: its section's, or the nearest enclosing section's when the section's
    "title" is the first sentence of an item ("a) Chỉ số CCHC bám sát nội dung … của…"), which would
    only repeat the quoted words above them."""
    for title in reversed(chunk.section_titles or [chunk.section_title]):
        stripped = title.strip()
        if stripped and not (stripped.endswith(("…", ".", ";")) or len(stripped) > STATEMENT_TITLE_CHARS):
            return title
    return ""


def to_passage(hit: ScoredChunk) -> Passage:
    c = hit.chunk
    return Passage(doc_id=c.doc_id, source=c.source, title=c.title, section=c.section,
                   section_title=heading_title(c), page_start=c.page_start, page_end=c.page_end, text=c.text,
                   score=round(hit.score, 6), doc_type=c.doc_type, number=c.number, date=c.date,
                   chunk_id=c.chunk_id, char_start=c.char_start, char_end=c.char_end,
                   other_versions=hit.other_versions)


def to_citation(quote: CitedQuote) -> Citation:
    """The citation of a quote, with where the quoted words stand in the document text (the whole
    passage when the answerer reworded them)."""
    c = quote.hit.chunk
    # A quote may join several pieces (QUOTE_JOINER), one of them perhaps the lead-in of a parent section
    # standing outside the passage: span the pieces found in the passage.
    found = sorted((c.char_start + at, c.char_start + at + len(piece))
                   for piece in (quote.quote.split(QUOTE_JOINER) if quote.quote else [])
                   if piece and (at := c.text.find(piece)) >= 0)
    start, end = (found[0][0], max(b for _, b in found)) if found else (c.char_start, c.char_end)
    return Citation(marker=quote.marker, doc_id=c.doc_id, source=c.source, title=c.title, section=c.section,
                    section_title=heading_title(c), page_start=c.page_start, page_end=c.page_end, text=quote.quote,
                    doc_type=c.doc_type, number=c.number, date=c.date, chunk_id=c.chunk_id,
                    char_start=start, char_end=end, spans=found or [(start, end)],
                    other_versions=quote.hit.other_versions)


class QAService:
    """Search and answers over one retriever and one answerer.

    ``rerank_answers``: answers are read from the re-ranked passages (the retriever's re-ranker) instead of
    the fused order; search always uses the re-ranker when the retriever has one (docs/retrieval.md).
    """

    def __init__(self, retriever: HybridRetriever, answerer: Answerer, top_k: int = MIN_PASSAGES,
                 rerank_answers: bool = False):
        self.retriever = retriever
        self.answerer = answerer
        self.top_k = top_k
        self.rerank_answers = rerank_answers

    def search(self, query: str, k: int | None = None, filters: SearchFilters | None = None,
               timings: dict | None = None) -> list[ScoredChunk]:
        return self.retriever.search(query, k=k or self.top_k, filters=filters, timings=timings)

    def retrieve(self, question: str, k: int, filters: SearchFilters | None = None,
                 timings: dict | None = None) -> list[ScoredChunk]:
        """The passages a question is answered from; an English question's lexical search also gets its
        Vietnamese gloss (see ``answering.queries``)."""
        return self.retriever.search(question, k=k, filters=filters, timings=timings,
                                     lexical_extra=lexical_gloss(question), rerank=self.rerank_answers)

    def ask(self, question: str, k: int | None = None, filters: SearchFilters | None = None) -> AskResponse:
        started = time.perf_counter()
        timings: dict[str, float] = {}
        hits = self.retrieve(question, k=max(k or self.top_k, MIN_PASSAGES), filters=filters, timings=timings)
        t = time.perf_counter()
        answer = self.answerer.answer(question, hits, filters)
        timings["answer_ms"] = (time.perf_counter() - t) * 1000
        return self._response(question, hits, answer, timings, started)

    def ask_stream(self, question: str, k: int | None = None,
                   filters: SearchFilters | None = None) -> Iterator[str | AskResponse]:
        """The answer's text as the answerer produces it (strings), then the full :class:`AskResponse`.

        The final response is authoritative: an LLM answer whose citations fail the checks is
        replaced there by the extractive answer, after its text was streamed.
        """
        started = time.perf_counter()
        timings: dict[str, float] = {}
        hits = self.retrieve(question, k=max(k or self.top_k, MIN_PASSAGES), filters=filters, timings=timings)
        t = time.perf_counter()
        answer: Answer | None = None
        for event in self.answerer.stream(question, hits, filters):
            if isinstance(event, Token):
                yield event.text
            else:
                answer = event
        timings["answer_ms"] = (time.perf_counter() - t) * 1000
        yield self._response(question, hits, answer, timings, started)

    @staticmethod
    def _response(question: str, hits: list[ScoredChunk], answer: Answer, timings: dict[str, float],
                  started: float) -> AskResponse:
        citations = [to_citation(q) for q in answer.citations]
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        return AskResponse(question=question, answer=answer.text, abstained=answer.abstained,
                           confidence=answer.confidence, abstain_reason=answer.reason if answer.abstained else "",
                           citations=citations,
                           passages=[to_passage(h) for h in hits],
                           timings_ms={key: round(v, 2) for key, v in timings.items()})
