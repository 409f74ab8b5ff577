"""Tasks and indicators of the real notices in ../shared against a hand-made gold set.

The gold below was written by reading each notice: every directive that names a responsible
agency (explicitly, or through the lead-in "Giao X chủ trì ...:" its item belongs to) or gives a
dated deadline, with its lead agency (canonical name; joint leads as a set) and its deadline as an
ISO date (None when the notice gives none or only a recurring one such as "hằng tuần"). A
directive with two dated deadlines counts twice. Section I-type assessments, the meeting
description and the closing formula assign nothing.
"""
from __future__ import annotations

from collections import Counter

import pytest

pytestmark = pytest.mark.shared

KHDT = "Sở Kế hoạch và Đầu tư"
TC = "Sở Tài chính"
XTDT = "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh"
NDT = "Nhà đầu tư"
BQLDA1 = "Ban Quản lý dự án đầu tư xây dựng số 1"
PTQD = "Trung tâm Phát triển quỹ đất tỉnh"
NNMT = "Sở Nông nghiệp và Môi trường"
XD = "Sở Xây dựng"
NV = "Sở Nội vụ"
P2 = "UBND Phường 2 Bảo Lộc"
DH = "UBND xã Đạ Huoai"
SBN = "Các sở, ban, ngành"
XA3 = "UBND các xã Đức Trọng, Hiệp Thạnh, Đinh Văn Lâm Hà"

# (leads, deadline) per notice, in reading order.
GOLD: dict[str, list[tuple[tuple[str, ...], str | None]]] = {
    "000_896d6478cf7fb18b.txt": [
        # II.1 Nhiệm vụ chung
        (("Các cơ quan, đơn vị",), "2024-01-05"),  # Tờ trình, Nghị quyết: trình UBND tỉnh trước ngày 05/01/2024
        (("Thủ trưởng các cơ quan, đơn vị", "Chủ tịch UBND các huyện, thị xã, thành phố"), None),
        ((), "2024-01-20"),  # chương trình công tác năm 2024, ban hành trước ngày 20/01/2024
        ((), "2024-01-31"),  # kế hoạch 18 đề án, trình ban hành trong tháng 01/2024
        # II.2.2 Quy hoạch, xây dựng cơ bản
        ((KHDT,), None),
        ((KHDT,), "2024-01-31"),  # hoàn thành báo cáo UBND tỉnh trước ngày 31/01/2024
        (("Sở Giao thông vận tải",), None),
        ((KHDT,), "2024-01-31"),  # kế hoạch đầu tư công trung hạn: trong tháng 01 năm 2024
        # II.2.3 Công nghiệp
        ((KHDT,), "2024-02-28"),  # cơ chế thu hút doanh nghiệp: trước 28/02/2024
        (("Sở Công Thương",), None),
        # II.2.4 Thu ngân sách
        (("Cục Thuế tỉnh", "Các địa phương"), None),
        ((TC,), None),
        # II.2.5 Chương trình mục tiêu quốc gia
        (("Các cơ quan thường trực các chương trình MTQG",), None),
        ((KHDT, TC), None),
        ((TC,), None),
        # II.2.6 Văn hóa - Xã hội
        (("Sở Văn hóa và Thể thao",), None),
        (("Sở Văn hóa và Thể thao", "Sở Du lịch"), None),
        (("Sở Y tế", "Sở Giáo dục và Đào tạo", "UBND các huyện, thị xã, thành phố", "Các cơ sở y tế, giáo dục"),
         None),
        (("Sở Giáo dục và Đào tạo",), None),
        # II.2.7 Cải cách hành chính
        ((KHDT,), None),
        # II.2.8 Kiến nghị, đơn thư
        (("Các cơ quan, đơn vị",), None),
        (("UBND cấp huyện",), None),
        # II.2.9 Quốc phòng, an ninh, đối ngoại
        (("Công an tỉnh",), None),
        (("Sở Ngoại vụ",), None),
        (("Các cơ quan, đơn vị, địa phương",), None),
        (("Các đơn vị",), None),
        (("Sở Ngoại vụ",), None),
    ],
    "TBKL_cuoc_hop_PCI_doanh_nghiep.docx": [
        ((XTDT,), "2026-05-31"),  # tổ chức Hội nghị gặp mặt doanh nghiệp trong tháng 5/2026
        ((XTDT,), None),
        ((SBN,), None),  # chuẩn bị nội dung trả lời kiến nghị, gửi về Trung tâm trước hội nghị
        ((XTDT,), "2026-05-31"),  # 2.a rà soát 72 dự án, báo cáo trong tháng 5 năm 2026
        ((XTDT,), None),
        ((TC,), None),  # 2.b
        ((XTDT,), None),  # 3: five items
        ((XTDT,), None),
        ((XTDT,), None),
        ((XTDT,), None),
        ((XTDT,), None),
    ],
    "TBKL_hoi_nghi_CCHC_22-01-2026_LamDong.docx": [
        *[(("Sở Tư pháp",), None)] * 3,  # II.1.a-c
        *[(("Văn phòng UBND tỉnh",), None)] * 5,  # II.2.a-đ (hằng tuần: recurring)
        *[((NV,), None)] * 3,  # II.3.a-c
        *[((TC,), None)] * 3,  # II.4.a-c
        (("Sở Khoa học và Công nghệ",), None),
        (("Sở Khoa học và Công nghệ",), None),
        (("Sở Khoa học và Công nghệ",), "2026-02-28"),  # II.5.c hoàn thành trong tháng 02/2026
        ((NV,), None),  # II.7.a
        ((SBN, "UBND các xã, phường, đặc khu"), None),  # II.7.b-c: "Trách nhiệm của ..."
        ((SBN, "UBND các xã, phường, đặc khu"), None),
        *[((NV,), None)] * 3,  # III.1-3 (chậm nhất ngày 05 hằng tháng: recurring)
    ],
    "TBKL_hop_tap_doan_Son_Hai.docx": [
        ((NDT,), "2026-04-30"),  # 2.a hoàn thành và gửi ... trong tháng 4/2026
        ((NDT,), "2026-05-05"),  # 2.b trước ngày 05/5/2026
        ((BQLDA1,), None),  # 2.c
        ((NDT,), None),  # 2.d
        ((NDT,), "2026-04-30"),  # 2.đ nộp báo cáo ... trong tháng 4/2026
        ((NNMT,), None),  # 2.đ thẩm định hồ sơ
    ],
    "TBKL_kiem_tra_thi_cong_GPMB_02_tuyen_cao_toc.docx": [
        ((NDT,), None),  # II.1.a
        ((NDT,), None),  # II.1.b (thi công trong tháng 4/2026 is not a deadline)
        ((NDT,), None),  # II.1.c
        ((NDT,), "2026-04-28"),  # II.1.e nộp hồ sơ trước ngày 28/4/2026
        ((NDT,), "2026-05-05"),  # II.1.e báo cáo hướng tuyến trước ngày 05/5/2026
        ((NDT,), "2026-05-30"),  # II.2.a chủ trương đầu tư trước 30/5/2026
        ((NDT,), "2026-06-15"),  # II.2.a dự án đầu tư trước ngày 15/6/2026
        ((NDT,), "2026-04-30"),  # II.2.b hồ sơ (of the investor, implied) trước ngày 30/4/2026
        ((BQLDA1,), None),  # II.3
        ((PTQD,), None),  # II.4.a chi trả bồi thường
        ((PTQD,), "2026-05-30"),  # Bảo Lộc – Liên Khương: đến 30/5/2026 bàn giao
        ((PTQD,), "2026-05-30"),  # Tân Phú – Bảo Lộc: đến 30/5/2026 bàn giao
        ((PTQD,), "2026-04-30"),  # Phường 2 Bảo Lộc: phê duyệt trong tháng 4/2026
        ((PTQD,), "2026-05-10"),  # xã Đạ Huoai: trình phê duyệt trước ngày 10/5/2026
        (("UBND xã Bảo Lâm 2",), None),  # II.4.b
        ((P2,), "2026-04-30"),  # II.4.c
        ((P2,), "2026-04-30"),
        ((P2,), "2026-05-20"),
        ((P2,), None),
        ((DH,), "2026-05-15"),  # II.4.d
        ((DH,), "2026-05-31"),
        ((DH,), "2026-06-30"),
        *[((BQLDA1,), None)] * 3,  # II.4.đ
        ((XD,), None),  # II.4.e
        *[((NNMT,), None)] * 3,  # II.4.g
        *[((TC,), None)] * 3,  # II.4.f
    ],
    "TBKL_lam_viec_22-04-2026.docx": [
        ((XD, SBN, "UBND các xã"), None),  # I.1
        ((XD,), "2026-06-30"),  # I.2 hoàn thành phê duyệt quy hoạch trong Quý II/2026
        ((XA3,), "2026-04-24"),  # II.1 gửi Sở Xây dựng trước ngày 24/4/2026
        (("Chủ tịch UBND các xã",), None),
        ((XD,), "2026-04-30"),  # II.2 thẩm định, trình phê duyệt trong tháng 4/2026
        ((XD,), "2026-04-30"),  # văn bản gửi Bộ Xây dựng, báo cáo trong tháng 4/2026
        ((XD,), None),  # định kỳ trước ngày 15 hàng tháng: recurring
        ((TC,), None),  # II.3
        ((SBN,), None),  # II.4
    ],
}


def _pairs(rows) -> Counter:
    return Counter((frozenset(leads), deadline) for leads, deadline in rows)


@pytest.fixture(scope="module")
def extracted(shared_dir):
    from ingest.facts import extract_facts
    from ingest.pipeline import DocumentParser

    parser = DocumentParser()
    return {name: extract_facts(parser.parse_file(shared_dir / "corpus" / "notices" / name)) for name in GOLD}


def test_lead_deadline_pairs_reach_precision_and_recall(extracted):
    matched = predicted = expected = 0
    misses = []
    for name, gold in GOLD.items():
        want = _pairs(gold)
        got = _pairs((t.leads, t.deadline) for t in extracted[name].tasks)
        hit = sum((want & got).values())
        matched += hit
        predicted += sum(got.values())
        expected += sum(want.values())
        misses += [(name, "missed", k) for k in (want - got)] + [(name, "extra", k) for k in (got - want)]
    precision, recall = matched / predicted, matched / expected
    print(f"\ntasks (lead, deadline): precision {precision:.3f} ({matched}/{predicted}), "
          f"recall {recall:.3f} ({matched}/{expected})")
    for miss in misses:
        print("  ", miss)
    assert precision >= 0.9 and recall >= 0.9, misses


def test_every_dated_deadline_keeps_its_words(extracted):
    for facts in extracted.values():
        for task in facts.tasks:
            if task.deadline:
                assert task.deadline_text and task.deadline_text in task.where.text


def test_tasks_cite_section_and_page(extracted):
    cchc = extracted["TBKL_hoi_nghi_CCHC_22-01-2026_LamDong.docx"].tasks
    digital = [t for t in cchc if t.deadline == "2026-02-28"]
    assert [t.leads for t in digital] == [["Sở Khoa học và Công nghệ"]]
    assert digital[0].where.section.endswith("5.c") and digital[0].where.page_start >= 1
    assert "hoàn thành trong tháng 02/2026" in digital[0].where.text


def test_coordinators_are_read_from_phoi_hop(extracted):
    seed = extracted["000_896d6478cf7fb18b.txt"].tasks
    industry = next(t for t in seed if t.deadline == "2024-02-28")
    assert industry.leads == [KHDT]
    assert {"Sở Công Thương", "Ban Quản lý Khu kinh tế tỉnh"} <= set(industry.coordinators)
    assert industry.deadline_text == "trước 28/02/2024"


SEED_INDICATORS = [
    # (words of the name, value, unit, comparison, status) as the seed writes them
    ("GRDP", "5,11", "%", "", "missed"),
    ("Thu ngân sách trên địa bàn", "9.399", "tỷ đồng", "", ""),
    ("khách du lịch", "7,5", "triệu lượt khách", "", ""),
    ("khách du lịch", "25", "%", "kế hoạch", "reached"),
    ("Tổng thu từ khách du lịch", "23", "nghìn tỷ đồng", "", ""),
    ("Giải ngân vốn đầu tư công", "111,94", "%", "kế hoạch", "reached"),
    ("Giá trị sản xuất công nghiệp", "83,3", "%", "kế hoạch", "missed"),
    ("chỉ tiêu không đạt kế hoạch", "9/42", "chỉ tiêu", "kế hoạch", "missed"),
    ("Thu ngân sách nhà nước trên địa bàn", "79,2", "%", "kế hoạch", "missed"),
    ("Giá trị xuất nhập khẩu qua các cửa khẩu", "42,7", "%", "kế hoạch", "missed"),
    ("Tỷ lệ bao phủ bảo hiểm y tế", "95,7", "%", "", "missed"),
    ("nước sạch", "98,94", "%", "", "missed"),
]


def test_seed_2023_results_are_extracted_as_written(extracted):
    rows = extracted["000_896d6478cf7fb18b.txt"].indicators
    for words, value, unit, comparison, status in SEED_INDICATORS:
        match = [r for r in rows if words.lower() in r.name.lower() and r.value == value]
        assert match, f"no indicator {words!r} = {value}"
        row = match[0]
        assert (row.unit, row.comparison, row.status) == (unit, comparison, status), row
        assert row.where.section == "I" and row.kind == "result"
        assert value in row.where.text


def test_seed_lists_all_nine_missed_indicators(extracted):
    rows = extracted["000_896d6478cf7fb18b.txt"].indicators
    listed = [r for r in rows if r.status == "missed" and r.period.lower() == "năm 2023"]
    names = [r.name for r in listed]
    assert any(n.startswith("Tốc độ tăng trưởng kinh tế (GRDP)") for n in names)
    assert any(n.startswith("GRDP bình quân đầu người") for n in names)
    assert len([r for r in listed if r.unit != "chỉ tiêu"]) == 9
