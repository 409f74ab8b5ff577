"""The shared corpus and dev questions: every file ingests or is flagged, evidence lands in one labelled chunk.

Only DocumentParser runs here (no embedding), so these checks are quick.
"""
from __future__ import annotations

import pytest

from eval.datasets import load_notices
from eval.matching import MIN_TRIGRAM_SHARE, trigram_share
from ingest.models import IngestError
from ingest.pipeline import DocumentParser, discover

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def parsed(shared_dir):
    parser = DocumentParser(ocr_enabled=False)  # OCR has tests of its own; here scans must be flagged
    docs = {}
    for path in discover([shared_dir / "corpus"]):
        try:
            docs[path.name] = parser.parse_file(path)
        except IngestError as exc:
            docs[path.name] = exc
    return docs


def test_every_file_ingests_or_is_flagged_with_a_reason(parsed):
    assert parsed
    for name, doc in parsed.items():
        assert not isinstance(doc, IngestError), f"{name}: {doc}"
        if doc.status == "ok":
            assert doc.chunks, name
        else:
            assert doc.warnings and not doc.chunks, name
    assert parsed["17026_scan_no_text_layer.pdf"].status == "needs_ocr"
    assert parsed["493_TB-UBND_LamDong_scan_with_garbled_ocr_layer.pdf"].status == "needs_ocr"


def test_chunks_are_concise_and_exact(parsed):
    sizes = []
    for doc in parsed.values():
        for chunk in doc.chunks:
            assert doc.text[chunk.char_start:chunk.char_end] == chunk.text
            sizes.append(len(chunk.text))
    sizes.sort()
    assert sizes[int(len(sizes) * 0.95)] <= 900 and sizes[-1] <= 1300


def _dev_scores(parsed, shared_dir):
    questions = load_notices(shared_dir / "eval/notices-dev.jsonl")
    total = inside = agree = 0
    misses = []
    for question in questions:
        for evidence in question.evidence:
            total += 1
            chunks = [c for c in parsed[evidence.doc].chunks if trigram_share(evidence.quote, c.text) >= MIN_TRIGRAM_SHARE]
            if chunks:
                inside += 1
                if any(c.section == evidence.section for c in chunks):
                    agree += 1
                else:
                    misses.append((question.id, evidence.section, [c.section for c in chunks]))
    return total, inside, agree, misses


def test_dev_evidence_falls_in_one_chunk_with_the_right_section(parsed, shared_dir):
    total, inside, agree, misses = _dev_scores(parsed, shared_dir)
    assert total > 100
    assert inside / total >= 0.95, f"{inside}/{total} quotes inside one chunk"
    assert agree / total >= 0.90, f"{agree}/{total} labels agree; misses: {misses}"


@pytest.mark.parametrize("name, number, date", [
    ("1187_QD-BNV_bo_chi_so_CCHC.pdf", "1187/QĐ-BNV", "2025-10-15"),
    ("2003_CD-VPCP_cong_dien_ma_tuy_signed.pdf", "2003/CĐ-VPCP", "2025-10-07"),
    ("329_BC-UBND_LamDong_bao_cao_CCHC_2025.pdf", "329/BC-UBND", "2025-12-19"),
    ("12094_BNV-CCHC_cong_van_huong_dan.pdf", "12094/BNV-CCHC", "2025-12-15"),
    ("779_QD-UBND_BinhThuan_dieu_le_quy_khuyen_hoc_signed.pdf", "779/QĐ-UBND", "2022-03-23"),  # typed in the page
])
def test_a_signed_pdf_has_the_number_and_day_its_form_fields_print(parsed, name, number, date):
    """The number and day of issue printed into form fields over the template's blanks are read into the header."""
    doc = parsed[name]
    assert (doc.meta.number, doc.meta.date) == (number, date)
    header = doc.text[:400]
    assert f"Số: {number}" in header or f"Số: {number.split('/')[0]} /" in header


def test_a_scan_with_a_signature_stamp_is_still_a_scan(shared_dir):
    """Signed scans carry a stamp annotation ("SAO Y ... Thời gian ký: ...") over the page image: its words
    join the page text, but the page is still OCRed, not taken for a text page."""
    from ingest.loaders import load_file

    scans = [p for p in (shared_dir / "archive").rglob("*.signed.pdf") if p.name in ("1_4214.signed.pdf", "1_589.signed.pdf")]
    if not scans:
        pytest.skip("the archive's signed scans are not here")
    for path in scans:
        first = load_file(path).pages[0]
        assert first.needs_ocr and "ký" in first.text, (path.name, first.text[:80])


def test_a_footnote_running_over_a_page_break_stays_a_footnote(parsed):
    """Page 4 of the report opens with the rest of a footnote begun on page 3, in smaller type and without a
    number of its own: it joins that footnote, and the sentence the page break cut is whole again."""
    doc = parsed["329_BC-UBND_LamDong_bao_cao_CCHC_2025.pdf"]
    body = doc.text[:doc.text.find(doc.footnotes[0])] if doc.footnotes else doc.text
    assert "kiểm tra tại 42/42 cơ quan, đơn vị, địa phương (gồm: 04 cơ quan" in body
    assert "Công văn số 3779/UBND-HCC" not in body
    assert any("Công văn số 3779/UBND-HCC ngày 19/9/2025" in note for note in doc.footnotes)


def test_the_recipients_set_small_at_the_foot_are_not_a_footnote(tmp_path):
    """Type size alone would take the recipients list of the last page ("Nơi nhận: - Như trên; - Lưu: VT",
    set smaller than the body) for a footnote area."""
    from docgen import unicode_font
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", unicode_font())
    pdf.add_page()
    for size, line in [(14, "ỦY BAN NHÂN DÂN TỈNH HÒA SƠN"), (14, "Số: 12/TB-UBND"), (14, "THÔNG BÁO"),
                       (14, "1. Giao Sở Tài chính chủ trì bố trí kinh phí, hoàn thành trước ngày 30/6/2025."),
                       (14, "2. Giao Sở Y tế kiểm tra an toàn thực phẩm trên địa bàn tỉnh."),
                       (11, "Nơi nhận:"), (10, "- Như trên;"), (10, "- Sở Tài chính;"), (10, "- Lưu: VT, TH.")]:
        pdf.set_font("DejaVu", size=size)
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "TB_12_nguoi_nhan.pdf"
    pdf.output(str(path))
    doc = DocumentParser(ocr_enabled=False).parse_file(path)
    assert not doc.footnotes and "Lưu: VT, TH." in doc.text
