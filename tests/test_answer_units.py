"""Answer units: how a passage is cut into quotable pieces, each with the sentence introducing it."""
from __future__ import annotations

from index.catalog import ChunkRecord
from index.retriever import ScoredChunk
from qa_service.answering.units import MAX_UNIT_CHARS, split_units


def _hit(text: str, section: str = "intro") -> ScoredChunk:
    chunk = ChunkRecord(chunk_id=1, doc_id="d", source="tb.txt", title="Kết luận cuộc họp", doc_type="THÔNG BÁO",
                        number="", date="", section=section, section_title="", section_titles=[], page_start=1,
                        page_end=1, char_start=0, char_end=len(text), lead_in="", text=text, embed_text=text)
    return ScoredChunk(chunk=chunk, score=1.0)


def test_a_long_sentence_enumerating_after_a_colon_gives_each_clause_its_opening():
    opening = ("Ngày 20/4/2026, UBND tỉnh Hòa An tổ chức buổi làm việc với Trung tâm Xúc tiến Đầu tư và các sở, "
               "ngành nghe báo cáo:")
    items = ["(1) Tiến độ thu hút các dự án đầu tư ngoài ngân sách theo danh mục tại Quyết định số 1618/QĐ-UBND "
             "ngày 08/10/2025 của UBND tỉnh;",
             "(2) kết quả thực hiện kế hoạch xúc tiến đầu tư năm 2026 tại Kế hoạch số 1109/KH-UBND ngày 31/3/2026;",
             "(3) kế hoạch gặp mặt doanh nghiệp nhỏ và vừa năm 2026 của tỉnh;",
             "(4) dự thảo Kế hoạch nâng cao Chỉ số năng lực cạnh tranh cấp tỉnh năm 2026."]
    text = " ".join([opening, *items])
    assert len(text) > MAX_UNIT_CHARS  # only long sentences are cut into clauses
    units = split_units(_hit(text), rank=0)
    assert [u.text for u in units] == [opening, *items]
    assert units[0].is_lead and not any(u.is_lead for u in units[1:])
    assert all(u.lead == opening for u in units[1:])
    assert all(text[u.start:u.end] == u.text for u in units)  # offsets point at the document's own words


def test_a_short_sentence_with_a_colon_stays_whole():
    text = "Tham dự cuộc họp có: lãnh đạo Sở Tài chính; Sở Xây dựng; Sở Nội vụ."
    units = split_units(_hit(text), rank=0)
    assert [u.text for u in units] == [text] and not units[0].is_lead


def test_abbreviations_a_document_defines_are_read_from_the_initials_before_them():
    from qa_service.answering.context import defined_abbreviations

    text = ("Các file điện tử của tài liệu kiểm chứng (TLKC) phải đính kèm theo từng tiêu chí thành phần (TCTP); "
            "Ủy ban nhân dân (UBND) tỉnh; phần mềm (PAR INDEX); theo báo cáo (QĐ) số 12.")
    # "báo cáo" does not spell QĐ, and "PAR INDEX" is no abbreviation of the words before it.
    assert defined_abbreviations(text) == {"tlkc": "tai lieu kiem chung", "tctp": "tieu chi thanh phan",
                                           "ubnd": "uy ban nhan dan"}


def test_a_person_is_named_only_with_a_name():
    from qa_service.answering.units import states_agency

    assert states_agency("Ngày 21/4/2026, đồng chí Nguyễn Hồng Hải họp nghe báo cáo.")
    assert states_agency("Giao Sở Xây dựng chủ trì thẩm định.")
    assert not states_agency("Sau khi nghe báo cáo, đồng chí chủ trì kết luận như sau:")


def test_durations_and_hours_are_times():
    # "06 (sáu) tháng" spells its figure out in brackets; "08h00" is an hour.
    units = split_units(_hit("Hội viên không đóng hội phí 06 (sáu) tháng sẽ bị xóa tên.\n"
                             "Hội nghị bắt đầu lúc 08h00.\nHội viên có quyền ứng cử."), 0)
    assert [u.has_time() for u in units] == [True, True, False]
