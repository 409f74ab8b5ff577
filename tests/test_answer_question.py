"""Reading questions: kinds, asked facets, details and agencies, the same with or without tone marks."""
from __future__ import annotations

import pytest

from qa_service.answering.question import AGENCY, DATE, LIST, NUMBER, SIGNER, analyze


@pytest.mark.parametrize("accented, folded_form", [
    ("Sở Tài chính Lào Cai được giao nhiệm vụ gì về thu ngân sách năm 2024?",
     "so tai chinh lao cai duoc giao nhiem vu gi ve thu ngan sach nam 2024"),
    ("Hạn ban hành chương trình công tác năm 2024 của tỉnh Lào Cai là ngày nào?",
     "han ban hanh chuong trinh cong tac nam 2024 cua tinh lao cai la ngay nao"),
])
def test_questions_without_tone_marks_read_like_accented_ones(accented, folded_form):
    a, b = analyze(accented), analyze(folded_form)
    assert (a.language, b.language) == ("vi", "vi-folded")
    assert a.kind == b.kind and a.facets == b.facets
    assert a.terms == b.terms and a.years == b.years and a.provinces == b.provinces


def test_kinds_and_facets():
    assert analyze("Cơ quan nào chủ trì xây dựng Đề án Lễ hội?").facets >= {AGENCY}
    assert analyze("Sở Tài chính được giao những nhiệm vụ gì?").kind == "responsibility"
    deadline = analyze("Hạn trình UBND tỉnh dự thảo Nghị quyết là khi nào?")
    assert deadline.kind == "deadline" and DATE in deadline.facets
    # "hạn chế" (shortcomings) is not a deadline
    assert DATE not in analyze("Những tồn tại, hạn chế trong năm 2025 là gì?").facets
    figure = analyze("Tỷ lệ giải ngân vốn đầu tư công năm 2023 đạt bao nhiêu phần trăm?")
    assert figure.kind == "figure" and NUMBER in figure.facets and figure.unit == "percent"
    assert analyze("Năm 2023 có bao nhiêu xã đạt chuẩn nông thôn mới?").counted == "xa"
    assert analyze("Kiểm tra tại bao nhiêu cơ quan, đơn vị?").counted == "co quan"


def test_the_counted_thing_is_read_in_the_asking_clause():
    # The noun after the asking word wins over a measure word elsewhere ("thí điểm" is not a score).
    assert analyze("Trong thời gian thí điểm, mô hình đã hướng dẫn bao nhiêu hồ sơ?").counted == "ho"
    assert analyze("Chỉ số năm 2024 đạt bao nhiêu điểm?").counted == "diem"
    assert analyze("Tổng điểm tự đánh giá của tỉnh là bao nhiêu?").counted == "diem"
    # Nothing is counted across a comma, and an hour is a time, read by the date facet.
    assert analyze("Điều lệ được phê duyệt theo quyết định số mấy, ngày nào?").counted == ""
    assert analyze("Chỉ tiêu là bao nhiêu, riêng lĩnh vực đất đai là bao nhiêu?").counted == ""
    hour = analyze("Hội nghị bắt đầu lúc mấy giờ?")
    assert hour.counted == "" and DATE in hour.facets
    assert LIST in analyze("Các nền tảng số trọng điểm gồm những gì?").facets
    assert analyze("Quỹ được giữ lại tối đa bao nhiêu tiền mặt?").unit == "money"


def test_details_named_by_a_question():
    a = analyze("Theo kết luận ngày 24/4/2026 (Quyết định 1187/QĐ-BNV), UBND Phường 2 Bảo Lộc "
                "phải điều chỉnh hướng tuyến Km78+00 trong 6 tháng đầu năm 2025 ở tỉnh Lâm Đồng?")
    assert a.dates == {"24/4/2026"} and a.years == {"2025"}
    assert a.doc_numbers == {"1187/QĐ-BNV"} and a.codes == {"km78+00"}
    assert {"2", "6"} <= a.numbers and a.provinces == {"lam dong"} and "bao loc" in a.names
    # details are checked as details, not matched as content words
    assert not any(ch.isdigit() for t in a.terms for ch in t) and "bao" not in a.terms


def test_english_questions_reach_vietnamese_words():
    a = analyze("How many administrative dossiers did Lam Dong's provincial departments resolve in 2025, "
                "and what share was resolved on time?")
    assert a.language == "en" and NUMBER in a.facets and a.unit == "percent"
    assert {"ho", "so", "giai", "quyet", "dung", "han"} <= set(a.terms)
    assert a.provinces == {"lam dong"} and a.years == {"2025"}



def test_english_names_keep_only_their_vietnamese_part():
    a = analyze("Who chaired the meeting with Son Hai Group on the Tan Phu - Bao Loc expressway?")
    assert "son hai" in a.names and not any("group" in n or "expressway" in n for n in a.names)


def test_who_signed_asks_for_the_signer_not_an_agency():
    a = analyze("Thông báo kết luận cuộc họp ngày 21/4/2026 do ai ký?")
    assert SIGNER in a.facets and AGENCY not in a.facets


def test_agencies_named_by_a_question():
    names = [r.name for r in analyze("Sở KH&ĐT Lào Cai phải trình phương án trước ngày nào?").agencies]
    assert names == ["Sở Kế hoạch và Đầu tư"]
    assert [r.name for r in analyze("so tai chinh duoc giao nhiem vu gi").agencies] == ["Sở Tài chính"]
    # a question word or a whole level of government is not an agency to look for
    assert analyze("Cơ quan nào của tỉnh chủ trì?").agencies == []
    assert analyze("UBND các xã phải làm gì?").agencies == []


@pytest.mark.parametrize("question, after, before", [
    ("Những việc nào phải hoàn thành trước ngày 31/01/2024?", None, "2024-01-31"),
    ("nhung viec nao phai hoan thanh truoc ngay 31/01/2024", None, "2024-01-31"),
    ("What is due before 31 January 2024?", None, "2024-01-31"),
    ("Which tasks are due in May 2026?", "2026-05-01", "2026-05-31"),
    ("Sở Tài chính có nhiệm vụ gì trong quý I/2024?", "2024-01-01", "2024-03-31"),
    ("Sở Xây dựng phải trình những gì trước tháng 5/2026?", None, "2026-04-30"),
    ("Việc gì phải làm từ ngày 01/02/2024 đến ngày 29/02/2024?", "2024-02-01", "2024-02-29"),
    ("What must be completed by the end of May 2026?", None, "2026-05-31"),
])
def test_deadline_bounds_filter_tasks_instead_of_naming_details(question, after, before):
    a = analyze(question)
    assert a.bound is not None and (a.bound.after, a.bound.before) == (after, before)
    assert DATE in a.facets
    # the bound's date is a range to meet, not a date the documents must write
    assert not a.dates and not a.years and not a.numbers


@pytest.mark.parametrize("question", [
    "Hạn ban hành chương trình công tác năm 2024 là ngày nào?",  # asks for the date
    "Trong tháng 4/2026, đồng chí Phó Chủ tịch có những thông báo kết luận nào?",  # dates the notices
    "Tỷ lệ giải ngân tính đến ngày 31/12/2023 là bao nhiêu?",  # a result's cut-off
    "Theo kết luận ngày 22/4/2026, các xã phải hoàn thành phê duyệt quy hoạch khi nào?",  # names the notice
])
def test_dates_that_are_not_deadline_bounds(question):
    assert analyze(question).bound is None


def test_a_qualified_kind_of_body_is_what_the_answer_must_name():
    assert analyze("Đơn vị tư vấn nào được lựa chọn để lập quy hoạch?").qualifier == "tu van"
    assert analyze("don vi thi cong nao duoc chon").qualifier == "thi cong"
    assert analyze("Cơ quan nào chủ trì?").qualifier == ""
    assert analyze("Hội nghị được tổ chức vào ngày nào?").qualifier == ""


def test_a_who_question_names_what_was_done():
    assert analyze("Cuộc họp ngày 20/4/2026 do ai chủ trì?").predicate[:2] == ["chu", "tri"]
    assert analyze("Cơ quan nào tham mưu bố trí kinh phí số hóa hồ sơ?").predicate[:2] == ["tham", "muu"]
    assert analyze("Sở Tài chính được giao nhiệm vụ gì?").predicate == []  # no "who" asked


def test_agency_names_stop_at_the_asking_words():
    from qa_service.answering.agencies import question_agencies

    names = [a.name for a in question_agencies("Giám đốc Quỹ do ai bổ nhiệm, Chủ tịch Hội đồng quản lý Quỹ có được "
                                               "kiêm Giám đốc không?")]
    assert "Giám đốc Quỹ" in names and not any("không" in n or " ai " in f" {n} " for n in names)
    assert question_agencies("Cơ quan nào tham mưu triển khai ứng dụng AI?") == []
    # "cấp xã" is a level of government, not a commune named "giai quyet ..."
    assert question_agencies("ty le ho so cap xa giai quyet dung han nam 2025 la bao nhieu") == []


def test_by_a_date_is_a_deadline_only_for_a_task():
    assert analyze("What share of the plan had Lam Dong disbursed by 10 December 2025?").bound is None
    assert analyze("What must the Department of Finance submit by 15 March 2025?").bound.before == "2025-03-15"


def test_english_dates_and_words_reach_the_lexical_query():
    from qa_service.answering.queries import lexical_gloss

    words = lexical_gloss("What share of its 2025 public investment plan had Lam Dong disbursed by 10 December 2025?")
    assert "10/12/2025" in words.split() and "dau tu cong" in words and "what" not in words.split()
    assert "december" not in analyze("Who signed the notice of 10 December 2025?").terms
