"""Task rows as answer statements: who must do what, by when, from every stored notice.

Retrieval returns the ten passages closest to a question; a question gathering tasks ("Sở Tài chính
có những nhiệm vụ gì?", "What is due before 31/01/2024?", "Sở nào phải báo cáo trước ngày ...?")
needs every task that matches, wherever it stands. The task rows extracted at ingest
(:mod:`ingest.facts`, stored by :class:`index.facts_store.FactsStore`) are looked up by the agency
the question names and by its deadline bound, and each row becomes a :class:`Statement`: the row's
``text`` (the document's own words) in the passage that holds it, with the row's deadline. The
extractive answerer scores statements like the passages' own units, so rows follow the same
citation form, the same detail checks and the same abstention.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from index.catalog import ChunkRecord
from index.facts_store import FactsStore, TaskRow
from index.retriever import ScoredChunk, SearchFilters
from index.store import NoticeStore
from ingest.vietnamese import fold_key
from qa_service.answering.base import Statement
from qa_service.answering.question import DEADLINE, LIST_KIND, RESPONSIBILITY, QuestionAnalysis

# Asking about coordination ("phối hợp với ai", "cùng") reads an agency's rows as coordinator too.
_COORDINATION = (" phoi hop ", " cung ", " coordinat", " cooperat", " together with ")


@dataclass(frozen=True)
class TaskRowConfig:
    """How many rows one question turns into statements (the best-matching first)."""

    max_rows: int = 40


class TaskRowSource:
    """A :class:`~qa_service.answering.base.StatementSource` over the stored task rows.

    Rows are proposed for responsibility, deadline and list questions that name an agency, and for
    any question with a deadline bound; other questions are left to the passages.

    Args:
        facts: the task rows.
        store: the passages the rows stand in (a row is cited with its passage).
        config: how many rows per question.
    """

    def __init__(self, facts: FactsStore, store: NoticeStore, config: TaskRowConfig = TaskRowConfig()):
        self.facts = facts
        self.store = store
        self.config = config
        self._lock = threading.Lock()
        self._generation = -1
        self._chunks: dict[str, list[ChunkRecord]] = {}

    def statements(self, analysis: QuestionAnalysis, hits: list[ScoredChunk],
                   filters: SearchFilters | None = None) -> list[Statement]:
        rows = self.rows(analysis)
        if not rows:
            return []
        allowed = None
        if filters is not None and not filters.is_empty():
            where, params = filters.to_sql()
            allowed = {int(i) for i in self.store.catalog.chunk_ids_where(where, params)}
        retrieved = {}
        for hit in hits:
            retrieved.setdefault(hit.chunk.chunk_id, hit)
        found: list[Statement] = []
        for row in rows:
            placed = self._place(row)
            if placed is None:
                continue
            chunk, text = placed
            if allowed is not None and chunk.chunk_id not in allowed:
                continue
            hit = retrieved.get(chunk.chunk_id) or ScoredChunk(chunk=chunk, score=0.0)
            found.append(Statement(hit=hit, text=text, deadlines=(row.deadline,) if row.deadline else (),
                                   deadline_text=row.deadline_text if row.deadline_text in text else ""))
        return found

    def rows(self, analysis: QuestionAnalysis) -> list[TaskRow]:
        """The task rows a question asks about, at most ``max_rows``, those sharing most of its words first."""
        bound = analysis.bound
        if not bound and not (analysis.agencies and analysis.kind in (RESPONSIBILITY, DEADLINE, LIST_KIND)):
            return []
        before, after = (bound.before, bound.after) if bound else (None, None)
        padded = f" {fold_key(analysis.text)} "
        role = "any" if any(word in padded for word in _COORDINATION) else "lead"
        if analysis.agencies:
            rows = {}
            for agency in analysis.agencies:
                for row in self.facts.tasks(agency=agency.name, due_before=before, due_after=after, role=role):
                    rows.setdefault(row.task_id, row)
            found = list(rows.values())
        else:
            found = self.facts.tasks(due_before=before, due_after=after)
        terms = set(analysis.terms)

        def shared(row: TaskRow) -> int:
            return len(terms & set(fold_key(f"{row.text} {row.section_title}").split()))

        return sorted(found, key=shared, reverse=True)[: self.config.max_rows]

    # -- passages ----------------------------------------------------------------------------
    def _document_chunks(self, doc_id: str) -> list[ChunkRecord]:
        with self._lock:
            generation = self.store.catalog.generation
            if generation != self._generation:
                self._chunks.clear()
                self._generation = generation
            if doc_id not in self._chunks:
                ids = [int(i) for i in self.store.catalog.chunk_ids_where("c.doc_id = ?", [doc_id])]
                self._chunks[doc_id] = sorted(self.store.chunks(ids).values(), key=lambda c: c.char_start)
            return self._chunks[doc_id]

    def _place(self, row: TaskRow) -> tuple[ChunkRecord, str] | None:
        """The passage holding a row and the row's words in it (the part inside it, when the row runs over)."""
        holders = [c for c in self._document_chunks(row.doc_id) if c.char_start <= row.char_start < c.char_end]
        for chunk in holders:
            if row.text in chunk.text:
                return chunk, row.text
        for chunk in holders:
            part = chunk.text[row.char_start - chunk.char_start: min(row.char_end, chunk.char_end) - chunk.char_start]
            if part.strip() and part.strip() in chunk.text:
                return chunk, part.strip()
        return None
