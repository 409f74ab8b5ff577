"""The metric definitions of eval/metrics.py and eval/answer_forms.py, on hand-built predictions."""
from __future__ import annotations

import math

import pytest

from eval.answer_forms import derive_choice, derive_true_false
from eval.datasets import Evidence, Question
from eval.metrics import (
    evidence_matches,
    evidence_ranks,
    exact_match,
    ndcg,
    percentile,
    score_question,
    section_within,
    summarize,
    summarize_by_type,
    token_f1,
)

QUOTE = "Sở Tài chính chủ trì, phối hợp với Cục Thuế tỉnh tham mưu thu ngân sách"
OTHER = "Sở Xây dựng hoàn thành quy hoạch chung trước ngày 30 tháng 6 năm 2025"


def passage(source: str, text: str, section: str = "") -> dict:
    return {"source": source, "text": text, "section": section, "score": 0.0}


def prediction(passages: list[dict], answer: str = "", citations: list[dict] | None = None,
               abstained: bool = False, total_ms: float = 10.0) -> dict:
    return {"answer": answer, "abstained": abstained, "citations": citations or [], "passages": passages,
            "timings_ms": {"total_ms": total_ms}}


def question(**kw) -> Question:
    base = {"id": "q1", "question": "Sở Tài chính được giao gì?", "type": "responsibility",
            "key_facts": ["Sở Tài chính", "Cục Thuế tỉnh"], "evidence": [Evidence("a.txt", QUOTE, "II.1")]}
    return Question(**{**base, **kw})


def test_quote_evidence_needs_same_document_and_most_trigrams():
    ev = Evidence("a.txt", QUOTE)
    assert evidence_matches(passage("a.txt", "Văn bản:\n" + QUOTE.upper() + " năm 2024."), ev)
    assert not evidence_matches(passage("b.txt", QUOTE), ev)
    half = " ".join(QUOTE.split()[:7])
    assert not evidence_matches(passage("a.txt", half), ev)


def test_section_evidence_matches_the_article_and_its_parts():
    ev = Evidence("Luật Cư trú", "", "38")
    assert evidence_matches(passage("Luật Cư trú", "x", "38"), ev)
    assert evidence_matches(passage("Luật Cư trú", "x", "Điều 38.2.a"), ev)
    assert not evidence_matches(passage("Luật Cư trú", "x", "380"), ev)
    assert not evidence_matches(passage("Luật Du lịch", "x", "38"), ev)
    assert section_within("5", "")


def test_retrieval_metrics_from_ranks():
    q = question(evidence=[Evidence("a.txt", QUOTE), Evidence("a.txt", OTHER)])
    passages = [passage("a.txt", "không liên quan gì cả")] * 2 + [passage("a.txt", QUOTE)] + \
        [passage("a.txt", "khác")] * 3 + [passage("a.txt", OTHER)]
    assert evidence_ranks(passages, q.evidence) == [3, 7]
    s = score_question(q, prediction(passages)).values
    assert (s["hit@1"], s["hit@3"], s["hit@5"], s["hit@10"]) == (0.0, 1.0, 1.0, 1.0)
    assert s["mrr@10"] == pytest.approx(1 / 3)
    ideal = 1 + 1 / math.log2(3)
    assert s["ndcg@10"] == pytest.approx((1 / math.log2(4) + 1 / math.log2(8)) / ideal)


def test_ndcg_is_one_when_one_passage_holds_every_item():
    assert ndcg([1, 1]) == 1.0
    assert ndcg([None, None]) == 0.0
    assert ndcg([11], depth=10) == 0.0


def test_answer_and_citation_metrics():
    q = question(evidence=[Evidence("a.txt", QUOTE), Evidence("a.txt", OTHER)])
    good = {"source": "a.txt", "text": QUOTE, "section": "II.1"}
    bad = {"source": "a.txt", "text": "một câu khác hẳn không liên quan", "section": "I"}
    p = prediction([passage("a.txt", QUOTE)], answer="SỞ  TÀI CHÍNH chủ trì [1]", citations=[good, bad])
    s = score_question(q, p).values
    assert s["key_fact_recall"] == 0.5 and s["all_facts"] == 0.0
    assert s["citation_precision"] == 0.5 and s["citation_recall"] == 0.5
    assert s["false_abstention"] == 0.0 and s["abstention_unanswerable"] is None
    assert s["answer_chars"] == len("SỞ  TÀI CHÍNH chủ trì [1]")


def test_abstention_metrics_and_summary():
    unanswerable = question(id="u", type="unanswerable", key_facts=[], evidence=[])
    answerable = question()
    scores = [
        score_question(unanswerable, prediction([], abstained=True, total_ms=5)),
        score_question(answerable, prediction([], answer="Không tìm thấy", abstained=True, total_ms=15)),
    ]
    assert scores[0].values["hit@1"] is None and scores[0].values["citation_recall"] is None
    summary = summarize(scores)
    assert summary["abstention_unanswerable"] == 1.0
    assert summary["false_abstention"] == 1.0
    assert summary["hit@5"] == 0.0 and summary["citation_recall"] == 0.0
    assert summary["citation_precision"] is None and summary["answer_chars_median"] is None
    assert summary["latency_ms_p50"] == 5 and summary["latency_ms_p95"] == 15
    by_type = summarize_by_type(scores)
    assert set(by_type) == {"unanswerable", "responsibility"} and by_type["unanswerable"]["questions"] == 1


def test_span_metrics():
    assert exact_match("07 năm", "07 năm. [1]") == 1.0
    assert exact_match("07 năm", "phạt tù từ 02 năm đến 07 năm") == 0.0
    assert token_f1("18 tuổi", "người dưới 18 tuổi") == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert token_f1("18 tuổi", "không") == 0.0


def test_percentile_nearest_rank():
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50) == 5
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95) == 10
    assert percentile([7], 95) == 7


def test_true_false_verdicts():
    statement = "Người nghiện ma túy không được cai nghiện tự nguyện, đúng hay sai?"
    assert derive_true_false("Đúng. Theo Điều 32 [1]", statement) == "Đúng"
    assert derive_true_false("sai, vì ...", statement) == "Sai"
    assert derive_true_false("Sai phạm được xử lý không thời hạn [1]", statement) == "Đúng"  # negation agrees
    assert derive_true_false("Người nghiện được cai nghiện tự nguyện [1]", statement) == "Sai"
    assert derive_true_false("x", statement, abstained=True) is None


def test_choice_derivation():
    choices = {"A": "Viên chức có 02 năm liên tiếp không hoàn thành nhiệm vụ",
               "B": "Viên chức ốm đau hoặc bị tai nạn", "C": "Viên chức nữ đang nghỉ thai sản"}
    assert derive_choice("Đáp án: C", choices) == "C"
    assert derive_choice("B. Viên chức ốm đau", choices) == "B"
    assert derive_choice("a) Viên chức có 02 năm liên tiếp bị phân loại không hoàn thành nhiệm vụ [1]", choices) == "A"
    assert derive_choice("một câu xa lạ", choices) is None
    assert derive_choice("Đáp án: C", choices, abstained=True) is None


def test_choice_and_true_false_scored_per_form():
    q = question(answer="B", answer_form="choice", choices={"A": "mười ngày", "B": "ba mươi ngày"}, key_facts=[])
    assert score_question(q, prediction([], answer="trong thời hạn ba mươi ngày [1]")).values["choice_accuracy"] == 1.0
    with pytest.raises(ValueError):
        question(answer_form="essay")


def test_evidence_in_another_version_or_a_decomposed_name_matches():
    import unicodedata

    from eval.datasets import Evidence
    from eval.metrics import evidence_matches

    quote = "giao Sở Nội vụ chủ trì tổng hợp báo cáo kết quả trước ngày 15 hằng tháng"
    evidence = Evidence("Tờ trình 141.pdf", quote, "2", ("Dự thảo Tờ trình 141.docx",))
    assert evidence_matches({"source": "Dự thảo Tờ trình 141.docx", "text": quote}, evidence)
    assert evidence_matches({"source": unicodedata.normalize("NFD", "Tờ trình 141.pdf"), "text": quote}, evidence)
    assert not evidence_matches({"source": "Tờ trình 142.pdf", "text": quote}, evidence)


def test_wrong_answers_and_the_top_passage_baseline():
    from eval.datasets import Evidence, Question
    from eval.metrics import score_question

    q = Question("q1", "Bao nhiêu?", key_facts=["45/45", "100%"], evidence=[Evidence("a.pdf", "45/45 nhiệm vụ")])
    passages = [{"source": "a.pdf", "text": "hoàn thành 45/45 nhiệm vụ, đạt 100% kế hoạch"}]
    wrong = score_question(q, {"answer": "đạt 100% [1]", "abstained": False, "passages": passages})
    assert wrong.values["wrong_answers"] == 0.0  # half the key facts: not wrong
    assert wrong.values["top_passage_key_fact_recall"] == 1.0
    missing = score_question(q, {"answer": "không rõ [1]", "abstained": False, "passages": passages})
    assert missing.values["wrong_answers"] == 1.0
    unanswerable = Question("q2", "Năm 2023?")
    assert score_question(unanswerable, {"answer": "x", "abstained": False}).values["wrong_answers"] == 1.0
    assert score_question(unanswerable, {"answer": "", "abstained": True}).values["wrong_answers"] is None


def test_subsets_split_questions_by_document_into_two_halves():
    from eval.datasets import Evidence, Question, in_subset

    questions = [Question(f"q{i}", "?", evidence=[Evidence(f"doc{i % 7}.pdf", "x y z")]) for i in range(70)]
    even = {q.evidence[0].doc for q in questions if in_subset(q, "even")}
    odd = {q.evidence[0].doc for q in questions if in_subset(q, "odd")}
    assert even and odd and not even & odd and len(even | odd) == 7
