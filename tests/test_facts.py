"""Tasks and indicators: deadline parsing, agency names, extraction from real files, storage beside the catalog."""
from __future__ import annotations

import pytest
from docgen import write_docx

from ingest.facts import AgencyMatcher, AgencyParser, AliasTable, extract_facts, find_deadlines
from ingest.pipeline import DocumentParser


def _parsed(name: str, lines: list[str]):
    """A notice written as lines, parsed as ingest parses a text file of that name."""
    return DocumentParser(ocr_enabled=False).parse_bytes("\n".join(lines).encode(), name)


@pytest.mark.parametrize(("text", "written", "iso"), [
    ("hoàn thiện trình UBND tỉnh trước ngày 05/01/2024 để xem xét", "trước ngày 05/01/2024", "2024-01-05"),
    ("hoàn thành báo cáo UBND tỉnh trước 28/02/2024.", "trước 28/02/2024", "2024-02-28"),
    ("trình ban hành trong tháng 01/2024.", "trong tháng 01/2024", "2024-01-31"),
    ("Hoàn thành báo cáo UBND tỉnh trong tháng 01 năm 2024.", "trong tháng 01 năm 2024", "2024-01-31"),
    ("hoàn thành phê duyệt quy hoạch trong Quý II/2026.", "trong Quý II/2026", "2026-06-30"),
    ("báo cáo kết quả trước Quý I", "trước Quý I", "2023-12-31"),
    ("hoàn thành trong quý I", "trong quý I", "2024-03-31"),
    ("gửi Sở Xây dựng trước ngày 24/4 để tổng hợp", "trước ngày 24/4", "2024-04-24"),
    ("hoàn thành chậm nhất là ngày 23 tháng 01 năm 2026.", "chậm nhất là ngày 23 tháng 01 năm 2026", "2026-01-23"),
    ("yêu cầu đến 30/5/2026 phải bàn giao toàn bộ mặt bằng", "đến 30/5/2026", "2026-05-30"),
    ("hoàn thành việc lập hồ sơ trong năm 2025", "trong năm 2025", "2025-12-31"),
    # A time of day before the day.
    ("báo cáo kết quả trước 14 giờ ngày 08 tháng 10 năm 2025.", "trước 14 giờ ngày 08 tháng 10 năm 2025",
     "2025-10-08"),
    ("gửi văn bản về Sở Nội vụ trước 16h00 ngày 20/11/2025", "trước 16h00 ngày 20/11/2025", "2025-11-20"),
    ("nộp hồ sơ chậm nhất 10 giờ 30 phút, ngày 03/11/2025", "chậm nhất 10 giờ 30 phút, ngày 03/11/2025",
     "2025-11-03"),
])
def test_deadline_forms_parse_to_iso_dates(text, written, iso):
    found = [d for d in find_deadlines(text, 2024) if d.date]
    assert [(d.text, d.date) for d in found] == [(written, iso)]
    assert text[found[0].start:found[0].end] == written


@pytest.mark.parametrize("text", [
    "trong đó lưu ý các vị trí triển khai thi công trong tháng 4/2026; đồng thời",  # when work happens
    "giải quyết công việc phát sinh trong tháng 1 năm 2024: các cơ quan",  # what the session handles
    "các đoạn tuyến mà dự kiến khởi công trước ngày 30/4/2026",
    "tổng lượng khách đạt 7,5 triệu lượt (tính đến ngày 01/01/2024)",
    "phấn đấu trong năm 2024 mỗi đơn vị cấp huyện có ít nhất một cụm công nghiệp",
    "theo Quyết định số 1618/QĐ-UBND ngày 08/10/2025 của UBND tỉnh",
])
def test_dates_that_are_not_deadlines_are_ignored(text):
    assert [d for d in find_deadlines(text, 2024) if d.date] == []


@pytest.mark.parametrize(("text", "written"), [
    ("Hằng tuần báo cáo UBND tỉnh", "Hằng tuần"),
    ("thường xuyên theo dõi và định kỳ trước ngày 15 hàng tháng có báo cáo", "định kỳ trước ngày 15 hàng tháng"),
    ("công khai kết quả chậm nhất vào ngày 05 hằng tháng.", "chậm nhất vào ngày 05 hằng tháng"),
    ("tổng hợp, báo cáo UBND tỉnh định kỳ 02 tuần/lần", "định kỳ 02 tuần/lần"),
    ("công bố danh mục trước ngày 31/01 năm liền kề", "trước ngày 31/01 năm liền kề"),
])
def test_recurring_deadlines_keep_their_words_without_a_date(text, written):
    found = find_deadlines(text, 2024)
    assert [(d.text, d.date, d.recurring) for d in found] == [(written, None, True)]


def test_year_missing_and_unknown_gives_no_date():
    assert [d.date for d in find_deadlines("báo cáo trước ngày 15/5", None)] == [None]


@pytest.mark.parametrize(("written", "canonical"), [
    ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
    ("Sở KH & ĐT", "Sở Kế hoạch và Đầu tư"),
    ("Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Ủy ban nhân dân các huyện, thị xã, thành phố", "UBND các huyện, thị xã, thành phố"),
    ("Trung tâm Xúc đầu tư, Thương mại và Du lịch", "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh"),
    ("Ban QLDA ĐTXD số 1", "Ban QLDA ĐTXD số 1"),
    ("Nhà đầu tư của 02 dự án đường bộ cao tốc", "Nhà đầu tư"),
    ("các sở, ngành liên quan", "Các sở, ban, ngành"),
])
def test_agency_names_are_normalised(written, canonical):
    assert AliasTable().canonical(written) == canonical


def test_agency_lists_split_at_agencies_not_inside_names():
    parser = AgencyParser()
    text = ("Sở Y tế, Sở Giáo dục và Đào tạo, UBND các huyện, thị xã, thành phố và các đơn vị liên quan "
            "khẩn trương triển khai")
    assert [m.name for m in parser.many(text, 0)] == [
        "Sở Y tế", "Sở Giáo dục và Đào tạo", "UBND các huyện, thị xã, thành phố", "Các đơn vị"]
    members = "báo cáo các sở: Nông nghiệp và Môi trường, Tài chính để được hướng dẫn"
    assert [m.name for m in parser.many(members, members.index("các sở"))] == [
        "Sở Nông nghiệp và Môi trường", "Sở Tài chính"]


@pytest.mark.parametrize(("query", "name", "expected"), [
    ("so tai chinh", "Sở Tài chính", True),
    ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư", True),
    ("ke hoach dau tu", "Sở Kế hoạch và Đầu tư", True),
    ("ubnd cac huyen", "UBND các huyện, thị xã, thành phố", True),
    ("so tai chinh", "Sở Tư pháp", False),
    ("cong an tinh", "Sở Công Thương", False),
    # A ministry is not the provincial department of the same name, nor a Cục its Chi cục.
    ("Bộ Tài chính", "Sở Tài chính", False),
    ("bo tai chinh", "Bộ Tài chính", True),
    ("Cục Thuế", "Chi cục Thuế khu vực XVI", False),
    ("tai chinh", "Sở Tài chính", True),
    ("UBND tỉnh", "Ủy ban nhân dân tỉnh Lâm Đồng", True),
])
def test_agency_lookup_without_tone_marks(query, name, expected):
    assert AgencyMatcher().matches(query, name) is expected


NOTICE = [
    "ỦY BAN NHÂN DÂN TỈNH HÒA SƠN",
    "Số: 31/TB-UBND",
    "Hòa Sơn, ngày 12 tháng 3 năm 2025",
    "THÔNG BÁO",
    "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về cải cách hành chính",
    ("Ngày 10/3/2025, đồng chí Chủ tịch UBND tỉnh chủ trì cuộc họp. Sau khi nghe báo cáo, đồng chí Chủ tịch "
     "UBND tỉnh kết luận như sau:"),
    "I. Đánh giá chung",
    "Sở Nội vụ đã triển khai nhiều giải pháp; tỷ lệ hồ sơ trực tuyến đạt 61,5%, không đạt kế hoạch.",
    "II. Nhiệm vụ trọng tâm",
    "1. Về cải cách thể chế",
    "Giao Sở Tư pháp chủ trì, phối hợp với Văn phòng UBND tỉnh và các cơ quan liên quan:",
    "a) Rà soát văn bản quy phạm pháp luật của tỉnh, báo cáo UBND tỉnh trước ngày 15/4.",
    "b) Tham mưu bãi bỏ các văn bản không còn phù hợp.",
    "2. Về chuyển đổi số",
    ("- Sở KH&CN chủ trì, phối hợp với Sở Tài chính xây dựng kho dữ liệu dùng chung, hoàn thành trong Quý II; "
     "Công an tỉnh bảo đảm an toàn thông tin hằng tuần."),
    "- Nâng cao chất lượng dịch vụ công trực tuyến.",
    "UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.",
]


@pytest.fixture(scope="module")
def notice_doc(tmp_path_factory):
    path = write_docx(tmp_path_factory.mktemp("facts") / "TB_31_cai_cach.docx", NOTICE)
    return DocumentParser().parse_file(path)


def test_lead_in_items_inherit_lead_and_coordinators(notice_doc):
    tasks = extract_facts(notice_doc).tasks
    by_section = {t.where.section: t for t in tasks}
    first, second = by_section["II.1.a"], by_section["II.1.b"]
    assert first.leads == ["Sở Tư pháp"] and second.leads == ["Sở Tư pháp"]
    assert (first.deadline, first.deadline_text) == ("2025-04-15", "trước ngày 15/4")  # the document's year
    assert second.deadline is None and second.action.startswith("Tham mưu bãi bỏ")


def test_a_second_agency_in_an_item_is_its_own_task(notice_doc):
    rows = [t for t in extract_facts(notice_doc).tasks if t.where.section == "II.2"]
    assert [(t.leads, t.deadline, t.deadline_text) for t in rows] == [
        (["Sở Khoa học và Công nghệ"], "2025-06-30", "trong Quý II"),
        (["Công an tỉnh"], None, "hằng tuần"),
    ]
    assert rows[0].coordinators == ["Sở Tài chính"]
    assert rows[0].action.startswith("Xây dựng kho dữ liệu dùng chung")


def test_assessments_items_without_agency_and_closing_assign_nothing(notice_doc):
    tasks = extract_facts(notice_doc).tasks
    assert len(tasks) == 4
    assert not any(t.where.section == "I" or "Nâng cao chất lượng" in t.action or "thông báo" in t.action
                   for t in tasks)


def test_indicator_with_status_from_the_assessment(notice_doc):
    rows = extract_facts(notice_doc).indicators
    online = next(r for r in rows if r.value == "61,5")
    assert (online.unit, online.status, online.kind, online.where.section) == ("%", "missed", "result", "I")
    assert "hồ sơ trực tuyến" in online.name


# -- storage beside the catalog --------------------------------------------------------------

def test_facts_follow_their_document_through_reingest_and_removal(fresh_container, tmp_path):
    path = write_docx(tmp_path / "TB_31_cai_cach.docx", NOTICE)
    runner, facts = fresh_container.ingest_runner, fresh_container.facts
    assert runner.ingest_paths([path]).files[0].status == "added"
    stored = facts.tasks()
    assert len(stored) == 4 and {t.source for t in stored} == {"TB_31_cai_cach.docx"}
    assert facts.tasks(agency="so tu phap", due_before="2025-04-30")[0].section == "II.1.a"

    assert runner.ingest_paths([path]).files[0].status == "unchanged"
    assert len(facts.tasks()) == 4  # nothing duplicated

    changed = [p.replace("trước ngày 15/4", "trước ngày 20/5") for p in NOTICE]
    write_docx(path, changed)
    assert runner.ingest_paths([path]).files[0].status == "replaced"
    assert [t.deadline for t in facts.tasks(agency="Sở Tư pháp")] == ["2025-05-20", None]

    fresh_container.store.remove(facts.tasks()[0].doc_id)
    assert facts.tasks() == [] and facts.indicators() == []


def test_documents_stored_before_facts_are_backfilled(fresh_container, tmp_path, notice_doc):
    from index.facts_store import FactsStore

    path = write_docx(tmp_path / "TB_31_cai_cach.docx", NOTICE)
    fresh_container.store.upsert(fresh_container.parser.parse_file(path))  # no facts written
    facts = FactsStore(fresh_container.store.catalog.path)
    assert facts.tasks() == []
    assert facts.backfill(fresh_container.store.catalog) == 1
    rebuilt = [(t.lead, t.deadline, t.section, t.page_start) for t in facts.tasks()]
    direct = [(t.lead, t.deadline, t.where.section, t.where.page_start) for t in extract_facts(notice_doc).tasks]
    assert rebuilt == direct
    assert facts.backfill(fresh_container.store.catalog) == 0


PLAN = [
    "ỦY BAN NHÂN DÂN TỈNH HÒA SƠN",
    "Hòa Sơn, ngày 05 tháng 3 năm 2026",
    "KẾ HOẠCH",
    "Cải cách hành chính năm 2026",
    "I. TỔ CHỨC THỰC HIỆN",
    "Các sở, ban, ngành triển khai nhiệm vụ theo Phụ lục kèm theo.",
    "Nơi nhận:",
    "- Như trên;",
    "- Lưu: VT.",
    "PHỤ LỤC",
    "PHÂN CÔNG THỰC HIỆN NHIỆM VỤ",
]
PLAN_TABLE = [
    ["STT", "Nhiệm vụ", "Thời gian hoàn thành", "Chủ trì thực hiện", "Phối hợp thực hiện"],
    ["I", "Cải cách thể chế", "", "", ""],
    ["1", "Công bố danh mục văn bản hết hiệu lực", "Trước ngày 31/01 năm liền kề",
     "Sở Tư pháp; UBND các xã, phường, đặc khu", ""],
    ["2", "Tham mưu ứng dụng AI trong phổ biến pháp luật", "Năm 2026", "Sở Tư pháp", "Sở KH&CN"],
    ["3", "Đưa Trung tâm IOC vào hoạt động", "Quý I/2026", "Văn phòng UBND tỉnh", "Sở Khoa học và Công nghệ"],
]


def test_assignment_tables_in_an_appendix_give_tasks(tmp_path):
    doc = DocumentParser().parse_file(write_docx(tmp_path / "KH_12_cchc.docx", PLAN, tables=[PLAN_TABLE]))
    rows = [(t.leads, t.coordinators, t.deadline, t.deadline_text) for t in extract_facts(doc).tasks
            if t.deadline_text]
    assert rows == [
        (["Sở Tư pháp", "UBND các xã, phường, đặc khu"], [], None, "Trước ngày 31/01 năm liền kề"),
        (["Sở Tư pháp"], ["Sở Khoa học và Công nghệ"], "2026-12-31", "Năm 2026"),
        (["Văn phòng UBND tỉnh"], ["Sở Khoa học và Công nghệ"], "2026-03-31", "Quý I/2026"),
    ]


def test_a_task_card_is_one_row_with_its_labelled_lead_partners_and_deadline():
    """Plans write a task as an item followed by labelled lines; those lines are not tasks of their own."""
    doc = _parsed("KH_45_cds.txt", [
        "ỦY BAN NHÂN DÂN TỈNH HÒA SƠN", "Số: 45/KH-UBND", "Hòa Sơn, ngày 02 tháng 8 năm 2025", "KẾ HOẠCH",
        "Triển khai các nhiệm vụ chuyển đổi số năm 2025", "II. NHIỆM VỤ", "1. Hạ tầng số",
        "(1) Rà soát, nâng cấp hệ thống hạ tầng kỹ thuật bảo đảm kết nối, chia sẻ dữ liệu dùng chung.",
        "- Đơn vị chủ trì thực hiện: Sở Khoa học và Công nghệ.",
        "- Đơn vị phối hợp: Sở Tài chính; UBND các xã, phường.",
        "- Thời gian hoàn thành: Trong tháng 9/2025.",
        "(2) Sao lưu, duy trì các cơ sở dữ liệu của các tỉnh trước sắp xếp, dự phòng mất dữ liệu.",
        "- Cơ quan chủ trì: Văn phòng UBND tỉnh.",
        "- Thời gian hoàn thành: Thực hiện thường xuyên.",
    ])
    rows = extract_facts(doc).tasks
    assert [(r.leads, r.deadline) for r in rows] == [(["Sở Khoa học và Công nghệ"], "2025-09-30"),
                                                      (["Văn phòng UBND tỉnh"], None)]
    assert rows[0].action.startswith("Rà soát, nâng cấp hệ thống") and "Sở Tài chính" in rows[0].coordinators
    assert rows[1].deadline_text == "Thực hiện thường xuyên"


def test_figures_stated_without_a_measuring_verb_are_indicators_and_references_are_not():
    """A report states most figures without "đạt": a label and a value, a count after a verb, a ratio.
    Dates, times, durations, articles, wards, programme and document numbers around them are not figures."""
    doc = _parsed("BC_45_cchc.txt", [
        "ỦY BAN NHÂN DÂN TỈNH HÒA SƠN", "Số: 45/BC-UBND", "Hòa Sơn, ngày 02 tháng 12 năm 2025", "BÁO CÁO",
        "Kết quả cải cách hành chính năm 2025",
        "Thực hiện Kế hoạch số 12/KH-UBND ngày 15/01/2025, UBND tỉnh báo cáo như sau:", "I. KẾT QUẢ",
        "- Thu ngân sách địa phương: 28.611 tỷ đồng.",
        "- Hội đồng nhân dân tỉnh ban hành 36 Nghị quyết quy phạm pháp luật.",
        "- Đến nay, 13/14 sở, ban, ngành đã đề xuất danh mục phần mềm (hoàn thành 33/33 lớp bồi dưỡng).",
        "- Thanh toán trực tuyến: 91,61%.",
        "- Kết quả thí điểm: 4.790/9.578.",
        ("Theo Điều 5 Nghị định số 30/2020/NĐ-CP và Kế hoạch 45/KH-UBND, UBND Phường 2 họp lúc 14 giờ ngày "
         "08/10/2025 tại số nhà 53 đường Hùng Vương, điện thoại 02633822123, hạn xử lý 05 ngày làm việc; "
         "Đề án 06 triển khai ở chính quyền địa phương 02 cấp."),
    ])
    rows = {r.value: r for r in extract_facts(doc).indicators}
    assert set(rows) == {"28.611", "36", "13/14", "33/33", "91,61", "4.790/9.578"}
    assert (rows["28.611"].unit, rows["28.611"].name) == ("tỷ đồng", "Thu ngân sách địa phương")
    assert rows["36"].unit == "Nghị quyết quy phạm pháp luật" and rows["36"].name.startswith("Hội đồng nhân dân tỉnh ban hành")
    assert rows["13/14"].unit == "sở, ban, ngành" and rows["91,61"].unit == "%"
    assert all(r.kind == "result" and r.where.section == "I" for r in rows.values())


def test_figures_with_units_against_them_ranges_scores_and_ratios_opening_with_zero():
    doc = _parsed("BC_46.txt", [
        "ỦY BAN NHÂN DÂN TỈNH HÒA SƠN", "Số: 46/BC-UBND", "Hòa Sơn, ngày 02 tháng 12 năm 2025", "BÁO CÁO",
        "Kết quả năm 2025", "I. KẾT QUẢ",
        "- Lực lượng chức năng thu giữ hơn 64kg ma túy và 0,78ha cây thuốc phiện bị phát hiện.",
        "- Cơ sở hiện chỉ đáp ứng khoảng 50 - 55 học viên; có 02/144 đơn vị góp ý dự thảo.",
        "- Kết quả tự đánh giá của tỉnh đạt: 60,5/61,5 điểm; xem điểm a khoản 2 Điều 3 và giai đoạn 2021 - 2025 của tỉnh.",
    ])
    rows = {r.value: r for r in extract_facts(doc).indicators}
    assert set(rows) == {"64", "0,78", "50 - 55", "02/144", "60,5/61,5"}
    assert (rows["64"].unit, rows["0,78"].unit, rows["50 - 55"].unit) == ("kg", "ha", "học viên")
    assert rows["02/144"].unit.startswith("đơn vị") and rows["60,5/61,5"].unit == "điểm"


def test_a_table_of_figures_gives_one_row_per_figure_named_by_its_column_and_row(tmp_path):
    path = write_docx(tmp_path / "BC_47_cham_diem.docx", [
        "SỞ TÀI CHÍNH TỈNH HÒA SƠN", "Số: 47/BC-STC", "Hòa Sơn, ngày 11 tháng 11 năm 2025", "BÁO CÁO",
        "Kết quả chấm điểm", "I. KẾT QUẢ", "Kết quả chấm điểm các đơn vị như sau:"], tables=[
        [["TT", "Tên đơn vị", "Điểm", "Tỷ lệ hồ sơ đúng hạn"], ["1", "TỈNH BẮC NINH", "92.11", "99,5%"],
         ["", "Sở Tài chính Bắc Ninh", "83.99", "97"], ["2", "TỈNH HÒA SƠN", "88,68", ""]],
        # An assignment table: tasks, not figures.
        [["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"], ["1", "Rà soát thủ tục hành chính", "Sở Tư pháp", "Năm 2026"]],
    ])
    rows = [(r.name, r.value, r.unit) for r in extract_facts(DocumentParser(ocr_enabled=False).parse_file(path)).indicators]
    assert rows == [("Điểm TỈNH BẮC NINH", "92.11", "điểm"), ("Tỷ lệ hồ sơ đúng hạn TỈNH BẮC NINH", "99,5", "%"),
                    ("Điểm Sở Tài chính Bắc Ninh", "83.99", "điểm"), ("Tỷ lệ hồ sơ đúng hạn Sở Tài chính Bắc Ninh", "97", "%"),
                    ("Điểm TỈNH HÒA SƠN", "88,68", "điểm")]


@pytest.mark.shared
def test_a_quoted_banner_in_capitals_and_its_place_and_date_line_are_not_tasks(shared_dir):
    """A letter of the archive quotes the banner to print for a meeting ("với tiêu đề:"): its lines in capitals
    and its place-and-date line follow an item under the letter's lead-in, and are not tasks."""
    found = sorted((shared_dir / "archive").rglob("CÔNG VĂN YÊU CẦU SỞ BAN NGÀNH PHỤC VỤ ĐOÀN KIỂM TRA C04.doc"))
    if not found:
        pytest.skip("the archive letter is not here")
    rows = extract_facts(DocumentParser(ocr_enabled=False).parse_file(found[0])).tasks
    actions = [r.action for r in rows]
    assert not any(a.isupper() or a.startswith("Lâm Đồng, ngày") for a in actions), actions
    assert any(r.leads == ["Công an tỉnh"] for r in rows)  # the letter's own tasks are still read


@pytest.mark.parametrize("giver", ["Chủ tịch Ủy ban nhân dân tỉnh", "Sở Nội vụ"])
def test_an_agency_that_gives_a_task_is_not_its_lead(giver):
    rows = extract_facts(_parsed("cv_21.txt", [
        "ỦY BAN NHÂN DÂN TỈNH HÒA SƠN", "Số: 21/UBND-NC", "Hòa Sơn, ngày 02 tháng 12 năm 2025",
        "V/v tổng kết công tác phòng, chống ma túy", "Kính gửi: Công an tỉnh.",
        f"{giver} giao Công an tỉnh tổng hợp, xây dựng báo cáo tổng kết công tác phòng, chống ma túy năm 2025, "
        "gửi Ủy ban nhân dân tỉnh trước ngày 15/12/2025.",
    ])).tasks
    assert [(r.leads, r.deadline) for r in rows] == [(["Công an tỉnh"], "2025-12-15")]
    assert rows[0].action.startswith("Tổng hợp, xây dựng báo cáo")


def test_tasks_under_a_lead_in_or_heading_naming_a_month_or_quarter_are_due_at_its_end():
    """A monthly report's "Trong tháng 10/2025, tập trung ...:" sets the deadline of each task listed under it,
    down its subsections; a task's own date wins; a heading without "trong" and a year name the plan's period."""
    doc = _parsed("BC_88_de_an.txt", [
        "BAN CHỈ ĐẠO TỈNH HÒA SƠN", "Số: 88/BC-BCĐ", "Hòa Sơn, ngày 30 tháng 9 năm 2025", "BÁO CÁO",
        "Kết quả tháng 9 năm 2025", "I. KẾT QUẢ ĐẠT ĐƯỢC", "Toàn tỉnh đã cấp 1.200 tài khoản định danh điện tử.",
        "II. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
        "Để hoàn thành các chỉ tiêu năm 2025, trong thời gian tới cần quyết liệt hơn. Trong tháng 10/2025, tập trung "
        "thực hiện những nhiệm vụ trọng tâm sau đây:",
        "1. Công an tỉnh",
        "a) Tham mưu tổ chức đợt cao điểm cấp tài khoản định danh điện tử cho tổ chức.",
        "b) Rà soát, làm sạch dữ liệu dân cư, báo cáo trước ngày 20/10/2025.",
        "2. Sở Khoa học và Công nghệ",
        "a) Triển khai các giải pháp xử lý tình trạng lõm sóng viễn thông tại các xã.",
        "III. NHIỆM VỤ CHỦ YẾU THÁNG 11 VÀ QUÝ IV NĂM 2025",
        "Sở Xây dựng rà soát tiến độ các công trình trọng điểm của tỉnh.",
        "IV. NHIỆM VỤ TRONG NĂM 2026",
        "Sở Tài chính bố trí kinh phí thực hiện các nhiệm vụ của Đề án.",
    ])
    rows = {r.action.split(",")[0]: (r.leads, r.deadline, r.deadline_text) for r in extract_facts(doc).tasks}
    assert rows["Tham mưu tổ chức đợt cao điểm cấp tài khoản định danh điện tử cho tổ chức."] == (
        ["Công an tỉnh"], "2025-10-31", "Trong tháng 10/2025")
    assert rows["Rà soát"][1] == "2025-10-20"
    assert rows["Triển khai các giải pháp xử lý tình trạng lõm sóng viễn thông tại các xã."][:2] == (
        ["Sở Khoa học và Công nghệ"], "2025-10-31")
    assert rows["Rà soát tiến độ các công trình trọng điểm của tỉnh."][1:] == (None, "")
    assert rows["Bố trí kinh phí thực hiện các nhiệm vụ của Đề án."][1:] == (None, "")


@pytest.mark.parametrize(("text", "names"), [
    # Groups with "đoàn thể" and "địa phương" are one agency, not a name followed by words read as the task.
    ("Các sở, ban, ngành, đoàn thể và Ủy ban nhân dân các xã, phường, đặc khu căn cứ chức năng",
     ["Các sở, ban, ngành, đoàn thể", "UBND các xã, phường, đặc khu"]),
    ("Các cơ quan, địa phương liệt kê các văn bản", ["Các cơ quan, địa phương"]),
    # A title reads the agency it heads as one name; a board's name goes on after "về" + a capital.
    ("Giám đốc Sở Tài chính chủ trì thẩm định", ["Giám đốc Sở Tài chính"]),
    ("Giám đốc Ngân hàng Nhà nước chi nhánh Khu vực 10 chịu trách nhiệm", ["Giám đốc Ngân hàng Nhà nước"]),
    ("Tổ giúp việc về Cải cách hành chính có nhiệm vụ tham mưu", ["Tổ giúp việc về Cải cách hành chính"]),
    ("Viễn thông Hòa Sơn phối hợp chuẩn bị đường truyền", ["Viễn thông Hòa Sơn"]),
    # A decision's execution clause names each body by its head's title.
    ("Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Công an tỉnh chịu trách nhiệm thi hành Quyết định này",
     ["Chánh Văn phòng Ủy ban nhân dân tỉnh", "Giám đốc Công an tỉnh"]),
    ("Sở Nội vụ về việc tổ chức hội nghị", ["Sở Nội vụ"]),
    # A title heads the whole body after it, even where a shorter name is known; a province body keeps its
    # province's name in the mention, not in the task.
    ("Chủ tịch UBND các xã, phường, đặc khu", ["Chủ tịch UBND các xã, phường, đặc khu"]),
    ("Thuế tỉnh Lâm Đồng và Sở Xây dựng", ["Cục Thuế tỉnh", "Sở Xây dựng"]),
    ("Chủ tịch UBND tỉnh Lâm Đồng chỉ đạo", ["Chủ tịch UBND tỉnh"]),
    ("Công an tỉnh Tham mưu", ["Công an tỉnh"]),
])
def test_group_titled_and_board_names_are_read_whole(text, names):
    assert [m.name for m in AgencyParser().many(text, 0)] == names


def test_a_list_of_members_by_role_is_not_a_list_of_tasks():
    doc = _parsed("QD_12_to_giup_viec.txt", [
        "SỞ NỘI VỤ TỈNH HÒA SƠN", "Số: 12/QĐ-SNV", "Hòa Sơn, ngày 21 tháng 8 năm 2025", "QUYẾT ĐỊNH",
        "Thành lập Tổ giúp việc về Cải cách hành chính", "Điều 1. Thành lập Tổ giúp việc, gồm các ông (bà):",
        "1. Tổ trưởng: Ông Nguyễn Văn An - Giám đốc Sở Nội vụ.",
        "2. Tổ phó: Bà Trần Thị Bình - Phó Giám đốc Sở Nội vụ.",
        "3. Thành viên: Giám đốc/Phó Giám đốc Sở Tư pháp phụ trách về công tác cải cách thể chế của tỉnh.",
        "4. Thành viên: Chánh/Phó Chánh Văn phòng Ủy ban nhân dân tỉnh.",
        "Điều 2. Tổ giúp việc về Cải cách hành chính tham mưu kế hoạch cải cách hành chính năm 2026.",
    ])
    assert [(r.leads, r.action) for r in extract_facts(doc).tasks] == [
        (["Tổ giúp việc về Cải cách hành chính"], "Tham mưu kế hoạch cải cách hành chính năm 2026.")]


def test_figures_reported_under_a_body_are_not_its_tasks():
    """An appraisal report's section about a body holds its scores, often as a table the PDF gave without its
    grid; the body's task in the same section is still read."""
    doc = _parsed("BC_12_tham_dinh.txt", [
        "SỞ NỘI VỤ TỈNH HÒA SƠN", "Số: 12/BC-SNV", "Hòa Sơn, ngày 02 tháng 02 năm 2026", "BÁO CÁO",
        "Thẩm định Chỉ số cải cách hành chính năm 2025",
        "1. Sở Tài chính",
        "STT Đơn vị Điểm đạt được",
        "1 Phòng Quản lý ngân sách 74,00 67,50 49,58 67,00%",
        "Điểm cao nhất 13,951 93,004%",
        "Có 3/12 phòng có kết quả đạt từ 80% trở lên, chiếm tỷ lệ 25,00%.",
        "a) Tổ chức khắc phục các tồn tại, hạn chế trước ngày 31/3/2026.",
        "b) Giải ngân 100% kế hoạch vốn năm 2026 trước ngày 31/12/2026.",
    ])
    assert [(r.leads, r.deadline) for r in extract_facts(doc).tasks] == [(["Sở Tài chính"], "2026-03-31"),
                                                                         (["Sở Tài chính"], "2026-12-31")]
