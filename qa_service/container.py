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

        return NoticeStore(self.settings.data_dir, self.embedder, read_only=self.settings.read_only)

    @cached_property
    def parser(self):
        from ingest.chunker import ChunkerConfig
        from ingest.pipeline import DocumentParser
        from ingest.sandbox import Limits

        s = self.settings
        return DocumentParser(chunker=ChunkerConfig(s.chunk_target_chars, s.chunk_max_chars),
                              max_bytes=int(s.max_file_mb * 1024 * 1024), max_pages=s.max_pages,
                              ocr_enabled=s.ocr_enabled, ocr_cache_dir=s.data_dir / "ocr-cache",
                              max_ocr_pages=s.max_ocr_pages, ocr_workers=s.ocr_workers, max_chunks=s.max_chunks,
                              pdf_limits=Limits(memory_mb=s.pdf_memory_mb))

    @cached_property
    def facts(self):
        """Tasks and indicators in the catalog's SQLite file; documents stored before facts existed are backfilled.

        Opens the catalog without the embedder, so ``notice-qa tasks`` starts fast.
        """
        from index.catalog import Catalog
        from index.database import refuses_writes
        from index.facts_store import FactsStore

        data_dir = self.settings.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        read_only = self.settings.read_only or refuses_writes(data_dir)
        catalog = Catalog(data_dir / "catalog.sqlite3", read_only=read_only)
        facts = FactsStore(catalog.path, read_only=read_only)
        facts.backfill(catalog)
        return facts

    @cached_property
    def ingest_runner(self):
        from qa_service.ingest_runner import IngestRunner

        return IngestRunner(self.parser, self.store, facts=self.facts, parse_ahead=self.settings.parse_ahead)

    @cached_property
    def retriever(self):
        from index.rerank import Reranker
        from index.retriever import HybridRetriever, RetrievalConfig

        s = self.settings
        reranker = None if s.rerank_model == "none" or s.retrieval_mode != "hybrid" else Reranker.load(
            None if s.rerank_model == "bundled" else s.rerank_model)
        return HybridRetriever(self.store, RetrievalConfig(mode=s.retrieval_mode, dense_weight=s.dense_weight,
                                                           lexical_weight=s.lexical_weight, rrf_k=s.rrf_k,
                                                           candidates=s.candidates, fusion=s.fusion,
                                                           restore_tones=s.restore_tones, date_boost=s.date_boost,
                                                           collapse_versions=s.collapse_versions), reranker)

    @cached_property
    def answerer(self):
        """The extractive answerer, or the LLM answerer (``answerer=llm``) falling back to it."""
        from qa_service.answering.context import StoreContext
        from qa_service.answering.extractive import ExtractiveAnswerer
        from qa_service.answering.facts import TaskRowSource
        from qa_service.answering.model import AnswerModel
        from qa_service.answering.signatures import SignatureSource

        s = self.settings
        sources = [SignatureSource(self.store)]
        if s.answer_from_tasks:
            sources.append(TaskRowSource(self.facts, self.store))
        model = None if s.answer_model == "none" else AnswerModel.load(
            None if s.answer_model == "bundled" else s.answer_model)
        if model is not None and model.retrieval_mode != s.ranking:
            model = None  # its retrieval features are on another scale: the hand rules decide
        extractive = ExtractiveAnswerer(context=StoreContext(self.store), sources=sources, model=model)
        if s.answerer != "llm":
            return extractive
        if not (s.llm_base_url and s.llm_model):
            raise ValueError("answerer=llm needs NOTICE_QA_LLM_BASE_URL and NOTICE_QA_LLM_MODEL")
        from qa_service.answering.llm import LLMAnswerer, LLMConfig

        return LLMAnswerer(LLMConfig(base_url=s.llm_base_url, model=s.llm_model, api_key=s.llm_api_key,
                                     temperature=s.llm_temperature, timeout_s=s.llm_timeout_s,
                                     max_passages=s.llm_max_passages), fallback=extractive)

    @cached_property
    def service(self):
        from qa_service.service import QAService

        return QAService(self.retriever, self.answerer, top_k=self.settings.top_k,
                         rerank_answers=self.settings.rerank_answers)

    @cached_property
    def archive(self):
        from qa_service.archive import Archive

        return Archive(self.store, self.service.search, window=self.settings.search_window)

    def with_query_settings(self, **overrides) -> "Container":
        """A container with query-time settings changed (retrieval, answering) sharing this one's embedder
        and store, so configurations compared side by side load the model and the index once.

        Overrides must not change what the store holds (data directory, embedder, ingestion settings).
        """
        derived = Container(Settings(**{**self.settings.model_dump(), **overrides}))
        derived.embedder, derived.store = self.embedder, self.store
        return derived
