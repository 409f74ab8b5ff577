"""Signature blocks as statements for "who signed ...?" questions.

A signature block ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Nguyễn Ngọc Phúc") shares almost no words with a
question that names its document by subject, so retrieval seldom ranks it high even when the
document itself comes first. For a question asking who signed, this source proposes the block of
each of the best documents; the scorer then weighs it like any passage unit (see ``scoring``).
"""
from __future__ import annotations

from dataclasses import dataclass

from index.retriever import ScoredChunk, SearchFilters
from index.store import NoticeStore
from qa_service.answering.base import Statement
from qa_service.answering.question import SIGNER, QuestionAnalysis

SIGNATURE_SECTION = "signature"


@dataclass(frozen=True)
class SignatureConfig:
    documents: int = 2  # best-ranked documents whose signature block is proposed


class SignatureSource:
    """A :class:`~qa_service.answering.base.StatementSource` of the best documents' signature blocks.

    Args:
        store: where the blocks are looked up (the chunks of section ``signature``).
        config: how many documents.
    """

    def __init__(self, store: NoticeStore, config: SignatureConfig = SignatureConfig()):
        self.store = store
        self.config = config

    def statements(self, analysis: QuestionAnalysis, hits: list[ScoredChunk],
                   filters: SearchFilters | None = None) -> list[Statement]:
        if SIGNER not in analysis.facets:
            return []
        retrieved = {h.chunk.chunk_id for h in hits}
        documents = list(dict.fromkeys(h.chunk.doc_id for h in hits))[: self.config.documents]
        found = []
        for doc_id in documents:  # the hits already satisfy the filters, and so do their documents' blocks
            ids = self.store.catalog.chunk_ids_where("c.doc_id = ? AND c.section = ?", [doc_id, SIGNATURE_SECTION])
            for chunk in self.store.chunks([int(i) for i in ids if int(i) not in retrieved]).values():
                if chunk.text.strip():
                    found.append(Statement(hit=ScoredChunk(chunk=chunk, score=0.0), text=chunk.text.strip()))
        return found
