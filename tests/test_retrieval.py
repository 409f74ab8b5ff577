"""Hybrid retrieval over the examples: lexical, dense, tone-mark-free, filtered."""
from __future__ import annotations

import pytest

from index.langchain_retriever import NoticeRetriever
from index.retriever import HybridRetriever, RetrievalConfig, SearchFilters


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
    assert docs[0].metadata["number"] == "27/TB-UBND" and docs[0].metadata["date"] == "2025-03-05"
    plans = NoticeRetriever(retriever=examples_container.retriever, k=3, filters=SearchFilters(doc_type="kế hoạch"))
    assert {d.metadata["doc_type"] for d in plans.invoke("giải ngân vốn đầu tư công")} == {"KẾ HOẠCH"}


def test_tone_marks_are_restored_from_the_corpus_before_embedding(examples_container):
    retriever = examples_container.retriever
    restored = retriever.dense_query_text("so tai chinh chu tri xay dung kich ban thu ngan sach")
    assert "sở tài chính chủ trì xây dựng kịch bản thu ngân sách" in restored
    assert retriever.dense_query_text("Sở Tài chính") == "Sở Tài chính"  # typed with marks: left alone
    # Words the corpus never uses next to each other are kept as typed rather than guessed.
    assert retriever.dense_query_text("xyzzy qwerty") == "xyzzy qwerty"


def test_unaccented_and_accented_queries_rank_alike(examples_container):
    accented = examples_container.retriever.search("giải ngân vốn đầu tư công tỉnh 615", k=3)
    plain = examples_container.retriever.search("giai ngan von dau tu cong tinh 615", k=3)
    assert accented[0].chunk.chunk_id == plain[0].chunk.chunk_id
    assert plain[0].lexical_score == pytest.approx(accented[0].lexical_score)


def test_filters_ignore_case_and_tone_marks_and_select_dates(examples_container):
    search = examples_container.retriever.search
    notices = search("kế hoạch", k=20, filters=SearchFilters(doc_type="thong bao"))
    assert notices and {h.chunk.doc_type for h in notices} == {"THÔNG BÁO"}
    assert search("kế hoạch", k=20, filters=SearchFilters(issuer="hoa son"))
    assert search("kế hoạch", k=20, filters=SearchFilters(issuer="Lâm Đồng")) == []
    january = search("nhiệm vụ", k=20, filters=SearchFilters(date_from="2025-01-01", date_to="2025-01-31"))
    assert january and {h.chunk.source for h in january} == {"TB_15_phien_hop_thang_01_2025.txt"}
    spring = search("nhiệm vụ", k=20, filters=SearchFilters(date_from="2025-02-01"))
    assert {h.chunk.date for h in spring} and all(h.chunk.date >= "2025-02-01" for h in spring)
    with pytest.raises(ValueError, match="ISO date"):
        SearchFilters(date_to="31/01/2025")


def test_a_filter_reaches_beyond_the_unfiltered_top_candidates(examples_container):
    """A narrow filter still returns its matches when they rank far below the unfiltered top-k."""
    config = RetrievalConfig(candidates=2)
    retriever = HybridRetriever(examples_container.store, config)
    query = "Sở Tài chính chủ trì"
    unfiltered = {h.chunk.source for h in retriever.search(query, k=2)}
    other = next(s for s in ("KH_42_chuyen_doi_so_2025.docx", "TB_27_giai_ngan_dau_tu_cong.pdf",
                             "TB_15_phien_hop_thang_01_2025.txt") if s not in unfiltered)
    hits = retriever.search(query, k=2, filters=SearchFilters(source=other))
    assert hits and {h.chunk.source for h in hits} == {other}


def test_score_fusion_keeps_both_lists_and_orders_by_fused_score(examples_container):
    for fusion in ("rrf", "score"):
        retriever = HybridRetriever(examples_container.store, RetrievalConfig(fusion=fusion))
        hits = retriever.search("phân bổ chi tiết kế hoạch vốn đầu tư công năm 2025", k=8)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert any(h.dense_rank for h in hits) and any(h.lexical_rank for h in hits)
        assert "phân bổ chi tiết kế hoạch vốn đầu tư công" in hits[0].chunk.text
    with pytest.raises(ValueError, match="fusion"):
        RetrievalConfig(fusion="max")


def test_lexical_extra_words_reach_only_the_lexical_search(examples_container):
    lexical = HybridRetriever(examples_container.store, RetrievalConfig(mode="lexical"))
    # No word of it is a Vietnamese syllable once folded ("the" would meet "thể"): alone it finds nothing.
    question = "Which department drafts revenue scenarios?"
    assert lexical.search(question, k=3) == []
    glossed = lexical.search(question, k=3, lexical_extra="sở tài chính kịch bản thu ngân sách")
    assert "kịch bản thu ngân sách" in glossed[0].chunk.text
    dense = HybridRetriever(examples_container.store, RetrievalConfig(mode="dense"))
    plain = [h.chunk.chunk_id for h in dense.search(question, k=5)]
    assert [h.chunk.chunk_id for h in dense.search(question, k=5, lexical_extra="xyz abc")] == plain
