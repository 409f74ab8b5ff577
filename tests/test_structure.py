"""Sections and chunks follow the document's own numbering and never cross a section."""
from __future__ import annotations

import pytest

from conftest import EXAMPLES
from docgen import write_docx, write_pdf
from ingest.models import IngestError, ParsedDocument
from ingest.pipeline import DocumentParser
from ingest.structure import is_region


def numbered(doc: ParsedDocument) -> list[str]:
    return [s.label for s in doc.sections if not is_region(s)]


def assert_chunk_invariants(doc: ParsedDocument) -> None:
    """Offsets point into the normalised text; body chunks lie inside their own section's span."""
    for chunk in doc.chunks:
        assert doc.text[chunk.char_start:chunk.char_end] == chunk.text
        assert chunk.text in chunk.embed_text
        assert chunk.page_start <= chunk.page_end
        if chunk.kind == "footnote":
            continue
        enclosing = [s for s in doc.sections if s.label == chunk.section
                     and s.start <= chunk.char_start < chunk.char_end <= s.end]
        assert enclosing, (chunk.section, chunk.text[:60])
        deeper = [s for s in doc.sections if s.level > enclosing[0].level
                  and chunk.char_start < s.start < chunk.char_end]
        # ... unless it holds its section whole (a heading over a list of short lines, see the chunker).
        whole = chunk.text == doc.text[enclosing[0].start:enclosing[0].end].strip()
        assert not deeper or whole, f"chunk {chunk.section} runs into {deeper[0].label}"


def test_example_notice_tree_and_chunks():
    doc = DocumentParser().parse_file(EXAMPLES / "TB_15_phien_hop_thang_01_2025.txt")
    assert numbered(doc)[:6] == ["I", "II", "II.1", "II.2", "II.2.1", "II.2.2"]
    labels = [s.label for s in doc.sections]
    assert labels[:2] == ["header", "intro"] and labels[-2:] == ["recipients", "signature"]
    titles = {s.label: s.title for s in doc.sections}
    assert titles["II.2.1"] == "Tài chính - ngân sách"
    assert doc.meta.number == "15/TB-UBND" and doc.meta.date == "2025-01-10" and doc.meta.doc_type == "THÔNG BÁO"
    assert doc.meta.signer == "Trần Thị Bình" and "Lưu: VT" in doc.meta.recipients

    finance = [c for c in doc.chunks if "Sở Tài chính chủ trì" in c.text]
    assert len(finance) == 1 and finance[0].section == "II.2.1"
    assert finance[0].embed_text.startswith("Thông báo Kết luận của Chủ tịch UBND tỉnh")
    assert "II.2.1 Tài chính - ngân sách" in finance[0].embed_text
    assert_chunk_invariants(doc)


def test_pdf_chunks_carry_their_pages():
    doc = DocumentParser().parse_file(EXAMPLES / "TB_27_giai_ngan_dau_tu_cong.pdf")
    first = next(c for c in doc.chunks if "Ban Quản lý dự án" in c.text)
    second = next(c for c in doc.chunks if "Đồng Xuân" in c.text)
    assert first.page_start == 1 and second.page_start == 2
    assert doc.meta.title == "Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp về tiến độ giải ngân vốn đầu tư công"
    assert_chunk_invariants(doc)


def test_page_furniture_is_dropped_and_paragraphs_join_across_pages(tmp_path):
    """Running header, page numbers and footnotes are set apart; a paragraph split by a page break is one."""
    body = ("Sở Tài chính chủ trì, phối hợp với Cục Thuế tỉnh và các đơn vị liên quan xây dựng chi tiết kế "
            "hoạch thu ngân sách trên địa bàn tỉnh năm 2024, làm rõ từng nội dung chỉ tiêu, từng đơn vị")
    pages = [
        ["I. Kết quả thực hiện", "Thành viên UBND tỉnh1 dự họp; phiên họp đánh giá kết quả năm 2023 và đề ra "
         "nhiệm vụ năm 2024 của tỉnh.", "II. Nhiệm vụ", body,
         "1 Vắng 02 đồng chí có cấp phó dự họp thay."],
        ["theo thời gian (tháng, quý) và báo cáo UBND tỉnh trước ngày 15 hằng tháng.", "III. Tổ chức thực hiện",
         "Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện."],
        ["Các sở, ban, ngành báo cáo kết quả thực hiện về Văn phòng UBND tỉnh trước ngày 20 hằng tháng."],
    ]
    path = write_pdf(tmp_path / "notice.pdf", pages, header="UBND TỈNH HÒA SƠN - BẢN ĐIỆN TỬ", footer_numbers=True)
    doc = DocumentParser().parse_file(path)
    assert "BẢN ĐIỆN TỬ" not in doc.text
    assert not any(line.strip() in ("1", "2", "3") for line in doc.text.split("\n"))
    assert doc.footnotes == ["1 Vắng 02 đồng chí có cấp phó dự họp thay."]
    assert "tỉnh1" not in doc.text and "Thành viên UBND tỉnh dự họp" in doc.text
    finance = next(c for c in doc.chunks if "Cục Thuế tỉnh" in c.text)
    assert "theo thời gian (tháng, quý)" in finance.text  # rejoined across the page break
    assert (finance.section, finance.page_start, finance.page_end) == ("II", 1, 2)
    note = next(c for c in doc.chunks if c.kind == "footnote")
    assert note.section == "I" and note.page_start == 1 and note.lead_in.endswith("Thành viên UBND tỉnh")
    assert_chunk_invariants(doc)


def test_numbers_that_break_the_sequence_are_not_headings(tmp_path):
    text = "\n".join([
        "I. Kết quả",
        "1. Thu ngân sách đạt kế hoạch.",
        "2. Chi ngân sách bảo đảm.",
        "16. Nội dung này thực ra là dòng bị ngắt của bảng số liệu.",
        "3. Giải ngân vốn đầu tư công",
        "16 được giao với tổng dự toán 120 tỷ đồng.",
        "4. Cải cách hành chính",
    ])
    path = tmp_path / "numbers.txt"
    path.write_text(text, encoding="utf-8")
    doc = DocumentParser().parse_file(path)
    assert numbered(doc) == ["I", "I.1", "I.2", "I.3", "I.4"]
    spans = {s.label: doc.text[s.start:s.end] for s in doc.sections}
    assert "16. Nội dung" in spans["I.2"] and "16. Nội dung" not in spans["I.3"]


def test_legal_structure_attached_charter_and_lead_in(tmp_path):
    paragraphs = [
        "ỦY BAN NHÂN DÂN TỈNH HÒA SƠN", "Số: 12/QĐ-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Hòa Sơn, ngày 02 tháng 3 năm 2025", "QUYẾT ĐỊNH",
        "Về việc công nhận Điều lệ Quỹ Khuyến học tỉnh", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
        "Căn cứ Luật Tổ chức chính quyền địa phương;", "QUYẾT ĐỊNH:",
        "Điều 1. Công nhận Điều lệ Quỹ Khuyến học tỉnh ban hành kèm theo Quyết định này.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.",
        "Nơi nhận:", "- Như Điều 2;", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An",
        "ỦY BAN NHÂN DÂN", "TỈNH HÒA SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "ĐIỀU LỆ", "QUỸ KHUYẾN HỌC TỈNH HÒA SƠN", "(Kèm theo Quyết định số 12/QĐ-UBND)",
        "Chương I", "QUY ĐỊNH CHUNG",
        "Điều 1. Tên gọi", "Quỹ Khuyến học tỉnh Hòa Sơn.",
        "Điều 2. Nghĩa vụ của Quỹ", "1. Quyền hạn của Quỹ: được vận động tài trợ.",
        "2. Quỹ có các nghĩa vụ sau đây:", "a) Công khai các khoản đóng góp hằng năm.",
        "b) Chỉ giữ lại tiền mặt trong két không quá 10 triệu đồng.",
    ]
    doc = DocumentParser().parse_file(write_docx(tmp_path / "qd.docx", paragraphs))
    labels = [s.label for s in doc.sections]
    assert labels[:5] == ["header", "intro", "Điều 1", "Điều 2", "recipients"]
    assert {"Điều lệ - header", "Điều lệ - Chương I", "Điều lệ - Điều 1", "Điều lệ - Điều 2.2.b"} <= set(labels)
    titles = {s.label: s.title for s in doc.sections}
    assert titles["Điều lệ - Chương I"] == "QUY ĐỊNH CHUNG"
    cash = next(c for c in doc.chunks if "tiền mặt" in c.text)
    assert cash.section == "Điều lệ - Điều 2.2.b"
    assert cash.lead_in == "2. Quỹ có các nghĩa vụ sau đây:"
    assert doc.meta.doc_type == "QUYẾT ĐỊNH" and doc.meta.number == "12/QĐ-UBND" and doc.meta.signer == "Nguyễn Văn An"
    assert doc.meta.title == "Về việc công nhận Điều lệ Quỹ Khuyến học tỉnh"
    assert_chunk_invariants(doc)


def test_appendix_table_rows_are_items_with_their_header(tmp_path):
    paragraphs = ["KẾ HOẠCH", "Cải cách hành chính năm 2025", "I. MỤC TIÊU", "Nâng cao chỉ số cải cách hành chính.",
                  "PHỤ LỤC", "PHÂN CÔNG THỰC HIỆN NHIỆM VỤ"]
    table = [["STT", "Nhiệm vụ", "Thời gian hoàn thành", "Chủ trì"],
             ["I", "Cải cách thể chế", "", ""],
             ["1", "Cập nhật văn bản quy phạm pháp luật", "Hằng năm", "Sở Tư pháp"],
             ["2", "Công bố danh mục văn bản hết hiệu lực", "Trước ngày 31/01 năm liền kề", "Sở Tư pháp"],
             ["", "", "Trước ngày 05 của tháng liền kề", "Sở Nội vụ"]]
    doc = DocumentParser().parse_file(write_docx(tmp_path / "kh.docx", paragraphs, tables=[table]))
    assert {"Phụ lục", "Phụ lục I", "Phụ lục I.1", "Phụ lục I.2"} <= {s.label for s in doc.sections}
    row = next(c for c in doc.chunks if "hết hiệu lực" in c.text)
    assert row.section == "Phụ lục I.2" and row.kind == "table"
    assert "Trước ngày 31/01 năm liền kề | Sở Tư pháp" in row.text
    assert "Trước ngày 05 của tháng liền kề | Sở Nội vụ" in row.text  # a continuation row stays with its item
    assert row.lead_in == "STT | Nhiệm vụ | Thời gian hoàn thành | Chủ trì"
    assert row.lead_in in row.embed_text
    assert_chunk_invariants(doc)


def test_long_sections_split_at_sentence_boundaries(tmp_path):
    sentence = "Sở Nội vụ chủ trì tổ chức kiểm tra công tác cải cách hành chính tại các cơ quan, đơn vị. "
    path = tmp_path / "long.txt"
    path.write_text("I. Nhiệm vụ\n" + sentence * 40, encoding="utf-8")
    doc = DocumentParser().parse_file(path)
    pieces = [c for c in doc.chunks if c.section == "I"]
    assert len(pieces) > 3
    assert all(len(c.text) <= 900 + len(sentence) for c in pieces)
    assert all(c.text.rstrip().endswith(".") for c in pieces)
    assert_chunk_invariants(doc)



@pytest.mark.shared
def test_seed_tree_has_the_numbered_sections_with_titles(shared_dir):
    doc = DocumentParser().parse_file(shared_dir / "corpus/notices/000_896d6478cf7fb18b.txt")
    expected = ["I", "II", "II.1", "II.2"] + [f"II.2.{i}" for i in range(1, 10)]
    assert numbered(doc) == expected
    titles = {s.label: s.title for s in doc.sections}
    assert titles["II"] == "Về nhiệm vụ chủ yếu tháng 01 và Quý I năm 2024"
    assert titles["II.2.4"] == "Thu ngân sách"
    assert titles["II.2.9"] == "Đảm bảo quốc phòng, an ninh, tăng cường các hoạt động đối ngoại"
    assert doc.meta.date == "2024-01-03" and doc.meta.province == "Lào Cai"
    assert doc.footnotes and doc.footnotes[0].startswith("1 Vắng 02 đồng chí")
    assert "Vắng 02 đồng chí" not in doc.text[:doc.chunks[-1].char_start]  # not glued into the body
    assert_chunk_invariants(doc)


@pytest.mark.shared
@pytest.mark.parametrize("name", [
    "TBKL_cuoc_hop_PCI_doanh_nghiep.docx", "TBKL_hoi_nghi_CCHC_22-01-2026_LamDong.docx",
    "TBKL_hop_tap_doan_Son_Hai.docx", "TBKL_kiem_tra_thi_cong_GPMB_02_tuyen_cao_toc.docx",
    "TBKL_lam_viec_22-04-2026.docx",
])
def test_meeting_notices_get_their_header_facts(shared_dir, name):
    doc = DocumentParser().parse_file(shared_dir / "corpus/notices" / name)
    meta = doc.meta
    assert meta.doc_type == "THÔNG BÁO"
    assert meta.number == "/TB-UBND"  # the number itself is left blank in these unsigned copies
    assert meta.issuer == "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG" and meta.province == "Lâm Đồng"
    assert meta.date.startswith("2026-") and len(meta.date) == 10
    assert meta.title.startswith("Kết luận của đồng chí")
    assert meta.signer and meta.recipients
    assert_chunk_invariants(doc)


@pytest.mark.shared
def test_word_auto_numbering_and_lead_in(shared_dir):
    doc = DocumentParser().parse_file(shared_dir / "corpus/notices/TBKL_cuoc_hop_PCI_doanh_nghiep.docx")
    first = next(c for c in doc.chunks if "Thống nhất tổ chức Hội nghị" in c.text)
    assert first.section == "1" and first.text.startswith("1. Thống nhất")
    cchc = DocumentParser().parse_file(shared_dir / "corpus/notices/TBKL_hoi_nghi_CCHC_22-01-2026_LamDong.docx")
    item = next(c for c in cchc.chunks if c.section == "II.1.a")
    assert item.lead_in == "Giao Sở Tư pháp chủ trì, phối hợp với các cơ quan, đơn vị liên quan:"


def test_a_document_cut_into_too_many_passages_is_refused():
    parser = DocumentParser(max_chunks=3)
    with pytest.raises(IngestError, match="over the 3-passage limit"):
        parser.parse_file(EXAMPLES / "TB_15_phien_hop_thang_01_2025.txt")


def test_a_scans_signer_is_read_where_ocr_puts_it_after_the_recipients():
    """OCR reads a signature block's two columns as one: the title beside "Nơi nhận", the name last."""
    text = "\n".join([
        "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "Số: 120/UBND-NC", "V/v triển khai công tác phòng, chống ma túy",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Lâm Đồng, ngày 12 tháng 3 năm 2025",
        "Kính gửi: Công an tỉnh.",
        "Ủy ban nhân dân tỉnh giao Công an tỉnh chủ trì triển khai kế hoạch, báo cáo trước ngày 30/4/2025.",
        "Nơi nhận: KT. CHỦ TỊCH", "- Như trên; PHÓ CHỦ TỊCH", "- Chủ tịch UBND tỉnh;", "- Lưu: VT, NC.", "",
        "Thiếu tướng Nguyễn Nhân Bản",
    ])
    meta = DocumentParser(ocr_enabled=False).parse_bytes(text.encode(), "cv_120.txt").meta
    assert meta.signer == "Nguyễn Nhân Bản"
    assert meta.recipients[-1] == "Lưu: VT, NC" and not any("Nguyễn" in r for r in meta.recipients)


@pytest.mark.parametrize("after, expected", [
    ("3", ["I.1", "I.2", "I.3", "I.4"]),  # the number the neighbours leave out
    ("2", ["I.1", "I.2", "I.4"]),  # no gap: the sign numbers nothing
])
def test_an_item_number_ocr_misread_as_a_sign_is_numbered_by_its_neighbours_or_not_at_all(after, expected):
    text = "\n".join([
        "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "Số: 12/TB-UBND", "Lâm Đồng, ngày 12 tháng 3 năm 2025", "THÔNG BÁO",
        "Kết luận của Chủ tịch UBND tỉnh", "Ngày 10/3/2025, Chủ tịch UBND tỉnh chủ trì cuộc họp và kết luận như sau:",
        "I. NHIỆM VỤ", "1. Giao Sở Tài chính chủ trì rà soát nguồn vốn, báo cáo trước ngày 30/3/2025.",
        "§. Giao Sở Xây dựng chủ trì kiểm tra chất lượng công trình, báo cáo trước ngày 15/4/2025.",
        f"{after}. Giao Sở Nội vụ chủ trì tổng hợp kết quả cải cách hành chính.",
        "4. Giao Công an tỉnh bảo đảm an ninh trật tự.",
    ])
    doc = DocumentParser(ocr_enabled=False).parse_bytes(text.encode(), "tb_12.txt")
    items = [s for s in doc.sections if s.label.startswith("I.")]
    assert [s.label for s in items] == expected
    builder = next(s for s in items if "Xây dựng" in doc.text[s.start:s.end])
    assert builder.label == ("I.2" if after == "3" else "I.1")
    assert "Sở Nội vụ" in next(s for s in items if s.label == expected[-2]).title
