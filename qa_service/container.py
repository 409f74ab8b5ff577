"""Composition root: builds the pipeline's components from one Settings object."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from qa_service.settings import Settings


@dataclass
class Container:
    """Lazily built components sharing one store; tests build one over a temp directory."""

    settings: Settings

    @cached_property
    def embedder(self):
        from index.embedders import make_embedder

        s = self.settings
        return make_embedder(s.embedder, query_prefix=s.query_prefix, passage_prefix=s.passage_prefix)

    @cached_property
    def store(self):
        from index.store import NoticeStore

        return NoticeStore(self.settings.data_dir, self.embedder)

    @cached_property
    def parser(self):
        from ingest.chunker import ChunkerConfig
        from ingest.pipeline import DocumentParser

        s = self.settings
        return DocumentParser(chunker=ChunkerConfig(s.chunk_target_chars, s.chunk_max_chars),
                              max_bytes=int(s.max_file_mb * 1024 * 1024))

    @cached_property
    def ingest_runner(self):
        from qa_service.ingest_runner import IngestRunner

        return IngestRunner(self.parser, self.store)

    @cached_property
    def retriever(self):
        from index.retriever import HybridRetriever, RetrievalConfig

        s = self.settings
        return HybridRetriever(self.store, RetrievalConfig(mode=s.retrieval_mode, dense_weight=s.dense_weight,
                                                           lexical_weight=s.lexical_weight, rrf_k=s.rrf_k,
                                                           candidates=s.candidates))

    @cached_property
    def answerer(self):
        from qa_service.answering.extractive import ExtractiveAnswerer

        return ExtractiveAnswerer()

    @cached_property
    def service(self):
        from qa_service.service import QAService

        return QAService(self.retriever, self.answerer, top_k=self.settings.top_k)
