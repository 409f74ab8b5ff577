"""Loaders read real TXT, PDF and DOCX files and reject bad ones with clear errors."""
from __future__ import annotations

import pytest

from conftest import EXAMPLES
from docgen import write_docx, write_pdf
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


def test_a_pdf_with_bytes_before_its_header_is_read_as_readers_do():
    """Signed files of the archive carry a few bytes before ``%PDF-``; Acrobat and PDFium open them."""
    data = (EXAMPLES / "TB_27_giai_ngan_dau_tu_cong.pdf").read_bytes()
    raw = load_bytes(b"\x75\xab\x5a\x01" * 5 + b"\n" + data, "TB_27_signed.pdf")
    assert [p.number for p in raw.pages] == [1, 2] and "giải ngân" in raw.pages[0].text
    with pytest.raises(IngestError, match="unsupported format|not PDF"):  # a header further in: not a PDF
        load_bytes(b"x" * 2000 + data, "late.pdf")


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


def _numbered_docx(path, items: list[tuple[int, str]], formats: tuple[str, str] = ("decimal", "lowerLetter")):
    """A Word file whose list numbers exist only in numbering.xml (level 0 and 1 formats as given)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    document = docx.Document()
    numbering = document.part.numbering_part.element
    texts = {"decimal": "%1.", "lowerLetter": "%2)", "upperRoman": "%1.", "bullet": "-"}
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{texts[fmt]}"/></w:lvl>'
        for i, fmt in enumerate(formats))
    numbering.append(parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for level, text in items:
        paragraph = document.add_paragraph(text)
        num_pr = parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        paragraph._p.get_or_add_pPr().append(num_pr)
        assert paragraph._p.pPr.find(qn("w:numPr")) is not None
    document.save(str(path))
    return path


def test_docx_automatic_numbers_are_restored(tmp_path):
    path = _numbered_docx(tmp_path / "list.docx", [
        (0, "Về cải cách thể chế"), (1, "Rà soát văn bản"), (1, "Công bố danh mục"),
        (0, "Về cải cách thủ tục hành chính"), (1, "Niêm yết thủ tục"),
    ])
    lines = [b.text for b in load_file(path).pages[0].blocks if b.text]
    assert lines == ["1. Về cải cách thể chế", "a) Rà soát văn bản", "b) Công bố danh mục",
                     "2. Về cải cách thủ tục hành chính", "a) Niêm yết thủ tục"]


def test_docx_roman_and_bullet_numbering(tmp_path):
    path = _numbered_docx(tmp_path / "roman.docx", [(0, "MỤC TIÊU"), (1, "Nâng cao chỉ số"), (0, "NHIỆM VỤ")],
                          formats=("upperRoman", "bullet"))
    lines = [b.text for b in load_file(path).pages[0].blocks if b.text]
    assert lines == ["I. MỤC TIÊU", "- Nâng cao chỉ số", "II. NHIỆM VỤ"]


def test_docx_tables_layout_cells_and_data_rows(tmp_path):
    header = [["ỦY BAN NHÂN DÂN TỈNH HÒA SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], ["Số: 08/KH-UBND", "Hòa Sơn"]]
    data = [["STT", "Nhiệm vụ", "Chủ trì"], ["1", "Rà soát thủ tục", "Văn phòng UBND tỉnh"]]
    path = write_docx(tmp_path / "t.docx", ["KẾ HOẠCH"], header_table=header, tables=[data])
    blocks = load_file(path).pages[0].blocks
    assert [b.text for b in blocks[:4]] == ["ỦY BAN NHÂN DÂN TỈNH HÒA SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                            "Số: 08/KH-UBND", "Hòa Sơn"]
    rows = [(b.kind, b.text) for b in blocks if b.table >= 0]
    assert rows == [("table_header", "STT | Nhiệm vụ | Chủ trì"), ("table_row", "1 | Rà soát thủ tục | Văn phòng UBND tỉnh")]


def test_docx_zip_bomb_is_refused_before_parsing(tmp_path):
    import zipfile

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(40):
                fh.write(chunk)
    with pytest.raises(IngestError, match="zip bomb"):
        load_file(path)


def _cp1258(text: str) -> bytes:
    """Windows-1258 keeps â ă ê ô ơ ư đ precomposed and writes tone marks as combining characters."""
    import unicodedata

    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


SENTENCE = ("Ủy ban nhân dân tỉnh Lâm Đồng giao Sở Nội vụ chủ trì, phối hợp với các cơ quan, đơn vị liên quan "
            "tổ chức thực hiện nhiệm vụ cải cách hành chính năm 2025.")


@pytest.mark.parametrize(("encoded", "encoding"), [
    (_cp1258(SENTENCE), "Windows-1258"),
    # The same sentence typed in legacy fonts, as their bytes read in Windows-1252.
    ("ñy ban nh©n d©n tØnh L©m §ång giao Së Néi vô chñ tr×, phèi hîp víi c¸c c¬ quan, ®¬n vÞ liªn quan "
     "tæ chøc thùc hiÖn nhiÖm vô c¶i c¸ch hµnh chÝnh n¨m 2025.".encode("cp1252"), "TCVN3"),
    ("UÛy ban nhaân daân tænh Laâm Ñoàng giao Sôû Noäi vuï chuû trì, phoái hôïp vôùi caùc cô quan, ñôn vò lieân "
     "quan toå chöùc thöïc hieän nhieäm vuï caûi caùch haønh chính naêm 2025.".encode("cp1252"), "VNI"),
])
def test_legacy_vietnamese_encodings_are_converted(encoded, encoding):
    raw = load_bytes(encoded, "legacy.txt")
    text = raw.pages[0].text
    assert f"converted from {encoding}" in raw.warnings[0]
    assert "giao Sở Nội vụ chủ trì" in text and "cải cách hành chính năm 2025" in text


def test_text_in_an_unknown_encoding_is_refused():
    with pytest.raises(IngestError, match="does not read as Vietnamese"):
        load_bytes(bytes(range(128, 256)) * 20, "strange.txt")


def test_page_limit_refuses_huge_pdfs_before_reading_them(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(2000):
        writer.add_blank_page(width=595, height=842)
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    with pytest.raises(IngestError, match="2000 pages, over the 1500-page limit"):
        load_file(path)
    assert len(load_file(path, max_pages=2000).pages) == 2000


def test_pdf_without_pdfium_falls_back_to_pypdf():
    from ingest.loaders import _read_pdf_pypdf

    data = (EXAMPLES / "TB_27_giai_ngan_dau_tu_cong.pdf").read_bytes()
    fast, slow = load_bytes(data, "a.pdf"), _read_pdf_pypdf(data, "a.pdf", 10)
    assert " ".join(fast.pages[1].text.split()) == " ".join(slow.pages[1].text.split())


@pytest.mark.parametrize("text", [
    ("Meeting notes\n\nThe Department of Finance shall submit the budget report before 31 January 2025. "
     "The Department of Planning and Investment shall coordinate with the districts on disbursement.\n"),
    ("<html><body><h1>Report</h1><p>The provincial budget plan was approved by the council on "
     "15 March 2025 after the public consultation closed.</p></body></html>\n"),
])
def test_typed_text_that_is_not_vietnamese_is_stored_as_written_and_said(text):
    """A TXT, DOC or DOCX holds what its author typed; only a PDF's garbled text layer is left for OCR."""
    from ingest.pipeline import DocumentParser

    doc = DocumentParser(ocr_enabled=False).parse_bytes(text.encode(), "notes.txt")
    assert doc.status == "ok" and doc.chunks, doc.warnings
    assert "31 January 2025" in doc.text or "15 March 2025" in doc.text
    assert any("does not read as Vietnamese" in w and "stored as written" in w for w in doc.warnings)
