"""LangChain ``BaseRetriever`` adapter, so the hybrid retriever drops into LangChain chains."""
from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from index.retriever import HybridRetriever, SearchFilters


class NoticeRetriever(BaseRetriever):
    """Returns chunks as LangChain documents with citation metadata (source, section, pages, score).

    Args:
        retriever: the product's :class:`HybridRetriever`.
        k: documents returned per query.
        filters: restrictions applied inside retrieval (type, issuer, dates, source, section).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: HybridRetriever
    k: int = 10
    filters: SearchFilters | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.retriever.search(query, k=self.k, filters=self.filters)
        return [
            Document(
                page_content=hit.chunk.text,
                metadata={
                    "chunk_id": hit.chunk.chunk_id, "doc_id": hit.chunk.doc_id, "source": hit.chunk.source,
                    "title": hit.chunk.title, "section": hit.chunk.section,
                    "section_title": hit.chunk.section_title, "page_start": hit.chunk.page_start,
                    "page_end": hit.chunk.page_end, "doc_type": hit.chunk.doc_type, "number": hit.chunk.number,
                    "date": hit.chunk.date, "score": hit.score,
                },
            )
            for hit in hits
        ]
