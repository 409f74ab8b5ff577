"""Province names read from scans: OCR misspellings are read as the province they stand for."""
from __future__ import annotations

import pytest

from ingest.pipeline import DocumentParser
from ingest.places import canonical_province


@pytest.mark.parametrize("read, province", [
    ("Lâm Đòng", "Lâm Đồng"), ("Lâm Đông", "Lâm Đồng"), ("Lam Dong", "Lâm Đồng"), ("Quảng Ngải", "Quảng Ngãi"),
    ("Binh Thuan", "Bình Thuận"), ("Hà Nọi", "Hà Nội"), ("Hòa Sơn", "Hòa Sơn"), ("Sơn", "Sơn"),
])
def test_a_misread_province_is_the_province_it_stands_for(read, province):
    assert canonical_province(read) == province


def test_the_province_of_an_ocr_header_is_a_real_one():
    text = ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH LÂM ĐÒNG Độc lập - Tự do - Hạnh phúc\n"
            "Số: 92/TB-UBND Lâm Đông, ngày 12 tháng 11 năm 2025\nTHÔNG BÁO\nKết luận về công tác cải cách hành chính\n"
            "1. Giao Sở Nội vụ chủ trì tổng hợp kết quả, báo cáo trước ngày 30/11/2025.\n")
    doc = DocumentParser(ocr_enabled=False).parse_bytes(text.encode(), "scan_ocr.txt")
    assert doc.meta.province == "Lâm Đồng" and doc.meta.issuer == "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"


def test_a_two_column_header_read_line_by_line_gives_the_whole_issuer():
    """OCR reads the issuer column and the motto column into the same lines; the provincial police, not the
    ministry above it, issued this submission."""
    text = ("BỘ CÔNG AN CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nCÔNG AN TỈNH LÂM ĐÒNG Độc lập - Tự do - Hạnh phúc\n"
            "Số: 233 /TTr-CAT-PC06 Lâm Đông, ngày 09 tháng 10 năm 2025\nTỜ TRÌNH\n"
            "Đề nghị ban hành Báo cáo kết quả triển khai Đề án 06\nKính gửi: Ủy ban nhân dân tỉnh Lâm Đồng.\n"
            "1. Công an tỉnh đề nghị Ủy ban nhân dân tỉnh ban hành báo cáo.\n")
    meta = DocumentParser(ocr_enabled=False).parse_bytes(text.encode(), "tt_233.txt").meta
    assert meta.issuer == "BỘ CÔNG AN CÔNG AN TỈNH LÂM ĐỒNG" and meta.province == "Lâm Đồng"  # spelled as listed
