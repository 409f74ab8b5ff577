"""QAService: retrieve passages and answer with citations, in the shared output contract."""
from __future__ import annotations

import time

from index.retriever import HybridRetriever, ScoredChunk, SearchFilters
from qa_service.answering.base import Answerer
from qa_service.schemas import AskResponse, Citation, Passage

MIN_PASSAGES = 10


def to_passage(hit: ScoredChunk) -> Passage:
    c = hit.chunk
    return Passage(doc_id=c.doc_id, source=c.source, title=c.title, section=c.section,
                   section_title=c.section_title, page_start=c.page_start, page_end=c.page_end, text=c.text,
                   score=round(hit.score, 6), doc_type=c.doc_type, number=c.number, date=c.date,
                   chunk_id=c.chunk_id)


class QAService:
    def __init__(self, retriever: HybridRetriever, answerer: Answerer, top_k: int = MIN_PASSAGES):
        self.retriever = retriever
        self.answerer = answerer
        self.top_k = top_k

    def search(self, query: str, k: int | None = None, filters: SearchFilters | None = None,
               timings: dict | None = None) -> list[ScoredChunk]:
        return self.retriever.search(query, k=k or self.top_k, filters=filters, timings=timings)

    def ask(self, question: str, k: int | None = None, filters: SearchFilters | None = None) -> AskResponse:
        started = time.perf_counter()
        timings: dict[str, float] = {}
        hits = self.search(question, k=max(k or self.top_k, MIN_PASSAGES), filters=filters, timings=timings)
        t = time.perf_counter()
        answer = self.answerer.answer(question, hits)
        timings["answer_ms"] = (time.perf_counter() - t) * 1000
        citations = [
            Citation(marker=q.marker, doc_id=q.hit.chunk.doc_id, source=q.hit.chunk.source, title=q.hit.chunk.title,
                     section=q.hit.chunk.section, section_title=q.hit.chunk.section_title,
                     page_start=q.hit.chunk.page_start, page_end=q.hit.chunk.page_end, text=q.quote,
                     doc_type=q.hit.chunk.doc_type, number=q.hit.chunk.number, date=q.hit.chunk.date)
            for q in answer.citations
        ]
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        return AskResponse(question=question, answer=answer.text, abstained=answer.abstained, citations=citations,
                           passages=[to_passage(h) for h in hits],
                           timings_ms={key: round(v, 2) for key, v in timings.items()})
