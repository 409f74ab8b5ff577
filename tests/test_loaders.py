"""Loaders read real TXT, PDF and DOCX files and reject bad ones with clear errors."""
from __future__ import annotations

import pytest

from conftest import EXAMPLES
from docgen import write_pdf
from ingest.loaders import load_bytes, load_file
from ingest.models import IngestError


def test_text_file_is_one_page_of_nfc_text():
    raw = load_file(EXAMPLES / "TB_15_phien_hop_thang_01_2025.txt")
    assert raw.media_type == "text/plain"
    assert len(raw.pages) == 1
    assert "Giao Sở Tài chính chủ trì" in raw.pages[0].text
    assert len(raw.content_hash) == 64


def test_pdf_is_read_page_by_page_with_diacritics():
    raw = load_file(EXAMPLES / "TB_27_giai_ngan_dau_tu_cong.pdf")
    assert [p.number for p in raw.pages] == [1, 2]
    assert "giải ngân" in raw.pages[0].text
    assert "Khu công nghiệp Nam Hòa Sơn" in " ".join(raw.pages[1].text.split())


def test_docx_keeps_header_table_and_body_in_order():
    text = load_file(EXAMPLES / "KH_42_chuyen_doi_so_2025.docx").pages[0].text
    assert text.index("Số: 42/KH-UBND") < text.index("KẾ HOẠCH") < text.index("I. MỤC TIÊU")
    assert "Sở Thông tin và Truyền thông" in text.split("Nơi nhận:")[1]  # the trailing table is kept


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.pdf", "empty file"),
        (b"   \n", "blank.txt", "empty file"),
        (b"<html><body>not a pdf</body></html>", "fake.pdf", "not PDF"),
        (b"%PDF-1.7\n1 0 obj <<", "truncated.pdf", "cannot be read"),
        (b"PK\x03\x04garbage", "broken.docx", "cannot be read"),
        (b"hello", "notes.odt", "unsupported file type"),
    ],
)
def test_bad_files_raise_clear_errors(data, name, message):
    with pytest.raises(IngestError, match=message):
        load_bytes(data, name)


def test_encrypted_pdf_is_rejected(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = write_pdf(tmp_path / "plain.pdf", [["Bí mật"]])
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as fh:
        writer.write(fh)
    with pytest.raises(IngestError, match="encrypted"):
        load_file(locked)
