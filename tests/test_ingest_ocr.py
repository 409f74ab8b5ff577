"""Scans and garbled text layers: OCR'd with Tesseract when it is installed, flagged (never indexed) when not."""
from __future__ import annotations

import pytest

from docgen import unicode_font
from ingest.ocr import TesseractOcr
from ingest.pipeline import DocumentParser
from ingest.quality import score_text

TESSERACT = TesseractOcr().unavailable_reason is None
needs_tesseract = pytest.mark.skipif(not TESSERACT, reason="Tesseract with Vietnamese data is not installed")

LINES = ["THÔNG BÁO", "Kết luận của Chủ tịch Ủy ban nhân dân tỉnh", "1. Giao Sở Tài chính chủ trì",
         "xây dựng kế hoạch thu ngân sách năm 2025."]


def scanned_pdf(path, pages: list[list[str]] | None = None):
    """A PDF whose only content is images of printed Vietnamese text (no text layer), a page per list of lines."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(unicode_font(), 64)
    pdf = FPDF(format="A4")
    for lines in pages or [LINES]:
        image = Image.new("L", (2480, 1200), 255)
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(lines):
            draw.text((160, 150 + i * 120), line, fill=0, font=font)
        pdf.add_page()
        pdf.image(image, x=0, y=0, w=210)
    pdf.output(str(path))
    return path


def test_quality_score_separates_vietnamese_from_garbage():
    good = score_text("Ủy ban nhân dân tỉnh Lâm Đồng giao Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan "
                      "tổ chức thực hiện nhiệm vụ cải cách hành chính năm 2025 (CCHC, UBND).")
    bad = score_text("uY BAN NgAN nAN TINH LAMDONG ceNG HoA xA ugr cuu xcuia vrET NAM DQc l$p - Tg do - H4nh phric "
                     "Nguy6n Ngoc Phric -'Tinh fry vi6n, Ph6 Ch[ tich LJBND tinh t4i bu6i thm viQc nghe b6o c6o")
    assert not good.garbled and good.syllable_share > 0.95
    assert bad.garbled and bad.syllable_share < 0.6


def test_scan_without_ocr_is_flagged_with_no_chunks(tmp_path):
    doc = DocumentParser(ocr_enabled=False).parse_file(scanned_pdf(tmp_path / "scan.pdf"))
    assert doc.status == "needs_ocr" and doc.chunks == [] and doc.text == ""
    assert any("page(s) 1 not indexed (no text layer): OCR is disabled" in w for w in doc.warnings)


@pytest.mark.slow
@needs_tesseract
def test_scan_is_read_by_ocr_and_cached(tmp_path):
    cache = tmp_path / "ocr-cache"
    path = scanned_pdf(tmp_path / "scan.pdf")
    doc = DocumentParser(ocr_cache_dir=cache).parse_file(path)
    assert doc.status == "ok" and doc.ocr_pages == [1]
    assert "Sở Tài chính" in doc.text and "ngân sách" in doc.text
    assert doc.meta.doc_type == "THÔNG BÁO"
    cached = list(cache.iterdir())
    assert len(cached) == 1 and cached[0].name.startswith(doc.content_hash)
    # A second parse reads the cache, not the page: what the cache holds is what comes back.
    cached[0].write_text("THÔNG BÁO\n1. Giao Sở Xây dựng kiểm tra hồ sơ quy hoạch chung các xã.\n", encoding="utf-8")
    again = DocumentParser(ocr_cache_dir=cache).parse_file(path)
    assert "Sở Xây dựng" in again.text and "Sở Tài chính" not in again.text


@pytest.mark.slow
@needs_tesseract
def test_pages_of_a_scan_read_at_once_come_back_as_read_one_by_one(tmp_path):
    pages = [["THÔNG BÁO", "1. Giao Sở Tài chính chủ trì"], ["2. Giao Sở Xây dựng kiểm tra"],
             ["3. Giao Công an tỉnh bảo đảm"]]
    data = scanned_pdf(tmp_path / "scan3.pdf", pages).read_bytes()
    together = TesseractOcr(workers=3).recognize(data, [1, 2, 3], content_hash="")
    assert together == TesseractOcr(workers=1).recognize(data, [1, 2, 3], content_hash="")
    assert list(together) == [1, 2, 3]
    assert "Tài chính" in together[1] and "Xây dựng" in together[2] and "Công an" in together[3]


@pytest.mark.shared
def test_garbled_text_layer_is_never_indexed_without_ocr(shared_dir):
    doc = DocumentParser(ocr_enabled=False).parse_file(
        shared_dir / "corpus/notices/493_TB-UBND_LamDong_scan_with_garbled_ocr_layer.pdf")
    assert doc.status == "needs_ocr" and doc.chunks == []
    assert any("garbled text layer" in w for w in doc.warnings)


@pytest.mark.shared
@pytest.mark.slow
@needs_tesseract
def test_shared_scan_is_ocrd_into_vietnamese(shared_dir, tmp_path):
    doc = DocumentParser(ocr_cache_dir=tmp_path).parse_file(shared_dir / "corpus/admin/17026_scan_no_text_layer.pdf")
    assert doc.status == "ok" and doc.chunks and doc.ocr_pages == [1]
    assert "Công an tỉnh" in doc.text and not score_text(doc.text).garbled
    assert doc.meta.doc_type == "TỜ TRÌNH"
