"""Hybrid retrieval over the examples: lexical, dense, tone-mark-free, filtered."""
from __future__ import annotations

from index.langchain_retriever import NoticeRetriever
from index.retriever import HybridRetriever, RetrievalConfig, SearchFilters


import pytest


@pytest.mark.xfail(strict=True, reason="fusion weights not tuned yet (retrieval issue)")
def test_query_without_tone_marks_finds_the_passage(examples_container):
    hits = examples_container.retriever.search("so tai chinh xay dung kich ban thu ngan sach", k=3)
    assert hits[0].chunk.section == "II.2.1"
    assert "Sở Tài chính chủ trì" in hits[0].chunk.text


def test_each_mode_returns_ranked_scored_chunks(examples_container):
    for mode in ("dense", "lexical", "hybrid"):
        retriever = HybridRetriever(examples_container.store, RetrievalConfig(mode=mode))
        hits = retriever.search("cơ sở dữ liệu đất đai", k=5)
        assert hits, mode
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert hits[0].chunk.source == "KH_42_chuyen_doi_so_2025.docx", mode


def test_filters_apply_inside_retrieval(examples_container):
    only_pdf = SearchFilters(source="TB_27_giai_ngan_dau_tu_cong.pdf")
    hits = examples_container.retriever.search("Sở Tài chính", k=10, filters=only_pdf)
    assert hits and {h.chunk.source for h in hits} == {"TB_27_giai_ngan_dau_tu_cong.pdf"}
    plans = examples_container.retriever.search("báo cáo", k=10, filters=SearchFilters(doc_type="KẾ HOẠCH"))
    assert plans and {h.chunk.doc_type for h in plans} == {"KẾ HOẠCH"}
    section = examples_container.retriever.search("nhiệm vụ", k=10, filters=SearchFilters(section_prefix="II.2"))
    assert section and all(h.chunk.section == "II.2" or h.chunk.section.startswith("II.2.") for h in section)
    assert examples_container.retriever.search("nhiệm vụ", filters=SearchFilters(source="nope.pdf")) == []


def test_langchain_retriever_adapter(examples_container):
    retriever = NoticeRetriever(retriever=examples_container.retriever, k=4)
    docs = retriever.invoke("giải ngân vốn đầu tư công tỉnh 615")
    assert len(docs) == 4
    assert docs[0].metadata["source"] == "TB_27_giai_ngan_dau_tu_cong.pdf"
    assert docs[0].metadata["section"] and "615" in docs[0].page_content
