"""Retrieval on the real shared corpus: incremental re-ingest and the dev-set quality floors."""
from __future__ import annotations

import pytest

from eval.bench_retrieval import score_retrieval
from eval.datasets import load_notices
from index.retriever import HybridRetriever, RetrievalConfig

pytestmark = pytest.mark.shared


def test_reingesting_the_whole_corpus_adds_nothing(shared_container, shared_dir):
    store = shared_container.store
    chunks, generation = store.catalog.count_chunks(), store.catalog.generation
    report = shared_container.ingest_runner.ingest_paths([shared_dir / "corpus"])
    stored = [f for f in report.files if f.status != "error"]
    assert stored and {f.status for f in stored} == {"unchanged"}
    assert store.catalog.count_chunks() == chunks and store.catalog.generation == generation
    assert store.dense.size == store.lexical.size == chunks


def test_dev_questions_meet_the_retrieval_floors(shared_container, shared_dir):
    questions = [q for q in load_notices(shared_dir / "eval/notices-dev.jsonl") if q.answerable]
    hybrid = score_retrieval(shared_container.retriever, questions)
    assert hybrid["hit@5"] >= 0.90 and hybrid["mrr@10"] >= 0.75, hybrid
    unaccented = score_retrieval(shared_container.retriever, questions, fold_questions=True)
    assert unaccented["hit@5"] >= 0.85, unaccented
    dense = score_retrieval(HybridRetriever(shared_container.store, RetrievalConfig(mode="dense")), questions)
    assert hybrid["hit@1"] > dense["hit@1"] and hybrid["mrr@10"] > dense["mrr@10"]
