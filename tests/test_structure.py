"""Sections and chunks follow the document's own numbering and never cross a section."""
from __future__ import annotations

from conftest import EXAMPLES
from ingest.pipeline import DocumentParser


def test_example_notice_tree_and_chunks():
    doc = DocumentParser().parse_file(EXAMPLES / "TB_15_phien_hop_thang_01_2025.txt")
    labels = [s.label for s in doc.sections]
    assert labels[:6] == ["I", "II", "II.1", "II.2", "II.2.1", "II.2.2"]
    titles = {s.label: s.title for s in doc.sections}
    assert titles["II.2.1"] == "Tài chính - ngân sách"
    assert doc.meta.number == "15/TB-UBND" and doc.meta.date == "2025-01-10" and doc.meta.doc_type == "THÔNG BÁO"

    finance = [c for c in doc.chunks if "Sở Tài chính chủ trì" in c.text]
    assert len(finance) == 1 and finance[0].section == "II.2.1"
    for chunk in doc.chunks:
        section = next((s for s in doc.sections if s.label == chunk.section), None)
        if section is not None:
            assert section.start <= chunk.char_start < chunk.char_end <= section.end
        assert doc.text[chunk.char_start:chunk.char_end] == chunk.text
        assert chunk.text in chunk.embed_text


def test_pdf_chunks_carry_their_pages():
    doc = DocumentParser().parse_file(EXAMPLES / "TB_27_giai_ngan_dau_tu_cong.pdf")
    by_text = {c.text[:40]: c for c in doc.chunks}
    first = next(c for t, c in by_text.items() if "Ban Quản lý dự án" in c.text)
    second = next(c for t, c in by_text.items() if "Đồng Xuân" in c.text)
    assert first.page_start == 1 and second.page_start == 2
