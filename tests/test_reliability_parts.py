"""A malformed part inside a Word file is that file's error, and an unreadable re-upload never replaces a
readable document (issue 16, items 3 and 4): real DOCX and PDF files, a real store."""
from __future__ import annotations

import io
import zipfile

from conftest import make_container
from docgen import write_docx, write_pdf

NOTICE = ["THÔNG BÁO", "Kết luận của Chủ tịch UBND tỉnh Hòa Sơn về công tác bảo vệ rừng",
          "1. Giao Hạt Kiểm lâm huyện Sơn Tây tuần tra bảo vệ rừng phòng hộ đầu nguồn sông Trà Khúc, "
          "hoàn thành trước ngày 30/6/2025."]
FOOTNOTES = {
    "malformed": b"<w:footnotes xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:footnote",
    "undefined_entity": (b"<w:footnotes xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'>"
                         b"<w:footnote w:id='1'><w:p><w:r><w:t>&undefined;</w:t></w:r></w:p></w:footnote>"
                         b"</w:footnotes>"),
    "entity_bomb": (b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY a 'aaaaaaaaaa'>"
                    + b"".join(f"<!ENTITY {chr(98 + i)} '{('&' + chr(97 + i) + ';') * 10}'>".encode()
                               for i in range(8))
                    + b"]><w:footnotes xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'>"
                      b"<w:footnote w:id='1'><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:footnote></w:footnotes>"),
}


def with_footnotes(docx: bytes, footnotes: bytes) -> bytes:
    """The Word file with a footnotes part (and its relationship and content type) added."""
    src, out = zipfile.ZipFile(io.BytesIO(docx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdFoot" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/footnotes" '
                                    b'Target="footnotes.xml"/></Relationships>')
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="'
                                    b'application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"'
                                    b"/></Types>")
            dst.writestr(item, data)
        dst.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


def test_a_malformed_footnotes_part_fails_its_file_only(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    plain = write_docx(tmp_path / "plain.docx", NOTICE).read_bytes()
    for name, part in FOOTNOTES.items():
        (folder / f"TB_{name}.docx").write_bytes(with_footnotes(plain, part))
    (folder / "TB_zz_good.docx").write_bytes(plain)  # after the bad ones: the batch must reach it
    container = make_container(tmp_path / "store")
    report = container.ingest_runner.ingest_paths([folder])
    status = {f.source: f for f in report.files}
    assert status["TB_zz_good.docx"].status == "added"
    for name in ("malformed", "undefined_entity"):
        outcome = status[f"TB_{name}.docx"]
        assert outcome.status == "error" and "DOCX cannot be read" in outcome.message, outcome
    # Entities are never expanded: the bomb is read as a file whose footnote holds no text.
    bomb = status["TB_entity_bomb.docx"]
    assert bomb.status in ("added", "error"), bomb
    stored = {d.source for d in container.store.documents()}
    assert "TB_zz_good.docx" in stored and "TB_malformed.docx" not in stored


def scan_without_text() -> bytes:
    """A one-page PDF holding only an image (a scan; with OCR off nothing of it is readable)."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(image).rectangle((100, 100, 1100, 300), fill="black")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=210)
    return bytes(pdf.output())


def test_an_unreadable_reupload_keeps_the_readable_version(tmp_path):
    container = make_container(tmp_path / "store", ocr_enabled=False)
    readable = write_pdf(tmp_path / "readable.pdf", [NOTICE])
    first = container.ingest_runner.ingest_bytes(readable.read_bytes(), "TB_09_rung.pdf")
    assert first.status == "added" and first.chunks > 0
    before = container.store.documents()
    again = container.ingest_runner.ingest_bytes(scan_without_text(), "TB_09_rung.pdf")
    assert again.status == "flagged" and "stored version was kept" in again.message
    after = container.store.documents()
    assert [(d.doc_id, d.chunk_count, d.status) for d in after] == [(d.doc_id, d.chunk_count, d.status) for d in before]
    hits = container.service.search("tuần tra bảo vệ rừng phòng hộ sông Trà Khúc", k=3)
    assert hits and hits[0].chunk.source == "TB_09_rung.pdf"


def test_a_readable_reupload_still_replaces(tmp_path):
    container = make_container(tmp_path / "store", ocr_enabled=False)
    container.ingest_runner.ingest_bytes(write_pdf(tmp_path / "a.pdf", [NOTICE]).read_bytes(), "TB_09_rung.pdf")
    changed = NOTICE[:2] + ["1. Giao Hạt Kiểm lâm huyện Sơn Tây hoàn thành trước ngày 31/7/2025."]
    outcome = container.ingest_runner.ingest_bytes(write_pdf(tmp_path / "b.pdf", [changed]).read_bytes(),
                                                   "TB_09_rung.pdf")
    assert outcome.status == "replaced"


def test_a_docx_with_far_more_xml_than_any_notice_is_refused_before_parsing(tmp_path):
    """Under the zip-bomb ratio (random text packs poorly) but 48 MB of XML: refused, nothing stored."""
    import base64
    import os

    plain = write_docx(tmp_path / "plain.docx", NOTICE).read_bytes()
    filler = base64.b64encode(os.urandom(36 * 1024 * 1024))
    src, out = zipfile.ZipFile(io.BytesIO(plain)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p><w:r><w:t>" + filler + b"</w:t></w:r></w:p></w:body>")
            dst.writestr(item, data)
    container = make_container(tmp_path / "store")
    outcome = container.ingest_runner.ingest_bytes(out.getvalue(), "TB_big.docx")
    assert outcome.status == "error" and "MB of XML" in outcome.message
    assert container.store.documents() == []
